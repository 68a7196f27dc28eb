//! The panel pages of the innovation pipeline: declarations of interest,
//! private scores, the aggregate after scoring, and funding decisions that
//! never spend beyond the pot.
use crate::helpers::*;
use beacon_core::permission::Capability;
use beacon_core::pipeline::panel::Standing;
use beacon_core::pipeline::{Facet, IdeaKind, Lever};
use beacon_core::{OrgId, Role};
use beacon_db::audit::Actor;
use beacon_db::ideas::NewIdea;
use beacon_db::panel::{self, Visible};
use beacon_db::{Backend, ConnectionTrait};
use beacon_web::routes::Access;
use reqwest::StatusCode;
use time::OffsetDateTime;
use uuid::Uuid;

/// This feature's rows of the role × route × organisation matrix.
pub fn access(method: &str, path: &str) -> Option<Access> {
    let score = Access::Can(Capability::ScoreCases);
    Some(match (method, path) {
        ("GET", "/panel" | "/ideas/{id}/panel") => score,
        ("POST", "/ideas/{id}/panel/declaration" | "/ideas/{id}/panel/scores") => score,
        ("POST", "/ideas/{id}/decision") => Access::Can(Capability::DecideFunding),
        _ => return None,
    })
}

both_databases!(
    a_reviewer_sees_the_aggregate_only_after_scoring,
    only_the_panel_scores_and_decides,
    another_councils_panel_finds_nothing,
    a_conflicted_reviewer_neither_scores_nor_sees_scores,
    an_author_on_the_panel_has_an_interest,
    fifty_submissions_at_once_make_one_set_of_scores,
    concurrent_decisions_never_overspend_the_pot,
    many_decisions_at_once_stay_within_the_pot,
    an_overspend_is_refused_with_what_remains,
    bad_input_changes_nothing,
    a_decision_waits_for_the_stage_and_a_score,
    ideas_without_a_pot_are_funded_from_elsewhere,
    the_queue_shows_each_pot_and_where_the_reviewer_stands,
);

const PANEL: &str = "panel@northmere.example";
const LEAD: &str = "innovation-lead@northmere.example";
/// A second reviewer: the councillor, given the panel role for these tests.
const SECOND: &str = "councillor@northmere.example";

fn sql_uuid(app: &TestApp, id: Uuid) -> String {
    match app.db().backend() {
        Backend::Sqlite => format!("X'{}'", id.simple()),
        Backend::Postgres => format!("'{id}'"),
    }
}

/// An innovation challenge with a pot (in pence) and weighted criteria, as
/// the challenge pages would store one.
async fn challenge(
    app: &TestApp,
    question: &str,
    pot: Option<i64>,
    criteria: &[(&str, i32)],
) -> Uuid {
    let id = Uuid::new_v4();
    let org = org_id(app, "northmere").await.uuid();
    let lead = person_id(app, LEAD).await.uuid();
    let pot = pot.map_or("NULL".to_owned(), |p| p.to_string());
    let question = question.replace('\'', "''");
    let conn = app.db().conn();
    conn.execute_unprepared(&format!(
        "INSERT INTO challenges (id, organisation_id, question, description, audience, \
         opens_on, closes_on, innovation, pot_pence, allocated_pence, created_by, created_at) \
         SELECT {}, {}, '{question}', 'What the challenge is about.', 'staff', '2026-01-01', \
         '2027-12-31', 1 = 1, {pot}, 0, {}, created_at FROM people WHERE id = {}",
        sql_uuid(app, id),
        sql_uuid(app, org),
        sql_uuid(app, lead),
        sql_uuid(app, lead),
    ))
    .await
    .unwrap();
    for (position, (name, weight)) in criteria.iter().enumerate() {
        let name = name.replace('\'', "''");
        conn.execute_unprepared(&format!(
            "INSERT INTO challenge_criteria (id, organisation_id, challenge_id, position, name, weight) \
             VALUES ({}, {}, {}, {position}, '{name}', {weight})",
            sql_uuid(app, Uuid::new_v4()),
            sql_uuid(app, org),
            sql_uuid(app, id),
        ))
        .await
        .unwrap();
    }
    id
}

/// An idea written as the ideas pages write one, then put in `stage`.
async fn idea(app: &TestApp, challenge: Option<Uuid>, title: &str, stage: &str) -> Uuid {
    idea_by(app, "staff@northmere.example", challenge, title, stage).await
}

