//! The Curtois & Qu shift scheduling benchmark through paiban's general rule engine: every
//! instance of ../shared solved to its published optimum, and the independent evaluator agrees
//! with the solver.

use paiban::nrp::{evaluate, solve};
use paiban::solver::SolverSettings;

mod common;

const OPTIMA: [(usize, f64); 6] = [
    (1, 607.0),
    (2, 828.0),
    (3, 1001.0),
    (4, 1716.0),
    (5, 1143.0),
    (6, 1950.0),
];

fn check(i: usize, optimum: f64) {
    let Some(path) = common::shared_file(&format!("data/nrp-curtois/Instance{i}.txt")) else {
        return;
    };
    let p = paiban::nrp::read(&path).unwrap();
    // far above the 0.3–30 s these take on an idle machine (the anytime engine gives a small
    // model's whole MIP 80% of the limit before it searches and proves): a busy one finishes
    let s = SolverSettings {
        time_limit_seconds: 300.0,
        mip_rel_gap: 0.0,
        ..SolverSettings::default()
    };
    let sol = solve(&p, &s).unwrap();
    assert!(
        sol.evaluation.violations.is_empty(),
        "{:?}",
        sol.evaluation.violations
    );
    assert_eq!(
        sol.evaluation.objective, optimum,
        "Instance{i}: {:?}",
        sol.solve
    );
    // the solver's own objective and the evaluator's agree
    assert!((sol.solve.objective - sol.evaluation.objective).abs() < 1e-6);
    assert_eq!(evaluate(&p, &sol.assignment), sol.evaluation);
    let bound = sol.solve.bound.unwrap();
    assert!(bound <= optimum + 1e-6);
    // column generation converges on these in under a second and bounds the whole problem
    // (the compact LP relaxation is then not needed: the decomposition's bound is stronger)
    let cg = sol
        .column_generation
        .as_ref()
        .expect("column generation ran");
    assert!(cg.settled, "Instance{i}: {cg:?}");
    let cg_bound = cg.bound.unwrap();
    assert!(
        cg_bound <= optimum + 1e-6 && cg_bound <= bound + 1e-6,
        "{cg:?}"
    );
    if let Some(lp) = sol.lp_bound {
        assert!(lp <= bound + 1e-6);
    }
}

#[test]
fn instance1() {
    check(OPTIMA[0].0, OPTIMA[0].1)
}
#[test]
fn instance2() {
    check(OPTIMA[1].0, OPTIMA[1].1)
}
#[test]
fn instance3() {
    check(OPTIMA[2].0, OPTIMA[2].1)
}
#[test]
fn instance4() {
    check(OPTIMA[3].0, OPTIMA[3].1)
}
#[test]
fn instance5() {
    check(OPTIMA[4].0, OPTIMA[4].1)
}
#[test]
fn instance6() {
    check(OPTIMA[5].0, OPTIMA[5].1)
}

#[test]
fn the_evaluator_finds_broken_rules() {
    let Some(path) = common::shared_file("data/nrp-curtois/Instance1.txt") else {
        return;
    };
    let p = paiban::nrp::read(&path).unwrap();
    // everybody works every day: too many days in a row, fixed days off, weekends, minutes
    let all: Vec<Vec<Option<usize>>> = vec![vec![Some(0); p.days]; p.employees.len()];
    let ev = evaluate(&p, &all);
    for rule in [
        "day off",
        "max consecutive",
        "max weekends",
        "total minutes",
    ] {
        assert!(
            ev.violations.iter().any(|v| v.rule == rule),
            "{rule} not found"
        );
    }
    // every cover is over by (8 − requirement) at weight 1
    let over: f64 = p
        .cover
        .iter()
        .map(|c| (8.0 - c.required as f64).max(0.0) * c.over_weight)
        .sum();
    assert_eq!(ev.cover_penalty, over);
}

