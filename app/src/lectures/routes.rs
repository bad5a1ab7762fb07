//! HTTP endpoints of the lecture hall that are not pages: the live channel
//! of a watch page (Server-Sent Events), the calendar and feed files, and
//! cover uploads.

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Multipart, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use futures::Stream;

use super::feeds::{self, CalEvent, FeedEntry};
use super::live::LiveHub;
use super::queries::{self, LectureRecord};
use super::{LectureState, Phase, viewer};
use crate::accounts::extract::SignedIn;
use crate::ui::pager::encode;
use platform::error::AppError;
use platform::{AppContext, Settings, client, media, now};

/// Sessions in `/calendar.ics` and the feed at most.
const FEED_MAX: i64 = 200;
/// The reminder in calendar files, in minutes before the start.
const REMINDER_MINUTES: u32 = 30;

pub fn router(ctx: AppContext) -> Router {
    Router::new()
        .route("/lectures/{slug}/live", get(live))
        .route("/calendar.ics", get(calendar_all))
        .route("/lectures/feed.atom", get(feed))
        .with_state(ctx)
}

/// Cover uploads, with a body limit above the one for ordinary forms.
pub fn upload_router(ctx: AppContext) -> Router {
    Router::new()
        .route("/lectures/{slug}/cover", post(upload_cover))
        .layer(DefaultBodyLimit::max(media::MAX_UPLOAD_BYTES + 64 * 1024))
        .with_state(ctx)
}

/// `/lectures/{slug}.ics`: the router cannot tell it from the page
/// `/lectures/{slug}`, so this middleware answers it before routing.
pub async fn ics_suffix(State(ctx): State<AppContext>, req: Request, next: Next) -> Response {
    let slug = req
        .uri()
        .path()
        .strip_prefix("/lectures/")
        .and_then(|rest| rest.strip_suffix(".ics"))
        .filter(|s| !s.is_empty() && !s.contains('/'))
        .map(str::to_owned);
    match slug {
        Some(slug) if req.method() == axum::http::Method::GET => {
            calendar_one(&ctx, &slug, req.headers())
                .await
                .into_response()
        }
        _ => next.run(req).await,
    }
}

/// `http(s)://host` for the absolute links of calendar files, feeds and
/// QR codes: the configured public address (`SHUXIANG_PUBLIC_URL`) when
/// there is one, so no request header can change them; otherwise (in
/// development) the request's `Host` and `X-Forwarded-Proto`.
pub fn origin(
    public_url: Option<&str>,
    host: Option<&str>,
    forwarded_proto: Option<&str>,
) -> String {
    if let Some(url) = public_url {
        return url.to_owned();
    }
    let host = host
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("127.0.0.1");
    let https = forwarded_proto == Some("https");
    format!("{}://{host}", if https { "https" } else { "http" })
}

fn request_origin(settings: &Settings, headers: &HeaderMap) -> String {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    origin(
        settings.public_url.as_deref(),
        text(header::HOST),
        text(header::HeaderName::from_static("x-forwarded-proto")),
    )
}

fn event_of(l: &LectureRecord, main_venue: &str, origin: &str) -> CalEvent {
    let s = &l.summary;
    let mut description = s.speaker.clone();
    if !l.abstract_md.is_empty() {
        description.push_str("\n\n");
        description.push_str(&l.abstract_md);
    }
    CalEvent {
        uid: format!("lecture-{}@shuxiang", s.id),
        title: format!("政协大讲堂：{}", s.title),
        description,
        location: main_venue.to_owned(),
        url: format!("{origin}/lectures/{}", encode(&s.slug)),
        starts_at: s.starts_at,
        ends_at: s.ends_at,
        updated_at: l.updated_at,
        cancelled: s.state == LectureState::Cancelled,
    }
}

fn calendar_response(body: String, filename: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-cache".to_owned()),
        ],
        body,
    )
        .into_response()
}

