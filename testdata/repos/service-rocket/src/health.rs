use rocket::get;

#[get("/healthz")]
pub fn healthz() -> &'static str {
    "ok"
}
