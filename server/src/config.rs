//! Configuration from environment variables, with defaults that make a
//! first run work with no set-up, and that refuse unsafe production set-ups.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use leptos::config::LeptosOptions;
use platform::{LiveLimits, LoginLimits, PostLimits, ProxyPolicy, RateLimit};

/// Shortest session secret accepted (characters).
pub const SECRET_MIN: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Development,
    Production,
}

/// The key that signs session cookies. Never printed.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub mode: Mode,
    pub database_url: String,
    pub db_max_connections: u32,
    pub data_dir: PathBuf,
    pub leptos: LeptosOptions,
    /// Where the server listens (from `LEPTOS_SITE_ADDR`).
    pub addr: SocketAddr,
    pub session_secret: Secret,
    pub session_idle: Duration,
    /// Mark cookies `Secure` (the site is served over HTTPS).
    pub secure_cookies: bool,
    /// A session ends this long after sign-in, however active it is.
    pub session_max_age: Duration,
    pub demo: bool,
    /// Whether and how far to believe `X-Forwarded-For`.
    pub proxy: ProxyPolicy,
    pub login_limits: LoginLimits,
    pub post_limits: PostLimits,
    pub register_limits: RateLimit,
    pub live_limits: LiveLimits,
    /// The site's public address (`https://host`), for absolute links.
    pub public_url: Option<String>,
    /// Extra origins allowed to post forms (besides the site's own host).
    pub allowed_origins: Vec<String>,
    pub log_json: bool,
    /// Watch-page opens of one browser within this many seconds are one view.
    pub view_window_secs: i64,
    /// How long visitors' pages are served from the shared cache before
    /// they are rendered again (counts lag at most this); 0 turns it off.
    pub page_cache_secs: u64,
    /// The memory the page cache may take, in MiB.
    pub page_cache_mb: u64,
    /// How often what page views count (viewers, views, read positions) is
    /// written: at most this much is lost when the server crashes. Half a
    /// second; tests make it long to see that a page view writes nothing.
    pub write_batch_every: Duration,
    /// How long the statistics and annual reports are served from memory
    /// before they are computed again (`SHUXIANG_STATS_FRESH_SECS`, 60).
    pub stats_fresh_secs: i64,
}

/// How often page-view counts are written by default.
pub const WRITE_BATCH_EVERY: Duration = Duration::from_millis(500);

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0}")]
    Invalid(String),
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn invalid(msg: impl Into<String>) -> ConfigError {
    ConfigError::Invalid(msg.into())
}

/// Looks variables up; empty counts as unset.
struct Vars<F: Fn(&str) -> Option<String>>(F);

impl<F: Fn(&str) -> Option<String>> Vars<F> {
    fn get(&self, name: &str) -> Option<String> {
        (self.0)(name).filter(|v| !v.trim().is_empty())
    }

    fn flag(&self, name: &str, default: bool) -> Result<bool, ConfigError> {
        match self
            .get(name)
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None => Ok(default),
            Some("1" | "true" | "yes" | "on") => Ok(true),
            Some("0" | "false" | "no" | "off") => Ok(false),
            Some(other) => Err(invalid(format!(
                "{name} must be true or false, not {other:?}"
            ))),
        }
    }

    fn number<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T, ConfigError> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse()
                .map_err(|_| invalid(format!("{name} must be a number, not {v:?}"))),
        }
    }
}

