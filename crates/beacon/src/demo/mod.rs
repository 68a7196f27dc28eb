//! Demo data: three fictional councils (two of them in a partnership), a
//! sector administrator, an account for every role in each council, and each
//! council's innovation pipeline (`pipeline`) and workforce (`talent`).
mod bench;
pub mod bench_cases;
mod exchange;
mod pipeline;
mod talent;

use beacon_core::account::Email;
use beacon_core::organisation::{OrgKind, OrgName, PartnershipName, Slug};
use beacon_core::text::DisplayName;
use beacon_core::{OrgId, PersonId, Role};
use beacon_db::audit::Actor;
use beacon_db::{Db, organisations, people};
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use time::OffsetDateTime;

/// Every demo account has this password; it is printed and in the README.
pub const DEMO_PASSWORD: &str = "beacon-demo-2026";

pub struct DemoCouncil {
    pub slug: &'static str,
    pub name: &'static str,
    /// The domain of its staff's email addresses.
    pub domain: &'static str,
}

pub const COUNCILS: [DemoCouncil; 3] = [
    DemoCouncil {
        slug: "northmere",
        name: "Northmere Borough Council",
        domain: "northmere.example",
    },
    DemoCouncil {
        slug: "aske-vale",
        name: "Aske Vale District Council",
        domain: "askevale.example",
    },
    DemoCouncil {
        slug: "eastbrook",
        name: "Eastbrook City Council",
        domain: "eastbrook.example",
    },
];

pub const PARTNERSHIP: &str = "Northmere and Aske Vale Shared Services";
pub const SECTOR_ADMIN_EMAIL: &str = "sector.admin@beacon.example";

/// A fictional person for each role, so pages show names rather than roles.
fn person_name(council: usize, role: Role) -> String {
    const GIVEN: [&str; 27] = [
        "Aled", "Bethan", "Chidi", "Dana", "Efa", "Farah", "Gareth", "Hana", "Idris", "Joanna",
        "Kwame", "Lowri", "Maya", "Nia", "Owain", "Priya", "Rhys", "Sian", "Tomasz", "Usha",
        "Vikram", "Wyn", "Xavier", "Yasmin", "Zofia", "Cerys", "Dewi",
    ];
    const FAMILY: [&str; 9] = [
        "Morgan", "Okafor", "Hughes", "Patel", "Evans", "Nowak", "Price", "Khan", "Jones",
    ];
    let index = Role::ALL.iter().position(|r| *r == role).unwrap_or(0);
    format!(
        "{} {}",
        GIVEN[(council * 9 + index) % GIVEN.len()],
        FAMILY[(index + council) % FAMILY.len()]
    )
}

/// One demo council as its seeders see it: who holds each role.
#[derive(Clone, Debug)]
pub struct DemoOrg {
    /// Position in `COUNCILS`, so seeders can vary their data by council.
    pub index: usize,
    pub org: OrgId,
    pub slug: &'static str,
    pub people: BTreeMap<Role, PersonId>,
}

