//! Adoption, follows, digests and Atom feeds (DESIGN.md §3.3, issue 7 items
//! 4, 5 and 9). The publications these scenarios read are written here
//! directly, as the cases part writes them: a case of its council and its
//! projection.
use crate::helpers::*;
use beacon_core::permission::Capability;
use beacon_db::entity::{
    case_adoption, case_audience, case_publication, case_study, evaluation, exchange_digest,
    exchange_follow, idea,
};
use beacon_web::routes::Access;
use reqwest::StatusCode;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, sea_query::Expr,
};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// This part's rows of the role × route × organisation matrix.
pub fn access(method: &str, path: &str) -> Option<Access> {
    Some(match (method, path) {
        ("GET" | "POST", "/exchange/cases/{id}/adopt") => Access::Member,
        ("GET", "/exchange/cases/{id}/adoptions") => Access::Can(Capability::PublishCases),
        ("GET" | "POST", "/exchange/following") | ("POST", "/exchange/following/remove") => {
            Access::SignedIn
        }
        (
            "GET",
            "/exchange/feed.atom"
            | "/exchange/areas/{area}/feed.atom"
            | "/exchange/tags/{tag}/feed.atom",
        ) => Access::Public,
        _ => return None,
    })
}

both_databases!(
    adopting_a_case_makes_a_linked_idea_and_the_source_sees_how_it_went,
    an_anonymised_case_never_names_its_council,
    the_source_council_cannot_adopt_its_own_case,
    adopting_twice_is_refused_clearly,
    adoptions_at_once_make_one_idea,
    only_readers_of_a_publication_may_adopt_it,
    the_adoptions_page_is_the_source_councils_alone,
    bad_input_gets_an_error_summary_and_changes_nothing,
    followers_get_digests_of_what_they_may_read,
    two_senders_send_a_digest_once,
    feeds_are_valid_atom_with_public_cases_only,
    the_exchange_announces_its_feeds,
);

const STAFF: &str = "staff@northmere.example";
const LEAD: &str = "innovation-lead@northmere.example";
const PARTNER_STAFF: &str = "staff@askevale.example";
const PARTNER_LEAD: &str = "innovation-lead@askevale.example";
const OTHER_STAFF: &str = "staff@eastbrook.example";
const NORTHMERE: &str = "Northmere Borough Council";
/// People the demo has follow nothing.
const FOLLOWER: &str = "manager@askevale.example";
const NORTHMERE_FOLLOWER: &str = "manager@northmere.example";
const EASTBROOK_FOLLOWER: &str = "manager@eastbrook.example";

/// A case to publish, as its council would.
struct Case {
    owner: &'static str,
    title: &'static str,
    level: &'static str,
    anonymous: bool,
    area: &'static str,
    tags: &'static str,
    audience: &'static [&'static str],
    published_at: OffsetDateTime,
}

impl Case {
    fn public(owner: &'static str, title: &'static str) -> Self {
        Case {
            owner,
            title,
            level: "public",
            anonymous: false,
            area: "housing",
            tags: "repairs",
            audience: &[],
            published_at: OffsetDateTime::now_utc() - Duration::hours(1),
        }
    }
}

