//! Posts and vacancies, vacancy reviews and the recruitment freeze (DESIGN.md §3.2).
use crate::helpers::*;
use beacon_core::permission::Capability;
use beacon_db::{Backend, ConnectionTrait};
use beacon_web::routes::Access;
use reqwest::StatusCode;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// This feature's rows of the role × route × organisation matrix.
pub fn access(method: &str, path: &str) -> Option<Access> {
    let manage = Access::Can(Capability::ManageVacancies);
    let hr = Access::Can(Capability::RunTalentPool);
    let market = Access::Can(Capability::UseJobsMarket);
    Some(match (method, path) {
        ("GET", "/posts" | "/posts/new" | "/posts/{id}" | "/posts/{id}/review") => manage,
        ("POST", "/posts/new" | "/posts/{id}/review") => manage,
        ("GET", "/vacancies" | "/vacancies/{id}") => market,
        ("GET" | "POST", "/vacancies/new" | "/vacancies/{id}/edit") => manage,
        ("GET" | "POST", "/vacancies/{id}/exception") => manage,
        ("GET" | "POST", "/vacancies/{id}/approve") => hr,
        ("POST", "/vacancies/{id}/exception/decide") => hr,
        _ => return None,
    })
}

both_databases!(
    a_replacement_is_approved_and_held_for_the_pool,
    an_approved_deletion_deletes_the_post_and_keeps_the_saving,
    reviews_move_only_by_the_right_role_and_in_order,
    a_sent_back_review_can_be_started_again,
    bad_input_gets_an_error_summary_and_changes_nothing,
    the_pool_sees_a_frozen_vacancy_first_and_everyone_after,
    an_exception_opens_a_vacancy_early_and_is_recorded,
    partners_see_shared_open_vacancies_only_and_read_only,
    another_council_gets_404_and_nothing_changes,
    two_hr_approvals_at_once_approve_once,
    a_new_role_is_raised_with_its_requirements,
    no_page_shows_pool_standing_or_says_at_risk,
    lists_are_filtered_by_allow_listed_keys,
    hr_decisions_email_the_manager_who_raised_them,
    posts_are_found_by_reference_or_holder,
);

const MANAGER: &str = "manager@northmere.example";
const HR: &str = "hr@northmere.example";
/// An employee outside the talent pool.
const STAFF: &str = "panel@northmere.example";
/// The demo puts its staff account in the talent pool.
const IN_POOL: &str = "staff@northmere.example";
const LEAD: &str = "innovation-lead@northmere.example";
const PARTNER_STAFF: &str = "staff@askevale.example";
const PARTNER_MANAGER: &str = "manager@askevale.example";
const OTHER_HR: &str = "hr@eastbrook.example";
const OTHER_MANAGER: &str = "manager@eastbrook.example";
const OTHER_STAFF: &str = "staff@eastbrook.example";

fn sql_uuid(app: &TestApp, id: Uuid) -> String {
    match app.db().backend() {
        Backend::Sqlite => format!("X'{}'", id.simple()),
        Backend::Postgres => format!("'{id}'"),
    }
}

fn id_after(location: &str, prefix: &str) -> Uuid {
    let rest = location.strip_prefix(prefix).unwrap_or_else(|| {
        panic!("{location} does not start with {prefix}");
    });
    rest.split(['?', '/']).next().unwrap().parse().unwrap()
}

