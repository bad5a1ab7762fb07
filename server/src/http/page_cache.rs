//! The shared cache of visitors' pages.
//!
//! Pages that do not depend on who is asking (home, the lecture hall and a
//! lecture's page, the group directory and a group's pages, threads, books,
//! the annual report, the Atom and calendar feeds) are rendered once for
//! all visitors without a session and served from memory until something
//! changes. Discourse's anonymous cache is the model; unlike it, a change
//! shows at once:
//!
//! - Every page is stored with the page generation it was read under
//!   (`platform::freshness`), taken before the render. Every request
//!   that can change what a page shows (any successful POST, PUT, PATCH or
//!   DELETE except the few in [`CHANGES_NO_PAGE`]) moves the generation on
//!   once its answer is ready, that is after its write committed, and
//!   before the writer sees the answer. On PostgreSQL the other servers
//!   hear it on the bus (`platform::bus`). New endpoints that
//!   write are covered without anyone remembering to list them.
//! - Counts that change without such a request (views added in batches, a
//!   lecture's phase as its start time passes) may lag by up to the
//!   time-to-live, `SHUXIANG_PAGE_CACHE_SECS` (5 seconds by default), and
//!   the time of one render after it; so may likes, lecture registrations
//!   and question votes, which are counts and do not move the generation.
//!
//! Nothing personal can get in: a request with a session cookie neither
//! reads nor fills the cache, and a response is kept only when it is a
//! 200 whose only cookie is a watch page's anonymous viewer id. That
//! cookie is taken out of the stored page, and a fresh one is minted for
//! every visitor who comes without a valid one. Query strings a page does
//! not read make the request bypass the cache.
//!
//! The CSP nonce of a cached page is shared by the visitors served from the
//! same entry. That is safe here: a nonce stops an inline script that an
//! attacker got into the page's content, and the content of a cached page
//! was fixed before its nonce existed (the nonce is drawn during the render,
//! and any later write makes a new render with a new nonce); cached pages
//! reflect nothing from the request. Sharing it lets entries be stored
//! compressed (brotli and gzip), so a hit does no work per byte.
//!
//! When an entry is missing or stale, one request renders it and the
//! others for the same address wait for that render (`single_flight`), so
//! a page that expires under load is rendered once, not by every visitor.
//! When the entry is only older than the time-to-live (no write since), the
//! others do not wait: they get the old copy while the render runs.
//!
//! Entries carry an `ETag` (a digest of the bytes) and `Last-Modified` (the
//! render's time), and conditional requests get `304 Not Modified`.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use app::lectures::viewer;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use platform::freshness::Pages;
use platform::keys::SiteKey;

use super::single_flight::{SingleFlight, Turn};

/// Endpoints that write nothing a cached page shows, or only counts that
/// may lag (see the module comment); every other successful write makes
/// the cached pages stale. Read-only server functions are here so that a
/// browser loading data (they are POSTs) does not empty the cache. Leaving
/// an endpoint out only costs cache hits, never freshness.
const CHANGES_NO_PAGE: &[&str] = &[
    // Signing in and out, the font size: nothing visitors see.
    "/api/login",
    "/api/logout",
    "/api/register",
    "/api/font-size",
    "/api/password",
    // Counts.
    "/api/posts/like",
    "/api/note/like",
    "/api/lectures/register",
    "/api/lectures/cancel-registration",
    "/api/lectures/vote",
    "/api/lectures/watching",
    // Reads.
    "/api/admin/accounts",
    "/api/admin/audit",
    "/api/admin/record",
    "/api/admin/records",
    "/api/admin/recommendations",
    "/api/admin/stats",
    "/api/book",
    "/api/books",
    "/api/books/import-preview",
    "/api/books/recommended",
    "/api/group",
    "/api/group/form",
    "/api/group/manage",
    "/api/groups",
    "/api/home",
    "/api/lectures",
    "/api/lectures/checkin-codes",
    "/api/lectures/checkin-page",
    "/api/lectures/form",
    "/api/lectures/mine",
    "/api/lectures/page",
    "/api/me",
    "/api/me/reading",
    "/api/moderation/queue",
    "/api/notes/book",
    "/api/notes/group",
    "/api/notifications",
    "/api/posts/history",
    "/api/posts/preview",
    "/api/report",
    "/api/reset/check",
    "/api/search",
    "/api/shell",
    "/api/threads/list",
    "/api/threads/mentions",
    "/api/threads/page",
];

