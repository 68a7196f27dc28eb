//! What the panel's pages show, built from the database's facts and the
//! rules of `beacon_core::pipeline::panel`, as GOV.UK components.
use super::Drafts;
use super::forms::{comment_field, criterion_name, score_field};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::i18n::{Lang, tf};
use crate::pipeline::{format_date, pounds};
use crate::shell::Shell;
use crate::visitor::Tenant;
use askama::Template;
use beacon_core::PersonId;
use beacon_core::pipeline::panel::{Pot, Score, Standing, aggregate, shown};
use beacon_core::pipeline::{FundingModel, Pence};
use beacon_db::entity::{challenge, idea};
use beacon_db::panel::{self, Criterion, DecisionRecord, Declaration, QueueGroup, Visible};
use beacon_govuk::components::{
    ChoiceItem, Input, Label, Legend, NotificationBanner, Radios, Table, TableCell, Textarea,
};
use rust_decimal::Decimal;
use uuid::Uuid;

/// "3.50": marks on the 0–5 scale, to two places.
fn mark(value: Decimal) -> String {
    format!("{:.2}", shown(value))
}

/// A stage's name: ours for the default stages (so it is in the visitor's
/// language), else the name the organisation gave the stage.
fn stage_label(lang: Lang, key: &str, configured: Option<String>) -> String {
    crate::i18n::lookup(lang, &format!("panel.stage.{key}"))
        .map(str::to_owned)
        .or(configured)
        .unwrap_or_else(|| key.replace('_', " "))
}

// ----- the queue -------------------------------------------------------------

pub struct QueueItemView {
    pub id: Uuid,
    pub title: String,
    pub stage: String,
    pub score_sets: u64,
    pub you: String,
    pub you_class: &'static str,
    pub decision: String,
}

pub struct QueueGroupView {
    pub heading: String,
    pub pot: Option<Pot>,
    pub has_challenge: bool,
    pub items: Vec<QueueItemView>,
}

#[derive(Template)]
#[template(path = "panel/queue.html")]
pub struct QueuePage {
    pub shell: Shell,
    pub groups: Vec<QueueGroupView>,
}

impl QueuePage {
    pub fn new(shell: Shell, groups: Vec<QueueGroup>) -> Self {
        let lang = shell.lang;
        let groups = groups
            .into_iter()
            .map(|g| QueueGroupView {
                heading: g
                    .challenge
                    .as_ref()
                    .map(|c| c.question.clone())
                    .unwrap_or_else(|| lang.t("panel.queue.no_challenge").to_owned()),
                has_challenge: g.challenge.is_some(),
                pot: g.pot,
                items: g
                    .items
                    .into_iter()
                    .map(|item| {
                        let preview = item.idea.stage == panel::PREVIEW_STAGE;
                        let (you, you_class) = match item.standing {
                            Standing::Undeclared => {
                                ("panel.standing.undeclared", "govuk-tag--blue")
                            }
                            Standing::Conflicted => {
                                ("panel.standing.conflicted", "govuk-tag--grey")
                            }
                            Standing::Declared if preview => {
                                ("panel.standing.declared_preview", "govuk-tag--grey")
                            }
                            Standing::Declared => {
                                ("panel.standing.declared", "govuk-tag--light-blue")
                            }
                            Standing::Scored => ("panel.standing.scored", "govuk-tag--green"),
                        };
                        QueueItemView {
                            id: item.idea.id,
                            stage: stage_label(lang, &item.idea.stage, None),
                            title: item.idea.title,
                            score_sets: item.score_sets,
                            you: lang.t(you).to_owned(),
                            you_class,
                            decision: item
                                .decision
                                .map(|d| super::decision_text(lang, &d.decision))
                                .unwrap_or_else(|| lang.t("panel.queue.undecided").to_owned()),
                        }
                    })
                    .collect(),
            })
            .collect();
        QueuePage { shell, groups }
    }

    fn money(&self, pence: Pence) -> String {
        pounds(pence)
    }

    fn caption(&self, group: &QueueGroupView) -> String {
        if group.has_challenge {
            tf(
                self.shell.lang,
                "panel.queue.caption",
                &[("challenge", &group.heading)],
            )
        } else {
            group.heading.clone()
        }
    }
}

