//! Each demo council's own case studies, one of them an anonymised failure.
//!
//! Every council gets six cases in every state and level: one public, one for
//! its partners, one for itself only, a draft, a withdrawn one, and a failure
//! published anonymously once the sector administrator approved its text.
//! The text is our own, written in the voice of a UK council.
use super::super::{COUNCILS, DemoOrg, Scale};
use beacon_core::Role;
use beacon_core::exchange::Level;
use beacon_core::exchange::anonymise::{AnonymisedText, council_words, parse_anonymised};
use beacon_core::exchange::cases::check_attachment;
use beacon_core::exchange::cases::{CaseInput, CaseMoney, ValidCase, parse_case};
use beacon_db::Db;
use beacon_db::audit::Actor;
use beacon_db::exchange::cases;
use beacon_db::people::Person;
use time::OffsetDateTime;

/// A case as the demo writes it; `{place}` is the council's town.
struct Story {
    title: &'static str,
    sections: [&'static str; 11],
    service_area: &'static str,
    facet: &'static str,
    stage: &'static str,
    outcome: &'static str,
    evidence: &'static str,
    money: CaseMoney,
    funder: &'static str,
    programme: &'static str,
    funding: Option<i64>,
    tags: &'static str,
}

const STORIES: [Story; 5] = [
    Story {
        title: "Sensors before care packages in {place}",
        sections: [
            "We offered home sensors and a monthly check-in call to people referred for a first package of home care. Half of them needed less care, or none, six months later.",
            "Assessment used to start from what care to buy. We started from what the person could still do safely with a little help, and used plug-in sensors to give families and the reablement team confidence.",
            "Referrals for home care in {place} rose by a fifth in two years while the number of care workers fell. Waits for a first visit reached three weeks.",
            "Reablement, occupational therapy, the telecare provider, two GP practices and the carers' centre.",
            "Older people referred for their first package of home care, and their families. We asked twelve families to test the check-in call before we started.",
            "Of 214 people offered the sensors, 171 took them. After six months 38% needed no commissioned care and 24% needed fewer hours. Falls reported to us fell by a third.",
            "Broadband was poor in the rural wards, so a third of the kits needed a mobile hub. Some families felt watched until we explained what the sensors did and did not record.",
            "An occupational therapist on every assessment, and a telecare contract that let us buy kit in days rather than months.",
            "Any council with a reablement service could start with one locality. The sensors cost about £300 a home; the check-in calls are the bigger cost.",
            "Start with the families' questions, not the technology. Budget for connectivity. Measure hours of care avoided from day one, or the saving is argued away.",
            "Our assessment prompt sheet and the letter we sent to families are attached.",
        ],
        service_area: "adult_social_care",
        facet: "enhancement_oriented",
        stage: "diffusing",
        outcome: "adopted",
        evidence: "3",
        money: CaseMoney {
            cashable: 41_200_000,
            non_cashable: 6_500_000,
            social_value: 12_000_000,
            cost: 9_800_000,
        },
        funder: "Regional Health Innovation Partnership",
        programme: "Ageing Well Fund",
        funding: Some(4_500_000),
        tags: "telecare, reablement, falls prevention",
    },
    Story {
        title: "Food waste collections that residents actually use",
        sections: [
            "We redesigned weekly food waste collections with residents of three estates in {place}. Participation went from 22% to 51% in a year.",
            "Crews and residents designed the changes together: smaller caddies for flats, liners delivered with the council tax bill, and crews reporting blocked bin stores on the day.",
            "Food made up a third of the general waste we sent to incineration, at £110 a tonne. Flats had the lowest take-up.",
            "Waste crews, the housing associations on the three estates, and two tenants' associations.",
            "Households in flats, many of them new to the area; we printed the leaflets in the six most spoken languages.",
            "Participation rose from 22% to 51%. General waste from the estates fell by 14%, saving about £86,000 a year in disposal costs.",
            "The first caddies were too big for flat kitchens. Liner deliveries were late twice and take-up dipped each time.",
            "Crews with time to talk to residents on the first rounds, and housing associations willing to change bin stores.",
            "It is cheap to copy: the caddies and liners cost less than a year's disposal saving.",
            "Design with the people who carry the bins. Keep the liners coming: every gap costs weeks of goodwill.",
            "",
        ],
        service_area: "waste_and_recycling",
        facet: "enhancement_oriented",
        stage: "implementing",
        outcome: "adopted",
        evidence: "2",
        money: CaseMoney {
            cashable: 8_600_000,
            non_cashable: 0,
            social_value: 1_500_000,
            cost: 3_400_000,
        },
        funder: "",
        programme: "",
        funding: None,
        tags: "food waste, recycling, flats",
    },
    Story {
        title: "One front door for housing, benefits and debt advice",
        sections: [
            "People at risk of homelessness now see one adviser who can deal with housing, benefits and debt in one appointment, instead of three services in three weeks.",
            "The adviser is trained across all three services and can make decisions on discretionary housing payments on the spot.",
            "Most households presenting as homeless in {place} had rent arrears and an unclaimed benefit. They told their story three times before anyone acted.",
            "Housing options, revenues and benefits, Citizens Advice and the food bank.",
            "Households at risk of losing their home within 56 days.",
            "Prevention rose from 41% to 58% of cases. Average time to a first action fell from 19 days to 3.",
            "Training took longer than planned, and staff worried about losing their specialism.",
            "A shared case record and managers who let advisers decide.",
            "Any council with housing and benefits in house; those with outsourced benefits will need the provider on board early.",
            "Give advisers authority, not just training. Count prevention, not appointments.",
            "",
        ],
        service_area: "housing",
        facet: "mission_oriented",
        stage: "evaluating",
        outcome: "adopted",
        evidence: "2",
        money: CaseMoney {
            cashable: 22_000_000,
            non_cashable: 4_000_000,
            social_value: 35_000_000,
            cost: 12_500_000,
        },
        funder: "",
        programme: "",
        funding: None,
        tags: "homelessness prevention, debt advice",
    },
    Story {
        title: "Pothole reports with a photo and a promise",
        sections: [
            "Residents report a pothole with a photo and get a date for the repair by text. Repeat reports fell by half.",
            "Inspectors triage from the photo, so only a third of reports need a visit before the repair.",
            "In {place} the same pothole was reported on average four times, and every report got a visit.",
            "Highways inspectors, the term contractor and customer services.",
            "Residents, and the councillors who passed on their complaints.",
            "Repeat reports fell by 52%. Inspector visits fell by 60%, freeing two posts for planned work.",
            "Photos taken at night were often useless; we added a prompt to take them in daylight.",
            "A contractor able to give a date within two days of a report.",
            "Most councils already take photos online; the change is in triage and the promised date.",
            "The promise matters more than the speed.",
            "",
        ],
        service_area: "highways_and_transport",
        facet: "adaptive",
        stage: "implementing",
        outcome: "partly",
        evidence: "2",
        money: CaseMoney {
            cashable: 9_500_000,
            non_cashable: 2_000_000,
            social_value: 0,
            cost: 2_800_000,
        },
        funder: "",
        programme: "",
        funding: None,
        tags: "highways, digital reporting",
    },
    Story {
        title: "Warm spaces in libraries, with advice on the side",
        sections: [
            "Libraries stayed open late two evenings a week over winter as warm spaces, with energy and benefits advice on hand.",
            "Advice came to where people already were, rather than asking them to book an appointment.",
            "Energy bills doubled and {place} has many older homes that are hard to heat.",
            "Library staff, the energy advice charity, the benefits team and volunteers.",
            "Older residents and families with young children.",
            "4,100 visits over the winter; 310 people had advice and 96 claimed a benefit they had missed.",
            "Evening staffing relied on volunteers, and two sites had to close early when volunteers were ill.",
            "Trusted buildings and a charity partner with advisers free in the evenings.",
            "Easy to copy wherever libraries are still in council hands.",
            "Plan the staffing before the publicity.",
            "",
        ],
        service_area: "libraries_and_culture",
        facet: "anticipatory",
        stage: "evaluating",
        outcome: "partly",
        evidence: "1",
        money: CaseMoney {
            cashable: 0,
            non_cashable: 1_200_000,
            social_value: 8_000_000,
            cost: 4_200_000,
        },
        funder: "Community Energy Trust",
        programme: "Warm Homes Winter Grants",
        funding: Some(1_500_000),
        tags: "cost of living, libraries",
    },
];

/// The failure each council shares anonymously: its own account, and the
/// text it rewrote without its name, which the moderator approved.
const FAILURE: Story = Story {
    title: "The {place} Connect chatbot",
    sections: [
        "We replaced the council tax phone line in {place} with a chatbot. Six months later calls were back to where they started and we switched it off.",
        "It was our first use of a conversational assistant for residents.",
        "Calls about council tax peaked every March and April, and waits reached forty minutes.",
        "Customer services, revenues and the software supplier.",
        "Residents paying council tax, most of them calling about arrears or changes of address.",
        "The chatbot answered 18,000 conversations but only 9% ended without a call or an email to us. Complaints rose.",
        "Residents in arrears wanted a person and an arrangement, not an answer. The supplier's tool could not look up an account.",
        "None were met: we had no link to the revenues system and no one owned the content.",
        "Not as we did it.",
        "Start from why people call. Test with residents who are in arrears before buying anything. Do not switch off the phone line until the new channel has proved itself.",
        "",
    ],
    service_area: "customer_services",
    facet: "enhancement_oriented",
    stage: "evaluating",
    outcome: "stopped",
    evidence: "2",
    money: CaseMoney {
        cashable: 0,
        non_cashable: 0,
        social_value: 0,
        cost: 6_500_000,
    },
    funder: "",
    programme: "",
    funding: None,
    tags: "chatbot, council tax, customer contact",
};

const FAILURE_ANONYMISED: (&str, [&str; 11]) = (
    "A council tax chatbot that was switched off",
    [
        "A district council replaced its council tax phone line with a chatbot. Six months later calls were back where they started and the chatbot was switched off.",
        "It was the council's first use of a conversational assistant for residents.",
        "Council tax calls peaked every spring and waits reached forty minutes.",
        "Customer services, the revenues team and a software supplier.",
        "Residents paying council tax, most of them calling about arrears or moving home.",
        "Of 18,000 conversations, only 9% ended without a call or an email. Complaints rose.",
        "Residents in arrears wanted a person and an arrangement. The tool could not look up an account.",
        "There was no link to the revenues system and nobody owned the content.",
        "Not in the form it was tried.",
        "Start from why people call. Test with residents in arrears before buying anything. Keep the phone line until the new channel has proved itself.",
        "",
    ],
);

fn place(council: usize) -> &'static str {
    match council {
        0 => "Northmere",
        1 => "Aske Vale",
        _ => "Eastbrook",
    }
}

