//! The simulation against queueing theory: a steady M/M/n queue must agree with Erlang C, an
//! M/M/n+M queue with Erlang A; and the concurrency model the requirements use must hold up
//! when chats really share an agent.

mod common;

use chrono::{Duration, NaiveDate};
use paiban::agents::Agent;
use paiban::erlang;
use paiban::forecast::{Forecast, Point};
use paiban::roster::{Entry, Roster, WorkShift};
use paiban::scenario::Scenario;
use paiban::simulate::{simulate, SimSettings};
use paiban::time::Grid;

fn scenario(extra: &str) -> Scenario {
    let base = include_str!("../scenarios/baseline.toml");
    let mut sc = Scenario::from_toml(std::path::Path::new("baseline.toml"), base).unwrap();
    let mut text = String::from(extra);
    for (k, v) in [
        ("target_percent", "80"),
        ("target_answer", "\"20s\""),
        ("concurrency", "1"),
        ("deflection", "0.0"),
        ("shrinkage", "0.0"),
        ("occupancy_max", "1.0"),
        ("min_agents", "0"),
    ] {
        if !extra.contains(&format!("{k} =")) {
            text.push_str(&format!("{k} = {v}\n"));
        }
    }
    sc.service = toml::from_str(&text).unwrap();
    sc.horizon.interval = paiban::time::Minutes(15);
    sc
}

fn steady(per_15min: f64, aht: f64, days: u32) -> Forecast {
    let grid = Grid::days(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(), days, 15);
    Forecast {
        grid,
        points: vec![
            Point {
                volume: per_15min,
                p10: per_15min,
                p90: per_15min,
                aht_seconds: Some(aht),
                event: None,
            };
            grid.len
        ],
    }
}

/// `n` agents on the queue around the clock for `days` days.
fn team(n: usize, days: u32) -> (Vec<Agent>, Roster) {
    let d0 = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    let agents: Vec<Agent> = (0..n)
        .map(|i| common::agent(&format!("A{i:03}"), "full_time", 168.0, 7))
        .collect();
    let dates: Vec<NaiveDate> = (0..days).map(|d| d0 + Duration::days(d as i64)).collect();
    let entries = agents
        .iter()
        .flat_map(|a| {
            dates.iter().map(|d| Entry {
                agent_id: a.id.clone(),
                date: *d,
                shift: Some(WorkShift {
                    label: "all day".into(),
                    start: d.and_hms_opt(0, 0, 0).unwrap(),
                    end: d.and_hms_opt(0, 0, 0).unwrap() + Duration::days(1),
                    breaks: vec![],
                    ..Default::default()
                }),
            })
        })
        .collect();
    (agents, Roster { dates, entries })
}

#[test]
fn steady_mm14_agrees_with_erlang_c_within_1_5_points() {
    // 200 chats an hour, AHT 180 s, 14 agents: Erlang C says 88.8% within 20 s
    let sc = scenario("");
    let f = steady(50.0, 180.0, 7);
    let (agents, roster) = team(14, 7);
    let r = simulate(&f, &sc, &roster, &agents, &SimSettings { runs: 4, seed: 7 }).unwrap();
    let want = erlang::service_level(14, 10.0, 180.0, 20.0);
    let got = r.overall.service_level.mean;
    eprintln!("{}", r.text(0.8));
    assert!(
        (got - want).abs() < 0.015,
        "simulated {got:.4} vs Erlang C {want:.4}"
    );
    let asa = erlang::asa(14, 10.0, 180.0);
    assert!(
        (r.overall.asa_seconds.mean - asa).abs() < 1.5,
        "ASA {} vs {asa}",
        r.overall.asa_seconds.mean
    );
    assert!((r.overall.occupancy.mean - 10.0 / 14.0).abs() < 0.01);
    assert_eq!(r.overall.abandon.mean, 0.0);
}

#[test]
fn patient_customers_abandon_as_erlang_a_says() {
    // the reference case of ../shared: λ 200/h, AHT 3 min, patience 2 min, 12 agents
    let sc = scenario("patience = \"2m\"\n");
    let f = steady(50.0, 180.0, 7);
    let (agents, roster) = team(12, 7);
    let r = simulate(&f, &sc, &roster, &agents, &SimSettings { runs: 4, seed: 3 }).unwrap();
    let a = erlang::erlang_a(12, 200.0 / 3600.0, 180.0, 120.0);
    let sl = erlang::erlang_a_service_level(12, 200.0 / 3600.0, 180.0, 120.0, 20.0);
    assert!(
        (r.overall.abandon.mean - a.p_abandon).abs() < 0.008,
        "abandon {} vs {}",
        r.overall.abandon.mean,
        a.p_abandon
    );
    assert!(
        (r.overall.service_level.mean - sl).abs() < 0.015,
        "SL {} vs {sl}",
        r.overall.service_level.mean
    );
}

