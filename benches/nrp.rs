//! Curtois & Qu benchmark instances 1–12 through the rule engine: one MIP, the anytime engine
//! alone and column generation + the anytime engine side by side in one run (1 thread, 60 s
//! each by default).
//!
//! `cargo bench --bench nrp` — environment: `NRP_INSTANCES=7,8` (which), `NRP_LIMIT=60`
//! (seconds each), `NRP_ENGINES=mip,lns-alone,lns` (which engines, in this order; also
//! `lns-work`: column generation + anytime paced by a work limit of NRP_LIMIT units, the clock
//! capped at three times that, and `lns-work-busy`: the same with two threads spinning during
//! the solve — its roster must be `lns-work`'s), `NRP_BUSY=1` (a thread spinning on the other
//! core all along, as on a shared machine).

use paiban::nrp::solve;
use paiban::solver::{Engine, SolverSettings};
use std::path::Path;
#[path = "../tests/common/spin.rs"]
mod spin;
use spin::spin;

/// Best-known objectives (../shared/README.md); proven optimal for 1–7 and 9–11.
const BEST: [f64; 12] = [
    607.0, 828.0, 1001.0, 1716.0, 1143.0, 1950.0, 1056.0, 1308.0, 439.0, 4631.0, 3443.0, 4040.0,
];

fn env_list(key: &str, default: &str) -> Vec<String> {
    std::env::var(key)
        .unwrap_or_else(|_| default.into())
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn main() {
    let instances: Vec<usize> = env_list("NRP_INSTANCES", "1,2,3,4,5,6,7,8,9,10,11,12")
        .iter()
        .map(|s| s.parse().expect("NRP_INSTANCES: numbers 1-12"))
        .collect();
    let limit: f64 = std::env::var("NRP_LIMIT")
        .map(|s| s.parse().expect("NRP_LIMIT: seconds"))
        .unwrap_or(60.0);
    // (engine, column generation first, paced by work, machine kept busy)
    let engines: Vec<(Engine, bool, bool, bool)> = env_list("NRP_ENGINES", "mip,lns-alone,lns")
        .iter()
        .map(|e| match e.as_str() {
            "mip" => (Engine::Mip, false, false, false),
            "lns-alone" => (Engine::Lns, false, false, false),
            "lns" => (Engine::Lns, true, false, false),
            "lns-work" => (Engine::Lns, true, true, false),
            "lns-work-busy" => (Engine::Lns, true, true, true),
            _ => panic!(
                "NRP_ENGINES: mip, lns-alone (no column generation), lns, lns-work or lns-work-busy"
            ),
        })
        .collect();
    let all_along = spin(usize::from(
        std::env::var("NRP_BUSY").is_ok_and(|v| v == "1"),
    ));
    println!(
        "| instance | employees × days × shifts | engine | objective | best known | vs best | lower bound | gap | column generation bound | status | seconds |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for i in instances {
        let path = format!("../shared/data/nrp-curtois/Instance{i}.txt");
        if !Path::new(&path).exists() {
            eprintln!("SKIP: {path} is absent");
            continue;
        }
        let p = paiban::nrp::read(Path::new(&path)).unwrap();
        for &(engine, column_generation, by_work, busy) in &engines {
            let s = SolverSettings {
                time_limit_seconds: if by_work { 3.0 * limit } else { limit },
                work_limit: by_work.then_some(limit),
                pacing: if by_work {
                    paiban::solver::Pacing::Work
                } else {
                    paiban::solver::Pacing::Clock
                },
                mip_rel_gap: 0.0,
                threads: 1,
                engine,
                column_generation,
                ..SolverSettings::default()
            };
            let name = match (engine, column_generation, by_work, busy) {
                (Engine::Mip, ..) => "one MIP",
                (_, false, ..) => "anytime alone",
                (_, true, false, _) => "column generation + anytime",
                (_, true, true, false) => "the same by work",
                (_, true, true, true) => "the same by work, busy machine",
            };
            let during = spin(if busy { 2 } else { 0 });
            let solved = solve(&p, &s);
            during.stop();
            let row = match solved {
                Ok(sol) => format!(
                    "{} | {} | {:+.1}% | {} | {} | {} | {} | {:.1}",
                    sol.evaluation.objective,
                    BEST[i - 1],
                    100.0 * (sol.evaluation.objective - BEST[i - 1]) / BEST[i - 1],
                    sol.solve
                        .bound
                        .map(|b| format!("{b:.0}"))
                        .unwrap_or_else(|| "–".into()),
                    sol.solve
                        .gap
                        .map(|g| format!("{:.2}%", 100.0 * g))
                        .unwrap_or_else(|| "–".into()),
                    sol.column_generation
                        .as_ref()
                        .and_then(|c| c.bound)
                        .map(|b| format!("{b:.2}"))
                        .unwrap_or_else(|| "–".into()),
                    sol.solve.status,
                    sol.solve.seconds
                ),
                Err(e) => format!(
                    "no roster | {} | – | – | – | – | {} | –",
                    BEST[i - 1],
                    e.to_string().lines().next().unwrap_or("")
                ),
            };
            println!(
                "| Instance{i} | {} × {} × {} | {name} | {row} |",
                p.employees.len(),
                p.days,
                p.shifts.len(),
            );
        }
    }
    all_along.stop();
}
