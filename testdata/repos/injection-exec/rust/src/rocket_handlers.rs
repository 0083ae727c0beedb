//! Export handlers (Rocket).
use std::process::Command;

use rocket::get;

#[get("/export?<format>")]
pub fn export(format: String) -> String {
    let bad = Command::new("sh").args(["-c", &format!("export-all --format {format}")]).output(); // expect: command-injection
    let good = Command::new("export-all").arg("--format").arg(&format).output();
    format!("{:?} {:?}", bad.is_ok(), good.is_ok())
}
