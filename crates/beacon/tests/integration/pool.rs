//! The talent pool and matching: the pool and its members, ranked candidates
//! with their explanations, a pool member's opportunities, the pool's
//! assignment proposal, and the shared pools of partner councils.
//!
//! Each scenario writes the staff, strengths and vacancies it needs (the
//! tables of other parts) with small SQL helpers, under names and codes of
//! its own, so that whatever the demo seeds cannot change its answers.
use crate::helpers::*;
use beacon_core::permission::Capability;
use beacon_db::{Backend, ConnectionTrait};
use beacon_web::routes::Access;
use reqwest::StatusCode;
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

/// This feature's rows of the role × route × organisation matrix.
pub fn access(method: &str, path: &str) -> Option<Access> {
    let hr = Access::Can(Capability::RunTalentPool);
    Some(match (method, path) {
        (
            "GET" | "POST",
            "/talent/pool/new"
            | "/talent/members/{id}"
            | "/vacancies/{id}/candidates"
            | "/talent/matching",
        ) => hr,
        ("GET", "/talent") => hr,
        ("GET", "/talent/opportunities") => Access::Can(Capability::UseJobsMarket),
        _ => return None,
    })
}

both_databases!(
    the_pool_lists_members_in_priority_order,
    bad_pool_input_changes_nothing,
    candidates_are_ranked_and_explained_protected_first,
    the_proposal_invites_all_or_nothing,
    managers_and_residents_never_see_scores_or_tiers,
    a_pool_member_sees_their_own_opportunities,
    partners_see_only_members_who_agreed,
    another_council_finds_nothing,
    an_ended_stay_stays_ended,
    matching_pages_follow_every_change,
);

const HR: &str = "hr@northmere.example";
const MANAGER: &str = "manager@northmere.example";
const STAFF: &str = "staff@northmere.example";
const ASKE_HR: &str = "hr@askevale.example";
const EAST_HR: &str = "hr@eastbrook.example";

fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

fn sql_uuid(app: &TestApp, id: Uuid) -> String {
    match app.db().backend() {
        Backend::Sqlite => format!("X'{}'", id.simple()),
        Backend::Postgres => format!("'{id}'"),
    }
}

fn text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

async fn exec(app: &TestApp, sql: String) {
    app.db().conn().execute_unprepared(&sql).await.unwrap();
}

/// A timestamp any row can copy: the organisation's own.
fn stamp(app: &TestApp, org: Uuid) -> String {
    format!(
        "(SELECT created_at FROM organisations WHERE id = {})",
        sql_uuid(app, org)
    )
}

/// Strengths of the test's own (positions far above any framework's), by name.
async fn strengths(app: &TestApp, council: &str, names: &[&str]) -> Vec<Uuid> {
    let org = org_id(app, council).await.uuid();
    let mut ids = Vec::new();
    // Positions no framework uses, different at each call.
    let base = 10_000 + (Uuid::new_v4().as_u128() % 1_000_000) as usize;
    for (i, name) in names.iter().enumerate() {
        let id = Uuid::new_v4();
        exec(
            app,
            format!(
                "INSERT INTO strengths (id, organisation_id, position, name, description, retired, created_at) \
                 VALUES ({}, {}, {}, {}, 'A strength of the tests.', 1 = 0, {})",
                sql_uuid(app, id),
                sql_uuid(app, org),
                base + i,
                text(name),
                stamp(app, org),
            ),
        )
        .await;
        ids.push(id);
    }
    ids
}

/// A member of staff (optionally with an account), at Town Hall, 37 hours.
async fn staff(
    app: &TestApp,
    council: &str,
    number: &str,
    name: &str,
    grade: i32,
    person: Option<Uuid>,
) -> Uuid {
    let org = org_id(app, council).await.uuid();
    let id = Uuid::new_v4();
    let person = person.map_or("NULL".to_owned(), |p| sql_uuid(app, p));
    exec(
        app,
        format!(
            "INSERT INTO staff (id, organisation_id, employee_number, person_id, name, job_title, grade, \
             weekly_minutes, service_area, site, work_sites, preferred_areas, willing_to_trial, created_at, updated_at) \
             VALUES ({}, {}, {}, {person}, {}, 'Officer', {grade}, 2220, 'housing', 'Town Hall', '', '', 1 = 1, {}, {})",
            sql_uuid(app, id),
            sql_uuid(app, org),
            text(number),
            text(name),
            stamp(app, org),
            stamp(app, org),
        ),
    )
    .await;
    id
}

