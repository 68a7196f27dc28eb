//! The participation pages of the innovation pipeline: supports, follows,
//! comments, reports, moderation, merges, notifications, and the residents'
//! join page.
use crate::helpers::*;
use beacon_core::permission::Capability;
use beacon_core::pipeline::{Facet, IdeaKind, Lever};
use beacon_core::{OrgId, PersonId};
use beacon_db::audit::{self, Actor, AuditFilter};
use beacon_db::participation as db;
use beacon_db::{Backend, ConnectionTrait};
use beacon_web::routes::Access;
use reqwest::{Method, StatusCode};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// This feature's rows of the role × route × organisation matrix.
pub fn access(method: &str, path: &str) -> Option<Access> {
    use Access::*;
    let moderate = Can(Capability::Moderate);
    Some(match (method, path) {
        (
            "POST",
            "/ideas/{id}/support"
            | "/ideas/{id}/support/withdraw"
            | "/ideas/{id}/follow"
            | "/ideas/{id}/unfollow"
            | "/ideas/{id}/comments",
        ) => Member,
        ("GET" | "POST", "/ideas/{id}/report") => Member,
        ("GET", "/moderation") => moderate,
        (
            "POST",
            "/moderation/{id}/hide" | "/moderation/{id}/restore" | "/moderation/{id}/dismiss",
        ) => moderate,
        ("GET" | "POST", "/ideas/{id}/merge") => moderate,
        ("GET", "/notifications") | ("POST", "/notifications/read") => Member,
        ("GET" | "POST", "/join/{slug}") => Public,
        _ => return None,
    })
}

both_databases!(
    fifty_supports_at_once_count_once,
    supports_and_follows_change_and_are_audited,
    hostile_text_in_comments_and_titles_is_inert,
    moderation_is_refused_to_staff_and_to_another_council,
    hiding_and_restoring_with_reasons,
    hidden_ideas_vanish_for_others,
    merging_moves_supports_without_counting_twice,
    notifications_are_their_owners_only,
    empty_and_bad_forms_change_nothing,
    join_page_invites_residents_without_revealing_accounts,
);

const LEAD: &str = "innovation-lead@northmere.example";
const STAFF: &str = "staff@northmere.example";
const RESIDENT: &str = "resident@northmere.example";

