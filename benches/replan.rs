//! Replanning during the festival: a 200-agent Double 11 week (synthetic shop, baseline
//! scenario, the week of 9–15 Nov) is planned and rostered, then at Wed 11 Nov 14:00 one agent
//! at a time calls in sick for today and tomorrow. Each sick call is repaired by `replan` and,
//! side by side, by a full re-roster of the week from the same plan with that agent unavailable
//! (what paiban could do before). Reported per case and as medians: seconds, shifts changed
//! from now on, agent-hours below the replan's target, hard rule violations of the result.
//! Then the same week with the chats running 30% above the forecast until 14:00.
//!
//! `cargo bench --bench replan` (`REPLAN_CASES=N` sick calls, default 5).

use chrono::{NaiveDate, NaiveDateTime};
use paiban::agents::{Agent, DayRule};
use paiban::check::check_after;
use paiban::model::Roster;
use paiban::pipeline::{forecast_for, synth_params};
use paiban::replan::{replan, Absence, ChangeKind, Situation};
use paiban::scenario::Scenario;
use paiban::solver::SolverSettings;
use paiban::synth;
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return f64::NAN;
    }
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Agent-days from `today` on whose shift differs between `a` and `b` (`skip`: not counted).
fn changed_from(a: &Roster, b: &Roster, today: NaiveDate, skip: &Absence) -> usize {
    let times = |r: &Roster, id: &str, d: NaiveDate| {
        r.entries
            .iter()
            .find(|e| e.agent_id == id && e.date == d)
            .and_then(|e| e.shift.as_ref().map(|s| (s.start, s.end)))
    };
    a.entries
        .iter()
        .filter(|e| e.date >= today && !skip.covers(&e.agent_id, e.date))
        .filter(|e| times(a, &e.agent_id, e.date) != times(b, &e.agent_id, e.date))
        .count()
}

