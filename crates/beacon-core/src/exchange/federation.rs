//! Another Beacon's public cases: what a subscription accepts from a feed of
//! cases, and how a remote case is kept read-only and marked with its source.
//!
//! The feed is the versioned JSON of `docs/federation.md` ([`SCHEMA`]). Every
//! case that arrives from another Beacon — or from the built-in case library —
//! passes through [`parse_case`] before anything is stored. The rules:
//!
//! - text is plain text: control characters are dropped, and text holding an
//!   HTML tag (`<` followed by a letter, `/`, `!` or `?`) is **refused**, since
//!   no Beacon sends markup and a source that does is broken or hostile;
//! - every field has a length limit ([`limits`]);
//! - vocabulary keys (service area, facet, lifecycle stage, outcome, section)
//!   must be keys this Beacon knows: an unknown key is **refused**, never
//!   guessed or mapped, so a case is never filed under the wrong heading;
//! - an anonymised case never keeps a council name, whatever the source sends.
//!
//! One refused case refuses the whole fetch: a subscription changes all at
//! once or not at all.
use super::{LifecycleStage, Section};
use crate::pipeline::stages::ServiceArea;
use crate::pipeline::{EvidenceLevel, Facet, Outcome};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// The schema of the feed this Beacon offers and reads.
pub const SCHEMA: &str = "beacon-exchange/1";

/// The limits a fetch and its cases are held to.
pub mod limits {
    /// The most cases one source may offer; a source offering more is
    /// refused, since this Beacon could not tell which of its cases are gone.
    pub const CASES_PER_FETCH: usize = 500;
    /// The most cases one page of the feed holds, and its default.
    pub const PAGE_SIZE: u64 = 100;
    pub const PAGE_SIZE_DEFAULT: u64 = 50;
    /// The largest response body read from a source, per page.
    pub const BODY_BYTES: usize = 4 * 1024 * 1024;
    /// How long one request to a source may take.
    pub const TIMEOUT_SECS: u64 = 15;
    /// How often each source is fetched in the background.
    pub const FETCH_EVERY_SECS: i64 = 60 * 60;
    pub const ID: usize = 64;
    pub const TITLE: usize = 200;
    pub const COUNCIL: usize = 200;
    pub const SECTION: usize = 20_000;
    pub const TAGS: usize = 30;
    pub const TAG: usize = 60;
    pub const FUNDER: usize = 200;
    pub const INSTANCE_NAME: usize = 100;
    pub const URL: usize = 200;
    /// The largest sum of money a case may state, in pence (£10 billion).
    pub const PENCE: i64 = 1_000_000_000_000;
}

/// One page of the feed, as it travels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WirePage {
    pub schema: String,
    pub instance: WireInstance,
    pub cases: Vec<WireCase>,
    /// The cursor of the next page; `None` on the last.
    pub next: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireInstance {
    pub name: String,
    pub url: String,
}

/// One case, as it travels: a publication's fields and nothing else.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireCase {
    pub id: String,
    pub url: String,
    pub title: String,
    /// `None` for an anonymised case.
    pub council: Option<String>,
    pub anonymous: bool,
    /// By section key (`summary`, `innovative`, …); missing sections are empty.
    pub sections: BTreeMap<String, String>,
    pub service_area: String,
    pub facet: String,
    pub stage: String,
    pub year: i32,
    pub outcome: String,
    pub evidence_level: u8,
    pub cashable_savings_pence: i64,
    pub non_cashable_savings_pence: i64,
    pub social_value_pence: i64,
    pub cost_pence: i64,
    pub funding: Option<WireFunding>,
    pub tags: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// 360Giving's fields for a grant; `awarded_on` as `YYYY-MM-DD`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireFunding {
    pub funder: String,
    pub programme: String,
    pub amount_pence: Option<i64>,
    pub awarded_on: Option<String>,
}

