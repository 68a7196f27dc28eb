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
    /// The name this Beacon gives itself to other Beacons and feed readers
    /// (the federation feed's `instance.name`, the Atom feeds' author).
    /// Defaults to "Beacon" and the public address's host.
    pub instance_name: String,
    /// Whether subscriptions to other Beacons may reach loopback, private,
    /// link-local or unique-local addresses. Off by default, so a council
    /// administrator cannot point the server at the network it runs in;
    /// on for tests and for Beacons that federate inside a closed network.
    pub federation_private_addresses: bool,
}

impl Config {
    pub fn new(public_url: impl Into<String>) -> Self {
        let public_url = public_url.into().trim_end_matches('/').to_owned();
        Self {
            instance_name: default_instance_name(&public_url),
            federation_private_addresses: false,
            public_url,
            smtp: None,
            trusted_proxies: Vec::new(),
            sessions: SessionPolicy::default(),
            attempts: AttemptLimit::default(),
        }
    }
}

/// "Beacon" and the host (and port) of the public address.
pub fn default_instance_name(public_url: &str) -> String {
    let rest = public_url
        .split_once("://")
        .map_or(public_url, |(_, rest)| rest);
    let host = rest.split('/').next().unwrap_or(rest);
    format!("Beacon {host}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_instance_name_defaults_to_the_address_host() {
        assert_eq!(
            Config::new("https://beacon.northmere.gov.uk/").instance_name,
            "Beacon beacon.northmere.gov.uk"
        );
        assert_eq!(
            Config::new("http://127.0.0.1:8080/beacon").instance_name,
            "Beacon 127.0.0.1:8080"
        );
        assert!(!Config::new("http://127.0.0.1:8080").federation_private_addresses);
    }
}
