//! The innovation pipeline of DESIGN.md §3.1: the vocabulary every part of it
//! shares. The rules live in the submodules: `stages` (moves and their gates),
//! `appraisal` (the Green Book business case), `risk` (the risk register),
//! `panel` (scores and funding decisions), `portfolio` (balance and totals).
//!
//! Each vocabulary type has a stable `key()` stored in the database and used
//! in forms and translations, and parses back from it; anything else is
//! refused, so a form can never store a value the app does not know.
pub mod appraisal;
pub mod delivery;
pub mod panel;
pub mod portfolio;
pub mod risk;
pub mod similarity;
pub mod stages;

use serde::{Deserialize, Serialize};

/// Money in pence. Stored as a whole number so no float ever touches it; the
/// appraisal converts to `rust_decimal::Decimal` for its arithmetic.
pub type Pence = i64;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind}: {value}")]
pub struct UnknownKey {
    pub kind: &'static str,
    pub value: String,
}

/// A closed list of values with stable keys.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $kind:literal { $($(#[$vmeta:meta])* $variant:ident => $key:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub const fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::pipeline::UnknownKey;
            fn from_str(s: &str) -> Result<Self, $crate::pipeline::UnknownKey> {
                match s {
                    $($key => Ok($name::$variant),)+
                    other => Err($crate::pipeline::UnknownKey { kind: $kind, value: other.chars().take(40).collect() }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.key())
            }
        }
    };
}
pub(crate) use vocabulary;

vocabulary! {
    /// Who may answer a challenge.
    Audience, "audience" {
        Staff => "staff",
        Public => "public",
        Partners => "partners",
    }
}

vocabulary! {
    /// Humble or radical: the portfolio balances the two on purpose.
    IdeaKind, "kind" {
        Incremental => "incremental",
        Radical => "radical",
    }
}

vocabulary! {
    /// The OECD Observatory of Public Sector Innovation's four facets.
    Facet, "facet" {
        EnhancementOriented => "enhancement_oriented",
        MissionOriented => "mission_oriented",
        Adaptive => "adaptive",
        Anticipatory => "anticipatory",
    }
}

vocabulary! {
    /// Nesta's radical efficiency levers.
    Lever, "lever" {
        NewInsight => "new_insight",
        NewCustomers => "new_customers",
        NewSuppliers => "new_suppliers",
        NewResources => "new_resources",
    }
}

vocabulary! {
    /// How an evaluated idea ended.
    Outcome, "outcome" {
        Adopted => "adopted",
        Partly => "partly",
        Stopped => "stopped",
    }
}

vocabulary! {
    /// Where the money for a funded idea comes from (DESIGN.md §3.1).
    FundingModel, "funding model" {
        ChallengePot => "challenge_pot",
        ServiceBudget => "service_budget",
        PartnerInvestment => "partner_investment",
        RiskReward => "risk_reward",
    }
}

/// Nesta Standards of Evidence, level 1 (a logical reason why it should work)
/// to level 5 (manuals and systems that ensure consistent replication).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EvidenceLevel(u8);

impl EvidenceLevel {
    pub const ALL: [EvidenceLevel; 5] = [
        EvidenceLevel(1),
        EvidenceLevel(2),
        EvidenceLevel(3),
        EvidenceLevel(4),
        EvidenceLevel(5),
    ];

    pub fn new(level: u8) -> Option<Self> {
        (1..=5).contains(&level).then_some(EvidenceLevel(level))
    }

    pub const fn get(self) -> u8 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_parses_back_to_its_value() {
        for a in Audience::ALL {
            assert_eq!(a.key().parse::<Audience>(), Ok(*a));
        }
        for f in Facet::ALL {
            assert_eq!(f.key().parse::<Facet>(), Ok(*f));
        }
        for l in Lever::ALL {
            assert_eq!(l.key().parse::<Lever>(), Ok(*l));
        }
        for m in FundingModel::ALL {
            assert_eq!(m.key().parse::<FundingModel>(), Ok(*m));
        }
        assert!("Radical".parse::<IdeaKind>().is_err());
        assert!("".parse::<Outcome>().is_err());
    }

    #[test]
    fn evidence_levels_run_from_one_to_five() {
        assert!(EvidenceLevel::new(0).is_none());
        assert!(EvidenceLevel::new(6).is_none());
        assert_eq!(EvidenceLevel::new(3).map(EvidenceLevel::get), Some(3));
    }
}
