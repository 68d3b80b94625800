//! One-off commands: everything but `run`. Their output on stdout is the
//! point, so printing is allowed here.
#![allow(clippy::print_stdout)]

pub mod api_keys;
pub mod backtest;
pub mod meters;
pub mod quarantine;
pub mod recompute;

use anyhow::Context;
use nexzo_storage::migrate;

use crate::config::Config;

/// `migrate`: applies pending migrations.
///
/// # Errors
///
/// The database is unreachable or a migration failed (and was rolled back).
pub async fn migrate(config: &Config) -> anyhow::Result<()> {
    let mut client = nexzo_storage::connect(config.database.url.expose())
        .await
        .context("connecting")?;
    let applied = migrate::run(&mut client).await.context("migrating")?;
    if applied.is_empty() {
        println!(
            "schema is up to date ({} migrations)",
            migrate::MIGRATIONS.len()
        );
    }
    for m in applied {
        println!("applied {:04} {}", m.version, m.name);
    }
    Ok(())
}

/// `check-config`: prints the effective configuration, secrets masked.
///
/// # Errors
///
/// The configuration cannot be rendered as TOML (not expected).
pub fn print_config(config: &Config) -> anyhow::Result<()> {
    let text = toml::to_string_pretty(config).context("rendering the configuration")?;
    println!("# configuration is valid; effective values:\n{text}");
    Ok(())
}
