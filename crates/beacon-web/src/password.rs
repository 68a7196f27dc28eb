//! Password hashing with Argon2id at OWASP's parameters (PROMISES.md 13):
//! m = 19 MiB, t = 2, p = 1.
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::LazyLock;

fn hasher() -> Argon2<'static> {
    // These constants are valid Argon2 parameters; `Params::new` only rejects
    // out-of-range values.
    #[allow(clippy::expect_used)]
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed")]
pub struct HashError;

/// Hash on a blocking thread: Argon2 takes tens of milliseconds by design and
/// must not stall the async runtime.
pub async fn hash(password: String) -> Result<String, HashError> {
    tokio::task::spawn_blocking(move || {
        hasher()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|_| HashError)
    })
    .await
    .map_err(|_| HashError)?
}

/// A hash that no password matches, verified when the account does not exist
/// so that the response time does not reveal which emails have accounts.
static DUMMY_HASH: LazyLock<Option<String>> = LazyLock::new(|| {
    hasher()
        .hash_password(b"no account has this password")
        .ok()
        .map(|h| h.to_string())
});

pub async fn verify(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let has_password = stored.is_some();
        let Some(hash) = stored.or_else(|| DUMMY_HASH.clone()) else {
            return false;
        };
        let Ok(parsed) = PasswordHash::new(&hash) else {
            return false;
        };
        // The dummy is verified only to spend the same time; it never succeeds.
        hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
            && has_password
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_at_owasp_parameters_and_salted() {
        let first = hash("correct horse battery staple".into()).await.unwrap();
        let second = hash("correct horse battery staple".into()).await.unwrap();
        assert!(
            first.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{first}"
        );
        assert_ne!(first, second, "each hash has its own salt");
        assert!(verify("correct horse battery staple".into(), Some(first.clone())).await);
        assert!(!verify("correct horse battery stable".into(), Some(first)).await);
    }

    #[tokio::test]
    async fn no_password_matches_an_account_without_one() {
        assert!(!verify("no account has this password".into(), None).await);
        assert!(!verify(String::new(), None).await);
        assert!(!verify("x".into(), Some("not a hash".into())).await);
    }
}
