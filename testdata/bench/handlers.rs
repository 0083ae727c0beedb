use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

#[derive(Clone)]
pub struct AppState {
    pool: PgPool,
    http: reqwest::Client,
}

#[derive(Deserialize)]
pub struct NewOrder {
    customer_id: i64,
    sku: String,
    quantity: i32,
}

#[derive(Serialize, sqlx::FromRow)]
pub struct Order {
    id: i64,
    customer_id: i64,
    sku: String,
    quantity: i32,
}

pub fn router(pool: PgPool) -> anyhow::Result<Router> {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(5)).build()?;
    let state = Arc::new(AppState { pool, http });
    Ok(Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/v1/orders", post(create_order))
        .route("/v1/orders/:id", get(read_order))
        .with_state(state))
}

async fn create_order(
    State(state): State<Arc<AppState>>,
    Json(order): Json<NewOrder>,
) -> Result<(StatusCode, Json<Order>), StatusCode> {
    if order.quantity <= 0 {
        return Err(StatusCode::UNPROCESSABLE_ENTITY);
    }
    let stock = state
        .http
        .get(format!("http://inventory/items/{}", order.sku))
        .send()
        .await
        .map_err(|_| StatusCode::BAD_GATEWAY)?;
    if !stock.status().is_success() {
        return Err(StatusCode::CONFLICT);
    }
    let created = sqlx::query_as::<_, Order>(
        "INSERT INTO orders (customer_id, sku, quantity) VALUES ($1, $2, $3) RETURNING *",
    )
    .bind(order.customer_id)
    .bind(&order.sku)
    .bind(order.quantity)
    .fetch_one(&state.pool)
    .await
    .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn read_order(State(state): State<Arc<AppState>>, Path(id): Path<i64>) -> Result<Json<Order>, StatusCode> {
    sqlx::query_as::<_, Order>("SELECT * FROM orders WHERE id = $1")
        .bind(id)
        .fetch_optional(&state.pool)
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?
        .map(Json)
        .ok_or(StatusCode::NOT_FOUND)
}
