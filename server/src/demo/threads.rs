//! Demo part 3: discussions in the demo groups — a pinned guided reading,
//! replies with quotes and @mentions (so demo accounts have notifications),
//! a long check-in relay that fills several pages, and a thread in the
//! members-only group.

use app::accounts::queries::session_user;
use app::threads::queries::{self, ThreadFlag};
use app::threads::write::{PostBody, publish};
use sqlx::AnyConnection;

/// One post: author's user name, Markdown, and the index of the post it
/// quotes (0-based within the thread).
type DemoPost = (&'static str, &'static str, Option<usize>);

struct DemoThread {
    group: &'static str,
    /// A book of the group's reading list, by title.
    book: Option<&'static str>,
    title: &'static str,
    pinned: bool,
    /// Index of the post marked as a guided reading.
    guide: Option<usize>,
    posts: &'static [DemoPost],
}

const THREADS: &[DemoThread] = &[
    DemoThread {
        group: "xuexi-xinsixiang",
        book: Some("之江新语"),
        title: "【导读】《之江新语》共读安排与讨论约定",
        pinned: true,
        guide: Some(0),
        posts: &[
            (
                "weiyuan",
                "各位委员、读者朋友：\n\n本期共读《之江新语》，安排如下：\n\n| 时间 | 内容 |\n| --- | --- |\n| 第一周 | 第 1—60 篇 |\n| 第二周 | 第 61—130 篇 |\n| 第三周 | 第 131—232 篇 |\n\n讨论约定：\n\n1. 围绕书中内容，结合履职实际谈体会；\n2. 引用原文请注明篇目；\n3. 文明交流，不发与读书无关的内容。",
                None,
            ),
            (
                "zhujiang",
                "补充一点读法：每篇短文都不长，建议**先读原文、再看背景**，想一想当时面对的是什么问题。有疑问可以在这里 @我。",
                None,
            ),
            ("duzhe", "请问社会读者也可以参加每周的线上交流吗？", None),
            (
                "weiyuan",
                "可以的，欢迎！每周五晚上在本群讨论区集中交流。",
                Some(2),
            ),
        ],
    },
    DemoThread {
        group: "xuexi-xinsixiang",
        book: Some("之江新语"),
        title: "“干在实处、走在前列”读后：委员履职怎样落到实处？",
        pinned: false,
        guide: None,
        posts: &[
            (
                "weiyuan2",
                "读到“干在实处、走在前列”，很有感触。调研要**沉下去**，提案要**接地气**。我们经济界去年关于中小企业融资的提案，就是跑了二十多家企业才形成的。",
                None,
            ),
            (
                "weiyuan3",
                "赞同！医药卫生界今年调研基层卫生院，也是这个体会：问题在一线，办法也在一线。",
                Some(0),
            ),
            (
                "duzhe2",
                "作为普通读者，想请教 @weiyuan：社会读者的意见怎样才能反映到提案里？",
                None,
            ),
            (
                "weiyuan",
                "好问题。可以通过本群把意见整理好，委员会在调研和提案中吸收。也欢迎参加政协大讲堂的现场交流。",
                Some(2),
            ),
        ],
    },
    DemoThread {
        group: "xuexi-xinsixiang",
        book: Some("习近平新时代中国特色社会主义思想学习纲要"),
        title: "《学习纲要》第一专题学习笔记分享",
        pinned: false,
        guide: None,
        posts: &[
            (
                "weiyuan3",
                "分享我的学习笔记要点：\n\n- 把握全书的逻辑结构\n- 每个专题做摘记\n- 结合界别工作写体会\n\n> 学而不思则罔，思而不学则殆。",
                None,
            ),
            (
                "duzhe",
                "谢谢分享，笔记的方法很实用，我也按专题整理了一份。",
                Some(0),
            ),
        ],
    },
    DemoThread {
        group: "jiaoyu-tongxinhui",
        book: None,
        title: "家校共育：我们读过的好书推荐",
        pinned: false,
        guide: None,
        posts: &[
            (
                "weiyuan",
                "本群讨论仅群成员可见。欢迎大家推荐家庭教育方面的好书，说说推荐理由。",
                None,
            ),
            (
                "duzhe",
                "推荐《朗读手册》，给孩子读书的方法讲得很具体。",
                None,
            ),
        ],
    },
];

