//! Accounts: sign-in, sessions (PROMISES.md 14), limits (15), one-time tokens (16).
use crate::helpers::*;
use beacon_core::account::TokenPurpose;
use reqwest::StatusCode;
use time::Duration;

const STAFF: &str = "staff@northmere.example";
const ADMIN: &str = "admin@northmere.example";

both_databases!(
    sign_in_starts_a_new_session_with_host_cookies,
    wrong_password_is_refused_with_the_same_message_as_unknown_account,
    sign_in_form_with_bad_input_shows_errors_and_changes_nothing,
    sign_out_ends_the_session_on_the_server,
    sessions_expire_when_idle,
    changing_password_ends_other_sessions,
    password_policy_is_enforced_on_change,
    disabled_account_cannot_sign_in_and_loses_its_sessions,
    sign_in_is_limited_per_account,
    sign_in_is_limited_per_address_and_headers_cannot_spoof_it,
    reset_tokens_are_single_use_and_expire,
    reset_request_does_not_reveal_accounts,
    invitation_creates_an_account_once,
    next_parameter_never_leaves_the_site,
    reset_requests_are_limited_per_account,
    guessing_links_is_limited_per_address,
);

async fn sign_in_starts_a_new_session_with_host_cookies(app: TestApp) -> TestApp {
    let b = app.browser();
    // A session cookie planted before sign-in (fixation) must not be kept.
    b.set_cookie("__Host-beacon-session", "planted-by-an-attacker");
    let reply = b.sign_in(STAFF, DEMO_PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), Some("/"));
    let cookie = reply
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("__Host-beacon-session="))
        .unwrap();
    for attribute in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    assert!(!cookie.contains("Domain"), "a __Host- cookie has no Domain");
    let session = b.cookie("__Host-beacon-session").unwrap();
    assert_ne!(session, "planted-by-an-attacker");
    assert!(session.len() >= 43, "session tokens carry 256 bits");
    assert!(b.is_signed_in().await);
    // A second sign-in gets a different session.
    let other = app.signed_in(STAFF).await;
    assert_ne!(other.cookie("__Host-beacon-session"), Some(session));
    app
}

async fn wrong_password_is_refused_with_the_same_message_as_unknown_account(
    app: TestApp,
) -> TestApp {
    let b = app.browser();
    let wrong = b.sign_in(STAFF, "not the password").await;
    let unknown = b
        .sign_in("nobody@northmere.example", "not the password")
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.has_error_summary());
    assert_eq!(
        wrong.texts(".govuk-error-summary__list"),
        unknown.texts(".govuk-error-summary__list")
    );
    assert!(!b.is_signed_in().await);
    app
}

async fn sign_in_form_with_bad_input_shows_errors_and_changes_nothing(app: TestApp) -> TestApp {
    let b = app.browser();
    let before = audit_count(&app).await;
    let reply = b.sign_in("", "").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.has_error_summary());
    assert!(reply.texts("title")[0].starts_with("Error:"));
    let links = reply.texts(".govuk-error-summary__list a");
    assert_eq!(
        links,
        vec!["Enter your email address", "Enter your password"]
    );
    let bad = b.sign_in("not-an-email", "x").await;
    assert!(bad.texts(".govuk-error-summary__list a")[0].contains("correct format"));
    // Hostile input comes back as text, never markup.
    let hostile = b.sign_in("<script>alert(1)</script>@x.org", "x").await;
    assert!(!hostile.body.contains("<script>alert(1)</script>"));
    assert_eq!(audit_count(&app).await, before);
    app
}

