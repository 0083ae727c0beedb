//! Synthetic credentials for the secrets tests.
//!
//! For every provider format redflag supports, this module builds tokens
//! with a fixed-seed random generator, following the format facts (prefix,
//! charset, length) and computing the checksum the format carries: CRC-32 in
//! base62 for GitHub and npm, CRC-32 in base36 for routable GitLab tokens,
//! little-endian hex CRC-32 for Grafana, big-endian hex CRC-32 for
//! Atlassian, Bech32 for age, base64 JSON for JWTs and Grafana keys. The
//! encoders here are written independently of the validators in
//! `redflag_linter::secrets::checksums`, so a mistake on either side shows.
//!
//! None of these values is, or was ever, a real credential.

#![allow(dead_code)]

use base64::Engine as _;
use crc::{Crc, CRC_32_ISO_HDLC};

const CRC32: Crc<u32> = Crc::<u32>::new(&CRC_32_ISO_HDLC);

pub const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
pub const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
pub const DIGITS: &str = "0123456789";
pub const HEX: &str = "0123456789abcdef";

/// A seeded generator of strings over named alphabets.
pub struct Gen {
    rng: fastrand::Rng,
}

impl Gen {
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self {
            rng: fastrand::Rng::with_seed(seed),
        }
    }

    /// `len` characters drawn from `alphabet`.
    pub fn chars(&mut self, alphabet: &str, len: usize) -> String {
        let bytes = alphabet.as_bytes();
        (0..len)
            .map(|_| bytes[self.rng.usize(..bytes.len())] as char)
            .collect()
    }

    pub fn alnum(&mut self, len: usize) -> String {
        self.chars(&format!("{UPPER}{LOWER}{DIGITS}"), len)
    }

    pub fn upper_alnum(&mut self, len: usize) -> String {
        self.chars(&format!("{UPPER}{DIGITS}"), len)
    }

    pub fn lower_alnum(&mut self, len: usize) -> String {
        self.chars(&format!("{LOWER}{DIGITS}"), len)
    }

    pub fn letters(&mut self, len: usize) -> String {
        self.chars(&format!("{UPPER}{LOWER}"), len)
    }

    /// URL-safe base64 characters.
    pub fn b64url(&mut self, len: usize) -> String {
        self.chars(&format!("{UPPER}{LOWER}{DIGITS}-_"), len)
    }

    /// Standard base64 characters.
    pub fn b64(&mut self, len: usize) -> String {
        self.chars(&format!("{UPPER}{LOWER}{DIGITS}+/"), len)
    }

    pub fn hex(&mut self, len: usize) -> String {
        self.chars(HEX, len)
    }

    /// Digits, the first one not zero.
    pub fn number(&mut self, len: usize) -> String {
        format!(
            "{}{}",
            self.chars("123456789", 1),
            self.chars(DIGITS, len - 1)
        )
    }

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.rng.u8(..)).collect()
    }

    pub fn uuid(&mut self) -> String {
        format!(
            "{}-{}-4{}-a{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(3),
            self.hex(3),
            self.hex(12)
        )
    }
}

fn crc32(text: &str) -> u32 {
    CRC32.checksum(text.as_bytes())
}

/// `value` in the digits of `alphabet`, most significant first, padded
/// with the alphabet's zero to `width`.
fn positional(mut value: u32, alphabet: &str, width: usize) -> String {
    let digits: Vec<char> = alphabet.chars().collect();
    let base = digits.len() as u32;
    let mut out = Vec::new();
    while value > 0 {
        out.push(digits[(value % base) as usize]);
        value /= base;
    }
    out.resize(width.max(out.len()), digits[0]);
    out.iter().rev().collect()
}

