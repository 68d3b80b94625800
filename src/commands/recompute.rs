//! `recompute`: rebuilds meters' rollups over a range from their stored
//! readings, for readings that arrived too late for the live windows or
//! were replayed from the quarantine.

use std::sync::Arc;

use anyhow::{Context, bail};
use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use indicatif::{ProgressBar, ProgressStyle};
use nexzo_storage::rollups::{self, RollupRow};
use nexzo_stream::Sample;
use nexzo_stream::recompute::{rebuild, whole_days};
use tokio_postgres::Client;

use crate::config::Config;
use crate::pipeline::{load_registry, rollup_row};

/// What one run changed.
#[derive(Debug, Default)]
struct Tally {
    meters: u64,
    readings: u64,
    buckets: u64,
}

/// `recompute --from --to [--meter]`: for every meter with readings in the
/// range, replaces its buckets in the range with ones rebuilt from its
/// stored readings. The range is taken in whole local days of each meter's
/// time zone: both ends move back to the midnight before them.
///
/// The range must end at least `stream.meter.idle_timeout_secs` ago: newer
/// buckets still belong to the live windows, which would overwrite a
/// rebuilt value when they next publish.
///
/// # Errors
///
/// A range that is empty or too recent, an unreachable database, or a
/// failed write (each meter is replaced in its own transaction, so meters
/// done before the failure stay done; running again is safe).
pub async fn recompute(
    config: &Config,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    meter: Option<&str>,
) -> anyhow::Result<()> {
    check_range(config, from, to, Utc::now())?;
    let mut client = nexzo_storage::connect(config.database.url.expose())
        .await
        .context("connecting")?;
    let (_, registry) = load_registry(&mut client)
        .await
        .context("loading the meter registry")?;
    let meters = rollups::meters_with_readings(&client, from, to, meter)
        .await
        .context("listing meters")?;

    let bar = progress(meters.len())?;
    let mut tally = Tally::default();
    for (meter_id, tenant, property) in meters {
        bar.set_message(meter_id.clone());
        let tz = registry
            .lookup(&meter_id)
            .and_then(|m| m.time_zone.as_deref())
            .and_then(|name| name.parse().ok())
            .unwrap_or_else(|| config.stream.default_tz());
        let owner = (Arc::from(tenant), Arc::from(property));
        one_meter(
            &mut client,
            config,
            &meter_id,
            tz,
            owner,
            (from, to),
            &mut tally,
        )
        .await?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    println!(
        "recomputed {} buckets of {} meters from {} readings",
        tally.buckets, tally.meters, tally.readings
    );
    Ok(())
}

async fn one_meter(
    client: &mut Client,
    config: &Config,
    meter_id: &str,
    tz: Tz,
    (tenant, property): (Arc<str>, Arc<str>),
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    tally: &mut Tally,
) -> anyhow::Result<()> {
    let (from, to) = whole_days(from, to, &tz);
    if from == to {
        return Ok(());
    }
    let registers: Vec<Sample> = rollups::registers_around(client, meter_id, from, to)
        .await?
        .into_iter()
        .map(|r| Sample {
            ts: r.ts,
            energy_wh: r.energy_wh,
        })
        .collect();
    let buckets = rebuild(meter_id, &registers, &config.stream.meter, tz, from, to)?;
    let rows: Vec<RollupRow> = buckets
        .into_iter()
        .map(|b| rollup_row(b, &tenant, &property))
        .collect();
    rollups::replace_range(client, meter_id, from, to, &rows)
        .await
        .with_context(|| format!("replacing the rollups of meter {meter_id}"))?;

    tally.meters += 1;
    tally.readings += registers.len() as u64;
    tally.buckets += rows.len() as u64;
    Ok(())
}

/// Refuses an empty range and one the live windows may still change.
fn check_range(
    config: &Config,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    if from >= to {
        bail!("--from must be before --to");
    }
    let settled = now - TimeDelta::seconds(config.stream.meter.idle_timeout_secs.into());
    if to > settled {
        bail!(
            "--to must be at or before {settled}: later buckets still belong to the live \
             windows (stream.meter.idle_timeout_secs), which would overwrite a rebuilt value"
        );
    }
    Ok(())
}

fn progress(meters: usize) -> anyhow::Result<ProgressBar> {
    let bar = ProgressBar::new(meters as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} meters  {elapsed_precise}  {msg}")
            .context("progress bar template")?,
    );
    Ok(bar)
}