impl Config {
    /// Reads the configuration of this process from its environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_vars(|name| std::env::var(name).ok())
    }

    /// Reads the configuration from any variable lookup (tests pass a map).
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let vars = Vars(lookup);
        let mode = match vars.get("SHUXIANG_ENV").as_deref() {
            None | Some("development" | "dev") => Mode::Development,
            Some("production" | "prod") => Mode::Production,
            Some(other) => {
                return Err(invalid(format!(
                    "SHUXIANG_ENV must be development or production, not {other:?}"
                )));
            }
        };
        let production = mode == Mode::Production;
        let data_dir = PathBuf::from(
            vars.get("SHUXIANG_DATA_DIR")
                .unwrap_or_else(|| "data".into()),
        );
        let database_url = vars
            .get("DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}/shuxiang.db", data_dir.display()));
        let demo = vars.flag("SHUXIANG_DEMO", false)?;
        if production && demo {
            return Err(invalid(
                "SHUXIANG_DEMO cannot be on in production: demo accounts have published passwords",
            ));
        }
        let session_secret = match vars.get("SHUXIANG_SESSION_SECRET") {
            Some(s) if s.chars().count() >= SECRET_MIN => Secret(s),
            Some(_) => {
                return Err(invalid(format!(
                    "SHUXIANG_SESSION_SECRET must be at least {SECRET_MIN} characters"
                )));
            }
            None if production => {
                return Err(invalid(format!(
                    "SHUXIANG_SESSION_SECRET is required in production (at least {SECRET_MIN} random characters)"
                )));
            }
            None => dev_secret(&data_dir)?,
        };

        let mut leptos = leptos::config::get_configuration(None)
            .map_err(|e| invalid(format!("Leptos configuration: {e}")))?
            .leptos_options;
        if leptos.output_name.is_empty() {
            leptos.output_name = "shuxiang".into();
        }
        leptos.site_root = resolve_site_root(&leptos.site_root).into();
        if vars.get("LEPTOS_HASH_FILES").is_none() {
            // A release build by cargo-leptos leaves hash.txt beside the binary.
            leptos.hash_files = exe_dir().is_some_and(|d| d.join(&*leptos.hash_file).exists());
        }
        let addr = leptos.site_addr;

        Ok(Config {
            mode,
            database_url,
            db_max_connections: vars.number("SHUXIANG_DB_MAX_CONNECTIONS", 16)?,
            data_dir,
            leptos,
            addr,
            session_secret,
            session_idle: Duration::from_secs(
                24 * 3600 * vars.number("SHUXIANG_SESSION_IDLE_DAYS", 14u64)?,
            ),
            session_max_age: Duration::from_secs(
                24 * 3600 * vars.number("SHUXIANG_SESSION_MAX_DAYS", 30u64)?,
            ),
            secure_cookies: vars.flag("SHUXIANG_SECURE_COOKIES", production)?,
            demo,
            proxy: ProxyPolicy {
                trust: vars.flag("SHUXIANG_TRUST_PROXY", false)?,
                hops: vars.number("SHUXIANG_TRUSTED_HOPS", 1usize)?,
            },
            login_limits: LoginLimits {
                per_account: vars.number("SHUXIANG_LOGIN_MAX_FAILURES", 5)?,
                per_address: vars.number("SHUXIANG_LOGIN_MAX_FAILURES_PER_ADDRESS", 30)?,
                window_secs: vars.number("SHUXIANG_LOGIN_LOCK_SECS", 15 * 60)?,
            },
            post_limits: PostLimits {
                per_window: vars.number("SHUXIANG_POST_LIMIT", 6)?,
                window_secs: vars.number("SHUXIANG_POST_LIMIT_SECS", 60)?,
            },
            register_limits: RateLimit {
                per_window: vars.number("SHUXIANG_REGISTER_LIMIT", 5)?,
                window_secs: vars.number("SHUXIANG_REGISTER_LIMIT_SECS", 3600)?,
            },
            live_limits: LiveLimits {
                connections_per_address: vars.number("SHUXIANG_LIVE_PER_ADDRESS", 20)?,
                viewers_per_address: vars.number("SHUXIANG_VIEWERS_PER_ADDRESS", 50)?,
            },
            public_url: public_url(vars.get("SHUXIANG_PUBLIC_URL"))?,
            allowed_origins: vars
                .get("SHUXIANG_ALLOWED_ORIGINS")
                .map(|v| {
                    v.split(',')
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            log_json: vars.get("SHUXIANG_LOG_FORMAT").as_deref() == Some("json"),
            view_window_secs: vars.number("SHUXIANG_VIEW_WINDOW_SECS", 30 * 60)?,
            page_cache_secs: vars.number("SHUXIANG_PAGE_CACHE_SECS", 5)?,
            page_cache_mb: vars.number("SHUXIANG_PAGE_CACHE_MB", 64)?,
            write_batch_every: WRITE_BATCH_EVERY,
            stats_fresh_secs: vars.number("SHUXIANG_STATS_FRESH_SECS", 60)?,
        })
    }

    /// A configuration for tests: the given database, port 0, a fixed
    /// secret, no demo data.
    pub fn for_tests(database_url: &str, data_dir: &Path) -> Config {
        let leptos = LeptosOptions::builder()
            .output_name("shuxiang")
            .site_root(resolve_site_root("target/site"))
            .site_addr(SocketAddr::from(([127, 0, 0, 1], 0)))
            .build();
        Config {
            mode: Mode::Development,
            database_url: database_url.to_owned(),
            db_max_connections: 8,
            data_dir: data_dir.to_owned(),
            addr: leptos.site_addr,
            leptos,
            session_secret: Secret("test secret that is long enough to sign cookies".into()),
            session_idle: Duration::from_secs(14 * 24 * 3600),
            session_max_age: Duration::from_secs(30 * 24 * 3600),
            secure_cookies: false,
            demo: false,
            proxy: ProxyPolicy::default(),
            login_limits: LoginLimits::default(),
            post_limits: PostLimits::default(),
            register_limits: RateLimit {
                per_window: 5,
                window_secs: 3600,
            },
            live_limits: LiveLimits::default(),
            public_url: None,
            allowed_origins: Vec::new(),
            log_json: false,
            view_window_secs: 30 * 60,
            // Off: many tests write to the database directly, which no
            // cache can hear; `http_page_cache` turns it on.
            page_cache_secs: 0,
            page_cache_mb: 16,
            write_batch_every: WRITE_BATCH_EVERY,
            stats_fresh_secs: 60,
        }
    }

    pub fn settings(&self) -> platform::Settings {
        platform::Settings {
            demo: self.demo,
            login_limits: self.login_limits.clone(),
            post_limits: self.post_limits.clone(),
            register_limits: self.register_limits.clone(),
            proxy: self.proxy,
            live_limits: self.live_limits.clone(),
            secure_cookies: self.secure_cookies,
            session_max_age_secs: i64::try_from(self.session_max_age.as_secs()).unwrap_or(i64::MAX),
            public_url: self.public_url.clone(),
            viewer_key: platform::keys::SiteKey::derive(self.session_secret.expose().as_bytes()),
            view_window_secs: self.view_window_secs,
            stats_fresh_secs: self.stats_fresh_secs,
        }
    }
}

