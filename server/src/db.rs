//! Opening the database chosen by `DATABASE_URL`, and its migrations.

use std::path::{Path, PathBuf};

use platform::{Backend, Db};
use sqlx::migrate::Migrator;

static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");

/// Connects (creating a SQLite file and its directory when missing, both
/// owner-only) and brings the schema up to date. Safe to run from several
/// nodes at once on PostgreSQL: sqlx takes an advisory lock while migrating.
pub async fn open(url: &str, max_connections: u32) -> Result<Db, sqlx::Error> {
    if Backend::from_url(url) == Some(Backend::Sqlite)
        && let Some(file) = sqlite_file(url)
    {
        private_sqlite_files(&file).map_err(sqlx::Error::Io)?;
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

/// The database file and its WAL files owner-only (a directory it needs is
/// created owner-only; an existing one is left as it is, it may be shared).
fn private_sqlite_files(file: &Path) -> std::io::Result<()> {
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.exists()
    {
        crate::files::private_dir(dir)?;
    }
    crate::files::private_file(file)?;
    for suffix in ["-wal", "-shm"] {
        let mut side = file.as_os_str().to_owned();
        side.push(suffix);
        crate::files::private_file_if_present(Path::new(&side))?;
    }
    Ok(())
}

/// The SQLite database file named in a URL, if any (not in memory).
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    if path.is_empty() || path.starts_with(':') {
        return None; // in-memory
    }
    Some(PathBuf::from(path))
}

/// The directory of a SQLite database file named in a URL, if any.
#[cfg(test)]
fn sqlite_dir(url: &str) -> Option<PathBuf> {
    sqlite_file(url).and_then(|f| f.parent().map(Path::to_path_buf))
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
