//! The delivery pages of the innovation pipeline: pilots, evaluations and
//! draft case studies.
use crate::helpers::*;
use beacon_core::permission::Capability;
use beacon_core::pipeline::{Facet, IdeaKind, Lever};
use beacon_db::ConnectionTrait;
use beacon_db::audit::Actor;
use beacon_db::ideas::NewIdea;
use beacon_web::routes::Access;
use reqwest::StatusCode;
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

/// This feature's rows of the role × route × organisation matrix.
pub fn access(method: &str, path: &str) -> Option<Access> {
    let lead = Access::Can(Capability::RunPipeline);
    Some(match (method, path) {
        // Members who may see a pilot: the handler narrows it further.
        ("GET", "/ideas/{id}/pilot" | "/ideas/{id}/pilot/plan") => Access::Member,
        (
            "POST",
            "/ideas/{id}/pilot/plan"
            | "/ideas/{id}/pilot/milestones"
            | "/ideas/{id}/pilot/milestones/done"
            | "/ideas/{id}/pilot/spend"
            | "/ideas/{id}/pilot/updates"
            | "/ideas/{id}/pilot/team"
            | "/ideas/{id}/pilot/team/remove"
            | "/ideas/{id}/pilot/finish",
        ) => Access::Member,
        ("GET" | "POST", "/ideas/{id}/evaluation" | "/ideas/{id}/case-study") => lead,
        _ => return None,
    })
}

both_databases!(
    a_pilot_is_set_up_and_run,
    another_councils_innovation_lead_finds_nothing,
    only_the_lead_the_author_and_the_team_change_a_pilot,
    residents_and_partners_see_a_pilot_only_when_it_is_theirs,
    pilot_and_evaluation_wait_for_their_stages,
    bad_pilot_input_changes_nothing,
    stopped_without_lessons_is_refused_and_writes_nothing,
    gate_facts_follow_the_evaluation,
    the_case_study_copies_the_facts_and_nothing_else,
    setting_up_a_pilot_twice_at_once_gives_one_pilot,
    hostile_text_is_shown_as_text,
);

const LEAD: &str = "innovation-lead@northmere.example";
const STAFF: &str = "staff@northmere.example";
const MANAGER: &str = "manager@northmere.example";

fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

/// Day, month and year boxes for a date.
fn boxes(prefix: &str, date: Date) -> Vec<(String, String)> {
    vec![
        (format!("{prefix}-day"), date.day().to_string()),
        (
            format!("{prefix}-month"),
            u8::from(date.month()).to_string(),
        ),
        (format!("{prefix}-year"), date.year().to_string()),
    ]
}

