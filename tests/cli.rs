//! End-to-end tests of the real binary: every stage through the CLI, bad inputs, exit codes.

use predicates::prelude::*;
use std::path::Path;

mod common;
use common::{check_run, paiban, stdout};

#[test]
fn erlang_calculator_worked_example() {
    // Call Centre Helper: 100 contacts in 30 min, AHT 180 s, 80% in 20 s → 14 agents, 20 with 30% shrinkage
    const EXAMPLE: [&str; 11] = [
        "erlang",
        "--volume",
        "100",
        "--interval",
        "30m",
        "--aht",
        "180s",
        "--target",
        "80/20s",
        "--shrinkage",
        "0.3",
    ];
    let out = stdout(paiban().args(EXAMPLE).arg("--json"));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["agents"], 14);
    assert_eq!(v["agents_with_shrinkage"], 20);
    assert!((v["service_level"].as_f64().unwrap() - 0.88835).abs() < 1e-4);
    insta::assert_snapshot!(stdout(paiban().args(EXAMPLE)));
    // with customers who leave after 2 minutes on average: Erlang A
    let out = stdout(paiban().args(EXAMPLE).args(["--patience", "2m", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["model"], "erlang_a");
    assert_eq!(v["agents"], 12);
    assert!((v["abandon"].as_f64().unwrap() - 0.0616).abs() < 1e-3);
    paiban()
        .args(EXAMPLE)
        .args(["--max-abandon", "3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs --patience"));
}

#[test]
fn demo_runs_and_its_roster_passes_check() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let summary = stdout(paiban().args(["demo", "--json", "--out"]).arg(&out));
    let v: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(v["hard_violations"], 0);
    assert!(v["peak_agents_required"].as_u64().unwrap() > 3);
    assert!(["optimal", "within gap"].contains(&v["plan_solve"]["status"].as_str().unwrap()));
    assert!(v["plan_solve"]["gap"].as_f64().unwrap() <= 0.001 + 1e-9);
    for f in [
        "history.csv",
        "agents.csv",
        "scenario.toml",
        "forecast.csv",
        "requirements.csv",
        "plan.csv",
        "roster.csv",
        "check.txt",
        "summary.json",
    ] {
        assert!(out.join(f).exists(), "{f} missing");
    }
    // the independent checker agrees, also through the CLI
    check_run(&out)
        .arg("--requirements")
        .arg(out.join("requirements.csv"))
        .assert()
        .success()
        .stdout(predicate::str::contains("0 hard"));
    // the roster simulated: what run/demo report, and the simulate command on its files
    let sim = &v["simulated"]["service_level"]["mean"];
    assert!(sim.as_f64().unwrap() > 0.5, "{sim}");
    let sim_json = stdout(
        paiban()
            .arg("simulate")
            .arg("--roster")
            .arg(out.join("roster.csv"))
            .arg("--forecast")
            .arg(out.join("forecast.csv"))
            .arg("--scenario")
            .arg(out.join("scenario.toml"))
            .args(["--runs", "4", "--seed", "9", "--json", "-o"])
            .arg(out.join("sim.csv")),
    );
    let t: serde_json::Value = serde_json::from_str(&sim_json).unwrap();
    let sl = t["service_level"]["mean"].as_f64().unwrap();
    assert!((0.5..=1.0).contains(&sl), "{t}");
    assert!(t["service_level"]["ci95"].as_f64().unwrap() >= 0.0);
    let csv = std::fs::read_to_string(out.join("sim.csv")).unwrap();
    assert!(csv.starts_with("interval_start,offered,agents_on_queue,service_level,"));
    assert_eq!(csv.lines().count(), 1 + 7 * 96);
    // days off are visible: 20 agents × 7 days = 140 rows + header
    let roster = std::fs::read_to_string(out.join("roster.csv")).unwrap();
    assert_eq!(roster.lines().count(), 141);
    assert!(roster.contains(",OFF,"));
}

