//! Actix handlers for accounts, stored with SeaORM.

use actix_web::{post, put, web, HttpResponse};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set};
use serde::Deserialize;
use serde_json::Value;

use crate::entities::account;

#[derive(Deserialize)]
pub struct NewAccount {
    pub email: String,
    pub display_name: String,
}

// Bad: every column of the account comes from the client's JSON.
#[post("/accounts")]
async fn create_account(db: web::Data<DatabaseConnection>, body: web::Json<Value>) -> HttpResponse {
    let model = match account::ActiveModel::from_json(body.into_inner()) { // expect: mass-assignment
        Ok(model) => model,
        Err(_) => return HttpResponse::BadRequest().finish(),
    };
    match model.insert(db.get_ref()).await {
        Ok(saved) => HttpResponse::Created().json(saved.id),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

// Fix: a typed input struct; the ActiveModel is built field by field.
#[put("/v2/accounts")]
async fn create_account_v2(db: web::Data<DatabaseConnection>, body: web::Json<NewAccount>) -> HttpResponse {
    let input = body.into_inner();
    let model = account::ActiveModel {
        email: Set(input.email),
        display_name: Set(input.display_name),
        ..Default::default()
    };
    match model.insert(db.get_ref()).await {
        Ok(saved) => HttpResponse::Created().json(saved.id),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}