async fn sign_out_ends_the_session_on_the_server(app: TestApp) -> TestApp {
    let b = app.signed_in(STAFF).await;
    let stolen = b.cookie("__Host-beacon-session").unwrap();
    let reply = b.post("/sign-out", &[]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(!b.is_signed_in().await);
    // Replaying the old cookie does not bring the session back.
    let thief = app.browser();
    thief.set_cookie("__Host-beacon-session", &stolen);
    assert!(!thief.is_signed_in().await);
    app
}

async fn sessions_expire_when_idle(app: TestApp) -> TestApp {
    let b = app.signed_in(STAFF).await;
    app.state.clock.advance(Duration::minutes(30));
    assert!(
        b.is_signed_in().await,
        "30 minutes of use is within the idle limit"
    );
    app.state.clock.advance(Duration::minutes(61));
    assert!(!b.is_signed_in().await, "an hour idle ends the session");
    let b = app.signed_in(STAFF).await;
    // Used every 50 minutes, a session still ends 12 hours after sign-in.
    for _ in 0..14 {
        app.state.clock.advance(Duration::minutes(50));
        assert!(
            b.is_signed_in().await,
            "used within the hour, the session lives on"
        );
    }
    app.state.clock.advance(Duration::minutes(50));
    assert!(
        !b.is_signed_in().await,
        "12 hours after sign-in the session ends however it is used"
    );
    app
}

async fn changing_password_ends_other_sessions(app: TestApp) -> TestApp {
    let laptop = app.signed_in(STAFF).await;
    let phone = app.signed_in(STAFF).await;
    let reply = laptop
        .post(
            "/account/password",
            &[
                ("current_password", DEMO_PASSWORD),
                ("new_password", "a much better passphrase"),
                ("confirm_password", "a much better passphrase"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert!(
        laptop.is_signed_in().await,
        "the browser that changed it stays signed in"
    );
    assert!(!phone.is_signed_in().await, "every other session has ended");
    assert_eq!(
        app.browser().sign_in(STAFF, DEMO_PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.browser()
            .sign_in(STAFF, "a much better passphrase")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    app
}

async fn password_policy_is_enforced_on_change(app: TestApp) -> TestApp {
    let b = app.signed_in(STAFF).await;
    let before = audit_count(&app).await;
    for (current, new, confirm, expected) in [
        (
            "wrong",
            "a fine long passphrase",
            "a fine long passphrase",
            "Your current password is not correct",
        ),
        (
            DEMO_PASSWORD,
            "short",
            "short",
            "Password must be 8 characters or more",
        ),
        (
            DEMO_PASSWORD,
            "Password123",
            "Password123",
            "This password is too common",
        ),
        (
            DEMO_PASSWORD,
            "a fine long passphrase",
            "a different one",
            "The passwords do not match",
        ),
    ] {
        let reply = b
            .post(
                "/account/password",
                &[
                    ("current_password", current),
                    ("new_password", new),
                    ("confirm_password", confirm),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        let errors = reply.texts(".govuk-error-summary__list a").join(" | ");
        assert!(errors.contains(expected), "{errors}");
    }
    assert_eq!(audit_count(&app).await, before);
    assert_eq!(
        app.browser().sign_in(STAFF, DEMO_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    app
}

async fn disabled_account_cannot_sign_in_and_loses_its_sessions(app: TestApp) -> TestApp {
    let staff = app.signed_in(STAFF).await;
    let admin = app.signed_in(ADMIN).await;
    let id = person_id(&app, STAFF).await;
    let reply = admin
        .post(
            &format!("/admin/people/{id}/status"),
            &[("status", "disabled")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(!staff.is_signed_in().await);
    assert_eq!(
        app.browser().sign_in(STAFF, DEMO_PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    admin
        .post(
            &format!("/admin/people/{id}/status"),
            &[("status", "enabled")],
        )
        .await;
    assert_eq!(
        app.browser().sign_in(STAFF, DEMO_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    app
}

async fn sign_in_is_limited_per_account(app: TestApp) -> TestApp {
    let b = app.browser();
    for _ in 0..5 {
        assert_eq!(
            b.sign_in(STAFF, "guess").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    // Now even the right password is refused, from any address, until the window passes.
    let refused = app.browser().sign_in(STAFF, DEMO_PASSWORD).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.texts(".govuk-error-summary__list a")[0].contains("Too many attempts"));
    // Another account is not affected.
    assert_eq!(
        app.browser().sign_in(ADMIN, DEMO_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    app.state.clock.advance(Duration::minutes(16));
    assert_eq!(
        app.browser().sign_in(STAFF, DEMO_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    app
}

async fn sign_in_is_limited_per_address_and_headers_cannot_spoof_it(app: TestApp) -> TestApp {
    let b = app.browser();
    for i in 0..30 {
        // A new forged address each time: without a trusted proxy it is ignored.
        b.extra_headers.lock().unwrap().clear();
        b.extra_headers
            .lock()
            .unwrap()
            .push(("x-forwarded-for".into(), format!("203.0.113.{i}")));
        let reply = b
            .sign_in(&format!("person{i}@elsewhere.example"), "guess")
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    assert_eq!(
        b.sign_in(STAFF, DEMO_PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    app
}

async fn reset_tokens_are_single_use_and_expire(app: TestApp) -> TestApp {
    let b = app.browser();
    let reply = b.post("/password-reset", &[("email", STAFF)]).await;
    assert_eq!(reply.status, StatusCode::OK);
    let (messages, _) = beacon_db::outbox::list(app.db().conn(), None, 1, 10)
        .await
        .unwrap();
    let message = messages
        .iter()
        .find(|m| m.to_address == STAFF)
        .expect("a reset email in the outbox");
    let link = message
        .body
        .lines()
        .find(|l| l.contains("/password-reset/"))
        .unwrap()
        .trim();
    let path = link.trim_start_matches(&app.base).to_owned();
    assert_eq!(b.get(&path).await.status, StatusCode::OK);
    let set = b
        .post(
            &path,
            &[
                ("new_password", "river stone bridge"),
                ("confirm_password", "river stone bridge"),
            ],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    assert_eq!(
        app.browser()
            .sign_in(STAFF, "river stone bridge")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // Used once, the link is dead.
    let again = b
        .post(
            &path,
            &[
                ("new_password", "someone else's idea"),
                ("confirm_password", "someone else's idea"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.browser()
            .sign_in(STAFF, "river stone bridge")
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // A fresh link expires after an hour.
    b.post("/password-reset", &[("email", ADMIN)]).await;
    let (messages, _) = beacon_db::outbox::list(app.db().conn(), None, 1, 10)
        .await
        .unwrap();
    let message = messages.iter().find(|m| m.to_address == ADMIN).unwrap();
    let link = message
        .body
        .lines()
        .find(|l| l.contains("/password-reset/"))
        .unwrap()
        .trim();
    let path = link.trim_start_matches(&app.base).to_owned();
    app.state
        .clock
        .advance(TokenPurpose::PasswordReset.lifetime() + Duration::minutes(1));
    assert_eq!(b.get(&path).await.status, StatusCode::NOT_FOUND);
    let late = b
        .post(
            &path,
            &[
                ("new_password", "too late for this"),
                ("confirm_password", "too late for this"),
            ],
        )
        .await;
    assert_eq!(late.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.browser().sign_in(ADMIN, DEMO_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    app
}

async fn reset_request_does_not_reveal_accounts(app: TestApp) -> TestApp {
    let b = app.browser();
    let known = b.post("/password-reset", &[("email", STAFF)]).await;
    let unknown = b
        .post("/password-reset", &[("email", "nobody@northmere.example")])
        .await;
    assert_eq!(known.status, unknown.status);
    assert_eq!(known.texts("h1"), unknown.texts("h1"));
    let (messages, _) = beacon_db::outbox::list(app.db().conn(), None, 1, 10)
        .await
        .unwrap();
    assert_eq!(messages.len(), 1, "only the real account gets an email");
    app
}

async fn invitation_creates_an_account_once(app: TestApp) -> TestApp {
    let admin = app.signed_in(ADMIN).await;
    let reply = admin
        .post(
            "/admin/invitations",
            &[
                ("email", "new.starter@northmere.example"),
                ("role", "manager"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let org = org_id(&app, "northmere").await;
    let (messages, _) = beacon_db::outbox::list(app.db().conn(), Some(org), 1, 10)
        .await
        .unwrap();
    let body = &messages
        .iter()
        .find(|m| m.to_address == "new.starter@northmere.example")
        .unwrap()
        .body;
    let path = body
        .lines()
        .find(|l| l.contains("/invitations/"))
        .unwrap()
        .trim()
        .trim_start_matches(&app.base)
        .to_owned();
    let newcomer = app.browser();
    let page = newcomer.get(&path).await;
    assert!(page.body.contains("Northmere Borough Council"));
    // Bad input: errors, and the invitation is still usable.
    let bad = newcomer
        .post(
            &path,
            &[
                ("name", ""),
                ("new_password", "short"),
                ("confirm_password", "short"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        bad.texts(".govuk-error-summary__list a"),
        vec![
            "Enter your full name",
            "Password must be 8 characters or more"
        ]
    );
    let ok = newcomer
        .post(
            &path,
            &[
                ("name", "Nell Starter"),
                ("new_password", "a long enough phrase"),
                ("confirm_password", "a long enough phrase"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert!(newcomer.is_signed_in().await);
    let id = person_id(&app, "new.starter@northmere.example").await;
    let roles = beacon_db::people::roles_in(app.db().conn(), org, id)
        .await
        .unwrap();
    assert_eq!(roles, vec![beacon_core::Role::Manager]);
    // The link cannot be used twice.
    let replay = app
        .browser()
        .post(
            &path,
            &[
                ("name", "Mallory"),
                ("new_password", "another long phrase"),
                ("confirm_password", "another long phrase"),
            ],
        )
        .await;
    assert_eq!(replay.status, StatusCode::NOT_FOUND);
    app
}

async fn next_parameter_never_leaves_the_site(app: TestApp) -> TestApp {
    for (next, expected) in [
        ("/admin/people", "/admin/people"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
    ] {
        let b = app.browser();
        let reply = b
            .post(
                "/sign-in",
                &[
                    ("email", ADMIN),
                    ("password", DEMO_PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(reply.location(), Some(expected), "next={next}");
    }
    // Asking for a page while signed out comes back to it after signing in.
    let b = app.browser();
    let reply = b.get("/admin/people?page=1").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        reply.location(),
        Some("/sign-in?next=%2Fadmin%2Fpeople%3Fpage%3D1")
    );
    app
}

async fn reset_requests_are_limited_per_account(app: TestApp) -> TestApp {
    let b = app.browser();
    for _ in 0..8 {
        let reply = b.post("/password-reset", &[("email", STAFF)]).await;
        // The answer never changes, so it reveals nothing about the limit either.
        assert_eq!(reply.status, StatusCode::OK);
    }
    let (messages, _) = beacon_db::outbox::list(app.db().conn(), None, 1, 20)
        .await
        .unwrap();
    assert_eq!(
        messages.len(),
        5,
        "no more than five reset emails per account in 15 minutes"
    );
    app
}

async fn guessing_links_is_limited_per_address(app: TestApp) -> TestApp {
    let b = app.browser();
    for i in 0..30 {
        let reply = b
            .post(
                &format!("/invitations/guess-{i}"),
                &[
                    ("name", "M"),
                    ("new_password", "whatever it is"),
                    ("confirm_password", "whatever it is"),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
    }
    let reply = b
        .post(
            "/password-reset/guess-31",
            &[
                ("new_password", "whatever it is"),
                ("confirm_password", "whatever it is"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    app
}
