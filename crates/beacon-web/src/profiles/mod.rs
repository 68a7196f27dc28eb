//! The strengths framework, the self-assessment and staff profiles (DESIGN.md §3.2).
//!
//! Who may see and do what (PROMISES.md 4: strengths and the rest of a
//! profile appear only to the person and HR):
//! - `/talent/profile…` is the signed-in person's own staff record (found by
//!   its link to their account), for everyone who uses the jobs market; there
//!   is no way to name anyone else's record there;
//! - `/talent/people…` and `/talent/strengths…` are HR's: every other role
//!   gets 403, and another council's record is "not found".
mod assessment;
mod framework;
mod people;
mod profile;

use crate::app::AppState;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pipeline::format_date;
use crate::routes::{Access, Route, route};
use crate::visitor::Tenant;
use axum::http::Method;
use axum::routing::{get, post};
use beacon_core::permission::Capability;
use beacon_core::talent::strengths::format_hours;
use beacon_db::entity::staff;
use beacon_db::staff::Profile;
use time::Date;

pub fn routes() -> Vec<Route> {
    let hr = Access::Can(Capability::RunTalentPool);
    let own = Access::Can(Capability::UseJobsMarket);
    vec![
        route(Method::GET, "/talent/strengths", hr, get(framework::list)),
        route(Method::POST, "/talent/strengths", hr, post(framework::add)),
        route(
            Method::GET,
            "/talent/strengths/{id}",
            hr,
            get(framework::edit_page),
        ),
        route(
            Method::POST,
            "/talent/strengths/{id}",
            hr,
            post(framework::edit),
        ),
        route(
            Method::POST,
            "/talent/strengths/{id}/retire",
            hr,
            post(framework::retire),
        ),
        route(Method::GET, "/talent/profile", own, get(profile::show)),
        route(
            Method::GET,
            "/talent/profile/assessment",
            own,
            get(assessment::show),
        ),
        route(
            Method::POST,
            "/talent/profile/assessment",
            own,
            post(assessment::save),
        ),
        route(
            Method::GET,
            "/talent/profile/qualifications",
            own,
            get(profile::qualifications_page),
        ),
        route(
            Method::POST,
            "/talent/profile/qualifications",
            own,
            post(profile::add_qualification),
        ),
        route(
            Method::POST,
            "/talent/profile/qualifications/remove",
            own,
            post(profile::remove_qualification),
        ),
        route(
            Method::GET,
            "/talent/profile/experience",
            own,
            get(profile::experience_page),
        ),
        route(
            Method::POST,
            "/talent/profile/experience",
            own,
            post(profile::add_experience),
        ),
        route(
            Method::POST,
            "/talent/profile/experience/remove",
            own,
            post(profile::remove_experience),
        ),
        route(
            Method::GET,
            "/talent/profile/preferences",
            own,
            get(profile::preferences_page),
        ),
        route(
            Method::POST,
            "/talent/profile/preferences",
            own,
            post(profile::save_preferences),
        ),
        route(Method::GET, "/talent/people", hr, get(people::list)),
        route(Method::GET, "/talent/people/{id}", hr, get(people::show)),
        route(
            Method::POST,
            "/talent/people/{id}/contract",
            hr,
            post(people::save_contract),
        ),
    ]
}

/// The visitor's own staff record, if HR holds one linked to their account.
pub(crate) async fn own_record(
    state: &AppState,
    tenant: &Tenant,
) -> Result<Option<staff::Model>, AppError> {
    tenant.require(Capability::UseJobsMarket)?;
    Ok(beacon_db::staff::by_person(state.db.conn(), tenant.org, tenant.who.person.id).await?)
}

/// As `own_record`, for a change: without a record there is nothing to change.
pub(crate) async fn own_record_to_change(
    state: &AppState,
    tenant: &Tenant,
) -> Result<staff::Model, AppError> {
    own_record(state, tenant).await?.ok_or(AppError::NotFound)
}

pub(crate) fn area_label(lang: Lang, key: &str) -> &'static str {
    crate::ideas::area_label(lang, key)
}

/// One row of a profile's strengths table.
pub(crate) struct StrengthRow {
    pub name: String,
    pub level: Option<u8>,
}

/// One qualification as a profile shows it.
pub(crate) struct QualificationRow {
    pub id: String,
    pub title: String,
    /// "Expires 3 Mar 2027", "Expired on …" or "Does not expire".
    pub expiry: String,
    pub expired: bool,
}

pub(crate) struct ExperienceRow {
    pub id: String,
    pub role_title: String,
    pub area: &'static str,
    pub length: String,
}

/// A whole profile, ready for a page: what the person sees of themselves and
/// what HR sees of anyone (the same facts).
pub(crate) struct ProfileView {
    pub lang: Lang,
    pub staff: staff::Model,
    pub strengths: Vec<StrengthRow>,
    pub qualifications: Vec<QualificationRow>,
    pub experience: Vec<ExperienceRow>,
    /// The person's own view, with links to change what they may.
    pub own: bool,
}

