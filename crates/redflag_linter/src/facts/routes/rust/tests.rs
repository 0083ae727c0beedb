//! Route facts of Axum, Actix-web and Rocket snippets, asserted exactly.
//!
//! Facts are compared as one-line summaries so that each test shows the
//! whole of what a snippet says: `router|METHODS|path|handler|markers|
//! status|params|reads` for routes, `parent|prefix|child|markers` for
//! mounts.

use crate::facts::routes::facts_of;
use crate::facts::service::{Framework, ServiceFacts, SignalKind, Target};

fn routes(facts: &ServiceFacts) -> Vec<String> {
    facts
        .routes
        .iter()
        .map(|r| {
            format!(
                "{}|{}|{}|{}|{}|{}|{}|{}",
                r.router.as_deref().unwrap_or("-"),
                r.methods.join(","),
                r.path,
                r.handler.as_deref().unwrap_or("-"),
                r.markers.join(";"),
                r.status.map_or("-".to_string(), |s| s.to_string()),
                r.params.join(","),
                r.collection_reads.join(","),
            )
        })
        .collect()
}

fn target(t: &Target) -> String {
    match t {
        Target::Local(name) => format!("Local({name})"),
        Target::Imported { module, name } => {
            format!("Imported({module}, {})", name.as_deref().unwrap_or("-"))
        }
    }
}

fn mounts(facts: &ServiceFacts) -> Vec<String> {
    facts
        .mounts
        .iter()
        .map(|m| {
            format!(
                "{}|{}|{}|{}",
                m.parent,
                m.prefix,
                target(&m.child),
                m.markers.join(";")
            )
        })
        .collect()
}

fn routers(facts: &ServiceFacts) -> Vec<String> {
    facts
        .routers
        .iter()
        .map(|r| {
            let app = if r.is_app { "app" } else { "router" };
            format!("{}|{app}|{}", r.name, r.prefix)
        })
        .collect()
}

fn middleware(facts: &ServiceFacts) -> Vec<String> {
    facts
        .middleware
        .iter()
        .map(|m| format!("{}|{}", m.router, m.name))
        .collect()
}

fn handlers(facts: &ServiceFacts) -> Vec<String> {
    facts
        .handlers
        .iter()
        .map(|h| format!("{}|{}", h.name, h.markers.join(";")))
        .collect()
}

fn signals(facts: &ServiceFacts) -> Vec<String> {
    facts
        .signals
        .iter()
        .map(|s| format!("{:?}|{}", s.kind, s.detail))
        .collect()
}

// ---- Axum -------------------------------------------------------------------

const AXUM_API: &str = r#"
use axum::{middleware, routing::get, Router};
use crate::api::orders;
mod users;

async fn list_items(Query(page): Query<Pagination>, State(db): State<Db>) -> Json<Vec<Item>> {
    let rows = sqlx::query_as::<_, Item>("SELECT * FROM items").fetch_all(&db).await.unwrap();
    Json(rows)
}

async fn create_item(claims: Claims, Json(body): Json<NewItem>) -> impl IntoResponse {
    (StatusCode::CREATED, Json(body))
}

#[derive(Deserialize)]
struct Pagination {
    limit: Option<u32>,
    page: Option<u32>,
}

pub fn routes() -> Router<AppState> {
    let items = Router::new()
        .route("/items", get(list_items).post(create_item))
        .route_layer(middleware::from_fn(require_auth));
    Router::new()
        .nest("/v1", items)
        .nest("/users", users::routes())
        .merge(orders::routes())
}
"#;

#[test]
fn axum_router_is_named_after_its_function_and_mounts_local_and_imported_routers() {
    let facts = facts_of("src/api.rs", AXUM_API);
    assert_eq!(
        routers(&facts),
        ["<router:22>|router|", "routes|router|"],
        "the returned router takes the function's name; the local one keeps a synthetic name"
    );
    assert!(facts.routers.iter().all(|r| r.framework == Framework::Axum));
    assert_eq!(
        routes(&facts),
        [
            "<router:22>|GET|/items|list_items|middleware::from_fn(require_auth)|-|Pagination,limit,page|fetch_all",
            "<router:22>|POST|/items|create_item|Claims;middleware::from_fn(require_auth)|201||",
        ]
    );
    assert_eq!(
        mounts(&facts),
        [
            "routes|/v1|Local(<router:22>)|",
            "routes|/users|Imported(users, routes)|",
            "routes||Imported(crate::api::orders, routes)|",
        ]
    );
    assert_eq!(handlers(&facts), ["create_item|Claims"]);
    assert!(facts.middleware.is_empty());
}

