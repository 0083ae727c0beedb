//! Which files a scan reads, and with which settings.
//!
//! Owns configuration discovery and validation ([`config`]), the parallel,
//! ignore-aware walk with its skip reasons ([`walk`]), and reading one file
//! safely ([`read`]). The rule engine receives a plain file list from here.

pub mod config;
pub mod read;
pub mod walk;

pub use config::{discover_config, load_config_file, Config, ConfigError, LoadedConfig};
pub use read::{read_source, ReadLimits, SkipReason};
pub use walk::{
    display_path, walk, Excludes, Skipped, WalkError, WalkOptions, WalkOutput, WalkedFile,
};
