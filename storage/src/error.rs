//! Storage errors, classified by whose fault they are and whether to retry.

use std::fmt;

use tokio_postgres::error::SqlState;

/// Who must act on a storage error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The database or the network is briefly unavailable: retry with
    /// backoff, nothing is lost meanwhile.
    Transient,
    /// The database refused the data itself (a constraint or value error):
    /// retrying the same rows fails again, so isolate and quarantine them.
    Rejected,
    /// Something an operator must fix (credentials, a missing migration, a
    /// bad URL). Retrying is still right, slowly: once it is fixed the
    /// pipeline resumes where it stopped.
    Operator,
}

/// A failed storage operation and what it was doing.
#[derive(Debug)]
pub struct StorageError {
    kind: ErrorKind,
    /// The server refused the statement only because an earlier one in
    /// the same transaction had failed (SQLSTATE 25P02).
    after_failure: bool,
    doing: &'static str,
    cause: Box<dyn std::error::Error + Send + Sync>,
}

impl StorageError {
    pub(crate) fn new(doing: &'static str, err: tokio_postgres::Error) -> Self {
        let kind = classify(&err);
        let after_failure = err
            .as_db_error()
            .is_some_and(|db| *db.code() == SqlState::IN_FAILED_SQL_TRANSACTION);
        // tokio-postgres prints only "db error" for server errors; the
        // server's own words are what an operator needs.
        let cause: Box<dyn std::error::Error + Send + Sync> = match err.as_db_error() {
            Some(db) => Box::new(DbMessage(describe(db))),
            None => Box::new(err),
        };
        Self {
            kind,
            after_failure,
            doing,
            cause,
        }
    }

    pub(crate) fn config(
        doing: &'static str,
        err: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self {
            kind: ErrorKind::Operator,
            after_failure: false,
            doing,
            cause: Box::new(err),
        }
    }

    /// Of several statements sent together in one transaction, the failure
    /// that caused the others: the first not refused merely because the
    /// transaction had already failed.
    pub(crate) fn first_cause(failures: Vec<StorageError>) -> Option<StorageError> {
        let cause = failures.iter().position(|e| !e.after_failure).unwrap_or(0);
        failures.into_iter().nth(cause)
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The database's own message, without our context.
    pub fn cause(&self) -> String {
        self.cause.to_string()
    }
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: {}", self.doing, self.cause)
    }
}

impl std::error::Error for StorageError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.cause)
    }
}

/// A server error rendered with its code and details.
#[derive(Debug)]
struct DbMessage(String);

impl fmt::Display for DbMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DbMessage {}

fn describe(db: &tokio_postgres::error::DbError) -> String {
    let mut text = format!("{} (SQLSTATE {})", db.message(), db.code().code());
    if let Some(constraint) = db.constraint() {
        text.push_str(&format!(", constraint {constraint}"));
    }
    if let Some(detail) = db.detail() {
        text.push_str(&format!(": {detail}"));
    }
    text
}

/// Classifies by SQLSTATE class; an error without one is a lost connection.
fn classify(err: &tokio_postgres::Error) -> ErrorKind {
    let Some(db) = err.as_db_error() else {
        return ErrorKind::Transient;
    };
    match &db.code().code()[..2] {
        // data exception, integrity constraint violation
        "22" | "23" => ErrorKind::Rejected,
        // connection exception, transaction rollback (serialisation, deadlock),
        // insufficient resources, operator intervention (shutdown, restart)
        "08" | "40" | "53" | "57" => ErrorKind::Transient,
        _ => ErrorKind::Operator,
    }
}
