//! The query API that landlords' dashboards and security analysts' consoles
//! call: authentication, roles, tenant scoping (in SQL and again by
//! row-level security), rate limits and the OpenAPI document.
//!
//! It reads through `nexzo-storage` and never writes telemetry. Nothing
//! imports this crate but the binary.
//!
//! Nothing is implemented yet.