#[test]
fn axum_main_serves_the_app_and_layers_mark_the_routes_before_them() {
    let facts = facts_of(
        "src/main.rs",
        r#"
use axum::{routing::{get, post}, Router};
use tower_http::{cors::CorsLayer, set_header::SetResponseHeaderLayer, trace::TraceLayer};

mod api;

#[tokio::main]
async fn main() {
    let cors = CorsLayer::permissive();
    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .nest("/api", api::routes())
        .layer(
            ServiceBuilder::new()
                .layer(TraceLayer::new_for_http())
                .layer(cors),
        )
        .route("/metrics", get(metrics));
    let app = app.layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")));
    let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await.unwrap();
    axum::serve(listener, app).await.unwrap();
}
"#,
    );
    assert_eq!(routers(&facts), ["main|app|"]);
    let frame = "SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static(\"DENY\"))";
    assert_eq!(
        routes(&facts),
        [
            format!("main|GET|/healthz|-|TraceLayer::new_for_http();CorsLayer::permissive();{frame}|-||"),
            format!("main|GET|/metrics|metrics|{frame}|-||"),
        ]
    );
    assert_eq!(
        mounts(&facts),
        [format!(
            "main|/api|Imported(api, routes)|TraceLayer::new_for_http();CorsLayer::permissive();{frame}"
        )]
    );
    assert_eq!(
        middleware(&facts),
        [
            "main|TraceLayer::new_for_http()".to_string(),
            "main|CorsLayer::permissive()".to_string(),
            format!("main|{frame}"),
        ]
    );
    assert_eq!(
        signals(&facts),
        [
            "Cors|CorsLayer::permissive()",
            "PermissiveCors|CorsLayer::permissive()"
        ]
    );
}

#[test]
fn axum_serving_a_router_built_elsewhere_mounts_it_on_the_app() {
    let facts = facts_of(
        "src/main.rs",
        r#"
use axum::Router;
use crate::routes::build_router;

fn app(state: AppState) -> Router {
    Router::new().nest("/api/v1", crate::api::routes()).with_state(state)
}

#[tokio::main]
async fn main() {
    let app = app(state);
    axum::serve(listener, app.into_make_service()).await.unwrap();
}

async fn other() {
    let router = build_router();
    axum::Server::bind(&addr).serve(router.into_make_service()).await.unwrap();
}
"#,
    );
    assert_eq!(routers(&facts), ["app|router|", "main|app|", "other|app|"]);
    assert_eq!(
        mounts(&facts),
        [
            "app|/api/v1|Imported(crate::api, routes)|",
            "main||Local(app)|",
            "other||Imported(crate::routes, build_router)|",
        ]
    );
}

#[test]
fn axum_method_routers_in_every_form() {
    let facts = facts_of(
        "src/routes.rs",
        r#"
use axum::{routing::{any, get, on, MethodFilter}, Router};

pub fn router() -> Router {
    Router::new()
        .route("/a", on(MethodFilter::GET.or(MethodFilter::POST), a))
        .route("/b", any(handlers::b))
        .route("/c", get(c).layer(RequireAuthorizationLayer::bearer("t")).delete(d))
        .route("/e", get(e.layer(ConcurrencyLimitLayer::new(5))))
        .route(USERS, axum::routing::put(update_user))
        .route_service("/static", ServeDir::new("static"))
}

const USERS: &str = "/users/:id";
"#,
    );
    assert_eq!(
        routes(&facts),
        [
            "router|GET,POST|/a|a||-||",
            "router|ANY|/b|handlers::b||-||",
            "router|GET|/c|c|RequireAuthorizationLayer::bearer(\"t\")|-||",
            "router|DELETE|/c|d||-||",
            "router|GET|/e|e|ConcurrencyLimitLayer::new(5)|-||",
            "router|PUT|/users/:id|update_user||-||",
            "router|ANY|/static|-||-||",
        ]
    );
}