/// A case that passed every rule, ready to be stored as a publication.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteCase {
    /// The case's id at its source.
    pub id: String,
    pub title: String,
    pub council: Option<String>,
    pub anonymous: bool,
    /// In [`Section::ALL`] order.
    pub sections: Vec<(Section, String)>,
    pub service_area: ServiceArea,
    pub facet: Facet,
    pub stage: LifecycleStage,
    pub year: i32,
    pub outcome: Outcome,
    pub evidence: EvidenceLevel,
    pub cashable_savings_pence: i64,
    pub non_cashable_savings_pence: i64,
    pub social_value_pence: i64,
    pub cost_pence: i64,
    pub funding: super::Funding,
    pub tags: Vec<String>,
    pub published_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl RemoteCase {
    pub fn section(&self, section: Section) -> &str {
        self.sections
            .iter()
            .find(|(s, _)| *s == section)
            .map_or("", |(_, text)| text.as_str())
    }
}

/// Why a fetch was refused. `key()` is stable: it is stored with the source
/// and translated on the sources page.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the source could not be reached")]
    Unreachable,
    #[error("the source answered with status {0}")]
    Status(u16),
    #[error("the source's answer is too large")]
    TooLarge,
    #[error("the source's answer is not the feed's JSON")]
    NotJson,
    #[error("the source speaks another schema")]
    Schema,
    #[error("the source offers more than {} cases", limits::CASES_PER_FETCH)]
    TooManyCases,
    #[error("the source's paging does not end")]
    Paging,
    #[error("the source's name is missing or too long")]
    InstanceName,
    #[error("the source's address is on a private or local network")]
    PrivateAddress,
    #[error("case {case}: {problem}")]
    Case { case: String, problem: CaseProblem },
}

impl Refusal {
    pub fn key(&self) -> &'static str {
        match self {
            Refusal::Unreachable => "unreachable",
            Refusal::Status(_) => "status",
            Refusal::TooLarge => "too_large",
            Refusal::NotJson => "not_json",
            Refusal::Schema => "schema",
            Refusal::TooManyCases => "too_many_cases",
            Refusal::Paging => "paging",
            Refusal::InstanceName => "instance_name",
            Refusal::PrivateAddress => "private_address",
            Refusal::Case { .. } => "case",
        }
    }
}

