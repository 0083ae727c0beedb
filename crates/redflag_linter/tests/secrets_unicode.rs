//! Multi-byte characters next to every anchor of the secrets pass, at the
//! edges of every bounded window, and at the end of the file: the secrets
//! rules slice text by byte offsets, and none of them may land inside a
//! character. A panic would be caught by the engine and reported as an
//! internal error; this test requires there are none.

use redflag_linter::engine::{Engine, Settings, SourceInput};
use redflag_linter::registry::Registry;
use redflag_linter::secrets::providers::PROVIDERS;
use redflag_linter::secrets::urls::CREDENTIAL_KEYS;
use redflag_syntax::FileKind;

const WIDE: &[&str] = &["“", "é", "中", "😀"];

fn anchors() -> Vec<String> {
    let mut all: Vec<String> = PROVIDERS
        .iter()
        .flat_map(|p| p.anchors.iter().map(|a| (*a).to_string()))
        .collect();
    all.extend(CREDENTIAL_KEYS.iter().map(|k| (*k).to_string()));
    all.extend(
        [
            "-----BEGIN RSA PRIVATE KEY-----",
            "-----BEGIN PGP PRIVATE KEY BLOCK-----",
            "://",
            "postgres://user:",
            "password",
            "secret",
            "token",
            "api_key",
            "Authorization: Basic ",
            "process.env.API_KEY || ",
            "os.getenv(\"API_KEY\", ",
            "env::var(\"API_KEY\").unwrap_or(",
        ]
        .map(String::from),
    );
    all
}

fn texts() -> Vec<String> {
    let mut texts = Vec::new();
    for anchor in anchors() {
        for wide in WIDE {
            let run = wide.repeat(300);
            texts.push(format!("{wide}{anchor}{wide}\n"));
            texts.push(format!("x = \"{anchor}{run}\"\n"));
            texts.push(format!("{run}{anchor}"));
            texts.push(format!("{anchor}{}{wide}", "A".repeat(40)));
            texts.push(format!(
                "KEY = '{anchor}{}{run}'\n",
                "Zq8vL2mX9kWp".repeat(3)
            ));
            texts.push(format!("{anchor}\\n{run}\\n-----END RSA PRIVATE KEY-----"));
            texts.push(format!("a://{run}:{run}@{wide}/{anchor}"));
        }
    }
    texts
}

#[test]
fn no_secrets_rule_slices_inside_a_character() {
    let registry = Registry::builtin().expect("rules");
    let enabled: Vec<bool> = registry
        .rules()
        .iter()
        .map(|rule| rule.meta().red_flag.as_deref() == Some("RF-6"))
        .collect();
    let engine = Engine::new(registry, enabled, Settings::default());
    let kinds = [
        ("a.py", FileKind::Python),
        ("a.ts", FileKind::TypeScript),
        ("a.rs", FileKind::Rust),
        ("a.yaml", FileKind::Yaml),
        (".env", FileKind::Env),
        ("notes.txt", FileKind::Text),
    ];
    let mut sources = Vec::new();
    for (n, text) in texts().into_iter().enumerate() {
        let (name, kind) = kinds[n % kinds.len()];
        sources.push(SourceInput {
            path: format!("f{n}/{name}"),
            kind,
            text,
        });
    }
    let count = sources.len();
    let result = engine.scan_sources(sources);
    assert_eq!(result.files_scanned, count);
    let errors: Vec<String> = result
        .errors
        .iter()
        .take(5)
        .map(|e| format!("{e:?}"))
        .collect();
    assert!(
        errors.is_empty(),
        "{} internal errors, first: {errors:#?}",
        result.errors.len()
    );
}
