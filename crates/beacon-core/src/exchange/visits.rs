//! Questions to the innovators and hosted visits: requests, the host's
//! answer, the cap on numbers, the schedule and the feedback afterwards.
//!
//! Hosting a visit costs the host time, so the host stays in control: a
//! request waits until the host accepts or declines it, the host schedules
//! the visit and caps its numbers, and may close the case to new requests.
//! An anonymised case is never visited: the visit would reveal its council.
use crate::pipeline::vocabulary;
use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time, Weekday};

/// The longest question, answer, purpose or note, in characters.
pub const MAX_TEXT: usize = 2_000;
/// The longest list of preferred dates and the longest location.
pub const MAX_SHORT: usize = 300;
/// The most people one council may bring.
pub const MAX_PARTY: i32 = 20;
/// The largest cap a host may set on one visit.
pub const MAX_CAP: i32 = 60;
/// The longest visit: a working day.
pub const MAX_LENGTH: Duration = Duration::hours(12);

vocabulary! {
    /// Where a visit request is.
    VisitStatus, "visit status" {
        /// Waiting for the host.
        Requested => "requested",
        /// Accepted and booked on a scheduled visit.
        Accepted => "accepted",
        /// Declined by the host, with a note.
        Declined => "declined",
        /// Taken back by the visiting council before the host answered.
        Withdrawn => "withdrawn",
        /// Called off after it was accepted, by either side.
        Cancelled => "cancelled",
    }
}

/// Which side of a visit a person is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The council whose case it is.
    Host,
    /// The council that asked to visit.
    Visitor,
}

/// What someone does to a visit request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    Accept,
    Decline,
    Withdraw,
    Cancel,
    /// Change the time or place of an accepted visit.
    Reschedule,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Not this side's move to make.
    #[error("not this side's move")]
    WrongSide,
    /// The request is not in a state that allows it (someone acted first).
    #[error("not allowed in this state")]
    WrongState,
}

/// The state a move leads to, or why it may not be made. Rescheduling
/// leaves an accepted request accepted.
pub fn check(status: VisitStatus, side: Side, mv: Move) -> Result<VisitStatus, Refusal> {
    use VisitStatus::*;
    let allowed_side = match mv {
        Move::Accept | Move::Decline | Move::Reschedule => side == Side::Host,
        Move::Withdraw => side == Side::Visitor,
        Move::Cancel => true,
    };
    if !allowed_side {
        return Err(Refusal::WrongSide);
    }
    match (status, mv) {
        (Requested, Move::Accept) => Ok(Accepted),
        (Requested, Move::Decline) => Ok(Declined),
        (Requested, Move::Withdraw) => Ok(Withdrawn),
        (Accepted, Move::Cancel) => Ok(Cancelled),
        (Accepted, Move::Reschedule) => Ok(Accepted),
        _ => Err(Refusal::WrongState),
    }
}

/// Whether a request is finished with: nothing more can happen to it but
/// feedback.
pub fn is_closed(status: VisitStatus) -> bool {
    !matches!(status, VisitStatus::Requested | VisitStatus::Accepted)
}

/// Whether `party` more people fit on a visit capped at `cap` that already
/// has `booked`.
pub fn fits(booked: i32, party: i32, cap: i32) -> bool {
    party > 0 && booked >= 0 && booked.checked_add(party).is_some_and(|n| n <= cap)
}

/// A problem with a submitted field: the field and a message key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub key: &'static str,
}

impl Problem {
    fn new(field: &'static str, key: &'static str) -> Self {
        Self { field, key }
    }
}

/// Text someone wrote: trimmed, required, at most `max` characters.
pub fn parse_text(field: &'static str, raw: &str, max: usize) -> Result<String, Problem> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(Problem::new(field, "missing"));
    }
    if text.chars().count() > max {
        return Err(Problem::new(field, "too_long"));
    }
    Ok(text.replace("\r\n", "\n"))
}

/// Optional text: trimmed, at most `max` characters.
pub fn parse_optional(field: &'static str, raw: &str, max: usize) -> Result<String, Problem> {
    let text = raw.trim();
    if text.chars().count() > max {
        return Err(Problem::new(field, "too_long"));
    }
    Ok(text.replace("\r\n", "\n"))
}

/// A whole number between `min` and `max`.
pub fn parse_count(field: &'static str, raw: &str, min: i32, max: i32) -> Result<i32, Problem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Problem::new(field, "missing"));
    }
    match raw.parse::<i32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        Ok(_) => Err(Problem::new(field, "out_of_range")),
        Err(_) => Err(Problem::new(field, "not_a_number")),
    }
}

