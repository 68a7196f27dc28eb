//! Atom feeds of public cases, for any feed reader: no sign-in (a reader has
//! none), so only public-level publications, never partners-level ones. Each
//! entry's id is the publication's `urn:uuid:`, which stays the same when the
//! case is edited and republished; links are absolute, from the configured
//! public address. An anonymised case's author is "An anonymised council".
use super::{area_name, council_label};
use crate::app::AppState;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::visitor::Visitor;
use atom_syndication::{Category, Entry, Feed, FixedDateTime, Link, Person, Text, TextType};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use beacon_core::exchange::follow::{MAX_TAG, normalise_tag};
use beacon_core::pipeline::stages::ServiceArea;
use beacon_db::entity::case_publication;
use beacon_db::exchange::spread::{self as db, FeedFilter};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// How many entries a feed carries.
const ENTRIES: usize = 50;

fn stamp(at: OffsetDateTime) -> Result<FixedDateTime, AppError> {
    let text = at
        .format(&Rfc3339)
        .map_err(|e| AppError::Internal(format!("feed date: {e}")))?;
    FixedDateTime::parse_from_rfc3339(&text)
        .map_err(|e| AppError::Internal(format!("feed date: {e}")))
}

fn link(href: String, rel: &str, mime: Option<&str>) -> Link {
    let mut l = Link::default();
    l.set_href(href);
    l.set_rel(rel.to_owned());
    l.set_mime_type(mime.map(str::to_owned));
    l
}

fn entry(base: &str, lang: Lang, p: &case_publication::Model) -> Result<Entry, AppError> {
    let mut e = Entry::default();
    e.set_id(format!("urn:uuid:{}", p.id));
    e.set_title(Text::plain(p.title.clone()));
    e.set_updated(stamp(p.updated_at)?);
    e.set_published(Some(stamp(p.published_at)?));
    let mut author = Person::default();
    author.set_name(council_label(lang, p));
    e.set_authors(vec![author]);
    e.set_links(vec![link(
        format!("{base}/exchange/cases/{}", p.id),
        "alternate",
        Some("text/html"),
    )]);
    let mut summary = Text::plain(p.summary.trim().to_owned());
    summary.r#type = TextType::Text;
    e.set_summary(Some(summary));
    let mut categories = Vec::new();
    let mut area = Category::default();
    area.set_term(p.service_area.clone());
    area.set_label(Some(area_name(lang, &p.service_area)));
    categories.push(area);
    for tag in p.tags.lines().map(str::trim).filter(|t| !t.is_empty()) {
        let mut c = Category::default();
        c.set_term(tag.to_owned());
        categories.push(c);
    }
    e.set_categories(categories);
    Ok(e)
}

async fn feed(
    state: &AppState,
    visitor: &Visitor,
    path: &str,
    title: String,
    filter: FeedFilter,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let base = state.config.public_url.as_str();
    let publications = db::public_feed(state.db.conn(), &filter, ENTRIES).await?;
    let mut f = Feed::default();
    f.set_id(format!("{base}{path}"));
    f.set_title(Text::plain(title));
    f.set_subtitle(Some(Text::plain(lang.t("exchange.spread.feed.subtitle"))));
    f.set_lang(Some(lang.code().to_owned()));
    let updated = publications
        .iter()
        .map(|p| p.updated_at)
        .max()
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    f.set_updated(stamp(updated)?);
    let mut author = Person::default();
    // The feed comes from this Beacon, by the name it gives itself.
    author.set_name(state.config.instance_name.clone());
    f.set_authors(vec![author]);
    f.set_links(vec![
        link(
            format!("{base}{path}"),
            "self",
            Some("application/atom+xml"),
        ),
        link(format!("{base}/exchange"), "alternate", Some("text/html")),
    ]);
    f.set_entries(
        publications
            .iter()
            .map(|p| entry(base, lang, p))
            .collect::<Result<Vec<_>, _>>()?,
    );
    // The writer puts the XML declaration first itself.
    let body = f.to_string();
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/atom+xml; charset=utf-8"),
            ),
            // Public data, the same for everyone: readers may keep it a while.
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        body,
    )
        .into_response())
}

pub async fn all(State(state): State<AppState>, visitor: Visitor) -> Result<Response, AppError> {
    let title = visitor.lang.t("exchange.spread.feed.title").to_owned();
    feed(
        &state,
        &visitor,
        "/exchange/feed.atom",
        title,
        FeedFilter::default(),
    )
    .await
}

pub async fn area(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(area): Path<String>,
) -> Result<Response, AppError> {
    let area: ServiceArea = area.parse().map_err(|_| AppError::NotFound)?;
    let lang = visitor.lang;
    let title = crate::i18n::tf(
        lang,
        "exchange.spread.feed.area_title",
        &[("area", &area_name(lang, area.key()))],
    );
    feed(
        &state,
        &visitor,
        &format!("/exchange/areas/{}/feed.atom", area.key()),
        title,
        FeedFilter {
            area: Some(area.key().to_owned()),
            tag: None,
        },
    )
    .await
}

pub async fn tag(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(tag): Path<String>,
) -> Result<Response, AppError> {
    let tag = normalise_tag(&tag);
    if tag.is_empty() || tag.chars().count() > MAX_TAG || tag.chars().any(char::is_control) {
        return Err(AppError::NotFound);
    }
    let lang = visitor.lang;
    let title = crate::i18n::tf(lang, "exchange.spread.feed.tag_title", &[("tag", &tag)]);
    let path = format!("/exchange/tags/{}/feed.atom", path_segment(&tag));
    feed(
        &state,
        &visitor,
        &path,
        title,
        FeedFilter {
            area: None,
            tag: Some(tag),
        },
    )
    .await
}

/// `text` percent-encoded for one path segment.
fn path_segment(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::path_segment;

    #[test]
    fn tags_are_encoded_for_a_path() {
        assert_eq!(path_segment("digital inclusion"), "digital%20inclusion");
        assert_eq!(path_segment("a/b?"), "a%2Fb%3F");
        assert_eq!(path_segment("tŷ"), "t%C5%B7");
    }
}
