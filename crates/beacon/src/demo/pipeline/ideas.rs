//! Demo data for the pipeline's ideas part: for each council, three
//! challenges (one for everyone, an innovation challenge with a £250,000 pot
//! for staff, one closed for partners) and fifteen ideas by different people
//! at every stage, each with the history of how it got there.
//!
//! Later seeders find ideas by stage: at least one at `business_case`, two
//! at `decision` under the innovation challenge, one each at `pilot` and
//! `evaluation`, two adopted and one stopped (before its pilot, with its
//! lessons as the reason).
use crate::demo::DemoOrg;
use beacon_core::pipeline::stages::{
    ADOPTED, BUSINESS_CASE, DECISION, EVALUATION, PILOT, SCREENED, STOPPED, SUBMITTED,
};
use beacon_core::pipeline::{Audience, Facet, IdeaKind, Lever};
use beacon_core::{PersonId, Role};
use beacon_db::DatabaseTransaction;
use beacon_db::audit::Actor;
use beacon_db::challenges::{self, ChallengeInput, Criterion};
use beacon_db::ideas::{self, NewIdea};
use time::{Duration, OffsetDateTime};

/// One idea's words and classification.
pub(crate) struct Text {
    pub(crate) title: &'static str,
    pub(crate) problem: &'static str,
    pub(crate) proposal: &'static str,
    pub(crate) area: &'static str,
    pub(crate) today: &'static str,
    pub(crate) aspiration: &'static str,
    pub(crate) benefit: &'static str,
    pub(crate) kind: IdeaKind,
    pub(crate) facet: Facet,
    pub(crate) lever: Lever,
}

use Facet::*;
use IdeaKind::*;
use Lever::*;

