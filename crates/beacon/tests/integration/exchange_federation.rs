//! Between Beacons: one instance subscribes to another's public cases, which stay read-only and marked with their source.
use crate::helpers::*;
use beacon_core::Role;
use beacon_db::entity::{case_publication, case_study, search_change};
use beacon_db::exchange::federation as store;
use beacon_web::routes::Access;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;

/// This feature's rows of the role × route × organisation matrix.
pub fn access(method: &str, path: &str) -> Option<Access> {
    Some(match (method, path) {
        ("GET", "/api/exchange/cases" | "/api/exchange/cases/{id}") => Access::Public,
        ("GET" | "POST", "/sector/exchange/sources") => Access::SectorAdmin,
        (
            "POST",
            "/sector/exchange/sources/{id}/fetch" | "/sector/exchange/sources/{id}/remove",
        ) => Access::SectorAdmin,
        _ => return None,
    })
}

// Every test server listens on 127.0.0.1, so the Beacons that subscribe
// to them run as in a closed network, where private addresses are allowed.
both_databases_with!(closed_network;
    only_public_cases_travel_and_stay_read_only,
    edits_and_withdrawals_at_the_source_arrive_on_the_next_fetch,
    the_feed_pages_filters_and_refuses_bad_queries,
    a_broken_or_hostile_source_changes_nothing_and_is_reported,
    a_bad_address_gets_an_error_summary_and_changes_nothing,
    only_sector_admins_manage_sources,
    the_library_loads_every_case_with_its_facts,
);

both_databases!(
    private_addresses_and_credentials_are_refused_by_default,
    the_instance_names_itself_as_configured,
);

fn closed_network(config: &mut beacon_web::Config) {
    config.federation_private_addresses = true;
}

// ---------------------------------------------------------------------------
// Cases on the offering Beacon, written as the cases part writes them.

fn case_row(org: Uuid, title: &str, level: &str, anonymous: bool) -> case_study::Model {
    let now = OffsetDateTime::now_utc();
    case_study::Model {
        id: Uuid::new_v4(),
        organisation_id: org,
        idea_id: None,
        title: title.to_owned(),
        summary: format!("{title}: what we did."),
        innovative: "New to us.".into(),
        context: String::new(),
        partners: String::new(),
        users: String::new(),
        results: "It worked.".into(),
        challenges: String::new(),
        conditions: String::new(),
        replication: String::new(),
        lessons: "Start small.".into(),
        materials: String::new(),
        service_area: "housing".into(),
        facet: "adaptive".into(),
        stage: "evaluating".into(),
        year: 2025,
        outcome: "adopted".into(),
        evidence_level: 3,
        cashable_savings_pence: 1_250_000,
        non_cashable_savings_pence: 0,
        social_value_pence: 0,
        cost_pence: 400_000,
        funder: String::new(),
        funding_programme: String::new(),
        funding_amount_pence: None,
        funding_awarded_on: None,
        level: level.to_owned(),
        anonymous,
        status: "published".into(),
        version: 1,
        created_by: None,
        created_at: now,
        updated_at: now,
        published_at: Some(now),
    }
}

/// A published case and, unless internal, its publication; returns the
/// publication's id (or the case's, for an internal one).
async fn publish(app: &TestApp, title: &str, level: &str, anonymous: bool) -> Uuid {
    let org = org_id(app, "northmere").await.uuid();
    let case = case_row(org, title, level, anonymous);
    let case_id = case.id;
    let c: case_study::ActiveModel = case.clone().into();
    c.insert(app.db().conn()).await.unwrap();
    if level == "internal" {
        return case_id;
    }
    let id = Uuid::new_v4();
    let p = case_publication::Model {
        id,
        case_id: Some(case_id),
        organisation_id: (!anonymous).then_some(org),
        council_name: (!anonymous).then(|| "Northmere Council".to_owned()),
        anonymous,
        level: level.to_owned(),
        remote_source_id: None,
        remote_id: None,
        source_url: None,
        title: case.title,
        summary: case.summary,
        innovative: case.innovative,
        context: case.context,
        partners: case.partners,
        users: case.users,
        results: case.results,
        challenges: case.challenges,
        conditions: case.conditions,
        replication: case.replication,
        lessons: case.lessons,
        materials: case.materials,
        service_area: case.service_area,
        facet: case.facet,
        stage: case.stage,
        year: case.year,
        outcome: case.outcome,
        evidence_level: case.evidence_level,
        cashable_savings_pence: case.cashable_savings_pence,
        non_cashable_savings_pence: 0,
        social_value_pence: 0,
        cost_pence: case.cost_pence,
        funder: "Local Government Association".into(),
        funding_programme: "Innovation fund".into(),
        funding_amount_pence: Some(500_000),
        funding_awarded_on: Some(time::macros::date!(2025 - 03 - 01)),
        tags: "housing\nrepairs".into(),
        published_at: case.created_at,
        updated_at: case.updated_at,
    };
    let p: case_publication::ActiveModel = p.into();
    p.insert(app.db().conn()).await.unwrap();
    id
}