/// Largest page kept (bigger ones are served, not stored).
const MAX_ENTRY_BYTES: usize = 512 * 1024;
/// What an entry weighs beyond its bytes (key, headers, bookkeeping): it
/// also bounds the number of entries to the byte budget over this.
const ENTRY_OVERHEAD: u64 = 2048;
/// Brotli quality of stored pages: near the best size, a millisecond or
/// two per render of a typical page.
const BROTLI_QUALITY: u32 = 9;
const BROTLI_WINDOW: u32 = 22;

/// What visitors' pages may be kept by browsers and proxies: stored, but
/// checked with the server (cheaply, by `ETag`) before each use.
const PUBLIC_RULE: &str = "public, no-cache";
/// Signed-in pages: the browser may keep them, no shared cache may.
const PRIVATE_RULE: &str = "private, no-cache";
/// Signed-in pages with other people's data or one's own records.
const PRIVATE_SENSITIVE_RULE: &str = "private, no-store";

/// The cache and what it needs to serve a hit.
pub struct PageCache {
    ttl: Duration,
    entries: quick_cache::sync::Cache<String, Arc<Entry>, Weight>,
    pages: Arc<Pages>,
    viewer_key: SiteKey,
    secure_cookies: bool,
    flight: SingleFlight,
}

/// How the cache is bounded.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// How long a page is served before it is rendered again, even when no
    /// write moved the generation (counts); zero turns the cache off.
    pub ttl: Duration,
    /// The memory the entries may take, in bytes (roughly).
    pub max_bytes: u64,
}

#[derive(Clone)]
struct Weight;

impl quick_cache::Weighter<String, Arc<Entry>> for Weight {
    fn weight(&self, key: &String, entry: &Arc<Entry>) -> u64 {
        key.len() as u64 + entry.bytes + ENTRY_OVERHEAD
    }
}

/// A stored page.
struct Entry {
    generation: u64,
    rendered: Instant,
    /// Seconds since the epoch, for `If-Modified-Since`.
    modified_secs: u64,
    last_modified: HeaderValue,
    etag: HeaderValue,
    content_type: HeaderValue,
    csp: Option<HeaderValue>,
    identity: Bytes,
    gzip: Bytes,
    br: Bytes,
    bytes: u64,
}

/// What kind of cached address a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Page,
    /// A lecture's page, which hands every browser an anonymous viewer id.
    WatchPage,
    Feed,
}

/// Which encoding of an entry a request gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Identity,
    Gzip,
    Br,
}

/// What the answer to a cached address depends on in the request.
struct Asked {
    encoding: Encoding,
    if_none_match: Option<HeaderValue>,
    if_modified_since: Option<SystemTime>,
    /// The browser already has a valid viewer id.
    has_viewer: bool,
}

impl PageCache {
    pub fn new(
        limits: Limits,
        pages: Arc<Pages>,
        viewer_key: SiteKey,
        secure_cookies: bool,
    ) -> PageCache {
        let max_bytes = limits.max_bytes.max(ENTRY_OVERHEAD);
        PageCache {
            ttl: limits.ttl,
            entries: quick_cache::sync::Cache::with_weighter(
                usize::try_from(max_bytes / (16 * 1024))
                    .unwrap_or(usize::MAX)
                    .max(16),
                max_bytes,
                Weight,
            ),
            pages,
            viewer_key,
            secure_cookies,
            flight: SingleFlight::default(),
        }
    }

    fn enabled(&self) -> bool {
        !self.ttl.is_zero()
    }

    /// No write since the entry was rendered (only counts may have moved).
    fn unwritten(&self, entry: &Entry) -> bool {
        entry.generation == self.pages.current()
    }

