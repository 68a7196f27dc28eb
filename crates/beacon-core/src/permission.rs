//! What each role may do. Every check in the web layer asks this module, so the
//! rules are in one place and are tested here without a server.
use crate::role::Role;

/// A thing a person may be allowed to do inside one organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Capability {
    /// See and manage the organisation's people, roles and invitations.
    ManagePeople,
    /// Read the organisation's audit log.
    ReadAudit,
    /// Read the organisation's email outbox (shown when no SMTP server is configured).
    ReadOutbox,
    /// Run challenges and the pipeline: screen ideas, move them through the
    /// stages, configure the stages, run pilots and record evaluations.
    RunPipeline,
    /// Hide and restore reported ideas and comments, merge duplicates.
    Moderate,
    /// Declare conflicts and score business cases on a panel.
    ScoreCases,
    /// Decide funding from a challenge's pot.
    DecideFunding,
    /// See the organisation's innovation portfolio.
    ViewPortfolio,
    /// Open and run facilitated sessions (possibility thinking).
    Facilitate,
    /// Run the talent pool: see profiles, pool status and trial outcomes, run
    /// matching, approve vacancy reviews and recruitment exceptions, import
    /// staff, edit the strengths framework, read workforce analytics.
    RunTalentPool,
    /// Raise vacancies and review them, see the people invited to one's own
    /// vacancies and record trial outcomes (never their strengths or pool
    /// status: PROMISES.md 4).
    ManageVacancies,
    /// Use the internal jobs market as an employee: keep a strengths profile,
    /// see open vacancies and, in the pool, matched opportunities.
    UseJobsMarket,
    /// Write the organisation's case studies for the practice exchange,
    /// publish them, answer questions about them and host visits.
    PublishCases,
}

impl Capability {
    /// The roles that hold this capability. Admin functions refuse every lower
    /// role (PROMISES.md 7), so these lists are deliberately short.
    pub const fn roles(self) -> &'static [Role] {
        match self {
            Capability::ManagePeople | Capability::ReadAudit | Capability::ReadOutbox => {
                &[Role::Admin]
            }
            Capability::RunPipeline | Capability::Moderate => &[Role::InnovationLead],
            Capability::ScoreCases | Capability::DecideFunding => &[Role::Panel],
            Capability::ViewPortfolio => &[Role::InnovationLead, Role::Panel, Role::Councillor],
            Capability::Facilitate => &[Role::InnovationLead, Role::Manager],
            Capability::RunTalentPool => &[Role::Hr],
            Capability::PublishCases => &[Role::InnovationLead],
            Capability::ManageVacancies => &[Role::Manager, Role::Hr],
            Capability::UseJobsMarket => &[
                Role::Staff,
                Role::Manager,
                Role::Hr,
                Role::InnovationLead,
                Role::Panel,
                Role::Admin,
            ],
        }
    }

    pub fn granted_by(self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.roles().contains(r))
    }
}

/// Who is asking, as far as permission rules care.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Standing {
    /// Roles in the organisation the request is about; empty when not a member.
    pub roles: Vec<Role>,
    /// A sector administrator creates organisations and partnerships; it grants
    /// nothing inside an organisation.
    pub sector_admin: bool,
}

impl Standing {
    pub fn can(&self, capability: Capability) -> bool {
        capability.granted_by(&self.roles)
    }

    pub fn is_member(&self) -> bool {
        !self.roles.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admin_manages_people() {
        for role in Role::ALL {
            let standing = Standing {
                roles: vec![role],
                sector_admin: false,
            };
            assert_eq!(
                standing.can(Capability::ManagePeople),
                role == Role::Admin,
                "{role}"
            );
        }
    }

    #[test]
    fn sector_admin_gains_nothing_inside_an_organisation() {
        let standing = Standing {
            roles: vec![],
            sector_admin: true,
        };
        assert!(!standing.can(Capability::ManagePeople));
        assert!(!standing.can(Capability::ReadAudit));
        assert!(!standing.is_member());
    }
}

/// Refused because the organisation would be left without an admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an organisation must keep at least one admin")]
pub struct LastAdmin;

/// An organisation must always keep an admin, or nobody could manage its
/// people again without a sector administrator.
pub fn check_revoke(role: Role, admins_in_org: usize) -> Result<(), LastAdmin> {
    if role == Role::Admin && admins_in_org <= 1 {
        Err(LastAdmin)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod revoke_tests {
    use super::*;

    #[test]
    fn the_last_admin_stays() {
        assert_eq!(check_revoke(Role::Admin, 1), Err(LastAdmin));
        assert_eq!(check_revoke(Role::Admin, 2), Ok(()));
        assert_eq!(check_revoke(Role::Staff, 1), Ok(()));
        assert_eq!(check_revoke(Role::Staff, 0), Ok(()));
    }
}