/// Everything a Beacon holds from its subscriptions (not the library).
async fn fetched(app: &TestApp) -> Vec<case_publication::Model> {
    let sources: Vec<Uuid> = store::sources(app.db().conn())
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    let mut rows = case_publication::Entity::find()
        .filter(case_publication::Column::RemoteSourceId.is_in(sources))
        .all(app.db().conn())
        .await
        .unwrap();
    rows.sort_by(|a, b| a.title.cmp(&b.title));
    rows
}

async fn subscribe(_app: &TestApp, admin: &Browser, base: &str) -> Reply {
    admin
        .post("/sector/exchange/sources", &[("base_url", base)])
        .await
}

async fn source_id(app: &TestApp) -> Uuid {
    store::sources(app.db().conn()).await.unwrap()[0].id
}

async fn search_changes(app: &TestApp) -> u64 {
    search_change::Entity::find()
        .count(app.db().conn())
        .await
        .unwrap()
}

/// Four cases at every level on `a`; `b` subscribes to it.
async fn offer_and_subscribe(a: &TestApp, b: &TestApp) -> (Uuid, Uuid, Uuid, Uuid) {
    clear_demo_exchange(a).await;
    clear_demo_exchange(b).await;
    let public = publish(a, "Repairs booked by text", "public", false).await;
    let anonymised = publish(a, "A failed app for reporting fly-tipping", "public", true).await;
    let partners = publish(a, "Partners-only lettings pilot", "partners", false).await;
    let internal = publish(a, "Internal rota change", "internal", false).await;
    let admin = b.signed_in(beacon::demo::SECTOR_ADMIN_EMAIL).await;
    let r = subscribe(b, &admin, &a.base).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.location(),
        Some("/sector/exchange/sources?notice=exchange_source_added")
    );
    (public, anonymised, partners, internal)
}

