//! Imports of staff, posts and vacancies (web and command line), talent
//! settings, and workforce analytics (DESIGN.md §3.2).
use crate::helpers::*;
use beacon::import::{ImportArgs, Kind};
use beacon_core::Role;
use beacon_core::account::Email;
use beacon_core::organisation::{OrgKind, OrgName, Slug};
use beacon_core::permission::Capability;
use beacon_core::talent::import::{Disability, Equality, Ethnicity, Sex};
use beacon_core::talent::{PoolStatus, PoolTier};
use beacon_core::text::DisplayName;
use beacon_db::audit::Actor;
use beacon_db::workforce::{self as db, NewStay};
use beacon_web::routes::Access;
use reqwest::StatusCode;
use time::{Duration, OffsetDateTime};

/// This feature's rows of the role × route × organisation matrix.
pub fn access(method: &str, path: &str) -> Option<Access> {
    let hr = Access::Can(Capability::RunTalentPool);
    Some(match (method, path) {
        ("GET" | "POST", "/talent/import" | "/talent/settings") => hr,
        ("GET", "/talent/analytics" | "/talent/analytics.csv") => hr,
        _ => return None,
    })
}

both_databases!(
    a_good_import_lands_whole_and_again_changes_nothing,
    a_file_with_one_broken_line_writes_nothing_and_names_the_line,
    records_that_do_not_exist_refuse_the_whole_file,
    an_upload_needs_the_csrf_token,
    only_hr_imports_sets_and_sees_analytics,
    the_command_line_imports_all_or_nothing,
    settings_are_checked_and_audited,
    analytics_count_what_is_there_and_suppress_small_numbers,
    a_file_without_equality_columns_keeps_what_was_recorded,
    numbers_and_references_match_whatever_their_case,
    vacancy_files_set_what_a_vacancy_asks_for,
);

const HR: &str = "hr@northmere.example";
const STAFF_HEADER: &str = "employee_number,name,email,job_title,grade,weekly_hours,service_area,site,sex,ethnicity,disability,age_band";

fn staff_file(from: usize, count: usize) -> String {
    let mut out = format!("\u{feff}{STAFF_HEADER}\r\n");
    for i in from..from + count {
        out.push_str(&format!(
            "WF{i:05},\"Person {i}, Imported\",,Officer,5,37,libraries,Central,female,white,no,35-44\r\n"
        ));
    }
    out
}