/// A request to visit, as the visiting council writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub party_size: i32,
    pub preferred_dates: String,
    pub purpose: String,
}

impl Request {
    pub fn parse(party: &str, dates: &str, purpose: &str) -> Result<Self, Vec<Problem>> {
        let party = parse_count("party_size", party, 1, MAX_PARTY);
        let dates = parse_text("preferred_dates", dates, MAX_SHORT);
        let purpose = parse_text("purpose", purpose, MAX_TEXT);
        match (party, dates, purpose) {
            (Ok(party_size), Ok(preferred_dates), Ok(purpose)) => Ok(Self {
                party_size,
                preferred_dates,
                purpose,
            }),
            (p, d, u) => Err([p.err(), d.err(), u.err()].into_iter().flatten().collect()),
        }
    }
}

/// When and where a visit happens, and how many may come. Times are
/// instants (UTC); the pages read and write them in UK time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub location: String,
    pub cap: i32,
}

impl Schedule {
    /// A schedule must end after it starts, last at most a working day,
    /// start in the future, name a place, and cap numbers at no fewer than
    /// `booked` (the people already accepted onto it).
    pub fn check(
        starts_at: OffsetDateTime,
        ends_at: OffsetDateTime,
        location: &str,
        cap: i32,
        booked: i32,
        now: OffsetDateTime,
    ) -> Result<Self, Vec<Problem>> {
        let mut problems = Vec::new();
        if starts_at <= now {
            problems.push(Problem::new("start", "in_past"));
        }
        if ends_at <= starts_at {
            problems.push(Problem::new("end_time", "end_before_start"));
        } else if ends_at - starts_at > MAX_LENGTH {
            problems.push(Problem::new("end_time", "too_long_visit"));
        }
        let location = match parse_text("location", location, MAX_SHORT) {
            Ok(l) => l,
            Err(p) => {
                problems.push(p);
                String::new()
            }
        };
        if !(1..=MAX_CAP).contains(&cap) {
            problems.push(Problem::new("cap", "out_of_range"));
        } else if cap < booked {
            problems.push(Problem::new("cap", "below_booked"));
        }
        if problems.is_empty() {
            Ok(Self {
                starts_at,
                ends_at,
                location,
                cap,
            })
        } else {
            Err(problems)
        }
    }
}