    fn fresh(&self, entry: &Entry) -> Option<()> {
        (self.unwritten(entry) && entry.rendered.elapsed() < self.ttl).then_some(())
    }
}

/// The middleware: serves and fills the cache, moves the generation on
/// after writes, and marks signed-in pages private.
pub async fn layer(State(cache): State<Arc<PageCache>>, req: Request, next: Next) -> Response {
    if is_write(req.method()) {
        let changes = !CHANGES_NO_PAGE.contains(&req.uri().path());
        let res = next.run(req).await;
        if changes && succeeded(&res) {
            cache.pages.changed().await;
        }
        return res;
    }
    // A form's answer waiting to be shown (`platform::flash`) is personal too.
    let signed_in = platform::cookie_in(req.headers(), crate::sessions::COOKIE).is_some()
        || platform::cookie_in(req.headers(), platform::flash::COOKIE).is_some();
    if signed_in {
        let sensitive = is_sensitive(req.uri().path());
        let mut res = next.run(req).await;
        mark_private(&mut res, sensitive);
        return res;
    }
    let found = (cache.enabled() && req.method() == Method::GET)
        .then(|| cacheable(&req))
        .flatten();
    let Some((kind, key)) = found else {
        return next.run(req).await;
    };
    let asked = asked(&cache, req.headers(), kind);
    let cached = cache.entries.get(&key);
    if let Some(entry) = &cached
        && cache.fresh(entry).is_some()
    {
        return serve(&cache, entry, &asked, kind, "hit");
    }
    // Old by its age only (nothing was written since): only counts may
    // have moved, so while one request renders it afresh the others are
    // served this copy at once instead of queueing behind the render.
    let lagging = cached.filter(|e| cache.unwritten(e));

    // One render per missing page: the others wait for it, then read it.
    let _leading = match cache.flight.join(&key) {
        Turn::Leader(leading) => Some(leading),
        Turn::Follower(lock) => {
            if let Some(entry) = &lagging {
                return serve(&cache, entry, &asked, kind, "stale");
            }
            Turn::wait(&lock).await;
            if let Some(entry) = cache.entries.get(&key)
                && cache.fresh(&entry).is_some()
            {
                return serve(&cache, &entry, &asked, kind, "hit");
            }
            None
        }
    };
    // Read before the render: a write that commits during it moves the
    // generation on, and the page stored below is then stale at once.
    let generation = cache.pages.current();
    let res = next.run(req).await;
    let Some(entry) = storable(res, kind, generation).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    match entry {
        Stored::Entry(entry) => {
            let entry = Arc::new(entry);
            cache.entries.insert(key, Arc::clone(&entry));
            serve(&cache, &entry, &asked, kind, "miss")
        }
        Stored::Passed(res) => res,
    }
}

/// What became of a rendered response.
enum Stored {
    Entry(Entry),
    /// Not for the cache: served as it is.
    Passed(Response),
}

/// Makes an entry of a response that may be kept; `None` when its body
/// failed while being read.
async fn storable(res: Response, kind: Kind, generation: u64) -> Option<Stored> {
    if !may_store(&res, kind) {
        return Some(Stored::Passed(res));
    }
    let (parts, body) = res.into_parts();
    let identity = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "page body failed");
            return None;
        }
    };
    let headers = &parts.headers;
    if identity.len() > MAX_ENTRY_BYTES {
        let mut res = Response::from_parts(parts, Body::from(identity));
        // The viewer cookie stays in this one: it was not taken out.
        res.headers_mut()
            .insert("x-page-cache", HeaderValue::from_static("bypass"));
        return Some(Stored::Passed(res));
    }
    let content_type = headers.get(header::CONTENT_TYPE).cloned()?;
    let csp = headers.get(header::CONTENT_SECURITY_POLICY).cloned();
    let compress = identity.clone();
    let (gzip, br) = tokio::task::spawn_blocking(move || (gzip(&compress), brotli(&compress)))
        .await
        .ok()?;
    let now = SystemTime::now();
    let modified_secs = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let entry = Entry {
        generation,
        rendered: Instant::now(),
        modified_secs,
        last_modified: HeaderValue::from_str(&httpdate::fmt_http_date(now)).ok()?,
        etag: HeaderValue::from_str(&etag(&identity)).ok()?,
        content_type,
        csp,
        bytes: (identity.len() + gzip.len() + br.len()) as u64,
        identity,
        gzip: gzip.into(),
        br: br.into(),
    };
    Some(Stored::Entry(entry))
}

