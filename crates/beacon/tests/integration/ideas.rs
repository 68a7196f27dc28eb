//! The ideas pages of the innovation pipeline: challenges, ideas, their
//! moves through the stages, and each organisation's stage configuration.
use crate::helpers::*;
use beacon_core::OrgId;
use beacon_core::permission::Capability;
use beacon_core::pipeline::Audience;
use beacon_db::challenges::Challenge;
use beacon_db::entity::idea;
use beacon_db::ideas::IdeaFilter;
use beacon_web::routes::Access;
use reqwest::StatusCode;

/// This feature's rows of the role × route × organisation matrix.
pub fn access(method: &str, path: &str) -> Option<Access> {
    use Access::*;
    let lead = Can(Capability::RunPipeline);
    Some(match (method, path) {
        ("GET", "/challenges" | "/challenges/{id}") => Member,
        ("GET" | "POST", "/challenges/new" | "/challenges/{id}/edit") => lead,
        ("GET", "/ideas" | "/ideas/similar" | "/ideas/new" | "/ideas/{id}") => Member,
        ("POST", "/ideas/check" | "/ideas" | "/ideas/{id}/move") => Member,
        ("GET" | "POST", "/ideas/{id}/edit") => Member,
        ("GET" | "POST", "/pipeline/stages") => lead,
        _ => return None,
    })
}

both_databases!(
    every_page_renders_for_residents_staff_and_the_lead,
    the_lead_creates_and_changes_a_challenge,
    challenge_forms_reject_bad_input_and_change_nothing,
    audiences_decide_who_sees_a_challenge_and_its_ideas,
    a_resident_submits_an_idea_through_the_check_page,
    idea_forms_reject_bad_input_and_change_nothing,
    moves_follow_the_stage_rules,
    two_people_moving_one_idea_at_once_make_one_move,
    pseudonyms_hide_the_author_from_everyone_but_the_team,
    another_councils_lead_gets_not_found_and_changes_nothing,
    stages_are_configured_per_organisation,
    stage_forms_reject_bad_input_and_change_nothing,
    the_author_changes_an_idea_until_it_is_screened,
    list_filters_are_allow_listed_and_hidden_ideas_stay_hidden,
    similar_ideas_come_from_what_the_visitor_may_see,
    hostile_text_in_ideas_is_shown_as_text,
    search_stems_finds_new_and_edited_ideas_and_only_visible_ones,
    the_count_is_right_after_moves_and_hiding,
    ideas_submitted_and_changed_at_once_are_all_kept_counted_and_found,
    an_idea_is_similar_the_moment_it_is_submitted,
    moves_in_opposite_directions_at_once_all_land_and_keep_the_count,
    search_results_are_paged_newest_first_without_overlap,
);

const LEAD: &str = "innovation-lead@northmere.example";
const STAFF: &str = "staff@northmere.example";
const RESIDENT: &str = "resident@northmere.example";

async fn northmere(app: &TestApp) -> OrgId {
    org_id(app, "northmere").await
}

/// Every Northmere idea, hidden ones too.
async fn all_ideas(app: &TestApp, org: OrgId) -> Vec<idea::Model> {
    let filter = IdeaFilter {
        audiences: Audience::ALL.to_vec(),
        include_hidden: true,
        ..IdeaFilter::default()
    };
    beacon_db::ideas::list(app.db().conn(), org, &filter, 1, 1000)
        .await
        .unwrap()
        .ideas
}

async fn idea_at(app: &TestApp, org: OrgId, stage: &str) -> idea::Model {
    all_ideas(app, org)
        .await
        .into_iter()
        .find(|i| i.stage == stage)
        .unwrap_or_else(|| panic!("the demo has an idea at {stage}"))
}

async fn challenges_of(app: &TestApp, org: OrgId) -> Vec<Challenge> {
    beacon_db::challenges::list(app.db().conn(), org, Audience::ALL)
        .await
        .unwrap()
}

async fn challenge_for(app: &TestApp, org: OrgId, audience: Audience) -> Challenge {
    challenges_of(app, org)
        .await
        .into_iter()
        .find(|c| c.audience == audience)
        .unwrap()
}

/// A valid idea form, answering `challenge` (or none).
fn idea_form<'a>(challenge: &'a str, title: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("challenge", challenge),
        ("title", title),
        (
            "problem",
            "Overflowing litter bins on the high street attract gulls and rats.",
        ),
        (
            "proposal",
            "Fit solar compacting bins that report when they are full.",
        ),
        ("service_area", "waste_and_recycling"),
        (
            "measure_today",
            "Bins emptied daily, half of them overflowing",
        ),
        ("measure_aspiration", "No overflowing bins"),
        ("expected_benefit", "Cleaner streets and fewer collections."),
        ("kind", "incremental"),
        ("facet", "enhancement_oriented"),
        ("lever", "new_resources"),
        ("pseudonym", ""),
    ]
}

fn with<'a>(
    mut form: Vec<(&'a str, &'a str)>,
    field: &'a str,
    value: &'a str,
) -> Vec<(&'a str, &'a str)> {
    for pair in &mut form {
        if pair.0 == field {
            pair.1 = value;
        }
    }
    form
}

fn challenge_form(question: &str) -> Vec<(&str, &str)> {
    vec![
        ("question", question),
        (
            "description",
            "Residents say the town centre feels unsafe at night.",
        ),
        ("audience", "public"),
        ("opens-day", "1"),
        ("opens-month", "1"),
        ("opens-year", "2026"),
        ("closes-day", "31"),
        ("closes-month", "12"),
        ("closes-year", "2099"),
        ("innovation", "yes"),
        ("pot", "£120,000"),
        ("criterion_name", "Safety"),
        ("criterion_weight", "60"),
        ("criterion_name", "Cost"),
        ("criterion_weight", "40"),
        ("criterion_name", ""),
        ("criterion_weight", ""),
    ]
}

/// A uuid as a literal the backend compares with its stored ids.
fn uuid_literal(app: &TestApp, id: uuid::Uuid) -> String {
    match app.db().backend() {
        beacon_db::Backend::Postgres => format!("'{id}'"),
        beacon_db::Backend::Sqlite => format!("X'{}'", id.simple()),
    }
}

/// Change something no page of ours changes (what another part does), to
/// test what this part does with it.
async fn sql(app: &TestApp, statement: &str) {
    use beacon_db::ConnectionTrait;
    let done = app.db().conn().execute_unprepared(statement).await.unwrap();
    assert_eq!(done.rows_affected(), 1, "{statement}");
}

fn error_links(reply: &Reply) -> Vec<String> {
    let selector = scraper::Selector::parse(".govuk-error-summary__list a").unwrap();
    reply
        .html()
        .select(&selector)
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect()
}

