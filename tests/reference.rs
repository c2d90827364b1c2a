//! Reference values: Erlang C worked examples from ../shared, and covering instances whose
//! optimum is known by exhaustive search.

mod common;

use paiban::erlang::{asa, erlang_c, service_level};
use paiban::forecast::{Forecast, Point};
use paiban::requirements::{Requirement, Requirements};
use paiban::scenario::Scenario;
use paiban::solver::SolverSettings;
use paiban::time::Grid;
use std::path::Path;

#[test]
fn erlang_c_reference_values() {
    let Some(p) = common::shared_file("data/erlang/erlang_c_reference_values.csv") else {
        return;
    };
    let mut r = csv::Reader::from_path(p).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let mut n_rows = 0;
    for rec in r.records() {
        let rec = rec.unwrap();
        let f = |n: &str| rec[col(n)].parse::<f64>().unwrap();
        let a = f("calls_per_hour") * f("aht_seconds") / 3600.0;
        let n = f("agents") as u32;
        assert!((a - f("traffic_erlangs")).abs() < 1e-9);
        assert!(
            (erlang_c(n, a) - f("p_wait")).abs() < 1e-4,
            "{}: P(wait)",
            &rec[0]
        );
        assert!(
            (service_level(n, a, f("aht_seconds"), f("target_seconds")) - f("service_level")).abs()
                < 1e-4,
            "{}: SL",
            &rec[0]
        );
        assert!(
            (asa(n, a, f("aht_seconds")) - f("asa_seconds")).abs() < 1e-2,
            "{}: ASA",
            &rec[0]
        );
        n_rows += 1;
    }
    assert!(n_rows >= 10);
}

fn scenario(extra: &str) -> Scenario {
    let text = format!(
        r#"
name = "cover"
[horizon]
start = "2026-11-02"
days = 1
interval = "60m"
[service]
min_agents = 0
[[shift]]
name = "four"
contracts = ["staff"]
lengths = ["4h"]
start_window = ["00:00", "20:00"]
start_step = "1h"
[contracts.staff]
cost_per_hour = 10
[costs]
under_coverage_per_agent_hour = 1000
over_coverage_per_agent_hour = 0
{extra}
"#
    );
    Scenario::from_toml(Path::new("cover.toml"), &text).unwrap()
}

fn reqs(need: &[u32]) -> Requirements {
    let start = chrono::NaiveDate::from_ymd_opt(2026, 11, 2)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let rows = need
        .iter()
        .map(|&n| Requirement {
            volume: 0.0,
            agent_volume: 0.0,
            backlog: 0.0,
            aht_seconds: 0.0,
            traffic_erlangs: 0.0,
            open: true,
            agents_on_queue: n,
            agents_required: n,
            service_level: 1.0,
            asa_seconds: 0.0,
            occupancy: 0.0,
            abandon: 0.0,
            shrinkage: 0.0,
            by_queue: Vec::new(),
        })
        .collect();
    Requirements {
        grid: Grid::new(start, 60, need.len()),
        rows,
        queues: vec!["all".into()],
        after: Vec::new(),
    }
}

/// Fewest 4-hour shifts (starts 00..20) covering `need` over 24 hours: starting each shift at
/// the first under-covered hour (latest start 20) is optimal for equal-length windows.
fn brute_force(need: &[u32]) -> u32 {
    let mut cov = [0u32; 24];
    let mut n = 0;
    for h in 0..24 {
        while cov[h] < need[h] {
            let s = h.min(20);
            for c in cov.iter_mut().skip(s).take(4) {
                *c += 1;
            }
            n += 1;
        }
    }
    n
}

#[test]
fn covering_plan_matches_known_optimum() {
    let need: Vec<u32> = vec![
        0, 0, 0, 0, 0, 0, 1, 2, 4, 6, 7, 7, 5, 5, 6, 7, 6, 5, 5, 6, 8, 8, 6, 3,
    ];
    let sc = scenario("");
    let p = paiban::plan::plan(&reqs(&need), &sc, None, &SolverSettings::default()).unwrap();
    let shifts: u32 = p.rows.iter().map(|r| r.count).sum();
    assert_eq!(shifts, brute_force(&need));
    assert_eq!(p.under_agent_hours, 0.0);
    assert_eq!(p.solve.gap, Some(0.0));
    assert!((p.labour_cost - 40.0 * shifts as f64).abs() < 1e-6);
    assert!(p.lp_bound.unwrap() <= p.solve.objective + 1e-6);
}

#[test]
fn headcount_cap_shortfall_is_explained() {
    let need: Vec<u32> = [vec![0; 20], vec![9, 9, 9, 9]].concat();
    let sc = scenario("[headcount]\nmax_on_duty = 6");
    let p = paiban::plan::plan(&reqs(&need), &sc, None, &SolverSettings::default()).unwrap();
    assert_eq!(p.shortfalls.len(), 1);
    assert_eq!(
        p.shortfalls[0].message,
        "Mon 20:00–24:00 short by 3 agents: headcount cap 6 (headcount.max_on_duty)"
    );
}

