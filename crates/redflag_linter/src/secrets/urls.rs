//! Credentials in URLs, connection strings and credential files:
//! `scheme://user:password@host`, ADO/JDBC `Password=…;`, `.npmrc`
//! `_authToken`, `.netrc` `password`, docker `config.json` `auths`, and
//! `Authorization: Basic …` literals (decoded and checked).

use std::ops::Range;

use percent_encoding::percent_decode_str;

use super::checksums::decode_base64;
use super::quiet::{is_placeholder, is_template};
use super::words::{is_human_password, looks_like_words};
use super::{ceil_boundary, floor_boundary};

/// Keys whose value is a credential in connection strings and config files
/// (matched in any case).
pub const CREDENTIAL_KEYS: &[&str] = &["password=", "pwd=", "_authtoken=", "\"auth\"", "basic "];

/// Passwords that are defaults of local development setups, not secrets.
const DEFAULT_PASSWORDS: &[&str] = &[
    "password", "pass", "secret", "postgres", "mysql", "root", "admin", "guest", "example",
    "changeme", "test", "dev", "local", "redis", "rabbitmq", "mongo", "user", "pwd",
];

/// Where a credential was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    Url,
    ConnectionString,
    NpmAuthToken,
    Netrc,
    DockerAuth,
    BasicAuth,
}

impl CredentialKind {
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            CredentialKind::Url => "password in a URL",
            CredentialKind::ConnectionString => "password in a connection string",
            CredentialKind::NpmAuthToken => "npm registry auth token in .npmrc",
            CredentialKind::Netrc => "password in a .netrc file",
            CredentialKind::DockerAuth => "registry credentials in a docker config.json",
            CredentialKind::BasicAuth => "HTTP Basic credentials",
        }
    }
}

/// A credential found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlCredential {
    pub kind: CredentialKind,
    /// The secret part (the password, the token, the encoded pair).
    pub range: Range<usize>,
    /// The password itself (decoded for Basic and docker auths).
    pub secret: String,
    /// Host of a URL, when there is one (for the confidence).
    pub host: Option<String>,
}

fn is_local_host(host: &str) -> bool {
    let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    host == "localhost"
        || host.starts_with("127.")
        || host == "0.0.0.0"
        || host == "::1"
        || !host.contains('.')
}

impl UrlCredential {
    /// Local development hosts (`localhost`, a compose service name) make a
    /// password less likely to be a production secret.
    #[must_use]
    pub fn is_local(&self) -> bool {
        self.host.as_deref().is_some_and(is_local_host)
    }
}

/// True for a password that is not worth reporting: empty, a template, a
/// placeholder, the user name again, a local default, or words
/// (`secure%20password`, `correct horse battery staple`).
fn weak_or_placeholder(user: &str, password: &str) -> bool {
    let decoded = percent_decode_str(password).decode_utf8_lossy();
    password.is_empty()
        || is_template(password)
        || is_placeholder(&decoded)
        || password == user
        || DEFAULT_PASSWORDS.contains(&decoded.to_ascii_lowercase().as_str())
        || (looks_like_words(&decoded) && !is_human_password(&decoded))
}

/// `scheme://user:password@host` around a `://` at `marker`.
#[must_use]
pub fn url_credential(text: &str, marker: usize) -> Option<UrlCredential> {
    let bytes = text.as_bytes();
    // The scheme: ASCII only, and short.
    let mut scheme_start = marker;
    while scheme_start > 0
        && marker - scheme_start < 32
        && (bytes[scheme_start - 1].is_ascii_alphanumeric()
            || matches!(bytes[scheme_start - 1], b'+' | b'.' | b'-' | b':'))
    {
        scheme_start -= 1;
    }
    let scheme = &text[scheme_start..marker];
    if scheme.is_empty() || scheme.eq_ignore_ascii_case("file") {
        return None;
    }
    let authority_start = marker + 3;
    let mut end = authority_start;
    while end < bytes.len() && end - authority_start < 512 {
        let c = bytes[end];
        if c.is_ascii_whitespace()
            || matches!(c, b'/' | b'?' | b'#' | b'"' | b'\'' | b'`' | b'<' | b'>')
        {
            break;
        }
        end += 1;
    }
    let end = floor_boundary(text, end);
    let authority = &text[authority_start..end];
    let at = authority.rfind('@')?;
    let userinfo = &authority[..at];
    let host = &authority[at + 1..];
    let (user, password) = userinfo.split_once(':')?;
    if host.is_empty() || weak_or_placeholder(user, password) {
        return None;
    }
    let password_start = authority_start + user.len() + 1;
    Some(UrlCredential {
        kind: CredentialKind::Url,
        range: password_start..password_start + password.len(),
        secret: password.to_string(),
        host: Some(host.to_string()),
    })
}

