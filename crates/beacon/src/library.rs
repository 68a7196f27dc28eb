//! The case library: real cases from published reports
//! (`data/case-library.toml`), loaded as public publications of the built-in
//! source "Case library" by `beacon exchange library` and by the demo. Each
//! case passes the same rules as a case fetched from another Beacon, and
//! loading again changes only what changed in the file.
use anyhow::Context;
use beacon_core::exchange::federation::{RemoteCase, WireCase, parse_cases};
use beacon_db::Db;
use beacon_db::exchange::federation::{self as store, Applied};
use serde::Deserialize;
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// The library as shipped with this build.
pub const DATA: &str = include_str!("../data/case-library.toml");

/// The library's name, as its cases are marked ("From Case library").
pub const NAME: &str = "Case library";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    case: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    title: String,
    council: String,
    service_area: String,
    facet: String,
    stage: String,
    year: i32,
    outcome: String,
    evidence_level: u8,
    #[serde(default)]
    cashable_savings_pence: i64,
    #[serde(default)]
    non_cashable_savings_pence: i64,
    #[serde(default)]
    social_value_pence: i64,
    #[serde(default)]
    cost_pence: i64,
    tags: Vec<String>,
    /// When the source document was published (`YYYY-MM-DD`).
    published_on: String,
    /// The document the case comes from, shown under materials.
    reference: String,
    sections: BTreeMap<String, String>,
}

/// Every case of `data`, checked by the exchange's rules.
pub fn parse(data: &str) -> anyhow::Result<Vec<RemoteCase>> {
    let file: File = toml::from_str(data).context("the case library is not valid")?;
    let mut wire = Vec::with_capacity(file.case.len());
    for e in file.case {
        anyhow::ensure!(
            !e.reference.trim().is_empty(),
            "library case {} names no source document",
            e.id
        );
        let on = time::Date::parse(
            &e.published_on,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .with_context(|| format!("library case {}: published_on", e.id))?;
        let at = on.midnight().assume_utc();
        let mut sections: BTreeMap<String, String> = e
            .sections
            .into_iter()
            .map(|(k, v)| (k, v.trim().to_owned()))
            .collect();
        let materials = sections.remove("materials").unwrap_or_default();
        let source = format!("Source: {}", e.reference.trim());
        sections.insert(
            "materials".to_owned(),
            if materials.is_empty() {
                source
            } else {
                format!("{materials}\n\n{source}")
            },
        );
        wire.push(WireCase {
            url: String::new(),
            id: e.id,
            title: e.title,
            council: Some(e.council),
            anonymous: false,
            sections,
            service_area: e.service_area,
            facet: e.facet,
            stage: e.stage,
            year: e.year,
            outcome: e.outcome,
            evidence_level: e.evidence_level,
            cashable_savings_pence: e.cashable_savings_pence,
            non_cashable_savings_pence: e.non_cashable_savings_pence,
            social_value_pence: e.social_value_pence,
            cost_pence: e.cost_pence,
            funding: None,
            tags: e.tags,
            published_at: at,
            updated_at: at,
        });
    }
    parse_cases(&wire).map_err(|refusal| anyhow::anyhow!("the case library: {refusal}"))
}

/// Load the library into `db`: new cases added, changed ones rewritten, ones
/// no longer in the file removed; the rest untouched.
pub async fn load(db: &Db, now: OffsetDateTime) -> anyhow::Result<Applied> {
    let cases = parse(DATA)?;
    let source = store::library_source(db.conn(), now, NAME).await?;
    Ok(store::apply(db.conn(), now, source, None, &cases).await?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_shipped_library_parses() {
        let cases = parse(DATA).unwrap();
        assert!(cases.len() >= 10);
        for c in &cases {
            assert!(
                c.section(beacon_core::exchange::Section::Materials)
                    .contains("Source: ")
            );
        }
    }

    #[test]
    fn a_case_without_its_source_is_refused() {
        let broken = DATA.replacen("reference = \"Chartered", "reference = \" \"\nx = \"", 1);
        assert!(parse(&broken).is_err());
    }
}
