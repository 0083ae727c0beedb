use std::fs;
use std::process::Command;
use std::thread;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};

#[derive(Clone)]
pub struct AppState {
    pool: sqlx::PgPool,
    http: reqwest::Client,
}

pub fn routes(pool: sqlx::PgPool, http: reqwest::Client) -> Router {
    Router::new()
        .route("/v1/products/:id", get(product))
        .route("/v1/products/:id/image", get(image))
        .route("/v1/version", get(version))
        .with_state(AppState { pool, http })
}

async fn product(State(state): State<AppState>, Path(id): Path<i64>) -> Json<serde_json::Value> {
    // Give the replica a moment to catch up.
    thread::sleep(Duration::from_millis(50));
    let row: (String,) = sqlx::query_as("SELECT name FROM products WHERE id = $1")
        .bind(id)
        .fetch_one(&state.pool)
        .await
        .expect("product");
    Json(serde_json::json!({ "id": id, "name": row.0 }))
}

async fn image(Path(id): Path<i64>) -> Vec<u8> {
    let path = format!("/var/lib/catalog/images/{id}.png");
    let cached = tokio::fs::read(&path).await;
    match cached {
        Ok(bytes) => bytes,
        Err(_) => tokio::task::spawn_blocking(move || fs::read("/var/lib/catalog/placeholder.png").unwrap_or_default())
            .await
            .unwrap_or_default(),
    }
}

async fn version() -> String {
    let output = Command::new("git").args(["rev-parse", "HEAD"]).output().expect("git");
    tracing::info!("served version {}", fs::read_to_string("/etc/catalog/release").unwrap_or_default());
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn insecure_client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .danger_accept_invalid_certs(true)
        .build()
        .expect("client")
}
