//! Notes API.

#[macro_use]
extern crate rocket;

mod auth;
mod health;
mod notes;

use rocket::shield::Shield;
use sqlx::PgPool;

#[launch]
async fn rocket() -> _ {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL is set");
    let pool = PgPool::connect(&url).await.expect("database reachable");
    rocket::build()
        .manage(pool)
        .attach(Shield::default())
        .mount("/", routes![health::healthz])
        .mount("/api/v1/notes", notes::routes())
}