/// What was wrong with one case. The field is always one of ours, never text
/// from the source, so a report cannot carry the source's words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CaseProblem {
    #[error("its id is missing or malformed")]
    Id,
    #[error("its id appears twice")]
    DuplicateId,
    #[error("{0} is missing")]
    Missing(&'static str),
    #[error("{0} is too long")]
    TooLong(&'static str),
    #[error("{0} holds markup")]
    Markup(&'static str),
    #[error("{0} is not a key this Beacon knows")]
    UnknownKey(&'static str),
    #[error("{0} is out of range")]
    OutOfRange(&'static str),
}

/// Text as it arrives, made plain: control characters and bidirectional
/// overrides are dropped (new lines and tabs kept), ends trimmed. Text
/// holding markup is refused.
pub fn plain_text(
    raw: &str,
    field: &'static str,
    max: usize,
    required: bool,
) -> Result<String, CaseProblem> {
    let cleaned: String = raw
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| {
            (!c.is_control() || *c == '\n' || *c == '\t')
                && !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
        .collect();
    let cleaned = cleaned.trim().to_owned();
    if required && cleaned.is_empty() {
        return Err(CaseProblem::Missing(field));
    }
    if cleaned.chars().count() > max {
        return Err(CaseProblem::TooLong(field));
    }
    if holds_markup(&cleaned) {
        return Err(CaseProblem::Markup(field));
    }
    Ok(cleaned)
}

/// Whether text holds what a browser would read as a tag, a comment or a
/// processing instruction.
pub fn holds_markup(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'/' | b'!' | b'?')))
}

/// A case's id at its source: letters, digits, `-` and `_`.
pub fn remote_id(raw: &str) -> Result<String, CaseProblem> {
    let ok = !raw.is_empty()
        && raw.len() <= limits::ID
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(CaseProblem::Id)
    }
}

fn key<T: std::str::FromStr>(raw: &str, field: &'static str) -> Result<T, CaseProblem> {
    raw.parse().map_err(|_| CaseProblem::UnknownKey(field))
}

fn pence(value: i64, field: &'static str) -> Result<i64, CaseProblem> {
    if (0..=limits::PENCE).contains(&value) {
        Ok(value)
    } else {
        Err(CaseProblem::OutOfRange(field))
    }
}

/// One case through every rule.
pub fn parse_case(wire: &WireCase) -> Result<RemoteCase, CaseProblem> {
    let id = remote_id(&wire.id)?;
    let title = plain_text(&wire.title, "title", limits::TITLE, true)?;
    // An anonymised case keeps no council, whatever the source sent.
    let council = match (&wire.council, wire.anonymous) {
        (_, true) | (None, false) => None,
        (Some(name), false) => {
            Some(plain_text(name, "council", limits::COUNCIL, true)?).filter(|n| !n.is_empty())
        }
    };
    for k in wire.sections.keys() {
        key::<Section>(k, "section")?;
    }
    let mut sections = Vec::with_capacity(Section::ALL.len());
    for s in Section::ALL {
        let raw = wire.sections.get(s.key()).map_or("", String::as_str);
        sections.push((*s, plain_text(raw, s.key(), limits::SECTION, false)?));
    }
    if sections.iter().all(|(_, text)| text.is_empty()) {
        return Err(CaseProblem::Missing("summary"));
    }
    if !(1900..=2100).contains(&wire.year) {
        return Err(CaseProblem::OutOfRange("year"));
    }
    let evidence =
        EvidenceLevel::new(wire.evidence_level).ok_or(CaseProblem::OutOfRange("evidence_level"))?;
    let funding = match &wire.funding {
        None => super::Funding::default(),
        Some(f) => super::Funding {
            funder: plain_text(&f.funder, "funder", limits::FUNDER, false)?,
            programme: plain_text(&f.programme, "programme", limits::FUNDER, false)?,
            amount_pence: f
                .amount_pence
                .map(|p| pence(p, "amount_pence"))
                .transpose()?,
            awarded_on: f
                .awarded_on
                .as_deref()
                .map(|d| {
                    time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]"))
                        .map_err(|_| CaseProblem::OutOfRange("awarded_on"))
                })
                .transpose()?,
        },
    };
    if wire.tags.len() > limits::TAGS {
        return Err(CaseProblem::TooLong("tags"));
    }
    let mut tags = Vec::with_capacity(wire.tags.len());
    for t in &wire.tags {
        let tag = plain_text(t, "tags", limits::TAG, true)?.to_lowercase();
        if tag.contains('\n') {
            return Err(CaseProblem::OutOfRange("tags"));
        }
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    Ok(RemoteCase {
        id,
        title,
        council,
        anonymous: wire.anonymous,
        sections,
        service_area: key(&wire.service_area, "service_area")?,
        facet: key(&wire.facet, "facet")?,
        stage: key(&wire.stage, "stage")?,
        year: wire.year,
        outcome: key(&wire.outcome, "outcome")?,
        evidence,
        cashable_savings_pence: pence(wire.cashable_savings_pence, "cashable_savings_pence")?,
        non_cashable_savings_pence: pence(
            wire.non_cashable_savings_pence,
            "non_cashable_savings_pence",
        )?,
        social_value_pence: pence(wire.social_value_pence, "social_value_pence")?,
        cost_pence: pence(wire.cost_pence, "cost_pence")?,
        funding,
        tags,
        published_at: wire.published_at,
        updated_at: wire.updated_at,
    })
}

/// Every case of a whole fetch (all its pages), all or nothing: one refused
/// case, a repeated id or too many cases refuse the lot.
pub fn parse_cases(wire: &[WireCase]) -> Result<Vec<RemoteCase>, Refusal> {
    if wire.len() > limits::CASES_PER_FETCH {
        return Err(Refusal::TooManyCases);
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut cases = Vec::with_capacity(wire.len());
    for w in wire {
        let case = parse_case(w).map_err(|problem| Refusal::Case {
            // The id is shown only once it is known to be safe.
            case: remote_id(&w.id).unwrap_or_else(|_| "?".to_owned()),
            problem,
        })?;
        if !seen.insert(case.id.clone()) {
            return Err(Refusal::Case {
                case: case.id,
                problem: CaseProblem::DuplicateId,
            });
        }
        cases.push(case);
    }
    Ok(cases)
}

/// The name a source gives itself.
pub fn instance_name(page: &WirePage) -> Result<String, Refusal> {
    if page.schema != SCHEMA {
        return Err(Refusal::Schema);
    }
    plain_text(&page.instance.name, "name", limits::INSTANCE_NAME, true)
        .map_err(|_| Refusal::InstanceName)
}

/// Whether a subscription may not connect to `ip` unless the server allows
/// private addresses: the server itself (loopback, unspecified), the
/// networks it runs in (private, shared, link-local, unique-local) and
/// addresses that are no one host (broadcast, multicast). An IPv6 address
/// that carries an IPv4 one is judged by the IPv4 one.
pub fn is_private_address(ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private_address(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            // NAT64 (64:ff9b::/96) reaches the IPv4 address in its last bits.
            if v6.segments()[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                let [.., a, b, c, d] = v6.octets();
                return is_private_address(IpAddr::V4(std::net::Ipv4Addr::new(a, b, c, d)));
            }
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || (first & 0xffc0) == 0xfec0
        }
    }
}

/// Another Beacon's base address: `http` or `https`, a host, an optional port
/// and path; no user name, query or fragment. Kept without a trailing `/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceUrl(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SourceUrlError {
    #[error("missing")]
    Missing,
    #[error("too long")]
    TooLong,
    #[error("not http or https")]
    Scheme,
    #[error("has a user name or password")]
    Credentials,
    #[error("malformed")]
    Malformed,
}

