//! The portfolio: who sees it, counts that match the ideas (hidden and merged
//! ones left out), filters allow-listed, the target set and checked, charts
//! with their tables, and a CSV that spreadsheets cannot be tricked by.
use crate::helpers::*;
use beacon_core::permission::Capability;
use beacon_core::pipeline::{Facet, IdeaKind, Lever};
use beacon_db::ConnectionTrait;
use beacon_db::audit::Actor;
use beacon_db::ideas::NewIdea;
use beacon_web::routes::Access;
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use uuid::Uuid;

/// This feature's rows of the role × route × organisation matrix.
pub fn access(method: &str, path: &str) -> Option<Access> {
    use Access::*;
    Some(match (method, path) {
        ("GET", "/portfolio" | "/portfolio.csv") => Can(Capability::ViewPortfolio),
        ("POST", "/portfolio/target") => Can(Capability::RunPipeline),
        _ => return None,
    })
}

both_databases!(
    councillors_panel_and_the_innovation_lead_see_the_portfolio_others_do_not,
    counts_match_the_ideas_and_leave_out_hidden_and_merged_ones,
    the_target_is_set_checked_and_compared,
    filters_are_allow_listed,
    the_csv_is_quoted_and_safe_from_formulas,
    charts_are_named_images_with_tables_beside_them,
    another_council_sees_only_its_own_portfolio,
    figures_follow_a_move,
);

const LEAD: &str = "innovation-lead@northmere.example";

struct Seed {
    title: &'static str,
    service_area: &'static str,
    kind: IdeaKind,
    facet: Facet,
    lever: Lever,
}

const SEEDS: [Seed; 5] = [
    Seed {
        title: "Anchor idea",
        service_area: "Portfolio Test Area",
        kind: IdeaKind::Incremental,
        facet: Facet::EnhancementOriented,
        lever: Lever::NewInsight,
    },
    Seed {
        title: "Second incremental",
        service_area: "Portfolio Test Area",
        kind: IdeaKind::Incremental,
        facet: Facet::Adaptive,
        lever: Lever::NewInsight,
    },
    Seed {
        title: "A radical one",
        service_area: "Another Test Area",
        kind: IdeaKind::Radical,
        facet: Facet::MissionOriented,
        lever: Lever::NewSuppliers,
    },
    Seed {
        title: "Hidden idea",
        service_area: "Portfolio Test Area",
        kind: IdeaKind::Radical,
        facet: Facet::Anticipatory,
        lever: Lever::NewResources,
    },
    Seed {
        title: "Merged idea",
        service_area: "Portfolio Test Area",
        kind: IdeaKind::Radical,
        facet: Facet::Anticipatory,
        lever: Lever::NewResources,
    },
];

/// Seed ideas in a council under a challenge of their own (whose id is the
/// first idea's), hide one and merge another; the challenge's id.
async fn seed(app: &TestApp, slug: &str, prefix: &str) -> Uuid {
    let org = org_id(app, slug).await;
    let author = person_id(app, &format!("staff@{}.example", slug.replace('-', ""))).await;
    let conn = app.db().conn();
    let now = app.state.clock.now();
    let mut first = None;
    for s in &SEEDS {
        let id = beacon_db::ideas::create(
            conn,
            now,
            &Actor::system("test"),
            org,
            NewIdea {
                challenge: None,
                author,
                pseudonym: None,
                title: format!("{prefix}{}", s.title),
                problem: "A problem".into(),
                proposal: "A proposal".into(),
                service_area: s.service_area.into(),
                measure_today: String::new(),
                measure_aspiration: String::new(),
                expected_benefit: String::new(),
                kind: s.kind,
                facet: s.facet,
                lever: s.lever,
            },
        )
        .await
        .unwrap();
        first.get_or_insert(id);
    }
    // Plain SQL that reads the same on SQLite and PostgreSQL: the challenge
    // borrows the first idea's id and organisation.
    let anchor = format!("{prefix}Anchor idea");
    conn.execute_unprepared(&format!(
        "INSERT INTO challenges (id, organisation_id, question, description, audience, opens_on, \
         closes_on, innovation, pot_pence, allocated_pence, created_by, created_at) \
         SELECT id, organisation_id, '{prefix}How might we test the portfolio?', '', 'staff', \
         '{year}-01-01', '{year}-12-31', true, 1000000, 250000, author_id, created_at \
         FROM ideas WHERE title = '{anchor}'",
        year = now.year()
    ))
    .await
    .unwrap();
    let titles: Vec<String> = SEEDS
        .iter()
        .map(|s| format!("'{prefix}{}'", s.title))
        .collect();
    conn.execute_unprepared(&format!(
        "UPDATE ideas SET challenge_id = (SELECT id FROM ideas WHERE title = '{anchor}') \
         WHERE title IN ({})",
        titles.join(", ")
    ))
    .await
    .unwrap();
    conn.execute_unprepared(&format!(
        "UPDATE ideas SET hidden = true WHERE title = '{prefix}Hidden idea'"
    ))
    .await
    .unwrap();
    conn.execute_unprepared(&format!(
        "UPDATE ideas SET merged_into = challenge_id WHERE title = '{prefix}Merged idea'"
    ))
    .await
    .unwrap();
    first.unwrap()
}

