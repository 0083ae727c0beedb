use axum::{extract::Path, routing::get, Router};
use axum_prometheus::PrometheusMetricLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};

async fn get_account(Path(id): Path<u64>) -> String {
    println!("get_account {id}"); // expect: print-in-service-code
    let token = session_token(id);
    tracing::info!(account = id, token = %token, "loaded"); // expect: secret-logged
    tracing::info!(account = id, token_len = token.len(), "loaded");
    format!("{{\"id\":{id}}}")
}

fn session_token(id: u64) -> String {
    format!("session-{id}")
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt().json().init();
    let (prometheus_layer, metric_handle) = PrometheusMetricLayer::pair();
    let app = Router::new()
        .route("/v1/accounts/:id", get(get_account))
        .route("/metrics", get(|| async move { metric_handle.render() }))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(prometheus_layer);
    let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await.unwrap();
    println!("listening on {}", listener.local_addr().unwrap());
    axum::serve(listener, app).await.unwrap();
}
