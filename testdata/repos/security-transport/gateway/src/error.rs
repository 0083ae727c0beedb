//! The gateway's error type and how it becomes a response.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

pub enum AppError {
    NotFound,
    Upstream(reqwest::Error),
    Database(sqlx::Error),
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::NotFound => (StatusCode::NOT_FOUND, Json(json!({ "error": "not found" }))).into_response(),
            AppError::Upstream(e) => {
                tracing::warn!(error = ?e, "upstream failed");
                (StatusCode::BAD_GATEWAY, Json(json!({ "error": "upstream unavailable" }))).into_response()
            }
            AppError::Database(e) => (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({ "error": e.to_string() }))).into_response(), // expect: error-details-leaked
        }
    }
}
