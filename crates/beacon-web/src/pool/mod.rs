//! The talent pool and matching (DESIGN.md §3.2): the pool and its members
//! (`members`), ranked candidates for a vacancy, a pool member's own
//! opportunities and the pool's assignment proposal (`matching`).
//!
//! Who may see what (PROMISES.md 4): the pool, strengths, tiers and scores
//! are HR's (`RunTalentPool`) and, for their own record only, the person's
//! (`/talent/opportunities`). A partner council's HR sees, among candidates
//! for its own vacancies, only the members who agreed to be shared, with
//! their home council and how their strengths fit: never tier or status.
//! Nothing here ever describes anyone as "at risk".
mod matching;
mod members;
mod snapshot;

pub(crate) use snapshot::{SharedPools, TalentCache};

use crate::i18n::{Lang, tf};
use crate::routes::{Access, Route, route};
use axum::http::Method;
use axum::routing::{get, post};
use beacon_core::permission::Capability;
use beacon_core::talent::matching::{Explained, LocationCheck, QualState, TrainingFor};
use beacon_core::talent::{PoolStatus, PoolTier};

pub fn routes() -> Vec<Route> {
    let hr = Access::Can(Capability::RunTalentPool);
    vec![
        route(Method::GET, "/talent", hr, get(members::list)),
        route(Method::GET, "/talent/pool/new", hr, get(members::new_page)),
        route(Method::POST, "/talent/pool/new", hr, post(members::add)),
        route(Method::GET, "/talent/members/{id}", hr, get(members::show)),
        route(
            Method::POST,
            "/talent/members/{id}",
            hr,
            post(members::change),
        ),
        route(
            Method::GET,
            "/vacancies/{id}/candidates",
            hr,
            get(matching::candidates),
        ),
        route(
            Method::POST,
            "/vacancies/{id}/candidates",
            hr,
            post(matching::invite),
        ),
        route(
            Method::GET,
            "/talent/opportunities",
            Access::Can(Capability::UseJobsMarket),
            get(matching::opportunities),
        ),
        route(Method::GET, "/talent/matching", hr, get(matching::proposal)),
        route(
            Method::POST,
            "/talent/matching",
            hr,
            post(matching::invite_proposal),
        ),
    ]
}

pub(crate) fn tier_label(lang: Lang, tier: PoolTier) -> &'static str {
    lang.t(&format!("pool.tier.{}", tier.key()))
}

pub(crate) fn status_label(lang: Lang, status: PoolStatus) -> &'static str {
    lang.t(&format!("pool.status.{}", status.key()))
}

/// A service area's name from its key; text that is not a key is shown as it is.
pub(crate) fn area_name(lang: Lang, key: &str) -> String {
    match crate::ideas::area_label(lang, key) {
        "" => key.to_owned(),
        name => name.to_owned(),
    }
}

/// Hours a week from minutes: "37" or "22.5".
pub(crate) fn hours(minutes: u32) -> String {
    if minutes.is_multiple_of(60) {
        (minutes / 60).to_string()
    } else {
        format!("{:.1}", f64::from(minutes) / 60.0)
    }
}

/// One line of an explanation; `ok` is shown as met / not met when known.
pub(crate) struct Line {
    pub ok: Option<bool>,
    pub text: String,
}

impl Line {
    /// A requirement that is not met.
    pub fn missed(&self) -> bool {
        self.ok == Some(false)
    }
}

/// A score explained in the page's language, grouped as the page shows it;
/// it renders itself as a GOV.UK "details" block that works without
/// JavaScript.
#[derive(askama::Template)]
#[template(path = "pool/explanation.html")]
pub(crate) struct ExplanationView {
    pub lang: Lang,
    pub score: String,
    pub guaranteed: bool,
    pub strengths: Vec<Line>,
    pub requirements: Vec<Line>,
    pub training: Vec<Line>,
    pub parts: Vec<Line>,
}

impl askama::filters::HtmlSafe for ExplanationView {}

