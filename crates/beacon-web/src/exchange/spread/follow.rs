//! What a signed-in person follows (service areas, named councils, tags) and
//! how often their email digest comes.
use super::area_name;
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, NoticeQuery, notice};
use crate::public::page;
use crate::shell::Shell;
use crate::visitor::{SignedIn, Visitor};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::OrgId;
use beacon_core::exchange::follow::{Follow, FollowKind, Frequency, MAX_FOLLOWS};
use beacon_core::pipeline::stages::ServiceArea;
use beacon_db::exchange::spread as db;
use beacon_govuk::components::{
    Button, ChoiceItem, Input, Label, Legend, NotificationBanner, Radios, Select, SelectItem,
};
use serde::Deserialize;

/// One form for all three kinds: `kind` says which of the value fields is
/// meant. With no kind it only sets the frequency.
#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct FollowForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    council: String,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    frequency: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct RemoveForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    value: String,
}

/// One thing followed, as the page lists it.
struct Followed {
    kind: &'static str,
    label: String,
    kind_key: &'static str,
    value: String,
}

#[derive(Template)]
#[template(path = "exchange/spread/following.html")]
struct FollowingPage {
    shell: Shell,
    notice: Option<NotificationBanner>,
    followed: Vec<Followed>,
    councils: Vec<(OrgId, String)>,
    frequency: String,
    form: FollowForm,
    errors: FormErrors,
}

impl FollowingPage {
    fn lang(&self) -> crate::i18n::Lang {
        self.shell.lang
    }
    fn area_select(&self) -> Select {
        let lang = self.lang();
        let mut s = Select::new("area")
            .label(Label::text(lang.t("exchange.spread.follow.area")).classes("govuk-label--s"))
            .value(self.form.area.clone())
            .error_message(self.errors.message("area"))
            .item(SelectItem::new("", lang.t("exchange.spread.follow.choose")));
        for a in ServiceArea::ALL {
            s = s.item(SelectItem::new(a.key(), area_name(lang, a.key())));
        }
        s
    }
    fn council_select(&self) -> Select {
        let lang = self.lang();
        let mut s = Select::new("council")
            .label(Label::text(lang.t("exchange.spread.follow.council")).classes("govuk-label--s"))
            .hint(lang.t("exchange.spread.follow.council_hint"))
            .value(self.form.council.clone())
            .error_message(self.errors.message("council"))
            .item(SelectItem::new("", lang.t("exchange.spread.follow.choose")));
        for (id, name) in &self.councils {
            s = s.item(SelectItem::new(id.uuid().to_string(), name.clone()));
        }
        s
    }
    fn tag_input(&self) -> Input {
        let lang = self.lang();
        Input::new("tag")
            .label(Label::text(lang.t("exchange.spread.follow.tag")).classes("govuk-label--s"))
            .hint(lang.t("exchange.spread.follow.tag_hint"))
            .value(self.form.tag.clone())
            .classes("govuk-input--width-20")
            .spellcheck(false)
            .error_message(self.errors.message("tag"))
    }
    fn frequency_radios(&self) -> Radios {
        let lang = self.lang();
        Radios::new("frequency")
            .legend(
                Legend::text(lang.t("exchange.spread.follow.frequency"))
                    .classes("govuk-fieldset__legend--m"),
            )
            .value(self.frequency.clone())
            .error_message(self.errors.message("frequency"))
            .item(ChoiceItem::new(
                Frequency::Daily.key(),
                lang.t("exchange.spread.follow.daily"),
            ))
            .item(ChoiceItem::new(
                Frequency::Weekly.key(),
                lang.t("exchange.spread.follow.weekly"),
            ))
    }
    fn follow_button(&self) -> Button {
        Button::text(self.lang().t("exchange.spread.follow.submit")).secondary()
    }
    fn frequency_button(&self) -> Button {
        Button::text(self.lang().t("exchange.spread.follow.save_frequency")).secondary()
    }
}

fn current_org(who: &SignedIn) -> Option<OrgId> {
    who.current.as_ref().map(|(o, _)| o.id)
}

