//! Does a string look random, like a generated secret?
//!
//! A fixed Shannon-entropy cut-off fails on hex (which never exceeds 4 bits
//! per character) and on short values (whose entropy is capped by their
//! length). The threshold here depends on the value's charset and length: it
//! is a low percentile of the entropy of truly random strings of the same
//! charset and length, measured once by simulation with a fixed seed. On top
//! of entropy, values made of words, camelCase identifiers, runs and
//! sequences are not random.

use std::sync::OnceLock;

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
    let bytes = value.as_bytes();
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
const MAX_LEN: usize = 128;
const SAMPLES: usize = 300;
/// Percentile of random strings' entropy used as the threshold.
const PERCENTILE: f64 = 0.03;

/// Thresholds per charset and length, each simulated on first use with a
/// seed of its own, so the result does not depend on the order of use.
fn simulate(charset: Charset, len: usize) -> f64 {
    if len < MIN_LEN {
        return f64::INFINITY;
    }
    let alphabet = charset.alphabet();
    let mut rng =
        fastrand::Rng::with_seed(0x5EC2_E75E ^ ((charset.slot() as u64) << 32) ^ len as u64);
    let mut entropies: Vec<f64> = (0..SAMPLES)
        .map(|_| {
            let sample: String = (0..len)
                .map(|_| char::from(alphabet[rng.usize(..alphabet.len())]))
                .collect();
            shannon(&sample)
        })
        .collect();
    entropies.sort_by(f64::total_cmp);
    entropies[(SAMPLES as f64 * PERCENTILE) as usize]
}

/// The entropy a random value of this charset and length reaches with high
/// probability (the 3rd percentile of simulated random strings).
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

/// Splits an identifier-like value into its lower-case words:
/// `existingSubscription` → `existing`, `subscription`; `max_retry-count`.
#[must_use]
pub fn split_words(value: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = value.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphabetic() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let boundary = c.is_uppercase()
            && i > 0
            && (chars[i - 1].is_lowercase()
                || (chars[i - 1].is_uppercase()
                    && chars.get(i + 1).is_some_and(|n| n.is_lowercase())));
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// A lower-case run of letters that reads like a word: vowels present, no
/// long consonant clusters, no rare letter pairs.
fn is_wordlike(word: &str) -> bool {
    let bytes = word.as_bytes();
    if bytes.len() < 3 {
        return false;
    }
    let vowel = |b: u8| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y');
    let vowels = bytes.iter().filter(|&&b| vowel(b)).count();
    if vowels == 0 || vowels * 5 < bytes.len() {
        return false;
    }
    let mut cluster = 0;
    for &b in bytes {
        if vowel(b) {
            cluster = 0;
        } else {
            cluster += 1;
            if cluster > 3 {
                return false;
            }
        }
    }
    !bytes.windows(2).any(|p| {
        matches!(
            (p[0], p[1]),
            (b'q', b) if b != b'u'
        ) || matches!(
            (p[0], p[1]),
            (b'x' | b'j' | b'v' | b'z', b'x' | b'j' | b'v' | b'z' | b'q')
        )
    })
}

/// True when most letters of the value sit in word-like pieces: a name, a
/// sentence, a camelCase identifier — not a generated secret.
#[must_use]
pub fn looks_like_words(value: &str) -> bool {
    let letters = value.chars().filter(|c| c.is_alphabetic()).count();
    if letters == 0 {
        return false;
    }
    let in_words: usize = split_words(value)
        .iter()
        .filter(|w| is_wordlike(w))
        .map(String::len)
        .sum();
    in_words * 10 >= letters * 8
}

/// True when the value has the statistics of a generated secret: entropy at
/// least that of random strings of its charset and length, no runs or
/// sequences, and not made of words.
#[must_use]
pub fn looks_random(value: &str) -> bool {
    let len = value.len();
    if len < MIN_LEN || has_repeated_run(value, 4) || has_sequence(value, 5) {
        return false;
    }
    let charset = charset_of(value);
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
    if charset == Charset::Hex && !value.bytes().any(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    shannon(value) >= entropy_threshold(charset, len) && !looks_like_words(value)
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
        assert!((3.5..4.2).contains(&alnum20), "{alnum20}");
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

    #[test]
    fn splits_identifiers_into_words() {
        assert_eq!(
            split_words("existingSubscription"),
            ["existing", "subscription"]
        );
        assert_eq!(split_words("API_KEY"), ["api", "key"]);
        assert_eq!(split_words("JWTSecret"), ["jwt", "secret"]);
        assert_eq!(
            split_words("client-secret.value"),
            ["client", "secret", "value"]
        );
    }
}
