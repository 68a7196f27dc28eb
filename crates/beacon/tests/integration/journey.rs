//! Journeys from invitation to placement, trials, and the redeployment team.
//!
//! Each scenario makes the staff, vacancy and pool records it needs through
//! `beacon_db::journey::fixtures`, so it does not depend on what other parts
//! of the demo seed.
use crate::helpers::*;
use beacon_core::account::Email;
use beacon_core::permission::Capability;
use beacon_core::talent::PoolTier;
use beacon_core::text::DisplayName;
use beacon_core::{OrgId, PersonId, Role};
use beacon_db::audit::Actor;
use beacon_db::journey::fixtures::{self, Job, PoolPerson};
use beacon_db::journey::{self, Invitation};
use beacon_web::routes::Access;
use reqwest::StatusCode;
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

/// This feature's rows of the role × route × organisation matrix.
pub fn access(method: &str, path: &str) -> Option<Access> {
    let hr = Access::Can(Capability::RunTalentPool);
    let vacancies = Access::Can(Capability::ManageVacancies);
    let staff = Access::Can(Capability::UseJobsMarket);
    Some(match (method, path) {
        ("GET", "/talent/journeys") => hr,
        // HR and the vacancy's manager: the handler narrows it to them.
        ("GET" | "POST", "/talent/journeys/{id}") => vacancies,
        (
            "POST",
            "/talent/journeys/{id}/return"
            | "/talent/journeys/{id}/outcome"
            | "/talent/journeys/{id}/extension",
        ) => vacancies,
        // The person's own journeys; anyone else's is not found.
        ("GET", "/talent/journey" | "/talent/journey/{id}") => staff,
        ("POST", "/talent/journey/{id}") => staff,
        ("GET" | "POST", "/talent/redeployment") => hr,
        ("POST", "/talent/redeployment/{id}/end") => hr,
        _ => return None,
    })
}

both_databases!(
    the_whole_journey_tells_the_person_at_each_step,
    moves_only_by_the_right_party_and_in_order,
    bad_input_gets_an_error_summary_and_changes_nothing,
    two_moves_at_once_one_wins,
    the_manager_sees_names_steps_and_dates_only,
    another_councils_people_find_nothing,
    the_redeployment_team_staffs_a_pilot,
    hr_lists_journeys_by_step,
    the_manager_may_revise_the_outcome_until_the_placement,
);

const HR: &str = "hr@northmere.example";
const MANAGER: &str = "manager@northmere.example";
const STAFF: &str = "staff@northmere.example";

fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

