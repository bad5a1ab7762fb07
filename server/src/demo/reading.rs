//! The reading part of the demo: the catalogue, groups of every kind and
//! status (dates relative to today so the demo always looks current),
//! reading lists with guided readings, members, progress, check-ins,
//! notes and recommendations.

use std::collections::HashMap;

use app::books::queries as books;
use app::books::{BookFields, RecommendationStatus};
use app::groups::queries::reading_list::{self as list_queries, ItemFields};
use app::groups::queries::{self as groups, SeatOutcome};
use app::groups::{GroupFields, GroupKind, GroupRole, GroupVisibility, JoinPolicy, Seat};
use app::notes::Visibility;
use app::notes::queries::{self as notes, NewNote};
use app::progress::ReadingStatus;
use app::progress::queries as progress;
use platform::Exec;
use platform::markdown::render;
use platform::time::{day_at, day_string};
use sqlx::AnyConnection;
use time::Duration;

use super::catalogue::{BOOKS, NOTES};

struct DemoGroup {
    slug: &'static str,
    name: &'static str,
    theme: &'static str,
    kind: GroupKind,
    sector: Option<&'static str>,
    committee: &'static str,
    /// Term, in days from today.
    starts: i64,
    ends: i64,
    policy: JoinPolicy,
    visibility: GroupVisibility,
    member_seats: i64,
    reader_seats: i64,
    leader: &'static str,
    guides: &'static [&'static str],
    members: &'static [&'static str],
    /// Reading list: (book key, start, end in days from today, guided reading).
    list: &'static [(&'static str, i64, i64, &'static str)],
    description: &'static str,
}

const GROUPS: &[DemoGroup] = &[
    DemoGroup {
        slug: "xuexi-xinsixiang",
        name: "学习新思想读书群",
        theme: "学习新思想、建功新时代",
        kind: GroupKind::MemberGroup,
        sector: None,
        committee: "学习和文史委员会",
        starts: -30,
        ends: 30,
        policy: JoinPolicy::Open,
        visibility: GroupVisibility::Public,
        member_seats: 10,
        reader_seats: 130,
        leader: "weiyuan",
        guides: &["zhujiang"],
        members: &["weiyuan2", "weiyuan3", "duzhe", "duzhe2"],
        list: &[
            (
                "xuexi_gangyao",
                -30,
                -11,
                "**导读**：先通读目录，把握全书的逻辑结构；每天精读一个专题，做好摘记。",
            ),
            (
                "zhijiang",
                -10,
                10,
                "《之江新语》的短文多写于工作一线。建议每天读两三篇，想一想：\n\n- 这篇文章针对的是什么问题？\n- 对我们的履职有什么启发？",
            ),
            (
                "dangshi_jianshi",
                11,
                30,
                "按时期分段阅读，注意每一时期的历史背景与重大转折。",
            ),
        ],
        description: "委员和社会读者共读理论经典，**每天打卡**，每周在群里交流一次心得。\n\n> 读书明理，学以致用。",
    },
    DemoGroup {
        slug: "jiaoyu-tongxinhui",
        name: "教育界同心汇·读懂中国",
        theme: "读懂中国",
        kind: GroupKind::SectorHub,
        sector: Some("教育界"),
        committee: "",
        starts: -10,
        ends: 50,
        policy: JoinPolicy::Approval,
        visibility: GroupVisibility::Members,
        member_seats: 20,
        reader_seats: 20,
        leader: "weiyuan",
        guides: &[],
        members: &["duzhe"],
        list: &[
            (
                "xiangtu",
                -10,
                14,
                "费孝通先生用“差序格局”解释乡土社会。读的时候可以对照自己熟悉的乡村学校。",
            ),
            (
                "pingfan",
                15,
                50,
                "孙少平、孙少安兄弟的奋斗故事，适合与青年学生一起讨论。",
            ),
        ],
        description: "教育界委员和关心教育的读者一起读懂中国社会，思考城乡教育。加入需要群主审核。",
    },
    DemoGroup {
        slug: "liaozhai-gongdu",
        name: "书香淄博·聊斋共读",
        theme: "齐鲁文化",
        kind: GroupKind::ReaderGroup,
        sector: None,
        committee: "",
        starts: 7,
        ends: 60,
        policy: JoinPolicy::Open,
        visibility: GroupVisibility::Public,
        member_seats: 5,
        reader_seats: 60,
        leader: "zhujiang",
        guides: &[],
        members: &["duzhe2"],
        list: &[
            (
                "liaozhai",
                7,
                40,
                "蒲松龄是淄川人。读《聊斋》，也是读我们淄博的风土人情。",
            ),
            ("qimin", 41, 60, ""),
        ],
        description: "面向社会读者的地方文化读书群，下周开读，正在招募。",
    },
    DemoGroup {
        slug: "jiankang-dushu",
        name: "医药卫生界委员工作室·健康读书会",
        theme: "自我保健促健康",
        kind: GroupKind::MemberStudio,
        sector: Some("医药卫生界"),
        committee: "",
        starts: -90,
        ends: -20,
        policy: JoinPolicy::Invitation,
        visibility: GroupVisibility::Public,
        member_seats: 10,
        reader_seats: 10,
        leader: "weiyuan3",
        guides: &[],
        members: &["duzhe"],
        list: &[
            ("shanshi_zhinan", -90, -55, "重点读“平衡膳食八准则”。"),
            ("zuihao_gaobie", -54, -20, ""),
        ],
        description: "委员工作室的健康读书会，本期已结束，记录仅供查看。",
    },
    DemoGroup {
        slug: "jingji-zhishen",
        name: "经济界·置身事内读书小组",
        theme: "读懂中国经济",
        kind: GroupKind::MemberGroup,
        sector: Some("经济界"),
        committee: "经济委员会",
        starts: -5,
        ends: 40,
        policy: JoinPolicy::Open,
        visibility: GroupVisibility::Public,
        member_seats: 2,
        reader_seats: 0,
        leader: "weiyuan2",
        guides: &[],
        members: &["weiyuan", "weiyuan3"],
        list: &[("zhishen", -5, 40, "结合本地招商引资和财政情况来读。")],
        description: "小范围的委员读书小组，名额已满。",
    },
];

