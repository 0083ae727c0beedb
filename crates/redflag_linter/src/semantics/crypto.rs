//! Small views shared by the auth and crypto rules (`rules/crypto/`).
//!
//! Those rules judge a call by what it is applied to: a digest is a problem
//! on a password, not on a file; `random.choice` is a problem when it builds
//! a reset code, not when it picks a backoff delay. The question "what does
//! this name say the value is?" is asked the same way by all of them, so
//! the vocabulary and the name splitting live here once, next to the few
//! argument and literal readers they share.

use redflag_syntax::tree_sitter::Node;
use redflag_syntax::Language;

use crate::source::SourceFile;

/// The lowercase words of an identifier: `resetToken` → `reset token`,
/// `API_KEY` → `api key`, `new_password2` → `new password2`.
#[must_use]
pub fn identifier_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// True when a name says its value is a password: `password`,
/// `newPassword`, `user_passwd`, `pwd`, `passphrase`, `secret` — but not a
/// key, a token or a client secret, which are random and high-entropy and
/// may be stored as a plain digest (`api_secret_hash`, `SECRET_KEY`).
#[must_use]
pub fn is_password_like(name: &str) -> bool {
    let words = identifier_words(name);
    let word_is = |w: &str, stems: &[&str]| stems.iter().any(|s| w.starts_with(s));
    let password = words.iter().any(|w| {
        word_is(w, &["password", "passwd", "passphrase", "pwd"]) || w == "pass" || w == "pw"
    }) || name.to_ascii_lowercase().contains("password");
    if password {
        // `password_reset_token`, `passwordHash` hold a token or a digest.
        return !words.iter().any(|w| {
            matches!(
                w.as_str(),
                "hash"
                    | "hashed"
                    | "digest"
                    | "token"
                    | "reset"
                    | "salt"
                    | "policy"
                    | "length"
                    | "len"
            )
        });
    }
    words.iter().any(|w| w == "secret")
        && !words.iter().any(|w| {
            matches!(
                w.as_str(),
                "key"
                    | "keys"
                    | "token"
                    | "api"
                    | "client"
                    | "webhook"
                    | "signing"
                    | "hmac"
                    | "jwt"
                    | "app"
                    | "hash"
                    | "hashed"
                    | "digest"
            )
        })
}

/// Words that alone make a value a credential or a one-time secret.
const TOKEN_WORDS: &[&str] = &[
    "token",
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "otp",
    "totp",
    "hotp",
    "nonce",
    "salt",
    "secret",
    "csrf",
    "xsrf",
    "apikey",
    "sessionid",
    "sid",
    "pin",
    "passcode",
];

/// Second words that make a value a credential after one of
/// [`CODE_QUALIFIERS`] (`reset_code`, `verification_key`, `session_id`).
const CODE_WORDS: &[&str] = &["code", "key", "id", "link", "secret", "pin"];

const CODE_QUALIFIERS: &[&str] = &[
    "session",
    "api",
    "reset",
    "verification",
    "verify",
    "confirmation",
    "confirm",
    "activation",
    "invite",
    "invitation",
    "auth",
    "mfa",
    "login",
    "magic",
    "recovery",
    "access",
    "refresh",
    "signup",
    "otp",
    "unlock",
    "email",
    "sms",
    "phone",
    "security",
    "one",
];

/// Words that mean the name counts or sizes tokens (`max_tokens`,
/// `token_count`) rather than holding one.
const MEASURE_WORDS: &[&str] = &[
    "max", "min", "num", "n", "count", "len", "length", "size", "limit", "ttl", "expiry",
    "expires", "age", "timeout", "delay", "index", "idx", "position", "offset", "type", "name",
    "field", "header", "bucket",
];

/// True when a name says its value is a token, password, one-time code,
/// session id, nonce, salt or API key.
#[must_use]
pub fn is_token_like(name: &str) -> bool {
    let words = identifier_words(name);
    if words.iter().any(|w| MEASURE_WORDS.contains(&w.as_str())) {
        return false;
    }
    let token = |w: &str| {
        TOKEN_WORDS.contains(&w)
            || TOKEN_WORDS
                .iter()
                .any(|t| t.len() > 3 && w.strip_suffix('s').is_some_and(|stem| stem == *t))
            || w.starts_with("password")
    };
    if words.iter().any(|w| token(w)) {
        return true;
    }
    words.windows(2).any(|pair| {
        CODE_QUALIFIERS.contains(&pair[0].as_str()) && CODE_WORDS.contains(&pair[1].as_str())
    })
}

/// The value of a plain string literal (`"md5"`, `'none'`, `b"x"`,
/// `` `aes-128-ecb` ``), `None` for interpolated or concatenated strings.
#[must_use]
pub fn string_value<'a>(file: &'a SourceFile, node: Node<'_>) -> Option<&'a str> {
    let text = file.text_of(node);
    match node.kind() {
        "string" | "raw_string_literal" | "string_literal" | "template_string" => {}
        _ => return None,
    }
    if text.contains("${") || text.starts_with(['f', 'F']) {
        return None;
    }
    let body = text.trim_start_matches(['r', 'R', 'b', 'B', 'u', 'U', '#']);
    let quote = body.chars().next()?;
    if !matches!(quote, '"' | '\'' | '`') {
        return None;
    }
    let body = body.trim_end_matches('#');
    let triple = body.len() >= 6 && body.starts_with(&quote.to_string().repeat(3));
    let inner = if triple {
        body.get(3..body.len() - 3)?
    } else {
        body.get(1..body.len().checked_sub(1)?)?
    };
    Some(inner)
}

