//! What an outsider can inflate or read, over HTTP against the real
//! server: lecture audience and view counts that a curl loop cannot raise
//! (signed viewer cookies, live connections and browsers capped per client
//! address, one view per browser in a window), attendance recorded only
//! when the member's own page reports it, the viewer cookie's `Secure`
//! flag, absolute links from the configured public address, follow-up
//! threads only where the lecturer may post, members-only groups that hide
//! their people, no sign-in names in public data, and no private note
//! titles in organisers' reading records.

use std::time::{Duration, Instant};

use app::accounts::Role;
use app::groups::{GroupRole, GroupVisibility};
use app::lectures::{LectureFields, LectureState, VenueFields};
use platform::ProxyPolicy;
use serde_json::Value;
use shuxiang_tests::{
    Backend, GroupSpec, TEST_PASSWORD as PW, TestApp, field_errors, json, on_both_backends, rows,
    set_cookie_line, signed_in,
};

on_both_backends!(
    a_curl_loop_counts_nothing,
    live_connections_are_capped_per_address,
    few_browsers_per_address_join_the_audience,
    a_browser_counts_one_view_per_window,
    only_the_members_own_page_puts_a_lecture_in_the_record,
    views_counted_before_a_shutdown_are_kept,
    the_viewer_cookie_is_secure_in_production,
    absolute_links_use_the_public_address,
    followup_threads_only_where_the_lecturer_may_post,
    members_only_groups_show_outsiders_no_people,
    sign_in_names_stay_out_of_public_data,
    private_note_titles_stay_out_of_reading_records,
);

/// How long the live side may take to add views or send counts.
const LIVE_WITHIN: Duration = Duration::from_secs(2);

// ---------------------------------------------------------------------------
// Helpers of this module.

