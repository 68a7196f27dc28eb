//! Workforce analytics (DESIGN.md §3.2 "Analytics"): the pool's size month
//! by month, how long placement takes, how trials end, and outcomes by
//! protected characteristic with small numbers suppressed. Also the rules for
//! the talent settings these figures rest on.
use crate::pipeline::Pence;
use crate::talent::Settings;
use std::collections::HashMap;
use time::{Date, Month};

// ---------------------------------------------------------------------------
// Suppression of small numbers.

/// Counts below this are never shown.
pub const THRESHOLD: u64 = 10;

/// A figure as it may be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Count(u64),
    /// Fewer than 10, or hidden so that another such cell cannot be worked
    /// out from the totals.
    Suppressed,
}

/// A table of counts with its row and column totals, suppressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    /// One row per group, one cell per outcome.
    pub cells: Vec<Vec<Cell>>,
    pub row_totals: Vec<Cell>,
    pub column_totals: Vec<Cell>,
    pub total: Cell,
}

/// Suppress a table of counts (rows are groups, columns outcomes) shown with
/// its row totals, column totals and grand total.
///
/// Primary: every count below `THRESHOLD` (zero included) is hidden.
/// Secondary: a line (a row with its total, or a column with its total) that
/// hides exactly one figure would let it be worked out by subtraction, so the
/// smallest other figure in that line is hidden too; this repeats until no
/// line hides exactly one figure.
pub fn suppress(counts: &[Vec<u64>]) -> Suppressed {
    let rows = counts.len();
    let cols = counts.iter().map(Vec::len).max().unwrap_or(0);
    // The full grid: inner cells, a totals column, and a totals row.
    let mut grid = vec![vec![0u64; cols + 1]; rows + 1];
    for (r, row) in counts.iter().enumerate() {
        for (c, &n) in row.iter().enumerate() {
            grid[r][c] = n;
            grid[r][cols] += n;
            grid[rows][c] += n;
            grid[rows][cols] += n;
        }
    }
    let mut hidden: Vec<Vec<bool>> = grid
        .iter()
        .map(|row| row.iter().map(|&n| n < THRESHOLD).collect())
        .collect();
    loop {
        let mut changed = false;
        // Rows, the totals row included: cells 0..=cols.
        for r in 0..=rows {
            let line: Vec<(usize, usize)> = (0..=cols).map(|c| (r, c)).collect();
            changed |= protect(&grid, &mut hidden, &line);
        }
        for c in 0..=cols {
            let line: Vec<(usize, usize)> = (0..=rows).map(|r| (r, c)).collect();
            changed |= protect(&grid, &mut hidden, &line);
        }
        if !changed {
            break;
        }
    }
    let cell = |r: usize, c: usize| {
        if hidden[r][c] {
            Cell::Suppressed
        } else {
            Cell::Count(grid[r][c])
        }
    };
    Suppressed {
        cells: (0..rows)
            .map(|r| (0..cols).map(|c| cell(r, c)).collect())
            .collect(),
        row_totals: (0..rows).map(|r| cell(r, cols)).collect(),
        column_totals: (0..cols).map(|c| cell(rows, c)).collect(),
        total: cell(rows, cols),
    }
}

/// If exactly one figure of the line is hidden, hide the smallest other one
/// (an inner cell before the total, which is last). Returns whether it did.
fn protect(grid: &[Vec<u64>], hidden: &mut [Vec<bool>], line: &[(usize, usize)]) -> bool {
    let count = line.iter().filter(|&&(r, c)| hidden[r][c]).count();
    if count != 1 {
        return false;
    }
    let last = line.len() - 1;
    let pick = line
        .iter()
        .enumerate()
        .filter(|&(_, &(r, c))| !hidden[r][c])
        .min_by_key(|&(i, &(r, c))| (i == last, grid[r][c]))
        .map(|(_, &p)| p);
    match pick {
        Some((r, c)) => {
            hidden[r][c] = true;
            true
        }
        None => false,
    }
}

// ---------------------------------------------------------------------------
// The pool over time.

/// A stay in the pool, as the figures need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stay {
    pub entered_on: Date,
    pub placed_on: Option<Date>,
    pub left_on: Option<Date>,
}

