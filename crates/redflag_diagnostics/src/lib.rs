//! redflag_diagnostics
