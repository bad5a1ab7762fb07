//! The lecture hall over HTTP against the real server: who creates, edits
//! and publishes sessions (and that refusals change nothing), livestream
//! links that are not web addresses, registration under concurrency with
//! waiting lists, the calendar and feed files read by real parsers, the
//! live channel (watcher counts, questions, views) on one server and on two
//! servers sharing a PostgreSQL database, venue check-in codes, and who
//! answers and hides questions.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use app::accounts::Role;
use serde_json::Value;
use shuxiang_tests::{Backend, TestApp, on_both_backends};

on_both_backends!(
    only_the_lecturer_or_an_organiser_edits_a_session,
    stream_links_must_be_web_addresses,
    registrations_never_exceed_the_seats,
    coming_back_after_cancelling_joins_the_end_of_the_line,
    calendar_and_feed_files_parse_and_leave_out_drafts,
    live_channel_pushes_counts_and_questions,
    views_count_page_openings_not_reconnections,
    check_in_needs_the_venue_code_of_the_day,
    only_the_lecturer_or_an_organiser_marks_questions,
    covers_are_uploaded_by_who_may_edit,
    questions_become_a_thread_of_the_linked_group_once,
);

/// Tests that need several servers on one database (PostgreSQL only: with
/// SQLite a database belongs to one server).
mod postgres_only {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_servers_share_watcher_counts_and_questions() {
        super::two_servers_share_watcher_counts_and_questions().await
    }
}

use shuxiang_tests::{TEST_PASSWORD as PW, field_errors, json, rows, signed_in};

/// How long a change may take to reach open pages.
const LIVE_WITHIN: Duration = Duration::from_secs(2);

/// The whole-form message of a 422 answer.
fn message(body: &Value) -> String {
    body["Invalid"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("no message in {body}"))
        .to_owned()
}

fn is_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// The session form as a browser submits it.
#[derive(Debug, Clone)]
struct Spec {
    /// The slug of the session being edited; empty for a new one.
    original: String,
    slug: String,
    title: String,
    series: String,
    speaker: String,
    abstract_md: String,
    starts_at: String,
    ends_at: String,
    /// (id, name, address, seats) of each venue row.
    venues: Vec<(String, String, String, String)>,
    streams: Vec<String>,
    replay_url: String,
    publish: bool,
}

fn venue_row(name: &str, seats: i64) -> (String, String, String, String) {
    (
        String::new(),
        name.to_owned(),
        "人民路 1 号".to_owned(),
        seats.to_string(),
    )
}

impl Spec {
    /// A session tomorrow, 90 minutes, one main venue of 100 seats.
    fn new(slug: &str, title: &str) -> Spec {
        let starts = platform::now() + 86_400;
        Spec {
            original: String::new(),
            slug: slug.to_owned(),
            title: title.to_owned(),
            series: "青少年读书".to_owned(),
            speaker: "王老师".to_owned(),
            abstract_md: "讲座简介".to_owned(),
            starts_at: app::lectures::validate::beijing_input(starts),
            ends_at: app::lectures::validate::beijing_input(starts + 5_400),
            venues: vec![venue_row("政协会议中心", 100)],
            streams: Vec::new(),
            replay_url: String::new(),
            publish: false,
        }
    }

