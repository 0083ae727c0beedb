//! Does a string look random, like a generated secret?
//!
//! A fixed Shannon-entropy cut-off fails on hex (which never exceeds 4 bits
//! per character) and on short values (whose entropy is capped by their
//! length). The threshold here depends on the value's charset and length: it
//! is a low percentile of the entropy of truly random strings of the same
//! charset and length: the lowest entropy among a thousand simulated random
//! strings of the same charset and length (about the 0.1th percentile; a
//! cut-off at a few percent would drop a few real secrets in a hundred).
//! The simulation runs once per charset and length, with a fixed seed. On top
//! of entropy, values made of words, camelCase identifiers, runs and
//! sequences are not random.

use std::sync::OnceLock;

use super::words::looks_like_words;

/// The smallest alphabet a value fits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// `0-9a-f` (or upper case).
    Hex,
    /// `A-Za-z0-9`.
    Alnum,
    /// Base64 or URL-safe base64 (`+/-_=` on top of alphanumerics).
    Base64,
    /// Anything else printable.
    Printable,
}

impl Charset {
    fn alphabet(self) -> &'static [u8] {
        match self {
            Charset::Hex => b"0123456789abcdef",
            Charset::Alnum => b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            Charset::Base64 => b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/",
            Charset::Printable => b"!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
        }
    }

    fn slot(self) -> usize {
        match self {
            Charset::Hex => 0,
            Charset::Alnum => 1,
            Charset::Base64 => 2,
            Charset::Printable => 3,
        }
    }
}

/// Classifies a value by the smallest alphabet that holds it.
#[must_use]
pub fn charset_of(value: &str) -> Charset {
    let bytes = value.as_bytes();
    if bytes.iter().all(u8::is_ascii_hexdigit)
        && !(bytes.iter().any(u8::is_ascii_lowercase) && bytes.iter().any(u8::is_ascii_uppercase))
    {
        Charset::Hex
    } else if bytes.iter().all(u8::is_ascii_alphanumeric) {
        Charset::Alnum
    } else if bytes
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_' | b'='))
    {
        Charset::Base64
    } else {
        Charset::Printable
    }
}

/// Shannon entropy in bits per character.
#[must_use]
pub fn shannon(value: &str) -> f64 {
    shannon_bytes(value.as_bytes())
}

fn shannon_bytes(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[usize::from(b)] += 1;
    }
    let n = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

const MIN_LEN: usize = 6;
/// Shorter values are not judged random outside a provider's format: six
/// to nine characters (`abc123`, `Green-1`) pass any entropy bar by chance.
const MIN_RANDOM_LEN: usize = 10;
const MAX_LEN: usize = 128;
const SAMPLES: usize = 1000;

/// Thresholds per charset and length, each simulated on first use with a
/// seed of its own, so the result does not depend on the order of use.
fn simulate(charset: Charset, len: usize) -> f64 {
    if len < MIN_LEN {
        return f64::INFINITY;
    }
    let alphabet = charset.alphabet();
    let mut rng =
        fastrand::Rng::with_seed(0x5EC2_E75E ^ ((charset.slot() as u64) << 32) ^ len as u64);
    let mut sample = vec![0u8; len];
    (0..SAMPLES)
        .map(|_| {
            for byte in &mut sample {
                *byte = alphabet[rng.usize(..alphabet.len())];
            }
            shannon_bytes(&sample)
        })
        .fold(f64::INFINITY, f64::min)
}

/// The entropy a random value of this charset and length reaches with high
/// probability (the lowest of a thousand simulated random strings).
#[must_use]
pub fn entropy_threshold(charset: Charset, len: usize) -> f64 {
    static TABLE: OnceLock<[Vec<OnceLock<f64>>; 4]> = OnceLock::new();
    let table = TABLE
        .get_or_init(|| std::array::from_fn(|_| (0..=MAX_LEN).map(|_| OnceLock::new()).collect()));
    let len = len.min(MAX_LEN);
    *table[charset.slot()][len].get_or_init(|| simulate(charset, len))
}

/// True when `count` equal characters follow each other somewhere.
#[must_use]
pub fn has_repeated_run(value: &str, count: usize) -> bool {
    let bytes = value.as_bytes();
    bytes.windows(count).any(|w| w.iter().all(|&b| b == w[0]))
}

/// True when `count` consecutive characters ascend or descend by one
/// (`1234`, `abcd`, `4321`).
#[must_use]
pub fn has_sequence(value: &str, count: usize) -> bool {
    let bytes = value.as_bytes();
    bytes.windows(count).any(|w| {
        let ascending = w.windows(2).all(|p| p[1] == p[0].wrapping_add(1));
        let descending = w.windows(2).all(|p| p[0] == p[1].wrapping_add(1));
        (ascending || descending) && w.iter().all(u8::is_ascii_alphanumeric)
    })
}

/// True when the value has the statistics of a generated secret: entropy at
/// least that of random strings of its charset and length, no runs or
/// sequences, and not made of words.
#[must_use]
pub fn looks_random(value: &str) -> bool {
    randomness_test(value, 1.0)
}

/// Share of the random-string entropy threshold a provider token's body
/// must reach. Its prefix already says it is a token; the test only has to
/// tell a generated body from a placeholder (`xxxx`, `1234…`, words), whose
/// entropy is far lower, and must not drop the real tokens that fall in the
/// tail of the entropy distribution.
const PROVIDER_ENTROPY_SHARE: f64 = 0.8;

/// [`looks_random`] for the body of a prefixed provider token: the same
/// run, sequence, class and word tests, with a lower entropy bar.
#[must_use]
pub fn looks_generated(value: &str) -> bool {
    randomness_test(value, PROVIDER_ENTROPY_SHARE)
}

