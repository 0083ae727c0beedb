//! Finding secrets in text: the machinery the secrets rules share.
//!
//! Every text file gets one multi-pattern pass ([`SecretScan::run`]) over
//! all anchors: provider prefixes, private-key and URL markers, and the
//! words that make a name secret. Regexes and parsers run only in bounded
//! windows around those anchors, validators only on what they match, and the
//! syntax tree only for code files where a candidate survived. The scan is
//! built once per file, lazily, and each secrets rule reads its part.

pub mod checksums;
pub mod custom;
#[cfg(test)]
mod format_examples;
pub mod keys;
pub mod names;
pub mod providers;
pub mod quiet;
pub mod randomness;
pub mod urls;
pub mod words;

use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use globset::GlobSet;
use redflag_diagnostics::{Confidence, Severity};
use regex::Regex;

/// `i`, moved back to the nearest character boundary of `text`.
pub(crate) fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `i`, moved forward to the nearest character boundary of `text`.
pub(crate) fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i.min(text.len())
}

/// Names of the secrets rules, for allow comments that cover the family.
pub const SECRET_RULES: &[&str] = &[
    "hardcoded-provider-credential",
    "private-key-in-repository",
    "credentials-in-connection-string",
    "hardcoded-secret",
    "secret-literal-fallback",
    "secret-in-committed-env-file",
];

/// The `[secrets]` configuration, ready to use.
#[derive(Debug, Clone)]
pub struct SecretsSettings {
    pub allow: Vec<String>,
    pub allow_regexes: Vec<Regex>,
    pub extra_names: Vec<String>,
    pub test_paths: Option<GlobSet>,
    pub test_severity: Severity,
    pub test_confidence: Confidence,
    /// Finds `extra_names` in a file (built on first use).
    pub extra_names_matcher: OnceLock<Option<AhoCorasick>>,
}

impl Default for SecretsSettings {
    fn default() -> Self {
        SecretsSettings {
            allow: Vec::new(),
            allow_regexes: Vec::new(),
            extra_names: Vec::new(),
            test_paths: None,
            test_severity: Severity::Note,
            test_confidence: Confidence::Low,
            extra_names_matcher: OnceLock::new(),
        }
    }
}

impl SecretsSettings {
    /// True when configuration allows this value.
    #[must_use]
    pub fn allows(&self, value: &str) -> bool {
        self.allow.iter().any(|a| a == value)
            || self.allow_regexes.iter().any(|r| r.is_match(value))
    }

    /// Offsets of the configured secret names in `text` (any case): more
    /// anchors for the rules that judge named values.
    #[must_use]
    pub fn extra_name_hits(&self, text: &str) -> Vec<usize> {
        let matcher = self.extra_names_matcher.get_or_init(|| {
            if self.extra_names.is_empty() {
                return None;
            }
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .build(&self.extra_names)
                .ok()
        });
        matcher.as_ref().map_or_else(Vec::new, |m| {
            m.find_iter(text).map(|found| found.start()).collect()
        })
    }

    /// True for test, fixture and example code, where findings are kept but
    /// downgraded: leaked test credentials are still leaks.
    #[must_use]
    pub fn is_test_path(&self, path: &str) -> bool {
        crate::semantics::paths::is_test_or_example(path)
            || self
                .test_paths
                .as_ref()
                .is_some_and(|set| set.is_match(path))
    }
}

/// What one anchor of the multi-pattern pass stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    /// Provider format `n` (exact case).
    Provider(usize),
    /// `-----BEGIN` of a PEM or PGP block.
    KeyBlock,
    /// `://` of a URL.
    Url,
    /// A connection-string or config-file credential key (`password=`, …).
    CredentialKey,
    /// A word that makes a name secret (any case).
    SecretWord,
}

struct Anchors {
    automaton: AhoCorasick,
    meanings: Vec<(Anchor, bool)>,
    patterns: Vec<String>,
}

/// Words whose presence in a name can make it secret.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "pwd",
    "pass",
    "secret",
    "token",
    "credential",
    "apikey",
    "api_key",
    "api-key",
    "privatekey",
    "private_key",
    "accesskey",
    "access_key",
    "authkey",
    "auth_key",
    "signing_key",
    "signingkey",
    "encryption_key",
    "master_key",
    "app_key",
    "session_key",
    "bearer",
    "from_secret",
    "jwt",
];

fn anchors() -> &'static Anchors {
    static ANCHORS: OnceLock<Anchors> = OnceLock::new();
    ANCHORS.get_or_init(|| {
        let mut patterns: Vec<String> = Vec::new();
        let mut meanings = Vec::new();
        for (index, provider) in providers::PROVIDERS.iter().enumerate() {
            for anchor in provider.anchors {
                patterns.push((*anchor).to_string());
                meanings.push((Anchor::Provider(index), true));
            }
        }
        patterns.push("-----BEGIN".to_string());
        meanings.push((Anchor::KeyBlock, true));
        patterns.push("://".to_string());
        meanings.push((Anchor::Url, true));
        for key in urls::CREDENTIAL_KEYS {
            patterns.push((*key).to_string());
            meanings.push((Anchor::CredentialKey, false));
        }
        for word in SECRET_WORDS {
            patterns.push((*word).to_string());
            meanings.push((Anchor::SecretWord, false));
        }
        // A full DFA: a few hundred KiB built once, and the fastest search
        // for this many short, case-insensitive anchors.
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .expect("anchor patterns build");
        Anchors {
            automaton,
            meanings,
            patterns,
        }
    })
}