// ----- one idea ----------------------------------------------------------------

/// What the page says about the idea before its sections.
pub struct Facts {
    pub challenge: Option<challenge::Model>,
    pub pot: Option<Pot>,
    pub stage_name: String,
    pub criteria: Vec<Criterion>,
    pub score_sets: u64,
    pub decision: Option<DecisionRecord>,
    pub asked: Option<Pence>,
}

impl Facts {
    pub async fn load(
        state: &AppState,
        tenant: &Tenant,
        lang: Lang,
        found: &idea::Model,
    ) -> Result<Self, AppError> {
        let conn = state.db.conn();
        let org = tenant.org;
        let challenge = match found.challenge_id {
            Some(id) => panel::find_challenge(conn, org, id).await?,
            None => None,
        };
        let configured = panel::stage_name(conn, org, &found.stage).await?;
        Ok(Facts {
            pot: panel::pot_of(conn, org, found.challenge_id).await?,
            challenge,
            stage_name: stage_label(lang, &found.stage, configured),
            criteria: panel::criteria(conn, org, found).await?,
            score_sets: panel::score_sets(conn, org, found.id).await?,
            decision: panel::decision(conn, org, found.id).await?,
            asked: panel::asked(conn, org, found.id).await?,
        })
    }
}

pub struct DeclarationFields {
    pub radios: Radios,
    pub interest: Textarea,
}

pub enum DeclarationSection {
    Form(Box<DeclarationFields>),
    NoConflict(String),
    Conflict { said: String, interest: String },
    Closed,
}

impl DeclarationSection {
    pub fn new(
        lang: Lang,
        found: &idea::Model,
        own: Option<&Declaration>,
        errors: &FormErrors,
        drafts: &Drafts,
    ) -> Self {
        let date = |d: &Declaration| format_date(lang, d.declared_at.date());
        match own {
            Some(d) if d.conflict => DeclarationSection::Conflict {
                said: tf(
                    lang,
                    "panel.declare.conflict_declared",
                    &[("date", &date(d))],
                ),
                interest: d.interest.clone(),
            },
            Some(d) => DeclarationSection::NoConflict(tf(
                lang,
                "panel.declare.none_declared",
                &[("date", &date(d))],
            )),
            None if found.stage == panel::DECISION_STAGE || found.stage == panel::PREVIEW_STAGE => {
                let draft = &drafts.declaration;
                // The interest is a field of its own rather than a
                // conditional reveal: govuk-frontend marks revealing radios
                // with aria-expanded, which ARIA does not allow on radios.
                let interest = Textarea::new("interest")
                    .label(Label::text(lang.t("panel.declare.interest")).classes("govuk-label--s"))
                    .hint(lang.t("panel.declare.interest_hint"))
                    .rows(4)
                    .value(draft.interest.as_str())
                    .error_message(errors.message("interest"));
                DeclarationSection::Form(Box::new(DeclarationFields {
                    radios: Radios::new("conflict")
                        .legend(
                            Legend::text(lang.t("panel.declare.legend"))
                                .classes("govuk-fieldset__legend--s"),
                        )
                        .hint(lang.t("panel.declare.hint"))
                        .item(ChoiceItem::new("no", lang.t("panel.declare.no")))
                        .item(ChoiceItem::new("yes", lang.t("panel.declare.yes")))
                        .value(draft.conflict.as_str())
                        .error_message(errors.message("conflict")),
                    interest,
                }))
            }
            None => DeclarationSection::Closed,
        }
    }
}

pub struct CriterionFields {
    pub radios: Radios,
    pub comment: Textarea,
}

pub enum ScoringSection {
    Form(Vec<CriterionFields>),
    DeclareFirst,
    Conflicted,
    Scored(String),
    NotYet,
    Closed,
}

