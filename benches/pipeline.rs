//! Speed of every stage on realistic sizes. `./dev bench` (or `cargo bench --bench pipeline`).
//! Quality figures (plan objective vs LP bound, gap) are printed once per size before timing.

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use paiban::forecast::{forecast, SeasonalEvent};
use paiban::pipeline::{forecast_for, Inputs};
use paiban::scenario::Scenario;
use paiban::solver::SolverSettings;
use paiban::synth::{self, SynthParams};
use paiban::time::Grid;
use std::hint::black_box;

fn scenario(agents: usize) -> Scenario {
    let mut sc = Scenario::from_toml(
        std::path::Path::new("baseline.toml"),
        include_str!("../scenarios/baseline.toml"),
    )
    .unwrap();
    sc.inputs.synth.as_mut().unwrap().agents = agents;
    sc.headcount.max_on_duty = None;
    sc
}

fn inputs(sc: &Scenario) -> Inputs {
    let sp = paiban::pipeline::synth_params(sc).unwrap();
    Inputs {
        history: synth::history(&sp),
        history_report: None,
        agents: synth::agents(&sp),
        events: None,
        previous: None,
    }
}

fn bench(c: &mut Criterion) {
    let p = SynthParams {
        seed: 1,
        agents: 20,
        years: 3,
        end: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
    };
    let h = synth::history(&p);
    c.bench_function(
        "forecast: fit 3 years hourly + predict 14 days hourly",
        |b| {
            b.iter(|| {
                forecast(
                    black_box(&h),
                    Grid::days(p.end, 14, 60),
                    &SeasonalEvent::default(),
                    &Default::default(),
                )
                .unwrap()
            })
        },
    );
    c.bench_function("forecast: fit 3 years + predict 7 days at 15 min", |b| {
        b.iter(|| {
            forecast(
                black_box(&h),
                Grid::days(p.end, 7, 15),
                &SeasonalEvent::default(),
                &Default::default(),
            )
            .unwrap()
        })
    });

    // requirements for a year of 15-minute intervals
    let sc = scenario(20);
    let hist = synth::history(&SynthParams {
        years: 1,
        ..p.clone()
    });
    let (year, _) = forecast(
        &hist,
        Grid::days(p.end, 365, 15),
        &SeasonalEvent::default(),
        &Default::default(),
    )
    .unwrap();
    c.bench_function("requirements: one year at 15 min (35,040 intervals)", |b| {
        b.iter(|| paiban::requirements::requirements(black_box(&year), &sc).unwrap())
    });
    let mut sc_a = sc.clone();
    sc_a.service.patience = Some(paiban::scenario::Minutes0(120.0));
    sc_a.service.max_abandon_percent = Some(5.0);
    c.bench_function(
        "requirements: one year at 15 min, Erlang A with abandonment cap",
        |b| b.iter(|| paiban::requirements::requirements(black_box(&year), &sc_a).unwrap()),
    );

    let settings = SolverSettings::default();
    let mut g = c.benchmark_group("plan+roster week at 15 min");
    g.sample_size(10);
    for n in [20usize, 100] {
        let sc = scenario(n);
        let inp = inputs(&sc);
        let (f, _) = forecast_for(&sc, &inp.history, None).unwrap();
        let req = paiban::requirements::requirements(&f, &sc).unwrap();
        let plan = paiban::plan::plan(&req, &sc, Some(&inp.agents), &settings).unwrap();
        let r = paiban::roster::roster(&plan.rows, &inp.agents, &sc, &settings).unwrap();
        let chk = paiban::check::check(&r.roster, &inp.agents, &sc, Some(&req));
        eprintln!(
            "[quality] {n} agents: plan objective {:.1}, LP bound {:.1} ({:.3}% above), MIP gap {:.3}%, {} s; roster {} s, {} unfilled groups, {} hard violations",
            plan.solve.objective,
            plan.lp_bound.unwrap_or(f64::NAN),
            (plan.solve.objective / plan.lp_bound.unwrap_or(f64::NAN) - 1.0) * 100.0,
            plan.solve.gap.unwrap_or(f64::NAN) * 100.0,
            plan.solve.seconds,
            r.solve.seconds,
            r.unfilled.len(),
            chk.hard()
        );
        g.bench_function(format!("plan {n} agents"), |b| {
            b.iter(|| {
                paiban::plan::plan(black_box(&req), &sc, Some(&inp.agents), &settings).unwrap()
            })
        });
        g.bench_function(format!("roster {n} agents"), |b| {
            b.iter(|| {
                paiban::roster::roster(black_box(&plan.rows), &inp.agents, &sc, &settings).unwrap()
            })
        });
    }
    g.finish();
}