async fn calendar_one(
    ctx: &AppContext,
    slug: &str,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    let origin = request_origin(&ctx.settings, headers);
    let lecture = published(ctx, slug).await?;
    let main = lecture.summary.main_venue.clone().unwrap_or_default();
    let event = event_of(&lecture, &main, &origin);
    let body = feeds::calendar(
        &format!("政协大讲堂：{}", lecture.summary.title),
        &[event],
        now(),
        Some(REMINDER_MINUTES),
    );
    Ok(calendar_response(
        body,
        &format!("{}.ics", lecture.summary.slug),
    ))
}

/// A session that is not a draft (drafts have no public files or channel).
async fn published(ctx: &AppContext, slug: &str) -> Result<LectureRecord, AppError> {
    queries::by_slug(ctx.db.pool(), slug, now())
        .await?
        .filter(|l| l.summary.state != LectureState::Draft)
        .ok_or(AppError::NotFound)
}

async fn calendar_all(
    State(ctx): State<AppContext>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let upcoming = queries::upcoming(ctx.db.pool(), now(), FEED_MAX).await?;
    let origin = request_origin(&ctx.settings, &headers);
    let events: Vec<CalEvent> = upcoming
        .iter()
        .map(|l| event_of(l, l.summary.main_venue.as_deref().unwrap_or(""), &origin))
        .collect();
    Ok(calendar_response(
        feeds::calendar("政协大讲堂", &events, now(), Some(REMINDER_MINUTES)),
        "calendar.ics",
    ))
}

async fn feed(State(ctx): State<AppContext>, headers: HeaderMap) -> Result<Response, AppError> {
    let lectures = queries::recently_changed(ctx.db.pool(), now(), FEED_MAX).await?;
    let origin = request_origin(&ctx.settings, &headers);
    let entries: Vec<FeedEntry> = lectures
        .iter()
        .map(|l| {
            let s = &l.summary;
            let when = platform::time::datetime_zh(s.starts_at);
            let state = match s.phase {
                Phase::Cancelled => "（已取消）",
                _ => "",
            };
            FeedEntry {
                id: format!("tag:shuxiang,2026:lecture-{}", s.id),
                title: format!("{}{state}", s.title),
                url: format!("{origin}/lectures/{}", encode(&s.slug)),
                summary_html: format!(
                    "<p>主讲人：{}；时间：{when}</p>{}",
                    platform::markdown::render_inline_text(&s.speaker),
                    l.abstract_html
                ),
                updated_at: l.updated_at,
                published_at: s.starts_at.min(l.updated_at),
                author: s.speaker.clone(),
            }
        })
        .collect();
    let updated = lectures.iter().map(|l| l.updated_at).max().unwrap_or(0);
    let body = feeds::atom(
        "tag:shuxiang,2026:lectures",
        "政协大讲堂",
        &format!("{origin}/lectures/feed.atom"),
        &format!("{origin}/lectures"),
        &entries,
        updated,
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response())
}