/// A response worth keeping: a complete 200 page or feed whose only cookie
/// is a watch page's viewer id.
fn may_store(res: &Response, kind: Kind) -> bool {
    if res.status() != StatusCode::OK || res.headers().contains_key(header::CONTENT_ENCODING) {
        return false;
    }
    let cookies_ok = res.headers().get_all(header::SET_COOKIE).iter().all(|c| {
        kind == Kind::WatchPage
            && c.as_bytes()
                .starts_with(format!("{}=", viewer::COOKIE).as_bytes())
    });
    let type_ok = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| match kind {
            Kind::Page | Kind::WatchPage => t.starts_with("text/html"),
            Kind::Feed => t.starts_with("application/atom+xml") || t.starts_with("text/calendar"),
        });
    cookies_ok && type_ok
}

/// The answer from an entry: 304 when the browser has these bytes, else
/// the bytes in the encoding it takes best.
fn serve(
    cache: &PageCache,
    entry: &Entry,
    asked: &Asked,
    kind: Kind,
    how: &'static str,
) -> Response {
    let not_modified = match &asked.if_none_match {
        Some(tags) => etag_matches(tags, &entry.etag),
        None => asked.if_modified_since.is_some_and(|since| {
            since
                .duration_since(SystemTime::UNIX_EPOCH)
                .is_ok_and(|s| s.as_secs() >= entry.modified_secs)
        }),
    };
    let mut res = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let (body, encoding) = match asked.encoding {
            Encoding::Br => (entry.br.clone(), Some("br")),
            Encoding::Gzip => (entry.gzip.clone(), Some("gzip")),
            Encoding::Identity => (entry.identity.clone(), None),
        };
        let mut res = Response::new(Body::from(body));
        let h = res.headers_mut();
        h.insert(header::CONTENT_TYPE, entry.content_type.clone());
        if let Some(e) = encoding {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
        }
        res
    };
    let h = res.headers_mut();
    h.insert(header::ETAG, entry.etag.clone());
    h.insert(header::LAST_MODIFIED, entry.last_modified.clone());
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(PUBLIC_RULE));
    h.insert(
        header::VARY,
        HeaderValue::from_static("Accept-Encoding, Cookie"),
    );
    h.insert("x-page-cache", HeaderValue::from_static(how));
    if let Some(csp) = &entry.csp {
        h.insert(header::CONTENT_SECURITY_POLICY, csp.clone());
    }
    if kind == Kind::WatchPage && !asked.has_viewer {
        let line = viewer::set_cookie(&cache.viewer_key.mint(), cache.secure_cookies);
        if let Ok(v) = HeaderValue::from_str(&line) {
            h.append(header::SET_COOKIE, v);
        }
    }
    res
}

fn asked(cache: &PageCache, headers: &HeaderMap, kind: Kind) -> Asked {
    Asked {
        encoding: encoding(headers),
        if_none_match: headers.get(header::IF_NONE_MATCH).cloned(),
        if_modified_since: headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok()),
        has_viewer: kind == Kind::WatchPage
            && viewer::from_headers(headers).is_some_and(|v| cache.viewer_key.verify(&v).is_some()),
    }
}

fn is_write(method: &Method) -> bool {
    matches!(
        *method,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    )
}

