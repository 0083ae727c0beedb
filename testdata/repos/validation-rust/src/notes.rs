//! Axum handlers for notes.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use sqlx::PgPool;
use validator::Validate;

#[derive(Deserialize, Validate)]
pub struct NewNote {
    #[validate(length(min = 1, max = 200))]
    pub title: String,
    #[validate(length(max = 10000))]
    pub body: String,
}

#[derive(Deserialize)]
pub struct Search {
    pub q: String,
    pub limit: Option<i64>,
}

// Bad: any JSON is accepted and its fields go to the database.
pub async fn create_note(State(pool): State<PgPool>, Json(payload): Json<Value>) -> Result<Json<Value>, StatusCode> {
    let title = payload["title"].as_str().unwrap_or_default();
    let id: i64 = sqlx::query_scalar("INSERT INTO notes (title) VALUES ($1) RETURNING id")
        .bind(title) // expect: unvalidated-request-body
        .fetch_one(&pool)
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok(Json(json!({ "id": id })))
}

// Fix: a typed body (serde checks the shape) with `validator` rules.
pub async fn create_note_v2(State(pool): State<PgPool>, Json(input): Json<NewNote>) -> Result<Json<Value>, StatusCode> {
    input.validate().map_err(|_| StatusCode::UNPROCESSABLE_ENTITY)?;
    let id: i64 = sqlx::query_scalar("INSERT INTO notes (title, body) VALUES ($1, $2) RETURNING id")
        .bind(&input.title)
        .bind(&input.body)
        .fetch_one(&pool)
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok(Json(json!({ "id": id })))
}

// Bad: an untyped query map.
pub async fn search_notes(State(pool): State<PgPool>, Query(params): Query<HashMap<String, String>>) -> Json<Vec<String>> {
    let q = params.get("q").cloned().unwrap_or_default();
    let rows: Vec<String> = sqlx::query_scalar("SELECT title FROM notes WHERE title ILIKE $1 LIMIT 50")
        .bind(format!("%{q}%")) // expect: unvalidated-request-body
        .fetch_all(&pool)
        .await
        .unwrap_or_default();
    Json(rows)
}

// Fix: a typed query struct.
pub async fn search_notes_v2(State(pool): State<PgPool>, Query(search): Query<Search>) -> Json<Vec<String>> {
    let rows: Vec<String> = sqlx::query_scalar("SELECT title FROM notes WHERE title ILIKE $1 LIMIT $2")
        .bind(format!("%{}%", search.q))
        .bind(search.limit.unwrap_or(50).clamp(1, 100))
        .fetch_all(&pool)
        .await
        .unwrap_or_default();
    Json(rows)
}

// Quiet: a numeric path id.
pub async fn delete_note(State(pool): State<PgPool>, Path(id): Path<i64>) -> StatusCode {
    match sqlx::query("DELETE FROM notes WHERE id = $1").bind(id).execute(&pool).await {
        Ok(_) => StatusCode::NO_CONTENT,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}
