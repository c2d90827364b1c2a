//! Staffing: from forecast volume to agents needed per interval and queue ([`requirements`],
//! on the queueing formulas of [`erlang`]), and back: what a rostered week delivers
//! ([`simulate`], a discrete-event simulation).

pub mod erlang;
pub mod requirements;
pub mod simulate;
