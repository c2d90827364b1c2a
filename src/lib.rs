//! paiban (排班): workforce planning for e-commerce customer service.
//!
//! The pipeline, one module per stage, each a pure function from typed inputs to typed
//! outputs: [`history`] → [`forecast`] → [`requirements`] → [`plan`] → [`roster`], with
//! [`check`] verifying any roster independently of how it was made. Readers and writers sit
//! at the edges ([`io`] and each stage's `read_csv`/`to_csv`); the CLI is a thin shell.

pub mod agents;
pub mod calendar;
pub mod forecast;
pub mod history;
pub mod io;
pub mod scenario;
pub mod synth;
pub mod time;
pub mod check;
pub mod erlang;
pub mod plan;
pub mod requirements;
pub mod roster;
pub mod shifts;
pub mod solver;
pub mod pipeline;
