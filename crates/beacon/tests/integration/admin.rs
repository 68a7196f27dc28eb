//! Organisation and sector administration.
use crate::helpers::*;
use beacon_core::Role;
use reqwest::StatusCode;

both_databases!(
    admin_grants_and_revokes_roles_with_an_audit_trail,
    the_last_admin_cannot_be_removed,
    invitation_form_rejects_bad_input_and_changes_nothing,
    audit_log_filters_are_checked,
    sector_admin_creates_an_organisation_and_invites_its_admin,
    sector_forms_reject_bad_input,
    navigation_follows_roles,
    hostile_text_is_shown_as_text_everywhere,
);

const ADMIN: &str = "admin@northmere.example";

async fn admin_grants_and_revokes_roles_with_an_audit_trail(app: TestApp) -> TestApp {
    let admin = app.signed_in(ADMIN).await;
    let id = person_id(&app, "staff@northmere.example").await;
    let grant = admin
        .post(&format!("/admin/people/{id}/roles"), &[("role", "manager")])
        .await;
    assert_eq!(grant.status, StatusCode::SEE_OTHER);
    let page = admin
        .get(&format!("/admin/people/{id}?notice=role_granted"))
        .await;
    assert!(
        page.texts(".govuk-notification-banner")
            .join(" ")
            .contains("The role has been added")
    );
    let org = org_id(&app, "northmere").await;
    assert_eq!(
        beacon_db::people::roles_in(app.db().conn(), org, id)
            .await
            .unwrap(),
        vec![Role::Staff, Role::Manager]
    );
    // The staff member's navigation and access follow at once.
    let staff = app.signed_in("staff@northmere.example").await;
    assert_eq!(staff.get("/admin").await.status, StatusCode::FORBIDDEN);
    let revoke = admin
        .post(
            &format!("/admin/people/{id}/roles/remove"),
            &[("role", "manager")],
        )
        .await;
    assert_eq!(revoke.status, StatusCode::SEE_OTHER);
    assert_eq!(
        beacon_db::people::roles_in(app.db().conn(), org, id)
            .await
            .unwrap(),
        vec![Role::Staff]
    );
    let audit = admin.get("/admin/audit?action=role.grant").await;
    let rows = audit.texts("tbody tr");
    assert_eq!(
        rows.len(),
        1 + 9,
        "the demo's nine grants and this one: {rows:?}"
    );
    assert!(rows[0].contains(ADMIN) && rows[0].contains("role.grant"));
    let revoked = admin.get("/admin/audit?action=role.revoke").await;
    let detail = revoked.texts("tbody tr").join(" ");
    assert!(
        detail.contains("[\"staff\",\"manager\"]") && detail.contains("[\"staff\"]"),
        "before and after are recorded: {detail}"
    );
    app
}