#[test]
fn axum_handler_bodies_give_status_params_and_unbounded_reads() {
    let facts = facts_of(
        "src/main.rs",
        r#"
use axum::{routing::get, Router};

async fn all_posts(State(pool): State<PgPool>) -> Json<Vec<Post>> {
    let posts = posts::table.load::<Post>(&mut conn).unwrap();
    Json(posts)
}

async fn page_posts(Query(q): Query<HashMap<String, String>>, State(pool): State<PgPool>) -> Json<Vec<Post>> {
    let posts = sqlx::query_as!(Post, "SELECT * FROM posts LIMIT $1", 20).fetch_all(&pool).await.unwrap();
    Json(posts)
}

async fn remove(Path(id): Path<i64>, _admin: AdminUser) -> StatusCode {
    if id == 0 {
        return StatusCode::NOT_FOUND;
    }
    StatusCode::NO_CONTENT
}

fn app() -> Router {
    Router::new()
        .route("/posts", get(all_posts))
        .route("/posts/page", get(page_posts))
        .route("/posts/:id", axum::routing::delete(remove))
}
"#,
    );
    assert_eq!(
        routes(&facts),
        [
            "app|GET|/posts|all_posts||-||posts::table.load",
            "app|GET|/posts/page|page_posts||-|HashMap<String, String>|",
            "app|DELETE|/posts/:id|remove|AdminUser|204||",
        ]
    );
    assert_eq!(handlers(&facts), ["remove|AdminUser"]);
}

#[test]
fn axum_handlers_in_their_own_file_carry_their_guards() {
    let facts = facts_of(
        "src/handlers.rs",
        r"
use axum::{extract::{Path, State}, Json};

pub async fn update(user: AuthUser, Path(id): Path<u64>, Json(body): Json<Update>) -> impl IntoResponse {
    StatusCode::OK
}

pub async fn public(State(db): State<Db>) -> Json<Vec<Item>> {
    Json(vec![])
}

async fn helper(pool: &PgPool, id: i64) -> Result<Item, Error> {
    todo!()
}
",
    );
    assert_eq!(handlers(&facts), ["update|AuthUser"]);
    assert!(facts.routes.is_empty());
}

#[test]
fn cors_and_openapi_signals() {
    let facts = facts_of(
        "src/main.rs",
        r#"
use axum::Router;
use tower_http::cors::{Any, CorsLayer};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(paths(list))]
struct ApiDoc;

fn cors() -> CorsLayer {
    CorsLayer::new().allow_origin(Any).allow_credentials(true)
}

fn strict() -> CorsLayer {
    CorsLayer::new().allow_origin("https://app.example.com".parse::<HeaderValue>().unwrap())
}

fn docs() -> Router {
    Router::new().merge(SwaggerUi::new("/docs").url("/openapi.json", ApiDoc::openapi()))
}
"#,
    );
    assert_eq!(
        signals(&facts),
        [
            "OpenApiGenerator|derive(OpenApi)",
            "Cors|CorsLayer::new().allow_origin(Any).allow_credentials(true)",
            "PermissiveCors|CorsLayer::new().allow_origin(Any).allow_credentials(true)",
            "Cors|CorsLayer::new().allow_origin(\"https://app.example.com\".parse::<HeaderValue>().unwrap())",
            "OpenApiGenerator|SwaggerUi::new(\"/docs\")",
        ]
    );
    // A service object is not a router of the project.
    assert_eq!(mounts(&facts), ["docs||Imported(SwaggerUi, new)|"]);
}

// ---- Actix-web ----------------------------------------------------------------

#[test]
fn actix_attribute_routes_and_their_handlers() {
    let facts = facts_of(
        "src/handlers.rs",
        r#"
use actix_web::{delete, get, post, route, web, HttpResponse, Responder};

#[derive(Deserialize)]
pub struct ListParams {
    pub limit: Option<i64>,
    pub page: Option<i64>,
}

#[get("/users")]
pub async fn list_users(params: web::Query<ListParams>, pool: web::Data<PgPool>) -> impl Responder {
    let users = sqlx::query_as::<_, User>("SELECT * FROM users").fetch_all(pool.get_ref()).await;
    HttpResponse::Ok().json(users)
}

#[post("/users", wrap = "HttpAuthentication::bearer(validator)")]
pub async fn create_user(body: web::Json<NewUser>) -> impl Responder {
    HttpResponse::Created().json(body.into_inner())
}

#[delete("/users/{id}")]
#[protect("ROLE_ADMIN")]
pub async fn delete_user(path: web::Path<u64>, claims: Claims) -> HttpResponse {
    HttpResponse::NoContent().finish()
}

#[route("/ping", method = "GET", method = "HEAD")]
async fn ping() -> &'static str {
    "pong"
}
"#,
    );
    assert_eq!(
        routes(&facts),
        [
            "-|GET|/users|list_users||200|ListParams,limit,page|fetch_all",
            "-|POST|/users|create_user|HttpAuthentication::bearer(validator)|201||",
            "-|DELETE|/users/{id}|delete_user|protect(\"ROLE_ADMIN\");Claims|204||",
            "-|GET,HEAD|/ping|ping||-||",
        ]
    );
    assert!(facts
        .routes
        .iter()
        .all(|r| r.framework == Framework::ActixWeb));
    assert_eq!(
        handlers(&facts),
        [
            "create_user|HttpAuthentication::bearer(validator)",
            "delete_user|protect(\"ROLE_ADMIN\");Claims",
        ]
    );
}

