//! Demo data: the strengths framework, the self-assessment and staff profiles
//! (DESIGN.md §3.2). Each council gets the default framework and
//! `scale.staff(index)` staff records with names, employee numbers, job titles
//! by service area, grades 3–15, hours, sites, a completed self-assessment,
//! qualifications for many (some expired) and experience. The demo accounts
//! that use the jobs market are linked to the first records. Everything is
//! generated from a fixed seed, so every run gives the same workforce.
use crate::demo::{DemoOrg, Scale};
use beacon_core::Role;
use beacon_core::pipeline::stages::ServiceArea;
use beacon_core::talent::strengths::{Answer, QUALIFICATIONS};
use beacon_db::audit::Actor;
use beacon_db::staff::{self, NewExperience, NewQualification, NewStaff, Preferences};
use beacon_db::{DatabaseTransaction, people};
use time::{Duration, OffsetDateTime};

/// The roles whose demo accounts have a staff record, in the order they take
/// the first employee numbers.
pub const LINKED_ROLES: [Role; 6] = [
    Role::Staff,
    Role::Manager,
    Role::Hr,
    Role::InnovationLead,
    Role::Panel,
    Role::Admin,
];

const GIVEN: [&str; 60] = [
    "Aaliyah",
    "Adam",
    "Aisha",
    "Alan",
    "Alice",
    "Amir",
    "Amy",
    "Andrew",
    "Angharad",
    "Bronwen",
    "Callum",
    "Carys",
    "Catherine",
    "Chloe",
    "Connor",
    "Daniel",
    "David",
    "Deborah",
    "Eleanor",
    "Elliot",
    "Emily",
    "Emma",
    "Fatima",
    "Gemma",
    "George",
    "Grace",
    "Hannah",
    "Harry",
    "Huw",
    "Imran",
    "Isla",
    "Jack",
    "James",
    "Jasmine",
    "Jessica",
    "John",
    "Karen",
    "Katie",
    "Liam",
    "Lucy",
    "Mark",
    "Megan",
    "Mohammed",
    "Natalie",
    "Nathan",
    "Olivia",
    "Oliver",
    "Paul",
    "Rachel",
    "Rebecca",
    "Rhian",
    "Robert",
    "Sam",
    "Sarah",
    "Sophie",
    "Stephen",
    "Susan",
    "Thomas",
    "Yusuf",
    "Zara",
];

const FAMILY: [&str; 60] = [
    "Ahmed",
    "Ali",
    "Allen",
    "Bailey",
    "Baker",
    "Bell",
    "Bennett",
    "Brown",
    "Campbell",
    "Carter",
    "Chen",
    "Clarke",
    "Cooper",
    "Davies",
    "Edwards",
    "Ellis",
    "Evans",
    "Fisher",
    "Green",
    "Griffiths",
    "Hall",
    "Harris",
    "Hill",
    "Hughes",
    "Hussain",
    "Jackson",
    "James",
    "Jenkins",
    "Johnson",
    "Jones",
    "Kaur",
    "Khan",
    "Kowalski",
    "Lewis",
    "Lloyd",
    "Martin",
    "Mensah",
    "Mitchell",
    "Moore",
    "Morgan",
    "Murphy",
    "Nguyen",
    "Owen",
    "Parry",
    "Patel",
    "Phillips",
    "Powell",
    "Rees",
    "Roberts",
    "Robinson",
    "Shah",
    "Singh",
    "Smith",
    "Taylor",
    "Thomas",
    "Walker",
    "Ward",
    "Watkins",
    "Williams",
    "Wright",
];

