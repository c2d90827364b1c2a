//! A service target measured over the week against every interval's, on the shipped scenarios
//! and on synthetic shops of other seeds: `paiban run` (the released binary, the default solver
//! settings) with `service.target_scope` "interval" and "week", and what each delivers in the
//! simulation — paid hours, the week's service level, the intervals below the floor, the
//! calibration rounds — and what the week target's roster delivers simulated again with seeds
//! the run never saw (200 runs). Then the queue model of agents sharing chats against the simulation of
//! steady queues (what the week plan's Erlang curves rest on).
//!
//! `cargo bench --bench service_scope` — environment: `SERVICE_SCOPE_CASES=baseline,queues,temps40`
//! (which cases below), `SERVICE_SCOPE_BIN=path` (another build of paiban side by side, e.g.
//! the previous commit's: each case then runs on both, one after the other).

use std::path::{Path, PathBuf};
use std::process::Command;

/// (name, scenario file or a synthetic shop's seed, extra settings, the start of the week
/// before when that week is rostered first with the same scenario and handed on as
/// `inputs.previous_roster`).
type Case = (
    &'static str,
    &'static str,
    &'static [&'static str],
    Option<&'static str>,
);
/// The baseline's chats in two queues (after-sales: longer chats, a minute to answer), served
/// by everyone or by skills.
const TWO_QUEUES: &str = "queue=[{name=\"pre_sales\",share=0.6},{name=\"after_sales\",share=0.4,aht_factor=1.3,target_answer=\"60s\"}]";
const TWO_QUEUES_SKILLS: &str = "queue=[{name=\"pre_sales\",share=0.6,skills=[\"pre_sales\"]},{name=\"after_sales\",share=0.4,aht_factor=1.3,target_answer=\"60s\",skills=[\"after_sales\"]}]";
const CASES: [Case; 8] = [
    ("baseline", "scenarios/baseline.toml", &[], None),
    ("queues", "scenarios/baseline.toml", &[TWO_QUEUES], None),
    (
        "queues-skills",
        "scenarios/baseline.toml",
        &[TWO_QUEUES_SKILLS],
        None,
    ),
    ("double11", "scenarios/double11.toml", &[], None),
    (
        "temps40",
        "scenarios/double11-temps.toml",
        &["temps.0.count=40"],
        None,
    ),
    (
        "temps40-chained",
        "scenarios/double11-temps.toml",
        &["temps.0.count=40"],
        Some("2026-11-02"),
    ),
    ("synth7", "seed:7", &[], None),
    ("synth11", "seed:11", &[], None),
];

/// What one `paiban run` delivered.
struct Delivered {
    paid_hours: f64,
    simulated: f64,
    below_floor: usize,
    rounds: usize,
    /// The same roster simulated again with seeds the run never saw ([`HELD_OUT_RUNS`] runs
    /// from [`HELD_OUT_SEED`]): the week's service level and the intervals below the floor.
    /// The run chooses among its tries by its own simulation, so its figure can flatter it.
    held_out: (f64, usize),
}

/// Runs and first seed of the independent simulation of each roster.
const HELD_OUT_RUNS: &str = "200";
const HELD_OUT_SEED: &str = "1000";

/// Simulated intervals with chats whose mean service level is below `floor`, from a
/// `simulation.csv`.
fn below_floor(path: &Path, floor: f64) -> usize {
    let sim = std::fs::read_to_string(path).expect("simulation.csv");
    sim.lines()
        .skip(1)
        .filter(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let offered: f64 = f[1].parse().unwrap_or(0.0);
            let sl: f64 = f[3].parse().unwrap_or(1.0);
            offered > 0.0 && sl < floor
        })
        .count()
}