/// `SHUXIANG_PUBLIC_URL`: an `http(s)://host[:port]` origin, kept without
/// a trailing slash.
fn public_url(value: Option<String>) -> Result<Option<String>, ConfigError> {
    let Some(v) = value else { return Ok(None) };
    let v = v.trim().trim_end_matches('/');
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"));
    let host_ok = rest.is_some_and(|h| {
        !h.is_empty()
            && h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
    });
    if host_ok {
        Ok(Some(v.to_owned()))
    } else {
        Err(invalid(format!(
            "SHUXIANG_PUBLIC_URL must be like https://shuxiang.example.org (scheme and host, no path), not {v:?}"
        )))
    }
}

fn exe_dir() -> Option<PathBuf> {
    std::env::current_exe()
        .ok()?
        .parent()
        .map(Path::to_path_buf)
}

/// The site root as given when it exists; otherwise `target/site` found
/// from the binary's own place (`target/release/shuxiang`), so the server
/// runs from any directory.
fn resolve_site_root(given: &str) -> String {
    let given_path = Path::new(given);
    if given_path.is_absolute() || given_path.exists() {
        return given.to_owned();
    }
    exe_dir()
        .into_iter()
        .flat_map(|d| d.ancestors().map(Path::to_path_buf).collect::<Vec<_>>())
        .map(|d| d.join("site"))
        .find(|p| p.join("pkg").exists())
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| given.to_owned())
}

/// In development, a random secret kept in the data directory, so sessions
/// survive restarts without any set-up.
fn dev_secret(data_dir: &Path) -> Result<Secret, ConfigError> {
    let path = data_dir.join("session.key");
    let io = |source| ConfigError::Io {
        path: path.clone(),
        source,
    };
    crate::files::private_dir(data_dir).map_err(io)?;
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim();
        if existing.len() >= SECRET_MIN {
            crate::files::private_file(&path).map_err(io)?;
            return Ok(Secret(existing.to_owned()));
        }
    }
    use rand::distributions::{Alphanumeric, DistString};
    let fresh = Alphanumeric.sample_string(&mut rand::rngs::OsRng, 64);
    write_private(&path, &fresh).map_err(io)?;
    Ok(Secret(fresh))
}