/// A provider token found and validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenFinding {
    pub provider: usize,
    /// The secret itself (without context such as `AccountKey=`).
    pub range: Range<usize>,
    /// A checksum or structure proved it.
    pub verified: bool,
}

/// A candidate that was dropped, for `--verbose`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    pub offset: usize,
    pub what: String,
    pub why: String,
}

/// Anchor positions and what they produced, for one file.
#[derive(Debug, Default)]
pub struct SecretScan {
    pub tokens: Vec<TokenFinding>,
    pub keys: Vec<keys::KeyBlock>,
    pub urls: Vec<urls::UrlCredential>,
    /// Starts of secret words (any case): where named values may be.
    pub word_hits: Vec<usize>,
    pub dropped: Vec<Dropped>,
}

impl SecretScan {
    /// Runs the multi-pattern pass and everything anchored on it.
    #[must_use]
    pub fn run(text: &str, path: &str) -> SecretScan {
        let anchors = anchors();
        let mut scan = SecretScan::default();
        let mut url_hits = Vec::new();
        let mut key_hits = Vec::new();
        let mut credential_hits = Vec::new();
        let mut seen_tokens: Vec<Range<usize>> = Vec::new();
        for found in anchors.automaton.find_overlapping_iter(text) {
            let index = found.pattern().as_usize();
            let (meaning, exact) = anchors.meanings[index];
            if exact && &text[found.start()..found.end()] != anchors.patterns[index].as_str() {
                continue;
            }
            match meaning {
                Anchor::Provider(provider) => {
                    if seen_tokens.iter().any(|r| r.contains(&found.start())) {
                        continue;
                    }
                    if let Some(token) = providers::match_at(text, provider, found.start()) {
                        let spec = &providers::PROVIDERS[provider];
                        let secret_start = token.range.start + providers::context_len(spec);
                        let secret = &text[secret_start..token.range.end];
                        seen_tokens.push(token.range.clone());
                        match providers::validate(spec, &text[token.range.clone()]) {
                            Ok(_) if quiet::is_placeholder_token(secret) => {
                                scan.dropped.push(Dropped {
                                    offset: token.range.start,
                                    what: spec.name.to_string(),
                                    why: "placeholder".to_string(),
                                })
                            }
                            Ok(verified) => scan.tokens.push(TokenFinding {
                                provider,
                                range: secret_start..token.range.end,
                                verified,
                            }),
                            Err(rejection) => scan.dropped.push(Dropped {
                                offset: token.range.start,
                                what: spec.name.to_string(),
                                why: rejection.describe().to_string(),
                            }),
                        }
                    }
                }
                Anchor::KeyBlock => key_hits.push(found.start()),
                Anchor::Url => url_hits.push(found.start()),
                Anchor::CredentialKey => credential_hits.push(found.start()),
                Anchor::SecretWord => scan.word_hits.push(found.start()),
            }
        }
        scan.word_hits.dedup();
        for start in key_hits {
            match keys::read_block(text, start) {
                Some(Ok(block)) => scan.keys.push(block),
                Some(Err(why)) => scan.dropped.push(Dropped {
                    offset: start,
                    what: "private key block".to_string(),
                    why: why.to_string(),
                }),
                None => {}
            }
        }
        for start in url_hits {
            if let Some(found) = urls::url_credential(text, start) {
                scan.push_url(found);
            }
        }
        for start in credential_hits {
            if let Some(found) = urls::keyed_credential(text, start, path) {
                scan.push_url(found);
            }
        }
        for found in urls::file_credentials(text, path) {
            scan.push_url(found);
        }
        scan
    }

    fn push_url(&mut self, found: urls::UrlCredential) {
        if self.urls.iter().any(|u| u.range == found.range) {
            return;
        }
        self.urls.push(found);
    }

    /// True when `range` overlaps a provider token, key block or URL
    /// credential already found: other rules leave it to those.
    #[must_use]
    pub fn covers(&self, range: &Range<usize>) -> bool {
        let overlaps = |other: &Range<usize>| other.start < range.end && range.start < other.end;
        self.tokens.iter().any(|t| overlaps(&t.range))
            || self.keys.iter().any(|k| overlaps(&k.range))
            || self.urls.iter().any(|u| overlaps(&u.range))
    }
}

/// What the judgement of a named value says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Report(Confidence, &'static str),
    Drop(&'static str),
}

