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
mod query_api;

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use metrics_exporter_prometheus::PrometheusHandle;
use nexzo_storage::registry::{MeterRow, SiteRow};
use tokio_util::sync::CancellationToken;

use cli::{
    ApiKeysCommand, BacktestCommand, Cli, Command, MetersCommand, QuarantineCommand, SitesCommand,
};
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
        Command::Run { api } => run(config, api).await,
        Command::Api => serve_api(config).await,
        Command::ApiKeys(ApiKeysCommand::Create {
            tenant,
            name,
            scopes,
            allow_cidrs,
        }) => commands::api_keys::create(&config, &tenant, &name, &scopes, &allow_cidrs).await,
        Command::ApiKeys(ApiKeysCommand::Revoke { tenant, id }) => {
            commands::api_keys::revoke(&config, &tenant, &id).await
        }
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
            unit,
        }) => {
            let row = MeterRow {
                meter_id: meter,
                tenant_id: tenant,
                property_id: property,
                gateway_id: gateway,
                active: !inactive,
                time_zone,
            };
            commands::meters::put(&config, row, unit.as_deref()).await
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

/// `run`: the pipeline, with the query API beside it when `with_api`.
async fn run(config: Config, with_api: bool) -> anyhow::Result<()> {
    let metrics = install_metrics()?;
    let shutdown = CancellationToken::new();
    let health = ops::Health::default();
    if let Some(addr) = &config.runtime.ops_listen {
        let addr: std::net::SocketAddr = addr.parse().context("runtime.ops_listen")?;
        let (health, metrics, token) = (health.clone(), metrics.clone(), shutdown.clone());
        tokio::spawn(async move {
            if let Err(err) = ops::serve(addr, health, metrics, token).await {
                tracing::error!(cause = %err, "ops endpoint failed; no health or metrics are served");
            }
        });
    }
    tokio::spawn(cancel_on_signal(shutdown.clone()));

    // The API starts once the pipeline has migrated the schema it reads;
    // its failing to start stops the whole process, since an operator who
    // asked for it would otherwise find the portal down with no error.
    let (schema_ready, migrated) = tokio::sync::oneshot::channel();
    let api = with_api.then(|| {
        let (config, metrics, token) = (config.clone(), metrics.clone(), shutdown.clone());
        tokio::spawn(async move {
            if migrated.await.is_err() {
                return Ok(()); // the pipeline stopped first and says why
            }
            let served = query_api::serve(&config, metrics, token.clone()).await;
            token.cancel();
            served
        })
    });
    let pipeline = pipeline::run(
        config,
        shutdown.clone(),
        health,
        with_api.then_some(schema_ready),
    )
    .await;
    // A pipeline that failed after the API started takes the API down too.
    shutdown.cancel();
    match api {
        Some(api) => {
            let served = api.await.context("the query API task panicked")?;
            pipeline.and(served.context("query API"))
        }
        None => pipeline,
    }
}

/// `api`: the query API alone, its metrics at its own `/metrics`, with
/// its mass-export watch.
async fn serve_api(config: Config) -> anyhow::Result<()> {
    let metrics = install_metrics()?;
    let shutdown = CancellationToken::new();
    tokio::spawn(cancel_on_signal(shutdown.clone()));
    query_api::serve(&config, metrics, shutdown).await
}

/// Installs the process's Prometheus recorder and keeps its histogram
/// summaries folded.
fn install_metrics() -> anyhow::Result<PrometheusHandle> {
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
    Ok(metrics)
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
