//! Settings from flags and the environment. Secrets are never logged.

use actix_web::cookie::Key;
use chrono::Duration;
use sha2::{Digest, Sha512};

use crate::domain::throttle::ThrottlePolicy;

/// The default database: a SQLite file under `./data/`.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/srdi-board.db";
/// Where `demo` keeps its database unless `DATABASE_URL` is set.
pub const DEMO_DATABASE_URL: &str = "sqlite://data/demo.db";
/// The default listening address.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// Everything the server needs to know at start.
#[derive(Clone)]
pub struct Settings {
    /// `sqlite://path`, a plain path, or `postgres://...`.
    pub database_url: String,
    /// Signs the flash and pre-sign-in CSRF cookies. Must be the same on every app
    /// server behind one load balancer.
    pub cookie_key: Key,
    /// Whether the key came from `SRDI_SECRET_KEY` (false: random per process).
    pub cookie_key_configured: bool,
    /// Served over HTTPS (through a proxy): cookies get `Secure`, responses get HSTS.
    pub https: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy: bool,
    /// Sign out after this long without a request.
    pub session_idle: Duration,
    /// Sign out this long after sign-in, whatever happens.
    pub session_absolute: Duration,
    /// Login throttling limits per account (addresses get looser ones).
    pub throttle: ThrottlePolicy,
    /// Connections in the pool.
    pub pool_size: u32,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("database_url", &redact_url(&self.database_url))
            .field("cookie_key", &"<redacted>")
            .field("https", &self.https)
            .field("trust_proxy", &self.trust_proxy)
            .field("session_idle", &self.session_idle)
            .field("session_absolute", &self.session_absolute)
            .finish_non_exhaustive()
    }
}

/// A database URL with any password replaced, safe for logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Why the settings could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `SRDI_SECRET_KEY` shorter than 32 characters.
    #[error("SRDI_SECRET_KEY must have at least 32 characters (try: openssl rand -hex 32)")]
    ShortSecret,
    /// A number in the environment that does not parse.
    #[error("{0} must be a positive whole number")]
    BadNumber(&'static str),
}

fn env_flag(name: &str) -> bool {
    matches!(
        std::env::var(name).ok().as_deref().map(str::trim),
        Some("1" | "true" | "yes" | "on")
    )
}

fn env_number(name: &'static str, default: i64) -> Result<i64, ConfigError> {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or(ConfigError::BadNumber(name)),
        Err(_) => Ok(default),
    }
}

/// Derives the 64-byte cookie key from a secret of any length >= 32.
pub fn cookie_key_from_secret(secret: &str) -> Result<Key, ConfigError> {
    if secret.chars().count() < 32 {
        return Err(ConfigError::ShortSecret);
    }
    let digest = Sha512::digest(secret.as_bytes());
    Ok(Key::from(digest.as_slice()))
}

impl Settings {
    /// Reads the environment: `SRDI_SECRET_KEY`, `SRDI_HTTPS`, `SRDI_TRUST_PROXY`,
    /// `SRDI_SESSION_IDLE_MINUTES`, `SRDI_SESSION_ABSOLUTE_HOURS`, `SRDI_POOL_SIZE`.
    pub fn from_env(database_url: String) -> Result<Settings, ConfigError> {
        let (cookie_key, cookie_key_configured) = match std::env::var("SRDI_SECRET_KEY") {
            Ok(s) if !s.is_empty() => (cookie_key_from_secret(&s)?, true),
            _ => (Key::generate(), false),
        };
        Ok(Settings {
            database_url,
            cookie_key,
            cookie_key_configured,
            https: env_flag("SRDI_HTTPS"),
            trust_proxy: env_flag("SRDI_TRUST_PROXY"),
            session_idle: Duration::minutes(env_number("SRDI_SESSION_IDLE_MINUTES", 30)?),
            session_absolute: Duration::hours(env_number("SRDI_SESSION_ABSOLUTE_HOURS", 12)?),
            throttle: ThrottlePolicy::default(),
            pool_size: env_number("SRDI_POOL_SIZE", 16)? as u32,
        })
    }

    /// Settings for tests: fixed key, defaults everywhere.
    pub fn for_tests(database_url: String) -> Settings {
        Settings {
            database_url,
            cookie_key: Key::from(&[7u8; 64]),
            cookie_key_configured: true,
            https: false,
            trust_proxy: false,
            session_idle: Duration::minutes(30),
            session_absolute: Duration::hours(12),
            throttle: ThrottlePolicy::default(),
            pool_size: 8,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/srdi"),
            "postgres://app:***@db:5432/srdi"
        );
        assert_eq!(
            redact_url("postgres://app@db/srdi"),
            "postgres://app@db/srdi"
        );
        assert_eq!(redact_url("sqlite://data/x.db"), "sqlite://data/x.db");
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(cookie_key_from_secret("short").is_err());
        assert!(cookie_key_from_secret(&"x".repeat(32)).is_ok());
    }
}