/// Write the case and its publication; returns (case id, publication id).
async fn publish(app: &TestApp, c: Case) -> (Uuid, Uuid) {
    let conn = app.db().conn();
    let owner = org_id(app, c.owner).await;
    let council = beacon_db::organisations::by_id(conn, owner)
        .await
        .unwrap()
        .unwrap()
        .name;
    let (case, publication) = (Uuid::new_v4(), Uuid::new_v4());
    let summary = format!("{} in brief: one team, fewer visits.", c.title);
    case_study::Entity::insert(case_study::ActiveModel {
        id: Set(case),
        organisation_id: Set(owner.uuid()),
        idea_id: Set(None),
        title: Set(format!("{} (our own notes)", c.title)),
        summary: Set("Private notes of the council.".into()),
        innovative: Set(String::new()),
        context: Set(String::new()),
        partners: Set(String::new()),
        users: Set(String::new()),
        results: Set(String::new()),
        challenges: Set(String::new()),
        conditions: Set(String::new()),
        replication: Set(String::new()),
        lessons: Set(String::new()),
        materials: Set(String::new()),
        service_area: Set(c.area.into()),
        facet: Set("mission_oriented".into()),
        stage: Set("implementing".into()),
        year: Set(2025),
        outcome: Set("adopted".into()),
        evidence_level: Set(2),
        cashable_savings_pence: Set(0),
        non_cashable_savings_pence: Set(0),
        social_value_pence: Set(0),
        cost_pence: Set(0),
        funder: Set(String::new()),
        funding_programme: Set(String::new()),
        funding_amount_pence: Set(None),
        funding_awarded_on: Set(None),
        level: Set(c.level.into()),
        anonymous: Set(c.anonymous),
        status: Set("published".into()),
        version: Set(1),
        created_by: Set(None),
        created_at: Set(c.published_at),
        updated_at: Set(c.published_at),
        published_at: Set(Some(c.published_at)),
    })
    .exec_without_returning(conn)
    .await
    .unwrap();
    case_publication::Entity::insert(case_publication::ActiveModel {
        id: Set(publication),
        case_id: Set(Some(case)),
        organisation_id: Set((!c.anonymous).then_some(owner.uuid())),
        council_name: Set((!c.anonymous).then_some(council)),
        anonymous: Set(c.anonymous),
        level: Set(c.level.into()),
        remote_source_id: Set(None),
        remote_id: Set(None),
        source_url: Set(None),
        title: Set(c.title.into()),
        summary: Set(summary),
        innovative: Set("A shared team.".into()),
        context: Set(format!("{}: the problem we had.", c.title)),
        partners: Set(String::new()),
        users: Set(String::new()),
        results: Set("Fewer repeat visits.".into()),
        challenges: Set(String::new()),
        conditions: Set(String::new()),
        replication: Set(String::new()),
        lessons: Set(String::new()),
        materials: Set(String::new()),
        service_area: Set(c.area.into()),
        facet: Set("mission_oriented".into()),
        stage: Set("implementing".into()),
        year: Set(2025),
        outcome: Set("adopted".into()),
        evidence_level: Set(2),
        cashable_savings_pence: Set(0),
        non_cashable_savings_pence: Set(0),
        social_value_pence: Set(0),
        cost_pence: Set(0),
        funder: Set(String::new()),
        funding_programme: Set(String::new()),
        funding_amount_pence: Set(None),
        funding_awarded_on: Set(None),
        tags: Set(c.tags.into()),
        published_at: Set(c.published_at),
        updated_at: Set(c.published_at),
    })
    .exec_without_returning(conn)
    .await
    .unwrap();
    for slug in c.audience {
        case_audience::Entity::insert(case_audience::ActiveModel {
            publication_id: Set(publication),
            organisation_id: Set(org_id(app, slug).await.uuid()),
        })
        .exec_without_returning(conn)
        .await
        .unwrap();
    }
    (case, publication)
}

async fn ideas_of(app: &TestApp, slug: &str) -> u64 {
    idea::Entity::find()
        .filter(idea::Column::OrganisationId.eq(org_id(app, slug).await.uuid()))
        .count(app.db().conn())
        .await
        .unwrap()
}

async fn adoptions(app: &TestApp) -> Vec<case_adoption::Model> {
    case_adoption::Entity::find()
        .all(app.db().conn())
        .await
        .unwrap()
}

/// Every message waiting in the outbox, claimed as a sender would.
async fn drain(app: &TestApp) -> Vec<beacon_db::outbox::Message> {
    let far = app.state.clock.now() + Duration::days(400);
    let mut all = Vec::new();
    loop {
        let batch = beacon_db::outbox::claim_due(app.db().conn(), far, 100)
            .await
            .unwrap();
        if batch.is_empty() {
            return all;
        }
        for m in &batch {
            beacon_db::outbox::mark_sent(app.db().conn(), m.id, far)
                .await
                .unwrap();
        }
        all.extend(batch);
    }
}

/// The messages waiting for `email` (the outbox is drained for everyone).
async fn mail_to(app: &TestApp, email: &str) -> Vec<beacon_db::outbox::Message> {
    drain(app)
        .await
        .into_iter()
        .filter(|m| m.to_address == email)
        .collect()
}

