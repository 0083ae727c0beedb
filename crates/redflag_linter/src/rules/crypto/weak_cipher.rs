//! `weak-cipher`: encryption with DES, 3DES, RC4, RC2, Blowfish or CAST5,
//! or with any block cipher in ECB mode, in Python, JavaScript/TypeScript
//! and Rust.
//!
//! Each library names its ciphers its own way (`DES.new`, `algorithms.ARC4`,
//! `createCipheriv('des-ede3-cbc')`, `TdesEde3::new`, `Cipher::rc4()`), so
//! the rule reads the constructor call of each one, through imports, and
//! classifies the algorithm or mode it names. Only constructors are read:
//! a weak cipher is reported once, where it is made.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::crypto::{call_arguments, mapping_entry, string_value, Arg};
use crate::semantics::paths::is_test_or_example;
use crate::semantics::{callee_path, compact, rust_in_test_code, walk};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(WeakCipher { meta: meta() })
}

struct WeakCipher {
    meta: RuleMeta,
}

/// What is wrong with an algorithm or mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Weakness {
    Des,
    TripleDes,
    Rc4,
    Rc2,
    Blowfish,
    Cast5,
    Idea,
    Ecb,
}

impl Weakness {
    fn why(self) -> &'static str {
        match self {
            Weakness::Des => "DES has a 56-bit key that is brute-forced in hours",
            Weakness::TripleDes => {
                "3DES has a 64-bit block (Sweet32 recovers plaintext after a few GB under one key) and NIST disallows it for encryption since 2024"
            }
            Weakness::Rc4 => "RC4's keystream is biased, so repeated plaintexts leak (it is banned from TLS by RFC 7465)",
            Weakness::Rc2 => "RC2 is a broken 1980s cipher with a 64-bit block",
            Weakness::Blowfish | Weakness::Cast5 | Weakness::Idea => {
                "it has a 64-bit block, so ciphertexts collide after a few GB under one key (Sweet32)"
            }
            Weakness::Ecb => {
                "ECB encrypts equal blocks to equal ciphertext, so the plaintext's patterns show through and blocks can be swapped without detection"
            }
        }
    }
}

/// Classifies an OpenSSL-style algorithm name (`des-ede3-cbc`, `rc4`,
/// `aes-128-ecb`, `bf-cbc`, node-forge's `3DES-CBC`, `AES-ECB`).
fn classify_name(name: &str) -> Option<Weakness> {
    let name = name.trim().to_ascii_lowercase().replace('_', "-");
    let name = name.as_str();
    if name.starts_with("des-ede")
        || name.starts_with("des3")
        || name.starts_with("3des")
        || name == "tripledes"
    {
        Some(Weakness::TripleDes)
    } else if name.starts_with("des") || name == "desx" {
        Some(Weakness::Des)
    } else if name.starts_with("rc4") || name == "arc4" {
        Some(Weakness::Rc4)
    } else if name.starts_with("rc2") {
        Some(Weakness::Rc2)
    } else if name.starts_with("bf") || name.starts_with("blowfish") {
        Some(Weakness::Blowfish)
    } else if name.starts_with("cast") {
        Some(Weakness::Cast5)
    } else if name.starts_with("idea") {
        Some(Weakness::Idea)
    } else if name.ends_with("-ecb") || name == "ecb" {
        Some(Weakness::Ecb)
    } else {
        None
    }
}

fn report(ctx: &mut NodeContext<'_>, node: Node<'_>, call: &str, weakness: Weakness, help: &str) {
    ctx.report(
        Diagnostic::new(
            node.byte_range(),
            format!(
                "`{call}` encrypts with a broken cipher or mode: {}",
                weakness.why()
            ),
        )
        .help(help),
    );
}

// ---------------------------------------------------------------- Python

