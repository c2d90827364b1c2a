#![no_main]
//! Fuzzes the agents reader: see ../readers.rs.
#[path = "../readers.rs"]
mod readers;

libfuzzer_sys::fuzz_target!(|data: &[u8]| readers::agents(data));
