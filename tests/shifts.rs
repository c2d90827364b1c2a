//! Shift templates with preparation time and short paid breaks: the plan places the breaks
//! (implicitly, per position) and its accounting matches the concrete shifts it hands out;
//! rosters carry them through CSV and the checker insists on them.

use chrono::Duration;
use paiban::check::{check, Code, Severity};
use paiban::pipeline::{load_inputs, run};
use paiban::roster::{read_csv, to_csv};
use paiban::scenario::Scenario;
use paiban::solver::SolverSettings;
use std::path::Path;

fn double11() -> Scenario {
    Scenario::load(Path::new("scenarios/double11.toml")).unwrap()
}

#[test]
fn plan_places_short_breaks_and_its_objective_matches_the_shifts_it_hands_out() {
    let sc = double11();
    let fam = sc.shifts.iter().find(|f| f.name == "full day").unwrap();
    assert_eq!(
        fam.short_breaks.len(),
        2,
        "double11.toml has two short breaks"
    );
    let inputs = load_inputs(&sc, Path::new("scenarios/double11.toml")).unwrap();
    let o = run(&sc, &inputs, &SolverSettings::default()).unwrap();
    let p = &o.plan;
    // the night after the horizon may stay short (said in a warning of its own)
    assert!(
        p.warnings.iter().all(|w| w.contains("after the horizon")),
        "{:?}",
        p.warnings
    );
    let mut full_day = 0;
    for r in &p.rows {
        let t = &r.template;
        if t.family != "full day" {
            assert!(t.short_breaks.is_empty());
            continue;
        }
        full_day += r.count;
        assert_eq!(t.prep, 15);
        assert_eq!(t.short_breaks.len(), 2, "{}", t.id);
        for ((off, len), b) in t.short_breaks.iter().zip(&fam.short_breaks) {
            assert!(*off >= b.window[0].0 && *off <= b.window[1].0, "{}", t.id);
            assert_eq!(*len, 15);
            // not on the queue during the break, nor during preparation
            assert!(!t.on_queue(t.start + off) && !t.on_queue(t.start));
            assert!(t.on_queue(t.start + t.prep));
        }
    }
    assert!(full_day > 0);
    // the model's objective is exactly the labour cost and coverage penalties of the
    // concrete shifts (breaks placed) it returns: the implicit break counts add up
    let step_h = 0.25;
    let cov = &p.coverage;
    let (under, over): (f64, f64) =
        cov.iter()
            .zip(&p.required)
            .fold((0.0, 0.0), |(u, o), (c, r)| {
                (
                    u + r.saturating_sub(*c) as f64 * step_h,
                    o + c.saturating_sub(*r) as f64 * step_h,
                )
            });
    let expect = p.labour_cost
        + (under + p.after_short_agent_hours) * sc.costs.under_coverage_per_agent_hour
        + over * sc.costs.over_coverage_per_agent_hour;
    assert!(
        (p.solve.objective - expect).abs() < 1e-6 * expect,
        "objective {} vs {expect}",
        p.solve.objective
    );
    // the roster's shifts are on the queue exactly when their templates say
    for e in &o.roster.roster.entries {
        let Some(s) = &e.shift else { continue };
        let t = p.rows.iter().find(|r| r.template.id == s.label).unwrap();
        let mut at = s.start;
        while at < s.end {
            let m = crate_minute(s.start, at) + t.template.start;
            assert_eq!(
                s.on_queue(at),
                t.template.on_queue(m),
                "{} at {at}",
                s.label
            );
            at += Duration::minutes(15);
        }
    }
    assert_eq!(o.check.hard(), 0, "{:?}", o.check.violations);
}

fn crate_minute(start: chrono::NaiveDateTime, at: chrono::NaiveDateTime) -> u32 {
    (at - start).num_minutes() as u32
}

#[test]
fn short_breaks_and_preparation_survive_csv_and_are_checked() {
    let sc = double11();
    let inputs = load_inputs(&sc, Path::new("scenarios/double11.toml")).unwrap();
    let o = run(&sc, &inputs, &SolverSettings::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("roster.csv");
    std::fs::write(&f, to_csv(&o.roster.roster, &inputs.agents)).unwrap();
    let back = read_csv(&f, sc.horizon.tz(), &Default::default()).unwrap();
    assert_eq!(back.entries, o.roster.roster.entries);
    // a shift without its second short break, and one without preparation, break the rules
    let mut broken = back.clone();
    let mut hit = Vec::new();
    for e in broken.entries.iter_mut() {
        if let Some(s) = e.shift.as_mut().filter(|s| s.paid_breaks.len() == 2) {
            if hit.is_empty() {
                s.paid_breaks.pop();
            } else if hit.len() == 1 {
                s.prep = 0;
            } else {
                continue;
            }
            hit.push((e.agent_id.clone(), e.date));
        }
    }
    assert_eq!(hit.len(), 2);
    let c = check(&broken, &inputs.agents, &sc, None);
    for (id, d) in &hit {
        let v = c
            .violations
            .iter()
            .find(|v| v.code == Code::ShiftForm && &v.agent_id == id && v.from == Some(*d))
            .unwrap_or_else(|| panic!("{id} {d}: {:?}", c.violations));
        assert_eq!(v.severity, Severity::Hard);
        assert!(
            v.message.contains("paid 15m break") && v.message.contains("15m preparation"),
            "{}",
            v.message
        );
    }
}

#[test]
fn overlapping_break_windows_are_rejected() {
    let text = std::fs::read_to_string("scenarios/double11.toml").unwrap();
    let bad = text.replace(
        "window = [\"6h\", \"7h30m\"]",
        "window = [\"3h30m\", \"4h\"]",
    );
    let e = Scenario::from_toml(Path::new("d.toml"), &bad)
        .unwrap_err()
        .to_string();
    assert!(e.contains("overlap") && e.contains("meal break"), "{e}");
    let bad = text.replace("window = [\"6h\", \"7h30m\"]", "window = [\"6h\", \"9h\"]");
    let e = Scenario::from_toml(Path::new("d.toml"), &bad)
        .unwrap_err()
        .to_string();
    assert!(e.contains("does not fit"), "{e}");
    let bad = text.replace("prep = \"15m\"", "prep = \"10m\"");
    let e = Scenario::from_toml(Path::new("d.toml"), &bad)
        .unwrap_err()
        .to_string();
    assert!(e.contains("prep 10m is not a multiple"), "{e}");
}
