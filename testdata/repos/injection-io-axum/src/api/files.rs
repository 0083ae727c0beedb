//! Stored files: per route the traversal beside its idiomatic fix.
use std::path::PathBuf;

use axum::{extract::Path, http::StatusCode, routing::get, Router};

use crate::auth::Claims;
use crate::state::AppState;

const STORAGE: &str = "/srv/documents";

async fn raw(_claims: Claims, Path(name): Path<String>) -> Result<Vec<u8>, StatusCode> {
    tokio::fs::read(format!("{STORAGE}/{name}")) // expect: path-traversal
        .await
        .map_err(|_| StatusCode::NOT_FOUND)
}

async fn raw_checked(_claims: Claims, Path(name): Path<String>) -> Result<Vec<u8>, StatusCode> {
    let base = PathBuf::from(STORAGE).canonicalize().map_err(|_| StatusCode::NOT_FOUND)?;
    let full = base.join(&name).canonicalize().map_err(|_| StatusCode::NOT_FOUND)?;
    if !full.starts_with(&base) {
        return Err(StatusCode::NOT_FOUND);
    }
    tokio::fs::read(&full).await.map_err(|_| StatusCode::NOT_FOUND)
}

async fn note(_claims: Claims, Path(name): Path<String>) -> Result<String, StatusCode> {
    let path = PathBuf::from(STORAGE).join("notes").join(&name);
    tokio::fs::read_to_string(path).await.map_err(|_| StatusCode::NOT_FOUND) // expect: path-traversal
}

async fn report(_claims: Claims, Path(id): Path<u64>) -> Result<String, StatusCode> {
    tokio::fs::read_to_string(format!("{STORAGE}/reports/{id}.csv"))
        .await
        .map_err(|_| StatusCode::NOT_FOUND)
}

async fn remove(_claims: Claims, Path(name): Path<String>) -> StatusCode {
    match tokio::fs::remove_file(PathBuf::from(STORAGE).join(name)).await { // expect: path-traversal
        Ok(()) => StatusCode::NO_CONTENT,
        Err(_) => StatusCode::NOT_FOUND,
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/files/raw/:name", get(raw))
        .route("/files/checked/:name", get(raw_checked))
        .route("/files/notes/:name", get(note))
        .route("/files/reports/:id", get(report))
        .route("/files/:name", axum::routing::delete(remove))
}
