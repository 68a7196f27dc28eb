//! What every page of the innovation pipeline shares: finding an idea inside
//! the visitor's organisation, and reading and writing money and dates the
//! way people type and read them.
use crate::app::AppState;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::visitor::Tenant;
use beacon_core::permission::Capability;
use beacon_core::pipeline::Pence;
use beacon_db::entity::idea;
use time::Date;
use uuid::Uuid;

/// The idea with this id in the visitor's organisation. Another
/// organisation's idea, a malformed id, a hidden idea (to anyone but a
/// moderator or its author) and an idea answering a challenge whose audience
/// excludes the visitor (to anyone but its author) are all "not found".
pub async fn idea_in(
    state: &AppState,
    tenant: &Tenant,
    raw_id: &str,
) -> Result<idea::Model, AppError> {
    let id: Uuid = raw_id.parse().map_err(|_| AppError::NotFound)?;
    let idea = beacon_db::ideas::find(state.db.conn(), tenant.org, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let may_see_hidden = tenant
        .roles
        .iter()
        .any(|r| Capability::Moderate.roles().contains(r))
        || idea.author_id == tenant.who.person.id.uuid();
    if idea.hidden && !may_see_hidden {
        return Err(AppError::NotFound);
    }
    let is_author = idea.author_id == tenant.who.person.id.uuid();
    if let Some(challenge) = idea.challenge_id {
        let challenge = beacon_db::challenges::find(state.db.conn(), tenant.org, challenge).await?;
        if challenge.is_some_and(|c| !c.audience.admits(&tenant.roles)) && !is_author {
            return Err(AppError::NotFound);
        }
    }
    Ok(idea)
}

/// "£1,234" for whole pounds, "£1,234.50" otherwise; "−£20" for a negative sum.
pub fn pounds(pence: Pence) -> String {
    let sign = if pence < 0 { "−" } else { "" };
    let abs = pence.unsigned_abs();
    let whole = group_thousands(abs / 100);
    match abs % 100 {
        0 => format!("{sign}£{whole}"),
        p => format!("{sign}£{whole}.{p:02}"),
    }
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The largest sum a form accepts: a billion pounds.
pub const MAX_POUNDS: i64 = 1_000_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("enter an amount")]
    Missing,
    #[error("enter an amount in pounds, like 1,250 or 1250.50")]
    NotMoney,
    #[error("the amount is too large")]
    TooLarge,
    #[error("the amount cannot be negative")]
    Negative,
}

impl MoneyError {
    /// The translation key of the message for this error.
    pub fn key(self) -> &'static str {
        match self {
            MoneyError::Missing => "money.error.missing",
            MoneyError::NotMoney => "money.error.not_money",
            MoneyError::TooLarge => "money.error.too_large",
            MoneyError::Negative => "money.error.negative",
        }
    }
}

/// Pounds as people type them: "1250", "1,250", "£1,250.50", " 12.5 ".
/// Commas must group thousands properly and pence have at most two digits.
pub fn parse_pounds(raw: &str) -> Result<Pence, MoneyError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(MoneyError::Missing);
    }
    if s.starts_with('-') || s.starts_with('−') {
        return Err(MoneyError::Negative);
    }
    let s = s.strip_prefix('£').unwrap_or(s).trim_start();
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (s, None),
    };
    if whole.is_empty() || !valid_grouping(whole) {
        return Err(MoneyError::NotMoney);
    }
    let digits: String = whole.chars().filter(|c| *c != ',').collect();
    if digits.len() > 13 {
        return Err(MoneyError::TooLarge);
    }
    let pounds: i64 = digits.parse().map_err(|_| MoneyError::NotMoney)?;
    let pence: i64 = match frac {
        None => 0,
        Some(f) if (1..=2).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()) => {
            let n: i64 = f.parse().map_err(|_| MoneyError::NotMoney)?;
            if f.len() == 1 { n * 10 } else { n }
        }
        Some(_) => return Err(MoneyError::NotMoney),
    };
    if pounds > MAX_POUNDS {
        return Err(MoneyError::TooLarge);
    }
    Ok(pounds * 100 + pence)
}

fn valid_grouping(whole: &str) -> bool {
    if !whole.contains(',') {
        return whole.bytes().all(|b| b.is_ascii_digit());
    }
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or("");
    (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// "23 Nov 2026", with the month in the visitor's language.
pub fn format_date(lang: Lang, date: Date) -> String {
    let months: Vec<&str> = lang.t("common.months").split_whitespace().collect();
    let month = months
        .get(usize::from(u8::from(date.month())) - 1)
        .copied()
        .unwrap_or("");
    format!("{} {month} {}", date.day(), date.year())
}

/// A date from the three boxes of a GOV.UK date input.
pub fn parse_date(day: &str, month: &str, year: &str) -> Option<Date> {
    let day: u8 = day.trim().parse().ok()?;
    let month: u8 = month.trim().parse().ok()?;
    let year: i32 = year.trim().parse().ok()?;
    if !(2000..=2100).contains(&year) {
        return None;
    }
    Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn pounds_are_grouped_and_show_pence_only_when_there_are_some() {
        assert_eq!(pounds(0), "£0");
        assert_eq!(pounds(123_456_700), "£1,234,567");
        assert_eq!(pounds(100_050), "£1,000.50");
        assert_eq!(pounds(-2_000), "−£20");
    }

    #[test]
    fn typed_amounts_parse_to_pence() {
        assert_eq!(parse_pounds("1250"), Ok(125_000));
        assert_eq!(parse_pounds(" £1,250.5 "), Ok(125_050));
        assert_eq!(parse_pounds("0.07"), Ok(7));
        assert_eq!(parse_pounds(""), Err(MoneyError::Missing));
        assert_eq!(parse_pounds("-5"), Err(MoneyError::Negative));
        assert_eq!(parse_pounds("12,50"), Err(MoneyError::NotMoney));
        assert_eq!(parse_pounds("1.234"), Err(MoneyError::NotMoney));
        assert_eq!(parse_pounds("ten"), Err(MoneyError::NotMoney));
        assert_eq!(parse_pounds("1e5"), Err(MoneyError::NotMoney));
        assert_eq!(parse_pounds("99999999999999"), Err(MoneyError::TooLarge));
        assert_eq!(parse_pounds("1000000001"), Err(MoneyError::TooLarge));
    }

    #[test]
    fn formatted_amounts_parse_back() {
        for p in [0, 1, 99, 100, 123_456_789, 100_000_000_000] {
            assert_eq!(parse_pounds(&pounds(p)), Ok(p));
        }
    }

    #[test]
    fn dates_from_the_three_boxes() {
        assert_eq!(
            parse_date("1", "12", "2026"),
            Some(Date::from_calendar_date(2026, time::Month::December, 1).unwrap())
        );
        assert_eq!(parse_date("31", "2", "2026"), None);
        assert_eq!(parse_date("x", "2", "2026"), None);
        assert_eq!(
            format_date(Lang::En, parse_date("5", "3", "2027").unwrap()),
            "5 Mar 2027"
        );
    }
}
