//! redflag_workspace
