//! The pool as the matching pages see it, read once per change.
//!
//! Matching reads every active pool member's profile and every open
//! vacancy's requirements, and the proposal scores every pair of them. Both
//! change rarely and are read often, so each server keeps one [`Snapshot`]
//! per organisation, labelled with the organisation's change stamp
//! (`beacon_db::talent_generation`, raised by triggers in the same
//! transaction as any change to those tables) and the day it was read for.
//! The snapshots are kept in a [`StampedCache`], which explains when one is
//! read afresh.
//!
//! Only this organisation's own pool is kept; partners' shared members are
//! read on each request (they change with the partners' own data).
use crate::app::AppState;
use crate::error::AppError;
use crate::stamped::StampedCache;
use beacon_core::OrgId;
use beacon_core::talent::PoolTier;
use beacon_core::talent::matching::{
    EngineProfile, EngineVacancy, Fit, Pair, StaffFacts, VacancyFacts, fit, opportunity_order,
    profile, propose, vacancy,
};
use beacon_core::talent::pool::effective_tier;
use beacon_db::entity::vacancy as vacancy_row;
use beacon_db::pool::{self, Member};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use time::Date;
use tokio::sync::OnceCell;
use uuid::Uuid;

/// One organisation's pool and open vacancies, in matching's terms.
pub(crate) struct Snapshot {
    pub today: Date,
    /// The framework's strength names in position order.
    pub names: Vec<String>,
    /// Each strength's place in the framework, by id.
    pub index: HashMap<Uuid, usize>,
    framework_size: usize,
    /// Active stays, in priority order.
    pub members: Vec<Member>,
    pub facts: Vec<StaffFacts>,
    profiles: Vec<EngineProfile>,
    pub tiers: Vec<PoolTier>,
    /// Vacancies the pool can be matched against, by title.
    pub vacancies: Vec<vacancy_row::Model>,
    pub vacancy_facts: Vec<VacancyFacts>,
    engine_vacancies: Vec<EngineVacancy>,
    /// Staff already on their way into each open vacancy.
    invited: BTreeMap<Uuid, HashSet<Uuid>>,
    proposal: OnceCell<Arc<Proposal>>,
}

/// The pool's assignment proposal over a snapshot.
pub(crate) struct Proposal {
    /// For each member, the open vacancies they meet the requirements of and
    /// are not already on their way into: `(vacancy index, fit)`, best first.
    pub options: Vec<Vec<(usize, Fit)>>,
    /// The vacancy proposed to each member, if any.
    pub chosen: Vec<Option<usize>>,
}

impl Snapshot {
    async fn read(state: &AppState, org: OrgId, today: Date) -> Result<Self, AppError> {
        let conn = state.db.conn();
        let framework = pool::framework(conn, org).await?;
        let index = pool::own_index(&framework);
        let members = pool::matchable(conn, org).await?;
        let people: Vec<&beacon_db::entity::staff::Model> =
            members.iter().map(|m| &m.staff).collect();
        let facts = pool::staff_facts(conn, org, &people, &index).await?;
        let vacancies = pool::open_vacancies(conn, org).await?;
        let vacancy_facts = pool::vacancy_facts(conn, org, &vacancies, &index).await?;
        let ids: Vec<Uuid> = vacancies.iter().map(|v| v.id).collect();
        let invited = pool::invited(conn, org, &ids).await?;
        let framework_size = framework.len();
        Ok(Self {
            today,
            names: framework.into_iter().map(|s| s.name).collect(),
            index,
            framework_size,
            profiles: facts.iter().map(|f| profile(f, framework_size)).collect(),
            tiers: members.iter().map(|m| stay_tier(m, today)).collect(),
            engine_vacancies: vacancy_facts.iter().map(vacancy).collect(),
            members,
            facts,
            vacancies,
            vacancy_facts,
            invited,
            proposal: OnceCell::new(),
        })
    }

    pub fn framework_size(&self) -> usize {
        self.framework_size
    }

    /// The index of an open vacancy.
    pub fn vacancy_index(&self, id: Uuid) -> Option<usize> {
        self.vacancies.iter().position(|v| v.id == id)
    }

