//! The demo data set: a brand, sectors and one account of each role, so a
//! newcomer has something real to look at. Loaded once, into an empty
//! database, only when `SHUXIANG_DEMO` is on.

use app::accounts::{Role, password, queries as accounts};
use app::server::{Db, now};
use app::site::queries as site;

/// Marks a database that holds demo data; production refuses to start on it.
pub const MARKER: &str = "demo_seeded";

/// The password of every demo account (listed in the README).
pub const PASSWORD: &str = "shuxiang2026";

pub struct DemoAccount {
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: Role,
    pub sector: Option<&'static str>,
}

pub const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        username: "admin",
        display_name: "书香办·王老师",
        role: Role::Organiser,
        sector: None,
    },
    DemoAccount {
        username: "weiyuan",
        display_name: "李文华委员",
        role: Role::Member,
        sector: Some("教育界"),
    },
    DemoAccount {
        username: "weiyuan2",
        display_name: "张明远委员",
        role: Role::Member,
        sector: Some("经济界"),
    },
    DemoAccount {
        username: "weiyuan3",
        display_name: "刘淑敏委员",
        role: Role::Member,
        sector: Some("医药卫生界"),
    },
    DemoAccount {
        username: "zhujiang",
        display_name: "陈教授",
        role: Role::Lecturer,
        sector: Some("文化艺术界"),
    },
    DemoAccount {
        username: "duzhe",
        display_name: "赵小青",
        role: Role::Reader,
        sector: None,
    },
    DemoAccount {
        username: "duzhe2",
        display_name: "孙建国",
        role: Role::Reader,
        sector: None,
    },
];

pub const SECTORS: &[&str] = &[
    "中共界",
    "民革界",
    "民盟界",
    "民建界",
    "九三学社界",
    "经济界",
    "农业界",
    "教育界",
    "科技界",
    "文化艺术界",
    "医药卫生界",
    "新闻出版界",
    "社会福利和社会保障界",
    "特邀界",
];

pub async fn is_seeded(db: &Db) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM site_setting WHERE key = $1")
        .bind(MARKER)
        .fetch_one(db.pool())
        .await?;
    Ok(n > 0)
}

/// Loads the demo data unless it is already there. All or nothing.
pub async fn seed(db: &Db) -> Result<bool, crate::BoxError> {
    if is_seeded(db).await? {
        return Ok(false);
    }
    let hash = password::hash(PASSWORD.to_owned()).await?;
    let at = now();
    let mut tx = db.pool().begin().await?;
    site::set(&mut *tx, site::BRAND, "淄味悦读·书香政协").await?;
    site::set(&mut *tx, site::COMMITTEE, "淄博市政协").await?;
    site::set(&mut *tx, site::SLOGAN, "读书明理 · 履职尽责 · 凝心聚力").await?;
    for (i, name) in SECTORS.iter().enumerate() {
        sqlx::query(
            "INSERT INTO sector (name, position) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(*name)
        .bind(i as i64)
        .execute(&mut *tx)
        .await?;
    }
    for a in ACCOUNTS {
        if accounts::username_taken(&mut *tx, a.username).await? {
            continue;
        }
        let id = accounts::insert(&mut *tx, a.username, a.display_name, &hash, a.role, at).await?;
        if let Some(sector) = a.sector {
            let sector_id: i64 = sqlx::query_scalar("SELECT id FROM sector WHERE name = $1")
                .bind(sector)
                .fetch_one(&mut *tx)
                .await?;
            accounts::set_sector(&mut *tx, id, Some(sector_id)).await?;
        }
    }
    site::set(&mut *tx, MARKER, "1").await?;
    tx.commit().await?;
    Ok(true)
}