/// Whether a write went through: a 2xx, or the redirect of a plain form
/// post that does not carry an error back to its page.
fn succeeded(res: &Response) -> bool {
    let status = res.status();
    status.is_success()
        || (status.is_redirection()
            && !res
                .headers()
                .get(header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .is_some_and(|l| l.contains("__err=")))
}

/// Signed-in pages no one else should keep even in their own browser's
/// cache after use: the console and one's own records.
fn is_sensitive(path: &str) -> bool {
    ["/admin", "/me"].iter().any(|p| {
        path.strip_prefix(p)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

fn mark_private(res: &mut Response, sensitive: bool) {
    let h = res.headers_mut();
    if h.contains_key(header::CACHE_CONTROL) {
        // Files and downloads set their own rule; make sure it is private.
        let private = h
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("private") || v.contains("no-store"));
        if private {
            return;
        }
    }
    let rule = if sensitive {
        PRIVATE_SENSITIVE_RULE
    } else {
        PRIVATE_RULE
    };
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(rule));
    h.append(header::VARY, HeaderValue::from_static("Cookie"));
}

/// The cache key of a request for a cached address, with its kind; `None`
/// for every other request (including query strings the page does not read).
fn cacheable(req: &Request) -> Option<(Kind, String)> {
    let uri = req.uri();
    let (kind, known) = route(uri.path())?;
    if let Some(query) = uri.query() {
        let ok = form_urlencoded::parse(query.as_bytes())
            .all(|(k, v)| known.contains(&k.as_ref()) && v.len() <= 64);
        if !ok {
            return None;
        }
    }
    let h = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    // Pages differ by font size (a cookie), and absolute links in feeds by
    // the host when no public address is configured.
    let font = platform::cookie_in(req.headers(), app::layout::font::COOKIE)
        .and_then(|v| app::layout::FontSize::parse(&v))
        .unwrap_or(app::layout::FontSize::Standard);
    let key = format!(
        "{}\n{}\n{}\n{}",
        h("host"),
        h("x-forwarded-proto"),
        font.as_str(),
        uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")
    );
    Some((kind, key))
}

/// Whether a path is a cached address, and the query parameters its page reads.
fn route(path: &str) -> Option<(Kind, &'static [&'static str])> {
    let rest = path.strip_prefix('/')?;
    let segments: Vec<&str> = rest.split('/').collect();
    let named = |s: &str| !s.is_empty();
    let page = |known: &'static [&'static str]| Some((Kind::Page, known));
    match segments.as_slice() {
        [""] => page(&[]),
        ["calendar.ics"] | ["lectures", "feed.atom"] => Some((Kind::Feed, &[])),
        ["lectures"] => page(&["series"]),
        ["lectures", "new"] => None,
        ["lectures", s] if s.len() > 4 && s.ends_with(".ics") => Some((Kind::Feed, &[])),
        ["lectures", s] if named(s) => Some((Kind::WatchPage, &[])),
        ["groups"] => page(&["theme", "kind", "sector", "status"]),
        ["groups", "new"] => None,
        ["groups", s] if named(s) => page(&[]),
        ["groups", s, "threads"] if named(s) => page(&["page"]),
        ["groups", s, "threads", id] if named(s) && named(id) => page(&["page"]),
        ["books"] => page(&["page"]),
        ["books", "new" | "import"] => None,
        ["books", id] if named(id) => page(&[]),
        ["report", year] if named(year) => page(&[]),
        _ => None,
    }
}

/// The best encoding the request accepts (brotli, then gzip).
fn encoding(headers: &HeaderMap) -> Encoding {
    let mut best = Encoding::Identity;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0))
            });
            if refused {
                continue;
            }
            if name.eq_ignore_ascii_case("br") {
                best = Encoding::Br;
            } else if name.eq_ignore_ascii_case("gzip") && best == Encoding::Identity {
                best = Encoding::Gzip;
            }
        }
    }
    best
}

/// Whether an `If-None-Match` list names this entity tag (weak comparison).
fn etag_matches(list: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(list) = list.to_str() else {
        return false;
    };
    let own = etag.to_str().unwrap_or("");
    list.split(',')
        .map(str::trim)
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == own)
}