async fn idea_by(
    app: &TestApp,
    author: &str,
    challenge: Option<Uuid>,
    title: &str,
    stage: &str,
) -> Uuid {
    let org = org_id(app, "northmere").await;
    let author = person_id(app, author).await;
    let txn = app.db().begin_writing().await.unwrap();
    let id = beacon_db::ideas::create(
        &txn,
        OffsetDateTime::now_utc(),
        &Actor::system("test"),
        org,
        NewIdea {
            challenge,
            author,
            pseudonym: None,
            title: title.to_owned(),
            problem: format!("The problem {title} answers."),
            proposal: format!("The proposal of {title}."),
            service_area: "Adult social care".to_owned(),
            measure_today: "Six weeks to assess".to_owned(),
            measure_aspiration: "Two weeks".to_owned(),
            expected_benefit: "Faster care".to_owned(),
            kind: IdeaKind::Radical,
            facet: Facet::MissionOriented,
            lever: Lever::NewInsight,
        },
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    set_stage(app, id, stage).await;
    id
}

async fn set_stage(app: &TestApp, id: Uuid, stage: &str) {
    app.db()
        .conn()
        .execute_unprepared(&format!(
            "UPDATE ideas SET stage = '{stage}' WHERE id = {}",
            sql_uuid(app, id)
        ))
        .await
        .unwrap();
}

async fn grant_panel(app: &TestApp, email: &str) {
    let org = org_id(app, "northmere").await;
    let id = person_id(app, email).await;
    beacon_db::people::grant_role(
        app.db().conn(),
        &Actor::system("test"),
        OffsetDateTime::now_utc(),
        org,
        id,
        Role::Panel,
    )
    .await
    .unwrap();
}

async fn northmere(app: &TestApp) -> OrgId {
    org_id(app, "northmere").await
}

/// The criteria of an idea, as the form names their fields.
async fn score_fields(app: &TestApp, idea: Uuid) -> Vec<String> {
    let org = northmere(app).await;
    let found = beacon_db::ideas::find(app.db().conn(), org, idea)
        .await
        .unwrap()
        .unwrap();
    panel::criteria(app.db().conn(), org, &found)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.key)
        .collect()
}

/// A full sheet: `scores[i]` for the i-th criterion, and a comment on the first.
async fn sheet(app: &TestApp, idea: Uuid, scores: &[u8], comment: &str) -> Vec<(String, String)> {
    let keys = score_fields(app, idea).await;
    let mut form = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        form.push((format!("score-{key}"), scores[i % scores.len()].to_string()));
        let text = if i == 0 { comment } else { "" };
        form.push((format!("comment-{key}"), text.to_owned()));
    }
    form
}

