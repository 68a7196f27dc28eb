//! Case studies: writing, drafting from an evaluation, attachments, publishing levels, withdrawal, and the moderation of anonymised cases; anonymity on every read path.
use crate::helpers::*;
use beacon_core::permission::Capability;
use beacon_db::entity::{case_publication, case_study};
use beacon_db::exchange::cases as db_cases;
use beacon_db::exchange::search_log::{self, Target};
use beacon_web::routes::Access;
use reqwest::StatusCode;
use uuid::Uuid;

/// The access this part's routes declare, for the route matrix.
pub fn access(method: &str, path: &str) -> Option<Access> {
    let lead = Access::Can(Capability::PublishCases);
    Some(match (method, path) {
        ("GET", "/exchange/cases/{id}" | "/exchange/cases/{id}/attachments/{file}") => {
            Access::Public
        }
        (
            "GET" | "POST",
            "/exchange/cases/new"
            | "/exchange/cases/{id}/edit"
            | "/exchange/cases/{id}/publish"
            | "/exchange/cases/{id}/anonymised"
            | "/exchange/cases/{id}/attachments",
        ) => lead,
        ("POST", "/exchange/cases/{id}/attachments/{file}/remove") => lead,
        ("GET", "/exchange/mine") | ("POST", "/exchange/cases/{id}/withdraw") => lead,
        ("GET", "/sector/moderation" | "/sector/moderation/{id}")
        | ("POST", "/sector/moderation/{id}") => Access::SectorAdmin,
        _ => return None,
    })
}

both_databases!(
    a_case_is_written_published_and_read_by_partners_only,
    every_refusal_by_role_and_another_council_gets_404,
    bad_input_gets_an_error_summary_and_changes_nothing,
    a_stale_edit_is_a_conflict_and_changes_nothing,
    attachments_are_checked_and_served_only_to_readers,
    a_removed_attachment_is_gone_from_every_read_path,
    the_similar_cases_link_leads_somewhere_for_every_reader,
    the_councils_list_and_the_moderation_queue_are_paged,
    an_anonymised_case_never_reveals_its_council,
    withdrawing_and_republishing_follow_the_case,
    a_new_partnership_widens_the_audience,
    a_case_starts_from_an_ideas_draft,
);

const LEAD: &str = "innovation-lead@northmere.example";
const STAFF: &str = "staff@northmere.example";
const PARTNER_STAFF: &str = "staff@askevale.example";
const PARTNER_LEAD: &str = "innovation-lead@askevale.example";
const OTHER_STAFF: &str = "staff@eastbrook.example";
const SECTOR: &str = "sector.admin@beacon.example";

/// Words of a case's own text, so tests can look for them anywhere.
const OWN_TITLE: &str = "Zephyrine telecare trial in Northmere";
const OWN_SUMMARY: &str = "Quillbrook sensors were fitted in Northmere homes.";

fn case_fields<'a>(title: &'a str, summary: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("summary", summary),
        ("innovative", "Starting from what people can still do."),
        ("context", "Referrals rose while care workers fell."),
        ("partners", ""),
        ("users", ""),
        ("results", "Half needed less care after six months."),
        ("challenges", ""),
        ("conditions", ""),
        ("replication", ""),
        (
            "lessons",
            "Start with the families' questions, not the kit.",
        ),
        ("materials", ""),
        ("service_area", "adult_social_care"),
        ("facet", "enhancement_oriented"),
        ("stage", "evaluating"),
        ("year", "2025"),
        ("outcome", "stopped"),
        ("evidence", "2"),
        ("cost", "12,000"),
        ("cashable", ""),
        ("non_cashable", ""),
        ("social_value", "3,500.50"),
        ("funder", "Ageing Well Fund"),
        ("funding_programme", "Small grants"),
        ("funding_amount", "5,000"),
        ("funding_awarded-day", "3"),
        ("funding_awarded-month", "4"),
        ("funding_awarded-year", "2024"),
        ("tags", "Telecare, Falls"),
    ]
}

fn id_after(location: &str, prefix: &str) -> Uuid {
    let rest = location
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{location} does not start with {prefix}"));
    rest.split(['?', '/']).next().unwrap().parse().unwrap()
}

async fn write_case(app: &TestApp, title: &str, summary: &str) -> Uuid {
    let lead = app.signed_in(LEAD).await;
    let reply = lead
        .post("/exchange/cases/new", &case_fields(title, summary))
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    id_after(reply.location().unwrap(), "/exchange/cases/")
}

async fn case_row(app: &TestApp, id: Uuid) -> case_study::Model {
    let org = org_id(app, "northmere").await;
    db_cases::case(app.db().conn(), org, id).await.unwrap()
}

async fn publication(app: &TestApp, case: Uuid) -> Option<case_publication::Model> {
    beacon_db::exchange::cases::publication_of(app.db().conn(), case)
        .await
        .unwrap()
}

async fn publish(app: &TestApp, case: Uuid, level: &str, name: &str) -> reqwest::StatusCode {
    let lead = app.signed_in(LEAD).await;
    let version = case_row(app, case).await.version.to_string();
    lead.post(
        &format!("/exchange/cases/{case}/publish"),
        &[("version", &version), ("level", level), ("name", name)],
    )
    .await
    .status
}

