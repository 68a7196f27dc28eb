//! Parsers for the engine's text inputs. They take `&str` (the caller reads the file) and
//! report errors with the line they found them on.

use crate::dense::Matrix;

/// A line-numbered complaint about some input text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    /// 1-based line number; 0 when the problem is the input as a whole (e.g. it is empty).
    pub line: usize,
    pub message: String,
}

impl ParseError {
    pub(crate) fn new(line: usize, message: impl Into<String>) -> Self {
        Self {
            line,
            message: message.into(),
        }
    }
}

/// Parses J. E. Beasley's OR-Library assignment format: the size `n`, then the `n × n`
/// integer costs row by row, separated by any whitespace.
pub fn orlib(text: &str) -> Result<Matrix<i64>, ParseError> {
    let mut tokens = text
        .lines()
        .enumerate()
        .flat_map(|(k, line)| line.split_whitespace().map(move |t| (k + 1, t)));
    let (line, first) = tokens
        .next()
        .ok_or_else(|| ParseError::new(0, "empty input: expected the size n"))?;
    let n: usize = first
        .parse()
        .map_err(|_| ParseError::new(line, format!("expected the size n, found {first:?}")))?;
    // A dense matrix bigger than this would not fit in memory anyway; refuse it before
    // allocating.
    const MAX_N: usize = 1 << 15;
    if n > MAX_N {
        return Err(ParseError::new(line, format!("size {n} is above {MAX_N}")));
    }
    let mut data = Vec::with_capacity(n * n);
    let mut last_line = line;
    for (line, token) in tokens {
        last_line = line;
        if data.len() == n * n {
            return Err(ParseError::new(
                line,
                format!("unexpected {token:?} after the {} costs", n * n),
            ));
        }
        let c: i64 = token.parse().map_err(|_| {
            ParseError::new(line, format!("expected an integer cost, found {token:?}"))
        })?;
        if c.unsigned_abs() > crate::cost::MAX_ABS_I64_COST as u64 {
            return Err(ParseError::new(
                line,
                format!("cost {c} is beyond ±{}", crate::cost::MAX_ABS_I64_COST),
            ));
        }
        data.push(c);
    }
    if data.len() != n * n {
        return Err(ParseError::new(
            last_line,
            format!("expected {} costs for n = {n}, found {}", n * n, data.len()),
        ));
    }
    Matrix::new(n, n, data).map_err(|e| ParseError::new(0, e.to_string()))
}

/// A sparse problem read from CSV, with the names its rows and columns stand for.
#[derive(Debug, Clone)]
pub struct PairsCsv {
    pub people: Vec<String>,
    pub posts: Vec<String>,
    /// `(person, post, scaled score)`; scores are integers after scaling by `10^decimals`.
    pub pairs: Vec<(u32, u32, i64)>,
    /// The number of decimal places scores were scaled by, so results can be printed back
    /// exactly.
    pub decimals: u32,
    /// Tier per person when the file has a `tier` column.
    pub tiers: Option<Vec<u16>>,
}

/// The most decimal places a score may have; enough for any score a person would type.
pub const MAX_DECIMALS: u32 = 6;

/// An exact decimal as `digits × 10^-decimals`.
fn decimal(text: &str) -> Option<(i64, u32)> {
    let t = text.trim();
    let (negative, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (whole, frac) = body.split_once('.').unwrap_or((body, ""));
    if (whole.is_empty() && frac.is_empty())
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let frac = frac.trim_end_matches('0');
    let decimals = u32::try_from(frac.len()).ok()?;
    if decimals > MAX_DECIMALS || whole.len() > 15 {
        return None;
    }
    let mut value: i64 = 0;
    for b in whole.bytes().chain(frac.bytes()) {
        value = value.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
    }
    Some((if negative { -value } else { value }, decimals))
}

fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes())
}

fn csv_error(e: &csv::Error) -> ParseError {
    let line = e.position().map_or(0, |p| p.line() as usize);
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("expected {expected_len} fields, found {len}"),
        csv::ErrorKind::Utf8 { .. } => "the text is not UTF-8".to_owned(),
        _ => e.to_string(),
    };
    ParseError::new(line, message)
}

/// Checks a header against the expected column names (case-insensitive); `optional` may
/// follow the required ones.
fn check_header(
    reader: &mut csv::Reader<&[u8]>,
    required: &[&str],
    optional: &[&str],
) -> Result<usize, ParseError> {
    let header = reader.headers().map_err(|e| csv_error(&e))?.clone();
    let names: Vec<String> = header.iter().map(str::to_ascii_lowercase).collect();
    let want = required.join(",");
    let fits = names.len() >= required.len()
        && names.len() <= required.len() + optional.len()
        && names
            .iter()
            .zip(required.iter().chain(optional))
            .all(|(a, b)| a == b);
    if !fits {
        let extra = if optional.is_empty() {
            String::new()
        } else {
            format!("[,{}]", optional.join(","))
        };
        return Err(ParseError::new(
            1,
            format!(
                "expected the header {want}{extra}, found {:?}",
                names.join(",")
            ),
        ));
    }
    Ok(names.len())
}

