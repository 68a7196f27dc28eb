//! `beacon match rank`.

use std::path::PathBuf;
use std::time::Instant;

use beacon_match::parse;
use beacon_match::rank::top_k;
use beacon_match::score::{Explanation, score};
use serde_json::json;

use crate::{InputError, Outcome, read, spinner};

#[derive(Debug, Clone, clap::Args)]
#[command(group = clap::ArgGroup::new("target").required(true).args(["vacancy", "person"]))]
pub struct RankArgs {
    /// CSV of profiles: person,grade,weekly_hours,easting,northing,max_travel_km,sites,
    /// preferred_areas,qualifications,experience, then one 0–5 column per strength.
    #[arg(long)]
    pub profiles: PathBuf,
    /// A vacancy as JSON: rank the best candidates for it.
    #[arg(long)]
    pub vacancy: Option<PathBuf>,
    /// Rank the best opportunities for this person instead (needs --vacancies).
    #[arg(long, requires = "vacancies")]
    pub person: Option<String>,
    /// A JSON array of vacancies, for --person.
    #[arg(long)]
    pub vacancies: Option<PathBuf>,
    /// How many to show.
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    /// The day to check qualification expiry against, YYYY-MM-DD; today by default.
    #[arg(long)]
    pub today: Option<String>,
}

pub fn execute(args: &RankArgs) -> Result<Outcome, InputError> {
    let today = match &args.today {
        Some(text) => parse::day(text).ok_or_else(|| {
            InputError::new(
                &args.profiles,
                0,
                format!("--today {text:?} is not a date YYYY-MM-DD"),
            )
        })?,
        None => time::OffsetDateTime::now_utc().date().to_julian_day(),
    };
    let bar = spinner("reading profiles");
    let (strengths, profiles) = parse::profiles_csv(&read(&args.profiles)?)
        .map_err(|e| InputError::parse(&args.profiles, e))?;
    let json = if let Some(file) = &args.vacancy {
        let mut vacancies = parse::vacancies_json(&read(file)?, &strengths)
            .map_err(|e| InputError::parse(file, e))?;
        if vacancies.len() != 1 {
            return Err(InputError::new(
                file,
                0,
                "expected one vacancy (a JSON object)",
            ));
        }
        let vacancy = vacancies.remove(0);
        bar.set_message("scoring");
        let started = Instant::now();
        let scored: Vec<Explanation> = profiles.iter().map(|p| score(p, &vacancy, today)).collect();
        let eligible = scored.iter().filter(|e| e.eligible).count();
        let best = top_k(
            scored.into_iter().filter(|e| e.eligible).map(|e| {
                let s = e.score;
                (e, s)
            }),
            args.top,
        );
        let seconds = started.elapsed().as_secs_f64();
        json!({
            "vacancy": vacancy.id,
            "considered": profiles.len(),
            "eligible": eligible,
            "top": best.into_iter().map(|(e, _)| e).collect::<Vec<_>>(),
            "solve_seconds": seconds,
        })
    } else {
        let (Some(name), Some(file)) = (&args.person, &args.vacancies) else {
            return Err(InputError::new(
                &args.profiles,
                0,
                "give --vacancy, or --person with --vacancies",
            ));
        };
        let person = profiles
            .iter()
            .find(|p| p.id == *name)
            .ok_or_else(|| InputError::new(&args.profiles, 0, format!("no person {name:?}")))?;
        let vacancies = parse::vacancies_json(&read(file)?, &strengths)
            .map_err(|e| InputError::parse(file, e))?;
        bar.set_message("scoring");
        let started = Instant::now();
        let scored: Vec<Explanation> = vacancies.iter().map(|v| score(person, v, today)).collect();
        let eligible = scored.iter().filter(|e| e.eligible).count();
        let best = top_k(
            scored.into_iter().filter(|e| e.eligible).map(|e| {
                let s = e.score;
                (e, s)
            }),
            args.top,
        );
        json!({
            "person": person.id,
            "considered": vacancies.len(),
            "eligible": eligible,
            "top": best.into_iter().map(|(e, _)| e).collect::<Vec<_>>(),
            "solve_seconds": started.elapsed().as_secs_f64(),
        })
    };
    bar.finish_and_clear();
    Ok(Outcome { json, solved: true })
}
