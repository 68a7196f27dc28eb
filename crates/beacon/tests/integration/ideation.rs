//! Facilitated sessions and guidance: who may run a session, ways refused
//! once a round has closed (by the app's clock), promotion to an idea in the
//! right organisation, another council's sessions "not found", bad input
//! changing nothing.
use crate::helpers::*;
use beacon_core::permission::Capability;
use beacon_web::routes::Access;
use reqwest::StatusCode;
use uuid::Uuid;

/// This feature's rows of the role × route × organisation matrix.
pub fn access(method: &str, path: &str) -> Option<Access> {
    use Access::*;
    let facilitate = Can(Capability::Facilitate);
    Some(match (method, path) {
        ("GET", "/sessions" | "/sessions/{id}" | "/guidance" | "/guidance/{topic}") => Member,
        ("POST", "/sessions/{id}/ways") => Member,
        ("GET" | "POST", "/sessions/new" | "/sessions/{id}/promote") => facilitate,
        ("POST", "/sessions/{id}/rounds" | "/sessions/{id}/close") => facilitate,
        _ => return None,
    })
}

both_databases!(
    a_facilitator_runs_rounds_and_members_add_ways,
    only_the_facilitator_or_the_innovation_lead_controls_a_session,
    a_way_after_the_round_has_closed_is_refused_and_writes_nothing,
    another_councils_people_cannot_see_or_touch_a_session,
    promoting_a_way_creates_an_idea_by_its_author_in_the_right_organisation,
    bad_input_changes_nothing,
    cultural_enquiry_asks_its_four_questions_then_stops,
    guidance_pages_exist_in_english_and_welsh,
    the_demo_has_past_and_running_sessions,
    hostile_text_in_a_way_is_inert,
    racing_requests_open_one_round_keep_every_way_and_make_one_idea,
);

const LEAD: &str = "innovation-lead@northmere.example";
const MANAGER: &str = "manager@northmere.example";
const STAFF: &str = "staff@northmere.example";