fn intern(
    names: &mut Vec<String>,
    index: &mut std::collections::HashMap<String, u32>,
    name: &str,
) -> u32 {
    if let Some(&k) = index.get(name) {
        return k;
    }
    let k = names.len() as u32;
    names.push(name.to_owned());
    index.insert(name.to_owned(), k);
    k
}

/// Parses `person,post,score[,tier]` rows (names are any text; a tier is 1, 2, … and the
/// same on every row of a person).
pub fn pairs_csv(text: &str) -> Result<PairsCsv, ParseError> {
    let mut reader = csv_reader(text);
    let columns = check_header(&mut reader, &["person", "post", "score"], &["tier"])?;
    let with_tiers = columns == 4;
    let mut people = Vec::new();
    let mut posts = Vec::new();
    let mut person_index = std::collections::HashMap::new();
    let mut post_index = std::collections::HashMap::new();
    let mut raw = Vec::new();
    let mut tiers: Vec<(u16, usize)> = Vec::new();
    let mut decimals = 0;
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(&e)),
        }
        let line = record.position().map_or(0, |p| p.line() as usize);
        let person = &record[0];
        let post = &record[1];
        if person.is_empty() || post.is_empty() {
            return Err(ParseError::new(line, "person and post must not be empty"));
        }
        let (score, places) = decimal(&record[2]).ok_or_else(|| {
            ParseError::new(
                line,
                format!(
                    "score {:?} is not a decimal number with at most {MAX_DECIMALS} places and 15 digits before the point",
                    &record[2]
                ),
            )
        })?;
        decimals = decimals.max(places);
        let p = intern(&mut people, &mut person_index, person);
        let j = intern(&mut posts, &mut post_index, post);
        if with_tiers {
            let tier: u16 = record[3].parse().ok().filter(|&t| t >= 1).ok_or_else(|| {
                ParseError::new(line, format!("tier {:?} is not 1, 2, …", &record[3]))
            })?;
            if p as usize == tiers.len() {
                tiers.push((tier, line));
            } else if tiers[p as usize].0 != tier {
                return Err(ParseError::new(
                    line,
                    format!(
                        "{person:?} is in tier {tier} here but tier {} on line {}",
                        tiers[p as usize].0, tiers[p as usize].1
                    ),
                ));
            }
        }
        raw.push((p, j, score, places, line));
    }
    let mut pairs = Vec::with_capacity(raw.len());
    let mut seen = std::collections::HashMap::with_capacity(raw.len());
    for (p, j, score, places, line) in raw {
        let scaled = 10i64
            .checked_pow(decimals - places)
            .and_then(|f| score.checked_mul(f))
            .filter(|s| s.unsigned_abs() <= crate::cost::MAX_ABS_I64_COST as u64)
            .ok_or_else(|| ParseError::new(line, "score is too large in magnitude"))?;
        if let Some(first) = seen.insert((p, j), line) {
            return Err(ParseError::new(
                line,
                format!(
                    "the pair ({:?}, {:?}) is also on line {first}",
                    people[p as usize], posts[j as usize]
                ),
            ));
        }
        pairs.push((p, j, scaled));
    }
    Ok(PairsCsv {
        people,
        posts,
        pairs,
        decimals,
        tiers: with_tiers.then(|| tiers.into_iter().map(|t| t.0).collect()),
    })
}

/// Parses `post,capacity` rows into (post name, capacity, line).
pub fn capacities_csv(text: &str) -> Result<Vec<(String, u32, usize)>, ParseError> {
    let mut reader = csv_reader(text);
    check_header(&mut reader, &["post", "capacity"], &[])?;
    let mut out: Vec<(String, u32, usize)> = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&e))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let capacity: u32 = record[1].parse().map_err(|_| {
            ParseError::new(
                line,
                format!("capacity {:?} is not a whole number ≥ 0", &record[1]),
            )
        })?;
        if let Some(first) = seen.insert(record[0].to_owned(), line) {
            return Err(ParseError::new(
                line,
                format!("post {:?} is also on line {first}", &record[0]),
            ));
        }
        out.push((record[0].to_owned(), capacity, line));
    }
    Ok(out)
}