async fn every_page_renders_for_residents_staff_and_the_lead(app: TestApp) -> TestApp {
    let org = northmere(&app).await;
    let public = challenge_for(&app, org, Audience::Public).await;
    let idea = idea_at(&app, org, "decision").await;
    let submitted = idea_at(&app, org, "submitted").await;
    for email in [RESIDENT, STAFF, LEAD, "partner@northmere.example"] {
        let b = app.signed_in(email).await;
        let mut pages = vec![
            "/challenges".to_owned(),
            format!("/challenges/{}", public.id),
            "/ideas".to_owned(),
            "/ideas?stage=screened&kind=radical&q=bin".to_owned(),
            "/ideas/new".to_owned(),
            format!("/ideas/new?challenge={}", public.id),
            format!("/ideas/{}", submitted.id),
            "/ideas/similar?q=potholes".to_owned(),
        ];
        if email != RESIDENT && email != "partner@northmere.example" {
            pages.push(format!("/ideas/{}", idea.id));
        }
        if email == LEAD {
            pages.push("/challenges/new".into());
            pages.push(format!("/challenges/{}/edit", public.id));
            pages.push("/pipeline/stages".into());
        }
        for path in pages {
            let reply = b.get(&path).await;
            assert_eq!(
                reply.status,
                StatusCode::OK,
                "{email} {path}: {}",
                reply.body
            );
        }
    }
    app
}

