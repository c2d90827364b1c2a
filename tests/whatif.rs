//! What-if scenarios and exports through the real binary: `extends`, `--set`, `show-scenario`,
//! `whatif` (side by side and sweeps), the workbook, the HTML report (rendered in headless
//! Chromium when it is installed), iCalendar files, Chinese headers and Excel's BOM.

use calamine::{open_workbook, Reader, Xlsx};
use paiban::scenario::Scenario;
use predicates::prelude::*;
use std::path::Path;

mod common;
use common::{check_run, paiban, stdout};

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// comparison.csv as (header, rows of fields).
fn comparison(dir: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(dir.join("comparison.csv")).unwrap();
    let head = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    (head, rows)
}

fn col(head: &[String], name: &str) -> usize {
    head.iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {head:?}"))
}

fn num(row: &[String], i: usize) -> f64 {
    row[i].parse().unwrap()
}

/// Renders `file` in headless Chromium and returns the DOM after scripts ran; None when
/// Chromium is not installed (the test says so).
fn chromium_dom(file: &Path) -> Option<String> {
    let bin = ["chromium", "chromium-browser"].into_iter().find(|b| {
        std::process::Command::new(b)
            .arg("--version")
            .output()
            .is_ok()
    });
    let Some(bin) = bin else {
        eprintln!("SKIPPED rendering check: no chromium (apt-get install -y chromium)");
        return None;
    };
    let out = std::process::Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=3000",
            "--dump-dom",
        ])
        .arg(format!("file://{}", file.canonicalize().unwrap().display()))
        .output()
        .unwrap();
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn whatif_compares_baseline_and_double11_and_writes_report_and_workbook() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("wi");
    let text = stdout(
        paiban()
            .args([
                "whatif",
                "scenarios/baseline.toml",
                "scenarios/double11.toml",
                "--out",
            ])
            .arg(&out),
    );
    assert!(
        text.contains("baseline") && text.contains("double11"),
        "{text}"
    );
    assert!(text.contains("abandoned (simulated)"), "{text}");

    // the comparison: one row per scenario, in the order given
    let (head, rows) = comparison(&out);
    assert_eq!(rows.len(), 2);
    let sc = col(&head, "scenario");
    assert_eq!(
        (rows[0][sc].as_str(), rows[1][sc].as_str()),
        ("baseline", "double11")
    );
    let fc = col(&head, "forecast_inquiries");
    let peak = col(&head, "peak_agents_required");
    let hire = col(&head, "agents_to_hire");
    let under = col(&head, "under_agent_hours");
    let sl = col(&head, "service_level");
    let ab = col(&head, "abandon");
    // the festival week has more inquiries, a higher peak, more shortfall and worse service
    assert!(num(&rows[1], fc) > 1.3 * num(&rows[0], fc));
    assert!(num(&rows[1], peak) > num(&rows[0], peak));
    assert!(num(&rows[1], under) > num(&rows[0], under));
    assert!(num(&rows[1], hire) > num(&rows[0], hire));
    assert!(num(&rows[1], sl) < num(&rows[0], sl));
    // Double 11's customers have a patience (5 min): they abandon; baseline has none set
    assert!(num(&rows[1], ab) > 0.05, "{:?}", rows[1]);
    assert_eq!(
        rows[0][ab], "",
        "no abandonment measured without service.patience"
    );
    for r in &rows {
        assert!((0.0..=1.0).contains(&num(r, sl)));
        assert_eq!(r[col(&head, "hard_violations")], "0");
    }

    // every scenario's files, and its roster passes the independent checker
    for name in ["baseline", "double11"] {
        let s = out.join(name);
        for f in [
            "roster.csv",
            "roster_grid.csv",
            "report.html",
            "workbook.xlsx",
            "plan.csv",
        ] {
            assert!(s.join(f).exists(), "{name}/{f} missing");
        }
        check_run(&s).assert().success();
    }

    // the report is self-contained: no scripts, styles or images from elsewhere
    let html = read(&out.join("report.html"));
    for bad in ["src=\"http", "href=\"http", "<link", "@import", "url(http"] {
        assert!(!html.contains(bad), "report refers outside: {bad}");
    }
    for must in [
        "<svg",
        "double11",
        "class=\"heatmap\"",
        "class=\"gantt\"",
        "class=\"history\"",
        "class=\"comparison\"",
    ] {
        assert!(html.contains(must), "report lacks {must}");
    }
    if let Some(dom) = chromium_dom(&out.join("report.html")) {
        let n: usize = dom
            .split("data-charts=\"rendered:")
            .nth(1)
            .and_then(|t| t.split('"').next())
            .and_then(|t| t.parse().ok())
            .unwrap_or_else(|| {
                panic!(
                    "charts did not render in chromium:\n{}",
                    &dom[..dom.len().min(2000)]
                )
            });
        // comparison chart + per scenario: history, heatmap, gantt
        assert!(n >= 7, "only {n} charts rendered");
    }

    // the workbook: comparison, and per scenario a coloured roster grid and coverage
    let mut wb: Xlsx<_> = open_workbook(out.join("workbook.xlsx")).unwrap();
    let names = wb.sheet_names();
    assert_eq!(
        names,
        [
            "Comparison",
            "Roster 1 baseline",
            "Coverage 1 baseline",
            "Roster 2 double11",
            "Coverage 2 double11"
        ]
    );
    let cmp = wb.worksheet_range("Comparison").unwrap();
    assert_eq!(cmp.get((0, 1)).unwrap().to_string(), "baseline");
    assert_eq!(cmp.get((0, 2)).unwrap().to_string(), "double11");
    // the grid holds the roster: agent A0001's cells are the shifts of roster.csv
    let grid = wb.worksheet_range("Roster 2 double11").unwrap();
    assert_eq!(grid.get((1, 0)).unwrap().to_string(), "A0001");
    let roster = read(&out.join("double11/roster.csv"));
    let mut worked = 0;
    for line in roster.lines().skip(1).filter(|l| l.starts_with("A0001,")) {
        let f: Vec<&str> = line.split(',').collect();
        let date = f[4];
        let day = (0..7)
            .find(|k| {
                grid.get((0, 4 + k))
                    .unwrap()
                    .to_string()
                    .starts_with(&date[5..])
            })
            .unwrap();
        let cell = grid.get((1, 4 + day)).unwrap().to_string();
        if f[6] == "OFF" {
            assert_eq!(cell, "OFF");
        } else {
            worked += 1;
            assert!(cell.contains(&f[7][11..16]), "{cell} vs {line}");
        }
    }
    assert!(worked >= 4);
    let cov = wb.worksheet_range("Coverage 2 double11").unwrap();
    assert_eq!(cov.height(), 1 + 7 * 96);

    // same inputs, same bytes
    let again = d.path().join("again");
    stdout(
        paiban()
            .args([
                "whatif",
                "scenarios/baseline.toml",
                "scenarios/double11.toml",
                "--out",
            ])
            .arg(&again),
    );
    for f in [
        "comparison.csv",
        "report.html",
        "workbook.xlsx",
        "double11/roster.csv",
    ] {
        assert_eq!(
            std::fs::read(out.join(f)).unwrap(),
            std::fs::read(again.join(f)).unwrap(),
            "{f} differs between two runs"
        );
    }
}