#[test]
fn forecast_to_requirements_conserves_backlog() {
    // a constant forecast; service open 08–24: the night's chats appear in the morning rows
    let mut sc = scenario("");
    sc.service.hours = Some(["08:00".parse().unwrap(), "24:00".parse().unwrap()]);
    let start = chrono::NaiveDate::from_ymd_opt(2026, 11, 2)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let f = Forecast {
        grid: Grid::new(start, 60, 24),
        points: vec![
            Point {
                volume: 50.0,
                p10: 40.0,
                p90: 60.0,
                aht_seconds: Some(200.0),
                event: None
            };
            24
        ],
    };
    let r = paiban::requirements::requirements(&f, &sc).unwrap();
    let total: f64 = r.rows.iter().map(|x| x.agent_volume).sum();
    assert!((total - 24.0 * 50.0 * (1.0 - sc.service.deflection)).abs() < 1e-6);
    assert!(r.rows[8].backlog > 0.0 && r.rows[7].agents_required == 0);
}

#[test]
fn erlang_a_reference_values() {
    let Some(p) = common::shared_file("data/erlang/erlang_a_exact_vs_ciw.json") else {
        return;
    };
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
    // λ = 200/h, AHT 3 min, mean patience 2 min; in seconds
    let (lambda, aht, patience) = (200.0 / 3600.0, 180.0, 120.0);
    let mut rows = 0;
    for (_, r) in v["exact"].as_object().unwrap() {
        let n = r["n"].as_u64().unwrap() as u32;
        let q = paiban::erlang::erlang_a(n, lambda, aht, patience);
        let f = |k: &str| r[k].as_f64().unwrap();
        assert!(
            (q.p_wait - f("p_wait")).abs() < 1e-3,
            "n={n}: P(wait) {}",
            q.p_wait
        );
        assert!(
            (q.p_abandon - f("p_abandon")).abs() < 1e-3,
            "n={n}: P(abandon) {}",
            q.p_abandon
        );
        assert!(
            (q.mean_queue - f("mean_queue")).abs() < 1e-3,
            "n={n}: queue {}",
            q.mean_queue
        );
        assert!(
            (q.asa_all_seconds / 60.0 - f("asa_all_min")).abs() < 1e-3,
            "n={n}: ASA"
        );
        rows += 1;
    }
    assert_eq!(rows, 5);
}

#[test]
fn a_days_shifts_never_outnumber_the_agents_available() {
    // 9 wanted at 04–12 on Monday but only 5 agents (who may work 2 days): at most 5 shifts
    // that day, whatever their templates — although the two days would allow 10
    let need: Vec<u32> = [vec![0; 4], vec![9; 8], vec![0; 12], vec![0; 24]].concat();
    let mut sc = scenario("");
    sc.horizon.days = 2;
    let agents: Vec<paiban::agents::Agent> = (0..5)
        .map(|i| common::agent(&format!("A{i}"), "staff", 40.0, 2))
        .collect();
    let p =
        paiban::plan::plan(&reqs(&need), &sc, Some(&agents), &SolverSettings::default()).unwrap();
    let shifts: u32 = p.rows.iter().map(|r| r.count).sum();
    assert_eq!(
        shifts,
        5,
        "{:?} {:?} {:?}",
        p.rows,
        p.shortfalls.iter().map(|s| &s.message).collect::<Vec<_>>(),
        p.warnings
    );
    assert!(!p.shortfalls.is_empty());
}

#[test]
fn budget_and_contract_seats_limit_the_plan_and_are_named() {
    let need: Vec<u32> = [vec![0; 12], vec![4; 4], vec![0; 4], vec![9; 4]].concat();
    // a budget for five 4-hour shifts at 10/h
    let mut sc = scenario("");
    sc.costs.budget = Some(200.0);
    let p = paiban::plan::plan(&reqs(&need), &sc, None, &SolverSettings::default()).unwrap();
    assert!(p.labour_cost <= 200.0 + 1e-9);
    assert_eq!(p.rows.iter().map(|r| r.count).sum::<u32>(), 5);
    assert!(
        p.shortfalls
            .iter()
            .all(|s| s.reason.contains("labour budget of 200 is spent")),
        "{:?}",
        p.shortfalls
    );
    // three seats for the contract
    let mut sc = scenario("");
    sc.contracts.get_mut("staff").unwrap().max_on_duty = Some(3);
    let p = paiban::plan::plan(&reqs(&need), &sc, None, &SolverSettings::default()).unwrap();
    assert!(p.coverage.iter().all(|c| *c <= 3));
    let late = p
        .shortfalls
        .iter()
        .find(|s| s.from.ends_with("20:00"))
        .unwrap();
    assert_eq!(late.message, "Mon 20:00–24:00 short by 6 agents: staff seats are full at 3 (contracts.staff.max_on_duty)");
}