fn valid(story: &Story, council: usize, year: i32) -> anyhow::Result<ValidCase> {
    let place = place(council);
    let title = story.title.replace("{place}", place);
    let sections: Vec<String> = story
        .sections
        .iter()
        .map(|s| s.replace("{place}", place))
        .collect();
    let case_year = (year - 1 - (council as i32 % 2)).to_string();
    let mut input = CaseInput {
        title: &title,
        service_area: story.service_area,
        facet: story.facet,
        stage: story.stage,
        year: &case_year,
        outcome: story.outcome,
        evidence: story.evidence,
        money: story.money,
        funder: story.funder,
        programme: story.programme,
        funding_amount: story.funding,
        funding_awarded_on: None,
        tags: story.tags,
        ..CaseInput::default()
    };
    for (i, s) in sections.iter().enumerate() {
        input.sections[i] = s;
    }
    parse_case(&input, year).map_err(|p| anyhow::anyhow!("demo case {title}: {p:?}"))
}

fn anonymised_text(council: &str) -> anyhow::Result<AnonymisedText> {
    let words = council_words(council);
    let names: Vec<&str> = words.iter().map(String::as_str).collect();
    parse_anonymised(FAILURE_ANONYMISED.0, FAILURE_ANONYMISED.1, &names)
        .map_err(|p| anyhow::anyhow!("demo anonymised text: {p:?}"))
}

