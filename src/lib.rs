//! paiban (排班): workforce planning for e-commerce customer service.
//!
//! The pipeline, one folder per stage, each stage a pure function from typed inputs to typed
//! outputs: [`forecast`] (from [`forecast::history`], scored by [`forecast::backtest`]) →
//! [`staffing`] ([`staffing::requirements`]) → [`plan`] → [`roster`], with [`check`] verifying
//! any roster independently of how it was made. Readers sit at the edges ([`io`] and each
//! stage's `read_csv`); [`output`] renders results and writes files; the CLI is a thin shell.
//!
//! # Layers
//!
//! A module uses only modules in its own layer's folder or below it; nothing uses a layer
//! above it (no import cycles, checked on the `crate::…` paths of every file):
//!
//! 1. [`model`]: [`model::time`] (durations, clock times, the interval grid),
//!    [`model::shift`] (shift templates) and the roster types.
//! 2. [`io`] and [`i18n`] (messages in the user's language): decoding, header checks, located input errors, atomic all-or-none writes.
//! 3. [`scenario`]: the scenario file and its [`scenario::agents`] (the team, temps).
//! 4. [`solver`]: the solver-independent MIP and its backends.
//! 5. [`rules`]: the rule catalogue, each agent's parameters, the one encoding of each rule.
//! 6. [`forecast`]: history, festival calendar, synthetic shop, forecast, backtest.
//! 7. [`staffing`]: Erlang formulas, requirements per interval and queue, simulation.
//! 8. [`plan`]: shift templates and the shift-count MIP.
//! 9. [`roster`]: named agents to the plan's shifts.
//! 10. [`check`]: the independent checker; [`nrp`]: the Curtois & Qu benchmark on the rules.
//! 11. [`replan`]: a published roster repaired after absences and a re-forecast, with the
//!     fewest, cheapest changes.
//! 12. [`pipeline`]: every stage from a scenario, typed [`pipeline::RunOutput`], no files;
//!     [`pipeline::whatif`]: cases, sweeps, parallel runs, comparison rows.
//! 13. [`output`]: [`output::export`] and [`output::report`] render runs and comparisons to
//!     bytes; [`output::publish`] decides which files a run or a what-if writes and commits
//!     them all or none.
//! 14. `main.rs`: the CLI (parse, call, print).
//!
//! The flat paths callers used before the folders (`paiban::time`, `paiban::agents`,
//! `paiban::requirements`, …) are re-exported below.

// Interval loops index several parallel per-interval arrays at once; iterators would hide that.
#![allow(clippy::needless_range_loop)]

pub mod model;

pub mod i18n;
pub mod io;

pub mod scenario;

pub mod solver;

pub mod rules;

pub mod forecast;

pub mod staffing;

pub mod plan;

pub mod roster;

pub mod check;
pub mod nrp;

pub mod replan;

pub mod pipeline;

pub mod output;

pub use forecast::{backtest, calendar, history, synth};
pub use model::time;
pub use output::{export, publish, report};
pub use pipeline::whatif;
pub use plan::shifts;
pub use scenario::agents;
pub use staffing::{erlang, pool, requirements, simulate};
