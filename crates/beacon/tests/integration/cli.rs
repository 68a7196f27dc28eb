//! `beacon admin` on a fresh database of each kind, as an operator uses it to
//! set up a new installation.
use crate::helpers::*;
use beacon::admin::{AdminCommand, run};
use beacon_core::Role;

both_databases!(command_line_sets_up_an_organisation_and_its_admin);

async fn command_line_sets_up_an_organisation_and_its_admin(app: TestApp) -> TestApp {
    let db = app.db();
    run(
        db,
        AdminCommand::CreateOrganisation {
            name: "Kingsholm Borough Council".into(),
            slug: None,
            kind: "council".into(),
        },
    )
    .await
    .unwrap();
    let org = beacon_db::organisations::by_slug(db.conn(), "kingsholm-borough-council")
        .await
        .unwrap()
        .unwrap();
    run(
        db,
        AdminCommand::CreatePerson {
            email: "Chief@Kingsholm.example".into(),
            name: "Ada Chief".into(),
            password_stdin: false,
            sector_admin: false,
        },
    )
    .await
    .unwrap();
    run(
        db,
        AdminCommand::Grant {
            email: "chief@kingsholm.example".into(),
            organisation: org.slug.clone(),
            role: "admin".into(),
        },
    )
    .await
    .unwrap();
    run(
        db,
        AdminCommand::Grant {
            email: "chief@kingsholm.example".into(),
            organisation: org.slug.clone(),
            role: "hr".into(),
        },
    )
    .await
    .unwrap();
    let id = person_id(&app, "chief@kingsholm.example").await;
    assert_eq!(
        beacon_db::people::roles_in(db.conn(), org.id, id)
            .await
            .unwrap(),
        vec![Role::Hr, Role::Admin]
    );
    run(
        db,
        AdminCommand::Revoke {
            email: "chief@kingsholm.example".into(),
            organisation: org.slug.clone(),
            role: "hr".into(),
        },
    )
    .await
    .unwrap();
    // The last admin stays, from the command line too.
    let refused = run(
        db,
        AdminCommand::Revoke {
            email: "chief@kingsholm.example".into(),
            organisation: org.slug.clone(),
            role: "admin".into(),
        },
    )
    .await;
    assert!(
        refused
            .unwrap_err()
            .to_string()
            .contains("at least one admin")
    );
    assert_eq!(
        beacon_db::people::roles_in(db.conn(), org.id, id)
            .await
            .unwrap(),
        vec![Role::Admin]
    );
    // Bad input is a clear error, and changes nothing.
    let before = audit_count(&app).await;
    let bad_role = run(
        db,
        AdminCommand::Grant {
            email: "chief@kingsholm.example".into(),
            organisation: org.slug.clone(),
            role: "overlord".into(),
        },
    )
    .await;
    assert!(bad_role.unwrap_err().to_string().contains("unknown role"));
    let nobody = run(
        db,
        AdminCommand::Grant {
            email: "nobody@kingsholm.example".into(),
            organisation: org.slug.clone(),
            role: "staff".into(),
        },
    )
    .await;
    assert!(
        nobody
            .unwrap_err()
            .to_string()
            .contains("nobody has the email")
    );
    let duplicate = run(
        db,
        AdminCommand::CreateOrganisation {
            name: "Kingsholm again".into(),
            slug: Some("kingsholm-borough-council".into()),
            kind: "council".into(),
        },
    )
    .await;
    assert!(duplicate.is_err());
    assert_eq!(audit_count(&app).await, before);
    // The actions are audited with the command line as the actor.
    let page = beacon_db::audit::list(
        db.conn(),
        org.id,
        &beacon_db::audit::AuditFilter::default(),
        1,
        50,
    )
    .await
    .unwrap();
    assert!(
        page.entries
            .iter()
            .any(|e| e.action == "role.revoke" && e.actor_label == "command line")
    );
    app
}
