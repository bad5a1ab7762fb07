//! Part 4 of the demo data: the lecture hall — past sessions with replays
//! and their questions, one session live now (playing the demo HLS stream
//! the build makes, see `scripts/media.sh`), upcoming sessions with a main
//! venue, branch venues and registrations.

use app::lectures::queries::questions::{self, Mark};
use app::lectures::queries::{self, registration};
use app::lectures::{LectureFields, LectureState, VenueFields};
use sqlx::AnyConnection;

/// The session kept live in demo mode: each start moves it to "now".
pub const LIVE_SLUG: &str = "qingshaonian-qingxu";
/// The demo HLS stream, served from `public/media/demo/`.
pub const DEMO_STREAM: &str = "/media/demo/index.m3u8";

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

struct DemoLecture {
    slug: &'static str,
    title: &'static str,
    series: &'static str,
    speaker: &'static str,
    bio: &'static str,
    abstract_md: &'static str,
    /// Start: seconds after Beijing midnight of the seeding day (the live
    /// session: seconds after the seeding time).
    starts: i64,
    hours: i64,
    venues: &'static [(&'static str, &'static str, i64)],
    streams: &'static [&'static str],
    replay: &'static str,
    group: Option<&'static str>,
    owner: &'static str,
    /// (asker, question, votes by these people, answered)
    questions: &'static [(&'static str, &'static str, &'static [&'static str], bool)],
    /// (person, venue index or None for online)
    registrations: &'static [(&'static str, Option<usize>)],
}

const MAIN_HALL: (&str, &str, i64) = ("市政协机关报告厅", "市政协机关大楼三楼", 120);

const LECTURES: &[DemoLecture] = &[
    DemoLecture {
        slug: "ziwo-baojian-shanshi",
        title: "吃出健康：《中国居民膳食指南》解读",
        series: "自我保健促健康",
        speaker: "刘淑敏",
        bio: "市人民医院营养科主任医师，市政协委员（医药卫生界）。",
        abstract_md: "从**平衡膳食八准则**讲起，结合常见误区，讲清楚一日三餐怎么吃。\n\n- 食物多样，合理搭配\n- 吃动平衡，健康体重\n- 少盐少油，控糖限酒",
        starts: -40 * DAY + 14 * HOUR + 30 * 60,
        hours: 2,
        venues: &[MAIN_HALL, ("东城区分会场", "东城区政协会议室", 40)],
        streams: &["https://live.example.cn/shuxiang/room/101"],
        replay: DEMO_STREAM,
        group: Some("jiankang-dushu"),
        owner: "zhujiang",
        questions: &[
            (
                "duzhe",
                "老年人每天需要多少蛋白质？",
                &["weiyuan", "duzhe2"],
                true,
            ),
            (
                "weiyuan2",
                "外卖很难做到少盐少油，有什么建议？",
                &["duzhe", "weiyuan", "duzhe2"],
                true,
            ),
            ("duzhe2", "孩子挑食应该怎么办？", &[], false),
        ],
        registrations: &[("weiyuan", Some(0)), ("duzhe", Some(1)), ("duzhe2", None)],
    },
    DemoLecture {
        slug: "ziwo-baojian-shuimian",
        title: "睡个好觉：失眠的自我调适",
        series: "自我保健促健康",
        speaker: "陈教授",
        bio: "心理学教授，长期从事睡眠与情绪研究。",
        abstract_md: "失眠不只是“睡不着”。本讲介绍睡眠卫生的基本做法和认知行为方法。",
        starts: -12 * DAY + 19 * HOUR,
        hours: 2,
        venues: &[MAIN_HALL],
        streams: &["https://live.example.cn/shuxiang/room/102"],
        replay: "https://live.example.cn/shuxiang/replay/102",
        group: None,
        owner: "zhujiang",
        questions: &[("weiyuan3", "午睡多久合适？", &["duzhe"], true)],
        registrations: &[("weiyuan3", Some(0))],
    },
    DemoLecture {
        slug: LIVE_SLUG,
        title: "读懂孩子的情绪：青少年心理健康的家庭支持",
        series: "青少年身心健康",
        speaker: "陈教授",
        bio: "心理学教授，长期从事青少年心理健康研究，著有《陪伴的力量》。",
        abstract_md: "青春期的情绪起伏是成长的一部分。本讲从**倾听**、**共情**和**求助**三个方面，谈家长如何陪伴孩子。\n\n主会场设在市政协机关报告厅，各区分会场同步收看，线上直播同步进行。",
        starts: -20 * 60,
        hours: 3,
        venues: &[
            MAIN_HALL,
            ("西城区分会场", "西城区政协委员之家", 60),
            ("开发区分会场", "开发区图书馆报告厅", 2),
        ],
        streams: &[DEMO_STREAM, "https://live.example.cn/shuxiang/room/103"],
        replay: "",
        group: Some("xuexi-xinsixiang"),
        owner: "zhujiang",
        questions: &[
            (
                "duzhe",
                "孩子不愿意和家长说话，应该从哪里开始？",
                &["weiyuan", "weiyuan2"],
                false,
            ),
            (
                "weiyuan",
                "学校心理老师和家长如何配合？",
                &["duzhe2"],
                false,
            ),
        ],
        registrations: &[
            ("weiyuan", Some(0)),
            ("weiyuan2", Some(2)),
            ("duzhe2", Some(2)),
            ("duzhe", None),
        ],
    },
    DemoLecture {
        slug: "qingshaonian-yundong",
        title: "动起来更聪明：青少年体育锻炼与学习",
        series: "青少年身心健康",
        speaker: "王教练",
        bio: "国家级社会体育指导员，市青少年体育学校教练。",
        abstract_md: "运动如何改善注意力和情绪？每天一小时怎么安排？欢迎家长和孩子一起来。",
        starts: 6 * DAY + 19 * HOUR + 30 * 60,
        hours: 2,
        venues: &[
            MAIN_HALL,
            ("南城区分会场", "南城区文化馆多功能厅", 80),
            ("高新区分会场", "高新区政协活动室", 3),
        ],
        streams: &["https://live.example.cn/shuxiang/room/104"],
        replay: "",
        group: None,
        owner: "zhujiang",
        questions: &[],
        registrations: &[
            ("weiyuan", Some(0)),
            ("weiyuan2", Some(2)),
            ("weiyuan3", Some(2)),
            ("duzhe", Some(2)),
            ("duzhe2", Some(2)),
        ],
    },
    DemoLecture {
        slug: "shuxiang-yuedu-fangfa",
        title: "读书与履职：委员读书的方法",
        series: "书香政协",
        speaker: "陈教授",
        bio: "心理学教授，市政协读书活动导读人。",
        abstract_md: "怎样把读书和调研、提案结合起来？以《乡土中国》为例谈精读与笔记。",
        starts: 13 * DAY + 15 * HOUR,
        hours: 2,
        venues: &[MAIN_HALL],
        streams: &[DEMO_STREAM],
        replay: "",
        group: Some("xuexi-xinsixiang"),
        owner: "zhujiang",
        questions: &[],
        registrations: &[("weiyuan3", None)],
    },
];

