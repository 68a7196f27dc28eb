//! Search: full text, facets, similar cases, relevance on a set of real queries, what each reader may find, and the rebuild.
//!
//! The cases are written here, as the cases part writes them (a case study,
//! its publication and audience, and the change log in one transaction), so
//! these tests depend on no seed.
use crate::helpers::*;
use beacon_core::exchange::{CaseStatus, Level};
use beacon_db::entity::{case_audience, case_publication, case_study, case_tag};
use beacon_db::exchange::search_log::{self, Target};
use beacon_web::routes::Access;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use std::collections::BTreeMap;
use uuid::Uuid;

/// This part's rows of the role × route × organisation matrix.
pub fn access(method: &str, path: &str) -> Option<Access> {
    match (method, path) {
        ("GET", "/exchange" | "/exchange/cases/{id}/similar") => Some(Access::Public),
        _ => None,
    }
}

both_databases!(
    real_queries_find_the_right_case_first,
    each_reader_finds_only_what_it_may_read,
    an_anonymised_case_never_shows_its_council,
    facets_count_filter_and_page,
    bad_filters_get_a_clear_message,
    an_edit_is_found_under_its_new_words,
    another_server_on_the_same_database_converges,
    the_rebuild_gives_the_same_index,
    similar_cases_stay_within_what_the_reader_may_read,
);

const NORTHMERE: &str = "staff@northmere.example";
const ASKE_VALE: &str = "staff@askevale.example";
const EASTBROOK: &str = "staff@eastbrook.example";

/// A case as a test writes it.
#[derive(Clone)]
struct Case {
    council: &'static str,
    level: Level,
    anonymous: bool,
    title: &'static str,
    summary: &'static str,
    /// What makes it innovative, then challenges and lessons.
    body: [&'static str; 3],
    tags: &'static [&'static str],
    area: &'static str,
    outcome: &'static str,
    year: i32,
}

impl Case {
    #[allow(clippy::too_many_arguments)]
    const fn public(
        council: &'static str,
        title: &'static str,
        summary: &'static str,
        body: [&'static str; 3],
        tags: &'static [&'static str],
        area: &'static str,
        outcome: &'static str,
        year: i32,
    ) -> Case {
        Case {
            council,
            level: Level::Public,
            anonymous: false,
            title,
            summary,
            body,
            tags,
            area,
            outcome,
            year,
        }
    }
}

struct Written {
    case: Uuid,
    publication: Option<Uuid>,
}