#[test]
fn stages_chain_through_files_and_are_deterministic() {
    let d = tempfile::tempdir().unwrap();
    let p = |f: &str| d.path().join(f);
    stdout(
        paiban()
            .args([
                "synth",
                "--agents",
                "12",
                "--years",
                "2",
                "--seed",
                "5",
                "--end",
                "2026-11-09",
                "--out",
            ])
            .arg(d.path()),
    );
    stdout(
        paiban()
            .args([
                "forecast",
                "--start",
                "2026-11-09",
                "--days",
                "7",
                "--interval",
                "15m",
                "--history",
            ])
            .arg(p("history.csv"))
            .arg("-o")
            .arg(p("forecast.csv")),
    );
    stdout(
        paiban()
            .arg("requirements")
            .arg("--forecast")
            .arg(p("forecast.csv"))
            .arg("--scenario")
            .arg(p("scenario.toml"))
            .arg("-o")
            .arg(p("requirements.csv")),
    );
    let plan_out = stdout(
        paiban()
            .arg("plan")
            .arg("--requirements")
            .arg(p("requirements.csv"))
            .arg("--scenario")
            .arg(p("scenario.toml"))
            .arg("-o")
            .arg(p("plan.csv")),
    );
    assert!(plan_out.contains("LP bound"), "{plan_out}");
    stdout(
        paiban()
            .arg("roster")
            .arg("--plan")
            .arg(p("plan.csv"))
            .arg("--agents")
            .arg(p("agents.csv"))
            .arg("--scenario")
            .arg(p("scenario.toml"))
            .arg("-o")
            .arg(p("roster.csv")),
    );
    paiban()
        .arg("check")
        .arg("--roster")
        .arg(p("roster.csv"))
        .arg("--agents")
        .arg(p("agents.csv"))
        .arg("--scenario")
        .arg(p("scenario.toml"))
        .assert()
        .success();
    // the 11.11 week: the forecast carries the festival
    let f = std::fs::read_to_string(p("forecast.csv")).unwrap();
    assert!(f.contains("Double 11"));
    // same inputs, same bytes
    let first = std::fs::read(p("plan.csv")).unwrap();
    stdout(
        paiban()
            .arg("plan")
            .arg("--requirements")
            .arg(p("requirements.csv"))
            .arg("--scenario")
            .arg(p("scenario.toml"))
            .arg("-o")
            .arg(p("plan2.csv")),
    );
    assert_eq!(first, std::fs::read(p("plan2.csv")).unwrap());
}

/// A synthetic shop of three agents (agents.csv, scenario.toml, …) in a fresh folder.
fn three_agent_shop() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    stdout(
        paiban()
            .args(["synth", "--agents", "3", "--years", "1", "--out"])
            .arg(d.path()),
    );
    d
}

/// `paiban check --roster ROSTER` with the shop's agents and scenario.
fn check_in(shop: &Path, roster: &str) -> assert_cmd::Command {
    let mut c = paiban();
    c.arg("check")
        .arg("--roster")
        .arg(shop.join(roster))
        .arg("--agents")
        .arg(shop.join("agents.csv"))
        .arg("--scenario")
        .arg(shop.join("scenario.toml"));
    c
}

#[test]
fn hand_made_roster_with_broken_rules_exits_1() {
    let d = three_agent_shop();
    let out = d.path();
    let mut csv = String::from("agent_id,date,shift,start,end,break_start,break_end\n");
    // 15:00-24:00 then 07:00 the next day: 7 h rest; and a shift with no break
    csv.push_str("A0001,2026-11-02,late,2026-11-02 15:00,2026-11-03 00:00,2026-11-02 19:00,2026-11-02 20:00\n");
    csv.push_str("A0001,2026-11-03,early,2026-11-03 07:00,2026-11-03 16:00,2026-11-03 11:00,2026-11-03 12:00\n");
    csv.push_str("A0002,2026-11-02,nobreak,2026-11-02 09:00,2026-11-02 18:00,,\n");
    std::fs::write(out.join("hand.csv"), csv).unwrap();
    check_in(out, "hand.csv")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("rests only 7.0 h"))
        .stdout(predicate::str::contains(
            "A0002) works shift nobreak on 2026-11-02",
        ))
        .stdout(predicate::str::contains(
            "hard  REST  A0001 2026-11-02–2026-11-03:",
        ));
}