async fn render(
    state: &AppState,
    visitor: &Visitor,
    who: &SignedIn,
    form: FollowForm,
    errors: FormErrors,
    notice_key: Option<&str>,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let conn = state.db.conn();
    let councils = db::councils(conn, current_org(who)).await?;
    let follows = db::follows(conn, who.person.id).await?;
    let digest = db::digest(conn, who.person.id).await?;
    let followed = follows
        .iter()
        .map(|f| {
            let label = match f {
                Follow::Area(a) => area_name(lang, a.key()),
                Follow::Council(id) => councils
                    .iter()
                    .find(|(c, _)| c == id)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_else(|| lang.t("exchange.spread.follow.gone").to_owned()),
                Follow::Tag(t) => t.clone(),
            };
            Followed {
                kind: lang.t(&format!("exchange.spread.follow.kind.{}", f.kind().key())),
                kind_key: f.kind().key(),
                label,
                value: f.value(),
            }
        })
        .collect();
    let frequency = if form.frequency.is_empty() {
        digest
            .map(|d| d.frequency)
            .unwrap_or_else(|| Frequency::Weekly.key().to_owned())
    } else {
        form.frequency.clone()
    };
    let shell = Shell::new(
        visitor,
        "/exchange/following",
        lang.t("exchange.spread.follow.title"),
    )
    .crumb(lang.t("exchange.spread.exchange"), "/exchange")
    .with_errors(!errors.is_empty());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut response = page(&FollowingPage {
        shell,
        notice: notice(lang, notice_key),
        followed,
        councils,
        frequency,
        form,
        errors,
    })?;
    *response.status_mut() = status;
    Ok(response)
}

fn signed_in(visitor: &Visitor) -> Result<&SignedIn, AppError> {
    visitor.signed_in.as_ref().ok_or(AppError::SignInRequired)
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    let who = signed_in(&visitor)?;
    let errors = FormErrors::new(visitor.lang);
    render(
        &state,
        &visitor,
        who,
        FollowForm::default(),
        errors,
        q.notice.as_deref(),
    )
    .await
}

pub async fn add(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<FollowForm>,
) -> Result<Response, AppError> {
    let who = signed_in(&visitor)?;
    let lang = visitor.lang;
    let mut errors = FormErrors::new(lang);
    let frequency = if form.frequency.is_empty() {
        None
    } else {
        match form.frequency.parse::<Frequency>() {
            Ok(f) => Some(f),
            Err(_) => {
                errors.add("frequency", "exchange.spread.follow.error.frequency");
                None
            }
        }
    };
    let conn = state.db.conn();
    let existing = db::digest(conn, who.person.id).await?;
    let follows = db::follows(conn, who.person.id).await?;
    let org = current_org(who);
    // What to follow, if anything: the value field that goes with the kind.
    let wanted = if form.kind.is_empty() {
        if existing.is_none() && errors.is_empty() {
            errors.add("frequency", "exchange.spread.follow.error.nothing_followed");
        }
        if frequency.is_none() && errors.is_empty() {
            errors.add("frequency", "exchange.spread.follow.error.frequency");
        }
        None
    } else {
        let kind: FollowKind = form
            .kind
            .parse()
            .map_err(|_| AppError::BadRequest("follow kind".into()))?;
        let (field, raw) = match kind {
            FollowKind::Area => ("area", &form.area),
            FollowKind::Council => ("council", &form.council),
            FollowKind::Tag => ("tag", &form.tag),
        };
        match Follow::parse(kind.key(), raw) {
            Ok(Follow::Council(id))
                if !db::councils(conn, org).await?.iter().any(|(c, _)| *c == id) =>
            {
                errors.add(field, "exchange.spread.follow.error.unknown");
                None
            }
            Ok(f) if follows.len() >= MAX_FOLLOWS && !follows.contains(&f) => {
                errors.add(field, "exchange.spread.follow.error.too_many");
                None
            }
            Ok(f) => Some(f),
            Err(e) => {
                errors.add(field, &format!("exchange.spread.follow.error.{}", e.key()));
                None
            }
        }
    };
    if !errors.is_empty() {
        return render(&state, &visitor, who, form, errors, None).await;
    }
    let frequency = frequency
        .or_else(|| existing.as_ref().and_then(|d| d.frequency.parse().ok()))
        .unwrap_or(Frequency::Weekly);
    let now = state.clock.now();
    let txn = beacon_db::begin_writing(conn).await?;
    let key = match &wanted {
        Some(f) => {
            db::follow(&txn, now, &who.actor(), who.person.id, org, f, frequency).await?;
            "exchange_followed"
        }
        None => {
            db::set_frequency(&txn, now, who.person.id, org, frequency).await?;
            "exchange_frequency_saved"
        }
    };
    txn.commit().await?;
    Ok(Redirect::to(&format!("/exchange/following?notice={key}")).into_response())
}

pub async fn remove(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<RemoveForm>,
) -> Result<Response, AppError> {
    let who = signed_in(&visitor)?;
    let what = Follow::parse(&form.kind, &form.value)
        .map_err(|_| AppError::BadRequest("follow".into()))?;
    let now = state.clock.now();
    let txn = state.db.begin_writing().await?;
    let gone = db::unfollow(
        &txn,
        now,
        &who.actor(),
        who.person.id,
        current_org(who),
        &what,
    )
    .await?;
    if !gone {
        return Err(AppError::NotFound);
    }
    txn.commit().await?;
    Ok(Redirect::to("/exchange/following?notice=exchange_unfollowed").into_response())
}
