//! Demo data for facilitated sessions and the portfolio: in each council, a
//! possibility-thinking session held last week (three rounds of ways from
//! several people, one way promoted to an idea) and a portfolio target; in
//! Northmere, a cultural enquiry running now, its second round open.
use crate::demo::DemoOrg;
use beacon_core::Role;
use beacon_core::pipeline::portfolio::RadicalTarget;
use beacon_core::pipeline::{Facet, IdeaKind, Lever};
use beacon_db::DatabaseTransaction;
use beacon_db::audit::Actor;
use beacon_db::ideas::NewIdea;
use beacon_db::ideation::{self, NewSession, Question, RoundMinutes, Template, Title, WayText};
use beacon_db::portfolio;
use time::{Duration, OffsetDateTime};

/// One council's past session: its question, three rounds of ways, and the
/// way that became an idea.
struct PastSession {
    title: &'static str,
    question: &'static str,
    rounds: [&'static [&'static str]; 3],
    /// Round and position of the promoted way, and the idea it became.
    promoted: (usize, usize),
    idea: IdeaSeed,
}

struct IdeaSeed {
    title: &'static str,
    problem: &'static str,
    service_area: &'static str,
    kind: IdeaKind,
    facet: Facet,
    lever: Lever,
}

const PAST: [PastSession; 3] = [
    PastSession {
        title: "Fewer missed bin collections",
        question: "How might we make sure no household's bin is missed two weeks running?",
        rounds: [
            &[
                "Let residents report a missed bin online with a photo, straight to the crew's tablet",
                "Put a tag on bins we could not reach, saying why and when we will come back",
                "Give crews a live map of reported misses so they can go back the same day",
                "Text a reminder the evening before collection",
                "Keep the same crew on a street every week so they learn its quirks",
            ],
            &[
                "Agree a shared collection point with residents of hard-to-reach lanes",
                "Track repeat misses by address and phone the household",
                "Share parking data with highways to keep lanes clear on collection day",
            ],
            &[
                "Street champions who flag problems before collection day",
                "Smaller vehicles for narrow streets, bought jointly with Aske Vale",
            ],
        ],
        promoted: (0, 0),
        idea: IdeaSeed {
            title: "Report a missed bin online, straight to the crew",
            problem: "Missed bins are reported by phone, reach crews a day or two later, and the same households are missed again.",
            service_area: "Waste and recycling",
            kind: IdeaKind::Incremental,
            facet: Facet::EnhancementOriented,
            lever: Lever::NewInsight,
        },
    },
    PastSession {
        title: "Reaching lonely older residents",
        question: "How might we find and support older residents who are lonely before they reach a crisis?",
        rounds: [
            &[
                "Train refuse crews and meter readers to notice and pass on signs that someone is struggling",
                "Library volunteers who make a weekly phone call",
                "Lunch clubs in village halls that stand empty on weekdays",
                "Ask GP practices to share, with consent, who has stopped coming in",
            ],
            &[
                "Pair older residents with students who need affordable lodging",
                "One phone number for any worry about a neighbour",
                "Social prescribing link workers based in the council's hubs",
            ],
            &[
                "Community transport booked through the same app as the bus",
                "Small befriending grants run by parish councils",
            ],
        ],
        promoted: (0, 0),
        idea: IdeaSeed {
            title: "Front-line crews as the community's eyes",
            problem: "Lonely older residents are often found only when they reach a crisis, although council staff pass their doors every week.",
            service_area: "Adult social care",
            kind: IdeaKind::Radical,
            facet: Facet::MissionOriented,
            lever: Lever::NewSuppliers,
        },
    },
    PastSession {
        title: "Faster housing repairs",
        question: "How might we cut the time families wait for a housing repair?",
        rounds: [
            &[
                "Let tenants book a repair slot online, like a GP appointment",
                "Stock every van with the twenty most-used parts",
                "A video call first, so the right trade turns up the first time",
                "Fix small faults on the same visit without raising a new job",
            ],
            &[
                "Train and pay tenants to do minor repairs in their own block",
                "Share a repairs team with the neighbouring housing association",
                "Damp sensors that warn us before tenants have to call",
            ],
            &[
                "Publish waiting times by estate every week",
                "Apprentices from the estates join the repairs team",
            ],
        ],
        promoted: (0, 2),
        idea: IdeaSeed {
            title: "Video triage before a repair visit",
            problem: "A third of repair visits need a second trip because the wrong trade or part arrives.",
            service_area: "Housing",
            kind: IdeaKind::Incremental,
            facet: Facet::EnhancementOriented,
            lever: Lever::NewInsight,
        },
    },
];

/// Who adds the ways, in turn: several people from across the council.
const AUTHORS: [Role; 6] = [
    Role::Staff,
    Role::Manager,
    Role::Resident,
    Role::Hr,
    Role::Partner,
    Role::Councillor,
];

/// Each council's target share of radical ideas.
const TARGETS: [u8; 3] = [30, 25, 35];

fn parse<T>(r: Result<T, beacon_core::text::TextError>) -> anyhow::Result<T> {
    r.map_err(|e| anyhow::anyhow!("demo text: {e}"))
}

