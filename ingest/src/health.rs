//! Readiness of the parts the pipeline depends on, as the parts themselves
//! see it, for the operator's `/readyz`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// One component's readiness: set by the component (a source when it is
/// connected, the writer when the database answers), read by the ops
/// endpoint. Cloning shares the flag.
#[derive(Debug, Clone, Default)]
pub struct Readiness(Arc<AtomicBool>);

impl Readiness {
    pub fn set(&self, ready: bool) {
        self.0.store(ready, Ordering::Release);
    }

    pub fn is_ready(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}