/// Post a file to the import page as a browser's form does, with or
/// without the page's CSRF token.
async fn upload(app: &TestApp, b: &Browser, kind: &str, file: &str, token: Option<&str>) -> Reply {
    let boundary = "----beacon-test-boundary-7f3a";
    let mut body = Vec::new();
    if let Some(t) = token {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{t}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"import.csv\"\r\nContent-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file.as_bytes());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let cookies = b
        .cookies
        .lock()
        .unwrap()
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .post(format!("{}/talent/import", app.base))
        .header("cookie", cookies)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap();
    Reply {
        status,
        headers,
        body,
    }
}

async fn staff_count(app: &TestApp, slug: &str) -> usize {
    db::staff_ids(app.db().conn(), org_id(app, slug).await)
        .await
        .unwrap()
        .len()
}

async fn a_good_import_lands_whole_and_again_changes_nothing(app: TestApp) -> TestApp {
    let hr = app.signed_in(HR).await;
    let form = hr.get("/talent/import").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("enctype=\"multipart/form-data\""));
    let token = csrf_in(&form.body).unwrap();
    let before = staff_count(&app, "northmere").await;
    let audits = audit_count(&app).await;
    let r = upload(&app, &hr, "staff", &staff_file(1, 25), Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("25 created, 0 updated"), "{}", r.body);
    assert_eq!(staff_count(&app, "northmere").await, before + 25);
    assert_eq!(
        audit_count(&app).await,
        audits + 1,
        "one event for the import"
    );
    let org = org_id(&app, "northmere").await;
    let recorded = db::equality_recorded(app.db().conn(), org).await.unwrap();
    let ids = db::staff_ids(app.db().conn(), org).await.unwrap();
    assert!(ids.iter().all(|id| recorded.contains(id)));

    // The same file again updates, and adds nothing.
    let r = upload(&app, &hr, "staff", &staff_file(1, 25), Some(&token)).await;
    assert!(r.body.contains("0 created, 25 updated"), "{}", r.body);
    assert_eq!(staff_count(&app, "northmere").await, before + 25);

    // Posts held by the imported staff, then vacancies for those posts.
    let posts = "post_reference,title,service_area,grade,weekly_hours,site,annual_cost,holder_employee_number\n\
                 WFP-1,Librarian,libraries,5,37,Central,\"31,250.00\",WF00001\n\
                 WFP-2,Library assistant,libraries,3,18.5,Central,15000,\n";
    let r = upload(&app, &hr, "posts", posts, Some(&token)).await;
    assert!(r.body.contains("2 created, 0 updated"), "{}", r.body);
    let vacancies = "post_reference,title,summary,service_area,grade_min,grade_max,weekly_hours,site,status\n\
                     WFP-2,Library assistant,\"Help people, every day\",libraries,3,4,18.5,Central,pool_only\n";
    let r = upload(&app, &hr, "vacancies", vacancies, Some(&token)).await;
    assert!(r.body.contains("1 created, 0 updated"), "{}", r.body);
    let r = upload(&app, &hr, "vacancies", vacancies, Some(&token)).await;
    assert!(r.body.contains("0 created, 1 updated"), "{}", r.body);

    // Another council's HR importing the same numbers makes its own records.
    let other = app.signed_in("hr@eastbrook.example").await;
    let token = csrf_in(&other.get("/talent/import").await.body).unwrap();
    let east_before = staff_count(&app, "eastbrook").await;
    let r = upload(&app, &other, "staff", &staff_file(1, 3), Some(&token)).await;
    assert!(r.body.contains("3 created"), "{}", r.body);
    assert_eq!(staff_count(&app, "eastbrook").await, east_before + 3);
    assert_eq!(staff_count(&app, "northmere").await, before + 25);
    app
}

async fn a_file_with_one_broken_line_writes_nothing_and_names_the_line(app: TestApp) -> TestApp {
    let hr = app.signed_in(HR).await;
    let token = csrf_in(&hr.get("/talent/import").await.body).unwrap();
    let before = staff_count(&app, "northmere").await;
    let audits = audit_count(&app).await;
    let mut file = staff_file(100, 5);
    // Line 7: a grade that is not a number, and a hostile name.
    file.push_str("WF00200,<script>alert(1)</script>,,Officer,nine,37,,,,,,\r\n");
    file.push_str(
        &staff_file(300, 2)
            .lines()
            .skip(1)
            .collect::<Vec<_>>()
            .join("\r\n"),
    );
    let r = upload(&app, &hr, "staff", &file, Some(&token)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.has_error_summary());
    assert!(
        r.body
            .contains("The file has 1 problem. Nothing was imported.")
    );
    let rows = r.texts("#problems ~ table tbody tr");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].starts_with("7 grade"), "{rows:?}");
    assert!(!r.body.contains("<script>alert(1)"));
    assert_eq!(staff_count(&app, "northmere").await, before);
    assert_eq!(audit_count(&app).await, audits);

    // Every problem is reported, not only the first; bad headers too.
    let r = upload(
        &app,
        &hr,
        "staff",
        "employee_number,name,colour\nA,,red\n",
        Some(&token),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let rows = r.texts("#problems ~ table tbody tr");
    assert!(rows.len() >= 4, "{rows:?}");
    assert!(rows.iter().any(|r| r.contains("colour")));
    assert!(rows.iter().any(|r| r.contains("job_title")));

    // No kind and no file: the form's own errors.
    let r = upload(&app, &hr, "", "", Some(&token)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Select what the file holds"));
    assert_eq!(staff_count(&app, "northmere").await, before);
    app
}

async fn records_that_do_not_exist_refuse_the_whole_file(app: TestApp) -> TestApp {
    let hr = app.signed_in(HR).await;
    let token = csrf_in(&hr.get("/talent/import").await.body).unwrap();
    let audits = audit_count(&app).await;
    let posts = "post_reference,title,service_area,grade,weekly_hours,site,annual_cost,holder_employee_number\n\
                 WFX-1,Clerk,libraries,4,37,Central,20000,\n\
                 WFX-2,Clerk,libraries,4,37,Central,20000,NOBODY-99\n";
    let r = upload(&app, &hr, "posts", posts, Some(&token)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let rows = r.texts("#problems ~ table tbody tr");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].starts_with("3 holder_employee_number"), "{rows:?}");
    let vacancies = "post_reference,title,service_area,grade_min,weekly_hours,site\n\
                     WFX-1,Clerk,libraries,4,37,Central\n";
    let r = upload(&app, &hr, "vacancies", vacancies, Some(&token)).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "WFX-1 was never written"
    );
    assert_eq!(audit_count(&app).await, audits);
    app
}