pub(crate) const POOL: [Text; 16] = [
    Text {
        title: "Report potholes with a photo",
        problem: "Residents phone in potholes without being able to show how bad they are, so an inspector visits every report, and four in ten need no repair.",
        proposal: "Let people attach a photo and a map pin when they report. Inspectors triage from the office and visit only what needs a repair or is unclear.",
        area: "highways_and_transport",
        today: "1,900 inspections a year; 40% find nothing to repair",
        aspiration: "Fewer than 10% of inspections find nothing to repair",
        benefit: "About 700 fewer wasted visits a year, and repairs scheduled sooner.",
        kind: Incremental,
        facet: EnhancementOriented,
        lever: NewInsight,
    },
    Text {
        title: "Food waste caddies for flats",
        problem: "Blocks of flats have no food waste collection, so their recycling rate is half that of houses and food goes to landfill.",
        proposal: "Put shared food waste caddies in the bin stores of the 40 largest blocks, with a tenant champion in each to keep them clean.",
        area: "waste_and_recycling",
        today: "Flats recycle 18% of their waste",
        aspiration: "Flats recycle 30% of their waste within a year",
        benefit: "Lower landfill tax and a cleaner bin store for tenants.",
        kind: Incremental,
        facet: EnhancementOriented,
        lever: NewCustomers,
    },
    Text {
        title: "Library lockers for click and collect",
        problem: "Since opening hours were cut, people who work days cannot collect the books they reserve.",
        proposal: "Install reservation lockers in the entrance of three libraries, open from 7am to 10pm, filled by staff at the end of each day.",
        area: "libraries_and_culture",
        today: "Loans down 12% since hours were cut",
        aspiration: "Loans back to their level before the cut",
        benefit: "More reading for working people without longer staffed hours.",
        kind: Incremental,
        facet: Adaptive,
        lever: NewResources,
    },
    Text {
        title: "Text reminders before bin days change",
        problem: "Every change of collection day brings thousands of calls about missed bins that were simply put out on the wrong day.",
        proposal: "Offer text and email reminders the evening before a collection, and send everyone on a changed round a message a week before.",
        area: "waste_and_recycling",
        today: "2,300 missed-bin calls after each round change",
        aspiration: "Under 1,000 calls after a change",
        benefit: "Contact centre time saved and fewer bins left on pavements.",
        kind: Incremental,
        facet: EnhancementOriented,
        lever: NewInsight,
    },
    Text {
        title: "One front desk with the health centre",
        problem: "The council's customer centre and the health centre next door both pay for receptions that see the same people about connected problems.",
        proposal: "Run one shared front desk, staffed by both, that can book a GP appointment and a housing interview in the same visit.",
        area: "customer_services",
        today: "Two receptions, each open 40 hours a week",
        aspiration: "One reception open 50 hours a week",
        benefit: "Lower running costs and fewer wasted journeys for residents.",
        kind: Radical,
        facet: MissionOriented,
        lever: NewSuppliers,
    },
    Text {
        title: "Community fridges in libraries",
        problem: "Supermarkets throw away good food at the end of each day while families nearby go without.",
        proposal: "Host community fridges in three libraries, stocked by local shops and run by volunteers with food hygiene training.",
        area: "libraries_and_culture",
        today: "No community food sharing in the borough",
        aspiration: "Three tonnes of food shared each month",
        benefit: "Less food waste and more people through library doors.",
        kind: Radical,
        facet: MissionOriented,
        lever: NewResources,
    },
    Text {
        title: "Pre-filled council tax reduction forms",
        problem: "People claiming council tax reduction re-type information we already hold from their housing benefit claim, and many give up.",
        proposal: "Send a pre-filled form with what we already know, so claimants only confirm it and add what has changed.",
        area: "revenues_and_benefits",
        today: "Claims take 24 days to process; 30% are abandoned",
        aspiration: "10 days, with under 10% abandoned",
        benefit: "Quicker help for low-income households and less rework for staff.",
        kind: Incremental,
        facet: EnhancementOriented,
        lever: NewInsight,
    },
    Text {
        title: "Volunteer park rangers",
        problem: "Park keepers were cut, and small problems like broken benches and litter now go unreported for weeks.",
        proposal: "Recruit and train volunteer rangers from friends-of-parks groups, with a simple app to report problems and a named officer to support them.",
        area: "parks_and_leisure",
        today: "Problems reported after 19 days on average",
        aspiration: "Problems reported within 3 days",
        benefit: "Safer, cleaner parks and stronger friends-of groups.",
        kind: Radical,
        facet: Adaptive,
        lever: NewCustomers,
    },
    Text {
        title: "Planning surgeries in village halls",
        problem: "Householders in outlying villages rarely get advice before applying, so many applications are invalid or refused.",
        proposal: "Hold a monthly planning surgery in a different village hall, bookable online, with a planning officer and a building control surveyor.",
        area: "planning",
        today: "35% of householder applications invalid when first made",
        aspiration: "15% invalid",
        benefit: "Fewer resubmissions and faster decisions.",
        kind: Incremental,
        facet: EnhancementOriented,
        lever: NewCustomers,
    },
    Text {
        title: "Landlords certify their own licences",
        problem: "Inspecting every licensed house in multiple occupation each year stretches officers thin, and the worst landlords are not the ones we see most.",
        proposal: "Let landlords with a clean record certify their own compliance with photographic evidence, and send officers to the highest-risk homes.",
        area: "environmental_health",
        today: "Every licensed property inspected once a year",
        aspiration: "All high-risk properties inspected twice a year",
        benefit: "Officer time focused where tenants are at most risk.",
        kind: Radical,
        facet: Adaptive,
        lever: NewSuppliers,
    },
    Text {
        title: "Let road verges grow wildflowers",
        problem: "We mow every verge eight times a year, at a cost, while pollinators lose habitat.",
        proposal: "Cut most rural verges twice a year, keep sight lines mown at junctions, and sow wildflower seed on a few showcase sites.",
        area: "parks_and_leisure",
        today: "Verges mown 8 times a year",
        aspiration: "Rural verges mown twice a year",
        benefit: "Savings on mowing and more pollinators.",
        kind: Incremental,
        facet: MissionOriented,
        lever: NewInsight,
    },
    Text {
        title: "One account for every council service",
        problem: "Residents need a different login for council tax, bins, parking permits and housing, and give up and phone instead.",
        proposal: "Build one account that links a resident's records across services, so they see and do everything in one place.",
        area: "corporate_services",
        today: "Six separate online accounts",
        aspiration: "One account for all services",
        benefit: "More people served online and fewer calls.",
        kind: Radical,
        facet: Anticipatory,
        lever: NewInsight,
    },
    Text {
        title: "Predict boiler failures in council homes",
        problem: "Boilers in council homes fail without warning in winter, leaving tenants without heat for days.",
        proposal: "Use repair histories and boiler age to predict which boilers are likely to fail, and service or replace them in the autumn.",
        area: "housing",
        today: "420 emergency boiler call-outs each winter",
        aspiration: "Under 200 emergency call-outs",
        benefit: "Warmer homes and cheaper planned repairs.",
        kind: Radical,
        facet: Anticipatory,
        lever: NewInsight,
    },
    Text {
        title: "Dim street lights after midnight",
        problem: "Street lights burn at full power all night on empty roads, and our energy bill keeps rising.",
        proposal: "Fit dimmers to main-road lights and dim them by half between midnight and 5am, keeping full light at crossings.",
        area: "highways_and_transport",
        today: "£1.1 million a year on street lighting energy",
        aspiration: "£800,000 a year",
        benefit: "Lower energy costs and carbon emissions.",
        kind: Incremental,
        facet: EnhancementOriented,
        lever: NewResources,
    },
    Text {
        title: "Experienced foster carers mentor new ones",
        problem: "A third of new foster carers leave in their first year, often after a difficult placement with no one to turn to.",
        proposal: "Pair every new carer with an experienced one for their first year, with a small allowance for the mentor.",
        area: "childrens_services",
        today: "33% of new carers leave within a year",
        aspiration: "Under 15% leave within a year",
        benefit: "More children placed with local families instead of agencies.",
        kind: Incremental,
        facet: EnhancementOriented,
        lever: NewCustomers,
    },
    Text {
        title: "Heat-health alerts for people at risk",
        problem: "Heatwaves are more frequent and older people living alone are most at risk, but we do not reach them in time.",
        proposal: "Send phone and text alerts before forecast heatwaves to people who opt in, with a call-back from a volunteer for those who want one.",
        area: "environmental_health",
        today: "No warning system for residents",
        aspiration: "2,000 at-risk residents alerted before each heatwave",
        benefit: "Fewer heat-related hospital admissions.",
        kind: Radical,
        facet: Anticipatory,
        lever: NewCustomers,
    },
];

