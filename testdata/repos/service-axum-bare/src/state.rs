use sqlx::PgPool;

#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub jwt_secret: String,
}

impl AppState {
    pub async fn from_env() -> Self {
        let url = std::env::var("DATABASE_URL").expect("DATABASE_URL is set");
        let jwt_secret = std::env::var("JWT_SECRET").expect("JWT_SECRET is set");
        let db = PgPool::connect(&url).await.expect("database reachable");
        AppState { db, jwt_secret }
    }
}
