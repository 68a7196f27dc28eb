//! Account rules: email addresses, the password policy (PROMISES.md 13), session
//! lifetimes (14), sign-in limits (15) and one-time tokens (16).
use serde::Serialize;
use std::fmt;
use time::Duration;

/// An email address, trimmed and lower-cased so one address is one account.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("missing")]
    Missing,
    #[error("invalid")]
    Invalid,
}

impl Email {
    /// Deliberately permissive (RFC 5322 allows far more than any regex checks):
    /// one `@`, something before it, a dotted domain after it, no spaces.
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(EmailError::Missing);
        }
        let (local, domain) = s.rsplit_once('@').ok_or(EmailError::Invalid)?;
        let ok = !local.is_empty()
            && local.len() <= 64
            && s.len() <= 254
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !s
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
            && !domain.contains('@');
        if ok {
            Ok(Self(s.to_lowercase()))
        } else {
            Err(EmailError::Invalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub const PASSWORD_MIN_CHARS: usize = 8;
/// Long passphrases are welcome; the cap only stops hashing megabytes.
pub const PASSWORD_MAX_CHARS: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("missing")]
    Missing,
    #[error("too short")]
    TooShort,
    #[error("too long")]
    TooLong,
    #[error("too common")]
    TooCommon,
    #[error("does not match")]
    Mismatch,
}

/// A new password that meets the policy. There are no composition rules
/// (NIST SP 800-63B, ASVS 6.2): length and a common-password check only.
/// `Debug` never shows the password.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

impl NewPassword {
    pub fn parse(raw: &str, confirmation: &str) -> Result<Self, PasswordError> {
        if raw.is_empty() {
            return Err(PasswordError::Missing);
        }
        let chars = raw.chars().count();
        if chars < PASSWORD_MIN_CHARS {
            return Err(PasswordError::TooShort);
        }
        if chars > PASSWORD_MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        if is_common_password(raw) {
            return Err(PasswordError::TooCommon);
        }
        if raw != confirmation {
            return Err(PasswordError::Mismatch);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

const COMMON_PASSWORDS: &str = include_str!("common-passwords.txt");

/// Compared case-insensitively: "Password1" is no better than "password1".
pub fn is_common_password(candidate: &str) -> bool {
    let lowered = candidate.to_lowercase();
    COMMON_PASSWORDS
        .lines()
        .map(str::trim)
        .filter(|p| !p.starts_with('#'))
        .any(|p| !p.is_empty() && p == lowered)
}

/// How long sessions live (PROMISES.md 14).
#[derive(Clone, Copy, Debug)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle: Duration::minutes(60),
            absolute: Duration::hours(12),
        }
    }
}

impl SessionPolicy {
    /// A session is alive if it has been used recently and is not too old.
    pub fn is_alive(
        &self,
        created: time::OffsetDateTime,
        last_seen: time::OffsetDateTime,
        now: time::OffsetDateTime,
    ) -> bool {
        now - last_seen < self.idle
            && now - created < self.absolute
            && last_seen <= now + Duration::minutes(5)
    }
}

/// What a one-time token is for (PROMISES.md 16).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenPurpose {
    Invitation,
    PasswordReset,
}

impl TokenPurpose {
    pub const fn key(self) -> &'static str {
        match self {
            TokenPurpose::Invitation => "invitation",
            TokenPurpose::PasswordReset => "password_reset",
        }
    }

    /// Resets are short because they grant an account; invitations wait for
    /// someone to come back from leave.
    pub const fn lifetime(self) -> Duration {
        match self {
            TokenPurpose::Invitation => Duration::days(7),
            TokenPurpose::PasswordReset => Duration::hours(1),
        }
    }
}

/// Limits on guessing (PROMISES.md 15): failures counted per account and per
/// client address over a sliding window.
#[derive(Clone, Copy, Debug)]
pub struct AttemptLimit {
    pub window: Duration,
    pub per_account: u32,
    pub per_address: u32,
}

impl Default for AttemptLimit {
    fn default() -> Self {
        Self {
            window: Duration::minutes(15),
            per_account: 5,
            per_address: 30,
        }
    }
}

impl AttemptLimit {
    pub fn allows(&self, account_failures: u64, address_failures: u64) -> bool {
        account_failures < u64::from(self.per_account)
            && address_failures < u64::from(self.per_address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(
            Email::parse(" Ada@Example.GOV.uk ").map(|e| e.0),
            Ok("ada@example.gov.uk".into())
        );
        assert_eq!(Email::parse(""), Err(EmailError::Missing));
        for bad in [
            "ada",
            "ada@",
            "@example.org",
            "ada@example",
            "a b@example.org",
            "ada@.org",
            "ada@example..org",
            "<a>@x.org",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError::Invalid), "{bad}");
        }
    }

    #[test]
    fn password_policy() {
        assert_eq!(NewPassword::parse("", ""), Err(PasswordError::Missing));
        assert_eq!(
            NewPassword::parse("short", "short"),
            Err(PasswordError::TooShort)
        );
        assert_eq!(
            NewPassword::parse("Password123", "Password123"),
            Err(PasswordError::TooCommon)
        );
        let long = "x".repeat(257);
        assert_eq!(
            NewPassword::parse(&long, &long),
            Err(PasswordError::TooLong)
        );
        assert_eq!(
            NewPassword::parse("correct horse battery", "correct horse batter"),
            Err(PasswordError::Mismatch)
        );
        // 64 characters and more are allowed, with no composition rules.
        let phrase = "a quiet river runs under the old stone bridge in the valley town!";
        assert!(phrase.len() >= 64);
        assert!(NewPassword::parse(phrase, phrase).is_ok());
        assert!(!format!("{:?}", NewPassword::parse(phrase, phrase)).contains("river"));
    }

    #[test]
    fn sessions_expire_when_idle_or_old() {
        let policy = SessionPolicy::default();
        let start = datetime!(2026-01-01 09:00 UTC);
        assert!(policy.is_alive(start, start, start + Duration::minutes(59)));
        assert!(!policy.is_alive(start, start, start + Duration::minutes(61)));
        let recent = start + Duration::hours(12);
        assert!(!policy.is_alive(start, recent, recent + Duration::minutes(1)));
    }

    #[test]
    fn attempt_limits() {
        let limit = AttemptLimit::default();
        assert!(limit.allows(4, 0));
        assert!(!limit.allows(5, 0));
        assert!(!limit.allows(0, 30));
    }
}
