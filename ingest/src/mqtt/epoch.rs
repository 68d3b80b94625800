//! Numbering MQTT connections so that an acknowledgement never reaches a
//! connection other than the one its message arrived on.
//!
//! Broker packet ids are per connection: after a reconnect the broker
//! resends unacknowledged messages and may reuse their ids for others. An
//! acknowledgement for connection N that went out on connection N+1 could
//! therefore acknowledge a message whose rows are not committed. The epoch
//! moves on at every connection loss and every new connection; the acker
//! queues an acknowledgement only while its epoch is current, and the
//! source, at a connection loss, moves the epoch and drops queued
//! acknowledgements under the same lock, so none can slip in between.

use std::sync::{Arc, Mutex, PoisonError};

/// The current connection epoch, shared by the source and its acker.
#[derive(Debug, Clone, Default)]
pub(super) struct Epoch(Arc<Mutex<u64>>);

impl Epoch {
    pub(super) fn current(&self) -> u64 {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts a new epoch, running `then` before anyone can act on it.
    pub(super) fn advance(&self, then: impl FnOnce()) -> u64 {
        let mut epoch = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *epoch += 1;
        then();
        *epoch
    }

    /// Runs `send` if `epoch` is still current; `None` if it is not.
    pub(super) fn if_current<R>(&self, epoch: u64, send: impl FnOnce() -> R) -> Option<R> {
        let current = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        (*current == epoch).then(send)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_acknowledgement_from_an_earlier_epoch_is_never_sent() {
        let epoch = Epoch::default();
        let first = epoch.advance(|| {});
        assert_eq!(epoch.if_current(first, || "sent"), Some("sent"));
        let lost = epoch.advance(|| {});
        assert_eq!(epoch.if_current(first, || "sent"), None);
        assert_eq!(epoch.if_current(lost, || "sent"), Some("sent"));
        assert_eq!(epoch.current(), lost);
    }
}
