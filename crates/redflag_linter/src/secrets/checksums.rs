//! Offline validation: checksums and structures that tell a real credential
//! from a string that only looks like one.
//!
//! Facts about the formats (what is checksummed, how it is encoded) come
//! from the providers' public descriptions; the code is ours.

use base64::Engine as _;
use crc::{Crc, CRC_24_OPENPGP, CRC_32_ISO_HDLC};

const CRC32: Crc<u32> = Crc::<u32>::new(&CRC_32_ISO_HDLC);
const CRC24: Crc<u32> = Crc::<u32>::new(&CRC_24_OPENPGP);

/// The GMP/"lexicographic" base62 alphabet GitHub and npm use.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// CRC-32 (IEEE) of `bytes`.
#[must_use]
pub fn crc32(bytes: &[u8]) -> u32 {
    CRC32.checksum(bytes)
}

/// Encodes `value` in the digits of `alphabet` (its first one is zero),
/// left-padded to `width`.
fn positional(mut value: u32, alphabet: &[u8], width: usize) -> String {
    let base = alphabet.len() as u32;
    let mut digits = Vec::new();
    while value > 0 {
        digits.push(alphabet[(value % base) as usize]);
        value /= base;
    }
    while digits.len() < width {
        digits.push(alphabet[0]);
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

/// Encodes `value` in base62, left-padded with `0` to `width`.
#[must_use]
pub fn base62(value: u32, width: usize) -> String {
    positional(value, BASE62, width)
}

/// Encodes `value` in lower-case base36, left-padded with `0` to `width`.
#[must_use]
pub fn base36(value: u32, width: usize) -> String {
    positional(value, b"0123456789abcdefghijklmnopqrstuvwxyz", width)
}

/// GitHub (`ghp_`, `gho_`, …) and npm (`npm_`) tokens: 30 random base62
/// characters, then the CRC-32 of those 30 characters in 6 base62 digits.
#[must_use]
pub fn github_style_checksum_ok(token: &str) -> bool {
    let Some((_, body)) = token.split_once('_') else {
        return false;
    };
    if body.len() != 36 || !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    let (entropy, checksum) = body.split_at(30);
    base62(crc32(entropy.as_bytes()), 6) == checksum
}

/// GitLab routable tokens: `<prefix><payload>.[<version>.]<length><crc>`,
/// where `length` is the payload length in two base36 digits and `crc` the
/// CRC-32 of everything before it in seven base36 digits.
#[must_use]
pub fn gitlab_routable_checksum_ok(token: &str) -> bool {
    if token.len() < 9 {
        return false;
    }
    let (signed, crc) = token.split_at(token.len() - 7);
    // `length` is the two base36 digits right after the last dot.
    let Some((head, length)) = signed.rsplit_once('.') else {
        return false;
    };
    if length.len() != 2 {
        return false;
    }
    let payload = head
        .split_once('-')
        .map(|(_, rest)| rest.split('.').next().unwrap_or(rest))
        .unwrap_or(head);
    let declared = u32::from_str_radix(length, 36).ok();
    if declared.is_some_and(|n| n as usize != payload.len()) {
        return false;
    }
    base36(crc32(signed.as_bytes()), 7) == crc
}

/// Grafana service-account tokens: `glsa_<32>_<8 hex>`, the hex being the
/// CRC-32 of `glsa_<32>` written as little-endian bytes.
#[must_use]
pub fn grafana_checksum_ok(token: &str) -> bool {
    let Some((key, checksum)) = token.rsplit_once('_') else {
        return false;
    };
    if checksum.len() != 8 {
        return false;
    }
    let crc = crc32(key.as_bytes()).to_le_bytes();
    let expected: String = crc.iter().map(|b| format!("{b:02x}")).collect();
    expected == checksum
}

/// Atlassian API tokens: the last 8 characters are the CRC-32 (big-endian
/// hex) of everything before them.
#[must_use]
pub fn atlassian_checksum_ok(token: &str) -> bool {
    if token.len() < 9 {
        return false;
    }
    let (body, checksum) = token.split_at(token.len() - 8);
    u32::from_str_radix(checksum, 16).is_ok_and(|crc| crc == crc32(body.as_bytes()))
}

/// age secret keys: Bech32 with the human-readable part `age-secret-key-`.
#[must_use]
pub fn age_key_ok(token: &str) -> bool {
    bech32::decode(token)
        .is_ok_and(|(hrp, data)| hrp.to_lowercase() == "age-secret-key-" && data.len() == 32)
}

/// Decodes standard or URL-safe base64, padded or not.
#[must_use]
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let cleaned: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let trimmed = cleaned.trim_end_matches('=');
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(trimmed)
        .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(trimmed))
        .ok()
}

/// A JSON Web Token: three base64url parts, the first decoding to a JSON
/// object with an `alg`.
#[must_use]
pub fn jwt_ok(token: &str) -> bool {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let header_ok = decode_base64(header)
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .is_some_and(|json| json.get("alg").is_some());
    let payload_ok = decode_base64(payload)
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .is_some_and(|json| json.is_object());
    header_ok && payload_ok
}

