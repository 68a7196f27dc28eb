use beacon_core::account::{AttemptLimit, SessionPolicy};
use std::net::IpAddr;

/// Where email goes. Without it, messages wait in the outbox, which admins can read.
#[derive(Clone, Debug)]
pub struct SmtpConfig {
    /// `smtp://host:port` (plain, for a relay on the same host) or
    /// `smtps://user:pass@host:port` / `smtp://…?tls=required` as lettre reads them.
    pub url: String,
    pub from: String,
}

#[derive(Clone, Debug)]
pub struct Config {
    /// The address people reach the app at, used in links inside emails.
    pub public_url: String,
    pub smtp: Option<SmtpConfig>,
    /// Proxies whose `X-Forwarded-For` is believed. Without them, the client
    /// address is the socket's peer and cannot be spoofed (PROMISES.md 15).
    pub trusted_proxies: Vec<IpAddr>,
    pub sessions: SessionPolicy,
    pub attempts: AttemptLimit,
}

impl Config {
    pub fn new(public_url: impl Into<String>) -> Self {
        Self {
            public_url: public_url.into().trim_end_matches('/').to_owned(),
            smtp: None,
            trusted_proxies: Vec::new(),
            sessions: SessionPolicy::default(),
            attempts: AttemptLimit::default(),
        }
    }
}