/// A post added through the form, as a manager would.
async fn add_post(app: &TestApp, reference: &str) -> Uuid {
    let manager = app.signed_in(MANAGER).await;
    let reply = manager
        .post(
            "/posts/new",
            &[
                ("reference", reference),
                ("title", "Refuse collection driver"),
                ("service_area", "waste_and_recycling"),
                ("grade", "5"),
                ("hours", "37"),
                ("site", "Northmere depot"),
                ("annual_cost", "32,500"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    id_after(reply.location().unwrap(), "/posts/")
}

/// The manager's review of a post; returns the vacancy.
async fn review(app: &TestApp, post: Uuid, decision: &str) -> Uuid {
    let manager = app.signed_in(MANAGER).await;
    let reply = manager
        .post(
            &format!("/posts/{post}/review"),
            &[
                ("decision", decision),
                ("reason", "The service still needs the round covered."),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    id_after(reply.location().unwrap(), "/vacancies/")
}

async fn approve(app: &TestApp, vacancy: Uuid) {
    let hr = app.signed_in(HR).await;
    let reply = hr
        .post(
            &format!("/vacancies/{vacancy}/approve"),
            &[("outcome", "approve"), ("note", "")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
}

/// A pool-only vacancy, approved today.
async fn frozen_vacancy(app: &TestApp, reference: &str) -> Uuid {
    let post = add_post(app, reference).await;
    let vacancy = review(app, post, "replace").await;
    approve(app, vacancy).await;
    vacancy
}

async fn status_of(app: &TestApp, vacancy: Uuid) -> String {
    let org = org_id(app, "northmere").await;
    beacon_db::vacancies::vacancy(app.db().conn(), org, vacancy)
        .await
        .unwrap()
        .status
}

/// How many audit events of this kind are about this vacancy.
async fn actions(app: &TestApp, action: &str, vacancy: Uuid) -> usize {
    let org = org_id(app, "northmere").await;
    let filter = beacon_db::audit::AuditFilter {
        action: Some(action.to_owned()),
        ..Default::default()
    };
    beacon_db::audit::list(app.db().conn(), org, &filter, 1, 1000)
        .await
        .unwrap()
        .entries
        .iter()
        .filter(|e| e.subject_id == vacancy.to_string())
        .count()
}

/// The person with the email has an active stay in the talent pool.
async fn assert_in_pool(app: &TestApp, email: &str) {
    let org = org_id(app, "northmere").await;
    let person = person_id(app, email).await;
    let stay = beacon_db::pool::stay_of_person(app.db().conn(), org, person)
        .await
        .unwrap()
        .expect("the demo puts this person in the pool");
    assert_eq!(stay.stay.status, "active");
}

async fn a_replacement_is_approved_and_held_for_the_pool(app: TestApp) -> TestApp {
    let post = add_post(&app, "P-1001").await;
    let manager = app.signed_in(MANAGER).await;
    let page = manager.get(&format!("/posts/{post}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Review this post"));
    let form = manager.get(&format!("/posts/{post}/review")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("£32,500"),
        "the saving a deletion would make"
    );

    let vacancy = review(&app, post, "replace").await;
    assert_eq!(status_of(&app, vacancy).await, "in_review");
    let hr = app.signed_in(HR).await;
    let waiting = hr.get("/vacancies?view=reviews").await;
    assert!(waiting.body.contains(&vacancy.to_string()));
    let page = hr.get(&format!("/vacancies/{vacancy}/approve")).await;
    assert_eq!(page.status, StatusCode::OK);

    approve(&app, vacancy).await;
    assert_eq!(status_of(&app, vacancy).await, "pool_only");
    let org = org_id(&app, "northmere").await;
    let v = beacon_db::vacancies::vacancy(app.db().conn(), org, vacancy)
        .await
        .unwrap();
    let today = OffsetDateTime::now_utc().date();
    assert_eq!(v.pool_until, Some(today + Duration::days(28)));
    assert!(v.approved_at.is_some());
    assert_eq!(v.annual_saving_pence, None);
    assert_eq!(actions(&app, "vacancy.review", vacancy).await, 1);
    assert_eq!(actions(&app, "vacancy.approve", vacancy).await, 1);

    let shown = hr.get(&format!("/vacancies/{vacancy}")).await;
    assert!(shown.body.contains("Held for the talent pool until"));
    assert!(shown.body.contains("Approved by HR"), "the history");
    // Staff outside the pool do not see it during the freeze.
    let staff = app.signed_in(STAFF).await;
    assert_eq!(
        staff.get(&format!("/vacancies/{vacancy}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        !staff
            .get("/vacancies")
            .await
            .body
            .contains(&vacancy.to_string())
    );
    app
}

async fn an_approved_deletion_deletes_the_post_and_keeps_the_saving(app: TestApp) -> TestApp {
    let post = add_post(&app, "P-2001").await;
    let vacancy = review(&app, post, "delete").await;
    approve(&app, vacancy).await;
    let org = org_id(&app, "northmere").await;
    let conn = app.db().conn();
    let p = beacon_db::vacancies::post(conn, org, post).await.unwrap();
    assert_eq!(p.status, "deleted");
    let v = beacon_db::vacancies::vacancy(conn, org, vacancy)
        .await
        .unwrap();
    assert_eq!(v.status, "withdrawn");
    assert_eq!(v.annual_saving_pence, Some(3_250_000));
    assert_eq!(v.pool_until, None);
    let hr = app.signed_in(HR).await;
    let page = hr.get(&format!("/vacancies/{vacancy}")).await;
    assert!(page.body.contains("£32,500"));
    // A deleted post cannot be reviewed again.
    let manager = app.signed_in(MANAGER).await;
    assert_eq!(
        manager.get(&format!("/posts/{post}/review")).await.status,
        StatusCode::FORBIDDEN
    );
    // Nobody but HR and its manager sees a withdrawn vacancy.
    let staff = app.signed_in(STAFF).await;
    assert_eq!(
        staff.get(&format!("/vacancies/{vacancy}")).await.status,
        StatusCode::NOT_FOUND
    );
    app
}

async fn reviews_move_only_by_the_right_role_and_in_order(app: TestApp) -> TestApp {
    let post = add_post(&app, "P-3001").await;
    // HR approves but does not start a review; staff do neither.
    let hr = app.signed_in(HR).await;
    let refused = hr
        .post(
            &format!("/posts/{post}/review"),
            &[("decision", "replace"), ("reason", "Because")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let staff = app.signed_in(STAFF).await;
    assert_eq!(
        staff.get(&format!("/posts/{post}/review")).await.status,
        StatusCode::FORBIDDEN
    );
    let vacancy = review(&app, post, "reorganise").await;
    // A second review while one is live is out of order.
    let manager = app.signed_in(MANAGER).await;
    let again = manager
        .post(
            &format!("/posts/{post}/review"),
            &[("decision", "delete"), ("reason", "Changed my mind")],
        )
        .await;
    assert_eq!(again.status, StatusCode::FORBIDDEN);
    // Only HR approves: the manager who raised it cannot.
    let by_manager = manager
        .post(
            &format!("/vacancies/{vacancy}/approve"),
            &[("outcome", "approve"), ("note", "")],
        )
        .await;
    assert_eq!(by_manager.status, StatusCode::FORBIDDEN);
    // The exception comes only after approval, while the pool holds it.
    let early = manager
        .post(
            &format!("/vacancies/{vacancy}/exception"),
            &[("reason", "Urgent")],
        )
        .await;
    assert_ne!(early.status, StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, vacancy).await, "in_review");
    approve(&app, vacancy).await;
    // Approving twice is refused and changes nothing.
    let before = audit_count(&app).await;
    let twice = hr
        .post(
            &format!("/vacancies/{vacancy}/approve"),
            &[("outcome", "approve"), ("note", "")],
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert_eq!(audit_count(&app).await, before);
    assert_eq!(actions(&app, "vacancy.approve", vacancy).await, 1);
    app
}

async fn a_sent_back_review_can_be_started_again(app: TestApp) -> TestApp {
    let post = add_post(&app, "P-3501").await;
    let vacancy = review(&app, post, "delete").await;
    let hr = app.signed_in(HR).await;
    let without_note = hr
        .post(
            &format!("/vacancies/{vacancy}/approve"),
            &[("outcome", "send_back"), ("note", "  ")],
        )
        .await;
    assert_eq!(without_note.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(without_note.has_error_summary());
    let back = hr
        .post(
            &format!("/vacancies/{vacancy}/approve"),
            &[
                ("outcome", "send_back"),
                ("note", "Talk to finance about the saving first."),
            ],
        )
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, vacancy).await, "withdrawn");
    let org = org_id(&app, "northmere").await;
    let p = beacon_db::vacancies::post(app.db().conn(), org, post)
        .await
        .unwrap();
    assert_eq!(p.status, "vacant", "a sent-back deletion deletes nothing");
    let manager = app.signed_in(MANAGER).await;
    let page = manager.get(&format!("/vacancies/{vacancy}")).await;
    assert!(
        page.body
            .contains("Talk to finance about the saving first.")
    );
    let second = review(&app, post, "replace").await;
    assert_ne!(second, vacancy);
    app
}

async fn bad_input_gets_an_error_summary_and_changes_nothing(app: TestApp) -> TestApp {
    let post = add_post(&app, "P-4001").await;
    let manager = app.signed_in(MANAGER).await;
    let before = audit_count(&app).await;
    let bad_post = manager
        .post(
            "/posts/new",
            &[
                ("reference", ""),
                ("title", "Clerk"),
                ("service_area", "moon_base"),
                ("grade", "21"),
                ("hours", "200"),
                ("site", "Hall"),
                ("annual_cost", "lots"),
            ],
        )
        .await;
    assert_eq!(bad_post.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_post.has_error_summary());
    for field in [
        "#reference",
        "#service_area",
        "#grade",
        "#hours",
        "#annual_cost",
    ] {
        assert!(bad_post.body.contains(field), "{field}");
    }
    let taken = manager
        .post(
            "/posts/new",
            &[
                ("reference", "P-4001"),
                ("title", "Clerk"),
                ("service_area", "housing"),
                ("grade", "3"),
                ("hours", "37"),
                ("site", "Hall"),
                ("annual_cost", "20000"),
            ],
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.body.contains("already exists"));
    let bad_review = manager
        .post(
            &format!("/posts/{post}/review"),
            &[("decision", "promote"), ("reason", "")],
        )
        .await;
    assert_eq!(bad_review.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_review.has_error_summary());
    let unknown = manager
        .post(
            &format!("/posts/{post}/review"),
            &[
                ("decision", "replace"),
                ("reason", "Fine"),
                ("status", "external"),
            ],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    let bad_new = manager
        .post(
            "/vacancies/new",
            &[
                ("title", ""),
                ("summary", "x"),
                ("service_area", "housing"),
                ("grade_min", "6"),
                ("grade_max", "4"),
                ("hours", "37"),
                ("site", "Hall"),
                ("easting", "1"),
                ("northing", ""),
                ("training_limit", "9999"),
                ("essential_code", "Bad Code"),
                ("essential_title", ""),
                ("essential_days", ""),
            ],
        )
        .await;
    assert_eq!(bad_new.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_new.has_error_summary());
    for field in [
        "#title",
        "#grade_max",
        "#northing",
        "#training_limit",
        "#essential_code-1",
        "#essential_title-1",
    ] {
        assert!(bad_new.body.contains(field), "{field}");
    }
    assert_eq!(audit_count(&app).await, before, "nothing was written");

    let vacancy = frozen_vacancy(&app, "P-4002").await;
    let before = audit_count(&app).await;
    let no_reason = manager
        .post(
            &format!("/vacancies/{vacancy}/exception"),
            &[("reason", " ")],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.has_error_summary());
    let hr = app.signed_in(HR).await;
    let no_outcome = hr
        .post(
            &format!("/vacancies/{vacancy}/approve"),
            &[("outcome", ""), ("note", "")],
        )
        .await;
    assert_eq!(no_outcome.status, StatusCode::CONFLICT, "already approved");
    let bad_edit = manager
        .post(
            &format!("/vacancies/{vacancy}/edit"),
            &[("title", "x"), ("hours", "nope")],
        )
        .await;
    assert_eq!(bad_edit.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(audit_count(&app).await, before, "nothing was written");
    assert_eq!(status_of(&app, vacancy).await, "pool_only");
    app
}

async fn the_pool_sees_a_frozen_vacancy_first_and_everyone_after(app: TestApp) -> TestApp {
    let vacancy = frozen_vacancy(&app, "P-5001").await;
    assert_in_pool(&app, IN_POOL).await;
    let pool = app.signed_in(IN_POOL).await;
    let page = pool.get(&format!("/vacancies/{vacancy}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        pool.get("/vacancies")
            .await
            .body
            .contains(&vacancy.to_string())
    );
    let lead = app.signed_in(LEAD).await;
    assert_eq!(
        lead.get(&format!("/vacancies/{vacancy}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        !lead
            .get("/vacancies")
            .await
            .body
            .contains(&vacancy.to_string())
    );
    // The freeze's last day is still the pool's.
    app.state.clock.advance(Duration::days(28));
    let lead = app.signed_in(LEAD).await;
    assert_eq!(
        lead.get(&format!("/vacancies/{vacancy}")).await.status,
        StatusCode::NOT_FOUND
    );
    // The day after, everyone sees it, without anyone changing the record.
    app.state.clock.advance(Duration::days(1));
    let lead = app.signed_in(LEAD).await;
    let open = lead.get(&format!("/vacancies/{vacancy}")).await;
    assert_eq!(open.status, StatusCode::OK);
    assert!(open.body.contains("Open to all staff"));
    assert!(
        lead.get("/vacancies")
            .await
            .body
            .contains(&vacancy.to_string())
    );
    assert_eq!(status_of(&app, vacancy).await, "pool_only");
    // Once open, an exception is no longer needed.
    let manager = app.signed_in(MANAGER).await;
    let late = manager
        .post(
            &format!("/vacancies/{vacancy}/exception"),
            &[("reason", "Too late")],
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    app
}

async fn an_exception_opens_a_vacancy_early_and_is_recorded(app: TestApp) -> TestApp {
    let vacancy = frozen_vacancy(&app, "P-6001").await;
    let manager = app.signed_in(MANAGER).await;
    let page = manager
        .get(&format!("/vacancies/{vacancy}/exception"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let asked = manager
        .post(
            &format!("/vacancies/{vacancy}/exception"),
            &[(
                "reason",
                "A specialist registration nobody in the pool holds.",
            )],
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    // One request waits at a time.
    let twice = manager
        .post(
            &format!("/vacancies/{vacancy}/exception"),
            &[("reason", "Again")],
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    // The manager cannot decide it.
    let self_approved = manager
        .post(
            &format!("/vacancies/{vacancy}/exception/decide"),
            &[("outcome", "approve"), ("note", "")],
        )
        .await;
    assert_eq!(self_approved.status, StatusCode::FORBIDDEN);
    let hr = app.signed_in(HR).await;
    let refuse_without_note = hr
        .post(
            &format!("/vacancies/{vacancy}/exception/decide"),
            &[("outcome", "refuse"), ("note", "")],
        )
        .await;
    assert_eq!(refuse_without_note.status, StatusCode::UNPROCESSABLE_ENTITY);
    let decided = hr
        .post(
            &format!("/vacancies/{vacancy}/exception/decide"),
            &[
                ("outcome", "approve"),
                ("note", "Agreed with the service head."),
            ],
        )
        .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, vacancy).await, "external");
    let shown = hr.get(&format!("/vacancies/{vacancy}")).await;
    assert!(
        shown
            .body
            .contains("A specialist registration nobody in the pool holds.")
    );
    assert!(shown.body.contains("Exception approved"));
    let staff = app.signed_in(STAFF).await;
    assert_eq!(
        staff.get(&format!("/vacancies/{vacancy}")).await.status,
        StatusCode::OK
    );
    assert_eq!(actions(&app, "vacancy.exception_request", vacancy).await, 1);
    assert_eq!(actions(&app, "vacancy.exception_decide", vacancy).await, 1);

    // A refusal keeps the freeze.
    let other = frozen_vacancy(&app, "P-6002").await;
    manager
        .post(
            &format!("/vacancies/{other}/exception"),
            &[("reason", "Hard to fill")],
        )
        .await;
    let refused = hr
        .post(
            &format!("/vacancies/{other}/exception/decide"),
            &[
                ("outcome", "refuse"),
                ("note", "Two people in the pool fit."),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, other).await, "pool_only");
    assert_eq!(
        staff.get(&format!("/vacancies/{other}")).await.status,
        StatusCode::NOT_FOUND
    );
    app
}

/// Mark a vacancy shared through its details form.
async fn share(app: &TestApp, vacancy: Uuid) {
    let manager = app.signed_in(MANAGER).await;
    let reply = manager
        .post(
            &format!("/vacancies/{vacancy}/edit"),
            &[
                ("title", "Refuse collection driver"),
                (
                    "summary",
                    "Drives a collection round in the north of the borough.",
                ),
                ("service_area", "waste_and_recycling"),
                ("grade_min", "4"),
                ("grade_max", "5"),
                ("hours", "37"),
                ("site", "Northmere depot"),
                ("easting", "451200"),
                ("northing", "520300"),
                ("training_limit", "90"),
                ("shared", "yes"),
                ("essential_code", "hgv_licence"),
                ("essential_title", "HGV licence (category C)"),
                ("essential_days", "60"),
                ("experience_area", "waste_and_recycling"),
                ("experience_months", "12"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
}

async fn partners_see_shared_open_vacancies_only_and_read_only(app: TestApp) -> TestApp {
    let shared = frozen_vacancy(&app, "P-7001").await;
    share(&app, shared).await;
    let unshared = frozen_vacancy(&app, "P-7002").await;
    let partner = app.signed_in(PARTNER_STAFF).await;
    // Held for Northmere's pool: not yet for partners.
    assert_eq!(
        partner.get(&format!("/vacancies/{shared}")).await.status,
        StatusCode::NOT_FOUND
    );
    app.state.clock.advance(Duration::days(29));
    let partner = app.signed_in(PARTNER_STAFF).await;
    let page = partner.get(&format!("/vacancies/{shared}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Northmere Borough Council"));
    assert!(page.body.contains("HGV licence (category C)"));
    assert!(
        !page
            .body
            .contains("The service still needs the round covered."),
        "no review"
    );
    assert!(!page.body.contains(&format!("/vacancies/{shared}/edit")));
    let list = partner.get("/vacancies?view=partners").await;
    assert!(list.body.contains(&shared.to_string()));
    assert!(!list.body.contains(&unshared.to_string()));
    assert_eq!(
        partner.get(&format!("/vacancies/{unshared}")).await.status,
        StatusCode::NOT_FOUND
    );
    // A partner's manager cannot change it.
    let partner_manager = app.signed_in(PARTNER_MANAGER).await;
    assert_eq!(
        partner_manager
            .get(&format!("/vacancies/{shared}/edit"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A council outside the partnership sees nothing.
    let other = app.signed_in(OTHER_STAFF).await;
    assert_eq!(
        other.get(&format!("/vacancies/{shared}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        !other
            .get("/vacancies?view=partners")
            .await
            .body
            .contains(&shared.to_string())
    );
    app
}

async fn another_council_gets_404_and_nothing_changes(app: TestApp) -> TestApp {
    let post = add_post(&app, "P-8001").await;
    let in_review = review(&app, add_post(&app, "P-8002").await, "replace").await;
    let frozen = frozen_vacancy(&app, "P-8003").await;
    let manager = app.signed_in(MANAGER).await;
    manager
        .post(
            &format!("/vacancies/{frozen}/exception"),
            &[("reason", "Urgent")],
        )
        .await;
    let before = audit_count(&app).await;
    for email in [OTHER_HR, OTHER_MANAGER] {
        let b = app.signed_in(email).await;
        for path in [
            format!("/posts/{post}"),
            format!("/posts/{post}/review"),
            format!("/vacancies/{in_review}"),
            format!("/vacancies/{in_review}/edit"),
            format!("/vacancies/{in_review}/approve"),
            format!("/vacancies/{frozen}"),
            format!("/vacancies/{frozen}/exception"),
        ] {
            let r = b.get(&path).await;
            if r.status != StatusCode::FORBIDDEN {
                assert_eq!(r.status, StatusCode::NOT_FOUND, "{email} GET {path}");
            }
        }
        let posts: [(String, Vec<(&str, &str)>); 5] = [
            (
                format!("/posts/{post}/review"),
                vec![("decision", "delete"), ("reason", "Mine now")],
            ),
            (
                format!("/vacancies/{in_review}/approve"),
                vec![("outcome", "approve"), ("note", "")],
            ),
            (
                format!("/vacancies/{frozen}/exception"),
                vec![("reason", "Mine now")],
            ),
            (
                format!("/vacancies/{frozen}/exception/decide"),
                vec![("outcome", "approve"), ("note", "")],
            ),
            (
                format!("/vacancies/{frozen}/edit"),
                vec![("title", "Mine now")],
            ),
        ];
        for (path, fields) in &posts {
            let r = b.post(path, fields).await;
            if r.status != StatusCode::FORBIDDEN {
                assert_eq!(r.status, StatusCode::NOT_FOUND, "{email} POST {path}");
            }
        }
    }
    // HR of the other council is refused on every route that would act.
    let other_hr = app.signed_in(OTHER_HR).await;
    assert_eq!(
        other_hr
            .post(
                &format!("/vacancies/{in_review}/approve"),
                &[("outcome", "approve"), ("note", "")]
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(audit_count(&app).await, before);
    assert_eq!(status_of(&app, in_review).await, "in_review");
    assert_eq!(status_of(&app, frozen).await, "pool_only");
    app
}

async fn two_hr_approvals_at_once_approve_once(app: TestApp) -> TestApp {
    let post = add_post(&app, "P-9001").await;
    let vacancy = review(&app, post, "delete").await;
    let a = app.signed_in(HR).await;
    let b = app.signed_in(HR).await;
    let path = format!("/vacancies/{vacancy}/approve");
    let fields = [("outcome", "approve"), ("note", "")];
    let (ra, rb) = tokio::join!(a.post(&path, &fields), b.post(&path, &fields));
    let mut statuses = [ra.status, rb.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::CONFLICT]);
    assert_eq!(actions(&app, "vacancy.approve", vacancy).await, 1);
    assert_eq!(status_of(&app, vacancy).await, "withdrawn");
    app
}

async fn a_new_role_is_raised_with_its_requirements(app: TestApp) -> TestApp {
    // A framework strength, as the profiles part seeds them.
    let org = org_id(&app, "northmere").await;
    let strength = Uuid::new_v4();
    app.db()
        .conn()
        .execute_unprepared(&format!(
            "INSERT INTO strengths (id, organisation_id, position, name, description, retired, created_at) \
             SELECT {}, {}, 900, 'Test Resilience', 'Keeps going.', 1 = 0, created_at FROM organisations WHERE id = {}",
            sql_uuid(&app, strength),
            sql_uuid(&app, org.uuid()),
            sql_uuid(&app, org.uuid()),
        ))
        .await
        .unwrap();
    let manager = app.signed_in(MANAGER).await;
    let form = manager.get("/vacancies/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Test Resilience"));
    let id = strength.to_string();
    let reply = manager
        .post(
            "/vacancies/new",
            &[
                ("title", "Community energy officer"),
                ("summary", "Helps neighbourhoods set up energy schemes."),
                ("service_area", "environmental_health"),
                ("grade_min", "6"),
                ("grade_max", "7"),
                ("hours", "18.5"),
                ("site", ""),
                ("remote", "yes"),
                ("training_limit", "120"),
                ("essential_code", "driving_licence"),
                ("essential_title", "Full driving licence"),
                ("essential_days", ""),
                ("essential_code", ""),
                ("essential_title", ""),
                ("essential_days", ""),
                ("strength_id", &id),
                ("strength_level", "4"),
                ("strength_weight", "3"),
                ("strength_id", ""),
                ("strength_level", ""),
                ("strength_weight", ""),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let vacancy = id_after(reply.location().unwrap(), "/vacancies/");
    assert_eq!(status_of(&app, vacancy).await, "in_review");
    let req = beacon_db::vacancies::requirements(app.db().conn(), org, vacancy)
        .await
        .unwrap();
    assert_eq!(req.essentials.len(), 1);
    assert_eq!(req.essentials[0].training_days, None);
    assert_eq!(req.strengths.len(), 1);
    assert_eq!(req.strengths[0].0.level, 4);
    let page = manager.get(&format!("/vacancies/{vacancy}")).await;
    assert!(page.body.contains("Full driving licence"));
    assert!(page.body.contains("New role"));
    // Staff raise nothing.
    let staff = app.signed_in(STAFF).await;
    assert_eq!(
        staff.get("/vacancies/new").await.status,
        StatusCode::FORBIDDEN
    );
    approve(&app, vacancy).await;
    assert_eq!(status_of(&app, vacancy).await, "pool_only");
    let edit = manager.get(&format!("/vacancies/{vacancy}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(edit.body.contains("Full driving licence"));
    app
}

async fn no_page_shows_pool_standing_or_says_at_risk(app: TestApp) -> TestApp {
    let post = add_post(&app, "P-9501").await;
    let vacancy = frozen_vacancy(&app, "P-9502").await;
    assert_in_pool(&app, IN_POOL).await;
    for email in [MANAGER, HR, IN_POOL] {
        let b = app.signed_in(email).await;
        let mut pages = vec![
            "/vacancies".to_owned(),
            "/vacancies?view=reviews".to_owned(),
            format!("/vacancies/{vacancy}"),
        ];
        if email != IN_POOL {
            pages.extend([
                "/posts".to_owned(),
                format!("/posts/{post}"),
                format!("/vacancies/{vacancy}/exception"),
            ]);
        }
        for path in pages {
            let r = b.get(&path).await;
            let text = r.body.to_lowercase();
            assert!(!text.contains("at risk"), "{email} {path}");
            if email == MANAGER {
                for word in [
                    "role_removed",
                    "protected",
                    "on_trial",
                    "pool tier",
                    "Pool Member",
                ] {
                    assert!(!r.body.contains(word), "{email} {path} shows {word}");
                }
            }
        }
    }
    app
}

async fn lists_are_filtered_by_allow_listed_keys(app: TestApp) -> TestApp {
    add_post(&app, "P-9901").await;
    let hr = app.signed_in(HR).await;
    let all = hr.get("/posts").await;
    assert_eq!(all.status, StatusCode::OK);
    let waste = hr
        .get("/posts?area=waste_and_recycling&status=vacant")
        .await;
    assert_eq!(waste.status, StatusCode::OK);
    assert!(waste.body.contains("P-9901"));
    let housing = hr.get("/posts?area=housing&status=vacant").await;
    assert!(!housing.body.contains("P-9901"));
    let hostile = hr
        .get("/posts?area=%27%3B%20drop%20table%20posts&status=x&page=-1")
        .await;
    assert_eq!(hostile.status, StatusCode::OK);
    assert_eq!(
        hr.get("/posts?sort=reference").await.status,
        StatusCode::BAD_REQUEST,
        "unknown keys are refused"
    );
    let staff = app.signed_in(STAFF).await;
    assert_eq!(
        staff
            .get("/vacancies?view=reviews&grade=99&area=x")
            .await
            .status,
        StatusCode::OK
    );
    app
}

async fn emails_to(app: &TestApp, address: &str) -> Vec<beacon_db::outbox::Message> {
    let org = org_id(app, "northmere").await;
    let (all, _) = beacon_db::outbox::list(app.db().conn(), Some(org), 1, 10_000)
        .await
        .unwrap();
    all.into_iter()
        .filter(|m| m.to_address == address)
        .collect()
}

async fn hr_decisions_email_the_manager_who_raised_them(app: TestApp) -> TestApp {
    let before = emails_to(&app, MANAGER).await.len();
    // An approved deletion.
    let post = add_post(&app, "P-7001").await;
    let deletion = review(&app, post, "delete").await;
    assert_eq!(
        emails_to(&app, MANAGER).await.len(),
        before,
        "starting a review tells nobody"
    );
    approve(&app, deletion).await;
    let told = emails_to(&app, MANAGER).await;
    assert_eq!(told.len(), before + 1, "{told:?}");
    let mail = told
        .iter()
        .find(|m| m.subject == "Approved: Refuse collection driver")
        .expect("the approval email");
    assert!(mail.body.contains("the post is deleted"), "{}", mail.body);
    assert!(
        mail.body.contains(&format!("/vacancies/{deletion}")),
        "{}",
        mail.body
    );

    // A review sent back says why.
    let post = add_post(&app, "P-7002").await;
    let sent_back = review(&app, post, "replace").await;
    let hr = app.signed_in(HR).await;
    // A refused decision writes no email.
    let refused = hr
        .post(
            &format!("/vacancies/{sent_back}/approve"),
            &[("outcome", "send_back"), ("note", "")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(emails_to(&app, MANAGER).await.len(), before + 1);
    let r = hr
        .post(
            &format!("/vacancies/{sent_back}/approve"),
            &[
                ("outcome", "send_back"),
                ("note", "Check the rota with the depot first."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let told = emails_to(&app, MANAGER).await;
    assert_eq!(told.len(), before + 2);
    let mail = told
        .iter()
        .find(|m| m.subject == "Sent back to you: Refuse collection driver")
        .expect("the sent-back email");
    assert!(mail.body.contains("Check the rota with the depot first."));
    // Deciding again is too late, and tells nobody twice.
    let again = hr
        .post(
            &format!("/vacancies/{sent_back}/approve"),
            &[("outcome", "approve"), ("note", "")],
        )
        .await;
    assert_ne!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(emails_to(&app, MANAGER).await.len(), before + 2);

    // A new role approved, in the language HR works in.
    let manager = app.signed_in(MANAGER).await;
    let reply = manager
        .post(
            "/vacancies/new",
            &[
                ("title", "Tenancy support officer"),
                ("summary", "Helps tenants keep their homes."),
                ("service_area", "housing"),
                ("grade_min", "5"),
                ("grade_max", "5"),
                ("hours", "37"),
                ("site", "Civic Centre"),
                ("training_limit", "90"),
                ("essential_code", ""),
                ("essential_title", ""),
                ("essential_days", ""),
                ("strength_id", ""),
                ("strength_level", ""),
                ("strength_weight", ""),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let role = id_after(reply.location().unwrap(), "/vacancies/");
    let r = hr
        .post(
            &format!("/vacancies/{role}/approve?lang=cy"),
            &[("outcome", "approve"), ("note", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let told = emails_to(&app, MANAGER).await;
    assert_eq!(told.len(), before + 3);
    assert!(
        told.iter()
            .any(|m| m.subject == "Wedi’i gymeradwyo: Tenancy support officer"),
        "{told:?}"
    );
    // Other councils' outboxes hold none of it.
    let other = org_id(&app, "eastbrook").await;
    let (theirs, _) = beacon_db::outbox::list(app.db().conn(), Some(other), 1, 10_000)
        .await
        .unwrap();
    assert!(theirs.iter().all(|m| m.to_address != MANAGER));
    app
}

async fn posts_are_found_by_reference_or_holder(app: TestApp) -> TestApp {
    let org = org_id(&app, "northmere").await;
    let filled = beacon_db::vacancies::posts(
        app.db().conn(),
        org,
        &beacon_db::vacancies::PostFilter {
            status: Some(beacon_core::talent::PostStatus::Filled),
            ..Default::default()
        },
        1,
        50,
    )
    .await
    .unwrap();
    let (post, holder) = filled
        .posts
        .iter()
        .find_map(|p| {
            let name = filled.holders.get(&p.holder_id?)?;
            Some((p.clone(), name.clone()))
        })
        .expect("the demo has posts with holders");
    let manager = app.signed_in(MANAGER).await;
    // By the holder's surname, in another case: the post and its holder.
    let surname = holder.split_whitespace().last().unwrap().to_uppercase();
    let page = manager
        .get(&format!("/posts?q={}", urlencode(&surname)))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&post.reference), "{}", page.body);
    assert!(page.body.contains(&holder));
    let rows = page.texts("main table tbody tr");
    assert!(
        rows.iter().all(|r| r.to_uppercase().contains(&surname)),
        "only posts whose reference or holder matches: {rows:?}"
    );
    // By reference, in lower case: that post alone.
    add_post(&app, "SRCH-0001").await;
    add_post(&app, "SRCH-0002").await;
    let page = manager.get("/posts?q=srch-0001").await;
    let rows = page.texts("main table tbody tr");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].starts_with("SRCH-0001"));
    assert!(
        page.body.contains("value=\"srch-0001\""),
        "the search is kept"
    );
    let page = manager.get("/posts?q=srch&status=vacant").await;
    assert_eq!(page.texts("main table tbody tr").len(), 2);
    // Wildcards are text, and nobody else's posts are found.
    let page = manager.get("/posts?q=%25").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.texts("main table tbody tr").is_empty());
    let other = app.signed_in(OTHER_MANAGER).await;
    let page = other.get("/posts?q=srch-0001").await;
    assert!(page.texts("main table tbody tr").is_empty());
    // In Welsh too.
    let page = manager.get("/posts?q=srch&lang=cy").await;
    assert!(page.body.contains("Cyfeirnod neu enw’r deiliad"));
    app
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