fn b64_std(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn b64_url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// GitHub and npm: 30 random base62 characters and their CRC-32 in six
/// base62 digits (0-9, A-Z, a-z).
fn github_style(g: &mut Gen, prefix: &str) -> String {
    let entropy = g.alnum(30);
    let checksum = positional(crc32(&entropy), &format!("{DIGITS}{UPPER}{LOWER}"), 6);
    format!("{prefix}{entropy}{checksum}")
}

/// A routable GitLab token: payload, version, then the payload length in two
/// base36 digits and the CRC-32 of everything before it in seven.
fn gitlab_routable(g: &mut Gen, prefix: &str) -> String {
    let payload = b64_url(&g.bytes(27));
    let base36 = format!("{DIGITS}{LOWER}");
    let signed = format!(
        "{prefix}{payload}.01.{}",
        positional(payload.len() as u32, &base36, 2)
    );
    let checksum = positional(crc32(&signed), &base36, 7);
    format!("{signed}{checksum}")
}

fn grafana_service_account(g: &mut Gen) -> String {
    let key = format!("glsa_{}", g.alnum(32));
    let tail: String = crc32(&key)
        .to_le_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{key}_{tail}")
}

fn atlassian(g: &mut Gen) -> String {
    let body = format!("ATATT3xFfGF0{}=", g.b64url(170));
    format!("{body}{:08X}", crc32(&body))
}

fn age_key(g: &mut Gen) -> String {
    let hrp = bech32::Hrp::parse("age-secret-key-").expect("hrp");
    bech32::encode::<bech32::Bech32>(hrp, &g.bytes(32))
        .expect("bech32")
        .to_uppercase()
}

fn jwt(g: &mut Gen) -> String {
    let header = b64_url(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = b64_url(
        format!(
            r#"{{"sub":"{}","role":"service","iat":1730000000}}"#,
            g.uuid()
        )
        .as_bytes(),
    );
    format!("{header}.{payload}.{}", b64_url(&g.bytes(32)))
}

fn sentry_org(g: &mut Gen) -> String {
    let claims = format!(
        r#"{{"iat":1730000000.5,"url":"https://sentry.io","region_url":"https://us.sentry.io","org":"acme-{}"}}"#,
        g.lower_alnum(6)
    );
    format!("sntrys_{}_{}", b64_std(claims.as_bytes()), g.b64(43))
}

fn grafana_cloud(g: &mut Gen) -> String {
    let claims = format!(
        r#"{{"o":"{}","n":"stack-{}-hm-read","k":"{}","m":{{"r":"prod-us-east-0"}}}}"#,
        g.number(6),
        g.number(6),
        g.alnum(24)
    );
    format!("glc_{}", b64_std(claims.as_bytes()))
}

fn grafana_api_key(g: &mut Gen) -> String {
    let claims = format!(r#"{{"k":"{}","n":"deploy","id":1}}"#, g.alnum(32));
    b64_std(claims.as_bytes())
}

/// Synthetic tokens for provider `id` (several where the format has
/// variants). `None` for an id this generator does not know — the test then
/// fails, so a new format cannot ship without generated examples.
#[allow(clippy::too_many_lines)]
pub fn tokens(id: &str, g: &mut Gen) -> Option<Vec<String>> {
    let one = |t: String| Some(vec![t]);
    match id {
        "aws-access-key-id" => Some(vec![
            format!("AKIA{}", g.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)),
            format!("ASIA{}", g.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)),
        ]),
        "aws-bedrock-api-key" => one(format!("ABSK{}", g.b64(132))),
        "google-api-key" => one(format!("AIza{}", g.b64url(35))),
        "google-oauth-client-secret" => one(format!("GOCSPX-{}", g.b64url(28))),
        "google-oauth-access-token" => one(format!("ya29.{}", g.b64url(120))),
        "google-oauth-refresh-token" => one(format!("1//0{}", g.b64url(60))),
        "firebase-cloud-messaging-key" => one(format!(
            "AAAA{}:APA91b{}",
            g.b64url(7),
            g.b64url(134)
        )),
        "azure-storage-account-key" => one(format!(
            "DefaultEndpointsProtocol=https;AccountName=acmeorders;AccountKey={}==;EndpointSuffix=core.windows.net",
            g.b64(86)
        )),
        "azure-entra-client-secret" => one(format!(
            "{}{}Q~{}",
            g.alnum(3),
            g.chars(DIGITS, 1),
            g.chars(&format!("{UPPER}{LOWER}{DIGITS}_~.-"), 34)
        )),
        "azure-devops-pat" => one(format!("{}AZDO{}", g.alnum(76), g.alnum(4))),
        "alibaba-access-key-id" => one(format!("LTAI{}", g.alnum(20))),
        "digitalocean-pat" => one(format!("dop_v1_{}", g.hex(64))),
        "digitalocean-oauth-token" => one(format!("doo_v1_{}", g.hex(64))),
        "digitalocean-refresh-token" => one(format!("dor_v1_{}", g.hex(64))),
        "heroku-api-key" => one(format!("HRKU-AA{}", g.b64url(58))),
        "cloudflare-origin-ca-key" => one(format!("v1.0-{}-{}", g.hex(24), g.hex(146))),
        "hashicorp-vault-service-token" => one(format!("hvs.{}", g.b64url(95))),
        "hashicorp-vault-batch-token" => one(format!("hvb.{}", g.b64url(150))),
        "terraform-cloud-token" => one(format!("{}.atlasv1.{}", g.alnum(14), g.b64url(67))),
        "databricks-pat" => Some(vec![
            format!("dapi{}", g.hex(32)),
            format!("dapi{}-2", g.hex(32)),
        ]),
        "doppler-personal-token" => one(format!("dp.pt.{}", g.alnum(43))),
        "doppler-service-token" => one(format!("dp.st.prd.{}", g.alnum(43))),
        "doppler-service-account-token" => one(format!("dp.sa.{}", g.alnum(43))),
        "openshift-user-token" => one(format!("sha256~{}", g.b64url(43))),
        "github-pat" => one(github_style(g, "ghp_")),
        "github-oauth-token" => one(github_style(g, "gho_")),
        "github-user-to-server-token" => one(github_style(g, "ghu_")),
        "github-server-to-server-token" => one(github_style(g, "ghs_")),
        "github-refresh-token" => one(github_style(g, "ghr_")),
        "github-fine-grained-pat" => one(format!("github_pat_{}_{}", g.alnum(22), g.alnum(59))),
        "gitlab-pat" => Some(vec![
            format!("glpat-{}", g.b64url(20)),
            gitlab_routable(g, "glpat-"),
        ]),
        "gitlab-runner-token" => one(gitlab_routable(g, "glrt-")),
        "gitlab-pipeline-trigger-token" => one(format!("glptt-{}", g.hex(40))),
        "gitlab-deploy-token" => one(format!("gldt-{}", g.b64url(20))),
        "gitlab-oauth-app-secret" => one(format!("gloas-{}", g.b64url(64))),
        "gitlab-runner-registration-token" => one(format!("GR1348941{}", g.b64url(20))),
        "atlassian-api-token" => one(atlassian(g)),
        "bitbucket-app-password" => one(format!("ATBB{}", g.alnum(32))),
        "sonarqube-token" => Some(vec![
            format!("squ_{}", g.hex(40)),
            format!("sqp_{}", g.hex(40)),
            format!("sqa_{}", g.hex(40)),
        ]),
        "npm-access-token" => one(github_style(g, "npm_")),
        "pypi-upload-token" => one(format!("pypi-AgEIcHlwaS5vcmc{}", g.b64url(160))),
        "rubygems-api-key" => one(format!("rubygems_{}", g.hex(48))),
        "nuget-api-key" => one(format!("oy2{}", g.lower_alnum(43))),
        "docker-hub-pat" => one(format!("dckr_pat_{}", g.b64url(27))),
        "jfrog-api-key" => one(format!("AKCp{}", g.alnum(69))),
        "jfrog-reference-token" => one(format!("cmVmdGtu{}", g.alnum(56))),
        "slack-bot-token" => one(format!(
            "xoxb-{}-{}-{}",
            g.number(12),
            g.number(13),
            g.alnum(24)
        )),
        "slack-user-token" => one(format!(
            "xoxp-{}-{}-{}-{}",
            g.number(12),
            g.number(12),
            g.number(13),
            g.hex(32)
        )),
        "slack-app-token" => one(format!(
            "xapp-1-{}-{}-{}",
            g.upper_alnum(11),
            g.number(13),
            g.hex(64)
        )),
        "slack-webhook-url" => one(format!(
            "https://hooks.slack.com/services/T{}/B{}/{}",
            g.upper_alnum(10),
            g.upper_alnum(10),
            g.alnum(24)
        )),
        "discord-webhook-url" => one(format!(
            "https://discord.com/api/webhooks/{}/{}",
            g.number(18),
            g.b64url(68)
        )),
        "telegram-bot-token" => one(format!("{}:AA{}", g.number(10), g.b64url(33))),
        "microsoft-teams-webhook-url" => one(format!(
            "https://acme.webhook.office.com/webhookb2/{}@{}/IncomingWebhook/{}/{}",
            g.uuid(),
            g.uuid(),
            g.hex(32),
            g.uuid()
        )),
        "sendgrid-api-key" => one(format!("SG.{}.{}", g.b64url(22), g.b64url(43))),
        "mailgun-api-key" => one(format!("key-{}", g.hex(32))),
        "mailchimp-api-key" => one(format!("{}-us{}", g.hex(32), g.number(2))),
        "notion-integration-token" => one(format!("ntn_{}", g.alnum(46))),
        "linear-api-key" => one(format!("lin_api_{}", g.alnum(40))),
        "stripe-secret-key" => Some(vec![
            format!("sk_live_{}", g.alnum(24)),
            format!("sk_live_{}", g.alnum(99)),
        ]),
        "stripe-restricted-key" => one(format!("rk_live_{}", g.alnum(99))),
        "stripe-test-secret-key" => one(format!("sk_test_{}", g.alnum(99))),
        "stripe-test-restricted-key" => one(format!("rk_test_{}", g.alnum(99))),
        "stripe-webhook-secret" => one(format!("whsec_{}", g.b64(32))),
        "square-access-token" => one(format!("EAAA{}", g.b64url(60))),
        "square-oauth-token" => one(format!("sq0atp-{}", g.b64url(22))),
        "square-oauth-secret" => one(format!("sq0csp-{}", g.b64url(43))),
        "shopify-access-token" => one(format!("shpat_{}", g.hex(32))),
        "shopify-custom-app-token" => one(format!("shpca_{}", g.hex(32))),
        "shopify-private-app-token" => one(format!("shppa_{}", g.hex(32))),
        "shopify-shared-secret" => one(format!("shpss_{}", g.hex(32))),
        "shippo-api-token" => one(format!("shippo_live_{}", g.hex(40))),
        "easypost-api-key" => one(format!("EZAK{}", g.alnum(54))),
        "openai-api-key" => Some(vec![
            format!("sk-{}T3BlbkFJ{}", g.alnum(20), g.alnum(20)),
            format!("sk-proj-{}T3BlbkFJ{}", g.b64url(74), g.b64url(74)),
            format!("sk-svcacct-{}T3BlbkFJ{}", g.b64url(74), g.b64url(74)),
            format!("sk-admin-{}T3BlbkFJ{}", g.b64url(58), g.b64url(58)),
        ]),
        "anthropic-api-key" => one(format!("sk-ant-api03-{}AA", g.b64url(93))),
        "anthropic-admin-key" => one(format!("sk-ant-admin01-{}AA", g.b64url(93))),
        "huggingface-token" => one(format!("hf_{}", g.letters(34))),
        "huggingface-org-token" => one(format!("api_org_{}", g.letters(34))),
        "groq-api-key" => one(format!("gsk_{}", g.alnum(52))),
        "perplexity-api-key" => one(format!("pplx-{}", g.alnum(48))),
        "replicate-api-token" => one(format!("r8_{}", g.alnum(37))),
        "sentry-user-token" => one(format!("sntryu_{}", g.hex(64))),
        "sentry-org-token" => one(sentry_org(g)),
        "grafana-service-account-token" => one(grafana_service_account(g)),
        "grafana-cloud-token" => one(grafana_cloud(g)),
        "grafana-api-key" => one(grafana_api_key(g)),
        "new-relic-user-key" => one(format!("NRAK-{}", g.upper_alnum(27))),
        "new-relic-insert-key" => one(format!("NRII-{}", g.b64url(32))),
        "new-relic-browser-key" => one(format!("NRJS-{}", g.hex(19))),
        "dynatrace-token" => one(format!(
            "dt0c01.{}.{}",
            g.upper_alnum(24),
            g.upper_alnum(64)
        )),
        "okta-api-token" => one(format!("SSWS 00{}", g.b64url(40))),
        "age-secret-key" => one(age_key(g)),
        "json-web-token" => one(jwt(g)),
        _ => None,
    }
}

/// A place a token can sit in a repository: a file, the text before the
/// token lines, one line per token (`{n}` the line's number, `{t}` the
/// token), and the text after.
pub struct Context {
    pub path: &'static str,
    pub header: &'static str,
    pub line: &'static str,
    pub footer: &'static str,
}

/// Twenty syntactic contexts across the file kinds the secrets rules cover.
pub const CONTEXTS: &[Context] = &[
    Context {
        path: "app/settings.py",
        header: "import os\n",
        line: "VALUE_{n} = \"{t}\"",
        footer: "",
    },
    Context {
        path: "app/clients.py",
        header: "from acme import Client\n",
        line: "client_{n} = Client(credential='{t}', timeout=5)",
        footer: "",
    },
    Context {
        path: "app/config.py",
        header: "CONFIG = {",
        line: "    \"service_{n}\": \"{t}\",",
        footer: "}",
    },
    Context {
        path: "app/notes.py",
        header: "def rotate():\n    pass\n",
        line: "# rotated on Monday, old value {t}",
        footer: "",
    },
    Context {
        path: "src/client.js",
        header: "'use strict';\n",
        line: "const value{n} = \"{t}\";",
        footer: "module.exports = {};",
    },
    Context {
        path: "src/settings.ts",
        header: "export const settings = {",
        line: "  service{n}: '{t}',",
        footer: "};",
    },
    Context {
        path: "src/headers.ts",
        header: "",
        line: "export const header{n} = `Bearer {t}`;",
        footer: "",
    },
    Context {
        path: "src/consts.rs",
        header: "",
        line: "pub const VALUE_{n}: &str = \"{t}\";",
        footer: "",
    },
    Context {
        path: "src/values.rs",
        header: "pub fn values() -> Vec<&'static str> {\n    vec![",
        line: "        r#\"{t}\"#,",
        footer: "    ]\n}",
    },
    Context {
        path: "config/app.yaml",
        header: "services:",
        line: "  service_{n}: {t}",
        footer: "",
    },
    Context {
        path: "docker-compose.yml",
        header: "services:\n  api:\n    image: acme/api:1.4\n    environment:",
        line: "      - SERVICE_{n}={t}",
        footer: "",
    },
    Context {
        path: "config/settings.json",
        header: "{",
        line: "  \"service_{n}\": \"{t}\",",
        footer: "  \"end\": true\n}",
    },
    Context {
        path: "config/app.toml",
        header: "[services]",
        line: "service_{n} = \"{t}\"",
        footer: "",
    },
    Context {
        path: ".env",
        header: "# local settings",
        line: "SERVICE_{n}={t}",
        footer: "",
    },
    Context {
        path: "Dockerfile",
        header: "FROM python:3.12-slim",
        line: "ENV SERVICE_{n}=\"{t}\"",
        footer: "CMD [\"python\", \"-m\", \"app\"]",
    },
    Context {
        path: "scripts/deploy.sh",
        header: "#!/usr/bin/env bash\nset -euo pipefail",
        line: "curl -fsS -H \"Authorization: Bearer {t}\" https://api.acme.io/v1/deploy/{n}",
        footer: "",
    },
    Context {
        path: "db/seed.sql",
        header: "-- integration credentials",
        line: "INSERT INTO integrations (id, credential) VALUES ({n}, '{t}');",
        footer: "",
    },
    Context {
        path: "docs/setup.md",
        header: "# Setup\n",
        line: "- Service {n}: `{t}`",
        footer: "",
    },
    Context {
        path: "config/app.properties",
        header: "# service settings",
        line: "service.{n}.value={t}",
        footer: "",
    },
    Context {
        path: "config/web.config",
        header: "<configuration>\n  <appSettings>",
        line: "    <add key=\"Service{n}\" value=\"{t}\" />",
        footer: "  </appSettings>\n</configuration>",
    },
];

impl Context {
    /// The file text with `tokens` one per line, and the 1-based line of
    /// each token.
    #[must_use]
    pub fn render(&self, tokens: &[String]) -> (String, Vec<usize>) {
        let mut text = String::new();
        if !self.header.is_empty() {
            text.push_str(self.header);
            text.push('\n');
        }
        let mut lines = Vec::new();
        for (n, token) in tokens.iter().enumerate() {
            lines.push(text.matches('\n').count() + 1);
            text.push_str(
                &self
                    .line
                    .replace("{n}", &n.to_string())
                    .replace("{t}", token),
            );
            text.push('\n');
        }
        text.push_str(self.footer);
        text.push('\n');
        (text, lines)
    }
}
