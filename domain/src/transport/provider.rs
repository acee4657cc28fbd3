//! The transport providers directory: who can carry patients, in what, where and when.

use crate::error::Detail;
use serde::{Deserialize, Serialize};

use crate::contact::phone_digits;
use crate::error::{Problem, Problems, Result};
use crate::text::{char_len, fold_width, strip_controls, to_hiragana};

/// What a patient travels in. A stretcher vehicle also carries wheelchair and seated patients; a
/// wheelchair vehicle also carries seated ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum VehicleType {
    Seated,
    Wheelchair,
    Stretcher,
}

impl VehicleType {
    pub const ALL: [VehicleType; 3] = [VehicleType::Stretcher, VehicleType::Wheelchair, VehicleType::Seated];

    pub fn as_str(self) -> &'static str {
        match self {
            VehicleType::Seated => "seated",
            VehicleType::Wheelchair => "wheelchair",
            VehicleType::Stretcher => "stretcher",
        }
    }

    pub fn parse(name: &str) -> Option<VehicleType> {
        VehicleType::ALL.into_iter().find(|v| v.as_str() == name)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            VehicleType::Seated => "座席（一般車両）",
            VehicleType::Wheelchair => "車いす",
            VehicleType::Stretcher => "ストレッチャー",
        }
    }

    /// Can a vehicle of this type carry a patient who needs `needed`?
    pub fn carries(self, needed: VehicleType) -> bool {
        self >= needed
    }
}

/// A provider as typed or read from a file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct TransportProviderInput {
    /// The service's name as the desk calls it (e.g. かもめ民間救急サービス).
    pub name: String,
    pub kana: String,
    /// The company running it, when different.
    pub operator: String,
    /// Transport mode ids of the region pack (民間救急, 福祉タクシー, …).
    pub modes: Vec<String>,
    pub vehicle_types: Vec<VehicleType>,
    pub oxygen: bool,
    /// Can send an escort (付添) with the patient.
    pub escort: bool,
    /// Its trips can be paid from public funds (公費).
    pub public_funds: bool,
    /// Municipality codes or medical region ids of the region pack.
    pub areas: Vec<String>,
    /// Operating hours as written (e.g. 「8:00〜20:00（土日祝休）」).
    pub hours: String,
    pub phone: String,
    pub fax: String,
    pub person: String,
    pub note: String,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// A stored provider, as the directory, the proposal and the sheet show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TransportProvider {
    pub id: String,
    pub name: String,
    pub kana: String,
    pub operator: String,
    pub modes: Vec<String>,
    pub mode_names: Vec<String>,
    pub vehicle_types: Vec<VehicleType>,
    pub oxygen: bool,
    pub escort: bool,
    pub public_funds: bool,
    pub areas: Vec<String>,
    /// The areas' names (municipalities and regions), in the same order.
    pub area_names: Vec<String>,
    pub hours: String,
    pub phone: String,
    pub fax: String,
    pub person: String,
    pub note: String,
    pub active: bool,
    pub version: u32,
}

pub const NAME_MAX: usize = 100;
pub const TEXT_MAX: usize = 200;
pub const NOTE_MAX: usize = 1000;

impl TransportProviderInput {
    /// Normalises and checks what needs no database; `known_mode` and `known_area` check the
    /// vocabulary and places against the region pack.
    pub fn checked(
        &self,
        known_mode: impl Fn(&str) -> bool,
        known_area: impl Fn(&str) -> bool,
    ) -> Result<TransportProviderInput> {
        let mut problems = Problems::default();
        let text = |field: &str, raw: &str, max: usize, problems: &mut Problems| {
            let value = strip_controls(raw.trim());
            if char_len(&value) > max {
                problems.add(field, Problem::TooLong { max: max as u32 });
            }
            value
        };
        let name = text("name", &self.name, NAME_MAX, &mut problems);
        if name.is_empty() {
            problems.add("name", Problem::Required);
        }
        let kana = to_hiragana(&text("kana", &fold_width(&self.kana), NAME_MAX, &mut problems));
        let operator = text("operator", &self.operator, NAME_MAX, &mut problems);
        let hours = text("hours", &self.hours, TEXT_MAX, &mut problems);
        let person = text("person", &self.person, NAME_MAX, &mut problems);
        let note = text("note", &self.note, NOTE_MAX, &mut problems);
        let phone = text("phone", &self.phone, NAME_MAX, &mut problems);
        let fax = text("fax", &self.fax, NAME_MAX, &mut problems);
        for (field, number) in [("phone", &phone), ("fax", &fax)] {
            if !number.is_empty() && phone_digits(number).is_none() {
                problems.add_detail(field, Problem::Invalid, Detail::PhoneFormat);
            }
        }
        if phone.is_empty() {
            problems.add_detail("phone", Problem::Required, Detail::ProviderPhoneRequired);
        }
        for (i, mode) in self.modes.iter().enumerate() {
            if !known_mode(mode) {
                problems.add(&format!("modes[{i}]"), Problem::UnknownReference);
            }
        }
        if self.modes.is_empty() {
            problems.add("modes", Problem::Required);
        }
        let mut vehicle_types = self.vehicle_types.clone();
        vehicle_types.sort_by(|a, b| b.cmp(a));
        vehicle_types.dedup();
        if vehicle_types.is_empty() {
            problems.add("vehicle_types", Problem::Required);
        }
        let mut areas: Vec<String> = Vec::new();
        for (i, area) in self.areas.iter().enumerate() {
            let area = fold_width(area);
            if !known_area(&area) {
                problems.add(&format!("areas[{i}]"), Problem::UnknownReference);
            } else if !areas.contains(&area) {
                areas.push(area);
            }
        }
        if self.areas.is_empty() {
            problems.add("areas", Problem::Required);
        }
        problems.into_result()?;
        Ok(TransportProviderInput {
            name,
            kana,
            operator,
            modes: self.modes.clone(),
            vehicle_types,
            oxygen: self.oxygen,
            escort: self.escort,
            public_funds: self.public_funds,
            areas,
            hours,
            phone,
            fax,
            person,
            note,
            active: self.active,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bigger_vehicles_carry_smaller_needs() {
        assert!(VehicleType::Stretcher.carries(VehicleType::Seated));
        assert!(VehicleType::Wheelchair.carries(VehicleType::Seated));
        assert!(!VehicleType::Wheelchair.carries(VehicleType::Stretcher));
        assert!(!VehicleType::Seated.carries(VehicleType::Wheelchair));
    }

    #[test]
    fn a_provider_needs_a_name_a_phone_a_vehicle_and_known_places() {
        let input = TransportProviderInput {
            name: " ".into(),
            phone: "123".into(),
            modes: vec!["rocket".into()],
            areas: vec!["p8-yokohama".into(), "999999".into()],
            ..Default::default()
        };
        let Err(crate::error::Error::Validation(found)) = input.checked(|m| m == "taxi", |a| a == "p8-yokohama") else {
            panic!("accepted")
        };
        let fields: Vec<_> = found.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["name", "phone", "modes[0]", "vehicle_types", "areas[1]"]);
    }
}
