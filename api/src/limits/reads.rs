//! Rows returned per reader, kept in memory for the mass-export watch to
//! take each window.

use std::collections::BTreeMap;
use std::sync::Mutex;

/// Who read: the tenant whose rows they were, and the credential.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Reader {
    pub tenant_id: String,
    /// An API key's id or a token's subject.
    pub subject: String,
    /// Whether `subject` is an API key (else a person).
    pub api_key: bool,
}

/// A running count of rows returned per reader.
///
/// The map holds one entry per reader that has read anything since the
/// last [`ReadCounter::take`]: a consumer that takes it periodically keeps
/// it bounded by the readers of one period. One that never does lets it
/// grow with the number of distinct readers seen since start.
#[derive(Debug, Default)]
pub struct ReadCounter {
    rows: Mutex<BTreeMap<Reader, u64>>,
}

impl ReadCounter {
    /// Adds `rows` to `reader`'s count, creating it only when needed.
    pub fn add(&self, reader: Reader, rows: u64) {
        let mut map = self.rows.lock().unwrap_or_else(|p| p.into_inner());
        *map.entry(reader).or_default() += rows;
    }

    /// The counts so far, left in place.
    pub fn snapshot(&self) -> BTreeMap<Reader, u64> {
        self.rows.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The counts so far, starting again from zero.
    pub fn take(&self) -> BTreeMap<Reader, u64> {
        std::mem::take(&mut *self.rows.lock().unwrap_or_else(|p| p.into_inner()))
    }
}