#[test]
fn same_seed_same_report() {
    let sc = scenario("patience = \"3m\"\n");
    let f = steady(30.0, 200.0, 2);
    let (agents, roster) = team(6, 2);
    let s = SimSettings { runs: 3, seed: 11 };
    let a = simulate(&f, &sc, &roster, &agents, &s).unwrap();
    let b = simulate(&f, &sc, &roster, &agents, &s).unwrap();
    assert_eq!(a.to_csv(), b.to_csv());
    assert_eq!(a, b);
    let c = simulate(&f, &sc, &roster, &agents, &SimSettings { seed: 12, ..s }).unwrap();
    assert_ne!(a.to_csv(), c.to_csv());
}

#[test]
fn concurrency_model_of_the_requirements_holds_when_chats_share_an_agent() {
    // 3 chats at once, each 15% slower per extra chat (AHT × 1.3 on a full agent, less on
    // one that is not): the simulation lets chats really share the agent's attention
    let sc = scenario("concurrency = 3\nconcurrency_slowdown = 0.15\n");
    let f = steady(150.0, 180.0, 3);
    let req = paiban::requirements::requirements(&f, &sc).unwrap();
    let r0 = &req.rows[0];
    let (agents, roster) = team(r0.agents_on_queue as usize, 3);
    let sim = simulate(&f, &sc, &roster, &agents, &SimSettings { runs: 6, seed: 5 }).unwrap();
    eprintln!(
        "{} agents: promised {:.3}, simulated {:?}",
        r0.agents_on_queue, r0.service_level, sim.overall.service_level
    );
    // what the model promises is what is delivered
    assert!(
        (sim.overall.service_level.mean - r0.service_level).abs() < 0.025,
        "promised {:.3}, simulated {:.3}",
        r0.service_level,
        sim.overall.service_level.mean
    );
    // and it is not wildly pessimistic either: one agent fewer misses the target
    let (agents, roster) = team(r0.agents_on_queue as usize - 1, 3);
    let fewer = simulate(&f, &sc, &roster, &agents, &SimSettings { runs: 6, seed: 5 }).unwrap();
    eprintln!("one fewer: {:?}", fewer.overall.service_level);
    assert!(fewer.overall.service_level.mean < sim.overall.service_level.mean);
}

