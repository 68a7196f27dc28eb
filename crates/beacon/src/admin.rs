//! `beacon admin`: the first organisation and administrator of a new
//! installation, and repairs when nobody can sign in. Every change is audited
//! with the command line as its actor.
use anyhow::{Context, bail};
use beacon_core::Role;
use beacon_core::account::{Email, NewPassword};
use beacon_core::organisation::{OrgKind, OrgName, Slug};
use beacon_core::text::DisplayName;
use beacon_db::audit::Actor;
use beacon_db::{Db, organisations, people};
use clap::Subcommand;
use std::io::Read;
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Create an organisation.
    CreateOrganisation {
        #[arg(long)]
        name: String,
        /// Short name for addresses (default: made from the name).
        #[arg(long)]
        slug: Option<String>,
        #[arg(long, default_value = "council")]
        kind: String,
    },
    /// Create a person. The password is read from standard input.
    CreatePerson {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Read the password from standard input (otherwise the person must be
        /// invited or reset their password before signing in).
        #[arg(long = "password-stdin")]
        password_stdin: bool,
        /// Make the person a sector administrator.
        #[arg(long = "sector-admin")]
        sector_admin: bool,
    },
    /// Grant a role in an organisation.
    Grant {
        #[arg(long)]
        email: String,
        /// The organisation's short name.
        #[arg(long)]
        organisation: String,
        #[arg(long)]
        role: String,
    },
    /// Revoke a role in an organisation.
    Revoke {
        #[arg(long)]
        email: String,
        #[arg(long)]
        organisation: String,
        #[arg(long)]
        role: String,
    },
    /// List organisations, and people with their roles.
    List,
}

fn actor() -> Actor {
    Actor::system("command line")
}

fn parse_role(raw: &str) -> anyhow::Result<Role> {
    raw.parse().map_err(|_| {
        let known: Vec<_> = Role::ALL.iter().map(|r| r.key()).collect();
        anyhow::anyhow!("unknown role {raw:?}; roles are {}", known.join(", "))
    })
}

async fn find(
    db: &Db,
    email: &str,
    organisation: &str,
) -> anyhow::Result<(people::Person, organisations::Organisation)> {
    let email =
        Email::parse(email).map_err(|_| anyhow::anyhow!("{email:?} is not an email address"))?;
    let person = people::by_email(db.conn(), &email)
        .await?
        .with_context(|| format!("nobody has the email {email}"))?;
    let org = organisations::by_slug(db.conn(), organisation)
        .await?
        .with_context(|| format!("no organisation has the short name {organisation:?}"))?;
    Ok((person, org))
}

pub async fn run(db: &Db, command: AdminCommand) -> anyhow::Result<ExitCode> {
    let now = time::OffsetDateTime::now_utc();
    match command {
        AdminCommand::CreateOrganisation { name, slug, kind } => {
            let name = OrgName::parse(&name).map_err(|e| anyhow::anyhow!("name: {e}"))?;
            let slug = match slug {
                Some(s) => Slug::parse(&s),
                None => Slug::from_name(name.as_str()),
            }
            .map_err(|e| anyhow::anyhow!("short name: {e}"))?;
            let kind: OrgKind = kind
                .parse()
                .map_err(|()| anyhow::anyhow!("kind must be council or partner"))?;
            let txn = db.begin_writing().await?;
            let org = organisations::create(&txn, &actor(), now, &name, &slug, kind).await?;
            txn.commit().await?;
            println!("created organisation {} ({})", org.name, org.slug);
        }
        AdminCommand::CreatePerson {
            email,
            name,
            password_stdin,
            sector_admin,
        } => {
            let email = Email::parse(&email)
                .map_err(|_| anyhow::anyhow!("{email:?} is not an email address"))?;
            let name = DisplayName::parse(&name).map_err(|e| anyhow::anyhow!("name: {e}"))?;
            let password_hash = if password_stdin {
                let mut raw = String::new();
                std::io::stdin().read_to_string(&mut raw)?;
                let raw = raw.trim_end_matches(['\n', '\r']);
                let password =
                    NewPassword::parse(raw, raw).map_err(|e| anyhow::anyhow!("password: {e}"))?;
                Some(beacon_web::password::hash(password.expose().to_owned()).await?)
            } else {
                None
            };
            let txn = db.begin_writing().await?;
            let person = people::create(
                &txn,
                &actor(),
                now,
                people::NewPerson {
                    email: &email,
                    display_name: &name,
                    password_hash,
                    sector_admin,
                },
            )
            .await?;
            txn.commit().await?;
            println!("created {} <{}>", person.display_name, person.email);
        }
        AdminCommand::Grant {
            email,
            organisation,
            role,
        } => {
            let role = parse_role(&role)?;
            let (person, org) = find(db, &email, &organisation).await?;
            let txn = db.begin_writing().await?;
            let changed = people::grant_role(&txn, &actor(), now, org.id, person.id, role).await?;
            txn.commit().await?;
            println!(
                "{} {} the role {role} in {}",
                person.email,
                if changed { "now has" } else { "already had" },
                org.slug
            );
        }
        AdminCommand::Revoke {
            email,
            organisation,
            role,
        } => {
            let role = parse_role(&role)?;
            let (person, org) = find(db, &email, &organisation).await?;
            match people::revoke_role(db.conn(), &actor(), now, org.id, person.id, role).await {
                Ok(true) => println!(
                    "{} no longer has the role {role} in {}",
                    person.email, org.slug
                ),
                Ok(false) => println!(
                    "{} did not have the role {role} in {}",
                    person.email, org.slug
                ),
                Err(people::RevokeError::LastAdmin(e)) => bail!("{e}"),
                Err(people::RevokeError::Db(e)) => return Err(e.into()),
            }
        }
        AdminCommand::List => {
            println!("Organisations:");
            for org in organisations::all(db.conn()).await? {
                println!("  {:<24} {:<8} {}", org.slug, org.kind.key(), org.name);
            }
            println!("People:");
            for person in people::all(db.conn()).await? {
                let memberships = people::memberships_of(db.conn(), person.id).await?;
                let roles: Vec<String> = memberships
                    .iter()
                    .map(|(o, roles)| {
                        format!(
                            "{}: {}",
                            o.slug,
                            roles.iter().map(|r| r.key()).collect::<Vec<_>>().join(", ")
                        )
                    })
                    .collect();
                let flags = match (person.sector_admin, person.disabled) {
                    (true, _) => " [sector admin]",
                    (_, true) => " [disabled]",
                    _ => "",
                };
                println!(
                    "  {:<36} {}{flags}  {}",
                    person.email,
                    person.display_name,
                    roles.join("; ")
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