#[test]
fn an_edited_roster_against_the_published_names_each_change_and_what_it_breaks() {
    let d = three_agent_shop();
    let out = d.path();
    let head = "agent_id,date,shift,start,end,break_start,break_end\n";
    let published = format!(
        "{head}A0001,2026-11-02,late,2026-11-02 15:00,2026-11-03 00:00,2026-11-02 19:00,2026-11-02 20:00\n\
         A0001,2026-11-03,late,2026-11-03 15:00,2026-11-04 00:00,2026-11-03 19:00,2026-11-03 20:00\n\
         A0002,2026-11-03,early,2026-11-03 07:00,2026-11-03 16:00,2026-11-03 11:00,2026-11-03 12:00\n"
    );
    // A0001 and A0002 swap their shifts on 11-03 (A0001 now starts 07:00 after a late); A0003
    // is called in on 11-04, a day the published roster does not reach: both are checked over
    // the same weeks, so only the rest rule is new
    let edited = format!(
        "{head}A0001,2026-11-02,late,2026-11-02 15:00,2026-11-03 00:00,2026-11-02 19:00,2026-11-02 20:00\n\
         A0001,2026-11-03,early,2026-11-03 07:00,2026-11-03 16:00,2026-11-03 11:00,2026-11-03 12:00\n\
         A0002,2026-11-03,late,2026-11-03 15:00,2026-11-04 00:00,2026-11-03 19:00,2026-11-03 20:00\n\
         A0003,2026-11-04,early,2026-11-04 07:00,2026-11-04 16:00,2026-11-04 11:00,2026-11-04 12:00\n"
    );
    std::fs::write(out.join("published.csv"), published).unwrap();
    std::fs::write(out.join("edited.csv"), edited).unwrap();
    let check = |json: bool| {
        let mut c = check_in(out, "edited.csv");
        c.arg("--against").arg(out.join("published.csv"));
        if json {
            c.arg("--json");
        }
        c.assert().code(1)
    };
    let a = check(false);
    let text = String::from_utf8_lossy(&a.get_output().stdout).to_string();
    assert!(
        text.contains("3 changed agent-days (1 added, 0 removed, 0 moved, 2 in swaps)"),
        "{text}"
    );
    assert!(
        text.contains(
            "A0001 2026-11-03: 15:00–00:00 late → 07:00–16:00 early (swapped with A0002)"
        ),
        "{text}"
    );
    assert!(
        text.contains("    breaks  hard  REST  A0001 2026-11-02–2026-11-03:"),
        "{text}"
    );
    let j: serde_json::Value = serde_json::from_slice(&check(true).get_output().stdout).unwrap();
    assert_eq!(j["against"]["changes"].as_array().unwrap().len(), 3);
    assert_eq!(j["against"]["changes"][0]["kind"], "swapped");
    assert!(j["against"]["new_violations"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["code"] == "REST" && v["agent_id"] == "A0001"));
    assert!(j["check"]["violations"].is_array());
}

fn assert_input_error(args: &[&str], dir: &Path, must: &[&str], no_output: &Path) {
    let a = paiban().args(args).current_dir(dir).assert().code(2);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    for m in must {
        assert!(err.contains(m), "stderr lacks `{m}`:\n{err}");
    }
    assert!(
        !no_output.exists(),
        "an output file was written despite the error"
    );
}

#[test]
fn bad_inputs_are_named_precisely_and_write_nothing() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let out = dir.join("f.csv");
    // each bad history file, fed to `forecast`, and what the error must name
    let histories: [(&str, &str, &[&str]); 4] = [
        (
            "neg.csv",
            "timestamp,count\n2026-01-01 00:00,4\n2026-01-01 01:00,-3\n",
            &["neg.csv", "line 3", "`count`", "negative"],
        ),
        (
            "unk.csv",
            "timestamp,count,colour\n2026-01-01 00:00,4,red\n",
            &["unk.csv", "line 1", "unknown column `colour`", "fix:"],
        ),
        (
            "ts.csv",
            "timestamp,count\n2026-01-01 00:00,4\n11/01/2026,5\n",
            &["ts.csv", "line 3", "`timestamp`", "not a timestamp"],
        ),
        ("empty.csv", "", &["empty.csv", "empty"]),
    ];
    for (name, content, must) in histories {
        std::fs::write(dir.join(name), content).unwrap();
        assert_input_error(
            &[
                "forecast",
                "--history",
                name,
                "--start",
                "2026-02-01",
                "-o",
                "f.csv",
            ],
            dir,
            must,
            &out,
        );
    }
    std::fs::write(dir.join("bad.toml"), "name = \"x\"\nhorizn = 3\n").unwrap();
    std::fs::write(
        dir.join("fc.csv"),
        "interval_start,volume\n2026-01-01 00:00,4\n2026-01-01 00:15,5\n",
    )
    .unwrap();
    assert_input_error(
        &[
            "requirements",
            "--forecast",
            "fc.csv",
            "--scenario",
            "bad.toml",
            "-o",
            "f.csv",
        ],
        dir,
        &["bad.toml", "horizn"],
        &out,
    );
    assert_input_error(
        &["erlang", "--volume", "10", "--aht", "3x"],
        dir,
        &["3x"],
        &out,
    );
}