impl Stay {
    /// The day the stay ended, by placement or leaving.
    pub fn ended_on(&self) -> Option<Date> {
        match (self.placed_on, self.left_on) {
            (Some(p), Some(l)) => Some(p.min(l)),
            (p, l) => p.or(l),
        }
    }
}

/// One month of the pool's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthFigures {
    pub year: i32,
    pub month: Month,
    pub entered: u64,
    pub placed: u64,
    pub left: u64,
    /// In the pool on the last day of the month.
    pub size: u64,
}

/// The first day of the month `back` months before `today`'s.
fn month_start(today: Date, back: u32) -> (i32, Month) {
    let index = today.year() * 12 + i32::from(u8::from(today.month())) - 1 - back as i32;
    let year = index.div_euclid(12);
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).unwrap_or(1))
        .unwrap_or(Month::January);
    (year, month)
}

fn last_day(year: i32, month: Month) -> Date {
    let days = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, days).unwrap_or(Date::MIN)
}

/// The last `months` months up to and including `today`'s, oldest first:
/// who entered, was placed and left in each, and the size at its end (or
/// today, for the current month).
pub fn by_month(stays: &[Stay], today: Date, months: u32) -> Vec<MonthFigures> {
    (0..months)
        .rev()
        .map(|back| {
            let (year, month) = month_start(today, back);
            let end = last_day(year, month).min(today);
            let in_month = |d: Option<Date>| {
                d.is_some_and(|d| d.year() == year && d.month() == month && d <= today)
            };
            let mut f = MonthFigures {
                year,
                month,
                entered: 0,
                placed: 0,
                left: 0,
                size: 0,
            };
            for s in stays {
                if in_month(Some(s.entered_on)) {
                    f.entered += 1;
                }
                let ended = s.ended_on();
                if in_month(ended) {
                    if ended == s.placed_on {
                        f.placed += 1;
                    } else {
                        f.left += 1;
                    }
                }
                if s.entered_on <= end && ended.is_none_or(|e| e > end) {
                    f.size += 1;
                }
            }
            f
        })
        .collect()
}

/// How long something takes, in days: the middle and the spread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spread {
    pub count: usize,
    pub median: i64,
    /// The lower and upper quartiles (nearest rank).
    pub lower_quartile: i64,
    pub upper_quartile: i64,
    pub shortest: i64,
    pub longest: i64,
}

/// The spread of a list of durations; `None` when it is empty. The median of
/// an even count is the lower of the middle two, so it is a real duration.
pub fn spread(mut days: Vec<i64>) -> Option<Spread> {
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let n = days.len();
    let rank = |p: usize| days[(p * n).div_ceil(100).clamp(1, n) - 1];
    Some(Spread {
        count: n,
        median: rank(50),
        lower_quartile: rank(25),
        upper_quartile: rank(75),
        shortest: days[0],
        longest: days[n - 1],
    })
}

/// Days from entering the pool to placement, for placed stays.
pub fn time_to_placement(stays: &[Stay]) -> Option<Spread> {
    spread(
        stays
            .iter()
            .filter_map(|s| s.placed_on.map(|p| (p - s.entered_on).whole_days()))
            .filter(|d| *d >= 0)
            .collect(),
    )
}

/// How trials ended: each placement's steps in order; a trial followed by
/// `placed` passed, a trial followed by `returned` did not, and a trial still
/// running is counted apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Trials {
    pub passed: u64,
    pub not_passed: u64,
    pub running: u64,
}

/// `steps` holds, for each placement, its step keys in the order taken.
pub fn trials<'a>(steps: impl IntoIterator<Item = &'a [String]>) -> Trials {
    let mut out = Trials::default();
    for placement in steps {
        let Some(trial) = placement.iter().rposition(|s| s == "trial") else {
            continue;
        };
        match placement[trial + 1..]
            .iter()
            .find(|s| *s == "placed" || *s == "returned")
        {
            Some(s) if s == "placed" => out.passed += 1,
            Some(_) => out.not_passed += 1,
            None => out.running += 1,
        }
    }
    out
}

/// Group `(placement, step)` pairs, given in time order, by placement.
pub fn group_steps<K: std::hash::Hash + Eq + Copy>(
    pairs: impl IntoIterator<Item = (K, String)>,
) -> Vec<Vec<String>> {
    let mut order = Vec::new();
    let mut by: HashMap<K, Vec<String>> = HashMap::new();
    for (k, step) in pairs {
        by.entry(k)
            .or_insert_with(|| {
                order.push(k);
                Vec::new()
            })
            .push(step);
    }
    order.into_iter().filter_map(|k| by.remove(&k)).collect()
}

