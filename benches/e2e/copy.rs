//! The database ceiling: the same rows copied straight into `readings`,
//! with nothing in front (no broker, no validation, no staging table, no
//! conflict check, no rollups).

use std::pin::pin;
use std::time::Instant;

use chrono::Utc;
use nexzo_storage::readings::COPY_TYPES;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::ToSql;

use crate::support::TestDb;
use crate::workload::{Clock, METERS, energy_wh};

const COPY_READINGS: &str = "
    COPY readings
        (tenant_id, property_id, meter_id, ts, energy_wh, power_w, voltage_v, current_a, received_at)
    FROM STDIN BINARY";

/// Copies readings `0..readings` into a fresh database on `server_url` in
/// one binary COPY (one statement, one commit) and returns the rate in
/// readings per second, from the start of the COPY to its commit.
pub(crate) async fn copy_ceiling(server_url: &str, clock: Clock, readings: usize) -> f64 {
    let db = TestDb::create(server_url).await;
    let client = db.client().await;
    let meters: Vec<String> = (0..METERS).map(|m| format!("m-{m}")).collect();
    let (none, received_at) = (None::<f64>, Utc::now());

    let started = Instant::now();
    let sink = client.copy_in(COPY_READINGS).await.unwrap();
    let mut writer = pin!(BinaryCopyInWriter::new(sink, COPY_TYPES));
    for index in 0..readings {
        let (ts, energy) = (clock.ts(index), energy_wh(index));
        let row: [&(dyn ToSql + Sync); 9] = [
            &"t",
            &"p",
            &meters[index % METERS],
            &ts,
            &energy,
            &none,
            &none,
            &none,
            &received_at,
        ];
        writer.as_mut().write(&row).await.unwrap();
    }
    let copied = writer.finish().await.unwrap();
    let seconds = started.elapsed().as_secs_f64();

    assert_eq!(copied, u64::try_from(readings).unwrap(), "rows copied");
    #[allow(clippy::cast_precision_loss)]
    let rate = readings as f64 / seconds;
    rate
}