#[test]
fn truncated_and_malformed_files_are_named() {
    let d = tempfile::tempdir().unwrap();
    let cases = [
        ("SECTION_HORIZON\n7\nSECTION_SHIFTS\nD,480,\nSECTION_STAFF\nA,D=7,2400,0,5,1,1,1\n", "SECTION_COVER is missing"),
        ("SECTION_HORIZON\n7\nSECTION_SHIFTS\nD,480,N\n", "unknown shift `N`"),
        ("SECTION_HORIZON\n7\nSECTION_SHIFTS\nD,480,\nSECTION_STAFF\nA,D=7,2400,x,5,1,1,1\n", "`x` is not a whole number"),
        ("SECTION_HORIZON\n7\nSECTION_SHIFTS\nD,480,\nSECTION_STAFF\nA,D=7,2400,0,5,1,1,1\nSECTION_COVER\n9,D,1,100,1\n", "day 9 is outside"),
        ("SECTION_HORIZON\n7\nSECTION_FOO\n", "unknown section"),
    ];
    for (i, (text, want)) in cases.iter().enumerate() {
        let f = d.path().join(format!("bad{i}.txt"));
        std::fs::write(&f, text).unwrap();
        let e = paiban::nrp::read(&f).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains(want), "{want}: {msg}");
        assert!(
            msg.contains(&format!("bad{i}.txt")) && msg.contains("fix:"),
            "{msg}"
        );
    }
}

#[test]
fn a_cover_written_as_minus_zero_reads_as_zero() {
    // published instances write some zero requirements as `-0`
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("minus-zero.txt");
    let text = "SECTION_HORIZON\n7\nSECTION_SHIFTS\nD,480,\nSECTION_STAFF\nA,D=7,2400,0,5,1,1,1\nSECTION_COVER\n0,D,-0,100,1\n1,D,1,100,1\n";
    std::fs::write(&f, text).unwrap();
    let p = paiban::nrp::read(&f).unwrap();
    assert_eq!(p.cover[0].required, 0);
    assert_eq!(p.cover[1].required, 1);
    // a real negative number is still an error
    std::fs::write(&f, text.replace("-0,100", "-2,100")).unwrap();
    let e = paiban::nrp::read(&f).unwrap_err().to_string();
    assert!(e.contains("`-2` is not a whole number"), "{e}");
}

#[test]
fn a_large_instance_gets_a_roster_early_and_an_honest_answer() {
    // Instance8 (30 staff, 28 days, 5,668 integers) is above the size the whole MIP goes
    // first for: the roster comes from column generation's schedules (or construction) and
    // neighbourhoods, the answer says
    // "time limit" with a bound no higher than the best known 1308
    let Some(path) = common::shared_file("data/nrp-curtois/Instance8.txt") else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("roster.csv");
    let o = common::paiban()
        .args(["nrp", "--time-limit", "20", "--progress", "--json", "-o"])
        .arg(&out)
        .arg(&path)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("rostering: 6012 variables (5668 integer)"),
        "{err}"
    );
    // the first roster: column generation's (completed: "start") or construction's
    assert!(
        (err.contains("start") || err.contains("construction")) && err.contains("done"),
        "{err}"
    );
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["hard_violations"], 0);
    assert_ne!(j["status"], "optimal");
    let (obj, lb) = (
        j["objective"].as_f64().unwrap(),
        j["lower_bound"].as_f64().unwrap(),
    );
    assert!(lb <= 1308.0 && lb <= obj, "{j}");
    // any bound reported along the way is below the final one
    if let Some(b) = j["lp_bound"].as_f64() {
        assert!(b <= lb, "{j}");
    }
    if let Some(b) = j["column_generation"]["bound"].as_f64() {
        assert!(b <= lb + 1e-6, "{j}");
    }
    assert!(std::fs::read_to_string(&out).unwrap().lines().count() > 30);
}