fn idea_in(location: &str) -> Uuid {
    location
        .strip_prefix("/ideas/")
        .and_then(|r| r.split('?').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not an idea: {location}"))
}

async fn adoptions_of_case(app: &TestApp, case: Uuid) -> u64 {
    case_adoption::Entity::find()
        .filter(case_adoption::Column::SourceCaseId.eq(case))
        .count(app.db().conn())
        .await
        .unwrap()
}

async fn adopting_a_case_makes_a_linked_idea_and_the_source_sees_how_it_went(
    app: TestApp,
) -> TestApp {
    let (case, publication) = publish(&app, Case::public("northmere", "Shared repairs team")).await;
    drain(&app).await;
    let adopter = app.signed_in(PARTNER_STAFF).await;
    let path = format!("/exchange/cases/{publication}/adopt");
    let page = adopter.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(NORTHMERE));
    assert!(page.body.contains("Shared repairs team in brief"));
    // The source's own notes never reach another council.
    assert!(!page.body.contains("our own notes"));
    assert!(!page.body.contains("Private notes"));

    let before = ideas_of(&app, "aske-vale").await;
    let reply = adopter.post(&path, &[("service_area", "housing")]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let idea_id = idea_in(reply.location().unwrap());
    assert_eq!(ideas_of(&app, "aske-vale").await, before + 1);
    let stored = idea::Entity::find_by_id(idea_id)
        .one(app.db().conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.title, "Shared repairs team");
    assert_eq!(stored.stage, "submitted");
    assert_eq!(stored.problem, "Shared repairs team: the problem we had.");
    assert_eq!(
        stored.organisation_id,
        org_id(&app, "aske-vale").await.uuid()
    );
    let idea_page = adopter.get(&format!("/ideas/{idea_id}")).await;
    assert_eq!(idea_page.status, StatusCode::OK);
    assert!(
        idea_page
            .body
            .contains("Adopted from the practice exchange")
    );
    assert!(
        idea_page
            .body
            .contains(&format!("href=\"/exchange/cases/{publication}\""))
    );
    // The source's innovation leads are told, once each.
    let mail = drain(&app).await;
    let told: Vec<_> = mail
        .iter()
        .filter(|m| m.subject.contains("adopted your case"))
        .collect();
    assert_eq!(told.len(), 1, "{mail:?}");
    assert_eq!(told[0].to_address, LEAD);
    assert!(told[0].body.contains("Aske Vale District Council"));
    assert!(
        told[0]
            .body
            .contains(&format!("/exchange/cases/{case}/adoptions"))
    );

    // The source council's lead sees who adopted it, and how it goes.
    let lead = app.signed_in(LEAD).await;
    let seen = lead.get(&format!("/exchange/cases/{case}/adoptions")).await;
    assert_eq!(seen.status, StatusCode::OK);
    let rows = seen.texts("tbody tr");
    assert_eq!(rows.len(), 1);
    assert!(rows[0].contains("Aske Vale District Council"), "{rows:?}");
    assert!(rows[0].contains("Submitted"));
    assert!(rows[0].contains("Not evaluated yet"));
    idea::Entity::update_many()
        .col_expr(idea::Column::Stage, Expr::value("adopted"))
        .filter(idea::Column::Id.eq(idea_id))
        .exec(app.db().conn())
        .await
        .unwrap();
    evaluation::Entity::insert(evaluation::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(stored.organisation_id),
        idea_id: Set(idea_id),
        actual_cost_pence: Set(0),
        cashable_pence: Set(0),
        non_cashable_pence: Set(0),
        social_value_pence: Set(0),
        outcome: Set("partly".into()),
        results: Set("The adopter's private results".into()),
        lessons: Set("The adopter's private lessons".into()),
        evidence_level: Set(2),
        transfers: Set(false),
        transfers_to: Set(String::new()),
        evaluated_by: Set(None),
        evaluated_at: Set(OffsetDateTime::now_utc()),
    })
    .exec_without_returning(app.db().conn())
    .await
    .unwrap();
    let seen = lead.get(&format!("/exchange/cases/{case}/adoptions")).await;
    let rows = seen.texts("tbody tr");
    assert!(rows[0].contains("Adopted"), "{rows:?}");
    assert!(rows[0].contains("Partly adopted"), "{rows:?}");
    // Only the narrow facts: nothing of the adopter's own idea text.
    assert!(!seen.body.contains("private results"));
    assert!(!seen.body.contains("private lessons"));
    assert!(!seen.body.contains(&idea_id.to_string()));
    // In Welsh too.
    let cy = lead
        .get(&format!("/exchange/cases/{case}/adoptions?lang=cy"))
        .await;
    assert!(cy.body.contains("Pwy a’i mabwysiadodd"));
    app
}

async fn an_anonymised_case_never_names_its_council(app: TestApp) -> TestApp {
    clear_demo_exchange(&app).await;
    let (case, publication) = publish(
        &app,
        Case {
            anonymous: true,
            ..Case::public("northmere", "A failed chatbot")
        },
    )
    .await;
    drain(&app).await;
    let adopter = app.signed_in(OTHER_STAFF).await;
    let path = format!("/exchange/cases/{publication}/adopt");
    let page = adopter.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("An anonymised council"));
    assert!(!page.body.contains("Northmere"));
    let reply = adopter.post(&path, &[("service_area", "housing")]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let idea_id = idea_in(reply.location().unwrap());
    let idea_page = adopter.get(&format!("/ideas/{idea_id}")).await;
    assert!(idea_page.body.contains("A failed chatbot"));
    assert!(!idea_page.body.contains("Northmere"));
    let again = adopter.get(&path).await;
    assert!(!again.body.contains("Northmere"));
    // The source is still told (it is its own case), the adopter nothing of it.
    let mail = drain(&app).await;
    assert!(
        mail.iter()
            .all(|m| !m.to_address.ends_with("eastbrook.example"))
    );
    assert!(mail.iter().any(|m| m.to_address == LEAD));
    // And its own lead sees the adoption.
    let lead = app.signed_in(LEAD).await;
    let seen = lead.get(&format!("/exchange/cases/{case}/adoptions")).await;
    assert!(seen.texts("tbody tr")[0].contains("Eastbrook City Council"));
    // The feeds say "An anonymised council" and nothing of the owner.
    let feed = app.browser().get("/exchange/feed.atom").await;
    assert!(feed.body.contains("A failed chatbot"));
    assert!(feed.body.contains("An anonymised council"));
    assert!(!feed.body.contains("Northmere"));
    app
}