fn fields(owned: &[(String, String)]) -> Vec<(&str, &str)> {
    owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

async fn declare_no_conflict(browser: &Browser, idea: Uuid) {
    let reply = browser
        .post(
            &format!("/ideas/{idea}/panel/declaration"),
            &[("conflict", "no"), ("interest", "")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
}

async fn score(browser: &Browser, app: &TestApp, idea: Uuid, scores: &[u8], comment: &str) {
    let form = sheet(app, idea, scores, comment).await;
    let reply = browser
        .post(&format!("/ideas/{idea}/panel/scores"), &fields(&form))
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(
        reply.location(),
        Some(format!("/ideas/{idea}/panel?notice=panel_scored").as_str())
    );
}

async fn allocated(app: &TestApp, challenge: Uuid) -> (i64, i64) {
    let pot = panel::pot_of(app.db().conn(), northmere(app).await, Some(challenge))
        .await
        .unwrap()
        .unwrap();
    (pot.allocated(), pot.total())
}

async fn display_name(app: &TestApp, email: &str) -> String {
    let id = person_id(app, email).await;
    beacon_db::people::by_id(app.db().conn(), id)
        .await
        .unwrap()
        .unwrap()
        .display_name
}

async fn a_reviewer_sees_the_aggregate_only_after_scoring(app: TestApp) -> TestApp {
    let c = challenge(
        &app,
        "How might we shorten waits for care assessments?",
        Some(5_000_000),
        &[("Impact on residents", 3), ("Cost", 1)],
    )
    .await;
    let id = idea(&app, Some(c), "Assess at the hospital door", "decision").await;
    grant_panel(&app, SECOND).await;
    let second = app.signed_in(SECOND).await;
    let second_name = display_name(&app, SECOND).await;
    declare_no_conflict(&second, id).await;
    score(
        &second,
        &app,
        id,
        &[4, 2],
        "Bravo-7731: the discharge data convinces me",
    )
    .await;

    // The panel member has not scored: nothing of the other reviewer's
    // scores, comments or name is in the page.
    let panel = app.signed_in(PANEL).await;
    let path = format!("/ideas/{id}/panel");
    for step in ["before declaring", "after declaring"] {
        let page = panel.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{step}");
        assert!(
            !page.body.contains("Bravo-7731"),
            "{step}: a comment leaked"
        );
        assert!(
            !page.body.contains(&second_name),
            "{step}: a reviewer leaked"
        );
        assert!(page.texts("#panel-summary").is_empty(), "{step}");
        assert!(page.texts("table").is_empty(), "{step}: no score tables");
        assert!(
            page.texts("#aggregate + p")
                .join(" ")
                .contains("once you have submitted your own"),
            "{step}"
        );
        // Only the one reviewer's count is public.
        assert!(page.body.contains("Reviewers who have scored"));
        if step == "before declaring" {
            assert_eq!(page.texts("form[action$='/panel/scores']").len(), 0);
            declare_no_conflict(&panel, id).await;
        } else {
            assert_eq!(page.texts("form[action$='/panel/scores']").len(), 1);
            // Each criterion offers 0 to 5 with what each score means.
            assert!(page.body.contains("3 – Adequate"));
            assert!(page.body.contains("Weight 3"));
        }
    }
    score(&panel, &app, id, &[2, 2], "").await;
    let page = panel.get(&format!("{path}?notice=panel_scored")).await;
    assert!(
        page.texts(".govuk-notification-banner")
            .join(" ")
            .contains("Your scores have been submitted")
    );
    assert!(page.body.contains("Bravo-7731"));
    let reviewers = page.texts("table:nth-of-type(2) tbody tr");
    // (3×4 + 1×2) ÷ 4 = 3.50 and 2.00; mean 2.75, spread 1.50.
    assert!(
        reviewers.contains(&format!("{second_name} 3.50")),
        "{reviewers:?}"
    );
    assert!(
        reviewers.iter().any(|r| r.ends_with("(you) 2.00")),
        "{reviewers:?}"
    );
    let summary = page
        .texts("#panel-summary .govuk-summary-list__row")
        .join(" | ");
    assert!(summary.contains("Reviewers counted 2"), "{summary}");
    assert!(summary.contains("mean (out of 5) 2.75"), "{summary}");
    assert!(
        summary.contains("Spread between reviewers 1.50"),
        "{summary}"
    );
    let criteria = page.texts("table:nth-of-type(1) tbody tr");
    assert_eq!(
        criteria,
        vec!["Impact on residents 3 2 3.00 2 4", "Cost 1 2 2.00 2 2"]
    );
    // No second set of scores.
    let again = sheet(&app, id, &[5], "").await;
    let reply = panel.post(&format!("{path}/scores"), &fields(&again)).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(reply.has_error_summary());
    // The audit log has the declarations and scores.
    let org = northmere(&app).await;
    let log = beacon_db::audit::list(
        app.db().conn(),
        org,
        &beacon_db::audit::AuditFilter {
            action: Some("panel.score".into()),
            // People, not the demo's seeding.
            actor: Some("@northmere.example".into()),
            ..Default::default()
        },
        1,
        10,
    )
    .await
    .unwrap();
    assert_eq!(log.total, 2);
    app
}

async fn only_the_panel_scores_and_decides(app: TestApp) -> TestApp {
    let c = challenge(&app, "How might we?", Some(1_000_000), &[("Impact", 1)]).await;
    let id = idea(&app, Some(c), "Only the panel", "decision").await;
    let before = audit_count(&app).await;
    for email in [
        "staff@northmere.example",
        "resident@northmere.example",
        LEAD,
        "admin@northmere.example",
        "councillor@northmere.example",
    ] {
        let b = app.signed_in(email).await;
        assert_eq!(
            b.get("/panel").await.status,
            StatusCode::FORBIDDEN,
            "{email}"
        );
        assert_eq!(
            b.get(&format!("/ideas/{id}/panel")).await.status,
            StatusCode::FORBIDDEN,
            "{email}"
        );
        let scores = b
            .post(&format!("/ideas/{id}/panel/scores"), &[("score-x", "5")])
            .await;
        assert_eq!(scores.status, StatusCode::FORBIDDEN, "{email}");
        let declare = b
            .post(
                &format!("/ideas/{id}/panel/declaration"),
                &[("conflict", "no")],
            )
            .await;
        assert_eq!(declare.status, StatusCode::FORBIDDEN, "{email}");
        let decide = b
            .post(
                &format!("/ideas/{id}/decision"),
                &[
                    ("outcome", "fund"),
                    ("amount", "100"),
                    ("funding_model", "challenge_pot"),
                ],
            )
            .await;
        assert_eq!(decide.status, StatusCode::FORBIDDEN, "{email}");
    }
    let anonymous = app.browser();
    let reply = anonymous.get(&format!("/ideas/{id}/panel")).await;
    assert!(reply.location().is_some_and(|l| l.starts_with("/sign-in")));
    assert_eq!(audit_count(&app).await, before);
    assert_eq!(allocated(&app, c).await.0, 0);
    app
}

async fn another_councils_panel_finds_nothing(app: TestApp) -> TestApp {
    let c = challenge(
        &app,
        "Northmere's question",
        Some(1_000_000),
        &[("Impact", 1)],
    )
    .await;
    let id = idea(&app, Some(c), "Northmere's secret idea", "decision").await;
    let panel = app.signed_in(PANEL).await;
    declare_no_conflict(&panel, id).await;
    score(&panel, &app, id, &[4], "Northmere-only comment").await;
    let before = audit_count(&app).await;
    let intruder = app.signed_in("panel@askevale.example").await;
    let path = format!("/ideas/{id}/panel");
    let page = intruder.get(&path).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(!page.body.contains("Northmere's secret idea"));
    for (target, form) in [
        (
            format!("{path}/declaration"),
            vec![("conflict", "no"), ("interest", "")],
        ),
        (format!("{path}/scores"), vec![]),
        (
            format!("/ideas/{id}/decision"),
            vec![
                ("outcome", "fund"),
                ("amount", "100"),
                ("funding_model", "challenge_pot"),
                ("reason", ""),
            ],
        ),
    ] {
        let reply = intruder.post(&target, &form).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{target}");
    }
    let queue = intruder.get("/panel").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(!queue.body.contains("Northmere's secret idea"));
    assert!(!queue.body.contains("Northmere's question"));
    assert_eq!(audit_count(&app).await, before);
    assert_eq!(allocated(&app, c).await.0, 0);
    // A malformed id or a person's id is "not found" too, never an error.
    let staff = person_id(&app, "staff@northmere.example").await;
    for bad in ["not-a-uuid".to_owned(), staff.to_string()] {
        let panel_page = panel.get(&format!("/ideas/{bad}/panel")).await;
        assert_eq!(panel_page.status, StatusCode::NOT_FOUND, "{bad}");
    }
    app
}

async fn a_conflicted_reviewer_neither_scores_nor_sees_scores(app: TestApp) -> TestApp {
    let c = challenge(
        &app,
        "Conflicts",
        Some(1_000_000),
        &[("Impact", 2), ("Cost", 1)],
    )
    .await;
    let id = idea(&app, Some(c), "My sister's idea", "decision").await;
    let panel = app.signed_in(PANEL).await;
    let path = format!("/ideas/{id}/panel");
    // Saying yes needs the interest described.
    let vague = panel
        .post(
            &format!("{path}/declaration"),
            &[("conflict", "yes"), ("interest", "  ")],
        )
        .await;
    assert_eq!(vague.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(vague.body.contains("href=\"#interest\""));
    let declared = panel
        .post(
            &format!("{path}/declaration"),
            &[
                ("conflict", "yes"),
                ("interest", "The author is my sister."),
            ],
        )
        .await;
    assert_eq!(declared.status, StatusCode::SEE_OTHER);
    // Declaring is once.
    let twice = panel
        .post(&format!("{path}/declaration"), &[("conflict", "no")])
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    // Another reviewer scores.
    grant_panel(&app, SECOND).await;
    let second = app.signed_in(SECOND).await;
    declare_no_conflict(&second, id).await;
    score(&second, &app, id, &[5, 1], "Secret-4409").await;
    let before = audit_count(&app).await;
    let page = panel.get(&path).await;
    assert!(page.texts("form[action$='/panel/scores']").is_empty());
    assert!(page.texts("form[action$='/decision']").is_empty());
    assert!(!page.body.contains("Secret-4409"));
    assert!(page.texts("table").is_empty());
    assert!(page.body.contains("The author is my sister."));
    let form = sheet(&app, id, &[5], "").await;
    let reply = panel.post(&format!("{path}/scores"), &fields(&form)).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply
            .texts(".govuk-error-summary")
            .join(" ")
            .contains("you cannot score it")
    );
    assert!(!reply.body.contains("Secret-4409"));
    let decide = panel
        .post(
            &format!("/ideas/{id}/decision"),
            &[
                ("outcome", "fund"),
                ("amount", "100"),
                ("funding_model", "challenge_pot"),
            ],
        )
        .await;
    assert_eq!(decide.status, StatusCode::CONFLICT);
    assert_eq!(audit_count(&app).await, before);
    let org = northmere(&app).await;
    let me = person_id(&app, PANEL).await;
    assert_eq!(
        panel::standing(app.db().conn(), org, id, me).await.unwrap(),
        Standing::Conflicted
    );
    assert!(matches!(
        panel::visible_scores(app.db().conn(), org, id, me)
            .await
            .unwrap(),
        Visible::Hidden(Standing::Conflicted)
    ));
    // The other reviewer sees who declared an interest, and that they do not count.
    let seen = second.get(&path).await;
    let summary = seen.texts("#panel-summary").join(" ");
    assert!(
        summary.contains(&display_name(&app, PANEL).await),
        "{summary}"
    );
    assert!(summary.contains("Reviewers counted 1"), "{summary}");
    app
}

async fn an_author_on_the_panel_has_an_interest(app: TestApp) -> TestApp {
    let c = challenge(&app, "Authors", Some(1_000_000), &[("Impact", 1)]).await;
    let id = idea_by(
        &app,
        PANEL,
        Some(c),
        "The panel member's own idea",
        "decision",
    )
    .await;
    let panel = app.signed_in(PANEL).await;
    let path = format!("/ideas/{id}/panel");
    let before = audit_count(&app).await;
    let none = panel
        .post(&format!("{path}/declaration"), &[("conflict", "no")])
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        none.texts(".govuk-error-summary__list a"),
        vec!["You wrote this idea, so you have an interest in it. Select yes and describe it"]
    );
    assert_eq!(audit_count(&app).await, before);
    let declared = panel
        .post(
            &format!("{path}/declaration"),
            &[("conflict", "yes"), ("interest", "I wrote it.")],
        )
        .await;
    assert_eq!(declared.status, StatusCode::SEE_OTHER);
    let org = northmere(&app).await;
    let me = person_id(&app, PANEL).await;
    assert_eq!(
        panel::standing(app.db().conn(), org, id, me).await.unwrap(),
        Standing::Conflicted
    );
    app
}

async fn fifty_submissions_at_once_make_one_set_of_scores(app: TestApp) -> TestApp {
    let c = challenge(
        &app,
        "Concurrency",
        Some(1_000_000),
        &[("Impact", 2), ("Cost", 1), ("Risk", 1)],
    )
    .await;
    let id = idea(&app, Some(c), "Pressed fifty times", "decision").await;
    let panel = app.signed_in(PANEL).await;
    declare_no_conflict(&panel, id).await;
    let token = panel.token().await;
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..50u8 {
        let browser = panel.clone();
        let mut form = sheet(&app, id, &[n % 6, (n + 1) % 6, (n + 2) % 6], "").await;
        form.insert(0, ("csrf_token".to_owned(), token.clone()));
        let path = format!("/ideas/{id}/panel/scores");
        tasks.spawn(async move {
            browser
                .request(reqwest::Method::POST, &path, Some(&fields(&form)), &[])
                .await
                .status
        });
    }
    let mut statuses = Vec::new();
    while let Some(status) = tasks.join_next().await {
        statuses.push(status.unwrap());
    }
    let won = statuses
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((won, refused), (1, 49), "{statuses:?}");
    let org = northmere(&app).await;
    let me = person_id(&app, PANEL).await;
    let Visible::Shown(sheets) = panel::visible_scores(app.db().conn(), org, id, me)
        .await
        .unwrap()
    else {
        panic!("the reviewer has scored");
    };
    assert_eq!(sheets.len(), 1);
    assert_eq!(sheets[0].lines.len(), 3, "one score per criterion, once");
    assert_eq!(
        panel::score_sets(app.db().conn(), org, id).await.unwrap(),
        1
    );
    app
}

/// Both ideas scored, ready for a decision.
async fn two_scored_ideas(app: &TestApp, pot: i64) -> (Uuid, Uuid, Uuid) {
    let c = challenge(app, "Two ideas, one pot", Some(pot), &[("Impact", 1)]).await;
    let a = idea(app, Some(c), "First idea", "decision").await;
    let b = idea(app, Some(c), "Second idea", "decision").await;
    let panel = app.signed_in(PANEL).await;
    for id in [a, b] {
        declare_no_conflict(&panel, id).await;
        score(&panel, app, id, &[4], "").await;
    }
    (c, a, b)
}

async fn concurrent_decisions_never_overspend_the_pot(app: TestApp) -> TestApp {
    // A £10,000 pot; two decisions of £6,000 arrive together.
    let (c, a, b) = two_scored_ideas(&app, 1_000_000).await;
    let panel = app.signed_in(PANEL).await;
    let token = panel.token().await;
    let mut tasks = tokio::task::JoinSet::new();
    for id in [a, b] {
        let browser = panel.clone();
        let token = token.clone();
        tasks.spawn(async move {
            let reply = browser
                .request(
                    reqwest::Method::POST,
                    &format!("/ideas/{id}/decision"),
                    Some(&[
                        ("csrf_token", token.as_str()),
                        ("outcome", "fund"),
                        ("amount", "6,000"),
                        ("funding_model", "challenge_pot"),
                        ("reason", ""),
                    ]),
                    &[],
                )
                .await;
            (reply.status, reply.texts(".govuk-error-summary").join(" "))
        });
    }
    let mut outcomes = Vec::new();
    while let Some(outcome) = tasks.join_next().await {
        outcomes.push(outcome.unwrap());
    }
    let won = outcomes
        .iter()
        .filter(|(s, _)| *s == StatusCode::SEE_OTHER)
        .count();
    assert_eq!(won, 1, "{outcomes:?}");
    let (status, summary) = outcomes
        .iter()
        .find(|(s, _)| *s != StatusCode::SEE_OTHER)
        .unwrap();
    assert_eq!(*status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(summary.contains("£4,000 remains in the pot"), "{summary}");
    let (spent, total) = allocated(&app, c).await;
    assert_eq!(spent, 600_000);
    assert!(spent <= total);
    let org = northmere(&app).await;
    let mut decided = 0;
    for id in [a, b] {
        if panel::decided(app.db().conn(), org, id).await.unwrap() {
            decided += 1;
        }
    }
    assert_eq!(decided, 1);
    app
}

async fn many_decisions_at_once_stay_within_the_pot(app: TestApp) -> TestApp {
    // Twelve ideas ask for £1,000 to £12,000 from a £20,000 pot, all at once.
    let c = challenge(&app, "Many at once", Some(2_000_000), &[("Impact", 1)]).await;
    let org = northmere(&app).await;
    let me = person_id(&app, PANEL).await;
    let actor = Actor::system("test");
    let now = OffsetDateTime::now_utc();
    let mut ideas = Vec::new();
    for n in 1..=12i64 {
        let id = idea(&app, Some(c), &format!("Idea {n}"), "decision").await;
        let conn = app.db().conn();
        panel::declare(conn, now, &actor, org, id, me, panel::Declared::NoConflict)
            .await
            .unwrap();
        let keys = score_fields(&app, id).await;
        let given: Vec<_> = keys
            .into_iter()
            .map(|criterion| panel::Given {
                criterion,
                score: beacon_core::pipeline::panel::Score::new(3).unwrap(),
                comment: None,
            })
            .collect();
        panel::submit_scores(conn, now, &actor, org, id, me, &given)
            .await
            .unwrap();
        ideas.push((id, n * 100_000));
    }
    let mut tasks = tokio::task::JoinSet::new();
    for (id, amount) in ideas {
        let db = app.db().clone();
        let actor = actor.clone();
        tasks.spawn(async move {
            let result = panel::decide(
                db.conn(),
                now,
                &actor,
                org,
                id,
                me,
                panel::Proposal::Fund {
                    amount,
                    model: beacon_core::pipeline::FundingModel::ChallengePot,
                },
                &panel::Announcement {
                    subject: "s".into(),
                    body: "b".into(),
                },
            )
            .await;
            (amount, result)
        });
    }
    let mut granted = 0;
    while let Some(done) = tasks.join_next().await {
        let (amount, result) = done.unwrap();
        match result {
            Ok(_) => granted += amount,
            Err(panel::PanelError::Funding(_)) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    let (spent, total) = allocated(&app, c).await;
    assert_eq!(spent, granted, "the pot records exactly what was granted");
    assert!(spent <= total && spent > 0, "{spent} of {total}");
    app
}

async fn an_overspend_is_refused_with_what_remains(app: TestApp) -> TestApp {
    let (c, a, _) = two_scored_ideas(&app, 1_000_000).await;
    let panel = app.signed_in(PANEL).await;
    let before = audit_count(&app).await;
    let reply = panel
        .post(
            &format!("/ideas/{a}/decision"),
            &[
                ("outcome", "fund"),
                ("amount", "£10,000.01"),
                ("funding_model", "challenge_pot"),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        reply.texts(".govuk-error-summary__list a"),
        vec!["Only £10,000 remains in the pot. Enter £10,000 or less"]
    );
    assert!(reply.body.contains("href=\"#amount\""));
    assert!(
        reply.body.contains("value=\"£10,000.01\""),
        "what was typed is kept"
    );
    assert_eq!(audit_count(&app).await, before);
    assert_eq!(allocated(&app, c).await.0, 0);
    let org = northmere(&app).await;
    assert!(
        panel::decision(app.db().conn(), org, a)
            .await
            .unwrap()
            .is_none()
    );
    // The whole pot is fine, and then nothing is left for the other idea.
    let ok = panel
        .post(
            &format!("/ideas/{a}/decision"),
            &[
                ("outcome", "fund"),
                ("amount", "10000"),
                ("funding_model", "challenge_pot"),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(allocated(&app, c).await, (1_000_000, 1_000_000));
    let page = panel
        .get(&format!("/ideas/{a}/panel?notice=panel_funded"))
        .await;
    assert!(
        page.texts("#decision-record")
            .join(" ")
            .contains("Funded: £10,000 from the challenge's pot")
    );
    app
}

async fn bad_input_changes_nothing(app: TestApp) -> TestApp {
    let (c, a, _) = two_scored_ideas(&app, 1_000_000).await;
    let fresh = idea(&app, Some(c), "Unscored", "decision").await;
    let panel = app.signed_in(PANEL).await;
    let before = audit_count(&app).await;
    // Empty forms: errors by each field, nothing written.
    let empty = panel
        .post(&format!("/ideas/{fresh}/panel/declaration"), &[])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("href=\"#conflict\""));
    declare_no_conflict(&panel, fresh).await;
    let declared = audit_count(&app).await;
    let keys = score_fields(&app, fresh).await;
    let empty = panel
        .post(&format!("/ideas/{fresh}/panel/scores"), &[])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        empty.texts(".govuk-error-summary__list a"),
        vec!["Select a score for Impact"]
    );
    assert!(empty.body.contains(&format!("href=\"#score-{}\"", keys[0])));
    let out_of_range = panel
        .post(
            &format!("/ideas/{fresh}/panel/scores"),
            &[(format!("score-{}", keys[0]).as_str(), "6")],
        )
        .await;
    assert_eq!(out_of_range.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Fields we never ask for are refused outright.
    for forged in [
        vec![
            (format!("score-{}", keys[0]), "4".to_owned()),
            ("reviewer".to_owned(), "x".to_owned()),
        ],
        vec![(format!("score-{}", Uuid::new_v4()), "4".to_owned())],
    ] {
        let reply = panel
            .post(&format!("/ideas/{fresh}/panel/scores"), &fields(&forged))
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    }
    let empty = panel.post(&format!("/ideas/{a}/decision"), &[]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("href=\"#decide\""));
    let no_amount = panel
        .post(
            &format!("/ideas/{a}/decision"),
            &[
                ("outcome", "fund"),
                ("amount", "lots"),
                ("funding_model", ""),
            ],
        )
        .await;
    assert_eq!(no_amount.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        no_amount.texts(".govuk-error-summary__list a"),
        vec![
            "Enter an amount in pounds, like 1,250 or 1250.50",
            "Select where the money comes from"
        ]
    );
    let no_reason = panel
        .post(
            &format!("/ideas/{a}/decision"),
            &[("outcome", "decline"), ("reason", " ")],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("href=\"#reason\""));
    let extra = panel
        .post(
            &format!("/ideas/{a}/decision"),
            &[
                ("outcome", "decline"),
                ("reason", "x"),
                ("decided_by", "me"),
            ],
        )
        .await;
    assert_eq!(extra.status, StatusCode::BAD_REQUEST);
    assert_eq!(audit_count(&app).await, declared);
    assert!(declared == before + 1);
    assert_eq!(allocated(&app, c).await.0, 0);
    app
}

async fn a_decision_waits_for_the_stage_and_a_score(app: TestApp) -> TestApp {
    let c = challenge(&app, "Stages", Some(1_000_000), &[("Impact", 1)]).await;
    let early = idea(&app, Some(c), "Still writing its case", "business_case").await;
    let unscored = idea(&app, Some(c), "Nobody has scored me", "decision").await;
    let panel = app.signed_in(PANEL).await;
    let fund = [
        ("outcome", "fund"),
        ("amount", "100"),
        ("funding_model", "challenge_pot"),
        ("reason", ""),
    ];
    // At the business case stage, interests may be declared but nothing scored or decided.
    declare_no_conflict(&panel, early).await;
    let page = panel.get(&format!("/ideas/{early}/panel")).await;
    assert!(
        page.body
            .contains("Scoring opens when the idea reaches the decision stage")
    );
    assert!(page.body.contains(&format!("/ideas/{early}/business-case")));
    let form = sheet(&app, early, &[3], "").await;
    let scored = panel
        .post(&format!("/ideas/{early}/panel/scores"), &fields(&form))
        .await;
    assert_eq!(scored.status, StatusCode::CONFLICT);
    let decided = panel.post(&format!("/ideas/{early}/decision"), &fund).await;
    assert_eq!(decided.status, StatusCode::CONFLICT);
    let decided = panel
        .post(&format!("/ideas/{unscored}/decision"), &fund)
        .await;
    assert_eq!(decided.status, StatusCode::CONFLICT);
    assert!(
        decided
            .texts(".govuk-error-summary")
            .join(" ")
            .contains("must score the idea")
    );
    // Ideas at other stages are not before the panel at all.
    let submitted = idea(&app, Some(c), "Just submitted", "submitted").await;
    let reply = panel
        .post(
            &format!("/ideas/{submitted}/panel/declaration"),
            &[("conflict", "no")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    // Scored, then declined: a decision, but not the one a pilot needs.
    declare_no_conflict(&panel, unscored).await;
    score(&panel, &app, unscored, &[1], "").await;
    let declined = panel
        .post(
            &format!("/ideas/{unscored}/decision"),
            &[
                ("outcome", "decline"),
                ("reason", "The evidence is too thin for now."),
            ],
        )
        .await;
    assert_eq!(declined.status, StatusCode::SEE_OTHER);
    let org = northmere(&app).await;
    let conn = app.db().conn();
    assert!(!panel::decided(conn, org, unscored).await.unwrap());
    assert!(
        !beacon_db::gates::facts(conn, org, unscored)
            .await
            .unwrap()
            .funding_decided
    );
    let record = panel::decision(conn, org, unscored).await.unwrap().unwrap();
    assert_eq!(
        record.decision,
        beacon_core::pipeline::panel::Decision::Declined {
            reason: "The evidence is too thin for now.".into()
        }
    );
    // Once decided, never again.
    let again = panel
        .post(&format!("/ideas/{unscored}/decision"), &fund)
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(allocated(&app, c).await.0, 0);
    app
}

async fn ideas_without_a_pot_are_funded_from_elsewhere(app: TestApp) -> TestApp {
    let loose = idea(&app, None, "An idea outside any challenge", "decision").await;
    let c = challenge(&app, "No pot here", None, &[]).await;
    let potless = idea(&app, Some(c), "In a challenge without a pot", "decision").await;
    let panel = app.signed_in(PANEL).await;
    for id in [loose, potless] {
        let page = panel.get(&format!("/ideas/{id}/panel")).await;
        assert!(!page.body.contains("Left in the pot"));
        declare_no_conflict(&panel, id).await;
        // No criteria of its own: the four default criteria, equally weighted.
        let page = panel.get(&format!("/ideas/{id}/panel")).await;
        for name in [
            "Strategic fit",
            "Value for money",
            "Deliverability",
            "Evidence",
        ] {
            assert!(page.body.contains(name), "{name}");
        }
        score(&panel, &app, id, &[3, 4], "").await;
        let page = panel.get(&format!("/ideas/{id}/panel")).await;
        assert!(!page.body.contains("value=\"challenge_pot\""));
        let from_pot = panel
            .post(
                &format!("/ideas/{id}/decision"),
                &[
                    ("outcome", "fund"),
                    ("amount", "2500"),
                    ("funding_model", "challenge_pot"),
                ],
            )
            .await;
        assert_eq!(from_pot.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(from_pot.body.contains("href=\"#funding_model\""));
        let from_budget = panel
            .post(
                &format!("/ideas/{id}/decision"),
                &[
                    ("outcome", "fund"),
                    ("amount", "2500"),
                    ("funding_model", "service_budget"),
                ],
            )
            .await;
        assert_eq!(
            from_budget.status,
            StatusCode::SEE_OTHER,
            "{}",
            from_budget.body
        );
        let org = northmere(&app).await;
        assert!(panel::decided(app.db().conn(), org, id).await.unwrap());
    }
    app
}

/// The pot and the rows of the queue's section for one challenge.
fn queue_section(reply: &Reply, question: &str) -> (String, Vec<String>) {
    let html = reply.html();
    let sections = scraper::Selector::parse("main section").unwrap();
    let heading = scraper::Selector::parse("h2").unwrap();
    let pot_rows = scraper::Selector::parse(".govuk-summary-list__row").unwrap();
    let rows = scraper::Selector::parse("tbody tr").unwrap();
    let text = |e: scraper::ElementRef| {
        e.text()
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let section = html
        .select(&sections)
        .find(|s| s.select(&heading).next().map(text).as_deref() == Some(question))
        .unwrap_or_else(|| panic!("no section for {question}"));
    let pot = section
        .select(&pot_rows)
        .map(text)
        .collect::<Vec<_>>()
        .join(" | ");
    (pot, section.select(&rows).map(text).collect())
}

async fn the_queue_shows_each_pot_and_where_the_reviewer_stands(app: TestApp) -> TestApp {
    let (c, a, _) = two_scored_ideas(&app, 1_000_000).await;
    let waiting = idea(&app, Some(c), "Waiting for you", "decision").await;
    idea(&app, Some(c), "Coming soon", "business_case").await;
    idea(&app, Some(c), "Not yet", "screened").await;
    let hidden = idea(&app, Some(c), "Hidden by a moderator", "decision").await;
    app.db()
        .conn()
        .execute_unprepared(&format!(
            "UPDATE ideas SET hidden = (1 = 1) WHERE id = {}",
            sql_uuid(&app, hidden)
        ))
        .await
        .unwrap();
    let panel = app.signed_in(PANEL).await;
    let fund = panel
        .post(
            &format!("/ideas/{a}/decision"),
            &[
                ("outcome", "fund"),
                ("amount", "2,500"),
                ("funding_model", "challenge_pot"),
            ],
        )
        .await;
    assert_eq!(fund.status, StatusCode::SEE_OTHER);
    let queue = panel.get("/panel").await;
    assert_eq!(queue.status, StatusCode::OK);
    // This challenge's section (the demo may have others).
    let (pot, rows) = queue_section(&queue, "Two ideas, one pot");
    assert_eq!(pot, "Pot £10,000 | Allocated £2,500 | Remaining £7,500");
    assert_eq!(
        rows,
        vec![
            "First idea Decision 1 Scored Funded: £2,500 from the challenge's pot",
            "Second idea Decision 1 Scored Not decided",
            "Waiting for you Decision 0 Declare interests Not decided",
            "Coming soon Business case 0 Declare interests Not decided",
        ]
    );
    assert!(queue.body.contains(&format!("/ideas/{waiting}/panel")));
    assert!(!queue.body.contains("Hidden by a moderator"));
    assert!(!queue.body.contains("Not yet"));
    app
}
