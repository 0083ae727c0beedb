//! Values that look like secrets but are not: placeholders, templates,
//! documented example keys, hashes, UUIDs, password hashes, references to
//! the environment or a secret manager.

use super::randomness::{has_repeated_run, has_sequence};

/// Substrings that mark a value as a stand-in (compared in lower case).
const PLACEHOLDER_WORDS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "changethis",
    "your_",
    "your-",
    "yourapi",
    "yourkey",
    "yoursecret",
    "yourtoken",
    "yourpassword",
    "example",
    "sample",
    "dummy",
    "placeholder",
    "redacted",
    "replace",
    "insert",
    "fixme",
    "todo",
    "xxxx",
    "****",
    "....",
    "fake",
    "mock",
    "notreal",
    "not-a-real",
    "not_a_real",
    "secret-here",
    "key-here",
    "token-here",
    "test",
    "lorem",
    "foobar",
];

/// Whole values that are stand-ins.
const PLACEHOLDER_VALUES: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "null",
    "none",
    "nil",
    "undefined",
    "true",
    "false",
    "empty",
    "default",
    "admin",
    "root",
    "user",
    "username",
    "guest",
    "pass",
    "pwd",
    "123456",
    "12345678",
    "qwerty",
    "letmein",
    "postgres",
    "mysql",
    "redis",
    "changeit",
    // Passwords of documentation and tutorials.
    "tiger",
    "scott",
    "opensesame",
    "open sesame",
    "hunter2",
    "s3cr3t",
    "p@ssw0rd",
    "passw0rd",
    "password1",
    "password123",
    "admin123",
    "toor",
    "mypassword",
    "mysecretpassword",
    "supersecret",
    "secretpassword",
    "topsecret",
];

/// Example credentials from vendors' documentation.
const DOCUMENTED_EXAMPLES: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "ASIAIOSFODNN7EXAMPLE",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "pk_test_TYooMQauvdEDq54NiTphI7jx",
    "xoxb-not-a-real-token-this-will-not-work",
    "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
];

/// True for values that stand in for a secret rather than being one.
#[must_use]
pub fn is_placeholder(value: &str) -> bool {
    let trimmed = value.trim();
    if trimmed.len() < 4 {
        return true;
    }
    let lower = trimmed.to_ascii_lowercase();
    if PLACEHOLDER_VALUES.contains(&lower.as_str()) || DOCUMENTED_EXAMPLES.contains(&trimmed) {
        return true;
    }
    // `:password`, `<secret>`, `'changeit'`: a stand-in with punctuation.
    let bare: String = lower.chars().filter(char::is_ascii_alphanumeric).collect();
    if PLACEHOLDER_VALUES.contains(&bare.as_str()) {
        return true;
    }
    if is_template(trimmed) {
        return true;
    }
    if PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    // `aaaa…`, `1234…`, a single repeated character.
    let distinct = {
        let mut seen: Vec<u8> = trimmed.bytes().collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    };
    distinct <= 2
        || has_repeated_run(trimmed, 6)
        || has_sequence(trimmed, 8)
        || (trimmed.len() <= 12 && has_sequence(trimmed, 4))
}

/// A provider-shaped token that is a stand-in: a documented example, or a
/// body padded with `EXAMPLE`, `xxxxxx`, `000000`, `******`.
#[must_use]
pub fn is_placeholder_token(token: &str) -> bool {
    DOCUMENTED_EXAMPLES.contains(&token)
        || token.contains("EXAMPLE")
        || token.contains("example")
        || token.contains("<")
        || token.contains("${")
        || has_repeated_run(token, 6)
}

/// `${VAR}`, `{{ var }}`, `<token>`, `%(name)s`, `$VAR`, `{VAR}`, `#{x}`.
#[must_use]
pub fn is_template(value: &str) -> bool {
    let value = value.trim();
    (value.starts_with('<') && value.ends_with('>'))
        || value.contains("${")
        || value.contains("{{")
        || value.contains("#{")
        || value.contains("%(")
        || (value.starts_with('{') && value.ends_with('}'))
        || (value.starts_with('$')
            && value[1..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_'))
        || (value.starts_with('%') && value.ends_with('%'))
}

/// A canonical UUID.
#[must_use]
pub fn is_uuid(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Password hashes (bcrypt, argon2, scrypt, PBKDF2, crypt): safe to commit.
#[must_use]
pub fn is_password_hash(value: &str) -> bool {
    let v = value.trim();
    [
        "$2a$",
        "$2b$",
        "$2y$",
        "$argon2",
        "$scrypt$",
        "$pbkdf2",
        "pbkdf2_sha256$",
        "$6$",
        "$5$",
        "$1$",
    ]
    .iter()
    .any(|p| v.starts_with(p))
}

/// A data URI or a long base64 blob that encodes an image or font.
#[must_use]
pub fn is_embedded_media(value: &str) -> bool {
    let v = value.trim_start();
    v.starts_with("data:image/")
        || v.starts_with("data:font/")
        || v.starts_with("data:application/font")
        || v.starts_with("iVBORw0KGgo")
        || v.starts_with("/9j/")
        || v.starts_with("R0lGOD")
        || v.starts_with("d09GR")
        || v.starts_with("AAEAAAA")
}

/// A value read from somewhere else rather than written here.
#[must_use]
pub fn is_reference(value: &str) -> bool {
    let v = value.trim();
    is_template(v)
        || v.starts_with("env:")
        || v.starts_with("vault:")
        || v.starts_with("arn:aws:secretsmanager")
        || v.starts_with("secretsmanager:")
        || v.starts_with("projects/") && v.contains("/secrets/")
        || v.starts_with("sm://")
        || v.starts_with("op://")
        || v.starts_with("file:")
        || v.starts_with("ENC[")
        || v.starts_with("AQICAH") // KMS ciphertext
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_recognised() {
        for value in [
            "changeme",
            "your-api-key",
            "<token>",
            "${DB_PASSWORD}",
            "{{ .Values.password }}",
            "REDACTED",
            "********",
            "xxxxxxxxxxxxxxxx",
            "example-secret-value",
            "dummy",
            "test-password-123",
            "aaaaaaaa",
            "12345678",
            "AKIAIOSFODNN7EXAMPLE",
            "%(password)s",
            "$DB_PASSWORD",
        ] {
            assert!(is_placeholder(value), "{value}");
        }
        for value in [
            "Summer2024!",
            "q7ZxW2mK9pL4vR8tB1nY6cD3",
            "s3cr3t-Pr0d-Passw0rd",
        ] {
            assert!(!is_placeholder(value), "{value}");
        }
    }

    #[test]
    fn uuids_hashes_and_media() {
        assert!(is_uuid("123e4567-e89b-12d3-a456-426614174000"));
        assert!(!is_uuid("123e4567e89b12d3a456426614174000"));
        assert!(is_password_hash(
            "$2b$12$KIXQJ2s1kvGcPH3Pd4fQmOZ0vWvU6ZbQ8Z0sQ2m6q1w0j3x6p7y9a"
        ));
        assert!(is_password_hash(
            "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"
        ));
        assert!(is_embedded_media("data:image/png;base64,iVBORw0KGgo="));
        assert!(is_reference(
            "arn:aws:secretsmanager:us-east-1:123:secret:db"
        ));
    }
}