async fn the_source_council_cannot_adopt_its_own_case(app: TestApp) -> TestApp {
    clear_demo_exchange(&app).await;
    let (_, publication) = publish(&app, Case::public("northmere", "Our own idea")).await;
    let own = app.signed_in(STAFF).await;
    let path = format!("/exchange/cases/{publication}/adopt");
    let page = own.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("your council’s own case"));
    assert!(!page.body.contains(&format!("action=\"{path}\"")));
    let before = ideas_of(&app, "northmere").await;
    let audit = audit_count(&app).await;
    let reply = own.post(&path, &[("service_area", "housing")]).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(ideas_of(&app, "northmere").await, before);
    assert_eq!(audit_count(&app).await, audit);
    // Anonymity does not hide a council's own case from the rule.
    let (_, anonymous) = publish(
        &app,
        Case {
            anonymous: true,
            ..Case::public("northmere", "Our own failure")
        },
    )
    .await;
    let reply = own
        .post(
            &format!("/exchange/cases/{anonymous}/adopt"),
            &[("service_area", "housing")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(adoptions(&app).await.is_empty());
    app
}

async fn adopting_twice_is_refused_clearly(app: TestApp) -> TestApp {
    let (case, publication) = publish(&app, Case::public("northmere", "Twice told")).await;
    let path = format!("/exchange/cases/{publication}/adopt");
    let first = app.signed_in(PARTNER_STAFF).await;
    let reply = first.post(&path, &[("service_area", "housing")]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let idea_id = idea_in(reply.location().unwrap());
    // A colleague in the same council tries again.
    let second = app.signed_in(PARTNER_LEAD).await;
    let page = second.get(&path).await;
    assert!(page.body.contains("already adopted"));
    assert!(page.body.contains(&format!("/ideas/{idea_id}")));
    let before = ideas_of(&app, "aske-vale").await;
    let reply = second.post(&path, &[("service_area", "housing")]).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(reply.has_error_summary());
    assert!(reply.texts(".govuk-error-summary")[0].contains("already adopted"));
    assert_eq!(ideas_of(&app, "aske-vale").await, before);
    assert_eq!(adoptions_of_case(&app, case).await, 1);
    // Another council may still adopt it.
    let other = app.signed_in(OTHER_STAFF).await;
    let reply = other.post(&path, &[("service_area", "planning")]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(adoptions_of_case(&app, case).await, 2);
    app
}

async fn adoptions_at_once_make_one_idea(app: TestApp) -> TestApp {
    let (case, publication) = publish(&app, Case::public("northmere", "Racing")).await;
    let path = format!("/exchange/cases/{publication}/adopt");
    let before = ideas_of(&app, "aske-vale").await;
    let audit = audit_count(&app).await;
    let mut browsers = Vec::new();
    for email in [PARTNER_STAFF, PARTNER_LEAD] {
        for _ in 0..5 {
            let b = app.signed_in(email).await;
            let token = b.token().await;
            browsers.push((b, token));
        }
    }
    let mut tasks = Vec::new();
    for (b, token) in browsers {
        let path = path.clone();
        tasks.push(tokio::spawn(async move {
            b.request(
                reqwest::Method::POST,
                &path,
                Some(&[("csrf_token", token.as_str()), ("service_area", "housing")]),
                &[],
            )
            .await
            .status
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let won = statuses
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count();
    assert_eq!(won, 1, "{statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::SEE_OTHER || *s == StatusCode::CONFLICT),
        "{statuses:?}"
    );
    assert_eq!(ideas_of(&app, "aske-vale").await, before + 1);
    assert_eq!(adoptions_of_case(&app, case).await, 1);
    // One idea, so one idea event and one adoption event.
    assert!(audit_count(&app).await >= audit + 2);
    app
}

async fn only_readers_of_a_publication_may_adopt_it(app: TestApp) -> TestApp {
    clear_demo_exchange(&app).await;
    let (_, partners) = publish(
        &app,
        Case {
            level: "partners",
            audience: &["aske-vale"],
            ..Case::public("northmere", "For partners")
        },
    )
    .await;
    let path = format!("/exchange/cases/{partners}/adopt");
    let outsider = app.signed_in(OTHER_STAFF).await;
    assert_eq!(outsider.get(&path).await.status, StatusCode::NOT_FOUND);
    let audit = audit_count(&app).await;
    let reply = outsider.post(&path, &[("service_area", "housing")]).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(audit_count(&app).await, audit);
    let partner = app.signed_in(PARTNER_STAFF).await;
    assert_eq!(partner.get(&path).await.status, StatusCode::OK);
    // A case id is not a publication id; nonsense is not found either.
    let (case, _) = publish(&app, Case::public("northmere", "By its case id")).await;
    for bad in [case.to_string(), Uuid::new_v4().to_string(), "x'--".into()] {
        let reply = partner.get(&format!("/exchange/cases/{bad}/adopt")).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{bad}");
    }
    // Signed out, one is sent to sign in.
    let reply = app.browser().get(&path).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(reply.location().unwrap().starts_with("/sign-in"));
    assert!(adoptions(&app).await.is_empty());
    app
}

async fn the_adoptions_page_is_the_source_councils_alone(app: TestApp) -> TestApp {
    let (case, publication) = publish(&app, Case::public("northmere", "Ours to watch")).await;
    let partner = app.signed_in(PARTNER_STAFF).await;
    let reply = partner
        .post(
            &format!("/exchange/cases/{publication}/adopt"),
            &[("service_area", "housing")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let path = format!("/exchange/cases/{case}/adoptions");
    // Another council's lead: not found, whatever exists.
    let other_lead = app.signed_in(PARTNER_LEAD).await;
    let reply = other_lead.get(&path).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(!reply.body.contains("Aske Vale District Council adopted"));
    // By the publication's id: not found.
    let lead = app.signed_in(LEAD).await;
    let reply = lead
        .get(&format!("/exchange/cases/{publication}/adoptions"))
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    // The owner's staff without the capability: forbidden.
    let staff = app.signed_in(STAFF).await;
    assert_eq!(staff.get(&path).await.status, StatusCode::FORBIDDEN);
    assert_eq!(lead.get(&path).await.status, StatusCode::OK);
    // A case nobody adopted says so.
    let (quiet, _) = publish(&app, Case::public("northmere", "Quiet")).await;
    let reply = lead
        .get(&format!("/exchange/cases/{quiet}/adoptions"))
        .await;
    assert_eq!(reply.texts("#none").len(), 1);
    app
}

async fn bad_input_gets_an_error_summary_and_changes_nothing(app: TestApp) -> TestApp {
    let (_, publication) = publish(&app, Case::public("northmere", "Bad input")).await;
    let path = format!("/exchange/cases/{publication}/adopt");
    let adopter = app.signed_in(PARTNER_STAFF).await;
    let audit = audit_count(&app).await;
    let ideas = ideas_of(&app, "aske-vale").await;
    for area in ["", "moon", "<script>alert(1)</script>"] {
        let reply = adopter.post(&path, &[("service_area", area)]).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{area}");
        assert!(reply.has_error_summary());
        assert!(!reply.body.contains("<script>alert(1)</script>"));
    }
    // An unknown field is a tampered form.
    let reply = adopter
        .post(
            &path,
            &[("service_area", "housing"), ("organisation_id", "x")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(ideas_of(&app, "aske-vale").await, ideas);

    let follower = app.signed_in(FOLLOWER).await;
    let cases: [&[(&str, &str)]; 7] = [
        &[("kind", "area"), ("area", "")],
        &[("kind", "area"), ("area", "moon")],
        &[("kind", "council"), ("council", "not-a-council")],
        &[("kind", "council"), ("council", &Uuid::nil().to_string())],
        &[("kind", "tag"), ("tag", &"x".repeat(51))],
        &[("kind", "tag"), ("tag", "   ")],
        &[("frequency", "hourly")],
    ];
    for fields in cases {
        let reply = follower.post("/exchange/following", fields).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{fields:?}: {}",
            reply.status
        );
        assert!(reply.has_error_summary(), "{fields:?}");
    }
    // Setting a frequency with nothing followed is explained, not stored.
    let reply = follower
        .post("/exchange/following", &[("frequency", "daily")])
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reply = follower
        .post("/exchange/following", &[("kind", "planet"), ("area", "x")])
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let reply = follower
        .post(
            "/exchange/following/remove",
            &[("kind", "area"), ("value", "housing")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    // Welsh error summary.
    let reply = follower
        .post(
            "/exchange/following?lang=cy",
            &[("kind", "area"), ("area", "")],
        )
        .await;
    assert!(reply.has_error_summary());
    assert_eq!(audit_count(&app).await, audit);
    assert_eq!(follows_of(&app, FOLLOWER).await, (0, 0));
    app
}

/// How many things `email` follows, and how many digests they have.
async fn follows_of(app: &TestApp, email: &str) -> (u64, u64) {
    let person = person_id(app, email).await.uuid();
    let follows = exchange_follow::Entity::find()
        .filter(exchange_follow::Column::PersonId.eq(person))
        .count(app.db().conn())
        .await
        .unwrap();
    let digests = exchange_digest::Entity::find()
        .filter(exchange_digest::Column::PersonId.eq(person))
        .count(app.db().conn())
        .await
        .unwrap();
    (follows, digests)
}

async fn followers_get_digests_of_what_they_may_read(app: TestApp) -> TestApp {
    let northmere = org_id(&app, "northmere").await.uuid().to_string();
    let follower = app.signed_in(FOLLOWER).await;
    for fields in [
        [
            ("kind", "area"),
            ("area", "housing"),
            ("frequency", "daily"),
        ],
        [
            ("kind", "council"),
            ("council", &northmere),
            ("frequency", "daily"),
        ],
        [
            ("kind", "tag"),
            ("tag", "  Digital  Inclusion "),
            ("frequency", "daily"),
        ],
    ] {
        let reply = follower.post("/exchange/following", &fields).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    }
    // Following again changes nothing.
    let reply = follower
        .post(
            "/exchange/following",
            &[("kind", "area"), ("area", "housing")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let page = follower.get("/exchange/following").await;
    let rows = page.texts("#followed tbody tr");
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows.iter().any(|r| r.contains(NORTHMERE)));
    assert!(rows.iter().any(|r| r.contains("digital inclusion")));
    let cy = follower.get("/exchange/following?lang=cy").await;
    assert!(cy.body.contains("Beth rydych yn ei ddilyn"));
    drain(&app).await;

    let soon = app.state.clock.now() + Duration::minutes(5);
    let at = |minutes| soon + Duration::minutes(minutes);
    publish(
        &app,
        Case {
            published_at: at(1),
            ..Case::public("northmere", "Named housing case")
        },
    )
    .await;
    publish(
        &app,
        Case {
            published_at: at(2),
            level: "partners",
            area: "planning",
            tags: "",
            audience: &["aske-vale"],
            ..Case::public("northmere", "Partners planning case")
        },
    )
    .await;
    publish(
        &app,
        Case {
            published_at: at(3),
            level: "partners",
            audience: &[],
            ..Case::public("eastbrook", "Unreadable partners case")
        },
    )
    .await;
    publish(
        &app,
        Case {
            published_at: at(4),
            anonymous: true,
            area: "parks_and_leisure",
            tags: "digital inclusion\nlibraries",
            ..Case::public("northmere", "Anonymised tagged case")
        },
    )
    .await;
    publish(
        &app,
        Case {
            published_at: at(5),
            area: "planning",
            tags: "",
            ..Case::public("eastbrook", "Unfollowed planning case")
        },
    )
    .await;
    // Published before the follow: not news.
    publish(
        &app,
        Case {
            published_at: app.state.clock.now() - Duration::days(2),
            ..Case::public("northmere", "Old housing case")
        },
    )
    .await;

    // Nothing is due before a day has passed.
    beacon_web::send_due_digests(&app.state).await.unwrap();
    assert!(mail_to(&app, FOLLOWER).await.is_empty());
    app.state
        .clock
        .advance(Duration::days(1) + Duration::minutes(30));
    assert!(beacon_web::send_due_digests(&app.state).await.unwrap() >= 1);
    let mail = mail_to(&app, FOLLOWER).await;
    assert_eq!(mail.len(), 1, "{mail:?}");
    let digest = &mail[0];
    assert_eq!(digest.to_address, FOLLOWER);
    assert!(digest.subject.contains("3 new cases"), "{}", digest.subject);
    for wanted in [
        "Named housing case",
        "Partners planning case",
        "Anonymised tagged case",
    ] {
        assert!(digest.body.contains(wanted), "{wanted}: {}", digest.body);
    }
    for unwanted in [
        "Unreadable partners case",
        "Unfollowed planning case",
        "Old housing case",
    ] {
        assert!(!digest.body.contains(unwanted), "{unwanted}");
    }
    // The anonymised case is followed by "An anonymised council", never its own.
    let line = digest
        .body
        .split("Anonymised tagged case\n")
        .nth(1)
        .unwrap();
    assert!(line.starts_with("An anonymised council"), "{line}");
    // Newest first.
    let named = digest.body.find("Named housing case").unwrap();
    let anonymised = digest.body.find("Anonymised tagged case").unwrap();
    assert!(anonymised < named);
    // Sent once.
    beacon_web::send_due_digests(&app.state).await.unwrap();
    assert!(mail_to(&app, FOLLOWER).await.is_empty());

    // Weekly: a day later nothing is due. (The clock moved: sign in again.)
    let follower = app.signed_in(FOLLOWER).await;
    let reply = follower
        .post("/exchange/following", &[("frequency", "weekly")])
        .await;
    assert_eq!(
        reply.location(),
        Some("/exchange/following?notice=exchange_frequency_saved")
    );
    publish(
        &app,
        Case {
            published_at: app.state.clock.now() + Duration::minutes(1),
            ..Case::public("northmere", "Weekly housing case")
        },
    )
    .await;
    app.state.clock.advance(Duration::days(2));
    beacon_web::send_due_digests(&app.state).await.unwrap();
    let early = mail_to(&app, FOLLOWER).await;
    assert!(early.is_empty(), "{early:?}");
    app.state.clock.advance(Duration::days(6));
    beacon_web::send_due_digests(&app.state).await.unwrap();
    let mail = mail_to(&app, FOLLOWER).await;
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert!(mail[0].body.contains("Weekly housing case"));
    assert!(!mail[0].body.contains("Named housing case"));

    // Stopping every follow stops the digest.
    let follower = app.signed_in(FOLLOWER).await;
    for (kind, value) in [
        ("area", "housing"),
        ("council", northmere.as_str()),
        ("tag", "digital inclusion"),
    ] {
        let reply = follower
            .post(
                "/exchange/following/remove",
                &[("kind", kind), ("value", value)],
            )
            .await;
        assert_eq!(
            reply.location(),
            Some("/exchange/following?notice=exchange_unfollowed")
        );
    }
    let page = follower.get("/exchange/following").await;
    assert_eq!(page.texts("#nothing-followed").len(), 1);
    assert_eq!(follows_of(&app, FOLLOWER).await, (0, 0));
    app
}

async fn two_senders_send_a_digest_once(app: TestApp) -> TestApp {
    for email in [NORTHMERE_FOLLOWER, FOLLOWER, EASTBROOK_FOLLOWER] {
        let b = app.signed_in(email).await;
        let reply = b
            .post(
                "/exchange/following",
                &[
                    ("kind", "area"),
                    ("area", "housing"),
                    ("frequency", "daily"),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
    }
    publish(
        &app,
        Case {
            published_at: app.state.clock.now() + Duration::minutes(1),
            ..Case::public("aske-vale", "Public housing case")
        },
    )
    .await;
    drain(&app).await;
    app.state
        .clock
        .advance(Duration::days(1) + Duration::minutes(5));
    let (a, b) = tokio::join!(
        beacon_web::send_due_digests(&app.state),
        beacon_web::send_due_digests(&app.state)
    );
    let mail = drain(&app).await;
    let mut to: Vec<_> = mail
        .iter()
        .filter(|m| m.body.contains("Public housing case"))
        .map(|m| m.to_address.clone())
        .filter(|to| to.starts_with("manager@"))
        .collect();
    to.sort();
    assert_eq!(to, vec![FOLLOWER, EASTBROOK_FOLLOWER, NORTHMERE_FOLLOWER]);
    // Each digest was written by one of the two senders only.
    assert_eq!(a.unwrap() + b.unwrap(), mail.len());
    app
}

/// Parse a feed with Python's feedparser, as feed readers do.
fn feedparser(xml: &str) -> serde_json::Value {
    let dir = std::env::temp_dir().join(format!("beacon-feed-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("feed.atom");
    std::fs::write(&file, xml).unwrap();
    let python = std::env::var("BEACON_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = r#"
import json, sys, feedparser
d = feedparser.parse(sys.argv[1])
print(json.dumps({
  "bozo": int(d.bozo),
  "problem": str(d.get("bozo_exception", "")),
  "version": d.version,
  "title": d.feed.get("title"),
  "entries": [{
    "id": e.get("id"),
    "title": e.get("title"),
    "link": e.get("link"),
    "author": e.get("author"),
    "summary": e.get("summary"),
    "published": e.get("published"),
  } for e in d.entries],
}))
"#;
    let out = std::process::Command::new(python)
        .args(["-c", script, file.to_str().unwrap()])
        .output()
        .expect("python3 with feedparser is needed (scripts/test.sh installs it)");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "feedparser failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

async fn feeds_are_valid_atom_with_public_cases_only(app: TestApp) -> TestApp {
    clear_demo_exchange(&app).await;
    let now = OffsetDateTime::now_utc();
    let (_, older) = publish(
        &app,
        Case {
            published_at: now - Duration::hours(3),
            title: "Older & <wiser> case",
            ..Case::public("aske-vale", "")
        },
    )
    .await;
    let (_, newer) = publish(
        &app,
        Case {
            published_at: now - Duration::hours(2),
            ..Case::public("northmere", "Newer housing case")
        },
    )
    .await;
    let (_, anonymised) = publish(
        &app,
        Case {
            published_at: now - Duration::hours(1),
            anonymous: true,
            area: "parks_and_leisure",
            tags: "safe space",
            ..Case::public("northmere", "Anonymised parks failure")
        },
    )
    .await;
    let (_, partners) = publish(
        &app,
        Case {
            level: "partners",
            audience: &["aske-vale"],
            ..Case::public("northmere", "Partners only case")
        },
    )
    .await;

    let reader = app.browser();
    let reply = reader.get("/exchange/feed.atom").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.headers["content-type"].to_str().unwrap(),
        "application/atom+xml; charset=utf-8"
    );
    assert!(!reply.body.contains("Partners only case"));
    assert!(!reply.body.contains(&partners.to_string()));
    let feed = feedparser(&reply.body);
    assert_eq!(feed["bozo"], 0, "{feed}");
    assert_eq!(feed["version"], "atom10");
    let entries = feed["entries"].as_array().unwrap();
    let ids: Vec<&str> = entries.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        vec![
            format!("urn:uuid:{anonymised}"),
            format!("urn:uuid:{newer}"),
            format!("urn:uuid:{older}"),
        ]
    );
    assert_eq!(
        entries[1]["link"],
        format!("{}/exchange/cases/{newer}", app.base)
    );
    assert_eq!(entries[1]["author"], NORTHMERE);
    assert_eq!(entries[0]["author"], "An anonymised council");
    assert_eq!(entries[2]["title"], "Older & <wiser> case");
    assert!(
        entries[1]["summary"]
            .as_str()
            .unwrap()
            .starts_with("Newer housing case in brief")
    );
    // The same ids every time.
    let again = feedparser(&reader.get("/exchange/feed.atom").await.body);
    assert_eq!(again["entries"], feed["entries"]);

    // Per service area and per tag; the anonymised case's own feeds name
    // no council anywhere in the XML.
    for path in [
        "/exchange/areas/parks_and_leisure/feed.atom",
        "/exchange/tags/safe%20space/feed.atom",
        "/exchange/tags/Safe%20Space/feed.atom",
    ] {
        let reply = reader.get(path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        let feed = feedparser(&reply.body);
        assert_eq!(feed["bozo"], 0, "{path}");
        let entries = feed["entries"].as_array().unwrap();
        assert_eq!(entries.len(), 1, "{path}");
        assert_eq!(entries[0]["id"], format!("urn:uuid:{anonymised}"));
        assert!(!reply.body.contains("Northmere"), "{path}");
        assert!(!reply.body.contains("northmere"), "{path}");
    }
    let housing = feedparser(&reader.get("/exchange/areas/housing/feed.atom").await.body);
    assert_eq!(housing["entries"].as_array().unwrap().len(), 2);
    assert!(!housing.to_string().contains("Partners only case"));
    // Signed in, a member of the partner council still gets public cases only.
    let partner = app.signed_in(PARTNER_STAFF).await;
    let reply = partner.get("/exchange/feed.atom").await;
    assert!(!reply.body.contains("Partners only case"));
    // Unknown areas and impossible tags are not found.
    for path in [
        "/exchange/areas/moon/feed.atom",
        &format!("/exchange/tags/{}/feed.atom", "x".repeat(51)),
    ] {
        assert_eq!(
            reader.get(path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    // In Welsh, the anonymised author is Welsh too, and still anonymous.
    let cy = reader.get("/exchange/feed.atom?lang=cy").await;
    let cy_feed = feedparser(&cy.body);
    assert_eq!(cy_feed["bozo"], 0);
    assert_eq!(cy_feed["entries"][0]["author"], "Cyngor dienw");
    app
}

/// The Atom feed a page announces in its head: (title, href).
fn announced_feeds(reply: &Reply) -> Vec<(String, String)> {
    let selector =
        scraper::Selector::parse("head link[rel='alternate'][type='application/atom+xml']")
            .unwrap();
    reply
        .html()
        .select(&selector)
        .map(|l| {
            (
                l.value().attr("title").unwrap_or_default().to_owned(),
                l.value().attr("href").unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

async fn the_exchange_announces_its_feeds(app: TestApp) -> TestApp {
    let public = app.browser();
    let staff = app.signed_in(STAFF).await;
    for b in [&public, &staff] {
        let page = b.get("/exchange").await;
        assert_eq!(page.status, StatusCode::OK);
        let feeds = announced_feeds(&page);
        assert_eq!(
            feeds,
            vec![(
                "Practice exchange: new public cases".to_owned(),
                "/exchange/feed.atom".to_owned()
            )]
        );
        // The same feed is a visible link on the page, and it answers.
        assert_eq!(
            page.texts("#feed a[href='/exchange/feed.atom']"),
            vec!["Follow in a feed reader: Practice exchange: new public cases".to_owned()]
        );
        let feed = b.get(&feeds[0].1).await;
        assert_eq!(feed.status, StatusCode::OK);
        assert!(feed.body.contains("<feed"));
    }
    // A service area's page announces that area's own feed.
    let page = public.get("/exchange?area=parks_and_leisure").await;
    let feeds = announced_feeds(&page);
    assert_eq!(
        feeds,
        vec![(
            "Practice exchange: Parks and leisure".to_owned(),
            "/exchange/areas/parks_and_leisure/feed.atom".to_owned()
        )]
    );
    assert_eq!(
        page.texts("#feed a[href='/exchange/areas/parks_and_leisure/feed.atom']")
            .len(),
        1
    );
    assert_eq!(public.get(&feeds[0].1).await.status, StatusCode::OK);
    // Narrowed further (two areas, or words), the whole exchange's feed.
    for path in [
        "/exchange?area=parks_and_leisure&area=housing",
        "/exchange?area=parks_and_leisure&q=lockers",
    ] {
        let feeds = announced_feeds(&public.get(path).await);
        assert_eq!(feeds.len(), 1, "{path}");
        assert_eq!(feeds[0].1, "/exchange/feed.atom", "{path}");
    }
    // In Welsh, the feed's Welsh title.
    let page = public.get("/exchange?lang=cy").await;
    assert_eq!(
        announced_feeds(&page)[0].0,
        "Cyfnewid arfer: achosion cyhoeddus newydd"
    );
    // A page that lists no public cases announces no feed.
    let lead = app.signed_in(LEAD).await;
    assert!(announced_feeds(&lead.get("/exchange/mine").await).is_empty());
    app
}