pub use super::handlers::is_function;
pub use super::sinks::{arguments as call_arguments, positionals as py_positional};

/// What a call says about one of its options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg<'t> {
    /// Written, with its value.
    Given(Node<'t>),
    /// Not written, and no `**kwargs` / spread could carry it.
    Absent,
    /// Not written, but a `**kwargs` or spread may carry it.
    Unknown,
}

/// A Python keyword argument of a call.
#[must_use]
pub fn py_keyword<'t>(file: &SourceFile, call: Node<'t>, name: &str) -> Arg<'t> {
    let mut splat = false;
    for arg in call_arguments(call) {
        match arg.kind() {
            "keyword_argument"
                if arg
                    .child_by_field_name("name")
                    .is_some_and(|n| file.text_of(n) == name) =>
            {
                if let Some(value) = arg.child_by_field_name("value") {
                    return Arg::Given(value);
                }
            }
            "dictionary_splat" => splat = true,
            _ => {}
        }
    }
    if splat {
        Arg::Unknown
    } else {
        Arg::Absent
    }
}

/// The key of a Python dict pair or JS object pair, unquoted.
#[must_use]
pub fn pair_key<'a>(file: &'a SourceFile, pair: Node<'_>) -> Option<&'a str> {
    let key = pair.child_by_field_name("key")?;
    match key.kind() {
        "string" => string_value(file, key),
        "property_identifier" | "identifier" | "number" => Some(file.text_of(key)),
        _ => None,
    }
}

/// A key of a Python dict literal or JS object literal: its value when the
/// literal has the key, `Unknown` when it does not but spreads another
/// mapping that may (`{**base}`, `{...defaults}`).
#[must_use]
pub fn mapping_entry<'t>(file: &SourceFile, mapping: Node<'t>, key: &str) -> Arg<'t> {
    let mut spread = false;
    let mut cursor = mapping.walk();
    for member in mapping.named_children(&mut cursor) {
        match member.kind() {
            "pair" if pair_key(file, member) == Some(key) => {
                if let Some(value) = member.child_by_field_name("value") {
                    return Arg::Given(value);
                }
            }
            "shorthand_property_identifier" if file.text_of(member) == key => {
                return Arg::Given(member)
            }
            "dictionary_splat" | "spread_element" => spread = true,
            _ => {}
        }
    }
    if spread {
        Arg::Unknown
    } else {
        Arg::Absent
    }
}

/// The innermost named function around a node (closures and lambdas are
/// looked through: the callback of a route belongs to its route).
#[must_use]
pub fn enclosing_function<'t>(language: Language, ancestors: &[Node<'t>]) -> Option<Node<'t>> {
    ancestors.iter().rev().copied().find(|a| {
        is_function(language, a.kind()) && !matches!(a.kind(), "lambda" | "closure_expression")
    })
}

/// The outermost function-like node that holds `node`'s code: the innermost
/// function, or the arrow function / function expression handed to a route,
/// whichever is innermost. Used as "the same function" for evidence checks.
#[must_use]
pub fn enclosing_scope<'t>(language: Language, ancestors: &[Node<'t>]) -> Option<Node<'t>> {
    ancestors
        .iter()
        .rev()
        .copied()
        .find(|a| is_function(language, a.kind()) && a.kind() != "lambda")
}

/// The name a function is known by: its own name, or the variable or
/// property an anonymous function is assigned to (`const issueToken = () =>`).
#[must_use]
pub fn function_name<'a>(
    file: &'a SourceFile,
    function: Node<'_>,
    ancestors: &[Node<'_>],
) -> Option<&'a str> {
    if let Some(name) = function.child_by_field_name("name") {
        return Some(file.text_of(name));
    }
    let position = ancestors.iter().rposition(|a| a.id() == function.id())?;
    let parent = ancestors.get(position.checked_sub(1)?)?;
    match parent.kind() {
        "variable_declarator" => parent.child_by_field_name("name").map(|n| file.text_of(n)),
        "pair" => pair_key(file, *parent),
        "assignment_expression" => parent
            .child_by_field_name("left")
            .map(|l| file.text_of(l).rsplit('.').next().unwrap_or("")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_identifiers_into_words() {
        assert_eq!(identifier_words("resetToken"), ["reset", "token"]);
        assert_eq!(identifier_words("API_KEY"), ["api", "key"]);
        assert_eq!(
            identifier_words("user.new_password"),
            ["user", "new", "password"]
        );
    }

    #[test]
    fn password_names() {
        for name in [
            "password",
            "newPassword",
            "user_passwd",
            "pwd",
            "passphrase",
            "secret",
            "form.password1",
            "raw_pw",
        ] {
            assert!(is_password_like(name), "{name}");
        }
        for name in [
            "password_hash",
            "passwordResetToken",
            "SECRET_KEY",
            "client_secret",
            "api_secret",
            "compass",
            "passport",
            "path",
            "etag",
        ] {
            assert!(!is_password_like(name), "{name}");
        }
    }

    #[test]
    fn token_names() {
        for name in [
            "token",
            "resetToken",
            "api_key",
            "otp",
            "session_id",
            "nonce",
            "salt",
            "verification_code",
            "csrfToken",
            "tokens",
            "new_password",
        ] {
            assert!(is_token_like(name), "{name}");
        }
        for name in [
            "delay",
            "jitter",
            "max_tokens",
            "token_count",
            "sample",
            "key",
            "code",
            "id",
            "spinner",
            "sidebar",
        ] {
            assert!(!is_token_like(name), "{name}");
        }
    }
}
