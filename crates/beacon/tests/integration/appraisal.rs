//! The appraisal pages of the innovation pipeline: the business case, the
//! risk register and the organisation's risk matrix.
use crate::helpers::*;
use beacon_core::OrgId;
use beacon_core::permission::Capability;
use beacon_core::pipeline::{Facet, IdeaKind, Lever};
use beacon_db::ConnectionTrait;
use beacon_db::audit::Actor;
use beacon_web::routes::Access;
use reqwest::StatusCode;
use uuid::Uuid;

/// This feature's rows of the role × route × organisation matrix.
pub fn access(method: &str, path: &str) -> Option<Access> {
    Some(match (method, path) {
        (
            "GET",
            "/ideas/{id}/business-case"
            | "/ideas/{id}/business-case/settings"
            | "/ideas/{id}/business-case/options"
            | "/ideas/{id}/business-case/lines"
            | "/ideas/{id}/risks",
        ) => Access::Member,
        (
            "POST",
            "/ideas/{id}/business-case/settings"
            | "/ideas/{id}/business-case/options"
            | "/ideas/{id}/business-case/options/remove"
            | "/ideas/{id}/business-case/lines"
            | "/ideas/{id}/business-case/lines/remove"
            | "/ideas/{id}/risks"
            | "/ideas/{id}/risks/edit"
            | "/ideas/{id}/risks/remove"
            | "/ideas/{id}/risks/not-innovating",
        ) => Access::Member,
        ("GET" | "POST", "/pipeline/risk-matrix") => Access::Can(Capability::RunPipeline),
        _ => return None,
    })
}

both_databases!(
    writing_a_business_case_opens_the_gate,
    who_may_see_and_who_may_change_it,
    another_council_gets_not_found,
    bad_money_years_and_text_change_nothing,
    options_and_lines_come_and_go,
    the_risk_register_and_its_matrix,
);

const STAFF: &str = "staff@northmere.example";
const LEAD: &str = "innovation-lead@northmere.example";

/// An idea written by `author` in Northmere (or `council`), moved straight to
/// `stage`. The stage is set in the database: moving ideas belongs to the
/// ideas pages, and these tests are about what happens at each stage.
async fn idea_in(app: &TestApp, council: &str, author: &str, stage: &str) -> (OrgId, Uuid) {
    let org = org_id(app, council).await;
    let person = person_id(app, author).await;
    let title = format!("Appraisal test {}", Uuid::new_v4().simple());
    let id = beacon_db::ideas::create(
        app.db().conn(),
        time::OffsetDateTime::now_utc(),
        &Actor::person(person, author),
        org,
        beacon_db::ideas::NewIdea {
            challenge: None,
            author: person,
            pseudonym: None,
            title: title.clone(),
            problem: "Inspectors visit every pothole report, and four in ten need no repair."
                .into(),
            proposal: "Let people attach a photo when they report.".into(),
            service_area: "highways_and_transport".into(),
            measure_today: "1,900 inspections a year".into(),
            measure_aspiration: "Fewer than 10% wasted".into(),
            expected_benefit: "700 fewer wasted visits a year.".into(),
            kind: IdeaKind::Incremental,
            facet: Facet::EnhancementOriented,
            lever: Lever::NewInsight,
        },
    )
    .await
    .unwrap();
    move_to(app, &title, stage).await;
    (org, id)
}

async fn idea_at(app: &TestApp, author: &str, stage: &str) -> (OrgId, Uuid) {
    idea_in(app, "northmere", author, stage).await
}

async fn move_to(app: &TestApp, title: &str, stage: &str) {
    app.db()
        .conn()
        .execute_unprepared(&format!(
            "UPDATE ideas SET stage = '{stage}' WHERE title = '{title}'"
        ))
        .await
        .unwrap();
}

async fn stage_of(app: &TestApp, org: OrgId, idea: Uuid, stage: &str) {
    let title = beacon_db::ideas::find(app.db().conn(), org, idea)
        .await
        .unwrap()
        .unwrap()
        .title;
    move_to(app, &title, stage).await;
}

async fn gate_open(app: &TestApp, org: OrgId, idea: Uuid) -> bool {
    beacon_db::gates::facts(app.db().conn(), org, idea)
        .await
        .unwrap()
        .business_case_complete
}