/// Each council's three challenges and the ideas that answer its innovation
/// challenge.
struct CouncilTheme {
    public: (&'static str, &'static str),
    innovation: (&'static str, &'static str),
    closed: (&'static str, &'static str),
    innovation_ideas: [Text; 3],
}

fn theme(index: usize) -> CouncilTheme {
    match index % 3 {
        0 => CouncilTheme {
            public: (
                "How might we make our neighbourhoods cleaner, greener and safer?",
                "Residents tell us that litter, fly-tipping and neglected spaces matter more to them than almost anything else we do. We want ideas from everyone who lives and works here.",
            ),
            innovation: (
                "How might we help older residents live independently at home for longer?",
                "Demand for home care is rising by 4% a year while our budget is not. This is an innovation challenge: ideas with a strong business case can bid for funding from a £250,000 pot, decided by a panel.",
            ),
            closed: (
                "How might we cut the paper and postage in our letters?",
                "We send over a million letters a year. Partners who handle our mail and print told us where the waste is; this challenge is now closed.",
            ),
            innovation_ideas: [
                Text {
                    title: "Home sensors that spot a fall before it happens",
                    problem: "Falls are the most common reason older people move into residential care, and most happen when no one is around.",
                    proposal: "Offer discreet movement sensors that learn a person's routine and alert a carer when it changes in ways that come before a fall.",
                    area: "adult_social_care",
                    today: "310 admissions to care after a fall each year",
                    aspiration: "Under 250 admissions",
                    benefit: "People stay at home longer; each admission avoided saves about £40,000 a year.",
                    kind: Radical,
                    facet: Anticipatory,
                    lever: NewInsight,
                },
                Text {
                    title: "A handyperson service with the fire service",
                    problem: "Small hazards at home, like loose rugs and poor lighting, cause falls, and home fire safety visits already see them.",
                    proposal: "Train fire service home safety visitors to fix small hazards on the spot and refer bigger jobs to a council handyperson.",
                    area: "adult_social_care",
                    today: "No hazard fixing during 2,000 fire safety visits a year",
                    aspiration: "Hazards fixed in half of the visits",
                    benefit: "Fewer falls at low cost, using visits that happen anyway.",
                    kind: Incremental,
                    facet: EnhancementOriented,
                    lever: NewSuppliers,
                },
                Text {
                    title: "Shared lives carers for day support",
                    problem: "Day centres are expensive and far from many older people, who say they would rather spend the day in a home.",
                    proposal: "Recruit shared lives carers who welcome one or two older people into their own home for the day.",
                    area: "adult_social_care",
                    today: "£95 a day per place at a day centre",
                    aspiration: "£60 a day per place",
                    benefit: "Cheaper, more personal day support closer to home.",
                    kind: Radical,
                    facet: MissionOriented,
                    lever: NewSuppliers,
                },
            ],
        },
        1 => CouncilTheme {
            public: (
                "How might we make it easier to get around without a car?",
                "Many of our villages have one bus a day or none. We want ideas from residents, businesses and staff on getting people to work, school and appointments.",
            ),
            innovation: (
                "How might we reduce loneliness in our rural communities?",
                "One in five residents over 65 told our survey they feel lonely most days. This is an innovation challenge with a £250,000 pot: ideas with a strong business case go to a funding panel.",
            ),
            closed: (
                "How might we share offices and buildings with our partners?",
                "We and our partners rent more space than we use. This challenge, now closed, asked partners for ideas on sharing it.",
            ),
            innovation_ideas: [
                Text {
                    title: "Demand-responsive minibus for villages",
                    problem: "Fixed bus routes through villages run nearly empty while people who need a lift cannot get one at the time they need it.",
                    proposal: "Replace two under-used routes with minibuses booked by app or phone the day before, picking people up at their door.",
                    area: "highways_and_transport",
                    today: "Two routes carrying 3 passengers a trip at £14 a passenger",
                    aspiration: "8 passengers a trip at £6 a passenger",
                    benefit: "Better access to services and company for isolated residents.",
                    kind: Radical,
                    facet: MissionOriented,
                    lever: NewSuppliers,
                },
                Text {
                    title: "School buses carry passengers between runs",
                    problem: "Our contracted school buses stand idle between the morning and afternoon school runs.",
                    proposal: "Let the public ride school buses on their daytime positioning trips and add a market-day service with the idle vehicles.",
                    area: "highways_and_transport",
                    today: "45 school buses idle for 6 hours a day",
                    aspiration: "10 buses running daytime services",
                    benefit: "New journeys at little extra cost.",
                    kind: Incremental,
                    facet: EnhancementOriented,
                    lever: NewResources,
                },
                Text {
                    title: "Village pub lunches for people living alone",
                    problem: "Older people living alone in villages can go days without seeing anyone, while village pubs are quiet at lunchtime.",
                    proposal: "Fund weekly lunch clubs in village pubs, with transport for those who need it and volunteers as hosts.",
                    area: "adult_social_care",
                    today: "No regular social meals in 30 villages",
                    aspiration: "Weekly lunches in 12 villages",
                    benefit: "Less loneliness and steadier trade for rural pubs.",
                    kind: Incremental,
                    facet: Adaptive,
                    lever: NewSuppliers,
                },
            ],
        },
        _ => CouncilTheme {
            public: (
                "How might we make the city centre a place people want to spend time in?",
                "Shops are closing and footfall has fallen. We want ideas from residents, traders and staff on bringing life back to the centre.",
            ),
            innovation: (
                "How might we prevent homelessness before it happens?",
                "Temporary accommodation now costs us £6 million a year. This is an innovation challenge with a £250,000 pot: ideas with a strong business case go to a funding panel.",
            ),
            closed: (
                "How might we work with partners to help people into work?",
                "Several partners run employment support without knowing what the others do. This challenge, now closed, asked them how to join it up.",
            ),
            innovation_ideas: [
                Text {
                    title: "Tenancy rescue fund paid before eviction",
                    problem: "Families are evicted over rent arrears of a few hundred pounds, then cost us thousands a month in temporary accommodation.",
                    proposal: "Offer private landlords a one-off payment to clear small arrears in return for a new twelve-month tenancy and a support plan.",
                    area: "housing",
                    today: "180 families a year made homeless over arrears under £1,500",
                    aspiration: "Under 80 families a year",
                    benefit: "Each eviction avoided saves about £9,000 in temporary accommodation.",
                    kind: Radical,
                    facet: MissionOriented,
                    lever: NewInsight,
                },
                Text {
                    title: "Empty flats above shops brought back into use",
                    problem: "Hundreds of flats above city centre shops stand empty while families wait in bed and breakfast.",
                    proposal: "Lease empty upper floors from owners for ten years, refurbish them with a grant, and let them to families on the waiting list.",
                    area: "housing",
                    today: "340 empty upper-floor flats in the centre",
                    aspiration: "60 brought back into use in two years",
                    benefit: "Homes for families and more life in the centre.",
                    kind: Incremental,
                    facet: Adaptive,
                    lever: NewResources,
                },
                Text {
                    title: "Early warning from rent arrears data",
                    problem: "We hear about tenants at risk of eviction only when a notice is served, too late to help.",
                    proposal: "With landlords' consent, spot early patterns of missed rent and contact tenants with advice months before a notice.",
                    area: "housing",
                    today: "Contact at notice stage, 8 weeks before eviction",
                    aspiration: "Contact 6 months before eviction",
                    benefit: "More time to save tenancies.",
                    kind: Radical,
                    facet: Anticipatory,
                    lever: NewInsight,
                },
            ],
        },
    }
}

