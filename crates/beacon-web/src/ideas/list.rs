//! The ideas list with its filters, and similar ideas: the fragment the form
//! fetches while someone types, and the list the check page shows.
use super::{area_label, audiences, author_label, kind_label, stage_name, stage_tag};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{FormErrors, notice};
use crate::i18n::Lang;
use crate::public::{here, page};
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{OriginalUri, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use beacon_core::permission::Capability;
use beacon_core::pipeline::IdeaKind;
use beacon_core::pipeline::similarity::{self, Document};
use beacon_core::pipeline::stages::Pipeline;
use beacon_db::entity::idea;
use beacon_db::ideas::{self, IdeaFilter};
use beacon_db::stages;
use beacon_govuk::components::{
    Checkboxes, ChoiceItem, Input, Label, Legend, NotificationBanner, Select, SelectItem, Tag,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use uuid::Uuid;

const PER_PAGE: u64 = 20;
/// How many similar ideas to show.
const SIMILAR: usize = 5;
/// How many candidates the database hands to the ranking.
const CANDIDATES: u64 = 300;
/// The most of a query the similar-ideas endpoint reads.
const MAX_QUERY: usize = 600;

/// The list's filters as they arrive in the address. Unknown keys are
/// refused by `deny_unknown_fields`; each value is checked against what the
/// organisation has before it reaches a query (PROMISES.md 10).
#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    q: Option<String>,
    stage: Option<String>,
    kind: Option<String>,
    challenge: Option<String>,
    /// Moderators only: `all` lists hidden and merged ideas too.
    show: Option<String>,
    page: Option<String>,
    notice: Option<String>,
    lang: Option<String>,
}

struct Listed {
    idea: idea::Model,
    author: String,
}

#[derive(Template)]
#[template(path = "ideas/ideas.html")]
struct ListPage {
    shell: Shell,
    notice: Option<NotificationBanner>,
    errors: FormErrors,
    query: ListQuery,
    search: String,
    pipeline: Pipeline,
    challenges: BTreeMap<Uuid, String>,
    ideas: Vec<Listed>,
    total: u64,
    page: u64,
    pages: u64,
    moderator: bool,
}

impl ListPage {
    fn stage(&self, key: &str) -> Tag {
        stage_tag(self.shell.lang, &self.pipeline, key)
    }
    fn kind(&self, key: &str) -> &'static str {
        kind_label(self.shell.lang, key)
    }
    fn area(&self, key: &str) -> &'static str {
        area_label(self.shell.lang, key)
    }
    fn submitted(&self, idea: &idea::Model) -> String {
        crate::pipeline::format_date(self.shell.lang, idea.created_at.date())
    }
    fn status(&self, idea: &idea::Model) -> Option<&'static str> {
        if idea.merged_into.is_some() {
            Some(self.shell.t("ideas.list.merged"))
        } else if idea.hidden {
            Some(self.shell.t("ideas.list.hidden"))
        } else {
            None
        }
    }

    fn search_input(&self) -> Input {
        Input::new("q")
            .label(Label::text(self.shell.t("ideas.list.search")).classes("govuk-label--s"))
            .kind("search")
            .spellcheck(false)
            .value(self.search.clone())
            .error_message(self.errors.message("q"))
    }

    fn stage_select(&self) -> Select {
        let lang = self.shell.lang;
        let mut s = Select::new("stage")
            .label(Label::text(lang.t("ideas.list.stage")).classes("govuk-label--s"))
            .value(self.query.stage.clone().unwrap_or_default())
            .error_message(self.errors.message("stage"))
            .item(SelectItem::new("", lang.t("ideas.list.any_stage")));
        for stage in self.pipeline.stages() {
            s = s.item(SelectItem::new(
                stage.key.clone(),
                stage_name(lang, &self.pipeline, &stage.key),
            ));
        }
        s
    }

    fn kind_select(&self) -> Select {
        let lang = self.shell.lang;
        let mut s = Select::new("kind")
            .label(Label::text(lang.t("ideas.list.kind")).classes("govuk-label--s"))
            .value(self.query.kind.clone().unwrap_or_default())
            .error_message(self.errors.message("kind"))
            .item(SelectItem::new("", lang.t("ideas.list.any_kind")));
        for k in IdeaKind::ALL {
            s = s.item(SelectItem::new(k.key(), kind_label(lang, k.key())));
        }
        s
    }

    fn challenge_select(&self) -> Select {
        let lang = self.shell.lang;
        let mut s = Select::new("challenge")
            .label(Label::text(lang.t("ideas.list.challenge")).classes("govuk-label--s"))
            .value(self.query.challenge.clone().unwrap_or_default())
            .error_message(self.errors.message("challenge"))
            .item(SelectItem::new("", lang.t("ideas.list.any_challenge")));
        for (id, question) in &self.challenges {
            s = s.item(SelectItem::new(id.to_string(), question.clone()));
        }
        s
    }

    fn show_hidden(&self) -> Checkboxes {
        Checkboxes::new("show")
            .legend(
                Legend::text(self.shell.t("ideas.list.moderation"))
                    .classes("govuk-fieldset__legend--s"),
            )
            .small()
            .values(self.query.show.clone())
            .item(ChoiceItem::new("all", self.shell.t("ideas.list.show_all")))
    }

    fn challenge_name(&self, id: &Option<Uuid>) -> Option<&str> {
        id.and_then(|id| self.challenges.get(&id).map(String::as_str))
    }

    fn count(&self) -> String {
        self.shell
            .tf("ideas.list.count", &[("count", &self.total.to_string())])
    }

    fn page_href(&self, page: u64) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        let pairs = [
            ("q", Some(self.search.clone()).filter(|s| !s.is_empty())),
            ("stage", self.query.stage.clone()),
            ("kind", self.query.kind.clone()),
            ("challenge", self.query.challenge.clone()),
            ("show", self.query.show.clone()),
        ];
        for (k, v) in pairs {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                q.append_pair(k, &v);
            }
        }
        q.append_pair("page", &page.to_string());
        format!("/ideas?{}", q.finish())
    }
}

pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let _ = &query.lang;
    let lang = visitor.lang;
    let conn = state.db.conn();
    let pipeline = stages::load(conn, tenant.org).await?;
    let challenges = super::challenges::questions(&state, &tenant).await?;
    let moderator = Capability::Moderate.granted_by(&tenant.roles);
    let mut errors = FormErrors::new(lang);
    let search: String = query
        .q
        .clone()
        .unwrap_or_default()
        .chars()
        .take(100)
        .collect();
    let nonempty = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
    let stage = nonempty(&query.stage);
    if stage
        .as_deref()
        .is_some_and(|s| pipeline.stage(s).is_none())
    {
        errors.add("stage", "ideas.list.error.stage");
    }
    let kind = match nonempty(&query.kind) {
        None => None,
        Some(k) => match k.parse::<IdeaKind>() {
            Ok(k) => Some(k),
            Err(_) => {
                errors.add("kind", "ideas.list.error.kind");
                None
            }
        },
    };
    let challenge = match nonempty(&query.challenge) {
        None => None,
        Some(c) => match c
            .parse::<Uuid>()
            .ok()
            .filter(|c| challenges.contains_key(c))
        {
            Some(c) => Some(c),
            None => {
                errors.add("challenge", "ideas.list.error.challenge");
                None
            }
        },
    };
    let include_hidden = match nonempty(&query.show).as_deref() {
        None => false,
        Some("all") if moderator => true,
        Some(_) => return Err(AppError::BadRequest("show".into())),
    };
    let page_no = query
        .page
        .as_deref()
        .and_then(|p| p.parse::<u64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let (found, total) = if errors.is_empty() {
        let filter = IdeaFilter {
            stage,
            kind,
            challenge,
            search: Some(search.clone()),
            audiences: audiences(&tenant),
            include_hidden,
        };
        let page = ideas::list(conn, tenant.org, &filter, page_no, PER_PAGE).await?;
        (page.ideas, page.total)
    } else {
        (Vec::new(), 0)
    };
    let names = ideas::names(conn, found.iter().map(|i| i.author_id)).await?;
    let listed = found
        .into_iter()
        .map(|idea| Listed {
            author: author_label(lang, &tenant, &idea, &names),
            idea,
        })
        .collect();
    let shell = Shell::new(&visitor, &here(&uri), lang.t("ideas.list.title"))
        .with_errors(!errors.is_empty());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut response = page(&ListPage {
        shell,
        notice: notice(lang, query.notice.as_deref()),
        errors,
        query,
        search,
        pipeline,
        challenges,
        ideas: listed,
        total,
        page: page_no,
        pages: total.div_ceil(PER_PAGE).max(1),
        moderator,
    })?;
    *response.status_mut() = status;
    Ok(response)
}

/// One similar idea, as the check page and the live list show it.
pub struct SimilarIdea {
    pub id: Uuid,
    pub title: String,
    pub stage: String,
}

/// The visitor's visible ideas most like this title and problem, best first.
pub(crate) async fn similar_to(
    state: &AppState,
    tenant: &Tenant,
    lang: Lang,
    title: &str,
    problem: &str,
    exclude: Option<Uuid>,
) -> Result<Vec<SimilarIdea>, AppError> {
    let conn = state.db.conn();
    let words = similarity::key_words(&format!("{title} {problem}"), 8);
    let candidates =
        ideas::similar_candidates(conn, tenant.org, &audiences(tenant), &words, CANDIDATES).await?;
    let candidates: Vec<&idea::Model> = candidates
        .iter()
        .filter(|i| Some(i.id) != exclude)
        .collect();
    let documents: Vec<Document<'_, usize>> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| Document {
            id: i,
            title: &c.title,
            body: &c.problem,
        })
        .collect();
    let ranked = similarity::rank(title, problem, &documents, SIMILAR);
    let pipeline = stages::load(conn, tenant.org).await?;
    Ok(ranked
        .into_iter()
        .map(|m| {
            let idea = candidates[m.id];
            SimilarIdea {
                id: idea.id,
                title: idea.title.clone(),
                stage: stage_name(lang, &pipeline, &idea.stage),
            }
        })
        .collect())
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SimilarQuery {
    q: Option<String>,
    exclude: Option<String>,
    lang: Option<String>,
}

#[derive(Template)]
#[template(path = "ideas/similar.html")]
struct SimilarFragment {
    shell: Shell,
    similar: Vec<SimilarIdea>,
}

/// A small HTML fragment for the form's live region while someone types.
/// Without JavaScript it is never asked for; the check page shows the same.
pub async fn similar(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Query(query): Query<SimilarQuery>,
) -> Result<Response, AppError> {
    let _ = query.lang;
    let q: String = query
        .q
        .unwrap_or_default()
        .chars()
        .take(MAX_QUERY)
        .collect();
    let exclude = query.exclude.and_then(|e| e.parse::<Uuid>().ok());
    let similar = similar_to(&state, &tenant, visitor.lang, &q, "", exclude).await?;
    let shell = Shell::new(&visitor, &here(&uri), "");
    let body = SimilarFragment { shell, similar }.render()?;
    Ok(Html(body).into_response())
}