impl ProfileView {
    pub fn new(lang: Lang, profile: Profile, today: Date, own: bool) -> Self {
        let t = |k: &str| lang.t(k);
        let strengths = profile
            .strengths
            .into_iter()
            .map(|(s, level)| StrengthRow {
                name: s.name,
                level,
            })
            .collect();
        let qualifications = profile
            .qualifications
            .into_iter()
            .map(|q| {
                let (expiry, expired) = match q.expires_on {
                    None => (t("profiles.qualification.no_expiry").to_owned(), false),
                    Some(d) if d < today => (
                        crate::i18n::tf(
                            lang,
                            "profiles.qualification.expired_on",
                            &[("date", &format_date(lang, d))],
                        ),
                        true,
                    ),
                    Some(d) => (
                        crate::i18n::tf(
                            lang,
                            "profiles.qualification.expires_on",
                            &[("date", &format_date(lang, d))],
                        ),
                        false,
                    ),
                };
                QualificationRow {
                    id: q.id.to_string(),
                    title: q.title,
                    expiry,
                    expired,
                }
            })
            .collect();
        let experience = profile
            .experience
            .into_iter()
            .map(|e| ExperienceRow {
                id: e.id.to_string(),
                role_title: e.role_title,
                area: area_label(lang, &e.service_area),
                length: months_text(lang, u32::try_from(e.months).unwrap_or(0)),
            })
            .collect();
        Self {
            lang,
            staff: profile.staff,
            strengths,
            qualifications,
            experience,
            own,
        }
    }

    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    pub fn level_text(&self, level: &Option<u8>) -> String {
        match level {
            Some(l) => {
                crate::i18n::tf(self.lang, "profiles.level.of", &[("level", &l.to_string())])
            }
            None => self.t("profiles.level.none").to_owned(),
        }
    }

    pub fn assessed(&self) -> bool {
        self.strengths.iter().any(|s| s.level.is_some())
    }

    pub fn grade(&self) -> String {
        self.staff.grade.to_string()
    }

    pub fn hours(&self) -> String {
        hours_text(
            self.lang,
            u32::try_from(self.staff.weekly_minutes).unwrap_or(0),
        )
    }

    pub fn area(&self) -> &'static str {
        self.staff
            .service_area
            .as_deref()
            .map_or("", |a| area_label(self.lang, a))
    }

    pub fn site(&self) -> String {
        self.staff
            .site
            .clone()
            .unwrap_or_else(|| self.t("profiles.none").to_owned())
    }

    pub fn other_sites(&self) -> Vec<String> {
        beacon_db::staff::Preferences::of(&self.staff).work_sites
    }

    pub fn travel(&self) -> String {
        match self.staff.max_travel_km {
            Some(km) => {
                crate::i18n::tf(self.lang, "profiles.travel.km", &[("km", &km.to_string())])
            }
            None => self.t("profiles.not_given").to_owned(),
        }
    }

    pub fn preferred_areas(&self) -> Vec<&'static str> {
        beacon_db::staff::Preferences::of(&self.staff)
            .preferred_areas
            .iter()
            .map(|a| area_label(self.lang, a.key()))
            .collect()
    }

    pub fn willing(&self) -> &'static str {
        if self.staff.willing_to_trial {
            self.t("profiles.yes")
        } else {
            self.t("profiles.no")
        }
    }

    pub fn available(&self) -> String {
        match self.staff.available_from {
            Some(d) => format_date(self.lang, d),
            None => self.t("profiles.available.now").to_owned(),
        }
    }
}

pub(crate) fn hours_text(lang: Lang, minutes: u32) -> String {
    crate::i18n::tf(
        lang,
        "profiles.hours.per_week",
        &[("hours", &format_hours(minutes))],
    )
}

/// "2 years 3 months", "8 months".
pub(crate) fn months_text(lang: Lang, months: u32) -> String {
    let (years, rest) = (months / 12, months % 12);
    let y = match years {
        0 => String::new(),
        1 => lang.t("profiles.duration.one_year").to_owned(),
        n => crate::i18n::tf(lang, "profiles.duration.years", &[("n", &n.to_string())]),
    };
    let m = match rest {
        0 => String::new(),
        1 => lang.t("profiles.duration.one_month").to_owned(),
        n => crate::i18n::tf(lang, "profiles.duration.months", &[("n", &n.to_string())]),
    };
    match (y.is_empty(), m.is_empty()) {
        (true, true) => lang.t("profiles.duration.none").to_owned(),
        (false, true) => y,
        (true, false) => m,
        (false, false) => format!("{y} {m}"),
    }
}

/// A page number from the address bar; anything else is the first page.
pub(crate) fn page_number(raw: Option<&str>) -> u64 {
    raw.and_then(|p| p.parse::<u64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1)
}
