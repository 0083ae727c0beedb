//! Admin handlers (Actix): diagnostics and e-mail previews.
use std::process::Command;

use actix_web::{get, post, web, HttpResponse};
use handlebars::Handlebars;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct Lookup {
    host: String,
}

#[derive(Deserialize)]
pub struct Email {
    template: String,
    name: String,
}

#[get("/dns")]
pub async fn dns(query: web::Query<Lookup>) -> HttpResponse {
    let mut cmd = Command::new("bash"); // expect: command-injection
    cmd.arg("-lc").arg(format!("dig +short {}", query.host));
    let bad = cmd.output();
    let good = Command::new("dig").arg("+short").arg("--").arg(&query.host).output();
    HttpResponse::Ok().body(format!("{:?} {:?}", bad.is_ok(), good.is_ok()))
}

#[post("/emails/preview")]
pub async fn preview(body: web::Json<Email>) -> HttpResponse {
    let hbs = Handlebars::new();
    let bad = hbs.render_template(&body.template, &serde_json::json!({})).unwrap_or_default(); // expect: template-injection
    let good = hbs
        .render_template("<p>Hello {{name}}</p>", &serde_json::json!({ "name": body.name }))
        .unwrap_or_default();
    HttpResponse::Ok().body(bad + &good)
}