#[test]
fn the_same_instance_and_seed_give_the_same_roster() {
    let Some(path) = common::shared_file("data/nrp-curtois/Instance3.txt") else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let run = |name: &str| {
        let out = d.path().join(name);
        common::stdout(
            common::paiban()
                .args(["nrp", "--time-limit", "300", "--seed", "7", "-o"])
                .arg(&out)
                .arg(&path),
        );
        std::fs::read(out).unwrap()
    };
    assert_eq!(run("a.csv"), run("b.csv"));
}

#[test]
fn under_a_work_limit_a_busy_machine_gives_the_same_roster() {
    // a 28-day instance the search does not prove within 3 units of work: it stops by work,
    // and the roster must not depend on how fast the machine was while it ran
    let Some(path) = common::shared_file("data/nrp-curtois/Instance7.txt") else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let run = |name: &str| {
        let out = d.path().join(name);
        let text = common::stdout(
            common::paiban()
                .args(["nrp", "--work-limit", "3", "--time-limit", "600", "-o"])
                .arg(&out)
                .arg(&path),
        );
        (std::fs::read(out).unwrap(), text)
    };
    let (idle, idle_text) = run("idle.csv");
    let load = common::spin(3);
    let (loaded, loaded_text) = run("busy.csv");
    load.stop();
    assert!(idle_text.contains("work limit in"), "{idle_text}");
    assert!(loaded_text.contains("work limit in"), "{loaded_text}");
    let objective = |t: &str| {
        t.split("objective ")
            .nth(1)
            .map(|r| r.split(' ').next().unwrap().to_string())
    };
    assert_eq!(objective(&idle_text), objective(&loaded_text));
    assert_eq!(idle, loaded);
}

#[test]
fn a_drawn_instance_under_a_work_limit_gives_the_same_roster_on_a_busy_machine() {
    // 20 staff over 28 days (drawn in the family's format): the engine's phases (construction,
    // column generation, neighbourhoods, the whole MIP) all paced by their work
    let text = paiban::nrp::generate::generate(
        paiban::nrp::generate::Shape {
            staff: 20,
            days: 28,
            shift_types: 3,
        },
        11,
    );
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("drawn.txt");
    std::fs::write(&path, text).unwrap();
    let p = paiban::nrp::read(&path).unwrap();
    let s = SolverSettings {
        work_limit: Some(2.0),
        time_limit_seconds: 600.0,
        mip_rel_gap: 0.0,
        ..SolverSettings::default()
    };
    let idle = solve(&p, &s).unwrap();
    let load = common::spin(3);
    let loaded = solve(&p, &s).unwrap();
    load.stop();
    assert_eq!(
        idle.solve.status,
        paiban::solver::Status::WorkLimit,
        "{:?}",
        idle.solve
    );
    assert_eq!(idle.assignment, loaded.assignment);
    assert_eq!(idle.solve.objective, loaded.solve.objective);
    assert_eq!(idle.solve.bound, loaded.solve.bound);
    assert!(idle.evaluation.violations.is_empty());
}

#[test]
fn a_half_year_for_fifty_gets_a_roster_within_every_rule_from_the_construction() {
    // drawn in the format: 50 staff, 182 days, 6 shift types (no published file of that
    // size is at hand); the construction's first pass gives a roster whatever the machine's
    // load, and the answer keeps every hard rule
    let text = paiban::nrp::generate::generate(
        paiban::nrp::generate::Shape {
            staff: 50,
            days: 182,
            shift_types: 6,
        },
        1,
    );
    let d = tempfile::tempdir().unwrap();
    let file = d.path().join("half-year.txt");
    std::fs::write(&file, text).unwrap();
    let o = common::paiban()
        .args(["nrp", "--time-limit", "20", "--json"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["hard_violations"], 0, "{j}");
    let c = &j["construction"];
    assert!(c["first_pass_seconds"].as_f64().is_some(), "{j}");
    // the engine improves on the construction's roster, or keeps it
    assert!(j["objective"].as_f64() <= c["objective"].as_f64(), "{j}");
    assert_ne!(j["status"], "optimal");
}
