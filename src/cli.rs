//! The command line.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Parser, Subcommand};
use ipnet::IpNet;
use nexzo_api::authz::KeyScope;

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
    Run {
        /// Serve the query API from this process too (`[api]` settings),
        /// for a single machine; larger deployments run `api` separately.
        #[arg(long)]
        api: bool,
    },
    /// Serve the query API alone (`[api]` settings) until SIGTERM or
    /// Ctrl-C. Any number may run side by side; each watches the reads it
    /// serves for mass export.
    Api,
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
    /// Create and revoke integrators' API keys for the query API.
    #[command(subcommand)]
    ApiKeys(ApiKeysCommand),
    /// Run the anomaly detectors offline over a file, with the same code
    /// and `[anomaly]` settings as the pipeline.
    #[command(subcommand)]
    Backtest(BacktestCommand),
    /// Rebuild rollups over a range from the stored readings, taking in
    /// readings that arrived too late for the live windows. The range is
    /// taken in whole local days (both ends move back to midnight) and must
    /// end at least `stream.meter.idle_timeout_secs` ago.
    Recompute {
        /// First instant: RFC 3339 (2026-03-01T00:00:00Z) or a date
        /// (2026-03-01, meaning midnight UTC).
        #[arg(long, value_parser = parse_instant)]
        from: DateTime<Utc>,
        /// End of the range, excluded; same forms as --from.
        #[arg(long, value_parser = parse_instant)]
        to: DateTime<Utc>,
        /// Only this meter.
        #[arg(long)]
        meter: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum BacktestCommand {
    /// Score one series of `timestamp,value` rows (consumption per
    /// interval; RFC 3339, `YYYY-MM-DD HH:MM:SS` UTC or epoch seconds; any
    /// regular cadence from a minute to a day). The output repeats every
    /// row with `anomaly_score` (0 to 1) and `alert` (0 or 1).
    Usage(BacktestFiles),
    /// Login events, one JSON object per line, in; one JSON alert per
    /// incident out.
    Logins(BacktestFiles),
    /// Ledger entries, one JSON object per line, in; one JSON alert per
    /// incident out.
    Billing(BacktestFiles),
}

/// A backtest's input and output files.
#[derive(Debug, Args)]
pub struct BacktestFiles {
    #[arg(long)]
    pub input: PathBuf,
    #[arg(long)]
    pub output: PathBuf,
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
        /// The property's IANA time zone (e.g. `Europe/Berlin`) for daily
        /// rollups; without it the pipeline's `stream.default_time_zone`.
        #[arg(long, value_parser = parse_time_zone)]
        time_zone: Option<String>,
        /// Register the meter as deactivated: its readings are refused.
        #[arg(long)]
        inactive: bool,
        /// The unit (flat) of the property the meter serves: residents of
        /// that unit see its usage in the portal. Without it the meter keeps
        /// the unit it had.
        #[arg(long)]
        unit: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApiKeysCommand {
    /// Create a key and print it once; only its hash is stored.
    Create {
        #[arg(long)]
        tenant: String,
        /// A name saying who holds the key, shown in audit trails.
        #[arg(long)]
        name: String,
        /// What the key may do (repeatable): usage:read, meters:read,
        /// alerts:read, alerts:write, quarantine:read.
        #[arg(long = "scope", required = true, value_parser = parse_scope)]
        scopes: Vec<KeyScope>,
        /// Accept the key only from these networks (repeatable CIDR blocks,
        /// such as 203.0.113.0/24). Without any, from anywhere.
        #[arg(long = "allow-cidr")]
        allow_cidrs: Vec<IpNet>,
    },
    /// Revoke a key at once: the next request that presents it is refused.
    Revoke {
        #[arg(long)]
        tenant: String,
        /// The key's id: the part between `nxk_` and the next `_`.
        #[arg(long)]
        id: String,
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

fn parse_scope(name: &str) -> Result<KeyScope, String> {
    KeyScope::parse(name).ok_or_else(|| {
        let known: Vec<&str> = KeyScope::ALL.iter().map(|s| s.as_str()).collect();
        format!("{name:?} is not a scope; use one of {}", known.join(", "))
    })
}

/// Accepts only zone names the stream stage can bucket days in, so a typo
/// is refused here rather than discovered when rollups are computed.
fn parse_time_zone(name: &str) -> Result<String, String> {
    name.parse::<chrono_tz::Tz>()
        .map(|tz| tz.name().to_owned())
        .map_err(|_| format!("{name:?} is not an IANA time zone name such as Europe/Berlin"))
}

/// An instant in RFC 3339, or a date meaning its midnight in UTC.
fn parse_instant(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Ok(instant.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| format!("{text:?} is neither RFC 3339 nor a YYYY-MM-DD date"))
}
