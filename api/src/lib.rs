//! The query API that landlords' dashboards and security analysts' consoles
//! call: authentication (JWTs and hashed API keys), roles, tenant scoping
//! (in SQL and again by row-level security), rate limits, security headers
//! and the OpenAPI document.
//!
//! It reads through `nexzo-storage` (its `portal` module holds every
//! statement) and writes nothing but analysts' alert decisions. Nothing
//! imports this crate but the binary.
//!
//! Flow of a request: security headers and CORS wrap everything; the
//! client address is worked out and rate-limited; the [`auth::Caller`]
//! extractor authenticates and applies the per-credential limit;
//! [`authz::decide`] names the rows the caller may reach; the handler runs
//! its statements in one transaction as the `nexzo_api` role with the
//! caller's tenant set, so row-level security holds even if a statement
//! were wrong.

pub mod auth;
pub mod authz;
pub mod config;
pub mod error;
mod headers;
pub mod limits;
pub mod openapi;
pub mod routes;
mod server;
mod state;

pub use auth::api_key::{CreateKeyError, create_api_key};
pub use config::ApiConfig;
pub use routes::router;
pub use server::{prepare, serve_on};
pub use state::{AppState, TenantFilter, connection_pool};
