//! Properties over random teams and rules: the roster paiban makes never breaks a hard rule
//! (the independent checker says so), and where demand is not covered the plan or the roster
//! says why; the same input gives the same bytes whatever the number of threads.

mod common;
use common::{paiban, stdout};
use paiban::agents::{Agent, DayRule};
use paiban::scenario::Scenario;
use paiban::solver::SolverSettings;
use proptest::prelude::*;
use std::path::Path;

const BASELINE: &str = include_str!("../scenarios/baseline.toml");

/// Contract index, min hours, max hours, min days, max days, a weekday never available.
type AgentSpec = (usize, f64, f64, u32, u32, Option<u32>);

/// A random agent of one of the baseline's contracts, with consistent hours and days.
fn agent() -> impl Strategy<Value = AgentSpec> {
    // contract, min hours, max hours, min days, max days, a weekday never available
    (
        0usize..3,
        0.0f64..30.0,
        8.0f64..44.0,
        0u32..4,
        3u32..7,
        proptest::option::of(0u32..7),
    )
        .prop_map(|(c, lo, hi, dlo, dhi, off)| {
            let hi = hi.max(lo + 4.0).min(44.0);
            (c, lo.min(hi).floor(), hi.floor(), dlo.min(dhi), dhi, off)
        })
}

