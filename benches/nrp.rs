//! Curtois & Qu benchmark instances through the rule engine: time to the published optimum.
//! `cargo bench --bench nrp` (each instance once; solves take seconds, so no repetitions).

use paiban::nrp::solve;
use paiban::solver::SolverSettings;
use std::path::Path;

fn main() {
    let optima = [607.0, 828.0, 1001.0, 1716.0, 1143.0, 1950.0];
    println!("| instance | employees × days × shifts | objective | published optimum | lower bound | LP bound | status | seconds |");
    println!("|---|---|---|---|---|---|---|---|");
    for (i, opt) in optima.iter().enumerate() {
        let path = format!("../shared/data/nrp-curtois/Instance{}.txt", i + 1);
        if !Path::new(&path).exists() {
            eprintln!("SKIP: {path} is absent");
            continue;
        }
        let p = paiban::nrp::read(Path::new(&path)).unwrap();
        let s = SolverSettings {
            time_limit_seconds: 60.0,
            mip_rel_gap: 0.0,
            ..SolverSettings::default()
        };
        let sol = solve(&p, &s).unwrap();
        println!(
            "| Instance{} | {} × {} × {} | {} | {} | {:.1} | {:.1} | {} | {:.2} |",
            i + 1,
            p.employees.len(),
            p.days,
            p.shifts.len(),
            sol.evaluation.objective,
            opt,
            sol.solve.bound.unwrap_or(f64::NAN),
            sol.lp_bound,
            sol.solve.status,
            sol.solve.seconds
        );
    }
}
