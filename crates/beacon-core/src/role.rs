//! The roles of DESIGN.md §2. A person holds roles per organisation; permissions
//! come only from roles (see `permission`).
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Resident,
    Staff,
    Manager,
    Hr,
    InnovationLead,
    Panel,
    Councillor,
    Partner,
    Admin,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Resident,
        Role::Staff,
        Role::Manager,
        Role::Hr,
        Role::InnovationLead,
        Role::Panel,
        Role::Councillor,
        Role::Partner,
        Role::Admin,
    ];

    /// The stable key stored in the database and used in forms and translations.
    pub const fn key(self) -> &'static str {
        match self {
            Role::Resident => "resident",
            Role::Staff => "staff",
            Role::Manager => "manager",
            Role::Hr => "hr",
            Role::InnovationLead => "innovation_lead",
            Role::Panel => "panel",
            Role::Councillor => "councillor",
            Role::Partner => "partner",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role")]
pub struct UnknownRole;

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.key() == s)
            .ok_or(UnknownRole)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_key() {
        for role in Role::ALL {
            assert_eq!(role.key().parse::<Role>(), Ok(role));
        }
        assert_eq!("superuser".parse::<Role>(), Err(UnknownRole));
    }
}
