//! The role × route × organisation matrix (PROMISES.md 1, 7), generated from
//! the router's own list of routes. The table below is the specification: a
//! route the app serves that is missing here fails the test, and so does a
//! route whose declared access differs from it. Then every route is requested
//! by every kind of visitor, and the answer must match.
use crate::helpers::*;
use beacon_core::Role;
use beacon_core::permission::Capability;
use beacon_web::routes::{Access, catalogue};
use reqwest::{Method, StatusCode};

fn expected_access(method: &Method, path: &str) -> Option<Access> {
    use Access::*;
    let admin = Can(Capability::ManagePeople);
    Some(match (method.as_str(), path) {
        ("GET", "/healthz" | "/metrics" | "/assets/{version}/{*path}") => Public,
        ("GET", "/" | "/accessibility" | "/privacy" | "/cookies") => Public,
        ("GET" | "POST", "/sign-in") => Public,
        ("POST", "/sign-out") => SignedIn,
        ("GET", "/account")
        | ("POST", "/account/organisation")
        | ("GET" | "POST", "/account/password") => SignedIn,
        (
            "GET" | "POST",
            "/password-reset" | "/password-reset/{token}" | "/invitations/{token}",
        ) => Public,
        ("GET", "/admin" | "/admin/people" | "/admin/people/{id}" | "/admin/invitations") => admin,
        (
            "POST",
            "/admin/people/{id}/roles"
            | "/admin/people/{id}/roles/remove"
            | "/admin/people/{id}/status"
            | "/admin/invitations",
        ) => admin,
        ("GET", "/admin/audit") => Can(Capability::ReadAudit),
        ("GET", "/admin/outbox") => Can(Capability::ReadOutbox),
        ("GET", "/sector" | "/sector/organisations/new" | "/sector/partnerships/new") => {
            SectorAdmin
        }
        ("POST", "/sector/organisations" | "/sector/partnerships") => SectorAdmin,
        (m, p) => {
            return crate::ideas::access(m, p)
                .or_else(|| crate::participation::access(m, p))
                .or_else(|| crate::appraisal::access(m, p))
                .or_else(|| crate::panel::access(m, p))
                .or_else(|| crate::delivery::access(m, p))
                .or_else(|| crate::ideation::access(m, p))
                .or_else(|| crate::portfolio::access(m, p))
                .or_else(|| crate::profiles::access(m, p))
                .or_else(|| crate::vacancies::access(m, p))
                .or_else(|| crate::pool::access(m, p))
                .or_else(|| crate::journey::access(m, p))
                .or_else(|| crate::workforce::access(m, p))
                .or_else(|| crate::exchange_cases::access(m, p))
                .or_else(|| crate::exchange_search::access(m, p))
                .or_else(|| crate::exchange_spread::access(m, p))
                .or_else(|| crate::exchange_visits::access(m, p))
                .or_else(|| crate::exchange_federation::access(m, p));
        }
    })
}

#[test]
fn every_route_is_in_the_matrix_with_the_access_it_declares() {
    let mut missing = Vec::new();
    for route in catalogue() {
        match expected_access(&route.method, route.path) {
            None => missing.push(format!("{} {}", route.method, route.path)),
            Some(expected) => assert_eq!(
                route.access, expected,
                "{} {} declares other access than the matrix",
                route.method, route.path
            ),
        }
    }
    assert!(
        missing.is_empty(),
        "routes missing from the matrix: {missing:?}"
    );
}

#[derive(Clone, Debug)]
struct Persona {
    label: String,
    email: Option<String>,
    roles: Vec<Role>,
    sector_admin: bool,
}

fn personas() -> Vec<Persona> {
    let mut list = vec![Persona {
        label: "anonymous".into(),
        email: None,
        roles: vec![],
        sector_admin: false,
    }];
    for role in Role::ALL {
        list.push(Persona {
            label: format!("northmere {role}"),
            email: Some(format!(
                "{}@northmere.example",
                role.key().replace('_', "-")
            )),
            roles: vec![role],
            sector_admin: false,
        });
    }
    list.push(Persona {
        label: "sector admin".into(),
        email: Some("sector.admin@beacon.example".into()),
        roles: vec![],
        sector_admin: true,
    });
    list
}

#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Served,
    SignInRequired,
    Forbidden,
}

