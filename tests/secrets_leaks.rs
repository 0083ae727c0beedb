//! The six classes of hardcoded secrets across the file kinds the secrets
//! rules cover, in a repository generated at test time (so no credential,
//! not even a synthetic one with a valid checksum, is committed): provider
//! tokens, private keys, credentials in URLs and connection strings,
//! secret-named literals, literal fallbacks, committed `.env` files. Then
//! the workflow around them: redaction in every output format,
//! `--show-secrets`, fingerprints, inline allows, `--verbose` explanations
//! and the `[secrets]` configuration.

mod common;
mod secret_gen;

use base64::Engine as _;
use common::{finding_lines, json, redflag, stderr, stdout, write};
use crc::{Crc, CRC_24_OPENPGP};
use secret_gen::{tokens, Gen};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// A generated repository and every secret written into it.
struct Leaks {
    dir: tempfile::TempDir,
    secrets: Vec<String>,
    expected: Vec<String>,
}

fn pem_lines(body: &[u8]) -> Vec<String> {
    let encoded = B64.encode(body);
    encoded
        .as_bytes()
        .chunks(64)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect()
}

/// A PEM block whose body is DER-shaped (an ASN.1 SEQUENCE) random bytes.
fn pem(label: &str, g: &mut Gen, separator: &str) -> (String, String) {
    let mut der = vec![0x30, 0x82, 0x04, 0xa3];
    der.extend(g.bytes(600));
    let lines = pem_lines(&der);
    let block = format!(
        "-----BEGIN {label}-----{separator}{}{separator}-----END {label}-----",
        lines.join(separator)
    );
    (block, lines.concat())
}

fn openssh_key(g: &mut Gen) -> (String, String) {
    let mut body = b"openssh-key-v1\0".to_vec();
    body.extend(g.bytes(380));
    let lines = pem_lines(&body);
    (
        format!(
            "-----BEGIN OPENSSH PRIVATE KEY-----\n{}\n-----END OPENSSH PRIVATE KEY-----\n",
            lines.join("\n")
        ),
        lines.concat(),
    )
}

/// An ASCII-armored PGP private key block with its CRC-24 line.
fn pgp_key(g: &mut Gen) -> (String, String) {
    let mut data = vec![0x95, 0x03, 0xc6];
    data.extend(g.bytes(450));
    let crc = Crc::<u32>::new(&CRC_24_OPENPGP).checksum(&data);
    let armor = B64.encode([(crc >> 16) as u8, (crc >> 8) as u8, crc as u8]);
    let lines = pem_lines(&data);
    (
        format!(
            "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n{}\n={armor}\n-----END PGP PRIVATE KEY BLOCK-----\n",
            lines.join("\n")
        ),
        lines.concat(),
    )
}

fn token(id: &str, g: &mut Gen) -> String {
    tokens(id, g).expect("known format").remove(0)
}

