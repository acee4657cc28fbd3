//! Which end of the exchange an installation is: the coordination desk, or a hospital. One app, two
//! editions; the core decides what each can do (a desk-only action on a hospital edition, or the
//! reverse, is refused with `wrong_edition`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Edition {
    /// 調整デスク: the prefecture's coordination desk.
    #[default]
    Desk,
    /// 医療機関: one hospital, exchanging packages with its desk.
    Hospital,
}

impl Edition {
    pub fn as_str(self) -> &'static str {
        match self {
            Edition::Desk => "desk",
            Edition::Hospital => "hospital",
        }
    }

    pub fn parse(text: &str) -> Option<Edition> {
        [Edition::Desk, Edition::Hospital].into_iter().find(|e| e.as_str() == text)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Edition::Desk => "調整デスク版",
            Edition::Hospital => "医療機関版",
        }
    }
}
