//! A service target measured over the week (or each day) instead of every interval: the plan
//! meets it by Erlang over the week at less cost than the per-interval plan, never lets an
//! interval fall below the floor, and the scenario refuses what it cannot do yet.

use paiban::pipeline::{forecast_for, synth_params};
use paiban::requirements::{curve_at, floor_required, requirements, service_curve};
use paiban::scenario::{Scenario, Surplus, TargetScope};
use paiban::solver::SolverSettings;
use paiban::synth;
use std::path::Path;

fn baseline() -> Scenario {
    let mut sc = Scenario::load(Path::new("scenarios/baseline.toml")).unwrap();
    sc.inputs.synth.as_mut().unwrap().years = 1;
    sc
}

/// The baseline's first three days under `scope`.
fn three_days(scope: TargetScope) -> Scenario {
    let mut sc = baseline();
    sc.service.target_scope = scope;
    sc.horizon.days = 3;
    sc
}

/// `paiban run` of a baseline scenario (default solver settings), with its inputs.
fn run_baseline(sc: &Scenario) -> (paiban::pipeline::Inputs, paiban::pipeline::RunOutput) {
    let inputs = paiban::pipeline::load_inputs(sc, Path::new("scenarios/baseline.toml")).unwrap();
    let o = paiban::pipeline::run(sc, &inputs, &SolverSettings::default()).unwrap();
    (inputs, o)
}

/// `o`'s roster simulated again: 200 runs of seeds the run never saw (it chose among its tries
/// by its own simulation, so its figure can flatter it).
fn held_out(
    sc: &Scenario,
    inputs: &paiban::pipeline::Inputs,
    o: &paiban::pipeline::RunOutput,
) -> paiban::simulate::SimReport {
    paiban::simulate::simulate(
        &o.forecast,
        sc,
        &o.roster.roster,
        &inputs.agents,
        &paiban::simulate::SimSettings {
            runs: 200,
            seed: 1000,
        },
    )
    .unwrap()
}

/// Erlang's service level of the horizon (or of each day) for a plan's cover.
fn expected(sc: &Scenario, req: &paiban::requirements::Requirements, cover: &[u32]) -> f64 {
    let (mut within, mut chats) = (0.0, 0.0);
    for (r, c) in req.rows.iter().zip(cover) {
        if !r.open || r.agent_volume <= 0.0 {
            continue;
        }
        let on = *c as f64 * (1.0 - r.shrinkage);
        let curve = service_curve(sc, r, on.ceil() as u32 + 1);
        within += r.agent_volume * curve_at(&curve, on);
        chats += r.agent_volume;
    }
    within / chats
}

#[test]
fn a_week_target_costs_less_than_every_interval_and_keeps_the_floor() {
    let sc = baseline();
    let sp = synth_params(&sc).unwrap();
    let history = synth::history(&sp);
    let (f, _) = forecast_for(&sc, &history, None).unwrap();
    let req = requirements(&f, &sc).unwrap();
    let settings = SolverSettings::default();
    // without the agent list: hours are free to follow the target
    let interval = paiban::plan::plan(&req, &sc, None, &settings).unwrap();
    let mut week_sc = sc.clone();
    week_sc.service.target_scope = TargetScope::Week;
    week_sc.service.floor_percent = Some(60.0);
    let week = paiban::plan::plan(&req, &week_sc, None, &settings).unwrap();
    assert!(interval.scoped.is_none());
    let scoped = week.scoped.as_ref().unwrap();
    assert_eq!(scoped.expected.len(), 1);
    // the plan's own figure is Erlang's for its cover, at the target (within rounding)
    let sl = expected(&week_sc, &req, &week.coverage);
    assert!(
        (sl - scoped.expected[0].1).abs() < 1e-6,
        "{sl} vs {scoped:?}"
    );
    assert!(sl >= 0.795, "week expected {sl}");
    assert!(
        week.paid_hours < interval.paid_hours,
        "week {} h, interval {} h",
        week.paid_hours,
        interval.paid_hours
    );
    // no open interval below the floor's agents
    for (i, r) in req.rows.iter().enumerate() {
        let floor = floor_required(&week_sc, r);
        assert!(
            week.coverage[i] >= floor,
            "interval {i}: {} < floor {floor}",
            week.coverage[i]
        );
    }
    // the per-interval plan overshoots the week (what this issue is about)
    assert!(expected(&sc, &req, &interval.coverage) > sl);
    // a day target: one figure per day, each at the target
    let mut day_sc = week_sc.clone();
    day_sc.service.target_scope = TargetScope::Day;
    let day = paiban::plan::plan(&req, &day_sc, None, &settings).unwrap();
    let per_day = &day.scoped.as_ref().unwrap().expected;
    assert_eq!(per_day.len(), 7);
    assert!(per_day.iter().all(|(_, sl)| *sl >= 0.795), "{per_day:?}");
    assert!(day.paid_hours >= week.paid_hours - 1e-9);
}