/// Write a published case (and its publication, unless internal) with the
/// change log, in one transaction.
async fn write(app: &TestApp, c: &Case) -> Written {
    let org = org_id(app, c.council).await;
    let org_name = beacon_db::organisations::by_id(app.db().conn(), org)
        .await
        .unwrap()
        .unwrap()
        .name;
    let now = time::OffsetDateTime::now_utc();
    let case = Uuid::new_v4();
    let txn = app.db().begin_writing().await.unwrap();
    let model = case_study::Model {
        id: case,
        organisation_id: org.uuid(),
        idea_id: None,
        title: c.title.into(),
        summary: c.summary.into(),
        innovative: c.body[0].into(),
        context: String::new(),
        partners: String::new(),
        users: String::new(),
        results: String::new(),
        challenges: c.body[1].into(),
        conditions: String::new(),
        replication: String::new(),
        lessons: c.body[2].into(),
        materials: String::new(),
        service_area: c.area.into(),
        facet: "enhancement_oriented".into(),
        stage: "implementing".into(),
        year: c.year,
        outcome: c.outcome.into(),
        evidence_level: 2,
        cashable_savings_pence: 0,
        non_cashable_savings_pence: 0,
        social_value_pence: 0,
        cost_pence: 0,
        funder: String::new(),
        funding_programme: String::new(),
        funding_amount_pence: None,
        funding_awarded_on: None,
        level: c.level.key().into(),
        anonymous: c.anonymous,
        status: CaseStatus::Published.key().into(),
        version: 1,
        created_by: None,
        created_at: now,
        updated_at: now,
        published_at: Some(now),
    };
    model
        .clone()
        .into_active_model()
        .reset_all()
        .insert(&txn)
        .await
        .unwrap();
    for tag in c.tags {
        case_tag::Model {
            case_id: case,
            tag: (*tag).into(),
        }
        .into_active_model()
        .reset_all()
        .insert(&txn)
        .await
        .unwrap();
    }
    search_log::changed(&txn, now, Target::Case(case))
        .await
        .unwrap();
    let publication = if c.level == Level::Internal {
        None
    } else {
        let id = Uuid::new_v4();
        let (organisation_id, council_name) = if c.anonymous {
            (None, None)
        } else {
            (Some(org.uuid()), Some(org_name))
        };
        case_publication::Model {
            id,
            case_id: Some(case),
            organisation_id,
            council_name,
            anonymous: c.anonymous,
            level: c.level.key().into(),
            remote_source_id: None,
            remote_id: None,
            source_url: None,
            title: model.title.clone(),
            summary: model.summary.clone(),
            innovative: model.innovative.clone(),
            context: String::new(),
            partners: String::new(),
            users: String::new(),
            results: String::new(),
            challenges: model.challenges.clone(),
            conditions: String::new(),
            replication: String::new(),
            lessons: model.lessons.clone(),
            materials: String::new(),
            service_area: model.service_area.clone(),
            facet: model.facet.clone(),
            stage: model.stage.clone(),
            year: model.year,
            outcome: model.outcome.clone(),
            evidence_level: model.evidence_level,
            cashable_savings_pence: 0,
            non_cashable_savings_pence: 0,
            social_value_pence: 0,
            cost_pence: 0,
            funder: String::new(),
            funding_programme: String::new(),
            funding_amount_pence: None,
            funding_awarded_on: None,
            tags: c.tags.join(", "),
            published_at: now,
            updated_at: now,
        }
        .into_active_model()
        .reset_all()
        .insert(&txn)
        .await
        .unwrap();
        if c.level == Level::Partners {
            for partner in beacon_db::organisations::partners_of(&txn, org)
                .await
                .unwrap()
            {
                case_audience::Model {
                    publication_id: id,
                    organisation_id: partner.uuid(),
                }
                .into_active_model()
                .reset_all()
                .insert(&txn)
                .await
                .unwrap();
            }
        }
        search_log::changed(&txn, now, Target::Publication(id))
            .await
            .unwrap();
        Some(id)
    };
    txn.commit().await.unwrap();
    Written { case, publication }
}

