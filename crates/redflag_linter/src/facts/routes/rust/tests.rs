//! Route facts of Axum, Actix-web and Rocket snippets.

use crate::facts::routes::facts_of;
use crate::facts::service::*;

fn dump(facts: &ServiceFacts) {
    for r in &facts.routers {
        eprintln!("ROUTER {} app={} prefix={:?} {:?}", r.name, r.is_app, r.prefix, r.framework);
    }
    for r in &facts.routes {
        eprintln!("ROUTE {:?} {:?} {} {:?} m={:?} s={:?} p={:?} reads={:?}", r.router, r.methods, r.path, r.handler, r.markers, r.status, r.params, r.collection_reads);
    }
    for m in &facts.mounts {
        eprintln!("MOUNT {} {:?} {:?} m={:?}", m.parent, m.prefix, m.child, m.markers);
    }
    for m in &facts.middleware {
        eprintln!("MW {} {}", m.router, m.name);
    }
    for h in &facts.handlers {
        eprintln!("HANDLER {} {:?}", h.name, h.markers);
    }
    for s in &facts.signals {
        eprintln!("SIGNAL {:?} {}", s.kind, s.detail);
    }
}

#[test]
fn smoke() {
    let f = facts_of("src/main.rs", r#"
use axum::{routing::get, Router};
use tower_http::cors::CorsLayer;
mod users;
use crate::api::orders;

#[derive(Deserialize)]
struct Pagination { limit: Option<u32>, page: Option<u32> }

async fn list_users(Query(p): Query<Pagination>, State(db): State<Db>) -> Json<Vec<User>> {
    let rows = sqlx::query_as::<_, User>("SELECT * FROM users").fetch_all(&db).await.unwrap();
    Json(rows)
}

async fn create_user(claims: Claims, Json(body): Json<NewUser>) -> impl IntoResponse {
    (StatusCode::CREATED, Json(body))
}

fn api() -> Router<AppState> {
    let v1 = Router::new()
        .route("/users", get(list_users).post(create_user))
        .route_layer(middleware::from_fn(require_auth));
    Router::new().nest("/v1", v1).nest("/users", users::routes()).merge(orders::routes())
}

#[tokio::main]
async fn main() {
    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .nest("/api", api())
        .layer(ServiceBuilder::new().layer(TraceLayer::new_for_http()).layer(CorsLayer::permissive()));
    let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await.unwrap();
    axum::serve(listener, app).await.unwrap();
}
"#);
    dump(&f);
}
