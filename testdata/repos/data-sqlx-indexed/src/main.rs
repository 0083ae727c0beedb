//! Billing API: accounts and their invoices, sqlx on PostgreSQL.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use tower_governor::{governor::GovernorConfigBuilder, GovernorLayer};
use tower_http::set_header::SetResponseHeaderLayer;

#[derive(Serialize, sqlx::FromRow)]
struct Account {
    id: i64,
    email: String,
    username: String,
}

#[derive(Serialize, sqlx::FromRow)]
struct Invoice {
    id: i64,
    amount_cents: i64,
    state: String,
}

#[derive(Deserialize)]
struct Page {
    limit: Option<i64>,
}

fn internal<E: std::fmt::Display>(_: E) -> StatusCode {
    StatusCode::INTERNAL_SERVER_ERROR
}

async fn account_by_email(State(pool): State<PgPool>, Path(email): Path<String>) -> Result<Json<Account>, StatusCode> {
    sqlx::query_as!(Account, "SELECT id, email, username FROM accounts WHERE email = $1", email)
        .fetch_optional(&pool)
        .await
        .map_err(internal)?
        .map(Json)
        .ok_or(StatusCode::NOT_FOUND)
}

async fn account_by_username(State(pool): State<PgPool>, Path(name): Path<String>) -> Result<Json<Account>, StatusCode> {
    sqlx::query_as::<_, Account>("SELECT id, email, username FROM accounts WHERE username = $1")
        .bind(name)
        .fetch_optional(&pool)
        .await
        .map_err(internal)?
        .map(Json)
        .ok_or(StatusCode::NOT_FOUND)
}

async fn invoices_of(
    State(pool): State<PgPool>,
    Path(email): Path<String>,
    Query(page): Query<Page>,
) -> Result<Json<Vec<Invoice>>, StatusCode> {
    let sql = "SELECT i.id, i.amount_cents, i.state FROM invoices i \
               JOIN accounts a ON a.id = i.account_id \
               WHERE a.email = $1 ORDER BY i.issued_at DESC LIMIT $2";
    sqlx::query_as::<_, Invoice>(sql)
        .bind(email)
        .bind(page.limit.unwrap_or(20).clamp(1, 100))
        .fetch_all(&pool)
        .await
        .map(Json)
        .map_err(internal)
}

async fn overdue(State(pool): State<PgPool>, Query(page): Query<Page>) -> Result<Json<Vec<Invoice>>, StatusCode> {
    sqlx::query_as::<_, Invoice>("SELECT id, amount_cents, state FROM invoices WHERE state = 'overdue' LIMIT $1")
        .bind(page.limit.unwrap_or(50).clamp(1, 200))
        .fetch_all(&pool)
        .await
        .map(Json)
        .map_err(internal)
}

async fn health() -> &'static str {
    "ok"
}

#[tokio::main]
async fn main() {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL is set");
    let pool = PgPoolOptions::new()
        .max_connections(10)
        .connect(&url)
        .await
        .expect("database reachable");
    let governor = Arc::new(
        GovernorConfigBuilder::default()
            .per_second(2)
            .burst_size(20)
            .finish()
            .expect("valid rate limit"),
    );
    let api = Router::new()
        .route("/accounts/by-email/:email", get(account_by_email))
        .route("/accounts/by-username/:name", get(account_by_username))
        .route("/accounts/:email/invoices", get(invoices_of))
        .route("/invoices/overdue", get(overdue));
    let app = Router::new()
        .route("/healthz", get(health))
        .nest("/api/v1", api)
        .layer(GovernorLayer { config: governor })
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .with_state(pool);
    let listener = tokio::net::TcpListener::bind("0.0.0.0:8080")
        .await
        .expect("port 8080 is free");
    axum::serve(listener, app).await.expect("server runs");
}