/// The rows of the table with this caption, as (row header, cells).
fn table(reply: &Reply, caption: &str) -> Vec<(String, Vec<String>)> {
    let html = reply.html();
    let tables = scraper::Selector::parse("table").unwrap();
    let cap = scraper::Selector::parse("caption").unwrap();
    let rows = scraper::Selector::parse("tbody tr").unwrap();
    let th = scraper::Selector::parse("th").unwrap();
    let td = scraper::Selector::parse("td").unwrap();
    let text = |e: scraper::ElementRef| e.text().collect::<String>().trim().to_owned();
    let found = html
        .select(&tables)
        .find(|t| t.select(&cap).next().map(text).as_deref() == Some(caption))
        .unwrap_or_else(|| panic!("no table captioned {caption}"));
    found
        .select(&rows)
        .map(|r| {
            (
                r.select(&th).next().map(text).unwrap_or_default(),
                r.select(&td).map(text).collect(),
            )
        })
        .collect()
}

fn count_in(rows: &[(String, Vec<String>)], label: &str) -> Option<String> {
    rows.iter()
        .find(|(l, _)| l == label)
        .map(|(_, cells)| cells[0].clone())
}

async fn councillors_panel_and_the_innovation_lead_see_the_portfolio_others_do_not(
    app: TestApp,
) -> TestApp {
    for role in ["councillor", "panel", "innovation-lead"] {
        let b = app.signed_in(&format!("{role}@northmere.example")).await;
        let page = b.get("/portfolio").await;
        assert_eq!(page.status, StatusCode::OK, "{role}");
        let has_form = !page.texts("form[action='/portfolio/target']").is_empty();
        assert_eq!(
            has_form,
            role == "innovation-lead",
            "{role} and the target form"
        );
        assert_eq!(
            b.get("/portfolio.csv").await.status,
            StatusCode::OK,
            "{role}"
        );
    }
    for role in ["staff", "resident", "manager", "hr", "partner", "admin"] {
        let b = app.signed_in(&format!("{role}@northmere.example")).await;
        assert_eq!(
            b.get("/portfolio").await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
        assert_eq!(
            b.get("/portfolio.csv").await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
        assert_eq!(
            b.post("/portfolio/target", &[("radical_percent", "50")])
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
    }
    let councillor = app.signed_in("councillor@northmere.example").await;
    assert_eq!(
        councillor
            .post("/portfolio/target", &[("radical_percent", "50")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.browser().get("/portfolio").await.status,
        StatusCode::SEE_OTHER
    );
    app
}

async fn counts_match_the_ideas_and_leave_out_hidden_and_merged_ones(app: TestApp) -> TestApp {
    let challenge = seed(&app, "northmere", "").await;
    let lead = app.signed_in(LEAD).await;
    let page = lead.get(&format!("/portfolio?challenge={challenge}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("3 ideas match these filters"));
    let kinds = table(&page, "Ideas by kind");
    assert_eq!(count_in(&kinds, "Incremental").as_deref(), Some("2"));
    assert_eq!(count_in(&kinds, "Radical").as_deref(), Some("1"));
    let areas = table(&page, "Ideas by service area");
    assert_eq!(
        count_in(&areas, "Portfolio Test Area").as_deref(),
        Some("2")
    );
    assert_eq!(count_in(&areas, "Another Test Area").as_deref(), Some("1"));
    let facets = table(&page, "Ideas by type of innovation");
    assert_eq!(
        count_in(&facets, "Anticipatory").as_deref(),
        Some("0"),
        "hidden and merged ideas are not counted"
    );
    assert_eq!(count_in(&facets, "Mission-oriented").as_deref(), Some("1"));
    let stages = table(&page, "Ideas by stage");
    let submitted: u64 = stages
        .iter()
        .map(|(_, cells)| cells[0].parse::<u64>().unwrap())
        .sum();
    assert_eq!(submitted, 3);
    let levers = table(&page, "Ideas by lever");
    assert_eq!(count_in(&levers, "New insight").as_deref(), Some("2"));
    assert_eq!(count_in(&levers, "New resources").as_deref(), Some("0"));
    // One of three is radical: 33.3% against the demo target of 30%.
    assert!(
        page.body
            .contains("On target: 33.3% of ideas are radical, against a target of 30%")
    );
    // Funding used: the challenge's pot.
    let funding = table(&page, "Funding allocated from each challenge's pot");
    assert_eq!(funding.len(), 1);
    assert_eq!(funding[0].1, vec!["£10,000", "£2,500", "£7,500", "25%"]);
    // Unfiltered, the whole organisation is counted, still without them.
    let all = lead.get("/portfolio").await;
    let areas = table(&all, "Ideas by service area");
    assert_eq!(
        count_in(&areas, "Portfolio Test Area").as_deref(),
        Some("2")
    );
    app
}

async fn the_target_is_set_checked_and_compared(app: TestApp) -> TestApp {
    let challenge = seed(&app, "northmere", "").await;
    let lead = app.signed_in(LEAD).await;
    let org = org_id(&app, "northmere").await;
    let before = audit_count(&app).await;
    for (raw, message) in [
        ("", "Enter the target share"),
        ("101", "from 0% to 100%"),
        ("-1", "from 0% to 100%"),
        ("thirty", "whole number"),
        ("12.5", "whole number"),
    ] {
        let reply = lead
            .post("/portfolio/target", &[("radical_percent", raw)])
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{raw:?}");
        assert!(
            reply
                .texts(".govuk-error-summary")
                .join(" ")
                .contains(message),
            "{raw:?}"
        );
        assert!(reply.body.contains("href=\"#radical_percent\""));
    }
    assert_eq!(
        lead.post(
            "/portfolio/target",
            &[("radical_percent", "50"), ("organisation", "x")]
        )
        .await
        .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(audit_count(&app).await, before);
    assert_eq!(
        beacon_db::portfolio::target(app.db().conn(), org)
            .await
            .unwrap()
            .percent(),
        30,
        "the demo's target"
    );
    let saved = lead
        .post("/portfolio/target", &[("radical_percent", "60%")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(audit_count(&app).await, before + 1);
    assert_eq!(
        beacon_db::portfolio::target(app.db().conn(), org)
            .await
            .unwrap()
            .percent(),
        60
    );
    let page = lead
        .get(&format!(
            "/portfolio?challenge={challenge}&notice=target_saved"
        ))
        .await;
    assert!(page.body.contains("has been saved"));
    // 1 radical of 3 is below 60%: two more radical ideas make 3 of 5.
    assert!(
        page.body.contains("Below target: 33.3% of ideas are radical, against a target of 60%. 2 more radical ideas would meet it."),
        "{}",
        page.texts(".govuk-inset-text").join(" | ")
    );
    // Saving the same value again changes nothing.
    lead.post("/portfolio/target", &[("radical_percent", "60")])
        .await;
    assert_eq!(audit_count(&app).await, before + 1);
    // Another council's target is its own.
    let askevale = org_id(&app, "aske-vale").await;
    assert_eq!(
        beacon_db::portfolio::target(app.db().conn(), askevale)
            .await
            .unwrap()
            .percent(),
        25
    );
    app
}

async fn filters_are_allow_listed(app: TestApp) -> TestApp {
    let challenge = seed(&app, "northmere", "").await;
    let foreign = seed(&app, "aske-vale", "AV ").await;
    let lead = app.signed_in(LEAD).await;
    let year = app.state.clock.now().year();
    assert_eq!(
        lead.get(&format!("/portfolio?year={year}")).await.status,
        StatusCode::OK
    );
    for query in [
        "challenge=not-a-uuid".to_owned(),
        format!("challenge={foreign}"),
        format!("challenge={}", Uuid::new_v4()),
        "year=1999".to_owned(),
        "year=2026%27%20OR%201=1".to_owned(),
    ] {
        let reply = lead.get(&format!("/portfolio?{query}")).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert!(reply.has_error_summary(), "{query}");
        assert!(!reply.body.contains("AV How might we"), "{query}");
        assert_eq!(
            lead.get(&format!("/portfolio.csv?{query}")).await.status,
            StatusCode::BAD_REQUEST,
            "{query}"
        );
    }
    assert_eq!(
        lead.get("/portfolio?sort=title").await.status,
        StatusCode::BAD_REQUEST,
        "unknown parameters are refused"
    );
    let both = lead
        .get(&format!("/portfolio?challenge={challenge}&year={year}"))
        .await;
    assert_eq!(both.status, StatusCode::OK);
    assert!(both.body.contains("3 ideas match these filters"));
    let link = scraper::Selector::parse("a[download]").unwrap();
    let href = both
        .html()
        .select(&link)
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_owned));
    assert_eq!(
        href,
        Some(format!("/portfolio.csv?challenge={challenge}&year={year}")),
        "the download keeps the filters"
    );
    app
}

async fn the_csv_is_quoted_and_safe_from_formulas(app: TestApp) -> TestApp {
    let challenge = seed(&app, "northmere", "").await;
    let org = org_id(&app, "northmere").await;
    let author = person_id(&app, "staff@northmere.example").await;
    beacon_db::ideas::create(
        app.db().conn(),
        app.state.clock.now(),
        &Actor::system("test"),
        org,
        NewIdea {
            challenge: Some(challenge),
            author,
            pseudonym: None,
            title: "=HYPERLINK(\"http://evil.example\",\"Click\")".into(),
            problem: "p".into(),
            proposal: "p".into(),
            service_area: "Roads, paths and \"bridges\"".into(),
            measure_today: String::new(),
            measure_aspiration: String::new(),
            expected_benefit: String::new(),
            kind: IdeaKind::Radical,
            facet: Facet::Adaptive,
            lever: Lever::NewCustomers,
        },
    )
    .await
    .unwrap();
    let panel = app.signed_in("panel@northmere.example").await;
    let reply = panel
        .get(&format!("/portfolio.csv?challenge={challenge}"))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let header = |name| {
        reply
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    assert!(header(CONTENT_TYPE).starts_with("text/csv"));
    assert!(header(CONTENT_DISPOSITION).starts_with("attachment; filename=\"portfolio-northmere-"));
    assert!(header(CACHE_CONTROL).contains("no-store"));
    let body = reply.body.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = body.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines.len(),
        1 + 4,
        "a header and the four visible ideas: {lines:?}"
    );
    assert!(lines[0].starts_with("Idea id,Title,Stage,Service area,Kind"));
    assert!(
        body.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"Click\"\")\""),
        "the formula is quoted text: {body}"
    );
    assert!(body.contains("\"Roads, paths and \"\"bridges\"\"\""));
    assert!(!body.contains("Hidden idea") && !body.contains("Merged idea"));
    assert!(body.contains("Anchor idea,Submitted,Portfolio Test Area,Incremental,Enhancement-oriented,New insight,How might we test the portfolio?"));
    // Every record has the same number of fields.
    let fields = |l: &str| {
        let mut n = 1;
        let mut quoted = false;
        for c in l.chars() {
            match c {
                '"' => quoted = !quoted,
                ',' if !quoted => n += 1,
                _ => {}
            }
        }
        n
    };
    assert!(lines.iter().all(|l| fields(l) == 17), "{lines:?}");
    // In Welsh, the headings are Welsh.
    let welsh = panel
        .get(&format!("/portfolio.csv?challenge={challenge}&lang=cy"))
        .await;
    assert!(welsh.body.contains("Teitl,Cam,Maes gwasanaeth"));
    app
}

async fn charts_are_named_images_with_tables_beside_them(app: TestApp) -> TestApp {
    seed(&app, "northmere", "").await;
    let councillor = app.signed_in("councillor@northmere.example").await;
    let page = councillor.get("/portfolio").await;
    let html = page.html();
    let svg = scraper::Selector::parse("svg").unwrap();
    let charts: Vec<_> = html.select(&svg).collect();
    assert!(
        charts.len() >= 5,
        "balance, stage, service area, facet, lever"
    );
    for chart in &charts {
        assert_eq!(chart.value().attr("role"), Some("img"));
        let labelled = chart.value().attr("aria-labelledby").unwrap();
        for id in labelled.split_whitespace() {
            let target = scraper::Selector::parse(&format!("#{id}")).unwrap();
            let named = html.select(&target).next().expect("the chart names exist");
            assert!(!named.text().collect::<String>().trim().is_empty());
        }
        // Beside it, in the same row, a table with a caption.
        let row = chart
            .ancestors()
            .filter_map(scraper::ElementRef::wrap)
            .find(|e| e.value().classes().any(|c| c == "govuk-grid-row"))
            .expect("the chart sits in a grid row");
        let caption = scraper::Selector::parse("table caption").unwrap();
        assert!(
            row.select(&caption).next().is_some(),
            "a table beside the chart"
        );
    }
    let headers = scraper::Selector::parse("main th[scope]").unwrap();
    assert!(html.select(&headers).count() > 10, "headers are scoped");
    app
}

async fn another_council_sees_only_its_own_portfolio(app: TestApp) -> TestApp {
    seed(&app, "northmere", "NM ").await;
    let intruder = app.signed_in("innovation-lead@askevale.example").await;
    let page = intruder.get("/portfolio").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Portfolio Test Area"));
    assert!(!page.body.contains("NM How might we"));
    let csv = intruder.get("/portfolio.csv").await;
    assert!(!csv.body.contains("NM "));
    assert!(!csv.body.contains("Portfolio Test Area"));
    app
}

async fn figures_follow_a_move(app: TestApp) -> TestApp {
    let challenge = seed(&app, "northmere", "Move test: ").await;
    let org = org_id(&app, "northmere").await;
    let conn = app.db().conn();
    let filter = beacon_db::portfolio::Filter {
        challenge: Some(challenge),
        year: None,
    };
    let stage_count =
        |counts: &beacon_db::portfolio::Counts, stage: &str| count_of(&counts.by_stage, stage);
    let before = beacon_db::portfolio::counts(conn, org, filter)
        .await
        .unwrap();
    assert_eq!(before.total, 3, "hidden and merged ideas are left out");
    assert_eq!(stage_count(&before, "submitted"), 3);
    beacon_db::ideas::move_stage(
        conn,
        app.state.clock.now(),
        &Actor::system("test"),
        org,
        challenge,
        "submitted",
        "screened",
        "",
    )
    .await
    .unwrap();
    let after = beacon_db::portfolio::counts(conn, org, filter)
        .await
        .unwrap();
    assert_eq!(after.total, 3);
    assert_eq!(stage_count(&after, "submitted"), 2);
    assert_eq!(stage_count(&after, "screened"), 1);
    assert_eq!(after.by_kind, before.by_kind, "a move changes no kind");
    // The page counts the same ideas (the anchor idea is also the challenge).
    let lead = app.signed_in(LEAD).await;
    let page = lead.get(&format!("/portfolio?challenge={challenge}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("3 ideas match these filters"),
        "{}",
        page.body
    );
    app
}

fn count_of(rows: &[(String, u64)], key: &str) -> u64 {
    rows.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n)
}