async fn level(app: &TestApp, council: &str, staff: Uuid, strength: Uuid, level: i32) {
    let org = org_id(app, council).await.uuid();
    exec(
        app,
        format!(
            "INSERT INTO staff_strengths (id, organisation_id, staff_id, strength_id, level, assessed_at) \
             VALUES ({}, {}, {}, {}, {level}, {})",
            sql_uuid(app, Uuid::new_v4()),
            sql_uuid(app, org),
            sql_uuid(app, staff),
            sql_uuid(app, strength),
            stamp(app, org),
        ),
    )
    .await;
}

async fn qualification(app: &TestApp, council: &str, staff: Uuid, code: &str) {
    let org = org_id(app, council).await.uuid();
    exec(
        app,
        format!(
            "INSERT INTO staff_qualifications (id, organisation_id, staff_id, code, title, expires_on) \
             VALUES ({}, {}, {}, {}, 'A licence', NULL)",
            sql_uuid(app, Uuid::new_v4()),
            sql_uuid(app, org),
            sql_uuid(app, staff),
            text(code),
        ),
    )
    .await;
}

/// An open vacancy (held for the pool) at Town Hall, grades 4–6, 30 hours,
/// asking for `code` (training cannot close it) and the strengths given.
async fn vacancy(
    app: &TestApp,
    council: &str,
    title: &str,
    code: &str,
    wanted: &[(Uuid, i32, i32)],
) -> Uuid {
    let org = org_id(app, council).await.uuid();
    let hr = person_id(app, &format!("hr@{}", domain(council)))
        .await
        .uuid();
    let id = Uuid::new_v4();
    exec(
        app,
        format!(
            "INSERT INTO vacancies (id, organisation_id, title, summary, service_area, grade_min, grade_max, \
             weekly_minutes, site, remote, training_limit_days, status, shared, raised_by, created_at, updated_at) \
             VALUES ({}, {}, {}, 'A vacancy of the tests.', 'housing', 4, 6, 1800, 'Town Hall', 1 = 0, 183, \
             'pool_only', 1 = 0, {}, {}, {})",
            sql_uuid(app, id),
            sql_uuid(app, org),
            text(title),
            sql_uuid(app, hr),
            stamp(app, org),
            stamp(app, org),
        ),
    )
    .await;
    exec(
        app,
        format!(
            "INSERT INTO vacancy_essentials (id, organisation_id, vacancy_id, code, title, training_days) \
             VALUES ({}, {}, {}, {}, 'Test licence', NULL)",
            sql_uuid(app, Uuid::new_v4()),
            sql_uuid(app, org),
            sql_uuid(app, id),
            text(code),
        ),
    )
    .await;
    for (strength, level, weight) in wanted {
        exec(
            app,
            format!(
                "INSERT INTO vacancy_strengths (id, organisation_id, vacancy_id, strength_id, level, weight) \
                 VALUES ({}, {}, {}, {}, {level}, {weight})",
                sql_uuid(app, Uuid::new_v4()),
                sql_uuid(app, org),
                sql_uuid(app, id),
                sql_uuid(app, *strength),
            ),
        )
        .await;
    }
    id
}

fn domain(council: &str) -> &'static str {
    match council {
        "northmere" => "northmere.example",
        "aske-vale" => "askevale.example",
        _ => "eastbrook.example",
    }
}

/// A stay in the pool, written as the pool's form would; protected people
/// are protected for a year.
async fn in_pool(app: &TestApp, council: &str, staff: Uuid, tier: &str, shared: bool) -> Uuid {
    let org = org_id(app, council).await.uuid();
    let id = Uuid::new_v4();
    let until = if tier == "protected" {
        format!("'{}'", today() + Duration::days(365))
    } else {
        "NULL".to_owned()
    };
    exec(
        app,
        format!(
            "INSERT INTO pool_members (id, organisation_id, staff_id, tier, status, entered_on, protected_until, \
             reason, shared, created_at, updated_at) \
             VALUES ({}, {}, {}, '{tier}', 'active', '{}', {until}, 'Role removed in a restructure.', {}, {}, {})",
            sql_uuid(app, id),
            sql_uuid(app, org),
            sql_uuid(app, staff),
            today() - Duration::days(30),
            if shared { "1 = 1" } else { "1 = 0" },
            stamp(app, org),
            stamp(app, org),
        ),
    )
    .await;
    id
}

