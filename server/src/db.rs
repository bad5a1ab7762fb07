//! Opening the database chosen by `DATABASE_URL`, and its migrations.

use std::path::Path;

use app::server::{Backend, Db};
use sqlx::migrate::Migrator;

static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");

/// Connects (creating a SQLite file and its directory when missing) and
/// brings the schema up to date. Safe to run from several nodes at once on
/// PostgreSQL: sqlx takes an advisory lock while migrating.
pub async fn open(url: &str, max_connections: u32) -> Result<Db, sqlx::Error> {
    if Backend::from_url(url) == Some(Backend::Sqlite)
        && let Some(dir) = sqlite_dir(url)
    {
        std::fs::create_dir_all(&dir).map_err(sqlx::Error::Io)?;
    }
    let db = Db::connect(url, max_connections).await?;
    migrate(&db).await?;
    Ok(db)
}

pub async fn migrate(db: &Db) -> Result<(), sqlx::Error> {
    let migrator = match db.backend() {
        Backend::Sqlite => &SQLITE,
        Backend::Postgres => &POSTGRES,
    };
    migrator.run(db.pool()).await?;
    Ok(())
}

/// The directory of a SQLite database file named in a URL, if any.
fn sqlite_dir(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    if path.is_empty() || path.starts_with(':') {
        return None; // in-memory
    }
    Path::new(path).parent().map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::sqlite_dir;
    use std::path::PathBuf;

    #[test]
    fn finds_the_directory_of_a_sqlite_file() {
        assert_eq!(
            sqlite_dir("sqlite://data/shuxiang.db"),
            Some(PathBuf::from("data"))
        );
        assert_eq!(
            sqlite_dir("sqlite:///tmp/x/a.db?mode=rwc"),
            Some(PathBuf::from("/tmp/x"))
        );
        assert_eq!(sqlite_dir("sqlite::memory:"), None);
        assert_eq!(sqlite_dir("postgres://localhost/x"), None);
    }
}