#[test]
fn floors_above_the_target_and_queue_targets_under_a_week_target_are_refused() {
    let text = std::fs::read_to_string("scenarios/baseline.toml").unwrap();
    let bad = format!("{text}\n").replace(
        "[service]\n",
        "[service]\ntarget_scope = \"week\"\nfloor_percent = 90\n",
    );
    let e = Scenario::from_toml(Path::new("x.toml"), &bad).unwrap_err();
    assert!(e.to_string().contains("service.floor_percent"), "{e}");
    // queues under a week target: the target is the team's, over every queue's chats
    let sc = Scenario::load_with(
        Path::new("scenarios/double11-skills.toml"),
        &["service.target_scope=week".to_string()],
    )
    .unwrap();
    assert_eq!(sc.queues.len(), 2);
    // a queue's own target would be a second target: refused, naming the queue's field
    let e = Scenario::load_with(
        Path::new("scenarios/double11-skills.toml"),
        &[
            "service.target_scope=week".to_string(),
            "queue.1.target_percent=70".to_string(),
        ],
    )
    .unwrap_err();
    let e = e.to_string();
    assert!(
        e.contains("TARGET_SCOPE_QUEUES")
            && e.contains("after_sales has its own target_percent")
            && e.contains("fix: "),
        "{e}"
    );
}

/// The baseline with its chats in two queues: pre-sales, and after-sales with longer chats
/// that may wait a minute (everyone serves both).
fn two_queues(mut sc: Scenario) -> Scenario {
    let text = "[[queue]]\nname = \"pre_sales\"\nshare = 0.6\n[[queue]]\nname = \"after_sales\"\nshare = 0.4\naht_factor = 1.3\ntarget_answer = \"60s\"\n";
    sc.queues = toml::from_str::<toml::Table>(text).unwrap()["queue"]
        .clone()
        .try_into()
        .unwrap();
    sc
}

#[test]
fn a_week_target_over_two_queues_is_met_for_the_teams_chats_together() {
    // the baseline week, its chats in two queues, under a week target: the plan holds the
    // chats of both queues answered in time together (each queue at its share of the agents,
    // with its own answer time), the run calibrates it on the simulation and takes the time
    // it does not need offline, and the week lands within a point of 80%
    let path = Path::new("scenarios/baseline.toml");
    let mut sc = Scenario::from_toml(path, &std::fs::read_to_string(path).unwrap()).unwrap();
    sc.service.target_scope = TargetScope::Week;
    let sc = two_queues(sc);
    let (inputs, o) = run_baseline(&sc);
    assert_eq!(o.requirements.queues.len(), 2);
    // the plan's own figure is the queues' Erlang for its cover, in the model it was made with
    // (the gain of one of the rounds)
    let scoped = o.plan.scoped.as_ref().unwrap();
    let by_gain: Vec<f64> = o
        .rounds
        .iter()
        .map(|r| {
            let req = paiban::staffing::calibrate::calibrated(&o.requirements, r.gain);
            expected(&sc, &req, &o.plan.coverage)
        })
        .collect();
    assert!(
        by_gain
            .iter()
            .any(|sl| (sl - scoped.expected[0].1).abs() < 1e-6),
        "{by_gain:?} vs {scoped:?}"
    );
    let now = o.simulation.overall.service_level.mean * 100.0;
    assert!((79.0..=81.0).contains(&now), "{now}: {:?}", o.rounds);
    assert_eq!(o.simulation.by_queue.len(), 2);
    // each queue's part is reported, in words and in Chinese
    let text = paiban::pipeline::summary_text(&paiban::pipeline::summary(&sc, &o));
    for q in ["pre_sales", "after_sales"] {
        let line = text
            .lines()
            .find(|l| {
                l.trim_start()
                    .starts_with(&format!("queue {q}: service level"))
            })
            .unwrap_or_else(|| panic!("{text}"));
        let zh = paiban::i18n::translate(line, paiban::i18n::Lang::Zh);
        assert!(zh.contains(&format!("队列 {q}：服务水平")), "{zh}");
    }
    // and in 200 runs of seeds the run never saw
    let again = held_out(&sc, &inputs, &o);
    let held_out = again.overall.service_level.mean * 100.0;
    assert!((79.0..=81.0).contains(&held_out), "{held_out} (run: {now})");
    assert_eq!(o.check.hard(), 0, "{:?}", o.check.violations);
}

