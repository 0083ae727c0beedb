use std::fs;

pub struct Config {
    pub database_url: String,
    pub insecure_upstreams: bool,
}

/// Read once at start-up, before the runtime serves requests.
pub fn load(path: &str) -> anyhow::Result<Config> {
    let text = fs::read_to_string(path)?;
    let database_url = text.lines().next().unwrap_or_default().to_string();
    Ok(Config { database_url, insecure_upstreams: false })
}
