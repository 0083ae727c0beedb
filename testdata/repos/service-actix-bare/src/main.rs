//! Library API: books, behind JWT auth.

mod auth;
mod books;

use actix_web::{middleware::Logger, web, App, HttpServer};
use sqlx::PgPool;

pub struct AppConfig {
    pub jwt_secret: String,
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL is set");
    let jwt_secret = std::env::var("JWT_SECRET").expect("JWT_SECRET is set");
    let pool = PgPool::connect(&url).await.expect("database reachable");
    let config = web::Data::new(AppConfig { jwt_secret });
    HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(pool.clone()))
            .app_data(config.clone())
            .wrap(Logger::default())
            .service(web::scope("/api").configure(books::config))
    })
    .bind(("0.0.0.0", 8080))?
    .run()
    .await
}