impl ScoringSection {
    pub fn new(
        lang: Lang,
        found: &idea::Model,
        standing: Standing,
        own: Option<&Declaration>,
        criteria: &[Criterion],
        errors: &FormErrors,
        drafts: &Drafts,
    ) -> Self {
        if let (Standing::Scored, Some(at)) = (standing, own.and_then(|d| d.scored_at)) {
            return ScoringSection::Scored(tf(
                lang,
                "panel.score.scored",
                &[("date", &format_date(lang, at.date()))],
            ));
        }
        if standing == Standing::Conflicted {
            return ScoringSection::Conflicted;
        }
        if found.stage == panel::PREVIEW_STAGE {
            return ScoringSection::NotYet;
        }
        if found.stage != panel::DECISION_STAGE {
            return ScoringSection::Closed;
        }
        if standing == Standing::Undeclared {
            return ScoringSection::DeclareFirst;
        }
        let draft = &drafts.scores;
        let total_weight: u64 = criteria.iter().map(|c| u64::from(c.weight.get())).sum();
        let share = |c: &Criterion| {
            (u64::from(c.weight.get()) * 100 + total_weight / 2)
                .checked_div(total_weight)
                // Criteria that all weigh nothing count the same.
                .unwrap_or(100 / criteria.len().max(1) as u64)
        };
        let fields = criteria
            .iter()
            .map(|c| {
                let name = criterion_name(lang, c);
                let mut radios = Radios::new(score_field(&c.key))
                    .legend(Legend::text(name.clone()).classes("govuk-fieldset__legend--m"))
                    .hint(tf(
                        lang,
                        "panel.score.weight",
                        &[
                            ("weight", &c.weight.get().to_string()),
                            ("share", &share(c).to_string()),
                        ],
                    ))
                    .value(draft.scores.get(&c.key).cloned().unwrap_or_default())
                    .error_message(errors.message(&score_field(&c.key)));
                for score in Score::ALL {
                    let key = score.descriptor();
                    radios = radios.item(
                        ChoiceItem::new(
                            score.get().to_string(),
                            lang.t(&format!("panel.scale.{key}")),
                        )
                        .hint(lang.t(&format!("panel.scale.{key}_hint"))),
                    );
                }
                let comment = Textarea::new(comment_field(&c.key))
                    .label(Label::text(tf(
                        lang,
                        "panel.score.comment",
                        &[("criterion", &name)],
                    )))
                    .rows(3)
                    .value(draft.comments.get(&c.key).cloned().unwrap_or_default())
                    .error_message(errors.message(&comment_field(&c.key)));
                CriterionFields { radios, comment }
            })
            .collect();
        ScoringSection::Form(fields)
    }
}

pub struct ReviewerComments {
    pub name: String,
    pub lines: Vec<(String, String)>,
}

pub struct AggregateView {
    pub summary: Vec<(String, String)>,
    pub by_criterion: Table,
    pub by_reviewer: Table,
    pub comments: Vec<ReviewerComments>,
}

