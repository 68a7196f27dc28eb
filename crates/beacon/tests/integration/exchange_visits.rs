//! Questions to the innovators and hosted visits, with their iCalendar invitations.
//!
//! Each scenario publishes the cases it needs with
//! `beacon_db::exchange::visits::fixtures`, so it does not depend on how
//! cases are written or what the demo seeds.
use crate::helpers::*;
use beacon_core::OrgId;
use beacon_core::exchange::Level;
use beacon_core::permission::Capability;
use beacon_db::exchange::visits::{self as db, fixtures};
use beacon_web::SmtpConfig;
use beacon_web::email::drain_outbox;
use beacon_web::routes::Access;
use reqwest::StatusCode;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// The access this part's routes declare, for the route matrix.
pub fn access(method: &str, path: &str) -> Option<Access> {
    let lead = Access::Can(Capability::PublishCases);
    Some(match (method, path) {
        // Any member of a council that may read the case; the handler
        // answers "not found" for a case it may not read.
        ("GET" | "POST", "/exchange/cases/{id}/questions") => Access::Member,
        ("POST", "/exchange/questions/{id}/answer") => lead,
        ("GET" | "POST", "/exchange/cases/{id}/visits/new") => Access::Member,
        ("POST", "/exchange/cases/{id}/visits/closed") => lead,
        // Either side of a visit; anyone else's is not found.
        ("GET", "/exchange/visits") => Access::Member,
        ("GET" | "POST", "/exchange/visits/{id}" | "/exchange/visits/{id}/feedback") => {
            Access::Member
        }
        ("GET", "/exchange/visits/{id}/invitation.ics") => Access::Member,
        _ => return None,
    })
}

both_databases!(
    questions_are_answered_and_both_sides_emailed,
    an_anonymised_case_never_names_its_council,
    another_council_finds_nothing,
    bad_input_gets_an_error_summary_and_changes_nothing,
    a_visit_is_accepted_scheduled_changed_and_called_off,
    racing_acceptances_never_pass_the_cap,
    feedback_only_after_the_visit_and_the_host_sees_it,
    the_host_closes_a_case_to_new_requests,
    the_emailed_invitation_arrives_with_its_calendar,
);

const HOST_LEAD: &str = "innovation-lead@northmere.example";
const HOST_STAFF: &str = "staff@northmere.example";
const GUEST: &str = "staff@askevale.example";
const GUEST_LEAD: &str = "innovation-lead@askevale.example";
const OUTSIDER: &str = "innovation-lead@eastbrook.example";
const OUTSIDER_STAFF: &str = "staff@eastbrook.example";

