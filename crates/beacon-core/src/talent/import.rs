//! Imports of staff, posts and vacancies from the CSV files an HR or payroll
//! system exports (DESIGN.md §3.2 "Import"). Columns are found by their
//! header names, in any order; each line becomes a typed row or a list of
//! problems, each naming its line and column. Every problem in the file is
//! reported, not only the first, so a file can be mended in one go. Writing
//! is all or nothing and happens elsewhere (`beacon_db::workforce`).
//!
//! Cells are kept as the text they are: a cell that a spreadsheet would take
//! for a formula ("=HYPERLINK(…)") is stored as that text and never
//! evaluated; pages escape it and downloads guard it.
use crate::account::Email;
use crate::pipeline::stages::ServiceArea;
use crate::pipeline::{Pence, vocabulary};
use crate::talent::{Grade, MAX_GRADE, PostStatus, VacancyStatus};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use time::{Date, Month};

/// The largest file accepted: 20 MB.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
/// The most lines accepted, the header included.
pub const MAX_LINES: usize = 100_000;
/// The longest text accepted in a cell.
pub const MAX_TEXT: usize = 200;
/// The longest summary of a vacancy.
pub const MAX_SUMMARY: usize = 5_000;
/// The longest list cell (a vacancy's qualifications, strengths, experience).
pub const MAX_LIST: usize = 2_000;

vocabulary! {
    /// What a file holds.
    ImportKind, "import kind" {
        Staff => "staff",
        Posts => "posts",
        Vacancies => "vacancies",
    }
}

/// A column a kind of file may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    pub name: &'static str,
    pub required: bool,
}

const fn req(name: &'static str) -> ColumnSpec {
    ColumnSpec {
        name,
        required: true,
    }
}

const fn opt(name: &'static str) -> ColumnSpec {
    ColumnSpec {
        name,
        required: false,
    }
}

const STAFF_COLUMNS: &[ColumnSpec] = &[
    req("employee_number"),
    req("name"),
    opt("email"),
    req("job_title"),
    req("grade"),
    req("weekly_hours"),
    opt("service_area"),
    opt("site"),
    opt("started_on"),
    opt("left_on"),
    opt("sex"),
    opt("ethnicity"),
    opt("disability"),
    opt("age_band"),
];

const POST_COLUMNS: &[ColumnSpec] = &[
    req("post_reference"),
    req("title"),
    req("service_area"),
    req("grade"),
    req("weekly_hours"),
    req("site"),
    opt("remote"),
    req("annual_cost"),
    opt("status"),
    opt("holder_employee_number"),
];

const VACANCY_COLUMNS: &[ColumnSpec] = &[
    req("post_reference"),
    req("title"),
    opt("summary"),
    req("service_area"),
    req("grade_min"),
    opt("grade_max"),
    req("weekly_hours"),
    req("site"),
    opt("remote"),
    opt("status"),
    opt("closes_on"),
    opt("essential_qualifications"),
    opt("desired_strengths"),
    opt("experience"),
];

impl ImportKind {
    /// The columns of this kind of file, in the order the documentation gives.
    pub fn columns(self) -> &'static [ColumnSpec] {
        match self {
            ImportKind::Staff => STAFF_COLUMNS,
            ImportKind::Posts => POST_COLUMNS,
            ImportKind::Vacancies => VACANCY_COLUMNS,
        }
    }
}

/// What is wrong, without where; `Problem::key` names it for translations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The file is larger than `MAX_BYTES`.
    TooLarge,
    /// The file has more than `MAX_LINES` lines.
    TooManyLines,
    /// The file is not UTF-8 text.
    NotText,
    /// The file has a header and nothing else, or nothing at all.
    Empty,
    /// A quoted cell never ends.
    UnclosedQuote,
    /// Text follows a closing quote in the same cell.
    TextAfterQuote,
    /// A required column is missing from the header.
    MissingColumn,
    /// A header names a column this kind of file does not have.
    UnknownColumn,
    /// A header names a column twice.
    RepeatedColumn,
    /// A line has a different number of cells from the header.
    CellCount {
        expected: usize,
        found: usize,
    },
    /// A required cell is empty.
    Required,
    /// Text longer than the limit, in characters.
    TooLong {
        max: usize,
    },
    /// Control characters other than line breaks.
    ControlCharacters,
    NotAWholeNumber,
    OutOfRange {
        min: i64,
        max: i64,
    },
    NotHours,
    NotMoney,
    NotADate,
    NotAnEmail,
    NotYesNo,
    /// A value outside the allowed list, which is given.
    NotAllowed {
        allowed: String,
    },
    /// The key (employee number, post reference) is already on another line.
    Repeated {
        first_line: usize,
    },
    /// The grade range ends below where it starts.
    GradeOrder,
    /// `left_on` is before `started_on`.
    DateOrder,
    /// The employee number the cell names is not among the organisation's
    /// staff (nor in this file).
    UnknownEmployee,
    /// The post reference names no post of the organisation.
    UnknownPost,
    /// The email is already linked to another staff record.
    EmailTaken,
    /// The post is held by someone already holding another post in this file.
    HolderRepeated {
        first_line: usize,
    },
    /// An item of a list cell is not in the column's documented form.
    BadItem {
        format: &'static str,
    },
    /// A list cell names the same thing twice.
    RepeatedItem,
    /// A desired strength names no strength of the organisation's framework.
    UnknownStrength,
    /// Training to close a gap takes longer than the organisation allows.
    TrainingOverLimit {
        max: u16,
    },
}

impl Problem {
    /// The translation key under `workforce.problem.`.
    pub fn key(&self) -> &'static str {
        match self {
            Problem::TooLarge => "too_large",
            Problem::TooManyLines => "too_many_lines",
            Problem::NotText => "not_text",
            Problem::Empty => "empty",
            Problem::UnclosedQuote => "unclosed_quote",
            Problem::TextAfterQuote => "text_after_quote",
            Problem::MissingColumn => "missing_column",
            Problem::UnknownColumn => "unknown_column",
            Problem::RepeatedColumn => "repeated_column",
            Problem::CellCount { .. } => "cell_count",
            Problem::Required => "required",
            Problem::TooLong { .. } => "too_long",
            Problem::ControlCharacters => "control_characters",
            Problem::NotAWholeNumber => "not_a_whole_number",
            Problem::OutOfRange { .. } => "out_of_range",
            Problem::NotHours => "not_hours",
            Problem::NotMoney => "not_money",
            Problem::NotADate => "not_a_date",
            Problem::NotAnEmail => "not_an_email",
            Problem::NotYesNo => "not_yes_no",
            Problem::NotAllowed { .. } => "not_allowed",
            Problem::Repeated { .. } => "repeated",
            Problem::GradeOrder => "grade_order",
            Problem::DateOrder => "date_order",
            Problem::UnknownEmployee => "unknown_employee",
            Problem::UnknownPost => "unknown_post",
            Problem::EmailTaken => "email_taken",
            Problem::HolderRepeated { .. } => "holder_repeated",
            Problem::BadItem { .. } => "bad_item",
            Problem::RepeatedItem => "repeated_item",
            Problem::UnknownStrength => "unknown_strength",
            Problem::TrainingOverLimit { .. } => "training_over_limit",
        }
    }

    /// The values a translation fills in: `{max}`, `{min}`, `{expected}`,
    /// `{found}`, `{allowed}`, `{line}`.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Problem::CellCount { expected, found } => vec![
                ("expected", expected.to_string()),
                ("found", found.to_string()),
            ],
            Problem::TooLong { max } => vec![("max", max.to_string())],
            Problem::OutOfRange { min, max } => {
                vec![("min", min.to_string()), ("max", max.to_string())]
            }
            Problem::NotAllowed { allowed } => vec![("allowed", allowed.clone())],
            Problem::Repeated { first_line } | Problem::HolderRepeated { first_line } => {
                vec![("line", first_line.to_string())]
            }
            Problem::BadItem { format } => vec![("format", (*format).to_owned())],
            Problem::TrainingOverLimit { max } => vec![("max", max.to_string())],
            Problem::TooLarge => vec![("max", "20 MB".to_owned())],
            Problem::TooManyLines => vec![("max", MAX_LINES.to_string())],
            _ => Vec::new(),
        }
    }
}

