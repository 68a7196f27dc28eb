//! The panel's three forms, parsed into the domain's types. What was typed is
//! kept as it was typed, so a refused form comes back as the person left it.
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::i18n::{Lang, tf};
use crate::pipeline::parse_pounds;
use beacon_core::pipeline::FundingModel;
use beacon_core::pipeline::panel::{DeclineReason, Interest, Score, optional_comment};
use beacon_core::text::TextError;
use beacon_db::panel::{Criterion, Declared, Given, Proposal};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The declaration of interests.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclarationForm {
    #[serde(default)]
    pub conflict: String,
    #[serde(default)]
    pub interest: String,
}

impl DeclarationForm {
    pub fn parse(&self, errors: &mut FormErrors) -> Option<Declared> {
        match self.conflict.as_str() {
            "no" => Some(Declared::NoConflict),
            "yes" => match Interest::parse(&self.interest) {
                Ok(interest) => Some(Declared::Conflict(interest)),
                Err(TextError::Missing) => {
                    errors.add("interest", "panel.declare.error.interest_missing");
                    None
                }
                Err(TextError::TooLong { .. }) => {
                    errors.add("interest", "panel.declare.error.interest_too_long");
                    None
                }
            },
            _ => {
                errors.add("conflict", "panel.declare.error.choose");
                None
            }
        }
    }
}

/// The form field of a criterion's score, and of its comment.
pub fn score_field(criterion: &str) -> String {
    format!("score-{criterion}")
}

pub fn comment_field(criterion: &str) -> String {
    format!("comment-{criterion}")
}

/// The scores as typed, by criterion key.
#[derive(Clone, Debug, Default)]
pub struct ScoreDraft {
    pub scores: BTreeMap<String, String>,
    pub comments: BTreeMap<String, String>,
}

impl ScoreDraft {
    /// Read the posted fields. The form's fields depend on the idea's
    /// criteria, so it is read as pairs; a field that is not one of this
    /// idea's, or a field sent twice, is refused as a tampered form would be
    /// (the same rule as `deny_unknown_fields`).
    pub fn read(pairs: Vec<(String, String)>, criteria: &[Criterion]) -> Result<Self, AppError> {
        let mut draft = ScoreDraft::default();
        for (name, value) in pairs {
            let (target, key) = if let Some(key) = name.strip_prefix("score-") {
                (&mut draft.scores, key)
            } else if let Some(key) = name.strip_prefix("comment-") {
                (&mut draft.comments, key)
            } else {
                return Err(AppError::BadRequest(format!(
                    "form: unknown field {name:.40}"
                )));
            };
            if !criteria.iter().any(|c| c.key == key) {
                return Err(AppError::BadRequest(format!(
                    "form: unknown criterion {key:.40}"
                )));
            }
            if target.insert(key.to_owned(), value).is_some() {
                return Err(AppError::BadRequest(format!("form: {name:.40} sent twice")));
            }
        }
        Ok(draft)
    }

    /// Every criterion scored, and every comment within bounds; otherwise
    /// the errors, one per field, in the page's order.
    pub fn parse(
        &self,
        criteria: &[Criterion],
        lang: Lang,
        errors: &mut FormErrors,
    ) -> Option<Vec<Given>> {
        let mut given = Vec::with_capacity(criteria.len());
        for criterion in criteria {
            let name = criterion_name(lang, criterion);
            let score = self
                .scores
                .get(&criterion.key)
                .and_then(|raw| Score::parse(raw));
            if score.is_none() {
                errors.add_text(
                    &score_field(&criterion.key),
                    tf(lang, "panel.score.error.missing", &[("criterion", &name)]),
                );
            }
            let raw_comment = self
                .comments
                .get(&criterion.key)
                .map(String::as_str)
                .unwrap_or("");
            let comment = match optional_comment(raw_comment) {
                Ok(c) => c,
                Err(_) => {
                    errors.add_text(
                        &comment_field(&criterion.key),
                        tf(
                            lang,
                            "panel.score.error.comment_too_long",
                            &[("criterion", &name)],
                        ),
                    );
                    None
                }
            };
            if let Some(score) = score {
                given.push(Given {
                    criterion: criterion.key.clone(),
                    score,
                    comment,
                });
            }
        }
        errors.is_empty().then_some(given)
    }
}

/// A criterion's name: the challenge's, or a default criterion's translation.
pub fn criterion_name(lang: Lang, criterion: &Criterion) -> String {
    match &criterion.name {
        Some(name) => name.clone(),
        None => lang
            .t(&format!("panel.criterion.{}", criterion.key))
            .to_owned(),
    }
}

/// The funding decision.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionForm {
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub funding_model: String,
    #[serde(default)]
    pub reason: String,
}