async fn an_upload_needs_the_csrf_token(app: TestApp) -> TestApp {
    let hr = app.signed_in(HR).await;
    let before = staff_count(&app, "northmere").await;
    let r = upload(&app, &hr, "staff", &staff_file(500, 2), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = upload(&app, &hr, "staff", &staff_file(500, 2), Some("forged")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Another visitor's token is not this visitor's.
    let other = app.browser();
    let theirs = other.token().await;
    let r = upload(&app, &hr, "staff", &staff_file(500, 2), Some(&theirs)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(staff_count(&app, "northmere").await, before);
    // The page's own token works.
    let token = csrf_in(&hr.get("/talent/import").await.body).unwrap();
    let r = upload(&app, &hr, "staff", &staff_file(500, 2), Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(staff_count(&app, "northmere").await, before + 2);
    app
}

async fn only_hr_imports_sets_and_sees_analytics(app: TestApp) -> TestApp {
    for who in [
        "manager@northmere.example",
        "staff@northmere.example",
        "admin@northmere.example",
    ] {
        let b = app.signed_in(who).await;
        for path in [
            "/talent/import",
            "/talent/settings",
            "/talent/analytics",
            "/talent/analytics.csv",
        ] {
            assert_eq!(
                b.get(path).await.status,
                StatusCode::FORBIDDEN,
                "{who} {path}"
            );
        }
        let r = b
            .post(
                "/talent/settings",
                &[
                    ("freeze_days", "1"),
                    ("trial_days", "1"),
                    ("training_limit_days", "1"),
                    ("recruitment_cost", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let token = b.token().await;
        let before = staff_count(&app, "northmere").await;
        let r = upload(&app, &b, "staff", &staff_file(700, 1), Some(&token)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(staff_count(&app, "northmere").await, before);
    }
    let nobody = app.browser();
    let r = nobody.get("/talent/analytics").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // HR sees pages that never speak of anyone as "at risk".
    let hr = app.signed_in(HR).await;
    for path in ["/talent/import", "/talent/settings", "/talent/analytics"] {
        let r = hr.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(!r.body.to_lowercase().contains("at risk"), "{path}");
        let r = hr.get(&format!("{path}?lang=cy")).await;
        assert_eq!(r.status, StatusCode::OK, "{path} in Welsh");
    }
    app
}

async fn the_command_line_imports_all_or_nothing(app: TestApp) -> TestApp {
    let dir = std::env::temp_dir().join(format!("beacon-import-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("staff.csv");
    let bad = dir.join("broken.csv");
    std::fs::write(&good, staff_file(900, 12)).unwrap();
    let mut broken = staff_file(950, 4);
    broken.push_str("WF00999,Broken,not-an-email,Officer,5,37,,,,,,\r\n");
    std::fs::write(&bad, broken).unwrap();
    let before = staff_count(&app, "northmere").await;
    let args = |kind, file: &std::path::Path, as_person: Option<&str>| ImportArgs {
        kind,
        org: "northmere".into(),
        as_person: as_person.map(str::to_owned),
        file: file.to_path_buf(),
    };
    let code = beacon::import::run(app.db(), args(Kind::Staff, &bad, None))
        .await
        .unwrap();
    assert_eq!(
        format!("{code:?}"),
        format!("{:?}", std::process::ExitCode::FAILURE)
    );
    assert_eq!(staff_count(&app, "northmere").await, before);
    let code = beacon::import::run(app.db(), args(Kind::Staff, &good, Some(HR)))
        .await
        .unwrap();
    assert_eq!(
        format!("{code:?}"),
        format!("{:?}", std::process::ExitCode::SUCCESS)
    );
    assert_eq!(staff_count(&app, "northmere").await, before + 12);
    // Vacancies need a person to raise them; an unknown organisation fails.
    assert!(
        beacon::import::run(app.db(), args(Kind::Vacancies, &good, None))
            .await
            .is_err()
    );
    let mut wrong = args(Kind::Staff, &good, None);
    wrong.org = "nowhere".into();
    assert!(beacon::import::run(app.db(), wrong).await.is_err());
    std::fs::remove_dir_all(&dir).ok();
    app
}

async fn settings_are_checked_and_audited(app: TestApp) -> TestApp {
    let hr = app.signed_in(HR).await;
    let r = hr.get("/talent/settings").await;
    assert!(r.body.contains("value=\"28\""));
    let audits = audit_count(&app).await;
    let r = hr
        .post(
            "/talent/settings",
            &[
                ("freeze_days", "many"),
                ("trial_days", "29"),
                ("training_limit_days", ""),
                ("recruitment_cost", "-5"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.has_error_summary());
    assert_eq!(r.texts(".govuk-error-summary__list li").len(), 4);
    assert_eq!(audit_count(&app).await, audits);
    // Unknown fields are refused.
    let r = hr
        .post("/talent/settings", &[("organisation_id", "x")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = hr
        .post(
            "/talent/settings",
            &[
                ("freeze_days", "42"),
                ("trial_days", "21"),
                ("training_limit_days", "90"),
                ("recruitment_cost", "4,500"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(audit_count(&app).await, audits + 1);
    let org = org_id(&app, "northmere").await;
    let s = beacon_db::talent_settings::get(app.db().conn(), org)
        .await
        .unwrap();
    assert_eq!(
        (
            s.freeze_days,
            s.trial_days,
            s.training_limit_days,
            s.recruitment_cost_pence
        ),
        (42, 21, 90, 450_000)
    );
    let r = hr
        .get("/talent/settings?notice=talent_settings_saved")
        .await;
    assert!(r.body.contains("value=\"42\""));
    assert!(r.body.contains("The talent settings have been saved."));
    // Another council's settings are untouched.
    let east = org_id(&app, "eastbrook").await;
    let s = beacon_db::talent_settings::get(app.db().conn(), east)
        .await
        .unwrap();
    assert_eq!(s.freeze_days, 28);
    app
}

/// A council of our own with one HR person, so every figure is known.
async fn fresh_council(app: &TestApp) -> (beacon_core::OrgId, Browser) {
    let now = OffsetDateTime::now_utc();
    let actor = Actor::system("test");
    let hash = beacon_web::password::hash(DEMO_PASSWORD.to_owned())
        .await
        .unwrap();
    let txn = app.db().begin_writing().await.unwrap();
    let org = beacon_db::organisations::create(
        &txn,
        &actor,
        now,
        &OrgName::parse("Kingsholm Borough Council").unwrap(),
        &Slug::parse("kingsholm").unwrap(),
        OrgKind::Council,
    )
    .await
    .unwrap();
    let email = Email::parse("hr@kingsholm.example").unwrap();
    let person = beacon_db::people::create(
        &txn,
        &actor,
        now,
        beacon_db::people::NewPerson {
            email: &email,
            display_name: &DisplayName::parse("Hari Kingsholm").unwrap(),
            password_hash: Some(hash),
            sector_admin: false,
        },
    )
    .await
    .unwrap();
    beacon_db::people::grant_role(&txn, &actor, now, org.id, person.id, Role::Hr)
        .await
        .unwrap();
    txn.commit().await.unwrap();
    (org.id, app.signed_in("hr@kingsholm.example").await)
}

async fn analytics_count_what_is_there_and_suppress_small_numbers(app: TestApp) -> TestApp {
    let (org, hr) = fresh_council(&app).await;
    let empty = hr.get("/talent/analytics").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(
        empty
            .body
            .contains("Nobody has been placed from the pool yet.")
    );

    // 40 staff: 32 women, 8 men.
    let mut file = format!("{STAFF_HEADER}\n");
    for i in 0..40 {
        let sex = if i < 32 { "female" } else { "male" };
        file.push_str(&format!("K{i:03},Person {i},,Officer,5,37,,,{sex},,,\n"));
    }
    let token = csrf_in(&hr.get("/talent/import").await.body).unwrap();
    let r = upload(&app, &hr, "staff", &file, Some(&token)).await;
    assert!(r.body.contains("40 created"), "{}", r.body);
    let ids = db::staff_ids(app.db().conn(), org).await.unwrap();
    assert_eq!(ids.len(), 40);

    // Stays: 12 women placed after 30 days (role removed, £10,000 each),
    // 3 men placed after 10 days (voluntary), 14 women still in the pool,
    // 2 men left.
    let today = OffsetDateTime::now_utc().date();
    let entered = today - Duration::days(60);
    let stay = |i: usize, tier, status, placed: Option<i64>, left: Option<i64>, cost| NewStay {
        staff_id: ids[i],
        tier,
        status,
        entered_on: entered,
        placed_on: placed.map(|d| entered + Duration::days(d)),
        left_on: left.map(|d| entered + Duration::days(d)),
        redundancy_cost_pence: cost,
        reason: "Restructure".into(),
    };
    let mut stays = Vec::new();
    for i in 0..12 {
        stays.push(stay(
            i,
            PoolTier::RoleRemoved,
            PoolStatus::Placed,
            Some(30),
            None,
            Some(1_000_000),
        ));
    }
    for i in 12..26 {
        stays.push(stay(
            i,
            PoolTier::RoleRemoved,
            PoolStatus::Active,
            None,
            None,
            None,
        ));
    }
    for i in 32..35 {
        stays.push(stay(
            i,
            PoolTier::Voluntary,
            PoolStatus::Placed,
            Some(10),
            None,
            None,
        ));
    }
    for i in 35..37 {
        stays.push(stay(
            i,
            PoolTier::RoleRemoved,
            PoolStatus::Left,
            None,
            Some(20),
            None,
        ));
    }
    db::insert_stays(app.db().conn(), OffsetDateTime::now_utc(), org, &stays)
        .await
        .unwrap();
    // A stay in another council is never counted.
    let north = org_id(&app, "northmere").await;
    let north_staff = db::staff_ids(app.db().conn(), north).await.unwrap();
    if let Some(id) = north_staff.first() {
        let mut s = stay(
            0,
            PoolTier::RoleRemoved,
            PoolStatus::Placed,
            Some(5),
            None,
            Some(99_999_999),
        );
        s.staff_id = *id;
        db::insert_stays(app.db().conn(), OffsetDateTime::now_utc(), north, &[s])
            .await
            .unwrap();
    }

    let r = hr.get("/talent/analytics").await;
    assert_eq!(r.status, StatusCode::OK);
    let figure = |label: &str| -> String {
        r.texts("#headline-figures tbody tr")
            .into_iter()
            .find(|row| row.starts_with(label))
            .unwrap_or_else(|| panic!("no {label}"))
            .trim_start_matches(label)
            .trim()
            .to_owned()
    };
    assert_eq!(figure("In the pool now"), "14");
    assert_eq!(figure("Placements from the pool"), "15");
    assert_eq!(figure("Median time to placement"), "30 days");
    assert_eq!(figure("Redundancies avoided"), "12");
    assert_eq!(figure("Redundancy cost avoided"), "£120,000");
    // Default recruitment cost: £3,000 a placement.
    assert_eq!(figure("Recruitment cost avoided"), "£45,000");
    assert_eq!(figure("Annual savings from deleted posts"), "£0");

    // By sex: women 12 placed, 14 in pool, 0 left (26); men 3, 0, 2 (5).
    // Women's 0 is hidden, and so is their 12, or 26 − 14 would give it
    // away; every count of the men is under 10; in the totals row, the
    // hidden 2 takes the 14 with it.
    let rows = r.texts("#equality-sex tbody tr");
    assert_eq!(
        rows[0], "Female fewer than 10 14 fewer than 10 26",
        "{rows:?}"
    );
    assert_eq!(
        rows[1], "Male fewer than 10 fewer than 10 fewer than 10 fewer than 10",
        "{rows:?}"
    );
    assert_eq!(
        rows.last().unwrap(),
        "Total 15 fewer than 10 fewer than 10 31",
        "{rows:?}"
    );
    assert!(!r.body.to_lowercase().contains("at risk"));

    // The download has the same figures, safely written.
    let csv = hr.get("/talent/analytics.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with('\u{feff}'));
    assert!(csv.body.contains("Placements from the pool,15"));
    assert!(
        csv.body
            .contains("Female,fewer than 10,14,fewer than 10,26")
    );
    assert_eq!(
        csv.headers.get("cache-control").unwrap().to_str().unwrap(),
        "no-store"
    );

    // Settings change the recruitment cost avoided.
    let r = hr
        .post(
            "/talent/settings",
            &[
                ("freeze_days", "28"),
                ("trial_days", "28"),
                ("training_limit_days", "182"),
                ("recruitment_cost", "1000"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = hr.get("/talent/analytics").await;
    assert!(
        r.texts("#headline-figures tbody tr")
            .iter()
            .any(|row| row == "Recruitment cost avoided £15,000")
    );

    // A corrected equality record, and nothing else, moves the figures at
    // once: one of the men who left is now recorded as a woman (written
    // straight to the table, as another tool might).
    use beacon_db::entity::staff_equality;
    use sea_orm::EntityTrait;
    staff_equality::Entity::delete_by_id(ids[35])
        .exec(app.db().conn())
        .await
        .unwrap();
    let woman = Equality {
        sex: Some(Sex::Female),
        ..Equality::default()
    };
    db::insert_equality(app.db().conn(), org, &[(ids[35], woman)])
        .await
        .unwrap();
    let r = hr.get("/talent/analytics").await;
    let rows = r.texts("#equality-sex tbody tr");
    assert!(
        rows[0].starts_with("Female ") && rows[0].ends_with(" 27"),
        "{rows:?}"
    );
    app
}

/// The equality data of a staff record, by employee number.
async fn equality_of(app: &TestApp, number: &str) -> Option<Equality> {
    let org = org_id(app, "northmere").await;
    let s = beacon_db::pool::staff_by_number(app.db().conn(), org, number)
        .await
        .unwrap()
        .expect("the staff record");
    db::equality_of_staff(app.db().conn(), org, s.id)
        .await
        .unwrap()
}

async fn a_file_without_equality_columns_keeps_what_was_recorded(app: TestApp) -> TestApp {
    let hr = app.signed_in(HR).await;
    let token = csrf_in(&hr.get("/talent/import").await.body).unwrap();
    let r = upload(&app, &hr, "staff", &staff_file(1200, 2), Some(&token)).await;
    assert!(r.body.contains("2 created, 0 updated"), "{}", r.body);
    let recorded = equality_of(&app, "WF01200").await.expect("recorded");
    assert_eq!(recorded.sex, Some(Sex::Female));

    // A payroll file with no equality columns changes the job, not them.
    let payroll = "employee_number,name,job_title,grade,weekly_hours\n\
                   WF01200,\"Person 1200, Imported\",Senior officer,6,37\n\
                   WF01201,\"Person 1201, Imported\",Officer,5,30\n";
    let r = upload(&app, &hr, "staff", payroll, Some(&token)).await;
    assert!(r.body.contains("0 created, 2 updated"), "{}", r.body);
    assert_eq!(equality_of(&app, "WF01200").await, Some(recorded));
    assert!(equality_of(&app, "WF01201").await.is_some());

    // A file with some of them changes those, and empties a cell left empty.
    let partial = "employee_number,name,job_title,grade,weekly_hours,disability,age_band\n\
                   WF01200,\"Person 1200, Imported\",Senior officer,6,37,yes,\n";
    let r = upload(&app, &hr, "staff", partial, Some(&token)).await;
    assert!(r.body.contains("0 created, 1 updated"), "{}", r.body);
    let now = equality_of(&app, "WF01200").await.expect("still recorded");
    assert_eq!(now.sex, Some(Sex::Female));
    assert_eq!(now.ethnicity, Some(Ethnicity::White));
    assert_eq!(now.disability, Some(Disability::Yes));
    assert_eq!(now.age_band, None);

    // Someone new in a file without the columns gets no equality row.
    let newcomer = "employee_number,name,job_title,grade,weekly_hours\n\
                    WF01202,New Person,Officer,5,37\n";
    let r = upload(&app, &hr, "staff", newcomer, Some(&token)).await;
    assert!(r.body.contains("1 created, 0 updated"), "{}", r.body);
    assert_eq!(equality_of(&app, "WF01202").await, None);
    app
}

async fn numbers_and_references_match_whatever_their_case(app: TestApp) -> TestApp {
    let hr = app.signed_in(HR).await;
    let token = csrf_in(&hr.get("/talent/import").await.body).unwrap();
    let before = staff_count(&app, "northmere").await;
    let r = upload(&app, &hr, "staff", &staff_file(1300, 1), Some(&token)).await;
    assert!(r.body.contains("1 created"), "{}", r.body);
    // The same person from a system that writes numbers in lower case.
    let lower = "employee_number,name,job_title,grade,weekly_hours\n\
                 wf01300,Person 1300 Renamed,Officer,5,37\n";
    let r = upload(&app, &hr, "staff", lower, Some(&token)).await;
    assert!(r.body.contains("0 created, 1 updated"), "{}", r.body);
    assert_eq!(staff_count(&app, "northmere").await, before + 1);

    // A post whose holder is named in another case, then the post again.
    let posts = "post_reference,title,service_area,grade,weekly_hours,site,annual_cost,holder_employee_number\n\
                 WFC-1,Clerk,libraries,4,37,Central,20000,wf01300\n";
    let r = upload(&app, &hr, "posts", posts, Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("1 created, 0 updated"), "{}", r.body);
    let again = "post_reference,title,service_area,grade,weekly_hours,site,annual_cost,status\n\
                 wfc-1,Clerk,libraries,4,37,Central,21000,vacant\n";
    let r = upload(&app, &hr, "posts", again, Some(&token)).await;
    assert!(r.body.contains("0 created, 1 updated"), "{}", r.body);
    // A vacancy for the post, named in yet another case.
    let vacancies = "post_reference,title,service_area,grade_min,weekly_hours,site\n\
                     Wfc-1,Clerk,libraries,4,37,Central\n";
    let r = upload(&app, &hr, "vacancies", vacancies, Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("1 created, 0 updated"), "{}", r.body);
    app
}

/// The vacancy of a post, found as the posts page finds it, by reference.
async fn vacancy_of_post(app: &TestApp, reference: &str) -> uuid::Uuid {
    let org = org_id(app, "northmere").await;
    let filter = beacon_db::vacancies::PostFilter {
        search: Some(reference.to_owned()),
        ..Default::default()
    };
    let found = beacon_db::vacancies::posts(app.db().conn(), org, &filter, 1, 10)
        .await
        .unwrap();
    let post = found
        .posts
        .iter()
        .find(|p| p.reference == reference)
        .expect("the post");
    beacon_db::vacancies::vacancies_for_post(app.db().conn(), org, post.id)
        .await
        .unwrap()
        .first()
        .expect("the vacancy")
        .id
}

async fn vacancy_files_set_what_a_vacancy_asks_for(app: TestApp) -> TestApp {
    let hr = app.signed_in(HR).await;
    let token = csrf_in(&hr.get("/talent/import").await.body).unwrap();
    let org = org_id(&app, "northmere").await;
    let framework = beacon_db::vacancies::strengths(app.db().conn(), org)
        .await
        .unwrap();
    let (first, second) = (&framework[0], &framework[1]);
    let posts = "post_reference,title,service_area,grade,weekly_hours,site,annual_cost\n\
                 WFR-1,Driver,waste,4,37,Depot,24000\n";
    let r = upload(&app, &hr, "posts", posts, Some(&token)).await;
    assert!(r.body.contains("1 created"), "{}", r.body);
    let header = "post_reference,title,service_area,grade_min,weekly_hours,site,essential_qualifications,desired_strengths,experience";
    let file = format!(
        "{header}\n\
         WFR-1,Driver,waste,4,37,Depot,\"hgv_class_2|HGV class 2 licence|30; cpc|Driver CPC\",\"{}|4|3; {}|2|1\",\"waste_and_recycling|24; highways_and_transport|6\"\n",
        first.name.to_uppercase(),
        second.name
    );
    let r = upload(&app, &hr, "vacancies", &file, Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let id = vacancy_of_post(&app, "WFR-1").await;
    let req = beacon_db::vacancies::requirements(app.db().conn(), org, id)
        .await
        .unwrap();
    let essentials: Vec<(String, Option<i32>)> = req
        .essentials
        .iter()
        .map(|e| (e.code.clone(), e.training_days))
        .collect();
    assert_eq!(
        essentials,
        vec![
            ("cpc".to_owned(), None),
            ("hgv_class_2".to_owned(), Some(30))
        ]
    );
    let strengths: Vec<(String, i32, i32)> = req
        .strengths
        .iter()
        .map(|(s, name)| (name.clone(), s.level, s.weight))
        .collect();
    assert_eq!(
        strengths,
        vec![(first.name.clone(), 4, 3), (second.name.clone(), 2, 1)]
    );
    let experience: Vec<(String, i32)> = req
        .experience
        .iter()
        .map(|x| (x.service_area.clone(), x.months))
        .collect();
    assert_eq!(
        experience,
        vec![
            ("highways_and_transport".to_owned(), 6),
            ("waste_and_recycling".to_owned(), 24)
        ]
    );
    // The vacancy's page shows them.
    let page = hr.get(&format!("/vacancies/{id}")).await;
    assert!(page.body.contains("HGV class 2 licence"), "{}", page.body);

    // A file without the columns updates the vacancy and keeps them.
    let plain = "post_reference,title,service_area,grade_min,weekly_hours,site\n\
                 WFR-1,Lorry driver,waste,4,37,Depot\n";
    let r = upload(&app, &hr, "vacancies", plain, Some(&token)).await;
    assert!(r.body.contains("0 created, 1 updated"), "{}", r.body);
    let kept = beacon_db::vacancies::requirements(app.db().conn(), org, id)
        .await
        .unwrap();
    assert_eq!(kept.essentials.len(), 2);
    assert_eq!(kept.strengths.len(), 2);
    assert_eq!(kept.experience.len(), 2);

    // A strength outside the framework, or training beyond the council's
    // limit, refuses the whole file, naming the line.
    let audits = audit_count(&app).await;
    let bad = format!(
        "{header}\n\
         WFR-1,Driver,waste,4,37,Depot,,Not a strength at all|3|1,\n\
         WFR-1b,Driver,waste,4,37,Depot,hgv|HGV|999,,\n"
    );
    let r = upload(&app, &hr, "vacancies", &bad, Some(&token)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let rows = r.texts("#problems ~ table tbody tr");
    assert!(
        rows.iter().any(|r| r.starts_with("2 desired_strengths")),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r.starts_with("3 essential_qualifications")),
        "{rows:?}"
    );
    assert!(
        rows.iter().any(|r| r.starts_with("3 post_reference")),
        "{rows:?}"
    );
    assert_eq!(audit_count(&app).await, audits);
    let unchanged = beacon_db::vacancies::requirements(app.db().conn(), org, id)
        .await
        .unwrap();
    assert_eq!(unchanged.strengths.len(), 2);
    // A malformed item is refused when the file is read.
    let malformed = format!("{header}\nWFR-1,Driver,waste,4,37,Depot,,Resilience|high,\n");
    let r = upload(&app, &hr, "vacancies", &malformed, Some(&token)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("strength|level|weight"), "{}", r.body);
    app
}