/// A strong entity tag: a digest of the bytes.
fn etag(body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(body);
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

fn gzip(body: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to memory cannot fail.
    let _ = enc.write_all(body);
    enc.finish().unwrap_or_default()
}

fn brotli(body: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = brotli::CompressorWriter::new(Vec::new(), 4096, BROTLI_QUALITY, BROTLI_WINDOW);
    let _ = enc.write_all(body);
    enc.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    #[test]
    fn only_visitor_pages_are_cached_addresses() {
        let kind = |p| route(p).map(|(k, _)| k);
        assert_eq!(kind("/"), Some(Kind::Page));
        assert_eq!(kind("/lectures"), Some(Kind::Page));
        assert_eq!(kind("/lectures/abc"), Some(Kind::WatchPage));
        assert_eq!(kind("/lectures/abc.ics"), Some(Kind::Feed));
        assert_eq!(kind("/lectures/feed.atom"), Some(Kind::Feed));
        assert_eq!(kind("/calendar.ics"), Some(Kind::Feed));
        assert_eq!(kind("/groups/g/threads/7"), Some(Kind::Page));
        assert_eq!(kind("/report/2026"), Some(Kind::Page));
        for not in [
            "/lectures/new",
            "/lectures/abc/edit",
            "/groups/new",
            "/groups/g/manage",
            "/books/new",
            "/me",
            "/admin",
            "/login",
            "/search",
            "/groups/",
            "/healthz",
            "/api/home",
        ] {
            assert_eq!(kind(not), None, "{not}");
        }
    }

    #[test]
    fn unknown_query_strings_bypass_the_cache() {
        let req = |uri: &str| {
            axum::http::Request::builder()
                .uri(uri)
                .body(Body::empty())
                .unwrap()
        };
        assert!(cacheable(&req("/groups/g/threads/7?page=2")).is_some());
        assert!(cacheable(&req("/groups/g/threads/7?quote=3")).is_none());
        assert!(cacheable(&req("/?utm=x")).is_none());
        assert!(cacheable(&req("/groups/g?__path=x&__err=y")).is_none());
        let (_, a) = cacheable(&req("/")).unwrap();
        let big = axum::http::Request::builder()
            .uri("/")
            .header("cookie", "sx_font=large")
            .body(Body::empty())
            .unwrap();
        let (_, b) = cacheable(&big).unwrap();
        assert_ne!(a, b, "the font size is part of the key");
    }

    #[test]
    fn encodings_and_validators() {
        assert_eq!(encoding(&headers(&[])), Encoding::Identity);
        assert_eq!(
            encoding(&headers(&[("accept-encoding", "gzip, deflate, br")])),
            Encoding::Br
        );
        assert_eq!(
            encoding(&headers(&[("accept-encoding", "gzip")])),
            Encoding::Gzip
        );
        assert_eq!(
            encoding(&headers(&[("accept-encoding", "br;q=0, gzip")])),
            Encoding::Gzip
        );
        let tag = HeaderValue::from_str(&etag(b"page")).unwrap();
        assert!(etag_matches(&tag, &tag));
        let list = HeaderValue::from_str(&format!("\"x\", W/{}", tag.to_str().unwrap())).unwrap();
        assert!(etag_matches(&list, &tag));
        assert!(!etag_matches(&HeaderValue::from_static("\"x\""), &tag));
        assert_ne!(etag(b"page"), etag(b"page 2"));
    }

    #[test]
    fn stored_pages_decompress_to_the_page() {
        use std::io::Read;
        let page = "<p>书香政协</p>".repeat(200);
        let mut out = String::new();
        flate2::read::GzDecoder::new(&gzip(page.as_bytes())[..])
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, page);
        let mut out = String::new();
        brotli::Decompressor::new(&brotli(page.as_bytes())[..], 4096)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, page);
    }

    #[test]
    fn writes_that_fail_change_nothing() {
        let res = |status: u16, location: Option<&str>| {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::from_u16(status).unwrap();
            if let Some(l) = location {
                r.headers_mut().insert(header::LOCATION, l.parse().unwrap());
            }
            r
        };
        assert!(succeeded(&res(200, None)));
        assert!(succeeded(&res(303, Some("/groups/g"))));
        assert!(!succeeded(&res(
            303,
            Some("/groups/g?__path=/api/reply&__err=x")
        )));
        assert!(!succeeded(&res(403, None)));
        assert!(!succeeded(&res(429, None)));
        assert!(is_sensitive("/admin/users") && is_sensitive("/me"));
        assert!(!is_sensitive("/membership") && !is_sensitive("/groups"));
    }

    /// A page whose render can be held open, to see what the others get
    /// meanwhile.
    #[derive(Default)]
    struct Renders {
        count: std::sync::atomic::AtomicU64,
        hold: std::sync::atomic::AtomicBool,
        entered: tokio::sync::Notify,
        release: tokio::sync::Notify,
    }

    async fn render(State(r): State<Arc<Renders>>) -> Response {
        use std::sync::atomic::Ordering;
        let n = r.count.fetch_add(1, Ordering::SeqCst) + 1;
        if r.hold.swap(false, Ordering::SeqCst) {
            r.entered.notify_one();
            r.release.notified().await;
        }
        (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            format!("<p>render {n}</p>"),
        )
            .into_response()
    }

    async fn body_of(res: Response) -> (String, String) {
        let how = res.headers()["x-page-cache"].to_str().unwrap().to_owned();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        (how, String::from_utf8(bytes.to_vec()).unwrap())
    }

    /// Past its time-to-live a page is rendered again by one request while
    /// the others get the old copy at once; after a write nobody gets the
    /// old copy, they wait for the new render.
    #[tokio::test]
    async fn expired_pages_are_served_while_one_request_renders() {
        use std::sync::atomic::Ordering;
        use tower::ServiceExt;
        let db = platform::Db::connect("sqlite::memory:", 1).await.unwrap();
        let pages = Pages::new(&platform::bus::Bus::new(db));
        let ttl = Duration::from_millis(50);
        let limits = Limits {
            ttl,
            max_bytes: 1 << 20,
        };
        let cache = Arc::new(PageCache::new(
            limits,
            Arc::clone(&pages),
            SiteKey::random(),
            false,
        ));
        let renders = Arc::new(Renders::default());
        let app = axum::Router::new()
            .route("/", axum::routing::get(render))
            .with_state(Arc::clone(&renders))
            .layer(axum::middleware::from_fn_with_state(cache, layer));
        let soon = Duration::from_secs(5);
        let ask = || {
            let app = app.clone();
            async move {
                let req = Request::get("/").body(Body::empty()).unwrap();
                body_of(app.oneshot(req).await.unwrap()).await
            }
        };
        // The next render stops until released; this returns once it started
        // (a waiting permit of `notify_one` is not lost).
        let hold_next = || renders.hold.store(true, Ordering::SeqCst);
        let started = || async {
            tokio::time::timeout(soon, renders.entered.notified())
                .await
                .unwrap();
        };
        assert_eq!(ask().await, ("miss".into(), "<p>render 1</p>".into()));
        tokio::time::sleep(ttl * 2).await;
        hold_next();
        let leader = tokio::spawn(ask());
        started().await;
        let other = tokio::time::timeout(soon, ask())
            .await
            .expect("served at once");
        assert_eq!(other, ("stale".into(), "<p>render 1</p>".into()));
        renders.release.notify_one();
        assert_eq!(
            leader.await.unwrap(),
            ("miss".into(), "<p>render 2</p>".into())
        );
        assert_eq!(ask().await, ("hit".into(), "<p>render 2</p>".into()));

        pages.changed().await;
        hold_next();
        let leader = tokio::spawn(ask());
        started().await;
        let other = tokio::spawn(ask());
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!other.is_finished(), "the page written over was served");
        renders.release.notify_one();
        assert_eq!(leader.await.unwrap().1, "<p>render 3</p>");
        assert_eq!(
            other.await.unwrap(),
            ("hit".into(), "<p>render 3</p>".into())
        );
    }
}
