//! Offline runs of the detectors over files.

pub mod billing;
pub mod logins;
pub mod usage;
