//! The rostering engine on instances the size of the Curtois & Qu family's larger ones (13–24:
//! 28 to 364 days, up to 150 staff and 32 shift types), drawn in the format
//! ([`paiban::nrp::generate`]) since those files are not at hand: each solved by the released
//! binary (`paiban nrp`, 1 thread), with its first roster's time, the answer, the bound and
//! the process's peak memory.
//!
//! `cargo bench --bench nrp_large` — environment: `NRP_LARGE_LIMIT=60` (seconds each),
//! `NRP_LARGE_SHAPES=20,24` (which of the shapes below, by the family's numbers),
//! `NRP_LARGE_SEED=1`, `NRP_LARGE_DIR=path` (keep the drawn files there), `NRP_LARGE_BIN=path` (another build of paiban side by side, e.g. the
//! previous commit's: each instance then runs on both, one after the other).

use paiban::nrp::generate::{generate, Shape};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// (the family's number, staff, days, shift types) as published for Instance13–24.
const SHAPES: [(usize, usize, usize, usize); 12] = [
    (13, 120, 28, 18),
    (14, 32, 42, 4),
    (15, 45, 42, 6),
    (16, 20, 56, 3),
    (17, 32, 56, 4),
    (18, 22, 84, 3),
    (19, 40, 84, 5),
    (20, 50, 182, 6),
    (21, 100, 182, 8),
    (22, 50, 364, 10),
    (23, 100, 364, 16),
    (24, 150, 364, 32),
];

/// One run's result.
struct Run {
    summary: serde_json::Value,
    seconds: f64,
    peak_mb: f64,
}

/// Runs `bin nrp file` and reads its JSON summary and its peak resident memory.
fn run(bin: &Path, file: &Path, limit: f64) -> Result<Run, String> {
    let t0 = Instant::now();
    let child = Command::new(bin)
        .args(["nrp", "--json", "--time-limit", &limit.to_string()])
        .arg(file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut child = child;
    let pid = child.id() as libc::pid_t;
    // the child's own peak memory: reaped through wait4, its output read meanwhile
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let read_out = std::thread::spawn(move || {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut b).map(|_| b)
    });
    let read_err = std::thread::spawn(move || {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut b).map(|_| b)
    });
    let mut status = 0;
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    let seconds = t0.elapsed().as_secs_f64();
    let peak_mb = ru.ru_maxrss as f64 / 1024.0;
    let stdout = read_out
        .join()
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    let stderr = read_err
        .join()
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    if waited != pid || std::process::ExitStatus::from_raw(status).code() != Some(0) {
        let last = String::from_utf8_lossy(&stderr);
        return Err(last.lines().last().unwrap_or("killed").to_string());
    }
    let summary = serde_json::from_slice(&stdout).map_err(|e| e.to_string())?;
    Ok(Run {
        summary,
        seconds,
        peak_mb,
    })
}

fn cell(v: &serde_json::Value) -> String {
    v.as_f64().map_or("–".into(), |x| format!("{x:.0}"))
}

fn row(number: usize, shape: &str, engine: &str, r: &Result<Run, String>) -> String {
    match r {
        Ok(r) => {
            let s = &r.summary;
            let first = s["construction"]["first_pass_seconds"]
                .as_f64()
                .map_or("–".into(), |x| format!("{x:.1} s"));
            let gap = s["gap"]
                .as_f64()
                .map_or("–".into(), |g| format!("{:.1}%", 100.0 * g));
            format!(
                "| {number} | {shape} | {engine} | {first} | {} | {} | {gap} | {} | {} | {:.1} s | {:.0} MB |",
                cell(&s["objective"]),
                cell(&s["lower_bound"]),
                s["hard_violations"],
                s["status"].as_str().unwrap_or("–"),
                r.seconds,
                r.peak_mb
            )
        }
        Err(e) => format!("| {number} | {shape} | {engine} | no roster: {e} | | | | | | | |"),
    }
}

fn main() {
    let limit: f64 = std::env::var("NRP_LARGE_LIMIT")
        .map(|s| s.parse().expect("NRP_LARGE_LIMIT: seconds"))
        .unwrap_or(60.0);
    let seed: u64 = std::env::var("NRP_LARGE_SEED")
        .map(|s| s.parse().expect("NRP_LARGE_SEED: a number"))
        .unwrap_or(1);
    let wanted: Option<Vec<usize>> = std::env::var("NRP_LARGE_SHAPES").ok().map(|v| {
        v.split(',')
            .map(|s| s.trim().parse().expect("NRP_LARGE_SHAPES: numbers 13-24"))
            .collect()
    });
    let this = PathBuf::from(env!("CARGO_BIN_EXE_paiban"));
    let other = std::env::var("NRP_LARGE_BIN").ok().map(PathBuf::from);
    let dir = tempfile::tempdir().expect("a temporary directory");
    // NRP_LARGE_DIR=path keeps the drawn instances there (to solve one again by hand)
    let kept = std::env::var_os("NRP_LARGE_DIR").map(PathBuf::from);
    println!(
        "| shape of | staff × days × types | engine | first roster | objective | lower bound | gap | hard violations | status | wall time | peak memory |\n|---|---|---|---|---|---|---|---|---|---|---|"
    );
    for &(number, staff, days, shift_types) in &SHAPES {
        if wanted.as_ref().is_some_and(|w| !w.contains(&number)) {
            continue;
        }
        let text = generate(
            Shape {
                staff,
                days,
                shift_types,
            },
            seed,
        );
        let file = kept
            .as_deref()
            .unwrap_or(dir.path())
            .join(format!("drawn{number}.txt"));
        std::fs::write(&file, text).expect("the instance is written");
        let shape = format!("{staff} × {days} × {shift_types}");
        if let Some(other) = &other {
            println!(
                "{}",
                row(number, &shape, "other", &run(other, &file, limit))
            );
        }
        println!("{}", row(number, &shape, "this", &run(&this, &file, limit)));
    }
}
