//! Rules over the ledger's structure: the hash chain, re-sent entries, the
//! approval rules and account ownership. They hold for every actor, staff
//! or service.

pub(crate) mod accounts;
pub(crate) mod approval;
pub(crate) mod breaks;
pub(crate) mod chain;
pub(crate) mod rewrite;