/// Runs `bin run` on `scenario` with `scope` and reads its summary and simulation.
fn run(bin: &Path, scenario: &Path, sets: &[&str], scope: &str, out: &Path) -> Delivered {
    let mut cmd = Command::new(bin);
    cmd.args(["run", "--json", "--scenario"]).arg(scenario);
    for s in sets {
        cmd.args(["--set", s]);
    }
    cmd.args(["--set", &format!("service.target_scope=\"{scope}\"")]);
    let o = cmd.arg("--out").arg(out).output().expect("run paiban");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("run --json");
    let s = &j;
    let floor = s["plan_expects"]["floor_percent"].as_f64().unwrap_or(50.0) / 100.0;
    let below = below_floor(&out.join("simulation.csv"), floor);
    let mut again = Command::new(bin);
    again.args(["simulate", "--scenario"]).arg(scenario);
    for s in sets {
        again.args(["--set", s]);
    }
    again.args(["--set", &format!("service.target_scope=\"{scope}\"")]);
    let held = out.join("held-out.csv");
    let o = again
        .arg("--roster")
        .arg(out.join("roster.csv"))
        .arg("--forecast")
        .arg(out.join("forecast.csv"))
        .args([
            "--runs",
            HELD_OUT_RUNS,
            "--seed",
            HELD_OUT_SEED,
            "--demand-runs",
            "0",
        ])
        .arg("--json")
        .arg("-o")
        .arg(&held)
        .output()
        .expect("simulate paiban");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let h: serde_json::Value = serde_json::from_slice(&o.stdout).expect("simulate --json");
    Delivered {
        paid_hours: s["paid_hours"].as_f64().unwrap_or(f64::NAN),
        simulated: s["simulated"]["service_level"]["mean"]
            .as_f64()
            .unwrap_or(f64::NAN)
            * 100.0,
        below_floor: below,
        rounds: s["calibration"].as_array().map_or(1, |r| r.len()),
        held_out: (
            h["service_level"]["mean"].as_f64().unwrap_or(f64::NAN) * 100.0,
            below_floor(&held, floor),
        ),
    }
}

/// The scenario of a case: the file, or a synthetic shop drawn from a seed into `dir`.
fn scenario_of(bin: &Path, spec: &str, dir: &Path) -> PathBuf {
    let Some(seed) = spec.strip_prefix("seed:") else {
        return PathBuf::from(spec);
    };
    let shop = dir.join(format!("synth-{seed}"));
    let o = Command::new(bin)
        .args(["synth", "--agents", "30", "--seed", seed, "--out"])
        .arg(&shop)
        .output()
        .expect("paiban synth");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    shop.join("scenario.toml")
}

fn cases(bins: &[(&str, PathBuf)], tmp: &Path) {
    let wanted = std::env::var("SERVICE_SCOPE_CASES").ok();
    println!("| case | build | per-interval: paid h / simulated SL / below floor | week target: paid h / simulated SL / below floor / rounds | week target, held-out simulation: SL / below floor | hours saved |");
    println!("|---|---|---|---|---|---|");
    for (name, spec, sets, week_before) in CASES {
        if wanted
            .as_ref()
            .is_some_and(|w| !w.split(',').any(|x| x == name))
        {
            continue;
        }
        for (label, bin) in bins {
            let sc = scenario_of(bin, spec, tmp);
            let dir = tmp.join(format!("{name}-{label}"));
            let mut sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
            if let Some(start) = week_before {
                // the week before, rostered by the same build with the same scenario
                let mut before = sets.clone();
                before.push(format!("horizon.start=\"{start}\""));
                let before = before.iter().map(String::as_str).collect::<Vec<_>>();
                let _ = run(bin, &sc, &before, "interval", &dir.join("before"));
                let roster = dir.join("before").join("roster.csv");
                sets.push(format!(
                    "inputs.previous_roster={:?}",
                    roster.display().to_string()
                ));
            }
            let sets: Vec<&str> = sets.iter().map(String::as_str).collect();
            let i = run(bin, &sc, &sets, "interval", &dir.join("interval"));
            let w = run(bin, &sc, &sets, "week", &dir.join("week"));
            println!(
                "| {name} | {label} | {:.0} / {:.1}% / {} | {:.0} / {:.1}% / {} / {} | {:.1}% / {} | {:.1}% |",
                i.paid_hours,
                i.simulated,
                i.below_floor,
                w.paid_hours,
                w.simulated,
                w.below_floor,
                w.rounds,
                w.held_out.0,
                w.held_out.1,
                100.0 * (1.0 - w.paid_hours / i.paid_hours)
            );
        }
    }
}

