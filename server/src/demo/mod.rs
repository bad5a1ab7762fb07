//! The demo data set, so a newcomer has something real to look at: the
//! brand, sectors and accounts of every role (part 1), then books, reading
//! groups and everything people do in them (part 2), discussions (part 3),
//! the lecture hall (part 4).
//! Loaded only when
//! `SHUXIANG_DEMO` is on; each part once, so a database seeded by an older
//! version gains the newer parts on the next start.

pub mod catalogue;
pub mod lectures;
mod reading;
mod threads;

use app::accounts::{Role, password, queries as accounts};
use app::site::queries as site;
use platform::{Db, now};

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

/// The newest part of the demo data; the marker stores the last one loaded.
const VERSION: i64 = 4;

/// The demo part loaded into this database (0: none).
async fn seeded_version(db: &Db) -> Result<i64, sqlx::Error> {
    let v: Option<String> = sqlx::query_scalar("SELECT value FROM site_setting WHERE key = $1")
        .bind(MARKER)
        .fetch_optional(db.pool())
        .await?;
    Ok(v.and_then(|v| v.parse().ok()).unwrap_or(0))
}

pub async fn is_seeded(db: &Db) -> Result<bool, sqlx::Error> {
    Ok(seeded_version(db).await? > 0)
}

/// Loads the parts of the demo data not loaded yet, each all or nothing.
/// Returns whether anything was loaded.
pub async fn seed(db: &Db) -> Result<bool, crate::BoxError> {
    let version = seeded_version(db).await?;
    if version >= VERSION {
        return Ok(false);
    }
    if version < 1 {
        seed_people(db).await?;
    }
    let mut tx = db.pool().begin().await?;
    if version < 2 {
        reading::seed(&mut tx, now()).await?;
    }
    if version < 3 {
        threads::seed(&mut tx, now()).await?;
    }
    lectures::seed(&mut tx, now()).await?;
    site::set(&mut *tx, MARKER, &VERSION.to_string()).await?;
    tx.commit().await?;
    Ok(true)
}

/// Part 1: brand, sectors, accounts.
async fn seed_people(db: &Db) -> Result<(), crate::BoxError> {
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
    Ok(())
}