impl DemoOrg {
    /// The demo account holding `role` (every role has one).
    pub fn person(&self, role: Role) -> anyhow::Result<PersonId> {
        self.people
            .get(&role)
            .copied()
            .ok_or_else(|| anyhow::anyhow!("demo council {} has no {role}", self.slug))
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct DemoAccount {
    pub council: String,
    pub role: String,
    pub email: String,
    pub password: String,
}

fn email_for(council: &DemoCouncil, role: Role) -> String {
    format!("{}@{}", role.key().replace('_', "-"), council.domain)
}

/// How big the demo councils' workforces are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// What `beacon demo` serves: Northmere is a unitary council of about
    /// 8,500 staff with a pool of a few hundred, the others are smaller.
    Full,
    /// Enough of every kind of record for the test suites, quick to seed.
    Small,
    /// The size the page benchmark (`bench/pages/`) measures: Northmere with
    /// 50,000 staff and 100,000 ideas, the others as in `Full`. Seeded in
    /// bulk; see docs/benchmarks.md.
    Bench,
}

impl Scale {
    /// The number of staff in the council at `COUNCILS[index]`.
    pub const fn staff(self, index: usize) -> usize {
        match (self, index) {
            (Scale::Full, 0) => 8_500,
            (Scale::Bench, 0) => 50_000,
            (Scale::Full | Scale::Bench, _) => 1_200,
            (Scale::Small, 0) => 240,
            (Scale::Small, _) => 90,
        }
    }
}

/// Seed an empty database at full scale.
pub async fn seed(db: &Db, now: OffsetDateTime) -> anyhow::Result<Vec<DemoAccount>> {
    seed_with(db, now, Scale::Full).await
}

/// Seed an empty database. Refuses a database that already has organisations,
/// so a real installation can never be mixed with demo data.
pub async fn seed_with(
    db: &Db,
    now: OffsetDateTime,
    scale: Scale,
) -> anyhow::Result<Vec<DemoAccount>> {
    if !organisations::all(db.conn()).await?.is_empty() {
        anyhow::bail!("the demo needs an empty database, and this one already has organisations");
    }
    let actor = Actor::system("demo");
    // One hash for every account: they share the password, and Argon2 is slow on purpose.
    let hash = beacon_web::password::hash(DEMO_PASSWORD.to_owned()).await?;
    let mut accounts = Vec::new();
    let mut org_ids = Vec::new();
    let mut demo_orgs = Vec::new();
    for (i, council) in COUNCILS.iter().enumerate() {
        let name = OrgName::parse(council.name).map_err(|e| anyhow::anyhow!("{e}"))?;
        let slug = Slug::parse(council.slug).map_err(|e| anyhow::anyhow!("{e}"))?;
        let txn = db.begin_writing().await?;
        let org = organisations::create(&txn, &actor, now, &name, &slug, OrgKind::Council).await?;
        org_ids.push(org.id);
        let mut demo_org = DemoOrg {
            index: i,
            org: org.id,
            slug: council.slug,
            people: BTreeMap::new(),
        };
        for role in Role::ALL {
            let email =
                Email::parse(&email_for(council, role)).map_err(|e| anyhow::anyhow!("{e}"))?;
            let display_name =
                DisplayName::parse(&person_name(i, role)).map_err(|e| anyhow::anyhow!("{e}"))?;
            let person = people::create(
                &txn,
                &actor,
                now,
                people::NewPerson {
                    email: &email,
                    display_name: &display_name,
                    password_hash: Some(hash.clone()),
                    sector_admin: false,
                },
            )
            .await?;
            people::grant_role(&txn, &actor, now, org.id, person.id, role).await?;
            demo_org.people.insert(role, person.id);
            accounts.push(DemoAccount {
                council: council.name.to_owned(),
                role: role.key().to_owned(),
                email: email.as_str().to_owned(),
                password: DEMO_PASSWORD.to_owned(),
            });
        }
        pipeline::seed(&txn, now, &demo_org).await?;
        talent::seed(&txn, now, &demo_org, scale).await?;
        if scale == Scale::Bench && i == 0 {
            bench::seed(&txn, now, &demo_org).await?;
        }
        txn.commit().await?;
        demo_orgs.push(demo_org);
    }
    let partnership = PartnershipName::parse(PARTNERSHIP).map_err(|e| anyhow::anyhow!("{e}"))?;
    organisations::create_partnership(db.conn(), &actor, now, &partnership, &org_ids[..2]).await?;

    let txn = db.begin_writing().await?;
    let email = Email::parse(SECTOR_ADMIN_EMAIL).map_err(|e| anyhow::anyhow!("{e}"))?;
    let name = DisplayName::parse("Morwenna Sector").map_err(|e| anyhow::anyhow!("{e}"))?;
    let moderator = people::create(
        &txn,
        &actor,
        now,
        people::NewPerson {
            email: &email,
            display_name: &name,
            password_hash: Some(hash),
            sector_admin: true,
        },
    )
    .await?;
    txn.commit().await?;
    // The exchange comes last: partners-level cases need the partnership.
    exchange::seed(db, now, &demo_orgs, &moderator, scale).await?;
    if scale == Scale::Bench {
        // Every council's cases, not only Northmere's: the exchange is shared.
        bench_cases::seed_bench_cases(db, now, bench::CASES, bench::CASES_SEED).await?;
    }
    accounts.push(DemoAccount {
        council: "(sector)".to_owned(),
        role: "sector_admin".to_owned(),
        email: SECTOR_ADMIN_EMAIL.to_owned(),
        password: DEMO_PASSWORD.to_owned(),
    });
    Ok(accounts)
}

/// What `beacon demo` prints once it is listening.
pub fn print(bound: SocketAddr, accounts: &[DemoAccount]) {
    println!();
    println!("Beacon demo is running at http://{bound}");
    println!("Every account's password is: {DEMO_PASSWORD}");
    println!();
    println!("{:<28} {:<16} email", "council", "role");
    for a in accounts {
        println!("{:<28} {:<16} {}", a.council, a.role, a.email);
    }
    println!();
    println!("Press Ctrl-C to stop.");
}