pub enum ScoresSection {
    Hidden(&'static str),
    Shown(Box<AggregateView>),
}

impl ScoresSection {
    pub fn new(lang: Lang, standing: Standing, visible: Visible, me: PersonId) -> Self {
        let sheets = match visible {
            Visible::Shown(sheets) => sheets,
            Visible::Hidden(_) => {
                return ScoresSection::Hidden(if standing == Standing::Conflicted {
                    lang.t("panel.aggregate.hidden_conflict")
                } else {
                    lang.t("panel.aggregate.hidden")
                });
            }
        };
        let core: Vec<_> = sheets.iter().map(|s| s.sheet()).collect();
        let agg = aggregate(&core);
        let name_of = |id: PersonId| {
            sheets
                .iter()
                .find(|s| s.reviewer == id)
                .map(|s| s.name.clone())
                .unwrap_or_default()
        };
        let line_name = |key: &str| {
            sheets
                .iter()
                .flat_map(|s| &s.lines)
                .find(|l| l.criterion == key)
                .map(|l| {
                    if l.criterion_name.is_empty() {
                        lang.t(&format!("panel.criterion.{}", l.criterion))
                            .to_owned()
                    } else {
                        l.criterion_name.clone()
                    }
                })
                .unwrap_or_default()
        };
        let mine = sheets.iter().find(|s| s.reviewer == me);
        let dash = || "–".to_owned();
        let conflicts: Vec<String> = sheets
            .iter()
            .filter(|s| s.conflicted)
            .map(|s| s.name.clone())
            .collect();
        let summary = vec![
            (
                lang.t("panel.aggregate.reviewers").to_owned(),
                agg.reviewers.len().to_string(),
            ),
            (
                lang.t("panel.aggregate.mean").to_owned(),
                agg.mean.map(mark).unwrap_or_else(dash),
            ),
            (
                lang.t("panel.aggregate.lowest").to_owned(),
                agg.min.map(mark).unwrap_or_else(dash),
            ),
            (
                lang.t("panel.aggregate.highest").to_owned(),
                agg.max.map(mark).unwrap_or_else(dash),
            ),
            (
                lang.t("panel.aggregate.spread").to_owned(),
                agg.spread.map(mark).unwrap_or_else(dash),
            ),
            (
                lang.t("panel.aggregate.conflicts").to_owned(),
                if conflicts.is_empty() {
                    lang.t("panel.aggregate.none").to_owned()
                } else {
                    conflicts.join(", ")
                },
            ),
        ];
        let mut by_criterion = Table::default()
            .caption(lang.t("panel.aggregate.by_criterion"))
            .head([
                TableCell::text(lang.t("panel.aggregate.criterion")),
                TableCell::numeric(lang.t("panel.aggregate.weight")),
                TableCell::numeric(lang.t("panel.aggregate.yours")),
                TableCell::numeric(lang.t("panel.aggregate.mean_score")),
                TableCell::numeric(lang.t("panel.aggregate.min")),
                TableCell::numeric(lang.t("panel.aggregate.max")),
            ])
            .first_cell_is_header();
        by_criterion.caption_classes = Some("govuk-table__caption--s".into());
        for c in &agg.criteria {
            let yours = mine
                .and_then(|s| s.lines.iter().find(|l| l.criterion == c.criterion))
                .map(|l| l.score.get().to_string())
                .unwrap_or_else(dash);
            by_criterion = by_criterion.row([
                TableCell::text(line_name(&c.criterion)),
                TableCell::numeric(c.weight.get().to_string()),
                TableCell::numeric(yours),
                TableCell::numeric(mark(c.mean)),
                TableCell::numeric(c.min.get().to_string()),
                TableCell::numeric(c.max.get().to_string()),
            ]);
        }
        let mut by_reviewer = Table::default()
            .caption(lang.t("panel.aggregate.by_reviewer"))
            .head([
                TableCell::text(lang.t("panel.aggregate.reviewer")),
                TableCell::numeric(lang.t("panel.aggregate.total")),
            ])
            .first_cell_is_header();
        by_reviewer.caption_classes = Some("govuk-table__caption--s".into());
        for r in &agg.reviewers {
            let name = name_of(r.reviewer);
            let label = if r.reviewer == me {
                tf(lang, "panel.aggregate.you", &[("name", &name)])
            } else {
                name
            };
            by_reviewer =
                by_reviewer.row([TableCell::text(label), TableCell::numeric(mark(r.total))]);
        }
        let comments = sheets
            .iter()
            .filter(|s| !s.conflicted)
            .filter_map(|s| {
                let lines: Vec<(String, String)> = s
                    .lines
                    .iter()
                    .filter(|l| !l.comment.is_empty())
                    .map(|l| (line_name(&l.criterion), l.comment.clone()))
                    .collect();
                (!lines.is_empty()).then(|| ReviewerComments {
                    name: s.name.clone(),
                    lines,
                })
            })
            .collect();
        ScoresSection::Shown(Box::new(AggregateView {
            summary,
            by_criterion,
            by_reviewer,
            comments,
        }))
    }
}

pub struct DecisionFields {
    pub amount: Input,
    pub models: Radios,
    pub reason: Textarea,
}

pub enum DecisionSection {
    Recorded(Vec<(String, String)>),
    Form(Box<DecisionFields>),
    Closed(&'static str),
}

impl DecisionSection {
    pub fn new(
        lang: Lang,
        found: &idea::Model,
        standing: Standing,
        facts: &Facts,
        errors: &FormErrors,
        drafts: &Drafts,
    ) -> Self {
        if let Some(record) = &facts.decision {
            return DecisionSection::Recorded(recorded(lang, record));
        }
        if found.stage != panel::DECISION_STAGE {
            return DecisionSection::Closed(lang.t("panel.decision.not_open"));
        }
        if !standing.may_decide() {
            return DecisionSection::Closed(lang.t("panel.decision.conflicted"));
        }
        if facts.score_sets == 0 {
            return DecisionSection::Closed(lang.t("panel.decision.no_scores"));
        }
        let draft = &drafts.decision;
        let mut hint = match facts.pot {
            Some(pot) => tf(
                lang,
                "panel.decision.amount_hint_pot",
                &[("remaining", &pounds(pot.remaining()))],
            ),
            None => lang.t("panel.decision.amount_hint").to_owned(),
        };
        if let Some(asked) = facts.asked {
            hint.push(' ');
            hint.push_str(&tf(
                lang,
                "panel.decision.asked_hint",
                &[("asked", &pounds(asked))],
            ));
        }
        let amount = Input::new("amount")
            .label(Label::text(lang.t("panel.decision.amount")))
            .hint(hint)
            .prefix("£")
            .classes("govuk-input--width-10")
            .inputmode("decimal")
            .spellcheck(false)
            .value(draft.amount.as_str())
            .error_message(errors.message("amount"));
        let mut models = Radios::new("funding_model")
            .legend(
                Legend::text(lang.t("panel.decision.model")).classes("govuk-fieldset__legend--s"),
            )
            .value(draft.funding_model.as_str())
            .error_message(errors.message("funding_model"));
        for model in FundingModel::ALL {
            if *model == FundingModel::ChallengePot && facts.pot.is_none() {
                continue;
            }
            models = models.item(ChoiceItem::new(
                model.key(),
                lang.t(&format!("panel.source.{}", model.key())),
            ));
        }
        let reason = Textarea::new("reason")
            .label(Label::text(lang.t("panel.decision.reason")))
            .hint(lang.t("panel.decision.reason_hint"))
            .rows(4)
            .value(draft.reason.as_str())
            .error_message(errors.message("reason"));
        // Two forms, one for each outcome, rather than radios revealing
        // fields (see the declaration).
        DecisionSection::Form(Box::new(DecisionFields {
            amount,
            models,
            reason,
        }))
    }
}

fn recorded(lang: Lang, record: &DecisionRecord) -> Vec<(String, String)> {
    use beacon_core::pipeline::panel::Decision;
    let mut rows = vec![(
        lang.t("panel.decision.outcome").to_owned(),
        super::decision_text(lang, &record.decision),
    )];
    if let Decision::Declined { reason } = &record.decision {
        rows.push((
            lang.t("panel.decision.reason_label").to_owned(),
            reason.clone(),
        ));
    }
    if let Some(name) = &record.decided_by_name {
        rows.push((lang.t("panel.decision.decided_by").to_owned(), name.clone()));
    }
    rows.push((
        lang.t("panel.decision.decided_on").to_owned(),
        format_date(lang, record.decided_at.date()),
    ));
    rows
}

#[derive(Template)]
#[template(path = "panel/idea.html")]
pub struct IdeaPage {
    pub shell: Shell,
    pub idea_id: Uuid,
    pub title: String,
    pub facts: Facts,
    pub errors: FormErrors,
    pub notice: Option<NotificationBanner>,
    pub declaration: DeclarationSection,
    pub scoring: ScoringSection,
    pub scores: ScoresSection,
    pub decision: Option<DecisionSection>,
}

impl IdeaPage {
    /// "£8,000 of £20,000".
    fn pot_line(&self, pot: &Pot) -> String {
        tf(
            self.shell.lang,
            "panel.idea.remaining_of",
            &[
                ("remaining", &pounds(pot.remaining())),
                ("total", &pounds(pot.total())),
            ],
        )
    }

    /// A recorded decision, for a panel member who does not decide.
    fn decided(&self, record: &DecisionRecord) -> String {
        super::decision_text(self.shell.lang, &record.decision)
    }
}
