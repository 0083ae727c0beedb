//! Link previews: per route the forgery beside its idiomatic fix.
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    routing::get,
    Router,
};
use serde::Deserialize;
use url::Url;

use crate::auth::Claims;
use crate::state::AppState;

const CATALOG_URL: &str = "https://catalog.internal.example.com";
const PREVIEW_HOSTS: &[&str] = &["images.example-cdn.com", "static.example.com"];

#[derive(Deserialize)]
struct Preview {
    url: String,
}

async fn preview(_claims: Claims, State(state): State<AppState>, Query(q): Query<Preview>) -> Result<String, StatusCode> {
    let response = state.http.get(&q.url).send().await.map_err(|_| StatusCode::BAD_GATEWAY)?; // expect: server-side-request-forgery
    response.text().await.map_err(|_| StatusCode::BAD_GATEWAY)
}

async fn preview_checked(_claims: Claims, State(state): State<AppState>, Query(q): Query<Preview>) -> Result<String, StatusCode> {
    let url = Url::parse(&q.url).map_err(|_| StatusCode::BAD_REQUEST)?;
    if url.scheme() != "https" || !PREVIEW_HOSTS.contains(&url.host_str().unwrap_or_default()) {
        return Err(StatusCode::BAD_REQUEST);
    }
    let response = state.http.get(url).send().await.map_err(|_| StatusCode::BAD_GATEWAY)?;
    response.text().await.map_err(|_| StatusCode::BAD_GATEWAY)
}

async fn product(_claims: Claims, State(state): State<AppState>, Path(sku): Path<String>) -> Result<String, StatusCode> {
    let url = format!("{CATALOG_URL}/products/{sku}");
    let response = state.http.get(url).send().await.map_err(|_| StatusCode::BAD_GATEWAY)?;
    response.text().await.map_err(|_| StatusCode::BAD_GATEWAY)
}

async fn tenant_status(_claims: Claims, State(state): State<AppState>, Path(tenant): Path<String>) -> Result<String, StatusCode> {
    let url = format!("http://{tenant}.tenants.internal:8080/status");
    let response = state.http.get(url).send().await.map_err(|_| StatusCode::BAD_GATEWAY)?; // expect: server-side-request-forgery
    response.text().await.map_err(|_| StatusCode::BAD_GATEWAY)
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/previews", get(preview))
        .route("/previews/checked", get(preview_checked))
        .route("/products/:sku", get(product))
        .route("/tenants/:tenant/status", get(tenant_status))
}
