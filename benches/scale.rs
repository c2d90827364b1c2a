//! Plan + roster + check at team sizes from 20 to 1,000 agents (a week at 15-minute
//! intervals, three contracts, tiers, individual availability from `paiban synth`).
//! `cargo bench --bench scale`: each size once, its figures as a table.

use paiban::pipeline::{forecast_for, synth_params};
use paiban::scenario::Scenario;
use paiban::solver::SolverSettings;
use paiban::synth;
use std::time::Instant;

fn main() {
    println!("| agents | plan: objective / LP bound | plan gap | plan s | roster status | roster objective / bound | roster gap | roster s | unfilled positions | under-covered agent-h | hard violations | total s |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    // the last row: full-day shifts with 15 minutes' preparation and two short paid breaks
    const BREAKS: &str = "break_step = \"30m\"\nprep = \"15m\"\nshort_break = [{ length = \"15m\", window = [\"1h30m\", \"2h30m\"] }, { length = \"15m\", window = [\"6h\", \"7h30m\"] }]\n";
    for (n, breaks) in [(20usize, false), (200, false), (1000, false), (1000, true)] {
        let text = include_str!("../scenarios/baseline.toml");
        let text = if breaks {
            text.replacen("break_step = \"30m\"\n", BREAKS, 1)
        } else {
            text.to_string()
        };
        let mut sc = Scenario::from_toml(std::path::Path::new("baseline.toml"), &text).unwrap();
        sc.inputs.synth.as_mut().unwrap().agents = n;
        sc.inputs.synth.as_mut().unwrap().years = 1;
        sc.headcount.max_on_duty = None;
        let sp = synth_params(&sc).unwrap();
        let (history, agents) = (synth::history(&sp), synth::agents(&sp));
        let settings = SolverSettings::default();
        let t0 = Instant::now();
        let (f, _) = forecast_for(&sc, &history, None).unwrap();
        let req = paiban::requirements::requirements(&f, &sc).unwrap();
        let plan = paiban::plan::plan(&req, &sc, Some(&agents), &settings).unwrap();
        let r = paiban::roster::roster(&plan.rows, &agents, &sc, &settings).unwrap();
        let chk = paiban::check::check(&r.roster, &agents, &sc, Some(&req));
        let total = t0.elapsed().as_secs_f64();
        let unfilled: u32 = r
            .unfilled
            .iter()
            .filter_map(|u| u.split(": ").nth(1)?.split(' ').next()?.parse::<u32>().ok())
            .sum();
        println!(
            "| {n}{} | {:.0} / {:.0} ({:+.3}%) | {:.3}% | {:.2} | {} | {:.0} / {:.0} | {:.2}% | {:.2} | {unfilled} | {:.1} | {} | {:.1} |",
            if breaks { " + prep, 2 short breaks" } else { "" },
            plan.solve.objective,
            plan.lp_bound.unwrap_or(f64::NAN),
            100.0 * (plan.solve.objective / plan.lp_bound.unwrap_or(f64::NAN) - 1.0),
            100.0 * plan.solve.gap.unwrap_or(f64::NAN),
            plan.solve.seconds,
            r.solve.status,
            r.solve.objective,
            r.solve.bound.unwrap_or(f64::NAN),
            100.0 * r.solve.gap.unwrap_or(f64::NAN),
            r.solve.seconds,
            chk.coverage.as_ref().map_or(0.0, |c| c.under_agent_hours),
            chk.hard(),
            total
        );
    }
}