/// Puts an engine's explanation into words. `names[i]` is the name of the
/// framework's strength at index `i`.
pub(crate) fn explain(
    lang: Lang,
    e: &Explained,
    names: &[String],
    own_grade: u8,
) -> ExplanationView {
    let name = |i: usize| names.get(i).cloned().unwrap_or_else(|| (i + 1).to_string());
    let n = |v: u32| v.to_string();
    let strengths = e
        .strengths
        .iter()
        .map(|s| Line {
            ok: Some(s.meets()),
            text: tf(
                lang,
                if s.meets() {
                    "pool.explain.strength_met"
                } else {
                    "pool.explain.strength_short"
                },
                &[
                    ("name", &name(s.index)),
                    ("held", &s.held.to_string()),
                    ("wanted", &s.wanted.to_string()),
                ],
            ),
        })
        .collect();
    let mut requirements: Vec<Line> = e
        .essentials
        .iter()
        .map(|q| {
            let key = match (q.state, q.training_days) {
                (QualState::Held, _) => "pool.explain.qual_held".to_owned(),
                (state, Some(_)) => format!("pool.explain.qual_{}_trainable", state.key()),
                (state, None) => format!("pool.explain.qual_{}", state.key()),
            };
            Line {
                ok: Some(q.met),
                text: tf(
                    lang,
                    &key,
                    &[
                        ("title", &q.title),
                        ("days", &q.training_days.map(n).unwrap_or_default()),
                    ],
                ),
            }
        })
        .collect();
    requirements.push(Line {
        ok: Some(e.grade_met),
        text: tf(
            lang,
            if e.grade_met {
                "pool.explain.grade_met"
            } else {
                "pool.explain.grade_not_met"
            },
            &[("grade", &own_grade.to_string())],
        ),
    });
    requirements.push(Line {
        ok: Some(e.hours_met),
        text: lang
            .t(if e.hours_met {
                "pool.explain.hours_met"
            } else {
                "pool.explain.hours_not_met"
            })
            .to_owned(),
    });
    let location = match &e.location {
        LocationCheck::Remote => lang.t("pool.explain.location_remote").to_owned(),
        LocationCheck::Site => lang.t("pool.explain.location_site").to_owned(),
        LocationCheck::Distance {
            tenths_km,
            limit_km,
        } => tf(
            lang,
            "pool.explain.location_distance",
            &[
                ("km", &format!("{}.{}", tenths_km / 10, tenths_km % 10)),
                ("limit", &limit_km.to_string()),
            ],
        ),
        LocationCheck::Unknown => lang.t("pool.explain.location_unknown").to_owned(),
    };
    requirements.push(Line {
        ok: Some(e.location_met),
        text: location,
    });
    let mut training: Vec<Line> = e
        .training
        .iter()
        .map(|t| Line {
            ok: None,
            text: match &t.what {
                TrainingFor::Qualification(title) => tf(
                    lang,
                    "pool.explain.train_qualification",
                    &[("title", title), ("days", &t.days.to_string())],
                ),
                TrainingFor::Strength { index, from, to } => tf(
                    lang,
                    "pool.explain.train_strength",
                    &[
                        ("name", &name(*index)),
                        ("from", &from.to_string()),
                        ("to", &to.to_string()),
                        ("days", &t.days.to_string()),
                    ],
                ),
            },
        })
        .collect();
    training.push(Line {
        ok: Some(e.training_within_limit),
        text: tf(
            lang,
            if e.training.is_empty() {
                "pool.explain.no_training"
            } else {
                "pool.explain.training_total"
            },
            &[("days", &e.training_days.to_string())],
        ),
    });
    let parts = e
        .parts
        .iter()
        .map(|p| Line {
            ok: None,
            text: tf(
                lang,
                &format!("pool.explain.part_{}", p.key()),
                &[
                    ("points", &format!("{:.1}", p.points.abs())),
                    ("weight", &p.weight.to_string()),
                    ("percent", &format!("{:.0}", p.fit * 100.0)),
                ],
            ),
        })
        .collect();
    ExplanationView {
        lang,
        score: e.whole_score().to_string(),
        guaranteed: e.guaranteed_interview,
        strengths,
        requirements,
        training,
        parts,
    }
}