/// The pool model and slots at the full-load pace against the simulation of steady queues.
fn model_against_simulation() {
    use paiban::pool::{staffing, Sharing};
    let sharing = Sharing {
        k: 3,
        slowdown: 0.15,
    };
    println!("\n| chats / 15 min | agents | patience | simulated SL / occupancy | pool model | full-load slots |");
    println!("|---|---|---|---|---|---|");
    for (per_15, agents, patience) in [
        (20.0, 3usize, None),
        (60.0, 7, None),
        (100.0, 10, None),
        (150.0, 14, None),
        (150.0, 13, Some(180.0)),
        (300.0, 26, Some(300.0)),
    ] {
        let sim = simulate_steady(per_15, agents, patience);
        let aht_full = sharing.full_load(180.0);
        let pool = staffing(
            agents as u32,
            per_15 / 900.0,
            aht_full,
            patience,
            sharing,
            20.0,
        );
        let plain = staffing(
            agents as u32,
            per_15 / 900.0,
            aht_full,
            patience,
            Sharing {
                slowdown: 0.0,
                ..sharing
            },
            20.0,
        );
        println!(
            "| {per_15} | {agents} | {} | {:.1}% / {:.1}% | {:.1}% / {:.1}% | {:.1}% / {:.1}% |",
            patience.map_or("–".to_string(), |p| format!("{p} s")),
            100.0 * sim.0,
            100.0 * sim.1,
            100.0 * pool.service_level,
            100.0 * pool.occupancy,
            100.0 * plain.service_level,
            100.0 * plain.occupancy
        );
    }
}

/// Three days of a steady queue (AHT 180 s alone, 3 chats at once, 15% slower per extra
/// chat, answer within 20 s) served by `agents` around the clock: simulated service level and
/// occupancy over 6 runs.
fn simulate_steady(per_15: f64, agents: usize, patience: Option<f64>) -> (f64, f64) {
    use chrono::{Duration, NaiveDate};
    use paiban::roster::{Entry, Roster, WorkShift};
    let base = include_str!("../scenarios/baseline.toml");
    let mut sc =
        paiban::scenario::Scenario::from_toml(Path::new("baseline.toml"), base).expect("baseline");
    let mut text = String::from(
        "target_percent = 80\ntarget_answer = \"20s\"\nconcurrency = 3\nconcurrency_slowdown = 0.15\ndeflection = 0.0\nshrinkage = 0.0\noccupancy_max = 1.0\nmin_agents = 0\n",
    );
    if let Some(p) = patience {
        text.push_str(&format!("patience = \"{p}s\"\n"));
    }
    sc.service = toml::from_str(&text).expect("service");
    sc.horizon.interval = paiban::time::Minutes(15);
    let d0 = NaiveDate::from_ymd_opt(2026, 11, 2).expect("date");
    let days = 3;
    let grid = paiban::time::Grid::days(d0, days, 15);
    let f = paiban::forecast::Forecast {
        grid,
        points: vec![
            paiban::forecast::Point {
                volume: per_15,
                p10: per_15,
                p90: per_15,
                aht_seconds: Some(180.0),
                event: None,
            };
            grid.len
        ],
    };
    let dates: Vec<NaiveDate> = (0..days).map(|d| d0 + Duration::days(d as i64)).collect();
    let team: Vec<paiban::agents::Agent> = (0..agents)
        .map(|i| paiban::agents::Agent {
            id: format!("A{i:03}"),
            name: format!("A{i:03}"),
            tier: "junior".into(),
            contract: "full_time".into(),
            min_hours: 0.0,
            max_hours: 168.0,
            min_days: 0,
            max_days: 7,
            unavailable: vec![],
            preferred_off: vec![],
            requests: vec![],
            skills: vec![],
            on_call: Default::default(),
        })
        .collect();
    let entries = team
        .iter()
        .flat_map(|a| {
            dates.iter().map(|d| Entry {
                agent_id: a.id.clone(),
                date: *d,
                shift: Some(WorkShift {
                    label: "all day".into(),
                    start: d.and_hms_opt(0, 0, 0).expect("midnight"),
                    end: d.and_hms_opt(0, 0, 0).expect("midnight") + Duration::days(1),
                    breaks: vec![],
                    ..Default::default()
                }),
            })
        })
        .collect();
    let roster = Roster { dates, entries };
    let r = paiban::simulate::simulate(
        &f,
        &sc,
        &roster,
        &team,
        &paiban::simulate::SimSettings { runs: 6, seed: 5 },
    )
    .expect("simulate");
    (r.overall.service_level.mean, r.overall.occupancy.mean)
}

fn main() {
    model_against_simulation();
    let tmp = std::env::temp_dir().join(format!("paiban-service-scope-{}", std::process::id()));
    let mut bins = vec![("this", PathBuf::from(env!("CARGO_BIN_EXE_paiban")))];
    if let Ok(other) = std::env::var("SERVICE_SCOPE_BIN") {
        bins.push(("other", PathBuf::from(other)));
    }
    println!();
    cases(&bins, &tmp);
    let _ = std::fs::remove_dir_all(&tmp);
}