impl DecisionForm {
    /// The proposal, checked as far as the form can: the pot and the
    /// business case's ask are checked where the money is taken.
    pub fn parse(&self, errors: &mut FormErrors) -> Option<Proposal> {
        match self.outcome.as_str() {
            "fund" => {
                let amount = match parse_pounds(&self.amount) {
                    Ok(0) => {
                        errors.add("amount", "panel.decision.error.amount_zero");
                        None
                    }
                    Ok(pence) => Some(pence),
                    Err(e) => {
                        errors.add("amount", e.key());
                        None
                    }
                };
                let model = match self.funding_model.parse::<FundingModel>() {
                    Ok(m) => Some(m),
                    Err(_) => {
                        errors.add("funding_model", "panel.decision.error.model_missing");
                        None
                    }
                };
                Some(Proposal::Fund {
                    amount: amount?,
                    model: model?,
                })
            }
            "decline" => match DeclineReason::parse(&self.reason) {
                Ok(reason) => Some(Proposal::Decline(reason)),
                Err(TextError::Missing) => {
                    errors.add("reason", "panel.decision.error.reason_missing");
                    None
                }
                Err(TextError::TooLong { .. }) => {
                    errors.add("reason", "panel.decision.error.reason_too_long");
                    None
                }
            },
            // Only a tampered or empty post lacks it: each of the page's two
            // forms sends its own.
            _ => {
                errors.add("decide", "panel.decision.error.choose");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use beacon_core::pipeline::panel::Weight;

    fn criteria() -> Vec<Criterion> {
        vec![
            Criterion {
                key: "impact".into(),
                name: Some("Impact".into()),
                weight: Weight::new(3).unwrap(),
            },
            Criterion {
                key: "evidence".into(),
                name: None,
                weight: Weight::ONE,
            },
        ]
    }

    fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_full_sheet_parses_in_the_criteria_order() {
        let draft = ScoreDraft::read(
            pairs(&[
                ("score-evidence", "2"),
                ("score-impact", "5"),
                ("comment-impact", "  Clear savings "),
                ("comment-evidence", ""),
            ]),
            &criteria(),
        )
        .unwrap();
        let mut errors = FormErrors::new(Lang::En);
        let given = draft.parse(&criteria(), Lang::En, &mut errors).unwrap();
        assert_eq!(given.len(), 2);
        assert_eq!(given[0].criterion, "impact");
        assert_eq!(given[0].score, Score::new(5).unwrap());
        assert_eq!(
            given[0].comment.as_ref().map(|c| c.as_str()),
            Some("Clear savings")
        );
        assert_eq!(given[1].comment, None);
    }

    #[test]
    fn missing_and_bad_scores_are_errors_by_their_field() {
        let draft = ScoreDraft::read(
            pairs(&[
                ("score-impact", "6"),
                ("comment-evidence", &"x".repeat(2001)),
            ]),
            &criteria(),
        )
        .unwrap();
        let mut errors = FormErrors::new(Lang::En);
        assert!(draft.parse(&criteria(), Lang::En, &mut errors).is_none());
        assert!(errors.get("score-impact").unwrap().contains("Impact"));
        assert!(errors.get("score-evidence").is_some());
        assert!(errors.get("comment-evidence").is_some());
        // An empty form is every score missing.
        let empty = ScoreDraft::read(Vec::new(), &criteria()).unwrap();
        let mut errors = FormErrors::new(Lang::En);
        assert!(empty.parse(&criteria(), Lang::En, &mut errors).is_none());
        assert!(errors.get("score-impact").is_some() && errors.get("score-evidence").is_some());
    }

    #[test]
    fn fields_that_are_not_the_ideas_are_refused() {
        for bad in [
            &[("score-other", "3")][..],
            &[("organisation", "x")][..],
            &[("reviewer", "x")][..],
            &[("score-impact", "3"), ("score-impact", "4")][..],
        ] {
            assert!(
                ScoreDraft::read(pairs(bad), &criteria()).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn declarations_need_an_answer_and_an_interest_with_a_conflict() {
        let mut errors = FormErrors::new(Lang::En);
        let form = DeclarationForm::default();
        assert_eq!(form.parse(&mut errors), None);
        assert!(errors.get("conflict").is_some());
        let mut errors = FormErrors::new(Lang::En);
        let form = DeclarationForm {
            conflict: "yes".into(),
            interest: " ".into(),
        };
        assert_eq!(form.parse(&mut errors), None);
        assert!(errors.get("interest").is_some());
        let mut errors = FormErrors::new(Lang::En);
        let form = DeclarationForm {
            conflict: "no".into(),
            interest: "ignored".into(),
        };
        assert_eq!(form.parse(&mut errors), Some(Declared::NoConflict));
    }

    #[test]
    fn decisions_fund_an_amount_from_a_source_or_decline_with_a_reason() {
        let parse = |outcome: &str, amount: &str, model: &str, reason: &str| {
            let mut errors = FormErrors::new(Lang::En);
            let form = DecisionForm {
                outcome: outcome.into(),
                amount: amount.into(),
                funding_model: model.into(),
                reason: reason.into(),
            };
            (form.parse(&mut errors), errors)
        };
        let (p, _) = parse("fund", "£12,500", "challenge_pot", "");
        assert_eq!(
            p,
            Some(Proposal::Fund {
                amount: 1_250_000,
                model: FundingModel::ChallengePot
            })
        );
        let (p, e) = parse("fund", "0", "", "");
        assert!(p.is_none() && e.get("amount").is_some() && e.get("funding_model").is_some());
        let (p, e) = parse("fund", "-3", "pocket", "");
        assert!(p.is_none() && e.get("amount").is_some() && e.get("funding_model").is_some());
        let (p, e) = parse("decline", "", "", "");
        assert!(p.is_none() && e.get("reason").is_some());
        let (p, _) = parse("decline", "", "", "Too early");
        assert!(matches!(p, Some(Proposal::Decline(_))));
        let (p, e) = parse("", "", "", "");
        assert!(p.is_none() && e.get("decide").is_some());
    }
}
