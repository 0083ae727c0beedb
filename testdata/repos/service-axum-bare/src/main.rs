mod api;
mod auth;
mod state;

use axum::Router;
use tower_http::trace::TraceLayer;

use crate::state::AppState;

#[tokio::main]
async fn main() {
    let state = AppState::from_env().await;
    let app = Router::new()
        .nest("/api", api::routes())
        .layer(TraceLayer::new_for_http())
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("0.0.0.0:3000")
        .await
        .expect("port 3000 is free");
    axum::serve(listener, app).await.expect("server runs");
}