const PY_HELP: &str = "use authenticated encryption: `AESGCM(key).encrypt(nonce, data, aad)` (or `ChaCha20Poly1305`) from `cryptography.hazmat.primitives.ciphers.aead` with a fresh 12-byte `os.urandom` nonce per message, or `Fernet`; with PyCryptodome, `AES.new(key, AES.MODE_GCM)`";

fn check_python(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let Some(callee) = callee_path(file, Language::Python, node) else {
        return;
    };
    let imports = file.imports();
    let head = callee.split('.').next().unwrap_or(&callee);
    if imports.binding(head).is_none() {
        return;
    }
    let resolved = imports.resolve(&callee);
    let segments: Vec<&str> = resolved.split('.').collect();
    let pycryptodome = matches!(segments.first(), Some(&("Crypto" | "Cryptodome")));
    match segments.as_slice() {
        // PyCryptodome / PyCrypto: `DES.new(key, DES.MODE_CBC, iv)`.
        [.., "Cipher", algorithm, "new"] if pycryptodome => {
            let weakness = match *algorithm {
                "DES" => Some(Weakness::Des),
                "DES3" => Some(Weakness::TripleDes),
                "ARC4" => Some(Weakness::Rc4),
                "ARC2" => Some(Weakness::Rc2),
                "Blowfish" => Some(Weakness::Blowfish),
                "CAST" => Some(Weakness::Cast5),
                _ => None,
            };
            let ecb = call_arguments(node).into_iter().any(|arg| {
                let value = if arg.kind() == "keyword_argument" {
                    arg.child_by_field_name("value")
                } else {
                    Some(arg)
                };
                value.is_some_and(|v| {
                    let text = compact(file.text_of(v));
                    text == "MODE_ECB" || text.ends_with(".MODE_ECB")
                })
            });
            let shown = format!("{algorithm}.new");
            if let Some(weakness) = weakness {
                report(ctx, node, &shown, weakness, PY_HELP);
            } else if ecb {
                report(
                    ctx,
                    node,
                    &format!("{algorithm}.new(..., {algorithm}.MODE_ECB)"),
                    Weakness::Ecb,
                    PY_HELP,
                );
            }
        }
        // pyca/cryptography: `Cipher(algorithms.TripleDES(key), modes.CBC(iv))`.
        ["cryptography", .., "algorithms", algorithm] => {
            let weakness = match *algorithm {
                "TripleDES" => Some(Weakness::TripleDes),
                "ARC4" => Some(Weakness::Rc4),
                "Blowfish" => Some(Weakness::Blowfish),
                "CAST5" => Some(Weakness::Cast5),
                "IDEA" => Some(Weakness::Idea),
                _ => None,
            };
            if let Some(weakness) = weakness {
                report(
                    ctx,
                    node,
                    &format!("algorithms.{algorithm}"),
                    weakness,
                    PY_HELP,
                );
            }
        }
        ["cryptography", .., "modes", "ECB"] => {
            report(ctx, node, "modes.ECB()", Weakness::Ecb, PY_HELP);
        }
        ["pyDes", "des"] => report(ctx, node, "pyDes.des", Weakness::Des, PY_HELP),
        ["pyDes", "triple_des"] => {
            report(ctx, node, "pyDes.triple_des", Weakness::TripleDes, PY_HELP);
        }
        _ => {}
    }
}

// ---------------------------------------------------------------- JS / TS

const JS_HELP: &str = "use `crypto.createCipheriv('aes-256-gcm', key, iv)` with a 32-byte key, a fresh `crypto.randomBytes(12)` IV per message and `cipher.getAuthTag()` stored beside the ciphertext (or `chacha20-poly1305`)";

/// A string literal, or a name bound once in the file to one
/// (`const ALGORITHM = "aes-256-ecb";`, the usual way to write it).
fn js_constant_string<'a>(file: &'a SourceFile, node: Node<'_>) -> Option<&'a str> {
    if node.kind() != "identifier" {
        return string_value(file, node);
    }
    let name = file.text_of(node);
    let root = file.tree()?.root_node();
    let mut values = Vec::new();
    walk(root, |n| {
        if n.kind() == "variable_declarator"
            && n.child_by_field_name("name")
                .is_some_and(|d| file.text_of(d) == name)
        {
            values.push(n.child_by_field_name("value"));
        }
        true
    });
    match values.as_slice() {
        [Some(value)] => string_value(file, *value),
        _ => None,
    }
}