    /// Every member's fit for one vacancy, in member order.
    pub fn fits_for(&self, v: &VacancyFacts) -> Vec<Fit> {
        let engine = vacancy(v);
        self.profiles
            .iter()
            .map(|p| fit(p, &engine, self.today))
            .collect()
    }

    /// The proposal, computed once per snapshot on a blocking thread (it
    /// scores every member against every open vacancy).
    pub async fn proposal(self: &Arc<Self>) -> Result<Arc<Proposal>, AppError> {
        let me = Arc::clone(self);
        self.proposal
            .get_or_try_init(|| async move {
                tokio::task::spawn_blocking(move || me.propose())
                    .await
                    .map_err(|e| AppError::Internal(format!("proposal: {e}")))?
            })
            .await
            .cloned()
    }

    fn propose(&self) -> Result<Arc<Proposal>, AppError> {
        let none = HashSet::new();
        let mut options: Vec<Vec<(usize, Fit)>> = Vec::with_capacity(self.members.len());
        let mut edges = Vec::new();
        for (p, person) in self.profiles.iter().enumerate() {
            let staff = self.members[p].staff.id;
            let mut mine = Vec::new();
            for (j, engine) in self.engine_vacancies.iter().enumerate() {
                let f = fit(person, engine, self.today);
                let on_way = self
                    .invited
                    .get(&self.vacancies[j].id)
                    .unwrap_or(&none)
                    .contains(&staff);
                if f.eligible && !on_way {
                    mine.push((j, f));
                    edges.push(Pair {
                        person: p,
                        vacancy: j,
                        points: f.points(),
                    });
                }
            }
            mine.sort_by_key(|(_, f)| opportunity_order(*f));
            options.push(mine);
        }
        let pairs = propose(&self.tiers, self.vacancies.len(), &edges)
            .map_err(|e| AppError::Internal(format!("assignment: {e}")))?;
        let mut chosen = vec![None; self.members.len()];
        for (p, j) in pairs {
            chosen[p] = Some(j);
        }
        Ok(Arc::new(Proposal { options, chosen }))
    }
}

/// The tier that counts today.
pub(crate) fn stay_tier(m: &Member, today: Date) -> PoolTier {
    let tier = m.stay.tier.parse().unwrap_or(PoolTier::Voluntary);
    effective_tier(tier, m.stay.protected_until, today)
}

/// Each organisation's latest snapshot (see the module's documentation).
pub type TalentCache = StampedCache<Snapshot>;

/// The organisation's snapshot as of now.
pub(crate) async fn current(state: &AppState, org: OrgId) -> Result<Arc<Snapshot>, AppError> {
    let today = state.clock.now().date();
    let stamp = beacon_db::talent_generation::current(state.db.conn(), org).await?;
    state
        .talent
        .get_or_read(org, (stamp, today), || Snapshot::read(state, org, today))
        .await
}

/// Each organisation's shared pool as its partners read it, kept per that
/// organisation's change stamp.
pub type SharedPools = StampedCache<pool::SharedPool>;

/// Every partner's shared pool members as `org` sees them: strengths put
/// into `org`'s framework (`names`) by name. Each partner's pool is kept
/// until that partner's own stamp moves; the home council's name is read
/// each time, since the stamp does not watch it.
pub(crate) async fn partners_shared(
    state: &AppState,
    org: OrgId,
    names: &[String],
    today: Date,
) -> Result<Vec<pool::SharedMember>, AppError> {
    let conn = state.db.conn();
    let mut out = Vec::new();
    for partner in beacon_db::organisations::partners_of(conn, org).await? {
        let Some(home) = beacon_db::organisations::by_id(conn, partner).await? else {
            continue;
        };
        let stamp = beacon_db::talent_generation::current(conn, partner).await?;
        let shared = state
            .shared_pools
            .get_or_read(partner, (stamp, today), || async {
                Ok::<_, AppError>(pool::shared_pool(conn, partner).await?)
            })
            .await?;
        out.extend(shared.seen_by(&home.name, names));
    }
    Ok(out)
}