/// Writes a secret: the file is made owner-only before anything is in it.
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    crate::files::private_file(path)?;
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_print() {
        let s = Secret::new("very secret value");
        assert!(!format!("{s:?}").contains("very"));
    }

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: std::collections::HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    fn temp_dir() -> PathBuf {
        std::env::temp_dir().join(format!("sx-cfg-{}", uuid::Uuid::new_v4()))
    }

    #[test]
    fn production_needs_a_long_secret() {
        let err = Config::from_vars(vars(&[("SHUXIANG_ENV", "production")])).unwrap_err();
        assert!(
            err.to_string()
                .contains("SHUXIANG_SESSION_SECRET is required"),
            "{err}"
        );
        let err = Config::from_vars(vars(&[
            ("SHUXIANG_ENV", "production"),
            ("SHUXIANG_SESSION_SECRET", "short"),
        ]))
        .unwrap_err();
        assert!(err.to_string().contains("at least 32"), "{err}");
    }

    #[test]
    fn production_refuses_demo_data() {
        let err = Config::from_vars(vars(&[
            ("SHUXIANG_ENV", "production"),
            ("SHUXIANG_SESSION_SECRET", &"s".repeat(40)),
            ("SHUXIANG_DEMO", "1"),
        ]))
        .unwrap_err();
        assert!(err.to_string().contains("SHUXIANG_DEMO"), "{err}");
    }

    #[test]
    fn production_defaults_are_safe() {
        let c = Config::from_vars(vars(&[
            ("SHUXIANG_ENV", "production"),
            ("SHUXIANG_SESSION_SECRET", &"s".repeat(40)),
            ("DATABASE_URL", "postgres://u:p@db/shuxiang"),
        ]))
        .unwrap();
        assert_eq!(c.mode, Mode::Production);
        assert!(c.secure_cookies, "HTTPS cookies by default in production");
        assert!(!c.demo);
        assert_eq!(c.database_url, "postgres://u:p@db/shuxiang");
        assert!(
            !format!("{c:?}").contains("ssssssss"),
            "secret not in Debug output"
        );
    }

    #[test]
    fn development_defaults_work_with_nothing_set() {
        let dir = temp_dir();
        let c = Config::from_vars(vars(&[("SHUXIANG_DATA_DIR", dir.to_str().unwrap())])).unwrap();
        assert_eq!(c.mode, Mode::Development);
        assert_eq!(
            c.database_url,
            format!("sqlite://{}/shuxiang.db", dir.display())
        );
        assert!(!c.secure_cookies);
        assert_eq!(c.login_limits.per_account, 5);
        assert!(dir.join("session.key").exists());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn bad_values_are_reported() {
        let dir = temp_dir();
        let d = dir.to_str().unwrap();
        assert!(
            Config::from_vars(vars(&[
                ("SHUXIANG_DATA_DIR", d),
                ("SHUXIANG_DEMO", "maybe")
            ]))
            .is_err()
        );
        assert!(
            Config::from_vars(vars(&[
                ("SHUXIANG_DATA_DIR", d),
                ("SHUXIANG_LOGIN_MAX_FAILURES", "many")
            ]))
            .is_err()
        );
        assert!(Config::from_vars(vars(&[("SHUXIANG_ENV", "staging")])).is_err());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn proxy_hops_public_address_and_limits_are_read() {
        let dir = temp_dir();
        let d = dir.to_str().unwrap();
        let c = Config::from_vars(vars(&[
            ("SHUXIANG_DATA_DIR", d),
            ("SHUXIANG_TRUST_PROXY", "true"),
            ("SHUXIANG_TRUSTED_HOPS", "2"),
            ("SHUXIANG_PUBLIC_URL", "https://shuxiang.example.org/"),
            ("SHUXIANG_LIVE_PER_ADDRESS", "7"),
            ("SHUXIANG_REGISTER_LIMIT", "3"),
            ("SHUXIANG_SESSION_MAX_DAYS", "2"),
        ]))
        .unwrap();
        assert!(c.proxy.trust);
        assert_eq!(c.proxy.hops, 2);
        assert_eq!(
            c.public_url.as_deref(),
            Some("https://shuxiang.example.org")
        );
        assert_eq!(c.live_limits.connections_per_address, 7);
        assert_eq!(c.register_limits.per_window, 3);
        assert_eq!(c.session_max_age, Duration::from_secs(2 * 24 * 3600));
        let defaults = Config::from_vars(vars(&[("SHUXIANG_DATA_DIR", d)])).unwrap();
        assert!(!defaults.proxy.trust);
        assert_eq!(defaults.proxy.hops, 1);
        assert_eq!(defaults.live_limits.connections_per_address, 20);
        assert_eq!(
            defaults.session_max_age,
            Duration::from_secs(30 * 24 * 3600)
        );
        for bad in [
            "shuxiang.example.org",
            "https://",
            "https://a.example/path",
            "javascript:x",
        ] {
            assert!(
                Config::from_vars(vars(&[
                    ("SHUXIANG_DATA_DIR", d),
                    ("SHUXIANG_PUBLIC_URL", bad)
                ]))
                .is_err(),
                "{bad} refused"
            );
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn dev_secret_is_created_once_and_kept() {
        let dir = std::env::temp_dir().join(format!("sx-cfg-{}", uuid::Uuid::new_v4()));
        let a = dev_secret(&dir).unwrap();
        let b = dev_secret(&dir).unwrap();
        assert_eq!(a.expose(), b.expose());
        assert!(a.expose().len() >= SECRET_MIN);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