async fn the_lead_creates_and_changes_a_challenge(app: TestApp) -> TestApp {
    let org = northmere(&app).await;
    let lead = app.signed_in(LEAD).await;
    let before = audit_count(&app).await;
    let reply = lead
        .post(
            "/challenges/new",
            &challenge_form("How might we make the town centre feel safe at night?"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let location = reply.location().unwrap().to_owned();
    assert!(
        location.ends_with("?notice=challenge_created"),
        "{location}"
    );
    assert_eq!(audit_count(&app).await, before + 1);
    let created = challenges_of(&app, org)
        .await
        .into_iter()
        .find(|c| c.question.contains("town centre feel safe"))
        .unwrap();
    let created = beacon_db::challenges::find(app.db().conn(), org, created.id)
        .await
        .unwrap()
        .unwrap();
    assert!(created.innovation);
    assert_eq!(created.pot_pence, Some(12_000_000));
    assert_eq!(
        created
            .criteria
            .iter()
            .map(|c| (c.name.as_str(), c.weight))
            .collect::<Vec<_>>(),
        vec![("Safety", 60), ("Cost", 40)]
    );
    let page = lead.get(&location).await;
    assert!(
        page.texts(".govuk-notification-banner")
            .join(" ")
            .contains("created")
    );
    assert!(page.body.contains("£120,000"));
    // Anyone may answer it while it is open.
    let resident = app.signed_in(RESIDENT).await;
    let seen = resident.get(&format!("/challenges/{}", created.id)).await;
    assert!(
        seen.body
            .contains(&format!("/ideas/new?challenge={}", created.id))
    );
    // The lead changes it: no longer an innovation challenge, staff only.
    let mut form = challenge_form("How might we make the town centre feel safe after dark?");
    form = with(form, "innovation", "no");
    form = with(form, "audience", "staff");
    let changed = lead
        .post(&format!("/challenges/{}/edit", created.id), &form)
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    let after = beacon_db::challenges::find(app.db().conn(), org, created.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.audience, Audience::Staff);
    assert_eq!(after.pot_pence, None);
    assert!(after.question.ends_with("after dark?"));
    // Now the resident cannot see it at all.
    let hidden = resident.get(&format!("/challenges/{}", created.id)).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    app
}

async fn challenge_forms_reject_bad_input_and_change_nothing(app: TestApp) -> TestApp {
    let org = northmere(&app).await;
    let lead = app.signed_in(LEAD).await;
    let before = audit_count(&app).await;
    let count = challenges_of(&app, org).await.len();
    let empty = lead.post("/challenges/new", &[]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        error_links(&empty),
        vec![
            "#question",
            "#description",
            "#audience",
            "#opens-day",
            "#closes-day",
            "#innovation"
        ]
    );
    let mut form = challenge_form("How might we?");
    form = with(form, "closes-year", "2025");
    form = with(form, "opens-month", "13");
    form = with(form, "pot", "lots");
    form[11] = ("criterion_name", "");
    form[14] = ("criterion_weight", "101");
    let bad = lead.post("/challenges/new", &form).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        error_links(&bad),
        vec![
            "#opens-day",
            "#closes-day",
            "#pot",
            "#criterion-name-1",
            "#criterion-weight-2"
        ]
    );
    assert!(
        bad.body.contains("value=\"lots\""),
        "what was typed is kept"
    );
    // Closing before it opens.
    let mut form = challenge_form("How might we?");
    form = with(form, "opens-year", "2100");
    form = with(form, "closes-year", "2099");
    let reversed = lead.post("/challenges/new", &form).await;
    assert_eq!(error_links(&reversed), vec!["#closes-day"]);
    // An innovation challenge needs criteria.
    let mut form = challenge_form("How might we?");
    form.truncate(11);
    let no_criteria = lead.post("/challenges/new", &form).await;
    assert_eq!(error_links(&no_criteria), vec!["#criterion-name-1"]);
    // Fields we never ask for are refused outright.
    let mut form = challenge_form("How might we?");
    form.push(("allocated_pence", "0"));
    assert_eq!(
        lead.post("/challenges/new", &form).await.status,
        StatusCode::BAD_REQUEST
    );
    let mut form = challenge_form("How might we?");
    for _ in 0..6 {
        form.push(("criterion_name", "x"));
        form.push(("criterion_weight", "1"));
    }
    assert_eq!(
        lead.post("/challenges/new", &form).await.status,
        StatusCode::BAD_REQUEST
    );
    // Editing with bad input changes nothing either.
    let public = challenge_for(&app, org, Audience::Public).await;
    let edit = lead
        .post(
            &format!("/challenges/{}/edit", public.id),
            &[("question", "")],
        )
        .await;
    assert_eq!(edit.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The pot cannot drop below what has been allocated.
    let innovation = challenge_for(&app, org, Audience::Staff).await;
    sql(
        &app,
        &format!(
            "UPDATE challenges SET allocated_pence = 5000000 WHERE id = {}",
            uuid_literal(&app, innovation.id)
        ),
    )
    .await;
    let before_pot = audit_count(&app).await;
    let existing = beacon_db::challenges::find(app.db().conn(), org, innovation.id)
        .await
        .unwrap()
        .unwrap();
    let weights: Vec<String> = existing
        .criteria
        .iter()
        .map(|c| c.weight.to_string())
        .collect();
    let mut form = challenge_form("How might we?");
    form.truncate(11);
    for (c, w) in existing.criteria.iter().zip(&weights) {
        form.push(("criterion_name", c.name.as_str()));
        form.push(("criterion_weight", w.as_str()));
    }
    form = with(form, "pot", "10,000");
    let shrink = lead
        .post(&format!("/challenges/{}/edit", innovation.id), &form)
        .await;
    assert_eq!(shrink.status, StatusCode::CONFLICT);
    assert!(
        shrink
            .texts(".govuk-error-summary")
            .join(" ")
            .contains("£50,000")
    );
    assert_eq!(audit_count(&app).await, before_pot);
    // Its criteria are in use: ideas answering it are at the decision stage.
    let mut form = challenge_form("How might we?");
    form = with(form, "pot", "250,000");
    let criteria = lead
        .post(&format!("/challenges/{}/edit", innovation.id), &form)
        .await;
    assert_eq!(criteria.status, StatusCode::CONFLICT);
    assert_eq!(error_links(&criteria), vec!["#criterion-name-1"]);
    assert_eq!(audit_count(&app).await, before);
    assert_eq!(challenges_of(&app, org).await.len(), count);
    // Only the innovation team creates challenges.
    let staff = app.signed_in(STAFF).await;
    assert_eq!(
        staff
            .post("/challenges/new", &challenge_form("How might we?"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    app
}

async fn audiences_decide_who_sees_a_challenge_and_its_ideas(app: TestApp) -> TestApp {
    let org = northmere(&app).await;
    let staff_only = challenge_for(&app, org, Audience::Staff).await;
    let partners = challenge_for(&app, org, Audience::Partners).await;
    let staff_idea = all_ideas(&app, org)
        .await
        .into_iter()
        .find(|i| i.challenge_id == Some(staff_only.id))
        .unwrap();
    let resident = app.signed_in(RESIDENT).await;
    let list = resident.get("/challenges").await;
    assert!(!list.body.contains(&staff_only.question));
    assert!(!list.body.contains(&partners.question));
    for path in [
        format!("/challenges/{}", staff_only.id),
        format!("/ideas/new?challenge={}", staff_only.id),
        format!("/ideas/{}", staff_idea.id),
    ] {
        assert_eq!(
            resident.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let ideas = resident.get("/ideas").await;
    assert!(!ideas.body.contains(&staff_idea.title));
    // Submitting to it is refused as if it did not exist, and writes nothing.
    let before = audit_count(&app).await;
    let id = staff_only.id.to_string();
    let reply = resident
        .post("/ideas", &idea_form(&id, "Sneaky idea"))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_links(&reply), vec!["#challenge"]);
    assert_eq!(audit_count(&app).await, before);
    // Partners see the partners' challenge but not the staff one.
    let partner = app.signed_in("partner@northmere.example").await;
    let list = partner.get("/challenges").await;
    assert!(list.body.contains(&partners.question));
    assert!(!list.body.contains(&staff_only.question));
    // Staff see every challenge.
    let staff = app.signed_in(STAFF).await;
    let list = staff.get("/challenges").await;
    assert!(list.body.contains(&staff_only.question) && list.body.contains(&partners.question));
    assert_eq!(
        staff.get(&format!("/ideas/{}", staff_idea.id)).await.status,
        StatusCode::OK
    );
    app
}

async fn a_resident_submits_an_idea_through_the_check_page(app: TestApp) -> TestApp {
    let org = northmere(&app).await;
    let public = challenge_for(&app, org, Audience::Public).await;
    let id = public.id.to_string();
    let resident = app.signed_in(RESIDENT).await;
    let form = with(
        idea_form(&id, "Report potholes using a photo from your phone"),
        "pseudonym",
        "Pothole Pete",
    );
    let before = audit_count(&app).await;
    let check = resident.post("/ideas/check", &form).await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.body);
    // The check page lists similar ideas (the demo's pothole idea) and the answers.
    assert!(
        check.body.contains("Report potholes with a photo"),
        "similar ideas"
    );
    let keys = check.texts(".govuk-summary-list__key");
    assert!(
        keys.contains(&"Title".to_owned()) && keys.contains(&"Pseudonym (optional)".to_owned())
    );
    assert!(check.body.contains("value=\"Pothole Pete\""));
    assert_eq!(audit_count(&app).await, before, "checking writes nothing");
    // "Change" brings the form back with the answers.
    let mut change = form.clone();
    change.push(("change", "problem"));
    let again = resident.post("/ideas/check", &change).await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.body.contains("Overflowing litter bins"));
    assert!(!again.has_error_summary());
    // Submit.
    let created = resident.post("/ideas", &form).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let location = created.location().unwrap().to_owned();
    let page = resident.get(&location).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.texts(".govuk-notification-banner")
            .join(" ")
            .contains("submitted")
    );
    let idea = all_ideas(&app, org)
        .await
        .into_iter()
        .find(|i| i.title == "Report potholes using a photo from your phone")
        .unwrap();
    assert_eq!(idea.stage, "submitted");
    assert_eq!(idea.challenge_id, Some(public.id));
    assert_eq!(idea.author_id, person_id(&app, RESIDENT).await.uuid());
    assert_eq!(idea.pseudonym.as_deref(), Some("Pothole Pete"));
    let history = beacon_db::ideas::history(app.db().conn(), org, idea.id)
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].to_stage, "submitted");
    // The challenge page lists it.
    let challenge = resident.get(&format!("/challenges/{}", public.id)).await;
    assert!(challenge.body.contains("Report potholes using a photo"));
    app
}

async fn idea_forms_reject_bad_input_and_change_nothing(app: TestApp) -> TestApp {
    let org = northmere(&app).await;
    let resident = app.signed_in(RESIDENT).await;
    let before = audit_count(&app).await;
    let count = all_ideas(&app, org).await.len();
    for path in ["/ideas/check", "/ideas"] {
        let empty = resident.post(path, &[]).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert_eq!(
            error_links(&empty),
            vec![
                "#title",
                "#problem",
                "#proposal",
                "#service_area",
                "#measure_today",
                "#measure_aspiration",
                "#expected_benefit",
                "#kind",
                "#facet",
                "#lever"
            ],
            "{path}"
        );
    }
    let long = "x".repeat(151);
    let mut form = with(idea_form("", &long), "kind", "superuser");
    form = with(form, "service_area", "space_programme");
    let bad = resident.post("/ideas", &form).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_links(&bad), vec!["#title", "#service_area", "#kind"]);
    // A closed challenge, or one that does not exist, is refused.
    let closed = challenge_for(&app, org, Audience::Partners).await;
    let staff = app.signed_in(STAFF).await;
    let id = closed.id.to_string();
    let late = staff.post("/ideas", &idea_form(&id, "Late idea")).await;
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        late.texts(".govuk-error-summary")
            .join(" ")
            .contains("not open")
    );
    let nowhere = staff
        .post("/ideas", &idea_form("not-an-id", "Lost idea"))
        .await;
    assert_eq!(error_links(&nowhere), vec!["#challenge"]);
    // Fields we never ask for: no mass assignment.
    for extra in [
        ("stage", "adopted"),
        ("author", "someone"),
        ("organisation", "x"),
    ] {
        let mut form = idea_form("", "Forged idea");
        form.push(extra);
        assert_eq!(
            resident.post("/ideas", &form).await.status,
            StatusCode::BAD_REQUEST,
            "{extra:?}"
        );
    }
    assert_eq!(audit_count(&app).await, before);
    assert_eq!(all_ideas(&app, org).await.len(), count);
    app
}

