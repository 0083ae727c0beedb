use std::time::Duration;

pub async fn fetch_config(url: &str) -> reqwest::Result<String> {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build()?;
    tokio::time::sleep(Duration::from_millis(10)).await;
    let cached = tokio::fs::read_to_string("/var/cache/config").await.ok();
    let body = client.get(url).send().await?.text().await?;
    let checksum = tokio::task::spawn_blocking(move || std::fs::read("/var/cache/checksum")).await;
    Ok(format!("{body}{cached:?}{checksum:?}"))
}

pub fn load_defaults() -> std::io::Result<String> {
    std::thread::sleep(Duration::from_millis(1));
    std::fs::read_to_string("/etc/app/defaults")
}
