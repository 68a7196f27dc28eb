//! The strengths framework, the self-assessment and staff profiles (DESIGN.md §3.2).
use crate::helpers::*;
use beacon_core::permission::Capability;
use beacon_core::{OrgId, Role};
use beacon_db::ConnectionTrait;
use beacon_db::audit::AuditFilter;
use beacon_web::routes::Access;
use reqwest::StatusCode;

/// This feature's rows of the role × route × organisation matrix.
pub fn access(method: &str, path: &str) -> Option<Access> {
    let hr = Access::Can(Capability::RunTalentPool);
    let own = Access::Can(Capability::UseJobsMarket);
    Some(match (method, path) {
        ("GET" | "POST", "/talent/strengths" | "/talent/strengths/{id}") => hr,
        ("POST", "/talent/strengths/{id}/retire") => hr,
        ("GET", "/talent/people" | "/talent/people/{id}") => hr,
        ("POST", "/talent/people/{id}/contract") => hr,
        ("GET", "/talent/profile") => own,
        (
            "GET" | "POST",
            "/talent/profile/assessment"
            | "/talent/profile/qualifications"
            | "/talent/profile/experience"
            | "/talent/profile/preferences",
        ) => own,
        ("POST", "/talent/profile/qualifications/remove" | "/talent/profile/experience/remove") => {
            own
        }
        _ => return None,
    })
}

both_databases!(
    hr_edits_the_framework_and_each_change_is_audited,
    bad_framework_input_changes_nothing,
    the_assessment_saves_levels_page_by_page,
    bad_answers_change_nothing,
    two_submits_at_once_keep_one_level_per_strength,
    a_person_keeps_their_profile_up_to_date,
    bad_profile_input_changes_nothing,
    hr_finds_staff_and_corrects_grade_and_hours,
    only_the_person_and_hr_see_a_profile,
    another_council_finds_nothing,
    someone_without_a_staff_record_is_told_hr_holds_records,
);

const HR: &str = "hr@northmere.example";
const STAFF: &str = "staff@northmere.example";

async fn northmere(app: &TestApp) -> OrgId {
    org_id(app, "northmere").await
}

async fn staff_record(app: &TestApp, email: &str) -> beacon_db::entity::staff::Model {
    let org = northmere(app).await;
    let person = person_id(app, email).await;
    beacon_db::staff::by_person(app.db().conn(), org, person)
        .await
        .unwrap()
        .unwrap()
}

async fn levels(app: &TestApp, staff: uuid::Uuid) -> Vec<Option<u8>> {
    let org = northmere(app).await;
    let record = beacon_db::staff::find(app.db().conn(), org, staff)
        .await
        .unwrap();
    beacon_db::staff::profile(app.db().conn(), org, record)
        .await
        .unwrap()
        .strengths
        .into_iter()
        .map(|(_, l)| l)
        .collect()
}

async fn actions(app: &TestApp, action: &str) -> u64 {
    let org = northmere(app).await;
    beacon_db::audit::list(
        app.db().conn(),
        org,
        &AuditFilter {
            action: Some(action.to_owned()),
            ..AuditFilter::default()
        },
        1,
        100,
    )
    .await
    .unwrap()
    .total
}

fn hrefs(reply: &Reply, prefix: &str) -> Vec<String> {
    let selector = scraper::Selector::parse("a").unwrap();
    reply
        .html()
        .select(&selector)
        .filter_map(|a| a.value().attr("href"))
        .filter(|h| h.starts_with(prefix))
        .map(str::to_owned)
        .collect()
}

