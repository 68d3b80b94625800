//! `nexzo-telemetry`: the pipeline binary. It reads the configuration,
//! wires sources, processing and storage together, and hosts the one-off
//! commands (migrations, quarantine, registry).

// A binary has no public API, so `pub` only marks what modules share.
#![allow(unreachable_pub)]

mod cli;
mod commands;
mod config;
mod logging;
mod ops;
mod pipeline;

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use nexzo_storage::registry::{MeterRow, SiteRow};
use tokio_util::sync::CancellationToken;

use cli::{BacktestCommand, Cli, Command, MetersCommand, QuarantineCommand, SitesCommand};
use config::Config;

/// Exit status for a configuration that does not validate, distinct from a
/// runtime failure (1) so that scripts can tell them apart.
const EXIT_BAD_CONFIG: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match config::load(cli.config.as_deref(), std::env::vars()) {
        Ok(config) => config,
        Err(err) => {
            eprint!("{err}");
            return ExitCode::from(EXIT_BAD_CONFIG);
        }
    };
    if let Command::CheckConfig = cli.command {
        return report(commands::print_config(&config));
    }

    logging::init(config.runtime.log_format);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => return report(Err(err).context("starting the async runtime")),
    };
    report(runtime.block_on(dispatch(cli.command, config)))
}

async fn dispatch(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Run => run(config).await,
        Command::Migrate => commands::migrate(&config).await,
        Command::CheckConfig => commands::print_config(&config),
        Command::Quarantine(QuarantineCommand::List { select, all }) => {
            commands::quarantine::list(&config, &select, all).await
        }
        Command::Quarantine(QuarantineCommand::Summary) => {
            commands::quarantine::summary(&config).await
        }
        Command::Quarantine(QuarantineCommand::Replay { select, dry_run }) => {
            commands::quarantine::replay(&config, &select, dry_run).await
        }
        Command::Meters(MetersCommand::Put {
            meter,
            tenant,
            property,
            gateway,
            time_zone,
            inactive,
        }) => {
            let row = MeterRow {
                meter_id: meter,
                tenant_id: tenant,
                property_id: property,
                gateway_id: gateway,
                active: !inactive,
                time_zone,
            };
            commands::meters::put(&config, row).await
        }
        Command::Backtest(BacktestCommand::Usage(files)) => {
            commands::backtest::usage(&files.input, &files.output)
        }
        Command::Backtest(BacktestCommand::Logins(files)) => {
            commands::backtest::logins(&config, &files.input, &files.output)
        }
        Command::Backtest(BacktestCommand::Billing(files)) => {
            commands::backtest::billing(&config, &files.input, &files.output)
        }
        Command::Recompute { from, to, meter } => {
            commands::recompute::recompute(&config, from, to, meter.as_deref()).await
        }
        Command::Sites(SitesCommand::Put {
            site,
            tenant,
            property,
            inactive,
        }) => {
            let row = SiteRow {
                site_id: site,
                tenant_id: tenant,
                property_id: property,
                active: !inactive,
            };
            commands::meters::put_site(&config, row).await
        }
    }
}

/// How often histogram summaries are folded for `/metrics`.
const METRICS_UPKEEP: std::time::Duration = std::time::Duration::from_secs(5);

async fn run(config: Config) -> anyhow::Result<()> {
    let metrics = metrics_exporter_prometheus::PrometheusBuilder::new()
        .install_recorder()
        .context("installing the metrics recorder")?;
    let upkeep = metrics.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(METRICS_UPKEEP).await;
            upkeep.run_upkeep();
        }
    });

    let shutdown = CancellationToken::new();
    let health = ops::Health::default();
    if let Some(addr) = &config.runtime.ops_listen {
        let addr: std::net::SocketAddr = addr.parse().context("runtime.ops_listen")?;
        let (health, token) = (health.clone(), shutdown.clone());
        tokio::spawn(async move {
            if let Err(err) = ops::serve(addr, health, metrics, token).await {
                tracing::error!(cause = %err, "ops endpoint failed; no health or metrics are served");
            }
        });
    }
    tokio::spawn(cancel_on_signal(shutdown.clone()));
    pipeline::run(config, shutdown, health).await
}

/// Fires `shutdown` on SIGTERM or SIGINT.
async fn cancel_on_signal(shutdown: CancellationToken) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        tracing::error!("cannot listen for signals; stop the process with SIGKILL");
        return;
    };
    tokio::select! {
        _ = term.recv() => tracing::info!(signal = "SIGTERM", "shutdown requested"),
        _ = int.recv() => tracing::info!(signal = "SIGINT", "shutdown requested"),
    }
    shutdown.cancel();
}

fn report(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