fn randomness_test(value: &str, entropy_share: f64) -> bool {
    let len = value.len();
    let min_len = if entropy_share < 1.0 {
        MIN_LEN
    } else {
        MIN_RANDOM_LEN
    };
    if len < min_len {
        return false;
    }
    let charset = charset_of(value);
    // Runs and sequences long enough that a random value of this alphabet
    // rarely shows one: hex needs longer ones (a 64-character hex token
    // holds a run of four 1.5% of the time).
    let limit = if charset == Charset::Hex { 7 } else { 5 };
    if has_repeated_run(value, limit) || has_sequence(value, limit) {
        return false;
    }
    // A single character class (all digits, all lower case letters) is not
    // how secrets are generated, hex aside.
    let classes = [
        value.bytes().any(|b| b.is_ascii_digit()),
        value.bytes().any(|b| b.is_ascii_lowercase()),
        value.bytes().any(|b| b.is_ascii_uppercase()),
    ];
    if charset != Charset::Hex && classes.iter().filter(|c| **c).count() < 2 {
        return false;
    }
    // Digits alone are ids and numbers in general text; a provider's hex
    // body of digits only is rare but real.
    if charset == Charset::Hex
        && entropy_share >= 1.0
        && !value.bytes().any(|b| b.is_ascii_alphabetic())
    {
        return false;
    }
    // Values with symbols rarely draw on all 94 printable characters
    // (Django keys use 50): the bar is that of base64, a 64-character set.
    let bar = if charset == Charset::Printable {
        Charset::Base64
    } else {
        charset
    };
    shannon(value) >= entropy_share * entropy_threshold(bar, len)
        && !looks_like_words(value)
        && (entropy_share < 1.0 || !super::words::has_embedded_word(value))
}

/// True for a value a person would choose as a password: at least eight
/// characters mixing letters with digits or symbols, not a sentence, not a
/// path or URL.
#[must_use]
pub fn looks_like_password(value: &str) -> bool {
    if value.len() < 8 || value.len() > 64 || value.contains(char::is_whitespace) {
        return false;
    }
    if value.contains("://") || value.starts_with('/') || value.contains('\\') {
        return false;
    }
    let letters = value.bytes().any(|b| b.is_ascii_alphabetic());
    let digits = value.bytes().any(|b| b.is_ascii_digit());
    let symbols = value.bytes().any(|b| b.is_ascii_punctuation());
    letters && (digits || symbols) && !has_repeated_run(value, 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_follow_charset_and_length() {
        // Hex entropy is capped at 4 bits; the threshold must be below it.
        let hex32 = entropy_threshold(Charset::Hex, 32);
        assert!((3.0..3.6).contains(&hex32), "{hex32}");
        let alnum20 = entropy_threshold(Charset::Alnum, 20);
        let alnum40 = entropy_threshold(Charset::Alnum, 40);
        assert!(alnum20 < alnum40, "{alnum20} {alnum40}");
        assert!((3.2..4.2).contains(&alnum20), "{alnum20}");
    }

    #[test]
    fn generated_values_look_random() {
        for value in [
            "3f9a1c77d02e4b8a9e6d0c2b5f7a1e34",
            "q7ZxW2mK9pL4vR8tB1nY6cD3",
            "u4Kp9_Qz-2Lm7RtX8vWc1Nb5Yh3Gf6Ds",
            "django-insecure-5v@k!2#pq9z^x(c8b&n1m7w$e4r6t0y",
        ] {
            assert!(looks_random(value), "{value}");
        }
    }

    /// Generated secrets pass whatever their charset and length: the strict
    /// test drops a few in a thousand (they are still reported when their
    /// name says secret and they look like a password), the provider test
    /// none in twenty thousand.
    #[test]
    fn random_values_of_every_charset_pass() {
        let mut rng = fastrand::Rng::with_seed(42);
        let mut failures = Vec::new();
        let mut provider_failures = Vec::new();
        let mut total = 0;
        for (alphabet, lengths) in [
            (Charset::Hex.alphabet(), &[20, 32, 40, 48, 64, 146][..]),
            (Charset::Alnum.alphabet(), &[16, 20, 24, 36, 43, 59, 99][..]),
            (
                b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_".as_slice(),
                &[22, 27, 35, 43, 60, 95, 150][..],
            ),
        ] {
            for &len in lengths {
                for _ in 0..1000 {
                    let value: String = (0..len)
                        .map(|_| char::from(alphabet[rng.usize(..alphabet.len())]))
                        .collect();
                    total += 1;
                    if !looks_generated(&value) {
                        provider_failures.push(value.clone());
                    }
                    if !looks_random(&value) {
                        failures.push(value);
                    }
                }
            }
        }
        assert!(
            failures.len() * 200 < total,
            "{} of {total} random values rejected: {failures:?}",
            failures.len()
        );
        assert!(
            provider_failures.is_empty(),
            "{} of {total} random token bodies rejected: {provider_failures:?}",
            provider_failures.len()
        );
    }

    #[test]
    fn words_identifiers_runs_and_sequences_do_not() {
        for value in [
            "existingSubscription",
            "this_is_my_password",
            "ThisIsAnExampleValueForDocs",
            "aaaaaaaaaaaaaaaa",
            "1234567890abcdef",
            "0000000000000000",
            "abcdefghijklmnop",
            "password",
        ] {
            assert!(!looks_random(value), "{value}");
        }
    }

    #[test]
    fn passwords_people_choose() {
        assert!(looks_like_password("Summer2024!"));
        assert!(looks_like_password("hunter2hunter"));
        assert!(!looks_like_password("password"));
        assert!(!looks_like_password("a sentence with words"));
        assert!(!looks_like_password("https://example.com"));
    }
}
