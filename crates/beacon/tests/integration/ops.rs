//! Operations: health, metrics, security headers, error pages, languages.
use crate::helpers::*;
use reqwest::StatusCode;

both_databases!(
    healthz_names_the_database,
    metrics_count_requests_by_route,
    pages_carry_security_headers_and_are_not_cached,
    unknown_pages_get_the_not_found_page_in_the_chosen_language,
    api_clients_get_problem_json,
    assets_are_served_immutably_under_their_version,
    a_database_too_busy_to_answer_asks_people_to_try_again,
);

async fn healthz_names_the_database(app: TestApp) -> TestApp {
    let reply = app.browser().get("/healthz").await;
    assert_eq!(reply.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(json["status"], "ok");
    assert_eq!(json["database"], app.db().backend().name());
    assert!(json["migrations"].as_u64().unwrap() >= 1);
    app
}

async fn metrics_count_requests_by_route(app: TestApp) -> TestApp {
    let b = app.browser();
    b.get("/admin/people/0b7c0c6e-0000-4000-8000-000000000000")
        .await;
    b.get("/accessibility").await;
    let reply = b.get("/metrics").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    assert!(
        reply.body.contains(
            "beacon_http_requests_total{method=\"GET\",route=\"/accessibility\",status=\"200\"} 1"
        ),
        "{}",
        reply.body
    );
    // Routes are patterns, so ids never become series.
    assert!(reply.body.contains("route=\"/admin/people/{id}\""));
    assert!(!reply.body.contains("0b7c0c6e"));
    assert!(reply.body.contains("beacon_outbox_pending 0"));
    app
}

async fn pages_carry_security_headers_and_are_not_cached(app: TestApp) -> TestApp {
    let b = app.signed_in("staff@northmere.example").await;
    let reply = b.get("/account").await;
    let h = &reply.headers;
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["cache-control"], "no-store");
    app
}

async fn unknown_pages_get_the_not_found_page_in_the_chosen_language(app: TestApp) -> TestApp {
    let b = app.browser();
    let reply = b.get("/no-such-page").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.texts("h1"), vec!["Page not found"]);
    assert!(
        reply.body.contains("govuk-footer"),
        "errors are in the same shell"
    );
    let welsh = b.get("/no-such-page?lang=cy").await;
    assert_eq!(welsh.texts("h1"), vec!["Heb ddod o hyd i'r dudalen"]);
    assert!(welsh.body.contains("<html lang=\"cy\""));
    // The choice is remembered.
    let home = b.get("/").await;
    assert_eq!(
        home.texts(".govuk-skip-link"),
        vec!["Neidio i'r prif gynnwys"]
    );
    let english = b.get("/?lang=en").await;
    assert_eq!(
        english.texts(".govuk-skip-link"),
        vec!["Skip to main content"]
    );
    app
}

