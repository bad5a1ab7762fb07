//! The SQLite and PostgreSQL migrations (`server/migrations/{sqlite,postgres}`)
//! describe the same tables and columns; only each backend's own search
//! index differs. A column added to one tree and forgotten in the other
//! fails here, before any query meets it.

use std::collections::BTreeSet;

use shuxiang_tests::{Backend, TestDb};

/// SQLite's full-text index: the FTS5 table `search_fts` and the shadow
/// tables SQLite keeps for it (`search_fts_data`, `search_fts_idx`…).
const SQLITE_SEARCH: &str = "search_fts";
/// PostgreSQL's full-text index: a `tsvector` column on the documents.
const POSTGRES_SEARCH: &str = "search_doc.tsv";

async fn columns(t: &TestDb, sql: &str) -> BTreeSet<String> {
    sqlx::query_scalar::<_, String>(sql)
        .fetch_all(t.db.pool())
        .await
        .expect("list the columns")
        .into_iter()
        .collect()
}

// Named for PostgreSQL, so that `make test-sqlite` leaves it out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_migrations_have_the_tables_and_columns_of_sqlite() {
    let sqlite = TestDb::new(Backend::Sqlite).await;
    let postgres = TestDb::new(Backend::Postgres).await;
    let lite: BTreeSet<String> = columns(
        &sqlite,
        "SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
    )
    .await
    .into_iter()
    .filter(|c| !c.starts_with(SQLITE_SEARCH))
    .collect();
    let pg: BTreeSet<String> = columns(
        &postgres,
        "SELECT CAST(table_name AS TEXT) || '.' || CAST(column_name AS TEXT) \
         FROM information_schema.columns WHERE table_schema = current_schema()",
    )
    .await
    .into_iter()
    .filter(|c| c != POSTGRES_SEARCH)
    .collect();
    // The listing really read the schema.
    for known in [
        "post.body_md",
        "account.username",
        "_sqlx_migrations.version",
    ] {
        assert!(lite.contains(known), "SQLite lists {known}");
        assert!(pg.contains(known), "PostgreSQL lists {known}");
    }
    let only_sqlite: Vec<_> = lite.difference(&pg).collect();
    let only_postgres: Vec<_> = pg.difference(&lite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "the migrations disagree: only in SQLite {only_sqlite:?}, only in PostgreSQL {only_postgres:?}"
    );
    sqlite.drop_db().await;
    postgres.drop_db().await;
}