impl fmt::Display for Problem {
    /// English, for the command line; pages use the translations.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::TooLarge => write!(f, "the file is larger than 20 MB"),
            Problem::TooManyLines => write!(f, "the file has more than {MAX_LINES} lines"),
            Problem::NotText => write!(f, "the file is not UTF-8 text (save it as CSV UTF-8)"),
            Problem::Empty => write!(f, "the file has no rows under its header"),
            Problem::UnclosedQuote => write!(f, "a quoted cell is never closed"),
            Problem::TextAfterQuote => write!(f, "text follows a closing quote"),
            Problem::MissingColumn => write!(f, "this column is required but missing"),
            Problem::UnknownColumn => write!(f, "this column is not one Beacon knows"),
            Problem::RepeatedColumn => write!(f, "this column appears twice"),
            Problem::CellCount { expected, found } => {
                write!(f, "the line has {found} cells; the header has {expected}")
            }
            Problem::Required => write!(f, "this cell must not be empty"),
            Problem::TooLong { max } => write!(f, "this cell is longer than {max} characters"),
            Problem::ControlCharacters => write!(f, "this cell has control characters"),
            Problem::NotAWholeNumber => write!(f, "this must be a whole number"),
            Problem::OutOfRange { min, max } => write!(f, "this must be from {min} to {max}"),
            Problem::NotHours => write!(f, "this must be hours a week, like 37 or 22.5"),
            Problem::NotMoney => write!(f, "this must be an amount in pounds, like 32500.00"),
            Problem::NotADate => write!(f, "this must be a date, like 2026-04-01 or 01/04/2026"),
            Problem::NotAnEmail => write!(f, "this must be an email address"),
            Problem::NotYesNo => write!(f, "this must be yes or no"),
            Problem::NotAllowed { allowed } => write!(f, "this must be one of: {allowed}"),
            Problem::Repeated { first_line } => {
                write!(f, "this is already on line {first_line}")
            }
            Problem::GradeOrder => write!(f, "grade_max must not be below grade_min"),
            Problem::DateOrder => write!(f, "left_on must not be before started_on"),
            Problem::UnknownEmployee => write!(f, "no member of staff has this employee number"),
            Problem::UnknownPost => write!(f, "no post has this reference"),
            Problem::EmailTaken => write!(f, "this email belongs to another staff record"),
            Problem::HolderRepeated { first_line } => {
                write!(f, "this person already holds the post on line {first_line}")
            }
            Problem::BadItem { format } => {
                write!(
                    f,
                    "each item must be written {format}, items separated by ;"
                )
            }
            Problem::RepeatedItem => write!(f, "an item of this list appears twice"),
            Problem::UnknownStrength => {
                write!(f, "a strength here is not in the organisation's framework")
            }
            Problem::TrainingOverLimit { max } => {
                write!(f, "training may take at most {max} days")
            }
        }
    }
}

/// One problem, where it is: the line of the file (1 is the header) and the
/// column by its header name, when the problem is in one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub line: usize,
    pub column: Option<String>,
    pub problem: Problem,
}

impl ImportError {
    pub fn new(line: usize, column: Option<&str>, problem: Problem) -> Self {
        Self {
            line,
            column: column.map(str::to_owned),
            problem,
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(c) => write!(f, "line {}, column {c}: {}", self.line, self.problem),
            None => write!(f, "line {}: {}", self.line, self.problem),
        }
    }
}

// ---------------------------------------------------------------------------
// CSV (RFC 4180, as spreadsheets and payroll systems write it).

/// A record of the file and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub cells: Vec<String>,
}

/// Split CSV text into records: a byte order mark is dropped, lines may end
/// in CRLF or LF, cells may be quoted (with `""` for a quote) and hold commas
/// and line breaks. Blank lines are skipped.
pub fn records(text: &str) -> Result<Vec<Record>, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut line = 1usize;
    let mut start_line = 1usize;
    let mut chars = text.chars().peekable();
    let mut in_quotes = false;
    let mut quoted_cell = false;
    let mut after_quote = false;
    let mut any = false;
    let mut physical_lines = 1usize;
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => {
                    in_quotes = false;
                    after_quote = true;
                }
                '\n' => {
                    line += 1;
                    cell.push('\n');
                }
                '\r' if chars.peek() == Some(&'\n') => {}
                c => cell.push(c),
            }
            continue;
        }
        match c {
            '"' if cell.is_empty() && !quoted_cell => {
                in_quotes = true;
                quoted_cell = true;
                any = true;
            }
            ',' => {
                cells.push(std::mem::take(&mut cell));
                quoted_cell = false;
                after_quote = false;
                any = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                cells.push(std::mem::take(&mut cell));
                if any || cells.iter().any(|c| !c.is_empty()) {
                    out.push(Record {
                        line: start_line,
                        cells: std::mem::take(&mut cells),
                    });
                } else {
                    cells.clear();
                }
                line += 1;
                physical_lines += 1;
                if physical_lines > MAX_LINES + 1 {
                    return Err(ImportError::new(line, None, Problem::TooManyLines));
                }
                start_line = line;
                quoted_cell = false;
                after_quote = false;
                any = false;
            }
            c => {
                if after_quote {
                    return Err(ImportError::new(line, None, Problem::TextAfterQuote));
                }
                cell.push(c);
                any = true;
            }
        }
    }
    if in_quotes {
        return Err(ImportError::new(start_line, None, Problem::UnclosedQuote));
    }
    cells.push(cell);
    if any || cells.iter().any(|c| !c.is_empty()) {
        out.push(Record {
            line: start_line,
            cells,
        });
    }
    if out.len() > MAX_LINES {
        return Err(ImportError::new(MAX_LINES + 1, None, Problem::TooManyLines));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Typed rows.

/// A value that came from a line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub line: usize,
    pub row: T,
}

vocabulary! {
    /// Sex, as equality monitoring records it.
    Sex, "sex" {
        Female => "female",
        Male => "male",
        NotSaid => "prefer_not_to_say",
    }
}

