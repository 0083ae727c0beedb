use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    routing::get,
    Json, Router,
};
use serde::{Deserialize, Serialize};

use crate::auth::Claims;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct Pagination {
    pub limit: Option<i64>,
    pub page: Option<i64>,
}

#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct Item {
    pub id: i64,
    pub name: String,
    pub stock: i32,
}

#[derive(Debug, Deserialize)]
pub struct NewItem {
    pub name: String,
    pub stock: i32,
}

async fn list_items(
    State(state): State<AppState>,
    Query(page): Query<Pagination>,
) -> Result<Json<Vec<Item>>, StatusCode> {
    let limit = page.limit.unwrap_or(20).clamp(1, 100);
    let offset = (page.page.unwrap_or(1).max(1) - 1) * limit;
    sqlx::query_as::<_, Item>("SELECT id, name, stock FROM items ORDER BY id LIMIT $1 OFFSET $2")
        .bind(limit)
        .bind(offset)
        .fetch_all(&state.db)
        .await
        .map(Json)
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)
}

async fn get_item(State(state): State<AppState>, Path(id): Path<i64>) -> Result<Json<Item>, StatusCode> {
    sqlx::query_as::<_, Item>("SELECT id, name, stock FROM items WHERE id = $1")
        .bind(id)
        .fetch_optional(&state.db)
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?
        .map(Json)
        .ok_or(StatusCode::NOT_FOUND)
}

async fn create_item(
    claims: Claims,
    State(state): State<AppState>,
    Json(body): Json<NewItem>,
) -> Result<(StatusCode, Json<Item>), StatusCode> {
    tracing::info!(user = %claims.sub, "creating item");
    sqlx::query_as::<_, Item>("INSERT INTO items (name, stock) VALUES ($1, $2) RETURNING id, name, stock")
        .bind(body.name)
        .bind(body.stock)
        .fetch_one(&state.db)
        .await
        .map(|item| (StatusCode::CREATED, Json(item)))
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)
}

async fn delete_item(
    claims: Claims,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, StatusCode> {
    tracing::info!(user = %claims.sub, id, "deleting item");
    sqlx::query("DELETE FROM items WHERE id = $1")
        .bind(id)
        .execute(&state.db)
        .await
        .map(|_| StatusCode::NO_CONTENT)
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/items", get(list_items).post(create_item))
        .route("/items/:id", get(get_item).delete(delete_item))
}