/// The queue model of agents sharing chats (`paiban::pool`) against the simulation of the
/// same agents, from a few agents to many, with and without patience: the service level within
/// 2.5 points and the occupancy within 3 — where slots at the full-load pace (each chat
/// always as slow as on a full agent) promise less service and more occupancy than delivered.
#[test]
fn agents_sharing_chats_deliver_what_the_pool_model_promises() {
    use paiban::pool::{staffing, Sharing};
    let sharing = Sharing {
        k: 3,
        slowdown: 0.15,
    };
    let mut plain_off = 0.0f64;
    for (patience, per_15, agents) in [
        (None, 20.0, 3usize),
        (None, 60.0, 7),
        (None, 150.0, 14),
        (Some(180.0), 150.0, 13),
    ] {
        let extra = match patience {
            Some(p) => {
                format!("concurrency = 3\nconcurrency_slowdown = 0.15\npatience = \"{p}s\"\n")
            }
            None => "concurrency = 3\nconcurrency_slowdown = 0.15\n".to_string(),
        };
        let sc = scenario(&extra);
        let f = steady(per_15, 180.0, 3);
        let (team, roster) = team(agents, 3);
        let sim = simulate(&f, &sc, &roster, &team, &SimSettings { runs: 6, seed: 5 }).unwrap();
        let aht_full = sharing.full_load(180.0);
        let model = staffing(
            agents as u32,
            per_15 / 900.0,
            aht_full,
            patience,
            sharing,
            20.0,
        );
        let (sl, occ) = (sim.overall.service_level.mean, sim.overall.occupancy.mean);
        eprintln!(
            "{per_15}/15 min, {agents} agents: model SL {:.3} occ {:.3}; simulated SL {sl:.3} occ {occ:.3}",
            model.service_level, model.occupancy
        );
        assert!(
            (model.service_level - sl).abs() < 0.025,
            "SL {} vs {sl}",
            model.service_level
        );
        assert!(
            (model.occupancy - occ).abs() < 0.03,
            "occupancy {} vs {occ}",
            model.occupancy
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
        plain_off = plain_off
            .max(occ - plain.occupancy)
            .max(plain.occupancy - occ);
    }
    // the full-load slots are what the pool model corrects
    assert!(plain_off > 0.05, "{plain_off}");
}

#[test]
fn queues_are_served_only_by_their_tiers_and_shrinkage_and_breaks_take_agents_off() {
    let mut sc = scenario("patience = \"5m\"\nshrinkage = 0.5\n");
    sc.queues = toml::from_str::<toml::Value>(
        r#"
[[queue]]
name = "presales"
share = 0.5
tiers = ["junior", "senior"]

[[queue]]
name = "aftersales"
share = 0.5
tiers = ["senior"]
"#,
    )
    .unwrap()["queue"]
        .clone()
        .try_into()
        .unwrap();
    let f = steady(20.0, 180.0, 1);
    let (agents, mut roster) = team(8, 1);
    // a one-hour break 12:00–13:00 for everyone
    for e in &mut roster.entries {
        let s = e.shift.as_mut().unwrap();
        let noon = e.date.and_hms_opt(12, 0, 0).unwrap();
        s.breaks = vec![(noon, noon + Duration::hours(1))];
    }
    let r = simulate(&f, &sc, &roster, &agents, &SimSettings { runs: 4, seed: 2 }).unwrap();
    let q = |name: &str| &r.by_queue.iter().find(|(n, _)| n == name).unwrap().1;
    // only juniors on the roster: after-sales chats are never answered
    assert!(q("presales").service_level.mean > 0.5);
    assert_eq!(q("aftersales").service_level.mean, 0.0);
    assert!(q("aftersales").abandon.mean > 0.9);
    // half the agents are in shrinkage on average; nobody is on the queue during the break
    let on: f64 = r.intervals[..48]
        .iter()
        .map(|i| i.agents_on_queue)
        .sum::<f64>()
        / 48.0;
    assert!((on - 4.0).abs() < 0.6, "{on}");
    assert_eq!(r.intervals[48].agents_on_queue, 0.0);
    assert!(r.intervals[52].agents_on_queue > 0.0);
}

#[test]
fn drawn_demand_spreads_the_service_level_and_its_odds_follow_the_staffing() {
    use paiban::simulate::{simulate_uncertain, Components, Spread};
    // Erlang C: 14 agents give 88.8% at the forecast, 12 only ~70%
    let sc = scenario("");
    let f = steady(50.0, 180.0, 3);
    let settings = SimSettings { runs: 24, seed: 5 };
    let spread = |day_sd: f64| Spread::History {
        ordinary: Components {
            day_sd,
            wander_sd: 0.05,
            hour_correlation: 0.8,
            resolution_minutes: 15,
        },
        event: Components {
            day_sd,
            wander_sd: 0.05,
            hour_correlation: 0.8,
            resolution_minutes: 15,
        },
        days: 100,
    };
    let (agents, roster) = team(14, 3);
    let calm = simulate_uncertain(&f, &sc, &roster, &agents, &settings, &spread(0.02)).unwrap();
    let wild = simulate_uncertain(&f, &sc, &roster, &agents, &settings, &spread(0.15)).unwrap();
    assert_eq!(calm.days.len(), 3);
    for u in [&calm, &wild] {
        let h = &u.horizon;
        assert!(h.p10 <= h.p50 && h.p50 <= h.p90, "{h:?}");
    }
    // a wilder demand: a wider band and lower odds of meeting the target
    let width = |u: &paiban::simulate::Uncertainty| u.days[1].odds.p90 - u.days[1].odds.p10;
    assert!(width(&wild) > 2.0 * width(&calm), "{calm:?}\n{wild:?}");
    assert!(wild.horizon.meets_target < calm.horizon.meets_target);
    assert!(calm.horizon.meets_target > 0.9, "{calm:?}");
    // understaffed: the target is rarely met
    let (agents, roster) = team(12, 3);
    let short = simulate_uncertain(&f, &sc, &roster, &agents, &settings, &spread(0.02)).unwrap();
    assert!(short.horizon.meets_target < 0.1, "{short:?}");
    // the same seed, the same answer
    let again = simulate_uncertain(&f, &sc, &roster, &agents, &settings, &spread(0.02)).unwrap();
    assert_eq!(short, again);
}