pub async fn seed(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    council: &DemoOrg,
) -> anyhow::Result<()> {
    let actor = Actor::system("demo");
    let org = council.org;
    let target = RadicalTarget::new(TARGETS[council.index % TARGETS.len()])
        .ok_or_else(|| anyhow::anyhow!("demo target"))?;
    portfolio::set_target(txn, now, &actor, org, target).await?;

    let facilitator = council.person(Role::InnovationLead)?;
    let past = &PAST[council.index % PAST.len()];
    let started = now - Duration::days(7);
    let session = ideation::create(
        txn,
        started,
        &actor,
        org,
        NewSession {
            template: Template::PossibilityThinking,
            title: parse(Title::parse(past.title))?,
            question: parse(Question::parse(past.question))?,
            facilitator,
        },
    )
    .await?;
    let minutes = RoundMinutes::new(10).ok_or_else(|| anyhow::anyhow!("demo minutes"))?;
    let mut promoted = None;
    let mut author = 0usize;
    for (r, ways) in past.rounds.iter().enumerate() {
        let opened = started + Duration::minutes(5 + 12 * i64::try_from(r)?);
        ideation::open_round(txn, opened, &actor, org, session, minutes, None, None)
            .await
            .map_err(|e| anyhow::anyhow!("demo round: {e}"))?;
        for (w, text) in ways.iter().enumerate() {
            let person = council.person(AUTHORS[author % AUTHORS.len()])?;
            author += 1;
            let at = opened + Duration::seconds(40 * (1 + i64::try_from(w)?));
            let id = ideation::add_way(
                txn,
                at,
                &actor,
                org,
                session,
                person,
                parse(WayText::parse(text))?,
            )
            .await
            .map_err(|e| anyhow::anyhow!("demo way: {e}"))?;
            if (r, w) == past.promoted {
                promoted = Some((id, person, *text));
            }
        }
    }
    let closed = started + Duration::minutes(45);
    ideation::close(txn, closed, &actor, org, session)
        .await
        .map_err(|e| anyhow::anyhow!("demo close: {e}"))?;
    if let Some((way, author, text)) = promoted {
        let seed = &past.idea;
        ideation::promote(
            txn,
            closed + Duration::minutes(20),
            &actor,
            org,
            session,
            way,
            NewIdea {
                challenge: None,
                author,
                pseudonym: None,
                title: seed.title.to_owned(),
                problem: seed.problem.to_owned(),
                proposal: text.to_owned(),
                service_area: seed.service_area.to_owned(),
                measure_today: String::new(),
                measure_aspiration: String::new(),
                expected_benefit: String::new(),
                kind: seed.kind,
                facet: seed.facet,
                lever: seed.lever,
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo promotion: {e}"))?;
    }

    if council.index == 0 {
        running_enquiry(txn, now, &actor, council).await?;
    }
    Ok(())
}

type RoundSeed = (i64, u8, &'static [(Role, &'static str)]);

/// A cultural enquiry under way: today's culture done, what to keep open now.
async fn running_enquiry(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    actor: &Actor,
    council: &DemoOrg,
) -> anyhow::Result<()> {
    let org = council.org;
    let started = now - Duration::minutes(30);
    let session = ideation::create(
        txn,
        started,
        actor,
        org,
        NewSession {
            template: Template::CulturalEnquiry,
            title: parse(Title::parse("How we work together"))?,
            question: parse(Question::parse(
                "What is it like to work at Northmere today, and what should it become?",
            ))?,
            facilitator: council.person(Role::Manager)?,
        },
    )
    .await?;
    // Each round: how many minutes ago it opened, how long it lasts, its ways.
    let rounds: [RoundSeed; 2] = [
        (
            25,
            10,
            &[
                (
                    Role::Staff,
                    "Friendly within teams, but services rarely talk to each other",
                ),
                (
                    Role::Hr,
                    "People are afraid to suggest changes after the last restructure",
                ),
                (
                    Role::Partner,
                    "Decisions wait for sign-off from people who are never in the room",
                ),
            ],
        ),
        (
            5,
            60,
            &[
                (
                    Role::Staff,
                    "The way colleagues cover for each other when someone is ill",
                ),
                (
                    Role::Resident,
                    "Front-line staff who know residents by name",
                ),
            ],
        ),
    ];
    for (ago, minutes, ways) in rounds {
        let opened = now - Duration::minutes(ago);
        let minutes = RoundMinutes::new(minutes).ok_or_else(|| anyhow::anyhow!("demo minutes"))?;
        ideation::open_round(txn, opened, actor, org, session, minutes, None, None)
            .await
            .map_err(|e| anyhow::anyhow!("demo round: {e}"))?;
        for (i, (role, text)) in ways.iter().enumerate() {
            let at = opened + Duration::seconds(30 * (1 + i64::try_from(i)?));
            ideation::add_way(
                txn,
                at,
                actor,
                org,
                session,
                council.person(*role)?,
                parse(WayText::parse(text))?,
            )
            .await
            .map_err(|e| anyhow::anyhow!("demo way: {e}"))?;
        }
    }
    Ok(())
}