async fn the_last_admin_cannot_be_removed(app: TestApp) -> TestApp {
    let admin = app.signed_in(ADMIN).await;
    let id = person_id(&app, ADMIN).await;
    let reply = admin
        .post(
            &format!("/admin/people/{id}/roles/remove"),
            &[("role", "admin")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(reply.has_error_summary());
    assert!(
        reply
            .texts(".govuk-error-summary")
            .join(" ")
            .contains("last administrator")
    );
    let org = org_id(&app, "northmere").await;
    assert_eq!(
        beacon_db::people::roles_in(app.db().conn(), org, id)
            .await
            .unwrap(),
        vec![Role::Admin]
    );
    app
}

async fn invitation_form_rejects_bad_input_and_changes_nothing(app: TestApp) -> TestApp {
    let admin = app.signed_in(ADMIN).await;
    let before = audit_count(&app).await;
    let reply = admin
        .post(
            "/admin/invitations",
            &[("email", "not an email"), ("role", "")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        reply.texts(".govuk-error-summary__list a"),
        vec![
            "Enter an email address in the correct format, like name@example.org",
            "Choose the role they will have"
        ]
    );
    // The error summary links to the fields.
    assert!(reply.body.contains("href=\"#email\"") && reply.body.contains("href=\"#role\""));
    assert!(
        reply.body.contains("value=\"not an email\""),
        "what was typed is kept"
    );
    // A role that is not ours, or a field we never ask for, is a 400 (no mass assignment).
    let forged = admin
        .post(
            "/admin/invitations",
            &[("email", "x@northmere.example"), ("role", "superuser")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::UNPROCESSABLE_ENTITY);
    let extra = admin
        .post(
            "/admin/invitations",
            &[
                ("email", "x@northmere.example"),
                ("role", "staff"),
                ("organisation", "eastbrook"),
            ],
        )
        .await;
    assert_eq!(extra.status, StatusCode::BAD_REQUEST);
    assert_eq!(audit_count(&app).await, before);
    let org = org_id(&app, "northmere").await;
    assert!(
        beacon_db::tokens::invitations(app.db().conn(), org)
            .await
            .unwrap()
            .is_empty()
    );
    app
}

async fn audit_log_filters_are_checked(app: TestApp) -> TestApp {
    let admin = app.signed_in(ADMIN).await;
    let unknown = admin.get("/admin/audit?action=drop%20table").await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.has_error_summary());
    let bad_date = admin.get("/admin/audit?from=yesterday").await;
    assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);
    let by_actor = admin.get("/admin/audit?actor=%25").await;
    assert_eq!(by_actor.status, StatusCode::OK);
    assert!(
        by_actor.texts("tbody tr").is_empty(),
        "% is matched literally, not as a wildcard"
    );
    let by_demo = admin.get("/admin/audit?actor=demo").await;
    assert!(!by_demo.texts("tbody tr").is_empty());
    let future = admin.get("/admin/audit?from=2099-01-01").await;
    assert!(future.texts("tbody tr").is_empty());
    app
}

async fn sector_admin_creates_an_organisation_and_invites_its_admin(app: TestApp) -> TestApp {
    let sector = app.signed_in("sector.admin@beacon.example").await;
    let reply = sector
        .post(
            "/sector/organisations",
            &[
                ("name", "Westhaven Town Council"),
                ("slug", ""),
                ("kind", "council"),
                ("admin_email", "chief@westhaven.example"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let org = beacon_db::organisations::by_slug(app.db().conn(), "westhaven-town-council")
        .await
        .unwrap()
        .unwrap();
    let invitations = beacon_db::tokens::invitations(app.db().conn(), org.id)
        .await
        .unwrap();
    assert_eq!(invitations.len(), 1);
    assert_eq!(invitations[0].role, Some(Role::Admin));
    let dup = sector
        .post(
            "/sector/organisations",
            &[
                ("name", "Westhaven again"),
                ("slug", "westhaven-town-council"),
                ("kind", "council"),
                ("admin_email", "x@westhaven.example"),
            ],
        )
        .await;
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        dup.texts(".govuk-error-summary")
            .join(" ")
            .contains("already exists")
    );
    let askevale = org_id(&app, "aske-vale").await;
    let eastbrook = org_id(&app, "eastbrook").await;
    let p = sector
        .post(
            "/sector/partnerships",
            &[
                ("name", "Vale and Brook"),
                ("members", &askevale.to_string()),
                ("members", &eastbrook.to_string()),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let partners = beacon_db::organisations::partners_of(app.db().conn(), eastbrook)
        .await
        .unwrap();
    assert_eq!(partners, vec![askevale]);
    app
}

async fn sector_forms_reject_bad_input(app: TestApp) -> TestApp {
    let sector = app.signed_in("sector.admin@beacon.example").await;
    let before = audit_count(&app).await;
    let org = sector
        .post(
            "/sector/organisations",
            &[
                ("name", ""),
                ("slug", "Bad Slug"),
                ("kind", "empire"),
                ("admin_email", ""),
            ],
        )
        .await;
    assert_eq!(org.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(org.texts(".govuk-error-summary__list a").len(), 4);
    let askevale = org_id(&app, "aske-vale").await;
    let p = sector
        .post(
            "/sector/partnerships",
            &[("name", ""), ("members", &askevale.to_string())],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        p.texts(".govuk-error-summary__list a"),
        vec![
            "Enter the partnership's name",
            "Choose at least two organisations"
        ]
    );
    let unknown = sector
        .post(
            "/sector/partnerships",
            &[
                ("name", "Ghosts"),
                ("members", &askevale.to_string()),
                ("members", "00000000-0000-4000-8000-000000000000"),
            ],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(audit_count(&app).await, before);
    app
}

async fn navigation_follows_roles(app: TestApp) -> TestApp {
    for role in Role::ALL {
        let email = format!("{}@northmere.example", role.key().replace('_', "-"));
        let b = app.signed_in(&email).await;
        let nav = b.get("/").await.texts(".govuk-service-navigation__item");
        // Every member has the pipeline and the practice exchange; the
        // portfolio is for those who steer it, administration for admins.
        let mut expected = vec![
            "Home",
            "Challenges",
            "Ideas",
            "Sessions",
            "Practice exchange",
        ];
        // Employees have the jobs market and their profile; HR the pool.
        if !matches!(role, Role::Resident | Role::Councillor | Role::Partner) {
            expected.extend(["Jobs", "Your profile"]);
        }
        if role == Role::Hr {
            expected.push("Talent pool");
        }
        if role == Role::Panel {
            expected.push("Panel");
        }
        if matches!(role, Role::InnovationLead | Role::Panel | Role::Councillor) {
            expected.push("Portfolio");
        }
        if role == Role::Admin {
            expected.push("Administration");
        }
        expected.extend(["Your account", "Sign out"]);
        assert_eq!(nav, expected, "{role}");
    }
    let sector = app.signed_in("sector.admin@beacon.example").await;
    let nav = sector
        .get("/")
        .await
        .texts(".govuk-service-navigation__item");
    assert_eq!(
        nav,
        vec![
            "Home",
            "Practice exchange",
            "Sector administration",
            "Your account",
            "Sign out"
        ]
    );
    let welsh = sector
        .get("/?lang=cy")
        .await
        .texts(".govuk-service-navigation__item");
    assert_eq!(
        welsh,
        vec![
            "Hafan",
            "Cyfnewid arfer",
            "Gweinyddu'r sector",
            "Eich cyfrif",
            "Allgofnodi"
        ]
    );
    app
}

/// PROMISES.md 8: a name, a search and a filter full of markup come back as
/// text on every page that shows them.
async fn hostile_text_is_shown_as_text_everywhere(app: TestApp) -> TestApp {
    const PAYLOADS: [&str; 4] = [
        "<script>alert('x')</script>",
        "\"><img src=x onerror=alert(1)>",
        "<svg/onload=alert(1)>",
        "javascript:alert(1)//<a href=x>",
    ];
    let admin = app.signed_in(ADMIN).await;
    for (i, payload) in PAYLOADS.iter().enumerate() {
        let email = format!("hostile{i}@northmere.example");
        assert_eq!(
            admin
                .post(
                    "/admin/invitations",
                    &[("email", &email), ("role", "staff")]
                )
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        let org = org_id(&app, "northmere").await;
        let (messages, _) = beacon_db::outbox::list(app.db().conn(), Some(org), 1, 50)
            .await
            .unwrap();
        let body = &messages
            .iter()
            .find(|m| m.to_address == email)
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
        let accepted = newcomer
            .post(
                &path,
                &[
                    ("name", payload),
                    ("new_password", "a long enough phrase"),
                    ("confirm_password", "a long enough phrase"),
                ],
            )
            .await;
        assert_eq!(accepted.status, StatusCode::SEE_OTHER);
        let id = person_id(&app, &email).await;
        for page in [
            format!("/admin/people?q={}", urlencode(payload)),
            format!("/admin/people/{id}"),
            format!("/admin/audit?actor={}", urlencode(payload)),
        ] {
            let reply = admin.get(&page).await;
            assert!(
                !reply.body.contains(payload),
                "{page} echoes {payload} as markup"
            );
            let html = reply.html();
            let scripts = scraper::Selector::parse(
                "script:not([src]), img[onerror], svg[onload], a[href^=javascript]",
            )
            .unwrap();
            let injected: Vec<_> = html
                .select(&scripts)
                .filter(|e| e.html().contains("alert"))
                .collect();
            assert!(
                injected.is_empty(),
                "{page} grew live markup from {payload}"
            );
        }
        let own = newcomer.get("/").await;
        assert!(
            own.texts("h1")[0].contains(payload),
            "the name is shown, as text"
        );
    }
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