/// Base64 that decodes to a JSON object (Grafana cloud and legacy keys,
/// Sentry org tokens).
#[must_use]
pub fn base64_json_ok(text: &str) -> bool {
    decode_base64(text)
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .is_some_and(|json| json.is_object())
}

/// The body of a PEM private key decodes to DER (an ASN.1 SEQUENCE) or to an
/// OpenSSH key container.
#[must_use]
pub fn private_key_body_ok(body: &str) -> bool {
    let Some(bytes) = decode_base64(body) else {
        return false;
    };
    bytes.len() >= 48 && (bytes[0] == 0x30 || bytes.starts_with(b"openssh-key-v1\0"))
}

/// The CRC-24 line of an ASCII-armored PGP block (`=XXXX`) matches the data.
#[must_use]
pub fn pgp_armor_checksum_ok(data: &str, checksum: &str) -> bool {
    let (Some(bytes), Some(expected)) = (decode_base64(data), decode_base64(checksum)) else {
        return false;
    };
    if expected.len() != 3 {
        return false;
    }
    let crc = CRC24.checksum(&bytes);
    let expected =
        (u32::from(expected[0]) << 16) | (u32::from(expected[1]) << 8) | u32::from(expected[2]);
    crc == expected
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a GitHub-style token the way the format describes it.
    fn github_token(prefix: &str, entropy: &str) -> String {
        format!("{prefix}{entropy}{}", base62(crc32(entropy.as_bytes()), 6))
    }

    #[test]
    fn github_and_npm_checksums() {
        let token = github_token("ghp_", "zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ");
        assert_eq!(token.len(), 40);
        assert!(github_style_checksum_ok(&token));
        let mut broken = token.clone();
        broken.replace_range(10..11, if &token[10..11] == "a" { "b" } else { "a" });
        assert!(!github_style_checksum_ok(&broken));
        assert!(github_style_checksum_ok(&github_token(
            "npm_",
            "qkJaB6MffYVzZXWqmcoF49yrUxP3wf"
        )));
        assert!(!github_style_checksum_ok(
            "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        ));
    }

    #[test]
    fn gitlab_routable_checksums() {
        // The published example of the non-versioned routable format.
        assert!(gitlab_routable_checksum_ok(
            "glpat-bzox79Of-KE9FD2LjoXXF4CvyxA.0r03gxo7s"
        ));
        assert!(!gitlab_routable_checksum_ok(
            "glpat-bzox79Of-KE9FD2LjoXXF4CvyxA.0r03gxo7t"
        ));
        // A versioned token built by the described rule.
        let signed = "glpat-AbCdEfGhIjKlMnOpQrStUvWxYz0123.01.0u";
        let token = format!("{signed}{}", base36(crc32(signed.as_bytes()), 7));
        assert!(gitlab_routable_checksum_ok(&token), "{token}");
    }

    #[test]
    fn grafana_and_atlassian_checksums() {
        let key = "glsa_Zx3Kq9Lm2Vb7Nc4Hd8Tf1Rg6Yj5Wp0Sa";
        let crc: String = crc32(key.as_bytes())
            .to_le_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(grafana_checksum_ok(&format!("{key}_{crc}")));
        assert!(!grafana_checksum_ok(&format!("{key}_00000000")));
        let body = "ATATT3xFfGF0Qm9ndXNUb2tlbkZvclRlc3RzT25seV9ub3RfcmVhbA=";
        let token = format!("{body}{:08X}", crc32(body.as_bytes()));
        assert!(atlassian_checksum_ok(&token));
        assert!(!atlassian_checksum_ok(&format!("{body}00000000")));
    }

    #[test]
    fn age_jwt_and_structures() {
        let data = [7u8; 32];
        let key =
            bech32::encode::<bech32::Bech32>(bech32::Hrp::parse("age-secret-key-").unwrap(), &data)
                .unwrap()
                .to_uppercase();
        assert!(key.starts_with("AGE-SECRET-KEY-1"));
        assert!(age_key_ok(&key));
        assert!(!age_key_ok(&key.replace('Q', "P")));
        let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"sub":"42"}"#);
        assert!(jwt_ok(&format!("{header}.{payload}.c2lnbmF0dXJl")));
        assert!(!jwt_ok("eyJub3QiOiJqd3QifQ.eyJ4IjoxfQ.sig"));
        assert!(base64_json_ok("eyJrIjoiYWJjIiwibiI6Im15a2V5IiwiaWQiOjF9"));
    }

    #[test]
    fn pgp_crc24() {
        let data = base64::engine::general_purpose::STANDARD.encode(b"some armored bytes");
        let crc = CRC24.checksum(b"some armored bytes").to_be_bytes();
        let checksum = base64::engine::general_purpose::STANDARD.encode(&crc[1..]);
        assert!(pgp_armor_checksum_ok(&data, &checksum));
        assert!(!pgp_armor_checksum_ok(&data, "AAAA"));
    }
}