/// Parses preference rows `who,whom,rank` (rank 1 is best) into (who, whom, rank, line).
/// `header` names the columns, e.g. `["person", "post", "rank"]`.
pub fn preferences_csv(
    text: &str,
    header: [&str; 3],
) -> Result<Vec<(String, String, u32, usize)>, ParseError> {
    let mut reader = csv_reader(text);
    check_header(&mut reader, &header, &[])?;
    let mut out = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&e))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let rank: u32 = record[2].parse().ok().filter(|&r| r >= 1).ok_or_else(|| {
            ParseError::new(line, format!("rank {:?} is not 1, 2, …", &record[2]))
        })?;
        if record[0].is_empty() || record[1].is_empty() {
            return Err(ParseError::new(line, "names must not be empty"));
        }
        if let Some(first) = seen.insert((record[0].to_owned(), record[1].to_owned()), line) {
            return Err(ParseError::new(
                line,
                format!(
                    "{:?} ranks {:?} again (first on line {first})",
                    &record[0], &record[1]
                ),
            ));
        }
        out.push((record[0].to_owned(), record[1].to_owned(), rank, line));
    }
    Ok(out)
}

/// Parses a date `YYYY-MM-DD` into a day number (the Julian day).
pub fn day(text: &str) -> Option<i32> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text.trim(), &format)
        .ok()
        .map(time::Date::to_julian_day)
}

/// Columns every profiles CSV starts with; the strengths follow, one column each, named.
pub const PROFILE_COLUMNS: [&str; 10] = [
    "person",
    "grade",
    "weekly_hours",
    "easting",
    "northing",
    "max_travel_km",
    "sites",
    "preferred_areas",
    "qualifications",
    "experience",
];

fn list(field: &str) -> Vec<String> {
    field
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Parses profiles: the [`PROFILE_COLUMNS`], then one 0–5 column per strength. Lists are
/// `;`-separated; a qualification is `code` or `code@YYYY-MM-DD` (its last valid day);
/// experience is `area:months`. Returns the strength names and the profiles.
pub fn profiles_csv(text: &str) -> Result<(Vec<String>, Vec<crate::score::Profile>), ParseError> {
    use crate::score::{Experience, Place, Profile, Qualification};
    let mut reader = csv_reader(text);
    let header = reader.headers().map_err(|e| csv_error(&e))?.clone();
    let names: Vec<String> = header.iter().map(str::to_owned).collect();
    let fixed = PROFILE_COLUMNS.len();
    if names.len() <= fixed
        || !names
            .iter()
            .zip(PROFILE_COLUMNS)
            .all(|(a, b)| a.eq_ignore_ascii_case(b))
    {
        return Err(ParseError::new(
            1,
            format!(
                "expected the header {},<strength>,…",
                PROFILE_COLUMNS.join(",")
            ),
        ));
    }
    let strengths = names[fixed..].to_vec();
    let mut profiles = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&e))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let bad = |what: &str, value: &str| {
            ParseError::new(line, format!("{what} {value:?} is not valid"))
        };
        let field = |k: usize| record.get(k).unwrap_or("");
        let number = |k: usize, what: &str| -> Result<Option<i64>, ParseError> {
            let f = field(k);
            if f.is_empty() {
                return Ok(None);
            }
            f.parse::<i64>().map(Some).map_err(|_| bad(what, f))
        };
        let id = field(0).to_owned();
        if id.is_empty() {
            return Err(ParseError::new(line, "person must not be empty"));
        }
        let grade = number(1, "grade")?
            .and_then(|g| u8::try_from(g).ok())
            .ok_or_else(|| bad("grade", field(1)))?;
        let weekly_minutes = decimal(field(2))
            .filter(|&(v, places)| v >= 0 && places <= 2)
            .and_then(|(v, places)| u32::try_from(v * 60 / 10i64.pow(places)).ok())
            .ok_or_else(|| bad("weekly_hours", field(2)))?;
        let coordinate = |k: usize, what: &str| -> Result<Option<i32>, ParseError> {
            number(k, what)?
                .map(|v| i32::try_from(v).map_err(|_| bad(what, field(k))))
                .transpose()
        };
        let home = match (coordinate(3, "easting")?, coordinate(4, "northing")?) {
            (Some(easting), Some(northing)) => Some(Place { easting, northing }),
            (None, None) => None,
            _ => {
                return Err(ParseError::new(
                    line,
                    "give both easting and northing, or neither",
                ));
            }
        };
        let max_travel_km = number(5, "max_travel_km")?
            .map(|v| u32::try_from(v).map_err(|_| bad("max_travel_km", field(5))))
            .transpose()?;
        let mut qualifications = Vec::new();
        for q in list(field(8)) {
            let (code, expires) = match q.split_once('@') {
                Some((code, date)) => (
                    code,
                    Some(day(date).ok_or_else(|| bad("qualification date", date))?),
                ),
                None => (q.as_str(), None),
            };
            qualifications.push(Qualification {
                code: code.trim().to_owned(),
                expires,
            });
        }
        let mut experience = Vec::new();
        for e in list(field(9)) {
            let (area, months) = e.split_once(':').ok_or_else(|| bad("experience", &e))?;
            experience.push(Experience {
                area: area.trim().to_owned(),
                months: months
                    .trim()
                    .parse()
                    .map_err(|_| bad("experience months", months))?,
            });
        }
        let mut levels = Vec::with_capacity(strengths.len());
        for (k, name) in strengths.iter().enumerate() {
            let f = field(fixed + k);
            let level: u8 = f
                .parse()
                .ok()
                .filter(|&l| l <= crate::score::MAX_STRENGTH)
                .ok_or_else(|| {
                    ParseError::new(line, format!("strength {name:?} is {f:?}; expected 0–5"))
                })?;
            levels.push(level);
        }
        profiles.push(Profile {
            id,
            strengths: levels,
            qualifications,
            experience,
            grade,
            weekly_minutes,
            home,
            max_travel_km,
            sites: list(field(6)),
            preferred_areas: list(field(7)),
        });
    }
    Ok((strengths, profiles))
}