#[allow(clippy::too_many_lines)]
fn leaks() -> Leaks {
    let mut g = Gen::new(0x1EA6);
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let mut secrets = Vec::new();
    let mut keep = |value: String| {
        secrets.push(value.clone());
        value
    };

    // Python: a provider token, a Django secret key, a database URL, a
    // fallback, app.config, a chosen password, a keyword argument.
    let ghp = keep(token("github-pat", &mut g));
    let django = keep(format!(
        "django-insecure-{}",
        g.chars("abcdefghijklmnopqrstuvwxyz0123456789!@#%^&*(-_=+)", 50)
    ));
    let db_password = keep(g.alnum(20));
    let stripe_fallback = keep(g.alnum(32));
    let flask = keep(g.hex(48));
    let chosen = keep("Marigold1987!".to_string());
    let kwarg = keep(g.b64url(40));
    write(
        root,
        "app/settings.py",
        format!(
            r#"import os
GITHUB_TOKEN = "{ghp}"
SECRET_KEY = "{django}"
DATABASE_URL = "postgresql://billing:{db_password}@db.prod.acme.io:5432/billing"
STRIPE_KEY = os.getenv("STRIPE_SECRET_KEY", "{stripe_fallback}")
app.config["SECRET_KEY"] = "{flask}"
ADMIN_PASSWORD = "{chosen}"
client = Client(api_key="{kwarg}", timeout=5)
"#
        )
        .as_bytes(),
    );

    // JavaScript and TypeScript.
    let session = keep(g.alnum(40));
    let jwt_secret = keep(g.b64url(48));
    let api_fallback = keep(g.hex(40));
    let db_fallback = keep(g.alnum(24));
    write(
        root,
        "src/server.js",
        format!(
            r#"const app = express();
app.use(session({{ secret: "{session}", resave: false }}));
const signed = jwt.sign(payload, "{jwt_secret}");
const apiKey = process.env.API_KEY || "{api_fallback}";
const dbPassword = process.env.DB_PASSWORD ?? '{db_fallback}';
"#
        )
        .as_bytes(),
    );
    let ts_secret = keep(g.alnum(44));
    let client_secret = keep(g.b64url(36));
    write(
        root,
        "src/auth.ts",
        format!(
            r#"export const jwtSecret: string = "{ts_secret}";
export class OAuthClient {{
  private clientSecret = "{client_secret}";
}}
"#
        )
        .as_bytes(),
    );

    // Rust: a signing key, fallbacks, a constant, and a test module.
    let encoding = keep(g.alnum(48));
    let rust_fallback = keep(g.alnum(32));
    let rust_fallback2 = keep(g.hex(40));
    let rust_const = keep(g.b64url(40));
    let rust_test = keep(g.alnum(30));
    write(
        root,
        "src/main.rs",
        format!(
            r#"use jsonwebtoken::EncodingKey;
fn keys() {{
    let key = EncodingKey::from_secret(b"{encoding}");
    let secret = std::env::var("JWT_SECRET").unwrap_or_else(|_| "{rust_fallback}".into());
    let token = std::env::var("API_TOKEN").unwrap_or("{rust_fallback2}".to_string());
}}
const API_TOKEN: &str = "{rust_const}";
#[cfg(test)]
mod tests {{
    const PASSWORD: &str = "{rust_test}";
}}
"#
        )
        .as_bytes(),
    );

    // YAML, Kubernetes, compose, JSON, TOML.
    let yaml_password = keep(g.alnum(24));
    let slack = keep(token("slack-webhook-url", &mut g));
    write(
        root,
        "config/app.yaml",
        format!("database:\n  password: {yaml_password}\nalerts:\n  slack: {slack}\n").as_bytes(),
    );
    let k8s_plain = keep(g.alnum(28));
    let k8s_encoded = keep(g.alnum(32));
    write(
        root,
        "deploy/secret.yaml",
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: orders\nstringData:\n  DB_PASSWORD: {k8s_plain}\ndata:\n  API_KEY: {}\n",
            B64.encode(&k8s_encoded)
        )
        .as_bytes(),
    );
    let compose = keep(g.alnum(32));
    let compose_list = keep(g.alnum(28));
    write(
        root,
        "docker-compose.yml",
        format!(
            "services:\n  api:\n    image: acme/api:1.4\n    environment:\n      JWT_SECRET: {compose}\n  worker:\n    image: acme/worker:1.4\n    environment:\n      - API_SECRET={compose_list}\n"
        )
        .as_bytes(),
    );
    // XML app settings, properties, ini, shell.
    let xml = keep(g.alnum(24));
    write(
        root,
        "config/web.config",
        format!("<configuration>\n  <appSettings>\n    <add key=\"ApiSecret\" value=\"{xml}\" />\n  </appSettings>\n</configuration>\n").as_bytes(),
    );
    let properties = keep(g.alnum(20));
    write(
        root,
        "config/db.properties",
        format!("db.url=jdbc:postgresql://db/app\ndb.password={properties}\n").as_bytes(),
    );
    let ini = keep(g.alnum(20));
    write(
        root,
        "config/app.ini",
        format!("[db]\npassword = {ini}\n").as_bytes(),
    );
    let shell = keep(g.alnum(20));
    write(
        root,
        "scripts/env.sh",
        format!("#!/bin/sh\nexport DB_PASSWORD=\"{shell}\"\n").as_bytes(),
    );
    let json_secret = keep(g.b64url(40));
    let aws = keep(token("aws-access-key-id", &mut g));
    write(
        root,
        "config/settings.json",
        format!(
            "{{\n  \"client_secret\": \"{json_secret}\",\n  \"aws_access_key_id\": \"{aws}\"\n}}\n"
        )
        .as_bytes(),
    );
    let toml_token = keep(g.alnum(36));
    write(
        root,
        "config/app.toml",
        format!("[api]\napi_token = \"{toml_token}\"\n").as_bytes(),
    );

    // A committed .env, a Dockerfile, a shell script.
    let env_password = keep(g.alnum(22));
    let openai = keep(token("openai-api-key", &mut g));
    write(
        root,
        ".env",
        format!("DATABASE_PASSWORD={env_password}\nOPENAI_API_KEY={openai}\nDEBUG=false\n")
            .as_bytes(),
    );
    let docker_env = keep(g.alnum(32));
    let npm = keep(token("npm-access-token", &mut g));
    write(
        root,
        "Dockerfile",
        format!("FROM node:22-slim\nENV API_KEY={docker_env}\nARG NPM_TOKEN={npm}\nCMD [\"node\", \"server.js\"]\n").as_bytes(),
    );
    let vault = keep(token("hashicorp-vault-service-token", &mut g));
    let basic_password = keep(g.alnum(18));
    write(
        root,
        "scripts/deploy.sh",
        format!(
            "#!/usr/bin/env bash\nexport VAULT_TOKEN={vault}\ncurl -H \"Authorization: Basic {}\" https://api.acme.io/deploy\n",
            B64.encode(format!("deploy:{basic_password}"))
        )
        .as_bytes(),
    );

    // Credential files and connection strings.
    let npm_uuid = keep(g.uuid());
    write(
        root,
        ".npmrc",
        format!("//registry.npmjs.org/:_authToken={npm_uuid}\n").as_bytes(),
    );
    let netrc = keep(g.alnum(20));
    write(
        root,
        ".netrc",
        format!("machine api.acme.io\n  login deploy\n  password {netrc}\n").as_bytes(),
    );
    let docker_password = keep(g.alnum(24));
    write(
        root,
        ".docker/config.json",
        format!(
            "{{\n  \"auths\": {{\n    \"registry.acme.io\": {{\n      \"auth\": \"{}\"\n    }}\n  }}\n}}\n",
            B64.encode(format!("ci:{docker_password}"))
        )
        .as_bytes(),
    );
    let ado = keep(g.alnum(16));
    write(
        root,
        "config/appsettings.json",
        format!(
            "{{\n  \"ConnectionStrings\": {{\n    \"Shop\": \"Server=tcp:sql.acme.io;Database=shop;User ID=svc;Password={ado};\"\n  }}\n}}\n"
        )
        .as_bytes(),
    );

    // Private keys: PEM, PEM with \n escapes in JSON, OpenSSH, PGP.
    let (rsa, rsa_body) = pem("RSA PRIVATE KEY", &mut g, "\n");
    keep(rsa_body);
    write(root, "keys/deploy_key", format!("{rsa}\n").as_bytes());
    let (pkcs8, pkcs8_body) = pem("PRIVATE KEY", &mut g, "\\n");
    keep(pkcs8_body);
    write(
        root,
        "config/gcp-service-account.json",
        format!(
            "{{\n  \"type\": \"service_account\",\n  \"private_key_id\": \"{}\",\n  \"private_key\": \"{pkcs8}\\n\"\n}}\n",
            g.hex(40)
        )
        .as_bytes(),
    );
    let (openssh, openssh_body) = openssh_key(&mut g);
    keep(openssh_body);
    write(root, "keys/id_ed25519", openssh.as_bytes());
    let (pgp, pgp_body) = pgp_key(&mut g);
    keep(pgp_body);
    write(root, "keys/signing.asc", pgp.as_bytes());

    // SQL and Markdown: provider tokens are leaks wherever they are.
    let sendgrid = keep(token("sendgrid-api-key", &mut g));
    write(
        root,
        "db/seed.sql",
        format!("-- mail integration\nINSERT INTO integrations (name, credential) VALUES ('sendgrid', '{sendgrid}');\n").as_bytes(),
    );
    let anthropic = keep(token("anthropic-api-key", &mut g));
    write(
        root,
        "docs/setup.md",
        format!("# Setup\n\n```bash\nexport ANTHROPIC_API_KEY={anthropic}\n```\n").as_bytes(),
    );

    // Tests: still reported, as notes.
    let test_key = keep(g.alnum(32));
    let test_token = keep(token("github-pat", &mut g));
    write(
        root,
        "tests/test_api.py",
        format!("API_KEY = \"{test_key}\"\nGITHUB_TOKEN = \"{test_token}\"\n").as_bytes(),
    );

    let expected = [
        ".docker/config.json:4 credentials-in-connection-string",
        ".env:1 secret-in-committed-env-file",
        ".env:2 hardcoded-provider-credential",
        ".netrc:3 credentials-in-connection-string",
        ".npmrc:1 credentials-in-connection-string",
        "Dockerfile:2 hardcoded-secret",
        "Dockerfile:3 hardcoded-provider-credential",
        "app/settings.py:2 hardcoded-provider-credential",
        "app/settings.py:3 hardcoded-secret",
        "app/settings.py:4 credentials-in-connection-string",
        "app/settings.py:5 secret-literal-fallback",
        "app/settings.py:6 hardcoded-secret",
        "app/settings.py:7 hardcoded-secret",
        "app/settings.py:8 hardcoded-secret",
        "config/app.toml:2 hardcoded-secret",
        "config/app.yaml:2 hardcoded-secret",
        "config/app.yaml:4 hardcoded-provider-credential",
        "config/appsettings.json:3 credentials-in-connection-string",
        "config/gcp-service-account.json:4 private-key-in-repository",
        "config/settings.json:2 hardcoded-secret",
        "config/settings.json:3 hardcoded-provider-credential",
        "db/seed.sql:2 hardcoded-provider-credential",
        "deploy/secret.yaml:6 hardcoded-secret",
        "deploy/secret.yaml:8 hardcoded-secret",
        "docker-compose.yml:5 hardcoded-secret",
        "docker-compose.yml:9 hardcoded-secret",
        "config/web.config:3 hardcoded-secret",
        "config/db.properties:2 hardcoded-secret",
        "config/app.ini:2 hardcoded-secret",
        "scripts/env.sh:2 hardcoded-secret",
        "docs/setup.md:4 hardcoded-provider-credential",
        "keys/deploy_key:1 private-key-in-repository",
        "keys/id_ed25519:1 private-key-in-repository",
        "keys/signing.asc:1 private-key-in-repository",
        "scripts/deploy.sh:2 hardcoded-provider-credential",
        "scripts/deploy.sh:3 credentials-in-connection-string",
        "src/auth.ts:1 hardcoded-secret",
        "src/auth.ts:3 hardcoded-secret",
        "src/main.rs:3 hardcoded-secret",
        "src/main.rs:4 secret-literal-fallback",
        "src/main.rs:5 secret-literal-fallback",
        "src/main.rs:7 hardcoded-secret",
        "src/main.rs:10 hardcoded-secret",
        "src/server.js:2 hardcoded-secret",
        "src/server.js:3 hardcoded-secret",
        "src/server.js:4 secret-literal-fallback",
        "src/server.js:5 secret-literal-fallback",
        "tests/test_api.py:1 hardcoded-secret",
        "tests/test_api.py:2 hardcoded-provider-credential",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    Leaks {
        dir,
        secrets,
        expected,
    }
}