async fn api_clients_get_problem_json(app: TestApp) -> TestApp {
    let reply = app
        .browser()
        .request(
            reqwest::Method::GET,
            "/api/v1/nothing",
            None,
            &[("accept", "application/json")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.headers["content-type"], "application/problem+json");
    let json: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(json["status"], 404);
    assert_eq!(json["title"], "Page not found");
    app
}

async fn assets_are_served_immutably_under_their_version(app: TestApp) -> TestApp {
    let b = app.browser();
    let home = b.get("/").await;
    let css = home
        .body
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|h| h.ends_with("/app.css"))
        .unwrap()
        .to_owned();
    let reply = b.get(&css).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert!(reply.body.contains(".govuk-button"));
    assert!(
        !reply.body.contains("GDS Transport"),
        "councils use Arial, not the GOV.UK typeface"
    );
    assert_eq!(
        b.get("/assets/0000000000/app.css").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        b.get(&css.replace("app.css", "../../Cargo.toml"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    app
}

/// Every pooled connection held elsewhere: the request waits out the acquire
/// timeout and is refused with 503 and Retry-After, in the service's words,
/// not a 500. Once the connections come free, the same page works.
async fn a_database_too_busy_to_answer_asks_people_to_try_again(app: TestApp) -> TestApp {
    use beacon_db::TransactionTrait;
    let b = app.signed_in("staff@northmere.example").await;
    assert_eq!(b.get("/ideas").await.status, StatusCode::OK);
    let mut held = Vec::new();
    for _ in 0..app.db().pool_size() {
        held.push(app.db().conn().begin().await.unwrap());
    }
    let (page, problem) = tokio::join!(
        b.get("/ideas"),
        b.request(
            reqwest::Method::GET,
            "/ideas",
            None,
            &[("accept", "application/json")],
        )
    );
    assert_eq!(
        page.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        page.body
    );
    assert_eq!(page.headers["retry-after"], "5");
    assert!(
        page.body.contains("Sorry, the service is busy"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Nothing you entered has been saved"));
    assert_eq!(problem.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(problem.headers["retry-after"], "5");
    assert_eq!(problem.headers["content-type"], "application/problem+json");
    let json: serde_json::Value = serde_json::from_str(&problem.body).unwrap();
    assert_eq!(json["status"], 503);
    for tx in held {
        tx.rollback().await.unwrap();
    }
    assert_eq!(b.get("/ideas").await.status, StatusCode::OK);
    app
}

/// SQLite: a transaction that read before another writer committed cannot
/// then write (its snapshot is stale). That is "busy, try again", which the
/// pages answer with 503; a broken rule is not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_sqlite_snapshot_that_writes_counts_as_busy() {
    use beacon_db::{ConnectionTrait, TransactionTrait};
    run(beacon_db::Backend::Sqlite, |app| async move {
        let conn = app.db().conn();
        let reader = conn.begin().await.unwrap();
        // Reading a row starts the transaction's snapshot.
        let read = reader
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Sqlite,
                "SELECT count(*) AS n FROM organisations",
            ))
            .await
            .unwrap();
        assert!(read.is_some());
        // A write that changes something (SQLite skips one that does not).
        conn.execute_unprepared("UPDATE organisations SET name = name || ' (renamed)'")
            .await
            .unwrap();
        let err = reader
            .execute_unprepared("UPDATE organisations SET name = name")
            .await
            .expect_err("a stale snapshot cannot write");
        assert!(beacon_db::is_busy(&err), "{err:?}");
        reader.rollback().await.unwrap();

        let duplicate = conn
            .execute_unprepared("INSERT INTO organisations SELECT * FROM organisations LIMIT 1")
            .await
            .expect_err("an organisation's id is unique");
        assert!(!beacon_db::is_busy(&duplicate), "{duplicate:?}");
        app
    })
    .await;
}

/// SQLite: the server refreshes the query planner's statistics when it
/// starts, so that staff looked up by id within an organisation are found by
/// primary key, not by reading every one of the organisation's staff (the
/// plan SQLite chooses without statistics).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_keeps_sqlite_planning_lookups_by_primary_key() {
    use beacon_db::ConnectionTrait;
    run(beacon_db::Backend::Sqlite, |app| async move {
        let conn = app.db().conn();
        let stats = sea_orm::Statement::from_string(
            sea_orm::DbBackend::Sqlite,
            "SELECT count(*) AS n FROM sqlite_master WHERE name = 'sqlite_stat1'",
        );
        let mut analysed = false;
        for _ in 0..100 {
            let row = conn.query_one_raw(stats.clone()).await.unwrap().unwrap();
            if row.try_get::<i64>("", "n").unwrap() == 1 {
                analysed = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(
            analysed,
            "no statistics ten seconds after the server started"
        );
        let org = org_id(&app, "northmere").await;
        let plan = conn
            .query_all_raw(sea_orm::Statement::from_sql_and_values(
                sea_orm::DbBackend::Sqlite,
                "EXPLAIN QUERY PLAN SELECT * FROM staff \
                 WHERE organisation_id = ? AND id IN (?, ?)",
                [
                    org.uuid().into(),
                    uuid::Uuid::new_v4().into(),
                    uuid::Uuid::new_v4().into(),
                ],
            ))
            .await
            .unwrap()
            .iter()
            .map(|row| row.try_get::<String>("", "detail").unwrap())
            .collect::<Vec<_>>()
            .join("; ");
        assert!(plan.contains("(id=?)"), "{plan}");
        app
    })
    .await;
}