/// Notes on 之江新语 in the theory group: (author, title, Markdown, visibility).
const GROUP_NOTES: &[(&str, &str, &str, Visibility)] = &[
    (
        "weiyuan2",
        "“绿水青山就是金山银山”读后",
        "这篇短文只有几百字，却把发展和保护的关系讲透了。\n\n结合我们经济界的调研，我想到三点：\n\n1. 招商引资要算生态账；\n2. 老工业基地转型要舍得投入；\n3. 委员提案要多听企业和群众的声音。",
        Visibility::Public,
    ),
    (
        "duzhe",
        "每天两篇的小收获",
        "作为社会读者，我最喜欢这本书的篇幅：**每篇都能在通勤路上读完**。今天读到“要善于抓住关键”，对工作很有启发。",
        Visibility::Group,
    ),
];

/// Loads the reading demo into the caller's transaction.
pub async fn seed(conn: &mut AnyConnection, now: i64) -> Result<(), sqlx::Error> {
    let today = day_at(now);
    let day = |offset: i64| day_string(today + Duration::days(offset));
    let accounts = account_ids(&mut *conn).await?;
    let id_of = |u: &str| accounts.get(u).copied().unwrap_or(0);

    let mut book_ids = HashMap::new();
    for b in BOOKS {
        let fields = BookFields {
            title: b.title.to_owned(),
            author: b.author.to_owned(),
            publisher: b.publisher.to_owned(),
            year: Some(b.year),
            isbn: b.isbn.map(str::to_owned),
            pages: b.pages,
            summary: b.summary.to_owned(),
        };
        let id = match b.isbn {
            Some(isbn) => match books::by_isbn(&mut *conn, isbn).await? {
                Some(id) => id,
                None => books::insert(&mut *conn, &fields, None, now).await?,
            },
            None => books::insert(&mut *conn, &fields, None, now).await?,
        };
        book_ids.insert(b.key, id);
    }
    let book = |k: &str| book_ids.get(k).copied().unwrap_or(0);

    let sectors: Vec<(i64, String)> = app::site::queries::sectors(&mut *conn).await?;
    let mut group_ids = HashMap::new();
    for (n, g) in GROUPS.iter().enumerate() {
        let fields = GroupFields {
            slug: g.slug.to_owned(),
            name: g.name.to_owned(),
            theme: g.theme.to_owned(),
            description_md: g.description.to_owned(),
            kind: g.kind,
            sector_id: g.sector.and_then(|s| {
                sectors
                    .iter()
                    .find(|(_, name)| name == s)
                    .map(|(id, _)| *id)
            }),
            committee: g.committee.to_owned(),
            starts_on: day(g.starts),
            ends_on: day(g.ends),
            join_policy: g.policy,
            visibility: g.visibility,
            member_seats: g.member_seats,
            reader_seats: g.reader_seats,
        };
        let token = format!("demo{n}{}", platform::random_token());
        let gid = groups::insert(
            &mut *conn,
            &fields,
            &render(g.description),
            &token,
            Some(id_of("admin")),
            now,
        )
        .await?;
        group_ids.insert(g.slug, gid);
        groups::set_role(&mut *conn, gid, id_of(g.leader), GroupRole::Leader, now).await?;
        for guide in g.guides {
            groups::set_role(&mut *conn, gid, id_of(guide), GroupRole::Guide, now).await?;
        }
        for m in g.members {
            let seat = if m.starts_with("weiyuan") {
                Seat::Member
            } else {
                Seat::Reader
            };
            let outcome = groups::take_seat(&mut *conn, gid, id_of(m), seat, now).await?;
            debug_assert_eq!(outcome, SeatOutcome::Joined, "demo seats fit");
        }
        for (key, start, end, guide) in g.list {
            let html = render(guide);
            let f = ItemFields {
                starts_on: &day(*start),
                ends_on: &day(*end),
                guide_md: guide,
                guide_html: &html,
            };
            list_queries::add(&mut *conn, gid, book(key), &f).await?;
        }
        // Progress on the list's books: further along for earlier books.
        let people: Vec<&str> = std::iter::once(g.leader)
            .chain(g.members.iter().copied())
            .collect();
        for (p, person) in people.iter().enumerate() {
            for (i, (key, start, end, _)) in g.list.iter().enumerate() {
                if *start > 0 {
                    continue;
                }
                let finished = *end < 0 || (p + i) % 4 == 0;
                let (status, percent) = if finished {
                    (ReadingStatus::Finished, Some(100))
                } else {
                    (
                        ReadingStatus::Reading,
                        Some(((p * 23 + i * 17) % 80 + 10) as i64),
                    )
                };
                progress::set(
                    &mut *conn,
                    id_of(person),
                    book(key),
                    status,
                    None,
                    percent,
                    now,
                )
                .await?;
            }
        }
        // Check-ins over the last two weeks of running groups, with gaps.
        if g.starts < 0 && g.ends >= 0 {
            for (p, person) in people.iter().enumerate() {
                for back in 1..=14i64 {
                    if (back + p as i64) % 5 == 0 {
                        continue;
                    }
                    let line = if back % 4 == 1 {
                        "读了一章，很有收获"
                    } else {
                        ""
                    };
                    progress::check_in(
                        &mut *conn,
                        gid,
                        id_of(person),
                        &day(-back),
                        Some(20 + 5 * (back % 4)),
                        Some(10 + back),
                        line,
                        now,
                    )
                    .await?;
                }
            }
        }
    }
    // A request waiting for the leader of the approval group.
    groups::request_to_join(
        &mut *conn,
        group_ids["jiaoyu-tongxinhui"],
        id_of("duzhe2"),
        "我是一名乡村教师，想和大家一起读。",
        now,
    )
    .await?;

    for (n, (key, author, title, body)) in NOTES.iter().enumerate() {
        let group = GROUPS
            .iter()
            .find(|g| {
                g.list.iter().any(|(k, ..)| k == key)
                    && (g.leader == *author || g.members.contains(author))
            })
            .map(|g| group_ids[g.slug]);
        let html = render(body);
        let note = NewNote {
            account_id: id_of(author),
            book_id: book(key),
            group_id: group,
            visibility: if n == 3 && group.is_some() {
                Visibility::Group
            } else {
                Visibility::Public
            },
            title,
            body_md: body,
            body_html: &html,
        };
        notes::insert(&mut *conn, &note, now - (n as i64) * 86_400).await?;
    }

    // Notes written inside the theory group, one for its members only.
    let xuexi = group_ids["xuexi-xinsixiang"];
    for (n, (author, title, body, visibility)) in GROUP_NOTES.iter().enumerate() {
        let html = render(body);
        let note = NewNote {
            account_id: id_of(author),
            book_id: book("zhijiang"),
            group_id: Some(xuexi),
            visibility: *visibility,
            title,
            body_md: body,
            body_html: &html,
        };
        notes::insert(&mut *conn, &note, now - 3600 * (n as i64 + 1)).await?;
    }

    recommendations(&mut *conn, &book, &id_of, now).await
}

