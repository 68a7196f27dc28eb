//! The practice exchange of DESIGN.md §3.3: the vocabulary every part of it
//! shares, and the one rule that decides who may read a shared case. The
//! other rules live in the submodules: `cases` (what a case study must hold
//! before it is published), `anonymise` (the safe-space projection),
//! `follow` (what a follower is told), `visits` (questions and hosted visits),
//! `federation` (what another Beacon's public cases may contain).
//!
//! A case study belongs to its council. What leaves the council is never the
//! case itself but a **publication**: an explicit projection written when the
//! case is published (named, or anonymised after moderation), and the only
//! thing any other council, the public, a feed, the search index or another
//! Beacon ever reads (PROMISES.md 21).
pub mod anonymise;
pub mod cases;
pub mod federation;
pub mod follow;
pub mod visits;

use crate::OrgId;
use crate::pipeline::vocabulary;
use serde::{Deserialize, Serialize};

vocabulary! {
    /// How far a published case travels.
    Level, "publishing level" {
        /// The council's own people only.
        Internal => "internal",
        /// Also the councils in a partnership with it.
        Partners => "partners",
        /// Anyone, signed in or not, and other Beacons.
        Public => "public",
    }
}

vocabulary! {
    /// Where a case study is in its life.
    CaseStatus, "case status" {
        Draft => "draft",
        /// Published at its level; an anonymised case only once moderation
        /// has approved its projection.
        Published => "published",
        /// Taken down by its council: no longer readable outside it.
        Withdrawn => "withdrawn",
    }
}

vocabulary! {
    /// The moderation of an anonymised projection.
    ModerationStatus, "moderation status" {
        Pending => "pending",
        Approved => "approved",
        /// Sent back with a note: the council edits and asks again.
        Refused => "refused",
    }
}

vocabulary! {
    /// The sections of a case study: a superset of the OECD Observatory of
    /// Public Sector Innovation's case study template. The order is the order
    /// on the page.
    Section, "section" {
        Summary => "summary",
        Innovative => "innovative",
        Context => "context",
        Partners => "partners",
        Users => "users",
        Results => "results",
        Challenges => "challenges",
        Conditions => "conditions",
        Replication => "replication",
        Lessons => "lessons",
        Materials => "materials",
    }
}

vocabulary! {
    /// The OPSI innovation lifecycle: how far the work had gone.
    LifecycleStage, "lifecycle stage" {
        IdentifyingProblems => "identifying_problems",
        GeneratingIdeas => "generating_ideas",
        DevelopingProposals => "developing_proposals",
        Implementing => "implementing",
        Evaluating => "evaluating",
        Diffusing => "diffusing",
    }
}

/// Who is reading. Partnerships are looked up by the caller, since the core
/// does no I/O.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reader {
    /// Not signed in, a feed reader, another Beacon.
    Public,
    /// Acting for a council, which is in partnership with `partners`.
    Member { org: OrgId, partners: Vec<OrgId> },
}

impl Reader {
    pub fn org(&self) -> Option<OrgId> {
        match self {
            Reader::Public => None,
            Reader::Member { org, .. } => Some(*org),
        }
    }
}

/// Whether `reader` may read a case of council `owner` published at `level`.
/// The owner's own people read all their published cases; partners read
/// partners and public; everyone reads public.
pub fn may_read(reader: &Reader, owner: OrgId, level: Level) -> bool {
    match (reader, level) {
        (_, Level::Public) => true,
        (Reader::Public, _) => false,
        (Reader::Member { org, .. }, Level::Internal) => *org == owner,
        (Reader::Member { org, partners }, Level::Partners) => {
            *org == owner || partners.contains(&owner)
        }
    }
}

/// Funding, in the fields 360Giving uses for a grant: who gave it, under
/// which programme, how much, when.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funding {
    /// `fundingOrganization.name`.
    pub funder: String,
    /// `grantProgramme.title`.
    pub programme: String,
    /// `amountAwarded`, in pence (the currency is always GBP here).
    pub amount_pence: Option<i64>,
    /// `awardDate`.
    pub awarded_on: Option<time::Date>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;
    use uuid::Uuid;

    fn org(n: u128) -> OrgId {
        OrgId::from_uuid(Uuid::from_u128(n))
    }

    #[test]
    fn every_key_parses_back_to_its_value() {
        for l in Level::ALL {
            assert_eq!(l.key().parse::<Level>(), Ok(*l));
        }
        for s in CaseStatus::ALL {
            assert_eq!(s.key().parse::<CaseStatus>(), Ok(*s));
        }
        for m in ModerationStatus::ALL {
            assert_eq!(m.key().parse::<ModerationStatus>(), Ok(*m));
        }
        for s in Section::ALL {
            assert_eq!(s.key().parse::<Section>(), Ok(*s));
        }
        for s in LifecycleStage::ALL {
            assert_eq!(s.key().parse::<LifecycleStage>(), Ok(*s));
        }
        assert!("secret".parse::<Level>().is_err());
    }

    #[test]
    fn who_reads_what() {
        let (own, partner, other) = (org(1), org(2), org(3));
        let member = |o| Reader::Member {
            org: o,
            partners: if o == own { vec![partner] } else { vec![own] },
        };
        let outsider = Reader::Member {
            org: other,
            partners: vec![],
        };
        for level in Level::ALL {
            assert!(
                may_read(&member(own), own, *level),
                "the owner reads {level}"
            );
        }
        assert!(!may_read(&member(partner), own, Level::Internal));
        assert!(may_read(&member(partner), own, Level::Partners));
        assert!(!may_read(&outsider, own, Level::Partners));
        assert!(!may_read(&Reader::Public, own, Level::Partners));
        assert!(may_read(&Reader::Public, own, Level::Public));
    }

    proptest! {
        /// Widening the level never takes a reader away.
        #[test]
        fn levels_only_widen(o in 0u128..4, owner in 0u128..4, p in proptest::collection::vec(0u128..4, 0..3)) {
            let reader = Reader::Member { org: org(o), partners: p.into_iter().map(org).collect() };
            let read = |l| may_read(&reader, org(owner), l);
            prop_assert!(!read(Level::Internal) || read(Level::Partners));
            prop_assert!(!read(Level::Partners) || read(Level::Public));
            prop_assert!(!may_read(&Reader::Public, org(owner), Level::Internal));
        }
    }
}
