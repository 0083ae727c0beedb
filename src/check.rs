//! `redflag check`: settings from the configuration and the command line,
//! the walk, the scan, the report and the exit status.

use std::collections::{BTreeMap, HashMap};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{anyhow, bail, Context, Result};
use redflag_diagnostics::{
    render_concise, render_full, render_github, render_json, render_sarif, render_statistics,
    render_todo, Confidence, Report, Severity, SourceProvider, Summary,
};
use redflag_linter::project::vocabulary::{ServiceConfigInput, ServiceSettings};
use redflag_linter::secrets::SecretsSettings;
use redflag_linter::{
    parse_selector, resolve_selection, Engine, PerFileIgnores, Registry, Selector, Settings,
};
use redflag_syntax::sql::SqlDialect;
use redflag_workspace::config::{
    parse_byte_size, ConfidenceName, SeverityName, SqlDialectName, DEFAULT_MAX_FILE_SIZE,
};
use redflag_workspace::{
    discover_config, load_config_file, read_source, walk, Excludes, LoadedConfig, ReadLimits,
    WalkOptions,
};

use crate::cli::{CheckArgs, ColorChoice, Dialect, FailOn, OutputFormat};

/// Exit status: nothing at or above the fail-on level.
pub const EXIT_OK: u8 = 0;
/// Exit status: findings at or above the fail-on level.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status: usage, configuration or internal error.
pub const EXIT_ERROR: u8 = 2;

fn severity(name: SeverityName) -> Severity {
    match name {
        SeverityName::Error => Severity::Error,
        SeverityName::Warning => Severity::Warning,
        SeverityName::Note => Severity::Note,
    }
}

fn parse_selectors(texts: &[String], registry: &Registry, origin: &str) -> Result<Vec<Selector>> {
    texts
        .iter()
        .map(|t| parse_selector(t, registry).map_err(|e| anyhow!("{origin}: {e}")))
        .collect()
}

/// Reads source files again for code frames, decoding them as the scan did.
struct DiskSources {
    cwd: PathBuf,
    limits: ReadLimits,
    cache: Mutex<HashMap<String, Option<Arc<str>>>>,
}

impl SourceProvider for DiskSources {
    fn source(&self, path: &str) -> Option<Arc<str>> {
        let mut cache = self.cache.lock().ok()?;
        cache
            .entry(path.to_string())
            .or_insert_with(|| {
                read_source(&self.cwd.join(path), self.limits)
                    .ok()
                    .map(Arc::from)
            })
            .clone()
    }
}

