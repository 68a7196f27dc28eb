//! Cross-site request forgery is refused on every state-changing request
//! (PROMISES.md 9). The matrix checks every POST route without a token; these
//! check each way a forged request can look.
use crate::helpers::*;
use reqwest::{Method, StatusCode};

both_databases!(
    a_form_without_a_token_is_refused_and_changes_nothing,
    a_form_with_another_visitors_token_is_refused,
    cross_site_fetches_and_foreign_origins_are_refused,
    the_token_before_sign_in_does_not_work_after_it,
);

const ADMIN: &str = "admin@northmere.example";

async fn a_form_without_a_token_is_refused_and_changes_nothing(app: TestApp) -> TestApp {
    let admin = app.signed_in(ADMIN).await;
    let before = audit_count(&app).await;
    let reply = admin
        .request(
            Method::POST,
            "/admin/invitations",
            Some(&[("email", "x@northmere.example"), ("role", "staff")]),
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(
        reply
            .body
            .contains("Sorry, there is a problem with this form")
    );
    let bad = admin
        .request(
            Method::POST,
            "/admin/invitations",
            Some(&[
                ("csrf_token", "forged"),
                ("email", "x@northmere.example"),
                ("role", "staff"),
            ]),
            &[],
        )
        .await;
    assert_eq!(bad.status, StatusCode::FORBIDDEN);
    assert_eq!(audit_count(&app).await, before);
    app
}

async fn a_form_with_another_visitors_token_is_refused(app: TestApp) -> TestApp {
    let attacker = app.signed_in("admin@eastbrook.example").await;
    let their_token = attacker.token().await;
    let victim = app.signed_in(ADMIN).await;
    let before = audit_count(&app).await;
    let reply = victim
        .request(
            Method::POST,
            "/admin/invitations",
            Some(&[
                ("csrf_token", their_token.as_str()),
                ("email", "x@northmere.example"),
                ("role", "admin"),
            ]),
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(audit_count(&app).await, before);
    app
}

async fn cross_site_fetches_and_foreign_origins_are_refused(app: TestApp) -> TestApp {
    let admin = app.signed_in(ADMIN).await;
    let token = admin.token().await;
    let fields: [(&str, &str); 3] = [
        ("csrf_token", token.as_str()),
        ("email", "x@northmere.example"),
        ("role", "staff"),
    ];
    for headers in [
        vec![("sec-fetch-site", "cross-site")],
        vec![("origin", "https://evil.example")],
        vec![("origin", "null")],
    ] {
        let reply = admin
            .request(Method::POST, "/admin/invitations", Some(&fields), &headers)
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{headers:?}");
    }
    // The same request from our own origin goes through.
    let origin = app.base.clone();
    let ok = admin
        .request(
            Method::POST,
            "/admin/invitations",
            Some(&fields),
            &[
                ("origin", origin.as_str()),
                ("sec-fetch-site", "same-origin"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    app
}

async fn the_token_before_sign_in_does_not_work_after_it(app: TestApp) -> TestApp {
    let b = app.browser();
    let anonymous_token = b.token().await;
    let reply = b.sign_in(ADMIN, DEMO_PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let signed_in_token = b.token().await;
    assert_ne!(anonymous_token, signed_in_token);
    let stale = b
        .request(
            Method::POST,
            "/sign-out",
            Some(&[("csrf_token", anonymous_token.as_str())]),
            &[],
        )
        .await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN);
    assert!(b.is_signed_in().await);
    app
}
