//! Does a value read as words? Placeholders (`YourSecretKeyHere`,
//! `insert-token-here`), identifiers (`existingSubscription`) and sentences
//! are not generated secrets, even when their entropy is high.
//!
//! Two signals: letters covered by a dictionary of common English and
//! software words (segmenting run-together text such as `yoursecretkey`),
//! and the shape of a plain identifier — letters only, camelCase or
//! separated pieces that each read like a word. A generated token passes
//! neither: its letter runs are short and its pieces do not pronounce.

use std::collections::HashSet;
use std::sync::OnceLock;

/// Common words of English and of software configuration, three letters or
/// more (two-letter words are in [`SHORT_WORDS`]).
const DICTIONARY: &str = "
about above access account action active activity address admin administrator after again
agent alert alias all allow alpha already also always amazon analytics and android another
answer any apache api app apple application apply approve archive area argument array
ask asset assign async attach attribute audit auth author authorization authorize auto
available avatar back backend backup bad balance bank bar base basic batch bearer before
begin being below best beta better between big bill billing binary bind black blob block
blog blue board body book boot bot both bottom box branch brand break bridge broker
browser bucket buffer build bundle business button buy cache calendar call callback can
cancel card cart case catalog category cert certificate change changeme channel charge
chat check checkout child choose city class clean clear click client clone close cloud
cluster code collection color column command comment commit common company compare
complete component compose config configuration confirm connect connection console
consumer contact container content context control cookie copy core count country
coupon course create credential credentials cron current custom customer daily dark
dashboard data database date day dead debug decrypt default delete delivery demo deploy
deployment description design detail dev developer development device digest direct
directory disable discount display docker document domain done down download draft
driver drop dummy dynamic each edge edit editor email empty enable encrypt end endpoint
engine enter entry env environment error event every example exchange existing expire
expired export external extra factory fail failed fake false feature feed field file
filter final find first fix flag flow folder follow font for form format forward free
from front full function gateway general generate get github gitlab given global good
google grant graph group guest handler hash have header health hello help here hidden
history home hook host hour http https identity image import index info input insert
inside install instance integration internal invalid invite invoice issue item job join
json just keep key keys label language last layout lead leave left legacy level library
license light limit line link list live load local location lock log login logout long
lookup main make manager map market master match max member memory menu merge message
meta method metric middle migration min minute mobile mock mode model module money
monitor month more move must name need network never new news next node none normal
not note notification null number object off offer office old one only open option
order org organization origin other out output owner page panel parent parse part
partner pass passphrase password path pay payload payment pending people permission
personal phone pick place placeholder plain plan platform please plugin point policy
pool port post prefix press preview price primary print private process prod product
production profile project provider proxy public publish pull push query queue quick
random rate read real receive record redirect redacted reference refresh region
register registry release remote remove render replace reply report request require
reset resource response rest result retry return review revoke role root rotate route
row rule run runner safe sale sample save scan schedule schema scope score search
second secret section secure security select self send sender server service session
set setting settings setup share shop short show sign signature signing simple single
site size skip slack slot small social some source space special stage staging standard
start state static status step stock storage store stream string stripe strong style
subject submit subscription success summary super support switch sync system table tag
target task team temp template tenant test text that the their then there these thing
this through ticket time timeout title today token tool top total track trade traffic
transfer trigger true trust type under update upload url usage use user username
valid validate value vault verify version video view visit wait wallet want warning
watch web webhook week welcome what when where which white will window with without
word work worker world write wrong year yes you your yours zone
csrf xsrf jwt oauth sso saml ldap smtp imap rsa aes hmac sha uuid cors ssl tls ssh
gpg pgp dns tcp udp sql http grpc xml yaml toml html css cdn aws gcp azure redis
postgres mysql mongo kafka rabbit nginx
";

/// Two-letter words counted only when a whole piece (`my`, `is`).
const SHORT_WORDS: &[&str] = &[
    "an", "as", "at", "be", "by", "do", "go", "id", "if", "in", "is", "it", "me", "my", "no", "of",
    "ok", "on", "or", "so", "to", "up", "us", "we",
];

fn dictionary() -> &'static HashSet<&'static str> {
    static WORDS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| DICTIONARY.split_whitespace().collect())
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

/// The longest dictionary word, bounding the segmentation's look-ahead.
const LONGEST: usize = 16;

/// Letters of a lower-case `piece` covered by dictionary words, the words
/// chosen to cover as many letters as possible (dynamic programming over
/// the piece, so `yoursecretkeyhere` splits into four words).
fn covered_letters(piece: &str) -> usize {
    if SHORT_WORDS.contains(&piece) {
        return piece.len();
    }
    let words = dictionary();
    let bytes = piece.as_bytes();
    // best[i]: letters covered in bytes[i..].
    let mut best = vec![0usize; bytes.len() + 1];
    for start in (0..bytes.len()).rev() {
        let limit = bytes.len().min(start + LONGEST);
        let value = ((start + 3)..=limit)
            .filter(|&end| piece.get(start..end).is_some_and(|w| words.contains(w)))
            .map(|end| end - start + best[end])
            .fold(best[start + 1], usize::max);
        best[start] = value;
    }
    best[0]
}

