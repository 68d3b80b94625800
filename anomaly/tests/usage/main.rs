//! The usage detector through its public API: behaviour on generated
//! meters, checkpoints, and the evaluation set's floors.

mod checkpoint;
mod config;
mod detector;
mod evaluation;
mod events;
mod peers;
mod series;