/// Wait until the server's index has applied every change written so far.
async fn settle(app: &TestApp) {
    let latest = search_log::latest(app.db().conn()).await.unwrap();
    for _ in 0..150 {
        if app.state.search.seq().is_some_and(|s| s >= latest) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the index did not reach change {latest} within 15 seconds");
}

const JOBS_MARKET: Case = Case::public(
    "aske-vale",
    "An internal jobs market for staff at risk of redundancy",
    "Vacancies are offered first to staff whose posts are deleted, matched on their strengths, with a four-week trial.",
    [
        "Managers see a shortlist of redeployees before any vacancy is advertised outside.",
        "Some managers preferred to advertise; the chief executive made the trial period the rule.",
        "Redeployment works when the trial is real and managers trust the match.",
    ],
    &["redeployment", "workforce", "jobs market"],
    "corporate_services",
    "adopted",
    2023,
);
const MARKET_AUDIT: Case = Case::public(
    "eastbrook",
    "Internal audit of market trading licences",
    "We audited how licences for market stalls are issued and found the internal controls weak.",
    [
        "An audit team worked with traders to map the licence process.",
        "Records were on paper and incomplete.",
        "Controls are better designed with the people who use them.",
    ],
    &["audit", "licensing"],
    "environmental_health",
    "adopted",
    2022,
);
const SHARED_HR: Case = Case::public(
    "aske-vale",
    "One HR service shared by three councils",
    "Three district councils merged their human resources teams into one shared HR service with a single payroll.",
    [
        "One team, one system and one set of policies for three employers.",
        "Harmonising terms and conditions took two years longer than planned.",
        "Agree the governance of a shared service before moving people.",
    ],
    &["shared services", "hr", "payroll"],
    "corporate_services",
    "adopted",
    2021,
);
const SHARED_WASTE: Case = Case::public(
    "eastbrook",
    "A shared waste collection fleet",
    "Two councils run one fleet of refuse lorries from a single depot, with routes planned across the boundary.",
    [
        "Routes ignore the boundary between the two councils.",
        "Different bin colours confused residents at first.",
        "Start with the depot and the routes, not the branding.",
    ],
    &["waste", "fleet"],
    "waste_and_recycling",
    "adopted",
    2024,
);
const HR_PORTAL: Case = Case::public(
    "eastbrook",
    "Self-service portal for payslips",
    "Staff read their payslips and change their bank details online, which cut calls to the payroll team by half.",
    [
        "A portal replaced paper payslips.",
        "Staff without a work computer needed kiosks in depots.",
        "Ask front-line staff how they will reach a portal before building one.",
    ],
    &["digital", "payroll"],
    "corporate_services",
    "partly",
    2024,
);
const CULTURE: Case = Case::public(
    "aske-vale",
    "Changing the culture of risk in adult social care",
    "Front-line social workers were trusted to make decisions up to a budget without a panel, as part of a culture change programme.",
    [
        "Decisions moved from panels to the practitioners who know the person.",
        "Managers found it hard to let go; spending did not rise as they feared.",
        "Culture changes when leaders show trust, not when they write about it.",
    ],
    &["culture", "trust", "social work"],
    "adult_social_care",
    "adopted",
    2022,
);
const RECRUITMENT: Case = Case::public(
    "eastbrook",
    "A recruitment partnership for care workers",
    "Five councils and local care providers recruit care workers together: one advert, one application and shared induction training.",
    [
        "Applicants apply once and are offered work by any partner.",
        "Providers worried about losing staff to each other.",
        "A partnership needs a neutral host for the shared advert.",
    ],
    &["recruitment", "partnership", "care workers"],
    "adult_social_care",
    "adopted",
    2023,
);
const TOTAL_PLACE: Case = Case::public(
    "aske-vale",
    "Total Place: pooling budgets around families",
    "After the Total Place pilots, the public bodies of the county pooled their budgets for families with many needs and gave them one key worker.",
    [
        "Every public pound spent in the place was counted before any was moved.",
        "Health partners could not pool budgets as quickly as the council.",
        "Counting the whole place first makes the case for pooling.",
    ],
    &["total place", "families", "pooled budgets"],
    "childrens_services",
    "adopted",
    2020,
);
const CHATBOT: Case = Case {
    council: "eastbrook",
    level: Level::Public,
    anonymous: true,
    title: "A council tax chatbot that residents did not use",
    summary: "A chatbot answered council tax questions on the website; few residents used it and it was switched off after a year.",
    body: [
        "Answers were drawn from the council tax system in real time.",
        "The chatbot failed because residents with council tax questions wanted a person, and it could not take payments.",
        "Test with residents before buying; a failure shared saves others the cost.",
    ],
    tags: &["digital", "failure", "council tax"],
    area: "revenues_and_benefits",
    outcome: "stopped",
    year: 2024,
};
const LOCKERS: Case = Case {
    council: "northmere",
    level: Level::Internal,
    anonymous: false,
    title: "Library lockers for evening collection",
    summary: "Reserved books wait in lockers outside the library, opened with a code, so people who work days can collect them.",
    body: [
        "Lockers outside the building open until late.",
        "The first lockers were too small for large-print books.",
        "Ask the people who will use a locker what they will put in it.",
    ],
    tags: &["libraries", "lockers"],
    area: "libraries_and_culture",
    outcome: "adopted",
    year: 2025,
};
const REABLEMENT: Case = Case {
    council: "northmere",
    level: Level::Partners,
    anonymous: false,
    title: "Reablement at home after hospital discharge",
    summary: "A reablement team visits on the day of discharge, so people regain their independence at home instead of in a care home.",
    body: [
        "Therapists and carers work as one team from the ward to the home.",
        "Discharges on Fridays left people without visits over the weekend.",
        "Reablement works best when it starts on the ward.",
    ],
    tags: &["reablement", "hospital discharge"],
    area: "adult_social_care",
    outcome: "adopted",
    year: 2025,
};
const RESTRUCTURE: Case = Case {
    council: "eastbrook",
    level: Level::Internal,
    anonymous: false,
    title: "A restructure of the planning service",
    summary: "Planning officers were organised by place instead of by application type.",
    body: [
        "Each officer now knows one area well.",
        "Caseloads were uneven between areas.",
        "Balance the areas by workload, not by size.",
    ],
    tags: &["planning", "restructure"],
    area: "planning",
    outcome: "partly",
    year: 2025,
};

const ALL: [&Case; 12] = [
    &JOBS_MARKET,
    &MARKET_AUDIT,
    &SHARED_HR,
    &SHARED_WASTE,
    &HR_PORTAL,
    &CULTURE,
    &RECRUITMENT,
    &TOTAL_PLACE,
    &CHATBOT,
    &LOCKERS,
    &REABLEMENT,
    &RESTRUCTURE,
];

async fn write_all(app: &TestApp) -> Vec<Written> {
    let mut out = Vec::new();
    for c in ALL {
        out.push(write(app, c).await);
    }
    settle(app).await;
    out
}

fn search_path(q: &str) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    s.append_pair("q", q);
    format!("/exchange?{}", s.finish())
}