fn fields(owned: &[(String, String)]) -> Vec<(&str, &str)> {
    owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

fn no_at_risk(body: &str) {
    assert!(
        !body.to_lowercase().contains("at risk"),
        "a page says \"at risk\""
    );
}

/// A vacancy and four people in Northmere's pool around it: Ann (protected,
/// weak), Bob (role removed, strong), Cat (voluntary, strongest), Dan (no
/// licence). Returns the vacancy and the strength names.
async fn ranked_setup(app: &TestApp) -> (Uuid, [Uuid; 4]) {
    // Only this test's four people are in the pool: the demo's own members
    // (and their journeys, which go with them) would crowd the short list of
    // those who miss a requirement.
    let org = org_id(app, "northmere").await;
    app.db()
        .conn()
        .execute_unprepared(&format!(
            "DELETE FROM pool_members WHERE organisation_id = {}",
            sql_uuid(app, org.uuid())
        ))
        .await
        .unwrap();
    let s = strengths(app, "northmere", &["Testing Grit", "Testing Care"]).await;
    let v = vacancy(
        app,
        "northmere",
        "Tenancy officer",
        "test_licence_r",
        &[(s[0], 4, 3), (s[1], 3, 1)],
    )
    .await;
    let ann = staff(app, "northmere", "T-ANN", "Ann Testperson", 5, None).await;
    let bob = staff(app, "northmere", "T-BOB", "Bob Testperson", 5, None).await;
    let cat = staff(app, "northmere", "T-CAT", "Cat Testperson", 6, None).await;
    let dan = staff(app, "northmere", "T-DAN", "Dan Testperson", 5, None).await;
    for (who, g, c) in [(ann, 1, 1), (bob, 4, 3), (cat, 5, 5), (dan, 5, 5)] {
        level(app, "northmere", who, s[0], g).await;
        level(app, "northmere", who, s[1], c).await;
    }
    for who in [ann, bob, cat] {
        qualification(app, "northmere", who, "test_licence_r").await;
    }
    in_pool(app, "northmere", ann, "protected", false).await;
    in_pool(app, "northmere", bob, "role_removed", true).await;
    in_pool(app, "northmere", cat, "voluntary", false).await;
    in_pool(app, "northmere", dan, "role_removed", false).await;
    (v, [ann, bob, cat, dan])
}

async fn the_pool_lists_members_in_priority_order(app: TestApp) -> TestApp {
    let hr = app.signed_in(HR).await;
    for (n, name) in [
        ("T-P1", "Pat Voluntary"),
        ("T-P2", "Pam Protected"),
        ("T-P3", "Pip Removed"),
    ] {
        staff(&app, "northmere", n, name, 5, None).await;
    }
    let until = today() + Duration::days(200);
    let add = |number: &'static str, tier: &'static str, dated: bool| {
        let mut f = vec![
            ("employee_number".to_owned(), number.to_owned()),
            ("tier".to_owned(), tier.to_owned()),
            ("reason".to_owned(), "The team was restructured.".to_owned()),
            ("redundancy_cost".to_owned(), "18,500".to_owned()),
        ];
        if dated {
            f.push(("protected_until-day".into(), until.day().to_string()));
            f.push((
                "protected_until-month".into(),
                u8::from(until.month()).to_string(),
            ));
            f.push(("protected_until-year".into(), until.year().to_string()));
        }
        f
    };
    for (number, tier, dated) in [
        ("T-P1", "voluntary", false),
        ("T-P2", "protected", true),
        ("T-P3", "role_removed", false),
    ] {
        let r = hr
            .post("/talent/pool/new", &fields(&add(number, tier, dated)))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(r.location().unwrap().starts_with("/talent/members/"));
    }
    // Adding someone already in the pool is refused.
    let again = hr
        .post(
            "/talent/pool/new",
            &fields(&add("T-P1", "voluntary", false)),
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.has_error_summary());

    let list = hr.get("/talent?area=housing").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let names: Vec<String> = list
        .texts("tbody td:first-child a")
        .into_iter()
        .filter(|n| ["Pam Protected", "Pip Removed", "Pat Voluntary"].contains(&n.as_str()))
        .collect();
    assert_eq!(names, ["Pam Protected", "Pip Removed", "Pat Voluntary"]);
    no_at_risk(&list.body);
    // Filters: by tier, and an unknown value is refused with a message.
    let protected = hr.get("/talent?tier=protected").await;
    assert!(protected.body.contains("Pam Protected"));
    assert!(!protected.body.contains("Pat Voluntary"));
    let bad = hr.get("/talent?tier=at_risk").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.has_error_summary());
    let unknown = hr.get("/talent?sort=name").await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    // The member's page, in Welsh too.
    let first = hr.get(&format!("/talent/pool/new?q={}", "Pam")).await;
    assert!(first.body.contains("T-P2"));
    let cy = hr.get("/talent?lang=cy").await;
    assert!(cy.body.contains("Cronfa dalent"));
    no_at_risk(&cy.body);
    app
}