impl SourceUrl {
    pub fn parse(raw: &str) -> Result<Self, SourceUrlError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(SourceUrlError::Missing);
        }
        if raw.len() > limits::URL {
            return Err(SourceUrlError::TooLong);
        }
        let lower = raw.to_ascii_lowercase();
        let rest = if lower.starts_with("https://") {
            &raw[8..]
        } else if lower.starts_with("http://") {
            &raw[7..]
        } else {
            return Err(SourceUrlError::Scheme);
        };
        let scheme = &lower[..raw.len() - rest.len()];
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if authority.contains('@') {
            return Err(SourceUrlError::Credentials);
        }
        let (host, port) = if authority.starts_with('[') {
            // An IPv6 literal: the port, if any, follows the bracket.
            match authority.split_once(']') {
                Some((h, "")) => (&authority[..=h.len()], None),
                Some((h, rest)) => (
                    &authority[..=h.len()],
                    Some(rest.strip_prefix(':').unwrap_or(rest)),
                ),
                None => (authority, None),
            }
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            }
        };
        let host_ok = if let Some(inner) = host.strip_prefix('[') {
            inner
                .strip_suffix(']')
                .is_some_and(|v6| v6.parse::<std::net::Ipv6Addr>().is_ok())
        } else {
            !host.is_empty()
                && host.len() <= 253
                && host.split('.').all(|label| {
                    !label.is_empty()
                        && label.len() <= 63
                        && !label.starts_with('-')
                        && !label.ends_with('-')
                        && label
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                })
        };
        let port_ok = port.is_none_or(|p| !p.is_empty() && p.parse::<u16>().is_ok_and(|n| n > 0));
        let path_ok = path.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~' | b'%')
        }) && !path.split('/').any(|seg| seg == "..");
        if !(host_ok && port_ok && path_ok) {
            return Err(SourceUrlError::Malformed);
        }
        let mut url = format!("{scheme}{}{path}", authority.to_ascii_lowercase());
        while url.ends_with('/') {
            url.pop();
        }
        Ok(SourceUrl(url))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The host as a resolver takes it: a name, or an address without the
    /// brackets an IPv6 literal has in a URL.
    pub fn host(&self) -> &str {
        let rest = self.0.split_once("://").map_or(self.0.as_str(), |(_, r)| r);
        let authority = rest.split('/').next().unwrap_or(rest);
        if let Some(v6) = authority.strip_prefix('[') {
            return v6.split(']').next().unwrap_or(v6);
        }
        authority.split(':').next().unwrap_or(authority)
    }

    /// The port the address names, or the scheme's.
    pub fn port(&self) -> u16 {
        let rest = self.0.split_once("://").map_or(self.0.as_str(), |(_, r)| r);
        let authority = rest.split('/').next().unwrap_or(rest);
        let after_host = authority.rsplit_once(']').map_or(authority, |(_, p)| p);
        after_host
            .rsplit_once(':')
            .and_then(|(_, p)| p.parse().ok())
            .unwrap_or(if self.0.starts_with("https://") {
                443
            } else {
                80
            })
    }

    /// Where this Beacon reads the source's feed.
    pub fn feed(&self) -> String {
        format!("{}/api/exchange/cases", self.0)
    }

    /// The page of one of the source's cases, built here rather than taken
    /// from the feed, so a link always points into the source.
    pub fn case_page(&self, remote_id: &str) -> String {
        format!("{}/exchange/cases/{remote_id}", self.0)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    pub(crate) fn wire(id: &str) -> WireCase {
        let mut sections = BTreeMap::new();
        sections.insert("summary".to_owned(), "A shared HR service.".to_owned());
        WireCase {
            id: id.to_owned(),
            url: format!("https://beacon.example/exchange/cases/{id}"),
            title: "Shared HR".to_owned(),
            council: Some("Sutton".to_owned()),
            anonymous: false,
            sections,
            service_area: "corporate_services".to_owned(),
            facet: "enhancement_oriented".to_owned(),
            stage: "diffusing".to_owned(),
            year: 2010,
            outcome: "adopted".to_owned(),
            evidence_level: 3,
            cashable_savings_pence: 100_000_000,
            non_cashable_savings_pence: 0,
            social_value_pence: 0,
            cost_pence: 0,
            funding: None,
            tags: vec!["Shared Services".to_owned(), "shared services".to_owned()],
            published_at: OffsetDateTime::UNIX_EPOCH,
            updated_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_good_case_parses() {
        let case = parse_case(&wire("a1")).unwrap();
        assert_eq!(case.council.as_deref(), Some("Sutton"));
        assert_eq!(case.section(Section::Summary), "A shared HR service.");
        assert_eq!(case.section(Section::Lessons), "");
        assert_eq!(case.tags, vec!["shared services"]);
        assert_eq!(case.sections.len(), Section::ALL.len());
    }

    #[test]
    fn an_anonymised_case_keeps_no_council() {
        let mut w = wire("a1");
        w.anonymous = true;
        assert_eq!(parse_case(&w).unwrap().council, None);
    }

    #[test]
    fn markup_is_refused_wherever_it_is() {
        let mut w = wire("a1");
        w.title = "Hello <script>alert(1)</script>".to_owned();
        assert_eq!(parse_case(&w), Err(CaseProblem::Markup("title")));
        let mut w = wire("a1");
        w.sections.insert(
            "lessons".to_owned(),
            "<img src=x onerror=alert(1)>".to_owned(),
        );
        assert_eq!(parse_case(&w), Err(CaseProblem::Markup("lessons")));
        let mut w = wire("a1");
        w.tags = vec!["<!-- x".to_owned()];
        assert_eq!(parse_case(&w), Err(CaseProblem::Markup("tags")));
        // A comparison is not markup.
        let mut w = wire("a1");
        w.title = "Costs < £5m and 3 > 2".to_owned();
        assert!(parse_case(&w).is_ok());
    }

    #[test]
    fn unknown_keys_are_refused_not_mapped() {
        let mut w = wire("a1");
        w.service_area = "space_programme".to_owned();
        assert_eq!(parse_case(&w), Err(CaseProblem::UnknownKey("service_area")));
        let mut w = wire("a1");
        w.sections.insert("secrets".to_owned(), "x".to_owned());
        assert_eq!(parse_case(&w), Err(CaseProblem::UnknownKey("section")));
        let mut w = wire("a1");
        w.evidence_level = 9;
        assert_eq!(
            parse_case(&w),
            Err(CaseProblem::OutOfRange("evidence_level"))
        );
        let mut w = wire("a1");
        w.cost_pence = -1;
        assert_eq!(parse_case(&w), Err(CaseProblem::OutOfRange("cost_pence")));
    }

    #[test]
    fn control_characters_are_dropped() {
        let mut w = wire("a1");
        w.title = "Shared\u{0}\u{202E} HR\r\n".to_owned();
        assert_eq!(parse_case(&w).unwrap().title, "Shared HR");
    }

    #[test]
    fn ids_are_checked_and_unique() {
        assert!(parse_case(&wire("../etc")).is_err());
        assert!(parse_case(&wire("")).is_err());
        let refused = parse_cases(&[wire("a"), wire("a")]).unwrap_err();
        assert_eq!(refused.key(), "case");
        let many: Vec<_> = (0..=limits::CASES_PER_FETCH)
            .map(|i| wire(&i.to_string()))
            .collect();
        assert_eq!(parse_cases(&many), Err(Refusal::TooManyCases));
    }

    #[test]
    fn private_addresses() {
        let private = |s: &str| is_private_address(s.parse().unwrap());
        for p in [
            "127.0.0.1",
            "127.8.9.10",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "0.1.2.3",
            "100.64.0.1",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "ff02::1",
        ] {
            assert!(private(p), "{p}");
        }
        for p in [
            "1.1.1.1",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2a00:1450::1",
            "::ffff:1.1.1.1",
            "64:ff9b::808:808",
        ] {
            assert!(!private(p), "{p}");
        }
    }

    #[test]
    fn source_urls() {
        let ok = |s: &str| SourceUrl::parse(s).map(|u| u.as_str().to_owned());
        assert_eq!(
            ok("https://Beacon.Example.org/"),
            Ok("https://beacon.example.org".into())
        );
        assert_eq!(
            ok("http://127.0.0.1:8080/beacon"),
            Ok("http://127.0.0.1:8080/beacon".into())
        );
        assert_eq!(ok("http://[::1]:80"), Ok("http://[::1]:80".into()));
        assert_eq!(ok("http://[fd00::1]"), Ok("http://[fd00::1]".into()));
        assert_eq!(ok("http://[fd00::1]x"), Err(SourceUrlError::Malformed));
        assert_eq!(ok(""), Err(SourceUrlError::Missing));
        assert_eq!(ok("ftp://example.org"), Err(SourceUrlError::Scheme));
        assert_eq!(ok("javascript:alert(1)"), Err(SourceUrlError::Scheme));
        for bad in [
            "https://",
            "https://example.org?x=1",
            "https://example.org/#x",
            "https://exa mple.org",
            "https://example.org:0",
            "https://example.org:99999",
            "https://example.org/../x",
            "https://-bad.example",
        ] {
            assert_eq!(ok(bad), Err(SourceUrlError::Malformed), "{bad}");
        }
        for with_credentials in [
            "https://user@example.org",
            "http://user:pw@example.org",
            "http://user:pw@127.0.0.1:8080/x",
        ] {
            assert_eq!(
                ok(with_credentials),
                Err(SourceUrlError::Credentials),
                "{with_credentials}"
            );
        }
        let u = SourceUrl::parse("https://b.example").unwrap();
        assert_eq!((u.host(), u.port()), ("b.example", 443));
        let u = SourceUrl::parse("http://[::1]:8080/beacon").unwrap();
        assert_eq!((u.host(), u.port()), ("::1", 8080));
        let u = SourceUrl::parse("http://10.1.2.3").unwrap();
        assert_eq!((u.host(), u.port()), ("10.1.2.3", 80));
        let u = SourceUrl::parse("https://b.example").unwrap();
        assert_eq!(u.feed(), "https://b.example/api/exchange/cases");
        assert_eq!(u.case_page("x1"), "https://b.example/exchange/cases/x1");
    }

    proptest! {
        /// Whatever arrives, what is kept holds no markup and no control
        /// characters but new lines and tabs, and respects its limit.
        #[test]
        fn kept_text_is_inert(s in "\\PC{0,300}|[<a-z/!> \u{0}-\u{1f}]{0,50}") {
            if let Ok(t) = plain_text(&s, "title", 200, false) {
                prop_assert!(!holds_markup(&t));
                prop_assert!(t.chars().all(|c| !c.is_control() || c == '\n' || c == '\t'));
                prop_assert!(t.chars().count() <= 200);
            }
        }

        #[test]
        fn source_urls_are_http_without_credentials(s in "\\PC{0,80}") {
            if let Ok(u) = SourceUrl::parse(&s) {
                prop_assert!(u.as_str().starts_with("http://") || u.as_str().starts_with("https://"));
                prop_assert!(!u.as_str().contains('@') && !u.as_str().contains('?') && !u.as_str().contains('#'));
            }
        }
    }
}
