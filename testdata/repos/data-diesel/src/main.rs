//! Blog API: users and their posts, Diesel on PostgreSQL.

mod schema;

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::pooled_connection::bb8::Pool;
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use tower_governor::{governor::GovernorConfigBuilder, GovernorLayer};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::schema::{posts, users};

type DbPool = Pool<AsyncPgConnection>;

#[derive(Queryable, Selectable, Serialize)]
#[diesel(table_name = users)]
struct User {
    id: i32,
    email: String,
    display_name: String,
}

#[derive(Queryable, Selectable, Serialize)]
#[diesel(table_name = posts)]
struct Post {
    id: i64,
    author_id: i32,
    title: String,
    published_at: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
struct Page {
    limit: Option<i64>,
}

fn internal<E: std::fmt::Display>(_: E) -> StatusCode {
    StatusCode::INTERNAL_SERVER_ERROR
}

async fn user_by_email(State(pool): State<DbPool>, Path(email): Path<String>) -> Result<Json<User>, StatusCode> {
    let mut conn = pool.get().await.map_err(internal)?;
    users::table
        .filter(users::email.eq(&email))
        .select(User::as_select())
        .first(&mut conn)
        .await
        .optional()
        .map_err(internal)?
        .map(Json)
        .ok_or(StatusCode::NOT_FOUND)
}

async fn posts_by_author(
    State(pool): State<DbPool>,
    Path(author): Path<i32>,
    Query(page): Query<Page>,
) -> Result<Json<Vec<Post>>, StatusCode> {
    let mut conn = pool.get().await.map_err(internal)?;
    posts::table // expect: query-on-unindexed-column
        .filter(posts::author_id.eq(author))
        .select(Post::as_select())
        .limit(page.limit.unwrap_or(20).clamp(1, 100))
        .load(&mut conn)
        .await
        .map(Json)
        .map_err(internal)
}

async fn published_posts(State(pool): State<DbPool>, Query(page): Query<Page>) -> Result<Json<Vec<Post>>, StatusCode> {
    let mut conn = pool.get().await.map_err(internal)?;
    posts::table // expect: query-on-unindexed-column
        .filter(posts::published.eq(true))
        .order(posts::published_at.desc())
        .select(Post::as_select())
        .limit(page.limit.unwrap_or(20).clamp(1, 100))
        .load(&mut conn)
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
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new(url);
    let pool: DbPool = Pool::builder().max_size(10).build(manager).await.expect("database reachable");
    let governor = Arc::new(
        GovernorConfigBuilder::default()
            .per_second(2)
            .burst_size(20)
            .finish()
            .expect("valid rate limit"),
    );
    let api = Router::new()
        .route("/users/:email", get(user_by_email))
        .route("/users/:id/posts", get(posts_by_author))
        .route("/posts", get(published_posts));
    let app = Router::new()
        .route("/healthz", get(health))
        .nest("/api/v1", api)
        .layer(GovernorLayer { config: governor })
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .with_state(pool);
    let listener = tokio::net::TcpListener::bind("0.0.0.0:8080")
        .await
        .expect("port 8080 is free");
    axum::serve(listener, app).await.expect("server runs");
}