/// A lower-case run of letters that pronounces like a word: vowels present
/// in a normal share, no long consonant clusters, no rare letter pairs.
fn pronounceable(word: &str) -> bool {
    let bytes = word.as_bytes();
    if bytes.len() < 3 {
        return SHORT_WORDS.contains(&word);
    }
    let vowel = |b: u8| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y');
    let vowels = bytes.iter().filter(|&&b| vowel(b)).count();
    if vowels * 5 < bytes.len() || vowels * 10 > bytes.len() * 7 {
        return false;
    }
    let mut cluster = 0;
    for &b in bytes {
        cluster = if vowel(b) { 0 } else { cluster + 1 };
        // "strengths", "subscription": English allows four.
        if cluster > 4 {
            return false;
        }
    }
    !bytes.windows(2).any(|p| {
        matches!((p[0], p[1]), (b'q', b) if b != b'u')
            || matches!(
                (p[0], p[1]),
                (b'x' | b'j' | b'v' | b'z', b'x' | b'j' | b'v' | b'z' | b'q')
            )
    })
}

/// A plain identifier: letters and separators only, camelCase boundaries
/// where case changes, every piece pronounceable (`existingSubscription`,
/// `max-retry-count`, `ThisIsAnExample`).
fn is_plain_identifier(value: &str) -> bool {
    if !value
        .bytes()
        .all(|b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'-' | b'.' | b' '))
    {
        return false;
    }
    // Upper-case runs longer than an acronym are not camelCase.
    let upper_run = value
        .as_bytes()
        .split(|b| !b.is_ascii_uppercase())
        .map(<[u8]>::len)
        .max()
        .unwrap_or(0);
    if upper_run > 4 && value.bytes().any(|b| b.is_ascii_lowercase()) {
        return false;
    }
    let pieces = split_words(value);
    !pieces.is_empty() && pieces.iter().all(|p| pronounceable(p))
}

/// True when a short value is a word with decorations: a pronounceable
/// run of five or more lower-case letters in under twenty characters
/// (`tiger^5HHH`). A generated value that short rarely holds one.
#[must_use]
pub fn has_embedded_word(value: &str) -> bool {
    value.len() < 20
        && value
            .split(|c: char| !c.is_ascii_lowercase())
            .any(|run| run.len() >= 5 && pronounceable(run))
}

/// True when the value reads as words: a plain identifier, or letters
/// mostly covered by dictionary words (and the words a good part of the
/// whole value, so `34131674be80e1664733` is not the word "be").
#[must_use]
pub fn looks_like_words(value: &str) -> bool {
    let letters = value.chars().filter(char::is_ascii_alphabetic).count();
    if letters == 0 {
        return false;
    }
    if is_plain_identifier(value) {
        return true;
    }
    let alphanumerics = value.chars().filter(char::is_ascii_alphanumeric).count();
    let covered: usize = split_words(value).iter().map(|p| covered_letters(p)).sum();
    covered * 10 >= letters * 6 && covered * 10 >= alphanumerics * 4
}

/// The shape of a password a person chose: one to three pronounceable
/// words with digits or symbols (`Summer2024!`, `hunter2`, `Blue-Fish-77`).
#[must_use]
pub fn is_human_password(value: &str) -> bool {
    if !(8..=32).contains(&value.len()) || value.contains(char::is_whitespace) {
        return false;
    }
    // Digits or a symbol other than a word separator: `set-password` is a
    // path segment, `Summer2024!` a password.
    if !value.bytes().any(|b| {
        b.is_ascii_digit() || (b.is_ascii_punctuation() && !matches!(b, b'-' | b'_' | b'.'))
    }) {
        return false;
    }
    let pieces = split_words(value);
    (1..=3).contains(&pieces.len())
        && pieces.iter().any(|p| p.len() >= 4)
        && pieces.iter().all(|p| p.len() >= 3 && pronounceable(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_placeholders_and_sentences_read_as_words() {
        for value in [
            "existingSubscription",
            "this_is_my_password",
            "ThisIsAnExampleValueForDocs",
            "YourSecretKeyHere",
            "yoursecretkeyhere",
            "insert-your-token-here",
            "REPLACE_WITH_YOUR_API_KEY",
            "password",
            "deadbeefcafe",
            "max-retry-count",
            "sk_live_YourStripeSecretKey123",
        ] {
            assert!(looks_like_words(value), "{value}");
        }
    }

    #[test]
    fn generated_tokens_do_not() {
        for value in [
            "q7ZxW2mK9pL4vR8tB1nY6cD3",
            "znVasTtkRVpIhoispbffAhRPzdZscWFaAG",
            "ocvTehwbHLYJICKg",
            "J1OncfuM25tirWry",
            "BLjtuivUVTHRYZ62DIO1Koju",
            "3f9a1c77d02e4b8a9e6d0c2b5f7a1e34",
            "9ace683ebfdb57b47e90",
        ] {
            assert!(!looks_like_words(value), "{value}");
        }
    }

    #[test]
    fn passwords_people_choose() {
        for value in [
            "Summer2024!",
            "Blue-Fish-77",
            "Welcome123",
            "hunter22",
            "Correct!Horse",
        ] {
            assert!(is_human_password(value), "{value}");
        }
        for value in [
            "q7ZxW2mK9pL4vR8tB1nY6cD3",
            "Summer",
            "J1OncfuM25tirWry",
            "set-password",
            "make.bat",
        ] {
            assert!(!is_human_password(value), "{value}");
        }
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

    #[test]
    fn dictionary_segments_run_together_words() {
        assert_eq!(covered_letters("yoursecretkeyhere"), 17);
        assert_eq!(covered_letters("xqzv"), 0);
        assert!(dictionary().len() > 500, "{}", dictionary().len());
    }
}