/// The live channel of a watch page. It counts only browsers that bring
/// back a viewer cookie this site signed (given by the page): such a
/// browser is watching while the channel is open, joins the online
/// audience (at most `viewers_per_address` browsers per client address),
/// and its opening is a view (not when the browser reconnects by itself,
/// sending `Last-Event-ID`, nor again within the view window). Anything
/// else still receives the stream but counts nothing. Each client address
/// holds at most `connections_per_address` channels at once on a server.
/// Nothing here is tied to an account: a link from another site must not
/// put a lecture in a member's record (the page reports that by a POST).
async fn live(State(ctx): State<AppContext>, Path(slug): Path<String>, req: Request) -> Response {
    let settings = &ctx.settings;
    let peer = req
        .extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0);
    let headers = req.headers();
    let address = client::limit_key(client::client_addr(headers, peer, settings.proxy));
    let limits = &settings.live_limits;
    let hub = match ctx.feature::<LiveHub>() {
        Ok(hub) => hub,
        Err(e) => return e.into_response(),
    };
    let Some(connection) = hub.connect(address.clone(), limits.connections_per_address) else {
        return AppError::TooManyRequests(
            "同一网络打开的直播页面太多了，请关闭一些页面后再试。".to_owned(),
        )
        .into_response();
    };
    let lecture = match published(&ctx, &slug).await {
        Ok(l) => l,
        Err(e) => return e.into_response(),
    };
    let id = lecture.summary.id;
    let viewer = viewer::from_headers(headers)
        .and_then(|v| settings.viewer_key.verify(&v).map(str::to_owned));
    if let Some(viewer) = viewer.as_deref() {
        let address_key = settings.viewer_key.address_key(&address);
        let in_audience = hub
            .note_viewer(id, viewer, &address_key, limits.viewers_per_address, now())
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "recording a viewer failed");
                false
            });
        // Views come only from browsers in the audience, so the cap on
        // browsers per address bounds them too.
        if in_audience && !headers.contains_key("last-event-id") {
            let window = Duration::from_secs(settings.view_window_secs.max(0).unsigned_abs());
            hub.count_view(id, viewer, window);
        }
    }
    // Watching counts open pages of browsers the page gave a cookie (the
    // connection cap bounds them per address), also beyond the audience
    // cap: an office full of viewers behind one address is watching.
    let (watcher, first) = hub.watch(id, viewer.is_some()).await;
    let closed = hub.closed();
    let stream = frames(watcher, connection, first, closed);
    let mut res = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    let headers = res.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // Proxies must not buffer the stream.
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    res
}

/// The SSE events of one open page: the first frames, then whatever the
/// room sends, until the page goes or the server shuts down.
fn frames(
    watcher: super::live::Watcher,
    connection: super::live::Connection,
    first: Vec<super::live::Frame>,
    closed: impl std::future::Future<Output = ()> + Send + 'static,
) -> impl Stream<Item = Result<Event, Infallible>> + Send {
    use tokio::sync::broadcast::error::RecvError;
    struct S {
        watcher: super::live::Watcher,
        // Held while the page is connected; dropping it frees the place.
        _connection: super::live::Connection,
        first: std::vec::IntoIter<super::live::Frame>,
        closed: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>,
        seq: u64,
    }
    let state = S {
        watcher,
        _connection: connection,
        first: first.into_iter(),
        closed: Box::pin(closed),
        seq: 0,
    };
    futures::stream::unfold(state, |mut s| async move {
        let frame = match s.first.next() {
            Some(f) => f,
            None => loop {
                tokio::select! {
                    _ = &mut s.closed => return None,
                    r = s.watcher.frames.recv() => match r {
                        Ok(f) => break f,
                        // A slow page missed frames: the next ones are whole states.
                        Err(RecvError::Lagged(_)) => continue,
                        Err(RecvError::Closed) => return None,
                    },
                }
            },
        };
        s.seq += 1;
        let event = Event::default()
            .event(frame.event)
            .id(s.seq.to_string())
            .retry(Duration::from_secs(2))
            .data(&*frame.data);
        Some((Ok(event), s))
    })
}

/// A plain form post from the edit page: redirects back to it with
/// `?cover=ok` or the Chinese reason the upload failed.
async fn upload_cover(
    State(ctx): State<AppContext>,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let lecture = queries::by_slug(ctx.db.pool(), &slug, now())
        .await?
        .ok_or(AppError::NotFound)?;
    if !super::api::may_edit(&user, &lecture) {
        return Err(AppError::Forbidden);
    }
    let stored = async {
        let processed = media::upload(multipart).await?;
        let mut tx = ctx.db.pool().begin().await?;
        let image_id = media::save(&mut tx, &processed).await?;
        queries::set_cover(&mut *tx, lecture.summary.id, image_id).await?;
        if let Some(old) = lecture.summary.cover_id {
            media::delete(&mut *tx, old).await?;
        }
        tx.commit().await?;
        Ok::<_, AppError>(())
    };
    let outcome = match stored.await {
        Ok(()) => "ok".to_owned(),
        Err(e) => e.to_string(),
    };
    Ok(Redirect::to(&format!(
        "/lectures/{}/edit?cover={}",
        encode(&slug),
        encode(&outcome)
    ))
    .into_response())
}