fn fields(owned: &[(String, String)]) -> Vec<(&str, &str)> {
    owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// An idea in a council, written as the ideas pages write one, then put in
/// `stage` as the stage moves would.
async fn idea_at(app: &TestApp, council: &str, author: &str, title: &str, stage: &str) -> Uuid {
    let org = org_id(app, council).await;
    let author = person_id(app, author).await;
    let txn = app.db().begin_writing().await.unwrap();
    let id = beacon_db::ideas::create(
        &txn,
        OffsetDateTime::now_utc(),
        &Actor::system("test"),
        org,
        NewIdea {
            challenge: None,
            author,
            pseudonym: None,
            title: title.to_owned(),
            problem: format!("The problem {title} answers."),
            proposal: format!("The proposal of {title}."),
            service_area: "Waste and recycling".to_owned(),
            measure_today: "14% of collections missed".to_owned(),
            measure_aspiration: "Under 5% missed".to_owned(),
            expected_benefit: format!("What {title} should achieve."),
            kind: IdeaKind::Incremental,
            facet: Facet::EnhancementOriented,
            lever: Lever::NewInsight,
        },
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    set_stage(app, title, stage).await;
    id
}

async fn set_stage(app: &TestApp, title: &str, stage: &str) {
    app.db()
        .conn()
        .execute_unprepared(&format!(
            "UPDATE ideas SET stage = '{stage}' WHERE title = '{title}'"
        ))
        .await
        .unwrap();
}

/// The innovation lead sets up the idea's pilot.
async fn set_up_pilot(app: &TestApp, idea: Uuid) {
    let lead = app.signed_in(LEAD).await;
    let mut form = boxes("starts", today() - Duration::days(30));
    form.extend(boxes("ends", today() + Duration::days(90)));
    form.push(("budget".into(), "25,000".into()));
    form.push(("baseline".into(), "14% of collections missed".into()));
    form.push(("success_measures".into(), "Under 5% missed".into()));
    let reply = lead
        .post(&format!("/ideas/{idea}/pilot/plan"), &fields(&form))
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
}

async fn a_pilot_is_set_up_and_run(app: TestApp) -> TestApp {
    let idea = idea_at(&app, "northmere", STAFF, "Sensor lids for bins", "pilot").await;
    let lead = app.signed_in(LEAD).await;
    let pilot = format!("/ideas/{idea}/pilot");
    let before = lead.get(&pilot).await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(before.body.contains("No pilot has been set up"));

    set_up_pilot(&app, idea).await;
    let page = lead.get(&format!("{pilot}?notice=pilot_set_up")).await;
    assert!(
        page.texts(".govuk-notification-banner")
            .join(" ")
            .contains("The pilot has been set up")
    );
    assert!(page.body.contains("£25,000"));

    // Spend: budget against actual, as numbers and as a bar.
    let mut spend = boxes("spend-date", today() - Duration::days(3));
    spend.push(("spend-description".into(), "Sensor hardware".into()));
    spend.push(("spend-amount".into(), "1,250.50".into()));
    let reply = lead.post(&format!("{pilot}/spend"), &fields(&spend)).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        reply.location(),
        Some(format!("{pilot}?notice=pilot_spend_recorded").as_str())
    );
    let page = lead.get(&pilot).await;
    let budget = page.texts("#budget ~ dl").join(" ");
    assert!(budget.contains("£1,250.50 (5.0%)"), "{budget}");
    assert!(budget.contains("Remaining £23,749.50"), "{budget}");
    assert!(
        page.body
            .contains("Spent £1,250.50 of a £25,000 budget (5.0%)")
    );
    assert!(page.body.contains(r#"width="5""#), "the bar is 5% full");

    // Milestones: one overdue, one done.
    for (title, due) in [
        ("Sensors fitted", today() - Duration::days(10)),
        ("First month reviewed", today() - Duration::days(2)),
    ] {
        let mut form = vec![("milestone-title".to_owned(), title.to_owned())];
        form.extend(boxes("milestone-due", due));
        let reply = lead
            .post(&format!("{pilot}/milestones"), &fields(&form))
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
    }
    let page = lead.get(&pilot).await;
    let rows = page.texts("#milestones ~ table tbody tr");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.iter().all(|r| r.contains("Overdue")), "{rows:?}");
    assert!(page.body.contains("2 milestones are overdue"));
    let milestone = page
        .html()
        .select(&scraper::Selector::parse("input[name=milestone]").unwrap())
        .next()
        .unwrap()
        .value()
        .attr("value")
        .unwrap()
        .to_owned();
    let reply = lead
        .post(
            &format!("{pilot}/milestones/done"),
            &[("milestone", milestone.as_str())],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let page = lead.get(&pilot).await;
    let rows = page.texts("#milestones ~ table tbody tr");
    assert!(
        rows[0].contains("Sensors fitted") && rows[0].contains("Done"),
        "{rows:?}"
    );
    assert!(rows[1].contains("Overdue"), "{rows:?}");
    assert!(page.body.contains("1 milestone is overdue"));
    // A milestone of another pilot, or a made-up one, is not found.
    let reply = lead
        .post(
            &format!("{pilot}/milestones/done"),
            &[("milestone", Uuid::new_v4().to_string().as_str())],
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    // Updates, newest first.
    for (rag, body) in [
        ("on_track", "Sensors are in."),
        ("at_risk", "Two are faulty."),
    ] {
        let reply = lead
            .post(
                &format!("{pilot}/updates"),
                &[("update-rag", rag), ("update-body", body)],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
    }
    let page = lead.get(&pilot).await;
    let updates = page.texts("#updates ~ ol li");
    assert_eq!(updates.len(), 2);
    assert!(updates[0].contains("At risk") && updates[0].contains("Two are faulty."));
    assert!(updates[1].contains("On track") && updates[1].contains("Sensors are in."));

    // The team: members of the organisation only.
    let reply = lead
        .post(
            &format!("{pilot}/team"),
            &[
                ("team-email", MANAGER),
                ("team-role", "Service lead"),
                ("team-seconded", "yes"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let page = lead.get(&pilot).await;
    let team = page.texts("#team ~ table tbody tr");
    assert_eq!(team.len(), 1);
    assert!(team[0].contains("Service lead") && team[0].contains("Seconded"));
    let again = lead
        .post(
            &format!("{pilot}/team"),
            &[("team-email", MANAGER), ("team-role", "Again")],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again
            .texts(".govuk-error-summary")
            .join(" ")
            .contains("already on the team")
    );
    let elsewhere = lead
        .post(
            &format!("{pilot}/team"),
            &[
                ("team-email", "manager@askevale.example"),
                ("team-role", "Adviser"),
            ],
        )
        .await;
    assert_eq!(elsewhere.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        elsewhere
            .texts(".govuk-error-summary")
            .join(" ")
            .contains("There is nobody with this email address in Northmere Borough Council")
    );

    // The manager, now on the team, may change the pilot; then leaves it.
    let manager = app.signed_in(MANAGER).await;
    let reply = manager
        .post(
            &format!("{pilot}/updates"),
            &[("update-rag", "on_track"), ("update-body", "Fixed.")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let member = page
        .html()
        .select(&scraper::Selector::parse("input[name=member]").unwrap())
        .next()
        .unwrap()
        .value()
        .attr("value")
        .unwrap()
        .to_owned();
    let reply = lead
        .post(
            &format!("{pilot}/team/remove"),
            &[("member", member.as_str())],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let reply = manager
        .post(
            &format!("{pilot}/updates"),
            &[("update-rag", "on_track"), ("update-body", "Again.")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);

    // Finishing, once.
    let reply = lead
        .post(&format!("{pilot}/finish"), &[("finish", "yes")])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let page = lead.get(&pilot).await;
    assert!(page.body.contains("Finished"));
    assert!(!page.body.contains("Mark the pilot as finished"));

    // Every change is in the audit log.
    let audit = app.signed_in("admin@northmere.example").await;
    for action in [
        "pilot.plan",
        "pilot.spend",
        "pilot.milestone_add",
        "pilot.milestone_done",
        "pilot.update",
        "pilot.team_add",
        "pilot.team_remove",
        "pilot.finish",
    ] {
        let log = audit.get(&format!("/admin/audit?action={action}")).await;
        assert!(
            !log.texts("tbody tr").is_empty(),
            "{action} is in the audit log"
        );
    }
    app
}

async fn another_councils_innovation_lead_finds_nothing(app: TestApp) -> TestApp {
    let idea = idea_at(
        &app,
        "northmere",
        STAFF,
        "Shared minibus pool",
        "evaluation",
    )
    .await;
    set_up_pilot(&app, idea).await;
    let intruder = app.signed_in("innovation-lead@askevale.example").await;
    let before = audit_count(&app).await;
    for path in ["pilot", "pilot/plan", "evaluation", "case-study"] {
        let reply = intruder.get(&format!("/ideas/{idea}/{path}")).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "GET {path}");
        assert!(!reply.body.contains("Shared minibus pool"));
    }
    let mut plan = boxes("starts", today());
    plan.extend(boxes("ends", today() + Duration::days(10)));
    plan.extend([
        ("budget".to_owned(), "1".to_owned()),
        ("baseline".to_owned(), "x".to_owned()),
        ("success_measures".to_owned(), "y".to_owned()),
    ]);
    let posts: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("pilot/plan", fields(&plan)),
        (
            "pilot/updates",
            vec![("update-rag", "off_track"), ("update-body", "Taken over.")],
        ),
        (
            "pilot/team",
            vec![
                ("team-email", "innovation-lead@askevale.example"),
                ("team-role", "Spy"),
            ],
        ),
        ("pilot/finish", vec![("finish", "yes")]),
        (
            "evaluation",
            vec![
                ("actual_cost", "1"),
                ("cashable", "0"),
                ("non_cashable", "0"),
                ("social_value", "0"),
                ("outcome", "adopted"),
                ("results", "It worked for us."),
                ("evidence", "3"),
                ("transfers", "no"),
            ],
        ),
        ("case-study", vec![("draft", "yes")]),
    ];
    for (path, form) in posts {
        let reply = intruder.post(&format!("/ideas/{idea}/{path}"), &form).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "POST {path}");
    }
    assert_eq!(audit_count(&app).await, before, "nothing changed");
    app
}

async fn only_the_lead_the_author_and_the_team_change_a_pilot(app: TestApp) -> TestApp {
    let idea = idea_at(&app, "northmere", MANAGER, "Digital blue badges", "pilot").await;
    set_up_pilot(&app, idea).await;
    let pilot = format!("/ideas/{idea}/pilot");
    let staff = app.signed_in(STAFF).await;
    let page = staff.get(&pilot).await;
    assert_eq!(page.status, StatusCode::OK, "staff can follow the pilot");
    assert!(
        page.body.contains("£25,000") && !page.body.contains("Post update"),
        "but see no forms"
    );
    let before = audit_count(&app).await;
    let refused = staff
        .post(
            &format!("{pilot}/updates"),
            &[
                ("update-rag", "on_track"),
                ("update-body", "Not mine to say."),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        staff.get(&format!("{pilot}/plan")).await.status,
        StatusCode::FORBIDDEN
    );
    for role in ["panel", "councillor", "hr", "admin"] {
        let other = app.signed_in(&format!("{role}@northmere.example")).await;
        assert_eq!(other.get(&pilot).await.status, StatusCode::OK, "{role}");
        let reply = other
            .post(&format!("{pilot}/finish"), &[("finish", "yes")])
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{role}");
    }
    assert_eq!(audit_count(&app).await, before, "refusals wrote nothing");
    // The author may post.
    let author = app.signed_in(MANAGER).await;
    let reply = author
        .post(
            &format!("{pilot}/updates"),
            &[("update-rag", "on_track"), ("update-body", "Going well.")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    // So may staff, once on the team.
    let lead = app.signed_in(LEAD).await;
    let reply = lead
        .post(
            &format!("{pilot}/team"),
            &[("team-email", STAFF), ("team-role", "Analyst")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let reply = staff
        .post(
            &format!("{pilot}/updates"),
            &[
                ("update-rag", "at_risk"),
                ("update-body", "Now it is mine."),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    app
}

async fn residents_and_partners_see_a_pilot_only_when_it_is_theirs(app: TestApp) -> TestApp {
    let theirs = idea_at(
        &app,
        "northmere",
        "resident@northmere.example",
        "Street play days",
        "pilot",
    )
    .await;
    let other = idea_at(&app, "northmere", STAFF, "Library lockers", "pilot").await;
    set_up_pilot(&app, theirs).await;
    set_up_pilot(&app, other).await;
    let resident = app.signed_in("resident@northmere.example").await;
    assert_eq!(
        resident.get(&format!("/ideas/{theirs}/pilot")).await.status,
        StatusCode::OK
    );
    let reply = resident
        .post(
            &format!("/ideas/{theirs}/pilot/updates"),
            &[
                ("update-rag", "on_track"),
                ("update-body", "Neighbours love it."),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    for who in ["resident@northmere.example", "partner@northmere.example"] {
        let b = app.signed_in(who).await;
        let reply = b.get(&format!("/ideas/{other}/pilot")).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{who}");
        assert!(!reply.body.contains("Library lockers"));
        let reply = b
            .post(
                &format!("/ideas/{other}/pilot/updates"),
                &[("update-rag", "on_track"), ("update-body", "Hello")],
            )
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{who}");
    }
    // Evaluations and case studies are the innovation lead's.
    let b = app.signed_in("resident@northmere.example").await;
    set_stage(&app, "Street play days", "evaluation").await;
    assert_eq!(
        b.get(&format!("/ideas/{theirs}/evaluation")).await.status,
        StatusCode::FORBIDDEN
    );
    app
}

async fn pilot_and_evaluation_wait_for_their_stages(app: TestApp) -> TestApp {
    let idea = idea_at(&app, "northmere", STAFF, "Wellbeing walks", "decision").await;
    let lead = app.signed_in(LEAD).await;
    for path in ["pilot", "pilot/plan", "evaluation", "case-study"] {
        assert_eq!(
            lead.get(&format!("/ideas/{idea}/{path}")).await.status,
            StatusCode::NOT_FOUND,
            "{path} at decision"
        );
    }
    set_stage(&app, "Wellbeing walks", "pilot").await;
    assert_eq!(
        lead.get(&format!("/ideas/{idea}/pilot")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        lead.get(&format!("/ideas/{idea}/evaluation")).await.status,
        StatusCode::NOT_FOUND
    );
    set_stage(&app, "Wellbeing walks", "evaluation").await;
    assert_eq!(
        lead.get(&format!("/ideas/{idea}/evaluation")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        lead.get(&format!("/ideas/{idea}/case-study")).await.status,
        StatusCode::OK
    );
    // An idea stopped before it was piloted has no pilot page.
    let early = idea_at(&app, "northmere", STAFF, "Stopped early", "stopped").await;
    assert_eq!(
        lead.get(&format!("/ideas/{early}/pilot")).await.status,
        StatusCode::NOT_FOUND
    );
    app
}

async fn bad_pilot_input_changes_nothing(app: TestApp) -> TestApp {
    let idea = idea_at(&app, "northmere", STAFF, "Food waste caddies", "pilot").await;
    let lead = app.signed_in(LEAD).await;
    let pilot = format!("/ideas/{idea}/pilot");
    let before = audit_count(&app).await;

    // An empty plan: every field.
    let reply = lead.post(&format!("{pilot}/plan"), &[]).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let links: Vec<String> = reply
        .html()
        .select(&scraper::Selector::parse(".govuk-error-summary__list a").unwrap())
        .map(|a| a.value().attr("href").unwrap().to_owned())
        .collect();
    assert_eq!(
        links,
        [
            "#starts-day",
            "#ends-day",
            "#budget",
            "#baseline",
            "#success_measures"
        ]
    );
    // Ends before it starts; a budget that is not money; what was typed is kept.
    let mut plan = boxes("starts", today());
    plan.extend(boxes("ends", today() - Duration::days(1)));
    plan.extend([
        ("budget".to_owned(), "ten thousand".to_owned()),
        ("baseline".to_owned(), "Now".to_owned()),
        ("success_measures".to_owned(), "Better".to_owned()),
    ]);
    let reply = lead.post(&format!("{pilot}/plan"), &fields(&plan)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let summary = reply.texts(".govuk-error-summary").join(" ");
    assert!(summary.contains("The pilot must end on or after the day it starts"));
    assert!(summary.contains("Enter an amount in pounds, like 1,250 or 1250.50"));
    assert!(reply.body.contains(r#"value="ten thousand""#));
    // A field we never ask for is refused outright.
    let mut forged = plan.clone();
    forged.push(("status".to_owned(), "finished".to_owned()));
    let reply = lead.post(&format!("{pilot}/plan"), &fields(&forged)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);

    set_up_pilot(&app, idea).await;
    let before_forms = audit_count(&app).await;
    // Spend in the future, of nothing.
    let mut spend = boxes("spend-date", today() + Duration::days(2));
    spend.push(("spend-description".into(), "".into()));
    spend.push(("spend-amount".into(), "0".into()));
    let reply = lead.post(&format!("{pilot}/spend"), &fields(&spend)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        reply.texts(".govuk-error-summary__list a"),
        [
            "The date spent must be today or in the past",
            "Enter what the money was spent on",
            "Enter an amount of more than £0"
        ]
    );
    // The other forms, empty.
    for (path, first) in [
        ("milestones", "#milestone-title"),
        ("updates", "#update-rag"),
        ("team", "#team-email"),
    ] {
        let reply = lead.post(&format!("{pilot}/{path}"), &[]).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert!(reply.body.contains(&format!("href=\"{first}\"")), "{path}");
    }
    // A hidden field that is not one of ours.
    for (path, field) in [
        ("milestones/done", "milestone"),
        ("team/remove", "member"),
        ("finish", "finish"),
    ] {
        let reply = lead
            .post(&format!("{pilot}/{path}"), &[(field, "nonsense")])
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{path}");
    }
    assert_eq!(audit_count(&app).await, before_forms, "nothing written");
    assert_eq!(before_forms, before + 1, "only the plan that was set up");
    app
}

/// A whole evaluation, as a person would fill it in.
fn evaluation_form(outcome: &str, lessons: &str) -> Vec<(&'static str, String)> {
    vec![
        ("actual_cost", "21,400".into()),
        ("cashable", "60,000".into()),
        ("non_cashable", "12,500.50".into()),
        ("social_value", "0".into()),
        ("outcome", outcome.into()),
        ("results", "Missed collections fell from 14% to 6%.".into()),
        ("lessons", lessons.into()),
        ("evidence", "3".into()),
        ("transfers", "yes".into()),
        (
            "transfers_to",
            "Any district with a garden waste round".into(),
        ),
    ]
}

fn as_fields<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn stopped_without_lessons_is_refused_and_writes_nothing(app: TestApp) -> TestApp {
    let idea = idea_at(
        &app,
        "northmere",
        STAFF,
        "App for bulky waste",
        "evaluation",
    )
    .await;
    let lead = app.signed_in(LEAD).await;
    let before = audit_count(&app).await;
    let form = evaluation_form("stopped", "  ");
    let reply = lead
        .post(&format!("/ideas/{idea}/evaluation"), &as_fields(&form))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("href=\"#lessons\""));
    assert!(
        reply
            .texts("#lessons-error")
            .join(" ")
            .contains("they are required when an idea is stopped")
    );
    assert!(
        reply
            .body
            .contains("Missed collections fell from 14% to 6%."),
        "kept"
    );
    // Partly adopted needs at least a sentence.
    let form = evaluation_form("partly", "n/a");
    let reply = lead
        .post(&format!("/ideas/{idea}/evaluation"), &as_fields(&form))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .texts(".govuk-error-summary")
            .join(" ")
            .contains("Write the lessons in at least a full sentence")
    );
    // An empty form: every required answer, in page order.
    let reply = lead.post(&format!("/ideas/{idea}/evaluation"), &[]).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let links: Vec<String> = reply
        .html()
        .select(&scraper::Selector::parse(".govuk-error-summary__list a").unwrap())
        .map(|a| a.value().attr("href").unwrap().to_owned())
        .collect();
    assert_eq!(
        links,
        [
            "#actual_cost",
            "#cashable",
            "#non_cashable",
            "#social_value",
            "#outcome",
            "#results",
            "#evidence",
            "#transfers"
        ]
    );
    // "Yes" without saying to what.
    let mut form = evaluation_form("adopted", "");
    form.retain(|(k, _)| *k != "transfers_to");
    let reply = lead
        .post(&format!("/ideas/{idea}/evaluation"), &as_fields(&form))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("href=\"#transfers_to\""));

    assert_eq!(audit_count(&app).await, before, "nothing written");
    let org = org_id(&app, "northmere").await;
    assert!(
        beacon_db::delivery::evaluation(app.db().conn(), org, idea)
            .await
            .unwrap()
            .is_none()
    );
    app
}

async fn gate_facts_follow_the_evaluation(app: TestApp) -> TestApp {
    let idea = idea_at(
        &app,
        "northmere",
        STAFF,
        "Assisted bin collections",
        "evaluation",
    )
    .await;
    let org = org_id(&app, "northmere").await;
    let facts = || beacon_db::gates::facts(app.db().conn(), org, idea);
    let none = facts().await.unwrap();
    assert!(!none.evaluation_recorded && !none.lessons_recorded);

    let lead = app.signed_in(LEAD).await;
    let form = evaluation_form("adopted", "");
    let reply = lead
        .post(&format!("/ideas/{idea}/evaluation"), &as_fields(&form))
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(
        reply.location(),
        Some(format!("/ideas/{idea}/evaluation?notice=evaluation_recorded").as_str())
    );
    let adopted = facts().await.unwrap();
    assert!(adopted.evaluation_recorded && !adopted.lessons_recorded);

    let form = evaluation_form(
        "stopped",
        "Crews needed the route changes before the trial began, not after.",
    );
    let reply = lead
        .post(&format!("/ideas/{idea}/evaluation"), &as_fields(&form))
        .await;
    assert_eq!(
        reply.location(),
        Some(format!("/ideas/{idea}/evaluation?notice=evaluation_revised").as_str())
    );
    let stopped = facts().await.unwrap();
    assert!(stopped.evaluation_recorded && stopped.lessons_recorded);

    let recorded = beacon_db::delivery::evaluation(app.db().conn(), org, idea)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(recorded.money.cost, 2_140_000);
    assert_eq!(recorded.money.non_cashable, 1_250_050);
    assert_eq!(recorded.evidence.get(), 3);
    // The page shows it back, ready to revise.
    let page = lead.get(&format!("/ideas/{idea}/evaluation")).await;
    assert!(page.body.contains(r#"value="21,400""#));
    assert!(page.body.contains("Revise the evaluation"));
    // The portfolio's realised totals include it.
    let totals = beacon_db::delivery::realised_totals(app.db().conn(), org)
        .await
        .unwrap();
    assert!(
        totals
            .iter()
            .any(|t| t.idea == idea && t.cashable_pence == 6_000_000)
    );
    app
}

async fn the_case_study_copies_the_facts_and_nothing_else(app: TestApp) -> TestApp {
    let title = "Community fridge network";
    let idea = idea_at(&app, "northmere", MANAGER, title, "evaluation").await;
    set_up_pilot(&app, idea).await;
    let lead = app.signed_in(LEAD).await;
    let pilot = format!("/ideas/{idea}/pilot");
    lead.post(
        &format!("{pilot}/team"),
        &[
            ("team-email", STAFF),
            ("team-role", "Volunteer coordinator"),
        ],
    )
    .await;
    lead.post(
        &format!("{pilot}/updates"),
        &[
            ("update-rag", "on_track"),
            ("update-body", "Private note 7Q3"),
        ],
    )
    .await;
    let case_study = format!("/ideas/{idea}/case-study");
    let page = lead.get(&case_study).await;
    assert!(
        page.body.contains("Record the evaluation"),
        "nothing to draft from yet"
    );
    let before = audit_count(&app).await;
    let reply = lead.post(&case_study, &[("draft", "yes")]).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(audit_count(&app).await, before);

    let form = evaluation_form(
        "partly",
        "Fridges in libraries worked; fridges in shops did not.",
    );
    lead.post(&format!("/ideas/{idea}/evaluation"), &as_fields(&form))
        .await;
    let reply = lead.post(&case_study, &[("draft", "yes")]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let org = org_id(&app, "northmere").await;
    let draft = beacon_db::delivery::case_study_draft(app.db().conn(), org, idea)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(draft.title, title);
    assert_eq!(draft.challenge, format!("The problem {title} answers."));
    assert_eq!(draft.approach, format!("The proposal of {title}."));
    assert_eq!(draft.summary, format!("What {title} should achieve."));
    assert_eq!(draft.results, "Missed collections fell from 14% to 6%.");
    assert_eq!(
        draft.lessons,
        "Fridges in libraries worked; fridges in shops did not."
    );
    assert_eq!(draft.service_area, "Waste and recycling");
    assert_eq!(draft.facet, Facet::EnhancementOriented);
    assert_eq!(draft.evidence.get(), 3);
    assert_eq!(draft.money.cashable, 6_000_000);
    assert_eq!(draft.money.cost, 2_140_000);
    assert_eq!(draft.status, "draft");
    // Nothing about the people, the pilot's running or its updates.
    let json = serde_json::to_string(&draft).unwrap();
    let page = lead.get(&case_study).await;
    for private in [
        "Private note 7Q3",
        "Volunteer coordinator",
        "Under 5% missed",
        "@northmere.example",
    ] {
        assert!(!json.contains(private), "{private} in the draft");
        assert!(
            !page.texts("main dl").join(" ").contains(private),
            "{private} on the page"
        );
    }
    for person in [MANAGER, STAFF] {
        let id = person_id(&app, person).await;
        let name = beacon_db::people::by_id(app.db().conn(), id)
            .await
            .unwrap()
            .unwrap()
            .display_name;
        assert!(!json.contains(&name), "{name} in the draft");
        assert!(
            !page.texts("main").join(" ").contains(&name),
            "{name} on the page"
        );
    }

    // A second draft updates the first, from the facts as they are now.
    let form = evaluation_form(
        "partly",
        "Libraries kept their fridges; shops found the cleaning rota too much.",
    );
    lead.post(&format!("/ideas/{idea}/evaluation"), &as_fields(&form))
        .await;
    let reply = lead.post(&case_study, &[("draft", "yes")]).await;
    assert_eq!(
        reply.location(),
        Some(format!("{case_study}?notice=case_study_redrafted").as_str())
    );
    let redrafted = beacon_db::delivery::case_study_draft(app.db().conn(), org, idea)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(redrafted.id, draft.id, "the same draft");
    assert!(
        redrafted
            .lessons
            .starts_with("Libraries kept their fridges")
    );
    let page = lead
        .get(&format!("{case_study}?notice=case_study_redrafted"))
        .await;
    assert!(page.body.contains("Libraries kept their fridges"));
    assert!(page.body.contains("Partly adopted"));
    assert!(page.body.contains("Level 3: causality"));
    app
}

async fn setting_up_a_pilot_twice_at_once_gives_one_pilot(app: TestApp) -> TestApp {
    let idea = idea_at(&app, "northmere", STAFF, "Pop-up repair cafe", "pilot").await;
    let lead = app.signed_in(LEAD).await;
    let token = lead.token().await;
    let mut form = boxes("starts", today());
    form.extend(boxes("ends", today() + Duration::days(60)));
    form.extend([
        ("budget".to_owned(), "5,000".to_owned()),
        ("baseline".to_owned(), "No repair service".to_owned()),
        (
            "success_measures".to_owned(),
            "200 items repaired".to_owned(),
        ),
        ("csrf_token".to_owned(), token),
    ]);
    let path = format!("/ideas/{idea}/pilot/plan");
    let attempts = (0..8).map(|_| {
        let lead = lead.clone();
        let form = form.clone();
        let path = path.clone();
        tokio::spawn(async move {
            lead.request(reqwest::Method::POST, &path, Some(&fields(&form)), &[])
                .await
                .status
        })
    });
    for attempt in attempts.collect::<Vec<_>>() {
        assert_eq!(attempt.await.unwrap(), StatusCode::SEE_OTHER);
    }
    let org = org_id(&app, "northmere").await;
    let pilot = beacon_db::delivery::pilot(app.db().conn(), org, idea)
        .await
        .unwrap();
    assert!(pilot.is_some(), "one pilot, found by its idea");
    // Counted without the demo's own, backdated pilots.
    let count = |action: &'static str| {
        let conn = app.db().conn();
        async move {
            beacon_db::audit::list(
                conn,
                org,
                &beacon_db::audit::AuditFilter {
                    action: Some(action.to_owned()),
                    ..Default::default()
                },
                1,
                500,
            )
            .await
            .unwrap()
            .entries
            .into_iter()
            .filter(|e| e.actor_label != "demo")
            .count()
        }
    };
    assert_eq!(count("pilot.plan").await, 1, "set up once");
    assert_eq!(count("pilot.replan").await, 7, "then changed");
    app
}

async fn hostile_text_is_shown_as_text(app: TestApp) -> TestApp {
    const XSS: &str = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    let idea = idea_at(&app, "northmere", STAFF, "Hostile pilot", "evaluation").await;
    set_up_pilot(&app, idea).await;
    let lead = app.signed_in(LEAD).await;
    let pilot = format!("/ideas/{idea}/pilot");
    let mut milestone = vec![("milestone-title".to_owned(), XSS.to_owned())];
    milestone.extend(boxes("milestone-due", today()));
    lead.post(&format!("{pilot}/milestones"), &fields(&milestone))
        .await;
    let mut spend = boxes("spend-date", today());
    spend.push(("spend-description".into(), XSS.into()));
    spend.push(("spend-amount".into(), "10".into()));
    lead.post(&format!("{pilot}/spend"), &fields(&spend)).await;
    lead.post(
        &format!("{pilot}/updates"),
        &[("update-rag", "on_track"), ("update-body", XSS)],
    )
    .await;
    lead.post(
        &format!("{pilot}/team"),
        &[("team-email", STAFF), ("team-role", XSS)],
    )
    .await;
    let mut form = evaluation_form("stopped", &format!("We learnt this: {XSS}"));
    form.retain(|(k, _)| *k != "results");
    form.push(("results", XSS.to_owned()));
    lead.post(&format!("/ideas/{idea}/evaluation"), &as_fields(&form))
        .await;
    lead.post(&format!("/ideas/{idea}/case-study"), &[("draft", "yes")])
        .await;
    for path in [
        pilot.clone(),
        format!("/ideas/{idea}/evaluation"),
        format!("/ideas/{idea}/case-study"),
    ] {
        let page = lead.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(!page.body.contains("<script>alert"), "{path}");
        assert!(!page.body.contains("<img src=x"), "{path}");
        assert!(
            page.texts("main").join(" ").contains(XSS),
            "{path} shows it as text"
        );
    }
    // Even where it is refused, what was typed comes back as text.
    let reply = lead
        .post(&format!("{pilot}/updates"), &[("update-body", XSS)])
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!reply.body.contains("<script>alert"));
    app
}