/// Public-key material and publishable keys, which are meant to be shared.
fn is_public_material(value: &str) -> bool {
    let v = value.trim_start();
    v.starts_with("ssh-rsa ")
        || v.starts_with("ssh-ed25519 ")
        || v.starts_with("ecdsa-sha2-")
        || v.starts_with("AAAAB3NzaC1")
        || v.starts_with("AAAAC3NzaC1")
        || v.contains("-----BEGIN PUBLIC KEY")
        || v.contains("-----BEGIN CERTIFICATE")
        || v.starts_with("pk_live_")
        || v.starts_with("pk_test_")
}

/// Decides about a literal bound to a secret name.
#[must_use]
pub fn judge(name: &str, value: &str, settings: &SecretsSettings) -> Verdict {
    let value = value.trim();
    if value.is_empty() {
        return Verdict::Drop("empty value");
    }
    // Nothing shorter is reported below (a UUID is 36, a chosen password 8).
    if value.len() < 8 {
        return Verdict::Drop("too short for a secret");
    }
    if settings.allows(value) {
        return Verdict::Drop("allowed by configuration");
    }
    if quiet::is_reference(value) {
        return Verdict::Drop("reference to the environment or a secret manager");
    }
    if quiet::is_password_hash(value) {
        return Verdict::Drop("password hash");
    }
    if quiet::is_embedded_media(value) || is_public_material(value) {
        return Verdict::Drop("public material");
    }
    if names::is_hash_name(name) {
        return Verdict::Drop("hash or digest");
    }
    if quiet::is_uuid(value) {
        return Verdict::Report(Confidence::Medium, "a UUID bound to a secret name");
    }
    if quiet::is_placeholder(value) {
        return Verdict::Drop("placeholder");
    }
    if value.len() > 1000 {
        return Verdict::Drop("too long for a secret");
    }
    if value.split_whitespace().nth(1).is_some() {
        return Verdict::Drop("prose, not a secret");
    }
    if words::is_human_password(value) {
        return Verdict::Report(Confidence::Medium, "a password-like literal");
    }
    if words::looks_like_words(value) {
        return Verdict::Drop("reads as words or an identifier");
    }
    if randomness::looks_random(value) {
        return Verdict::Report(Confidence::High, "random-looking");
    }
    if randomness::looks_like_password(value) {
        return Verdict::Report(Confidence::Medium, "a password-like literal");
    }
    Verdict::Drop("low randomness")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judgement_of_named_values() {
        let settings = SecretsSettings::default();
        assert!(matches!(
            judge("api_key", "q7ZxW2mK9pL4vR8tB1nY6cD3", &settings),
            Verdict::Report(Confidence::High, _)
        ));
        assert!(matches!(
            judge("password", "Summer2024!", &settings),
            Verdict::Report(Confidence::Medium, _)
        ));
        assert_eq!(
            judge("password", "changeme", &settings),
            Verdict::Drop("placeholder")
        );
        assert_eq!(
            judge("password", "${DB_PASSWORD}", &settings),
            Verdict::Drop("reference to the environment or a secret manager")
        );
        assert_eq!(
            judge("token", "existingSubscription", &settings),
            Verdict::Drop("reads as words or an identifier")
        );
        assert_eq!(
            judge("CSRF_SESSION_KEY", "_csrftoken", &settings),
            Verdict::Drop("reads as words or an identifier")
        );
        assert_eq!(
            judge("REASON_TOKEN", "CSRF token missing.", &settings),
            Verdict::Drop("prose, not a secret")
        );
        assert_eq!(
            judge(
                "password_hash",
                "5f4dcc3b5aa765d61d8327deb882cf99",
                &settings
            ),
            Verdict::Drop("hash or digest")
        );
        assert_eq!(
            judge(
                "password",
                "$2b$12$KIXQJ2s1kvGcPH3Pd4fQmOZ0vWvU6ZbQ8Z0sQ2m6q1w0j3x6p7y9a",
                &settings
            ),
            Verdict::Drop("password hash")
        );
        assert_eq!(
            judge("stripe_key", "pk_live_51HqLyjWDarjtT1zdp7dcq7Zx", &settings),
            Verdict::Drop("public material")
        );
        assert!(matches!(
            judge("api_key", "123e4567-e89b-12d3-a456-426614174000", &settings),
            Verdict::Report(Confidence::Medium, _)
        ));
    }

    #[test]
    fn configured_allowances() {
        let settings = SecretsSettings {
            allow: vec!["q7ZxW2mK9pL4vR8tB1nY6cD3".into()],
            allow_regexes: vec![Regex::new("^fixture-").unwrap()],
            ..SecretsSettings::default()
        };
        assert_eq!(
            judge("api_key", "q7ZxW2mK9pL4vR8tB1nY6cD3", &settings),
            Verdict::Drop("allowed by configuration")
        );
        assert_eq!(
            judge("api_key", "fixture-Zx9Lm2Kq7", &settings),
            Verdict::Drop("allowed by configuration")
        );
    }
}