/// Rolling-origin backtests: their quality figures (WAPE vs seasonal naive, coverage) are
/// printed once, then the whole backtest is timed.
fn bench_backtest(c: &mut Criterion) {
    use paiban::backtest::{backtest, BacktestSpec, Method};
    use paiban::calendar::Calendar;
    let methods = [
        Method::SeasonalEvent(SeasonalEvent::default()),
        Method::SeasonalNaive,
    ];
    let mut g = c.benchmark_group("backtest");
    g.sample_size(10);
    let quality = |name: &str, r: &paiban::backtest::BacktestReport| {
        let (m, n) = (&r.methods[0], &r.methods[1]);
        eprintln!(
            "[quality] {name}: WAPE {:.2}% vs seasonal naive {:.2}% ({:.1}% lower); MASE {:.3}; P10–P90 coverage {:.1}%; event windows WAPE {:.2}% vs {:.2}%",
            100.0 * m.overall.wape,
            100.0 * n.overall.wape,
            100.0 * r.improvement(),
            m.overall.mase,
            100.0 * m.overall.coverage.unwrap_or(f64::NAN),
            100.0 * m.events.wape,
            100.0 * n.events.wape,
        );
    };
    let h = synth::history(&SynthParams {
        seed: 42,
        agents: 20,
        years: 3,
        end: NaiveDate::from_ymd_opt(2025, 12, 15).unwrap(),
    });
    let spec = BacktestSpec {
        horizon_days: 14,
        folds: 6,
        every_days: 7,
        first_origin: NaiveDate::from_ymd_opt(2025, 10, 6),
    };
    let cal = Calendar::default();
    quality(
        "synth shop 11.11 window, 6 folds × 14 d hourly",
        &backtest(&h, &cal, &spec, &methods).unwrap(),
    );
    g.bench_function("synth 11.11 window: 6 folds × 14 days hourly", |b| {
        b.iter(|| backtest(black_box(&h), &cal, &spec, &methods).unwrap())
    });
    let bank = std::path::Path::new("../shared/data/call-volume/us_bank_2003_5min.csv");
    if bank.exists() {
        let (h5, _) = paiban::history::read_history(
            bank,
            chrono_tz::America::New_York,
            5,
            &Default::default(),
        )
        .unwrap();
        let spec = BacktestSpec {
            horizon_days: 7,
            folds: 16,
            ..Default::default()
        };
        let none = Calendar::none();
        for step in [60, 5] {
            let h = h5.resample(step).unwrap();
            quality(
                &format!("US bank calls, 16 folds × 7 d at {step} min"),
                &backtest(&h, &none, &spec, &methods).unwrap(),
            );
            g.bench_function(
                format!("bank calls: 16 folds × 7 days at {step} min"),
                |b| b.iter(|| backtest(black_box(&h), &none, &spec, &methods).unwrap()),
            );
        }
    } else {
        eprintln!("SKIP bank backtest: {} is absent", bank.display());
    }
    g.finish();
}

/// A 200-agent team's week: the roster from plan + roster, then the simulation (30 runs).
fn bench_simulation(c: &mut Criterion) {
    use paiban::simulate::{simulate, SimSettings};
    let settings = SolverSettings::default();
    let mut g = c.benchmark_group("simulation");
    g.sample_size(10);
    for n in [20usize, 200] {
        let mut sc = scenario(n);
        sc.service.patience = Some(paiban::scenario::Minutes0(180.0));
        let inp = inputs(&sc);
        let (f, _) = forecast_for(&sc, &inp.history, None).unwrap();
        let req = paiban::requirements::requirements(&f, &sc).unwrap();
        let plan = paiban::plan::plan(&req, &sc, Some(&inp.agents), &settings).unwrap();
        let r = paiban::roster::roster(&plan.rows, &inp.agents, &sc, &settings).unwrap();
        let s = SimSettings { runs: 30, seed: 1 };
        let rep = simulate(&f, &sc, &r.roster, &inp.agents, &s).unwrap();
        eprintln!(
            "[quality] {n} agents, week at 15 min, 30 runs: {:.0} chats a run; service level {:.1}% ± {:.1} (requirements promise ≥ {:.0}% where staffed), ASA {:.1} s, abandon {:.2}%, occupancy {:.1}%",
            rep.overall.offered,
            100.0 * rep.overall.service_level.mean,
            100.0 * rep.overall.service_level.ci95,
            sc.service.target_percent,
            rep.overall.asa_seconds.mean,
            100.0 * rep.overall.abandon.mean,
            100.0 * rep.overall.occupancy.mean,
        );
        g.bench_function(format!("{n} agents, week at 15 min, 30 runs"), |b| {
            b.iter(|| simulate(black_box(&f), &sc, &r.roster, &inp.agents, &s).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench, bench_backtest, bench_simulation);
criterion_main!(benches);