async fn id_of(conn: &mut AnyConnection, sql: &str, key: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(sql)
        .bind(key)
        .fetch_optional(&mut *conn)
        .await
}

async fn account(conn: &mut AnyConnection, username: &str) -> Result<i64, crate::BoxError> {
    id_of(conn, "SELECT id FROM account WHERE username = $1", username)
        .await?
        .ok_or_else(|| format!("demo account {username} missing").into())
}

pub async fn seed(conn: &mut AnyConnection, now: i64) -> Result<(), crate::BoxError> {
    // Midnight in Beijing (UTC+8) of the seeding day.
    let base = now - (now + 8 * HOUR).rem_euclid(DAY);
    for l in LECTURES {
        let starts = if l.slug == LIVE_SLUG {
            now + l.starts
        } else {
            base + l.starts
        };
        let group_id = match l.group {
            Some(g) => id_of(conn, "SELECT id FROM reading_group WHERE slug = $1", g).await?,
            None => None,
        };
        let fields = LectureFields {
            slug: l.slug.to_owned(),
            title: l.title.to_owned(),
            series: l.series.to_owned(),
            speaker: l.speaker.to_owned(),
            speaker_bio: l.bio.to_owned(),
            abstract_md: l.abstract_md.to_owned(),
            starts_at: starts,
            ends_at: starts + l.hours * HOUR,
            venues: l
                .venues
                .iter()
                .map(|(name, address, seats)| VenueFields {
                    id: None,
                    name: (*name).to_owned(),
                    address: (*address).to_owned(),
                    seats: *seats,
                })
                .collect(),
            streams: l.streams.iter().map(|s| (*s).to_owned()).collect(),
            replay_url: l.replay.to_owned(),
            group_id,
            book_id: None,
        };
        let owner = account(conn, l.owner).await?;
        let html = platform::markdown::render(l.abstract_md);
        let key = platform::random_token();
        let created = starts.min(now) - 7 * DAY;
        let id = queries::insert(
            conn,
            &fields,
            &html,
            LectureState::Published,
            owner,
            &key,
            created,
        )
        .await?;
        let venues = queries::venues(&mut *conn, id).await?;
        for (i, (who, venue)) in l.registrations.iter().enumerate() {
            let person = account(conn, who).await?;
            let venue_id = venue.map(|v| venues[v].id);
            registration::register(conn, id, person, venue_id, created + i as i64 * 600).await?;
            if starts < now
                && let Some(v) = venue_id
            {
                app::lectures::queries::checkin::record(&mut *conn, id, person, v, starts).await?;
            }
        }
        for (i, (asker, body, voters, answered)) in l.questions.iter().enumerate() {
            let who = account(conn, asker).await?;
            // Asked during the session, a few minutes apart (not subject to
            // the per-minute limit: the times are in the past).
            let at = starts + 15 * 60 + i as i64 * 300;
            let qid = questions::ask(conn, id, who, body, at)
                .await?
                .ok_or("demo question refused")?;
            for v in *voters {
                let voter = account(conn, v).await?;
                questions::toggle_vote(conn, qid, voter, at + 60).await?;
            }
            if *answered {
                questions::mark(&mut *conn, qid, Mark::Answered(true), at + 1800).await?;
            }
        }
        if starts + l.hours * HOUR < now {
            // Past sessions were watched: views and anonymous viewers.
            queries::add_views(&mut *conn, id, 1_200 + 37 * l.hours).await?;
            for n in 0..25 {
                app::lectures::queries::audience::record_viewer(
                    &mut *conn,
                    id,
                    &format!("demo{n:02}{}", l.slug.len()),
                    None,
                    starts,
                )
                .await?;
            }
        }
    }
    Ok(())
}

/// Keeps the demo's live session live: at every start in demo mode it is
/// moved to have begun 20 minutes ago.
pub async fn keep_live(db: &platform::Db, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE lecture SET starts_at = $1, ends_at = $1 + (ends_at - starts_at), updated_at = $2 \
         WHERE slug = $3 AND ends_at < $2 + 3600",
    )
    .bind(now - 20 * 60)
    .bind(now)
    .bind(LIVE_SLUG)
    .execute(db.pool())
    .await?;
    Ok(())
}