#[test]
fn actix_app_scopes_resources_and_configure() {
    let facts = facts_of(
        "src/main.rs",
        r#"
use actix_cors::Cors;
use actix_web::{middleware::Logger, web, App, HttpResponse, HttpServer};
use crate::users::config as users_config;

mod handlers;

async fn health() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn items(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/items").route(web::get().to(handlers::list_items)));
    cfg.route("/items/{id}", web::delete().to(handlers::delete_item));
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    HttpServer::new(move || {
        let cors = Cors::permissive();
        App::new()
            .wrap(Logger::default())
            .wrap(cors)
            .route("/health", web::get().to(health))
            .service(handlers::index)
            .service(
                web::scope("/api/v1")
                    .wrap(Governor::new(&governor_conf))
                    .service(
                        web::resource("/orders")
                            .wrap(HttpAuthentication::bearer(validator))
                            .route(web::get().to(handlers::list_orders))
                            .route(web::post().to(handlers::create_order)),
                    )
                    .configure(items)
                    .configure(users_config),
            )
            .service(Files::new("/static", "./static"))
    })
    .bind(("0.0.0.0", 8080))?
    .run()
    .await
}
"#,
    );
    assert_eq!(
        routers(&facts),
        [
            "items|router|",
            "<app:21>|app|",
            "<scope:27>|router|/api/v1"
        ]
    );
    assert_eq!(
        routes(&facts),
        [
            "items|GET|/items|handlers::list_items||-||",
            "items|DELETE|/items/{id}|handlers::delete_item||-||",
            "<app:21>|GET|/health|health||200||",
            "<scope:27>|GET|/orders|handlers::list_orders|HttpAuthentication::bearer(validator)|-||",
            "<scope:27>|POST|/orders|handlers::create_order|HttpAuthentication::bearer(validator)|-||",
        ]
    );
    assert_eq!(
        mounts(&facts),
        [
            "<app:21>||Imported(handlers, index)|",
            "<scope:27>||Local(items)|",
            "<scope:27>||Imported(crate::users, config)|",
            "<app:21>||Local(<scope:27>)|",
        ]
    );
    assert_eq!(
        middleware(&facts),
        [
            "<app:21>|Logger::default()",
            "<app:21>|Cors::permissive()",
            "<scope:27>|Governor::new(&governor_conf)",
        ]
    );
    assert_eq!(
        signals(&facts),
        [
            "Cors|Cors::permissive()",
            "PermissiveCors|Cors::permissive()"
        ]
    );
}

#[test]
fn actix_scope_returned_by_a_function_takes_its_name() {
    let facts = facts_of(
        "src/users.rs",
        r#"
use actix_web::{web, Scope};

pub fn routes() -> Scope {
    web::scope("/users").service(list).service(get_one)
}
"#,
    );
    assert_eq!(routers(&facts), ["routes|router|/users"]);
    assert_eq!(
        mounts(&facts),
        ["routes||Local(list)|", "routes||Local(get_one)|"]
    );
}

// ---- Rocket -------------------------------------------------------------------

#[test]
fn rocket_attribute_routes_guards_and_query_params() {
    let facts = facts_of(
        "src/users.rs",
        r#"
use rocket::serde::json::Json;
use rocket::response::status;

#[get("/?<limit>&<page>")]
pub async fn list(limit: Option<u32>, page: Option<u32>, db: &State<Db>) -> Json<Vec<User>> {
    todo!()
}

#[get("/<id>")]
pub fn get_one(id: u64, key: ApiKey) -> Option<Json<User>> {
    todo!()
}

#[post("/", format = "json", data = "<body>")]
pub async fn create(body: Json<NewUser>, _admin: AdminUser) -> status::Created<Json<User>> {
    todo!()
}

pub fn routes() -> Vec<rocket::Route> {
    routes![list, get_one, create]
}
"#,
    );
    assert_eq!(
        routes(&facts),
        [
            "-|GET|/|list||-|limit,page|",
            "-|GET|/<id>|get_one|ApiKey|-||",
            "-|POST|/|create|AdminUser|201||",
        ]
    );
    assert!(facts
        .routes
        .iter()
        .all(|r| r.framework == Framework::Rocket));
    assert_eq!(routers(&facts), ["routes|router|"]);
    assert_eq!(
        mounts(&facts),
        [
            "routes||Local(list)|",
            "routes||Local(get_one)|",
            "routes||Local(create)|"
        ]
    );
    assert_eq!(handlers(&facts), ["get_one|ApiKey", "create|AdminUser"]);
}