vocabulary! {
    /// The Office for National Statistics' five broad ethnic groups.
    Ethnicity, "ethnicity" {
        Asian => "asian",
        Black => "black",
        Mixed => "mixed",
        White => "white",
        Other => "other",
        NotSaid => "prefer_not_to_say",
    }
}

vocabulary! {
    /// Whether the person considers themselves disabled (Equality Act 2010).
    Disability, "disability" {
        Yes => "yes",
        No => "no",
        NotSaid => "prefer_not_to_say",
    }
}

vocabulary! {
    AgeBand, "age band" {
        UpTo24 => "16-24",
        From25 => "25-34",
        From35 => "35-44",
        From45 => "45-54",
        From55 => "55-64",
        From65 => "65+",
    }
}

/// Equality monitoring for one person; any of it may be unrecorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Equality {
    pub sex: Option<Sex>,
    pub ethnicity: Option<Ethnicity>,
    pub disability: Option<Disability>,
    pub age_band: Option<AgeBand>,
}

impl Equality {
    pub fn is_empty(&self) -> bool {
        *self == Equality::default()
    }

    /// What a record holds after an import: the file's value for each
    /// column the file has, and what was recorded before for the others, so
    /// a file without equality columns never empties them.
    pub fn merged(self, given: EqualityColumns, before: Equality) -> Equality {
        Equality {
            sex: if given.sex { self.sex } else { before.sex },
            ethnicity: if given.ethnicity {
                self.ethnicity
            } else {
                before.ethnicity
            },
            disability: if given.disability {
                self.disability
            } else {
                before.disability
            },
            age_band: if given.age_band {
                self.age_band
            } else {
                before.age_band
            },
        }
    }
}

/// Which equality columns a staff file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EqualityColumns {
    pub sex: bool,
    pub ethnicity: bool,
    pub disability: bool,
    pub age_band: bool,
}

impl EqualityColumns {
    pub fn any(&self) -> bool {
        self.sex || self.ethnicity || self.disability || self.age_band
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRow {
    pub employee_number: String,
    pub name: String,
    /// Lower-cased, to link to an account with the same address.
    pub email: Option<String>,
    pub job_title: String,
    pub grade: Grade,
    pub weekly_minutes: u32,
    pub service_area: Option<String>,
    pub site: Option<String>,
    pub started_on: Option<Date>,
    pub left_on: Option<Date>,
    pub equality: Equality,
    /// The equality columns the file has: only those are written.
    pub equality_columns: EqualityColumns,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostRow {
    pub reference: String,
    pub title: String,
    pub service_area: String,
    pub grade: Grade,
    pub weekly_minutes: u32,
    pub site: String,
    pub remote: bool,
    pub annual_cost_pence: Pence,
    /// When the file says nothing: filled when it names a holder, else vacant.
    pub status: PostStatus,
    pub holder: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VacancyRow {
    pub post_reference: String,
    pub title: String,
    pub summary: String,
    pub service_area: String,
    pub grade_min: Grade,
    pub grade_max: Grade,
    pub weekly_minutes: u32,
    pub site: String,
    pub remote: bool,
    /// Held for the pool unless the file says otherwise.
    pub status: VacancyStatus,
    pub closes_on: Option<Date>,
    /// Each list is `None` when the file has no such column: a vacancy
    /// updated from it keeps what it asked for before.
    pub essentials: Option<Vec<EssentialItem>>,
    pub strengths: Option<Vec<StrengthItem>>,
    pub experience: Option<Vec<ExperienceItem>>,
}

/// An essential qualification of a vacancy: `code|title|training days`,
/// the days (how long training closes the gap) left out when it cannot be
/// trained for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EssentialItem {
    pub code: String,
    pub title: String,
    pub training_days: Option<u16>,
}

/// A desired strength by its name in the framework: `name|level|weight`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrengthItem {
    pub name: String,
    pub level: u8,
    pub weight: u8,
}

/// Experience asked for: `service area|months`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExperienceItem {
    pub service_area: String,
    pub months: i32,
}

/// The documented form of each list column's items.
pub const ESSENTIAL_FORMAT: &str = "code|title|training days (days optional)";
pub const STRENGTH_FORMAT: &str = "strength|level|weight";
pub const EXPERIENCE_FORMAT: &str = "service area|months";

/// A parsed file: every row, or every problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rows {
    Staff(Vec<Located<StaffRow>>),
    Posts(Vec<Located<PostRow>>),
    Vacancies(Vec<Located<VacancyRow>>),
}

