//! Users in MongoDB: per route the operator injection beside its idiomatic fix.
use axum::{
    extract::{Json, Query, State},
    http::StatusCode,
    routing::{get, post},
    Router,
};
use mongodb::bson::{doc, Document};
use serde::Deserialize;

use crate::auth::Claims;
use crate::state::AppState;

#[derive(Deserialize)]
struct Login {
    email: String,
}

#[derive(Deserialize)]
struct Scored {
    expr: String,
}

async fn search(_claims: Claims, State(state): State<AppState>, Json(filter): Json<Document>) -> Result<String, StatusCode> {
    let users = state.mongo.collection::<Document>("users");
    let found = users.count_documents(filter).await.map_err(|_| StatusCode::BAD_REQUEST)?; // expect: nosql-injection, unvalidated-request-body
    Ok(found.to_string())
}

async fn scored(_claims: Claims, State(state): State<AppState>, Query(q): Query<Scored>) -> Result<String, StatusCode> {
    let users = state.mongo.collection::<Document>("users");
    let found = users
        .count_documents(doc! { "$where": format!("this.score > {}", q.expr) }) // expect: nosql-injection
        .await
        .map_err(|_| StatusCode::BAD_REQUEST)?;
    Ok(found.to_string())
}

async fn lookup(_claims: Claims, State(state): State<AppState>, Json(login): Json<Login>) -> Result<String, StatusCode> {
    let users = state.mongo.collection::<Document>("users");
    let user = users
        .find_one(doc! { "email": &login.email })
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok(user.is_some().to_string())
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/users/search", post(search))
        .route("/users/scored", get(scored))
        .route("/users/lookup", post(lookup))
}