async fn only_public_cases_travel_and_stay_read_only(a: TestApp) -> TestApp {
    let b = TestApp::spawn_with(a.state.db.backend(), closed_network).await;
    let (public, anonymised, _partners, _internal) = offer_and_subscribe(&a, &b).await;

    let got = fetched(&b).await;
    let titles: Vec<&str> = got.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(
        titles,
        vec![
            "A failed app for reporting fly-tipping",
            "Repairs booked by text"
        ],
        "only public cases travel; library cases of the source are not offered"
    );
    let (anon, named) = (&got[0], &got[1]);
    assert!(anon.anonymous);
    assert_eq!(anon.council_name, None);
    assert_eq!(anon.organisation_id, None);
    assert_eq!(named.council_name.as_deref(), Some("Northmere Council"));
    assert_eq!(
        named.organisation_id, None,
        "a remote case belongs to no council here"
    );
    for p in &got {
        assert_eq!(p.level, "public");
        assert_eq!(p.case_id, None);
        assert!(p.remote_id.is_some());
    }
    assert_eq!(
        named.remote_id.as_deref(),
        Some(public.to_string().as_str())
    );
    assert_eq!(
        named.source_url.as_deref(),
        Some(format!("{}/exchange/cases/{public}", a.base).as_str())
    );
    assert_eq!(
        anon.remote_id.as_deref(),
        Some(anonymised.to_string().as_str())
    );
    assert_eq!(named.funding_amount_pence, Some(500_000));
    assert_eq!(named.tags, "housing\nrepairs");
    assert_eq!(named.lessons, "Start small.");

    // The anonymised case names no council anywhere on the receiving side.
    let everything = format!("{anon:?}");
    assert!(!everything.contains("Northmere"), "{everything}");

    // Marked with its source, by the name the source gives itself.
    let mark = store::source_of(b.db().conn(), named)
        .await
        .unwrap()
        .unwrap();
    let host = a.base.trim_start_matches("http://");
    assert_eq!(mark.name, format!("Beacon {host}"));
    assert!(!mark.library);
    let admin = b.signed_in(beacon::demo::SECTOR_ADMIN_EMAIL).await;
    let page = admin.get("/sector/exchange/sources").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("Beacon {host}")));
    assert!(page.texts(".govuk-tag").iter().any(|t| t == "Fetched"));
    assert!(page.texts("td").iter().any(|t| t == "2 cases"));

    // Read-only: no route of the receiving Beacon edits or withdraws it.
    let lead = b.signed_in("innovation-lead@northmere.example").await;
    let before = fetched(&b).await;
    for path in [
        format!("/exchange/cases/{}/edit", named.id),
        format!("/exchange/cases/{}/publish", named.id),
        format!("/exchange/cases/{}/anonymised", named.id),
        format!("/exchange/cases/{}/withdraw", named.id),
    ] {
        let r = lead.post(&path, &[("title", "Taken over")]).await;
        assert!(
            r.status == StatusCode::NOT_FOUND || r.status == StatusCode::BAD_REQUEST,
            "{path}: {}",
            r.status
        );
        let r = lead.get(&path).await;
        assert!(
            matches!(
                r.status,
                StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
            ),
            "{path}: {}",
            r.status
        );
    }
    assert_eq!(fetched(&b).await, before, "nothing changed");

    // Removing the source removes its cases, and tells the search index.
    let changes = search_changes(&b).await;
    let id = source_id(&b).await;
    let r = admin
        .post(&format!("/sector/exchange/sources/{id}/remove"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(fetched(&b).await.is_empty());
    assert!(store::source(b.db().conn(), id).await.unwrap().is_none());
    assert_eq!(search_changes(&b).await, changes + 2);
    b.finish().await;
    a
}

async fn edits_and_withdrawals_at_the_source_arrive_on_the_next_fetch(a: TestApp) -> TestApp {
    let b = TestApp::spawn_with(a.state.db.backend(), closed_network).await;
    let (public, anonymised, _, _) = offer_and_subscribe(&a, &b).await;
    let admin = b.signed_in(beacon::demo::SECTOR_ADMIN_EMAIL).await;
    let id = source_id(&b).await;

    // Fetching again with nothing changed changes nothing.
    let changes = search_changes(&b).await;
    let before = fetched(&b).await;
    let r = admin
        .post(&format!("/sector/exchange/sources/{id}/fetch"), &[])
        .await;
    assert_eq!(
        r.location(),
        Some("/sector/exchange/sources?notice=exchange_source_fetched")
    );
    assert_eq!(fetched(&b).await, before);
    assert_eq!(search_changes(&b).await, changes);

    // At the source: one case edited, the anonymised one withdrawn, one new.
    let later = OffsetDateTime::now_utc() + time::Duration::minutes(5);
    let mut edit: case_publication::ActiveModel = case_publication::Entity::find_by_id(public)
        .one(a.db().conn())
        .await
        .unwrap()
        .unwrap()
        .into();
    edit.title = sea_orm::Set("Repairs booked by text message".into());
    edit.updated_at = sea_orm::Set(later);
    edit.update(a.db().conn()).await.unwrap();
    case_publication::Entity::delete_by_id(anonymised)
        .exec(a.db().conn())
        .await
        .unwrap();
    publish(&a, "Composting with schools", "public", false).await;

    let r = admin
        .post(&format!("/sector/exchange/sources/{id}/fetch"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let titles: Vec<String> = fetched(&b).await.into_iter().map(|p| p.title).collect();
    assert_eq!(
        titles,
        vec!["Composting with schools", "Repairs booked by text message"]
    );
    // One change each for the edit, the withdrawal and the new case.
    assert_eq!(search_changes(&b).await, changes + 3);
    let source = store::source(b.db().conn(), id).await.unwrap().unwrap();
    assert_eq!(source.last_status, "ok");
    assert_eq!(source.case_count, 2);
    b.finish().await;
    a
}

async fn the_feed_pages_filters_and_refuses_bad_queries(app: TestApp) -> TestApp {
    clear_demo_exchange(&app).await;
    // The library again, alone: its cases are fetched ones, never offered.
    beacon::library::load(app.db(), time::OffsetDateTime::now_utc())
        .await
        .unwrap();
    let public = publish(&app, "Repairs booked by text", "public", false).await;
    let anonymised = publish(&app, "A failed app", "public", true).await;
    let partners = publish(&app, "Partners-only pilot", "partners", false).await;
    let internal = publish(&app, "Internal rota", "internal", false).await;
    let visitor = app.browser();

    let r = visitor.get("/api/exchange/cases").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let page: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(page["schema"], "beacon-exchange/1");
    let ids: Vec<&str> = page["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    let mut expected = vec![public.to_string(), anonymised.to_string()];
    expected.sort();
    assert_eq!(ids, expected, "public cases made here only, in id order");
    assert!(page["next"].is_null());
    let anon = page["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["anonymous"] == true)
        .unwrap();
    assert!(anon["council"].is_null());
    assert!(!anon.to_string().contains("Northmere"), "{anon}");
    // The projection's fields only: never the case or the council's id.
    for field in ["case_id", "organisation_id", "level", "remote_source_id"] {
        assert!(!r.body.contains(&format!("\"{field}\"")), "{field} leaked");
    }
    assert!(!r.body.contains(&partners.to_string()));
    assert!(!r.body.contains(&internal.to_string()));

    // Paging with the cursor.
    let first: serde_json::Value =
        serde_json::from_str(&visitor.get("/api/exchange/cases?limit=1").await.body).unwrap();
    assert_eq!(first["cases"].as_array().unwrap().len(), 1);
    let cursor = first["next"].as_str().unwrap();
    assert_eq!(cursor, expected[0]);
    let second: serde_json::Value = serde_json::from_str(
        &visitor
            .get(&format!("/api/exchange/cases?limit=1&cursor={cursor}"))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(second["cases"][0]["id"], expected[1].as_str());

    // Changed since.
    let future = (OffsetDateTime::now_utc() + time::Duration::days(1))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let since: serde_json::Value = serde_json::from_str(
        &visitor
            .get(&format!(
                "/api/exchange/cases?updated_since={}",
                future.replace('+', "%2B")
            ))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(since["cases"].as_array().unwrap().len(), 0);

    // One case.
    let one = visitor.get(&format!("/api/exchange/cases/{public}")).await;
    assert_eq!(one.status, StatusCode::OK);
    let one: serde_json::Value = serde_json::from_str(&one.body).unwrap();
    assert_eq!(one["case"]["title"], "Repairs booked by text");
    assert_eq!(one["case"]["council"], "Northmere Council");
    assert_eq!(one["case"]["sections"]["lessons"], "Start small.");
    assert_eq!(one["case"]["funding"]["amount_pence"], 500_000);

    // Problems, as problem+json.
    for path in [
        format!("/api/exchange/cases/{partners}"),
        format!("/api/exchange/cases/{internal}"),
        "/api/exchange/cases/not-an-id".to_owned(),
    ] {
        let r = visitor.get(&path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            r.headers["content-type"]
                .to_str()
                .unwrap()
                .contains("problem+json")
        );
    }
    // The library's cases are fetched ones: not offered either.
    let library = case_publication::Entity::find()
        .filter(case_publication::Column::RemoteSourceId.is_not_null())
        .one(app.db().conn())
        .await
        .unwrap()
        .unwrap();
    let r = visitor
        .get(&format!("/api/exchange/cases/{}", library.id))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    for query in [
        "limit=0",
        "limit=101",
        "limit=ten",
        "cursor=nope",
        "updated_since=yesterday",
        "secret=1",
    ] {
        let r = visitor.get(&format!("/api/exchange/cases?{query}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(
            r.headers["content-type"]
                .to_str()
                .unwrap()
                .contains("problem+json"),
            "{query}"
        );
    }
    app
}

// ---------------------------------------------------------------------------
// A source that answers whatever the test tells it to.

#[derive(Clone)]
struct Answer {
    status: u16,
    body: Vec<u8>,
    /// Send a Content-Length header (otherwise the body ends at close).
    length: bool,
}

async fn fake_source(answer: Arc<Mutex<Answer>>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let answer = answer.lock().unwrap().clone();
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut buf = [0u8; 1024];
                while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                }
                let mut head = format!(
                    "HTTP/1.1 {} X\r\ncontent-type: application/json\r\nconnection: close\r\n",
                    answer.status
                );
                if answer.length {
                    head.push_str(&format!("content-length: {}\r\n", answer.body.len()));
                }
                head.push_str("\r\n");
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&answer.body).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

fn feed(cases: serde_json::Value) -> Vec<u8> {
    serde_json::json!({
        "schema": "beacon-exchange/1",
        "instance": {"name": "Fenwick Beacon", "url": "https://fenwick.example"},
        "cases": cases,
        "next": null,
    })
    .to_string()
    .into_bytes()
}

fn good_case(id: &str, title: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "url": "https://elsewhere.example/phish",
        "title": title,
        "council": "Fenwick Council",
        "anonymous": false,
        "sections": {"summary": "What they did.", "lessons": "Costs < £5m"},
        "service_area": "planning",
        "facet": "anticipatory",
        "stage": "implementing",
        "year": 2024,
        "outcome": "partly",
        "evidence_level": 2,
        "cashable_savings_pence": 0,
        "non_cashable_savings_pence": 0,
        "social_value_pence": 0,
        "cost_pence": 0,
        "funding": null,
        "tags": ["planning"],
        "published_at": "2025-01-01T00:00:00Z",
        "updated_at": "2025-01-01T00:00:00Z"
    })
}

async fn a_broken_or_hostile_source_changes_nothing_and_is_reported(app: TestApp) -> TestApp {
    let answer = Arc::new(Mutex::new(Answer {
        status: 200,
        body: feed(serde_json::json!([good_case(
            "f1",
            "Planning advice online"
        )])),
        length: true,
    }));
    let base = fake_source(answer.clone()).await;
    let admin = app.signed_in(beacon::demo::SECTOR_ADMIN_EMAIL).await;
    let r = subscribe(&app, &admin, &base).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let good = fetched(&app).await;
    assert_eq!(good.len(), 1);
    assert_eq!(good[0].council_name.as_deref(), Some("Fenwick Council"));
    assert_eq!(good[0].lessons, "Costs < £5m");
    // The link is built here, not taken from the feed.
    assert_eq!(
        good[0].source_url.as_deref(),
        Some(format!("{base}/exchange/cases/f1").as_str())
    );
    let id = source_id(&app).await;
    let changes = search_changes(&app).await;

    let mut wrong_type = good_case("f1", "Planning advice online");
    wrong_type["year"] = serde_json::json!("twenty twenty-four");
    let mut html_title = good_case("f1", "<script>alert('owned')</script>");
    html_title["council"] = serde_json::json!("Fenwick Council");
    let mut html_section = good_case("f1", "Planning advice online");
    html_section["sections"]["summary"] = serde_json::json!("<img src=x onerror=alert(1)>");
    let mut unknown_area = good_case("f1", "Planning advice online");
    unknown_area["service_area"] = serde_json::json!("space_programme");
    let huge = {
        let mut body = b"{\"schema\":\"beacon-exchange/1\",\"pad\":\"".to_vec();
        body.resize(5 * 1024 * 1024, b'a');
        body
    };
    let cases: Vec<serde_json::Value> = (0..501)
        .map(|i| good_case(&format!("n{i}"), "One of many"))
        .collect();
    let hostile: Vec<(&str, Answer, &str)> = vec![
        (
            "bad JSON",
            Answer {
                status: 200,
                body: b"{\"schema\": ".to_vec(),
                length: true,
            },
            "not_json",
        ),
        (
            "wrong types",
            Answer {
                status: 200,
                body: feed(serde_json::json!([wrong_type])),
                length: true,
            },
            "not_json",
        ),
        (
            "HTML in the title",
            Answer {
                status: 200,
                body: feed(serde_json::json!([html_title, good_case("f2", "Fine")])),
                length: true,
            },
            "case",
        ),
        (
            "HTML in a section",
            Answer {
                status: 200,
                body: feed(serde_json::json!([html_section])),
                length: true,
            },
            "case",
        ),
        (
            "an unknown service area",
            Answer {
                status: 200,
                body: feed(serde_json::json!([unknown_area])),
                length: true,
            },
            "case",
        ),
        (
            "a huge body, announced",
            Answer {
                status: 200,
                body: huge.clone(),
                length: true,
            },
            "too_large",
        ),
        (
            "a huge body, unannounced",
            Answer {
                status: 200,
                body: huge,
                length: false,
            },
            "too_large",
        ),
        (
            "too many cases",
            Answer {
                status: 200,
                body: feed(serde_json::Value::Array(cases)),
                length: true,
            },
            "too_many_cases",
        ),
        (
            "another schema",
            Answer {
                status: 200,
                body: String::from_utf8(feed(serde_json::json!([])))
                    .unwrap()
                    .replace("beacon-exchange/1", "beacon-exchange/9")
                    .into_bytes(),
                length: true,
            },
            "schema",
        ),
        (
            "a server error",
            Answer {
                status: 500,
                body: b"oops".to_vec(),
                length: true,
            },
            "status",
        ),
    ];
    for (what, bad, key) in hostile {
        *answer.lock().unwrap() = bad;
        let audit = audit_count(&app).await;
        let r = admin
            .post(&format!("/sector/exchange/sources/{id}/fetch"), &[])
            .await;
        assert_eq!(
            r.location(),
            Some("/sector/exchange/sources?notice=exchange_source_refused"),
            "{what}"
        );
        assert_eq!(fetched(&app).await, good, "{what}: nothing changed");
        assert_eq!(search_changes(&app).await, changes, "{what}");
        assert_eq!(audit_count(&app).await, audit, "{what}");
        let source = store::source(app.db().conn(), id).await.unwrap().unwrap();
        assert_eq!(source.last_status, "refused", "{what}");
        assert_eq!(source.last_error, key, "{what}");
        let page = admin.get("/sector/exchange/sources").await;
        assert!(
            page.texts(".govuk-tag").iter().any(|t| t == "Refused"),
            "{what}"
        );
        assert_eq!(page.texts("[data-reason]").len(), 1, "{what}");
        assert!(
            !page.body.contains("owned"),
            "{what}: the source's words stay out"
        );
    }

    // A good answer again is taken.
    *answer.lock().unwrap() = Answer {
        status: 200,
        body: feed(serde_json::json!([good_case(
            "f1",
            "Planning advice online, renewed"
        )])),
        length: true,
    };
    admin
        .post(&format!("/sector/exchange/sources/{id}/fetch"), &[])
        .await;
    assert_eq!(
        fetched(&app).await[0].title,
        "Planning advice online, renewed"
    );
    app
}

async fn a_bad_address_gets_an_error_summary_and_changes_nothing(app: TestApp) -> TestApp {
    let admin = app.signed_in(beacon::demo::SECTOR_ADMIN_EMAIL).await;
    let audit = audit_count(&app).await;
    let not_beacon = fake_source(Arc::new(Mutex::new(Answer {
        status: 200,
        body: b"<html>hello</html>".to_vec(),
        length: true,
    })))
    .await;
    for (input, message) in [
        ("", "Enter the address of the other Beacon"),
        (
            "ftp://beacon.example",
            "must start with https:// or http://",
        ),
        ("javascript:alert(1)", "must start with https:// or http://"),
        ("https://user:pw@beacon.example", "without a user name"),
        ("https://beacon.example/?x=1", "without a user name"),
        ("http://127.0.0.1:1", "does not lead to a Beacon"),
        (not_beacon.as_str(), "does not lead to a Beacon"),
    ] {
        let r = subscribe(&app, &admin, input).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{input}");
        assert!(r.has_error_summary(), "{input}");
        assert!(
            r.texts(".govuk-error-summary").join(" ").contains(message),
            "{input}: {:?}",
            r.texts(".govuk-error-summary")
        );
        assert!(r.texts(".govuk-error-message").len() == 1, "{input}");
    }
    assert!(store::sources(app.db().conn()).await.unwrap().is_empty());
    assert_eq!(audit_count(&app).await, audit);

    // The same Beacon twice is refused.
    let answer = Arc::new(Mutex::new(Answer {
        status: 200,
        body: feed(serde_json::json!([])),
        length: true,
    }));
    let base = fake_source(answer).await;
    assert_eq!(
        subscribe(&app, &admin, &base).await.status,
        StatusCode::SEE_OTHER
    );
    let again = subscribe(&app, &admin, &format!("{base}/")).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again
            .texts(".govuk-error-summary")
            .join(" ")
            .contains("You already subscribe to this Beacon"),
        "{:?}",
        again.texts(".govuk-error-summary")
    );
    assert_eq!(store::sources(app.db().conn()).await.unwrap().len(), 1);
    // Unknown fields are a tampered form.
    let r = admin
        .post(
            "/sector/exchange/sources",
            &[("base_url", &base), ("kind", "library")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // Welsh too.
    refused_in_welsh(
        &admin,
        "ftp://x",
        "Rhaid i’r cyfeiriad ddechrau gyda https:// neu http://",
    )
    .await;
    assert_eq!(store::sources(app.db().conn()).await.unwrap().len(), 1);
    app
}

async fn only_sector_admins_manage_sources(app: TestApp) -> TestApp {
    let answer = Arc::new(Mutex::new(Answer {
        status: 200,
        body: feed(serde_json::json!([good_case(
            "f1",
            "Planning advice online"
        )])),
        length: true,
    }));
    let base = fake_source(answer).await;
    let admin = app.signed_in(beacon::demo::SECTOR_ADMIN_EMAIL).await;
    subscribe(&app, &admin, &base).await;
    let id = source_id(&app).await;
    let before = fetched(&app).await;
    let audit = audit_count(&app).await;
    for role in Role::ALL {
        let who = app
            .signed_in(&format!(
                "{}@northmere.example",
                role.key().replace('_', "-")
            ))
            .await;
        assert_eq!(
            who.get("/sector/exchange/sources").await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
        for (path, fields) in [
            (
                "/sector/exchange/sources".to_owned(),
                vec![("base_url", base.as_str())],
            ),
            (format!("/sector/exchange/sources/{id}/fetch"), vec![]),
            (format!("/sector/exchange/sources/{id}/remove"), vec![]),
        ] {
            assert_eq!(
                who.post(&path, &fields).await.status,
                StatusCode::FORBIDDEN,
                "{role} {path}"
            );
        }
    }
    let nobody = app.browser();
    assert_eq!(
        nobody.get("/sector/exchange/sources").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(store::sources(app.db().conn()).await.unwrap().len(), 1);
    assert_eq!(fetched(&app).await, before);
    assert_eq!(audit_count(&app).await, audit);
    // The sector admin reaches an unknown source as "not found".
    let r = admin
        .post(
            &format!("/sector/exchange/sources/{}/fetch", Uuid::new_v4()),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    app
}

async fn the_library_loads_every_case_with_its_facts(app: TestApp) -> TestApp {
    // The demo loaded it; every case of the file is there, public, from the library.
    let expected = beacon::library::parse(beacon::library::DATA).unwrap();
    let rows = case_publication::Entity::find()
        .filter(case_publication::Column::RemoteSourceId.is_not_null())
        .all(app.db().conn())
        .await
        .unwrap();
    assert_eq!(rows.len(), expected.len());
    assert!(rows.len() >= 10);
    for case in &expected {
        let row = rows
            .iter()
            .find(|r| r.remote_id.as_deref() == Some(case.id.as_str()))
            .unwrap_or_else(|| panic!("{} missing", case.id));
        assert_eq!(row.title, case.title);
        assert_eq!(row.level, "public");
        assert!(row.council_name.is_some(), "{}", case.id);
        assert!(
            row.materials.contains("Source: "),
            "{}: names its source",
            case.id
        );
        assert!(
            !row.summary.is_empty() && !row.results.is_empty(),
            "{}",
            case.id
        );
        let mark = store::source_of(app.db().conn(), row)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(mark.name, "Case library");
        assert!(mark.library);
    }
    let find = |id: &str| {
        rows.iter()
            .find(|r| r.remote_id.as_deref() == Some(id))
            .unwrap()
    };
    let sunderland = find("sunderland-internal-jobs-market");
    assert_eq!(
        sunderland.council_name.as_deref(),
        Some("Sunderland City Council")
    );
    for fact in ["£58 million", "£100 million", "27%", "8,500", "6,500"] {
        assert!(
            format!("{} {}", sunderland.summary, sunderland.results).contains(fact),
            "Sunderland: {fact}"
        );
    }
    assert!(sunderland.materials.contains("CIPD"));
    let sutton = find("sutton-merton-shared-hr");
    assert_eq!(sutton.cashable_savings_pence, 100_000_000);
    assert!(sutton.summary.contains("October 2009"));
    let trinity = find("sutton-trinity-project");
    assert!(trinity.summary.contains("£605,000") && trinity.summary.contains("£6.1 million"));
    let lbrp = find("london-boroughs-recruitment-partnership");
    assert!(lbrp.summary.contains("28") && lbrp.summary.contains("£1.5 million"));
    let stars = find("southend-stars-awards");
    assert!(stars.summary.contains("400") && stars.summary.contains("300"));
    let croydon = find("croydon-total-place-early-years");
    assert!(croydon.summary.contains("13 Total Place pilots"));
    for id in [
        "flintshire-cross-organisational-change",
        "south-tyneside-bt-partnership",
    ] {
        assert!(find(id).materials.contains("Govtoday"), "{id}");
    }
    // Readable by anyone, through the one rule.
    let public = case_publication::Entity::find()
        .filter(beacon_db::exchange::publications::readable_by(
            &beacon_core::exchange::Reader::Public,
        ))
        .filter(case_publication::Column::RemoteSourceId.is_not_null())
        .count(app.db().conn())
        .await
        .unwrap();
    assert_eq!(public as usize, expected.len());

    // Loading again changes nothing.
    let changes = search_changes(&app).await;
    let again = beacon::library::load(app.db(), OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!(again, store::Applied::default());
    assert_eq!(search_changes(&app).await, changes);
    app
}

/// A server on 127.0.0.1 that answers every request with a good feed and
/// counts the connections it is asked for.
async fn counting_source() -> (u16, Arc<Mutex<usize>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(Mutex::new(0usize));
    let counted = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            *counted.lock().unwrap() += 1;
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let body = feed(serde_json::json!([]));
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&body).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (port, connections)
}

async fn private_addresses_and_credentials_are_refused_by_default(app: TestApp) -> TestApp {
    assert!(!app.state.config.federation_private_addresses);
    let (port, connections) = counting_source().await;
    let admin = app.signed_in(beacon::demo::SECTOR_ADMIN_EMAIL).await;
    let audit = audit_count(&app).await;
    const PRIVATE: &str = "this address is on a private or local network";
    let inputs = [
        (format!("http://127.0.0.1:{port}"), PRIVATE),
        // A name is judged by the addresses it resolves to.
        (format!("http://localhost:{port}"), PRIVATE),
        (format!("http://[::1]:{port}"), PRIVATE),
        (format!("http://[::ffff:127.0.0.1]:{port}"), PRIVATE),
        ("http://10.1.2.3".to_owned(), PRIVATE),
        ("http://192.168.0.10:8080".to_owned(), PRIVATE),
        ("http://169.254.169.254/latest".to_owned(), PRIVATE),
        ("http://[fd00::1]".to_owned(), PRIVATE),
        ("http://0.0.0.0".to_owned(), PRIVATE),
        (
            "http://user:pw@beacon.example".to_owned(),
            "Enter the address without a user name or password",
        ),
        (
            format!("http://user:pw@127.0.0.1:{port}"),
            "Enter the address without a user name or password",
        ),
    ];
    for (input, message) in &inputs {
        let r = subscribe(&app, &admin, input).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{input}");
        let summary = r.texts(".govuk-error-summary").join(" ");
        assert!(summary.contains(message), "{input}: {summary}");
        assert_eq!(r.texts(".govuk-error-message").len(), 1, "{input}");
    }
    // In Welsh too.
    refused_in_welsh(&admin, "http://10.1.2.3", "ar rwydwaith preifat neu leol").await;
    // Nothing stored, nothing recorded, and the server on 127.0.0.1 was
    // never asked for anything.
    assert!(store::sources(app.db().conn()).await.unwrap().is_empty());
    assert_eq!(audit_count(&app).await, audit);
    assert_eq!(*connections.lock().unwrap(), 0);

    // A source stored while private addresses were allowed is refused at
    // its next fetch, and the page says why.
    let url =
        beacon_core::exchange::federation::SourceUrl::parse(&format!("http://127.0.0.1:{port}"))
            .unwrap();
    let actor = beacon_db::audit::Actor::system("test");
    store::add_source(
        app.db().conn(),
        &actor,
        OffsetDateTime::now_utc(),
        &url,
        "Fenwick",
    )
    .await
    .unwrap();
    let id = source_id(&app).await;
    let r = admin
        .post(&format!("/sector/exchange/sources/{id}/fetch"), &[])
        .await;
    assert_eq!(
        r.location(),
        Some("/sector/exchange/sources?notice=exchange_source_refused")
    );
    // Back in English: the Welsh form above chose Welsh for this browser.
    let page = admin.get("/sector/exchange/sources?lang=en").await;
    assert!(
        page.body.contains(
            "address is on a private or local network, which this Beacon does not connect to"
        ),
        "{}",
        page.body
    );
    assert_eq!(*connections.lock().unwrap(), 0);
    assert!(fetched(&app).await.is_empty());

    // The same server, allowed: the guard was all that stood in the way.
    let closed = TestApp::spawn_with(app.state.db.backend(), closed_network).await;
    let closed_admin = closed.signed_in(beacon::demo::SECTOR_ADMIN_EMAIL).await;
    let r = subscribe(&closed, &closed_admin, &format!("http://localhost:{port}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(*connections.lock().unwrap() > 0);
    closed.finish().await;
    app
}

async fn the_instance_names_itself_as_configured(app: TestApp) -> TestApp {
    // By default, from the public address.
    let page: serde_json::Value =
        serde_json::from_str(&app.browser().get("/api/exchange/cases").await.body).unwrap();
    let host = app.base.trim_start_matches("http://");
    assert_eq!(page["instance"]["name"], format!("Beacon {host}"));
    let atom = app.browser().get("/exchange/feed.atom").await.body;
    assert!(
        atom.contains(&format!("<author><name>Beacon {host}</name></author>")),
        "{atom}"
    );

    let named = TestApp::spawn_with(app.state.db.backend(), |c| {
        c.instance_name = "Fenwick Borough Beacon".to_owned();
    })
    .await;
    let page: serde_json::Value =
        serde_json::from_str(&named.browser().get("/api/exchange/cases").await.body).unwrap();
    assert_eq!(page["instance"]["name"], "Fenwick Borough Beacon");
    assert_eq!(page["instance"]["url"], named.base.as_str());
    let atom = named.browser().get("/exchange/feed.atom").await.body;
    assert!(
        atom.contains("<author><name>Fenwick Borough Beacon</name></author>"),
        "{atom}"
    );
    // A Beacon subscribing to it knows it by that name.
    let subscriber = TestApp::spawn_with(app.state.db.backend(), closed_network).await;
    let admin = subscriber.signed_in(beacon::demo::SECTOR_ADMIN_EMAIL).await;
    let r = subscribe(&subscriber, &admin, &named.base).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let sources = store::sources(subscriber.db().conn()).await.unwrap();
    assert_eq!(sources[0].name, "Fenwick Borough Beacon");
    subscriber.finish().await;
    named.finish().await;
    app
}

/// A subscription to `base_url` is refused with `message` in the Welsh
/// error summary.
async fn refused_in_welsh(admin: &Browser, base_url: &str, message: &str) {
    let r = admin
        .post(
            "/sector/exchange/sources?lang=cy",
            &[("base_url", base_url)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let summary = r.texts(".govuk-error-summary").join(" ");
    assert!(summary.contains(message), "{base_url}: {summary}");
}
