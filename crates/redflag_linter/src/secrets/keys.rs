//! Private key blocks: PEM (RSA, EC, DSA, PKCS#8, encrypted), OpenSSH and
//! PGP, also when their line breaks are `\n` escapes inside a JSON value or
//! a string literal. Public keys and certificates are never findings: their
//! markers are not anchors.

use std::ops::Range;

use super::checksums::{pgp_armor_checksum_ok, private_key_body_ok};

/// The largest key block read.
const MAX_BLOCK: usize = 64 * 1024;
/// A real key body holds at least this many base64 characters.
const MIN_BODY: usize = 64;

/// A private key found in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyBlock {
    /// From `-----BEGIN` to the end of the `-----END …-----` line.
    pub range: Range<usize>,
    /// `RSA PRIVATE KEY`, `OPENSSH PRIVATE KEY`, `PGP PRIVATE KEY BLOCK`, …
    pub label: String,
    /// The body, line breaks and escapes removed.
    pub body: String,
    /// Encrypted with a passphrase: still a finding, at lower severity.
    pub encrypted: bool,
}

/// Reads a key block starting at a `-----BEGIN` marker.
///
/// Returns `None` for blocks that are not private keys (public keys,
/// certificates), `Some(Err(why))` for private-key headers whose body is
/// missing or does not decode.
#[must_use]
pub fn read_block(text: &str, start: usize) -> Option<Result<KeyBlock, &'static str>> {
    let rest = text.get(start + "-----BEGIN ".len()..)?;
    let label_end = rest.find("-----")?;
    let label = rest[..label_end].trim();
    if label.len() > 40 || !label.ends_with("PRIVATE KEY") && label != "PGP PRIVATE KEY BLOCK" {
        return None;
    }
    let body_start = start + "-----BEGIN ".len() + label_end + 5;
    let limit = super::ceil_boundary(text, body_start + MAX_BLOCK);
    let end_marker = format!("-----END {label}-----");
    let window = text.get(body_start..limit).unwrap_or("");
    let Some(end_at) = window.find(&end_marker) else {
        return Some(Err("no END marker"));
    };
    let raw_body = &window[..end_at];
    let body_end = body_start + end_at + end_marker.len();
    let encrypted = label.contains("ENCRYPTED") || raw_body.contains("Proc-Type: 4,ENCRYPTED");
    let (body, checksum) = clean_body(raw_body);
    if body.len() < MIN_BODY {
        return Some(Err("key body too short"));
    }
    let valid = if label.starts_with("PGP") {
        checksum.is_none_or(|crc| pgp_armor_checksum_ok(&body, &crc))
    } else {
        encrypted || private_key_body_ok(&body)
    };
    if !valid {
        return Some(Err("key body does not decode"));
    }
    Some(Ok(KeyBlock {
        range: start..body_end,
        label: label.to_string(),
        body,
        encrypted,
    }))
}

/// Drops line breaks (real or escaped), string concatenation quotes and
/// armor headers; returns the base64 body and a PGP `=XXXX` checksum.
fn clean_body(raw: &str) -> (String, Option<String>) {
    let unescaped = raw.replace("\\r", "\n").replace("\\n", "\n");
    let mut body = String::with_capacity(unescaped.len());
    let mut checksum = None;
    for line in unescaped.lines() {
        let line = strip_quoting(line);
        if line.is_empty() || line.contains(':') {
            // `Proc-Type: …`, `DEK-Info: …`, `Version: …` armor headers.
            continue;
        }
        if let Some(crc) = line.strip_prefix('=') {
            if crc.len() == 4 {
                checksum = Some(crc.to_string());
                continue;
            }
        }
        body.extend(
            line.chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')),
        );
    }
    (body, checksum)
}

/// Removes the string syntax around a line of a key written inside code:
/// a leading quote, and a trailing `",` or `" +` — but never a `+` or `=`
/// of the base64 itself.
fn strip_quoting(line: &str) -> &str {
    let mut line = line.trim();
    line = line.strip_prefix(['"', '\'']).unwrap_or(line);
    loop {
        let trimmed = line.trim_end();
        let next = if let Some(rest) = trimmed.strip_suffix(',') {
            rest
        } else if let Some(rest) = trimmed
            .strip_suffix('+')
            .filter(|r| r.trim_end().ends_with(['"', '\'']))
        {
            rest
        } else if let Some(rest) = trimmed.strip_suffix(['"', '\'']) {
            rest
        } else if trimmed.bytes().any(|b| b.is_ascii_alphanumeric()) {
            break trimmed;
        } else {
            // What is left of `" +` once an escaped line break split it.
            break "";
        };
        line = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    fn pem(label: &str, der: &[u8]) -> String {
        let body = base64::engine::general_purpose::STANDARD.encode(der);
        let lines: Vec<&str> = body
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        format!(
            "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
            lines.join("\n")
        )
    }

    fn fake_der() -> Vec<u8> {
        let mut der = vec![0x30, 0x82, 0x01, 0x00];
        der.extend((0..200u8).map(|i| i.wrapping_mul(37)));
        der
    }

    #[test]
    fn reads_pem_blocks_in_every_spelling() {
        let text = pem("RSA PRIVATE KEY", &fake_der());
        let block = read_block(&text, 0).unwrap().unwrap();
        assert_eq!(block.label, "RSA PRIVATE KEY");
        assert_eq!(block.range.end, text.trim_end().len());
        // Escaped inside a JSON value.
        let json = format!(
            "{{\"private_key\": \"{}\"}}",
            text.trim_end().replace('\n', "\\n")
        );
        let at = json.find("-----BEGIN").unwrap();
        assert!(read_block(&json, at).unwrap().is_ok());
    }

    #[test]
    fn public_keys_certificates_and_placeholders_are_not_keys() {
        let public = pem("PUBLIC KEY", &fake_der());
        assert!(read_block(&public, 0).is_none());
        let cert = pem("CERTIFICATE", &fake_der());
        assert!(read_block(&cert, 0).is_none());
        let placeholder =
            "-----BEGIN PRIVATE KEY-----\n<your key here>\n-----END PRIVATE KEY-----\n";
        assert!(read_block(placeholder, 0).unwrap().is_err());
        let not_der = pem("PRIVATE KEY", &[b'x'; 120]);
        assert_eq!(
            read_block(&not_der, 0).unwrap(),
            Err("key body does not decode")
        );
    }

    #[test]
    fn keys_written_as_concatenated_strings() {
        let text = pem("EC PRIVATE KEY", &fake_der());
        let lines: Vec<String> = text.lines().map(|l| format!("  \"{l}\\n\" +")).collect();
        let code = format!("const key =\n{};\n", lines.join("\n"));
        let at = code.find("-----BEGIN").unwrap();
        assert!(read_block(&code, at).unwrap().is_ok(), "{code}");
        assert_eq!(strip_quoting("  \"MIIBxY+\" +"), "MIIBxY+");
        assert_eq!(strip_quoting("abc+/=="), "abc+/==");
    }

    #[test]
    fn encrypted_keys_are_flagged_as_such() {
        let text = pem("ENCRYPTED PRIVATE KEY", &fake_der());
        assert!(read_block(&text, 0).unwrap().unwrap().encrypted);
    }
}
