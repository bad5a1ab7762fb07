//! `GET /healthz`: 200 when the database answers, 503 when it does not.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use platform::Db;
use serde_json::{Value, json};

pub async fn healthz(State(db): State<Db>) -> (StatusCode, Json<Value>) {
    let probe = sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(db.pool());
    match tokio::time::timeout(Duration::from_secs(3), probe).await {
        Ok(Ok(1)) => (
            StatusCode::OK,
            Json(json!({ "status": "ok", "database": db.backend().name() })),
        ),
        Ok(Ok(_)) | Ok(Err(_)) | Err(_) => {
            tracing::warn!("health check: database did not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": db.backend().name() })),
            )
        }
    }
}