/// The titles of the results on a search page, in order.
fn titles(reply: &Reply) -> Vec<String> {
    reply.texts("#result-list .beacon-result h3")
}

/// Titles written by these tests, so that cases other parts seed do not
/// change what is asserted.
const EXTRA: [&str; 2] = [
    "Street lighting dimmed after midnight",
    "Pothole reports with photographs",
];

fn mine(titles: Vec<String>) -> Vec<String> {
    titles
        .into_iter()
        .filter(|t| ALL.iter().any(|c| c.title == t) || EXTRA.contains(&t.as_str()))
        .collect()
}

/// The titles of this test's cases a search finds, in order.
async fn found(b: &Browser, q: &str) -> Vec<String> {
    let reply = b.get(&search_path(q)).await;
    assert_eq!(reply.status, StatusCode::OK, "{q}: {}", reply.body);
    mine(titles(&reply))
}

/// The counts beside a facet's checkboxes, by label.
fn facet(reply: &Reply, key: &str) -> BTreeMap<String, u64> {
    reply
        .texts(&format!("#filter-{key} label"))
        .into_iter()
        .filter_map(|label| {
            let (name, count) = label.rsplit_once(" (")?;
            Some((name.to_owned(), count.trim_end_matches(')').parse().ok()?))
        })
        .collect()
}

fn count_of(reply: &Reply) -> u64 {
    let text = &reply.texts("#count")[0];
    text.split_whitespace().next().unwrap().parse().unwrap()
}

fn delta(after: &BTreeMap<String, u64>, before: &BTreeMap<String, u64>, key: &str) -> u64 {
    after.get(key).copied().unwrap_or(0) - before.get(key).copied().unwrap_or(0)
}

