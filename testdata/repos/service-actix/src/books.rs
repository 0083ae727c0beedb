use actix_web::{delete, get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use crate::auth::AuthUser;

#[derive(Debug, Deserialize)]
pub struct Pagination {
    pub limit: Option<i64>,
    pub page: Option<i64>,
}

#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct Book {
    pub id: i64,
    pub title: String,
}

#[derive(Debug, Deserialize)]
pub struct NewBook {
    pub title: String,
}

#[get("/books")]
pub async fn list_books(query: web::Query<Pagination>, pool: web::Data<PgPool>) -> HttpResponse {
    let limit = query.limit.unwrap_or(20).clamp(1, 100);
    let offset = (query.page.unwrap_or(1).max(1) - 1) * limit;
    let rows = sqlx::query_as::<_, Book>("SELECT id, title FROM books ORDER BY id LIMIT $1 OFFSET $2")
        .bind(limit)
        .bind(offset)
        .fetch_all(pool.get_ref())
        .await;
    match rows {
        Ok(rows) => HttpResponse::Ok().json(rows),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

#[post("/books")]
pub async fn create_book(user: AuthUser, body: web::Json<NewBook>, pool: web::Data<PgPool>) -> HttpResponse {
    log::info!("{} creates a book", user.sub);
    let row = sqlx::query_as::<_, Book>("INSERT INTO books (title) VALUES ($1) RETURNING id, title")
        .bind(&body.title)
        .fetch_one(pool.get_ref())
        .await;
    match row {
        Ok(book) => HttpResponse::Created().json(book),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

#[delete("/books/{id}")]
pub async fn delete_book(user: AuthUser, path: web::Path<i64>, pool: web::Data<PgPool>) -> HttpResponse {
    log::info!("{} deletes a book", user.sub);
    let done = sqlx::query("DELETE FROM books WHERE id = $1")
        .bind(path.into_inner())
        .execute(pool.get_ref())
        .await;
    match done {
        Ok(_) => HttpResponse::NoContent().finish(),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(list_books)
        .service(create_book)
        .service(delete_book);
}