/// Whether feedback may be given on a request now: it was accepted and
/// the visit has ended.
pub fn may_give_feedback(
    status: VisitStatus,
    ends_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> bool {
    status == VisitStatus::Accepted && ends_at.is_some_and(|end| end <= now)
}

/// A rating of a visit, 1 (poor) to 5 (excellent).
pub fn parse_rating(raw: &str) -> Result<i16, Problem> {
    parse_count("rating", raw, 1, 5).map(|n| n as i16)
}

/// UK time: Greenwich Mean Time in winter, British Summer Time (an hour
/// ahead) from 01:00 UTC on the last Sunday of March to 01:00 UTC on the
/// last Sunday of October. The rule has held since 1996 and is all the
/// `Europe/London` zone needs for dates Beacon schedules.
pub mod uk_time {
    use super::*;

    fn last_sunday(year: i32, month: Month) -> Option<Date> {
        let next = if month == Month::December {
            Date::from_calendar_date(year + 1, Month::January, 1)
        } else {
            Date::from_calendar_date(year, month.next(), 1)
        }
        .ok()?;
        let mut day = next.previous_day()?;
        while day.weekday() != Weekday::Sunday {
            day = day.previous_day()?;
        }
        Some(day)
    }

    /// The instants summer time starts and ends in `year`.
    fn summer(year: i32) -> Option<(OffsetDateTime, OffsetDateTime)> {
        let one = Time::from_hms(1, 0, 0).ok()?;
        let start = PrimitiveDateTime::new(last_sunday(year, Month::March)?, one).assume_utc();
        let end = PrimitiveDateTime::new(last_sunday(year, Month::October)?, one).assume_utc();
        Some((start, end))
    }

    /// The UK's offset from UTC at an instant, in hours (0 or 1).
    pub fn offset_hours(at: OffsetDateTime) -> i64 {
        let at = at.to_offset(time::UtcOffset::UTC);
        match summer(at.year()) {
            Some((start, end)) if at >= start && at < end => 1,
            _ => 0,
        }
    }

    /// An instant as the clock on a UK wall reads it.
    pub fn to_local(at: OffsetDateTime) -> PrimitiveDateTime {
        let utc = at.to_offset(time::UtcOffset::UTC);
        let local = utc + Duration::hours(offset_hours(utc));
        PrimitiveDateTime::new(local.date(), local.time())
    }

    /// The instant a UK wall clock shows `local`. `None` for the hour that
    /// does not exist when the clocks go forward; in the hour that happens
    /// twice when they go back, the first (summer time).
    pub fn from_local(local: PrimitiveDateTime) -> Option<OffsetDateTime> {
        [1, 0].into_iter().find_map(|hours| {
            let at = local.assume_utc() - Duration::hours(hours);
            (offset_hours(at) == hours).then_some(at)
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;
    use time::macros::datetime;

    #[test]
    fn every_status_parses_back() {
        for s in VisitStatus::ALL {
            assert_eq!(s.key().parse::<VisitStatus>(), Ok(*s));
        }
    }

    #[test]
    fn only_the_host_accepts_declines_and_reschedules() {
        use VisitStatus::*;
        assert_eq!(check(Requested, Side::Host, Move::Accept), Ok(Accepted));
        assert_eq!(check(Requested, Side::Host, Move::Decline), Ok(Declined));
        assert_eq!(
            check(Requested, Side::Visitor, Move::Accept),
            Err(Refusal::WrongSide)
        );
        assert_eq!(
            check(Accepted, Side::Visitor, Move::Reschedule),
            Err(Refusal::WrongSide)
        );
        assert_eq!(check(Accepted, Side::Host, Move::Reschedule), Ok(Accepted));
        assert_eq!(
            check(Requested, Side::Host, Move::Withdraw),
            Err(Refusal::WrongSide)
        );
        assert_eq!(
            check(Requested, Side::Visitor, Move::Withdraw),
            Ok(Withdrawn)
        );
    }

    #[test]
    fn either_side_cancels_an_accepted_visit_only() {
        use VisitStatus::*;
        for side in [Side::Host, Side::Visitor] {
            assert_eq!(check(Accepted, side, Move::Cancel), Ok(Cancelled));
            assert_eq!(
                check(Requested, side, Move::Cancel),
                Err(Refusal::WrongState)
            );
        }
    }

    #[test]
    fn a_closed_request_moves_no_further() {
        for status in VisitStatus::ALL.iter().filter(|s| is_closed(**s)) {
            for mv in [
                Move::Accept,
                Move::Decline,
                Move::Withdraw,
                Move::Cancel,
                Move::Reschedule,
            ] {
                for side in [Side::Host, Side::Visitor] {
                    assert!(check(*status, side, mv).is_err());
                }
            }
        }
    }

    #[test]
    fn the_cap_holds() {
        assert!(fits(0, 5, 5));
        assert!(!fits(1, 5, 5));
        assert!(!fits(0, 0, 5));
        assert!(!fits(i32::MAX, 1, i32::MAX));
    }

    #[test]
    fn requests_need_every_field() {
        assert!(Request::parse("3", "Any Tuesday in March", "To see the hub").is_ok());
        let problems = Request::parse("0", " ", "").unwrap_err();
        let fields: Vec<_> = problems.iter().map(|p| (p.field, p.key)).collect();
        assert_eq!(
            fields,
            vec![
                ("party_size", "out_of_range"),
                ("preferred_dates", "missing"),
                ("purpose", "missing")
            ]
        );
        assert_eq!(
            Request::parse("three", "x", "y").unwrap_err()[0].key,
            "not_a_number"
        );
        assert_eq!(
            Request::parse("2", "x", &"y".repeat(MAX_TEXT + 1)).unwrap_err()[0].key,
            "too_long"
        );
    }

    #[test]
    fn a_schedule_ends_after_it_starts_and_lies_ahead() {
        let now = datetime!(2026-11-23 09:00 UTC);
        let start = datetime!(2026-12-01 10:00 UTC);
        let end = datetime!(2026-12-01 12:00 UTC);
        assert!(Schedule::check(start, end, "Town hall", 10, 0, now).is_ok());
        let keys = |r: Result<Schedule, Vec<Problem>>| {
            r.unwrap_err()
                .into_iter()
                .map(|p| (p.field, p.key))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            keys(Schedule::check(end, start, "Town hall", 10, 0, now)),
            vec![("end_time", "end_before_start")]
        );
        assert_eq!(
            keys(Schedule::check(start, start, "Town hall", 10, 0, now)),
            vec![("end_time", "end_before_start")]
        );
        assert_eq!(
            keys(Schedule::check(
                start,
                start + Duration::hours(13),
                "Hall",
                10,
                0,
                now
            )),
            vec![("end_time", "too_long_visit")]
        );
        assert_eq!(
            keys(Schedule::check(
                now - Duration::hours(1),
                now + Duration::hours(1),
                "Hall",
                10,
                0,
                now
            )),
            vec![("start", "in_past")]
        );
        assert_eq!(
            keys(Schedule::check(start, end, " ", 0, 0, now)),
            vec![("location", "missing"), ("cap", "out_of_range")]
        );
        assert_eq!(
            keys(Schedule::check(start, end, "Hall", 4, 6, now)),
            vec![("cap", "below_booked")]
        );
    }

    #[test]
    fn feedback_only_after_an_accepted_visit_has_ended() {
        let end = datetime!(2026-12-01 12:00 UTC);
        assert!(!may_give_feedback(
            VisitStatus::Accepted,
            Some(end),
            end - Duration::minutes(1)
        ));
        assert!(may_give_feedback(VisitStatus::Accepted, Some(end), end));
        assert!(!may_give_feedback(
            VisitStatus::Cancelled,
            Some(end),
            end + Duration::days(1)
        ));
        assert!(!may_give_feedback(VisitStatus::Accepted, None, end));
        assert_eq!(parse_rating("5"), Ok(5));
        assert!(parse_rating("6").is_err());
        assert!(parse_rating("").is_err());
    }

    #[test]
    fn uk_time_follows_summer_time() {
        use uk_time::*;
        // 2026: summer time from 29 March to 25 October.
        assert_eq!(offset_hours(datetime!(2026-03-29 00:59 UTC)), 0);
        assert_eq!(offset_hours(datetime!(2026-03-29 01:00 UTC)), 1);
        assert_eq!(offset_hours(datetime!(2026-10-25 00:59 UTC)), 1);
        assert_eq!(offset_hours(datetime!(2026-10-25 01:00 UTC)), 0);
        assert_eq!(
            from_local(datetime!(2026-07-01 10:00)),
            Some(datetime!(2026-07-01 09:00 UTC))
        );
        assert_eq!(
            from_local(datetime!(2026-12-01 10:00)),
            Some(datetime!(2026-12-01 10:00 UTC))
        );
        // The hour that never happens, and the one that happens twice.
        assert_eq!(from_local(datetime!(2026-03-29 01:30)), None);
        assert_eq!(
            from_local(datetime!(2026-10-25 01:30)),
            Some(datetime!(2026-10-25 00:30 UTC))
        );
    }

    proptest! {
        /// Whatever happens, a move leads only to a state the rules list,
        /// and only the host ever accepts.
        #[test]
        fn moves_stay_in_the_graph(s in 0usize..5, side in any::<bool>(), m in 0usize..5) {
            let status = VisitStatus::ALL[s];
            let side = if side { Side::Host } else { Side::Visitor };
            let mv = [Move::Accept, Move::Decline, Move::Withdraw, Move::Cancel, Move::Reschedule][m];
            if let Ok(next) = check(status, side, mv) {
                prop_assert!(!is_closed(status));
                if next == VisitStatus::Accepted {
                    prop_assert_eq!(side, Side::Host);
                }
            }
        }

        /// Bookings accepted one by one while they fit never pass the cap.
        #[test]
        fn bookings_never_pass_the_cap(cap in 1i32..=MAX_CAP, parties in proptest::collection::vec(1i32..=MAX_PARTY, 0..30)) {
            let mut booked = 0;
            for p in parties {
                if fits(booked, p, cap) {
                    booked += p;
                }
                prop_assert!(booked <= cap);
            }
        }

        /// UK wall-clock time round-trips through the instant, away from the
        /// hours when the clocks change.
        #[test]
        fn uk_time_round_trips(secs in 1_600_000_000i64..2_200_000_000i64) {
            let at = OffsetDateTime::from_unix_timestamp(secs).unwrap();
            let local = uk_time::to_local(at);
            let back = uk_time::from_local(local).unwrap();
            // In the repeated hour, the earlier instant is chosen.
            prop_assert!(back == at || back == at - Duration::hours(1));
            prop_assert_eq!(uk_time::to_local(back), local);
        }
    }
}
