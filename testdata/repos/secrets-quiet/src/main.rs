use std::env;

const PASSWORD_MIN_LEN: usize = 12;
const SCHEMA_DIGEST: &str = "c6d6913f13ccb900958fe20ef124a3734ae106c1cafffbb48ae8f95a96401213";

fn main() {
    let secret = env::var("JWT_SECRET").expect("JWT_SECRET is set");
    let token = env::var("API_TOKEN").unwrap_or_default();
    println!("{} {} {}", secret.len(), token.len(), PASSWORD_MIN_LEN);
}