/// A new idea in a council, written by one of its demo people.
async fn new_idea(app: &TestApp, slug: &str, author: &str, title: &str) -> Uuid {
    let org = org_id(app, slug).await;
    let person = person_id(app, author).await;
    let txn = app.db().begin_writing().await.unwrap();
    let id = beacon_db::ideas::create(
        &txn,
        OffsetDateTime::now_utc(),
        &Actor::person(person, author),
        org,
        beacon_db::ideas::NewIdea {
            challenge: None,
            author: person,
            pseudonym: None,
            title: title.to_owned(),
            problem: "Residents wait too long for a reply.".into(),
            proposal: "Answer the common questions on the first call.".into(),
            service_area: "Customer services".into(),
            measure_today: "12 days to a reply".into(),
            measure_aspiration: "2 days to a reply".into(),
            expected_benefit: "Fewer repeat calls".into(),
            kind: IdeaKind::Incremental,
            facet: Facet::EnhancementOriented,
            lever: Lever::NewInsight,
        },
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    id
}

async fn northmere(app: &TestApp) -> OrgId {
    org_id(app, "northmere").await
}

async fn audit_entries(app: &TestApp, org: OrgId, action: &str) -> Vec<audit::AuditEntry> {
    audit::list(
        app.db().conn(),
        org,
        &AuditFilter {
            action: Some(action.to_owned()),
            ..AuditFilter::default()
        },
        1,
        500,
    )
    .await
    .unwrap()
    .entries
    .into_iter()
    // The demo's own history is not what these tests did.
    .filter(|e| e.actor_label != "demo")
    .collect()
}

/// Start from a council whose demo history has no notifications or reports,
/// so counts in the test are the test's own.
async fn without_demo_notices(app: &TestApp) {
    for table in ["notifications", "reports"] {
        app.db()
            .conn()
            .execute_unprepared(&format!("DELETE FROM {table}"))
            .await
            .unwrap();
    }
}

async fn supports(app: &TestApp, idea: Uuid) -> u64 {
    db::support_count(app.db().conn(), northmere(app).await, idea)
        .await
        .unwrap()
}

/// Post a comment as a browser would, and return the new comment's id.
async fn comment(app: &TestApp, who: &Browser, idea: Uuid, body: &str) -> Uuid {
    let reply = who
        .post(&format!("/ideas/{idea}/comments"), &[("body", body)])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(
        reply.location(),
        Some(format!("/ideas/{idea}?notice=comment_added").as_str())
    );
    let org = northmere(app).await;
    db::comments(app.db().conn(), org, idea, true)
        .await
        .unwrap()
        .last()
        .unwrap()
        .id
}

async fn fifty_supports_at_once_count_once(app: TestApp) -> TestApp {
    let idea = new_idea(&app, "northmere", STAFF, "Bins collected on the same day").await;
    let resident = app.signed_in(RESIDENT).await;
    let token = resident.token().await;
    let path = format!("/ideas/{idea}/support");
    let mut requests = Vec::new();
    for _ in 0..50 {
        let (browser, token, path) = (resident.clone(), token.clone(), path.clone());
        requests.push(tokio::spawn(async move {
            browser
                .request(
                    Method::POST,
                    &path,
                    Some(&[("csrf_token", token.as_str())]),
                    &[],
                )
                .await
        }));
    }
    let mut first = 0;
    for r in requests {
        let reply = r.await.unwrap();
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        if reply.location() == Some(format!("/ideas/{idea}?notice=supported").as_str()) {
            first += 1;
        }
    }
    assert_eq!(first, 1, "exactly one request added the support");
    assert_eq!(supports(&app, idea).await, 1);
    let org = northmere(&app).await;
    assert_eq!(audit_entries(&app, org, "idea.support").await.len(), 1);
    app
}

async fn supports_and_follows_change_and_are_audited(app: TestApp) -> TestApp {
    let idea = new_idea(&app, "northmere", STAFF, "Library cards by text").await;
    let org = northmere(&app).await;
    let resident = app.signed_in(RESIDENT).await;
    let me = person_id(&app, RESIDENT).await;
    let reply = resident.post(&format!("/ideas/{idea}/support"), &[]).await;
    assert_eq!(
        reply.location(),
        Some(format!("/ideas/{idea}?notice=supported").as_str())
    );
    let again = resident.post(&format!("/ideas/{idea}/support"), &[]).await;
    assert_eq!(
        again.location(),
        Some(format!("/ideas/{idea}?notice=already_supported").as_str())
    );
    assert_eq!(supports(&app, idea).await, 1);
    let withdraw = resident
        .post(&format!("/ideas/{idea}/support/withdraw"), &[])
        .await;
    assert_eq!(withdraw.status, StatusCode::SEE_OTHER);
    assert_eq!(supports(&app, idea).await, 0);
    assert_eq!(
        audit_entries(&app, org, "idea.support_withdraw")
            .await
            .len(),
        1
    );

    // Following: the author always follows; others choose.
    let conn = app.db().conn();
    let author = person_id(&app, STAFF).await;
    assert_eq!(db::followers(conn, org, idea).await.unwrap(), vec![author]);
    resident.post(&format!("/ideas/{idea}/follow"), &[]).await;
    assert_eq!(
        db::followers(conn, org, idea).await.unwrap(),
        vec![author, me]
    );
    resident.post(&format!("/ideas/{idea}/unfollow"), &[]).await;
    assert_eq!(db::followers(conn, org, idea).await.unwrap(), vec![author]);
    let staff = app.signed_in(STAFF).await;
    let reply = staff.post(&format!("/ideas/{idea}/unfollow"), &[]).await;
    assert_eq!(
        reply.location(),
        Some(format!("/ideas/{idea}?notice=author_follows").as_str())
    );
    assert_eq!(db::followers(conn, org, idea).await.unwrap(), vec![author]);
    assert_eq!(audit_entries(&app, org, "idea.follow").await.len(), 1);
    assert_eq!(audit_entries(&app, org, "idea.unfollow").await.len(), 1);
    app
}

const PAYLOADS: [&str; 6] = [
    "<script>alert('xss')</script>",
    "\"><img src=x onerror=alert(1)>",
    "<svg/onload=alert(2)>",
    "javascript:alert(3)",
    "<a href=\"javascript:alert(4)\">click</a>",
    "{{7*7}} ${7*7} <iframe src=//evil.example>",
];

/// Nothing a payload tried to add to the page is there as markup.
fn assert_inert(reply: &Reply, what: &str) {
    let html = reply.html();
    for selector in [
        "script:not([src])",
        "[onerror]",
        "[onload]",
        "iframe",
        "a[href^='javascript']",
    ] {
        let found: Vec<String> = html
            .select(&scraper::Selector::parse(selector).unwrap())
            .map(|e| e.html())
            .filter(|h| h.contains("alert") || !selector.starts_with("script"))
            .collect();
        assert!(found.is_empty(), "{what}: {selector} found {found:?}");
    }
    assert!(!reply.body.contains("<script>alert"), "{what}");
    assert!(!reply.body.contains("<img src=x"), "{what}");
    assert!(!reply.body.contains("<svg/onload"), "{what}");
}

async fn hostile_text_in_comments_and_titles_is_inert(app: TestApp) -> TestApp {
    let title = "<script>alert('title')</script> Faster repairs";
    let idea = new_idea(&app, "northmere", STAFF, title).await;
    let resident = app.signed_in(RESIDENT).await;
    let body = PAYLOADS.join("\n");
    let cid = comment(&app, &resident, idea, &body).await;
    // The text is stored as typed, and shown as text.
    let org = northmere(&app).await;
    let stored = db::comment(app.db().conn(), org, cid)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.body, body);

    let report = resident
        .get(&format!("/ideas/{idea}/report?comment={cid}"))
        .await;
    assert_eq!(report.status, StatusCode::OK);
    assert_inert(&report, "report page");
    assert!(
        report
            .texts("main")
            .join(" ")
            .contains("<script>alert('xss')</script>"),
        "the payload shows as text"
    );
    let sent = resident
        .post(
            &format!("/ideas/{idea}/report"),
            &[("comment", &cid.to_string()), ("reason", PAYLOADS[1])],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);

    let lead = app.signed_in(LEAD).await;
    let queue = lead.get("/moderation").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert_inert(&queue, "moderation page");
    assert!(
        queue
            .texts("main")
            .join(" ")
            .contains("<svg/onload=alert(2)>")
    );
    let merge = lead.get(&format!("/ideas/{idea}/merge")).await;
    assert_inert(&merge, "merge page");

    // Too long to post: the page that says so shows what was typed, as text.
    let long = PAYLOADS.join(" ").repeat(20);
    let refused = resident
        .post(&format!("/ideas/{idea}/comments"), &[("body", &long)])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has_error_summary());
    assert_inert(&refused, "comment error page");

    // The author is told about the comment; the title in the notice is text.
    let staff = app.signed_in(STAFF).await;
    let notices = staff.get("/notifications").await;
    assert_eq!(notices.status, StatusCode::OK);
    assert_inert(&notices, "notifications");
    assert!(notices.texts("main h2").join(" ").contains(title));

    // Once the ideas part serves the idea's page, the panel there too.
    let page = staff.get(&format!("/ideas/{idea}")).await;
    if page.status == StatusCode::OK {
        assert_inert(&page, "idea page");
    }
    app
}

