//! Who may do what: the four roles and the permissions each holds. The only copy of these rules;
//! every [`crate::Desk`] method asks for one permission before it reads or changes anything, and
//! the UI receives the signed-in user's permissions to hide what would be refused anyway.

use serde::{Deserialize, Serialize};

/// A user's role (stored as its snake_case name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Administrator,
    Supervisor,
    Nurse,
    ReadOnly,
}

/// What an action needs. Ordered from least to most trusted, but held by role, not by rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// See the queue, requests, the directory, reports; export statistics.
    Read,
    /// Take and work requests: intake, inquiries, transport, capacity reports, directory edits.
    Coordinate,
    /// Desk settings (matching weights, stale hours, stamp titles), the audit trail, backups on demand.
    Supervise,
    /// Users, backup settings, restore, demo data, the passphrase, the idle lock.
    Administer,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Administrator, Role::Supervisor, Role::Nurse, Role::ReadOnly];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Supervisor => "supervisor",
            Role::Nurse => "nurse",
            Role::ReadOnly => "read_only",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Role::Administrator => "管理者",
            Role::Supervisor => "主任",
            Role::Nurse => "看護師",
            Role::ReadOnly => "閲覧のみ",
        }
    }

    pub fn allows(self, permission: Permission) -> bool {
        match permission {
            Permission::Read => true,
            Permission::Coordinate => self != Role::ReadOnly,
            Permission::Supervise => matches!(self, Role::Administrator | Role::Supervisor),
            Permission::Administer => self == Role::Administrator,
        }
    }

    /// The permissions this role holds, for the UI.
    pub fn permissions(self) -> Vec<Permission> {
        Permission::ALL.into_iter().filter(|p| self.allows(*p)).collect()
    }
}

impl Permission {
    pub const ALL: [Permission; 4] =
        [Permission::Read, Permission::Coordinate, Permission::Supervise, Permission::Administer];

    /// The action's description in a refusal: 「この操作（…）は…の権限が必要です」.
    pub fn label_ja(self) -> &'static str {
        match self {
            Permission::Read => "閲覧",
            Permission::Coordinate => "調整業務",
            Permission::Supervise => "主任業務（設定・監査・バックアップ）",
            Permission::Administer => "管理（利用者・復元・暗号化）",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_hold_what_the_matrix_says() {
        use Permission::*;
        let held = |role: Role| role.permissions();
        assert_eq!(held(Role::Administrator), vec![Read, Coordinate, Supervise, Administer]);
        assert_eq!(held(Role::Supervisor), vec![Read, Coordinate, Supervise]);
        assert_eq!(held(Role::Nurse), vec![Read, Coordinate]);
        assert_eq!(held(Role::ReadOnly), vec![Read]);
    }

    #[test]
    fn names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