async fn recommendations(
    conn: &mut AnyConnection,
    book: &dyn Fn(&str) -> i64,
    id_of: &dyn Fn(&str) -> i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    let day = 86_400;
    let items: [(&str, &str, &str, Option<i64>); 5] = [
        (
            "renshijian",
            "weiyuan",
            "写尽普通人几十年的悲欢，读来像看一部城市变迁史，适合委员了解社情民意。",
            Some(100),
        ),
        (
            "changzheng",
            "weiyuan2",
            "史料扎实、笔力雄健，是开展党史学习的好读本。",
            Some(95),
        ),
        (
            "sudongpo",
            "weiyuan",
            "读东坡的豁达，也读他在密州、徐州为民做事的担当。",
            Some(12),
        ),
        (
            "hongxing",
            "weiyuan3",
            "外国记者眼中的红色中国，青少年读来也很有兴趣。",
            None,
        ),
        ("meide", "weiyuan2", "想请大家读一读中国审美的源流。", None),
    ];
    let admin = id_of("admin");
    for (key, who, reason, approved_days_ago) in items {
        let id =
            books::recommend(&mut *conn, book(key), id_of(who), reason, now - 120 * day).await?;
        if let Some(ago) = approved_days_ago {
            books::review(
                &mut *conn,
                id,
                RecommendationStatus::Approved,
                "同意推荐",
                admin,
                now - ago * day,
            )
            .await?;
        }
    }
    Ok(())
}

async fn account_ids(e: impl Exec<'_>) -> Result<HashMap<String, i64>, sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as("SELECT username, id FROM account")
        .fetch_all(e)
        .await?;
    Ok(rows.into_iter().collect())
}