async fn moves_follow_the_stage_rules(app: TestApp) -> TestApp {
    let org = northmere(&app).await;
    let submitted = idea_at(&app, org, "submitted").await;
    let path = format!("/ideas/{}/move", submitted.id);
    // A staff member cannot move ideas, and is not offered the form.
    let staff = app.signed_in(STAFF).await;
    let before = audit_count(&app).await;
    let page = staff.get(&format!("/ideas/{}", submitted.id)).await;
    assert!(!page.body.contains(&path));
    let refused = staff
        .post(&path, &[("to", "screened"), ("reason", "")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(audit_count(&app).await, before);
    // The lead screens it.
    let lead = app.signed_in(LEAD).await;
    let page = lead.get(&format!("/ideas/{}", submitted.id)).await;
    assert!(
        page.body.contains(&path),
        "the lead is offered the move form"
    );
    let empty = lead.post(&path, &[]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_links(&empty), vec!["#to"]);
    let skip = lead
        .post(&path, &[("to", "decision"), ("reason", "")])
        .await;
    assert_eq!(skip.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        skip.texts(".govuk-error-summary")
            .join(" ")
            .contains("one stage at a time")
    );
    let moved = lead
        .post(
            &path,
            &[("to", "screened"), ("reason", "Clear and measurable.")],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    assert_eq!(audit_count(&app).await, before + 1);
    let after = beacon_db::ideas::find(app.db().conn(), org, submitted.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.stage, "screened");
    let history = beacon_db::ideas::history(app.db().conn(), org, submitted.id)
        .await
        .unwrap();
    let last = history.last().unwrap();
    assert_eq!(
        (
            last.from_stage.as_deref(),
            last.to_stage.as_str(),
            last.reason.as_str()
        ),
        (Some("submitted"), "screened", "Clear and measurable.")
    );
    assert_eq!(last.moved_by, Some(person_id(&app, LEAD).await.uuid()));
    let page = lead
        .get(&format!("/ideas/{}?notice=idea_moved", submitted.id))
        .await;
    let rows = page.texts("table tbody tr").join(" | ");
    assert!(
        rows.contains("Submitted to Screened") && rows.contains("Clear and measurable."),
        "{rows}"
    );
    // Sending it back needs a reason.
    let back = lead
        .post(&path, &[("to", "submitted"), ("reason", " ")])
        .await;
    assert_eq!(back.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_links(&back), vec!["#reason"]);
    // A move to decision without a complete business case is refused with a message.
    let case = idea_at(&app, org, "business_case").await;
    let gate = lead
        .post(
            &format!("/ideas/{}/move", case.id),
            &[("to", "decision"), ("reason", "")],
        )
        .await;
    assert_eq!(gate.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        gate.texts(".govuk-error-summary")
            .join(" ")
            .contains("until its business case is complete"),
        "{}",
        gate.texts(".govuk-error-summary").join(" ")
    );
    // Stopping before a pilot takes the reason as its lessons.
    let stop = lead
        .post(
            &format!("/ideas/{}/move", case.id),
            &[
                ("to", "stopped"),
                ("reason", "A cheaper supplier exists. Lesson: ask first."),
            ],
        )
        .await;
    assert_eq!(stop.status, StatusCode::SEE_OTHER);
    // Stopped ideas never move again.
    let dead = lead
        .post(
            &format!("/ideas/{}/move", case.id),
            &[("to", "business_case"), ("reason", "Reopen")],
        )
        .await;
    assert_eq!(dead.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A piloted idea cannot be stopped until its evaluation holds the lessons.
    let pilot = idea_at(&app, org, "pilot").await;
    let late = lead
        .post(
            &format!("/ideas/{}/move", pilot.id),
            &[("to", "stopped"), ("reason", "It did not work")],
        )
        .await;
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(audit_count(&app).await, before + 2);
    app
}

async fn two_people_moving_one_idea_at_once_make_one_move(app: TestApp) -> TestApp {
    let org = northmere(&app).await;
    let idea = idea_at(&app, org, "submitted").await;
    let path = format!("/ideas/{}/move", idea.id);
    let browsers: Vec<_> = lead_browsers(&app, 8).await;
    let mut tasks = Vec::new();
    for b in browsers {
        let path = path.clone();
        tasks.push(tokio::spawn(async move {
            b.post(&path, &[("to", "screened"), ("reason", "")])
                .await
                .status
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let wins = statuses
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count();
    assert_eq!(wins, 1, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == StatusCode::SEE_OTHER
            || *s == StatusCode::CONFLICT
            || *s == StatusCode::UNPROCESSABLE_ENTITY),
        "{statuses:?}"
    );
    let history = beacon_db::ideas::history(app.db().conn(), org, idea.id)
        .await
        .unwrap();
    assert_eq!(
        history.iter().filter(|m| m.to_stage == "screened").count(),
        1
    );
    app
}

/// Several browsers signed in as the lead, each with its own session.
async fn lead_browsers(app: &TestApp, n: usize) -> Vec<Browser> {
    let mut out = Vec::new();
    for _ in 0..n {
        let b = app.signed_in(LEAD).await;
        // Fetch the token now, so the requests race only on the move itself.
        let token = b.token().await;
        b.extra_headers
            .lock()
            .unwrap()
            .push(("X-CSRF-Token".into(), token));
        out.push(b);
    }
    out
}

async fn pseudonyms_hide_the_author_from_everyone_but_the_team(app: TestApp) -> TestApp {
    let org = northmere(&app).await;
    let idea = all_ideas(&app, org)
        .await
        .into_iter()
        .find(|i| i.pseudonym.is_some())
        .unwrap();
    let pseudonym = idea.pseudonym.clone().unwrap();
    let name = beacon_db::people::by_id(
        app.db().conn(),
        beacon_core::PersonId::from_uuid(idea.author_id),
    )
    .await
    .unwrap()
    .unwrap()
    .display_name;
    let path = format!("/ideas/{}", idea.id);
    for (email, sees_name) in [
        (STAFF, false),
        ("councillor@northmere.example", false),
        ("panel@northmere.example", false),
        (RESIDENT, true),
        (LEAD, true),
    ] {
        let b = app.signed_in(email).await;
        let page = b.get(&path).await;
        let main = page.texts("main").join(" ");
        assert!(main.contains(&pseudonym), "{email} sees the pseudonym");
        assert_eq!(
            main.contains(&name),
            sees_name,
            "{email} sees the name: {sees_name}"
        );
        let list = b.get("/ideas").await;
        let row = list
            .texts("tbody tr")
            .into_iter()
            .find(|r| r.contains(&idea.title))
            .unwrap();
        assert!(row.contains(&pseudonym), "{email}: {row}");
        assert_eq!(row.contains(&name), sees_name, "{email}: {row}");
    }
    app
}

async fn another_councils_lead_gets_not_found_and_changes_nothing(app: TestApp) -> TestApp {
    let org = northmere(&app).await;
    let challenge = challenge_for(&app, org, Audience::Public).await;
    let idea = idea_at(&app, org, "submitted").await;
    let intruder = app.signed_in("innovation-lead@askevale.example").await;
    let before = audit_count(&app).await;
    for path in [
        format!("/challenges/{}", challenge.id),
        format!("/challenges/{}/edit", challenge.id),
        format!("/ideas/{}", idea.id),
        format!("/ideas/{}/edit", idea.id),
        format!("/ideas/new?challenge={}", challenge.id),
    ] {
        let reply = intruder.get(&path).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "GET {path}");
        assert!(!reply.body.contains(&idea.title));
    }
    let cid = challenge.id.to_string();
    for (path, form) in [
        (
            format!("/challenges/{}/edit", challenge.id),
            challenge_form("Taken over?"),
        ),
        (
            format!("/ideas/{}/move", idea.id),
            vec![("to", "screened"), ("reason", "x")],
        ),
        (
            format!("/ideas/{}/edit", idea.id),
            idea_form("", "Taken over"),
        ),
    ] {
        let reply = intruder.post(&path, &form).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "POST {path}");
    }
    let answer = intruder
        .post("/ideas", &idea_form(&cid, "Cross-council idea"))
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(audit_count(&app).await, before);
    // Nor does anything of Northmere's show in Aske Vale's lists.
    for path in [
        "/ideas",
        "/challenges",
        "/ideas/similar?q=potholes+bins+library",
    ] {
        let reply = intruder.get(path).await;
        // Councils may have ideas of the same name; ids are never shared.
        assert!(!reply.body.contains(&idea.id.to_string()), "{path}");
        assert!(!reply.body.contains(&challenge.id.to_string()), "{path}");
    }
    let filtered = intruder.get(&format!("/ideas?challenge={cid}")).await;
    assert_eq!(filtered.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unchanged = beacon_db::ideas::find(app.db().conn(), org, idea.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unchanged.stage, "submitted");
    app
}

/// The stage form as the page sends it, from the stored pipeline.
async fn stage_form(app: &TestApp, org: OrgId) -> Vec<(String, String)> {
    let pipeline = beacon_db::stages::load(app.db().conn(), org).await.unwrap();
    let mut form = vec![("action".to_owned(), "save".to_owned())];
    for s in pipeline.stages() {
        form.push((format!("name_{}", s.key), s.name.clone()));
        for m in &s.movers {
            form.push((format!("movers_{}", s.key), m.key().to_owned()));
        }
        for r in &s.requirements {
            form.push((format!("requirements_{}", s.key), r.key().to_owned()));
        }
    }
    form
}

fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

async fn stages_are_configured_per_organisation(app: TestApp) -> TestApp {
    let org = northmere(&app).await;
    let lead = app.signed_in(LEAD).await;
    // Rename a stage and let councillors move ideas into business case.
    let mut form = stage_form(&app, org).await;
    for (k, v) in &mut form {
        if k == "name_screened" {
            *v = "Triage".into();
        }
    }
    form.push(("movers_business_case".into(), "councillor".into()));
    let saved = lead.post("/pipeline/stages", &pairs(&form)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let pipeline = beacon_db::stages::load(app.db().conn(), org).await.unwrap();
    assert_eq!(pipeline.stage("screened").unwrap().name, "Triage");
    assert!(
        pipeline
            .stage("business_case")
            .unwrap()
            .movers
            .contains(&beacon_core::Role::Councillor)
    );
    // Aske Vale keeps the default.
    let askevale = org_id(&app, "aske-vale").await;
    let theirs = beacon_db::stages::load(app.db().conn(), askevale)
        .await
        .unwrap();
    assert_eq!(theirs.stage("screened").unwrap().name, "Screened");
    // Ideas show the new name.
    let screened = idea_at(&app, org, "screened").await;
    let page = lead.get(&format!("/ideas/{}", screened.id)).await;
    assert!(page.texts(".govuk-tag").contains(&"Triage".to_owned()));
    // Add a stage of our own after business case; the idea there must now pass it.
    let added = lead
        .post(
            "/pipeline/stages",
            &[
                ("action", "add"),
                ("new_name", "Legal review"),
                ("new_after", "business_case"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let pipeline = beacon_db::stages::load(app.db().conn(), org).await.unwrap();
    assert_eq!(
        pipeline.position("legal_review"),
        Some(pipeline.position("business_case").unwrap() + 1)
    );
    let case = idea_at(&app, org, "business_case").await;
    let page = lead.get(&format!("/ideas/{}", case.id)).await;
    assert!(
        page.body.contains("Forward to Legal review"),
        "the new stage is next"
    );
    let moved = lead
        .post(
            &format!("/ideas/{}/move", case.id),
            &[("to", "legal_review"), ("reason", "")],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    // It cannot be removed while an idea is in it.
    let blocked = lead
        .post("/pipeline/stages", &[("remove", "legal_review")])
        .await;
    assert_eq!(blocked.status, StatusCode::CONFLICT);
    assert!(blocked.has_error_summary());
    assert!(
        beacon_db::stages::load(app.db().conn(), org)
            .await
            .unwrap()
            .stage("legal_review")
            .is_some()
    );
    let back = lead
        .post(
            &format!("/ideas/{}/move", case.id),
            &[
                ("to", "business_case"),
                ("reason", "No legal issues after all"),
            ],
        )
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    let removed = lead
        .post("/pipeline/stages", &[("remove", "legal_review")])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert!(
        beacon_db::stages::load(app.db().conn(), org)
            .await
            .unwrap()
            .stage("legal_review")
            .is_none()
    );
    let audit = app.signed_in("admin@northmere.example").await;
    let events = audit.get("/admin/audit?action=pipeline.configure").await;
    assert_eq!(events.texts("tbody tr").len(), 3);
    app
}

async fn stage_forms_reject_bad_input_and_change_nothing(app: TestApp) -> TestApp {
    let org = northmere(&app).await;
    let lead = app.signed_in(LEAD).await;
    let before = audit_count(&app).await;
    let empty = lead.post("/pipeline/stages", &[]).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    let mut form: Vec<(String, String)> = stage_form(&app, org)
        .await
        .into_iter()
        .filter(|(k, v)| {
            !(k == "movers_decision" || (k == "requirements_stopped" && v == "lessons_recorded"))
        })
        .collect();
    for (k, v) in &mut form {
        if k == "name_pilot" {
            v.clear();
        }
        if k == "name_evaluation" {
            *v = "Screened".into();
        }
    }
    let bad = lead.post("/pipeline/stages", &pairs(&form)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        error_links(&bad),
        vec![
            "#movers_decision",
            "#name_pilot",
            "#name_evaluation",
            "#requirements_stopped"
        ]
    );
    let add = lead
        .post(
            "/pipeline/stages",
            &[
                ("action", "add"),
                ("new_name", ""),
                ("new_after", "adopted"),
            ],
        )
        .await;
    assert_eq!(add.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_links(&add), vec!["#new_name", "#new_after"]);
    let taken = lead
        .post(
            "/pipeline/stages",
            &[
                ("action", "add"),
                ("new_name", "pilot"),
                ("new_after", "submitted"),
            ],
        )
        .await;
    assert_eq!(error_links(&taken), vec!["#new_name"]);
    // Built-in stages cannot be removed; unknown fields and roles are refused.
    for form in [
        vec![("remove", "decision")],
        vec![("action", "save"), ("name_nowhere", "x")],
        vec![("action", "save"), ("movers_decision", "superuser")],
        vec![("action", "delete")],
    ] {
        assert_eq!(
            lead.post("/pipeline/stages", &form).await.status,
            StatusCode::BAD_REQUEST,
            "{form:?}"
        );
    }
    assert_eq!(audit_count(&app).await, before);
    assert_eq!(
        beacon_db::stages::load(app.db().conn(), org).await.unwrap(),
        beacon_core::pipeline::stages::Pipeline::default_stages()
    );
    app
}

async fn the_author_changes_an_idea_until_it_is_screened(app: TestApp) -> TestApp {
    let org = northmere(&app).await;
    let resident = app.signed_in(RESIDENT).await;
    let mine = all_ideas(&app, org)
        .await
        .into_iter()
        .find(|i| i.stage == "submitted" && i.pseudonym.is_some())
        .unwrap();
    let path = format!("/ideas/{}/edit", mine.id);
    let form = resident.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(&mine.title));
    let bad = resident
        .post(&path, &with(idea_form("", ""), "title", ""))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let saved = resident
        .post(&path, &idea_form("", "A better title for my idea"))
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let after = beacon_db::ideas::find(app.db().conn(), org, mine.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.title, "A better title for my idea");
    assert_eq!(after.pseudonym, None, "the pseudonym was cleared");
    assert_eq!(after.challenge_id, mine.challenge_id, "the challenge stays");
    // Nobody else may change it.
    let staff = app.signed_in(STAFF).await;
    assert_eq!(staff.get(&path).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        staff.post(&path, &idea_form("", "Hijack")).await.status,
        StatusCode::FORBIDDEN
    );
    // Once screened, neither may the author.
    let lead = app.signed_in(LEAD).await;
    lead.post(
        &format!("/ideas/{}/move", mine.id),
        &[("to", "screened"), ("reason", "")],
    )
    .await;
    assert_eq!(resident.get(&path).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        resident
            .post(&path, &idea_form("", "Too late"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    app
}

async fn list_filters_are_allow_listed_and_hidden_ideas_stay_hidden(app: TestApp) -> TestApp {
    let org = northmere(&app).await;
    let staff = app.signed_in(STAFF).await;
    for (query, field) in [
        ("stage=limbo", "#stage"),
        ("kind=medium", "#kind"),
        ("challenge=nope", "#challenge"),
    ] {
        let reply = staff.get(&format!("/ideas?{query}")).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(error_links(&reply), vec![field]);
    }
    for query in ["sort=title", "order=1;drop", "show=all"] {
        assert_eq!(
            staff.get(&format!("/ideas?{query}")).await.status,
            StatusCode::BAD_REQUEST,
            "{query}"
        );
    }
    let literal = staff.get("/ideas?q=%25").await;
    assert!(
        literal.texts("tbody tr").is_empty(),
        "% matches itself only"
    );
    let by_stage = staff.get("/ideas?stage=decision").await;
    assert_eq!(by_stage.texts("tbody tr").len(), 2);
    let staff_id = person_id(&app, STAFF).await.uuid();
    let adopted = all_ideas(&app, org)
        .await
        .into_iter()
        .find(|i| i.stage == "adopted" && i.author_id != staff_id)
        .unwrap();
    sql(
        &app,
        &format!(
            "UPDATE ideas SET hidden = true WHERE id = {}",
            uuid_literal(&app, adopted.id)
        ),
    )
    .await;
    let list = staff.get("/ideas?stage=adopted").await;
    assert!(!list.body.contains(&adopted.title));
    assert_eq!(
        staff.get(&format!("/ideas/{}", adopted.id)).await.status,
        StatusCode::NOT_FOUND
    );
    let lead = app.signed_in(LEAD).await;
    let plain = lead.get("/ideas?stage=adopted").await;
    assert!(!plain.body.contains(&adopted.title));
    let moderated = lead.get("/ideas?stage=adopted&show=all").await;
    assert!(moderated.body.contains(&adopted.title));
    let page = lead.get(&format!("/ideas/{}", adopted.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    app
}

async fn similar_ideas_come_from_what_the_visitor_may_see(app: TestApp) -> TestApp {
    let org = northmere(&app).await;
    let staff_only = challenge_for(&app, org, Audience::Staff).await;
    let staff_idea = all_ideas(&app, org)
        .await
        .into_iter()
        .find(|i| i.challenge_id == Some(staff_only.id))
        .unwrap();
    let staff = app.signed_in(STAFF).await;
    let q = staff_idea.title.replace(' ', "+");
    let fragment = staff.get(&format!("/ideas/similar?q={q}")).await;
    assert_eq!(fragment.status, StatusCode::OK);
    assert!(
        fragment.body.contains(&staff_idea.title),
        "{}",
        fragment.body
    );
    assert!(!fragment.body.contains("<html"), "a fragment, not a page");
    let resident = app.signed_in(RESIDENT).await;
    let hidden = resident.get(&format!("/ideas/similar?q={q}")).await;
    assert!(!hidden.body.contains(&staff_idea.title));
    let excluded = staff
        .get(&format!("/ideas/similar?q={q}&exclude={}", staff_idea.id))
        .await;
    assert!(!excluded.body.contains(&format!("/ideas/{}", staff_idea.id)));
    let nothing = staff.get("/ideas/similar?q=").await;
    assert!(nothing.body.trim().is_empty());
    assert_eq!(
        staff.get("/ideas/similar?q=x&evil=1").await.status,
        StatusCode::BAD_REQUEST
    );
    app
}

async fn hostile_text_in_ideas_is_shown_as_text(app: TestApp) -> TestApp {
    let payload = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>";
    let resident = app.signed_in(RESIDENT).await;
    let form = with(idea_form("", payload), "pseudonym", payload);
    let check = resident.post("/ideas/check", &form).await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.body);
    assert!(!check.body.contains("<script>alert"));
    assert!(!check.body.contains("<img src=x"));
    let created = resident.post("/ideas", &form).await;
    let location = created.location().unwrap().to_owned();
    for path in [
        location.as_str(),
        "/ideas",
        &format!("/ideas?q={}", "%3Cscript%3E"),
    ] {
        let page = resident.get(path).await;
        assert!(!page.body.contains("<script>alert"), "{path}");
        assert!(!page.body.contains("<img src=x"), "{path}");
    }
    app
}

/// The titles the ideas list shows for a search, as `who` sees it.
async fn found(who: &Browser, q: &str) -> String {
    let reply = who.get(&format!("/ideas?q={q}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{q}");
    reply.texts("tbody tr").join("\n")
}

async fn search_stems_finds_new_and_edited_ideas_and_only_visible_ones(app: TestApp) -> TestApp {
    let org = northmere(&app).await;
    let resident = app.signed_in(RESIDENT).await;
    // Found the moment it is submitted, by a word's other form.
    let created = resident
        .post(
            "/ideas",
            &idea_form("", "Potholes mended overnight by drone survey"),
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let staff = app.signed_in(STAFF).await;
    assert!(
        found(&staff, "pothole")
            .await
            .contains("Potholes mended overnight")
    );
    assert!(
        found(&staff, "POTHOLE+drones")
            .await
            .contains("Potholes mended overnight")
    );
    assert!(
        !found(&staff, "pothole+zeppelin")
            .await
            .contains("Potholes mended"),
        "every word must match"
    );
    // Found by its new title once edited, no longer by the old one.
    let mine = all_ideas(&app, org)
        .await
        .into_iter()
        .find(|i| i.title.starts_with("Potholes mended"))
        .unwrap();
    let edited = resident
        .post(
            &format!("/ideas/{}/edit", mine.id),
            &idea_form("", "Gritting lorries that report icy lanes"),
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    assert!(found(&staff, "gritting").await.contains("Gritting lorries"));
    assert!(found(&staff, "icy+lane").await.contains("Gritting lorries"));
    assert!(!found(&staff, "drone").await.contains("Gritting lorries"));
    // Another council's idea with the same words is never found.
    let eastbrook = org_id(&app, "eastbrook").await;
    let author = person_id(&app, "staff@eastbrook.example").await;
    beacon_db::ideas::create(
        app.db().conn(),
        app.state.clock.now(),
        &beacon_db::audit::Actor::system("test"),
        eastbrook,
        plain_idea(
            author,
            "Gritting lorries in Eastbrook",
            "Icy lanes",
            "Grit",
            "highways",
        ),
    )
    .await
    .unwrap();
    let lead = app.signed_in(LEAD).await;
    let listed = found(&lead, "gritting").await;
    assert!(listed.contains("Gritting lorries that report"));
    assert!(!listed.contains("Eastbrook"), "{listed}");
    // A hidden idea is never found, except by a moderator asking for all.
    sql(
        &app,
        &format!(
            "UPDATE ideas SET hidden = true WHERE id = {}",
            uuid_literal(&app, mine.id)
        ),
    )
    .await;
    assert!(!found(&staff, "gritting").await.contains("Gritting lorries"));
    assert!(!found(&lead, "gritting").await.contains("Gritting lorries"));
    let all = lead.get("/ideas?q=gritting&show=all").await;
    assert!(all.body.contains("Gritting lorries that report"));
    assert!(!all.body.contains("Eastbrook"));
    // Only punctuation is no word: nothing is found, nothing fails.
    assert!(found(&staff, "%22%22+*+-").await.is_empty());
    app
}

async fn the_count_is_right_after_moves_and_hiding(app: TestApp) -> TestApp {
    let org = northmere(&app).await;
    let conn = app.db().conn();
    // The count comes from the kept counts; the rows from the ideas table.
    let check = |stage: Option<&'static str>, include_hidden: bool| {
        let filter = IdeaFilter {
            stage: stage.map(str::to_owned),
            audiences: Audience::ALL.to_vec(),
            include_hidden,
            ..IdeaFilter::default()
        };
        async move {
            let page = beacon_db::ideas::list(conn, org, &filter, 1, 10_000)
                .await
                .unwrap();
            assert_eq!(
                page.total,
                page.ideas.len() as u64,
                "{stage:?} hidden {include_hidden}"
            );
            page.total
        }
    };
    let submitted = check(Some("submitted"), false).await;
    let screened = check(Some("screened"), false).await;
    let everything = check(None, true).await;
    let idea = idea_at(&app, org, "submitted").await;
    let lead = app.signed_in(LEAD).await;
    let moved = lead
        .post(
            &format!("/ideas/{}/move", idea.id),
            &[("to", "screened"), ("reason", "")],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    assert_eq!(check(Some("submitted"), false).await, submitted - 1);
    assert_eq!(check(Some("screened"), false).await, screened + 1);
    sql(
        &app,
        &format!(
            "UPDATE ideas SET hidden = true WHERE id = {}",
            uuid_literal(&app, idea.id)
        ),
    )
    .await;
    assert_eq!(check(Some("screened"), false).await, screened);
    assert_eq!(check(Some("screened"), true).await, screened + 1);
    assert_eq!(check(None, true).await, everything);
    // The page says the same.
    let page = lead.get("/ideas?stage=screened").await;
    assert!(
        page.body.contains(&format!("{screened} ideas")),
        "{}",
        page.texts("h2, p").join("\n")
    );
    app
}

/// The total the ideas list shows (the kept counts) and the rows it lists,
/// every idea of Northmere's included, hidden ones too.
async fn total_and_rows(app: &TestApp, org: OrgId) -> (u64, usize) {
    let filter = IdeaFilter {
        audiences: Audience::ALL.to_vec(),
        include_hidden: true,
        ..IdeaFilter::default()
    };
    let page = beacon_db::ideas::list(app.db().conn(), org, &filter, 1, 100_000)
        .await
        .unwrap();
    (page.total, page.ideas.len())
}

/// POST a form on behalf of a browser whose CSRF token is already known, so
/// that requests sent together race on the change itself.
async fn post_with(b: &Browser, token: &str, path: &str, fields: &[(&str, &str)]) -> Reply {
    let mut all = vec![("csrf_token", token)];
    all.extend_from_slice(fields);
    b.request(reqwest::Method::POST, path, Some(&all), &[])
        .await
}

async fn ideas_submitted_and_changed_at_once_are_all_kept_counted_and_found(
    app: TestApp,
) -> TestApp {
    let org = northmere(&app).await;
    let (total_before, rows_before) = total_and_rows(&app, org).await;
    assert_eq!(total_before, rows_before as u64);
    let audit_before = audit_count(&app).await;
    let mut authors = Vec::new();
    for email in [RESIDENT, STAFF, LEAD] {
        for _ in 0..4 {
            let b = app.signed_in(email).await;
            let token = b.token().await;
            authors.push((b, token));
        }
    }
    let n = authors.len();
    // Everyone submits an idea of their own at the same moment.
    let mut tasks = Vec::new();
    for (i, (b, token)) in authors.into_iter().enumerate() {
        tasks.push(tokio::spawn(async move {
            let title = format!("Zebra crossing {i} repainted overnight");
            let reply = post_with(&b, &token, "/ideas", &idea_form("", &title)).await;
            (b, token, reply)
        }));
    }
    let mut submitted = Vec::new();
    for t in tasks {
        let (b, token, reply) = t.await.unwrap();
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        // "/ideas/{id}?notice=…": the idea's own path is before the query.
        let location = reply.location().unwrap();
        let path = location.split('?').next().unwrap().to_owned();
        submitted.push((b, token, path));
    }
    assert_eq!(
        total_and_rows(&app, org).await,
        (total_before + n as u64, rows_before + n)
    );
    assert_eq!(audit_count(&app).await, audit_before + n as u64);
    let staff = app.signed_in(STAFF).await;
    let listed = found(&staff, "zebra+crossing").await;
    for i in 0..n {
        assert!(
            listed.contains(&format!("Zebra crossing {i} repainted")),
            "{i}: {listed}"
        );
    }
    // Then everyone changes their idea at the same moment.
    let mut tasks = Vec::new();
    for (i, (b, token, location)) in submitted.into_iter().enumerate() {
        tasks.push(tokio::spawn(async move {
            let title = format!("Pelican crossing {i} with a louder beep");
            post_with(
                &b,
                &token,
                &format!("{location}/edit"),
                &idea_form("", &title),
            )
            .await
        }));
    }
    for t in tasks {
        let reply = t.await.unwrap();
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    }
    assert_eq!(
        total_and_rows(&app, org).await,
        (total_before + n as u64, rows_before + n)
    );
    let listed = found(&staff, "pelican+beep").await;
    for i in 0..n {
        assert!(
            listed.contains(&format!("Pelican crossing {i} with")),
            "{i}: {listed}"
        );
    }
    assert!(
        found(&staff, "zebra").await.is_empty(),
        "the old titles are gone"
    );
    app
}

/// The check page and the live list find a similar idea by the forms of its
/// words ("volunteering" for "volunteer", "pickers" for "picker"), the moment
/// it has been submitted.
async fn an_idea_is_similar_the_moment_it_is_submitted(app: TestApp) -> TestApp {
    const TITLE: &str = "Volunteer litter pickers after park events";
    let resident = app.signed_in(RESIDENT).await;
    let mut first = with(idea_form("", TITLE), "service_area", "parks_and_leisure");
    first = with(
        first,
        "problem",
        "After summer events, litter is left in the parks for days because the \
         clean-up crew works weekdays only.",
    );
    let created = resident.post("/ideas", &first).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let staff = app.signed_in(STAFF).await;
    let mut second = with(
        idea_form(
            "",
            "Litter picking by volunteers the morning after a park event",
        ),
        "problem",
        "Parks stay littered after weekend events until the weekday crew returns.",
    );
    second = with(second, "service_area", "parks_and_leisure");
    let check = staff.post("/ideas/check", &second).await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.body);
    assert!(
        check
            .texts("main ul a")
            .iter()
            .any(|t| t.starts_with(TITLE)),
        "{:?}",
        check.texts("main ul a")
    );
    let live = staff
        .get("/ideas/similar?q=Litter+picking+by+volunteers+after+park+events")
        .await;
    assert_eq!(live.status, StatusCode::OK);
    assert!(live.body.contains(TITLE), "{}", live.body);
    app
}

/// Moves that pass each other (one idea sent on while another of the same
/// kind is sent back), all at once: every one lands, and the kept count
/// still agrees with the rows.
async fn moves_in_opposite_directions_at_once_all_land_and_keep_the_count(app: TestApp) -> TestApp {
    let org = northmere(&app).await;
    let author = person_id(&app, RESIDENT).await;
    let actor = beacon_db::audit::Actor::system("test");
    let conn = app.db().conn();
    let mut make = Vec::new();
    for i in 0..16 {
        let id = beacon_db::ideas::create(
            conn,
            app.state.clock.now(),
            &actor,
            org,
            beacon_db::ideas::NewIdea {
                kind: beacon_core::pipeline::IdeaKind::Radical,
                ..plain_idea(
                    author,
                    format!("Passing move {i}"),
                    "Two ideas pass each other.",
                    "Move them.",
                    "highways",
                )
            },
        )
        .await
        .unwrap();
        make.push(id);
    }
    // Half start one stage on, so the two halves move towards each other.
    for id in &make[8..] {
        beacon_db::ideas::move_stage(
            conn,
            app.state.clock.now(),
            &actor,
            org,
            *id,
            "submitted",
            "screened",
            "",
        )
        .await
        .unwrap();
    }
    let before = total_and_rows(&app, org).await;
    let mut tasks = Vec::new();
    for (i, id) in make.into_iter().enumerate() {
        let (from, to) = if i < 8 {
            ("submitted", "screened")
        } else {
            ("screened", "submitted")
        };
        let db = app.db().clone();
        let now = app.state.clock.now();
        tasks.push(tokio::spawn(async move {
            let txn = db.begin_writing().await?;
            beacon_db::ideas::move_stage(
                &txn,
                now,
                &beacon_db::audit::Actor::system("test"),
                org,
                id,
                from,
                to,
                "",
            )
            .await
            .map_err(|e| beacon_db::DbErr::Custom(e.to_string()))?;
            txn.commit().await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(total_and_rows(&app, org).await, before);
    for stage in ["submitted", "screened"] {
        let filter = IdeaFilter {
            stage: Some(stage.into()),
            kind: Some(beacon_core::pipeline::IdeaKind::Radical),
            audiences: Audience::ALL.to_vec(),
            ..IdeaFilter::default()
        };
        let page = beacon_db::ideas::list(conn, org, &filter, 1, 100_000)
            .await
            .unwrap();
        assert_eq!(page.total, page.ideas.len() as u64, "{stage}");
        let passing = page
            .ideas
            .iter()
            .filter(|i| i.title.starts_with("Passing move"))
            .count();
        assert_eq!(passing, 8, "{stage}");
    }
    app
}

async fn search_results_are_paged_newest_first_without_overlap(app: TestApp) -> TestApp {
    let org = northmere(&app).await;
    let author = person_id(&app, STAFF).await;
    let actor = beacon_db::audit::Actor::system("test");
    let now = app.state.clock.now();
    let mut made = Vec::new();
    for i in 0..25 {
        let id = beacon_db::ideas::create(
            app.db().conn(),
            now - time::Duration::minutes(i),
            &actor,
            org,
            plain_idea(
                author,
                format!("Kerbside compost round {i}"),
                "Food waste goes to landfill.",
                "Collect it.",
                "waste_and_recycling",
            ),
        )
        .await
        .unwrap();
        made.push(id);
    }
    // One of them hidden: neither counted nor listed.
    sql(
        &app,
        &format!(
            "UPDATE ideas SET hidden = true WHERE id = {}",
            uuid_literal(&app, made[3])
        ),
    )
    .await;
    let filter = IdeaFilter {
        search: Some("composting".into()),
        audiences: Audience::ALL.to_vec(),
        ..IdeaFilter::default()
    };
    let mut listed = Vec::new();
    for page in 1..=4 {
        let found = beacon_db::ideas::list(app.db().conn(), org, &filter, page, 10)
            .await
            .unwrap();
        assert_eq!(found.total, 24, "page {page}");
        assert_eq!(
            found.ideas.len(),
            [10, 10, 4, 0][page as usize - 1],
            "page {page}"
        );
        listed.extend(found.ideas.into_iter().map(|i| i.id));
    }
    // Made newest first, so the list is the order they were made in.
    let expected: Vec<_> = made.iter().copied().filter(|id| *id != made[3]).collect();
    assert_eq!(listed, expected);
    app
}

/// An idea with only its words and service area: incremental, no challenge,
/// no measures, as a test that cares about none of those needs it.
fn plain_idea(
    author: beacon_core::PersonId,
    title: impl Into<String>,
    problem: &str,
    proposal: &str,
    service_area: &str,
) -> beacon_db::ideas::NewIdea {
    beacon_db::ideas::NewIdea {
        challenge: None,
        author,
        pseudonym: None,
        title: title.into(),
        problem: problem.into(),
        proposal: proposal.into(),
        service_area: service_area.into(),
        measure_today: String::new(),
        measure_aspiration: String::new(),
        expected_benefit: String::new(),
        kind: beacon_core::pipeline::IdeaKind::Incremental,
        facet: beacon_core::pipeline::Facet::EnhancementOriented,
        lever: beacon_core::pipeline::Lever::NewResources,
    }
}