/// Job titles in each service area, with the grade band each is paid at.
fn titles(area: ServiceArea) -> &'static [(&'static str, u8, u8)] {
    use ServiceArea::*;
    match area {
        AdultSocialCare => &[
            ("Care and support worker", 3, 5),
            ("Occupational therapist", 8, 10),
            ("Social worker", 9, 11),
            ("Team manager, adult social care", 12, 14),
        ],
        ChildrensServices => &[
            ("Family support worker", 5, 7),
            ("Children's social worker", 9, 11),
            ("Early years practitioner", 4, 6),
            ("Head of children's safeguarding", 14, 15),
        ],
        Housing => &[
            ("Housing officer", 6, 8),
            ("Homelessness caseworker", 7, 9),
            ("Repairs surveyor", 8, 10),
            ("Housing services manager", 11, 13),
        ],
        WasteAndRecycling => &[
            ("Refuse collection operative", 3, 4),
            ("HGV driver", 4, 6),
            ("Recycling officer", 6, 8),
            ("Waste operations manager", 11, 13),
        ],
        HighwaysAndTransport => &[
            ("Highways inspector", 6, 8),
            ("Traffic engineer", 9, 11),
            ("Street lighting technician", 5, 7),
            ("Transport planning manager", 12, 14),
        ],
        Planning => &[
            ("Planning officer", 7, 9),
            ("Senior planning officer", 10, 11),
            ("Planning enforcement officer", 7, 9),
            ("Head of planning", 14, 15),
        ],
        LibrariesAndCulture => &[
            ("Library assistant", 3, 4),
            ("Librarian", 6, 8),
            ("Museum curator", 8, 10),
            ("Arts development officer", 7, 9),
        ],
        RevenuesAndBenefits => &[
            ("Benefits assessor", 5, 7),
            ("Council tax officer", 4, 6),
            ("Revenues team leader", 8, 10),
            ("Accountant", 9, 12),
        ],
        CustomerServices => &[
            ("Customer service adviser", 3, 5),
            ("Contact centre team leader", 6, 8),
            ("Complaints officer", 6, 8),
            ("Customer experience manager", 10, 12),
        ],
        EnvironmentalHealth => &[
            ("Environmental health officer", 8, 10),
            ("Food safety officer", 7, 9),
            ("Pest control technician", 4, 5),
            ("Licensing officer", 6, 8),
        ],
        ParksAndLeisure => &[
            ("Gardener", 3, 4),
            ("Park ranger", 5, 6),
            ("Leisure centre duty manager", 6, 8),
            ("Greenspace manager", 10, 12),
        ],
        CorporateServices => &[
            ("HR adviser", 6, 8),
            ("IT support analyst", 5, 7),
            ("Data analyst", 8, 10),
            ("Project manager", 10, 13),
        ],
    }
}

/// Each council's workplaces, with a grid reference (metres, British
/// National Grid) for distances.
fn sites(council: usize) -> &'static [(&'static str, i32, i32)] {
    match council {
        0 => &[
            ("Northmere Civic Centre", 430_500, 565_200),
            ("Harbour Road Depot", 433_800, 562_100),
            ("Northmere Central Library", 430_900, 565_700),
            ("Eastgate Family Hub", 436_200, 566_900),
            ("Moorside Leisure Centre", 425_400, 568_300),
            ("Westfield Care Home", 424_100, 561_800),
        ],
        1 => &[
            ("Aske Vale Council Offices", 415_200, 502_400),
            ("Vale Road Depot", 417_900, 500_100),
            ("Ashby Library", 412_600, 505_300),
            ("Riverside Community Centre", 419_800, 503_900),
        ],
        _ => &[
            ("Eastbrook City Hall", 452_300, 531_600),
            ("Canal Street Depot", 455_100, 529_400),
            ("Eastbrook Central Library", 452_700, 532_000),
            ("Northside Family Centre", 450_400, 535_200),
        ],
    }
}

/// SplitMix64: a small, fixed pseudo-random sequence, so the demo is the
/// same every time without a dependency.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// 0..n
    fn below(&mut self, n: usize) -> usize {
        (self.next() % (n.max(1) as u64)) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn council_prefix(index: usize) -> &'static str {
    ["NM", "AV", "EB"].get(index).copied().unwrap_or("XX")
}

/// Where the demo accounts work.
fn linked_area(role: Role) -> ServiceArea {
    match role {
        Role::Staff => ServiceArea::CustomerServices,
        Role::Manager => ServiceArea::WasteAndRecycling,
        _ => ServiceArea::CorporateServices,
    }
}

fn linked_title(role: Role) -> &'static str {
    match role {
        Role::Staff => "Customer service adviser",
        Role::Manager => "Waste operations manager",
        Role::Hr => "HR business partner",
        Role::InnovationLead => "Innovation lead",
        Role::Panel => "Head of finance",
        _ => "Systems administrator",
    }
}

fn qualification(code: &str, expires_on: Option<time::Date>) -> NewQualification {
    let title = QUALIFICATIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, t)| *t)
        .unwrap_or(code);
    NewQualification {
        code: code.to_owned(),
        title: title.to_owned(),
        expires_on,
    }
}