async fn bad_pool_input_changes_nothing(app: TestApp) -> TestApp {
    let hr = app.signed_in(HR).await;
    staff(&app, "northmere", "T-B1", "Bea Badinput", 5, None).await;
    let before = audit_count(&app).await;
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![],
        vec![
            ("employee_number", "NOPE"),
            ("tier", "voluntary"),
            ("reason", "x"),
        ],
        vec![
            ("employee_number", "T-B1"),
            ("tier", "at_risk"),
            ("reason", "x"),
        ],
        vec![
            ("employee_number", "T-B1"),
            ("tier", "voluntary"),
            ("reason", " "),
        ],
        // Protected without the date protection ends, or with one in the past.
        vec![
            ("employee_number", "T-B1"),
            ("tier", "protected"),
            ("reason", "x"),
        ],
        vec![
            ("employee_number", "T-B1"),
            ("tier", "protected"),
            ("reason", "x"),
            ("protected_until-day", "1"),
            ("protected_until-month", "1"),
            ("protected_until-year", "2020"),
        ],
        vec![
            ("employee_number", "T-B1"),
            ("tier", "protected"),
            ("reason", "x"),
            ("protected_until-day", "31"),
            ("protected_until-month", "2"),
            ("protected_until-year", "2030"),
        ],
        vec![
            ("employee_number", "T-B1"),
            ("tier", "voluntary"),
            ("reason", "x"),
            ("redundancy_cost", "lots"),
        ],
    ];
    for form in cases {
        let r = hr.post("/talent/pool/new", &form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{form:?}");
        assert!(r.has_error_summary(), "{form:?}");
    }
    // An unknown field is refused outright.
    let r = hr
        .post(
            "/talent/pool/new",
            &[
                ("employee_number", "T-B1"),
                ("tier", "voluntary"),
                ("reason", "x"),
                ("score", "99"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // The proposal refuses an empty or impossible choice.
    let r = hr.post("/talent/matching", &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.has_error_summary());
    let r = hr.post("/talent/matching", &[("pair", "not-a-pair")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(audit_count(&app).await, before, "bad input wrote something");
    app
}

async fn candidates_are_ranked_and_explained_protected_first(app: TestApp) -> TestApp {
    let (v, [_, bob, ..]) = ranked_setup(&app).await;
    let hr = app.signed_in(HR).await;
    // The pool's page links to every open vacancy's candidates by title.
    let pool = hr.get("/talent").await;
    assert_eq!(pool.status, StatusCode::OK, "{}", pool.body);
    let link = format!("href=\"/vacancies/{v}/candidates\"");
    assert!(pool.body.contains(&link), "{}", pool.body);
    assert!(
        pool.texts("a.govuk-link")
            .iter()
            .any(|t| t == "Candidates for Tenancy officer"),
        "{}",
        pool.body
    );
    let page = hr.get(&format!("/vacancies/{v}/candidates")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let ranked = page.texts("#ranked > li h3");
    let names: Vec<&str> = ranked
        .iter()
        .map(|t| t.split(" Officer").next().unwrap())
        .collect();
    // The protected person first though her fit is the weakest, then by
    // tier; Dan lacks the licence and is listed apart with the reason.
    assert_eq!(
        names,
        ["Ann Testperson", "Bob Testperson", "Cat Testperson"]
    );
    assert!(
        page.body
            .contains("Test licence: not held, and training cannot close the gap")
    );
    assert!(page.body.contains("Dan Testperson"));
    // Every score explained: strengths that fit, training that closes the gap.
    assert!(page.body.contains("Testing Grit: 1, 4 wanted"));
    assert!(page.body.contains("Testing Grit from 1 to 4: 30 days"));
    assert!(page.body.contains("Test licence: held and in date"));
    assert!(page.body.contains("Guaranteed interview"));
    no_at_risk(&page.body);
    // Invite Bob: a placement at "invited"; a second invitation is refused.
    let member = page
        .html()
        .select(&scraper::Selector::parse("input[name=member]").unwrap())
        .nth(1)
        .and_then(|e| e.value().attr("value").map(str::to_owned))
        .unwrap();
    let r = hr
        .post(
            &format!("/vacancies/{v}/candidates"),
            &[("member", &member)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = hr.get(&format!("/vacancies/{v}/candidates")).await;
    assert_eq!(after.texts("#ranked strong.govuk-tag--grey"), ["Invited"]);
    let again = hr
        .post(
            &format!("/vacancies/{v}/candidates"),
            &[("member", &member)],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.has_error_summary());
    let _ = bob;
    // Welsh.
    let cy = hr.get(&format!("/vacancies/{v}/candidates?lang=cy")).await;
    assert!(cy.body.contains("Cyfweliad wedi"));
    // A filled vacancy is no longer listed for the pool.
    exec(
        &app,
        format!(
            "UPDATE vacancies SET status = 'filled' WHERE id = {}",
            sql_uuid(&app, v)
        ),
    )
    .await;
    let pool = hr.get("/talent").await;
    assert!(!pool.body.contains(&link), "{}", pool.body);
    app
}

async fn the_proposal_invites_all_or_nothing(app: TestApp) -> TestApp {
    let (v1, [ann, bob, cat, _]) = ranked_setup(&app).await;
    let s = strengths(&app, "northmere", &["Testing Drive"]).await;
    let v2 = vacancy(
        &app,
        "northmere",
        "Estates officer",
        "test_licence_r",
        &[(s[0], 2, 1)],
    )
    .await;
    let hr = app.signed_in(HR).await;
    let page = hr.get("/talent/matching").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    no_at_risk(&page.body);
    // Ann (protected) is proposed a vacancy.
    let selected: Vec<String> = page
        .html()
        .select(&scraper::Selector::parse("select[name=pair] option[selected]").unwrap())
        .filter_map(|o| o.value().attr("value").map(str::to_owned))
        .filter(|v| !v.is_empty())
        .collect();
    let members = proposal_stays(&page);
    assert!(selected.len() >= 2, "{}", page.body);
    // The same vacancy twice is refused and nothing is written.
    let before = audit_count(&app).await;
    let twice_a = format!("{}:{v1}", members[0]);
    let twice_b = format!("{}:{v1}", members[1]);
    let r = hr
        .post(
            "/talent/matching",
            &[("pair", &twice_a), ("pair", &twice_b)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(audit_count(&app).await, before);
    // Invite Bob to v2 directly first, then choose a proposal that includes
    // that pair and another: the whole choice is refused, nothing written.
    let bob_stay = stay_of(&hr, &members, "Bob Testperson", &page.body);
    let ann_stay = stay_of(&hr, &members, "Ann Testperson", &page.body);
    let r = hr
        .post(
            &format!("/vacancies/{v2}/candidates"),
            &[("member", &bob_stay)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let before = audit_count(&app).await;
    let r = hr
        .post(
            "/talent/matching",
            &[
                ("pair", &format!("{ann_stay}:{v1}")),
                ("pair", &format!("{bob_stay}:{v2}")),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.has_error_summary());
    assert_eq!(audit_count(&app).await, before, "a refused proposal wrote");
    // A good choice invites everyone chosen.
    let r = hr
        .post("/talent/matching", &[("pair", &format!("{ann_stay}:{v1}"))])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(audit_count(&app).await, before + 1);
    let after = hr.get(&format!("/vacancies/{v1}/candidates")).await;
    assert!(
        after
            .texts("#ranked li")
            .iter()
            .any(|t| t.contains("Ann Testperson") && t.contains("Invited"))
    );
    let _ = (bob, cat, ann);
    app
}

/// The pool member id of a named person in the proposal page.
fn stay_of(_: &Browser, members: &[String], name: &str, body: &str) -> String {
    members
        .iter()
        .find(|m| body.find(&format!("for=\"pair-{m}\">{name}")).is_some())
        .cloned()
        .unwrap_or_else(|| panic!("{name} is not in the proposal"))
}

async fn managers_and_residents_never_see_scores_or_tiers(app: TestApp) -> TestApp {
    let (v, _) = ranked_setup(&app).await;
    let hr = app.signed_in(HR).await;
    let members = hr.get("/talent").await;
    let member_link = members
        .html()
        .select(&scraper::Selector::parse("a[href^='/talent/members/']").unwrap())
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_owned))
        .unwrap();
    for who in [
        MANAGER,
        STAFF,
        "resident@northmere.example",
        "councillor@northmere.example",
    ] {
        let b = app.signed_in(who).await;
        for path in [
            "/talent".to_owned(),
            format!("/vacancies/{v}/candidates"),
            "/talent/matching".to_owned(),
            member_link.clone(),
        ] {
            let r = b.get(&path).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} {path}");
            // PROMISES 4: nothing of the candidates leaks into the refusal.
            for secret in ["Ann Testperson", "Testing Grit", "Protected", "Score "] {
                assert!(!r.body.contains(secret), "{who} saw {secret} at {path}");
            }
        }
    }
    app
}

async fn a_pool_member_sees_their_own_opportunities(app: TestApp) -> TestApp {
    let (_, [ann, ..]) = ranked_setup(&app).await;
    let me = person_id(&app, STAFF).await.uuid();
    let org = org_id(&app, "northmere").await;
    // The demo may have given the staff account a record already.
    let existing = beacon_db::pool::staff_of_person(
        app.db().conn(),
        org,
        beacon_core::PersonId::from_uuid(me),
    )
    .await
    .unwrap();
    let mine = match existing {
        Some(s) => {
            exec(&app, format!("UPDATE staff SET grade = 5, weekly_minutes = 2220, site = 'Town Hall' WHERE id = {}", sql_uuid(&app, s.id))).await;
            s.id
        }
        None => staff(&app, "northmere", "T-ME", "Staff Testaccount", 5, Some(me)).await,
    };
    let b = app.signed_in(STAFF).await;
    let before = b.get("/talent/opportunities").await;
    assert_eq!(before.status, StatusCode::OK);
    qualification(&app, "northmere", mine, "test_licence_r").await;
    if beacon_db::pool::stay_of_person(app.db().conn(), org, beacon_core::PersonId::from_uuid(me))
        .await
        .unwrap()
        .is_none()
    {
        in_pool(&app, "northmere", mine, "role_removed", false).await;
    }
    let page = b.get("/talent/opportunities").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Tenancy officer"), "{}", page.body);
    assert!(page.body.contains("Test licence: held and in date"));
    // Their own data only: nobody else's name.
    assert!(!page.body.contains("Ann Testperson"));
    no_at_risk(&page.body);
    let cy = b.get("/talent/opportunities?lang=cy").await;
    assert!(cy.body.contains("Eich cyfleoedd"));
    let _ = ann;
    // Residents have no jobs market.
    let resident = app.signed_in("resident@northmere.example").await;
    assert_eq!(
        resident.get("/talent/opportunities").await.status,
        StatusCode::FORBIDDEN
    );
    app
}

async fn partners_see_only_members_who_agreed(app: TestApp) -> TestApp {
    // Bob agreed to be shared; Ann, Cat and Dan did not.
    let _ = ranked_setup(&app).await;
    let s = strengths(&app, "aske-vale", &["Testing Grit", "Testing Care"]).await;
    let aske = vacancy(
        &app,
        "aske-vale",
        "Aske housing officer",
        "test_licence_r",
        &[(s[0], 3, 2)],
    )
    .await;
    let b = app.signed_in(ASKE_HR).await;
    let page = b.get(&format!("/vacancies/{aske}/candidates")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let partners = page.texts("#partner-candidates > li");
    assert!(
        partners
            .iter()
            .any(|p| p.contains("Bob Testperson") && p.contains("from Northmere Borough Council")),
        "{partners:?}"
    );
    for hidden in ["Ann Testperson", "Cat Testperson", "Dan Testperson"] {
        assert!(
            !page.body.contains(hidden),
            "{hidden} did not agree to be shared"
        );
    }
    // Never the partner member's tier.
    let bob = partners
        .iter()
        .find(|p| p.contains("Bob Testperson"))
        .unwrap();
    assert!(!bob.contains("Role removed"));
    // Once Northmere withdraws Bob's sharing, Aske sees him no more: what
    // a partner's server keeps of the pool follows Northmere's own changes.
    exec(
        &app,
        "UPDATE pool_members SET shared = (1 = 0) WHERE staff_id IN \
         (SELECT id FROM staff WHERE name = 'Bob Testperson')"
            .to_owned(),
    )
    .await;
    let page = b.get(&format!("/vacancies/{aske}/candidates")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        !page.body.contains("Bob Testperson"),
        "Bob no longer agrees to be shared"
    );
    // Eastbrook is no partner: it sees nobody of Northmere's.
    let s = strengths(&app, "eastbrook", &["Testing Grit"]).await;
    let east = vacancy(
        &app,
        "eastbrook",
        "East housing officer",
        "test_licence_r",
        &[(s[0], 3, 2)],
    )
    .await;
    let e = app.signed_in(EAST_HR).await;
    let page = e.get(&format!("/vacancies/{east}/candidates")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Bob Testperson"));
    app
}

async fn another_council_finds_nothing(app: TestApp) -> TestApp {
    let (v, _) = ranked_setup(&app).await;
    let hr = app.signed_in(HR).await;
    let list = hr.get("/talent").await;
    let member_link = list
        .html()
        .select(&scraper::Selector::parse("a[href^='/talent/members/']").unwrap())
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_owned))
        .unwrap();
    let member_id = member_link
        .trim_start_matches("/talent/members/")
        .to_owned();
    let before = audit_count(&app).await;
    for who in [ASKE_HR, EAST_HR] {
        let b = app.signed_in(who).await;
        assert_eq!(b.get(&member_link).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            b.get(&format!("/vacancies/{v}/candidates")).await.status,
            StatusCode::NOT_FOUND
        );
        let r = b
            .post(&member_link, &[("status", "left"), ("tier", "voluntary")])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = b
            .post(
                &format!("/vacancies/{v}/candidates"),
                &[("member", &member_id)],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = b
            .post("/talent/matching", &[("pair", &format!("{member_id}:{v}"))])
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        // Their own pool never lists Northmere's people.
        assert!(!b.get("/talent").await.body.contains("Testperson"));
    }
    assert_eq!(audit_count(&app).await, before);
    app
}

async fn an_ended_stay_stays_ended(app: TestApp) -> TestApp {
    let who = staff(&app, "northmere", "T-E1", "Eve Ending", 5, None).await;
    let stay = in_pool(&app, "northmere", who, "role_removed", false).await;
    let hr = app.signed_in(HR).await;
    let path = format!("/talent/members/{stay}");
    let page = hr.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Eve Ending"));
    let r = hr
        .post(&path, &[("status", "placed"), ("tier", "role_removed")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let placed = hr.get(&path).await;
    assert!(placed.body.contains("This stay in the pool has ended"));
    let before = audit_count(&app).await;
    let r = hr
        .post(&path, &[("status", "active"), ("tier", "role_removed")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.has_error_summary());
    // Protected without an end date is refused too.
    assert_eq!(audit_count(&app).await, before);
    app
}

/// The names ranked for a vacancy, in order.
fn ranked_names(page: &Reply) -> Vec<String> {
    page.texts("#ranked > li h3")
        .iter()
        .map(|t| t.split(" Officer").next().unwrap().to_owned())
        .collect()
}

/// Servers keep what matching computed until something it reads changes:
/// each kind of change, made behind the app's back in SQL or through its
/// own forms, and the passing of a day, shows on the next page.
async fn matching_pages_follow_every_change(app: TestApp) -> TestApp {
    let (v, [ann, _, _, dan]) = ranked_setup(&app).await;
    let hr = app.signed_in(HR).await;
    let path = format!("/vacancies/{v}/candidates");
    let page = hr.get(&path).await;
    assert_eq!(
        ranked_names(&page),
        ["Ann Testperson", "Bob Testperson", "Cat Testperson"]
    );
    let proposal = hr.get("/talent/matching").await;
    assert!(
        proposal.body.contains("Ann Testperson"),
        "{}",
        proposal.body
    );
    assert!(!proposal.body.contains("Dan Testperson"));

    // A qualification: Dan gains the licence, is ranked among those whose
    // role was removed by his fit, and is offered in the proposal.
    qualification(&app, "northmere", dan, "test_licence_r").await;
    let page = hr.get(&path).await;
    let ranked = ranked_names(&page);
    assert_eq!(ranked.len(), 4, "{ranked:?}");
    assert_eq!(ranked[0], "Ann Testperson");
    assert!(ranked.contains(&"Dan Testperson".to_owned()));
    assert!(
        hr.get("/talent/matching")
            .await
            .body
            .contains("Dan Testperson")
    );

    // A strength level.
    assert!(
        page.body
            .contains("Testing Grit: 1, 4 wanted (short of it)")
    );
    exec(
        &app,
        format!(
            "UPDATE staff_strengths SET level = 2 WHERE staff_id = {}",
            sql_uuid(&app, ann)
        ),
    )
    .await;
    let page = hr.get(&path).await;
    assert!(!page.body.contains("Testing Grit: 1, 4 wanted"));
    assert!(
        page.body
            .contains("Testing Grit: 2, 4 wanted (short of it)")
    );

    // The vacancy: its grade band narrows and Cat (grade 6) falls out of it.
    exec(
        &app,
        format!(
            "UPDATE vacancies SET grade_max = 5 WHERE id = {}",
            sql_uuid(&app, v)
        ),
    )
    .await;
    let page = hr.get(&path).await;
    let ranked = ranked_names(&page);
    assert_eq!(ranked.len(), 3, "{ranked:?}");
    assert_eq!(ranked[0], "Ann Testperson");
    assert!(!ranked.contains(&"Cat Testperson".to_owned()));
    assert!(page.body.contains("Cat Testperson"), "listed apart");

    // A day passes: Ann's protection ends and she stands with the others
    // whose role was removed, by her fit. Nothing was written.
    app.state.clock.advance(Duration::days(366));
    let hr = app.signed_in(HR).await;
    let page = hr.get(&path).await;
    let ranked = ranked_names(&page);
    assert_eq!(ranked.len(), 3, "{ranked:?}");
    assert_eq!(ranked[2], "Ann Testperson");

    // HR's own form: Ann leaves the pool, and neither page offers her.
    let proposal = hr.get("/talent/matching").await;
    let members = proposal_stays(&proposal);
    let ann_stay = stay_of(&hr, &members, "Ann Testperson", &proposal.body);
    let r = hr
        .post(
            &format!("/talent/members/{ann_stay}"),
            &[("status", "left"), ("tier", "role_removed")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        !hr.get("/talent/matching")
            .await
            .body
            .contains("Ann Testperson")
    );
    let page = hr.get(&path).await;
    assert_eq!(ranked_names(&page).len(), 2);
    assert!(!page.body.contains("Ann Testperson"));
    app
}

/// The pool stays the matching proposal offers a choice for, in its order.
fn proposal_stays(page: &Reply) -> Vec<String> {
    page.html()
        .select(&scraper::Selector::parse("select[name=pair]").unwrap())
        .filter_map(|s| {
            s.value()
                .attr("id")
                .map(|id| id.trim_start_matches("pair-").to_owned())
        })
        .collect()
}