async fn case_count(app: &TestApp) -> usize {
    let org = org_id(app, "northmere").await;
    db_cases::mine(app.db().conn(), org, true)
        .await
        .unwrap()
        .len()
}

async fn changes_for(app: &TestApp, id: Uuid) -> usize {
    search_log::changes_after(app.db().conn(), 0, 1_000_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|(_, t)| matches!(t, Target::Case(x) | Target::Publication(x) if *x == id))
        .count()
}

async fn a_case_is_written_published_and_read_by_partners_only(app: TestApp) -> TestApp {
    let before = audit_count(&app).await;
    let case = write_case(&app, OWN_TITLE, OWN_SUMMARY).await;
    let row = case_row(&app, case).await;
    assert_eq!(row.status, "draft");
    assert_eq!(row.level, "internal");
    assert_eq!(row.social_value_pence, 350_050);
    assert_eq!(row.funding_amount_pence, Some(500_000));
    assert!(audit_count(&app).await > before, "the creation is audited");
    assert!(changes_for(&app, case).await >= 1, "the search log follows");
    let tags = beacon_db::exchange::cases::tags(app.db().conn(), case)
        .await
        .unwrap();
    assert_eq!(tags, vec!["falls", "telecare"]);

    // A draft: the lead reads it, other staff of the council do not.
    let lead = app.signed_in(LEAD).await;
    let page = lead.get(&format!("/exchange/cases/{case}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(OWN_TITLE));
    assert!(page.body.contains("£3,500.50"));
    let staff = app.signed_in(STAFF).await;
    assert_eq!(
        staff.get(&format!("/exchange/cases/{case}")).await.status,
        StatusCode::NOT_FOUND
    );
    let mine = lead.get("/exchange/mine").await;
    assert!(mine.body.contains(OWN_TITLE));

    // Published to partners: a publication with the partners as audience.
    assert_eq!(
        publish(&app, case, "partners", "named").await,
        StatusCode::SEE_OTHER
    );
    let p = publication(&app, case).await.expect("a publication");
    assert_eq!(p.level, "partners");
    assert!(!p.anonymous);
    assert_eq!(p.council_name.as_deref(), Some("Northmere Borough Council"));
    assert!(changes_for(&app, p.id).await >= 1);
    let own = staff.get(&format!("/exchange/cases/{case}")).await;
    assert_eq!(
        own.status,
        StatusCode::OK,
        "the council's staff read it now"
    );
    // Its own people asking for the publication are sent to the case.
    let via = staff.get(&format!("/exchange/cases/{}", p.id)).await;
    assert_eq!(via.status, StatusCode::SEE_OTHER);
    assert_eq!(
        via.location(),
        Some(format!("/exchange/cases/{case}").as_str())
    );

    let partner = app.signed_in(PARTNER_STAFF).await;
    let read = partner.get(&format!("/exchange/cases/{}", p.id)).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(read.body.contains(OWN_TITLE));
    assert!(read.body.contains("Northmere Borough Council"));
    for link in ["adopt", "questions", "visits/new", "similar"] {
        assert!(
            read.body
                .contains(&format!("/exchange/cases/{}/{link}", p.id)),
            "{link}"
        );
    }
    assert!(
        !read.body.contains("/edit"),
        "no owner's links for a partner"
    );
    // The partner cannot read the case by the case's own id.
    assert_eq!(
        partner.get(&format!("/exchange/cases/{case}")).await.status,
        StatusCode::NOT_FOUND
    );
    // Not a partner, and the public: not found.
    let other = app.signed_in(OTHER_STAFF).await;
    assert_eq!(
        other.get(&format!("/exchange/cases/{}", p.id)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.browser()
            .get(&format!("/exchange/cases/{}", p.id))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Public: everyone reads it.
    assert_eq!(
        publish(&app, case, "public", "named").await,
        StatusCode::SEE_OTHER
    );
    let p2 = publication(&app, case).await.unwrap();
    assert_eq!(p2.id, p.id, "republishing keeps the publication's id");
    let public = app
        .browser()
        .get(&format!("/exchange/cases/{}", p.id))
        .await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.body.contains(OWN_TITLE));
    assert!(
        !public.body.contains("/exchange/cases/{}/adopt"),
        "no member links"
    );
    assert_eq!(
        other.get(&format!("/exchange/cases/{}", p.id)).await.status,
        StatusCode::OK
    );

    // Back to internal: the publication goes.
    assert_eq!(
        publish(&app, case, "internal", "named").await,
        StatusCode::SEE_OTHER
    );
    assert!(publication(&app, case).await.is_none());
    assert_eq!(
        app.browser()
            .get(&format!("/exchange/cases/{}", p.id))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(case_row(&app, case).await.status, "published");
    app
}

async fn every_refusal_by_role_and_another_council_gets_404(app: TestApp) -> TestApp {
    let case = write_case(&app, OWN_TITLE, OWN_SUMMARY).await;
    let before = audit_count(&app).await;
    let staff = app.signed_in(STAFF).await;
    for path in [
        "/exchange/cases/new".to_owned(),
        "/exchange/mine".to_owned(),
        format!("/exchange/cases/{case}/edit"),
        format!("/exchange/cases/{case}/publish"),
        format!("/exchange/cases/{case}/anonymised"),
        format!("/exchange/cases/{case}/attachments"),
    ] {
        assert_eq!(
            staff.get(&path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let reply = staff
        .post(
            &format!("/exchange/cases/{case}/publish"),
            &[("version", "1"), ("level", "public"), ("name", "named")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let reply = staff
        .post(
            &format!("/exchange/cases/{case}/withdraw"),
            &[("version", "1")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(
        staff.get("/sector/moderation").await.status,
        StatusCode::FORBIDDEN
    );
    let lead = app.signed_in(LEAD).await;
    assert_eq!(
        lead.get("/sector/moderation").await.status,
        StatusCode::FORBIDDEN
    );

    // Another council's innovation lead: every route is "not found".
    let intruder = app.signed_in(PARTNER_LEAD).await;
    for path in ["", "/edit", "/publish", "/anonymised", "/attachments"] {
        let reply = intruder.get(&format!("/exchange/cases/{case}{path}")).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!reply.body.contains(OWN_TITLE));
    }
    let mut fields = case_fields("Taken over", "Taken over");
    fields.push(("version", "1"));
    let reply = intruder
        .post(&format!("/exchange/cases/{case}/edit"), &fields)
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let reply = intruder
        .post(
            &format!("/exchange/cases/{case}/publish"),
            &[("version", "1"), ("level", "public"), ("name", "named")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let reply = intruder
        .post(
            &format!("/exchange/cases/{case}/withdraw"),
            &[("version", "1")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(audit_count(&app).await, before, "nothing changed");
    let row = case_row(&app, case).await;
    assert_eq!(row.title, OWN_TITLE);
    assert_eq!(row.status, "draft");
    assert_eq!(row.version, 1);
    app
}

async fn bad_input_gets_an_error_summary_and_changes_nothing(app: TestApp) -> TestApp {
    let lead = app.signed_in(LEAD).await;
    let before = (case_count(&app).await, audit_count(&app).await);
    let mut fields = case_fields("", OWN_SUMMARY);
    fields.retain(|(k, _)| *k != "tags" && *k != "year" && *k != "cost");
    fields.push(("tags", "<script>alert(1)</script>"));
    fields.push(("year", "1800"));
    fields.push(("cost", "twelve"));
    let reply = lead.post("/exchange/cases/new", &fields).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.has_error_summary());
    let errors = reply.texts(".govuk-error-summary__list a");
    assert!(errors.iter().any(|e| e == "Enter a title"), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("Tags can only contain")));
    assert!(errors.iter().any(|e| e.contains("from 2000")));
    assert!(errors.iter().any(|e| e.contains("in pounds")), "{errors:?}");
    assert!(!reply.body.contains("<script>alert"), "escaped");
    assert!(reply.body.contains(OWN_SUMMARY), "what was typed is kept");
    assert_eq!(
        (case_count(&app).await, audit_count(&app).await),
        before,
        "nothing was written"
    );
    // An unknown field is a bad request.
    let mut tampered = case_fields(OWN_TITLE, OWN_SUMMARY);
    tampered.push(("organisation_id", "x"));
    assert_eq!(
        lead.post("/exchange/cases/new", &tampered).await.status,
        StatusCode::BAD_REQUEST
    );

    // Publishing needs the story: a case without its lessons is refused.
    let case = write_case(&app, OWN_TITLE, OWN_SUMMARY).await;
    let mut fields = case_fields(OWN_TITLE, OWN_SUMMARY);
    fields.retain(|(k, _)| *k != "lessons");
    fields.push(("lessons", ""));
    fields.push(("version", "1"));
    let saved = lead
        .post(&format!("/exchange/cases/{case}/edit"), &fields)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let audits = audit_count(&app).await;
    let reply = lead
        .post(
            &format!("/exchange/cases/{case}/publish"),
            &[("version", "2"), ("level", "public"), ("name", "named")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.has_error_summary());
    assert!(
        reply
            .body
            .contains("Write “Lessons learned” before you publish")
    );
    let reply = lead
        .post(
            &format!("/exchange/cases/{case}/publish"),
            &[("version", "2"), ("level", "secret"), ("name", "")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.has_error_summary());
    assert_eq!(audit_count(&app).await, audits);
    assert!(publication(&app, case).await.is_none());
    assert_eq!(case_row(&app, case).await.status, "draft");
    app
}

async fn a_stale_edit_is_a_conflict_and_changes_nothing(app: TestApp) -> TestApp {
    let case = write_case(&app, OWN_TITLE, OWN_SUMMARY).await;
    let lead = app.signed_in(LEAD).await;
    let mut first = case_fields("First edit", OWN_SUMMARY);
    first.push(("version", "1"));
    let reply = lead
        .post(&format!("/exchange/cases/{case}/edit"), &first)
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let audits = audit_count(&app).await;
    let mut second = case_fields("Second edit from an old page", OWN_SUMMARY);
    second.push(("version", "1"));
    let reply = lead
        .post(&format!("/exchange/cases/{case}/edit"), &second)
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(reply.has_error_summary());
    assert!(
        reply.body.contains("Second edit from an old page"),
        "their text is given back"
    );
    let row = case_row(&app, case).await;
    assert_eq!(row.title, "First edit");
    assert_eq!(row.version, 2);
    assert_eq!(audit_count(&app).await, audits);
    // A stale publish and withdraw are conflicts too.
    let reply = lead
        .post(
            &format!("/exchange/cases/{case}/publish"),
            &[("version", "1"), ("level", "public"), ("name", "named")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(publication(&app, case).await.is_none());
    assert_eq!(audit_count(&app).await, audits);
    app
}

/// Upload a file through the attachment form, as a browser would.
async fn upload(
    app: &TestApp,
    b: &Browser,
    case: Uuid,
    name: &str,
    bytes: &[u8],
    shared: bool,
) -> Reply {
    let token = b.token().await;
    let boundary = "----beacon-case-boundary-4c1d";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(b"\r\n");
    if shared {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"shared\"\r\n\r\nyes\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let cookies = b
        .cookies
        .lock()
        .unwrap()
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .post(format!("{}/exchange/cases/{case}/attachments", app.base))
        .header("cookie", cookies)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap();
    Reply {
        status,
        headers,
        body,
    }
}

async fn attachment_ids(app: &TestApp, case: Uuid) -> Vec<(Uuid, String, bool)> {
    let org = org_id(app, "northmere").await;
    beacon_db::exchange::cases::attachments(app.db().conn(), org, case)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.id, a.file_name, a.shared))
        .collect()
}

async fn attachments_are_checked_and_served_only_to_readers(app: TestApp) -> TestApp {
    let case = write_case(&app, OWN_TITLE, OWN_SUMMARY).await;
    let lead = app.signed_in(LEAD).await;
    let pdf = b"%PDF-1.7\n% evaluation report\n";
    let reply = upload(&app, &lead, case, "Evaluation \"report\".pdf", pdf, true).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let reply = upload(&app, &lead, case, "notes.txt", b"internal notes", false).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let audits = audit_count(&app).await;
    // Refused: a type off the list, bytes that do not match, nothing at all.
    let reply = upload(&app, &lead, case, "page.html", b"<html></html>", true).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.has_error_summary());
    let reply = upload(&app, &lead, case, "fake.pdf", b"MZ\x90\x00", true).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.has_error_summary());
    let staff = app.signed_in(STAFF).await;
    let reply = upload(&app, &staff, case, "notes.txt", b"x", false).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(audit_count(&app).await, audits);
    let files = attachment_ids(&app, case).await;
    assert_eq!(files.len(), 2);
    let (pdf_id, pdf_name, _) = files.iter().find(|f| f.2).unwrap().clone();
    assert_eq!(pdf_name, "Evaluation _report_.pdf");
    let (txt_id, _, _) = files.iter().find(|f| !f.2).unwrap().clone();

    // The lead gets both, as attachments that are never cached or sniffed.
    let got = lead
        .get(&format!("/exchange/cases/{case}/attachments/{pdf_id}"))
        .await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.headers["content-type"], "application/pdf");
    assert_eq!(got.headers["cache-control"], "no-store");
    assert_eq!(got.headers["x-content-type-options"], "nosniff");
    let disposition = got.headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(got.body.starts_with("%PDF-"));
    assert_eq!(
        lead.get(&format!("/exchange/cases/{case}/attachments/{txt_id}"))
            .await
            .status,
        StatusCode::OK
    );

    // Published to partners: the partner gets the shared file only, through
    // the publication; others get nothing.
    assert_eq!(
        publish(&app, case, "partners", "named").await,
        StatusCode::SEE_OTHER
    );
    let p = publication(&app, case).await.unwrap();
    let partner = app.signed_in(PARTNER_STAFF).await;
    let page = partner.get(&format!("/exchange/cases/{}", p.id)).await;
    assert!(page.body.contains("Evaluation _report_.pdf"));
    assert!(!page.body.contains("notes.txt"));
    let shared = partner
        .get(&format!("/exchange/cases/{}/attachments/{pdf_id}", p.id))
        .await;
    assert_eq!(shared.status, StatusCode::OK);
    assert_eq!(shared.headers["cache-control"], "no-store");
    for path in [
        format!("/exchange/cases/{}/attachments/{txt_id}", p.id),
        format!("/exchange/cases/{case}/attachments/{pdf_id}"),
    ] {
        assert_eq!(
            partner.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let other = app.signed_in(OTHER_STAFF).await;
    let public = app.browser();
    for b in [&other, &public] {
        assert_eq!(
            b.get(&format!("/exchange/cases/{}/attachments/{pdf_id}", p.id))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
    // The council's own staff get the shared file, not the private one.
    assert_eq!(
        staff
            .get(&format!("/exchange/cases/{case}/attachments/{pdf_id}"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        staff
            .get(&format!("/exchange/cases/{case}/attachments/{txt_id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    app
}

async fn a_removed_attachment_is_gone_from_every_read_path(app: TestApp) -> TestApp {
    let case = write_case(&app, OWN_TITLE, OWN_SUMMARY).await;
    let lead = app.signed_in(LEAD).await;
    let reply = upload(
        &app,
        &lead,
        case,
        "Toolkit.pdf",
        b"%PDF-1.7\n% toolkit\n",
        true,
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let reply = upload(&app, &lead, case, "kept.txt", b"kept notes", true).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        publish(&app, case, "partners", "named").await,
        StatusCode::SEE_OTHER
    );
    let p = publication(&app, case).await.unwrap();
    let files = attachment_ids(&app, case).await;
    let (toolkit, _, _) = files.iter().find(|f| f.1 == "Toolkit.pdf").unwrap().clone();
    let remove = format!("/exchange/cases/{case}/attachments/{toolkit}/remove");
    let partner = app.signed_in(PARTNER_STAFF).await;
    let shared_path = format!("/exchange/cases/{}/attachments/{toolkit}", p.id);
    assert_eq!(partner.get(&shared_path).await.status, StatusCode::OK);
    // The attachments page offers a removal form for each file.
    let page = lead
        .get(&format!("/exchange/cases/{case}/attachments"))
        .await;
    assert!(
        page.body.contains(&format!("action=\"{remove}\"")),
        "{}",
        page.body
    );

    // Refused, and nothing changes: another council's innovation lead (not
    // found), the council's own staff (not an innovation lead), no CSRF
    // token, a file id that is not one.
    let audits = audit_count(&app).await;
    let partner_lead = app.signed_in(PARTNER_LEAD).await;
    assert_eq!(
        partner_lead.post(&remove, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    let staff = app.signed_in(STAFF).await;
    assert_eq!(staff.post(&remove, &[]).await.status, StatusCode::FORBIDDEN);
    let no_token = lead
        .request(reqwest::Method::POST, &remove, Some(&[]), &[])
        .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    assert_eq!(
        lead.post(
            &format!("/exchange/cases/{case}/attachments/not-a-file/remove"),
            &[]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        lead.post(
            &format!(
                "/exchange/cases/{case}/attachments/{}/remove",
                Uuid::new_v4()
            ),
            &[]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(audit_count(&app).await, audits);
    assert_eq!(attachment_ids(&app, case).await.len(), 2);

    // The lead removes it: audited, and gone for every reader.
    let reply = lead.post(&remove, &[]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        reply.location(),
        Some(format!("/exchange/cases/{case}/attachments?notice=case_file_removed").as_str())
    );
    assert_eq!(audit_count(&app).await, audits + 1);
    let files = attachment_ids(&app, case).await;
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].1, "kept.txt");
    for (b, path) in [
        (
            &lead,
            format!("/exchange/cases/{case}/attachments/{toolkit}"),
        ),
        (
            &staff,
            format!("/exchange/cases/{case}/attachments/{toolkit}"),
        ),
        (&partner, shared_path.clone()),
        (&app.browser(), shared_path.clone()),
    ] {
        assert_eq!(b.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    for (b, page) in [
        (&lead, format!("/exchange/cases/{case}")),
        (&lead, format!("/exchange/cases/{case}/attachments")),
        (&partner, format!("/exchange/cases/{}", p.id)),
    ] {
        let body = b.get(&page).await.body;
        assert!(!body.contains("Toolkit.pdf"), "{page}");
        assert!(body.contains("kept.txt"), "{page}");
    }
    // Removing it again finds nothing, and records nothing.
    assert_eq!(lead.post(&remove, &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(audit_count(&app).await, audits + 1);
    app
}

/// Wait until the server's search index has applied every change so far.
async fn settle_index(app: &TestApp) {
    let latest = search_log::latest(app.db().conn()).await.unwrap();
    for _ in 0..150 {
        if app.state.search.seq().is_some_and(|s| s >= latest) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the index did not reach change {latest} within 15 seconds");
}

/// The "Similar cases" link of a case page, if it has one.
fn similar_link(reply: &Reply) -> Option<String> {
    let html = reply.html();
    let selector = scraper::Selector::parse("a[href$='/similar']").unwrap();
    html.select(&selector)
        .next()
        .and_then(|a| a.value().attr("href"))
        .map(str::to_owned)
}

async fn the_similar_cases_link_leads_somewhere_for_every_reader(app: TestApp) -> TestApp {
    let case = write_case(&app, OWN_TITLE, OWN_SUMMARY).await;
    let lead = app.signed_in(LEAD).await;
    // A draft is in no index: its page offers no similar cases.
    let page = lead.get(&format!("/exchange/cases/{case}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(similar_link(&page), None, "{}", page.body);

    assert_eq!(
        publish(&app, case, "partners", "named").await,
        StatusCode::SEE_OTHER
    );
    settle_index(&app).await;
    let p = publication(&app, case).await.unwrap();
    let staff = app.signed_in(STAFF).await;
    let partner = app.signed_in(PARTNER_STAFF).await;
    // The council's own people read the case by its own id; the partner
    // reads the publication. Each link it is offered answers.
    for (who, b, page, expected) in [
        ("lead", &lead, case, case),
        ("staff", &staff, case, case),
        ("partner", &partner, p.id, p.id),
    ] {
        let reply = b.get(&format!("/exchange/cases/{page}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{who}");
        let href = similar_link(&reply).unwrap_or_else(|| panic!("{who}: no link"));
        assert_eq!(href, format!("/exchange/cases/{expected}/similar"), "{who}");
        let similar = b.get(&href).await;
        assert_eq!(similar.status, StatusCode::OK, "{who}: {href}");
        assert!(similar.body.contains(OWN_TITLE), "{who}");
    }

    // Withdrawn, it leaves the index, and the link goes with it.
    let version = case_row(&app, case).await.version.to_string();
    let reply = lead
        .post(
            &format!("/exchange/cases/{case}/withdraw"),
            &[("version", &version)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    settle_index(&app).await;
    let page = lead.get(&format!("/exchange/cases/{case}")).await;
    assert_eq!(similar_link(&page), None);
    app
}

/// The titles a list page's table links to, and where its "next" and
/// "previous" links go.
fn listed(reply: &Reply) -> (Vec<String>, Option<String>, Option<String>) {
    let html = reply.html();
    let link = |css: &str| {
        let selector = scraper::Selector::parse(css).unwrap();
        html.select(&selector)
            .next()
            .and_then(|a| a.value().attr("href"))
            .map(str::to_owned)
    };
    (
        reply.texts("table.govuk-table td a.govuk-link"),
        link("nav.govuk-pagination .govuk-pagination__next a"),
        link("nav.govuk-pagination .govuk-pagination__prev a"),
    )
}

/// A list at `path` is paged 20 to a page: `count` rows in all, each on one
/// page; a bad page number is the first page, one past the end the last.
async fn assert_paged(b: &Browser, path: &str, count: usize) -> (Vec<String>, Vec<String>) {
    let first = b.get(path).await;
    assert_eq!(first.status, StatusCode::OK, "{path}");
    let (page_1, next, previous) = listed(&first);
    assert_eq!(page_1.len(), 20, "{path}");
    assert_eq!(previous, None, "{path}");
    assert_eq!(next.as_deref(), Some(format!("{path}?page=2").as_str()));
    let second = b.get(&format!("{path}?page=2")).await;
    assert_eq!(second.status, StatusCode::OK, "{path}");
    let (page_2, next, previous) = listed(&second);
    assert_eq!(page_2.len(), count - 20, "{path}");
    assert_eq!(next, None, "{path}");
    assert_eq!(previous.as_deref(), Some(path));
    assert!(
        page_2.iter().all(|t| !page_1.contains(t)),
        "{path}: pages overlap"
    );
    for bad in ["0", "-1", "two", "1e3", ""] {
        let reply = b.get(&format!("{path}?page={bad}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}?page={bad}");
        assert_eq!(listed(&reply).0, page_1, "{path}?page={bad}");
    }
    let past = b.get(&format!("{path}?page=99999999999")).await;
    assert_eq!(past.status, StatusCode::OK);
    assert_eq!(listed(&past).0, page_2, "{path}: past the end");
    (page_1, page_2)
}

async fn the_councils_list_and_the_moderation_queue_are_paged(app: TestApp) -> TestApp {
    clear_demo_exchange(&app).await;
    let lead = app.signed_in(LEAD).await;
    let mut cases = Vec::new();
    for n in 1..=21 {
        let title = format!("Paged case {n:02}");
        let reply = lead
            .post("/exchange/cases/new", &case_fields(&title, OWN_SUMMARY))
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        cases.push(id_after(reply.location().unwrap(), "/exchange/cases/"));
    }
    let (page_1, page_2) = assert_paged(&lead, "/exchange/mine", 21).await;
    // Newest change first.
    assert_eq!(page_1[0], "Paged case 21");
    assert_eq!(page_2, vec!["Paged case 01".to_owned()]);
    // Another council's list holds none of them.
    let partner_lead = app.signed_in(PARTNER_LEAD).await;
    let theirs = partner_lead.get("/exchange/mine").await;
    assert!(
        listed(&theirs)
            .0
            .iter()
            .all(|t| !t.starts_with("Paged case"))
    );

    for (n, case) in cases.iter().enumerate() {
        write_anonymised(&lead, *case, &format!("Anonymised {:02}", n + 1)).await;
    }
    let sector = app.signed_in(SECTOR).await;
    // Decided texts come after every waiting one, across pages.
    let reply = sector
        .post(
            &format!("/sector/moderation/{}", cases[20]),
            &[("decision", "approve"), ("note", "")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let (page_1, page_2) = assert_paged(&sector, "/sector/moderation", 21).await;
    assert_eq!(page_1[0], "Anonymised 20");
    assert_eq!(page_2, vec!["Anonymised 21".to_owned()]);
    // Still the sector's alone, on every page.
    assert_eq!(
        lead.get("/sector/moderation?page=2").await.status,
        StatusCode::FORBIDDEN
    );
    app
}

/// The lead writes the case's anonymised version, titled `title`, for the
/// sector to moderate.
async fn write_anonymised(lead: &Browser, case: Uuid, title: &str) {
    let reply = lead
        .post(
            &format!("/exchange/cases/{case}/anonymised"),
            &[
                ("title", title),
                ("summary", "A council fitted sensors in homes."),
                ("innovative", ""),
                ("context", ""),
                ("partners", ""),
                ("users", ""),
                ("results", "Few families kept them."),
                ("challenges", ""),
                ("conditions", ""),
                ("replication", ""),
                ("lessons", "Ask families first."),
                ("materials", ""),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
}

async fn approve_anonymised(app: &TestApp, case: Uuid) {
    let lead = app.signed_in(LEAD).await;
    write_anonymised(&lead, case, "A telecare trial that stopped").await;
    let sector = app.signed_in(SECTOR).await;
    let reply = sector
        .post(
            &format!("/sector/moderation/{case}"),
            &[("decision", "approve"), ("note", "")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
}

async fn an_anonymised_case_never_reveals_its_council(app: TestApp) -> TestApp {
    let case = write_case(&app, OWN_TITLE, OWN_SUMMARY).await;
    let lead = app.signed_in(LEAD).await;
    let pdf = b"%PDF-1.7\n% Northmere report\n";
    upload(&app, &lead, case, "Northmere report.pdf", pdf, true).await;
    // Anonymised publication before any approved text is refused.
    assert_eq!(
        publish(&app, case, "public", "anonymised").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert!(publication(&app, case).await.is_none());
    // Text that names the council is refused before it reaches anyone.
    let mut named = vec![
        ("title", "A trial in Northmere"),
        ("summary", "Sensors were fitted."),
        ("results", "Few kept them."),
        ("lessons", "Ask first."),
    ];
    let reply = lead
        .post(&format!("/exchange/cases/{case}/anonymised"), &named)
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.has_error_summary());
    named[0] = ("title", "A telecare trial");
    let reply = lead
        .post(&format!("/exchange/cases/{case}/anonymised"), &named)
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    // The moderator sends it back with a note; the council reads the note.
    let sector = app.signed_in(SECTOR).await;
    let queue = sector.get("/sector/moderation").await;
    assert!(queue.body.contains("A telecare trial"));
    let reply = sector
        .post(
            &format!("/sector/moderation/{case}"),
            &[("decision", "refuse"), ("note", "")],
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a refusal needs a note"
    );
    let reply = sector
        .post(
            &format!("/sector/moderation/{case}"),
            &[
                ("decision", "refuse"),
                ("note", "The results name the ward."),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let again = sector
        .post(
            &format!("/sector/moderation/{case}"),
            &[("decision", "approve"), ("note", "")],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "already moderated");
    let page = lead
        .get(&format!("/exchange/cases/{case}/anonymised"))
        .await;
    assert!(page.body.contains("The results name the ward."));
    assert_eq!(
        publish(&app, case, "public", "anonymised").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    approve_anonymised(&app, case).await;
    assert_eq!(
        publish(&app, case, "partners", "anonymised").await,
        StatusCode::SEE_OTHER
    );
    let p = publication(&app, case).await.unwrap();
    assert!(p.anonymous);
    assert_eq!(p.organisation_id, None);
    assert_eq!(p.council_name, None);
    assert!(p.tags.is_empty());
    assert!(p.funder.is_empty());

    let forbidden = [
        "Northmere",
        "northmere",
        OWN_TITLE,
        OWN_SUMMARY,
        "Zephyrine",
        "Quillbrook",
        "Ageing Well Fund",
        "telecare, falls",
        "Northmere report.pdf",
        &case.to_string(),
    ];
    let check = |body: &str, who: &str| {
        for word in forbidden {
            assert!(!body.contains(word), "{who} sees {word}");
        }
    };
    let partner = app.signed_in(PARTNER_STAFF).await;
    let read = partner.get(&format!("/exchange/cases/{}", p.id)).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(read.body.contains("A telecare trial that stopped"));
    assert!(read.body.contains("An anonymised council"));
    check(&read.body, "a partner");
    let files = attachment_ids(&app, case).await;
    let (file, _, shared) = files[0].clone();
    assert!(shared);
    assert_eq!(
        partner
            .get(&format!("/exchange/cases/{}/attachments/{file}", p.id))
            .await
            .status,
        StatusCode::NOT_FOUND,
        "an anonymised publication carries no files"
    );
    // Eastbrook is not a partner.
    let other = app.signed_in(OTHER_STAFF).await;
    assert_eq!(
        other.get(&format!("/exchange/cases/{}", p.id)).await.status,
        StatusCode::NOT_FOUND
    );
    // Public, anonymised: the public reads it and nothing names the council.
    assert_eq!(
        publish(&app, case, "public", "anonymised").await,
        StatusCode::SEE_OTHER
    );
    for lang in ["en", "cy"] {
        let public = app
            .browser()
            .get(&format!("/exchange/cases/{}?lang={lang}", p.id))
            .await;
        assert_eq!(public.status, StatusCode::OK);
        check(&public.body, "the public");
    }
    // Editing the case changes the metadata but never the anonymised text.
    let mut fields = case_fields("Zephyrine edited in Northmere", OWN_SUMMARY);
    let version = case_row(&app, case).await.version.to_string();
    fields.push(("version", &version));
    let reply = lead
        .post(&format!("/exchange/cases/{case}/edit"), &fields)
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let public = app
        .browser()
        .get(&format!("/exchange/cases/{}", p.id))
        .await;
    check(&public.body, "the public after an edit");
    assert!(public.body.contains("A telecare trial that stopped"));
    // The demo's anonymised cases, too.
    let mut demo: Vec<case_publication::Model> = Vec::new();
    for slug in ["northmere", "aske-vale", "eastbrook"] {
        let org = org_id(&app, slug).await;
        for c in db_cases::mine(app.db().conn(), org, false).await.unwrap() {
            if c.anonymous
                && let Some(p) = publication(&app, c.id).await
                && c.title != "Zephyrine edited in Northmere"
            {
                demo.push(p);
            }
        }
    }
    assert!(demo.len() >= 3, "each demo council shares a failure");
    for d in demo {
        let body = app
            .browser()
            .get(&format!("/exchange/cases/{}", d.id))
            .await
            .body;
        for word in ["Northmere", "Aske Vale", "Eastbrook"] {
            assert!(!body.contains(word), "demo anonymised case names {word}");
        }
    }
    app
}

async fn withdrawing_and_republishing_follow_the_case(app: TestApp) -> TestApp {
    let case = write_case(&app, OWN_TITLE, OWN_SUMMARY).await;
    assert_eq!(
        publish(&app, case, "public", "named").await,
        StatusCode::SEE_OTHER
    );
    let p = publication(&app, case).await.unwrap();
    // An edit of a published case reaches its readers at once.
    let lead = app.signed_in(LEAD).await;
    let mut fields = case_fields("A better title", OWN_SUMMARY);
    let version = case_row(&app, case).await.version.to_string();
    fields.push(("version", &version));
    let reply = lead
        .post(&format!("/exchange/cases/{case}/edit"), &fields)
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let public = app
        .browser()
        .get(&format!("/exchange/cases/{}", p.id))
        .await;
    assert!(public.body.contains("A better title"));
    assert!(!public.body.contains(OWN_TITLE));
    // Withdrawn: nobody outside reads it; the council still has it.
    let version = case_row(&app, case).await.version.to_string();
    let reply = lead
        .post(
            &format!("/exchange/cases/{case}/withdraw"),
            &[("version", &version)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(publication(&app, case).await.is_none());
    assert_eq!(case_row(&app, case).await.status, "withdrawn");
    assert_eq!(
        app.browser()
            .get(&format!("/exchange/cases/{}", p.id))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let staff = app.signed_in(STAFF).await;
    assert_eq!(
        staff.get(&format!("/exchange/cases/{case}")).await.status,
        StatusCode::NOT_FOUND,
        "a withdrawn case is for the innovation leads"
    );
    assert_eq!(
        lead.get(&format!("/exchange/cases/{case}")).await.status,
        StatusCode::OK
    );
    assert!(
        changes_for(&app, p.id).await >= 3,
        "publish, edit, withdraw"
    );
    app
}

async fn a_new_partnership_widens_the_audience(app: TestApp) -> TestApp {
    let case = write_case(&app, OWN_TITLE, OWN_SUMMARY).await;
    assert_eq!(
        publish(&app, case, "partners", "named").await,
        StatusCode::SEE_OTHER
    );
    let p = publication(&app, case).await.unwrap();
    let other = app.signed_in(OTHER_STAFF).await;
    assert_eq!(
        other.get(&format!("/exchange/cases/{}", p.id)).await.status,
        StatusCode::NOT_FOUND
    );
    let northmere = org_id(&app, "northmere").await;
    let eastbrook = org_id(&app, "eastbrook").await;
    let name = beacon_core::organisation::PartnershipName::parse("North and East Waste").unwrap();
    beacon_db::organisations::create_partnership(
        app.db().conn(),
        &beacon_db::audit::Actor::system("test"),
        time::OffsetDateTime::now_utc(),
        &name,
        &[northmere, eastbrook],
    )
    .await
    .unwrap();
    let read = other.get(&format!("/exchange/cases/{}", p.id)).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(read.body.contains(OWN_TITLE));
    app
}

async fn a_case_starts_from_an_ideas_draft(app: TestApp) -> TestApp {
    let northmere = org_id(&app, "northmere").await;
    let conn = app.db().conn();
    let filter = beacon_db::ideas::IdeaFilter {
        stage: None,
        kind: None,
        challenge: None,
        search: None,
        audiences: beacon_core::pipeline::Audience::ALL.to_vec(),
        include_hidden: true,
    };
    let ideas = beacon_db::ideas::list(conn, northmere, &filter, 1, 10_000)
        .await
        .unwrap()
        .ideas;
    let mut found = None;
    for idea in ideas {
        if let Some(d) = beacon_db::delivery::case_study_draft(conn, northmere, idea.id)
            .await
            .unwrap()
        {
            found = Some(d);
            break;
        }
    }
    let draft = found.expect("the demo drafts a case study from an evaluation");
    let draft_idea = draft.idea;
    let lead = app.signed_in(LEAD).await;
    let link = lead.get(&format!("/ideas/{}/case-study", draft_idea)).await;
    assert!(
        link.body
            .contains(&format!("/exchange/cases/new?idea={}", draft_idea)),
        "the draft page links here"
    );
    let form = lead
        .get(&format!("/exchange/cases/new?idea={}", draft_idea))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(&draft.title));
    let idea = draft_idea.to_string();
    let mut fields = case_fields(&draft.title, &draft.summary);
    fields.push(("idea", &idea));
    let reply = lead.post("/exchange/cases/new", &fields).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let case = id_after(reply.location().unwrap(), "/exchange/cases/");
    assert_eq!(case_row(&app, case).await.idea_id, Some(draft_idea));
    // Another council's idea is not found.
    let other = app.signed_in(PARTNER_LEAD).await;
    assert_eq!(
        other
            .get(&format!("/exchange/cases/new?idea={}", draft_idea))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    app
}
