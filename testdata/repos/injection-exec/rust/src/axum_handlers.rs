//! Media handlers (Axum): thumbnails, previews and pricing scripts.
use std::collections::HashMap;

use axum::extract::{Json, Path, Query};
use axum::response::Html;
use mlua::Lua;
use serde::Deserialize;
use tera::{Context, Tera};
use tokio::process::Command;

const GREETING: &str = "<h1>Hello {{ name }}!</h1>";
const PRICING: &str = "return function(total, percent) return total * (1 - percent / 100) end";

#[derive(Deserialize)]
pub struct Preview {
    template: String,
    title: String,
}

#[derive(Deserialize)]
pub struct Script {
    source: String,
    percent: f64,
}

pub async fn thumbnail(Query(params): Query<HashMap<String, String>>) -> String {
    let name = params.get("file").cloned().unwrap_or_default();
    let bad = Command::new("sh") // expect: command-injection
        .arg("-c")
        .arg(format!("convert uploads/{name} thumbs/{name}"))
        .output()
        .await;
    let good = Command::new("convert")
        .arg("--")
        .arg(format!("uploads/{name}"))
        .arg(format!("thumbs/{name}"))
        .output()
        .await;
    format!("{:?} {:?}", bad.is_ok(), good.is_ok())
}

pub async fn run_tool(Path(tool): Path<String>) -> String {
    let status = Command::new(&tool).status().await; // expect: command-injection
    let fixed = match tool.as_str() {
        "du" => Command::new("du").arg("-sh").arg("/srv").status().await,
        _ => Command::new("true").status().await,
    };
    format!("{status:?} {fixed:?}")
}

pub async fn report(Path(id): Path<u64>) -> String {
    // A number cannot carry shell syntax.
    let out = Command::new("sh").arg("-c").arg(format!("report --id {id}")).output().await;
    format!("{:?}", out.is_ok())
}

pub async fn greet(Query(params): Query<HashMap<String, String>>) -> Html<String> {
    let name = params.get("name").cloned().unwrap_or_default();
    let page = format!("<h1>Hello {name}!</h1>");
    let bad = Tera::one_off(&page, &Context::new(), true).unwrap_or_default(); // expect: template-injection
    let mut context = Context::new();
    context.insert("name", &name);
    let good = Tera::one_off(GREETING, &context, true).unwrap_or_default();
    Html(bad + &good)
}

pub async fn preview(Json(body): Json<Preview>) -> Html<String> {
    let mut tera = Tera::default();
    let bad = tera.render_str(&body.template, &Context::new()).unwrap_or_default(); // expect: template-injection
    let mut context = Context::new();
    context.insert("title", &body.title);
    let good = tera.render_str("<h2>{{ title }}</h2>", &context).unwrap_or_default();
    Html(bad + &good)
}

pub async fn run_script(Json(script): Json<Script>) -> String {
    let lua = Lua::new();
    let value: String = lua.load(&script.source).eval().unwrap_or_default(); // expect: code-injection
    let apply: mlua::Function = lua.load(PRICING).eval().expect("pricing script");
    let total: f64 = apply.call((100.0, script.percent)).unwrap_or(100.0);
    format!("{value} {total}")
}