async fn real_queries_find_the_right_case_first(app: TestApp) -> TestApp {
    write_all(&app).await;
    let public = app.browser();
    let expectations = [
        ("internal jobs market", JOBS_MARKET.title),
        ("shared HR service", SHARED_HR.title),
        ("culture change", CULTURE.title),
        ("recruitment partnership", RECRUITMENT.title),
        ("total place", TOTAL_PLACE.title),
        ("why did the chatbot fail", CHATBOT.title),
        ("failure council tax", CHATBOT.title),
        ("redeployment of staff at risk", JOBS_MARKET.title),
        ("payslips online", HR_PORTAL.title),
        ("pooled budgets for families", TOTAL_PLACE.title),
        ("refuse lorries across the boundary", SHARED_WASTE.title),
    ];
    let mut failures = Vec::new();
    for (q, expected) in expectations {
        let got = found(&public, q).await;
        if got.first().map(String::as_str) != Some(expected) {
            failures.push(format!("{q:?}: expected {expected:?} first, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The distractors that share words rank below.
    let got = found(&public, "internal jobs market").await;
    assert_eq!(got.first().map(String::as_str), Some(JOBS_MARKET.title));
    let got = found(&public, "shared HR service").await;
    assert_eq!(got.first().map(String::as_str), Some(SHARED_HR.title));
    // A word no case holds, alone, finds nothing and says so.
    let reply = public.get(&search_path("zeppelin")).await;
    assert!(titles(&reply).is_empty());
    assert_eq!(count_of(&reply), 0);
    // With one unknown word among known ones, cases with some of the words
    // are offered, and the page says so.
    let reply = public.get(&search_path("zeppelin chatbot")).await;
    assert!(mine(titles(&reply)).contains(&CHATBOT.title.to_owned()));
    assert_eq!(reply.texts("#some-words").len(), 1);
    // The words are highlighted in the snippet.
    let reply = public.get(&search_path("trusted practitioners")).await;
    assert!(reply.body.contains("<mark>"), "{}", reply.body);
    app
}

async fn each_reader_finds_only_what_it_may_read(app: TestApp) -> TestApp {
    let public = app.browser();
    let before = count_of(&public.get("/exchange").await);
    write_all(&app).await;
    let northmere = app.signed_in(NORTHMERE).await;
    let aske_vale = app.signed_in(ASKE_VALE).await;
    let eastbrook = app.signed_in(EASTBROOK).await;

    // Another council's internal case is never found.
    assert_eq!(
        found(&northmere, "library lockers").await,
        vec![LOCKERS.title]
    );
    for b in [&public, &aske_vale, &eastbrook] {
        assert!(found(b, "library lockers").await.is_empty());
    }
    assert_eq!(
        found(&eastbrook, "restructure planning").await,
        vec![RESTRUCTURE.title]
    );
    for b in [&public, &aske_vale, &northmere] {
        let got = found(b, "restructure planning").await;
        assert!(!got.contains(&RESTRUCTURE.title.to_owned()), "{got:?}");
    }
    // A partners-level case is found by the partner, not by Eastbrook or the public.
    assert_eq!(
        found(&aske_vale, "reablement").await,
        vec![REABLEMENT.title]
    );
    assert!(found(&eastbrook, "reablement").await.is_empty());
    assert!(found(&public, "reablement").await.is_empty());
    // Its own council finds it once: its own case, not also its publication.
    let reply = northmere
        .get(&search_path("reablement hospital discharge"))
        .await;
    let rows: Vec<String> = titles(&reply)
        .into_iter()
        .filter(|t| t == REABLEMENT.title)
        .collect();
    assert_eq!(rows.len(), 1);
    let councils = reply.texts(".beacon-result__council");
    let at = titles(&reply)
        .iter()
        .position(|t| t == REABLEMENT.title)
        .unwrap();
    assert!(councils[at].contains("your council"), "{councils:?}");
    // The public reads the nine public publications more than before.
    let after = count_of(&public.get("/exchange").await);
    assert_eq!(after - before, 9);
    // Filtering by a council whose cases the reader cannot read reveals nothing.
    let reply = public
        .get("/exchange?q=library+lockers&council=Northmere+Borough+Council")
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(mine(titles(&reply)).is_empty());
    app
}

async fn an_anonymised_case_never_shows_its_council(app: TestApp) -> TestApp {
    const EASTBROOK_NAME: &str = "Eastbrook City Council";
    let public = app.browser();
    let aske_vale = app.signed_in(ASKE_VALE).await;
    let northmere = app.signed_in(NORTHMERE).await;
    let eastbrook = app.signed_in(EASTBROOK).await;
    let query = search_path("council tax chatbot");
    let mut before = Vec::new();
    for b in [&public, &aske_vale, &northmere] {
        before.push(facet(&b.get(&query).await, "council"));
    }
    let written = write_all(&app).await;
    for (i, b) in [&public, &aske_vale, &northmere].into_iter().enumerate() {
        let reply = b.get(&query).await;
        let all = titles(&reply);
        let at = all.iter().position(|t| t == CHATBOT.title).expect("found");
        assert_eq!(
            reply.texts(".beacon-result__council")[at],
            "An anonymised council"
        );
        // Not in its result, its snippet or the council facet's counts.
        let item = &reply.texts("#result-list .beacon-result")[at];
        assert!(!item.contains("Eastbrook"), "{item}");
        assert_eq!(
            delta(&facet(&reply, "council"), &before[i], EASTBROOK_NAME),
            0
        );
        // Filtering by its council does not find it.
        let mut s = form_urlencoded::Serializer::new(String::new());
        s.append_pair("q", "council tax chatbot");
        s.append_pair("council", EASTBROOK_NAME);
        let reply = b.get(&format!("/exchange?{}", s.finish())).await;
        assert!(!titles(&reply).contains(&CHATBOT.title.to_owned()));
    }
    // The facets of a broad search count its council's named cases only.
    let reply = public.get("/exchange").await;
    assert!(
        facet(&reply, "council")
            .get(EASTBROOK_NAME)
            .is_some_and(|n| *n >= 4)
    );
    // Its own council reads it as its own case, once.
    let reply = eastbrook.get(&query).await;
    let all = titles(&reply);
    assert_eq!(all.iter().filter(|t| *t == CHATBOT.title).count(), 1);
    let at = all.iter().position(|t| t == CHATBOT.title).unwrap();
    assert!(reply.texts(".beacon-result__council")[at].contains("your council"));
    // Its similar cases page names no council for it either.
    let chatbot = written[8].publication.unwrap();
    let reply = public
        .get(&format!("/exchange/cases/{chatbot}/similar"))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let intro = &reply.texts("main p.govuk-body")[0];
    assert!(intro.contains("An anonymised council"), "{intro}");
    assert!(!intro.contains("Eastbrook"), "{intro}");
    app
}

async fn facets_count_filter_and_page(app: TestApp) -> TestApp {
    let public = app.browser();
    let before = public.get("/exchange").await;
    write_all(&app).await;
    let reply = public.get("/exchange").await;
    let (areas, areas_before) = (facet(&reply, "area"), facet(&before, "area"));
    assert_eq!(
        delta(&areas, &areas_before, "Adult social care"),
        2,
        "{areas:?}"
    );
    assert_eq!(
        delta(&areas, &areas_before, "Corporate services"),
        3,
        "{areas:?}"
    );
    let outcomes = facet(&reply, "outcome");
    assert_eq!(delta(&outcomes, &facet(&before, "outcome"), "Stopped"), 1);
    // Ticking an area narrows the results; the other areas keep their counts.
    let reply = public.get("/exchange?area=adult_social_care").await;
    let mut got = mine(titles(&reply));
    got.sort();
    assert_eq!(got, vec![RECRUITMENT.title, CULTURE.title]);
    assert_eq!(
        facet(&reply, "area").get("Corporate services"),
        areas.get("Corporate services")
    );
    let ticked = reply.html();
    let checked = scraper::Selector::parse("#filter-area input[checked]").unwrap();
    let values: Vec<&str> = ticked
        .select(&checked)
        .filter_map(|e| e.value().attr("value"))
        .collect();
    assert_eq!(values, vec!["adult_social_care"]);
    // Two areas: either; with an outcome too: both.
    let reply = public
        .get("/exchange?area=adult_social_care&area=corporate_services&outcome=partly")
        .await;
    assert_eq!(mine(titles(&reply)), vec![HR_PORTAL.title]);
    // Years, evidence, stage, facet and councils filter too.
    let reply = public.get("/exchange?year=2020").await;
    assert_eq!(mine(titles(&reply)), vec![TOTAL_PLACE.title]);
    let reply = public
        .get("/exchange?q=care&evidence=2&stage=implementing&facet=enhancement_oriented")
        .await;
    let mut got = mine(titles(&reply));
    got.sort();
    assert_eq!(got, vec![RECRUITMENT.title, CULTURE.title]);
    let reply = public
        .get("/exchange?q=shared&council=Aske+Vale+District+Council")
        .await;
    assert_eq!(mine(titles(&reply)), vec![SHARED_HR.title]);

    // Paging: 25 more public cases make two pages of 20.
    for _ in 0..25 {
        write(
            &app,
            &Case::public(
                "aske-vale",
                EXTRA[0],
                "Street lights dim after midnight on quiet roads, saving energy.",
                [
                    "Lights dim.",
                    "Residents asked why.",
                    "Tell residents first.",
                ],
                &["lighting"],
                "highways_and_transport",
                "adopted",
                2024,
            ),
        )
        .await;
    }
    settle(&app).await;
    let reply = public
        .get("/exchange?q=street+lighting+dimmed+midnight&year=2024&area=highways_and_transport")
        .await;
    assert_eq!(titles(&reply).len(), 20);
    assert!(count_of(&reply) >= 25);
    let next = reply
        .html()
        .select(&scraper::Selector::parse(".govuk-pagination__next a").unwrap())
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_owned))
        .unwrap();
    assert!(
        next.contains("area=highways_and_transport") && next.contains("page=2"),
        "{next}"
    );
    let reply = public.get(&next).await;
    assert_eq!(titles(&reply).len() as u64, count_of(&reply) - 20);
    assert_eq!(reply.texts(".govuk-pagination__prev").len(), 1);
    app
}

async fn bad_filters_get_a_clear_message(app: TestApp) -> TestApp {
    write_all(&app).await;
    let public = app.browser();
    for path in [
        "/exchange?sort=secret",
        "/exchange?area=nowhere",
        "/exchange?evidence=9",
        "/exchange?year=nineteen",
        "/exchange?page=0",
        "/exchange?page=abc",
        "/exchange?page=100000",
        "/exchange?area[]=housing",
        "/exchange?area=%27%3B%20DROP%20TABLE%20case_studies%3B--",
    ] {
        let reply = public.get(path).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(reply.has_error_summary(), "{path}: {}", reply.body);
    }
    // Text too long for a search.
    let reply = public.get(&search_path(&"a".repeat(201))).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.has_error_summary());
    // Hostile text is inert.
    let reply = public
        .get(&search_path("<script>alert(1)</script> chatbot"))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(!reply.body.contains("<script>alert(1)"));
    // Query syntax is not interpreted: field names and operators are words,
    // and cannot reach the fields that say who may read what.
    for q in [
        "vis:public",
        "owner:*",
        "kind:case OR vis:org",
        "projects:[a TO z]",
    ] {
        let reply = public.get(&search_path(q)).await;
        assert_eq!(reply.status, StatusCode::OK, "{q}");
    }
    // A council name with a slash or quotes is matched literally.
    let reply = public.get("/exchange?council=%2Fa%2Fb%22").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(titles(&reply).is_empty());
    app
}

async fn edit(app: &TestApp, written: &Written, summary: Option<&str>) {
    let now = time::OffsetDateTime::now_utc();
    let txn = app.db().begin_writing().await.unwrap();
    let mut case = case_study::Entity::find_by_id(written.case)
        .one(&txn)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    let publication = written.publication.unwrap();
    match summary {
        Some(summary) => {
            case.summary = Set(summary.into());
            let mut p = case_publication::Entity::find_by_id(publication)
                .one(&txn)
                .await
                .unwrap()
                .unwrap()
                .into_active_model();
            p.summary = Set(summary.into());
            p.update(&txn).await.unwrap();
        }
        // Withdrawn: the publication is deleted and the case no longer published.
        None => {
            case.status = Set(CaseStatus::Withdrawn.key().into());
            case_publication::Entity::delete_by_id(publication)
                .exec(&txn)
                .await
                .unwrap();
        }
    }
    case.update(&txn).await.unwrap();
    search_log::changed(&txn, now, Target::Case(written.case))
        .await
        .unwrap();
    search_log::changed(&txn, now, Target::Publication(publication))
        .await
        .unwrap();
    txn.commit().await.unwrap();
}

async fn an_edit_is_found_under_its_new_words(app: TestApp) -> TestApp {
    let written = write_all(&app).await;
    let public = app.browser();
    let askevale = app.signed_in(ASKE_VALE).await;
    assert!(found(&public, "secondments").await.is_empty());
    assert_eq!(found(&public, "strengths").await, vec![JOBS_MARKET.title]);
    // The council edits and republishes its jobs market case.
    edit(
        &app,
        &written[0],
        Some("Staff at risk take secondments into vacancies before they are advertised."),
    )
    .await;
    // Found within the index's polling, by its new words and not its old ones.
    let mut got = Vec::new();
    for _ in 0..100 {
        got = found(&public, "secondments").await;
        if !got.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(got, vec![JOBS_MARKET.title]);
    assert!(found(&public, "strengths").await.is_empty());
    assert_eq!(
        found(&askevale, "secondments").await,
        vec![JOBS_MARKET.title]
    );
    // Withdrawn, it is found by no one, its own council included.
    edit(&app, &written[0], None).await;
    settle(&app).await;
    assert!(found(&public, "secondments").await.is_empty());
    assert!(found(&askevale, "secondments").await.is_empty());
    app
}

async fn another_server_on_the_same_database_converges(app: TestApp) -> TestApp {
    write_all(&app).await;
    // A second server's index, built from the same database.
    let second = beacon_search::Index::in_memory();
    let mut follower = beacon_search::source::start(app.db().conn(), &second)
        .await
        .unwrap();
    let request = |text: &str| beacon_search::Request {
        text: text.into(),
        page: 1,
        per_page: 20,
        ..Default::default()
    };
    let titles_in =
        |found: beacon_search::Found| mine(found.hits.into_iter().map(|h| h.title).collect());
    assert_eq!(
        titles_in(
            second
                .search(None, &request("council tax chatbot"))
                .unwrap()
        ),
        vec![CHATBOT.title]
    );
    // What this server writes, the second finds after its next poll.
    write(
        &app,
        &Case::public(
            "eastbrook",
            EXTRA[1],
            "Residents report potholes with a photograph and a map pin.",
            ["Photos.", "Duplicates.", "Merge duplicates automatically."],
            &["highways"],
            "highways_and_transport",
            "adopted",
            2025,
        ),
    )
    .await;
    assert!(
        titles_in(
            second
                .search(None, &request("pothole photographs"))
                .unwrap()
        )
        .is_empty()
    );
    let applied = follower.poll(app.db().conn(), &second).await.unwrap();
    assert_eq!(applied, 2, "the case and its publication");
    assert_eq!(
        titles_in(
            second
                .search(None, &request("pothole photographs"))
                .unwrap()
        ),
        vec![EXTRA[1]]
    );
    // And this server's own index follows too.
    settle(&app).await;
    assert_eq!(
        found(&app.browser(), "pothole photographs").await,
        vec![EXTRA[1]]
    );
    app
}

async fn the_rebuild_gives_the_same_index(app: TestApp) -> TestApp {
    write_all(&app).await;
    let dir = std::env::temp_dir().join(format!("beacon-search-{}", Uuid::new_v4()));
    let (entries, seq) = beacon::search::rebuild(app.db(), &dir).await.unwrap();
    // Every published case, and every publication (all but the two internal
    // cases have one), whatever else is seeded.
    assert!(entries >= 22);
    assert_eq!(entries, app.state.search.len());
    assert_eq!(seq, search_log::latest(app.db().conn()).await.unwrap());
    let rebuilt = beacon_search::Index::open_dir(&dir).unwrap();
    assert_eq!(rebuilt.seq(), Some(seq));
    let aske = org_id(&app, "aske-vale").await.uuid();
    let east = org_id(&app, "eastbrook").await.uuid();
    for (org, text) in [
        (None, ""),
        (None, "shared service"),
        (Some(aske), "reablement"),
        (Some(aske), ""),
        (Some(east), "chatbot"),
    ] {
        let request = beacon_search::Request {
            text: text.into(),
            page: 1,
            per_page: 100,
            ..Default::default()
        };
        let a = rebuilt.search(org, &request).unwrap();
        let b = app.state.search.search(org, &request).unwrap();
        let ids = |f: &beacon_search::Found| {
            let mut v: Vec<Uuid> = f.hits.iter().map(|h| h.id).collect();
            v.sort();
            v
        };
        assert_eq!(ids(&a), ids(&b), "{text:?}");
        assert_eq!(a.total, b.total);
        assert_eq!(a.facets, b.facets);
    }
    drop(rebuilt);
    // Opening it again (as a server started with --search-index would)
    // finds it built, at the same change.
    let reopened = beacon_search::Index::open_dir(&dir).unwrap();
    assert_eq!(reopened.seq(), Some(seq));
    assert_eq!(reopened.len(), entries);
    drop(reopened);
    let _ = std::fs::remove_dir_all(&dir);
    app
}

async fn similar_cases_stay_within_what_the_reader_may_read(app: TestApp) -> TestApp {
    let written = write_all(&app).await;
    let public = app.browser();
    let aske_vale = app.signed_in(ASKE_VALE).await;
    let northmere = app.signed_in(NORTHMERE).await;
    // Similar to the shared HR service: the payroll portal shares its words.
    let hr = written[2].publication.unwrap();
    let reply = public.get(&format!("/exchange/cases/{hr}/similar")).await;
    assert_eq!(reply.status, StatusCode::OK);
    let got = titles(&reply);
    assert!(
        !got.contains(&SHARED_HR.title.to_owned()),
        "not similar to itself"
    );
    assert!(
        mine(got.clone()).contains(&HR_PORTAL.title.to_owned()),
        "{got:?}"
    );
    // The reablement case is offered as similar to its partner only.
    let culture = written[5].publication.unwrap();
    let partner = titles(
        &aske_vale
            .get(&format!("/exchange/cases/{culture}/similar"))
            .await,
    );
    let outsider = titles(
        &public
            .get(&format!("/exchange/cases/{culture}/similar"))
            .await,
    );
    assert!(
        !outsider.contains(&REABLEMENT.title.to_owned()),
        "{outsider:?}"
    );
    // Its owner reads it as its own case (by the case's id), not as a
    // publication; the partner reads the partners-level case's similar page.
    assert_eq!(
        aske_vale
            .get(&format!("/exchange/cases/{culture}/similar"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(partner.is_empty());
    let reablement = written[10].publication.unwrap();
    assert_eq!(
        aske_vale
            .get(&format!("/exchange/cases/{reablement}/similar"))
            .await
            .status,
        StatusCode::OK
    );
    // A case the reader may not read has no similar page: not found.
    let lockers = written[9].case;
    for b in [&public, &aske_vale] {
        assert_eq!(
            b.get(&format!("/exchange/cases/{lockers}/similar"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        northmere
            .get(&format!("/exchange/cases/{lockers}/similar"))
            .await
            .status,
        StatusCode::OK
    );
    let reablement = written[10].publication.unwrap();
    assert_eq!(
        public
            .get(&format!("/exchange/cases/{reablement}/similar"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        public
            .get("/exchange/cases/not-a-uuid/similar")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    app
}
