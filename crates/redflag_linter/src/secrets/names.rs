//! Names that say "secret".
//!
//! A literal is a secret when the name it is bound to says so: `password`,
//! `api_key`, `clientSecret`, `JWT_SECRET`. The word has to be in the name
//! itself, and a trailing word can say the value is something else about
//! the secret: `password_reset_url`, `token_type`, `secret_name`.

use super::words::split_words;

/// Words that make a name secret on their own.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "pwd",
    "pass",
    "secret",
    "secrets",
    "token",
    "tokens",
    "credential",
    "credentials",
    "apikey",
    "secretkey",
    "privatekey",
    "accesskey",
    "authkey",
    "jwtsecret",
    "clientsecret",
    "authtoken",
    "bearer",
];

/// First words of two-word secret names: `api key`, `private key`, …
const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "private",
    "access",
    "secret",
    "auth",
    "signing",
    "encryption",
    "master",
    "app",
    "client",
    "session",
    "hmac",
    "license",
    "account",
    "service",
    "write",
    "admin",
    "root",
    "deploy",
    "jwt",
    "webhook",
];

/// Last words that make the name about something other than the secret's
/// value: where it is, what it is called, how long it is, …
const NOT_A_VALUE: &[&str] = &[
    "url",
    "uri",
    "urls",
    "endpoint",
    "path",
    "paths",
    "file",
    "files",
    "dir",
    "directory",
    "name",
    "names",
    "id",
    "ids",
    "type",
    "types",
    "kind",
    "length",
    "len",
    "size",
    "min",
    "max",
    "count",
    "field",
    "fields",
    "label",
    "header",
    "headers",
    "prefix",
    "suffix",
    "pattern",
    "regex",
    "format",
    "env",
    "var",
    "variable",
    "hash",
    "hashed",
    "digest",
    "expiry",
    "expires",
    "expiration",
    "expired",
    "ttl",
    "timeout",
    "lifetime",
    "version",
    "enabled",
    "required",
    "policy",
    "rotation",
    "store",
    "storage",
    "manager",
    "provider",
    "service",
    "class",
    "param",
    "parameter",
    "params",
    "input",
    "placeholder",
    "hint",
    "help",
    "description",
    "text",
    "message",
    "error",
    "errors",
    "reset",
    "forgot",
    "validator",
    "validation",
    "strength",
    "mode",
    "method",
    "scheme",
    "location",
    "ref",
    "reference",
    "key_id",
    "arn",
    "hint",
    "policy",
    "algorithm",
    "alg",
    "age",
    "created",
    "updated",
    "at",
    "count",
    "limit",
    "index",
    "column",
    "table",
    "schema",
    "mask",
    "masked",
    "required",
    "enabled",
    "disabled",
    "flag",
    "source",
    "lookup",
    "mapping",
    "map",
    "list",
    "set",
    "bytes",
    "encoding",
    "id_token_hint",
    "changed",
    "confirm",
    "confirmation",
    "policy",
    "rules",
    "rule",
    "input",
    "selector",
    "button",
    "form",
    "placeholder",
    "template",
    "key",
    "keys",
    "generator",
    "factory",
    "callback",
];

/// Names whose value is a hash or a revision: never a secret.
const HASH_WORDS: &[&str] = &[
    "hash",
    "sha",
    "sha1",
    "sha256",
    "sha512",
    "md5",
    "digest",
    "integrity",
    "checksum",
    "commit",
    "etag",
    "fingerprint",
    "revision",
    "rev",
    "nonce",
    "salt",
];

/// True when `name` (an identifier, a key, a header name) names a secret.
/// `extra` are configured words that also count.
#[must_use]
pub fn is_secret_name(name: &str, extra: &[String]) -> bool {
    let words = split_words(name);
    if words.is_empty() {
        return false;
    }
    let last = words.last().map(String::as_str).unwrap_or_default();
    if HASH_WORDS.iter().any(|h| words.iter().any(|w| w == h)) {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    if extra
        .iter()
        .any(|e| lower.contains(&e.to_ascii_lowercase()))
    {
        return true;
    }
    // A name that ends in `key` is secret when a qualifier precedes it:
    // `api_key`, `SECRET_KEY`, `privateKey` — not `primary_key`, `cache_key`.
    let ends_in_key = last == "key"
        && words.len() >= 2
        && KEY_QUALIFIERS.contains(&words[words.len() - 2].as_str());
    if ends_in_key {
        return true;
    }
    if NOT_A_VALUE.contains(&last) {
        return false;
    }
    words.iter().any(|w| SECRET_WORDS.contains(&w.as_str()))
        || words
            .windows(2)
            .any(|pair| pair[1] == "key" && KEY_QUALIFIERS.contains(&pair[0].as_str()))
}

/// True when `name` says its value is a hash, digest or revision.
#[must_use]
pub fn is_hash_name(name: &str) -> bool {
    split_words(name)
        .iter()
        .any(|w| HASH_WORDS.contains(&w.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for name in [
            "password",
            "DB_PASSWORD",
            "dbPass",
            "passwd",
            "api_key",
            "apiKey",
            "API-KEY",
            "apikey",
            "SECRET_KEY",
            "secretKey",
            "jwtSecret",
            "JWT_SECRET",
            "client_secret",
            "clientSecret",
            "private_key",
            "access_token",
            "refreshToken",
            "GITHUB_TOKEN",
            "stripe_secret",
            "encryption_key",
            "AWS_SECRET_ACCESS_KEY",
        ] {
            assert!(is_secret_name(name, &[]), "{name}");
        }
    }

    #[test]
    fn names_about_a_secret_but_not_its_value() {
        for name in [
            "password_reset_url",
            "token_type",
            "secret_name",
            "api_key_header",
            "passwordField",
            "token_endpoint",
            "primary_key",
            "cache_key",
            "sort_key",
            "password_hash",
            "commit_sha",
            "integrity",
            "username",
            "passport",
            "bypass",
            "compass_heading",
            "secretsManagerArn",
            "token_length",
        ] {
            assert!(!is_secret_name(name, &[]), "{name}");
        }
    }

    #[test]
    fn configured_words_count() {
        assert!(is_secret_name("hmac_seed", &["hmac_seed".to_string()]));
        assert!(is_hash_name("sha256"));
        assert!(is_hash_name("package_integrity"));
    }
}
