//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Nexzo MyProperty telemetry pipeline: meter readings and security events
/// in, validated rows in TimescaleDB out.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    /// Configuration file (TOML). Without one, the documented defaults apply,
    /// overridden by NEXZO_<SECTION>__<KEY> environment variables.
    #[arg(long, short, env = "NEXZO_CONFIG", global = true)]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the pipeline until SIGTERM or Ctrl-C, then drain and exit.
    Run,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Validate the configuration, list every problem, or print the
    /// effective configuration with secrets masked.
    CheckConfig,
    /// Inspect and replay quarantined records.
    #[command(subcommand)]
    Quarantine(QuarantineCommand),
    /// Manage the meter registry (the ingest allowlist).
    #[command(subcommand)]
    Meters(MetersCommand),
    /// Manage the OriginFD site registry (the integration allowlist).
    #[command(subcommand)]
    Sites(SitesCommand),
}

#[derive(Debug, Subcommand)]
pub enum QuarantineCommand {
    /// List quarantined records, oldest first.
    List {
        #[command(flatten)]
        select: Selection,
        /// Include records already replayed.
        #[arg(long)]
        all: bool,
    },
    /// Count quarantined records per reason.
    Summary,
    /// Re-validate chosen records against today's registry and rules, and
    /// store those that now pass, as if they had just arrived.
    Replay {
        #[command(flatten)]
        select: Selection,
        /// Report what would pass without storing anything.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Which quarantined records a command looks at.
#[derive(Debug, Args)]
pub struct Selection {
    /// Only this reason code (for example unknown_meter).
    #[arg(long)]
    pub reason: Option<String>,
    /// Only records of this meter.
    #[arg(long)]
    pub meter: Option<String>,
    /// Only these quarantine ids (repeatable).
    #[arg(long = "id")]
    pub ids: Vec<i64>,
    /// At most this many records.
    #[arg(long, default_value_t = 100)]
    pub limit: i64,
}

#[derive(Debug, Subcommand)]
pub enum MetersCommand {
    /// Register a meter, or change its registration.
    Put {
        #[arg(long)]
        meter: String,
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        property: String,
        /// The gateway allowed to report for this meter.
        #[arg(long)]
        gateway: Option<String>,
        /// Register the meter as deactivated: its readings are refused.
        #[arg(long)]
        inactive: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum SitesCommand {
    /// Register an OriginFD site, or change its registration.
    Put {
        #[arg(long)]
        site: String,
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        property: String,
        /// Register the site as deactivated: its events are refused.
        #[arg(long)]
        inactive: bool,
    },
}