#[test]
fn run_calibrates_a_week_target_and_reports_its_odds() {
    // the calibration alone (everyone stays on the queue: the report is a round's simulation)
    let mut sc = three_days(TargetScope::Week);
    sc.service.surplus = Surplus::Queue;
    let (inputs, o) = run_baseline(&sc);
    assert!(!o.rounds.is_empty() && o.rounds.len() <= paiban::pipeline::CALIBRATION_ROUNDS);
    assert_eq!(o.rounds[0].plan_target, 80.0);
    assert_eq!(o.rounds[0].gain, 1.0);
    // each later round plans for the target with the queue model calibrated on the simulations
    // so far (a new gain), or with the same gain moves the plan's target against the miss
    for w in o.rounds.windows(2) {
        let miss = w[0].simulated_percent - 80.0;
        let new_gain = (w[1].gain - w[0].gain).abs() > paiban::pipeline::GAIN_STEP;
        assert!(
            if new_gain {
                w[1].plan_target == 80.0
            } else {
                (w[1].plan_target - w[0].plan_target) * miss < 0.0
            },
            "{:?}",
            o.rounds
        );
    }
    // the simulation serves more than the model: round 2 plans with a gain above 1
    if let Some(r) = o.rounds.get(1) {
        assert!(r.gain > 1.0 && r.gain < 1.2, "{:?}", o.rounds);
    }
    // the output is the best round: the simulation reported is one of the rounds'
    let sim = o.simulation.overall.service_level.mean * 100.0;
    assert!(o
        .rounds
        .iter()
        .any(|r| (r.simulated_percent - sim).abs() < 1e-9));
    assert_eq!(o.check.hard(), 0, "{:?}", o.check.violations);
    let odds = o.odds.as_ref().unwrap();
    assert_eq!(odds.days.len(), 3);
    assert!((0.0..=1.0).contains(&odds.horizon.meets_target));
    let text = paiban::pipeline::summary_text(&paiban::pipeline::summary(&sc, &o));
    assert!(text.contains("week target 80%"), "{text}");
    assert!(text.contains("round 1: planned for 80.0%"), "{text}");
    // a per-interval target: one round, no odds
    let short = three_days(TargetScope::Interval);
    let o = paiban::pipeline::run(&short, &inputs, &SolverSettings::default()).unwrap();
    assert_eq!(o.rounds.len(), 1);
    assert!(o.odds.is_none() && o.plan.scoped.is_none());
}

#[test]
fn a_week_target_staffed_to_a_quantile_is_calibrated_on_that_demand() {
    let mut sc = three_days(TargetScope::Week);
    sc.service.forecast_quantile = 0.8;
    sc.service.surplus = Surplus::Queue;
    let (_, o) = run_baseline(&sc);
    // the rounds simulate the P80 demand; the report replays the point forecast (lower demand:
    // more of it served than in the round that served least)
    let point = o.simulation.overall.service_level.mean * 100.0;
    let best = o
        .rounds
        .iter()
        .filter(|r| r.failed.is_none())
        .map(|r| r.simulated_percent)
        .fold(f64::INFINITY, f64::min);
    assert!(point > best, "point {point}, rounds {:?}", o.rounds);
    assert!(
        !o.rounds
            .iter()
            .any(|r| (r.simulated_percent - point).abs() < 1e-9),
        "the report is a round's simulation, not the point forecast's: {point}, {:?}",
        o.rounds
    );
    let text = paiban::pipeline::summary_text(&paiban::pipeline::summary(&sc, &o));
    assert!(
        text.contains("the rounds simulate the forecast's P80"),
        "{text}"
    );
}