/// The value after a credential key at `start`: `Password=…;`, `Pwd=…`,
/// `_authToken=…`, `"auth": "…"`, `Basic …`.
#[must_use]
pub fn keyed_credential(text: &str, start: usize, path: &str) -> Option<UrlCredential> {
    let rest = &text[start..];
    let lower_key: String = rest
        .chars()
        .take(12)
        .collect::<String>()
        .to_ascii_lowercase();
    if lower_key.starts_with("basic ") {
        return basic_auth(text, start);
    }
    if lower_key.starts_with("\"auth\"") {
        return docker_auth(text, start);
    }
    let key_len = rest.find('=')? + 1;
    let value_start = start + key_len;
    let value: String = text[value_start..]
        .chars()
        .take_while(|c| !matches!(c, ';' | '"' | '\'' | '`' | '&' | '\n' | '\r' | ' ' | '<'))
        .collect();
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..ceil_boundary(text, start + 256)];
    let key = &text[start..value_start];
    let kind = if key.eq_ignore_ascii_case("_authtoken=") {
        CredentialKind::NpmAuthToken
    } else {
        // `Password=` counts inside connection strings and URL queries, not
        // in any `password=` of prose or code.
        let lower_line = line.to_ascii_lowercase();
        let connection = lower_line.contains(';')
            && (lower_line.contains("server=")
                || lower_line.contains("data source=")
                || lower_line.contains("host=")
                || lower_line.contains("user id=")
                || lower_line.contains("uid="));
        let query = text[..start].ends_with('&') || text[..start].ends_with('?');
        if !(connection || query && lower_line.contains("://")) {
            return None;
        }
        CredentialKind::ConnectionString
    };
    if kind == CredentialKind::NpmAuthToken
        && !path.ends_with(".npmrc")
        && !path.ends_with(".yarnrc")
    {
        return None;
    }
    if weak_or_placeholder("", &value) {
        return None;
    }
    Some(UrlCredential {
        kind,
        range: value_start..value_start + value.len(),
        secret: value,
        host: None,
    })
}

