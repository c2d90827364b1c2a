//! Streaming aggregation of a big session log: 10 million chats (one row each, start and end
//! time, ~400 MB of CSV) through `paiban aggregate`, measured as a separate process for wall
//! time and peak memory (the bar: under 20 s and under 300 MB). `cargo bench --bench session_log`.

use std::io::Write;
use std::time::Instant;

fn main() {
    let rows: u64 = std::env::var("PAIBAN_LOG_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("sessions.csv");
    let t0 = Instant::now();
    {
        let mut w =
            std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&log).unwrap());
        writeln!(w, "start_time,end_time").unwrap();
        // deterministic arrivals: a chat every 0–6 s, 30 s – 10 min long (xorshift)
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut t = chrono::NaiveDate::from_ymd_opt(2025, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        for _ in 0..rows {
            t += chrono::Duration::seconds((next() % 7) as i64);
            let e = t + chrono::Duration::seconds(30 + (next() % 570) as i64);
            writeln!(
                w,
                "{},{}",
                t.format("%Y-%m-%d %H:%M:%S"),
                e.format("%Y-%m-%d %H:%M:%S")
            )
            .unwrap();
        }
    }
    let bytes = std::fs::metadata(&log).unwrap().len();
    println!(
        "generated {rows} sessions ({:.0} MB) in {:.1} s",
        bytes as f64 / 1e6,
        t0.elapsed().as_secs_f64()
    );
    let out = dir.path().join("history.csv");
    let t1 = Instant::now();
    let st = std::process::Command::new(env!("CARGO_BIN_EXE_paiban"))
        .arg("aggregate")
        .arg("--history")
        .arg(&log)
        .args(["--interval", "15m", "-o"])
        .arg(&out)
        .status()
        .expect("paiban runs");
    let secs = t1.elapsed().as_secs_f64();
    assert!(st.success(), "aggregate failed");
    // peak resident memory of the child
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    let peak_mb = ru.ru_maxrss as f64 / 1024.0;
    let intervals = std::fs::read_to_string(&out).unwrap().lines().count() - 1;
    println!(
        "| session log rows | file | aggregate wall time | rows/s | peak memory | intervals |\n|---|---|---|---|---|---|\n| {rows} | {:.0} MB | {secs:.1} s | {:.1} M | {peak_mb:.0} MB | {intervals} |",
        bytes as f64 / 1e6,
        rows as f64 / secs / 1e6
    );
}
