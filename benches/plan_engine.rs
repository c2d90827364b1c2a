//! The shift plan's two engines side by side in one run: one MIP (the LP relaxation, then
//! HiGHS on the whole model: the plan's engine before) and the default (`engine = "auto"`:
//! the whole MIP for a short share, then the MIP around the LP's optimum (RENS), windows of
//! days re-solved below the best plan, and the whole MIP below it for the rest; where the LP
//! relaxation does not finish, the construction by windows of days) — on the shipped
//! scenarios' weeks and longer baseline horizons, HiGHS, 1 thread, each at its time limit.
//! `cargo bench --bench plan_engine` (`PLAN_CASES=3,4`: only those rows, 1-based).

use paiban::pipeline::{forecast_for, load_inputs};
use paiban::scenario::Scenario;
use paiban::solver::{Engine, SolverSettings};
use std::path::Path;
use std::time::Instant;

struct Case {
    label: &'static str,
    file: &'static str,
    sets: &'static [&'static str],
    limit: f64,
}

fn main() {
    let cases = [
        Case {
            label: "baseline week (20 agents)",
            file: "scenarios/baseline.toml",
            sets: &[],
            limit: 30.0,
        },
        Case {
            label: "baseline, week target",
            file: "scenarios/baseline.toml",
            sets: &["service.target_scope=\"week\""],
            limit: 30.0,
        },
        Case {
            label: "baseline, 10 days",
            file: "scenarios/baseline.toml",
            sets: &["horizon.days=10"],
            limit: 30.0,
        },
        Case {
            label: "Double 11, regular 20 agents",
            file: "scenarios/double11.toml",
            sets: &[],
            limit: 30.0,
        },
        Case {
            label: "Double 11 + 12 temps",
            file: "scenarios/double11-temps.toml",
            sets: &[],
            limit: 30.0,
        },
        Case {
            label: "Double 11 + 40 temps",
            file: "scenarios/double11-temps.toml",
            sets: &["temps.0.count=40"],
            limit: 30.0,
        },
        Case {
            label: "Double 11 + 40 temps",
            file: "scenarios/double11-temps.toml",
            sets: &["temps.0.count=40"],
            limit: 60.0,
        },
        Case {
            label: "Double 11 + 40 temps, week target",
            file: "scenarios/double11-temps.toml",
            sets: &["temps.0.count=40", "service.target_scope=\"week\""],
            limit: 60.0,
        },
        // long horizons on a short limit: the LP relaxation does not always finish in its
        // share (the construction by windows of days then gives the first plan)
        Case {
            label: "baseline, 21 days",
            file: "scenarios/baseline.toml",
            sets: &["horizon.days=21"],
            limit: 10.0,
        },
        Case {
            label: "baseline, 28 days",
            file: "scenarios/baseline.toml",
            sets: &["horizon.days=28"],
            limit: 10.0,
        },
        Case {
            label: "baseline, 35 days",
            file: "scenarios/baseline.toml",
            sets: &["horizon.days=35"],
            limit: 10.0,
        },
        // skills split each contract into pools (three- to four-fold the shift counts): a
        // week, and a month whose LP relaxation cannot finish in the limit
        Case {
            label: "Double 11 skills, week",
            file: "scenarios/double11-skills.toml",
            sets: &[],
            limit: 60.0,
        },
        Case {
            label: "Double 11 skills, 28 days",
            file: "scenarios/double11-skills.toml",
            sets: &["horizon.days=28"],
            limit: 60.0,
        },
        // the same month with time for its relaxation: the whole MIP's root must not be
        // started where it cannot end in its share (it ran past the limit: no plan)
        Case {
            label: "Double 11 skills, 28 days",
            file: "scenarios/double11-skills.toml",
            sets: &["horizon.days=28"],
            limit: 600.0,
        },
    ];
    let only: Option<Vec<usize>> = std::env::var("PLAN_CASES")
        .ok()
        .map(|v| v.split(',').filter_map(|c| c.trim().parse().ok()).collect());
    println!("| plan | limit s | engine | status | objective | bound | gap | s |");
    println!("|---|---|---|---|---|---|---|---|");
    for (i, case) in cases.iter().enumerate() {
        if only.as_ref().is_some_and(|o| !o.contains(&(i + 1))) {
            continue;
        }
        let file = Path::new(case.file);
        let sets: Vec<String> = case.sets.iter().map(|s| s.to_string()).collect();
        let sc = Scenario::load_with(file, &sets).expect("scenario");
        let inputs = load_inputs(&sc, file).expect("inputs");
        let (f, _) = forecast_for(&sc, &inputs.history, inputs.events.as_ref()).expect("forecast");
        let req = paiban::requirements::requirements(&f, &sc).expect("requirements");
        for (name, engine) in [
            ("one MIP (before)", Engine::Mip),
            ("auto (now)", Engine::Auto),
        ] {
            let s = SolverSettings {
                time_limit_seconds: case.limit,
                engine,
                ..SolverSettings::default()
            };
            let t0 = Instant::now();
            match paiban::plan::plan(&req, &sc, Some(&inputs.agents), &s) {
                Ok(p) => {
                    let o = &p.solve;
                    println!(
                        "| {} | {:.0} | {name} | {} | {:.1} | {} | {} | {:.1} |",
                        case.label,
                        case.limit,
                        o.status,
                        o.objective,
                        o.bound.map_or("–".into(), |b| format!("{b:.1}")),
                        o.gap.map_or("–".into(), |g| format!("{:.2}%", 100.0 * g)),
                        t0.elapsed().as_secs_f64()
                    );
                }
                Err(e) => println!(
                    "| {} | {:.0} | {name} | error: {e} | | | | {:.1} |",
                    case.label,
                    case.limit,
                    t0.elapsed().as_secs_f64()
                ),
            }
        }
    }
}