fn check_js(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let Some(callee) = callee_path(file, Language::JavaScript, node) else {
        return;
    };
    let imports = file.imports();
    let head = callee.split('.').next().unwrap_or(&callee);
    let resolved = imports.resolve(&callee);
    let imported = imports.binding(head).is_some();
    let segments: Vec<&str> = resolved.split('.').collect();
    let args = call_arguments(node);
    let first_string = args.first().and_then(|a| js_constant_string(file, *a));
    match segments.as_slice() {
        // Node's crypto (imported, or the CommonJS global in scripts).
        ["crypto", function @ ("createCipheriv" | "createDecipheriv")]
            if imported || head == "crypto" =>
        {
            if let Some(weakness) = first_string.and_then(classify_name) {
                let algorithm = first_string.unwrap_or_default();
                report(
                    ctx,
                    node,
                    &format!("{function}('{algorithm}')"),
                    weakness,
                    JS_HELP,
                );
            }
        }
        ["crypto", function @ ("createCipher" | "createDecipher")]
            if imported || head == "crypto" =>
        {
            ctx.report(
                Diagnostic::new(
                    node.byte_range(),
                    format!(
                        "`crypto.{function}` derives its key from the password with one MD5 round and no salt and uses no IV, so equal messages encrypt equally; it is deprecated and removed in Node 22"
                    ),
                )
                .help(format!("{JS_HELP}; derive the key with `crypto.scryptSync(password, salt, 32)` if it comes from a password")),
            );
        }
        // crypto-js: `CryptoJS.TripleDES.encrypt(msg, key)`,
        // `CryptoJS.AES.encrypt(msg, key, { mode: CryptoJS.mode.ECB })`.
        ["crypto-js", algorithm, "encrypt" | "decrypt"] if imported => {
            let weakness = match *algorithm {
                "DES" => Some(Weakness::Des),
                "TripleDES" => Some(Weakness::TripleDes),
                "RC4" | "RC4Drop" => Some(Weakness::Rc4),
                _ => None,
            };
            let ecb = args.get(2).filter(|o| o.kind() == "object").is_some_and(|options| {
                matches!(mapping_entry(file, *options, "mode"), Arg::Given(v) if compact(file.text_of(v)).ends_with("mode.ECB"))
            });
            if let Some(weakness) = weakness {
                report(
                    ctx,
                    node,
                    &format!("CryptoJS.{algorithm}.{}", segments[2]),
                    weakness,
                    JS_HELP,
                );
            } else if ecb {
                report(
                    ctx,
                    node,
                    &format!("CryptoJS.{algorithm}.{} with mode ECB", segments[2]),
                    Weakness::Ecb,
                    JS_HELP,
                );
            }
        }
        // node-forge: `forge.cipher.createCipher('3DES-CBC', key)`.
        ["node-forge", "cipher", function @ ("createCipher" | "createDecipher")] if imported => {
            if let Some(weakness) = first_string.and_then(classify_name) {
                let algorithm = first_string.unwrap_or_default();
                report(
                    ctx,
                    node,
                    &format!("forge.cipher.{function}('{algorithm}')"),
                    weakness,
                    JS_HELP,
                );
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------- Rust

const RUST_HELP: &str = "use an AEAD from RustCrypto, `aes_gcm::Aes256Gcm` or `chacha20poly1305::ChaCha20Poly1305`, with a fresh random nonce per message (`Aes256Gcm::generate_nonce(&mut OsRng)`); with the openssl crate, `Cipher::aes_256_gcm()`";

/// RustCrypto cipher types and their crates.
const RUST_TYPES: &[(&str, &str, Weakness)] = &[
    ("Des", "des", Weakness::Des),
    ("TdesEde2", "des", Weakness::TripleDes),
    ("TdesEde3", "des", Weakness::TripleDes),
    ("TdesEee2", "des", Weakness::TripleDes),
    ("TdesEee3", "des", Weakness::TripleDes),
    ("Rc4", "rc4", Weakness::Rc4),
    ("Rc2", "rc2", Weakness::Rc2),
    ("Blowfish", "blowfish", Weakness::Blowfish),
    ("Cast5", "cast5", Weakness::Cast5),
    ("Idea", "idea", Weakness::Idea),
];

/// The weakness named by a Rust type or path text (`des::TdesEde3`,
/// `cbc::Encryptor<des::Des>`, `ecb::Encryptor::<Aes128>`), with the name.
fn rust_weak_type(file: &SourceFile, text: &str) -> Option<(String, Weakness)> {
    let imports = file.imports();
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .filter(|w| !w.is_empty())
        .collect();
    for word in &words {
        let resolved = imports.resolve(word.trim_start_matches("::"));
        let mut segments = resolved.split("::");
        let krate = segments.next().unwrap_or("");
        let last = resolved.rsplit("::").next().unwrap_or("");
        for (ty, crate_name, weakness) in RUST_TYPES {
            let named = resolved.split("::").any(|s| s == *ty);
            if named && krate == *crate_name {
                return Some(((*ty).to_string(), *weakness));
            }
        }
        if krate == "ecb"
            && resolved
                .split("::")
                .any(|s| matches!(s, "Encryptor" | "Decryptor" | "Encryptor2" | "Decryptor2"))
        {
            let role = resolved
                .split("::")
                .find(|s| s.starts_with("Encryptor") || s.starts_with("Decryptor"))
                .unwrap_or(last);
            return Some((format!("ecb::{role}"), Weakness::Ecb));
        }
    }
    None
}

fn check_rust(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    if rust_in_test_code(file, ctx.ancestors) {
        return;
    }
    if node.kind() == "type_item" {
        // `type TdesCbcEnc = cbc::Encryptor<des::TdesEde3>;`: the alias is
        // where the cipher is chosen; its `::new` calls are not re-reported.
        let Some(ty) = node.child_by_field_name("type") else {
            return;
        };
        if let Some((_, weakness)) = rust_weak_type(file, file.text_of(ty)) {
            let alias = node
                .child_by_field_name("name")
                .map_or("", |n| file.text_of(n));
            let target = compact(file.text_of(ty));
            report(
                ctx,
                node,
                &format!("type {alias} = {target}"),
                weakness,
                RUST_HELP,
            );
        }
        return;
    }
    let Some(function) = node.child_by_field_name("function") else {
        return;
    };
    if !matches!(function.kind(), "scoped_identifier" | "generic_function") {
        return;
    }
    let text = compact(file.text_of(function));
    let last = text.rsplit("::").next().unwrap_or("");
    // openssl: `Cipher::des_ede3_cbc()`, `Cipher::rc4()`, `Cipher::aes_128_ecb()`.
    let imports = file.imports();
    let resolved = imports.resolve(&text);
    if resolved.starts_with("openssl::")
        || (text.starts_with("Cipher::")
            && imports.modules().iter().any(|m| m.starts_with("openssl")))
    {
        if resolved.contains("Cipher::") {
            if let Some(weakness) = classify_name(last) {
                report(ctx, node, &format!("Cipher::{last}()"), weakness, RUST_HELP);
            }
        }
        return;
    }
    if !(last.starts_with("new") || last == "new_from_slice" || last == "new_from_slices") {
        return;
    }
    if let Some((name, weakness)) = rust_weak_type(file, &text) {
        report(ctx, node, &format!("{name}::{last}"), weakness, RUST_HELP);
    }
}

impl Rule for WeakCipher {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    /// Tests encrypt known-answer vectors with legacy ciphers on purpose.
    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path)
    }

    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        let candidates: &[&str] = match language {
            Language::Python => &["DES", "ARC4", "ARC2", "Blowfish", "CAST", "ECB", "pyDes"],
            Language::Rust => &[
                "des", "rc4", "Rc4", "rc2", "blowfish", "cast5", "idea", "ecb", "Cipher::",
            ],
            _ => &["createCipher", "createDecipher", "crypto-js", "node-forge"],
        };
        Some(vec![candidates.iter().map(|c| (*c).to_string()).collect()])
    }

    fn node_kinds(&self, language: Language) -> Vec<String> {
        match language {
            Language::Python => vec!["call".to_string()],
            Language::Rust => vec!["call_expression".to_string(), "type_item".to_string()],
            _ => vec!["call_expression".to_string()],
        }
    }

    fn check_node(&self, node: Node<'_>, ctx: &mut NodeContext<'_>) {
        match ctx.language() {
            Language::Python => check_python(node, ctx),
            Language::Rust => check_rust(node, ctx),
            _ => check_js(node, ctx),
        }
    }
}

const DOCS: &str = r#"
## What it does
Finds data encrypted with DES, 3DES, RC4, RC2, Blowfish, CAST5 or IDEA, or
with a block cipher in ECB mode. Python: PyCryptodome/PyCrypto `DES.new`,
`DES3.new`, `ARC4.new`, `ARC2.new`, `Blowfish.new`, `CAST.new` and
`AES.new(key, AES.MODE_ECB)`; pyca/cryptography `algorithms.TripleDES`,
`ARC4`, `Blowfish`, `CAST5`, `IDEA` and `modes.ECB()`; `pyDes`.
JavaScript/TypeScript: `crypto.createCipheriv` / `createDecipheriv` with a
`des-*`, `rc4`, `rc2`, `bf-*`, `cast*` or `*-ecb` algorithm, the deprecated
`crypto.createCipher` / `createDecipher`, crypto-js `DES`, `TripleDES`, `RC4`
and `mode: CryptoJS.mode.ECB`, node-forge `cipher.createCipher('3DES-CBC')`.
Rust: the `des`, `rc4`, `rc2`, `blowfish`, `cast5` and `idea` crates'
constructors, `ecb::Encryptor` / `ecb::Decryptor`, type aliases over them,
and openssl `Cipher::des_*()`, `Cipher::rc4()`, `Cipher::bf_*()`,
`Cipher::*_ecb()`.

## Why it matters
Checklist SCOPE-4.5 (sensitive data encrypted with strong algorithms). DES
keys are brute-forced in hours; 64-bit-block ciphers (3DES, Blowfish,
CAST5, IDEA) leak plaintext once a few gigabytes pass under one key
(Sweet32); RC4's keystream is biased. ECB mode encrypts equal blocks to
equal ciphertext, so the shape of the data shows through and blocks can be
reordered or replayed. None of these modes detects tampering.

## Example
```python
from Crypto.Cipher import AES

def encrypt_card(key: bytes, pan: bytes) -> bytes:
    return AES.new(key, AES.MODE_ECB).encrypt(pad(pan, 16))
```

## Use instead
```python
import os
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

def encrypt_card(key: bytes, pan: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, pan, None)
```
Node: `crypto.createCipheriv('aes-256-gcm', key, crypto.randomBytes(12))`
and keep `getAuthTag()`. Rust: `aes_gcm::Aes256Gcm` or
`chacha20poly1305::ChaCha20Poly1305` with a fresh nonce per message.
Decrypting legacy data with an old cipher once, to re-encrypt it, is a
reason for a suppression comment that says so.

## Configuration
Select or ignore it by name or `SCOPE-4.5`. Tests and examples are not
checked. A JavaScript algorithm name held in a constant of the same file
(`const ALGORITHM = "aes-256-ecb"`) is read. Not seen: algorithm names from
configuration or other files (`createCipheriv(process.env.ALGO, ..)`), ciphers built through wrappers
defined elsewhere, Web Crypto (which has no weak ciphers), and Rust calls
inside macros.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("weak-cipher", "SCOPE-4.5")
        .severity(Severity::Error)
        .confidence(Confidence::High)
        .summary("Data is encrypted with a broken cipher (DES, 3DES, RC4, Blowfish…) or in ECB mode.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Tsx, FileKind::Rust])
        .tags(&["security", "crypto"])
        .cwe(&["CWE-327"])
        .security_severity(7.5)
        .docs(DOCS)
        .invalid(
            FileKind::Python,
            r#"
            from Crypto.Cipher import AES, DES3
            from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

            def encrypt_card(key: bytes, pan: bytes) -> bytes:
                return AES.new(key, AES.MODE_ECB).encrypt(pad(pan, 16))

            def encrypt_legacy(key: bytes, iv: bytes, data: bytes) -> bytes:
                cipher = DES3.new(key, DES3.MODE_CBC, iv)
                return cipher.encrypt(pad(data, 8))

            def encryptor(key: bytes, iv: bytes):
                return Cipher(algorithms.TripleDES(key), modes.CBC(iv)).encryptor()

            def tokenise(key: bytes):
                return Cipher(algorithms.AES(key), modes.ECB()).encryptor()
            "#,
            4,
        )
        .valid(
            FileKind::Python,
            r#"
            import os
            from Crypto.Cipher import AES
            from cryptography.fernet import Fernet
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            def encrypt_card(key: bytes, pan: bytes) -> bytes:
                nonce = os.urandom(12)
                return nonce + AESGCM(key).encrypt(nonce, pan, None)

            def seal(key: bytes, data: bytes):
                cipher = AES.new(key, AES.MODE_GCM)
                ciphertext, tag = cipher.encrypt_and_digest(data)
                return cipher.nonce, ciphertext, tag

            def encrypt_note(key: bytes, note: bytes) -> bytes:
                return Fernet(key).encrypt(note)
            "#,
        )
        .invalid(
            FileKind::TypeScript,
            r#"
            import crypto from "node:crypto";
            import CryptoJS from "crypto-js";

            export function encryptSsn(ssn: string, key: Buffer): string {
              const cipher = crypto.createCipheriv("des-ede3-cbc", key, crypto.randomBytes(8));
              return cipher.update(ssn, "utf8", "hex") + cipher.final("hex");
            }

            export function encryptCard(pan: string, key: Buffer): Buffer {
              const cipher = crypto.createCipheriv("aes-256-ecb", key, null);
              return Buffer.concat([cipher.update(pan), cipher.final()]);
            }

            export const legacy = (text: string) => crypto.createCipher("aes192", process.env.APP_SECRET!).update(text, "utf8", "hex");

            export const wrap = (text: string, key: string) =>
              CryptoJS.AES.encrypt(text, key, { mode: CryptoJS.mode.ECB }).toString();
            "#,
            4,
        )
        .valid(
            FileKind::TypeScript,
            r#"
            import { createCipheriv, randomBytes } from "node:crypto";

            export function encryptSsn(ssn: string, key: Buffer) {
              const iv = randomBytes(12);
              const cipher = createCipheriv("aes-256-gcm", key, iv);
              const data = Buffer.concat([cipher.update(ssn, "utf8"), cipher.final()]);
              return { iv, data, tag: cipher.getAuthTag() };
            }
            "#,
        )
        .invalid(
            FileKind::JavaScript,
            r#"
            const { createCipheriv } = require("crypto");

            function encryptSession(data, key) {
              const cipher = createCipheriv("rc4", key, "");
              return cipher.update(JSON.stringify(data), "utf8", "base64") + cipher.final("base64");
            }
            module.exports = { encryptSession };
            "#,
            1,
        )
        .invalid(
            FileKind::Rust,
            r#"
            use cipher::{BlockEncryptMut, KeyIvInit, KeyInit};
            use des::TdesEde3;

            type TdesCbcEnc = cbc::Encryptor<TdesEde3>;
            type Aes128EcbEnc = ecb::Encryptor<aes::Aes128>;

            pub fn encrypt_pin(key: &[u8; 24], iv: &[u8; 8], pin: &mut [u8]) {
                let _ = TdesCbcEnc::new(key.into(), iv.into());
                let _ = rc4::Rc4::new(key.into());
            }

            pub fn legacy_cipher() -> openssl::symm::Cipher {
                openssl::symm::Cipher::bf_cbc()
            }
            "#,
            4,
        )
        .valid(
            FileKind::Rust,
            r#"
            use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
            use aes_gcm::Aes256Gcm;

            pub fn encrypt_pin(key: &[u8; 32], pin: &[u8]) -> Result<Vec<u8>, aes_gcm::Error> {
                let cipher = Aes256Gcm::new(key.into());
                let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
                let mut out = nonce.to_vec();
                out.extend(cipher.encrypt(&nonce, pin)?);
                Ok(out)
            }
            "#,
        )
}

#[cfg(test)]
mod tests {
    use crate::engine::findings_of_rule;
    use redflag_syntax::FileKind;

    fn messages(path: &str, kind: FileKind, code: &str) -> Vec<String> {
        findings_of_rule("weak-cipher", path, kind, code)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn messages_name_the_call_and_the_weakness() {
        let found = messages(
            "app/crypto.py",
            FileKind::Python,
            "from Cryptodome.Cipher import ARC4\ndef enc(k, d):\n    return ARC4.new(k).encrypt(d)\n",
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with("`ARC4.new` encrypts with a broken cipher"),
            "{}",
            found[0]
        );
        assert!(found[0].contains("RC4"));
    }

    #[test]
    fn a_local_object_named_like_a_cipher_module_is_not_one() {
        let code = "def f(DES, key):\n    return DES.new(key)\n";
        assert!(messages("app/x.py", FileKind::Python, code).is_empty());
        let js = "const forge = makeForge();\nforge.cipher.createCipher('3DES-CBC', key);\n";
        assert!(messages("src/x.js", FileKind::JavaScript, js).is_empty());
    }

    #[test]
    fn rust_generic_constructor_and_imported_ecb() {
        let code = r#"
            use ecb::Encryptor;
            use blowfish::Blowfish;
            pub fn a(key: &[u8]) {
                let _ = Encryptor::<aes::Aes128>::new(key.into());
                let _ = cbc::Encryptor::<Blowfish>::new_from_slices(key, &[0; 8]);
                let _ = aes::Aes128::new(key.into());
            }
        "#;
        let found = messages("src/enc.rs", FileKind::Rust, code);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].contains("ecb::Encryptor::new"), "{}", found[0]);
        assert!(
            found[1].contains("Blowfish::new_from_slices"),
            "{}",
            found[1]
        );
    }

    #[test]
    fn js_algorithm_held_in_a_file_constant() {
        let code = r#"
            const crypto = require("crypto");
            const ALGORITHM = "aes-256-ecb";
            function encrypt(text, key) {
              const cipher = crypto.createCipheriv(ALGORITHM, key, null);
              return cipher.update(text, "utf8", "hex") + cipher.final("hex");
            }
            function decrypt(text, key, algorithm) {
              return crypto.createDecipheriv(algorithm, key, null).update(text, "hex", "utf8");
            }
        "#;
        let found = messages("src/vault.js", FileKind::JavaScript, code);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with("`createCipheriv('aes-256-ecb')`"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn tests_are_not_checked() {
        let code = "from Crypto.Cipher import DES\nDES.new(b'8bytekey', DES.MODE_ECB)\n";
        assert!(messages("tests/test_vectors.py", FileKind::Python, code).is_empty());
    }
}
