//! Staffing: from forecast volume to agents needed per interval and queue ([`requirements`],
//! on the queueing formulas of [`erlang`], with chats sharing an agent by [`pool`]), and back: what a rostered week delivers
//! ([`simulate`], a discrete-event simulation), and the queue model calibrated on that
//! simulation ([`calibrate`]).

pub mod calibrate;
pub mod erlang;
pub mod pool;
pub mod requirements;
pub mod simulate;