pub async fn seed(
    db: &Db,
    now: OffsetDateTime,
    councils: &[DemoOrg],
    moderator: &Person,
    _scale: Scale,
) -> anyhow::Result<()> {
    let actor = Actor::system("demo");
    let moderator = Actor::person(moderator.id, &moderator.email);
    let year = now.year();
    for council in councils {
        let org = council.org;
        let name = COUNCILS.get(council.index).map_or("", |c| c.name);
        let lead = council.person(Role::InnovationLead)?;
        let lead = Actor {
            id: Some(lead),
            label: "demo".to_owned(),
        };
        let txn = db.begin_writing().await?;
        // Rotate the stories so each council has different cases at each level.
        let order: Vec<&Story> = (0..STORIES.len())
            .map(|i| &STORIES[(i + council.index) % STORIES.len()])
            .collect();
        // Public, named, with a shared file.
        let public = cases::create(
            &txn,
            now,
            &lead,
            org,
            None,
            &valid(order[0], council.index, year)?,
        )
        .await?;
        let csv = b"month,referrals,packages avoided\nApril,31,9\nMay,28,11\nJune,35,14\n".to_vec();
        let file = check_attachment("results-by-month.csv", &csv)
            .map_err(|e| anyhow::anyhow!("demo file: {e}"))?;
        cases::add_attachment(&txn, now, &lead, org, public, &file, csv, true).await?;
        cases::publish(&txn, now, &lead, org, public, 1, Level::Public, false).await?;
        // For partners, named.
        let partners = cases::create(
            &txn,
            now,
            &lead,
            org,
            None,
            &valid(order[1], council.index, year)?,
        )
        .await?;
        cases::publish(&txn, now, &lead, org, partners, 1, Level::Partners, false).await?;
        // For the council only.
        let internal = cases::create(
            &txn,
            now,
            &lead,
            org,
            None,
            &valid(order[2], council.index, year)?,
        )
        .await?;
        cases::publish(&txn, now, &lead, org, internal, 1, Level::Internal, false).await?;
        // A draft still being written.
        cases::create(
            &txn,
            now,
            &lead,
            org,
            None,
            &valid(order[3], council.index, year)?,
        )
        .await?;
        // Published, then withdrawn.
        let withdrawn = cases::create(
            &txn,
            now,
            &lead,
            org,
            None,
            &valid(order[4], council.index, year)?,
        )
        .await?;
        cases::publish(&txn, now, &lead, org, withdrawn, 1, Level::Public, false).await?;
        cases::withdraw(&txn, now, &actor, org, withdrawn, 2).await?;
        // The failure, shared without the council's name after moderation.
        let failure = cases::create(
            &txn,
            now,
            &lead,
            org,
            None,
            &valid(&FAILURE, council.index, year)?,
        )
        .await?;
        cases::request_anonymised(&txn, now, &lead, org, failure, &anonymised_text(name)?).await?;
        cases::moderate(&txn, now, &moderator, failure, true, "").await?;
        cases::publish(&txn, now, &lead, org, failure, 1, Level::Public, true).await?;
        txn.commit().await?;
    }
    Ok(())
}
