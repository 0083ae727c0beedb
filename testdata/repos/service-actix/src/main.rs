//! Library API: books, behind JWT auth.

mod auth;
mod books;

use actix_governor::{Governor, GovernorConfigBuilder};
use actix_web::{get, middleware::{DefaultHeaders, Logger}, web, App, HttpResponse, HttpServer};
use sqlx::PgPool;

pub struct AppConfig {
    pub jwt_secret: String,
}

#[get("/healthz")]
async fn health() -> HttpResponse {
    HttpResponse::Ok().body("ok")
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL is set");
    let jwt_secret = std::env::var("JWT_SECRET").expect("JWT_SECRET is set");
    let pool = PgPool::connect(&url).await.expect("database reachable");
    let config = web::Data::new(AppConfig { jwt_secret });
    let governor_conf = GovernorConfigBuilder::default()
        .per_second(2)
        .burst_size(20)
        .finish()
        .expect("valid rate limit");
    HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(pool.clone()))
            .app_data(config.clone())
            .wrap(Logger::default())
            .wrap(
                DefaultHeaders::new()
                    .add(("X-Content-Type-Options", "nosniff"))
                    .add(("X-Frame-Options", "DENY")),
            )
            .wrap(Governor::new(&governor_conf))
            .service(health)
            .service(web::scope("/api/v1").configure(books::config))
    })
    .bind(("0.0.0.0", 8080))?
    .run()
    .await
}
