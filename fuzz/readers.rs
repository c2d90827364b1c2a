//! The readers under fuzzing (cargo-fuzz targets in `fuzz_targets/`, and the corpus replayed
//! on stable by `tests/fuzz_corpus.rs`): bytes in, a value or a located error out — never a
//! panic, a hang or a crash.

use std::path::{Path, PathBuf};

/// The bytes as a file: the readers take paths (they name them in errors).
fn scratch(name: &str, data: &[u8]) -> PathBuf {
    let p = std::env::temp_dir().join(format!("paiban-fuzz-{}-{name}", std::process::id()));
    std::fs::write(&p, data).expect("temp dir is writable");
    p
}

const CONTRACTS: [&str; 3] = ["full_time", "part_time", "outsourced"];

pub fn history(data: &[u8]) {
    let p = scratch("history.csv", data);
    if let Ok((h, rep)) =
        paiban::history::read_history(&p, chrono_tz::Asia::Shanghai, 15, &Default::default())
    {
        let _ = rep.text();
        let _ = paiban::history::to_csv(&h);
        let _ = h.resample(60);
    }
}

pub fn agents(data: &[u8]) {
    let p = scratch("agents.csv", data);
    let contracts: Vec<String> = CONTRACTS.iter().map(|c| c.to_string()).collect();
    if let Ok(a) = paiban::agents::read_agents(&p, &contracts, &Default::default()) {
        let _ = paiban::agents::to_csv(&a);
    }
}

pub fn roster(data: &[u8]) {
    let p = scratch("roster.csv", data);
    if let Ok(r) = paiban::roster::read_csv(&p, chrono_tz::Asia::Shanghai, &Default::default()) {
        let _ = paiban::roster::to_csv(&r, &[]);
    }
}

pub fn scenario(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(sc) = paiban::scenario::Scenario::from_toml(Path::new("fuzz.toml"), text) {
            let _ = sc.to_toml();
            let _ = paiban::shifts::templates(&sc);
        }
    }
}

pub fn curtois(data: &[u8]) {
    let p = scratch("instance.txt", data);
    let _ = paiban::nrp::read(&p);
}