/// A Northmere case published at `level` (partners: read by Aske Vale).
async fn published(app: &TestApp, title: &str, level: Level, anonymous: bool) -> (Uuid, Uuid) {
    let northmere = org_id(app, "northmere").await;
    let aske = org_id(app, "aske-vale").await;
    let txn = app.db().begin_writing().await.unwrap();
    let ids = fixtures::published_case(
        &txn,
        OffsetDateTime::now_utc(),
        northmere,
        &fixtures::Shared {
            title,
            level,
            anonymous,
            audience: &[aske],
        },
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    ids
}

async fn outbox_to(app: &TestApp, org: OrgId, to: &str) -> Vec<beacon_db::outbox::Message> {
    let (all, _) = beacon_db::outbox::list(app.db().conn(), Some(org), 1, 10_000)
        .await
        .unwrap();
    all.into_iter().filter(|m| m.to_address == to).collect()
}

fn id_from(location: &str) -> Uuid {
    location
        .trim_start_matches("/exchange/visits/")
        .split(['?', '/'])
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// Aske Vale's staff member asks to visit; returns the request's id.
async fn request_visit(app: &TestApp, who: &str, publication: Uuid, party: &str) -> Uuid {
    let b = app.signed_in(who).await;
    let r = b
        .post(
            &format!("/exchange/cases/{publication}/visits/new"),
            &[
                ("party_size", party),
                ("preferred_dates", "Any Tuesday in spring"),
                ("purpose", "To see the hub at work"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    id_from(r.location().unwrap())
}

fn day_fields(at: OffsetDateTime) -> (String, String, String) {
    (
        at.day().to_string(),
        u8::from(at.month()).to_string(),
        at.year().to_string(),
    )
}

/// The host's form for a new visit `days` ahead, 10:00 to 12:00 UK time.
async fn accept_new(b: &Browser, visit: Uuid, days: i64, cap: &str, location: &str) -> Reply {
    let (d, m, y) = day_fields(OffsetDateTime::now_utc() + Duration::days(days));
    b.post(
        &format!("/exchange/visits/{visit}"),
        &[
            ("action", "accept"),
            ("note", "Welcome"),
            ("slot", "new"),
            ("start-day", &d),
            ("start-month", &m),
            ("start-year", &y),
            ("start_time", "10:00"),
            ("end_time", "12:00"),
            ("location", location),
            ("cap", cap),
        ],
    )
    .await
}

async fn slot_of(app: &TestApp, visit: Uuid) -> beacon_db::entity::visit_slot::Model {
    let org = org_id(app, "northmere").await;
    db::visit_in(app.db().conn(), org, visit)
        .await
        .unwrap()
        .slot
        .unwrap()
}

/// Parse an iCalendar text with Python's `icalendar` package and return
/// METHOD, UID, SEQUENCE, DTSTART (as UTC ISO), DTSTAMP presence,
/// SUMMARY, LOCATION and ORGANIZER, one a line.
fn parse_ics(text: &str) -> Vec<String> {
    let python = std::env::var("BEACON_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = r#"
import sys, datetime, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
ev = [c for c in cal.walk() if c.name == "VEVENT"][0]
utc = datetime.timezone.utc
print(cal.get("METHOD"))
print(ev.get("UID"))
print(int(ev.get("SEQUENCE")))
print(ev.decoded("DTSTART").astimezone(utc).isoformat())
print(ev.decoded("DTEND").astimezone(utc).isoformat())
print("DTSTAMP" in ev)
print(ev.get("SUMMARY"))
print(ev.get("LOCATION"))
print(ev.get("ORGANIZER"))
"#;
    let mut child = Command::new(python)
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("python with icalendar (scripts/test-requirements.txt)");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "icalendar could not parse:\n{text}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn utc_iso(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:00+00:00",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    )
}

async fn questions_are_answered_and_both_sides_emailed(app: TestApp) -> TestApp {
    let (case, publication) = published(&app, "Community hubs", Level::Public, false).await;
    let northmere = org_id(&app, "northmere").await;
    let aske = org_id(&app, "aske-vale").await;
    let guest = app.signed_in(GUEST).await;
    let page = guest
        .get(&format!("/exchange/cases/{publication}/questions"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let r = guest
        .post(
            &format!("/exchange/cases/{publication}/questions"),
            &[("question", "Who staffed the hubs on Mondays?")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The host's innovation lead is emailed, with a link to answer.
    let told = outbox_to(&app, aske, HOST_LEAD).await;
    assert_eq!(told.len(), 1);
    assert!(told[0].body.contains("Who staffed the hubs on Mondays?"));
    assert!(
        told[0]
            .body
            .contains(&format!("/exchange/cases/{case}/questions"))
    );
    // Waiting questions are the asker's and the host's only.
    let outsider = app.signed_in(OUTSIDER_STAFF).await;
    let seen = outsider
        .get(&format!("/exchange/cases/{publication}/questions"))
        .await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(!seen.body.contains("Who staffed the hubs"));
    // The host's staff read it but cannot answer; the lead answers.
    let host = app.signed_in(HOST_LEAD).await;
    let page = host.get(&format!("/exchange/cases/{case}/questions")).await;
    assert!(page.body.contains("Who staffed the hubs on Mondays?"));
    let question = db::questions(
        app.db().conn(),
        &db::CaseRef {
            case_id: case,
            host: northmere,
            link_id: case,
            title: String::new(),
            host_name: None,
            anonymous: false,
            own: true,
            draft: false,
        },
        northmere,
    )
    .await
    .unwrap()[0]
        .row
        .id;
    let staff = app.signed_in(HOST_STAFF).await;
    let refused = staff
        .post(
            &format!("/exchange/questions/{question}/answer"),
            &[("answer", "No")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let r = host
        .post(
            &format!("/exchange/questions/{question}/answer"),
            &[("answer", "Two caseworkers from the phone line.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Once only.
    let again = host
        .post(
            &format!("/exchange/questions/{question}/answer"),
            &[("answer", "Something else")],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let mail = outbox_to(&app, northmere, GUEST).await;
    assert_eq!(mail.len(), 1);
    assert!(
        mail[0]
            .body
            .contains("Two caseworkers from the phone line.")
    );
    assert!(mail[0].body.contains("Northmere Borough Council"));
    assert!(
        mail[0]
            .body
            .contains(&format!("/exchange/cases/{publication}/questions"))
    );
    // Everyone who reads the case reads the answer, with the asking
    // council's name and never the asker's own outside that council.
    let seen = outsider
        .get(&format!("/exchange/cases/{publication}/questions"))
        .await;
    assert!(seen.body.contains("Two caseworkers from the phone line."));
    assert!(seen.body.contains("Aske Vale District Council"));
    let asker_name = beacon_db::people::by_email(
        app.db().conn(),
        &beacon_core::account::Email::parse(GUEST).unwrap(),
    )
    .await
    .unwrap()
    .unwrap()
    .display_name;
    assert!(!seen.body.contains(&asker_name));
    let host_view = host.get(&format!("/exchange/cases/{case}/questions")).await;
    assert!(!host_view.body.contains(&asker_name));
    let own_view = guest
        .get(&format!("/exchange/cases/{publication}/questions"))
        .await;
    assert!(own_view.body.contains(&asker_name));
    app
}

async fn an_anonymised_case_never_names_its_council(app: TestApp) -> TestApp {
    let (case, publication) = published(&app, "A failed app", Level::Partners, true).await;
    let northmere = org_id(&app, "northmere").await;
    let guest = app.signed_in(GUEST).await;
    let page = guest
        .get(&format!("/exchange/cases/{publication}/questions"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Northmere"), "{}", page.body);
    let r = guest
        .post(
            &format!("/exchange/cases/{publication}/questions"),
            &[("question", "What would you do differently?")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let host = app.signed_in(HOST_LEAD).await;
    let question = db::question_in(
        app.db().conn(),
        northmere,
        db::questions(
            app.db().conn(),
            &db::case_for(
                app.db().conn(),
                &beacon_core::exchange::Reader::Member {
                    org: northmere,
                    partners: vec![],
                },
                case,
            )
            .await
            .unwrap(),
            northmere,
        )
        .await
        .unwrap()[0]
            .row
            .id,
    )
    .await
    .unwrap();
    let r = host
        .post(
            &format!("/exchange/questions/{}/answer", question.id),
            &[("answer", "Test with residents first.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = guest
        .get(&format!("/exchange/cases/{publication}/questions"))
        .await;
    assert!(page.body.contains("Test with residents first."));
    assert!(page.texts(".signed").iter().all(|s| s == "— the council"));
    assert!(!page.body.contains("Northmere"));
    let mail = outbox_to(&app, northmere, GUEST).await;
    assert_eq!(mail.len(), 1);
    assert!(!mail[0].body.contains("Northmere"), "{}", mail[0].body);
    assert!(!mail[0].subject.contains("Northmere"));
    assert!(mail[0].body.contains("— the council"));
    // It cannot be visited: the page says why, and the route refuses.
    let before = audit_count(&app).await;
    let page = guest
        .get(&format!("/exchange/cases/{publication}/visits/new"))
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("cannot be visited"));
    assert!(!page.body.contains("Northmere"));
    let r = guest
        .post(
            &format!("/exchange/cases/{publication}/visits/new"),
            &[
                ("party_size", "2"),
                ("preferred_dates", "Soon"),
                ("purpose", "To see"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(audit_count(&app).await, before);
    app
}

async fn another_council_finds_nothing(app: TestApp) -> TestApp {
    let (case, publication) = published(&app, "Shared with partners", Level::Partners, false).await;
    let visit = request_visit(&app, GUEST, publication, "2").await;
    let outsider = app.signed_in(OUTSIDER).await;
    for path in [
        format!("/exchange/cases/{publication}/questions"),
        format!("/exchange/cases/{case}/questions"),
        format!("/exchange/cases/{publication}/visits/new"),
        format!("/exchange/visits/{visit}"),
        format!("/exchange/visits/{visit}/feedback"),
        format!("/exchange/visits/{visit}/invitation.ics"),
    ] {
        let r = outsider.get(&path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
    let r = outsider
        .post(
            &format!("/exchange/visits/{visit}"),
            &[("action", "decline"), ("note", "No")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = outsider
        .post(
            &format!("/exchange/cases/{case}/visits/closed"),
            &[("closed", "yes")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Nor is the request in its list.
    let list = outsider.get("/exchange/visits").await;
    assert!(!list.body.contains(&visit.to_string()));
    // The visitor cannot answer its own request.
    let guest_lead = app.signed_in(GUEST_LEAD).await;
    let r = accept_new(&guest_lead, visit, 10, "5", "Hall").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    app
}

async fn bad_input_gets_an_error_summary_and_changes_nothing(app: TestApp) -> TestApp {
    let (_, publication) = published(&app, "Hubs", Level::Public, false).await;
    let visit = request_visit(&app, GUEST, publication, "3").await;
    let before = audit_count(&app).await;
    let guest = app.signed_in(GUEST).await;
    let r = guest
        .post(
            &format!("/exchange/cases/{publication}/questions"),
            &[("question", "   ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.has_error_summary());
    for (party, dates, purpose) in [
        ("0", "Soon", "See"),
        ("many", "Soon", "See"),
        ("2", "", "See"),
        ("2", "Soon", ""),
    ] {
        let r = guest
            .post(
                &format!("/exchange/cases/{publication}/visits/new"),
                &[
                    ("party_size", party),
                    ("preferred_dates", dates),
                    ("purpose", purpose),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.has_error_summary());
    }
    // Unknown fields are refused outright.
    let r = guest
        .post(
            &format!("/exchange/cases/{publication}/visits/new"),
            &[
                ("party_size", "2"),
                ("preferred_dates", "Soon"),
                ("purpose", "See"),
                ("status", "accepted"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let host = app.signed_in(HOST_LEAD).await;
    let (d, m, y) = day_fields(OffsetDateTime::now_utc() + Duration::days(7));
    let (pd, pm, py) = day_fields(OffsetDateTime::now_utc() - Duration::days(7));
    for fields in [
        // The end before the start.
        vec![
            ("start-day", d.as_str()),
            ("start-month", &m),
            ("start-year", &y),
            ("start_time", "12:00"),
            ("end_time", "10:00"),
            ("location", "Hall"),
            ("cap", "5"),
        ],
        // In the past.
        vec![
            ("start-day", &pd),
            ("start-month", &pm),
            ("start-year", &py),
            ("start_time", "10:00"),
            ("end_time", "12:00"),
            ("location", "Hall"),
            ("cap", "5"),
        ],
        // No such date, no place, a cap below the party.
        vec![
            ("start-day", "31"),
            ("start-month", "2"),
            ("start-year", &y),
            ("start_time", "10:00"),
            ("end_time", "12:00"),
            ("location", ""),
            ("cap", "5"),
        ],
        vec![
            ("start-day", &d),
            ("start-month", &m),
            ("start-year", &y),
            ("start_time", "10:00"),
            ("end_time", "12:00"),
            ("location", "Hall"),
            ("cap", "2"),
        ],
        vec![
            ("start-day", &d),
            ("start-month", &m),
            ("start-year", &y),
            ("start_time", "ten"),
            ("end_time", "12:00"),
            ("location", "Hall"),
            ("cap", "5"),
        ],
    ] {
        let mut all = vec![("action", "accept"), ("note", ""), ("slot", "new")];
        all.extend(fields);
        let r = host.post(&format!("/exchange/visits/{visit}"), &all).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{all:?}");
        assert!(r.has_error_summary());
    }
    // Declining needs a note.
    let r = host
        .post(
            &format!("/exchange/visits/{visit}"),
            &[("action", "decline"), ("note", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.has_error_summary());
    assert_eq!(audit_count(&app).await, before);
    let org = org_id(&app, "northmere").await;
    let v = db::visit_in(app.db().conn(), org, visit).await.unwrap();
    assert_eq!(v.row.status, "requested");
    assert!(v.slot.is_none());
    app
}

async fn a_visit_is_accepted_scheduled_changed_and_called_off(app: TestApp) -> TestApp {
    let (_, publication) = published(&app, "Hubs", Level::Public, false).await;
    let visit = request_visit(&app, GUEST, publication, "3").await;
    let aske = org_id(&app, "aske-vale").await;
    let northmere = org_id(&app, "northmere").await;
    // The host's leads were told of the request.
    assert_eq!(outbox_to(&app, aske, HOST_LEAD).await.len(), 1);
    let host = app.signed_in(HOST_LEAD).await;
    let list = host.get("/exchange/visits").await;
    assert!(list.body.contains(&format!("/exchange/visits/{visit}")));
    let r = accept_new(&host, visit, 14, "10", "Civic Centre, Hub 1").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let slot = slot_of(&app, visit).await;
    assert_eq!((slot.booked, slot.cap, slot.sequence), (3, 10, 0));
    // The visitor downloads the invitation: checked and never cached.
    let guest = app.signed_in(GUEST).await;
    let ics = guest
        .get(&format!("/exchange/visits/{visit}/invitation.ics"))
        .await;
    assert_eq!(ics.status, StatusCode::OK);
    assert_eq!(ics.headers["cache-control"], "no-store");
    assert!(
        ics.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let first = parse_ics(&ics.body);
    assert_eq!(first[0], "REQUEST");
    assert_eq!(first[1], format!("visit-{}@beacon", slot.id));
    assert_eq!(first[2], "0");
    assert_eq!(first[3], utc_iso(slot.starts_at));
    assert_eq!(first[4], utc_iso(slot.ends_at));
    assert_eq!(first[5], "True");
    assert!(first[6].contains("Hubs"));
    assert_eq!(first[7], "Civic Centre, Hub 1");
    assert_eq!(first[8], format!("mailto:{HOST_LEAD}"));
    // 10:00 UK time.
    let local = beacon_core::exchange::visits::uk_time::to_local(slot.starts_at);
    assert_eq!((local.hour(), local.minute()), (10, 0));
    // The same invitation went by email.
    let mail = outbox_to(&app, northmere, GUEST).await;
    assert_eq!(mail.len(), 1);
    assert_eq!(parse_ics(mail[0].calendar.as_deref().unwrap())[1], first[1]);
    // A reschedule: same UID, higher SEQUENCE, the visitor told again.
    let (d, m, y) = day_fields(OffsetDateTime::now_utc() + Duration::days(15));
    let r = host
        .post(
            &format!("/exchange/visits/{visit}"),
            &[
                ("action", "reschedule"),
                ("start-day", &d),
                ("start-month", &m),
                ("start-year", &y),
                ("start_time", "13:30"),
                ("end_time", "15:00"),
                ("location", "Civic Centre, Hub 2"),
                ("cap", "10"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let moved = slot_of(&app, visit).await;
    let second = parse_ics(
        &guest
            .get(&format!("/exchange/visits/{visit}/invitation.ics"))
            .await
            .body,
    );
    assert_eq!(second[1], first[1]);
    assert_eq!(second[2], "1");
    assert_eq!(second[3], utc_iso(moved.starts_at));
    assert_eq!(second[7], "Civic Centre, Hub 2");
    let mail = outbox_to(&app, northmere, GUEST).await;
    assert_eq!(mail.len(), 2);
    // The cap cannot fall below those booked.
    let r = host
        .post(
            &format!("/exchange/visits/{visit}"),
            &[
                ("action", "reschedule"),
                ("start-day", &d),
                ("start-month", &m),
                ("start-year", &y),
                ("start_time", "13:30"),
                ("end_time", "15:00"),
                ("location", "Hub 2"),
                ("cap", "2"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Called off: METHOD:CANCEL with the same UID and a higher SEQUENCE.
    let r = host
        .post(
            &format!("/exchange/visits/{visit}"),
            &[("action", "cancel")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mail = outbox_to(&app, northmere, GUEST).await;
    assert_eq!(mail.len(), 3);
    let cancelled = mail
        .iter()
        .find_map(|m| {
            m.calendar
                .as_deref()
                .filter(|c| c.contains("METHOD:CANCEL"))
        })
        .unwrap();
    let third = parse_ics(cancelled);
    assert_eq!(third[0], "CANCEL");
    assert_eq!(third[1], first[1]);
    assert_eq!(third[2], "2");
    let slot = slot_of(&app, visit).await;
    assert_eq!(slot.booked, 0);
    // Nothing more can happen to it.
    let r = host
        .post(
            &format!("/exchange/visits/{visit}"),
            &[("action", "cancel")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    app
}

async fn racing_acceptances_never_pass_the_cap(app: TestApp) -> TestApp {
    let (_, publication) = published(&app, "Hubs", Level::Public, false).await;
    let first = request_visit(&app, GUEST, publication, "2").await;
    let host = app.signed_in(HOST_LEAD).await;
    let r = accept_new(&host, first, 20, "6", "Hall").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let slot = slot_of(&app, first).await;
    // Six more requests of two people race for the four places left.
    let mut racing = Vec::new();
    for _ in 0..6 {
        racing.push(request_visit(&app, GUEST_LEAD, publication, "2").await);
    }
    let mut tasks = Vec::new();
    for visit in racing.clone() {
        let b = host.clone();
        let slot = slot.id.to_string();
        tasks.push(tokio::spawn(async move {
            b.post(
                &format!("/exchange/visits/{visit}"),
                &[("action", "accept"), ("note", ""), ("slot", &slot)],
            )
            .await
            .status
        }));
    }
    let mut won = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::SEE_OTHER => won += 1,
            StatusCode::CONFLICT => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(won, 2);
    let slot = slot_of(&app, first).await;
    assert_eq!(slot.booked, 6);
    let org = org_id(&app, "northmere").await;
    let mut accepted = 0;
    for v in racing {
        let v = db::visit_in(app.db().conn(), org, v).await.unwrap();
        if v.row.status == "accepted" {
            accepted += 1;
        } else {
            assert_eq!(v.row.status, "requested");
        }
    }
    assert_eq!(accepted, 2);
    app
}

async fn feedback_only_after_the_visit_and_the_host_sees_it(app: TestApp) -> TestApp {
    let (_, publication) = published(&app, "Hubs", Level::Public, false).await;
    let visit = request_visit(&app, GUEST, publication, "2").await;
    let host = app.signed_in(HOST_LEAD).await;
    assert_eq!(
        accept_new(&host, visit, 3, "5", "Hall").await.status,
        StatusCode::SEE_OTHER
    );
    let guest = app.signed_in(GUEST).await;
    let early = guest
        .post(
            &format!("/exchange/visits/{visit}/feedback"),
            &[("rating", "5"), ("feedback", "Great")],
        )
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    let slot = slot_of(&app, visit).await;
    let start = OffsetDateTime::now_utc() - Duration::days(2);
    fixtures::move_slot(app.db().conn(), slot.id, start, start + Duration::hours(2))
        .await
        .unwrap();
    let page = guest
        .get(&format!("/exchange/visits/{visit}/feedback"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("name=\"rating\""));
    let bad = guest
        .post(
            &format!("/exchange/visits/{visit}/feedback"),
            &[("rating", "9"), ("feedback", "")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.has_error_summary());
    // The host does not give the visitor's feedback.
    let r = host
        .post(
            &format!("/exchange/visits/{visit}/feedback"),
            &[("rating", "1"), ("feedback", "Bad")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = guest
        .post(
            &format!("/exchange/visits/{visit}/feedback"),
            &[("rating", "4"), ("feedback", "We saw the triage desk.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let again = guest
        .post(
            &format!("/exchange/visits/{visit}/feedback"),
            &[("rating", "1"), ("feedback", "Changed my mind")],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let seen = host.get(&format!("/exchange/visits/{visit}")).await;
    assert!(seen.texts("#feedback")[0].contains("We saw the triage desk."));
    assert!(seen.texts("#feedback")[0].contains("4"));
    app
}

async fn the_host_closes_a_case_to_new_requests(app: TestApp) -> TestApp {
    let (case, publication) = published(&app, "Hubs", Level::Public, false).await;
    let host = app.signed_in(HOST_LEAD).await;
    let r = host
        .post(
            &format!("/exchange/cases/{case}/visits/closed"),
            &[("closed", "yes")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let guest = app.signed_in(GUEST).await;
    let page = guest
        .get(&format!("/exchange/cases/{publication}/visits/new"))
        .await;
    assert!(page.texts("#closed").len() == 1);
    assert!(!page.body.contains("name=\"party_size\""));
    let r = guest
        .post(
            &format!("/exchange/cases/{publication}/visits/new"),
            &[
                ("party_size", "2"),
                ("preferred_dates", "Soon"),
                ("purpose", "See"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = host
        .post(
            &format!("/exchange/cases/{case}/visits/closed"),
            &[("closed", "no")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    request_visit(&app, GUEST, publication, "2").await;
    app
}

struct SmtpServer {
    child: Child,
    port: u16,
    maildir: PathBuf,
}

impl SmtpServer {
    fn start(dir: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let maildir = dir.join("maildir");
        let python = std::env::var("BEACON_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        #[allow(clippy::zombie_processes)] // Drop kills and reaps it, on every path.
        let child = Command::new(python)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
                maildir.to_str().unwrap(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 with aiosmtpd");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return SmtpServer {
                    child,
                    port,
                    maildir,
                };
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("aiosmtpd did not start");
    }

    fn received(&self) -> Vec<String> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(entries) = std::fs::read_dir(self.maildir.join(sub)) {
                for e in entries.flatten() {
                    out.push(std::fs::read_to_string(e.path()).unwrap());
                }
            }
        }
        out
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn the_emailed_invitation_arrives_with_its_calendar(app: TestApp) -> TestApp {
    let (_, publication) = published(&app, "Hubs", Level::Public, false).await;
    let visit = request_visit(&app, GUEST, publication, "2").await;
    let host = app.signed_in(HOST_LEAD).await;
    assert_eq!(
        accept_new(&host, visit, 9, "5", "Civic Centre")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let slot = slot_of(&app, visit).await;
    let dir = std::env::temp_dir().join(format!("beacon-smtp-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let server = SmtpServer::start(&dir);
    let smtp = SmtpConfig {
        url: format!("smtp://127.0.0.1:{}", server.port),
        from: "Beacon <beacon@northmere.example>".into(),
    };
    let report = drain_outbox(app.db(), &smtp, &app.state.clock)
        .await
        .unwrap();
    assert_eq!(report.failed, 0);
    let mail = server.received();
    let invitation = mail
        .iter()
        .find(|m| m.contains(&format!("To: {GUEST}")) && m.contains("text/calendar"))
        .expect("the invitation reached the visitor");
    assert!(invitation.contains("Content-Type: text/calendar; method=REQUEST"));
    // The calendar part, decoded as a mail client would, parses.
    let python = std::env::var("BEACON_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = r#"
import sys, email
from email import policy
msg = email.message_from_bytes(sys.stdin.buffer.read(), policy=policy.default)
for part in msg.walk():
    if part.get_content_type() == "text/calendar":
        sys.stdout.write(part.get_content())
"#;
    let mut child = Command::new(python)
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(invitation.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let calendar = String::from_utf8(out.stdout).unwrap();
    let parsed = parse_ics(&calendar);
    assert_eq!(parsed[0], "REQUEST");
    assert_eq!(parsed[1], format!("visit-{}@beacon", slot.id));
    assert_eq!(parsed[2], "0");
    assert_eq!(parsed[3], utc_iso(slot.starts_at));
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
    app
}
