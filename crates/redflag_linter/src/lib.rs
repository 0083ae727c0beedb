//! redflag_linter
