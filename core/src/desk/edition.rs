//! The two editions of one app: the coordination desk, and a hospital exchanging packages with it.
//! Chosen at the first set-up; the core refuses an action of the other edition (`wrong_edition`).
//! Both ends identify themselves with a keys file (`KeysFile`): the desk's is read at a hospital
//! edition's set-up, a hospital's is registered at the desk.

use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::Desk;
use super::people::{Access, NewUserInput};
use tenin_domain::access::Permission;
use tenin_domain::edition::Edition;
use tenin_domain::error::{Error, Problem, Result, Rule};
use tenin_domain::exchange::keys::PublicKeys;
use tenin_domain::exchange::keys_file::KeysFile;
use tenin_domain::hospital::NewHospital;
use tenin_store::{audit, hospitals, meta, reference, users};

/// What a hospital edition is set up with.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct HospitalSetup {
    /// The hospital's medical-institution code (checked as the desk checks it).
    pub hospital_code: String,
    pub hospital_name: String,
    pub hospital_name_kana: String,
    pub municipality_code: String,
    /// The desk's keys file, as received (its fingerprint is shown to be confirmed by phone).
    pub desk_keys: String,
    pub admin: NewUserInput,
}

/// What a hospital edition knows of itself and its desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HospitalIdentity {
    pub code: String,
    pub hospital_id: String,
    pub desk: KeysFile,
}

impl Desk {
    /// Which end this installation is.
    pub fn edition(&self) -> Result<Edition> {
        Ok(meta::get(self.store.read(), meta::EDITION)?.and_then(|e| Edition::parse(&e)).unwrap_or_default())
    }

    /// Refuses an action of the other edition.
    pub(crate) fn require(&self, needed: Edition) -> Result<()> {
        let this = self.edition()?;
        if this == needed { Ok(()) } else { Err(Error::WrongEdition { needed, this }) }
    }

    /// A hospital edition's own code and hospital, and its desk.
    pub fn hospital_identity(&self) -> Result<HospitalIdentity> {
        self.require(Edition::Hospital)?;
        let conn = self.store.read();
        let code = meta::get(conn, meta::OWN_HOSPITAL_CODE)?
            .ok_or_else(|| Error::ReferenceData("own_hospital_code".into()))?;
        let hospital_id =
            hospitals::by_code(conn, &code)?.ok_or_else(|| Error::ReferenceData(format!("医療機関 {code}")))?.0;
        let desk = meta::get(conn, meta::DESK_IDENTITY)?.ok_or_else(|| Error::ReferenceData("desk_identity".into()))?;
        let desk = KeysFile::read(&desk).map_err(|e| Error::ReferenceData(e.to_string()))?;
        Ok(HospitalIdentity { code, hospital_id, desk })
    }

    /// This end's id in the exchange: the desk's id, or a hospital edition's code.
    pub(crate) fn exchange_id(&self) -> Result<String> {
        match self.edition()? {
            Edition::Desk => self.desk_id(),
            Edition::Hospital => Ok(self.hospital_identity()?.code),
        }
    }

    /// This end's keys file, to give to the other end (`tenin package keys --export FILE`).
    pub fn keys_file(&self) -> Result<KeysFile> {
        self.allow(Permission::Read)?;
        let edition = self.edition()?;
        let name = match edition {
            Edition::Desk => self.desk_contact()?.name,
            Edition::Hospital => {
                let id = self.hospital_identity()?;
                self.hospital(&id.hospital_id)?.name
            }
        };
        Ok(KeysFile::new(edition, &self.exchange_id()?, &name, &self.key_pair()?.public()))
    }

    /// Saves this end's keys file into the exports folder (never over another file), to hand to
    /// the other end.
    pub fn save_keys_file(&self) -> Result<crate::export_file::SavedExport> {
        let file = self.keys_file()?;
        let text = serde_json::to_string_pretty(&file)?;
        let dir = crate::export_file::export_dir(&self.data_dir);
        let stem = format!("tenin-keys-{}", file.id);
        let path = crate::export_file::save_new(&dir, &stem, "json", text.as_bytes())?;
        Ok(crate::export_file::SavedExport { path: path.display().to_string(), substituted: Vec::new() })
    }

