//! Attendance recorded at a venue's check-in page.

use platform::Exec;

/// Records attendance once per person and session; false if already there.
pub async fn record<'c>(
    db: impl Exec<'c>,
    lecture_id: i64,
    account_id: i64,
    venue_id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "INSERT INTO attendance (lecture_id, account_id, venue_id, checked_in_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (lecture_id, account_id) DO NOTHING",
    )
    .bind(lecture_id)
    .bind(account_id)
    .bind(venue_id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}
