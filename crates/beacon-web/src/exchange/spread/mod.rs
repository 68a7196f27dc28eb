//! How practice spreads: adopting a case into one's own pipeline, following
//! service areas, councils and tags (with email digests), and Atom feeds.
//!
//! - `adopt`: "we want to try this" and the source council's view of who
//!   adopted its case and how it went;
//! - `follow`: what a person follows and how often their digest comes;
//! - `digests`: the background sender of due digests;
//! - `feeds`: public Atom feeds, for any feed reader.
//!
//! Outside its council a case is read only through its publication, filtered
//! by `publications::readable_by`; an anonymised one is "an anonymised
//! council" everywhere here.
mod adopt;
mod digests;
mod feeds;
mod follow;

pub use adopt::{AdoptedFrom, adopted_from};
pub use digests::send_due_digests;

use crate::i18n::Lang;
use crate::routes::{Access, Route, route};
use axum::http::Method;
use axum::routing::{get, post};
use beacon_core::permission::Capability;
use beacon_db::entity::case_publication;

pub fn routes() -> Vec<Route> {
    let member = Access::Member;
    let lead = Access::Can(Capability::PublishCases);
    vec![
        route(
            Method::GET,
            "/exchange/cases/{id}/adopt",
            member,
            get(adopt::confirm),
        ),
        route(
            Method::POST,
            "/exchange/cases/{id}/adopt",
            member,
            post(adopt::adopt),
        ),
        route(
            Method::GET,
            "/exchange/cases/{id}/adoptions",
            lead,
            get(adopt::adoptions),
        ),
        route(
            Method::GET,
            "/exchange/following",
            Access::SignedIn,
            get(follow::show),
        ),
        route(
            Method::POST,
            "/exchange/following",
            Access::SignedIn,
            post(follow::add),
        ),
        route(
            Method::POST,
            "/exchange/following/remove",
            Access::SignedIn,
            post(follow::remove),
        ),
        route(
            Method::GET,
            "/exchange/feed.atom",
            Access::Public,
            get(feeds::all),
        ),
        route(
            Method::GET,
            "/exchange/areas/{area}/feed.atom",
            Access::Public,
            get(feeds::area),
        ),
        route(
            Method::GET,
            "/exchange/tags/{tag}/feed.atom",
            Access::Public,
            get(feeds::tag),
        ),
    ]
}

/// Who a publication is from, as anyone outside its council reads it: the
/// council's name, or "an anonymised council" (never anything else).
pub(crate) fn council_label(lang: Lang, p: &case_publication::Model) -> String {
    match (&p.council_name, p.anonymous) {
        (Some(name), false) if !name.is_empty() => name.clone(),
        _ => lang.t("exchange.spread.anonymised_council").to_owned(),
    }
}

/// A service area's name, or the key as given for one we do not know (a
/// case from another Beacon).
pub(crate) fn area_name(lang: Lang, key: &str) -> String {
    match crate::i18n::lookup(lang, &format!("ideas.area.{key}")) {
        Some(name)
            if key
                .parse::<beacon_core::pipeline::stages::ServiceArea>()
                .is_ok() =>
        {
            name.to_owned()
        }
        _ => key.to_owned(),
    }
}
