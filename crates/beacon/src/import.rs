//! `beacon import staff|posts|vacancies --org SLUG FILE`: the CSV an HR or
//! payroll system exports, written all or nothing (docs/import.md). On a
//! terminal a progress bar shows the writing; elsewhere, progress lines go to
//! the log. When the file has problems, every one is printed with its line
//! and column, nothing is written, and the exit code is 1.
use anyhow::{Context, bail};
use beacon_core::account::Email;
use beacon_core::talent::import::{self, ImportKind, MAX_BYTES};
use beacon_db::audit::Actor;
use beacon_db::workforce::{self, Imported};
use beacon_db::{Db, organisations, people};
use clap::Args;
use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum Kind {
    Staff,
    Posts,
    Vacancies,
}

impl From<Kind> for ImportKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Staff => ImportKind::Staff,
            Kind::Posts => ImportKind::Posts,
            Kind::Vacancies => ImportKind::Vacancies,
        }
    }
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// What the file holds.
    #[arg(value_enum)]
    pub kind: Kind,
    /// The organisation's short name.
    #[arg(long)]
    pub org: String,
    /// The email of the person the import is done for (recorded in the audit
    /// log; vacancies are raised by them). Required for vacancies.
    #[arg(long = "as")]
    pub as_person: Option<String>,
    /// The CSV file.
    pub file: PathBuf,
}

pub async fn run(db: &Db, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let kind = ImportKind::from(args.kind);
    let org = organisations::by_slug(db.conn(), &args.org)
        .await?
        .with_context(|| format!("no organisation has the short name {:?}", args.org))?;
    let (actor, raised_by) = match &args.as_person {
        Some(raw) => {
            let email = Email::parse(raw)
                .map_err(|_| anyhow::anyhow!("{raw:?} is not an email address"))?;
            let person = people::by_email(db.conn(), &email)
                .await?
                .with_context(|| format!("nobody has the email {email}"))?;
            if people::member(db.conn(), org.id, person.id)
                .await?
                .is_none()
            {
                bail!("{email} is not a member of {}", org.slug);
            }
            (Actor::person(person.id, email.as_str()), Some(person.id))
        }
        None => (Actor::system("command line"), None),
    };
    if kind == ImportKind::Vacancies && raised_by.is_none() {
        bail!("importing vacancies needs --as EMAIL: the person who raises them");
    }
    let file = std::fs::File::open(&args.file)
        .with_context(|| format!("cannot open {}", args.file.display()))?;
    let mut bytes = Vec::new();
    // One byte more than allowed, so an oversized file is seen as such.
    file.take(MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let rows = match import::parse(kind, &bytes) {
        Ok(rows) => rows,
        Err(errors) => return Ok(refuse(&args.file, &errors)),
    };
    let total = rows.len();
    tracing::info!(kind = kind.key(), rows = total, org = %org.slug, "import checked");
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(total as u64);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} rows ({eta} left)")
        {
            bar.set_style(style);
        }
        bar.set_message(format!("importing {}", kind.key()));
        bar
    });
    let step = (total / 20).max(1000);
    let mut progress = |done: usize| match &bar {
        Some(bar) => bar.set_position(done as u64),
        None => {
            if done.is_multiple_of(step) || done == total {
                tracing::info!(kind = kind.key(), done, total, "import progress");
            }
        }
    };
    let now = time::OffsetDateTime::now_utc();
    let txn = db.begin_writing().await?;
    let outcome =
        workforce::import(&txn, now, &actor, org.id, raised_by, &rows, &mut progress).await?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    match outcome {
        Imported::Done(summary) => {
            txn.commit().await?;
            println!(
                "imported {} {} into {}: {} created, {} updated",
                total,
                kind.key(),
                org.slug,
                summary.created,
                summary.updated
            );
            Ok(ExitCode::SUCCESS)
        }
        Imported::Refused(errors) => {
            txn.rollback().await?;
            Ok(refuse(&args.file, &errors))
        }
    }
}

fn refuse(file: &std::path::Path, errors: &[import::ImportError]) -> ExitCode {
    for e in errors {
        eprintln!("{}: {e}", file.display());
    }
    eprintln!(
        "beacon: {} problem{} in {}; nothing was imported",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" },
        file.display()
    );
    ExitCode::FAILURE
}
