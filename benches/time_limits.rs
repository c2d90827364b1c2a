//! Does every solve keep to its time limit? Solves that cannot finish early — the Double 11
//! plan with temps (a short-staffed week) and Curtois Instance5 at gap 0 — with limits of
//! 1 to 20 s; each row is the solve's measured wall time (LP relaxation included) against the
//! limit. `cargo bench --bench time_limits`.

use paiban::pipeline::{forecast_for, load_inputs};
use paiban::scenario::Scenario;
use paiban::solver::{Outcome, SolverSettings};
use std::path::Path;
use std::time::Instant;

fn main() {
    println!("| solve | limit s | measured s | over the limit | status | gap |");
    println!("|---|---|---|---|---|---|");
    let file = Path::new("scenarios/double11-temps.toml");
    let sc = Scenario::load(file).unwrap();
    let inputs = load_inputs(&sc, file).unwrap();
    let (f, _) = forecast_for(&sc, &inputs.history, inputs.events.as_ref()).unwrap();
    let req = paiban::requirements::requirements(&f, &sc).unwrap();
    let nrp = Path::new("../shared/data/nrp-curtois/Instance5.txt");
    for limit in [1.0, 2.0, 5.0, 10.0, 20.0] {
        // by the clock: what is measured is that a solve paced by it keeps to its limit
        // (under the default work pacing the limit is only a cap)
        let s = SolverSettings {
            time_limit_seconds: limit,
            pacing: paiban::solver::Pacing::Clock,
            ..SolverSettings::default()
        };
        measure("plan, double11-temps (32 agents)", limit, || {
            paiban::plan::plan(&req, &sc, Some(&inputs.agents), &s)
                .map(|p| p.solve)
                .map_err(|e| e.to_string())
        });
        if nrp.exists() {
            let inst = paiban::nrp::read(nrp).unwrap();
            let s = SolverSettings {
                mip_rel_gap: 0.0,
                ..s
            };
            measure("Curtois Instance5 (gap 0)", limit, || {
                paiban::nrp::solve(&inst, &s)
                    .map(|x| x.solve)
                    .map_err(|e| e.to_string())
            });
        } else {
            eprintln!("SKIP: {} is absent", nrp.display());
        }
    }
}

fn measure(what: &str, limit: f64, f: impl FnOnce() -> Result<Outcome, String>) {
    let t0 = Instant::now();
    let r = f();
    let wall = t0.elapsed().as_secs_f64();
    let over = 100.0 * (wall / limit - 1.0);
    match r {
        Ok(o) => println!(
            "| {what} | {limit:.0} | {wall:.2} | {over:+.1}% | {} | {:.2}% |",
            o.status,
            100.0 * o.gap.unwrap_or(f64::NAN)
        ),
        Err(e) => println!("| {what} | {limit:.0} | {wall:.2} | {over:+.1}% | error: {e} | |"),
    }
}