/// A new account with the staff role in Northmere, on a staff record in
/// the pool. Returns the email, the staff record and the pool stay.
async fn person_in_pool(app: &TestApp, name: &str) -> (String, Uuid, Uuid) {
    let org = org_id(app, "northmere").await;
    let tag = Uuid::new_v4().simple().to_string();
    let email = format!(
        "{}.{}@northmere.example",
        name.to_lowercase().replace(' ', "."),
        &tag[..8]
    );
    let hash = beacon_web::password::hash(DEMO_PASSWORD.to_owned())
        .await
        .unwrap();
    let now = OffsetDateTime::now_utc();
    let txn = app.db().begin_writing().await.unwrap();
    let actor = Actor::system("test");
    let person = beacon_db::people::create(
        &txn,
        &actor,
        now,
        beacon_db::people::NewPerson {
            email: &Email::parse(&email).unwrap(),
            display_name: &DisplayName::parse(name).unwrap(),
            password_hash: Some(hash),
            sector_admin: false,
        },
    )
    .await
    .unwrap();
    beacon_db::people::grant_role(&txn, &actor, now, org, person.id, Role::Staff)
        .await
        .unwrap();
    let number = format!("T{}", &tag[..8]);
    let (staff, stay) = fixtures::person_in_pool(
        &txn,
        now,
        org,
        &PoolPerson {
            employee_number: &number,
            name,
            job_title: "Revenues officer",
            email: Some(&email),
            account: Some(person.id),
            tier: PoolTier::RoleRemoved,
            entered_on: today() - Duration::days(60),
        },
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    (email, staff, stay)
}

/// A vacancy in a council, raised by `raiser`, asking for a driving licence.
async fn vacancy(app: &TestApp, council: &str, raiser: &str, title: &str) -> Uuid {
    let org = org_id(app, council).await;
    let raised_by = person_id(app, raiser).await;
    let now = OffsetDateTime::now_utc();
    let reference = format!("T{}", &Uuid::new_v4().simple().to_string()[..8]);
    let txn = app.db().begin_writing().await.unwrap();
    let id = fixtures::vacancy_with_post(
        &txn,
        now,
        org,
        &Job {
            reference: &reference,
            title,
            service_area: "revenues",
            raised_by,
            essentials: &["driving_licence"],
            created_at: now,
        },
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    id
}

async fn invite(app: &TestApp, council: &str, vacancy: Uuid, staff: Uuid) -> Uuid {
    let org = org_id(app, council).await;
    let owner = person_id(app, MANAGER).await;
    let now = OffsetDateTime::now_utc();
    let txn = app.db().begin_writing().await.unwrap();
    let id = journey::invite_and_tell(
        &txn,
        now,
        now.date(),
        &Actor::system("test"),
        org,
        &Invitation {
            vacancy,
            staff,
            owner,
            interview_guaranteed: true,
        },
        &journey::Notice {
            subject: "You are invited".to_owned(),
            body: "You have been invited to a vacancy.".to_owned(),
        },
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    id
}

/// A person in the pool invited to a new vacancy of the demo manager's.
async fn invited(app: &TestApp, name: &str) -> (String, Uuid, Uuid, Uuid) {
    let (email, staff, stay) = person_in_pool(app, name).await;
    let vacancy = vacancy(app, "northmere", MANAGER, "Council tax officer").await;
    let journey = invite(app, "northmere", vacancy, staff).await;
    (email, journey, vacancy, stay)
}

async fn placement(app: &TestApp, id: Uuid) -> beacon_db::entity::placement::Model {
    let org = org_id(app, "northmere").await;
    journey::placement_in(app.db().conn(), org, id)
        .await
        .unwrap()
}

async fn step_of(app: &TestApp, id: Uuid) -> String {
    placement(app, id).await.step
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

fn date_fields(prefix: &str, date: Date) -> Vec<(String, String)> {
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

async fn take(b: &Browser, journey: Uuid, mv: &str, from: &str, extra: &[(&str, &str)]) -> Reply {
    let mut form = vec![("move", mv), ("from", from)];
    form.extend_from_slice(extra);
    let path = if mv == "return" {
        format!("/talent/journeys/{journey}/return")
    } else {
        format!("/talent/journeys/{journey}")
    };
    b.post(&path, &form).await
}

/// Walk a journey to its trial, as the person and the manager would.
async fn to_trial(app: &TestApp, email: &str, journey: Uuid) {
    let person = app.signed_in(email).await;
    let r = person
        .post(
            &format!("/talent/journey/{journey}"),
            &[("answer", "interested")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let manager = app.signed_in(MANAGER).await;
    let r = take(&manager, journey, "assess", "interested", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = take(
        &manager,
        journey,
        "offer",
        "assessed",
        &[(
            "training_plan",
            "Driving lessons through the council's scheme",
        )],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let start = date_fields("trial-start", today());
    let mut form = vec![("move", "start_trial"), ("from", "offered")];
    form.extend(fields(&start));
    let r = manager
        .post(&format!("/talent/journeys/{journey}"), &form)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

async fn the_whole_journey_tells_the_person_at_each_step(app: TestApp) -> TestApp {
    let (email, journey, vacancy, stay) = invited(&app, "Rhian Morris").await;
    let org = org_id(&app, "northmere").await;

    // The person sees their invitation and says they are interested.
    let person = app.signed_in(&email).await;
    let mine = person.get("/talent/journey").await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine.body.contains("Council tax officer"), "{}", mine.body);
    assert!(mine.body.contains("Reply needed"));
    let own = person.get(&format!("/talent/journey/{journey}")).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("Are you interested in this vacancy?"));
    let r = person
        .post(
            &format!("/talent/journey/{journey}"),
            &[("answer", "interested")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(step_of(&app, journey).await, "interested");
    assert_eq!(
        emails_to(&app, &email).await.len(),
        2,
        "invited, interested"
    );

    // The manager assesses and offers: a gap (no driving licence) needs a plan.
    let manager = app.signed_in(MANAGER).await;
    let page = manager.get(&format!("/talent/journeys/{journey}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Record the assessment"));
    let r = take(
        &manager,
        journey,
        "assess",
        "interested",
        &[("note", "Strong interview")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let before = audit_count(&app).await;
    let r = take(&manager, journey, "offer", "assessed", &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.has_error_summary());
    assert!(r.body.contains("Enter a training plan"), "{}", r.body);
    assert_eq!(step_of(&app, journey).await, "assessed");
    assert_eq!(
        audit_count(&app).await,
        before,
        "a refused offer writes nothing"
    );
    let r = take(
        &manager,
        journey,
        "offer",
        "assessed",
        &[(
            "training_plan",
            "Driving lessons through the council's scheme",
        )],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    // The trial: four calendar weeks beginning with its first day.
    let start = today() + Duration::days(3);
    let dates = date_fields("trial-start", start);
    let mut form = vec![("move", "start_trial"), ("from", "offered")];
    form.extend(fields(&dates));
    let r = manager
        .post(&format!("/talent/journeys/{journey}"), &form)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let p = placement(&app, journey).await;
    assert_eq!(p.step, "trial");
    assert_eq!(p.trial_starts_on, Some(start));
    assert_eq!(p.trial_ends_on, Some(start + Duration::days(27)));
    let stays = journey::unplaced(app.db().conn(), org, 1, 10_000)
        .await
        .unwrap();
    let mine = stays.rows.iter().find(|s| s.stay == stay).unwrap();
    assert_eq!(mine.status, beacon_core::talent::PoolStatus::OnTrial);

    // The manager records the outcome; HR confirms the placement.
    let hr = app.signed_in(HR).await;
    let r = take(&hr, journey, "place", "trial", &[]).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "placing needs a passed trial"
    );
    assert!(r.body.contains("Record that the trial was passed"));
    let r = manager
        .post(
            &format!("/talent/journeys/{journey}/outcome"),
            &[("outcome", "passed"), ("outcome_note", "Settled in well")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = take(
        &hr,
        journey,
        "place",
        "trial",
        &[("note", "Confirmed by the panel")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(step_of(&app, journey).await, "placed");

    // Placed: the stay, the vacancy and the post follow.
    let stays = journey::unplaced(app.db().conn(), org, 1, 10_000)
        .await
        .unwrap();
    assert!(
        stays.rows.iter().all(|s| s.stay != stay),
        "no longer unplaced"
    );
    let v = journey::open_vacancies(app.db().conn(), org, 10_000)
        .await
        .unwrap();
    assert!(v.iter().all(|x| x.id != vacancy), "the vacancy is filled");

    // The person was told at each step: invited, interested, assessed,
    // offered, trial, placed.
    let told = emails_to(&app, &email).await;
    assert_eq!(told.len(), 6, "{told:?}");
    assert!(told.iter().any(|m| m.body.contains("You have been placed")));

    // The vacancy's journeys, as its page would list them.
    let on_vacancy = journey::for_vacancy(app.db().conn(), org, vacancy)
        .await
        .unwrap();
    assert_eq!(on_vacancy.len(), 1);
    assert_eq!(on_vacancy[0].staff_name, "Rhian Morris");

    // The history: every step, with its date and owner.
    let page = hr.get(&format!("/talent/journeys/{journey}")).await;
    let rows = page.texts("#history ~ table tbody tr");
    assert_eq!(rows.len(), 6, "{rows:?}");
    assert!(rows[0].starts_with("Invited"));
    assert!(rows[5].starts_with("Placed"));
    let own = person.get(&format!("/talent/journey/{journey}")).await;
    assert!(
        own.body.contains("Passed, recorded on"),
        "the person sees their outcome"
    );
    app
}

async fn moves_only_by_the_right_party_and_in_order(app: TestApp) -> TestApp {
    let (email, journey, _, _) = invited(&app, "Owen Pryce").await;
    let before = audit_count(&app).await;

    // Someone else's journey is not found, to look at or to answer.
    let other = app.signed_in(STAFF).await;
    assert_eq!(
        other
            .get(&format!("/talent/journey/{journey}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = other
        .post(
            &format!("/talent/journey/{journey}"),
            &[("answer", "interested")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Nor may a member of staff use HR's pages.
    assert_eq!(
        other
            .get(&format!("/talent/journeys/{journey}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // HR cannot say the person is interested for them, nor skip steps.
    let hr = app.signed_in(HR).await;
    let r = take(&hr, journey, "assess", "invited", &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "out of order");
    let r = take(&hr, journey, "place", "invited", &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(step_of(&app, journey).await, "invited");
    assert_eq!(audit_count(&app).await, before);

    // A manager of another vacancy does not find this journey.
    let theirs = vacancy(&app, "northmere", HR, "Payroll officer").await;
    let (_, staff2, _) = person_in_pool(&app, "Siân Griffiths").await;
    let hr_journey = invite(&app, "northmere", theirs, staff2).await;
    let manager = app.signed_in(MANAGER).await;
    assert_eq!(
        manager
            .get(&format!("/talent/journeys/{hr_journey}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // To the trial; then the manager may not return or place, HR may not
    // record the outcome.
    to_trial(&app, &email, journey).await;
    let r = take(&manager, journey, "return", "trial", &[("reason", "x")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = take(&manager, journey, "place", "trial", &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = hr
        .post(
            &format!("/talent/journeys/{journey}/outcome"),
            &[("outcome", "passed")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The person's answer comes too late now.
    let person = app.signed_in(&email).await;
    let r = person
        .post(
            &format!("/talent/journey/{journey}"),
            &[("answer", "decline")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("already answered"));
    // HR returns them to the pool, with a reason.
    let r = take(
        &hr,
        journey,
        "return",
        "trial",
        &[("reason", "The trial did not work out")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(step_of(&app, journey).await, "returned");
    let r = take(&hr, journey, "return", "returned", &[("reason", "again")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "a returned journey is over");
    app
}

async fn bad_input_gets_an_error_summary_and_changes_nothing(app: TestApp) -> TestApp {
    let (email, journey, _, _) = invited(&app, "Tomos Evans").await;
    let person = app.signed_in(&email).await;
    let before = audit_count(&app).await;
    let r = person
        .post(&format!("/talent/journey/{journey}"), &[])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.has_error_summary());
    let r = person
        .post(
            &format!("/talent/journey/{journey}"),
            &[("answer", "interested"), ("step", "placed")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "no unknown fields");
    assert_eq!(audit_count(&app).await, before);
    assert_eq!(step_of(&app, journey).await, "invited");

    to_trial(&app, &email, journey).await;
    let hr = app.signed_in(HR).await;
    let before = audit_count(&app).await;
    let r = take(&hr, journey, "return", "trial", &[("reason", "   ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.texts(".govuk-error-summary a"),
        vec!["Enter why they are going back to the pool"]
    );
    // An extension needs the written agreement and a later end date.
    let r = hr
        .post(&format!("/talent/journeys/{journey}/extension"), &[])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.texts(".govuk-error-summary a").len(), 2);
    let end = date_fields("extended-end", today() + Duration::days(5));
    let mut form = vec![("agreement", "Agreed in writing")];
    form.extend(fields(&end));
    let r = hr
        .post(&format!("/talent/journeys/{journey}/extension"), &form)
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "before the current end"
    );
    assert!(r.body.contains("must be after the trial"));
    let r = app
        .signed_in(MANAGER)
        .await
        .post(&format!("/talent/journeys/{journey}/outcome"), &[])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(audit_count(&app).await, before);
    let p = placement(&app, journey).await;
    assert_eq!(p.step, "trial");
    assert_eq!(p.extension_agreement, None);

    // A good extension moves the end date.
    let end = date_fields("extended-end", today() + Duration::days(60));
    let mut form = vec![(
        "agreement",
        "Agreed in writing: retraining in council tax law",
    )];
    form.extend(fields(&end));
    let r = hr
        .post(&format!("/talent/journeys/{journey}/extension"), &form)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let p = placement(&app, journey).await;
    assert_eq!(p.trial_ends_on, Some(today() + Duration::days(60)));

    // The redeployment form, empty.
    let before = audit_count(&app).await;
    let r = hr.post("/talent/redeployment", &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let links: Vec<String> = r
        .html()
        .select(&scraper::Selector::parse(".govuk-error-summary a").unwrap())
        .map(|a| a.value().attr("href").unwrap().to_owned())
        .collect();
    assert_eq!(
        links,
        vec![
            "#employee_number",
            "#kind",
            "#title",
            "#starts-day",
            "#ends-day"
        ]
    );
    assert_eq!(audit_count(&app).await, before);
    app
}

async fn two_moves_at_once_one_wins(app: TestApp) -> TestApp {
    let (email, journey, _, _) = invited(&app, "Ffion Rees").await;
    let person = app.signed_in(&email).await;
    let r = person
        .post(
            &format!("/talent/journey/{journey}"),
            &[("answer", "interested")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let hr = app.signed_in(HR).await;
    let manager = app.signed_in(MANAGER).await;
    let (a, b) = tokio::join!(
        take(&hr, journey, "assess", "interested", &[("note", "HR's")]),
        take(
            &manager,
            journey,
            "assess",
            "interested",
            &[("note", "The manager's")]
        ),
    );
    let mut statuses = vec![a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, vec![StatusCode::SEE_OTHER, StatusCode::CONFLICT]);
    let found = journey::find(app.db().conn(), org_id(&app, "northmere").await, journey)
        .await
        .unwrap();
    assert_eq!(found.history.len(), 3, "invited, interested, assessed once");
    app
}

async fn the_manager_sees_names_steps_and_dates_only(app: TestApp) -> TestApp {
    let (email, journey, _, _) = invited(&app, "Gethin Powell").await;
    to_trial(&app, &email, journey).await;
    let manager = app.signed_in(MANAGER).await;
    let r = manager
        .post(
            &format!("/talent/journeys/{journey}/outcome"),
            &[
                ("outcome", "passed"),
                ("outcome_note", "Quietly brilliant with callers"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    let hr_page = app
        .signed_in(HR)
        .await
        .get(&format!("/talent/journeys/{journey}"))
        .await;
    let manager_page = manager.get(&format!("/talent/journeys/{journey}")).await;
    assert_eq!(hr_page.status, StatusCode::OK);
    assert_eq!(manager_page.status, StatusCode::OK);
    let hr_fields = hr_page.texts(".govuk-summary-list__key");
    let manager_fields = manager_page.texts(".govuk-summary-list__key");
    assert_eq!(
        hr_fields,
        vec![
            "Step",
            "Since",
            "Trial",
            "Interview guaranteed",
            "Training plan",
            "Trial outcome"
        ]
    );
    assert_eq!(
        manager_fields,
        vec!["Step", "Since", "Trial", "Trial outcome"]
    );
    // The manager may change the outcome until the placement, so the page
    // offers both answers; which one was recorded is never shown: no summary
    // value says it and no answer is preselected.
    assert!(
        manager_page
            .texts(".govuk-summary-list__value")
            .iter()
            .all(|v| !v.contains("Passed")),
        "the manager sees the outcome"
    );
    assert!(
        manager_page
            .texts("input[name=outcome][checked]")
            .is_empty(),
        "the manager's form shows the outcome"
    );
    assert!(manager_page.body.contains("Change the trial outcome"));
    for hidden in [
        "Driving lessons",
        "Quietly brilliant",
        "Interview guaranteed",
        "Role removed",
        "role_removed",
        "Protected",
    ] {
        assert!(
            !manager_page.body.contains(hidden),
            "the manager sees {hidden:?}"
        );
    }
    assert!(manager_page.body.contains("Gethin Powell"));
    assert!(manager_page.texts(".govuk-summary-list__value")[3].starts_with("Recorded on"));
    assert!(hr_page.body.contains("Quietly brilliant with callers"));
    assert!(hr_page.body.contains("Driving lessons"));
    for page in [&hr_page, &manager_page] {
        assert!(!page.body.to_lowercase().contains("at risk"));
    }
    for path in ["/talent/journeys", "/talent/redeployment"] {
        let page = app.signed_in(HR).await.get(path).await;
        assert!(!page.body.to_lowercase().contains("at risk"), "{path}");
    }
    let own = app.signed_in(&email).await.get("/talent/journey").await;
    assert!(!own.body.to_lowercase().contains("at risk"));
    app
}

async fn another_councils_people_find_nothing(app: TestApp) -> TestApp {
    let (_, journey, _, _) = invited(&app, "Nia Lloyd").await;
    let before = audit_count(&app).await;
    for email in [
        "hr@askevale.example",
        "manager@eastbrook.example",
        "staff@askevale.example",
    ] {
        let b = app.signed_in(email).await;
        for path in [
            format!("/talent/journeys/{journey}"),
            format!("/talent/journey/{journey}"),
        ] {
            let r = b.get(&path).await;
            assert!(
                r.status == StatusCode::NOT_FOUND || r.status == StatusCode::FORBIDDEN,
                "{email} {path}: {}",
                r.status
            );
        }
        let r = take(&b, journey, "assess", "invited", &[]).await;
        assert!(
            matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{email}"
        );
        let r = b
            .post(
                &format!("/talent/journey/{journey}"),
                &[("answer", "interested")],
            )
            .await;
        assert!(
            matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{email}"
        );
    }
    let hr = app.signed_in("hr@askevale.example").await;
    for path in [
        format!("/talent/journeys/{journey}"),
        format!("/talent/journey/{journey}"),
    ] {
        assert_eq!(hr.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    for path in [
        format!("/talent/journeys/{journey}/outcome"),
        format!("/talent/journeys/{journey}/extension"),
        format!("/talent/journeys/{journey}/return"),
    ] {
        assert_eq!(
            hr.post(&path, &[]).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let list = hr.get("/talent/journeys").await;
    assert!(!list.body.contains(&journey.to_string()));
    // Northmere's assignments are not theirs to end.
    let org = org_id(&app, "northmere").await;
    if let Some(a) = journey::current_assignments(app.db().conn(), org, 1)
        .await
        .unwrap()
        .first()
    {
        let r = hr
            .post(&format!("/talent/redeployment/{}/end", a.id), &[])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(audit_count(&app).await, before);
    assert_eq!(step_of(&app, journey).await, "invited");
    app
}

async fn the_redeployment_team_staffs_a_pilot(app: TestApp) -> TestApp {
    let org: OrgId = org_id(&app, "northmere").await;
    let (email, staff, _) = person_in_pool(&app, "Dylan Hughes").await;
    let unplaced = journey::unplaced(app.db().conn(), org, 1, 10_000)
        .await
        .unwrap();
    let me = unplaced
        .rows
        .iter()
        .find(|u| u.staff == staff)
        .unwrap()
        .clone();
    let pilots = journey::running_pilots(app.db().conn(), org).await.unwrap();
    let hr = app.signed_in(HR).await;
    let page = hr.get("/talent/redeployment").await;
    assert_eq!(page.status, StatusCode::OK);
    let start = date_fields("starts", today());
    let end = date_fields("ends", today() + Duration::days(90));
    let pilot = pilots
        .first()
        .map(|(id, _)| id.to_string())
        .unwrap_or_default();
    let kind = if pilots.is_empty() {
        "project"
    } else {
        "pilot"
    };
    let mut form = vec![
        ("employee_number", me.employee_number.as_str()),
        ("kind", kind),
        ("title", "Outreach on the pilot"),
        ("pilot", pilot.as_str()),
    ];
    form.extend(fields(&start));
    form.extend(fields(&end));
    let r = hr.post("/talent/redeployment", &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let running = journey::current_assignments(app.db().conn(), org, 10_000)
        .await
        .unwrap();
    let assignment = running.iter().find(|a| a.staff == staff).unwrap().clone();
    assert_eq!(assignment.title, "Outreach on the pilot");
    if let Some((idea, _)) = pilots.first() {
        let account: PersonId = person_id(&app, &email).await;
        assert!(
            beacon_db::delivery::is_on_team(app.db().conn(), org, *idea, account)
                .await
                .unwrap(),
            "they joined the pilot's team"
        );
    }
    let page = hr.get("/talent/redeployment").await;
    assert!(page.body.contains("Outreach on the pilot"));
    let r = hr
        .post(&format!("/talent/redeployment/{}/end", assignment.id), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let running = journey::current_assignments(app.db().conn(), org, 10_000)
        .await
        .unwrap();
    assert!(running.iter().all(|a| a.id != assignment.id));
    // Someone outside the pool is refused, with a message.
    let mut form = vec![
        ("employee_number", "NOBODY-1"),
        ("kind", "project"),
        ("title", "Archive"),
        ("pilot", ""),
    ];
    form.extend(fields(&start));
    form.extend(fields(&end));
    let r = hr.post("/talent/redeployment", &form).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("Nobody in the pool has this employee number")
    );
    // Only HR.
    let manager = app.signed_in(MANAGER).await;
    assert_eq!(
        manager.get("/talent/redeployment").await.status,
        StatusCode::FORBIDDEN
    );
    app
}

async fn hr_lists_journeys_by_step(app: TestApp) -> TestApp {
    let (_, journey, _, _) = invited(&app, "Elin Watkins").await;
    let hr = app.signed_in(HR).await;
    let all = hr.get("/talent/journeys").await;
    assert_eq!(all.status, StatusCode::OK);
    let invited = hr.get("/talent/journeys?step=invited&page=1").await;
    assert_eq!(invited.status, StatusCode::OK);
    assert!(
        invited
            .body
            .contains(&format!("/talent/journeys/{journey}"))
    );
    let placed = hr.get("/talent/journeys?step=placed").await;
    assert!(!placed.body.contains(&format!("/talent/journeys/{journey}")));
    // A made-up step is ignored rather than passed on.
    let odd = hr.get("/talent/journeys?step=%27%3B--&page=-3").await;
    assert_eq!(odd.status, StatusCode::OK);
    let r = hr.get("/talent/journeys?sort=name").await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "unknown query keys are refused"
    );
    app
}

/// How many audit events of this kind are about this journey.
async fn actions(app: &TestApp, action: &str, journey: Uuid) -> usize {
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
        .filter(|e| e.subject_id == journey.to_string())
        .count()
}

async fn the_manager_may_revise_the_outcome_until_the_placement(app: TestApp) -> TestApp {
    let (email, journey, _, _) = invited(&app, "Carys Bevan").await;
    to_trial(&app, &email, journey).await;
    let manager = app.signed_in(MANAGER).await;
    let hr = app.signed_in(HR).await;
    let outcome = format!("/talent/journeys/{journey}/outcome");
    let r = manager
        .post(
            &outcome,
            &[
                ("outcome", "not_passed"),
                ("outcome_note", "Struggled at first"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        r.location()
            .unwrap()
            .ends_with("notice=journey_outcome_recorded")
    );
    let r = take(&hr, journey, "place", "trial", &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "not passed");

    // The manager may change it, without the page showing what it was.
    let page = manager.get(&format!("/talent/journeys/{journey}")).await;
    assert!(
        page.body.contains("Change the trial outcome"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Not passed,"), "{}", page.body);
    assert!(!page.body.contains("Struggled at first"));
    let welsh = manager
        .get(&format!("/talent/journeys/{journey}?lang=cy"))
        .await;
    assert!(welsh.body.contains("Newid canlyniad y cyfnod prawf"));
    // A bad revision changes nothing.
    let before = audit_count(&app).await;
    let r = manager.post(&outcome, &[("outcome", "maybe")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.has_error_summary());
    assert_eq!(audit_count(&app).await, before);
    let r = manager
        .post(
            &outcome,
            &[
                ("outcome", "passed"),
                ("outcome_note", "Settled in after all"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        r.location()
            .unwrap()
            .ends_with("notice=journey_outcome_revised")
    );
    assert_eq!(actions(&app, "journey.trial_outcome", journey).await, 1);
    assert_eq!(
        actions(&app, "journey.trial_outcome_revised", journey).await,
        1
    );
    // The audit log says that it changed, never what it says.
    let org = org_id(&app, "northmere").await;
    let filter = beacon_db::audit::AuditFilter {
        action: Some("journey.trial_outcome_revised".to_owned()),
        ..Default::default()
    };
    let entries = beacon_db::audit::list(app.db().conn(), org, &filter, 1, 10)
        .await
        .unwrap()
        .entries;
    assert_eq!(entries.len(), 1);
    let logged = format!(
        "{} {}",
        entries[0].before.as_deref().unwrap_or_default(),
        entries[0].after.as_deref().unwrap_or_default()
    );
    assert!(logged.contains("recorded_on"), "{logged}");
    assert!(
        !logged.contains("passed") && !logged.contains("Settled"),
        "{logged}"
    );
    let page = hr.get(&format!("/talent/journeys/{journey}")).await;
    assert!(page.body.contains("Passed, recorded on"), "{}", page.body);
    assert!(page.body.contains("Settled in after all"));

    // HR never records or changes it; once placed, nobody does.
    let r = hr.post(&outcome, &[("outcome", "not_passed")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = take(&hr, journey, "place", "trial", &[("note", "Confirmed")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = manager.get(&format!("/talent/journeys/{journey}")).await;
    assert!(!page.body.contains("Change the trial outcome"));
    let before = audit_count(&app).await;
    let r = manager.post(&outcome, &[("outcome", "not_passed")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(audit_count(&app).await, before);
    let hr_page = hr.get(&format!("/talent/journeys/{journey}")).await;
    assert!(hr_page.body.contains("Passed, recorded on"));
    app
}