fn expected_outcome(access: Access, persona: &Persona) -> Outcome {
    if persona.email.is_none() {
        return if access == Access::Public {
            Outcome::Served
        } else {
            Outcome::SignInRequired
        };
    }
    let allowed = match access {
        Access::Public | Access::SignedIn => true,
        Access::Member => !persona.roles.is_empty(),
        Access::Can(capability) => capability.granted_by(&persona.roles),
        Access::SectorAdmin => persona.sector_admin,
    };
    if allowed {
        Outcome::Served
    } else {
        Outcome::Forbidden
    }
}

fn observed(reply: &Reply) -> Outcome {
    match reply.status {
        StatusCode::FORBIDDEN => Outcome::Forbidden,
        StatusCode::SEE_OTHER if reply.location().is_some_and(|l| l.starts_with("/sign-in")) => {
            Outcome::SignInRequired
        }
        _ => Outcome::Served,
    }
}

both_databases!(
    every_visitor_gets_what_the_matrix_says,
    another_councils_admin_is_refused_every_person_route
);

/// Fill a route's parameters with real values from Northmere.
fn concrete(path: &str, person: &str) -> String {
    path.replace("{id}", person)
        .replace("{token}", "not-a-real-token")
        .replace("{version}", beacon_govuk::ASSET_VERSION)
        .replace("{*path}", "app.css")
}

async fn every_visitor_gets_what_the_matrix_says(app: TestApp) -> TestApp {
    let target = person_id(&app, "resident@northmere.example")
        .await
        .to_string();
    let before = audit_count(&app).await;
    let mut failures = Vec::new();
    for persona in personas() {
        let browser = match &persona.email {
            Some(email) => app.signed_in(email).await,
            None => app.browser(),
        };
        for route in catalogue() {
            // Signing out would end this persona's session mid-matrix.
            if route.path == "/sign-out" && persona.email.is_some() {
                continue;
            }
            let path = concrete(route.path, &target);
            let reply = if route.method == Method::GET {
                browser.get(&path).await
            } else {
                // An empty but well-formed form: the access rule must answer
                // before any validation does.
                let token = browser.token().await;
                browser
                    .request(
                        route.method.clone(),
                        &path,
                        Some(&[("csrf_token", token.as_str())]),
                        &[],
                    )
                    .await
            };
            let expected = expected_outcome(route.access, &persona);
            let got = observed(&reply);
            if got != expected {
                failures.push(format!(
                    "{} {} {}: expected {expected:?}, got {got:?} ({})",
                    persona.label, route.method, path, reply.status
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Refused and empty requests changed nothing.
    let after = audit_count(&app).await;
    assert_eq!(
        after, before,
        "a refused or empty request wrote to the audit log"
    );
    app
}

/// Aske Vale's admin tries every person route with a Northmere person's id:
/// each is "not found", and nothing changes.
async fn another_councils_admin_is_refused_every_person_route(app: TestApp) -> TestApp {
    let victim = person_id(&app, "staff@northmere.example").await;
    let intruder = app.signed_in("admin@askevale.example").await;
    let before = audit_count(&app).await;
    for route in catalogue()
        .into_iter()
        .filter(|r| r.path.starts_with("/admin/people/{id}"))
    {
        let path = route.path.replace("{id}", &victim.to_string());
        let reply = if route.method == Method::GET {
            intruder.get(&path).await
        } else {
            let fields: &[(&str, &str)] = match route.path {
                "/admin/people/{id}/status" => &[("status", "disabled")],
                _ => &[("role", "admin")],
            };
            intruder.post(&path, fields).await
        };
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{} {path}",
            route.method
        );
        assert!(!reply.body.contains("staff@northmere.example"));
    }
    let northmere = org_id(&app, "northmere").await;
    let roles = beacon_db::people::roles_in(app.db().conn(), northmere, victim)
        .await
        .unwrap();
    assert_eq!(roles, vec![Role::Staff]);
    let askevale = org_id(&app, "aske-vale").await;
    assert!(
        beacon_db::people::roles_in(app.db().conn(), askevale, victim)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(audit_count(&app).await, before);
    // Nor does Northmere's audit log or people list show through.
    let people = intruder.get("/admin/people?q=northmere").await;
    assert!(!people.body.contains("@northmere.example"));
    let audit = intruder.get("/admin/audit").await;
    assert!(!audit.body.contains("@northmere.example"));
    app
}
