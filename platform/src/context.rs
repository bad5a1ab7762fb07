//! What every server function and handler is given: the database, the
//! settings, and the state features register at start-up. Names no feature:
//! a feature keeps its own state (the lecture hall's live hub, the
//! statistics cache…) in [`Features`] and reads it back by type.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;

use crate::client::ProxyPolicy;
use crate::db::Db;
use crate::error::AppError;
use crate::keys::SiteKey;

/// Limits for sign-in attempts. Configurable so tests can use small numbers.
#[derive(Debug, Clone)]
pub struct LoginLimits {
    /// Failed attempts for one user name from one address within the
    /// window before that address may not try that name any more.
    pub per_account: i64,
    /// Failed attempts from one address within the window before it is locked.
    pub per_address: i64,
    /// The window, in seconds; a lock lasts until old failures leave it.
    pub window_secs: i64,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits {
            per_account: 5,
            per_address: 30,
            window_secs: 15 * 60,
        }
    }
}

/// The posting rate limit: at most `per_window` posts per person within
/// `window_secs` seconds.
#[derive(Debug, Clone)]
pub struct PostLimits {
    pub per_window: i64,
    pub window_secs: i64,
}

impl PostLimits {
    /// The same limit in the shape [`crate::rate`] judges.
    pub fn rate(&self) -> RateLimit {
        RateLimit {
            per_window: self.per_window,
            window_secs: self.window_secs,
        }
    }
}

impl Default for PostLimits {
    fn default() -> Self {
        PostLimits {
            per_window: 6,
            window_secs: 60,
        }
    }
}

/// A plain rate limit: at most `per_window` actions within `window_secs`.
#[derive(Debug, Clone)]
pub struct RateLimit {
    pub per_window: i64,
    pub window_secs: i64,
}

/// Limits of the lecture hall's live side, per client address.
#[derive(Debug, Clone)]
pub struct LiveLimits {
    /// Live connections (open watch pages) at once from one address.
    pub connections_per_address: i64,
    /// Distinct browsers counted in a session's audience from one address.
    pub viewers_per_address: i64,
}

impl Default for LiveLimits {
    fn default() -> Self {
        LiveLimits {
            connections_per_address: 20,
            viewers_per_address: 50,
        }
    }
}

/// Settings the server functions need; built by the server from its config.
/// Holds no secret in printable form (the viewer key's `Debug` hides it).
#[derive(Debug, Clone)]
pub struct Settings {
    pub demo: bool,
    pub login_limits: LoginLimits,
    pub post_limits: PostLimits,
    /// New accounts per client address.
    pub register_limits: RateLimit,
    /// Whether and how far to believe `X-Forwarded-For`.
    pub proxy: ProxyPolicy,
    pub live_limits: LiveLimits,
    /// Cookies are marked `Secure` (the site is served over HTTPS).
    pub secure_cookies: bool,
    /// A session ends this long after sign-in, however active (seconds).
    pub session_max_age_secs: i64,
    /// The site's public address (`https://host`, no trailing slash), for
    /// the absolute links in calendar files, feeds and QR codes.
    pub public_url: Option<String>,
    /// Signs the anonymous viewer cookies of watch pages and hashes client
    /// addresses; derived from the session secret.
    pub viewer_key: SiteKey,
    /// Watch-page opens of one browser within this many seconds are one view.
    pub view_window_secs: i64,
    /// The statistics and annual reports are computed again when older.
    pub stats_fresh_secs: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            demo: false,
            login_limits: LoginLimits::default(),
            post_limits: PostLimits::default(),
            register_limits: RateLimit {
                per_window: 5,
                window_secs: 3600,
            },
            proxy: ProxyPolicy::default(),
            live_limits: LiveLimits::default(),
            secure_cookies: false,
            session_max_age_secs: 30 * 24 * 3600,
            public_url: None,
            viewer_key: SiteKey::random(),
            view_window_secs: 30 * 60,
            stats_fresh_secs: 60,
        }
    }
}

/// What every server function and page render gets as context.
#[derive(Clone)]
pub struct AppContext {
    pub db: Db,
    pub settings: Arc<Settings>,
    /// Each feature's state (see [`Features`]).
    features: Arc<Features>,
}

/// Who is asking: a visitor, or a signed-in account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Visitor,
    Account(i64),
}

impl Viewer {
    /// A signed-in account's id, or a visitor.
    pub fn of(account_id: Option<i64>) -> Viewer {
        account_id.map_or(Viewer::Visitor, Viewer::Account)
    }

    pub fn account(self) -> Option<i64> {
        match self {
            Viewer::Visitor => None,
            Viewer::Account(id) => Some(id),
        }
    }

    /// The value SQL compares account columns with: the account's id, and
    /// for a visitor 0, which no account has (ids start at 1), so a visitor
    /// matches no membership, read position or like.
    pub fn sql_id(self) -> i64 {
        self.account().unwrap_or(0)
    }
}

/// The state features put in at start-up, one value per type.
#[derive(Clone, Default)]
pub struct Features(HashMap<TypeId, Arc<dyn Any + Send + Sync>>);

impl Features {
    /// Adds a feature's state (a second value of the same type replaces the first).
    pub fn insert<T: Send + Sync + 'static>(&mut self, value: Arc<T>) -> &mut Self {
        self.0.insert(TypeId::of::<T>(), value);
        self
    }

    pub fn get<T: Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        self.0
            .get(&TypeId::of::<T>())
            .and_then(|v| Arc::clone(v).downcast::<T>().ok())
    }
}

impl AppContext {
    pub fn new(db: Db, settings: Arc<Settings>, features: Features) -> Self {
        AppContext {
            db,
            settings,
            features: Arc::new(features),
        }
    }

    /// A feature's state, put in at start-up.
    pub fn feature<T: Send + Sync + 'static>(&self) -> Result<Arc<T>, AppError> {
        self.features.get::<T>().ok_or_else(|| {
            AppError::internal(format!(
                "feature state missing: {}",
                std::any::type_name::<T>()
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Features;
    use std::sync::Arc;

    #[test]
    fn features_are_found_by_type() {
        let mut f = Features::default();
        f.insert(Arc::new(7u32))
            .insert(Arc::new(String::from("hub")));
        assert_eq!(f.get::<u32>().as_deref(), Some(&7));
        assert_eq!(
            f.get::<String>().as_deref().map(String::as_str),
            Some("hub")
        );
        assert!(f.get::<u64>().is_none());
    }
}