/// The recruitment cost avoided by placing people from the pool.
pub fn recruitment_avoided(placements: u64, cost_each: Pence) -> Pence {
    i64::try_from(placements)
        .unwrap_or(i64::MAX)
        .saturating_mul(cost_each)
}

// ---------------------------------------------------------------------------
// Talent settings.

/// What may be wrong with a settings form, field by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsError {
    Missing,
    NotAWholeNumber,
    OutOfRange,
}

/// The limits of each setting.
pub const FREEZE_DAYS: (u16, u16) = (0, 365);
/// A statutory trial is four weeks at most; longer trials for retraining are
/// agreed in writing for each person, on the journey.
pub const TRIAL_DAYS: (u16, u16) = (1, 28);
pub const TRAINING_LIMIT_DAYS: (u16, u16) = (0, 365);
/// Up to £1,000,000 a hire.
pub const RECRUITMENT_COST_MAX: Pence = 100_000_000;

/// A number of days within `(min, max)`.
pub fn parse_days(raw: &str, (min, max): (u16, u16)) -> Result<u16, SettingsError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(SettingsError::Missing);
    }
    if s.len() > 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SettingsError::NotAWholeNumber);
    }
    let n: u32 = s.parse().map_err(|_| SettingsError::NotAWholeNumber)?;
    u16::try_from(n)
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or(SettingsError::OutOfRange)
}