/// Which challenge an idea answers.
#[derive(Clone, Copy, PartialEq)]
enum Answers {
    Nothing,
    Public,
    Innovation,
    Closed,
}

/// One demo idea: where it ends up, who wrote it, what it answers.
struct Slot {
    stage: &'static str,
    author: Role,
    answers: Answers,
    pseudonym: Option<&'static str>,
    /// Which of the council's innovation ideas, if any.
    innovation_idea: Option<usize>,
}

const fn slot(stage: &'static str, author: Role, answers: Answers) -> Slot {
    Slot {
        stage,
        author,
        answers,
        pseudonym: None,
        innovation_idea: None,
    }
}

const SLOTS: [Slot; 15] = [
    Slot {
        pseudonym: Some("Streetwise"),
        ..slot(SUBMITTED, Role::Resident, Answers::Public)
    },
    slot(SUBMITTED, Role::Staff, Answers::Nothing),
    slot(SUBMITTED, Role::Partner, Answers::Public),
    slot(SCREENED, Role::Manager, Answers::Closed),
    slot(SCREENED, Role::Councillor, Answers::Public),
    Slot {
        innovation_idea: Some(2),
        ..slot(BUSINESS_CASE, Role::Staff, Answers::Innovation)
    },
    Slot {
        innovation_idea: Some(0),
        ..slot(DECISION, Role::Manager, Answers::Innovation)
    },
    Slot {
        innovation_idea: Some(1),
        ..slot(DECISION, Role::Hr, Answers::Innovation)
    },
    slot(PILOT, Role::Manager, Answers::Nothing),
    slot(EVALUATION, Role::Hr, Answers::Nothing),
    slot(ADOPTED, Role::Staff, Answers::Closed),
    slot(ADOPTED, Role::Manager, Answers::Nothing),
    slot(STOPPED, Role::Councillor, Answers::Nothing),
    slot(SCREENED, Role::Resident, Answers::Public),
    slot(BUSINESS_CASE, Role::Partner, Answers::Closed),
];