async fn moderation_is_refused_to_staff_and_to_another_council(app: TestApp) -> TestApp {
    let idea = new_idea(&app, "northmere", STAFF, "Shared minibuses").await;
    let other = new_idea(&app, "northmere", "manager@northmere.example", "Pool cars").await;
    let resident = app.signed_in(RESIDENT).await;
    let cid = comment(&app, &resident, idea, "Could schools share them too?").await;
    resident.post(&format!("/ideas/{idea}/support"), &[]).await;
    let before = audit_count(&app).await;
    let reason = [("reason", "Testing")];

    let staff = app.signed_in(STAFF).await;
    assert_eq!(staff.get("/moderation").await.status, StatusCode::FORBIDDEN);
    for action in ["hide", "restore", "dismiss"] {
        let reply = staff
            .post(&format!("/moderation/{cid}/{action}"), &reason)
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "staff {action}");
    }
    let merge = staff
        .post(
            &format!("/ideas/{idea}/merge"),
            &[("into", &other.to_string()), ("reason", "Same")],
        )
        .await;
    assert_eq!(merge.status, StatusCode::FORBIDDEN);

    // Aske Vale's innovation lead moderates Aske Vale, not Northmere.
    let intruder = app.signed_in("innovation-lead@askevale.example").await;
    assert_eq!(intruder.get("/moderation").await.status, StatusCode::OK);
    let queue = intruder.get(&format!("/moderation?item={cid}")).await;
    assert!(!queue.body.contains("Could schools share them too?"));
    for target in [cid, idea] {
        for action in ["hide", "restore", "dismiss"] {
            let fields: &[(&str, &str)] = if action == "dismiss" { &[] } else { &reason };
            let reply = intruder
                .post(&format!("/moderation/{target}/{action}"), fields)
                .await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{action} {target}");
        }
    }
    assert_eq!(
        intruder.get(&format!("/ideas/{idea}/merge")).await.status,
        StatusCode::NOT_FOUND
    );
    let merge = intruder
        .post(
            &format!("/ideas/{idea}/merge"),
            &[("into", &other.to_string()), ("reason", "Same")],
        )
        .await;
    assert_eq!(merge.status, StatusCode::NOT_FOUND);
    // Nor can anyone there support, follow, comment on or report it.
    let askevale_resident = app.signed_in("resident@askevale.example").await;
    for path in ["support", "support/withdraw", "follow", "unfollow"] {
        let reply = askevale_resident
            .post(&format!("/ideas/{idea}/{path}"), &[])
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
    }
    let reply = askevale_resident
        .post(&format!("/ideas/{idea}/comments"), &[("body", "Hello")])
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let reply = askevale_resident
        .get(&format!("/ideas/{idea}/report?comment={cid}"))
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let reply = askevale_resident
        .post(&format!("/ideas/{idea}/report"), &[("reason", "Spam")])
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    assert_eq!(audit_count(&app).await, before, "nothing changed");
    let org = northmere(&app).await;
    assert!(
        !db::comment(app.db().conn(), org, cid)
            .await
            .unwrap()
            .unwrap()
            .hidden
    );
    assert_eq!(supports(&app, idea).await, 1);
    app
}

