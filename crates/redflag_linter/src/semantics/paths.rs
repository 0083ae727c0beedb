//! What a path says about the code in it: tests, fixtures and examples,
//! and development or test settings modules.
//!
//! Several rules judge production code paths — request handlers, the schema
//! a service runs on. Test suites, fixtures and examples deliberately do
//! what production code must not (sleep in an async test, a migration
//! fixture without indexes), so those rules skip them.

/// Directory names that hold tests, fixtures or examples.
const NON_PRODUCTION_DIRS: &[&str] = &[
    "tests",
    "test",
    "__tests__",
    "spec",
    "specs",
    "testdata",
    "test-data",
    "test_data",
    "fixtures",
    "__fixtures__",
    "examples",
    "example",
    "benches",
    "bench",
    "benchmarks",
];

/// True for files that are tests, test fixtures, examples or benchmarks, by
/// directory or by name (`test_x.py`, `x_test.py`, `conftest.py`,
/// `x.test.ts`, `x.spec.js`, `x_test.rs`).
#[must_use]
pub fn is_test_or_example(path: &str) -> bool {
    let mut components: Vec<&str> = path.split('/').collect();
    let name = components.pop().unwrap_or("");
    if components
        .iter()
        .any(|dir| NON_PRODUCTION_DIRS.contains(dir))
    {
        return true;
    }
    let stem = name.split('.').next().unwrap_or(name);
    name == "conftest.py"
        || stem.starts_with("test_")
        || stem.ends_with("_test")
        || stem.ends_with("_tests")
        || name.contains(".test.")
        || name.contains(".spec.")
}

/// Path components and names of development and test settings.
pub const DEV_SETTINGS: &[&str] = &[
    "dev",
    "devel",
    "development",
    "local",
    "test",
    "tests",
    "testing",
    "ci",
    "debug",
];

/// True for a settings module meant for development or tests: by name
/// (`settings/dev.py`, `local_settings.py`, `settings_test.py`) or because
/// it switches `DEBUG = True` on at the top level.
#[must_use]
pub fn is_dev_settings(path: &str, text: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    let stem = name.split('.').next().unwrap_or(name).to_ascii_lowercase();
    let dev_name = stem
        .split(['_', '-'])
        .any(|part| DEV_SETTINGS.contains(&part));
    // Only a top-level `DEBUG = True`: a `DevelopmentConfig` class setting
    // it does not make the whole module a development one.
    dev_name
        || text.lines().any(|line| {
            line.starts_with("DEBUG") && line.replace(' ', "").starts_with("DEBUG=True")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_tests_fixtures_and_examples() {
        for path in [
            "tests/test_api.py",
            "app/tests/views.py",
            "pkg/test_models.py",
            "pkg/models_test.py",
            "conftest.py",
            "src/server.test.ts",
            "src/__tests__/server.ts",
            "web/app.spec.js",
            "crates/x/tests/it.rs",
            "examples/echo.rs",
            "benches/parse.rs",
            "sqlx/tests/sqlite/migrations/1_user.sql",
            "testdata/repos/x/app.py",
        ] {
            assert!(is_test_or_example(path), "{path}");
        }
        for path in [
            "app/main.py",
            "src/routes/users.ts",
            "migrations/0001_init.sql",
            "src/testing_utils.rs",
            "contest.py",
        ] {
            assert!(!is_test_or_example(path), "{path}");
        }
    }
}