/// The path to each stage, with the reason recorded for each move.
pub(crate) fn path_to(stage: &str) -> Vec<(&'static str, &'static str)> {
    let forward: [(&str, &str); 7] = [
        (
            SCREENED,
            "A clear problem with a measurable gap, and it fits the council plan.",
        ),
        (
            BUSINESS_CASE,
            "Worth a full appraisal: the service lead supports it.",
        ),
        (DECISION, "Business case complete and ready for the panel."),
        (PILOT, "Funded for a six-month pilot."),
        (EVALUATION, "Pilot finished; measuring what it achieved."),
        (
            ADOPTED,
            "The evaluation shows it works: rolling out across the service.",
        ),
        ("", ""),
    ];
    if stage == STOPPED {
        return vec![
            forward[0],
            forward[1],
            (
                STOPPED,
                "Stopped at the business case: suppliers could not provide it for less than today's service costs. Lesson: test the market before writing the case, and talk to other councils who tried it.",
            ),
        ];
    }
    let end = forward
        .iter()
        .position(|(s, _)| *s == stage)
        .map_or(0, |i| i + 1);
    forward[..end].to_vec()
}

pub async fn seed(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    council: &DemoOrg,
) -> anyhow::Result<()> {
    let org = council.org;
    let lead = council.person(Role::InnovationLead)?;
    let as_person = |id: PersonId| Actor {
        id: Some(id),
        label: "demo".to_owned(),
    };
    let today = now.date();
    let theme = theme(council.index);
    let challenge = |question: &str,
                     description: &str,
                     audience: Audience,
                     opens: i64,
                     closes: i64,
                     innovation: bool| ChallengeInput {
        question: question.to_owned(),
        description: description.to_owned(),
        audience,
        opens_on: today + Duration::days(opens),
        closes_on: today + Duration::days(closes),
        innovation,
        pot_pence: innovation.then_some(25_000_000),
        criteria: if innovation {
            [
                ("Savings and value for money", 35),
                ("Benefit to residents", 30),
                ("Deliverability", 20),
                ("Learning others can use", 15),
            ]
            .into_iter()
            .map(|(name, weight)| Criterion {
                name: name.to_owned(),
                weight,
            })
            .collect()
        } else {
            Vec::new()
        },
    };
    let public = challenge(
        theme.public.0,
        theme.public.1,
        Audience::Public,
        -45,
        45,
        false,
    );
    let innovation = challenge(
        theme.innovation.0,
        theme.innovation.1,
        Audience::Staff,
        -240,
        30,
        true,
    );
    let closed = challenge(
        theme.closed.0,
        theme.closed.1,
        Audience::Partners,
        -330,
        -200,
        false,
    );
    let lead_actor = as_person(lead);
    let mut ids = Vec::new();
    for (answers, input, days_ago) in [
        (Answers::Closed, &closed, 340),
        (Answers::Innovation, &innovation, 250),
        (Answers::Public, &public, 50),
    ] {
        let id = challenges::create(
            txn,
            now - Duration::days(days_ago),
            &lead_actor,
            org,
            lead,
            input,
        )
        .await?;
        ids.push((answers, id, input));
    }
    let mut pool = 0usize;
    for (n, slot) in SLOTS.iter().enumerate() {
        let text = match slot.innovation_idea {
            Some(i) => &theme.innovation_ideas[i],
            None => {
                let t = &POOL[(pool + council.index * 5) % POOL.len()];
                pool += 1;
                t
            }
        };
        let path = path_to(slot.stage);
        let found = ids.iter().find(|(a, _, _)| *a == slot.answers);
        // Written while its challenge was open; otherwise months ago, longer
        // for ideas that have come further.
        let mut created = now - Duration::days(30 + 35 * path.len() as i64 + n as i64);
        if let Some((_, _, input)) = found {
            let opens = input.opens_on.midnight().assume_utc() + Duration::days(1);
            let closes = input.closes_on.midnight().assume_utc() - Duration::days(1);
            created = created.clamp(opens, closes.min(now - Duration::days(2)));
        }
        let author = council.person(slot.author)?;
        let id = ideas::create(
            txn,
            created,
            &as_person(author),
            org,
            NewIdea {
                challenge: found.map(|(_, id, _)| *id),
                author,
                pseudonym: slot.pseudonym.map(str::to_owned),
                title: text.title.to_owned(),
                problem: text.problem.to_owned(),
                proposal: text.proposal.to_owned(),
                service_area: text.area.to_owned(),
                measure_today: text.today.to_owned(),
                measure_aspiration: text.aspiration.to_owned(),
                expected_benefit: text.benefit.to_owned(),
                kind: text.kind,
                facet: text.facet,
                lever: text.lever,
            },
        )
        .await?;
        // Moves spread evenly between its writing and a day ago.
        let span = (now - Duration::days(1)) - created;
        let step = span / (path.len() as i32 + 1);
        let mut from = SUBMITTED;
        for (i, (to, reason)) in path.iter().enumerate() {
            let at = created + step * (i as i32 + 1);
            ideas::move_stage(txn, at, &lead_actor, org, id, from, to, reason).await?;
            from = to;
        }
    }
    Ok(())
}