    /// The desk registers a hospital from the keys file it sent (its fingerprint confirmed by phone).
    pub fn trust_keys_file(&mut self, text: &str) -> Result<(String, PublicKeys)> {
        self.require(Edition::Desk)?;
        let file = KeysFile::read(text).map_err(|e| Error::refused("keys", &e.to_string()))?;
        if file.party != Edition::Hospital {
            return Err(Error::refused("keys", "医療機関の鍵ファイルではありません"));
        }
        let hospital = self.hospital_by_code(&file.id)?;
        let keys = self.set_hospital_keys(&hospital.id, &file.signing, &file.encryption)?;
        Ok((hospital.id, keys))
    }

    /// Reads a desk's keys file for a hospital edition's set-up, without changing anything: what
    /// the set-up screen shows (the desk's name and fingerprint, to confirm by phone).
    pub fn read_desk_keys(text: &str) -> Result<KeysFile> {
        let file = KeysFile::read(text).map_err(|e| Error::refused("desk_keys", &e.to_string()))?;
        if file.party != Edition::Desk {
            return Err(Error::refused("desk_keys", "調整デスクの鍵ファイルではありません"));
        }
        Ok(file)
    }

    /// Sets a new installation up as a hospital edition: its own hospital (code checked, its
    /// municipality from the region pack), its desk (from the desk's keys file), its first
    /// administrator — in one transaction, before any other data. Its own key pair was made when
    /// the database was; its keys file goes to the desk.
    pub fn set_up_hospital_edition(&mut self, setup: &HospitalSetup) -> Result<Access> {
        let desk = Desk::read_desk_keys(&setup.desk_keys)?;
        // The municipality by code or by name (「横浜市鶴見区」), as the region pack has it.
        let typed = tenin_domain::text::fold_width(&setup.municipality_code);
        let municipality = reference::municipalities(self.store.read(), None)?
            .into_iter()
            .find(|m| m.code == typed || m.name == typed)
            .map_or(typed, |m| m.code);
        let hospital = NewHospital {
            code: setup.hospital_code.clone(),
            name: setup.hospital_name.clone(),
            name_kana: if setup.hospital_name_kana.trim().is_empty() {
                setup.hospital_name.clone()
            } else {
                setup.hospital_name_kana.clone()
            },
            short_name: String::new(),
            municipality_code: municipality,
            address: String::new(),
            latitude: None,
            longitude: None,
            is_referring: true,
            is_receiving: true,
            is_priority: false,
            is_cooperating: false,
            active: true,
            contacts: Vec::new(),
            requirements: Default::default(),
        }
        .checked()?;
        let admin = NewUserInput { role: Some(tenin_domain::access::Role::Administrator), ..setup.admin.clone() };
        let admin = super::people::checked_new_user(&admin)?;
        let system_id = self.system.id.clone();
        let user = self.store.write(|tx| -> Result<users::User> {
            if users::count_signable_administrators(tx)? > 0 {
                return Err(Rule::AdministratorExists.into());
            }
            if hospitals::count(tx)? > 0 || tenin_store::requests::count(tx)? > 0 {
                return Err(Error::refused(
                    "edition",
                    "データのあるデスクは医療機関版にできません（新しいデータフォルダで始めてください）",
                ));
            }
            if !reference::municipality_exists(tx, &hospital.values.municipality_code)? {
                return Err(Error::Validation(vec![tenin_domain::error::FieldProblem::new(
                    "municipality_code",
                    Problem::UnknownReference,
                )]));
            }
            meta::set(tx, meta::EDITION, Edition::Hospital.as_str())?;
            meta::set(tx, meta::OWN_HOSPITAL_CODE, &hospital.values.code)?;
            meta::set(tx, meta::DESK_IDENTITY, &serde_json::to_string(&desk)?)?;
            hospitals::insert(tx, &system_id, &hospital)?;
            let note = serde_json::json!({"edition": "hospital", "code": hospital.values.code, "desk": desk.id,
                "desk_fingerprint": desk.fingerprint, "at": tenin_store::ids::to_rfc3339(Utc::now())});
            audit::created(tx, &system_id, "edition", "hospital", &note)?;
            super::people::insert_user(tx, &system_id, &admin)
        })?;
        self.start_session(user)
    }
}
