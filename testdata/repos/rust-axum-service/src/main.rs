use std::time::Duration;

use axum::routing::get;
use axum::Router;

mod config;
mod handlers;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = config::load("/etc/catalog/config.toml")?;
    let pool = sqlx::PgPool::connect(&config.database_url).await?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .danger_accept_invalid_certs(config.insecure_upstreams)
        .build()?;
    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .merge(handlers::routes(pool, http));
    let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
    axum::serve(listener, app).await?;
    Ok(())
}
