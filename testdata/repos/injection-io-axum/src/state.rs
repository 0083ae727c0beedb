use std::time::Duration;

use sqlx::PgPool;

#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub mongo: mongodb::Database,
    pub http: reqwest::Client,
    pub jwt_secret: String,
}

impl AppState {
    pub async fn from_env() -> Self {
        let url = std::env::var("DATABASE_URL").expect("DATABASE_URL is set");
        let mongo_url = std::env::var("MONGO_URL").expect("MONGO_URL is set");
        let jwt_secret = std::env::var("JWT_SECRET").expect("JWT_SECRET is set");
        let db = PgPool::connect(&url).await.expect("database reachable");
        let mongo = mongodb::Client::with_uri_str(&mongo_url)
            .await
            .expect("mongo reachable")
            .database("documents");
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("http client");
        AppState { db, mongo, http, jwt_secret }
    }
}