#[test]
fn sweep_gives_one_row_per_point_and_fewer_agents_as_deflection_rises() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("sw");
    let json = stdout(
        paiban()
            .args([
                "whatif",
                "scenarios/baseline.toml",
                "--sweep",
                "service.deflection=0.5..0.7:0.1",
                "--json",
                "--out",
            ])
            .arg(&out),
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows = v.as_array().unwrap();
    let labels: Vec<&str> = rows
        .iter()
        .map(|r| r["scenario"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "baseline service.deflection=0.5",
            "baseline service.deflection=0.6",
            "baseline service.deflection=0.7"
        ]
    );
    let req: Vec<f64> = rows
        .iter()
        .map(|r| r["peak_agents_required"].as_f64().unwrap())
        .collect();
    assert!(
        req[0] >= req[1] && req[1] >= req[2] && req[0] > req[2],
        "{req:?}"
    );
    // the same forecast at every point: only the deflection moved
    assert_eq!(rows[0]["forecast_inquiries"], rows[2]["forecast_inquiries"]);
    assert!(out
        .join("baseline_service.deflection=0.7/roster.csv")
        .exists());
    let mut wb: Xlsx<_> = open_workbook(out.join("workbook.xlsx")).unwrap();
    assert_eq!(wb.sheet_names().len(), 1 + 2 * 3);
    assert!(wb.worksheet_range("Comparison").is_ok());

    // a sweep varies one file; a bad range is refused before any solving
    paiban()
        .args([
            "whatif",
            "scenarios/baseline.toml",
            "scenarios/double11.toml",
        ])
        .args(["--sweep", "service.deflection=0.5..0.7:0.1", "--out"])
        .arg(d.path().join("x"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("exactly one scenario"));
    paiban()
        .args([
            "whatif",
            "scenarios/baseline.toml",
            "--sweep",
            "service.deflection=0.7..0.5:0.1",
        ])
        .arg("--out")
        .arg(d.path().join("y"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--sweep"));
    assert!(!d.path().join("x").exists() && !d.path().join("y").exists());
}

#[test]
fn extends_set_and_show_scenario() {
    let d = tempfile::tempdir().unwrap();
    let base_dir = d.path().join("base");
    std::fs::create_dir_all(&base_dir).unwrap();
    // a base in its own folder with a relative input path, and a promotion extending it
    let base = read(Path::new("scenarios/baseline.toml"))
        .replace("[inputs]", "[inputs]\nevents = \"events.toml\"");
    std::fs::write(base_dir.join("baseline.toml"), &base).unwrap();
    std::fs::write(
        base_dir.join("events.toml"),
        "[[event]]\nname = \"anniversary\"\ndate = \"2026-11-05\"\nuplift = 1.5\n",
    )
    .unwrap();
    let promo = d.path().join("promo.toml");
    std::fs::write(
        &promo,
        "extends = \"base/baseline.toml\"\nname = \"promo\"\n\n[demand]\nevent_uplift_factor = 1.4\n\n[service]\ntarget_percent = 90\n",
    )
    .unwrap();
    let shown = stdout(paiban().arg("show-scenario").arg(&promo).args([
        "--set",
        "service.deflection=0.7",
        "--set",
        "headcount.max_on_duty=25",
    ]));
    let sc = Scenario::from_toml(Path::new("shown.toml"), &shown).unwrap();
    let b = Scenario::load(&base_dir.join("baseline.toml")).unwrap();
    assert_eq!(sc.name, "promo");
    assert_eq!(sc.demand.event_uplift_factor, 1.4);
    assert_eq!(sc.service.target_percent, 90.0);
    assert_eq!(sc.service.deflection, 0.7);
    assert_eq!(sc.headcount.max_on_duty, Some(25));
    // untouched values come from the base, merged key by key inside a table
    assert_eq!(sc.demand.aht_seconds, b.demand.aht_seconds);
    assert_eq!(sc.service.concurrency, b.service.concurrency);
    assert_eq!(sc.shifts, b.shifts);
    assert_eq!(sc.contracts, b.contracts);
    // the base's input path still points at the base's folder
    assert_eq!(
        sc.inputs.events.as_deref(),
        Some(Path::new("base/events.toml"))
    );
    // what show-scenario prints is the scenario: loading it back gives the same values
    let direct = Scenario::load_with(
        &promo,
        &[
            "service.deflection=0.7".into(),
            "headcount.max_on_duty=25".into(),
        ],
    )
    .unwrap();
    assert_eq!(sc, direct);

    // mistakes: a cycle, a key the scenario does not have, not KEY=VALUE, a wrong type
    std::fs::write(
        d.path().join("a.toml"),
        "extends = \"b.toml\"\nname = \"a\"\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("b.toml"),
        "extends = \"a.toml\"\nname = \"b\"\n",
    )
    .unwrap();
    paiban()
        .arg("show-scenario")
        .arg(d.path().join("a.toml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("leads back"));
    for (set, must) in [
        ("service.deflexion=0.7", "deflexion"),
        ("deflection", "KEY=VALUE"),
        ("service.deflection=lots", "deflection"),
        ("shift.9.prep=\"15m\"", "index 9"),
    ] {
        paiban()
            .arg("show-scenario")
            .arg(&promo)
            .args(["--set", set])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(must));
    }
    // --set reaches a run: a stricter target needs more agents at the peak
    let req = |extra: &[&str]| -> u64 {
        let out = d.path().join(format!("r{}", extra.len()));
        let v: serde_json::Value = serde_json::from_str(&stdout(
            paiban()
                .args([
                    "run",
                    "--json",
                    "--scenario",
                    "scenarios/baseline.toml",
                    "--out",
                ])
                .arg(&out)
                .args(extra),
        ))
        .unwrap();
        v["peak_agents_required"].as_u64().unwrap()
    };
    assert!(
        req(&[
            "--set",
            "service.target_percent=95",
            "--set",
            "service.target_answer=\"10s\""
        ]) > req(&[])
    );
}

#[test]
fn chinese_excel_exports_and_calendars() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("zh");
    stdout(
        paiban()
            .args(["demo", "--lang", "zh", "--excel", "--out"])
            .arg(&out),
    );
    let bytes = std::fs::read(out.join("roster.csv")).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "no BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let head = text.lines().next().unwrap();
    assert!(
        head.starts_with("工号,姓名,级别,合同类型,日期,星期,班次"),
        "{head}"
    );
    assert!(text.contains(",休,") && text.contains("周一"));
    // the Chinese roster with its BOM reads back: the checker takes it as it is
    check_run(&out).assert().success();
    let grid = read(&out.join("roster_grid.csv"));
    let grid = grid.trim_start_matches('\u{feff}');
    assert_eq!(grid.lines().count(), 1 + 20);
    assert!(grid.lines().next().unwrap().contains("周日"));
    // inputs written beside the outputs stay plain (they are read back by paiban)
    assert!(!std::fs::read(out.join("agents.csv"))
        .unwrap()
        .starts_with(&[0xEF]));

    // one calendar per agent, one event per shift worked, stamped from the roster
    let en = d.path().join("en");
    stdout(paiban().args(["demo", "--out"]).arg(&en));
    let roster = read(&en.join("roster.csv"));
    let worked = roster
        .lines()
        .filter(|l| l.starts_with("A0003,") && !l.contains(",OFF,"))
        .count();
    let ics = read(&en.join("ics/A0003.ics"));
    assert!(ics.starts_with("BEGIN:VCALENDAR"));
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), worked);
    assert!(ics.contains("TZID=Asia/Shanghai"));
    assert!(ics.contains("UID:A0003-2026-11-0"));
    assert_eq!(std::fs::read_dir(en.join("ics")).unwrap().count(), 20);
    // the same roster gives the same calendar bytes
    assert_eq!(ics, read(&out.join("ics/A0003.ics")));
}

#[test]
fn temporary_agents_with_ramp_up() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("temps");
    // a 1% gap: this is about the temps, not the last 0.1% of the plan; the time limit is
    // far above the ~10 s the solves need on an idle machine, so a busy one still finishes
    let solver = d.path().join("solver.toml");
    std::fs::write(&solver, "time_limit_seconds = 120\nmip_rel_gap = 0.01\n").unwrap();
    stdout(
        paiban()
            .args([
                "whatif",
                "scenarios/double11.toml",
                "scenarios/double11-temps.toml",
            ])
            .arg("--solver")
            .arg(&solver)
            .arg("--out")
            .arg(&out),
    );
    let (head, rows) = comparison(&out);
    let n = col(&head, "agents");
    assert_eq!((rows[0][n].as_str(), rows[1][n].as_str()), ("20", "32"));
    // twelve more (part-)agents: dearer, less short, better service
    for (name, more) in [
        ("labour_cost", true),
        ("under_agent_hours", false),
        ("service_level", true),
    ] {
        let i = col(&head, name);
        assert_eq!(
            num(&rows[1], i) > num(&rows[0], i),
            more,
            "{name}: {:?}",
            (&rows[0][i], &rows[1][i])
        );
    }
    // the temps are in the roster, on the shifts their contract may work, and pass the checker
    let t = out.join("double11-temps");
    let roster = read(&t.join("roster.csv"));
    let temp_shifts: Vec<&str> = roster
        .lines()
        .filter(|l| l.starts_with('T') && !l.contains(",OFF,"))
        .collect();
    assert!(temp_shifts.len() >= 12, "{}", temp_shifts.len());
    // part-day shifts (4 or 5 hours) are the only ones listing the temp contract
    assert!(temp_shifts
        .iter()
        .all(|l| l.contains(",temp,") && (l.ends_with(",4.00") || l.ends_with(",5.00"))));
    check_run(&t).assert().success();
    // ramp-up: 70% productive temps count less than one agent each in the coverage
    let mut wb: Xlsx<_> = open_workbook(t.join("workbook.xlsx")).unwrap();
    let cov = wb.worksheet_range("Coverage").unwrap();
    let (mut fewer, mut heads, mut eff) = (0, 0.0, 0.0);
    for r in 1..cov.height() {
        let on = cov.get((r, 3)).unwrap().to_string().parse::<f64>().unwrap();
        let e = cov.get((r, 4)).unwrap().to_string().parse::<f64>().unwrap();
        assert!(e <= on);
        fewer += usize::from(e < on);
        heads += on;
        eff += e;
    }
    assert!(fewer > 50 && eff < 0.97 * heads, "{fewer} {eff} {heads}");

    // temps on a contract no shift lists cannot work: said before anything runs
    let bad = d.path().join("bad.toml");
    std::fs::write(
        &bad,
        format!(
            "extends = \"{}\"\nname = \"bad\"\n[[temps]]\ncount = 3\ncontract = \"full_time\"\nid_prefix = \"A00\"\n",
            std::fs::canonicalize("scenarios/double11.toml").unwrap().display()
        ),
    )
    .unwrap();
    paiban()
        .args(["run", "--scenario"])
        .arg(&bad)
        .arg("--out")
        .arg(d.path().join("bad-out"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "A0001 is already in the agent list",
        ));
    assert!(!d.path().join("bad-out").exists());
    paiban()
        .arg("show-scenario")
        .arg("scenarios/double11-temps.toml")
        .args(["--set", "temps.0.contract=night_owl"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("temps[0].contract `night_owl`"));
}
