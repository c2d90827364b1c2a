//! paiban (排班): workforce planning for e-commerce customer service.
//!
//! The pipeline, one module per stage, each a pure function from typed inputs to typed
//! outputs: [`history`] → [`forecast`] (scored by [`backtest`]) → [`requirements`] → [`plan`] → [`roster`], with
//! [`check`] verifying any roster independently of how it was made. Readers and writers sit
//! at the edges ([`io`] and each stage's `read_csv`/`to_csv`); the CLI is a thin shell.

// Interval loops index several parallel per-interval arrays at once; iterators would hide that.
#![allow(clippy::needless_range_loop)]

pub mod agents;
pub mod backtest;
pub mod calendar;
pub mod check;
pub mod erlang;
pub mod export;
pub mod forecast;
pub mod history;
pub mod io;
pub mod model;
pub mod nrp;
pub mod pipeline;
pub mod plan;
pub mod publish;
pub mod report;
pub mod requirements;
pub mod roster;
pub mod rules;
pub mod scenario;
pub mod shifts;
pub mod simulate;
pub mod solver;
pub mod synth;
pub mod time;
pub mod whatif;