/// `Authorization: Basic <base64>` whose decoded form is `user:password`.
fn basic_auth(text: &str, start: usize) -> Option<UrlCredential> {
    let before = text[..start].to_ascii_lowercase();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    if !before[line_start..].contains("authorization") {
        return None;
    }
    let value_start = start + "basic ".len();
    let encoded: String = text[value_start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
        .collect();
    let decoded = String::from_utf8(decode_base64(&encoded)?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    if weak_or_placeholder(user, password) {
        return None;
    }
    Some(UrlCredential {
        kind: CredentialKind::BasicAuth,
        range: value_start..value_start + encoded.len(),
        secret: password.to_string(),
        host: None,
    })
}

/// `"auth": "<base64 of user:password>"` in a docker config.json `auths`.
fn docker_auth(text: &str, start: usize) -> Option<UrlCredential> {
    if !text.contains("\"auths\"") {
        return None;
    }
    let rest = &text[start + "\"auth\"".len()..];
    let colon = rest.find(':')?;
    let after = rest[colon + 1..].trim_start();
    let value = after.strip_prefix('"')?;
    let encoded: String = value.chars().take_while(|c| *c != '"').collect();
    let value_start = text.len() - value.len();
    let decoded = String::from_utf8(decode_base64(&encoded)?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    if weak_or_placeholder(user, password) {
        return None;
    }
    Some(UrlCredential {
        kind: CredentialKind::DockerAuth,
        range: value_start..value_start + encoded.len(),
        secret: password.to_string(),
        host: None,
    })
}

/// `.netrc`: `machine host login user password secret`.
#[must_use]
pub fn file_credentials(text: &str, path: &str) -> Vec<UrlCredential> {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name != ".netrc" && name != "_netrc" {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut words = text.split_whitespace().peekable();
    let mut user = String::new();
    while let Some(word) = words.next() {
        match word {
            "login" => user = words.peek().map(|w| (*w).to_string()).unwrap_or_default(),
            "password" => {
                if let Some(password) = words.next() {
                    let offset = password.as_ptr() as usize - text.as_ptr() as usize;
                    if !weak_or_placeholder(&user, password) {
                        found.push(UrlCredential {
                            kind: CredentialKind::Netrc,
                            range: offset..offset + password.len(),
                            secret: password.to_string(),
                            host: None,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    fn url(text: &str) -> Option<UrlCredential> {
        url_credential(text, text.find("://").unwrap())
    }

    #[test]
    fn passwords_in_urls() {
        let found = url("DATABASE_URL=postgres://app:Zq8vL2mX9k@db.internal:5432/app").unwrap();
        assert_eq!(found.secret, "Zq8vL2mX9k");
        assert!(!found.is_local());
        let text = "mongodb+srv://svc:Tr0ub4dor-3x@cluster0.abcde.mongodb.net/prod";
        assert_eq!(url(text).unwrap().secret, "Tr0ub4dor-3x");
        assert!(url("redis://:K9fLz2Qx7@localhost:6379/0")
            .unwrap()
            .is_local());
        // Defaults, placeholders, templates, no password.
        for quiet in [
            "postgres://postgres:postgres@localhost/db",
            "postgres://user:password@localhost/db",
            "postgres://app:${DB_PASSWORD}@db/app",
            "https://user@github.com/org/repo",
            "https://example.com/path?x=1",
            "amqp://guest:guest@rabbitmq:5672/",
        ] {
            assert!(url(quiet).is_none(), "{quiet}");
        }
    }

    #[test]
    fn connection_strings_and_npmrc() {
        let ado =
            "Server=tcp:db.example.net;Database=shop;User ID=svc;Password=Kq7!vZ2p9Lm;Encrypt=True";
        let at = ado.find("Password=").unwrap();
        assert_eq!(
            keyed_credential(ado, at, "appsettings.json")
                .unwrap()
                .secret,
            "Kq7!vZ2p9Lm"
        );
        let jdbc = "jdbc:mysql://db:3306/shop?user=svc&password=Kq7vZ2p9Lm&ssl=true";
        let at = jdbc.find("password=").unwrap();
        assert_eq!(
            keyed_credential(jdbc, at, "app.properties").unwrap().kind,
            CredentialKind::ConnectionString
        );
        let prose = "set password=whatever in the form";
        assert!(keyed_credential(prose, prose.find("password=").unwrap(), "README.md").is_none());
        let npmrc = "//registry.npmjs.org/:_authToken=4c1f9a2e-7b3d-4e8a-9f06-d2b5c8e1a374\n";
        let at = npmrc.find("_authToken=").unwrap();
        assert_eq!(
            keyed_credential(npmrc, at, ".npmrc").unwrap().kind,
            CredentialKind::NpmAuthToken
        );
        let templated = "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n";
        assert!(
            keyed_credential(templated, templated.find("_authToken=").unwrap(), ".npmrc").is_none()
        );
    }

    #[test]
    fn basic_auth_docker_auths_and_netrc() {
        let pair = base64::engine::general_purpose::STANDARD.encode("deploy:Xk29!pQz7Lm");
        let header = format!("headers = {{'Authorization': 'Basic {pair}'}}");
        let at = header.to_ascii_lowercase().find("basic ").unwrap();
        assert_eq!(
            keyed_credential(&header, at, "client.py").unwrap().secret,
            "Xk29!pQz7Lm"
        );
        let docker =
            format!("{{\"auths\": {{\"registry.example.com\": {{\"auth\": \"{pair}\"}}}}}}");
        let at = docker.find("\"auth\"").unwrap();
        assert_eq!(
            keyed_credential(&docker, at, ".docker/config.json")
                .unwrap()
                .kind,
            CredentialKind::DockerAuth
        );
        let netrc = "machine api.example.com login deploy password Xk29pQz7Lm\n";
        assert_eq!(
            file_credentials(netrc, "home/.netrc")[0].secret,
            "Xk29pQz7Lm"
        );
        let guest = base64::engine::general_purpose::STANDARD.encode("guest:guest");
        let header = format!("Authorization: Basic {guest}");
        assert!(keyed_credential(
            &header,
            header.to_ascii_lowercase().find("basic ").unwrap(),
            "x.http"
        )
        .is_none());
    }
}