    fn form(&self) -> Vec<(String, String)> {
        let mut f: Vec<(String, String)> = [
            ("original", &self.original),
            ("slug", &self.slug),
            ("title", &self.title),
            ("series", &self.series),
            ("speaker", &self.speaker),
            ("speaker_bio", &String::new()),
            ("abstract_md", &self.abstract_md),
            ("starts_at", &self.starts_at),
            ("ends_at", &self.ends_at),
            ("replay_url", &self.replay_url),
            ("group_id", &String::new()),
            ("book_id", &String::new()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .collect();
        for (i, (id, name, address, seats)) in self.venues.iter().enumerate() {
            f.push((format!("venues[{i}][id]"), id.clone()));
            f.push((format!("venues[{i}][name]"), name.clone()));
            f.push((format!("venues[{i}][address]"), address.clone()));
            f.push((format!("venues[{i}][seats]"), seats.clone()));
        }
        for (i, s) in self.streams.iter().enumerate() {
            f.push((format!("streams[{i}]"), s.clone()));
        }
        if self.publish {
            f.push(("publish".to_owned(), "1".to_owned()));
        }
        f
    }
}

async fn save(app: &TestApp, c: &reqwest::Client, spec: &Spec) -> (u16, Value) {
    json(app.call(c, "lectures/save", &pairs(&spec.form())).await).await
}

/// Creates a session; its id.
async fn create(app: &TestApp, c: &reqwest::Client, spec: &Spec) -> i64 {
    let (status, v) = save(app, c, spec).await;
    assert_eq!(status, 200, "lectures/save: {v}");
    assert_eq!(v, Value::String(format!("/lectures/{}", spec.slug)));
    lecture_id(app, &spec.slug).await
}

/// The form of a stored session for editing: `original` and venue ids set.
async fn editing(app: &TestApp, spec: &Spec) -> Spec {
    let id = lecture_id(app, &spec.slug).await;
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM venue WHERE lecture_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(app.db().pool())
            .await
            .unwrap();
    let mut s = spec.clone();
    s.original = spec.slug.clone();
    for (row, id) in s.venues.iter_mut().zip(ids) {
        row.0 = id.to_string();
    }
    s
}

/// An organiser creates and publishes a session; its id.
async fn published(app: &TestApp, organiser: &reqwest::Client, spec: &Spec) -> i64 {
    let mut s = spec.clone();
    s.publish = true;
    let id = create(app, organiser, &s).await;
    assert_eq!(state_of(app, id).await, "published");
    id
}

async fn set_state(app: &TestApp, c: &reqwest::Client, slug: &str, state: &str) -> (u16, Value) {
    json(
        app.call(c, "lectures/state", &[("slug", slug), ("state", state)])
            .await,
    )
    .await
}

async fn lecture_id(app: &TestApp, slug: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM lecture WHERE slug = $1")
        .bind(slug)
        .fetch_one(app.db().pool())
        .await
        .unwrap()
}

async fn state_of(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar("SELECT state FROM lecture WHERE id = $1")
        .bind(id)
        .fetch_one(app.db().pool())
        .await
        .unwrap()
}

async fn account_id(app: &TestApp, username: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM account WHERE username = $1")
        .bind(username)
        .fetch_one(app.db().pool())
        .await
        .unwrap()
}

async fn venue_ids(app: &TestApp, lecture: i64) -> Vec<i64> {
    sqlx::query_scalar("SELECT id FROM venue WHERE lecture_id = $1 ORDER BY position")
        .bind(lecture)
        .fetch_all(app.db().pool())
        .await
        .unwrap()
}

/// Everything an edit could change, to compare before and after a refusal.
async fn snapshot(app: &TestApp, id: i64) -> String {
    let row: (String, String, String, String, i64, String) = sqlx::query_as(
        "SELECT slug, title, speaker, state, updated_at, abstract_md FROM lecture WHERE id = $1",
    )
    .bind(id)
    .fetch_one(app.db().pool())
    .await
    .unwrap();
    let venues: Vec<(String, i64)> =
        sqlx::query_as("SELECT name, seats FROM venue WHERE lecture_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(app.db().pool())
            .await
            .unwrap();
    let streams: Vec<String> = sqlx::query_scalar(
        "SELECT url FROM lecture_stream WHERE lecture_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(app.db().pool())
    .await
    .unwrap();
    format!("{row:?} {venues:?} {streams:?}")
}

async fn page(app: &TestApp, c: &reqwest::Client, slug: &str) -> (u16, Value) {
    json(app.call(c, "lectures/page", &[("slug", slug)]).await).await
}

// ---------------------------------------------------------------------------
// The live channel, read as Server-Sent Events text.

#[derive(Debug, Clone)]
struct SseEvent {
    event: String,
    data: String,
}

impl SseEvent {
    /// The watcher count of a `counts` event.
    fn watching(&self) -> Option<i64> {
        (self.event == "counts")
            .then(|| serde_json::from_str::<Value>(&self.data).ok())
            .flatten()
            .and_then(|v| v["watching"].as_i64())
    }

    /// The questions of a `questions` event.
    fn questions(&self) -> Option<Vec<Value>> {
        (self.event == "questions")
            .then(|| serde_json::from_str::<Value>(&self.data).ok())
            .flatten()
            .and_then(|v| v.as_array().cloned())
    }

    fn question_bodies(&self) -> Option<Vec<String>> {
        self.questions().map(|qs| {
            qs.iter()
                .map(|q| q["body"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
    }
}

/// An open live channel.
struct Sse {
    res: reqwest::Response,
    buf: Vec<u8>,
    ready: VecDeque<SseEvent>,
}

impl Sse {
    async fn open(client: &reqwest::Client, url: &str, last_event_id: Option<&str>) -> Sse {
        // As browsers do: the stream must still come uncompressed, frame by frame.
        let mut req = client
            .get(url)
            .header("accept", "text/event-stream")
            .header("accept-encoding", "gzip, deflate, br, zstd");
        if let Some(id) = last_event_id {
            req = req.header("last-event-id", id);
        }
        let res = req.send().await.expect("open the live channel");
        assert_eq!(res.status(), 200, "live channel {url}");
        let ct = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(ct.starts_with("text/event-stream"), "content type {ct}");
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        assert_eq!(
            header("content-encoding"),
            None,
            "the stream is not compressed"
        );
        assert_eq!(header("cache-control").as_deref(), Some("no-store"));
        assert_eq!(header("x-accel-buffering").as_deref(), Some("no"));
        Sse {
            res,
            buf: Vec::new(),
            ready: VecDeque::new(),
        }
    }

    /// The next event before `deadline`; `None` on time-out or end of stream.
    async fn next_before(&mut self, deadline: tokio::time::Instant) -> Option<SseEvent> {
        loop {
            if let Some(e) = self.ready.pop_front() {
                return Some(e);
            }
            let chunk = tokio::time::timeout_at(deadline, self.res.chunk())
                .await
                .ok()?
                .expect("read the live channel")?;
            self.buf.extend_from_slice(&chunk);
            self.split();
        }
    }

    fn split(&mut self) {
        while let Some(end) = self.buf.windows(2).position(|w| w == b"\n\n") {
            let block: Vec<u8> = self.buf.drain(..end + 2).collect();
            let text = String::from_utf8(block).expect("events are UTF-8");
            let mut event = "message".to_owned();
            let mut data = Vec::new();
            for line in text.lines() {
                if line.is_empty() || line.starts_with(':') {
                    continue;
                }
                let (k, v) = line.split_once(':').unwrap_or((line, ""));
                let v = v.strip_prefix(' ').unwrap_or(v);
                match k {
                    "event" => event = v.to_owned(),
                    "data" => data.push(v.to_owned()),
                    _ => {}
                }
            }
            if !data.is_empty() {
                self.ready.push_back(SseEvent {
                    event,
                    data: data.join("\n"),
                });
            }
        }
    }

    /// The first event, which must come at once.
    async fn first(&mut self) -> SseEvent {
        self.next_before(tokio::time::Instant::now() + LIVE_WITHIN)
            .await
            .expect("a first event")
    }

    /// Reads events until one satisfies `want`, no later than `LIVE_WITHIN`
    /// after `since`; the event and how long after `since` it came.
    async fn wait_for(
        &mut self,
        since: Instant,
        what: &str,
        mut want: impl FnMut(&SseEvent) -> bool,
    ) -> (SseEvent, Duration) {
        let deadline = tokio::time::Instant::from_std(since + LIVE_WITHIN);
        let mut seen = Vec::new();
        loop {
            match self.next_before(deadline).await {
                Some(e) if want(&e) => return (e, since.elapsed()),
                Some(e) => seen.push(e),
                None => panic!("no {what} within {LIVE_WITHIN:?}; saw {seen:?}"),
            }
        }
    }
}

fn live_path(slug: &str) -> String {
    format!("/lectures/{slug}/live")
}

/// A browser that opened the watch page, so it holds the viewer cookie the
/// page hands out: the live channel counts only such browsers.
async fn browser(app: &TestApp, slug: &str) -> reqwest::Client {
    let c = app.client();
    let res = c
        .get(app.url(&format!("/lectures/{slug}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "the watch page");
    c
}

fn report(b: Backend, what: &str, took: Duration) {
    eprintln!("[live timing] {b:?}: {what}: {} ms", took.as_millis());
}

// ---------------------------------------------------------------------------

async fn only_the_lecturer_or_an_organiser_edits_a_session(b: Backend) {
    let app = TestApp::spawn(b).await;
    let owner = app.store.account("lecturer", PW, Role::Lecturer).await;
    app.store.account("other", PW, Role::Lecturer).await;
    app.store.account("reader", PW, Role::Reader).await;
    app.store.account("member", PW, Role::Member).await;
    app.store.account("organiser", PW, Role::Organiser).await;
    let lecturer = signed_in(&app, "lecturer").await;
    let other = signed_in(&app, "other").await;
    let reader = signed_in(&app, "reader").await;
    let member = signed_in(&app, "member").await;
    let organiser = signed_in(&app, "organiser").await;
    let visitor = app.client();

    let mut spec = Spec::new("dushu-rensheng", "读书与人生");
    // Readers, members and visitors create nothing.
    for (who, c, status) in [
        ("reader", &reader, 403),
        ("member", &member, 403),
        ("visitor", &visitor, 401),
    ] {
        let (s, v) = save(&app, c, &spec).await;
        assert_eq!(s, status, "{who} creates: {v}");
    }
    assert_eq!(rows(&app, "lecture").await, 0);

    // A lecturer's new session is a draft, even when publishing is asked for.
    spec.publish = true;
    let id = create(&app, &lecturer, &spec).await;
    spec.publish = false;
    assert_eq!(state_of(&app, id).await, "draft");
    let stored_owner: Option<i64> =
        sqlx::query_scalar("SELECT owner_id FROM lecture WHERE id = $1")
            .bind(id)
            .fetch_one(app.db().pool())
            .await
            .unwrap();
    assert_eq!(stored_owner, Some(owner));

    // Only its lecturer and organisers see the draft.
    for (who, c) in [
        ("visitor", &visitor),
        ("reader", &reader),
        ("other", &other),
    ] {
        let (s, v) = page(&app, c, &spec.slug).await;
        assert_eq!(s, 404, "{who} reads the draft: {v}");
    }
    let (s, v) = page(&app, &lecturer, &spec.slug).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["can_edit"], true);
    assert_eq!(v["can_publish"], false);
    let (s, v) = page(&app, &organiser, &spec.slug).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["can_edit"], true);
    assert_eq!(v["can_publish"], true);

    // Nobody else edits it; the refusals change nothing.
    let before = snapshot(&app, id).await;
    let mut hijack = editing(&app, &spec).await;
    hijack.title = "被篡改的标题".to_owned();
    hijack.speaker = "冒名者".to_owned();
    let (s, v) = save(&app, &reader, &hijack).await;
    assert_eq!(s, 403, "a reader edits: {v}");
    // Another lecturer does not even see a draft that is not theirs.
    let (s, v) = save(&app, &other, &hijack).await;
    assert_eq!(s, 404, "another lecturer edits the draft: {v}");
    let (s, v) = save(&app, &visitor, &hijack).await;
    assert_eq!(s, 401, "a visitor edits: {v}");
    let (s, v) = json(
        app.call(&other, "lectures/form", &[("slug", &spec.slug)])
            .await,
    )
    .await;
    assert_eq!(s, 404, "another lecturer opens the edit form: {v}");
    assert_eq!(snapshot(&app, id).await, before);

    // Lecturers do not publish, not even their own session.
    for state in ["published", "cancelled"] {
        let (s, v) = set_state(&app, &lecturer, &spec.slug, state).await;
        assert_eq!(s, 403, "the lecturer sets {state}: {v}");
    }
    let (s, _) = set_state(&app, &reader, &spec.slug, "published").await;
    assert_eq!(s, 403);
    assert_eq!(snapshot(&app, id).await, before);

    // The lecturer edits their own session.
    let mut own = editing(&app, &spec).await;
    own.abstract_md = "修改后的简介".to_owned();
    let (s, v) = save(&app, &lecturer, &own).await;
    assert_eq!(s, 200, "the lecturer edits: {v}");
    let abstract_md: String = sqlx::query_scalar("SELECT abstract_md FROM lecture WHERE id = $1")
        .bind(id)
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    assert_eq!(abstract_md, "修改后的简介");
    assert_eq!(state_of(&app, id).await, "draft");

    // An organiser edits and publishes.
    let mut by_organiser = editing(&app, &own).await;
    by_organiser.title = "读书与人生（修订）".to_owned();
    let (s, v) = save(&app, &organiser, &by_organiser).await;
    assert_eq!(s, 200, "an organiser edits: {v}");
    let (s, v) = set_state(&app, &organiser, &spec.slug, "published").await;
    assert_eq!(s, 200, "an organiser publishes: {v}");
    assert_eq!(state_of(&app, id).await, "published");
    let (s, v) = page(&app, &visitor, &spec.slug).await;
    assert_eq!(s, 200, "a visitor reads it once published: {v}");
    assert_eq!(v["summary"]["title"], "读书与人生（修订）");
    assert_eq!(v["can_edit"], false);
    let audit: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'lecture.publish' AND target = $1",
    )
    .bind(&spec.slug)
    .fetch_one(app.db().pool())
    .await
    .unwrap_or(-1);
    assert_eq!(audit, 1, "publishing is audited");

    // Published: the others are refused with 403 and change nothing.
    let before = snapshot(&app, id).await;
    let mut hijack = editing(&app, &by_organiser).await;
    hijack.title = "被篡改的标题".to_owned();
    for (who, c) in [("other", &other), ("reader", &reader), ("member", &member)] {
        let (s, v) = save(&app, c, &hijack).await;
        assert_eq!(s, 403, "{who} edits the published session: {v}");
    }
    let (s, _) = set_state(&app, &lecturer, &spec.slug, "cancelled").await;
    assert_eq!(s, 403, "the lecturer cancels");
    let (s, _) = set_state(&app, &other, &spec.slug, "cancelled").await;
    assert_eq!(s, 403, "another lecturer cancels");
    assert_eq!(snapshot(&app, id).await, before);

    // Organisers cancel; a state that is not published/cancelled is refused.
    let (s, _) = set_state(&app, &organiser, &spec.slug, "draft").await;
    assert_eq!(s, 400, "back to draft");
    let (s, _) = set_state(&app, &organiser, &spec.slug, "cancelled").await;
    assert_eq!(s, 200);
    assert_eq!(state_of(&app, id).await, "cancelled");
    app.stop().await;
}

async fn stream_links_must_be_web_addresses(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store.account("organiser", PW, Role::Organiser).await;
    let organiser = signed_in(&app, "organiser").await;

    let bad_links = [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.com/live",
        "rtmp://live.example.cn/app/stream",
        "//evil.example/live",
    ];
    for bad in bad_links {
        let mut spec = Spec::new("zhibo-lianjie", "直播链接测试");
        spec.streams = vec!["https://live.example.cn/ok".to_owned(), bad.to_owned()];
        let (s, v) = save(&app, &organiser, &spec).await;
        assert_eq!(s, 422, "stream {bad}: {v}");
        let errors = field_errors(&v);
        let msg = errors
            .iter()
            .find(|(f, _)| f == "streams")
            .map(|(_, m)| m.clone())
            .unwrap_or_else(|| panic!("no streams error for {bad}: {v}"));
        assert!(is_chinese(&msg), "{msg}");
        assert!(msg.contains("http"), "{msg}");

        // The replay address is held to the same rule.
        let mut spec = Spec::new("zhibo-huifang", "回放链接测试");
        spec.replay_url = bad.to_owned();
        let (s, v) = save(&app, &organiser, &spec).await;
        assert_eq!(s, 422, "replay {bad}: {v}");
        assert!(
            field_errors(&v)
                .iter()
                .any(|(f, m)| f == "replay_url" && is_chinese(m)),
            "{v}"
        );
    }
    assert_eq!(rows(&app, "lecture").await, 0);
    assert_eq!(rows(&app, "lecture_stream").await, 0);
    assert_eq!(rows(&app, "venue").await, 0);

    // Web addresses and this site's media are stored, in order.
    let good = [
        "https://live.example.cn/room/1",
        "http://example.com/a.m3u8?token=1",
        "/media/demo/index.m3u8",
    ];
    let mut spec = Spec::new("zhibo-lianjie", "直播链接测试");
    spec.streams = good.iter().map(|s| (*s).to_owned()).collect();
    spec.replay_url = "/media/demo/replay.m3u8".to_owned();
    spec.publish = true;
    let id = create(&app, &organiser, &spec).await;
    let stored: Vec<String> = sqlx::query_scalar(
        "SELECT url FROM lecture_stream WHERE lecture_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(app.db().pool())
    .await
    .unwrap();
    assert_eq!(stored, good);
    let (s, v) = page(&app, &app.client(), &spec.slug).await;
    assert_eq!(s, 200, "{v}");
    let kinds: Vec<&str> = v["streams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["Link", "Hls", "Hls"]);
    assert_eq!(v["replay_url"], "/media/demo/replay.m3u8");

    // An edit that adds a bad link is refused and keeps the stored ones.
    let before = snapshot(&app, id).await;
    let mut edit = editing(&app, &spec).await;
    edit.streams.push("javascript:alert(1)".to_owned());
    let (s, v) = save(&app, &organiser, &edit).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(snapshot(&app, id).await, before);
    app.stop().await;
}

async fn registrations_never_exceed_the_seats(b: Backend) {
    const SEATS: i64 = 4;
    let app = TestApp::spawn(b).await;
    app.store.account("organiser", PW, Role::Organiser).await;
    let organiser = signed_in(&app, "organiser").await;
    let mut spec = Spec::new("zuowei-youxian", "座位有限的讲座");
    spec.venues = vec![venue_row("小报告厅", SEATS)];
    let id = published(&app, &organiser, &spec).await;
    let venue = venue_ids(&app, id).await[0];

    let mut people = Vec::new();
    for i in 0..3 * SEATS {
        let name = format!("reader{i}");
        app.store.account(&name, PW, Role::Reader).await;
        people.push((name.clone(), signed_in(&app, &name).await));
    }

    // Everyone at once.
    let url = app.url("/api/lectures/register");
    let venue_s = venue.to_string();
    let mut tasks = tokio::task::JoinSet::new();
    for (name, c) in people.iter().cloned() {
        let (url, slug, venue) = (url.clone(), spec.slug.clone(), venue_s.clone());
        tasks.spawn(async move {
            let res = c
                .post(url)
                .header("accept", "application/json")
                .form(&[("slug", slug.as_str()), ("venue", venue.as_str())])
                .send()
                .await
                .expect("request");
            (name, json(res).await)
        });
    }
    let mut confirmed = 0;
    let mut waiting = 0;
    while let Some(r) = tasks.join_next().await {
        let (name, (status, v)) = r.unwrap();
        assert_eq!(status, 200, "{name} registers: {v}");
        let text = v.as_str().unwrap();
        if text.starts_with("报名成功") {
            confirmed += 1;
        } else {
            assert!(text.contains("候补"), "{text}");
            waiting += 1;
        }
    }
    assert_eq!((confirmed, waiting), (SEATS, 2 * SEATS));

    let taken: i64 = sqlx::query_scalar("SELECT taken FROM venue WHERE id = $1")
        .bind(venue)
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    assert_eq!(taken, SEATS, "venue.taken");
    let count = |status: &'static str| {
        let pool = app.db().pool().clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM registration WHERE venue_id = $1 AND status = $2",
            )
            .bind(venue)
            .bind(status)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    assert_eq!(count("confirmed").await, SEATS);
    assert_eq!(count("waiting").await, 2 * SEATS);

    // The waiting places are 1..=2N, each once.
    let mut places = Vec::new();
    for (name, c) in &people {
        let (s, v) = page(&app, c, &spec.slug).await;
        assert_eq!(s, 200, "{v}");
        if let Some(p) = v["mine"]["waiting_place"].as_i64() {
            places.push(p);
        } else {
            assert!(v["mine"]["waiting_place"].is_null(), "{name}: {v}");
        }
    }
    places.sort_unstable();
    assert_eq!(places, (1..=2 * SEATS).collect::<Vec<_>>());
    let (_, v) = page(&app, &organiser, &spec.slug).await;
    assert_eq!(v["venues"][0]["taken"], SEATS);
    assert_eq!(v["venues"][0]["waiting"], 2 * SEATS);

    // A cancel gives the seat to the first in line.
    let first_in_line: i64 = sqlx::query_scalar(
        "SELECT account_id FROM registration WHERE venue_id = $1 AND status = 'waiting' \
         ORDER BY queued_at, id LIMIT 1",
    )
    .bind(venue)
    .fetch_one(app.db().pool())
    .await
    .unwrap();
    let seated: i64 = sqlx::query_scalar(
        "SELECT account_id FROM registration WHERE venue_id = $1 AND status = 'confirmed' \
         ORDER BY id LIMIT 1",
    )
    .bind(venue)
    .fetch_one(app.db().pool())
    .await
    .unwrap();
    let seated_client = {
        let mut found = None;
        for (name, c) in &people {
            if account_id(&app, name).await == seated {
                found = Some(c.clone());
            }
        }
        found.unwrap()
    };
    let (s, v) = json(
        app.call(
            &seated_client,
            "lectures/cancel-registration",
            &[("slug", &spec.slug)],
        )
        .await,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let status_of = |account: i64| {
        let pool = app.db().pool().clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "SELECT status FROM registration WHERE lecture_id = $1 AND account_id = $2",
            )
            .bind(id)
            .bind(account)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    assert_eq!(status_of(seated).await, "cancelled");
    assert_eq!(status_of(first_in_line).await, "confirmed", "promoted");
    // …and tells them so, linking to the session.
    let told: Vec<(String, String)> = sqlx::query_as(
        "SELECT n.kind, n.text FROM notification n JOIN lecture l ON l.id = n.lecture_id \
         WHERE n.account_id = $1 AND l.id = $2",
    )
    .bind(first_in_line)
    .bind(id)
    .fetch_all(app.db().pool())
    .await
    .unwrap();
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0].0, "lecture");
    assert!(told[0].1.starts_with("候补成功"), "{}", told[0].1);
    assert_eq!(count("confirmed").await, SEATS);
    assert_eq!(count("waiting").await, 2 * SEATS - 1);
    let taken: i64 = sqlx::query_scalar("SELECT taken FROM venue WHERE id = $1")
        .bind(venue)
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    assert_eq!(taken, SEATS);

    // Cancelling twice is refused.
    let (s, _) = json(
        app.call(
            &seated_client,
            "lectures/cancel-registration",
            &[("slug", &spec.slug)],
        )
        .await,
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(status_of(seated).await, "cancelled");
    app.stop().await;
}

/// Someone who cancels and registers again joins the end of the waiting
/// list, behind those already waiting, and is promoted after them.
async fn coming_back_after_cancelling_joins_the_end_of_the_line(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store.account("organiser", PW, Role::Organiser).await;
    let organiser = signed_in(&app, "organiser").await;
    let mut spec = Spec::new("houbu-paidui", "候补排队");
    spec.venues = vec![venue_row("会议室", 1)];
    let id = published(&app, &organiser, &spec).await;
    let venue = venue_ids(&app, id).await[0].to_string();
    let mut c = Vec::new();
    for name in ["ann", "bob", "cai"] {
        app.store.account(name, PW, Role::Reader).await;
        c.push(signed_in(&app, name).await);
    }
    let (ann, bob, cai) = (&c[0], &c[1], &c[2]);
    let register = |who: &reqwest::Client| {
        let who = who.clone();
        let (app, slug, venue) = (&app, spec.slug.clone(), venue.clone());
        async move {
            let (s, v) = json(
                app.call(
                    &who,
                    "lectures/register",
                    &[("slug", &slug), ("venue", &venue)],
                )
                .await,
            )
            .await;
            assert_eq!(s, 200, "{v}");
            v.as_str().unwrap().to_owned()
        }
    };
    let cancel = |who: &reqwest::Client| {
        let who = who.clone();
        let (app, slug) = (&app, spec.slug.clone());
        async move {
            let (s, v) = json(
                app.call(&who, "lectures/cancel-registration", &[("slug", &slug)])
                    .await,
            )
            .await;
            assert_eq!(s, 200, "{v}");
        }
    };
    assert!(register(ann).await.starts_with("报名成功"));
    assert!(register(bob).await.contains("第 1 位"));
    assert!(register(cai).await.contains("第 2 位"));
    // Bob leaves the line and comes back: behind Cai now.
    cancel(bob).await;
    let (_, v) = page(&app, cai, &spec.slug).await;
    assert_eq!(v["mine"]["waiting_place"], 1, "Cai moved up: {v}");
    let again = register(bob).await;
    let (_, v) = page(&app, bob, &spec.slug).await;
    assert_eq!(
        v["mine"]["waiting_place"], 2,
        "Bob came back after Cai ({again}): {v}"
    );
    // Ann's seat goes to Cai, who waited longer.
    cancel(ann).await;
    let status_of = |name: &'static str| {
        let app = &app;
        async move {
            let account = account_id(app, name).await;
            sqlx::query_scalar::<_, String>(
                "SELECT status FROM registration WHERE lecture_id = $1 AND account_id = $2",
            )
            .bind(id)
            .bind(account)
            .fetch_one(app.db().pool())
            .await
            .unwrap()
        }
    };
    assert_eq!(status_of("cai").await, "confirmed", "Cai is promoted");
    assert_eq!(status_of("bob").await, "waiting");
    app.stop().await;
}

async fn calendar_and_feed_files_parse_and_leave_out_drafts(b: Backend) {
    use shuxiang_tests::ical_escaped as escape_text;

    let app = TestApp::spawn(b).await;
    app.store.account("organiser", PW, Role::Organiser).await;
    app.store.account("lecturer", PW, Role::Lecturer).await;
    let organiser = signed_in(&app, "organiser").await;
    let lecturer = signed_in(&app, "lecturer").await;
    let visitor = app.client();

    let mut spec = Spec::new("lunyu-2026", "读书，明理；修身, part 1; 完 \\ 终");
    spec.speaker = "张三 & 李四，王五".to_owned();
    spec.abstract_md = "主讲：张三，李四；\n第二段, with; commas".to_owned();
    spec.venues = vec![venue_row("政协会议中心三楼，第一报告厅; Room 1", 200)];
    let main_id = published(&app, &organiser, &spec).await;

    let draft = Spec::new("caogao-jiangzuo", "草稿中的讲座");
    let draft_id = create(&app, &lecturer, &draft).await;
    assert_eq!(state_of(&app, draft_id).await, "draft");

    let cancelled = Spec::new("quxiao-jiangzuo", "取消的讲座");
    let cancelled_id = published(&app, &organiser, &cancelled).await;
    let (s, _) = set_state(&app, &organiser, &cancelled.slug, "cancelled").await;
    assert_eq!(s, 200);

    let get = |path: String, c: reqwest::Client| {
        let url = app.url(&path);
        async move {
            let res = c.get(url).send().await.expect("request");
            let status = res.status().as_u16();
            let ct = res
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            (status, ct, res.text().await.unwrap())
        }
    };

    // One session's calendar file.
    let (s, ct, ics) = get(format!("/lectures/{}.ics", spec.slug), visitor.clone()).await;
    assert_eq!(s, 200, "{ics}");
    assert!(ct.starts_with("text/calendar"), "{ct}");
    assert!(ct.contains("charset=utf-8"), "{ct}");
    let summary = format!("政协大讲堂：{}", spec.title);
    let description = format!("{}\n\n{}", spec.speaker, spec.abstract_md);
    let location = &spec.venues[0].1;
    // The form's Beijing time, written in UTC.
    let dtstart = {
        let ts = app::lectures::validate::parse_beijing(&spec.starts_at).expect("form time");
        let t = time::OffsetDateTime::from_unix_timestamp(ts).expect("in range");
        t.format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .expect("formats")
    };
    {
        use icalendar::parser::{read_calendar, unfold};
        let unfolded = unfold(&ics);
        let cal = read_calendar(&unfolded).expect("icalendar parses it");
        let events: Vec<_> = cal
            .components
            .iter()
            .filter(|c| c.name.as_str() == "VEVENT")
            .collect();
        assert_eq!(events.len(), 1);
        let prop = |name: &str| {
            events[0]
                .find_prop(name)
                .unwrap_or_else(|| panic!("no {name}"))
                .val
                .as_str()
                .to_owned()
        };
        assert_eq!(prop("SUMMARY"), summary);
        assert_eq!(prop("DESCRIPTION"), description);
        assert_eq!(prop("LOCATION"), *location);
        assert_eq!(prop("UID"), format!("lecture-{main_id}@shuxiang"));
        assert!(prop("URL").ends_with(&format!("/lectures/{}", spec.slug)));
        assert_eq!(prop("DTSTART"), dtstart);
        assert_eq!(prop("STATUS"), "CONFIRMED");
    }
    {
        let mut parser = ical::IcalParser::new(std::io::BufReader::new(ics.as_bytes()));
        let cal = parser.next().expect("a calendar").expect("ical parses it");
        assert!(parser.next().is_none());
        assert_eq!(cal.events.len(), 1);
        let value = |name: &str| {
            cal.events[0]
                .properties
                .iter()
                .find(|p| p.name == name)
                .and_then(|p| p.value.clone())
                .unwrap_or_else(|| panic!("no {name}"))
        };
        // `ical` leaves TEXT escaped.
        assert_eq!(value("SUMMARY"), escape_text(&summary));
        assert_eq!(value("LOCATION"), escape_text(location));
        assert_eq!(value("DESCRIPTION"), escape_text(&description));
    }

    // Drafts have no calendar file, whoever asks; unknown sessions neither.
    for c in [visitor.clone(), lecturer.clone()] {
        let (s, _, body) = get(format!("/lectures/{}.ics", draft.slug), c).await;
        assert_eq!(s, 404, "{body}");
        assert!(!body.contains(&draft.title));
    }
    let (s, _, _) = get("/lectures/no-such-lecture.ics".to_owned(), visitor.clone()).await;
    assert_eq!(s, 404);

    // A cancelled session's file says so (calendars then remove it).
    let (s, _, ics) = get(format!("/lectures/{}.ics", cancelled.slug), visitor.clone()).await;
    assert_eq!(s, 200);
    let unfolded = icalendar::parser::unfold(&ics);
    let cal = icalendar::parser::read_calendar(&unfolded).expect("parses");
    let ev = cal
        .components
        .iter()
        .find(|c| c.name.as_str() == "VEVENT")
        .unwrap();
    assert_eq!(ev.find_prop("STATUS").unwrap().val.as_str(), "CANCELLED");

    // The calendar of every upcoming session.
    let (s, ct, all) = get("/calendar.ics".to_owned(), organiser.clone()).await;
    assert_eq!(s, 200);
    assert!(ct.starts_with("text/calendar"), "{ct}");
    let unfolded = icalendar::parser::unfold(&all);
    let cal = icalendar::parser::read_calendar(&unfolded).expect("icalendar parses it");
    let uids: Vec<String> = cal
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
        .map(|c| c.find_prop("UID").unwrap().val.as_str().to_owned())
        .collect();
    assert!(
        uids.contains(&format!("lecture-{main_id}@shuxiang")),
        "{uids:?}"
    );
    assert!(
        !uids.contains(&format!("lecture-{draft_id}@shuxiang")),
        "{uids:?}"
    );
    let summaries: Vec<String> = cal
        .components
        .iter()
        .filter_map(|c| c.find_prop("SUMMARY"))
        .map(|p| p.val.as_str().to_owned())
        .collect();
    assert!(summaries.contains(&summary), "{summaries:?}");
    assert!(!all.contains(&draft.title));
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(all.as_bytes()));
    let cal = parser.next().expect("a calendar").expect("ical parses it");
    assert!(!cal.events.is_empty());

    // The Atom feed.
    let (s, ct, xml) = get("/lectures/feed.atom".to_owned(), lecturer.clone()).await;
    assert_eq!(s, 200);
    assert!(ct.starts_with("application/atom+xml"), "{ct}");
    assert!(!xml.contains(&draft.title), "no drafts in the feed");
    {
        const NS: &str = "http://www.w3.org/2005/Atom";
        let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
        let root = doc.root_element();
        assert!(root.has_tag_name((NS, "feed")));
        let titles: Vec<String> = root
            .children()
            .filter(|c| c.has_tag_name((NS, "entry")))
            .filter_map(|e| e.children().find(|c| c.has_tag_name((NS, "title"))))
            .filter_map(|t| t.text().map(str::to_owned))
            .collect();
        assert!(titles.contains(&spec.title), "{titles:?}");
    }
    let feed: atom_syndication::Feed = xml.parse().expect("atom_syndication parses it");
    let entries = feed.entries();
    assert_eq!(entries.len(), 2, "published and cancelled, no draft");
    let main = entries
        .iter()
        .find(|e| e.id() == format!("tag:shuxiang,2026:lecture-{main_id}"))
        .expect("the published session");
    assert_eq!(main.title().as_str(), spec.title);
    assert!(
        main.links()[0]
            .href()
            .ends_with(&format!("/lectures/{}", spec.slug))
    );
    let html = main.summary().expect("summary").as_str().to_owned();
    assert!(html.contains("张三 &amp; 李四，王五"), "{html}");
    assert!(html.contains("第二段, with; commas"), "{html}");
    let gone = entries
        .iter()
        .find(|e| e.id() == format!("tag:shuxiang,2026:lecture-{cancelled_id}"))
        .expect("the cancelled session");
    assert_eq!(
        gone.title().as_str(),
        format!("{}（已取消）", cancelled.title)
    );
    app.stop().await;
}

async fn live_channel_pushes_counts_and_questions(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store.account("organiser", PW, Role::Organiser).await;
    app.store.account("lecturer", PW, Role::Lecturer).await;
    app.store.account("asker", PW, Role::Reader).await;
    let organiser = signed_in(&app, "organiser").await;
    let lecturer = signed_in(&app, "lecturer").await;
    let asker = signed_in(&app, "asker").await;
    let spec = Spec::new("zhibo-jiangtang", "直播讲堂");
    published(&app, &organiser, &spec).await;
    let url = app.url(&live_path(&spec.slug));

    // A draft has no live channel.
    let draft = Spec::new("caogao-zhibo", "草稿直播");
    create(&app, &lecturer, &draft).await;
    let res = app
        .bare_client()
        .get(app.url(&live_path(&draft.slug)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let res = lecturer
        .get(app.url(&live_path("no-such-lecture")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);

    // The first page: counts first (itself included), then the questions.
    let mut first = Sse::open(&browser(&app, &spec.slug).await, &url, None).await;
    let e = first.first().await;
    assert_eq!(e.event, "counts", "{e:?}");
    assert!(e.watching().unwrap() >= 1, "{e:?}");
    let e = first.first().await;
    assert_eq!(e.question_bodies(), Some(Vec::new()), "{e:?}");

    // A second page raises the count on the first.
    let mut second = Sse::open(&browser(&app, &spec.slug).await, &url, None).await;
    let opened = Instant::now();
    let (_, took) = first
        .wait_for(opened, "watching = 2", |e| e.watching() == Some(2))
        .await;
    report(b, "second watcher seen by the first page", took);
    let e = second.first().await;
    assert_eq!(e.watching(), Some(2), "{e:?}");

    // Closing it lowers the count again.
    drop(second);
    let closed = Instant::now();
    let (_, took) = first
        .wait_for(closed, "watching = 1", |e| e.watching() == Some(1))
        .await;
    report(b, "closed page seen by the first page", took);

    // A signed-in viewer's question reaches the open page.
    let body = "这本书适合青少年读吗，老师？";
    let (s, v) = json(
        app.call(
            &asker,
            "lectures/ask",
            &[("slug", &spec.slug), ("body", body)],
        )
        .await,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let asked = Instant::now();
    let question_id = v.as_i64().expect("the question's id");
    let (e, took) = first
        .wait_for(asked, "the question", |e| {
            e.question_bodies()
                .is_some_and(|b| b.iter().any(|q| q == body))
        })
        .await;
    report(b, "question seen by an open page", took);
    let qs = e.questions().unwrap();
    let q = &qs[0];
    assert_eq!(q["id"], question_id);
    assert_eq!(q["author"], "测试asker");

    // Visitors do not ask; empty questions are refused.
    let (s, v) = json(
        app.call(
            &app.client(),
            "lectures/ask",
            &[("slug", &spec.slug), ("body", "游客的问题")],
        )
        .await,
    )
    .await;
    assert_eq!(s, 401, "{v}");
    let (s, v) = json(
        app.call(
            &asker,
            "lectures/ask",
            &[("slug", &spec.slug), ("body", "   ")],
        )
        .await,
    )
    .await;
    assert_eq!(s, 422, "{v}");
    assert!(
        field_errors(&v)
            .iter()
            .any(|(f, m)| f == "body" && is_chinese(m))
    );
    // Nor from another site's page.
    let res = asker
        .post(app.url("/api/lectures/ask"))
        .header("accept", "application/json")
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .form(&[("slug", spec.slug.as_str()), ("body", "跨站提问")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "a cross-site question");
    // Not on a draft either (it is not even visible to the asker).
    let (s, _) = json(
        app.call(
            &asker,
            "lectures/ask",
            &[("slug", &draft.slug), ("body", "问题")],
        )
        .await,
    )
    .await;
    assert_eq!(s, 404);
    assert_eq!(rows(&app, "question").await, 1);

    // A vote reaches the page too.
    let qid = question_id.to_string();
    let (s, v) = json(
        app.call(&organiser, "lectures/vote", &[("question_id", &qid)])
            .await,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["question_id"], question_id);
    assert_eq!(v["voted"], true);
    let voted = Instant::now();
    let (_, took) = first
        .wait_for(voted, "one vote", |e| {
            e.questions().is_some_and(|qs| qs[0]["votes"] == 1)
        })
        .await;
    report(b, "vote seen by an open page", took);

    // A page opened now gets the question in its first frames.
    let mut late = Sse::open(&app.bare_client(), &url, None).await;
    let e = late.first().await;
    assert_eq!(e.event, "counts");
    let e = late.first().await;
    assert_eq!(e.question_bodies(), Some(vec![body.to_owned()]));
    app.stop().await;
}

async fn views_count_page_openings_not_reconnections(b: Backend) {
    const PAGES: i64 = 5;
    let app = TestApp::spawn(b).await;
    app.store.account("organiser", PW, Role::Organiser).await;
    let organiser = signed_in(&app, "organiser").await;
    let spec = Spec::new("liulan-cishu", "浏览次数");
    let id = published(&app, &organiser, &spec).await;
    let url = app.url(&live_path(&spec.slug));

    let mut open = Vec::new();
    let mut browsers = Vec::new();
    for _ in 0..PAGES {
        let c = browser(&app, &spec.slug).await;
        let mut page = Sse::open(&c, &url, None).await;
        page.first().await;
        open.push(page);
        browsers.push(c);
    }
    // A browser reconnecting says where it was: not a new view.
    let mut again = Sse::open(&browser(&app, &spec.slug).await, &url, Some("7")).await;
    again.first().await;
    open.push(again);
    // Nor is the same browser opening the page again soon after.
    let mut reopened = Sse::open(&browsers[0], &url, None).await;
    reopened.first().await;
    open.push(reopened);

    app.live().flush().await;
    let views = || {
        let pool = app.db().pool().clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT views FROM lecture WHERE id = $1")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    // The ticker may be adding a batch at this very moment: allow it to land.
    let start = Instant::now();
    while views().await < PAGES && start.elapsed() < LIVE_WITHIN {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(views().await, PAGES);
    // And nothing is counted twice by later ticks.
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    assert_eq!(views().await, PAGES);
    let (s, v) = page(&app, &app.client(), &spec.slug).await;
    assert_eq!(s, 200);
    assert_eq!(v["views"], PAGES);
    drop(open);
    app.stop().await;
}

async fn check_in_needs_the_venue_code_of_the_day(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store.account("organiser", PW, Role::Organiser).await;
    app.store.account("lecturer", PW, Role::Lecturer).await;
    app.store.account("other", PW, Role::Lecturer).await;
    let reader_id = app.store.account("reader", PW, Role::Reader).await;
    let organiser = signed_in(&app, "organiser").await;
    let lecturer = signed_in(&app, "lecturer").await;
    let other = signed_in(&app, "other").await;
    let reader = signed_in(&app, "reader").await;

    let mut spec = Spec::new("qiandao-ceshi", "签到测试");
    spec.venues = vec![venue_row("主会场", 50), venue_row("第一分会场", 30)];
    let id = create(&app, &lecturer, &spec).await;
    let (s, _) = set_state(&app, &organiser, &spec.slug, "published").await;
    assert_eq!(s, 200);
    let venues = venue_ids(&app, id).await;

    let codes = |c: reqwest::Client| {
        let slug = spec.slug.clone();
        let app = &app;
        async move {
            json(
                app.call(&c, "lectures/checkin-codes", &[("slug", &slug)])
                    .await,
            )
            .await
        }
    };
    for (who, c) in [("reader", &reader), ("other lecturer", &other)] {
        let (s, v) = codes(c.clone()).await;
        assert_eq!(s, 403, "{who} reads the codes: {v}");
    }
    let (s, _) = codes(app.client()).await;
    assert_eq!(s, 401, "a visitor reads the codes");
    let (s, by_organiser) = codes(organiser.clone()).await;
    assert_eq!(s, 200, "{by_organiser}");
    let (s, v) = codes(lecturer.clone()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["codes"], by_organiser["codes"]);
    let list = v["codes"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    // (venue id, code) from each QR code's address.
    let parsed: Vec<(i64, String)> = list
        .iter()
        .map(|c| {
            let url = c["url"].as_str().unwrap();
            let query = url.split_once('?').unwrap().1;
            let mut venue = None;
            let mut code = None;
            for kv in query.split('&') {
                match kv.split_once('=') {
                    Some(("venue", v)) => venue = v.parse::<i64>().ok(),
                    Some(("code", v)) => code = Some(v.to_owned()),
                    _ => {}
                }
            }
            assert!(
                url.contains(&format!("/lectures/{}/checkin?", spec.slug)),
                "{url}"
            );
            assert!(c["qr_svg"].as_str().unwrap().contains("<svg"));
            (venue.unwrap(), code.unwrap())
        })
        .collect();
    assert_eq!(parsed.iter().map(|p| p.0).collect::<Vec<_>>(), venues);
    let (main_venue, main_code) = parsed[0].clone();
    let (branch_venue, branch_code) = parsed[1].clone();
    assert_ne!(main_code, branch_code);

    let check_in = |c: reqwest::Client, venue: i64, code: String| {
        let slug = spec.slug.clone();
        let app = &app;
        async move {
            let venue = venue.to_string();
            json(
                app.call(
                    &c,
                    "lectures/checkin",
                    &[("slug", &slug), ("venue", &venue), ("code", &code)],
                )
                .await,
            )
            .await
        }
    };

    // Wrong codes: refused in Chinese, nothing recorded.
    let mut wrong = vec![
        (main_venue, "0".repeat(20)),
        (main_venue, String::new()),
        (main_venue, branch_code.clone()),
        (branch_venue, main_code.clone()),
    ];
    if main_code.to_uppercase() != main_code {
        wrong.push((main_venue, main_code.to_uppercase()));
    }
    for (venue, code) in wrong {
        let (s, v) = check_in(reader.clone(), venue, code.clone()).await;
        assert_eq!(s, 422, "venue {venue} code {code:?}: {v}");
        assert!(is_chinese(&message(&v)), "{v}");
    }
    assert_eq!(rows(&app, "attendance").await, 0);

    // The check-in page tells a good code from a bad one.
    let (s, v) = json(
        app.call(
            &reader,
            "lectures/checkin-page",
            &[
                ("slug", spec.slug.as_str()),
                ("venue", &branch_venue.to_string()),
                ("code", &branch_code),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["code_ok"], true);
    assert_eq!(v["checked_in"], false);
    let (_, v) = json(
        app.call(
            &reader,
            "lectures/checkin-page",
            &[
                ("slug", spec.slug.as_str()),
                ("venue", &branch_venue.to_string()),
                ("code", &main_code),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(v["code_ok"], false);

    // Visitors sign in first.
    let (s, _) = check_in(app.client(), branch_venue, branch_code.clone()).await;
    assert_eq!(s, 401);
    assert_eq!(rows(&app, "attendance").await, 0);

    // The right code records attendance, once.
    let (s, v) = check_in(reader.clone(), branch_venue, branch_code.clone()).await;
    assert_eq!(s, 200, "{v}");
    assert!(v.as_str().unwrap().starts_with("签到成功"), "{v}");
    let (s, v) = check_in(reader.clone(), branch_venue, branch_code.clone()).await;
    assert_eq!(s, 200, "{v}");
    assert!(v.as_str().unwrap().contains("已经签到"), "{v}");
    let (s, _) = check_in(reader.clone(), main_venue, main_code.clone()).await;
    assert_eq!(s, 200);
    let recorded: Vec<(i64, i64)> =
        sqlx::query_as("SELECT account_id, venue_id FROM attendance WHERE lecture_id = $1")
            .bind(id)
            .fetch_all(app.db().pool())
            .await
            .unwrap();
    assert_eq!(recorded, [(reader_id, branch_venue)]);
    let (_, v) = page(&app, &reader, &spec.slug).await;
    assert_eq!(v["audience"]["checked_in"], 1);
    app.stop().await;
}

async fn only_the_lecturer_or_an_organiser_marks_questions(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store.account("organiser", PW, Role::Organiser).await;
    app.store.account("lecturer", PW, Role::Lecturer).await;
    app.store.account("other", PW, Role::Lecturer).await;
    app.store.account("asker", PW, Role::Reader).await;
    app.store.account("viewer", PW, Role::Member).await;
    let organiser = signed_in(&app, "organiser").await;
    let lecturer = signed_in(&app, "lecturer").await;
    let other = signed_in(&app, "other").await;
    let asker = signed_in(&app, "asker").await;
    let viewer = signed_in(&app, "viewer").await;

    let spec = Spec::new("wenda-guanli", "问答管理");
    create(&app, &lecturer, &spec).await;
    let (s, _) = set_state(&app, &organiser, &spec.slug, "published").await;
    assert_eq!(s, 200);

    let ask = |body: &'static str| {
        let app = &app;
        let asker = asker.clone();
        let slug = spec.slug.clone();
        async move {
            let (s, v) = json(
                app.call(&asker, "lectures/ask", &[("slug", &slug), ("body", body)])
                    .await,
            )
            .await;
            assert_eq!(s, 200, "{v}");
            v.as_i64().unwrap()
        }
    };
    let kept = ask("请问老师最推荐哪本书？").await;
    let rude = ask("这是一条不友善的留言").await;

    let mark = |c: reqwest::Client, q: i64, action: &'static str| {
        let app = &app;
        async move {
            let q = q.to_string();
            json(
                app.call(
                    &c,
                    "lectures/mark",
                    &[("question_id", &q), ("action", action)],
                )
                .await,
            )
            .await
        }
    };
    let marks = || {
        let pool = app.db().pool().clone();
        async move {
            sqlx::query_as::<_, (i64, Option<i64>, Option<i64>)>(
                "SELECT id, answered_at, hidden_at FROM question ORDER BY id",
            )
            .fetch_all(&pool)
            .await
            .unwrap()
        }
    };
    let before = marks().await;
    for (who, c, status) in [
        ("the asker", asker.clone(), 403),
        ("a viewer", viewer.clone(), 403),
        ("another lecturer", other.clone(), 403),
        ("a visitor", app.client(), 401),
    ] {
        for action in ["answered", "hide"] {
            let (s, v) = mark(c.clone(), rude, action).await;
            assert_eq!(s, status, "{who} marks {action}: {v}");
        }
    }
    assert_eq!(marks().await, before, "refusals change nothing");
    let (s, _) = mark(lecturer.clone(), kept, "nonsense").await;
    assert_eq!(s, 400);
    let (s, _) = mark(lecturer.clone(), 999_999, "hide").await;
    assert_eq!(s, 404);

    // A page is open while the question is hidden.
    let url = app.url(&live_path(&spec.slug));
    let mut open = Sse::open(&viewer, &url, None).await;
    assert_eq!(open.first().await.event, "counts");
    let e = open.first().await;
    assert_eq!(e.question_bodies().map(|b| b.len()), Some(2), "{e:?}");

    let (s, v) = mark(lecturer.clone(), kept, "answered").await;
    assert_eq!(s, 200, "the lecturer answers: {v}");
    let (s, v) = mark(organiser.clone(), rude, "hide").await;
    assert_eq!(s, 200, "an organiser hides: {v}");
    let hidden = Instant::now();
    let (e, took) = open
        .wait_for(hidden, "the list without the hidden question", |e| {
            e.questions()
                .is_some_and(|qs| qs.len() == 1 && qs[0]["answered"] == true)
        })
        .await;
    report(b, "hidden question gone from an open page", took);
    assert_eq!(e.questions().unwrap()[0]["id"], kept);

    let after = marks().await;
    assert!(
        after
            .iter()
            .any(|(id, a, h)| *id == kept && a.is_some() && h.is_none())
    );
    assert!(
        after
            .iter()
            .any(|(id, a, h)| *id == rude && a.is_none() && h.is_some())
    );

    // Viewers' page data leaves it out; the lecturer still sees it, marked.
    for c in [&viewer, &asker, &other] {
        let (_, v) = page(&app, c, &spec.slug).await;
        let ids: Vec<i64> = v["questions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, [kept]);
    }
    let (_, v) = page(&app, &lecturer, &spec.slug).await;
    let hidden_q = v["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == rude)
        .cloned()
        .expect("the lecturer sees hidden questions");
    assert_eq!(hidden_q["hidden"], true);

    // A page opened now never sees it.
    let mut late = Sse::open(&app.bare_client(), &url, None).await;
    late.first().await;
    let e = late.first().await;
    assert_eq!(
        e.question_bodies(),
        Some(vec!["请问老师最推荐哪本书？".to_owned()])
    );

    // Shown again by the lecturer: back on open pages.
    let (s, _) = mark(lecturer.clone(), rude, "show").await;
    assert_eq!(s, 200);
    let shown = Instant::now();
    open.wait_for(shown, "the question shown again", |e| {
        e.questions().is_some_and(|qs| qs.len() == 2)
    })
    .await;
    app.stop().await;
}

async fn two_servers_share_watcher_counts_and_questions() {
    let b = Backend::Postgres;
    let app = TestApp::spawn(b).await;
    let node_b = app.second_server().await;
    app.store.account("organiser", PW, Role::Organiser).await;
    app.store.account("asker", PW, Role::Reader).await;
    let organiser = signed_in(&app, "organiser").await;
    let spec = Spec::new("liangtai-fuwuqi", "两台服务器");
    published(&app, &organiser, &spec).await;

    let mut on_a = Sse::open(
        &browser(&app, &spec.slug).await,
        &app.url(&live_path(&spec.slug)),
        None,
    )
    .await;
    let e = on_a.first().await;
    assert_eq!(e.watching(), Some(1), "{e:?}");

    // A page on B counts on A.
    let b_url = node_b.url(&live_path(&spec.slug));
    // (The viewer cookie of server A's page is good on B: one site, one key.)
    let mut on_b = Sse::open(&browser(&app, &spec.slug).await, &b_url, None).await;
    let opened = Instant::now();
    let (_, took) = on_a
        .wait_for(opened, "watching = 2 on A", |e| e.watching() == Some(2))
        .await;
    report(b, "watcher on server B seen on server A", took);
    let (_, took) = on_b
        .wait_for(opened, "watching = 2 on B", |e| e.watching() == Some(2))
        .await;
    report(b, "watcher on server A seen on server B", took);

    // A question asked on B shows on A.
    let asker = app.client();
    let res = asker
        .post(node_b.url("/api/login"))
        .header("accept", "application/json")
        .form(&[("username", "asker"), ("password", PW)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body = "两台服务器上的问题，能看到吗？";
    let (s, v) = json(
        asker
            .post(node_b.url("/api/lectures/ask"))
            .header("accept", "application/json")
            .form(&[("slug", spec.slug.as_str()), ("body", body)])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let asked = Instant::now();
    let (_, took) = on_a
        .wait_for(asked, "B's question on A", |e| {
            e.question_bodies()
                .is_some_and(|b| b.iter().any(|q| q == body))
        })
        .await;
    report(b, "question asked on server B seen on server A", took);

    // B's page closing lowers A's count.
    drop(on_b);
    let closed = Instant::now();
    let (_, took) = on_a
        .wait_for(closed, "watching = 1 on A", |e| e.watching() == Some(1))
        .await;
    report(b, "page closed on server B seen on server A", took);

    // Views on both servers add up (one page opened on each).
    node_b.live().flush().await;
    app.live().flush().await;
    let id = lecture_id(&app, &spec.slug).await;
    let views = || {
        let pool = app.db().pool().clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT views FROM lecture WHERE id = $1")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let start = Instant::now();
    while views().await < 2 && start.elapsed() < LIVE_WITHIN {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(views().await, 2);
    drop(on_a);
    node_b.stop().await;
    app.stop().await;
}

async fn covers_are_uploaded_by_who_may_edit(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store.account("lecturer", PW, Role::Lecturer).await;
    app.store.account("other", PW, Role::Lecturer).await;
    let lecturer = signed_in(&app, "lecturer").await;
    let other = signed_in(&app, "other").await;
    let spec = Spec::new("fengmian", "封面讲座");
    let id = create(&app, &lecturer, &spec).await;
    let upload = |bytes: Vec<u8>| {
        reqwest::multipart::Form::new().part(
            "cover",
            reqwest::multipart::Part::bytes(bytes).file_name("c.png"),
        )
    };
    let cover = include_bytes!("../../fixtures/cover.png").to_vec();
    let cover_id = || async {
        sqlx::query_scalar::<_, Option<i64>>("SELECT cover_id FROM lecture WHERE id = $1")
            .bind(id)
            .fetch_one(app.db().pool())
            .await
            .unwrap()
    };

    // Another lecturer may not.
    let res = other
        .post(app.url("/lectures/fengmian/cover"))
        .multipart(upload(cover.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(cover_id().await, None);

    // Not an image: refused with a Chinese reason, nothing stored.
    let res = lecturer
        .post(app.url("/lectures/fengmian/cover"))
        .multipart(upload(b"<svg onload=alert(1)>".to_vec()))
        .send()
        .await
        .unwrap();
    let back = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(back.starts_with("/lectures/fengmian/edit?cover="), "{back}");
    assert!(!back.contains("cover=ok"), "{back}");
    assert_eq!(cover_id().await, None);

    // The owner may; the cover is served as an image.
    let res = lecturer
        .post(app.url("/lectures/fengmian/cover"))
        .multipart(upload(cover))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["location"],
        "/lectures/fengmian/edit?cover=ok"
    );
    let image = cover_id().await.expect("cover stored");
    let res = app
        .bare_client()
        .get(app.url(&format!("/covers/{image}/thumb")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("image/")
    );
    app.stop().await;
}

async fn questions_become_a_thread_of_the_linked_group_once(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store.account("organiser", PW, Role::Organiser).await;
    app.store.account("asker", PW, Role::Reader).await;
    let organiser = signed_in(&app, "organiser").await;
    let asker = signed_in(&app, "asker").await;
    let group = app
        .store
        .group(shuxiang_tests::GroupSpec {
            slug: "jiangtang-qun",
            ..Default::default()
        })
        .await;
    // A session that ended an hour ago, linked to the group.
    let mut spec = Spec::new("wanjie-jiangzuo", "已结束的讲座");
    let now = platform::now();
    spec.starts_at = app::lectures::validate::beijing_input(now - 3 * 3600);
    spec.ends_at = app::lectures::validate::beijing_input(now - 3600);
    let id = published(&app, &organiser, &spec).await;
    sqlx::query("UPDATE lecture SET group_id = $1 WHERE id = $2")
        .bind(group)
        .bind(id)
        .execute(app.db().pool())
        .await
        .unwrap();
    for q in [
        "第一个问题：怎样读经典？",
        "第二个问题：*强调* [链接](javascript:alert(1))",
    ] {
        let (status, v) = json(
            app.call(
                &asker,
                "lectures/ask",
                &[("slug", spec.slug.as_str()), ("body", q)],
            )
            .await,
        )
        .await;
        assert_eq!(status, 200, "{v}");
    }
    let form = [("slug", spec.slug.as_str())];

    // Only its lecturer or an organiser turns them into a thread.
    let res = app.call(&asker, "lectures/followup", &form).await;
    assert_eq!(res.status(), 403);
    assert_eq!(rows(&app, "thread").await, 0);

    let (status, v) = json(app.call(&organiser, "lectures/followup", &form).await).await;
    assert_eq!(status, 200, "{v}");
    let path = v.as_str().unwrap().to_owned();
    assert!(path.starts_with("/groups/jiangtang-qun/threads/"), "{path}");
    let (title, html): (String, String) = {
        let r = sqlx::query(
            "SELECT t.title, p.body_html FROM thread t JOIN post p ON p.thread_id = t.id WHERE t.group_id = $1",
        )
        .bind(group)
        .fetch_one(app.db().pool())
        .await
        .unwrap();
        use sqlx::Row;
        (r.get("title"), r.get("body_html"))
    };
    assert_eq!(title, "讲座问答：已结束的讲座");
    assert!(html.contains("第一个问题：怎样读经典？"), "{html}");
    // The questions are plain text in the thread: no link, no emphasis.
    assert!(!html.contains("<a "), "{html}");
    assert!(!html.contains("<em>"), "{html}");
    let page = app.page(&app.bare_client(), &path).await;
    assert!(page.contains("第二个问题"));

    // Once only.
    let res = app.call(&organiser, "lectures/followup", &form).await;
    assert_eq!(res.status(), 422);
    assert_eq!(rows(&app, "thread").await, 1);
    app.stop().await;
}