async fn hr_edits_the_framework_and_each_change_is_audited(app: TestApp) -> TestApp {
    let hr = app.signed_in(HR).await;
    let org = northmere(&app).await;
    let page = hr.get("/talent/strengths").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.texts("#strengths tbody tr").len(), 36);
    assert!(page.body.contains("Adaptable"));

    // Add a strength: it goes at the end.
    let reply = hr
        .post(
            "/talent/strengths",
            &[
                ("name", "Curious"),
                ("description", "Asks questions and follows them up."),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let framework = beacon_db::staff::framework(app.db().conn(), org)
        .await
        .unwrap();
    assert_eq!(framework.len(), 37);
    let curious = framework.last().unwrap().clone();
    assert_eq!((curious.name.as_str(), curious.position), ("Curious", 37));
    assert_eq!(actions(&app, "strengths.add").await, 1);

    // Rename and describe the first.
    let first = framework[0].clone();
    let reply = hr
        .post(
            &format!("/talent/strengths/{}", first.id),
            &[
                ("name", "Flexible"),
                ("description", "Changes course without losing heart."),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let renamed = beacon_db::staff::strength(app.db().conn(), org, first.id)
        .await
        .unwrap();
    assert_eq!(renamed.name, "Flexible");
    assert_eq!(renamed.position, first.position);
    assert_eq!(actions(&app, "strengths.edit").await, 1);

    // Retire it: it leaves the questionnaire but keeps its place; restore it.
    let reply = hr
        .post(
            &format!("/talent/strengths/{}/retire", first.id),
            &[("retired", "yes")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let active = beacon_db::staff::framework(app.db().conn(), org)
        .await
        .unwrap();
    assert_eq!(active.len(), 36);
    assert!(active.iter().all(|s| s.id != first.id));
    let page = hr.get("/talent/strengths").await;
    assert_eq!(page.texts("#strengths tbody tr").len(), 37);
    assert!(page.texts("#strengths tbody tr")[0].contains("Retired"));
    let reply = hr
        .post(
            &format!("/talent/strengths/{}/retire", first.id),
            &[("retired", "no")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        beacon_db::staff::framework(app.db().conn(), org)
            .await
            .unwrap()
            .len(),
        37
    );
    assert_eq!(actions(&app, "strengths.retire").await, 1);
    assert_eq!(actions(&app, "strengths.restore").await, 1);
    app
}

async fn bad_framework_input_changes_nothing(app: TestApp) -> TestApp {
    let hr = app.signed_in(HR).await;
    let org = northmere(&app).await;
    let first = beacon_db::staff::framework(app.db().conn(), org)
        .await
        .unwrap()[0]
        .clone();
    let before = audit_count(&app).await;
    for (path, fields) in [
        (
            "/talent/strengths".to_owned(),
            vec![("name", ""), ("description", "")],
        ),
        (
            "/talent/strengths".to_owned(),
            vec![("name", " team  PLAYER "), ("description", "Duplicate.")],
        ),
        (
            format!("/talent/strengths/{}", first.id),
            vec![("name", &*"x".repeat(61)), ("description", "Long.")],
        ),
    ] {
        let reply = hr.post(&path, &fields).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert!(reply.has_error_summary());
    }
    // Fields no page of ours sends are refused.
    let reply = hr
        .post(
            "/talent/strengths",
            &[
                ("name", "Bold"),
                ("description", "Bold."),
                ("position", "1"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let reply = hr
        .post(
            &format!("/talent/strengths/{}/retire", first.id),
            &[("retired", "maybe")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(audit_count(&app).await, before);
    assert_eq!(
        beacon_db::staff::framework_all(app.db().conn(), org)
            .await
            .unwrap()
            .len(),
        36
    );
    app
}

/// Every answer on one page of the questionnaire.
fn answers(positions: &[i32], how: &str, energy: &str) -> Vec<(String, String)> {
    positions
        .iter()
        .flat_map(|p| {
            [
                (format!("how-{p}"), how.to_owned()),
                (format!("energy-{p}"), energy.to_owned()),
            ]
        })
        .collect()
}

fn borrowed(owned: &[(String, String)]) -> Vec<(&str, &str)> {
    owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

async fn page_positions(app: &TestApp, page: usize) -> Vec<i32> {
    let org = northmere(app).await;
    beacon_db::staff::framework(app.db().conn(), org)
        .await
        .unwrap()
        .iter()
        .skip((page - 1) * 6)
        .take(6)
        .map(|s| s.position)
        .collect()
}

async fn the_assessment_saves_levels_page_by_page(app: TestApp) -> TestApp {
    let staff = app.signed_in(STAFF).await;
    let record = staff_record(&app, STAFF).await;
    let page = staff.get("/talent/profile/assessment").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Page 1 of 6"));
    // Two questions for each of six strengths, as radios in fieldsets.
    assert_eq!(page.texts("fieldset.govuk-fieldset").len(), 12);
    assert_eq!(page.texts("input[type=radio]").len(), 60);

    for n in 1..=6 {
        let positions = page_positions(&app, n).await;
        let (how, energy) = if n == 1 { ("4", "4") } else { ("0", "0") };
        let mut fields = answers(&positions, how, energy);
        fields.push(("page".into(), n.to_string()));
        let reply = staff
            .post("/talent/profile/assessment", &borrowed(&fields))
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        let next = if n < 6 {
            format!("/talent/profile/assessment?page={}", n + 1)
        } else {
            "/talent/profile?notice=assessment_saved".to_owned()
        };
        assert_eq!(reply.location(), Some(next.as_str()));
    }
    let saved = levels(&app, record.id).await;
    assert_eq!(&saved[..6], &[Some(5); 6]);
    assert!(saved[6..].iter().all(|l| *l == Some(0)));
    let profile = staff.get("/talent/profile?notice=assessment_saved").await;
    assert!(
        profile
            .texts(".govuk-notification-banner")
            .join(" ")
            .contains("Your self-assessment has been saved")
    );
    let rows = profile.texts("#strength-levels tbody tr");
    assert_eq!(rows.len(), 36);
    assert!(rows[0].contains("5 out of 5"), "{rows:?}");
    assert_eq!(actions(&app, "profile.assessment").await, 6);
    // The audit log says that levels were saved, never what they are.
    let org = northmere(&app).await;
    let events = beacon_db::audit::list(
        app.db().conn(),
        org,
        &AuditFilter {
            action: Some("profile.assessment".into()),
            ..AuditFilter::default()
        },
        1,
        10,
    )
    .await
    .unwrap();
    assert!(
        events
            .entries
            .iter()
            .all(|e| !e.after.clone().unwrap_or_default().contains("level"))
    );
    // A page past the end is not there.
    assert_eq!(
        staff.get("/talent/profile/assessment?page=7").await.status,
        StatusCode::NOT_FOUND
    );
    app
}

async fn bad_answers_change_nothing(app: TestApp) -> TestApp {
    let staff = app.signed_in(STAFF).await;
    let record = staff_record(&app, STAFF).await;
    let before_levels = levels(&app, record.id).await;
    let before = audit_count(&app).await;
    let positions = page_positions(&app, 1).await;

    // One answer missing, one off the scale.
    let mut fields = answers(&positions, "3", "2");
    fields.retain(|(k, _)| k != &format!("how-{}", positions[0]));
    fields.iter_mut().for_each(|(k, v)| {
        if k == &format!("energy-{}", positions[1]) {
            *v = "7".into();
        }
    });
    fields.push(("page".into(), "1".into()));
    let reply = staff
        .post("/talent/profile/assessment", &borrowed(&fields))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.has_error_summary());
    let summary = reply.texts(".govuk-error-summary li");
    assert_eq!(summary.len(), 2, "{summary:?}");
    // What was answered is kept.
    assert!(reply.body.contains("checked"));

    // Fields of another page, or made up, are refused outright.
    let mut fields = answers(&positions, "3", "2");
    fields.push(("page".into(), "1".into()));
    fields.push(("how-999".into(), "4".into()));
    let reply = staff
        .post("/talent/profile/assessment", &borrowed(&fields))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let mut fields = answers(&positions, "3", "2");
    fields.push(("page".into(), "9".into()));
    let reply = staff
        .post("/talent/profile/assessment", &borrowed(&fields))
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    assert_eq!(levels(&app, record.id).await, before_levels);
    assert_eq!(audit_count(&app).await, before);
    app
}

async fn two_submits_at_once_keep_one_level_per_strength(app: TestApp) -> TestApp {
    let staff = app.signed_in(STAFF).await;
    let record = staff_record(&app, STAFF).await;
    let positions = page_positions(&app, 2).await;
    let mut high = answers(&positions, "4", "4");
    high.push(("page".into(), "2".into()));
    let mut low = answers(&positions, "1", "1");
    low.push(("page".into(), "2".into()));
    let (high, low) = (borrowed(&high), borrowed(&low));
    let (a, b) = tokio::join!(
        staff.post("/talent/profile/assessment", &high),
        staff.post("/talent/profile/assessment", &low),
    );
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(b.status, StatusCode::SEE_OTHER);
    let saved = levels(&app, record.id).await;
    let page: Vec<_> = saved[6..12].to_vec();
    assert!(
        page.iter().all(|l| *l == Some(5)) || page.iter().all(|l| *l == Some(1)),
        "{page:?}"
    );
    app
}

async fn a_person_keeps_their_profile_up_to_date(app: TestApp) -> TestApp {
    let staff = app.signed_in(STAFF).await;
    let today = time::OffsetDateTime::now_utc().date();
    let past = today - time::Duration::days(40);
    let future = today + time::Duration::days(400);

    // Qualifications: one that has lapsed, one that has not.
    for (code, date) in [("nmc_registration", past), ("hcpc_registration", future)] {
        let (d, m, y) = (
            date.day().to_string(),
            u8::from(date.month()).to_string(),
            date.year().to_string(),
        );
        let reply = staff
            .post(
                "/talent/profile/qualifications",
                &[
                    ("code", code),
                    ("expires-day", &d),
                    ("expires-month", &m),
                    ("expires-year", &y),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    }
    let page = staff.get("/talent/profile/qualifications").await;
    let rows = page.texts("#qualification-list .govuk-summary-list__row");
    let lapsed = rows.iter().find(|r| r.contains("Nursing")).unwrap();
    assert!(lapsed.contains("Expired"), "{lapsed}");
    let current = rows.iter().find(|r| r.contains("Health and Care")).unwrap();
    assert!(!current.contains("Expired"), "{current}");
    // Remove one.
    let selector = scraper::Selector::parse("input[name=id]").unwrap();
    let ids: Vec<String> = page
        .html()
        .select(&selector)
        .filter_map(|i| i.value().attr("value").map(str::to_owned))
        .collect();
    let reply = staff
        .post("/talent/profile/qualifications/remove", &[("id", &ids[0])])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let after = staff.get("/talent/profile/qualifications").await;
    assert_eq!(
        after
            .texts("#qualification-list .govuk-summary-list__row")
            .len(),
        rows.len() - 1
    );

    // Experience.
    let reply = staff
        .post(
            "/talent/profile/experience",
            &[
                ("role_title", "Library assistant"),
                ("service_area", "libraries_and_culture"),
                ("months", "30"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let profile = staff.get("/talent/profile").await;
    let experience = profile.texts("#experience-list li").join(" | ");
    assert!(
        experience.contains("Library assistant, Libraries and culture – 2 years 6 months"),
        "{experience}"
    );

    // Preferences.
    let reply = staff
        .post(
            "/talent/profile/preferences",
            &[
                ("work_sites", "Harbour Road Depot\nAshby Library"),
                ("max_travel_km", "25"),
                ("preferred_areas", "housing"),
                ("preferred_areas", "planning"),
                ("willing_to_trial", "no"),
                ("available-day", "1"),
                ("available-month", "3"),
                ("available-year", "2027"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let record = staff_record(&app, STAFF).await;
    let prefs = beacon_db::staff::Preferences::of(&record);
    assert_eq!(
        prefs.work_sites,
        vec!["Harbour Road Depot", "Ashby Library"]
    );
    assert_eq!(prefs.max_travel_km, Some(25));
    assert_eq!(prefs.preferred_areas.len(), 2);
    assert!(!prefs.willing_to_trial);
    assert_eq!(
        prefs.available_from,
        Some(time::macros::date!(2027 - 03 - 01))
    );
    let profile = staff.get("/talent/profile").await;
    assert!(profile.body.contains("Up to 25 km"));
    assert!(profile.body.contains("1 Mar 2027"));
    // Grade and hours are shown but not offered for change.
    assert!(profile.body.contains("hours a week"));
    assert!(hrefs(&profile, "/talent/people").is_empty());
    app
}

async fn bad_profile_input_changes_nothing(app: TestApp) -> TestApp {
    let staff = app.signed_in(STAFF).await;
    let record = staff_record(&app, STAFF).await;
    let before = audit_count(&app).await;
    let cases: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "/talent/profile/qualifications",
            vec![
                ("code", "astronaut"),
                ("expires-day", "31"),
                ("expires-month", "2"),
                ("expires-year", "2027"),
            ],
        ),
        (
            "/talent/profile/experience",
            vec![
                ("role_title", ""),
                ("service_area", "space"),
                ("months", "0"),
            ],
        ),
        (
            "/talent/profile/preferences",
            vec![
                ("max_travel_km", "far"),
                ("willing_to_trial", ""),
                ("available-day", "40"),
                ("available-month", "1"),
                ("available-year", "2027"),
            ],
        ),
    ];
    for (path, fields) in cases {
        let reply = staff.post(path, &fields).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert!(reply.has_error_summary(), "{path}");
    }
    // No mass assignment: the person cannot set their own grade.
    let reply = staff
        .post(
            "/talent/profile/preferences",
            &[("willing_to_trial", "yes"), ("grade", "15")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    // Someone else's qualification is not theirs to remove.
    let reply = staff
        .post(
            "/talent/profile/qualifications/remove",
            &[("id", &uuid::Uuid::new_v4().to_string())],
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(audit_count(&app).await, before);
    assert_eq!(staff_record(&app, STAFF).await, record);
    app
}

async fn hr_finds_staff_and_corrects_grade_and_hours(app: TestApp) -> TestApp {
    let hr = app.signed_in(HR).await;
    let record = staff_record(&app, STAFF).await;
    let list = hr.get("/talent/people").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.texts("#people tbody tr").len(), 25);
    assert!(list.body.contains("Page 1 of"));
    let found = hr
        .get(&format!("/talent/people?q={}", record.employee_number))
        .await;
    let rows = found.texts("#people tbody tr");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].contains(&record.name));
    let surname = record
        .name
        .split_whitespace()
        .last()
        .unwrap()
        .to_lowercase();
    let found = hr.get(&format!("/talent/people?q={surname}")).await;
    assert!(
        found
            .texts("#people tbody tr")
            .iter()
            .any(|r| r.contains(&record.name))
    );

    let path = format!("/talent/people/{}", record.id);
    let page = hr.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&record.employee_number));
    let before = audit_count(&app).await;
    for (grade, hours) in [("0", "37"), ("21", "37"), ("7", "60"), ("x", "")] {
        let reply = hr
            .post(
                &format!("{path}/contract"),
                &[("grade", grade), ("hours", hours)],
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(reply.has_error_summary());
    }
    assert_eq!(audit_count(&app).await, before);
    let reply = hr
        .post(
            &format!("{path}/contract"),
            &[("grade", "9"), ("hours", "22.5")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let after = staff_record(&app, STAFF).await;
    assert_eq!((after.grade, after.weekly_minutes), (9, 22 * 60 + 30));
    assert_eq!(actions(&app, "profile.contract").await, 1);
    let page = hr.get(&path).await;
    assert_eq!(page.texts("#profile-hours"), vec!["22.5 hours a week"]);
    app
}

/// PROMISES.md 4: the same person's record, as each role gets it. Only the
/// person and HR see strengths; every other role is refused HR's pages and
/// finds only their own profile at /talent/profile.
async fn only_the_person_and_hr_see_a_profile(app: TestApp) -> TestApp {
    let record = staff_record(&app, STAFF).await;
    let person_page = format!("/talent/people/{}", record.id);
    let hr = app.signed_in(HR).await;
    let seen = hr.get(&person_page).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(seen.body.contains(&record.name));
    assert!(seen.body.contains("out of 5"));
    assert_eq!(seen.texts("#strength-levels tbody tr").len(), 36);

    let own = app.signed_in(STAFF).await.get("/talent/profile").await;
    assert!(own.body.contains(&record.name));
    assert!(own.body.contains("out of 5"));

    for role in Role::ALL {
        if matches!(role, Role::Hr | Role::Staff) {
            continue;
        }
        let email = format!("{}@northmere.example", role.key().replace('_', "-"));
        let browser = app.signed_in(&email).await;
        for path in [
            person_page.clone(),
            "/talent/people".to_owned(),
            format!("/talent/people?q={}", record.employee_number),
            "/talent/strengths".to_owned(),
        ] {
            let reply = browser.get(&path).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{role} {path}");
            assert!(!reply.body.contains(&record.name), "{role} {path}");
            assert!(!reply.body.contains("out of 5"), "{role} {path}");
        }
        let own = browser.get("/talent/profile").await;
        if Capability::UseJobsMarket.granted_by(&[role]) {
            assert_eq!(own.status, StatusCode::OK, "{role}");
            assert!(!own.body.contains(&record.name), "{role}");
            assert!(!own.body.contains(&record.employee_number), "{role}");
        } else {
            assert_eq!(own.status, StatusCode::FORBIDDEN, "{role}");
        }
        let reply = browser
            .post(
                &format!("{person_page}/contract"),
                &[("grade", "15"), ("hours", "37")],
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{role}");
    }
    assert_eq!(staff_record(&app, STAFF).await, record);
    // The interface never says "at risk".
    for page in [&seen, &own] {
        assert!(!page.body.to_lowercase().contains("at risk"));
    }
    app
}

async fn another_council_finds_nothing(app: TestApp) -> TestApp {
    let record = staff_record(&app, STAFF).await;
    let org = northmere(&app).await;
    let strength = beacon_db::staff::framework(app.db().conn(), org)
        .await
        .unwrap()[0]
        .clone();
    let intruder = app.signed_in("hr@askevale.example").await;
    let before = audit_count(&app).await;
    let person = format!("/talent/people/{}", record.id);
    let edit = format!("/talent/strengths/{}", strength.id);
    for path in [&person, &edit] {
        let reply = intruder.get(path).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!reply.body.contains(&record.name));
    }
    for (path, fields) in [
        (
            format!("{person}/contract"),
            vec![("grade", "15"), ("hours", "37")],
        ),
        (
            edit.clone(),
            vec![
                ("name", "Taken over"),
                ("description", "By another council."),
            ],
        ),
        (format!("{edit}/retire"), vec![("retired", "yes")]),
    ] {
        let reply = intruder.post(&path, &fields).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
    }
    let list = intruder
        .get(&format!("/talent/people?q={}", record.employee_number))
        .await;
    assert!(list.texts("#people tbody tr").is_empty());
    assert_eq!(audit_count(&app).await, before);
    assert_eq!(staff_record(&app, STAFF).await, record);
    assert_eq!(
        beacon_db::staff::strength(app.db().conn(), org, strength.id)
            .await
            .unwrap(),
        strength
    );
    app
}

async fn someone_without_a_staff_record_is_told_hr_holds_records(app: TestApp) -> TestApp {
    let record = staff_record(&app, "manager@northmere.example").await;
    app.db()
        .conn()
        .execute_unprepared(&format!(
            "UPDATE staff SET person_id = NULL WHERE employee_number = '{}'",
            record.employee_number
        ))
        .await
        .unwrap();
    let manager = app.signed_in("manager@northmere.example").await;
    let page = manager.get("/talent/profile").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("HR holds the records"));
    let before = audit_count(&app).await;
    let reply = manager
        .post(
            "/talent/profile/preferences",
            &[("willing_to_trial", "yes")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(
        manager.get("/talent/profile/assessment").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(audit_count(&app).await, before);
    app
}
