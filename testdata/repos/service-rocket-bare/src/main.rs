//! Notes API.

#[macro_use]
extern crate rocket;

mod auth;
mod notes;

use sqlx::PgPool;

#[launch]
async fn rocket() -> _ {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL is set");
    let pool = PgPool::connect(&url).await.expect("database reachable");
    rocket::build()
        .manage(pool)
        .mount("/notes", notes::routes())
}