fn main() {
    let cases: usize = std::env::var("REPLAN_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let text = include_str!("../scenarios/baseline.toml");
    let mut sc = Scenario::from_toml(std::path::Path::new("baseline.toml"), text).unwrap();
    {
        let s = sc.inputs.synth.as_mut().unwrap();
        s.agents = 200;
        s.years = 2;
        s.end = "2026-11-09".into();
    }
    sc.horizon.start = "2026-11-09".into();
    sc.horizon.days = 7;
    let sp = synth_params(&sc).unwrap();
    let (history, agents) = (synth::history(&sp), synth::agents(&sp));
    let settings = SolverSettings::default();
    let (f, _) = forecast_for(&sc, &history, None).unwrap();
    let req = paiban::requirements::requirements(&f, &sc).unwrap();
    let plan = paiban::plan::plan(&req, &sc, Some(&agents), &settings).unwrap();
    let published = paiban::roster::roster(&plan.rows, &agents, &sc, &settings)
        .unwrap()
        .roster;
    let now = NaiveDateTime::parse_from_str("2026-11-11 14:00", "%Y-%m-%d %H:%M").unwrap();
    let today = now.date();
    let last = today.succ_opt().unwrap();
    // who works this afternoon: every k-th of them calls in sick
    let sick: Vec<String> = published
        .entries
        .iter()
        .filter(|e| e.date == today && e.shift.as_ref().is_some_and(|s| s.end > now))
        .map(|e| e.agent_id.clone())
        .collect();
    let step = (sick.len() / cases.max(1)).max(1);
    println!("200 agents, Double 11 week 2026-11-09 +7 days, published roster: {} shifts; sick call at {now} for today and tomorrow\n", published.entries.iter().filter(|e| e.shift.is_some()).count());
    println!("| sick agent | replan s | replan changes | replan short before → after (agent-h) | replan hard | full re-roster s | full re-roster changes | full re-roster hard |");
    println!("|---|---|---|---|---|---|---|---|");
    let (mut rs, mut rc, mut fs, mut fc) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for id in sick.iter().step_by(step).take(cases) {
        let absent = vec![Absence {
            agent_id: id.clone(),
            from: today,
            to: last,
        }];
        let s = Situation {
            published: &published,
            agents: &agents,
            sc: &sc,
            now,
            absent: &absent,
            planned: &req,
            required: &req,
            previous: None,
        };
        let t = Instant::now();
        let r = replan(
            &s,
            &SolverSettings {
                time_limit_seconds: 20.0,
                ..settings.clone()
            },
        )
        .unwrap();
        let replan_s = t.elapsed().as_secs_f64();
        let changes = r
            .changes
            .iter()
            .filter(|c| c.kind != ChangeKind::Absent)
            .count();
        let hard = check_after(&r.roster, &agents, &sc, Some(&req), None).hard();
        // the full re-roster: the same plan, the sick agent unavailable on those days
        let mut team: Vec<Agent> = agents.clone();
        let a = team.iter_mut().find(|a| &a.id == id).unwrap();
        a.unavailable
            .extend([DayRule::Date(today), DayRule::Date(last)]);
        let t = Instant::now();
        let full = paiban::roster::roster(&plan.rows, &team, &sc, &settings).unwrap();
        let full_s = t.elapsed().as_secs_f64();
        let full_changes = changed_from(&published, &full.roster, today, &absent[0]);
        let full_hard = check_after(&full.roster, &team, &sc, Some(&req), None).hard();
        println!(
            "| {id} | {replan_s:.2} | {changes} | {:.1} → {:.1} | {hard} | {full_s:.1} | {full_changes} | {full_hard} |",
            r.before.short_agent_hours, r.after.short_agent_hours
        );
        rs.push(replan_s);
        rc.push(changes as f64);
        fs.push(full_s);
        fc.push(full_changes as f64);
    }
    println!(
        "| **median** | **{:.2}** | **{:.0}** | | | **{:.1}** | **{:.0}** | |",
        median(rs),
        median(rc),
        median(fs),
        median(fc)
    );
    // two agents off sick for the rest of the week: every remaining day open to change
    let last_day = *published.dates.last().unwrap();
    let absent: Vec<Absence> = sick
        .iter()
        .take(2)
        .map(|id| Absence {
            agent_id: id.clone(),
            from: today,
            to: last_day,
        })
        .collect();
    let s = Situation {
        published: &published,
        agents: &agents,
        sc: &sc,
        now,
        absent: &absent,
        planned: &req,
        required: &req,
        previous: None,
    };
    for (engine, name) in [
        (paiban::solver::Engine::Auto, "anytime engine"),
        (paiban::solver::Engine::Mip, "one MIP"),
    ] {
        let t = Instant::now();
        let r = replan(
            &s,
            &SolverSettings {
                time_limit_seconds: 20.0,
                engine,
                ..settings.clone()
            },
        )
        .unwrap();
        let hard = check_after(&r.roster, &agents, &sc, Some(&req), None).hard();
        println!(
            "\ntwo agents sick for the rest of the week ({name}): {:.1} s, {} change(s), short {:.1} → {:.1} agent-h, objective {:.0}, bound {}, {:?}, {} variables, {hard} hard violation(s)",
            t.elapsed().as_secs_f64(),
            r.changes.iter().filter(|c| c.kind != ChangeKind::Absent).count(),
            r.before.short_agent_hours,
            r.after.short_agent_hours,
            r.solve.objective,
            r.solve.bound.map_or("none".into(), |b| format!("{b:.0}")),
            r.solve.status,
            r.solve.variables
        );
    }
    // the chats 30% above the forecast until 14:00
    let mut actual = f.clone();
    for (i, p) in actual.points.iter_mut().enumerate() {
        if f.grid.at(i) < now {
            p.volume *= 1.3;
        }
    }
    let series = paiban::history::Series {
        grid: actual.grid,
        volume: actual
            .points
            .iter()
            .enumerate()
            .map(|(i, p)| (f.grid.at(i) < now).then_some(p.volume))
            .collect(),
        aht: None,
    };
    let cal = paiban::calendar::Calendar::default();
    let model = paiban::forecast::SeasonalEvent::default();
    let t = Instant::now();
    let (g, rf) =
        paiban::forecast::intraday::reforecast_learned(&history, &cal, &model, &f, &series, now)
            .unwrap();
    let req_now = paiban::requirements::requirements(&g, &sc).unwrap();
    // the office's seat cap (headcount.max_on_duty) would leave nothing to do: lifted here
    let mut open_office = sc.clone();
    open_office.headcount.max_on_duty = None;
    let s = Situation {
        published: &published,
        agents: &agents,
        sc: &open_office,
        now,
        absent: &[],
        planned: &req,
        required: &req_now,
        previous: None,
    };
    let r = replan(
        &s,
        &SolverSettings {
            time_limit_seconds: 20.0,
            ..settings.clone()
        },
    )
    .unwrap();
    let chk = check_after(&r.roster, &agents, &open_office, Some(&req_now), None);
    for v in chk
        .violations
        .iter()
        .filter(|v| v.severity == paiban::rules::Severity::Hard)
    {
        println!("  hard: {}", v.message);
    }
    let hard = chk.hard();
    println!(
        "\nchats +30% until 14:00 (no seat cap): {} variables ({} integer), objective {:.0}; re-forecast factor {:.3} (persistence {:.2}); replan {:.2} s (re-forecast included), {} change(s) costing {:.0}, short {:.1} → {:.1} agent-h, solve {:?} gap {}, {hard} hard violation(s)",
        r.solve.variables,
        r.solve.integer_variables,
        r.solve.objective,
        rf.factor,
        rf.weights.total(),
        t.elapsed().as_secs_f64(),
        r.changes.len(),
        r.change_cost,
        r.before.short_agent_hours,
        r.after.short_agent_hours,
        r.solve.status,
        r.solve.gap.map_or("none".into(), |g| format!("{:.2}%", g * 100.0))
    );
}