#[test]
fn scenario_files_shipped_are_valid() {
    for f in std::fs::read_dir("scenarios").unwrap() {
        let p = f.unwrap().path();
        paiban::scenario::Scenario::load(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    }
    for f in std::fs::read_dir("solver-configs").unwrap() {
        let p = f.unwrap().path();
        paiban::solver::SolverSettings::load(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    }
}

#[test]
fn backtest_and_user_events_through_the_cli() {
    let d = tempfile::tempdir().unwrap();
    let p = |f: &str| d.path().join(f);
    stdout(
        paiban()
            .args(["synth", "--years", "2", "--end", "2025-12-01", "--out"])
            .arg(d.path()),
    );
    let args = |json: bool| {
        let mut c = paiban();
        c.arg("backtest")
            .arg("--history")
            .arg(p("history.csv"))
            .args([
                "--horizon",
                "2w",
                "--folds",
                "3",
                "--first-origin",
                "2025-10-27",
            ]);
        if json {
            c.arg("--json");
        }
        c
    };
    let v: serde_json::Value = serde_json::from_str(&stdout(&mut args(true))).unwrap();
    assert_eq!(v["folds"].as_array().unwrap().len(), 3);
    assert_eq!(v["folds"][0]["origin"], "2025-10-27 00:00");
    assert_eq!(v["methods"][0]["method"], "seasonal-event");
    assert_eq!(
        v["methods"].as_array().unwrap().last().unwrap()["method"],
        "seasonal-naive"
    );
    assert_eq!(v["methods"][0]["by_day"].as_array().unwrap().len(), 14);
    let (m, naive) = (&v["methods"][0], &v["methods"][1]);
    assert!(
        m["by_event"]["double11_peak"]["wape"].as_f64().unwrap()
            < naive["by_event"]["double11_peak"]["wape"].as_f64().unwrap()
    );
    assert!(m["overall"]["coverage"].as_f64().is_some());
    assert!(naive["overall"]["coverage"].is_null());
    let text = stdout(&mut args(false));
    assert!(
        text.contains("double11_peak") && text.contains("WAPE is"),
        "{text}"
    );
    // a fold past the end of the history is refused with the fix
    paiban()
        .arg("backtest")
        .arg("--history")
        .arg(p("history.csv"))
        .args(["--first-origin", "2025-11-24"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("runs past the end of the history"));

    // a brand day the supervisor knows about, and the corrected pre-sale launch
    std::fs::write(
        p("events.toml"),
        "[[event]]\nname = \"brand_day\"\nlabel = \"Brand day\"\ndate = \"2025-12-03\"\nuplift = 1.5\n",
    )
    .unwrap();
    let forecast = |events: &str, out: &str| {
        let mut c = paiban();
        c.arg("forecast")
            .arg("--history")
            .arg(p("history.csv"))
            .args([
                "--start",
                "2025-12-01",
                "--days",
                "7",
                "--interval",
                "60m",
                "--events",
            ])
            .arg(p(events))
            .arg("-o")
            .arg(p(out));
        c
    };
    stdout(&mut forecast("events.toml", "f.csv"));
    let f = std::fs::read_to_string(p("f.csv")).unwrap();
    assert!(f.starts_with("interval_start,volume,p10,p50,p90,aht_seconds,event\n"));
    assert!(f.contains("2025-12-03 12:00,") && f.contains(",Brand day\n"));
    std::fs::write(
        p("bad-events.toml"),
        "[[event]]\nname = \"brand_day\"\nstart = \"2025-12-05\"\nend = \"2025-12-03\"\n",
    )
    .unwrap();
    forecast("bad-events.toml", "g.csv")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad-events.toml"))
        .stderr(predicate::str::contains("field `end`"))
        .stderr(predicate::str::contains("fix: swap start and end"));
    assert!(!p("g.csv").exists());
}

#[test]
fn scenario_events_file_reaches_the_forecast_and_is_written_beside_the_outputs() {
    let d = tempfile::tempdir().unwrap();
    let p = |f: &str| d.path().join(f);
    let base = std::fs::read_to_string("scenarios/baseline.toml").unwrap();
    let sc = base.replacen("[inputs]\n", "[inputs]\nevents = \"events.toml\"\n", 1);
    assert_ne!(sc, base, "baseline.toml has an [inputs] table");
    std::fs::write(p("s.toml"), sc).unwrap();
    std::fs::write(
        p("events.toml"),
        "[[event]]\nname = \"brand_day\"\nlabel = \"Brand day\"\ndate = \"2026-11-04\"\ntime = \"20:00\"\npost_hours = 0\nuplift = 2.0\n",
    )
    .unwrap();
    paiban()
        .arg("run")
        .arg("--scenario")
        .arg(p("s.toml"))
        .arg("--out")
        .arg(p("out"))
        .assert()
        .success();
    let f = std::fs::read_to_string(p("out/forecast.csv")).unwrap();
    assert!(f.contains("2026-11-04 20:00,") && f.contains(",Brand day\n"));
    // the window ends with the event's date
    let line = |ts: &str| f.lines().find(|l| l.starts_with(ts)).unwrap().to_string();
    assert!(line("2026-11-04 23:45").ends_with(",Brand day"));
    assert!(!line("2026-11-05 00:00").ends_with(",Brand day"));
    // the written scenario reads the written events file and gives the same forecast
    let written = std::fs::read_to_string(p("out/scenario.toml")).unwrap();
    assert!(written.contains("events = \"events.toml\""), "{written}");
    paiban()
        .arg("run")
        .arg("--scenario")
        .arg(p("out/scenario.toml"))
        .arg("--out")
        .arg(p("out2"))
        .assert()
        .success();
    assert_eq!(f, std::fs::read_to_string(p("out2/forecast.csv")).unwrap());
}

#[test]
fn nrp_solves_a_benchmark_file_and_names_a_broken_one() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("tiny.txt");
    // one employee who may work 5 days: two days of cover are short, 100 each
    std::fs::write(
        &f,
        "SECTION_HORIZON\n7\nSECTION_SHIFTS\nD,480,\nSECTION_STAFF\nA,D=7,2400,0,5,1,1,1\nSECTION_DAYS_OFF\nSECTION_SHIFT_ON_REQUESTS\nA,0,D,3\nSECTION_SHIFT_OFF_REQUESTS\nSECTION_COVER\n0,D,1,100,1\n1,D,1,100,1\n2,D,1,100,1\n3,D,1,100,1\n4,D,1,100,1\n5,D,1,100,1\n6,D,1,100,1\n",
    )
    .unwrap();
    let out = d.path().join("r.csv");
    let v: serde_json::Value = serde_json::from_str(&stdout(
        paiban()
            .arg("nrp")
            .arg(&f)
            .arg("--json")
            .arg("-o")
            .arg(&out),
    ))
    .unwrap();
    assert_eq!(v["objective"], 200.0);
    assert_eq!(v["hard_violations"], 0);
    assert_eq!(v["status"], "optimal");
    let roster = std::fs::read_to_string(&out).unwrap();
    assert_eq!(roster.lines().count(), 1 + 5);
    assert!(
        roster.contains("A,0,D\n"),
        "the on-request is honoured: {roster}"
    );
    std::fs::write(
        d.path().join("cut.txt"),
        "SECTION_HORIZON\n7\nSECTION_SHIFTS\nD,480,\n",
    )
    .unwrap();
    paiban()
        .arg("nrp")
        .arg(d.path().join("cut.txt"))
        .arg("-o")
        .arg(d.path().join("no.csv"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("SECTION_STAFF is missing"));
    assert!(!d.path().join("no.csv").exists());
}