async fn hiding_and_restoring_with_reasons(app: TestApp) -> TestApp {
    without_demo_notices(&app).await;
    let org = northmere(&app).await;
    let idea = new_idea(&app, "northmere", STAFF, "Repair cafés in libraries").await;
    let resident = app.signed_in(RESIDENT).await;
    let cid = comment(&app, &resident, idea, "Buy cheap watches at my shop!").await;
    let staff = app.signed_in(STAFF).await;
    let reported = staff
        .post(
            &format!("/ideas/{idea}/report"),
            &[("comment", &cid.to_string()), ("reason", "Advertising")],
        )
        .await;
    assert_eq!(
        reported.location(),
        Some(format!("/ideas/{idea}?notice=report_sent").as_str())
    );
    // Reporting it twice leaves one report for the moderators.
    staff
        .post(
            &format!("/ideas/{idea}/report"),
            &[
                ("comment", &cid.to_string()),
                ("reason", "Still advertising"),
            ],
        )
        .await;
    assert_eq!(audit_entries(&app, org, "report.add").await.len(), 1);

    let lead = app.signed_in(LEAD).await;
    let queue = lead.get("/moderation").await;
    let main = queue.texts("main").join(" ");
    assert!(main.contains("Buy cheap watches at my shop!") && main.contains("Advertising"));

    // A reason is required.
    let before = audit_count(&app).await;
    let refused = lead
        .post(&format!("/moderation/{cid}/hide"), &[("reason", " ")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has_error_summary());
    assert!(
        refused
            .body
            .contains(&format!("href=\"#hide-reason-{cid}\""))
    );
    assert!(refused.body.contains(&format!("id=\"hide-reason-{cid}\"")));
    assert_eq!(audit_count(&app).await, before);

    let hidden = lead
        .post(
            &format!("/moderation/{cid}/hide"),
            &[("reason", "Advertising a shop")],
        )
        .await;
    assert_eq!(hidden.location(), Some("/moderation?notice=item_hidden"));
    let conn = app.db().conn();
    assert!(
        db::comments(conn, org, idea, false)
            .await
            .unwrap()
            .is_empty(),
        "others no longer see it"
    );
    let seen = db::comments(conn, org, idea, true).await.unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].hidden_reason.as_deref(), Some("Advertising a shop"));
    // Nobody can report or see it through the report page any more.
    assert_eq!(
        staff
            .get(&format!("/ideas/{idea}/report?comment={cid}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // The moderator still sees it, with the reason, among hidden items.
    let queue = lead.get("/moderation").await;
    let main = queue.texts("main").join(" ");
    assert!(main.contains("Buy cheap watches") && main.contains("Advertising a shop"));
    assert!(main.contains("There are no open reports."));
    // The author is told why, in the app and by email.
    let told = app.signed_in(RESIDENT).await.get("/notifications").await;
    assert!(told.texts("main").join(" ").contains("Advertising a shop"));
    let (outbox, _) = beacon_db::outbox::list(conn, Some(org), 1, 50)
        .await
        .unwrap();
    assert!(outbox.iter().any(|m| m.to_address == RESIDENT
        && m.subject.contains("has been hidden")
        && m.body.contains("Advertising a shop")));
    let page = staff.get(&format!("/ideas/{idea}")).await;
    if page.status == StatusCode::OK {
        assert!(!page.body.contains("Buy cheap watches"));
        let as_lead = lead.get(&format!("/ideas/{idea}")).await;
        assert!(as_lead.body.contains("Buy cheap watches"));
    }

    // Restoring needs a reason too, and brings it back.
    let refused = lead
        .post(&format!("/moderation/{cid}/restore"), &[("reason", "")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let restored = lead
        .post(
            &format!("/moderation/{cid}/restore"),
            &[("reason", "The shop is a repair café partner")],
        )
        .await;
    assert_eq!(
        restored.location(),
        Some("/moderation?notice=item_restored")
    );
    assert_eq!(db::comments(conn, org, idea, false).await.unwrap().len(), 1);

    let hides = audit_entries(&app, org, "comment.hide").await;
    assert_eq!(hides.len(), 1);
    assert!(
        hides[0]
            .after
            .as_deref()
            .unwrap()
            .contains("Advertising a shop")
    );
    assert_eq!(hides[0].actor_label, LEAD);
    let restores = audit_entries(&app, org, "comment.restore").await;
    assert!(
        restores[0]
            .after
            .as_deref()
            .unwrap()
            .contains("The shop is a repair café partner")
    );

    // A report dismissed leaves the comment as it is.
    staff
        .post(
            &format!("/ideas/{idea}/report"),
            &[("comment", &cid.to_string()), ("reason", "Again")],
        )
        .await;
    let dismissed = lead.post(&format!("/moderation/{cid}/dismiss"), &[]).await;
    assert_eq!(
        dismissed.location(),
        Some("/moderation?notice=reports_dismissed")
    );
    assert_eq!(audit_entries(&app, org, "report.dismiss").await.len(), 1);
    assert!(db::open_reports(conn, org).await.unwrap().is_empty());
    assert_eq!(db::comments(conn, org, idea, false).await.unwrap().len(), 1);
    app
}

async fn hidden_ideas_vanish_for_others(app: TestApp) -> TestApp {
    without_demo_notices(&app).await;
    let org = northmere(&app).await;
    let idea = new_idea(&app, "northmere", STAFF, "Name and shame fly-tippers").await;
    let resident = app.signed_in(RESIDENT).await;
    resident.post(&format!("/ideas/{idea}/follow"), &[]).await;
    let staff = app.signed_in(STAFF).await;
    comment(&app, &staff, idea, "I will reword it if needed.").await;
    let me = person_id(&app, RESIDENT).await;
    assert_eq!(
        db::unread_count(app.db().conn(), org, me, false)
            .await
            .unwrap(),
        1,
        "the follower is told about the author's comment"
    );
    let lead = app.signed_in(LEAD).await;
    // A moderator can hide an idea nobody reported, from its own form.
    let focus = lead.get(&format!("/moderation?item={idea}")).await;
    assert!(
        focus
            .body
            .contains(&format!("action=\"/moderation/{idea}/hide\""))
    );
    let hidden = lead
        .post(
            &format!("/moderation/{idea}/hide"),
            &[("reason", "It names private individuals")],
        )
        .await;
    assert_eq!(hidden.status, StatusCode::SEE_OTHER);
    // Others can no longer act on it or find it.
    for path in ["support", "follow", "unfollow"] {
        let reply = resident.post(&format!("/ideas/{idea}/{path}"), &[]).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(
        resident.get(&format!("/ideas/{idea}/report")).await.status,
        StatusCode::NOT_FOUND
    );
    // The resident's notification about its comment is gone from their list;
    // the author still sees what happened to their idea.
    let notes = resident.get("/notifications").await;
    assert!(!notes.body.contains("Name and shame"), "{}", notes.body);
    let notes = staff.get("/notifications").await;
    assert!(
        notes
            .texts("main")
            .join(" ")
            .contains("It names private individuals")
    );
    assert_eq!(
        db::unread_count(app.db().conn(), org, me, false)
            .await
            .unwrap(),
        0
    );
    let page = resident.get(&format!("/ideas/{idea}")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let hides = audit_entries(&app, org, "idea.hide").await;
    assert!(
        hides[0]
            .after
            .as_deref()
            .unwrap()
            .contains("It names private individuals")
    );
    // Restored, it is back for everyone.
    lead.post(
        &format!("/moderation/{idea}/restore"),
        &[("reason", "Reworded by the author")],
    )
    .await;
    let reply = resident.post(&format!("/ideas/{idea}/support"), &[]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        db::unread_count(app.db().conn(), org, me, false)
            .await
            .unwrap(),
        1
    );
    app
}

async fn merging_moves_supports_without_counting_twice(app: TestApp) -> TestApp {
    let org = northmere(&app).await;
    let duplicate = new_idea(&app, "northmere", STAFF, "Text reminders for bins").await;
    let target = new_idea(
        &app,
        "northmere",
        "manager@northmere.example",
        "Bin day reminders",
    )
    .await;
    let elsewhere = new_idea(&app, "aske-vale", "staff@askevale.example", "Aske bins").await;
    for who in [RESIDENT, STAFF, "councillor@northmere.example"] {
        app.signed_in(who)
            .await
            .post(&format!("/ideas/{duplicate}/support"), &[])
            .await;
    }
    for who in [RESIDENT, "panel@northmere.example"] {
        app.signed_in(who)
            .await
            .post(&format!("/ideas/{target}/support"), &[])
            .await;
    }
    app.signed_in("hr@northmere.example")
        .await
        .post(&format!("/ideas/{duplicate}/follow"), &[])
        .await;
    assert_eq!(supports(&app, duplicate).await, 3);
    assert_eq!(supports(&app, target).await, 2);

    let lead = app.signed_in(LEAD).await;
    let form = lead.get(&format!("/ideas/{duplicate}/merge")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(&format!("value=\"{target}\"")));
    assert!(!form.body.contains(&format!("value=\"{duplicate}\"")));
    assert!(!form.body.contains(&format!("value=\"{elsewhere}\"")));
    let found = lead.get(&format!("/ideas/{duplicate}/merge?q=day")).await;
    assert!(found.body.contains(&format!("value=\"{target}\"")));

    // Bad choices are refused and change nothing.
    let before = audit_count(&app).await;
    let duplicate_id = duplicate.to_string();
    let elsewhere_id = elsewhere.to_string();
    for into in [
        "",
        "not-an-id",
        duplicate_id.as_str(),
        elsewhere_id.as_str(),
    ] {
        let reply = lead
            .post(
                &format!("/ideas/{duplicate}/merge"),
                &[("into", into), ("reason", "Same idea")],
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{into}");
        assert!(reply.body.contains("href=\"#into\""));
    }
    let reply = lead
        .post(
            &format!("/ideas/{duplicate}/merge"),
            &[("into", &target.to_string()), ("reason", "")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("href=\"#reason\""));
    assert!(reply.body.contains("checked"), "the choice is kept");
    assert_eq!(audit_count(&app).await, before);

    let merged = lead
        .post(
            &format!("/ideas/{duplicate}/merge"),
            &[
                ("into", &target.to_string()),
                ("reason", "Both ask for bin reminders"),
            ],
        )
        .await;
    assert_eq!(
        merged.location(),
        Some(format!("/ideas/{target}?notice=merged").as_str())
    );
    // Resident supported both: counted once. Staff, councillor, panel: once each.
    assert_eq!(supports(&app, target).await, 4);
    assert_eq!(supports(&app, duplicate).await, 0);
    let conn = app.db().conn();
    let dup = beacon_db::ideas::find(conn, org, duplicate)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(dup.merged_into, Some(target));
    assert!(dup.hidden, "the duplicate is out of the lists");
    let followers = db::followers(conn, org, target).await.unwrap();
    for who in ["manager@northmere.example", STAFF, "hr@northmere.example"] {
        assert!(followers.contains(&person_id(&app, who).await), "{who}");
    }
    // Both authors are told.
    let (outbox, _) = beacon_db::outbox::list(conn, Some(org), 1, 50)
        .await
        .unwrap();
    for (to, subject) in [
        (STAFF, "Your idea “Text reminders for bins” has been merged"),
        (
            "manager@northmere.example",
            "has been merged into your idea “Bin day reminders”",
        ),
    ] {
        assert!(
            outbox
                .iter()
                .any(|m| m.to_address == to && m.subject.contains(subject)),
            "{to}"
        );
    }
    let events = audit_entries(&app, org, "idea.merge").await;
    assert_eq!(events.len(), 1);
    let after = events[0].after.as_deref().unwrap();
    assert!(after.contains("Both ask for bin reminders") && after.contains(&target.to_string()));
    // It cannot be merged again, or supported where it was.
    let again = lead
        .post(
            &format!("/ideas/{duplicate}/merge"),
            &[("into", &target.to_string()), ("reason", "Again")],
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let reply = app
        .signed_in("partner@northmere.example")
        .await
        .post(&format!("/ideas/{duplicate}/support"), &[])
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let queue = lead.get("/moderation").await;
    assert!(
        queue
            .texts("main")
            .join(" ")
            .contains("Text reminders for bins")
    );
    app
}

async fn notifications_are_their_owners_only(app: TestApp) -> TestApp {
    without_demo_notices(&app).await;
    let org = northmere(&app).await;
    let idea = new_idea(&app, "northmere", STAFF, "Warm spaces map").await;
    let resident = app.signed_in(RESIDENT).await;
    comment(&app, &resident, idea, "The map should show opening hours.").await;
    // The author is told; the commenter is not told about their own comment.
    let staff = app.signed_in(STAFF).await;
    let mine = staff.get("/notifications").await;
    assert!(mine.texts("main h2").join(" ").contains("Warm spaces map"));
    assert!(
        mine.texts("main")
            .join(" ")
            .contains("You have 1 unread notification.")
    );
    let theirs = resident.get("/notifications").await;
    assert!(!theirs.body.contains("Warm spaces map"));
    let elsewhere = app.signed_in("staff@askevale.example").await;
    assert!(
        !elsewhere
            .get("/notifications")
            .await
            .body
            .contains("Warm spaces map")
    );
    let (outbox, _) = beacon_db::outbox::list(app.db().conn(), Some(org), 1, 50)
        .await
        .unwrap();
    let emails: Vec<_> = outbox
        .iter()
        .filter(|m| m.subject.contains("Warm spaces map"))
        .collect();
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].to_address, STAFF);

    // Someone else marking it read changes nothing.
    let owner = person_id(&app, STAFF).await;
    let (list, _) = db::notifications(app.db().conn(), org, owner, false, 1, 10)
        .await
        .unwrap();
    let id = list[0].id.to_string();
    let reply = resident.post("/notifications/read", &[("id", &id)]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        db::unread_count(app.db().conn(), org, owner, false)
            .await
            .unwrap(),
        1
    );
    let reply = staff.post("/notifications/read", &[("id", &id)]).await;
    assert_eq!(
        reply.location(),
        Some("/notifications?notice=notifications_read")
    );
    assert_eq!(
        db::unread_count(app.db().conn(), org, owner, false)
            .await
            .unwrap(),
        0
    );
    // A disabled follower is told nothing.
    let councillor = app.signed_in("councillor@northmere.example").await;
    councillor.post(&format!("/ideas/{idea}/follow"), &[]).await;
    let councillor_id = person_id(&app, "councillor@northmere.example").await;
    let admin = app.signed_in("admin@northmere.example").await;
    admin
        .post(
            &format!("/admin/people/{councillor_id}/status"),
            &[("status", "disabled")],
        )
        .await;
    comment(&app, &resident, idea, "And whether dogs are welcome.").await;
    assert_eq!(
        db::unread_count(app.db().conn(), org, councillor_id, false)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        db::unread_count(app.db().conn(), org, owner, false)
            .await
            .unwrap(),
        1
    );
    app
}

async fn empty_and_bad_forms_change_nothing(app: TestApp) -> TestApp {
    without_demo_notices(&app).await;
    let org = northmere(&app).await;
    let idea = new_idea(&app, "northmere", STAFF, "Community fridges").await;
    let resident = app.signed_in(RESIDENT).await;
    let cid = comment(&app, &resident, idea, "Where would they go?").await;
    let lead = app.signed_in(LEAD).await;
    let before = audit_count(&app).await;
    let empty: &[(&str, &str)] = &[];
    for (path, status) in [
        (
            format!("/ideas/{idea}/comments"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            format!("/ideas/{idea}/report"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            format!("/moderation/{cid}/hide"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            format!("/ideas/{idea}/merge"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        ("/notifications/read".to_owned(), StatusCode::BAD_REQUEST),
    ] {
        let reply = lead.post(&path, empty).await;
        assert_eq!(reply.status, status, "{path}");
        if status == StatusCode::UNPROCESSABLE_ENTITY {
            assert!(reply.has_error_summary(), "{path}");
            assert!(
                reply.texts("title").join("").starts_with("Error:"),
                "{path}"
            );
        }
    }
    // Restoring what is not hidden asks nothing and changes nothing.
    let reply = lead
        .post(&format!("/moderation/{cid}/restore"), empty)
        .await;
    assert_eq!(reply.location(), Some("/moderation?notice=not_hidden"));
    // A field no form of ours sends is refused outright (no mass assignment).
    for (path, fields) in [
        (
            format!("/ideas/{idea}/comments"),
            vec![("body", "Hi"), ("author", "someone-else")],
        ),
        (format!("/ideas/{idea}/support"), vec![("person", "x")]),
        (
            format!("/moderation/{cid}/hide"),
            vec![("reason", "x"), ("status", "open")],
        ),
    ] {
        let reply = lead.post(&path, &fields).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{path}");
    }
    // Too long is refused with the limit.
    let long = "a".repeat(2001);
    let reply = resident
        .post(&format!("/ideas/{idea}/comments"), &[("body", &long)])
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .texts(".govuk-error-summary")
            .join(" ")
            .contains("2,000 characters")
    );
    // Exactly 2,000, with line breaks as browsers send them, is fine.
    let lines = "abcdefghi\r\n".repeat(200);
    let reply = resident
        .post(&format!("/ideas/{idea}/comments"), &[("body", &lines)])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(audit_count(&app).await, before + 1);
    assert!(
        db::open_reports(app.db().conn(), org)
            .await
            .unwrap()
            .is_empty()
    );
    app
}

/// A challenge open to the public in a council: the demo's, once the ideas
/// part seeds one, or one written here.
async fn public_challenge(app: &TestApp, slug: &str) -> String {
    let org = org_id(app, slug).await;
    let today = OffsetDateTime::now_utc().date();
    if let Some(c) = db::open_public_challenges(app.db().conn(), org, today)
        .await
        .unwrap()
        .first()
    {
        return c.question.clone();
    }
    let lead: PersonId = person_id(app, LEAD).await;
    let backend = app.db().backend();
    let id = |u: Uuid| match backend {
        Backend::Sqlite => format!("X'{}'", u.simple()),
        Backend::Postgres => format!("'{u}'"),
    };
    let question = "How might we make our parks feel safer after dark?";
    let sql = format!(
        "INSERT INTO challenges (id, organisation_id, question, description, audience, \
         opens_on, closes_on, innovation, pot_pence, allocated_pence, created_by, created_at) \
         VALUES ({}, {}, '{question}', 'Tell us what would help.', 'public', '{}', '{}', \
         FALSE, NULL, 0, {}, '2026-01-01T00:00:00Z')",
        id(Uuid::new_v4()),
        id(org.uuid()),
        today - Duration::days(7),
        today + Duration::days(30),
        id(lead.uuid()),
    );
    app.db().conn().execute_unprepared(&sql).await.unwrap();
    question.to_owned()
}

async fn join_page_invites_residents_without_revealing_accounts(app: TestApp) -> TestApp {
    let visitor = app.browser();
    assert_eq!(
        visitor.get("/join/nowhere").await.status,
        StatusCode::NOT_FOUND
    );
    let reply = visitor
        .post(
            "/join/nowhere",
            &[("name", "Ann"), ("email", "ann@example.org")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let org = org_id(&app, "northmere").await;
    let conn = app.db().conn();
    let today = OffsetDateTime::now_utc().date();
    if db::open_public_challenges(conn, org, today)
        .await
        .unwrap()
        .is_empty()
    {
        // Nothing open to the public: the page says so and takes no request.
        let page = visitor.get("/join/northmere").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.texts("main")
                .join(" ")
                .contains("no challenges open to the public")
        );
        assert!(!page.body.contains("action=\"/join/northmere\""));
        let reply = visitor
            .post(
                "/join/northmere",
                &[("name", "Ann"), ("email", "ann@example.org")],
            )
            .await;
        assert_eq!(reply.status, StatusCode::CONFLICT);
        assert!(
            beacon_db::tokens::invitations(conn, org)
                .await
                .unwrap()
                .is_empty()
        );
    }
    let question = public_challenge(&app, "northmere").await;
    let page = visitor.get("/join/northmere").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.texts("main h3").contains(&question));
    assert!(page.body.contains("action=\"/join/northmere\""));

    // Bad input: the usual error summary, nothing sent.
    let reply = visitor
        .post(
            "/join/northmere",
            &[("name", ""), ("email", "not an email")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("href=\"#name\"") && reply.body.contains("href=\"#email\""));
    assert!(
        beacon_db::tokens::invitations(conn, org)
            .await
            .unwrap()
            .is_empty()
    );

    // A new address and an existing account get the same answer.
    let new = visitor
        .post(
            "/join/northmere",
            &[("name", "Ann Jones"), ("email", "ann.jones@example.org")],
        )
        .await;
    let existing = visitor
        .post("/join/northmere", &[("name", "Someone"), ("email", STAFF)])
        .await;
    assert_eq!(new.status, StatusCode::SEE_OTHER);
    assert_eq!(
        (new.status, new.location()),
        (existing.status, existing.location())
    );
    assert_eq!(
        new.location(),
        Some("/join/northmere?notice=join_requested")
    );
    let done = visitor.get("/join/northmere?notice=join_requested").await;
    assert!(
        done.texts(".govuk-notification-banner")
            .join(" ")
            .contains("Check your email")
    );
    // The invitation is a real one, to the resident role, in the outbox.
    let (outbox, _) = beacon_db::outbox::list(conn, Some(org), 1, 50)
        .await
        .unwrap();
    let mail = outbox
        .iter()
        .find(|m| m.to_address == "ann.jones@example.org")
        .expect("an invitation email");
    assert!(mail.body.contains(&format!("{}/invitations/", app.base)));
    assert!(mail.body.contains("Resident"));
    let invitations = beacon_db::tokens::invitations(conn, org).await.unwrap();
    assert!(
        invitations
            .iter()
            .any(|t| t.email == "ann.jones@example.org"
                && t.role == Some(beacon_core::Role::Resident))
    );
    // Asking again within the hour sends nothing more.
    visitor
        .post(
            "/join/northmere",
            &[("name", "Ann Jones"), ("email", "ann.jones@example.org")],
        )
        .await;
    let (outbox, _) = beacon_db::outbox::list(conn, Some(org), 1, 50)
        .await
        .unwrap();
    assert_eq!(
        outbox
            .iter()
            .filter(|m| m.to_address == "ann.jones@example.org")
            .count(),
        1
    );
    // The link completes the account as a resident.
    let path = mail
        .body
        .lines()
        .find(|l| l.contains("/invitations/"))
        .unwrap()
        .trim()
        .trim_start_matches(&app.base)
        .to_owned();
    let accept = visitor
        .post(
            &path,
            &[
                ("name", "Ann Jones"),
                ("new_password", "a long walk by the river"),
                ("confirm_password", "a long walk by the river"),
            ],
        )
        .await;
    assert_eq!(accept.status, StatusCode::SEE_OTHER, "{}", accept.body);
    let ann = person_id(&app, "ann.jones@example.org").await;
    assert_eq!(
        beacon_db::people::roles_in(conn, org, ann).await.unwrap(),
        vec![beacon_core::Role::Resident]
    );

    // Repeated requests are limited per address typed…
    let now = OffsetDateTime::now_utc();
    beacon_db::attempts::record(
        conn,
        &std::iter::repeat_n("join:account:flood@example.org".to_owned(), 3).collect::<Vec<_>>(),
        now,
    )
    .await
    .unwrap();
    let other = app.browser();
    let reply = other
        .post(
            "/join/northmere",
            &[("name", "Flood"), ("email", "flood@example.org")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(reply.has_error_summary());
    // …and per client address.
    beacon_db::attempts::record(
        conn,
        &std::iter::repeat_n("join:address:127.0.0.1".to_owned(), 10).collect::<Vec<_>>(),
        now,
    )
    .await
    .unwrap();
    let reply = other
        .post(
            "/join/northmere",
            &[("name", "Bob"), ("email", "bob@example.org")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    let (outbox, _) = beacon_db::outbox::list(conn, Some(org), 1, 50)
        .await
        .unwrap();
    assert!(
        !outbox
            .iter()
            .any(|m| m.to_address == "flood@example.org" || m.to_address == "bob@example.org")
    );
    app
}
