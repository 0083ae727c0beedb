//! `route-path-not-kebab-case`: URL path segments that break the service's
//! naming convention (kebab-case unless configured otherwise).

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::project::evidence::describe;
use crate::project::services::is_param_segment;
use crate::project::vocabulary::{is_version_segment, PathCase};
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(RoutePathNotKebabCase { meta: meta() })
}

struct RoutePathNotKebabCase {
    meta: RuleMeta,
}

/// True when a literal segment follows the convention. Dots are allowed
/// (`openapi.json`, `.well-known`).
#[must_use]
pub fn follows(segment: &str, case: PathCase) -> bool {
    let words = segment.trim_start_matches('.').split('.');
    let ok = |word: &str| -> bool {
        if word.is_empty() {
            return true;
        }
        let lower_or_digit = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
        match case {
            PathCase::Any => true,
            PathCase::Kebab => word.split('-').all(|w| !w.is_empty() && w.chars().all(lower_or_digit)),
            PathCase::Snake => word.split('_').all(|w| !w.is_empty() && w.chars().all(lower_or_digit)),
            PathCase::Camel => {
                word.chars().next().is_some_and(lower_or_digit)
                    && word.chars().all(|c| c.is_ascii_alphanumeric())
            }
        }
    };
    words.into_iter().all(ok)
}

fn suggestion(segment: &str, case: PathCase) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in segment.chars() {
        if c == '-' || c == '_' {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    match case {
        PathCase::Snake => words.join("_"),
        PathCase::Camel => words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i == 0 {
                    w.clone()
                } else {
                    let mut chars = w.chars();
                    chars
                        .next()
                        .map(|f| f.to_ascii_uppercase().to_string() + chars.as_str())
                        .unwrap_or_default()
                }
            })
            .collect(),
        _ => words.join("-"),
    }
}

impl Rule for RoutePathNotKebabCase {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        let settings = &model.service_settings;
        let case = settings.path_case;
        if case == PathCase::Any {
            return;
        }
        for service in &model.services.services {
            let mut seen: Vec<(String, String)> = Vec::new();
            for route in &service.routes {
                // Regex routes (Django `re_path`) are not plain segments.
                if route.path.contains(['^', '$', '(', '\\', '?']) {
                    continue;
                }
                for segment in route.path.split('/') {
                    if segment.is_empty()
                        || is_param_segment(segment)
                        || segment.contains(['<', '{', ':', '*'])
                        || is_version_segment(segment)
                        || settings.path_case_exceptions.iter().any(|e| e == segment)
                        || follows(segment, case)
                    {
                        continue;
                    }
                    let key = (route.location.path.clone(), segment.to_string());
                    if seen.contains(&key) {
                        continue;
                    }
                    seen.push(key);
                    ctx.report(ProjectDiagnostic {
                        location: Some(route.location.clone()),
                        message: format!(
                            "path segment `{segment}` of `{}` is not {}: URLs of one API should follow one convention",
                            describe(route),
                            case.name()
                        ),
                        help: Some(format!(
                            "rename it `{}` (keep the old path as a redirect while clients migrate)",
                            suggestion(segment, case)
                        )),
                        severity: None,
                        confidence: None,
                    });
                }
            }
        }
    }
}

const DOCS: &str = r#"
## What it does
Checks every literal segment of every route's full path against the URL
naming convention — kebab-case by default — and reports segments in
camelCase, snake_case or with capitals. Path parameters in every framework's
syntax (`:id`, `{id}`, `<int:id>`), version segments, regex routes and
configured exceptions are skipped. Each segment is reported once per file.

## Why it matters
Checklist TASK-1.1 (consistent naming conventions: kebab-case URLs). Mixed
conventions make an API harder to guess and to document, and URLs are
case-sensitive: `/userProfiles` and `/user-profiles` are different
resources to every client and cache.

## Example
```javascript
router.get('/userProfiles/:id', getProfile);
```

## Use instead
```javascript
router.get('/user-profiles/:id', getProfile);
```

## Configuration
`[services] path-case` is `kebab-case` (default), `snake_case`,
`camelCase` or `any` (off); `path-case-exceptions` lists segments to leave
alone (`oauth2callback`).
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("route-path-not-kebab-case", "TASK-1.1")
        .severity(Severity::Note)
        .confidence(Confidence::High)
        .summary("A route's path segment breaks the URL naming convention (kebab-case by default).")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .tags(&["api", "naming"])
        .docs(DOCS)
        .invalid_at(
            FileKind::JavaScript,
            "src/app.js",
            r"
            const express = require('express');
            const app = express();
            app.get('/v1/userProfiles/:userId', (req, res) => res.json({}));
            app.get('/v1/order_items', (req, res) => res.json([]));
            app.listen(3000);
            ",
            2,
        )
        .valid_at(
            FileKind::JavaScript,
            "src/app.js",
            r"
            const express = require('express');
            const app = express();
            app.get('/v1/user-profiles/:userId', (req, res) => res.json({}));
            app.get('/.well-known/openid-configuration', (req, res) => res.json({}));
            app.get('/openapi.json', (req, res) => res.json({}));
            app.listen(3000);
            ",
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conventions_and_suggestions() {
        assert!(follows("user-profiles", PathCase::Kebab));
        assert!(follows("openapi.json", PathCase::Kebab));
        assert!(!follows("userProfiles", PathCase::Kebab));
        assert!(!follows("order_items", PathCase::Kebab));
        assert!(follows("order_items", PathCase::Snake));
        assert!(follows("userProfiles", PathCase::Camel));
        assert_eq!(suggestion("userProfiles", PathCase::Kebab), "user-profiles");
        assert_eq!(suggestion("order_items", PathCase::Kebab), "order-items");
        assert_eq!(suggestion("user-profiles", PathCase::Camel), "userProfiles");
    }
}