#[test]
fn a_day_target_is_calibrated_on_its_worst_day() {
    let mut sc = three_days(TargetScope::Day);
    sc.service.surplus = Surplus::Queue;
    let (_, o) = run_baseline(&sc);
    // each day's service level (each run's chats answered in time over its chats, the mean
    // over runs), from the reported (best round's) simulation
    assert_eq!(o.simulation.days.len(), 3);
    let (day, worst) = o
        .simulation
        .days
        .iter()
        .map(|(d, t)| (d.clone(), 100.0 * t.service_level.mean))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap();
    // the day's ratio, not the intervals' levels weighted by their mean chats (which read
    // higher: a run with more chats in an interval answers fewer of them in time)
    let (mut w, mut n) = (0.0, 0.0);
    for r in &o.simulation.intervals {
        if r.start.starts_with(&day) && r.offered > 0.0 && r.service_level.mean.is_finite() {
            w += r.offered * r.service_level.mean;
            n += r.offered;
        }
    }
    assert!(
        worst <= 100.0 * w / n + 1e-9,
        "{worst} vs {}",
        100.0 * w / n
    );
    assert!(worst < o.simulation.overall.service_level.mean * 100.0 + 1e-9);
    assert!(
        o.rounds.iter().all(|r| r.worst_day.is_some()),
        "{:?}",
        o.rounds
    );
    assert!(
        o.rounds
            .iter()
            .any(|r| r.worst_day.as_deref() == Some(day.as_str())
                && (r.simulated_percent - worst).abs() < 1e-9),
        "worst day {day} at {worst}: {:?}",
        o.rounds
    );
    let text = paiban::pipeline::summary_text(&paiban::pipeline::summary(&sc, &o));
    assert!(text.contains(&format!("its worst day: {day}")), "{text}");
}

#[test]
fn time_the_target_does_not_need_goes_to_offline_work() {
    // the baseline's contracts buy more service than an 80% week target asks
    let sc = three_days(TargetScope::Week);
    assert_eq!(sc.service.surplus, Surplus::Offline, "the default");
    let (inputs, o) = run_baseline(&sc);
    let mut queue = sc.clone();
    queue.service.surplus = Surplus::Queue;
    let q = paiban::pipeline::run(&queue, &inputs, &SolverSettings::default()).unwrap();
    let everyone = q.simulation.overall.service_level.mean * 100.0;
    assert!(everyone > 81.0, "everyone on the queue: {everyone}");
    assert!(q.offline.is_none());
    let off = o.offline.as_ref().expect("offline work");
    let now = o.simulation.overall.service_level.mean * 100.0;
    assert!(off.blocks > 0);
    assert!(
        (off.agent_hours - off.blocks as f64 * 0.5).abs() < 1e-9,
        "{off:?}"
    );
    assert!((off.simulated_before - everyone).abs() < 1e-9, "{off:?}");
    assert!((off.simulated_after - now).abs() < 1e-9, "{off:?} vs {now}");
    assert!(now < everyone && now >= 79.0, "{now} (everyone {everyone})");
    // the same shifts and paid hours, every rule kept
    assert_eq!(o.check.paid_hours, q.check.paid_hours);
    assert_eq!(o.check.hard(), 0, "{:?}", o.check.violations);
    let shifts = |r: &paiban::roster::Roster| -> Vec<(String, String)> {
        r.entries
            .iter()
            .map(|e| {
                (
                    e.agent_id.clone(),
                    e.shift.as_ref().map_or(String::new(), |s| s.label.clone()),
                )
            })
            .collect()
    };
    assert_eq!(shifts(&o.roster.roster), shifts(&q.roster.roster));
    // blocks of whole offline_block lengths, inside what the shift has on the queue, at most
    // offline_max_per_shift a shift
    let mut blocks = 0;
    for e in &o.roster.roster.entries {
        let Some(s) = &e.shift else { continue };
        let mut bare = s.clone();
        bare.offline.clear();
        let mut minutes = 0;
        for (a, b) in &s.offline {
            let m = (*b - *a).num_minutes();
            assert!(m > 0 && m % 30 == 0, "{e:?}");
            minutes += m;
            blocks += m / 30;
            let mut t = *a;
            while t < *b {
                assert!(bare.on_queue(t) && !s.on_queue(t), "{e:?} at {t}");
                t += chrono::Duration::minutes(15);
            }
        }
        assert!(minutes <= 120, "{e:?}");
    }
    assert_eq!(blocks as usize, off.blocks);
    // the roster file carries them (an `offline` column only when there are any)
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("roster.csv");
    std::fs::write(&f, paiban::roster::to_csv(&o.roster.roster, &inputs.agents)).unwrap();
    let back = paiban::roster::read_csv(&f, sc.horizon.tz(), &Default::default()).unwrap();
    assert_eq!(back.entries, o.roster.roster.entries);
    let plain =
        String::from_utf8(paiban::roster::to_csv(&q.roster.roster, &inputs.agents)).unwrap();
    assert!(!plain.lines().next().unwrap().contains("offline"));
    let text = paiban::pipeline::summary_text(&paiban::pipeline::summary(&sc, &o));
    assert!(text.contains("offline work: "), "{text}");
}