fn missing(reply: &Reply) -> Vec<String> {
    reply.texts("#missing li")
}

fn yesterday() -> (String, String, String) {
    let d = (time::OffsetDateTime::now_utc() - time::Duration::days(1)).date();
    (
        d.day().to_string(),
        u8::from(d.month()).to_string(),
        d.year().to_string(),
    )
}

/// The option id a successful "add option" redirects to.
fn added_option(reply: &Reply) -> String {
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let location = reply.location().unwrap();
    location.rsplit("#option-").next().unwrap().to_owned()
}

async fn add_line(
    browser: &Browser,
    base: &str,
    option: &str,
    year: &str,
    category: &str,
    amount: &str,
    source: &str,
) -> Reply {
    browser
        .post(
            &format!("{base}/business-case/lines"),
            &[
                ("option", option),
                ("year", year),
                ("category", category),
                ("description", "A line of the case"),
                ("amount", amount),
                ("source", source),
            ],
        )
        .await
}

fn risk_form<'a>(impact: &'a str, response: &'a str, plan: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("description", "Crews resist the new rounds"),
        ("likelihood", "3"),
        ("impact", impact),
        ("owner", "Head of Waste Services"),
        ("response", response),
        ("mitigation", plan),
    ]
}

/// The worked example of `beacon_core::pipeline::appraisal` typed into the
/// pages by the idea's author, until the gate into `decision` opens.
async fn writing_a_business_case_opens_the_gate(app: TestApp) -> TestApp {
    let (org, idea) = idea_at(&app, STAFF, "business_case").await;
    let author = app.signed_in(STAFF).await;
    let base = format!("/ideas/{idea}");
    let page = author.get(&format!("{base}/business-case")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(missing(&page).len(), 5, "{:?}", missing(&page));
    assert!(!gate_open(&app, org, idea).await);

    // Business as usual: £2,000 a year of running costs, years 0 to 2. The
    // first change creates the case, with business as usual in it.
    for year in ["0", "1", "2"] {
        let r = add_line(&author, &base, "bau", year, "revenue_cost", "2,000", "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(
            r.location()
                .unwrap()
                .ends_with("/business-case/lines?option=bau&notice=line_added")
        );
    }
    let form = author
        .get(&format!(
            "{base}/business-case/lines?option=bau&notice=line_added"
        ))
        .await;
    assert!(
        form.texts(".govuk-notification-banner")
            .join(" ")
            .contains("The line has been added")
    );
    assert_eq!(
        form.texts("table tbody tr").len(),
        3,
        "the lines so far are listed"
    );

    let option = added_option(
        &author
            .post(
                &format!("{base}/business-case/options"),
                &[
                    ("name", "Photo reporting"),
                    (
                        "description",
                        "Residents attach a photo; inspectors triage.",
                    ),
                ],
            )
            .await,
    );
    let page = author.get(&format!("{base}/business-case")).await;
    assert_eq!(
        missing(&page),
        vec![
            "at least one cost line and one benefit line for an option besides business as usual",
            "a preferred option",
            "how the idea will be funded",
            "the risk of not innovating, with its likelihood and impact",
            "at least one risk in the risk register",
        ]
    );
    for (year, category, amount, source) in [
        ("0", "capital_cost", "£10,000", ""),
        ("1", "cashable_benefit", "6000", ""),
        ("2", "cashable_benefit", "6000.00", ""),
        (
            "2",
            "social_value",
            "1,000",
            "Council proxy list 2026, item 4: volunteer hours at the National Living Wage",
        ),
    ] {
        let r = add_line(&author, &base, &option, year, category, amount, source).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let (day, month, year) = yesterday();
    let r = author
        .post(
            &format!("{base}/business-case/settings"),
            &[
                ("appraisal-date-day", &day),
                ("appraisal-date-month", &month),
                ("appraisal-date-year", &year),
                ("project-type", "standard_buildings"),
                ("mitigation", "50"),
                ("mitigation-note", "Fixed-price quotes for the app."),
                ("funding-model", "challenge_pot"),
                ("preferred-option", &option),
                (
                    "non-monetised",
                    "Residents see their report taken seriously.",
                ),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(!gate_open(&app, org, idea).await, "still no risks");

    let r = author
        .post(
            &format!("{base}/risks"),
            &risk_form("4", "treat", "Design the rounds with the crews"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        !gate_open(&app, org, idea).await,
        "no risk of not innovating yet"
    );
    let r = author
        .post(
            &format!("{base}/risks/not-innovating"),
            &[
                ("statement", "Inspections keep growing with reports."),
                ("statement-likelihood", "4"),
                ("statement-impact", "4"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(gate_open(&app, org, idea).await);

    let page = author.get(&format!("{base}/business-case")).await;
    assert!(page.body.contains("data-business-case=\"complete\""));
    assert!(missing(&page).is_empty());
    // Minus signs are joined to their figures with a word joiner.
    let rows: Vec<String> = page
        .texts("table tr")
        .iter()
        .map(|r| r.replace('\u{2060}', ""))
        .collect();
    // Hand-worked in beacon_core::pipeline::appraisal::tests::a_worked_example:
    // NPV £1,131.68, business as usual's −£6,495.32, the difference £7,626.99.
    for row in [
        "Measure Business as usual Photo reporting (preferred)",
        "Net present value −£6,495 £1,132",
        "Net present value compared with business as usual Baseline £7,627",
        "Net present value without social value −£6,495 £198",
        "Benefit–cost ratio 0.00 1.10",
        "Discounted payback Not within the period Year 2",
        "Optimism bias (12%) £696 £1,200",
    ] {
        assert!(rows.iter().any(|r| r == row), "{row} in {rows:#?}");
    }
    // The chart and its table.
    assert!(page.body.contains("<svg"));
    assert_eq!(
        page.texts("table caption")
            .iter()
            .filter(|c| c.starts_with("Cumulative discounted net value"))
            .count(),
        1
    );
    assert!(
        page.body
            .contains("Residents see their report taken seriously.")
    );

    // The portfolio's expected totals: the preferred option, undiscounted.
    let totals = beacon_db::appraisal::expected_totals(app.db().conn(), org)
        .await
        .unwrap();
    let mine = totals.iter().find(|t| t.idea == idea).unwrap();
    assert_eq!(
        (
            mine.cashable_pence,
            mine.non_cashable_pence,
            mine.social_value_pence,
            mine.cost_pence
        ),
        (1_200_000, 0, 100_000, 1_000_000)
    );

    // Removing the preferred option closes the gate again.
    let r = author
        .post(
            &format!("{base}/business-case/options/remove"),
            &[("option", &option)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(!gate_open(&app, org, idea).await);
    let page = author.get(&format!("{base}/business-case")).await;
    assert_eq!(
        missing(&page),
        vec!["an option besides business as usual", "a preferred option"]
    );
    app
}

async fn who_may_see_and_who_may_change_it(app: TestApp) -> TestApp {
    let (org, idea) = idea_at(&app, STAFF, "business_case").await;
    let base = format!("/ideas/{idea}");
    let option_form = [
        ("name", "Shared service"),
        ("description", "With Aske Vale."),
    ];
    // Readers: the author, people who run the pipeline, score cases or see
    // the portfolio. Everyone else in the council is refused.
    for (email, sees) in [
        (STAFF, true),
        (LEAD, true),
        ("panel@northmere.example", true),
        ("councillor@northmere.example", true),
        ("resident@northmere.example", false),
        ("manager@northmere.example", false),
        ("hr@northmere.example", false),
        ("partner@northmere.example", false),
        ("admin@northmere.example", false),
    ] {
        let who = app.signed_in(email).await;
        for path in ["business-case", "risks"] {
            let status = who.get(&format!("{base}/{path}")).await.status;
            let expected = if sees {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(status, expected, "{email} GET {path}");
        }
    }
    // Changers: the author at this stage, and the innovation lead.
    let (_, someone_elses) = idea_at(&app, "manager@northmere.example", "business_case").await;
    let before = audit_count(&app).await;
    for email in [
        "panel@northmere.example",
        "councillor@northmere.example",
        "manager@northmere.example",
    ] {
        let who = app.signed_in(email).await;
        let r = who
            .post(&format!("{base}/business-case/options"), &option_form)
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{email}");
        assert_eq!(
            who.get(&format!("{base}/business-case/settings"))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            who.post(&format!("{base}/risks"), &risk_form("2", "tolerate", ""))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
    }
    // A staff member who is not the author.
    let staff = app.signed_in(STAFF).await;
    assert_eq!(
        staff
            .post(
                &format!("/ideas/{someone_elses}/business-case/options"),
                &option_form
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        staff
            .get(&format!("/ideas/{someone_elses}/business-case"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(audit_count(&app).await, before, "refusals changed nothing");
    let view = beacon_db::appraisal::load(app.db().conn(), org, idea)
        .await
        .unwrap();
    assert!(view.case.is_none());

    // The author may write it while screened or at the business case stage.
    let author = app.signed_in(STAFF).await;
    let r = author
        .post(&format!("{base}/business-case/options"), &option_form)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    stage_of(&app, org, idea, "decision").await;
    let page = author.get(&format!("{base}/business-case")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.texts(".govuk-inset-text")
            .join(" ")
            .contains("while the idea is screened or at the business case stage")
    );
    assert!(
        !page.body.contains("/business-case/settings\""),
        "no edit link"
    );
    assert_eq!(
        author
            .post(&format!("{base}/business-case/options"), &option_form)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // The innovation lead still may.
    let lead = app.signed_in(LEAD).await;
    assert_eq!(
        lead.post(&format!("{base}/business-case/options"), &option_form)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // Before screening, the author may read but not write.
    stage_of(&app, org, idea, "submitted").await;
    assert_eq!(
        author.get(&format!("{base}/business-case")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        author
            .post(&format!("{base}/risks"), &risk_form("2", "tolerate", ""))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    stage_of(&app, org, idea, "screened").await;
    assert_eq!(
        author
            .post(&format!("{base}/risks"), &risk_form("2", "tolerate", ""))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    app
}

async fn another_council_gets_not_found(app: TestApp) -> TestApp {
    let (org, idea) = idea_at(&app, STAFF, "business_case").await;
    let author = app.signed_in(STAFF).await;
    let base = format!("/ideas/{idea}");
    let option = added_option(
        &author
            .post(
                &format!("{base}/business-case/options"),
                &[("name", "Northmere's option"), ("description", "Ours.")],
            )
            .await,
    );
    let r = add_line(&author, &base, &option, "1", "revenue_cost", "500", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = author
        .post(&format!("{base}/risks"), &risk_form("2", "tolerate", ""))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let view = beacon_db::appraisal::load(app.db().conn(), org, idea)
        .await
        .unwrap();
    let line = view.option(option.parse().unwrap()).unwrap().lines[0]
        .id
        .to_string();
    let risk = view.risks[0].id.to_string();

    let intruder = app.signed_in("innovation-lead@askevale.example").await;
    let (_, theirs) = idea_in(&app, "aske-vale", "staff@askevale.example", "business_case").await;
    let before = audit_count(&app).await;
    for path in [
        "business-case",
        "business-case/settings",
        "business-case/options",
        "business-case/lines",
        "risks",
    ] {
        let r = intruder.get(&format!("{base}/{path}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "GET {path}");
        assert!(!r.body.contains("Northmere's option"));
    }
    let (d, m, y) = yesterday();
    for (path, fields) in [
        (
            "business-case/settings",
            vec![
                ("appraisal-date-day", d.as_str()),
                ("appraisal-date-month", m.as_str()),
                ("appraisal-date-year", y.as_str()),
                ("project-type", "outsourcing"),
                ("mitigation", "0"),
                ("funding-model", "none"),
                ("preferred-option", "none"),
            ],
        ),
        (
            "business-case/options",
            vec![("name", "Theirs"), ("description", "Not theirs to add.")],
        ),
        (
            "business-case/options/remove",
            vec![("option", option.as_str())],
        ),
        ("business-case/lines/remove", vec![("line", line.as_str())]),
        ("risks/remove", vec![("risk", risk.as_str())]),
        (
            "risks/not-innovating",
            vec![
                ("statement", "x"),
                ("statement-likelihood", "1"),
                ("statement-impact", "1"),
            ],
        ),
    ] {
        let r = intruder.post(&format!("{base}/{path}"), &fields).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "POST {path}");
    }
    // Nor through one of their own ideas, with Northmere's ids.
    let their_base = format!("/ideas/{theirs}");
    for (path, field, id) in [
        ("business-case/options/remove", "option", &option),
        ("business-case/lines/remove", "line", &line),
        ("risks/remove", "risk", &risk),
    ] {
        let r = intruder
            .post(&format!("{their_base}/{path}"), &[(field, id.as_str())])
            .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "POST {path} with a Northmere id"
        );
    }
    let r = intruder
        .get(&format!("{their_base}/risks?edit={risk}"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = add_line(
        &intruder,
        &their_base,
        &option,
        "1",
        "revenue_cost",
        "500",
        "",
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not one of their options"
    );
    assert_eq!(audit_count(&app).await, before);
    let after = beacon_db::appraisal::load(app.db().conn(), org, idea)
        .await
        .unwrap();
    assert_eq!(after, view);
    app
}

async fn bad_money_years_and_text_change_nothing(app: TestApp) -> TestApp {
    let (org, idea) = idea_at(&app, STAFF, "business_case").await;
    let author = app.signed_in(STAFF).await;
    let base = format!("/ideas/{idea}");
    let before = audit_count(&app).await;
    let lines = format!("{base}/business-case/lines");
    for (year, category, amount, source, field, message) in [
        (
            "61",
            "capital_cost",
            "100",
            "",
            "year",
            "The year must be between 0 and 60",
        ),
        (
            "-1",
            "capital_cost",
            "100",
            "",
            "year",
            "Enter the year as a whole number, like 3",
        ),
        (
            "two",
            "capital_cost",
            "100",
            "",
            "year",
            "Enter the year as a whole number, like 3",
        ),
        ("", "capital_cost", "100", "", "year", "Enter the year"),
        (
            "3",
            "capital_cost",
            "ten pounds",
            "",
            "amount",
            "Enter an amount in pounds, like 1,250 or 1250.50",
        ),
        (
            "3",
            "capital_cost",
            "-5",
            "",
            "amount",
            "Enter an amount of £0 or more",
        ),
        (
            "3",
            "capital_cost",
            "0",
            "",
            "amount",
            "Enter an amount greater than £0",
        ),
        (
            "3",
            "capital_cost",
            "12.345",
            "",
            "amount",
            "Enter an amount in pounds, like 1,250 or 1250.50",
        ),
        (
            "3",
            "capital_cost",
            "2000000000",
            "",
            "amount",
            "Enter an amount of £1,000,000,000 or less",
        ),
        (
            "3",
            "capital_cost",
            "",
            "",
            "amount",
            "Enter an amount in pounds",
        ),
        (
            "3",
            "social_value",
            "100",
            " ",
            "source",
            "Enter the source of the social value",
        ),
        (
            "3",
            "gift",
            "100",
            "",
            "category",
            "Choose what kind of amount it is",
        ),
    ] {
        let r = author
            .post(
                &lines,
                &[
                    ("option", "bau"),
                    ("year", year),
                    ("category", category),
                    ("description", "Licences"),
                    ("amount", amount),
                    ("source", source),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{year} {amount}"
        );
        assert_eq!(
            r.texts(".govuk-error-summary__list a"),
            vec![message],
            "{year} {category} {amount}"
        );
        assert!(r.body.contains(&format!("href=\"#{field}\"")));
        // What was typed is kept.
        assert!(r.body.contains(&format!("value=\"{amount}\"")) || amount.is_empty());
    }
    let r = add_line(
        &author,
        &base,
        &Uuid::new_v4().to_string(),
        "1",
        "capital_cost",
        "5",
        "",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#option\""));

    let settings = format!("{base}/business-case/settings");
    let empty = author.post(&settings, &[]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        empty.texts(".govuk-error-summary__list a").len(),
        5,
        "date, project type, mitigation, funding model, preferred option"
    );
    let (d, m, y) = yesterday();
    for (day, mitigation, note, preferred, field) in [
        ("31", "0", "", "none", "appraisal-date-day"),
        (d.as_str(), "150", "", "none", "mitigation"),
        (d.as_str(), "20", "", "none", "mitigation-note"),
        (
            d.as_str(),
            "0",
            "",
            "00000000-0000-0000-0000-000000000000",
            "preferred-option",
        ),
    ] {
        let month = if day == "31" { "2" } else { m.as_str() };
        let r = author
            .post(
                &settings,
                &[
                    ("appraisal-date-day", day),
                    ("appraisal-date-month", month),
                    ("appraisal-date-year", &y),
                    ("project-type", "outsourcing"),
                    ("mitigation", mitigation),
                    ("mitigation-note", note),
                    ("funding-model", "none"),
                    ("preferred-option", preferred),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert_eq!(
            r.texts(".govuk-error-summary__list a").len(),
            1,
            "{field}: {:?}",
            r.texts(".govuk-error-summary__list a")
        );
        assert!(r.body.contains(&format!("href=\"#{field}\"")), "{field}");
    }
    let too_early = author
        .post(
            &settings,
            &[
                ("appraisal-date-day", "31"),
                ("appraisal-date-month", "12"),
                ("appraisal-date-year", "2002"),
                ("project-type", "outsourcing"),
                ("mitigation", "0"),
                ("funding-model", "none"),
                ("preferred-option", "none"),
            ],
        )
        .await;
    assert!(
        too_early
            .texts(".govuk-error-summary__list a")
            .join(" ")
            .contains("on or after 1 January 2003")
    );

    let r = author
        .post(
            &format!("{base}/business-case/options"),
            &[("name", "business as usual"), ("description", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = author
        .post(&format!("{base}/risks"), &risk_form("6", "tolerate", ""))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.texts(".govuk-error-summary__list a"),
        vec!["Choose an impact on the matrix"]
    );
    let r = author
        .post(&format!("{base}/risks"), &risk_form("3", "treat", ""))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#mitigation\""));
    let r = author.post(&format!("{base}/risks"), &[]).await;
    assert_eq!(r.texts(".govuk-error-summary__list a").len(), 5);
    let r = author
        .post(
            &format!("{base}/risks/not-innovating"),
            &[("statement", "  ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["statement", "statement-likelihood", "statement-impact"] {
        assert!(r.body.contains(&format!("href=\"#{field}\"")), "{field}");
    }
    // A form field no page of ours sends is refused outright.
    let r = author
        .post(
            &format!("{base}/business-case/options"),
            &[
                ("name", "x"),
                ("description", "y"),
                ("organisation_id", "z"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    assert_eq!(audit_count(&app).await, before, "nothing was written");
    let view = beacon_db::appraisal::load(app.db().conn(), org, idea)
        .await
        .unwrap();
    assert!(view.case.is_none() && view.options.is_empty() && view.risks.is_empty());
    app
}

async fn options_and_lines_come_and_go(app: TestApp) -> TestApp {
    let (org, idea) = idea_at(&app, STAFF, "screened").await;
    let author = app.signed_in(STAFF).await;
    let base = format!("/ideas/{idea}");
    let option = added_option(
        &author
            .post(
                &format!("{base}/business-case/options"),
                &[("name", "Buy a system"), ("description", "Off the shelf.")],
            )
            .await,
    );
    for year in ["0", "1"] {
        let r = add_line(&author, &base, &option, year, "capital_cost", "1,000", "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    let view = beacon_db::appraisal::load(app.db().conn(), org, idea)
        .await
        .unwrap();
    assert_eq!(view.options.len(), 2);
    assert!(
        view.options[0].business_as_usual,
        "business as usual comes first"
    );
    let bau = view.options[0].id.to_string();
    let lines: Vec<String> = view.options[1]
        .lines
        .iter()
        .map(|l| l.id.to_string())
        .collect();
    assert_eq!(lines.len(), 2);

    // Business as usual cannot be removed.
    let r = author
        .post(
            &format!("{base}/business-case/options/remove"),
            &[("option", &bau)],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let page = author.get(&format!("{base}/business-case")).await;
    assert_eq!(
        page.texts("form[action$='/options/remove'] button").len(),
        1,
        "only the new option has a remove button"
    );
    // A line of another idea of the same council is not found here.
    let (_, other) = idea_at(&app, STAFF, "screened").await;
    let r = author
        .post(
            &format!("/ideas/{other}/business-case/lines/remove"),
            &[("line", &lines[0])],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = author
        .post(
            &format!("{base}/business-case/lines/remove"),
            &[("line", &lines[0])],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = author
        .post(
            &format!("{base}/business-case/lines/remove"),
            &[("line", &lines[0])],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "already gone");
    let r = author
        .post(
            &format!("{base}/business-case/options/remove"),
            &[("option", &option)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let view = beacon_db::appraisal::load(app.db().conn(), org, idea)
        .await
        .unwrap();
    assert_eq!(view.options.len(), 1);
    assert!(view.options[0].lines.is_empty());
    let audit = app.signed_in("admin@northmere.example").await;
    let events = audit
        .get("/admin/audit?action=appraisal_option.remove")
        .await;
    assert!(events.texts("tbody tr").join(" ").contains("Buy a system"));
    app
}

async fn the_risk_register_and_its_matrix(app: TestApp) -> TestApp {
    let (org, idea) = idea_at(&app, STAFF, "business_case").await;
    let author = app.signed_in(STAFF).await;
    let base = format!("/ideas/{idea}");
    let r = author
        .post(
            &format!("{base}/risks"),
            &risk_form("4", "transfer", "The contractor carries it"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = author.get(&format!("{base}/risks?notice=risk_added")).await;
    assert!(
        page.texts(".govuk-notification-banner")
            .join(" ")
            .contains("added to the register")
    );
    let row = page.texts("tbody tr")[0].clone();
    // 3 × 4 = 12: high on the default 5 × 5 matrix (high from 10).
    assert!(row.contains("12 (3 × 4)") && row.contains("High"), "{row}");
    let view = beacon_db::appraisal::load(app.db().conn(), org, idea)
        .await
        .unwrap();
    let risk = view.risks[0].id.to_string();

    // Change it through its own form.
    let form = author.get(&format!("{base}/risks?edit={risk}")).await;
    assert!(form.body.contains("Change risk R1"));
    assert!(form.body.contains("value=\"Head of Waste Services\""));
    let mut changed = risk_form("1", "tolerate", "");
    changed.push(("risk", &risk));
    let r = author.post(&format!("{base}/risks/edit"), &changed).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let view = beacon_db::appraisal::load(app.db().conn(), org, idea)
        .await
        .unwrap();
    assert_eq!(view.risks[0].impact, 1);
    // A new risk may not carry an id.
    let r = author.post(&format!("{base}/risks"), &changed).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // The innovation lead configures the matrix for the whole council.
    let lead = app.signed_in(LEAD).await;
    assert_eq!(
        lead.get("/pipeline/risk-matrix").await.status,
        StatusCode::OK
    );
    let matrix = |size: &'static str, m: &'static str, h: &'static str, v: &'static str| {
        vec![
            ("size", size),
            ("medium-from", m),
            ("high-from", h),
            ("very-high-from", v),
        ]
    };
    let r = lead
        .post("/pipeline/risk-matrix", &matrix("5", "10", "8", "15"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#high-from\""));
    let r = lead
        .post("/pipeline/risk-matrix", &matrix("3", "3", "5", "10"))
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "10 is beyond 3 × 3"
    );
    let r = lead
        .post("/pipeline/risk-matrix", &matrix("7", "6", "15", "30"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = author
        .post(&format!("{base}/risks"), &risk_form("7", "tolerate", ""))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "7 is on a 7 × 7 matrix");
    // The register now uses level 7: the matrix cannot shrink below it.
    let before = audit_count(&app).await;
    let r = lead
        .post("/pipeline/risk-matrix", &matrix("5", "5", "10", "15"))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.texts(".govuk-error-summary__list a")
            .join(" ")
            .contains("Risks already use level 7")
    );
    assert_eq!(audit_count(&app).await, before);
    // Another council's matrix is its own.
    let theirs = beacon_db::appraisal::matrix(app.db().conn(), org_id(&app, "aske-vale").await)
        .await
        .unwrap();
    assert_eq!(theirs.size(), 5);

    // Removing risks.
    for risk in beacon_db::appraisal::load(app.db().conn(), org, idea)
        .await
        .unwrap()
        .risks
    {
        let r = author
            .post(
                &format!("{base}/risks/remove"),
                &[("risk", &risk.id.to_string())],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    let page = author.get(&format!("{base}/risks")).await;
    assert!(
        page.body
            .contains("There are no risks in the register yet.")
    );
    app
}