impl Rows {
    pub fn len(&self) -> usize {
        match self {
            Rows::Staff(r) => r.len(),
            Rows::Posts(r) => r.len(),
            Rows::Vacancies(r) => r.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Read a file of `kind` from its bytes: every row, or every problem found.
pub fn parse(kind: ImportKind, bytes: &[u8]) -> Result<Rows, Vec<ImportError>> {
    if bytes.len() > MAX_BYTES {
        return Err(vec![ImportError::new(0, None, Problem::TooLarge)]);
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| vec![ImportError::new(0, None, Problem::NotText)])?;
    let records = records(text).map_err(|e| vec![e])?;
    let mut records = records.into_iter();
    let Some(header) = records.next() else {
        return Err(vec![ImportError::new(1, None, Problem::Empty)]);
    };
    let table = Table::new(kind, &header)?;
    let body: Vec<Record> = records.collect();
    if body.is_empty() {
        return Err(vec![ImportError::new(2, None, Problem::Empty)]);
    }
    let mut errors = Vec::new();
    let rows = match kind {
        ImportKind::Staff => Rows::Staff(table.rows(&body, &mut errors, staff_row)),
        ImportKind::Posts => Rows::Posts(table.rows(&body, &mut errors, post_row)),
        ImportKind::Vacancies => Rows::Vacancies(table.rows(&body, &mut errors, vacancy_row)),
    };
    match &rows {
        Rows::Staff(r) => repeated(
            r,
            |s| s.employee_number.to_lowercase(),
            "employee_number",
            &mut errors,
        ),
        Rows::Posts(r) => repeated(
            r,
            |p| p.reference.to_lowercase(),
            "post_reference",
            &mut errors,
        ),
        Rows::Vacancies(r) => repeated(
            r,
            |v| v.post_reference.to_lowercase(),
            "post_reference",
            &mut errors,
        ),
    }
    if let Rows::Staff(r) = &rows {
        repeated_opt(r, |s| s.email.clone(), "email", &mut errors);
    }
    if let Rows::Posts(r) = &rows {
        let mut first: HashMap<String, usize> = HashMap::new();
        for p in r {
            if let Some(h) = &p.row.holder {
                if let Some(&line) = first.get(&h.to_lowercase()) {
                    errors.push(ImportError::new(
                        p.line,
                        Some("holder_employee_number"),
                        Problem::HolderRepeated { first_line: line },
                    ));
                } else {
                    first.insert(h.to_lowercase(), p.line);
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        errors.sort_by_key(|e| e.line);
        Err(errors)
    }
}

fn repeated<T>(
    rows: &[Located<T>],
    key: impl Fn(&T) -> String,
    column: &str,
    errors: &mut Vec<ImportError>,
) {
    repeated_opt(rows, |r| Some(key(r)), column, errors);
}

fn repeated_opt<T>(
    rows: &[Located<T>],
    key: impl Fn(&T) -> Option<String>,
    column: &str,
    errors: &mut Vec<ImportError>,
) {
    let mut first: HashMap<String, usize> = HashMap::new();
    for r in rows {
        let Some(k) = key(&r.row) else { continue };
        match first.get(&k) {
            Some(&line) => errors.push(ImportError::new(
                r.line,
                Some(column),
                Problem::Repeated { first_line: line },
            )),
            None => {
                first.insert(k, r.line);
            }
        }
    }
}

/// The header of a file: which cell holds which column.
struct Table {
    positions: HashMap<&'static str, usize>,
    width: usize,
}

impl Table {
    fn new(kind: ImportKind, header: &Record) -> Result<Self, Vec<ImportError>> {
        let specs = kind.columns();
        let mut errors = Vec::new();
        let mut positions = HashMap::new();
        for (i, raw) in header.cells.iter().enumerate() {
            let name = raw.trim().to_lowercase().replace([' ', '-'], "_");
            if name.is_empty() && i + 1 == header.cells.len() && i > 0 {
                // A trailing comma after the last header.
                continue;
            }
            match specs.iter().find(|s| s.name == name) {
                Some(spec) => {
                    if positions.insert(spec.name, i).is_some() {
                        errors.push(ImportError::new(
                            header.line,
                            Some(spec.name),
                            Problem::RepeatedColumn,
                        ));
                    }
                }
                None => errors.push(ImportError::new(
                    header.line,
                    Some(&printable(raw)),
                    Problem::UnknownColumn,
                )),
            }
        }
        for spec in specs {
            if spec.required && !positions.contains_key(spec.name) {
                errors.push(ImportError::new(
                    header.line,
                    Some(spec.name),
                    Problem::MissingColumn,
                ));
            }
        }
        if errors.is_empty() {
            Ok(Table {
                positions,
                width: header.cells.len(),
            })
        } else {
            Err(errors)
        }
    }

    fn rows<T>(
        &self,
        body: &[Record],
        errors: &mut Vec<ImportError>,
        build: impl Fn(&mut Cells<'_>) -> Option<T>,
    ) -> Vec<Located<T>> {
        let mut out = Vec::with_capacity(body.len());
        for record in body {
            let mut found = record.cells.len();
            // Exports often end each line with a comma, or drop empty cells
            // at the end; neither changes what the line says.
            while found > self.width && record.cells[found - 1].trim().is_empty() {
                found -= 1;
            }
            if found > self.width {
                errors.push(ImportError::new(
                    record.line,
                    None,
                    Problem::CellCount {
                        expected: self.width,
                        found,
                    },
                ));
                continue;
            }
            let mut cells = Cells {
                table: self,
                record,
                errors: Vec::new(),
            };
            let row = build(&mut cells);
            if cells.errors.is_empty() {
                if let Some(row) = row {
                    out.push(Located {
                        line: record.line,
                        row,
                    });
                }
            } else {
                errors.append(&mut cells.errors);
            }
        }
        out
    }
}

/// A column name as given, shortened and stripped of control characters, fit
/// to be quoted back in an error.
fn printable(raw: &str) -> String {
    raw.chars().filter(|c| !c.is_control()).take(60).collect()
}

/// The cells of one line, read by column name; problems are collected.
struct Cells<'a> {
    table: &'a Table,
    record: &'a Record,
    errors: Vec<ImportError>,
}

impl Cells<'_> {
    /// Whether the file has this column at all.
    fn has(&self, column: &str) -> bool {
        self.table.positions.contains_key(column)
    }

    /// The items of a list cell (`a|b; c|d`), each split into its parts;
    /// `None` when the file has no such column. Empty items are skipped.
    fn items(&mut self, column: &str, max: usize) -> Option<Option<Vec<Vec<String>>>> {
        if !self.has(column) {
            return Some(None);
        }
        let raw = self.text_max(column, max)?;
        if raw.contains('\n') {
            self.fail(column, Problem::ControlCharacters);
            return None;
        }
        Some(Some(
            raw.split(';')
                .map(str::trim)
                .filter(|i| !i.is_empty())
                .map(|i| i.split('|').map(|p| p.trim().to_owned()).collect())
                .collect(),
        ))
    }

    fn essentials(&mut self) -> Option<Option<Vec<EssentialItem>>> {
        const COLUMN: &str = "essential_qualifications";
        let bad = Problem::BadItem {
            format: ESSENTIAL_FORMAT,
        };
        let Some(items) = self.items(COLUMN, MAX_LIST)? else {
            return Some(None);
        };
        let mut out: Vec<EssentialItem> = Vec::new();
        let mut ok = true;
        for parts in items {
            let (code, title, days) = match parts.as_slice() {
                [c, t] => (c, t, None),
                [c, t, d] => (c, t, Some(d)),
                _ => {
                    self.fail(COLUMN, bad.clone());
                    ok = false;
                    continue;
                }
            };
            let code = code.to_lowercase();
            let good_code = !code.is_empty()
                && code.len() <= crate::talent::vacancies::MAX_CODE
                && code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            let good_title =
                !title.is_empty() && title.chars().count() <= crate::talent::vacancies::MAX_TITLE;
            let training_days = match days.map(|d| d.parse::<u16>()) {
                None => Some(None),
                Some(Ok(d)) if d >= 1 => Some(Some(d)),
                Some(_) => None,
            };
            let (true, true, Some(training_days)) = (good_code, good_title, training_days) else {
                self.fail(COLUMN, bad.clone());
                ok = false;
                continue;
            };
            if out.iter().any(|e| e.code == code) {
                self.fail(COLUMN, Problem::RepeatedItem);
                ok = false;
                continue;
            }
            out.push(EssentialItem {
                code,
                title: title.clone(),
                training_days,
            });
        }
        ok.then_some(Some(out))
    }

    fn strengths(&mut self) -> Option<Option<Vec<StrengthItem>>> {
        const COLUMN: &str = "desired_strengths";
        let bad = Problem::BadItem {
            format: STRENGTH_FORMAT,
        };
        let Some(items) = self.items(COLUMN, MAX_LIST)? else {
            return Some(None);
        };
        let mut out: Vec<StrengthItem> = Vec::new();
        let mut ok = true;
        for parts in items {
            let [name, level, weight] = parts.as_slice() else {
                self.fail(COLUMN, bad.clone());
                ok = false;
                continue;
            };
            let level = level
                .parse::<u8>()
                .ok()
                .filter(|l| (1..=crate::talent::strengths::MAX_LEVEL).contains(l));
            let weight = weight
                .parse::<u8>()
                .ok()
                .filter(|w| (1..=crate::talent::vacancies::MAX_WEIGHT).contains(w));
            let (false, Some(level), Some(weight)) = (name.is_empty(), level, weight) else {
                self.fail(COLUMN, bad.clone());
                ok = false;
                continue;
            };
            if out
                .iter()
                .any(|s| s.name.to_lowercase() == name.to_lowercase())
            {
                self.fail(COLUMN, Problem::RepeatedItem);
                ok = false;
                continue;
            }
            out.push(StrengthItem {
                name: name.clone(),
                level,
                weight,
            });
        }
        ok.then_some(Some(out))
    }

    fn experience(&mut self) -> Option<Option<Vec<ExperienceItem>>> {
        const COLUMN: &str = "experience";
        let bad = Problem::BadItem {
            format: EXPERIENCE_FORMAT,
        };
        let Some(items) = self.items(COLUMN, MAX_LIST)? else {
            return Some(None);
        };
        let mut out: Vec<ExperienceItem> = Vec::new();
        let mut ok = true;
        for parts in items {
            let [area, months] = parts.as_slice() else {
                self.fail(COLUMN, bad.clone());
                ok = false;
                continue;
            };
            let area = area.to_lowercase().replace(' ', "_");
            let known = area.parse::<ServiceArea>().is_ok();
            let months = months
                .parse::<i32>()
                .ok()
                .filter(|m| (1..=crate::talent::vacancies::MAX_EXPERIENCE_MONTHS).contains(m));
            let (true, Some(months)) = (known, months) else {
                self.fail(COLUMN, bad.clone());
                ok = false;
                continue;
            };
            if out.iter().any(|x| x.service_area == area) {
                self.fail(COLUMN, Problem::RepeatedItem);
                ok = false;
                continue;
            }
            out.push(ExperienceItem {
                service_area: area,
                months,
            });
        }
        ok.then_some(Some(out))
    }

    fn raw(&self, column: &str) -> &str {
        self.table
            .positions
            .get(column)
            .and_then(|&i| self.record.cells.get(i))
            .map_or("", |s| s.trim())
    }

    fn fail(&mut self, column: &str, problem: Problem) {
        self.errors
            .push(ImportError::new(self.record.line, Some(column), problem));
    }

    fn text_max(&mut self, column: &str, max: usize) -> Option<String> {
        let raw = self.raw(column).to_owned();
        if raw.is_empty() {
            return Some(raw);
        }
        if raw.chars().count() > max {
            self.fail(column, Problem::TooLong { max });
            return None;
        }
        if raw
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            self.fail(column, Problem::ControlCharacters);
            return None;
        }
        Some(raw)
    }

    fn optional(&mut self, column: &str) -> Option<String> {
        self.text_max(column, MAX_TEXT).filter(|s| !s.is_empty())
    }

    fn required(&mut self, column: &str) -> Option<String> {
        let v = self.text_max(column, MAX_TEXT)?;
        if v.is_empty() {
            self.fail(column, Problem::Required);
            return None;
        }
        if v.contains('\n') {
            self.fail(column, Problem::ControlCharacters);
            return None;
        }
        Some(v)
    }

    fn grade(&mut self, column: &str, required: bool) -> Option<Option<Grade>> {
        let raw = self.raw(column).to_owned();
        if raw.is_empty() {
            if required {
                self.fail(column, Problem::Required);
                return None;
            }
            return Some(None);
        }
        match raw.parse::<i64>() {
            Ok(n) if (1..=i64::from(MAX_GRADE)).contains(&n) => Some(Grade::try_from(n).ok()),
            Ok(_) => {
                self.fail(
                    column,
                    Problem::OutOfRange {
                        min: 1,
                        max: i64::from(MAX_GRADE),
                    },
                );
                None
            }
            Err(_) => {
                self.fail(column, Problem::NotAWholeNumber);
                None
            }
        }
    }

    fn hours(&mut self, column: &str) -> Option<u32> {
        let raw = self.raw(column).to_owned();
        if raw.is_empty() {
            self.fail(column, Problem::Required);
            return None;
        }
        match parse_hours(&raw) {
            Some(m) if (1..=60 * 60).contains(&m) => Some(m),
            Some(_) => {
                self.fail(column, Problem::OutOfRange { min: 0, max: 60 });
                None
            }
            None => {
                self.fail(column, Problem::NotHours);
                None
            }
        }
    }

    fn date(&mut self, column: &str) -> Option<Option<Date>> {
        let raw = self.raw(column).to_owned();
        if raw.is_empty() {
            return Some(None);
        }
        match parse_date(&raw) {
            Some(d) => Some(Some(d)),
            None => {
                self.fail(column, Problem::NotADate);
                None
            }
        }
    }

    fn yes_no(&mut self, column: &str) -> Option<bool> {
        match self.raw(column).to_lowercase().as_str() {
            "" | "no" | "n" | "false" | "0" => Some(false),
            "yes" | "y" | "true" | "1" => Some(true),
            _ => {
                self.fail(column, Problem::NotYesNo);
                None
            }
        }
    }

    fn choice<T: std::str::FromStr + Copy>(
        &mut self,
        column: &str,
        all: &[T],
        key: impl Fn(T) -> &'static str,
    ) -> Option<Option<T>> {
        let raw = self.raw(column).to_lowercase().replace(' ', "_");
        if raw.is_empty() {
            return Some(None);
        }
        match all.iter().copied().find(|v| key(*v) == raw) {
            Some(v) => Some(Some(v)),
            None => {
                let allowed: Vec<&str> = all.iter().map(|v| key(*v)).collect();
                self.fail(
                    column,
                    Problem::NotAllowed {
                        allowed: allowed.join(", "),
                    },
                );
                None
            }
        }
    }
}

/// "37", "22.5", "37:30" hours a week as minutes.
pub fn parse_hours(raw: &str) -> Option<u32> {
    let s = raw.trim();
    if let Some((h, m)) = s.split_once(':') {
        let h: u32 = digits(h)?;
        let m: u32 = digits(m)?;
        if m >= 60 {
            return None;
        }
        return h.checked_mul(60)?.checked_add(m);
    }
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    let h: u32 = digits(whole)?;
    let mut minutes = h.checked_mul(60)?;
    if !frac.is_empty() {
        if frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let hundredths: u32 = format!("{frac:0<2}").parse().ok()?;
        // Hundredths of an hour to whole minutes, rounded to nearest.
        minutes = minutes.checked_add((hundredths * 60 + 50) / 100)?;
    }
    Some(minutes)
}

fn digits<T: std::str::FromStr>(s: &str) -> Option<T> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || s.len() > 9 {
        return None;
    }
    s.parse().ok()
}

/// Pounds ("32500", "32,500.00", "£32500.5") as pence; never negative.
pub fn parse_money(raw: &str) -> Option<Pence> {
    let s = raw.trim();
    let s = s.strip_prefix('£').unwrap_or(s);
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    let groups: Vec<&str> = whole.split(',').collect();
    if groups.len() > 1
        && (groups[0].is_empty() || groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3))
    {
        return None;
    }
    let whole: String = groups.concat();
    let pounds: i64 = digits(&whole)?;
    let pence = match frac.len() {
        0 if !s.ends_with('.') => 0,
        1 | 2 if frac.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{frac:0<2}").parse::<i64>().ok()?
        }
        _ => return None,
    };
    pounds.checked_mul(100)?.checked_add(pence)
}

/// "2026-04-01" (ISO 8601) or "01/04/2026" (day first, as UK payroll
/// systems write it).
pub fn parse_date(raw: &str) -> Option<Date> {
    let s = raw.trim();
    let (y, m, d) = if let Some((y, rest)) = s.split_once('-') {
        let (m, d) = rest.split_once('-')?;
        (y, m, d)
    } else {
        let (d, rest) = s.split_once('/')?;
        let (m, y) = rest.split_once('/')?;
        (y, m, d)
    };
    if y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
        return None;
    }
    let year: i32 = digits(y)?;
    let month: u8 = digits(m)?;
    let day: u8 = digits(d)?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

fn staff_row(c: &mut Cells<'_>) -> Option<StaffRow> {
    let employee_number = c.required("employee_number");
    let name = c.required("name");
    let email = match c.optional("email") {
        None => Some(None),
        Some(raw) => match Email::parse(&raw) {
            Ok(_) => Some(Some(raw.to_lowercase())),
            Err(_) => {
                c.fail("email", Problem::NotAnEmail);
                None
            }
        },
    };
    let job_title = c.required("job_title");
    let grade = c.grade("grade", true);
    let weekly_minutes = c.hours("weekly_hours");
    let service_area = c.optional("service_area");
    let site = c.optional("site");
    let started_on = c.date("started_on");
    let left_on = c.date("left_on");
    let sex = c.choice("sex", Sex::ALL, Sex::key);
    let ethnicity = c.choice("ethnicity", Ethnicity::ALL, Ethnicity::key);
    let disability = c.choice("disability", Disability::ALL, Disability::key);
    let age_band = c.choice("age_band", AgeBand::ALL, AgeBand::key);
    if let (Some(Some(s)), Some(Some(l))) = (started_on, left_on)
        && l < s
    {
        c.fail("left_on", Problem::DateOrder);
    }
    let equality_columns = EqualityColumns {
        sex: c.has("sex"),
        ethnicity: c.has("ethnicity"),
        disability: c.has("disability"),
        age_band: c.has("age_band"),
    };
    Some(StaffRow {
        employee_number: employee_number?,
        name: name?,
        email: email?,
        job_title: job_title?,
        grade: grade??,
        weekly_minutes: weekly_minutes?,
        service_area,
        site,
        started_on: started_on?,
        left_on: left_on?,
        equality: Equality {
            sex: sex?,
            ethnicity: ethnicity?,
            disability: disability?,
            age_band: age_band?,
        },
        equality_columns,
    })
}

fn post_row(c: &mut Cells<'_>) -> Option<PostRow> {
    let reference = c.required("post_reference");
    let title = c.required("title");
    let service_area = c.required("service_area");
    let grade = c.grade("grade", true);
    let weekly_minutes = c.hours("weekly_hours");
    let site = c.required("site");
    let remote = c.yes_no("remote");
    let cost_raw = c.raw("annual_cost").to_owned();
    let annual_cost_pence = if cost_raw.is_empty() {
        c.fail("annual_cost", Problem::Required);
        None
    } else {
        let v = parse_money(&cost_raw);
        if v.is_none() {
            c.fail("annual_cost", Problem::NotMoney);
        }
        v
    };
    let status = c.choice("status", PostStatus::ALL, PostStatus::key);
    let holder = c.optional("holder_employee_number");
    let status = status?.unwrap_or(if holder.is_some() {
        PostStatus::Filled
    } else {
        PostStatus::Vacant
    });
    Some(PostRow {
        reference: reference?,
        title: title?,
        service_area: service_area?,
        grade: grade??,
        weekly_minutes: weekly_minutes?,
        site: site?,
        remote: remote?,
        annual_cost_pence: annual_cost_pence?,
        status,
        holder,
    })
}

fn vacancy_row(c: &mut Cells<'_>) -> Option<VacancyRow> {
    let post_reference = c.required("post_reference");
    let title = c.required("title");
    let summary = c.text_max("summary", MAX_SUMMARY);
    let service_area = c.required("service_area");
    let grade_min = c.grade("grade_min", true);
    let grade_max = c.grade("grade_max", false);
    let weekly_minutes = c.hours("weekly_hours");
    let site = c.required("site");
    let remote = c.yes_no("remote");
    let status = c.choice("status", VacancyStatus::ALL, VacancyStatus::key);
    let closes_on = c.date("closes_on");
    let essentials = c.essentials();
    let strengths = c.strengths();
    let experience = c.experience();
    let grade_min = grade_min??;
    let grade_max = grade_max?.unwrap_or(grade_min);
    if grade_max < grade_min {
        c.fail("grade_max", Problem::GradeOrder);
        return None;
    }
    Some(VacancyRow {
        post_reference: post_reference?,
        title: title?,
        summary: summary?,
        service_area: service_area?,
        grade_min,
        grade_max,
        weekly_minutes: weekly_minutes?,
        site: site?,
        remote: remote?,
        status: status?.unwrap_or(VacancyStatus::PoolOnly),
        closes_on: closes_on?,
        essentials: essentials?,
        strengths: strengths?,
        experience: experience?,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::needless_range_loop)]
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    const STAFF_HEADER: &str = "employee_number,name,email,job_title,grade,weekly_hours,service_area,site,started_on,left_on,sex,ethnicity,disability,age_band";

    fn staff(lines: &[&str]) -> Result<Rows, Vec<ImportError>> {
        let text = format!("{STAFF_HEADER}\n{}\n", lines.join("\n"));
        parse(ImportKind::Staff, text.as_bytes())
    }

    fn errors(r: Result<Rows, Vec<ImportError>>) -> Vec<(usize, Option<String>, &'static str)> {
        r.expect_err("should fail")
            .into_iter()
            .map(|e| (e.line, e.column, e.problem.key()))
            .collect()
    }

    #[test]
    fn a_good_staff_file_becomes_typed_rows() {
        let rows = staff(&[
            "E1,Ana Hughes,Ana@Example.org,Librarian,5,37,libraries,Central,2019-04-01,,female,white,no,35-44",
            "E2,Bryn Jones,,Driver,3,22.5,,,01/09/2020,,,,,",
        ])
        .expect("parses");
        let Rows::Staff(rows) = rows else {
            panic!("staff")
        };
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].row.email.as_deref(), Some("ana@example.org"));
        assert_eq!(rows[0].row.weekly_minutes, 37 * 60);
        assert_eq!(rows[0].row.equality.sex, Some(Sex::Female));
        assert_eq!(rows[0].row.equality.age_band, Some(AgeBand::From35));
        assert_eq!(rows[1].row.weekly_minutes, 22 * 60 + 30);
        assert_eq!(rows[1].row.started_on, Some(date!(2020 - 09 - 01)));
        assert!(rows[1].row.equality.is_empty());
    }

    #[test]
    fn every_columns_errors_are_reported_with_lines() {
        let found = errors(staff(&[
            ",,not-an-email,,0,x,,,2020-13-01,,robot,,maybe,",
            "E2,Ok,,Title,21,80,,,,,,,,",
            "E3,Ok,,Title,5,37,,,2020-01-02,2020-01-01,,,,",
        ]));
        let expect = [
            (2, "employee_number", "required"),
            (2, "name", "required"),
            (2, "email", "not_an_email"),
            (2, "job_title", "required"),
            (2, "grade", "out_of_range"),
            (2, "weekly_hours", "not_hours"),
            (2, "started_on", "not_a_date"),
            (2, "sex", "not_allowed"),
            (2, "disability", "not_allowed"),
            (3, "grade", "out_of_range"),
            (3, "weekly_hours", "out_of_range"),
            (4, "left_on", "date_order"),
        ];
        for (line, column, key) in expect {
            assert!(
                found
                    .iter()
                    .any(|(l, c, k)| *l == line && c.as_deref() == Some(column) && *k == key),
                "missing {line} {column} {key} in {found:?}"
            );
        }
    }

    #[test]
    fn headers_are_checked() {
        let r = parse(
            ImportKind::Staff,
            b"employee_number,name,Name,colour\nE1,A,B,red\n",
        );
        let found = errors(r);
        assert!(found.contains(&(1, Some("name".into()), "repeated_column")));
        assert!(found.contains(&(1, Some("colour".into()), "unknown_column")));
        assert!(found.contains(&(1, Some("job_title".into()), "missing_column")));
        assert!(found.contains(&(1, Some("grade".into()), "missing_column")));
    }

    #[test]
    fn columns_may_come_in_any_order_and_any_case() {
        let r = parse(
            ImportKind::Staff,
            b"Weekly Hours,Grade,Job Title,Name,Employee Number\n37,4,Clerk,Ceri,E9\n",
        )
        .expect("parses");
        assert_eq!(r.len(), 1);
    }

    #[test]
    fn bom_crlf_quotes_and_line_breaks() {
        let text = "\u{feff}employee_number,name,job_title,grade,weekly_hours\r\n\
                    E1,\"Hughes, Ana\",\"Says \"\"hi\"\"\",4,37\r\n\
                    \r\n\
                    E2,\"Two\nLines\",Clerk,4,37\r\n\
                    E3,Bad,Clerk,x,37\r\n";
        let found = errors(parse(ImportKind::Staff, text.as_bytes()));
        // The quoted line break in E2's name counts: E3 is on line 6.
        assert!(found.contains(&(6, Some("grade".into()), "not_a_whole_number")));
        // A name may not hold a line break.
        assert!(found.contains(&(4, Some("name".into()), "control_characters")));
        let good = "\u{feff}employee_number,name,job_title,grade,weekly_hours\r\n\
                    E1,\"Hughes, Ana\",\"Says \"\"hi\"\"\",4,37\r\n";
        let Ok(Rows::Staff(rows)) = parse(ImportKind::Staff, good.as_bytes()) else {
            panic!("parses")
        };
        assert_eq!(rows[0].row.name, "Hughes, Ana");
        assert_eq!(rows[0].row.job_title, "Says \"hi\"");
    }

    #[test]
    fn broken_quoting_is_named() {
        let r = parse(
            ImportKind::Staff,
            b"employee_number,name,job_title,grade,weekly_hours\nE1,\"open,Clerk,4,37\n",
        );
        assert_eq!(errors(r), vec![(2, None, "unclosed_quote")]);
        let r = parse(
            ImportKind::Staff,
            b"employee_number,name,job_title,grade,weekly_hours\nE1,\"a\"b,Clerk,4,37\n",
        );
        assert_eq!(errors(r), vec![(2, None, "text_after_quote")]);
    }

    #[test]
    fn cell_counts_duplicates_and_empty_files() {
        let r = parse(
            ImportKind::Staff,
            b"employee_number,name,job_title,grade,weekly_hours\nE1,A,C,4,37,extra\nE2,B,C,4,37\ne2,B,C,4,37\n",
        );
        let found = errors(r);
        assert!(found.contains(&(2, None, "cell_count")));
        assert!(found.contains(&(4, Some("employee_number".into()), "repeated")));
        assert_eq!(
            errors(parse(ImportKind::Staff, b"")),
            vec![(1, None, "empty")]
        );
        assert_eq!(
            errors(parse(
                ImportKind::Staff,
                b"employee_number,name,job_title,grade,weekly_hours\n"
            )),
            vec![(2, None, "empty")]
        );
        assert_eq!(
            errors(parse(ImportKind::Staff, &[0xff, 0xfe, 0x00])),
            vec![(0, None, "not_text")]
        );
    }

    #[test]
    fn formula_like_and_hostile_cells_stay_text() {
        let Ok(Rows::Staff(rows)) = parse(
            ImportKind::Staff,
            b"employee_number,name,job_title,grade,weekly_hours\nE1,=HYPERLINK(\"x\"),<script>alert(1)</script>,4,37\n",
        ) else {
            panic!("parses")
        };
        assert_eq!(rows[0].row.name, "=HYPERLINK(\"x\")");
        assert_eq!(rows[0].row.job_title, "<script>alert(1)</script>");
    }

    #[test]
    fn posts_and_vacancies() {
        let posts = "post_reference,title,service_area,grade,weekly_hours,site,remote,annual_cost,status,holder_employee_number\n\
                     P1,Clerk,libraries,4,37,Central,no,\"£32,500.50\",,E1\n\
                     P2,Driver,waste,3,37,Depot,yes,21000,vacant,\n\
                     P3,Bad,waste,3,37,Depot,perhaps,-5,gone,E1\n";
        let found = errors(parse(ImportKind::Posts, posts.as_bytes()));
        assert!(found.contains(&(4, Some("remote".into()), "not_yes_no")));
        assert!(found.contains(&(4, Some("annual_cost".into()), "not_money")));
        assert!(found.contains(&(4, Some("status".into()), "not_allowed")));
        let good: String = posts.lines().take(3).collect::<Vec<_>>().join("\n");
        let Ok(Rows::Posts(rows)) = parse(ImportKind::Posts, good.as_bytes()) else {
            panic!("parses")
        };
        assert_eq!(rows[0].row.annual_cost_pence, 3_250_050);
        assert_eq!(rows[0].row.status, PostStatus::Filled);
        assert_eq!(rows[1].row.status, PostStatus::Vacant);
        assert!(rows[1].row.remote);

        let vacancies = "post_reference,title,service_area,grade_min,grade_max,weekly_hours,site,closes_on\n\
                         P1,Clerk,libraries,4,5,37,Central,2026-12-01\n\
                         P2,Driver,waste,5,3,37,Depot,\n";
        let found = errors(parse(ImportKind::Vacancies, vacancies.as_bytes()));
        assert_eq!(found, vec![(3, Some("grade_max".into()), "grade_order")]);
    }

    #[test]
    fn a_file_says_which_equality_columns_it_has() {
        let Ok(Rows::Staff(rows)) = parse(
            ImportKind::Staff,
            b"employee_number,name,job_title,grade,weekly_hours,sex\nE1,A,Clerk,4,37,\n",
        ) else {
            panic!("parses")
        };
        let given = rows[0].row.equality_columns;
        assert!(given.sex && !given.ethnicity && !given.disability && !given.age_band);
        let before = Equality {
            sex: Some(Sex::Male),
            ethnicity: Some(Ethnicity::Black),
            disability: Some(Disability::No),
            age_band: Some(AgeBand::From45),
        };
        // The file empties the one column it has and keeps the rest.
        let after = rows[0].row.equality.merged(given, before);
        assert_eq!(
            after,
            Equality {
                sex: None,
                ..before
            }
        );
        let Ok(Rows::Staff(rows)) = staff(&["E1,A,,Clerk,4,37,,,,,female,white,no,35-44"]) else {
            panic!("parses")
        };
        assert_eq!(
            rows[0]
                .row
                .equality
                .merged(rows[0].row.equality_columns, before),
            rows[0].row.equality
        );
        let Ok(Rows::Staff(rows)) = parse(
            ImportKind::Staff,
            b"employee_number,name,job_title,grade,weekly_hours\nE1,A,Clerk,4,37\n",
        ) else {
            panic!("parses")
        };
        assert!(!rows[0].row.equality_columns.any());
        assert_eq!(
            rows[0]
                .row
                .equality
                .merged(rows[0].row.equality_columns, before),
            before
        );
    }

    #[test]
    fn vacancies_carry_their_requirements() {
        let text = "post_reference,title,service_area,grade_min,weekly_hours,site,essential_qualifications,desired_strengths,experience\n\
                    P1,Clerk,libraries,4,37,Central,\"HGV_Licence|HGV class 2 licence|20; dbs|Enhanced DBS check\",Resilience|3|2;Working Together|4|1,libraries_and_culture|24; customer services|12\n\
                    P2,Driver,waste,3,37,Depot,,,\n";
        let Ok(Rows::Vacancies(rows)) = parse(ImportKind::Vacancies, text.as_bytes()) else {
            panic!("parses")
        };
        let first = &rows[0].row;
        assert_eq!(
            first.essentials.as_deref(),
            Some(
                &[
                    EssentialItem {
                        code: "hgv_licence".into(),
                        title: "HGV class 2 licence".into(),
                        training_days: Some(20),
                    },
                    EssentialItem {
                        code: "dbs".into(),
                        title: "Enhanced DBS check".into(),
                        training_days: None,
                    },
                ][..]
            )
        );
        assert_eq!(
            first.strengths.as_deref(),
            Some(
                &[
                    StrengthItem {
                        name: "Resilience".into(),
                        level: 3,
                        weight: 2,
                    },
                    StrengthItem {
                        name: "Working Together".into(),
                        level: 4,
                        weight: 1,
                    },
                ][..]
            )
        );
        assert_eq!(
            first.experience.as_deref(),
            Some(
                &[
                    ExperienceItem {
                        service_area: "libraries_and_culture".into(),
                        months: 24,
                    },
                    ExperienceItem {
                        service_area: "customer_services".into(),
                        months: 12,
                    },
                ][..]
            )
        );
        // Empty cells ask for nothing; missing columns leave things alone.
        assert_eq!(rows[1].row.essentials, Some(Vec::new()));
        let Ok(Rows::Vacancies(rows)) = parse(
            ImportKind::Vacancies,
            b"post_reference,title,service_area,grade_min,weekly_hours,site\nP1,Clerk,libraries,4,37,Central\n",
        ) else {
            panic!("parses")
        };
        assert_eq!(rows[0].row.essentials, None);
        assert_eq!(rows[0].row.strengths, None);
        assert_eq!(rows[0].row.experience, None);

        let bad = "post_reference,title,service_area,grade_min,weekly_hours,site,essential_qualifications,desired_strengths,experience\n\
                   P1,Clerk,libraries,4,37,Central,Not A Code|Title,Resilience|9|2,libraries|0\n\
                   P2,Clerk,libraries,4,37,Central,dbs|DBS|0,Resilience|3,nowhere|12\n\
                   P3,Clerk,libraries,4,37,Central,dbs|DBS; DBS|Again,Resilience|3|2;resilience|2|1,housing|3;housing|4\n";
        let found = errors(parse(ImportKind::Vacancies, bad.as_bytes()));
        for (line, column, key) in [
            (2, "essential_qualifications", "bad_item"),
            (2, "desired_strengths", "bad_item"),
            (2, "experience", "bad_item"),
            (3, "essential_qualifications", "bad_item"),
            (3, "desired_strengths", "bad_item"),
            (3, "experience", "bad_item"),
            (4, "essential_qualifications", "repeated_item"),
            (4, "desired_strengths", "repeated_item"),
            (4, "experience", "repeated_item"),
        ] {
            assert!(
                found.contains(&(line, Some(column.into()), key)),
                "missing {line} {column} {key} in {found:?}"
            );
        }
        assert_eq!(found.len(), 9, "{found:?}");
    }

    #[test]
    fn money_hours_and_dates() {
        assert_eq!(parse_money("32500"), Some(3_250_000));
        assert_eq!(parse_money("32,500.5"), Some(3_250_050));
        assert_eq!(parse_money("£0.05"), Some(5));
        assert_eq!(parse_money("1,00"), None);
        assert_eq!(parse_money("-1"), None);
        assert_eq!(parse_money("1.234"), None);
        assert_eq!(parse_money(""), None);
        assert_eq!(parse_hours("37:30"), Some(2250));
        assert_eq!(parse_hours("18.75"), Some(1125));
        assert_eq!(parse_hours("3 7"), None);
        assert_eq!(parse_date("2026-02-29"), None);
        assert_eq!(parse_date("29/02/2028"), Some(date!(2028 - 02 - 29)));
        assert_eq!(parse_date("2028/02/29"), None);
    }

    #[test]
    fn the_documented_examples_parse() {
        let staff = include_str!("../../../../docs/import/staff.csv");
        let posts = include_str!("../../../../docs/import/posts.csv");
        let vacancies = include_str!("../../../../docs/import/vacancies.csv");
        assert_eq!(
            parse(ImportKind::Staff, staff.as_bytes()).map(|r| r.len()),
            Ok(4)
        );
        assert_eq!(
            parse(ImportKind::Posts, posts.as_bytes()).map(|r| r.len()),
            Ok(4)
        );
        assert_eq!(
            parse(ImportKind::Vacancies, vacancies.as_bytes()).map(|r| r.len()),
            Ok(1)
        );
    }

    proptest! {
        #[test]
        fn any_text_is_parsed_without_panicking(s in "\\PC{0,300}") {
            let _ = parse(ImportKind::Staff, s.as_bytes());
            let _ = parse(ImportKind::Posts, s.as_bytes());
        }

        #[test]
        fn quoted_cells_round_trip(cells in proptest::collection::vec("[a-z,\"\n ]{0,12}", 1..6)) {
            let line: Vec<String> = cells
                .iter()
                .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
                .collect();
            let text = format!("{}\r\n", line.join(","));
            let records = records(&text).expect("parses");
            prop_assert_eq!(records.len(), 1);
            prop_assert_eq!(&records[0].cells, &cells);
        }
    }
}