fn team(spec: &[AgentSpec]) -> Vec<Agent> {
    const CONTRACTS: [&str; 3] = ["full_time", "part_time", "outsourced"];
    const TIERS: [&str; 3] = ["junior", "senior", "supervisor"];
    spec.iter()
        .enumerate()
        .map(|(i, &(c, lo, hi, dlo, dhi, off))| Agent {
            id: format!("P{i:03}"),
            name: format!("agent {i}"),
            tier: TIERS[i % 3].into(),
            contract: CONTRACTS[c].into(),
            // part-timers and outsourced agents have no guaranteed hours here
            min_hours: if c == 0 { lo } else { 0.0 },
            max_hours: hi,
            min_days: if c == 0 { dlo } else { 0 },
            max_days: dhi,
            unavailable: off
                .map(|d| {
                    vec![DayRule::Weekday(
                        chrono::Weekday::try_from(d as u8).unwrap(),
                    )]
                })
                .unwrap_or_default(),
            preferred_off: vec![],
            requests: vec![],
            skills: vec![],
            on_call: Default::default(),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn rosters_keep_every_hard_rule_and_shortfalls_are_explained(
        spec in proptest::collection::vec(agent(), 3..14),
        demand in proptest::collection::vec(0u32..5, 7 * 16),
        rest in 8u32..13,
        consecutive in 3u32..7,
        days_off in 1u32..3,
    ) {
        let sets: Vec<String> = vec![
            "horizon.interval=\"30m\"".into(),
            format!("labour.min_rest_hours={rest}"),
            format!("labour.max_consecutive_days={consecutive}"),
            format!("labour.min_days_off_per_week={days_off}"),
            "headcount.max_on_duty=12".into(),
        ];
        let sc = Scenario::from_toml_with(Path::new("baseline.toml"), BASELINE, &sets).unwrap();
        let agents = team(&spec);
        // agents whose contract cannot fit these rules are refused by the readers; skip them
        let agents: Vec<Agent> = agents
            .into_iter()
            .filter(|a| paiban::agents::unfit(a, &sc).is_none())
            .collect();
        prop_assume!(!agents.is_empty());
        // a requirement per half hour, by the hour 08:00–24:00, zero at night
        let mut csv = String::from("interval_start,agents_required\n");
        let start = sc.horizon.start_date();
        for day in 0..7 {
            for h in 0..24 {
                let need = if h >= 8 { demand[day * 16 + (h - 8)] } else { 0 };
                let d = start + chrono::Duration::days(day as i64);
                csv.push_str(&format!("{d} {h:02}:00,{need}\n{d} {h:02}:30,{need}\n"));
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let rp = dir.path().join("req.csv");
        std::fs::write(&rp, csv).unwrap();
        let req = paiban::requirements::read_csv(&rp, sc.horizon.tz(), &Default::default()).unwrap();
        let settings = SolverSettings { time_limit_seconds: 20.0, ..SolverSettings::default() };
        let plan = paiban::plan::plan(&req, &sc, Some(&agents), &settings).unwrap();
        let r = paiban::roster::roster(&plan.rows, &agents, &sc, &settings).unwrap();
        let chk = paiban::check::check(&r.roster, &agents, &sc, Some(&req));
        let hard: Vec<&str> = chk
            .violations
            .iter()
            .filter(|v| v.severity == paiban::check::Severity::Hard)
            .map(|v| v.message.as_str())
            .collect();
        prop_assert!(hard.is_empty(), "hard violations: {hard:?}");
        let under = chk.coverage.as_ref().map_or(0, |c| c.under_covered_intervals);
        if under > 0 {
            prop_assert!(
                !plan.shortfalls.is_empty() || !r.unfilled.is_empty(),
                "{under} under-covered intervals and no explanation"
            );
            for s in &plan.shortfalls {
                prop_assert!(s.message.contains("short by"), "{}", s.message);
            }
        }
    }
}

#[test]
fn a_run_paced_by_work_writes_the_same_files_on_a_busy_machine() {
    // the festival week with temps is not solved within 6 units of work: the plan stops by
    // work, and what it writes must not depend on how fast the machine was meanwhile
    let d = tempfile::tempdir().unwrap();
    let solver = d.path().join("solver.toml");
    std::fs::write(&solver, "work_limit = 6\ntime_limit_seconds = 300\n").unwrap();
    let run = |name: &str| {
        let out = d.path().join(name);
        let text = stdout(
            paiban()
                .args([
                    "run",
                    "--scenario",
                    "scenarios/double11-temps.toml",
                    "--solver",
                ])
                .arg(&solver)
                .arg("--out")
                .arg(&out),
        );
        (out, text)
    };
    let (idle, idle_text) = run("idle");
    let load = common::spin(3);
    let (loaded, loaded_text) = run("busy");
    load.stop();
    assert!(idle_text.contains("solver work limit in"), "{idle_text}");
    assert!(
        loaded_text.contains("solver work limit in"),
        "{loaded_text}"
    );
    for f in ["plan.csv", "roster.csv", "check.txt", "simulation.csv"] {
        assert_eq!(
            std::fs::read(idle.join(f)).unwrap(),
            std::fs::read(loaded.join(f)).unwrap(),
            "{f} differs on a busy machine"
        );
    }
}

#[test]
fn same_bytes_whatever_the_thread_count() {
    let d = tempfile::tempdir().unwrap();
    let mut outs = Vec::new();
    for threads in ["1", "2", "4"] {
        let out = d.path().join(format!("t{threads}"));
        stdout(
            paiban()
                .env("RAYON_NUM_THREADS", threads)
                .args([
                    "whatif",
                    "scenarios/baseline.toml",
                    "--sweep",
                    "service.deflection=0.5..0.7:0.1",
                    "--out",
                ])
                .arg(&out),
        );
        outs.push(out);
    }
    let files = |dir: &Path| -> Vec<(String, Vec<u8>)> {
        let mut v = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(p) = stack.pop() {
            for e in std::fs::read_dir(&p).unwrap() {
                let e = e.unwrap().path();
                if e.is_dir() {
                    stack.push(e);
                } else {
                    v.push((
                        e.strip_prefix(dir).unwrap().display().to_string(),
                        std::fs::read(&e).unwrap(),
                    ));
                }
            }
        }
        v.sort();
        v
    };
    let first = files(&outs[0]);
    assert!(first.len() > 30, "{} files", first.len());
    for o in &outs[1..] {
        let other = files(o);
        assert_eq!(first.len(), other.len());
        for (a, b) in first.iter().zip(&other) {
            assert_eq!(a.0, b.0);
            assert!(a.1 == b.1, "{} differs between thread counts", a.0);
        }
    }
}