#[test]
fn rocket_launch_mounts_each_handler_and_attaches_fairings() {
    let facts = facts_of(
        "src/main.rs",
        r#"
#[macro_use]
extern crate rocket;

use rocket::shield::Shield;
mod users;
use crate::orders::list_orders;

#[get("/health")]
fn health() -> &'static str {
    "ok"
}

#[launch]
fn rocket() -> _ {
    rocket::build()
        .attach(Shield::default())
        .attach(RateLimiter::fairing())
        .mount("/", routes![health])
        .mount("/api/v1", routes![users::list, list_orders])
        .mount("/api/v1/users", users::routes())
}
"#,
    );
    assert_eq!(routers(&facts), ["<rocket:16>|app|"]);
    assert_eq!(routes(&facts), ["-|GET|/health|health||-||"]);
    assert_eq!(
        mounts(&facts),
        [
            "<rocket:16>|/|Local(health)|",
            "<rocket:16>|/api/v1|Imported(users, list)|",
            "<rocket:16>|/api/v1|Imported(crate::orders, list_orders)|",
            "<rocket:16>|/api/v1/users|Imported(users, routes)|",
        ]
    );
    assert_eq!(
        middleware(&facts),
        [
            "<rocket:16>|Shield::default()",
            "<rocket:16>|RateLimiter::fairing()"
        ]
    );
}

// ---- What is not a route ------------------------------------------------------

#[test]
fn http_clients_and_maps_are_not_routes() {
    let facts = facts_of(
        "src/client.rs",
        r#"
use axum::Router;
use std::collections::HashMap;

async fn fetch(client: reqwest::Client, url: &str, map: HashMap<String, String>) {
    let body = reqwest::get(url).await.unwrap();
    let resp = client.get(url).send().await.unwrap();
    let posted = client.post("/x").json(&body).send().await.unwrap();
    let value = map.get("/x");
    let router = HashMap::new();
    router.get("/users");
}

#[get("users")]
fn not_a_route() {}
"#,
    );
    assert!(facts.routes.is_empty(), "{:?}", routes(&facts));
    assert!(facts.routers.is_empty());
    assert!(facts.mounts.is_empty());
    assert_eq!(facts.imports, ["axum::Router", "std::collections::HashMap"]);
}

#[test]
fn a_test_module_app_is_still_read() {
    let facts = facts_of(
        "src/main.rs",
        r"
use actix_web::{test, App};

#[actix_web::test]
async fn index_works() {
    let app = test::init_service(App::new().service(index)).await;
}
",
    );
    assert_eq!(routers(&facts), ["<app:6>|app|"]);
    assert_eq!(mounts(&facts), ["<app:6>||Local(index)|"]);
}

// ---- Hostile input ------------------------------------------------------------

#[test]
fn deep_chains_and_nesting_do_not_exhaust_the_stack() {
    // One link a line, as formatted code has them (a single 200 KB line
    // would be skipped as minified).
    let links = "\n    .layer(x)".repeat(20_000);
    let chain = format!("use axum::Router;\nfn main() {{ let app = Router::new(){links}; }}\n");
    let facts = facts_of("src/main.rs", &chain);
    assert_eq!(facts.middleware.len(), 20_000);

    let depth = 3_000;
    let nested = format!(
        "use axum::Router;\nfn main() {{ let app = {}Router::new(){}; }}\n",
        "Router::new().nest(\"/a\",\n".repeat(depth),
        ")".repeat(depth)
    );
    let facts = facts_of("src/main.rs", &nested);
    assert!(facts.mounts.len() <= super::MAX_NESTING + 2);

    let parens = format!(
        "use actix_web::App;\nfn main() {{ let app = {}App::new(){}; }}\n",
        "(".repeat(50_000),
        ")".repeat(50_000)
    );
    let facts = facts_of("src/main.rs", &parens);
    assert_eq!(facts.routers.len(), 1);
}

#[test]
fn synthetic_names_are_unique_in_the_file() {
    let facts = facts_of(
        "src/main.rs",
        "use actix_web::{web, App};\nfn main() { let a = App::new(); let b = App::new(); let (c, d) = (web::scope(\"/a\"), web::scope(\"/b\")); }\n",
    );
    let names: Vec<&str> = facts.routers.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        ["<app:2>", "<app:2:41>", "<scope:2>", "<scope:2:85>"]
    );
    assert!(facts.signals.iter().all(|s| s.kind != SignalKind::Cors));
}
