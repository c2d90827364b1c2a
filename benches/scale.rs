//! Plan + roster + check at team sizes from 20 to 1,000 agents (a week at 15-minute
//! intervals, three contracts, tiers, individual availability from `paiban synth`).
//! `cargo bench --bench scale`: each case once, the roster by both engines on the same plan,
//! side by side (`SCALE_CASES=5,6` runs only those rows).

use paiban::pipeline::{forecast_for, synth_params};
use paiban::scenario::Scenario;
use paiban::solver::{Engine, SolverSettings};
use paiban::synth;
use std::time::Instant;

/// One team: agents, horizon days, a cap on agents on duty, full-day shifts with preparation
/// and two short breaks.
struct Case {
    agents: usize,
    days: u32,
    cap: Option<u32>,
    breaks: bool,
}

fn main() {
    println!("| agents | plan: objective / LP bound | plan gap | plan s | roster engine | roster status | roster objective / bound | roster gap | roster s | unfilled positions | under-covered agent-h | hard violations | total s |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    // `SCALE_CASES=3,4`: only those rows (1-based)
    let only: Option<Vec<usize>> = std::env::var("SCALE_CASES")
        .ok()
        .map(|v| v.split(',').filter_map(|c| c.trim().parse().ok()).collect());
    // the full-day shifts with 15 minutes' preparation and two short paid breaks
    const BREAKS: &str = "break_step = \"30m\"\nprep = \"15m\"\nshort_break = [{ length = \"15m\", window = [\"1h30m\", \"2h30m\"] }, { length = \"15m\", window = [\"6h\", \"7h30m\"] }]\n";
    let cases = [
        Case {
            agents: 20,
            days: 7,
            cap: None,
            breaks: false,
        },
        Case {
            agents: 200,
            days: 7,
            cap: None,
            breaks: false,
        },
        Case {
            agents: 1000,
            days: 7,
            cap: None,
            breaks: false,
        },
        Case {
            agents: 1000,
            days: 7,
            cap: None,
            breaks: true,
        },
        Case {
            agents: 1000,
            days: 7,
            cap: Some(300),
            breaks: false,
        },
        Case {
            agents: 200,
            days: 28,
            cap: None,
            breaks: false,
        },
    ];
    for (i, c) in cases.iter().enumerate() {
        if only.as_ref().is_some_and(|o| !o.contains(&(i + 1))) {
            continue;
        }
        let text = include_str!("../scenarios/baseline.toml");
        let text = if c.breaks {
            text.replacen("break_step = \"30m\"\n", BREAKS, 1)
        } else {
            text.to_string()
        };
        let mut sc = Scenario::from_toml(std::path::Path::new("baseline.toml"), &text).unwrap();
        sc.inputs.synth.as_mut().unwrap().agents = c.agents;
        sc.inputs.synth.as_mut().unwrap().years = 1;
        sc.headcount.max_on_duty = c.cap;
        sc.horizon.days = c.days;
        let sp = synth_params(&sc).unwrap();
        let (history, agents) = (synth::history(&sp), synth::agents(&sp));
        let settings = SolverSettings::default();
        let t0 = Instant::now();
        let (f, _) = forecast_for(&sc, &history, None).unwrap();
        let req = paiban::requirements::requirements(&f, &sc).unwrap();
        let plan = paiban::plan::plan(&req, &sc, Some(&agents), &settings).unwrap();
        let before_roster = t0.elapsed().as_secs_f64();
        // the roster by one MIP (LP-first for large teams: the engine before) and by the
        // anytime engine (the default), on the same plan
        for engine in [Engine::Mip, Engine::Auto] {
            let t1 = Instant::now();
            let settings = SolverSettings {
                engine,
                ..settings.clone()
            };
            let r = match paiban::roster::roster(&plan.rows, &agents, &sc, &settings) {
                Ok(r) => r,
                Err(e) => {
                    let e = e.to_string();
                    println!(
                        "| {} × {} days | – | – | – | {engine:?} | {} | – | – | – | – | – | – | – |",
                        c.agents,
                        c.days,
                        e.lines().next().unwrap_or("")
                    );
                    continue;
                }
            };
            let chk = paiban::check::check(&r.roster, &agents, &sc, Some(&req));
            let total = before_roster + t1.elapsed().as_secs_f64();
            let unfilled: u32 = r
                .unfilled
                .iter()
                .filter_map(|u| u.split(": ").nth(1)?.split(' ').next()?.parse::<u32>().ok())
                .sum();
            println!(
                "| {}{}{}{} | {:.0} / {:.0} ({:+.3}%) | {:.3}% | {:.2} | {} | {} | {:.0} / {:.0} | {:.2}% | {:.2} | {unfilled} | {:.1} | {} | {:.1} |",
                c.agents,
                if c.days != 7 { format!(" × {} days", c.days) } else { String::new() },
                c.cap.map(|m| format!(", at most {m} on duty")).unwrap_or_default(),
                if c.breaks { " + prep, 2 short breaks" } else { "" },
                plan.solve.objective,
                plan.lp_bound.unwrap_or(f64::NAN),
                100.0 * (plan.solve.objective / plan.lp_bound.unwrap_or(f64::NAN) - 1.0),
                100.0 * plan.solve.gap.unwrap_or(f64::NAN),
                plan.solve.seconds,
                if engine == Engine::Mip { "one MIP" } else { "anytime" },
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
}
