//! Embedded schema migrations.

use tokio_postgres::Client;

use crate::error::StorageError;

/// One migration: applied once, in version order, never edited afterwards.
#[derive(Debug)]
pub struct Migration {
    pub version: i32,
    pub name: &'static str,
    sql: &'static str,
}

/// Every migration this build knows, oldest first.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "readings_registry_quarantine",
        sql: include_str!("../migrations/0001_readings_registry_quarantine.sql"),
    },
    Migration {
        version: 2,
        name: "events_ledger_logins",
        sql: include_str!("../migrations/0002_events_ledger_logins.sql"),
    },
    Migration {
        version: 3,
        name: "rollups_and_state",
        sql: include_str!("../migrations/0003_rollups_and_state.sql"),
    },
    Migration {
        version: 4,
        name: "alerts",
        sql: include_str!("../migrations/0004_alerts.sql"),
    },
    Migration {
        version: 5,
        name: "portal_security",
        sql: include_str!("../migrations/0005_portal_security.sql"),
    },
    Migration {
        version: 6,
        name: "state_compression",
        sql: include_str!("../migrations/0006_state_compression.sql"),
    },
];

/// An arbitrary constant that serialises concurrent migrators (two pipeline
/// instances starting together) through a transaction-scoped advisory lock.
const MIGRATION_LOCK_KEY: i64 = 0x6e65_787a_6f00_0001;

/// Applies every pending migration in one transaction and returns those
/// applied. Running it again applies nothing.
///
/// # Errors
///
/// Any failure rolls the whole run back, leaving the schema as it was.
pub async fn run(client: &mut Client) -> Result<Vec<&'static Migration>, StorageError> {
    let tx = client
        .transaction()
        .await
        .map_err(|e| StorageError::new("starting the migration", e))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK_KEY])
        .await
        .map_err(|e| StorageError::new("locking the schema for migration", e))?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    integer PRIMARY KEY,
             name       text NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now()
         )",
    )
    .await
    .map_err(|e| StorageError::new("creating schema_migrations", e))?;

    let applied: Vec<i32> = tx
        .query("SELECT version FROM schema_migrations", &[])
        .await
        .map_err(|e| StorageError::new("reading schema_migrations", e))?
        .iter()
        .map(|row| row.get(0))
        .collect();

    let mut newly = Vec::new();
    for migration in MIGRATIONS.iter().filter(|m| !applied.contains(&m.version)) {
        tx.batch_execute(migration.sql)
            .await
            .map_err(|e| StorageError::new("applying a migration", e))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            &[&migration.version, &migration.name],
        )
        .await
        .map_err(|e| StorageError::new("recording a migration", e))?;
        newly.push(migration);
    }

    tx.commit()
        .await
        .map_err(|e| StorageError::new("committing the migration", e))?;
    Ok(newly)
}