/// Lines of the check-in relay, posted in turn by these members.
const RELAY_PEOPLE: &[&str] = &[
    "weiyuan", "weiyuan2", "weiyuan3", "duzhe", "duzhe2", "zhujiang",
];
const RELAY_POSTS: usize = 45;

async fn account_id(conn: &mut AnyConnection, username: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM account WHERE username = $1")
        .bind(username)
        .fetch_one(&mut *conn)
        .await
}

async fn group_id(conn: &mut AnyConnection, slug: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM reading_group WHERE slug = $1")
        .bind(slug)
        .fetch_one(&mut *conn)
        .await
}

async fn listed_book(
    conn: &mut AnyConnection,
    group: i64,
    title: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT b.id FROM reading_list_item i JOIN book b ON b.id = i.book_id \
         WHERE i.group_id = $1 AND b.title = $2",
    )
    .bind(group)
    .bind(title)
    .fetch_optional(&mut *conn)
    .await
}

/// Posts one message as `username` at time `at`; returns the post id.
async fn post_as(
    conn: &mut AnyConnection,
    thread_id: i64,
    username: &str,
    body: &str,
    quote: Option<i64>,
    at: i64,
) -> Result<i64, crate::BoxError> {
    let id = account_id(conn, username).await?;
    let author = session_user(&mut *conn, id)
        .await?
        .ok_or("demo account missing")?;
    let thread = queries::thread(&mut *conn, thread_id)
        .await?
        .ok_or("demo thread missing")?;
    let quote = match quote {
        Some(q) => queries::post(&mut *conn, q).await?,
        None => None,
    };
    // Seeding runs once, in one transaction at start-up: rendering inside
    // it holds no one up.
    let body = PostBody::render(body.to_owned());
    let (post_id, _) = publish(conn, &thread, &author, quote.as_ref(), &body, at)
        .await
        .map_err(|e| format!("demo post: {e}"))?;
    Ok(post_id)
}

async fn start_thread(
    conn: &mut AnyConnection,
    group: &str,
    book: Option<&str>,
    author: &str,
    title: &str,
    at: i64,
) -> Result<i64, crate::BoxError> {
    let gid = group_id(conn, group).await?;
    let book = match book {
        Some(t) => listed_book(conn, gid, t).await?,
        None => None,
    };
    let author = account_id(conn, author).await?;
    Ok(queries::create_thread(conn, gid, book, author, title, at).await?)
}

/// Loads the discussion demo into the caller's transaction.
pub async fn seed(conn: &mut AnyConnection, now: i64) -> Result<(), crate::BoxError> {
    // Oldest first, so the newest thread ends up on top of the list.
    let mut at = now - 3 * 24 * 3600;
    for t in THREADS {
        let thread_id = start_thread(conn, t.group, t.book, t.posts[0].0, t.title, at).await?;
        let mut ids = Vec::new();
        for (author, body, quote) in t.posts {
            at += 47 * 60;
            let quote = quote.map(|i| ids[i]);
            ids.push(post_as(conn, thread_id, author, body, quote, at).await?);
        }
        if t.pinned {
            queries::set_flag(&mut *conn, thread_id, ThreadFlag::Pinned, true).await?;
        }
        if let Some(i) = t.guide {
            queries::set_guide(&mut *conn, ids[i], true).await?;
        }
    }
    let relay = start_thread(
        conn,
        "xuexi-xinsixiang",
        Some("之江新语"),
        RELAY_PEOPLE[0],
        "每日读书打卡接龙",
        at,
    )
    .await?;
    for i in 0..RELAY_POSTS {
        at += 600;
        let who = RELAY_PEOPLE[i % RELAY_PEOPLE.len()];
        let body = format!(
            "第 {} 棒：今天读了《之江新语》第 {}—{} 篇，{}",
            i + 1,
            i * 3 + 1,
            i * 3 + 3,
            ["收获很大。", "记下了两句好句子。", "准备在周五交流时分享。"][i % 3]
        );
        post_as(conn, relay, who, &body, None, at).await?;
    }
    // The relay's 45 reply notifications would bury the discussions above
    // in the demo accounts' lists: they are left out.
    sqlx::query("DELETE FROM notification WHERE thread_id = $1")
        .bind(relay)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