/// A published session of `owner`, `starts`/`ends` seconds from now; its id.
async fn lecture(app: &TestApp, slug: &str, owner: i64, starts: i64, ends: i64) -> i64 {
    let now = platform::now();
    let fields = LectureFields {
        slug: slug.to_owned(),
        title: format!("讲座 {slug}"),
        series: "测试系列".to_owned(),
        speaker: "李老师".to_owned(),
        speaker_bio: String::new(),
        abstract_md: "简介".to_owned(),
        starts_at: now + starts,
        ends_at: now + ends,
        venues: vec![VenueFields {
            id: None,
            name: "主会场".to_owned(),
            address: "人民路 1 号".to_owned(),
            seats: 100,
        }],
        streams: Vec::new(),
        replay_url: String::new(),
        group_id: None,
        book_id: None,
    };
    let mut tx = app.db().pool().begin().await.unwrap();
    let id = app::lectures::queries::insert(
        &mut tx,
        &fields,
        "<p>简介</p>",
        LectureState::Published,
        owner,
        "test-checkin-key",
        now,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

/// A session live now.
async fn live_lecture(app: &TestApp, slug: &str) -> i64 {
    let owner = app.store.account("owner", PW, Role::Organiser).await;
    lecture(app, slug, owner, -600, 3600).await
}

/// A browser (a client keeping cookies) that opened the watch page.
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

/// An open live channel, read up to its first `counts` event.
struct Live {
    res: reqwest::Response,
    buf: String,
}

impl Live {
    /// Opens it; the status, and the channel when it is 200.
    async fn try_open(req: reqwest::RequestBuilder) -> Result<Live, (u16, String)> {
        let res = req
            .header("accept", "text/event-stream")
            .send()
            .await
            .unwrap();
        if res.status() != 200 {
            let status = res.status().as_u16();
            return Err((status, res.text().await.unwrap_or_default()));
        }
        Ok(Live {
            res,
            buf: String::new(),
        })
    }

    async fn open(c: &reqwest::Client, url: &str) -> Live {
        match Live::try_open(c.get(url)).await {
            Ok(l) => l,
            Err((s, body)) => panic!("live channel {url}: {s} {body}"),
        }
    }

    /// The data of the next `counts` event.
    async fn counts(&mut self) -> Value {
        let deadline = tokio::time::Instant::now() + LIVE_WITHIN;
        loop {
            while let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                if block.lines().any(|l| l == "event: counts") {
                    let data = block
                        .lines()
                        .find_map(|l| l.strip_prefix("data: "))
                        .expect("data");
                    return serde_json::from_str(data).unwrap();
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.res.chunk())
                .await
                .expect("a counts event in time")
                .unwrap()
                .expect("the stream goes on");
            self.buf.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

fn live_url(app: &TestApp, slug: &str) -> String {
    app.url(&format!("/lectures/{slug}/live"))
}

async fn views(app: &TestApp, id: i64) -> i64 {
    sqlx::query_scalar("SELECT views FROM lecture WHERE id = $1")
        .bind(id)
        .fetch_one(app.db().pool())
        .await
        .unwrap()
}

/// The stored views once every view counted so far has landed (the
/// ticker may be adding a batch while `flush` runs); checks that
/// no more arrive afterwards.
async fn settled_views(app: &TestApp, id: i64, expected: i64) -> i64 {
    app.live().flush().await;
    let start = Instant::now();
    while views(app, id).await < expected && start.elapsed() < LIVE_WITHIN {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    app.live().flush().await;
    views(app, id).await
}

async fn viewer_rows(app: &TestApp, id: i64) -> Vec<(String, Option<i64>, Option<String>)> {
    sqlx::query_as(
        "SELECT viewer, account_id, address_key FROM lecture_viewer WHERE lecture_id = $1 ORDER BY first_seen, viewer",
    )
    .bind(id)
    .fetch_all(app.db().pool())
    .await
    .unwrap()
}

async fn online(app: &TestApp, slug: &str) -> i64 {
    let (s, v) = json(
        app.call(&app.client(), "lectures/page", &[("slug", slug)])
            .await,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    v["audience"]["online"].as_i64().unwrap()
}

fn is_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

async fn account_id(app: &TestApp, username: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM account WHERE username = $1")
        .bind(username)
        .fetch_one(app.db().pool())
        .await
        .unwrap()
}

// ---------------------------------------------------------------------------
// 1. Counting in the lecture hall.

async fn a_curl_loop_counts_nothing(b: Backend) {
    let app = TestApp::spawn(b).await;
    let slug = "quanxian-jishu";
    let id = live_lecture(&app, slug).await;

    // The page hands out a signed viewer id and writes nothing.
    for _ in 0..10 {
        let res = app
            .bare_client()
            .get(app.url(&format!("/lectures/{slug}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let line = set_cookie_line(res.headers(), "shuxiang_viewer").expect("a viewer cookie");
        let value = line
            .split(';')
            .next()
            .unwrap()
            .strip_prefix("shuxiang_viewer=")
            .unwrap();
        assert!(value.contains('.'), "signed: {line}");
        assert!(line.contains("HttpOnly") && line.contains("SameSite=Lax"));
    }
    let (s, _) = json(
        app.call(&app.client(), "lectures/page", &[("slug", slug)])
            .await,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(
        rows(&app, "lecture_viewer").await,
        0,
        "a GET writes nothing"
    );

    // A loop of cookie-less (or forged-cookie) live channels counts nothing.
    let url = live_url(&app, slug);
    for i in 0..30 {
        let mut req = app.bare_client().get(&url);
        if i % 2 == 1 {
            // An unsigned id of the form the server used to accept.
            req = req.header("cookie", format!("shuxiang_viewer=forged{i:026}"));
        }
        let mut live = Live::try_open(req).await.expect("the stream is served");
        live.counts().await;
    }
    // Browsers join the audience in batches: let every batch land first.
    app.live().flush().await;
    assert_eq!(rows(&app, "lecture_viewer").await, 0);
    assert_eq!(settled_views(&app, id, 0).await, 0);
    assert_eq!(online(&app, slug).await, 0);

    // While cookie-less channels are open, they are not watching either;
    // a browser that came by the page is.
    let mut idle = Vec::new();
    for _ in 0..3 {
        let mut l = Live::open(&app.bare_client(), &url).await;
        l.counts().await;
        idle.push(l);
    }
    let mut real = Live::open(&browser(&app, slug).await, &url).await;
    assert_eq!(real.counts().await["watching"], 1);
    assert_eq!(settled_views(&app, id, 1).await, 1);
    let stored = viewer_rows(&app, id).await;
    assert_eq!(stored.len(), 1, "{stored:?}");
    let (_, account, address) = &stored[0];
    assert_eq!(*account, None, "anonymous");
    let address = address.clone().expect("the address key");
    assert!(
        !address.contains("127") && address.len() == 32,
        "a keyed hash, not the address: {address}"
    );
    assert_eq!(online(&app, slug).await, 1);
    drop(idle);
    drop(real);
    app.stop().await;
}

async fn live_connections_are_capped_per_address(b: Backend) {
    let app = TestApp::spawn_with(b, |c| {
        c.live_limits.connections_per_address = 3;
        c.proxy = ProxyPolicy {
            trust: true,
            hops: 1,
        };
    })
    .await;
    let slug = "lianjie-shangxian";
    live_lecture(&app, slug).await;
    let url = live_url(&app, slug);
    let from = |ip: &str| app.bare_client().get(&url).header("x-forwarded-for", ip);

    let mut open = Vec::new();
    for _ in 0..3 {
        let mut l = Live::try_open(from("203.0.113.7"))
            .await
            .expect("within the cap");
        l.counts().await;
        open.push(l);
    }
    let (status, body) = Live::try_open(from("203.0.113.7"))
        .await
        .err()
        .expect("a fourth from one address is refused");
    assert_eq!(status, 429);
    assert!(is_chinese(&body), "{body}");
    // Cookies change nothing about it.
    let c = browser(&app, slug).await;
    let refused = Live::try_open(c.get(&url).header("x-forwarded-for", "203.0.113.7")).await;
    assert_eq!(refused.err().map(|e| e.0), Some(429));
    // Another address is not affected; IPv6 counts by its /64.
    let mut other = Live::try_open(from("198.51.100.1")).await.expect("another");
    other.counts().await;
    for i in 1..=3 {
        let ip = format!("2001:db8:1:2::{i}");
        let mut l = Live::try_open(from(&ip))
            .await
            .expect("within the /64's cap");
        l.counts().await;
        open.push(l);
    }
    let refused = Live::try_open(from("2001:db8:1:2:ffff::9")).await;
    assert_eq!(refused.err().map(|e| e.0), Some(429), "same /64");
    // A closed channel gives its place back.
    drop(open.remove(0));
    let deadline = Instant::now() + LIVE_WITHIN;
    loop {
        match Live::try_open(from("203.0.113.7")).await {
            Ok(_) => break,
            Err((429, _)) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await
            }
            Err(e) => panic!("the place was not given back: {e:?}"),
        }
    }
    drop(open);
    app.stop().await;
}

async fn few_browsers_per_address_join_the_audience(b: Backend) {
    let app = TestApp::spawn_with(b, |c| {
        c.live_limits.viewers_per_address = 2;
        c.proxy = ProxyPolicy {
            trust: true,
            hops: 1,
        };
    })
    .await;
    let slug = "guanzhong-shangxian";
    let id = live_lecture(&app, slug).await;
    let url = live_url(&app, slug);
    let open_from = |c: reqwest::Client, ip: &'static str| {
        let url = url.clone();
        async move {
            let mut l = Live::try_open(c.get(&url).header("x-forwarded-for", ip))
                .await
                .expect("served");
            let counts = l.counts().await;
            (l, counts)
        }
    };

    // Five browsers (each with its own signed cookie) from one address.
    let mut open = Vec::new();
    for _ in 0..5 {
        open.push(open_from(browser(&app, slug).await, "203.0.113.20").await);
    }
    // Browsers join the audience in batches: let the batch land.
    app.live().flush().await;
    assert_eq!(viewer_rows(&app, id).await.len(), 2, "two of them counted");
    assert_eq!(online(&app, slug).await, 2);
    // All five pages are watching now (the connection cap bounds that);
    // only the two in the audience made views.
    assert_eq!(
        open.last().unwrap().1["watching"],
        5,
        "{:?}",
        open.last().unwrap().1
    );
    assert_eq!(settled_views(&app, id, 2).await, 2);
    // Another address has places of its own.
    open.push(open_from(browser(&app, slug).await, "198.51.100.20").await);
    app.live().flush().await;
    assert_eq!(online(&app, slug).await, 3);
    // Two rows share the first address's key, one has its own (rows that
    // arrive in the same second come back in any order).
    let mut keys: Vec<Option<String>> = viewer_rows(&app, id)
        .await
        .into_iter()
        .map(|r| r.2)
        .collect();
    assert!(keys.iter().all(Option::is_some), "{keys:?}");
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 2, "two addresses, two keys");
    drop(open);
    app.stop().await;
}

async fn a_browser_counts_one_view_per_window(b: Backend) {
    let app = TestApp::spawn_with(b, |c| c.view_window_secs = 2).await;
    let slug = "chuangkou-liulan";
    let id = live_lecture(&app, slug).await;
    let url = live_url(&app, slug);
    let c = browser(&app, slug).await;
    // A browser reconnecting in a loop: one view.
    for _ in 0..8 {
        let mut l = Live::open(&c, &url).await;
        l.counts().await;
    }
    assert_eq!(settled_views(&app, id, 1).await, 1);
    // After the window, its next opening is a view again.
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let mut l = Live::open(&c, &url).await;
    l.counts().await;
    assert_eq!(settled_views(&app, id, 2).await, 2);
    assert_eq!(viewer_rows(&app, id).await.len(), 1, "one browser");
    app.stop().await;
}

async fn only_the_members_own_page_puts_a_lecture_in_the_record(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store.account("organiser", PW, Role::Organiser).await;
    let member = app.store.account("weiyuan", PW, Role::Member).await;
    let organiser = signed_in(&app, "organiser").await;
    let slug = "lvzhi-jilu";
    let id = live_lecture(&app, slug).await;
    let record = || {
        let app = &app;
        let organiser = organiser.clone();
        async move {
            let id = member.to_string();
            let (s, v) = json(
                app.call(
                    &organiser,
                    "admin/record",
                    &[("id", id.as_str()), ("from", ""), ("to", "")],
                )
                .await,
            )
            .await;
            assert_eq!(s, 200, "{v}");
            v
        }
    };

    // A link from another site, followed by the signed-in member's browser:
    // the page, then the live channel. Nothing goes in the record.
    let me = signed_in(&app, "weiyuan").await;
    for path in [
        format!("/lectures/{slug}"),
        format!("/lectures/{slug}/live"),
    ] {
        let mut req = me
            .get(app.url(&path))
            .header("sec-fetch-site", "cross-site")
            .header("referer", "https://evil.example/");
        if path.ends_with("/live") {
            req = req.header("accept", "text/event-stream");
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        if path.ends_with("/live") {
            let mut l = Live {
                res,
                buf: String::new(),
            };
            l.counts().await;
        }
    }
    // Browsers join the audience in batches: let the batch land.
    app.live().flush().await;
    let stored = viewer_rows(&app, id).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].1, None, "the viewer stays anonymous");
    let v = record().await;
    assert_eq!(v[1]["row"]["lectures"], 0, "{v}");
    assert!(
        !v.to_string().contains("线上看讲座"),
        "no online attendance: {v}"
    );

    // Nor can another site post the report.
    let res = me
        .post(app.url("/api/lectures/watching"))
        .header("accept", "application/json")
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .form(&[("slug", slug)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // A visitor has nothing to report; a browser without the page's cookie neither.
    let (s, _) = json(
        app.call(&app.client(), "lectures/watching", &[("slug", slug)])
            .await,
    )
    .await;
    assert_eq!(s, 401);
    let fresh = signed_in(&app, "weiyuan").await;
    let (s, _) = json(
        app.call(&fresh, "lectures/watching", &[("slug", slug)])
            .await,
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(record().await[1]["row"]["lectures"], 0);

    // The member's own watch page reports it (as the hydrated page does).
    let (s, v) = json(app.call(&me, "lectures/watching", &[("slug", slug)]).await).await;
    assert_eq!((s, v), (200, Value::Bool(true)));
    let (s, v) = json(app.call(&me, "lectures/watching", &[("slug", slug)]).await).await;
    assert_eq!((s, v), (200, Value::Bool(false)), "once");
    let stored = viewer_rows(&app, id).await;
    assert_eq!(stored.len(), 1, "the same browser, now tied: {stored:?}");
    assert_eq!(stored[0].1, Some(member));
    let v = record().await;
    assert_eq!(v[1]["row"]["lectures"], 1, "{v}");
    let items = v[1]["items"].as_array().unwrap();
    assert!(
        items
            .iter()
            .any(|i| i["kind"] == "线上看讲座" && i["text"] == format!("讲座 {slug}")),
        "{v}"
    );
    app.stop().await;
}

async fn views_counted_before_a_shutdown_are_kept(b: Backend) {
    let mut app = TestApp::spawn(b).await;
    let slug = "guanbi-baoliu";
    let id = live_lecture(&app, slug).await;
    let url = live_url(&app, slug);
    let mut open = Vec::new();
    for _ in 0..3 {
        let mut l = Live::open(&browser(&app, slug).await, &url).await;
        l.counts().await;
        open.push(l);
    }
    // The graceful shutdown ends the channels and adds what is pending.
    app.restart().await;
    drop(open);
    assert_eq!(views(&app, id).await, 3);
    app.stop().await;
}

// ---------------------------------------------------------------------------
// 2. The viewer cookie in production.

async fn the_viewer_cookie_is_secure_in_production(b: Backend) {
    for secure in [true, false] {
        let app = TestApp::spawn_with(b, |c| c.secure_cookies = secure).await;
        let slug = "anquan-cookie";
        live_lecture(&app, slug).await;
        let res = app
            .bare_client()
            .get(app.url(&format!("/lectures/{slug}")))
            .send()
            .await
            .unwrap();
        let line = set_cookie_line(res.headers(), "shuxiang_viewer").expect("a viewer cookie");
        assert_eq!(
            line.split(';').any(|a| a.trim() == "Secure"),
            secure,
            "{line}"
        );
        // The page's data call hands it out the same way.
        let res = app
            .bare_client()
            .post(app.url("/api/lectures/page"))
            .header("accept", "application/json")
            .form(&[("slug", slug)])
            .send()
            .await
            .unwrap();
        let line = set_cookie_line(res.headers(), "shuxiang_viewer").expect("a viewer cookie");
        assert_eq!(line.contains("; Secure"), secure, "{line}");
        app.stop().await;
    }
}

// ---------------------------------------------------------------------------
// 3. Absolute links.

async fn absolute_links_use_the_public_address(b: Backend) {
    const PUBLIC: &str = "https://shuxiang.example.org";
    for public in [Some(PUBLIC), None] {
        let app = TestApp::spawn_with(b, |c| c.public_url = public.map(str::to_owned)).await;
        let owner = app.store.account("owner", PW, Role::Organiser).await;
        let slug = "juedui-lianjie";
        lecture(&app, slug, owner, 86_400, 90_000).await;
        let forged = |req: reqwest::RequestBuilder| {
            req.header("host", "evil.example")
                .header("x-forwarded-proto", "http")
        };
        let mut bodies = Vec::new();
        for path in [
            format!("/lectures/{slug}.ics"),
            "/calendar.ics".to_owned(),
            "/lectures/feed.atom".to_owned(),
        ] {
            let res = forged(app.bare_client().get(app.url(&path)))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200, "{path}");
            bodies.push((path, res.text().await.unwrap()));
        }
        let organiser = signed_in(&app, "owner").await;
        let res = forged(
            organiser
                .post(app.url("/api/lectures/checkin-codes"))
                .header("accept", "application/json"),
        )
        .form(&[("slug", slug)])
        .send()
        .await
        .unwrap();
        let (s, v) = json(res).await;
        assert_eq!(s, 200, "{v}");
        let url = v["codes"][0]["url"].as_str().unwrap().to_owned();
        bodies.push(("check-in code".to_owned(), url));
        for (what, body) in bodies {
            let link = format!("/lectures/{slug}");
            match public {
                Some(p) => {
                    assert!(body.contains(&format!("{p}{link}")), "{what}: {body}");
                    assert!(!body.contains("evil.example"), "{what}: {body}");
                }
                // Development without the setting: the request's host, as before.
                None => assert!(
                    body.contains(&format!("http://evil.example{link}")),
                    "{what}: {body}"
                ),
            }
        }
        app.stop().await;
    }
}

// ---------------------------------------------------------------------------
// 4. Follow-up threads.

/// The session form as a browser submits it, linked to `group`.
fn lecture_form(slug: &str, original: &str, group: Option<i64>) -> Vec<(String, String)> {
    let starts = platform::now() + 86_400;
    let group = group.map(|g| g.to_string()).unwrap_or_default();
    let starts_at = app::lectures::validate::beijing_input(starts);
    let ends_at = app::lectures::validate::beijing_input(starts + 5_400);
    [
        ("original", original),
        ("slug", slug),
        ("title", "关联读书群的讲座"),
        ("series", ""),
        ("speaker", "王老师"),
        ("speaker_bio", ""),
        ("abstract_md", "简介"),
        ("starts_at", starts_at.as_str()),
        ("ends_at", ends_at.as_str()),
        ("replay_url", ""),
        ("group_id", group.as_str()),
        ("book_id", ""),
        ("venues[0][id]", ""),
        ("venues[0][name]", "主会场"),
        ("venues[0][address]", "人民路 1 号"),
        ("venues[0][seats]", "100"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

async fn save_lecture(
    app: &TestApp,
    c: &reqwest::Client,
    form: &[(String, String)],
) -> (u16, Value) {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    json(app.call(c, "lectures/save", &pairs).await).await
}

async fn followup_threads_only_where_the_lecturer_may_post(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store.account("organiser", PW, Role::Organiser).await;
    let lecturer_id = app.store.account("jiangshi", PW, Role::Lecturer).await;
    app.store.account("asker", PW, Role::Reader).await;
    let organiser = signed_in(&app, "organiser").await;
    let lecturer = signed_in(&app, "jiangshi").await;
    let asker = signed_in(&app, "asker").await;
    // Open and running, the lecturer a member; members-only, not a member;
    // ended, a guide there.
    let mine = app
        .store
        .group(GroupSpec {
            slug: "wode-qun",
            ..Default::default()
        })
        .await;
    app.store
        .add_to_group(mine, lecturer_id, GroupRole::Member)
        .await;
    let closed_door = app
        .store
        .group(GroupSpec {
            slug: "neibu-qun",
            visibility: GroupVisibility::Members,
            ..Default::default()
        })
        .await;
    let ended = app
        .store
        .group(GroupSpec {
            slug: "jieshu-qun",
            starts: -60,
            ends: -1,
            ..Default::default()
        })
        .await;
    app.store
        .add_to_group(ended, lecturer_id, GroupRole::Guide)
        .await;

    // The form offers only groups one may start threads in.
    let offered = |c: reqwest::Client| {
        let app = &app;
        async move {
            let (s, v) = json(app.call(&c, "lectures/form", &[("slug", "")]).await).await;
            assert_eq!(s, 200, "{v}");
            let mut ids: Vec<i64> = v["groups"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| g[0].as_i64().unwrap())
                .collect();
            ids.sort_unstable();
            ids
        }
    };
    assert_eq!(offered(lecturer.clone()).await, vec![mine]);
    let mut open_groups = vec![mine, closed_door];
    open_groups.sort_unstable();
    assert_eq!(offered(organiser.clone()).await, open_groups);

    // Saving refuses the others, with a Chinese message on the field.
    for (group, who, c) in [
        (closed_door, "lecturer", &lecturer),
        (ended, "lecturer", &lecturer),
        (ended, "organiser", &organiser),
        (999_999, "lecturer", &lecturer),
    ] {
        let (s, v) = save_lecture(&app, c, &lecture_form("bu-xing", "", Some(group))).await;
        assert_eq!(s, 422, "{who} links group {group}: {v}");
        assert!(
            field_errors(&v)
                .iter()
                .any(|(f, m)| f == "group_id" && is_chinese(m)),
            "{v}"
        );
    }
    assert_eq!(rows(&app, "lecture").await, 0);
    let (s, v) = save_lecture(&app, &lecturer, &lecture_form("ke-yi", "", Some(mine))).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = save_lecture(
        &app,
        &organiser,
        &lecture_form("zuzhi-de", "", Some(closed_door)),
    )
    .await;
    assert_eq!(s, 200, "an organiser links any running group: {v}");

    // The M3 case: the lecturer's ended session linked to a group they are
    // not in (an organiser linked it). Editing it keeps the link…
    let slug = "yi-jieshu";
    let id = lecture(&app, slug, lecturer_id, -3 * 3600, -3600).await;
    sqlx::query("UPDATE lecture SET group_id = $1 WHERE id = $2")
        .bind(closed_door)
        .bind(id)
        .execute(app.db().pool())
        .await
        .unwrap();
    let (s, v) = json(
        app.call(&lecturer, "lectures/form", &[("slug", slug)])
            .await,
    )
    .await;
    assert_eq!(s, 200);
    assert!(
        v["groups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g[0] == closed_door),
        "the linked group stays choosable: {v}"
    );
    let mut form = lecture_form(slug, slug, Some(closed_door));
    let venue: i64 = sqlx::query_scalar("SELECT id FROM venue WHERE lecture_id = $1")
        .bind(id)
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    for (k, v) in form.iter_mut() {
        match k.as_str() {
            "venues[0][id]" => *v = venue.to_string(),
            "starts_at" => *v = app::lectures::validate::beijing_input(platform::now() - 3 * 3600),
            "ends_at" => *v = app::lectures::validate::beijing_input(platform::now() - 3600),
            _ => {}
        }
    }
    let (s, v) = save_lecture(&app, &lecturer, &form).await;
    assert_eq!(s, 200, "a kept link is no new exposure: {v}");
    // …but its questions do not become the lecturer's thread there.
    let (s, v) = json(
        app.call(
            &asker,
            "lectures/ask",
            &[("slug", slug), ("body", "会后还能提问吗？")],
        )
        .await,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = json(
        app.call(&lecturer, "lectures/page", &[("slug", slug)])
            .await,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(v["can_make_followup"], false, "no button for it");
    let (s, v) = json(
        app.call(&lecturer, "lectures/followup", &[("slug", slug)])
            .await,
    )
    .await;
    assert_eq!(s, 422, "{v}");
    assert!(is_chinese(&v.to_string()), "{v}");
    assert_eq!(rows(&app, "thread").await, 0);
    // In their own group they may.
    sqlx::query("UPDATE lecture SET group_id = $1 WHERE id = $2")
        .bind(mine)
        .bind(id)
        .execute(app.db().pool())
        .await
        .unwrap();
    let (_, v) = json(
        app.call(&lecturer, "lectures/page", &[("slug", slug)])
            .await,
    )
    .await;
    assert_eq!(v["can_make_followup"], true);
    let (s, v) = json(
        app.call(&lecturer, "lectures/followup", &[("slug", slug)])
            .await,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert!(v.as_str().unwrap().starts_with("/groups/wode-qun/threads/"));

    // An organiser may do it in a running members-only group, not an ended one.
    let other = "zuzhi-jieshu";
    let other_id = lecture(&app, other, lecturer_id, -3 * 3600, -3600).await;
    app.call(
        &asker,
        "lectures/ask",
        &[("slug", other), ("body", "问题一")],
    )
    .await;
    for (group, status) in [(ended, 422), (closed_door, 200)] {
        sqlx::query("UPDATE lecture SET group_id = $1 WHERE id = $2")
            .bind(group)
            .bind(other_id)
            .execute(app.db().pool())
            .await
            .unwrap();
        let (s, v) = json(
            app.call(&organiser, "lectures/followup", &[("slug", other)])
                .await,
        )
        .await;
        assert_eq!(s, status, "organiser, group {group}: {v}");
    }
    assert_eq!(rows(&app, "thread").await, 2);
    app.stop().await;
}

// ---------------------------------------------------------------------------
// 5. Members-only groups.

async fn members_only_groups_show_outsiders_no_people(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store.account("organiser", PW, Role::Organiser).await;
    let leader = app.store.account("qunzhu", PW, Role::Member).await;
    let member = app.store.account("chengyuan", PW, Role::Reader).await;
    app.store.account("wairen", PW, Role::Reader).await;
    sqlx::query("UPDATE account SET display_name = '群主张三' WHERE id = $1")
        .bind(leader)
        .execute(app.db().pool())
        .await
        .unwrap();
    sqlx::query("UPDATE account SET display_name = '成员李四' WHERE id = $1")
        .bind(member)
        .execute(app.db().pool())
        .await
        .unwrap();
    for (slug, visibility) in [
        ("neibu", GroupVisibility::Members),
        ("gongkai", GroupVisibility::Public),
    ] {
        let g = app
            .store
            .group(GroupSpec {
                slug,
                visibility,
                ..Default::default()
            })
            .await;
        app.store.add_to_group(g, leader, GroupRole::Leader).await;
        app.store.add_to_group(g, member, GroupRole::Member).await;
    }

    let visitor = app.client();
    let outsider = signed_in(&app, "wairen").await;
    let insider = signed_in(&app, "chengyuan").await;
    let organiser = signed_in(&app, "organiser").await;
    for (who, c, group, sees) in [
        ("a visitor", &visitor, "neibu", false),
        ("a non-member", &outsider, "neibu", false),
        ("a member", &insider, "neibu", true),
        ("an organiser", &organiser, "neibu", true),
        ("a visitor", &visitor, "gongkai", true),
    ] {
        let (s, v) = json(app.call(c, "group", &[("slug", group)]).await).await;
        assert_eq!(s, 200, "{who}: {v}");
        assert_eq!(v["summary"]["name"], format!("测试群 {group}"));
        assert_eq!(v["summary"]["members"], 2, "the count is public");
        assert_eq!(v["people_visible"], sees, "{who} on {group}");
        let members = v["members"].as_array().unwrap();
        let board = v["board"].as_array().unwrap();
        let text = v.to_string();
        if sees {
            assert_eq!(members.len(), 2, "{who} on {group}");
            assert_eq!(board.len(), 2, "{who} on {group}");
            assert!(text.contains("成员李四"));
        } else {
            assert!(members.is_empty() && board.is_empty(), "{who}: {v}");
            for hidden in ["群主张三", "成员李四", "joined_at", "streak", "qunzhu"] {
                assert!(!text.contains(hidden), "{who} reads {hidden}: {v}");
            }
        }
        // The page says the same.
        let html = app.page(c, &format!("/groups/{group}")).await;
        assert!(html.contains("成员（2 人）"), "{who}: member count");
        assert_eq!(html.contains("成员李四"), sees, "{who} on /groups/{group}");
        assert_eq!(
            html.contains("成员阅读进度与连续打卡天数"),
            sees,
            "{who}: the progress board on {group}"
        );
    }
    app.stop().await;
}

// ---------------------------------------------------------------------------
// 6. Sign-in names.

async fn sign_in_names_stay_out_of_public_data(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store.account("organiser", PW, Role::Organiser).await;
    let author = app.store.account("wxm2026", PW, Role::Member).await;
    sqlx::query("UPDATE account SET display_name = '王小明' WHERE id = $1")
        .bind(author)
        .execute(app.db().pool())
        .await
        .unwrap();
    let g = app
        .store
        .group(GroupSpec {
            slug: "gongkai-qun",
            ..Default::default()
        })
        .await;
    app.store.add_to_group(g, author, GroupRole::Guide).await;
    let book = app.store.book("乡土中国", None).await;
    let me = signed_in(&app, "wxm2026").await;
    let book_s = book.to_string();
    let (s, v) = json(
        app.call(
            &me,
            "threads/create",
            &[
                ("slug", "gongkai-qun"),
                ("title", "共读乡土中国的体会"),
                ("body", "差序格局这一章写得真好。"),
                ("book_id", ""),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let thread: String = v.as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let (s, v) = json(
        app.call(
            &me,
            "note/write",
            &[
                ("book_id", &book_s),
                ("group_id", ""),
                ("visibility", "public"),
                ("title", "乡土社会的心得"),
                ("body", "礼治秩序。"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let slug = "mingzi-jiangzuo";
    let owner = account_id(&app, "organiser").await;
    lecture(&app, slug, owner, -600, 3600).await;
    let (s, v) = json(
        app.call(
            &me,
            "lectures/ask",
            &[("slug", slug), ("body", "请问老师怎么读经典？")],
        )
        .await,
    )
    .await;
    assert_eq!(s, 200, "{v}");

    // What a visitor (or anyone but organisers) reads shows 王小明, never wxm2026.
    let visitor = app.client();
    let reads: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("group", vec![("slug", "gongkai-qun")]),
        ("threads/list", vec![("slug", "gongkai-qun"), ("page", "1")]),
        (
            "threads/page",
            vec![("slug", "gongkai-qun"), ("id", thread.as_str())],
        ),
        ("book", vec![("id", book_s.as_str())]),
        ("lectures/page", vec![("slug", slug)]),
        (
            "search",
            vec![
                ("q", "乡土"),
                ("kind", ""),
                ("from", ""),
                ("to", ""),
                ("page", ""),
            ],
        ),
    ];
    for (endpoint, form) in reads {
        let (s, v) = json(app.call(&visitor, endpoint, &form).await).await;
        assert_eq!(s, 200, "{endpoint}: {v}");
        let text = v.to_string();
        assert!(
            !text.contains("wxm2026"),
            "{endpoint} publishes the sign-in name: {v}"
        );
        assert!(!text.contains("\"username\""), "{endpoint}: {v}");
        if endpoint != "search" {
            assert!(
                text.contains("王小明"),
                "{endpoint} shows the display name: {v}"
            );
        }
    }
    for path in [
        "/groups/gongkai-qun",
        &format!("/groups/gongkai-qun/threads/{thread}"),
    ] {
        let html = app.page(&visitor, path).await;
        assert!(!html.contains("wxm2026"), "{path}");
        assert!(html.contains("王小明"), "{path}");
    }
    // The organisers' own group form appoints staff by sign-in name.
    let organiser = signed_in(&app, "organiser").await;
    let (s, v) = json(
        app.call(&organiser, "group/form", &[("slug", "gongkai-qun")])
            .await,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["guides"], "wxm2026");
    let (s, _) = json(
        app.call(&visitor, "group/form", &[("slug", "gongkai-qun")])
            .await,
    )
    .await;
    assert_eq!(s, 401);
    app.stop().await;
}

// ---------------------------------------------------------------------------
// 7. Private notes in reading records.

async fn private_note_titles_stay_out_of_reading_records(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store.account("organiser", PW, Role::Organiser).await;
    let member = app.store.account("weiyuan", PW, Role::Member).await;
    let book = app.store.book("论语", None).await.to_string();
    let me = signed_in(&app, "weiyuan").await;
    for (visibility, title) in [("private", "私人标题不给看"), ("public", "公开的心得")]
    {
        let (s, v) = json(
            app.call(
                &me,
                "note/write",
                &[
                    ("book_id", &book),
                    ("group_id", ""),
                    ("visibility", visibility),
                    ("title", title),
                    ("body", "正文"),
                ],
            )
            .await,
        )
        .await;
        assert_eq!(s, 200, "{v}");
    }
    let organiser = signed_in(&app, "organiser").await;
    let id = member.to_string();
    let (s, v) = json(
        app.call(
            &organiser,
            "admin/record",
            &[("id", id.as_str()), ("from", ""), ("to", "")],
        )
        .await,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let text = v.to_string();
    assert!(!text.contains("私人标题"), "{v}");
    assert!(text.contains("公开的心得"), "{v}");
    assert_eq!(v[1]["row"]["notes"], 1, "only shared notes count: {v}");
    let (s, v) = json(
        app.call(&organiser, "admin/records", &[("from", ""), ("to", "")])
            .await,
    )
    .await;
    assert_eq!(s, 200);
    let row = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == member)
        .cloned()
        .expect("the member's row");
    assert_eq!(row["notes"], 1);
    for path in [
        format!("/admin/export/records/{member}"),
        "/admin/export/records.csv".to_owned(),
    ] {
        let res = organiser.get(app.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let csv = res.text().await.unwrap();
        assert!(!csv.contains("私人标题"), "{path}: {csv}");
    }
    let one = organiser
        .get(app.url(&format!("/admin/export/records/{member}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(one.contains("公开的心得"), "{one}");
    app.stop().await;
}