/// A vacancy as JSON, with strengths named as in the profiles' header.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct VacancyJson {
    id: String,
    service_area: String,
    #[serde(default)]
    essential: Vec<crate::score::EssentialQualification>,
    #[serde(default)]
    strengths: Vec<NamedStrength>,
    #[serde(default)]
    experience: Vec<crate::score::Experience>,
    grade_min: u8,
    grade_max: u8,
    weekly_hours: f64,
    site: String,
    #[serde(default)]
    location: Option<crate::score::Place>,
    #[serde(default)]
    remote: bool,
    #[serde(default)]
    training_limit_days: Option<u32>,
    #[serde(default)]
    training_days_per_strength_level: Option<u32>,
    #[serde(default)]
    weights: Option<crate::score::Weights>,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NamedStrength {
    strength: String,
    level: u8,
    weight: u8,
}

fn vacancy_from(v: VacancyJson, strengths: &[String]) -> Result<crate::score::Vacancy, String> {
    let mut desired = Vec::new();
    for s in v.strengths {
        let index = strengths
            .iter()
            .position(|n| n.eq_ignore_ascii_case(&s.strength))
            .ok_or_else(|| {
                format!(
                    "vacancy {}: strength {:?} is not in the framework",
                    v.id, s.strength
                )
            })?;
        if s.level > crate::score::MAX_STRENGTH {
            return Err(format!("vacancy {}: level {} is above 5", v.id, s.level));
        }
        desired.push(crate::score::DesiredStrength {
            strength: index,
            level: s.level,
            weight: s.weight,
        });
    }
    if !(0.0..=168.0).contains(&v.weekly_hours) {
        return Err(format!(
            "vacancy {}: weekly_hours {} is not 0–168",
            v.id, v.weekly_hours
        ));
    }
    Ok(crate::score::Vacancy {
        id: v.id,
        service_area: v.service_area,
        essential: v.essential,
        strengths: desired,
        experience: v.experience,
        grade_min: v.grade_min,
        grade_max: v.grade_max,
        weekly_minutes: (v.weekly_hours * 60.0).round() as u32,
        site: v.site,
        location: v.location,
        remote: v.remote,
        training_limit_days: v
            .training_limit_days
            .unwrap_or(crate::score::DEFAULT_TRAINING_LIMIT_DAYS),
        training_days_per_strength_level: v.training_days_per_strength_level.unwrap_or(10),
        weights: v.weights.unwrap_or_default(),
    })
}

/// Parses one vacancy (a JSON object) or several (an array), naming strengths as in
/// `strengths`.
pub fn vacancies_json(
    text: &str,
    strengths: &[String],
) -> Result<Vec<crate::score::Vacancy>, ParseError> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(Box<VacancyJson>),
        Many(Vec<VacancyJson>),
    }
    let parsed: OneOrMany = serde_json::from_str(text).map_err(|e| {
        // `untagged` hides the inner error; reparse as either shape to report its line.
        let detail = serde_json::from_str::<VacancyJson>(text)
            .err()
            .filter(|_| text.trim_start().starts_with('{'))
            .or_else(|| serde_json::from_str::<Vec<VacancyJson>>(text).err())
            .unwrap_or(e);
        ParseError::new(detail.line(), detail.to_string())
    })?;
    let list = match parsed {
        OneOrMany::One(v) => vec![*v],
        OneOrMany::Many(v) => v,
    };
    list.into_iter()
        .map(|v| vacancy_from(v, strengths).map_err(|m| ParseError::new(0, m)))
        .collect()
}