fn use_color(choice: ColorChoice, to_file: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            !to_file
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

pub(crate) struct Resolved {
    pub(crate) config: Option<LoadedConfig>,
    pub(crate) registry: Registry,
    pub(crate) enabled: Vec<bool>,
    pub(crate) settings: Settings,
    fail_on: Severity,
    pub(crate) excludes: Excludes,
    pub(crate) follow_symlinks: bool,
}

pub(crate) fn resolve(args: &CheckArgs, cwd: &Path) -> Result<Resolved> {
    let first = args
        .paths
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let config = match &args.config {
        Some(path) => {
            let path = cwd.join(path);
            Some(
                load_config_file(&path)?
                    .ok_or_else(|| anyhow!("{}: has no [tool.redflag] table", path.display()))?,
            )
        }
        None => discover_config(&cwd.join(&first))?,
    };
    let default_config = redflag_workspace::Config::default();
    let settings_from = config.as_ref().map_or(&default_config, |c| &c.config);
    let root = config
        .as_ref()
        .map_or_else(|| cwd.to_path_buf(), |c| c.root.clone());
    let origin = config.as_ref().map_or_else(
        || "configuration".to_string(),
        |c| c.path.display().to_string(),
    );

    let mut registry = Registry::builtin()?;
    for dir in &settings_from.rules {
        registry
            .load_rule_dir(&root.join(dir))
            .with_context(|| format!("{origin}: key `rules`"))?;
    }
    for dir in &args.rules {
        registry.load_rule_dir(&cwd.join(dir))?;
    }

    let select = match (&args.select, &settings_from.select) {
        (Some(cli), _) => Some(parse_selectors(cli, &registry, "--select")?),
        (None, Some(configured)) => Some(parse_selectors(
            configured,
            &registry,
            &format!("{origin}: key `select`"),
        )?),
        (None, None) => None,
    };
    let mut extend = parse_selectors(
        &settings_from.extend_select,
        &registry,
        &format!("{origin}: key `extend-select`"),
    )?;
    extend.extend(parse_selectors(
        &args.extend_select,
        &registry,
        "--extend-select",
    )?);
    let mut ignore = parse_selectors(
        &settings_from.ignore,
        &registry,
        &format!("{origin}: key `ignore`"),
    )?;
    ignore.extend(parse_selectors(&args.ignore, &registry, "--ignore")?);
    let enabled = resolve_selection(&registry, select.as_deref(), &extend, &ignore);

    let mut severity_overrides = HashMap::new();
    for (name, level) in &settings_from.severity {
        let id = registry
            .id(name)
            .ok_or_else(|| anyhow!("{origin}: key `severity`: {}", registry.unknown_rule(name)))?;
        severity_overrides.insert(id, severity(*level));
    }
    let per_file: Vec<(String, Vec<String>)> = settings_from
        .per_file_ignores
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let per_file_ignores = PerFileIgnores::new(&root, cwd, &per_file, &registry)
        .map_err(|e| anyhow!("{origin}: {e}"))?;

    let max_file_size = match &args.max_file_size {
        Some(text) => parse_byte_size(text).map_err(|e| anyhow!("--max-file-size: {e}"))?,
        None => settings_from
            .max_file_size
            .map_or(DEFAULT_MAX_FILE_SIZE, |s| s.0),
    };
    let sql_dialect = match (args.sql_dialect, settings_from.sql_dialect) {
        (Some(Dialect::Postgresql), _) | (None, Some(SqlDialectName::Postgresql)) => {
            Some(SqlDialect::PostgreSql)
        }
        (Some(Dialect::Mysql), _) | (None, Some(SqlDialectName::Mysql)) => Some(SqlDialect::MySql),
        (Some(Dialect::Sqlite), _) | (None, Some(SqlDialectName::Sqlite)) => {
            Some(SqlDialect::Sqlite)
        }
        (None, None) => None,
    };
    let fail_on = match (args.fail_on, settings_from.fail_on) {
        (Some(FailOn::Error), _) => Severity::Error,
        (Some(FailOn::Warning), _) => Severity::Warning,
        (Some(FailOn::Note), _) => Severity::Note,
        (None, Some(level)) => severity(level),
        (None, None) => Severity::Warning,
    };
    let mut extend_exclude = settings_from.extend_exclude.clone();
    extend_exclude.extend(args.extend_exclude.iter().cloned());
    let excludes = Excludes::new(settings_from.exclude.as_deref(), &extend_exclude, &root)
        .map_err(|e| anyhow!("{origin}: {e}"))?;
    let follow_symlinks = args.follow_symlinks || settings_from.follow_symlinks.unwrap_or(false);
    let secrets = secrets_settings(&settings_from.secrets, &origin)?;
    let services = services_settings(&settings_from.services, &origin)?;
    Ok(Resolved {
        registry,
        enabled,
        settings: Settings {
            severity_overrides,
            per_file_ignores,
            sql_dialect,
            read_limits: ReadLimits { max_file_size },
            secrets,
            services,
            explain: args.verbose,
            keep_model: false,
        },
        fail_on,
        excludes,
        follow_symlinks,
        config,
    })
}

/// The `[services]` section, compiled.
fn services_settings(
    config: &redflag_workspace::config::ServicesConfig,
    origin: &str,
) -> Result<ServiceSettings> {
    ServiceSettings::new(&ServiceConfigInput {
        health_paths: config.health_paths.clone(),
        health_libraries: config.health_libraries.clone(),
        auth_markers: config.auth_markers.clone(),
        rate_limit_markers: config.rate_limit_markers.clone(),
        security_header_markers: config.security_header_markers.clone(),
        rate_limit_at_gateway: config.rate_limit_at_gateway,
        auth_at_gateway: config.auth_at_gateway,
        security_headers_at_gateway: config.security_headers_at_gateway,
        public_routes: config.public_routes.clone(),
        path_case: config.path_case.clone(),
        path_case_exceptions: config.path_case_exceptions.clone(),
    })
    .map_err(|e| anyhow!("{origin}: {e}"))
}

/// The `[secrets]` section, compiled.
fn secrets_settings(
    config: &redflag_workspace::config::SecretsConfig,
    origin: &str,
) -> Result<SecretsSettings> {
    let allow_regexes = config
        .allow_regexes
        .iter()
        .map(|r| {
            regex::Regex::new(r)
                .map_err(|e| anyhow!("{origin}: key `secrets.allow-regexes`: `{r}`: {e}"))
        })
        .collect::<Result<Vec<_>>>()?;
    let test_paths = if config.test_paths.is_empty() {
        None
    } else {
        let mut builder = globset::GlobSetBuilder::new();
        for glob in &config.test_paths {
            builder.add(
                globset::Glob::new(glob)
                    .map_err(|e| anyhow!("{origin}: key `secrets.test-paths`: `{glob}`: {e}"))?,
            );
        }
        Some(builder.build()?)
    };
    let defaults = SecretsSettings::default();
    Ok(SecretsSettings {
        allow: config.allow.clone(),
        allow_regexes,
        extra_names: config.secret_names.clone(),
        test_paths,
        test_severity: config
            .test_severity
            .map_or(defaults.test_severity, severity),
        test_confidence: match config.test_confidence {
            Some(ConfidenceName::High) => Confidence::High,
            Some(ConfidenceName::Medium) => Confidence::Medium,
            Some(ConfidenceName::Low) => Confidence::Low,
            None => defaults.test_confidence,
        },
        ..SecretsSettings::default()
    })
}

/// Runs `redflag check`; returns the exit status.
///
/// # Errors
/// Configuration, usage and output errors (exit status 2).
pub fn run(args: &CheckArgs) -> Result<u8> {
    let started = Instant::now();
    if args.show_secrets && args.output_format == OutputFormat::Sarif {
        bail!("--show-secrets is refused with --output-format sarif: SARIF reports are uploaded and shared");
    }
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let resolved = resolve(args, &cwd)?;
    let setup_time = started.elapsed();
    if args.verbose {
        match &resolved.config {
            Some(config) => eprintln!(
                "redflag: configuration {}",
                redflag_workspace::display_path(&config.path, &cwd)
            ),
            None => eprintln!("redflag: no configuration file; using defaults"),
        }
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let walked = walk(&WalkOptions {
        paths,
        cwd: cwd.clone(),
        excludes: resolved.excludes.clone(),
        force_exclude: args.force_exclude,
        follow_symlinks: resolved.follow_symlinks,
    })?;
    let walk_time = started.elapsed().saturating_sub(setup_time);

    let enabled_ids: Vec<usize> = (0..resolved.enabled.len())
        .filter(|&i| resolved.enabled[i])
        .collect();
    let descriptors: Vec<_> = enabled_ids
        .iter()
        .map(|&id| resolved.registry.descriptor(id))
        .collect();
    let read_limits = resolved.settings.read_limits;
    let mut settings = resolved.settings;
    settings.keep_model = args.output_format == OutputFormat::Todo;
    let engine = Engine::new(resolved.registry, resolved.enabled, settings);

    let progress = progress_bar(walked.files.len());
    let tick = || {
        if let Some(bar) = &progress {
            bar.inc(1);
        }
    };
    let scan_started = Instant::now();
    let result = engine.scan(&walked.files, &tick);
    let scan_time = scan_started.elapsed();
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }

    let mut skipped = walked.skipped;
    skipped.extend(result.skipped.iter().cloned());
    skipped.sort();
    let mut by_reason: BTreeMap<String, usize> = BTreeMap::new();
    for entry in &skipped {
        *by_reason.entry(entry.reason.key().to_string()).or_default() += 1;
    }
    let summary = Summary {
        files_scanned: result.files_scanned,
        files_skipped: skipped.len(),
        skipped: by_reason,
        errors: result.errors.clone(),
    };

    if args.verbose {
        for entry in &skipped {
            eprintln!("redflag: skipped {} ({})", entry.display, entry.reason);
        }
        for note in &result.notes {
            eprintln!("redflag: note: {}: {}", note.path, note.message);
        }
    }
    for warning in &result.warnings {
        eprintln!("redflag: warning: {warning}");
    }
    for error in &result.errors {
        eprintln!("redflag: error: {}: {}", error.path, error.message);
    }

    let report = Report {
        findings: &result.findings,
        rules: &descriptors,
        summary: &summary,
        show_secrets: args.show_secrets,
    };
    let sources = DiskSources {
        cwd: cwd.clone(),
        limits: read_limits,
        cache: Mutex::new(HashMap::new()),
    };
    let output_file = match (&args.output_file, args.output_format) {
        (Some(path), _) => Some(path.clone()),
        (None, OutputFormat::Todo) if !args.statistics => {
            Some(PathBuf::from(crate::todo::DEFAULT_TODO_FILE))
        }
        (None, _) => None,
    };
    let mut output: Box<dyn Write> = match &output_file {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let color = use_color(args.color, args.output_file.is_some());
    let written = if args.statistics {
        render_statistics(&report, &mut output)
    } else {
        match args.output_format {
            OutputFormat::Full => render_full(&report, &sources, color, &mut output),
            OutputFormat::Concise => render_concise(&report, &mut output),
            OutputFormat::Json => render_json(&report, &mut output),
            OutputFormat::Sarif => render_sarif(&report, &mut output),
            OutputFormat::Github => render_github(&report, &mut output),
            OutputFormat::Todo => {
                let root = args
                    .paths
                    .first()
                    .cloned()
                    .unwrap_or_else(|| PathBuf::from("."));
                let context = crate::todo::context(result.model.as_ref(), &cwd.join(root));
                render_todo(
                    &report,
                    &crate::todo::checklist_items(),
                    &context,
                    &mut output,
                )
            }
        }
    };
    match written.and_then(|()| output.flush()) {
        Ok(()) => {}
        // A closed pipe (`redflag | head`) is not an error of ours.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => bail!("cannot write the report: {e}"),
    }

    if args.verbose {
        let total = started.elapsed();
        eprintln!(
            "redflag: {} files scanned ({} parsed), {} skipped, {} findings in {:.2?} (rules and config {:.2?}, walk {:.2?}, scan {:.2?})",
            summary.files_scanned,
            result.files_parsed,
            summary.files_skipped,
            result.findings.len(),
            total,
            setup_time,
            walk_time,
            scan_time
        );
    } else if !skipped.is_empty()
        && matches!(args.output_format, OutputFormat::Full)
        && std::io::stderr().is_terminal()
    {
        let reasons: Vec<String> = summary
            .skipped
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect();
        eprintln!(
            "redflag: skipped {} ({}); --verbose lists them",
            summary.files_skipped,
            reasons.join(", ")
        );
    }

    if !result.errors.is_empty() {
        return Ok(EXIT_ERROR);
    }
    let failing = result
        .findings
        .iter()
        .any(|f| f.severity >= resolved.fail_on);
    Ok(if failing && !args.exit_zero {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

fn progress_bar(files: usize) -> Option<indicatif::ProgressBar> {
    const SHOW_FROM_FILES: usize = 2000;
    if files < SHOW_FROM_FILES || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(files as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} scanning {pos}/{len} files {wide_bar} {eta}",
    ) {
        bar.set_style(style);
    }
    Some(bar)
}