fn check(leaks: &Leaks, args: &[&str]) -> std::process::Output {
    let mut all = vec!["check", "--select", "RF-6"];
    all.extend_from_slice(args);
    redflag(leaks.dir.path(), &all)
}

#[test]
fn every_class_is_found_in_every_file_kind() {
    let leaks = leaks();
    let output = check(&leaks, &["--output-format", "json"]);
    let report = json(&output);
    let mut found = finding_lines(&report);
    found.sort();
    let mut expected = leaks.expected.clone();
    expected.sort();
    assert_eq!(found, expected, "{}", stderr(&output));
    assert_eq!(output.status.code(), Some(1));

    let findings = report["findings"].as_array().expect("findings");
    for finding in findings {
        let path = finding["path"].as_str().unwrap_or("");
        let in_test_code =
            path.starts_with("tests/") || (path == "src/main.rs" && finding["start"]["line"] == 10);
        let message = finding["message"].as_str().unwrap_or("");
        assert!(message.contains("confidence"), "{message}");
        if in_test_code {
            assert_eq!(finding["severity"], "note", "{finding}");
            assert_eq!(finding["confidence"], "low", "{finding}");
            assert!(message.contains("in test or example code"), "{message}");
        } else {
            assert_ne!(finding["severity"], "note", "{finding}");
        }
    }
    // Messages name the provider or credential kind.
    let message_at = |path: &str, line: u64| -> String {
        findings
            .iter()
            .find(|f| f["path"] == path && f["start"]["line"] == line)
            .and_then(|f| f["message"].as_str())
            .unwrap_or("")
            .to_string()
    };
    assert!(message_at("app/settings.py", 2).starts_with("GitHub personal access token"));
    assert!(message_at("config/gcp-service-account.json", 4)
        .starts_with("GCP service-account private key"));
    assert!(
        message_at("app/settings.py", 7).contains("medium confidence"),
        "{}",
        message_at("app/settings.py", 7)
    );
    assert!(message_at(".npmrc", 1).starts_with("npm registry auth token"));
}

