//! The frame around every page: header with the organisation's name, the
//! navigation a person's roles allow, phase banner, language switcher,
//! breadcrumbs or back link, and footer. Pages hold a `Shell` and the layout
//! template reads it.
use crate::i18n::{Lang, t};
use crate::visitor::Visitor;
use beacon_core::permission::Capability;

/// The inline script GOV.UK Frontend needs before the page paints. Its hash
/// goes into the Content-Security-Policy, so no other inline script runs.
pub const INIT_SCRIPT: &str = "document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');";

#[derive(Clone, Debug)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

#[derive(Clone, Debug)]
pub struct Crumb {
    pub href: String,
    pub label: String,
}

/// An Atom feed of what a page lists, announced in the page's head so feed
/// readers find it from the page's address.
#[derive(Clone, Debug)]
pub struct FeedLink {
    pub title: String,
    pub href: String,
}

#[derive(Clone, Debug)]
pub struct Shell {
    pub lang: Lang,
    pub title: String,
    pub has_errors: bool,
    pub csrf_token: String,
    pub organisation_name: Option<String>,
    pub person_name: Option<String>,
    pub signed_in: bool,
    pub nav: Vec<NavItem>,
    pub breadcrumbs: Vec<Crumb>,
    pub back_link: Option<String>,
    pub feed: Option<FeedLink>,
    /// The current path and query, without `lang`, for the language links.
    pub path: String,
    pub asset_version: &'static str,
}

impl Shell {
    pub fn new(visitor: &Visitor, path: &str, title: impl Into<String>) -> Self {
        let lang = visitor.lang;
        let signed_in = visitor.signed_in.as_ref();
        Self {
            lang,
            title: title.into(),
            has_errors: false,
            csrf_token: visitor.csrf_token.clone(),
            organisation_name: signed_in
                .and_then(|s| s.current.as_ref())
                .map(|(o, _)| o.name.clone()),
            person_name: signed_in.map(|s| s.person.display_name.clone()),
            signed_in: signed_in.is_some(),
            nav: navigation(visitor, path),
            breadcrumbs: Vec::new(),
            back_link: None,
            feed: None,
            path: path.to_owned(),
            asset_version: beacon_govuk::ASSET_VERSION,
        }
    }

    pub fn t(&self, key: &str) -> &'static str {
        t(self.lang, key)
    }

    /// Translated text with `{name}` placeholders filled in.
    pub fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        crate::i18n::tf(self.lang, key, args)
    }

    pub fn with_errors(mut self, has_errors: bool) -> Self {
        self.has_errors = has_errors;
        self
    }

    pub fn crumb(mut self, label: impl Into<String>, href: impl Into<String>) -> Self {
        self.breadcrumbs.push(Crumb {
            href: href.into(),
            label: label.into(),
        });
        self
    }

    pub fn back(mut self, href: impl Into<String>) -> Self {
        self.back_link = Some(href.into());
        self
    }

    pub fn feed(mut self, title: impl Into<String>, href: impl Into<String>) -> Self {
        self.feed = Some(FeedLink {
            title: title.into(),
            href: href.into(),
        });
        self
    }

    /// The link to this page in another language.
    pub fn lang_href(&self, lang: &Lang) -> String {
        let separator = if self.path.contains('?') { '&' } else { '?' };
        format!("{}{separator}lang={}", self.path, lang.code())
    }

    pub fn languages(&self) -> [Lang; 2] {
        Lang::ALL
    }

    pub fn asset(&self, path: &str) -> String {
        format!("/assets/{}/{path}", self.asset_version)
    }
}

/// Navigation follows roles: each item appears only to people whose roles
/// let them use it, so the menu never offers a page that would refuse them.
fn navigation(visitor: &Visitor, path: &str) -> Vec<NavItem> {
    let lang = visitor.lang;
    let mut items = Vec::new();
    let mut add = |href: &'static str, key: &str| {
        items.push(NavItem {
            href,
            label: t(lang, key),
            current: false,
        });
    };
    let Some(who) = &visitor.signed_in else {
        return items;
    };
    add("/", "nav.home");
    let standing = who.standing();
    if standing.is_member() {
        add("/challenges", "nav.challenges");
        add("/ideas", "nav.ideas");
        add("/sessions", "nav.sessions");
    }
    // Any signed-in person reads what is shared with them.
    add("/exchange", "nav.exchange");
    if standing.can(Capability::UseJobsMarket) {
        add("/vacancies", "nav.vacancies");
        add("/talent/profile", "nav.profile");
    }
    if standing.can(Capability::RunTalentPool) {
        add("/talent", "nav.talent");
    }
    if standing.can(Capability::ScoreCases) {
        add("/panel", "nav.panel");
    }
    if standing.can(Capability::ViewPortfolio) {
        add("/portfolio", "nav.portfolio");
    }
    if standing.can(Capability::ManagePeople) {
        add("/admin", "nav.admin");
    }
    if who.person.sector_admin {
        add("/sector", "nav.sector");
    }
    add("/account", "nav.account");
    mark_current(&mut items, path);
    items
}

/// The current item is the one whose address is the longest prefix of the
/// path ("/talent/profile" is "Your profile", not "Talent pool").
fn mark_current(items: &mut [NavItem], path: &str) {
    let within = |href: &str| {
        if href == "/" {
            path == "/"
        } else {
            path == href
                || path.starts_with(&format!("{href}/"))
                || path.starts_with(&format!("{href}?"))
        }
    };
    if let Some(best) = items
        .iter_mut()
        .filter(|item| within(item.href))
        .max_by_key(|item| item.href.len())
    {
        best.current = true;
    }
}