/// A new session started through the form; its id.
async fn start_session(browser: &Browser, template: &str, title: &str) -> Uuid {
    let reply = browser
        .post(
            "/sessions/new",
            &[
                ("template", template),
                ("title", title),
                (
                    "question",
                    "How might we cut the time families wait for a repair?",
                ),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let location = reply.location().unwrap().to_owned();
    assert!(location.ends_with("?notice=session_created"), "{location}");
    location
        .trim_start_matches("/sessions/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn open_round(browser: &Browser, session: Uuid, minutes: &str) -> Reply {
    browser
        .post(
            &format!("/sessions/{session}/rounds"),
            &[("minutes", minutes), ("prompt", "")],
        )
        .await
}

async fn add_way(browser: &Browser, session: Uuid, text: &str) -> Reply {
    browser
        .post(&format!("/sessions/{session}/ways"), &[("way", text)])
        .await
}

async fn ways(app: &TestApp, slug: &str, session: Uuid) -> Vec<beacon_db::ideation::Way> {
    let org = org_id(app, slug).await;
    beacon_db::ideation::ways(app.db().conn(), org, session)
        .await
        .unwrap()
}

async fn a_facilitator_runs_rounds_and_members_add_ways(app: TestApp) -> TestApp {
    let manager = app.signed_in(MANAGER).await;
    let staff = app.signed_in(STAFF).await;
    let session = start_session(&manager, "possibility_thinking", "Repairs").await;
    let page = staff.get(&format!("/sessions/{session}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("has not opened the first round"));
    assert!(
        page.texts("form[action$='/ways']").is_empty(),
        "no form before a round opens"
    );
    assert!(
        page.texts("form[action$='/rounds']").is_empty(),
        "staff have no controls"
    );

    // Before any round, a way is refused.
    let early = add_way(&staff, session, "Book repairs online").await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert!(ways(&app, "northmere", session).await.is_empty());

    let opened = open_round(&manager, session, "10").await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    let page = staff.get(&format!("/sessions/{session}")).await;
    assert!(page.body.contains("Ten ways…"));
    assert!(
        page.body.contains("10 minutes left"),
        "time left is computed on the server"
    );
    for text in ["Book repairs online", "Van stock of common parts"] {
        let added = add_way(&staff, session, text).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    }
    let by_lead = add_way(&app.signed_in(LEAD).await, session, "Video triage").await;
    assert_eq!(by_lead.status, StatusCode::SEE_OTHER);

    // The next round ends this one and asks for ten more.
    assert_eq!(
        open_round(&manager, session, "5").await.status,
        StatusCode::SEE_OTHER
    );
    let added = add_way(&staff, session, "Tenants fix small faults").await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let page = staff
        .get(&format!("/sessions/{session}?notice=way_added"))
        .await;
    assert!(page.body.contains("Your way has been added"));
    assert!(page.body.contains("…then ten more"));
    let rounds = page.texts("section h3");
    assert_eq!(rounds.len(), 2, "{rounds:?}");
    assert!(rounds[0].contains("3 ways") && rounds[1].contains("1 way"));
    // Participants do not see who wrote what; they see which are theirs.
    assert!(!page.body.contains("Added by"));
    assert_eq!(page.body.matches("(yours)").count(), 3);
    let facilitator_view = manager.get(&format!("/sessions/{session}")).await;
    assert!(facilitator_view.body.contains("Promote to an idea"));

    let stored = ways(&app, "northmere", session).await;
    assert_eq!(stored.len(), 4);
    let staff_id = person_id(&app, STAFF).await;
    assert_eq!(stored.iter().filter(|w| w.person == staff_id).count(), 3);

    // Closing ends the round: no more ways, and closing twice is refused.
    let closed = manager
        .post(&format!("/sessions/{session}/close"), &[])
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    let late = add_way(&staff, session, "Too late").await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert_eq!(
        manager
            .post(&format!("/sessions/{session}/close"), &[])
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        open_round(&manager, session, "5").await.status,
        StatusCode::CONFLICT
    );
    let list = staff.get("/sessions").await;
    assert!(
        list.texts("table").last().unwrap().contains("Repairs"),
        "listed as past"
    );
    assert_eq!(ways(&app, "northmere", session).await.len(), 4);
    app
}

async fn only_the_facilitator_or_the_innovation_lead_controls_a_session(app: TestApp) -> TestApp {
    let manager = app.signed_in(MANAGER).await;
    let session = start_session(&manager, "possibility_thinking", "Parking").await;
    let before = audit_count(&app).await;
    // Staff cannot facilitate at all.
    let staff = app.signed_in(STAFF).await;
    assert_eq!(
        open_round(&staff, session, "10").await.status,
        StatusCode::FORBIDDEN
    );
    for (method, path) in [
        ("POST", format!("/sessions/{session}/close")),
        ("GET", format!("/sessions/{session}/promote")),
        ("GET", "/sessions/new".to_owned()),
    ] {
        let reply = if method == "GET" {
            staff.get(&path).await
        } else {
            staff.post(&path, &[]).await
        };
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{method} {path}");
    }
    // Another facilitator is not this session's.
    let other = app.browser();
    // Give the HR person the manager role so that they may facilitate, but
    // not this session.
    let admin = app.signed_in("admin@northmere.example").await;
    let hr = person_id(&app, "hr@northmere.example").await;
    assert_eq!(
        admin
            .post(&format!("/admin/people/{hr}/roles"), &[("role", "manager")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let r = other.sign_in("hr@northmere.example", DEMO_PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let before = before + 1;
    assert_eq!(
        open_round(&other, session, "10").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        other
            .get(&format!("/sessions/{session}/promote"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let page = other.get(&format!("/sessions/{session}")).await;
    assert!(page.texts("form[action$='/rounds']").is_empty());
    assert_eq!(audit_count(&app).await, before);
    // Whoever runs the pipeline may step in.
    let lead = app.signed_in(LEAD).await;
    assert_eq!(
        open_round(&lead, session, "10").await.status,
        StatusCode::SEE_OTHER
    );
    app
}

async fn a_way_after_the_round_has_closed_is_refused_and_writes_nothing(app: TestApp) -> TestApp {
    let lead = app.signed_in(LEAD).await;
    let staff = app.signed_in(STAFF).await;
    let session = start_session(&lead, "possibility_thinking", "Libraries").await;
    assert_eq!(
        open_round(&lead, session, "1").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        add_way(&staff, session, "Open on Sunday afternoons")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // The staff member's page still offers the form; time moves on.
    let page = staff.get(&format!("/sessions/{session}")).await;
    assert!(page.body.contains("Less than 1 minute left") || page.body.contains("1 minute"));
    app.state.clock.advance(time::Duration::seconds(61));
    let before = audit_count(&app).await;
    let late = add_way(&staff, session, "Lend tools as well as books").await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(late.has_error_summary());
    assert!(
        late.texts(".govuk-error-summary")
            .join(" ")
            .contains("The round closed before your way arrived")
    );
    assert!(
        late.body.contains("Lend tools as well as books"),
        "what they wrote is shown back, not lost"
    );
    assert!(late.body.contains("Round 1 has closed"));
    assert_eq!(audit_count(&app).await, before);
    let stored = ways(&app, "northmere", session).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].text, "Open on Sunday afternoons");
    app
}

async fn another_councils_people_cannot_see_or_touch_a_session(app: TestApp) -> TestApp {
    let lead = app.signed_in(LEAD).await;
    let session = start_session(&lead, "possibility_thinking", "Northmere only").await;
    assert_eq!(
        open_round(&lead, session, "30").await.status,
        StatusCode::SEE_OTHER
    );
    add_way(&lead, session, "A Northmere way").await;
    let way = ways(&app, "northmere", session).await[0].id.to_string();
    let before = audit_count(&app).await;
    for email in [
        "innovation-lead@askevale.example",
        "manager@askevale.example",
        "staff@askevale.example",
    ] {
        let intruder = app.signed_in(email).await;
        let facilitator = !email.starts_with("staff");
        let not_found = |r: &Reply| r.status == StatusCode::NOT_FOUND;
        let page = intruder.get(&format!("/sessions/{session}")).await;
        assert!(not_found(&page), "{email}: {}", page.status);
        assert!(!page.body.contains("Northmere only"));
        let added = add_way(&intruder, session, "Sneaky").await;
        assert!(not_found(&added), "{email} ways: {}", added.status);
        let expected = if facilitator {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(open_round(&intruder, session, "5").await.status, expected);
        assert_eq!(
            intruder
                .post(&format!("/sessions/{session}/close"), &[])
                .await
                .status,
            expected
        );
        assert_eq!(
            intruder
                .get(&format!("/sessions/{session}/promote?way={way}"))
                .await
                .status,
            expected
        );
        let promote = intruder
            .post(
                &format!("/sessions/{session}/promote"),
                &[
                    ("way", way.as_str()),
                    ("title", "Stolen"),
                    ("problem", "p"),
                    ("proposal", "p"),
                    ("service_area", "Waste"),
                    ("kind", "incremental"),
                    ("facet", "adaptive"),
                    ("lever", "new_insight"),
                ],
            )
            .await;
        assert_eq!(promote.status, expected);
        let list = intruder.get("/sessions").await;
        assert!(!list.body.contains("Northmere only"));
    }
    assert_eq!(audit_count(&app).await, before);
    let stored = ways(&app, "northmere", session).await;
    assert_eq!(stored.len(), 1);
    assert!(stored[0].promoted_idea.is_none());
    app
}

fn promotion<'a>(way: &'a str, title: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("way", way),
        ("title", title),
        ("problem", "Families wait weeks for simple repairs."),
        ("proposal", "A video call before each visit."),
        ("service_area", "Housing"),
        ("measure_today", "34 days on average"),
        ("measure_aspiration", "10 days at most"),
        ("expected_benefit", ""),
        ("kind", "incremental"),
        ("facet", "enhancement_oriented"),
        ("lever", "new_insight"),
        ("challenge", ""),
    ]
}

async fn promoting_a_way_creates_an_idea_by_its_author_in_the_right_organisation(
    app: TestApp,
) -> TestApp {
    let lead = app.signed_in(LEAD).await;
    let staff = app.signed_in(STAFF).await;
    let session = start_session(&lead, "possibility_thinking", "Repairs").await;
    open_round(&lead, session, "10").await;
    add_way(&staff, session, "Video triage before every visit").await;
    let way = ways(&app, "northmere", session).await[0].id.to_string();

    // The form starts from the way.
    let form = lead
        .get(&format!("/sessions/{session}/promote?way={way}"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(&format!("value=\"{way}\" checked")));
    assert!(
        form.body.contains("Added by"),
        "the facilitator sees the author"
    );

    // An empty form writes nothing.
    let before = audit_count(&app).await;
    let empty = lead
        .post(&format!("/sessions/{session}/promote"), &[])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        empty.texts(".govuk-error-summary__list a").len(),
        8,
        "way, title, problem, proposal, service area, kind, facet, lever"
    );
    // A forged kind or a challenge of no one's is refused too.
    let mut forged = promotion(&way, "Video triage");
    forged[8] = ("kind", "revolutionary");
    forged[11] = ("challenge", "00000000-0000-0000-0000-000000000000");
    let refused = lead
        .post(&format!("/sessions/{session}/promote"), &forged)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("href=\"#kind\"") && refused.body.contains("href=\"#challenge\"")
    );
    // The author comes from the way, never from the form.
    let mut with_author = promotion(&way, "Video triage");
    with_author.push(("author", "someone-else"));
    assert_eq!(
        lead.post(&format!("/sessions/{session}/promote"), &with_author)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(audit_count(&app).await, before);

    let done = lead
        .post(
            &format!("/sessions/{session}/promote"),
            &promotion(&way, "Video triage"),
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let stored = ways(&app, "northmere", session).await;
    let idea_id = stored[0].promoted_idea.expect("the way records its idea");
    let northmere = org_id(&app, "northmere").await;
    let idea = beacon_db::ideas::find(app.db().conn(), northmere, idea_id)
        .await
        .unwrap()
        .expect("the idea is Northmere's");
    assert_eq!(idea.author_id, person_id(&app, STAFF).await.uuid());
    assert_eq!(idea.title, "Video triage");
    assert_eq!(idea.kind, "incremental");
    assert_eq!(idea.facet, "enhancement_oriented");
    assert_eq!(idea.lever, "new_insight");
    assert_eq!(idea.stage, beacon_db::ideas::FIRST_STAGE);
    assert_eq!(idea.measure_today, "34 days on average");
    let askevale = org_id(&app, "aske-vale").await;
    assert!(
        beacon_db::ideas::find(app.db().conn(), askevale, idea_id)
            .await
            .unwrap()
            .is_none()
    );
    // The way links to its idea, and cannot be promoted twice.
    let page = staff.get(&format!("/sessions/{session}")).await;
    assert!(page.body.contains(&format!("href=\"/ideas/{idea_id}\"")));
    let again = lead
        .post(
            &format!("/sessions/{session}/promote"),
            &promotion(&way, "Twice"),
        )
        .await;
    assert!(
        again.status == StatusCode::UNPROCESSABLE_ENTITY || again.status == StatusCode::CONFLICT
    );
    assert!(
        again
            .texts(".govuk-error-summary")
            .join(" ")
            .contains("already been promoted")
    );
    let ideas_now = ways(&app, "northmere", session).await;
    assert_eq!(ideas_now[0].promoted_idea, Some(idea_id));
    app
}

async fn bad_input_changes_nothing(app: TestApp) -> TestApp {
    let lead = app.signed_in(LEAD).await;
    let staff = app.signed_in(STAFF).await;
    let session = start_session(&lead, "possibility_thinking", "Input").await;
    let before = audit_count(&app).await;

    let empty = lead.post("/sessions/new", &[]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        empty.texts(".govuk-error-summary__list a"),
        vec![
            "Choose what kind of session it is",
            "Enter a title",
            "Enter the question the session asks"
        ]
    );
    let long = "x".repeat(121);
    let too_long = lead
        .post(
            "/sessions/new",
            &[
                ("template", "brainstorm"),
                ("title", &long),
                ("question", "Why?"),
            ],
        )
        .await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        too_long.body.contains(&format!("value=\"{long}\"")),
        "what was typed is kept"
    );

    for (minutes, message) in [
        ("", "Enter how many minutes"),
        ("0", "from 1 to 60 minutes"),
        ("61", "from 1 to 60 minutes"),
        ("ten", "whole number"),
        ("-5", "from 1 to 60 minutes"),
    ] {
        let reply = open_round(&lead, session, minutes).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{minutes:?}"
        );
        assert!(
            reply
                .texts(".govuk-error-summary")
                .join(" ")
                .contains(message),
            "{minutes:?}"
        );
    }
    let long_prompt = "p".repeat(201);
    let reply = lead
        .post(
            &format!("/sessions/{session}/rounds"),
            &[("minutes", "5"), ("prompt", &long_prompt)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        lead.post(
            &format!("/sessions/{session}/close"),
            &[("status", "closed")]
        )
        .await
        .status,
        StatusCode::BAD_REQUEST,
        "closing takes no fields"
    );
    assert_eq!(audit_count(&app).await, before);

    open_round(&lead, session, "5").await;
    let before = audit_count(&app).await;
    for text in ["", "   ", &"w".repeat(501)] {
        let reply = add_way(&staff, session, text).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(reply.has_error_summary());
    }
    let forged = staff
        .post(
            &format!("/sessions/{session}/ways"),
            &[("way", "ok"), ("person", "someone")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    assert_eq!(audit_count(&app).await, before);
    assert!(ways(&app, "northmere", session).await.is_empty());
    // Unknown and malformed ids are "not found".
    assert_eq!(
        staff.get("/sessions/not-a-uuid").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        staff
            .get(&format!("/sessions/{}", Uuid::new_v4()))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    app
}

async fn cultural_enquiry_asks_its_four_questions_then_stops(app: TestApp) -> TestApp {
    let lead = app.signed_in(LEAD).await;
    let session = start_session(&lead, "cultural_enquiry", "Our culture").await;
    let prompts = [
        "Today's culture",
        "What should we keep?",
        "Tomorrow's culture",
        "Which behaviours will get us there?",
    ];
    for prompt in prompts {
        assert_eq!(
            open_round(&lead, session, "5").await.status,
            StatusCode::SEE_OTHER
        );
        let page = lead.get(&format!("/sessions/{session}")).await;
        assert!(page.body.contains(&prompt.replace('\'', "&#39;")) || page.body.contains(prompt));
    }
    let page = lead.get(&format!("/sessions/{session}")).await;
    assert!(page.body.contains("has had all its rounds"));
    assert!(page.texts("form[action$='/rounds']").is_empty());
    let fifth = open_round(&lead, session, "5").await;
    assert_eq!(fifth.status, StatusCode::CONFLICT);
    let org = org_id(&app, "northmere").await;
    let rounds = beacon_db::ideation::rounds(app.db().conn(), org, session)
        .await
        .unwrap();
    assert_eq!(rounds.len(), 4);
    // A facilitator's own prompt replaces the template's.
    let other = start_session(&lead, "possibility_thinking", "Custom").await;
    lead.post(
        &format!("/sessions/{other}/rounds"),
        &[
            ("minutes", "5"),
            ("prompt", "Ten ways to welcome new tenants"),
        ],
    )
    .await;
    let page = lead.get(&format!("/sessions/{other}")).await;
    assert!(page.body.contains("Ten ways to welcome new tenants"));
    app
}

async fn guidance_pages_exist_in_english_and_welsh(app: TestApp) -> TestApp {
    let resident = app.signed_in("resident@northmere.example").await;
    let index = resident.get("/guidance").await;
    assert_eq!(index.status, StatusCode::OK);
    let links: Vec<String> = index
        .html()
        .select(&scraper::Selector::parse("main a.govuk-link").unwrap())
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect();
    assert_eq!(links.len(), 7, "{links:?}");
    for href in &links {
        // The language chosen sticks in a cookie, so ask for each.
        let page = resident.get(&format!("{href}?lang=en")).await;
        assert_eq!(page.status, StatusCode::OK, "{href}");
        assert!(!page.texts("main h2").is_empty(), "{href} has sections");
        let welsh = resident.get(&format!("{href}?lang=cy")).await;
        assert_eq!(welsh.status, StatusCode::OK);
        assert!(welsh.body.contains("lang=\"cy\""));
        assert_ne!(page.texts("h1"), welsh.texts("h1"), "{href} is translated");
    }
    let stages = resident.get("/guidance/stages").await;
    assert!(
        stages.body.contains("id=\"pilot\""),
        "stages can be linked to"
    );
    let business = resident.get("/guidance/business-case?lang=en").await;
    assert!(business.body.contains("3.5%") && business.body.contains("Optimism bias"));
    assert_eq!(
        resident.get("/guidance/no-such-topic").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        resident.get("/guidance/..%2Fadmin").await.status,
        StatusCode::NOT_FOUND
    );
    app
}

async fn the_demo_has_past_and_running_sessions(app: TestApp) -> TestApp {
    let staff = app.signed_in(STAFF).await;
    let list = staff.get("/sessions").await;
    assert_eq!(list.status, StatusCode::OK);
    let tables = list.texts("table");
    assert_eq!(tables.len(), 2, "open and past sessions");
    assert!(tables[0].contains("How we work together") && tables[0].contains("Cultural enquiry"));
    assert!(tables[1].contains("Fewer missed bin collections"));
    let org = org_id(&app, "northmere").await;
    let sessions = beacon_db::ideation::list(app.db().conn(), org)
        .await
        .unwrap();
    let past = sessions
        .iter()
        .find(|s| s.session.title == "Fewer missed bin collections")
        .unwrap();
    assert_eq!(past.latest_round.as_ref().map(|r| r.position), Some(3));
    let ways = ways(&app, "northmere", past.session.id).await;
    assert!(ways.len() >= 9);
    let authors: std::collections::HashSet<_> = ways.iter().map(|w| w.person).collect();
    assert!(authors.len() >= 4, "several people took part");
    assert_eq!(ways.iter().filter(|w| w.promoted_idea.is_some()).count(), 1);
    // The running enquiry takes ways now.
    let running = sessions
        .iter()
        .find(|s| s.session.title == "How we work together")
        .unwrap();
    let added = add_way(&staff, running.session.id, "Saying thank you").await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    // Every council has its own past session.
    for slug in ["aske-vale", "eastbrook"] {
        let org = org_id(&app, slug).await;
        let sessions = beacon_db::ideation::list(app.db().conn(), org)
            .await
            .unwrap();
        assert_eq!(sessions.len(), 1, "{slug}");
    }
    app
}

async fn hostile_text_in_a_way_is_inert(app: TestApp) -> TestApp {
    let lead = app.signed_in(LEAD).await;
    let staff = app.signed_in(STAFF).await;
    let session = start_session(
        &lead,
        "possibility_thinking",
        "<img src=x onerror=alert(1)>",
    )
    .await;
    open_round(&lead, session, "5").await;
    add_way(&staff, session, "<script>alert('way')</script>").await;
    for browser in [&lead, &staff] {
        let page = browser.get(&format!("/sessions/{session}")).await;
        assert!(!page.body.contains("<script>alert"));
        assert!(!page.body.contains("<img src=x"));
        assert!(
            page.texts("main ol li")
                .iter()
                .any(|t| t.contains("<script>alert('way')</script>")),
            "shown as text"
        );
    }
    let list = staff.get("/sessions").await;
    assert!(!list.body.contains("<img src=x"));
    app
}

async fn racing_requests_open_one_round_keep_every_way_and_make_one_idea(app: TestApp) -> TestApp {
    let lead = app.signed_in(LEAD).await;
    let staff = app.signed_in(STAFF).await;
    let session = start_session(&lead, "possibility_thinking", "Races").await;
    assert_eq!(
        open_round(&lead, session, "30").await.status,
        StatusCode::SEE_OTHER
    );

    // A double click on "Open round 2" opens round 2 once.
    let path = format!("/sessions/{session}/rounds");
    let clicks: Vec<_> = (0..2)
        .map(|_| {
            let (b, path) = (lead.clone(), path.clone());
            tokio::spawn(async move {
                b.post(&path, &[("minutes", "30"), ("prompt", ""), ("round", "2")])
                    .await
                    .status
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for c in clicks {
        statuses.push(c.await.unwrap());
    }
    statuses.sort();
    assert_eq!(statuses, vec![StatusCode::SEE_OTHER, StatusCode::CONFLICT]);
    let org = org_id(&app, "northmere").await;
    assert_eq!(
        beacon_db::ideation::rounds(app.db().conn(), org, session)
            .await
            .unwrap()
            .len(),
        2
    );

    // Ten ways at once from ten tabs: every one is kept.
    let path = format!("/sessions/{session}/ways");
    let tabs: Vec<_> = (0..10)
        .map(|i| {
            let (b, path) = (staff.clone(), path.clone());
            tokio::spawn(async move {
                b.post(&path, &[("way", &format!("Way number {i}"))])
                    .await
                    .status
            })
        })
        .collect();
    for t in tabs {
        assert_eq!(t.await.unwrap(), StatusCode::SEE_OTHER);
    }
    let stored = ways(&app, "northmere", session).await;
    assert_eq!(stored.len(), 10);

    // Five promotions of the same way at once make one idea.
    let way = stored[0].id.to_string();
    let path = format!("/sessions/{session}/promote");
    let promotions: Vec<_> = (0..5)
        .map(|_| {
            let (b, path, way) = (lead.clone(), path.clone(), way.clone());
            tokio::spawn(async move {
                b.post(&path, &promotion(&way, "Promoted once"))
                    .await
                    .status
            })
        })
        .collect();
    let mut won = 0;
    for p in promotions {
        let status = p.await.unwrap();
        assert!(
            [
                StatusCode::SEE_OTHER,
                StatusCode::CONFLICT,
                StatusCode::UNPROCESSABLE_ENTITY
            ]
            .contains(&status),
            "{status}"
        );
        won += usize::from(status == StatusCode::SEE_OTHER);
    }
    assert_eq!(won, 1);
    let ideas = beacon_db::portfolio::ideas(
        app.db().conn(),
        org,
        beacon_db::portfolio::Filter::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        ideas.iter().filter(|i| i.title == "Promoted once").count(),
        1
    );
    app
}