#[test]
fn the_baseline_week_lands_within_a_point_of_its_week_target() {
    // the shipped baseline under a week target: its contracts buy ~86%; offline work takes the
    // rest, and the week lands within a point of 80% — in the run's own simulation and in 200
    // runs of seeds the run never saw (the run chooses among its tries by its own simulation)
    let path = Path::new("scenarios/baseline.toml");
    let mut sc = Scenario::from_toml(path, &std::fs::read_to_string(path).unwrap()).unwrap();
    sc.service.target_scope = TargetScope::Week;
    let (inputs, o) = run_baseline(&sc);
    assert!(o.offline.is_some());
    let now = o.simulation.overall.service_level.mean * 100.0;
    assert!((79.0..=81.0).contains(&now), "{now}");
    assert!(
        o.simulation.runs > paiban::pipeline::SIM_RUNS,
        "{}",
        o.simulation.runs
    );
    let again = held_out(&sc, &inputs, &o);
    let held_out = again.overall.service_level.mean * 100.0;
    assert!((79.0..=81.0).contains(&held_out), "{held_out} (run: {now})");
    // and no interval below the 50% floor in those 200 runs
    let below: Vec<&str> = again
        .intervals
        .iter()
        .filter(|r| r.offered > 0.0 && r.service_level.mean < 0.5)
        .map(|r| r.start.as_str())
        .collect();
    assert!(below.is_empty(), "{below:?}");
    assert_eq!(o.check.hard(), 0, "{:?}", o.check.violations);
}

#[test]
fn under_a_week_target_a_skill_limited_queue_is_held_to_its_floor_by_agents_who_serve_it() {
    // the baseline's first three days, its chats in a pre-sales queue and an after-sales queue
    // only agents with the after_sales skill may serve, under a week target with its floor
    let mut sc = two_queues(three_days(TargetScope::Week));
    sc.queues[0].skills = vec!["pre_sales".into()];
    sc.queues[1].skills = vec!["after_sales".into()];
    let inputs = paiban::pipeline::load_inputs(&sc, Path::new("scenarios/baseline.toml")).unwrap();
    let (f, _) = forecast_for(&sc, &inputs.history, None).unwrap();
    let req = requirements(&f, &sc).unwrap();
    let p =
        paiban::plan::plan(&req, &sc, Some(&inputs.agents), &SolverSettings::default()).unwrap();
    let grid = req.grid;
    let after_cover = |i: usize| -> u32 {
        let t = grid.at(i);
        p.rows
            .iter()
            .filter(|r| r.queues.iter().any(|q| q == "after_sales"))
            .filter(|r| r.start() <= t && t < r.end())
            .map(|r| r.count)
            .sum()
    };
    // the stretches the plan reports as short of after-sales skills
    let skill_short: Vec<(String, String)> = p
        .shortfalls
        .iter()
        .filter(|s| s.reason.contains("skills for after_sales"))
        .map(|s| (s.from.clone(), s.to.clone()))
        .collect();
    let explained = |i: usize| {
        let t = paiban::time::fmt_ts(grid.at(i));
        skill_short.iter().any(|(a, z)| *a <= t && t < *z)
    };
    let mut floor_only = 0;
    for (i, r) in req.rows.iter().enumerate() {
        if !r.open || r.by_queue[1].agent_volume <= 0.0 {
            continue;
        }
        let floor = paiban::requirements::floor(&sc, r);
        let need = paiban::requirements::scheduled(floor.by_queue[1], r.shrinkage);
        let target = paiban::requirements::scheduled(r.by_queue[1].agents_on_queue, r.shrinkage);
        let cover = after_cover(i);
        // at its floor by agents with the skill, or short of them and said so
        assert!(
            cover >= need || explained(i),
            "{}: {cover} after-sales agents, floor {need}, reported {skill_short:?}",
            paiban::time::fmt_ts(grid.at(i))
        );
        // below the per-interval target's after-sales agents, at the floor, and no shortfall:
        // the week target, not each interval's, decides how many serve after-sales
        if cover < target && cover >= need && !explained(i) {
            floor_only += 1;
        }
    }
    assert!(floor_only > 0, "{skill_short:?}");
    assert!(p.scoped.is_some());
    // the same requirements with the totals only (as a requirements CSV has them): the plan
    // cannot know each queue's chats, and says so
    let mut totals = req.clone();
    totals.rows.iter_mut().for_each(|r| r.by_queue.clear());
    let e = paiban::plan::plan(
        &totals,
        &sc,
        Some(&inputs.agents),
        &SolverSettings::default(),
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("needs each queue's chats") && e.to_string().contains("paiban run"),
        "{e}"
    );
}
