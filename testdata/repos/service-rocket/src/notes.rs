use rocket::http::Status;
use rocket::response::status;
use rocket::serde::json::Json;
use rocket::{delete, get, post, routes, Route, State};
use rocket_governor::{Method, Quota, RocketGovernable, RocketGovernor};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use crate::auth::AuthUser;

pub struct RateLimitGuard;

impl<'r> RocketGovernable<'r> for RateLimitGuard {
    fn quota(_method: Method, _route_name: &str) -> Quota {
        Quota::per_second(Self::nonzero(5))
    }
}

#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct Note {
    pub id: i64,
    pub body: String,
}

#[derive(Debug, Deserialize)]
pub struct NewNote {
    pub body: String,
}

#[get("/?<limit>&<page>")]
pub async fn list(limit: Option<i64>, page: Option<i64>, db: &State<PgPool>, _limit: RocketGovernor<'_, RateLimitGuard>) -> Result<Json<Vec<Note>>, Status> {
    let limit = limit.unwrap_or(20).clamp(1, 100);
    let offset = (page.unwrap_or(1).max(1) - 1) * limit;
    sqlx::query_as::<_, Note>("SELECT id, body FROM notes ORDER BY id LIMIT $1 OFFSET $2")
        .bind(limit)
        .bind(offset)
        .fetch_all(db.inner())
        .await
        .map(Json)
        .map_err(|_| Status::InternalServerError)
}

#[post("/", data = "<body>")]
pub async fn create(user: AuthUser, body: Json<NewNote>, db: &State<PgPool>) -> Result<status::Created<Json<Note>>, Status> {
    println!("{} creates a note", user.sub);
    let note = sqlx::query_as::<_, Note>("INSERT INTO notes (body) VALUES ($1) RETURNING id, body")
        .bind(&body.body)
        .fetch_one(db.inner())
        .await
        .map_err(|_| Status::InternalServerError)?;
    let location = format!("/notes/{}", note.id);
    Ok(status::Created::new(location).body(Json(note)))
}

#[delete("/<id>")]
pub async fn remove(id: i64, user: AuthUser, db: &State<PgPool>) -> Status {
    println!("{} deletes note {}", user.sub, id);
    match sqlx::query("DELETE FROM notes WHERE id = $1").bind(id).execute(db.inner()).await {
        Ok(_) => Status::NoContent,
        Err(_) => Status::InternalServerError,
    }
}

pub fn routes() -> Vec<Route> {
    routes![list, create, remove]
}