pub async fn seed(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    council: &DemoOrg,
    scale: Scale,
) -> anyhow::Result<()> {
    let actor = Actor::system("demo");
    let org = council.org;
    let today = now.date();
    staff::ensure_framework(txn, org, now).await?;
    let strengths = staff::framework(txn, org).await?.len();
    let places = sites(council.index);
    let mut dice = Dice(0x5EED_0000 + council.index as u64);
    let total = scale.staff(council.index);
    let mut records = Vec::with_capacity(total);
    for n in 0..total {
        let linked = LINKED_ROLES.get(n).copied();
        let (person, name, email) = match linked {
            Some(role) => {
                let id = council.person(role)?;
                let who = people::by_id(txn, id)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("demo person {id} missing"))?;
                (Some(id), who.display_name, Some(who.email))
            }
            None => (
                None,
                format!("{} {}", dice.pick(&GIVEN), dice.pick(&FAMILY)),
                None,
            ),
        };
        let area = match linked {
            Some(role) => linked_area(role),
            None => *dice.pick(ServiceArea::ALL),
        };
        let (title, low, high) = match linked {
            Some(role) => (linked_title(role), 8, 12),
            None => *dice.pick(titles(area)),
        };
        let grade = low + dice.below(usize::from(high - low) + 1) as u8;
        // Most work full time (37 hours); the rest part time.
        let weekly_minutes = if dice.chance(75) {
            37 * 60
        } else {
            *dice.pick(&[15 * 60, 18 * 60 + 30, 22 * 60 + 30, 30 * 60])
        };
        let (site, e, north) = *dice.pick(places);
        let home = (
            e + dice.below(16_000) as i32 - 8_000,
            north + dice.below(16_000) as i32 - 8_000,
        );
        let other_sites: Vec<String> = places
            .iter()
            .filter(|(s, _, _)| *s != site)
            .filter(|_| dice.chance(20))
            .map(|(s, _, _)| (*s).to_owned())
            .collect();
        let mut preferred = Vec::new();
        if dice.chance(40) {
            preferred.push(area);
            let other = *dice.pick(ServiceArea::ALL);
            if other != area {
                preferred.push(other);
            }
        }
        let months_here = 6 + dice.below(240) as u32;
        // A completed self-assessment: each strength's two answers.
        let levels: Vec<u8> = (0..strengths)
            .map(|_| {
                let p = dice.below(5) as u8;
                let en = dice.below(5) as u8;
                Answer::new(p, en).map_or(0, Answer::level)
            })
            .collect();
        let mut qualifications = Vec::new();
        let days = |d: i64| Some(today + Duration::days(d));
        if dice.chance(45) {
            // Some licences have lapsed.
            let expiry = if dice.chance(8) {
                days(-(dice.below(400) as i64) - 1)
            } else {
                days(200 + dice.below(3_000) as i64)
            };
            qualifications.push(qualification("driving_licence", expiry));
        }
        let specialist = match area {
            ServiceArea::AdultSocialCare | ServiceArea::ChildrensServices => {
                Some(("social_work_england", true))
            }
            ServiceArea::WasteAndRecycling => Some(("hgv_c", true)),
            ServiceArea::EnvironmentalHealth => Some(("food_hygiene", true)),
            ServiceArea::RevenuesAndBenefits => Some(("cipfa", false)),
            ServiceArea::Planning => Some(("rtpi", false)),
            ServiceArea::Housing => Some(("cih", false)),
            ServiceArea::CorporateServices => Some(("prince2", false)),
            _ => None,
        };
        if let Some((code, expires)) = specialist
            && dice.chance(50)
        {
            let expiry = if !expires {
                None
            } else if dice.chance(10) {
                days(-(dice.below(300) as i64) - 1)
            } else {
                days(30 + dice.below(900) as i64)
            };
            qualifications.push(qualification(code, expiry));
        }
        if matches!(
            area,
            ServiceArea::AdultSocialCare | ServiceArea::ChildrensServices
        ) && dice.chance(70)
        {
            qualifications.push(qualification(
                "dbs_enhanced",
                days(dice.below(1_000) as i64 - 100),
            ));
        }
        if dice.chance(12) {
            qualifications.push(qualification(
                "first_aid",
                days(dice.below(1_100) as i64 - 150),
            ));
        }
        let mut experience = vec![NewExperience {
            role_title: title.to_owned(),
            service_area: area,
            months: months_here,
        }];
        if dice.chance(50) {
            let before = *dice.pick(ServiceArea::ALL);
            let (t, _, _) = *dice.pick(titles(before));
            experience.push(NewExperience {
                role_title: t.to_owned(),
                service_area: before,
                months: 12 + dice.below(96) as u32,
            });
        }
        records.push(NewStaff {
            employee_number: format!("{}{:06}", council_prefix(council.index), 100_001 + n),
            person,
            name,
            email,
            job_title: title.to_owned(),
            grade,
            weekly_minutes,
            service_area: Some(area),
            site: Some(site.to_owned()),
            home: Some(home),
            preferences: Preferences {
                work_sites: other_sites,
                max_travel_km: Some(*dice.pick(&[5, 10, 15, 20, 30])),
                preferred_areas: preferred,
                willing_to_trial: dice.chance(85),
                available_from: None,
            },
            started_on: Some(today - Duration::days(i64::from(months_here) * 30)),
            levels,
            qualifications,
            experience,
        });
    }
    staff::insert_many(txn, now, &actor, org, &records).await?;
    Ok(())
}
