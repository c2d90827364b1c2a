//! Forecasts in festival windows, before and after effect shrinkage: synthetic shops of several
//! seeds (`paiban synth`, three years of hourly history), rolling origins every 7 days through
//! Double 11 2025 (first origin 13 Oct, 5 folds) and 618 2026 (first origin 11 May, 6 folds),
//! 14 days ahead. Side by side in one run: the seasonal-event model with each offset's raw
//! learned ratio and its spread across occurrences (before), and with effects shrunk toward
//! their smoothed curve and the event spread calibrated by leaving each occurrence out (now).
//! Reported per event key and for all event windows: WAPE and P10–P90 coverage.
//!
//! `cargo bench --bench event_windows` (`EVENT_SEEDS=N` shops, default 5).

use chrono::NaiveDate;
use paiban::backtest::{backtest, BacktestSpec, Method, Metrics};
use paiban::calendar::Calendar;
use paiban::forecast::SeasonalEvent;
use paiban::synth::{self, SynthParams};
use std::collections::BTreeMap;

/// Volume-weighted WAPE and interval-weighted coverage, summed over folds and shops.
#[derive(Default, Clone, Copy)]
struct Sum {
    abs_err: f64,
    actual: f64,
    covered: f64,
    intervals: f64,
}

impl Sum {
    fn add(&mut self, m: &Metrics) {
        self.abs_err += m.wape * m.actual;
        self.actual += m.actual;
        self.covered += m.coverage.unwrap_or(f64::NAN) * m.intervals as f64;
        self.intervals += m.intervals as f64;
    }
    fn wape(&self) -> f64 {
        100.0 * self.abs_err / self.actual
    }
    fn coverage(&self) -> f64 {
        100.0 * self.covered / self.intervals
    }
}

fn main() {
    let seeds: u64 = std::env::var("EVENT_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let before = SeasonalEvent {
        shrink_events: false,
        ..SeasonalEvent::default()
    };
    let methods = [
        Method::SeasonalEvent(before),
        Method::SeasonalEvent(SeasonalEvent::default()),
    ];
    let windows = [
        (NaiveDate::from_ymd_opt(2025, 10, 13).unwrap(), 5),
        (NaiveDate::from_ymd_opt(2026, 5, 11).unwrap(), 6),
    ];
    // event key (or "all event windows") → [before, now]
    let mut sums: BTreeMap<String, [Sum; 2]> = BTreeMap::new();
    for seed in 1..=seeds {
        let h = synth::history(&SynthParams {
            seed,
            agents: 20,
            years: 3,
            end: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
        });
        for (first, folds) in windows {
            let spec = BacktestSpec {
                horizon_days: 14,
                folds,
                every_days: 7,
                first_origin: Some(first),
            };
            let rep = backtest(&h, &Calendar::default(), &spec, &methods).expect("backtest");
            for (i, m) in rep.methods.iter().enumerate() {
                sums.entry("all event windows".into()).or_default()[i].add(&m.events);
                sums.entry("outside events".into()).or_default()[i].add(&m.normal);
                for (k, e) in &m.by_event {
                    sums.entry(k.clone()).or_default()[i].add(e);
                }
            }
        }
    }
    println!("{seeds} synthetic shops, Double 11 2025 and 618 2026 windows, 14-day horizons\n");
    println!(
        "{:<24} {:>9} {:>9} {:>7}   {:>9} {:>9}",
        "", "WAPE was", "WAPE now", "change", "P10–P90 was", "now"
    );
    for (k, [b, n]) in &sums {
        println!(
            "{:<24} {:>8.1}% {:>8.1}% {:>+6.1}%   {:>10.1}% {:>8.1}%",
            k,
            b.wape(),
            n.wape(),
            100.0 * (n.wape() / b.wape() - 1.0),
            b.coverage(),
            n.coverage()
        );
    }
    let after: [Sum; 2] = ["double11_aftersales", "618_aftersales"]
        .iter()
        .filter_map(|k| sums.get(*k))
        .fold([Sum::default(); 2], |mut acc, s| {
            for i in 0..2 {
                acc[i].abs_err += s[i].abs_err;
                acc[i].actual += s[i].actual;
            }
            acc
        });
    println!(
        "\nafter-sales windows together: WAPE {:.1}% → {:.1}% ({:+.1}%)",
        after[0].wape(),
        after[1].wape(),
        100.0 * (after[1].wape() / after[0].wape() - 1.0)
    );
}
