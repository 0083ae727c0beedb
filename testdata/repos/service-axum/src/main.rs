//! Inventory API: items and their stock, behind JWT auth.

mod api;
mod auth;
mod state;

use std::sync::Arc;

use axum::{http::header, http::HeaderValue, routing::get, Router};
use tower_governor::{governor::GovernorConfigBuilder, GovernorLayer};
use metrics_exporter_prometheus::PrometheusBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::{cors::CorsLayer, set_header::SetResponseHeaderLayer, trace::TraceLayer};

use crate::state::AppState;

async fn health() -> &'static str {
    "ok"
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt().json().with_current_span(true).init();
    // Serves Prometheus metrics on its own listener (0.0.0.0:9000).
    PrometheusBuilder::new().install().expect("metrics exporter starts");
    let state = AppState::from_env().await;
    let governor = Arc::new(
        GovernorConfigBuilder::default()
            .per_second(2)
            .burst_size(20)
            .finish()
            .expect("valid rate limit"),
    );
    let cors = CorsLayer::new().allow_origin(HeaderValue::from_static("https://shop.example.com"));
    let app = Router::new()
        .route("/healthz", get(health))
        .nest("/api/v1", api::routes())
        .layer(GovernorLayer { config: governor })
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(cors)
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("0.0.0.0:3000")
        .await
        .expect("port 3000 is free");
    axum::serve(listener, app).await.expect("server runs");
}