#[test]
fn no_output_format_shows_a_secret() {
    let leaks = leaks();
    let formats: [&[&str]; 6] = [
        &["--output-format", "full"],
        &["--output-format", "concise"],
        &["--output-format", "json"],
        &["--output-format", "sarif"],
        &["--output-format", "github"],
        &["--statistics"],
    ];
    for args in formats {
        let output = check(&leaks, args);
        let text = format!("{}{}", stdout(&output), stderr(&output));
        assert!(!text.is_empty(), "{args:?} printed nothing");
        for secret in &leaks.secrets {
            // Any run of eight characters of a secret would be too much.
            let probe = &secret[secret.len() / 2..(secret.len() / 2 + 8).min(secret.len())];
            assert!(
                !text.contains(secret.as_str()) && (probe.len() < 8 || !text.contains(probe)),
                "{args:?} shows a secret ({}…)",
                &secret[..4]
            );
        }
    }
}

#[test]
fn show_secrets_unmasks_locally_and_is_refused_with_sarif() {
    let leaks = leaks();
    let output = check(&leaks, &["--show-secrets", "--output-format", "json"]);
    let text = stdout(&output);
    let shown = leaks
        .secrets
        .iter()
        .filter(|s| text.contains(s.as_str()))
        .count();
    // Every secret that is the matched text itself is shown in its message.
    assert!(
        shown >= leaks.secrets.len() - 8,
        "{shown} of {} shown",
        leaks.secrets.len()
    );
    let full = check(&leaks, &["--show-secrets", "--output-format", "full"]);
    assert!(stdout(&full).contains(&leaks.secrets[0]));

    let refused = check(&leaks, &["--show-secrets", "--output-format", "sarif"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("--show-secrets"),
        "{}",
        stderr(&refused)
    );
    assert!(stdout(&refused).is_empty());
}

fn fingerprint_of(dir: &std::path::Path, path: &str) -> Vec<String> {
    let report = json(&redflag(
        dir,
        &["check", "--select", "RF-6", "--output-format", "json"],
    ));
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["path"] == path)
        .map(|f| f["fingerprint"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn fingerprints_follow_the_secret_not_the_line() {
    let mut g = Gen::new(99);
    let secret = g.alnum(32);
    let other = g.alnum(32);
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "app/a.py",
        format!("API_KEY = \"{secret}\"\n").as_bytes(),
    );
    let before = fingerprint_of(dir.path(), "app/a.py");
    write(
        dir.path(),
        "app/a.py",
        format!("import os\n\n# moved down\nAPI_KEY = \"{secret}\"\n").as_bytes(),
    );
    let moved = fingerprint_of(dir.path(), "app/a.py");
    write(
        dir.path(),
        "app/a.py",
        format!("API_KEY = \"{other}\"\n").as_bytes(),
    );
    let changed = fingerprint_of(dir.path(), "app/a.py");
    assert_eq!(before.len(), 1);
    assert_eq!(before, moved, "a line move keeps the identity");
    assert_ne!(before, changed, "a new secret is a new finding");
}

#[test]
fn inline_allows_of_redflag_gitleaks_and_detect_secrets() {
    let mut g = Gen::new(5);
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "app/a.py",
        format!(
            "A_TOKEN = \"{}\"  # gitleaks:allow\nB_TOKEN = \"{}\"  # pragma: allowlist secret\nC_TOKEN = \"{}\"  # redflag: ignore[hardcoded-secret] rotated, kept for the replay test\nD_TOKEN = \"{}\"\n",
            g.alnum(30),
            g.alnum(30),
            g.alnum(30),
            g.alnum(30)
        )
        .as_bytes(),
    );
    let report = json(&redflag(dir.path(), &["check", "--output-format", "json"]));
    assert_eq!(finding_lines(&report), ["app/a.py:4 hardcoded-secret"]);
}

#[test]
fn verbose_explains_dropped_candidates() {
    let mut g = Gen::new(11);
    let dir = tempfile::tempdir().expect("tempdir");
    let broken = {
        let mut t = token("github-pat", &mut g);
        let last = t.pop().expect("char");
        t.push(if last == 'a' { 'b' } else { 'a' });
        t
    };
    write(
        dir.path(),
        "app/a.py",
        format!(
            "PASSWORD = \"changeme\"\nTOKEN = \"existingSubscription\"\nGH = \"{broken}\"\nDB = \"postgres://app:hunter2@localhost/app\"\n"
        )
        .as_bytes(),
    );
    let output = redflag(dir.path(), &["check", "--select", "RF-6", "--verbose"]);
    let notes = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    for why in [
        "line 1: value of `PASSWORD` not reported: placeholder",
        "line 2: value of `TOKEN` not reported: reads as words or an identifier",
        "line 3: GitHub personal access token not reported: checksum failed",
    ] {
        assert!(notes.contains(why), "missing {why:?} in:\n{notes}");
    }
    // Without --verbose, nothing about dropped candidates.
    let quiet = redflag(dir.path(), &["check", "--select", "RF-6"]);
    assert!(!stderr(&quiet).contains("not reported"));
}

#[test]
fn secrets_configuration() {
    let mut g = Gen::new(21);
    let allowed = g.alnum(30);
    let fixture = format!("fixture-{}", g.alnum(20));
    let seed = g.alnum(30);
    let qa = g.alnum(30);
    let dir = tempfile::tempdir().expect("tempdir");
    let source =
        format!("DEMO_API_KEY = \"{allowed}\"\nAPI_KEY = \"{fixture}\"\nHMAC_SEED = \"{seed}\"\n");
    write(dir.path(), "app/a.py", source.as_bytes());
    write(
        dir.path(),
        "qa/load.py",
        format!("API_KEY = \"{qa}\"\n").as_bytes(),
    );

    // Defaults: the allowed value and the fixture are findings, the seed is
    // not a secret name, qa/ is production code.
    let report = json(&redflag(
        dir.path(),
        &["check", "--select", "RF-6", "--output-format", "json"],
    ));
    assert_eq!(
        finding_lines(&report),
        [
            "app/a.py:1 hardcoded-secret",
            "app/a.py:2 hardcoded-secret",
            "qa/load.py:1 hardcoded-secret"
        ]
    );

    write(
        dir.path(),
        "redflag.toml",
        format!(
            "[secrets]\nallow = [\"{allowed}\"]\nallow-regexes = [\"^fixture-\"]\nsecret-names = [\"seed\"]\ntest-paths = [\"qa/**\"]\ntest-severity = \"warning\"\ntest-confidence = \"medium\"\n"
        )
        .as_bytes(),
    );
    let report = json(&redflag(
        dir.path(),
        &["check", "--select", "RF-6", "--output-format", "json"],
    ));
    assert_eq!(
        finding_lines(&report),
        [
            "app/a.py:3 hardcoded-secret",
            "qa/load.py:1 hardcoded-secret"
        ]
    );
    let qa_finding = &report["findings"][1];
    assert_eq!(qa_finding["severity"], "warning");
    assert_eq!(qa_finding["confidence"], "medium");

    write(
        dir.path(),
        "redflag.toml",
        b"[secrets]\ntest-severity = \"fatal\"\n",
    );
    let bad = redflag(dir.path(), &["check"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("`fatal`") && stderr(&bad).contains("expected one of"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn custom_formats_from_user_rules() {
    let mut g = Gen::new(77);
    let live = format!("acme_live_{}", g.alnum(32));
    let test_path_token = format!("acme_live_{}", g.alnum(32));
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "team-rules/acme-key.yaml",
        br#"name: acme-live-key
task: TASK-3.3
redFlag: RF-6
severity: error
confidence: high
summary: An Acme live API key is committed.
message: An Acme live API key is committed.
help: rotate it in the Acme console and load it from the vault
languages: [python, yaml, text]
patterns:
  - secret:
      name: Acme live API key
      prefix: acme_live_
      charset: alnum
      length: 32
docs: |
  Acme live keys are `acme_live_` and 32 alphanumerics.
"#,
    );
    write(
        dir.path(),
        "app/billing.py",
        format!(
            "ACME = \"{live}\"\nEXAMPLE = \"acme_live_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\nSHORT = \"acme_live_abc\"\n"
        )
        .as_bytes(),
    );
    write(
        dir.path(),
        "deploy/values.yaml",
        format!("acme:\n  key: {live}\n").as_bytes(),
    );
    write(
        dir.path(),
        "tests/test_billing.py",
        format!("KEY = \"{test_path_token}\"\n").as_bytes(),
    );
    let output = redflag(
        dir.path(),
        &[
            "check",
            "--rules",
            "team-rules",
            "--select",
            "acme-live-key",
            "--output-format",
            "json",
        ],
    );
    let report = json(&output);
    assert_eq!(
        finding_lines(&report),
        [
            "app/billing.py:1 acme-live-key",
            "deploy/values.yaml:2 acme-live-key",
            "tests/test_billing.py:1 acme-live-key"
        ],
        "{}",
        stderr(&output)
    );
    let text = stdout(&output);
    assert!(
        !text.contains(&live) && !text.contains(&test_path_token),
        "masked"
    );
    let findings = report["findings"].as_array().expect("findings");
    assert!(findings[0]["message"]
        .as_str()
        .unwrap_or("")
        .starts_with("Acme live API key `acme****`"));
    assert_eq!(
        findings[0]["help"],
        "rotate it in the Acme console and load it from the vault"
    );
    assert_eq!(findings[2]["severity"], "note");

    // A bad declaration is a clear error naming the file and line.
    write(
        dir.path(),
        "team-rules/acme-key.yaml",
        br#"name: acme-live-key
task: TASK-3.3
severity: error
confidence: high
summary: s
message: m
languages: [text]
patterns:
  - secret:
      name: Acme live API key
      prefix: acme_live_
      charset: letters
      length: 32
docs: d
"#,
    );
    let bad = redflag(dir.path(), &["check", "--rules", "team-rules"]);
    assert_eq!(bad.status.code(), Some(2));
    let err = stderr(&bad);
    assert!(
        err.contains("acme-key.yaml:12") && err.contains("unknown charset `letters`"),
        "{err}"
    );
}