/// Whether settings are within their limits.
pub fn valid(s: &Settings) -> bool {
    (FREEZE_DAYS.0..=FREEZE_DAYS.1).contains(&s.freeze_days)
        && (TRIAL_DAYS.0..=TRIAL_DAYS.1).contains(&s.trial_days)
        && (TRAINING_LIMIT_DAYS.0..=TRAINING_LIMIT_DAYS.1).contains(&s.training_limit_days)
        && (0..=RECRUITMENT_COST_MAX).contains(&s.recruitment_cost_pence)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::needless_range_loop)]
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn line_ok(hidden: &[bool]) -> bool {
        let n = hidden.iter().filter(|h| **h).count();
        n != 1
    }

    fn check(counts: &[Vec<u64>]) -> Result<(), TestCaseError> {
        let s = suppress(counts);
        let rows = counts.len();
        let cols = counts.iter().map(Vec::len).max().unwrap_or(0);
        let mut full = vec![vec![0u64; cols + 1]; rows + 1];
        for (r, row) in counts.iter().enumerate() {
            for (c, &n) in row.iter().enumerate() {
                full[r][c] = n;
                full[r][cols] += n;
                full[rows][c] += n;
                full[rows][cols] += n;
            }
        }
        let shown: Vec<Vec<Cell>> = (0..=rows)
            .map(|r| {
                (0..=cols)
                    .map(|c| match (r == rows, c == cols) {
                        (false, false) => s.cells[r][c],
                        (false, true) => s.row_totals[r],
                        (true, false) => s.column_totals[c],
                        (true, true) => s.total,
                    })
                    .collect()
            })
            .collect();
        for r in 0..=rows {
            for c in 0..=cols {
                match shown[r][c] {
                    // Whatever is shown is true and at least the threshold.
                    Cell::Count(n) => {
                        prop_assert_eq!(n, full[r][c]);
                        prop_assert!(n >= THRESHOLD);
                    }
                    Cell::Suppressed => {}
                }
            }
            let row: Vec<bool> = shown[r].iter().map(|c| *c == Cell::Suppressed).collect();
            prop_assert!(line_ok(&row), "row {} hides exactly one", r);
        }
        for c in 0..=cols {
            let col: Vec<bool> = (0..=rows)
                .map(|r| shown[r][c] == Cell::Suppressed)
                .collect();
            prop_assert!(line_ok(&col), "column {} hides exactly one", c);
        }
        Ok(())
    }

    #[test]
    fn small_counts_are_hidden_and_cannot_be_worked_out() {
        let s = suppress(&[vec![40, 5, 20], vec![30, 25, 12]]);
        assert_eq!(s.cells[0][1], Cell::Suppressed);
        // Row 0 total is 65: 5 could be worked out from 40 + 20, so the
        // smallest other cell of that row (20) is hidden too; then column 1
        // hides one (5) and so hides 25, and so on until no line hides one.
        assert_eq!(s.cells[0][2], Cell::Suppressed);
        assert_eq!(s.cells[0][0], Cell::Count(40));
        assert_eq!(s.total, Cell::Count(132));
        check(&[vec![40, 5, 20], vec![30, 25, 12]]).expect("holds");
    }

    #[test]
    fn nothing_small_means_nothing_hidden() {
        let s = suppress(&[vec![10, 11], vec![12, 13]]);
        assert!(
            s.cells
                .iter()
                .flatten()
                .all(|c| matches!(c, Cell::Count(_)))
        );
        assert_eq!(s.total, Cell::Count(46));
    }

    proptest! {
        #[test]
        fn suppression_never_reveals_a_small_count(
            counts in proptest::collection::vec(proptest::collection::vec(0u64..40, 3), 1..7)
        ) {
            check(&counts)?;
        }
    }

    #[test]
    fn months_count_entries_placements_and_size() {
        let stays = [
            Stay {
                entered_on: date!(2026 - 01 - 10),
                placed_on: Some(date!(2026 - 03 - 05)),
                left_on: None,
            },
            Stay {
                entered_on: date!(2026 - 02 - 01),
                placed_on: None,
                left_on: Some(date!(2026 - 02 - 20)),
            },
            Stay {
                entered_on: date!(2026 - 03 - 31),
                placed_on: None,
                left_on: None,
            },
        ];
        let m = by_month(&stays, date!(2026 - 04 - 15), 4);
        assert_eq!(m.len(), 4);
        assert_eq!(
            (m[0].month, m[0].entered, m[0].size),
            (Month::January, 1, 1)
        );
        assert_eq!((m[1].entered, m[1].left, m[1].size), (1, 1, 1));
        assert_eq!((m[2].placed, m[2].entered, m[2].size), (1, 1, 1));
        assert_eq!((m[3].month, m[3].size), (Month::April, 1));
        // Across a year's end.
        let m = by_month(&stays, date!(2026 - 01 - 15), 3);
        assert_eq!((m[0].year, m[0].month), (2025, Month::November));
    }

    #[test]
    fn spread_and_time_to_placement() {
        assert_eq!(spread(Vec::new()), None);
        let s = spread(vec![10, 40, 20, 30]).expect("some");
        assert_eq!((s.median, s.lower_quartile, s.upper_quartile), (20, 10, 30));
        assert_eq!((s.shortest, s.longest, s.count), (10, 40, 4));
        let stays = [Stay {
            entered_on: date!(2026 - 01 - 01),
            placed_on: Some(date!(2026 - 01 - 31)),
            left_on: None,
        }];
        assert_eq!(time_to_placement(&stays).map(|s| s.median), Some(30));
    }

    #[test]
    fn trials_end_placed_or_returned() {
        let s = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let placements = [
            s(&["invited", "offered", "trial", "placed"]),
            s(&["invited", "trial", "returned"]),
            s(&["invited", "trial"]),
            s(&["invited", "returned"]),
        ];
        let t = trials(placements.iter().map(Vec::as_slice));
        assert_eq!(
            t,
            Trials {
                passed: 1,
                not_passed: 1,
                running: 1
            }
        );
        let grouped = group_steps([
            (1, "a".to_owned()),
            (2, "b".to_owned()),
            (1, "c".to_owned()),
        ]);
        assert_eq!(grouped, vec![s(&["a", "c"]), s(&["b"])]);
        assert_eq!(recruitment_avoided(3, 300_000), 900_000);
    }

    #[test]
    fn settings_are_bounded() {
        assert_eq!(parse_days("28", TRIAL_DAYS), Ok(28));
        assert_eq!(parse_days("29", TRIAL_DAYS), Err(SettingsError::OutOfRange));
        assert_eq!(parse_days("", TRIAL_DAYS), Err(SettingsError::Missing));
        assert_eq!(
            parse_days("1.5", TRIAL_DAYS),
            Err(SettingsError::NotAWholeNumber)
        );
        assert_eq!(
            parse_days("99999999", FREEZE_DAYS),
            Err(SettingsError::NotAWholeNumber)
        );
        assert!(valid(&Settings::default()));
    }
}
