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
