//! A file as the app's window hands it to the core: its bytes as base64 text. The default for
//! bytes, a JSON array of numbers, took about 30 seconds for an 8 MB history file in the app; a
//! string crosses in well under a second.

use crate::error::Detail;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Problem, Result};

/// A file's bytes, base64 (standard alphabet, padded), as `FileReader.readAsDataURL` gives them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(transparent)]
pub struct Upload(pub String);

impl Upload {
    pub fn of(bytes: &[u8]) -> Upload {
        Upload(BASE64.encode(bytes))
    }

    /// The file's bytes; text that is not base64 is refused (the file is never guessed at).
    pub fn bytes(&self) -> Result<Vec<u8>> {
        BASE64.decode(self.0.trim()).map_err(|_| Error::detailed("file", Problem::Invalid, Detail::UploadUnreadable))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_cross_as_base64_and_broken_text_is_refused() {
        let bytes = "受付日時,結果\n2024-05-01,転院済\n".as_bytes();
        let upload = Upload::of(bytes);
        assert_eq!(upload.bytes().expect("decoded"), bytes);
        assert_eq!(Upload("44GC".into()).bytes().expect("あ"), "あ".as_bytes());
        assert!(matches!(Upload("not base64!".into()).bytes(), Err(Error::Validation(_))));
    }
}
