//! Forecast quality bars, measured by rolling-origin backtests exactly as `paiban backtest`
//! runs them: on real bank call data from ../shared and on synthetic shops with 3 years of
//! history around 11.11. Plus the behaviours a supervisor relies on: level shifts, outages,
//! closed hours and user-defined events.

use chrono::{NaiveDate, NaiveDateTime};
use paiban::backtest::{backtest, BacktestReport, BacktestSpec, Method};
use paiban::calendar::{Calendar, Occurrence};
use paiban::forecast::{forecast, SeasonalEvent};
use paiban::history::{read_history, Series};
use paiban::synth::{history, SynthParams};
use paiban::time::Grid;

mod common;

const BANK: &str = "data/call-volume/us_bank_2003_5min.csv";

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
    date(y, m, d).and_hms_opt(h, 0, 0).unwrap()
}

fn methods() -> [Method; 2] {
    [
        Method::SeasonalEvent(SeasonalEvent::default()),
        Method::SeasonalNaive,
    ]
}

fn bank(interval: u32) -> Option<Series> {
    let bank = common::shared_file(BANK)?;
    let (h, rep) =
        read_history(&bank, chrono_tz::America::New_York, 5, &Default::default()).unwrap();
    // nights and weekends are closed hours, not gaps; the missing holidays are gaps
    assert_eq!(
        rep.closed,
        vec!["Mon–Fri 00:00–07:00, 21:05–24:00", "Sat–Sun all day"]
    );
    assert!(rep.gaps.iter().any(|(d, _)| d == "2003-09-01 07:00"));
    Some(h.resample(interval).unwrap())
}

fn assert_bank_bar(r: &BacktestReport) {
    let (m, naive) = (&r.methods[0], &r.methods[1]);
    eprintln!("{}", r.text());
    assert!(
        r.improvement() >= 0.15,
        "WAPE {:.4} vs seasonal naive {:.4}: only {:.1}% lower",
        m.overall.wape,
        naive.overall.wape,
        100.0 * r.improvement()
    );
    assert!(m.overall.mase < 1.0, "MASE {}", m.overall.mase);
    let cov = m.overall.coverage.unwrap();
    assert!((0.72..=0.88).contains(&cov), "P10–P90 coverage {cov}");
}

#[test]
fn bank_calls_hourly_one_week_beats_seasonal_naive_by_15_percent() {
    let Some(h) = bank(60) else { return };
    let spec = BacktestSpec {
        horizon_days: 7,
        folds: 16,
        ..Default::default()
    };
    let r = backtest(&h, &Calendar::none(), &spec, &methods()).unwrap();
    assert_eq!(r.folds.len(), 16);
    assert_bank_bar(&r);
}

#[test]
fn bank_calls_5_minute_one_week_beats_seasonal_naive_by_15_percent() {
    let Some(h) = bank(5) else { return };
    let spec = BacktestSpec {
        horizon_days: 7,
        folds: 16,
        ..Default::default()
    };
    let r = backtest(&h, &Calendar::none(), &spec, &methods()).unwrap();
    assert_bank_bar(&r);
    // closed hours are forecast 0: Saturday of the first fold
    let cut = r.folds[0].origin.clone();
    let origin = NaiveDateTime::parse_from_str(&cut, "%Y-%m-%d %H:%M").unwrap();
    let k = h.grid.index_of(origin).unwrap();
    let train = Series {
        grid: Grid::new(h.grid.start, 5, k),
        volume: h.volume[..k].to_vec(),
        aht: None,
    };
    let (f, notes) = forecast(
        &train,
        Grid::days(origin.date(), 7, 5),
        &SeasonalEvent::default(),
        &Calendar::none(),
    )
    .unwrap();
    assert_eq!(notes.closed_per_week, 2016 - 5 * 169);
    for (j, p) in f.points.iter().enumerate() {
        let t = f.grid.at(j);
        let open = paiban::time::dow(t) < 5
            && (7 * 60..=21 * 60).contains(&paiban::time::minute_of_day(t));
        assert_eq!(p.volume > 0.0, open, "{t}: {p:?}");
    }
}

/// The default `paiban synth` shop (seed 42) with history to mid-December 2025; origins every
/// week from before the pre-sale (15 Oct) until 11.11, 14 days each: pre-sale, first final
/// payment, the 11.11 peak and the after-sales wave are all forecast from history only.
fn double11_backtest(seed: u64) -> BacktestReport {
    let h = history(&SynthParams {
        seed,
        agents: 20,
        years: 3,
        end: date(2025, 12, 15),
    });
    let spec = BacktestSpec {
        horizon_days: 14,
        folds: 6,
        every_days: 7,
        first_origin: Some(date(2025, 10, 6)),
    };
    backtest(&h, &Calendar::default(), &spec, &methods()).unwrap()
}

#[test]
fn synthetic_double11_window_beats_seasonal_naive_by_40_percent_and_gets_the_peak() {
    let r = double11_backtest(42);
    eprintln!("{}", r.text());
    let (m, naive) = (&r.methods[0], &r.methods[1]);
    assert!(r.improvement() >= 0.40, "overall {:.3}", r.improvement());
    for key in [
        "double11_presale",
        "double11_final_payment",
        "double11_peak",
        "double11_aftersales",
    ] {
        let (a, b) = (&m.by_event[key], &naive.by_event[key]);
        assert!(
            a.wape <= 0.6 * b.wape,
            "{key}: WAPE {:.3} vs naive {:.3}",
            a.wape,
            b.wape
        );
    }
    assert!(m.events.wape <= 0.6 * naive.events.wape);
    // the 00:00 rush of 11 Nov is the busiest hour of the folds that contain it
    let peaks: Vec<_> = m
        .peaks
        .iter()
        .filter(|p| p.at == "2025-11-11 00:00")
        .collect();
    assert!(!peaks.is_empty(), "{:?}", m.peaks);
    for p in peaks {
        assert!(p.error.abs() <= 0.2, "11.11 00:00: {p:?}");
    }
    let cov = m.overall.coverage.unwrap();
    assert!((0.72..=0.90).contains(&cov), "P10–P90 coverage {cov}");
    // handle time, longer in the after-sales wave, is forecast too
    let (a, b) = (m.aht_wape.unwrap(), naive.aht_wape.unwrap());
    assert!(a < 0.6 * b, "AHT error {a:.3} vs naive {b:.3}");
}

#[test]
fn double11_bar_holds_for_other_shops_too() {
    for seed in [7, 2024] {
        let r = double11_backtest(seed);
        assert!(
            r.improvement() >= 0.40,
            "seed {seed}: {:.3}",
            r.improvement()
        );
    }
}

fn shop(end: NaiveDate) -> (SynthParams, Series) {
    let p = SynthParams {
        seed: 11,
        agents: 20,
        years: 1,
        end,
    };
    let h = history(&p);
    (p, h)
}

#[test]
fn level_follows_a_shop_that_doubled() {
    // a viral product: from 3 weeks before the end, every hour is twice what it was
    let end = date(2025, 9, 22);
    let (_, mut h) = shop(end);
    let from = h.grid.index_of(at(2025, 9, 1, 0)).unwrap();
    for v in h.volume[from..].iter_mut() {
        *v = v.map(|x| 2.0 * x);
    }
    let (_, base) = shop(end);
    let grid = Grid::days(end, 7, 60);
    let (f, _) = forecast(&h, grid, &SeasonalEvent::default(), &Calendar::none()).unwrap();
    let (g, _) = forecast(&base, grid, &SeasonalEvent::default(), &Calendar::none()).unwrap();
    let ratio = f.total() / g.total();
    assert!(
        (1.8..=2.2).contains(&ratio),
        "doubled shop forecast {:.0} vs {:.0} (×{ratio:.2})",
        f.total(),
        g.total()
    );
}

#[test]
fn outages_are_reported_and_left_out() {
    let end = date(2025, 9, 22);
    let (_, clean) = shop(end);
    let mut h = clean.clone();
    // the chat system was down Tuesday 10:00–16:00 last week
    let k = h.grid.index_of(at(2025, 9, 16, 10)).unwrap();
    for v in &mut h.volume[k..k + 6] {
        *v = Some(0.0);
    }
    let grid = Grid::days(end, 7, 60);
    let (f, notes) = forecast(&h, grid, &SeasonalEvent::default(), &Calendar::none()).unwrap();
    assert_eq!(notes.outages, vec![("2025-09-16 10:00".to_string(), 6)]);
    assert!(notes.text().contains("outage: 6 interval(s)"));
    let (g, _) = forecast(&clean, grid, &SeasonalEvent::default(), &Calendar::none()).unwrap();
    let tue = grid.index_of(at(2025, 9, 23, 12)).unwrap();
    assert!(
        (f.points[tue].volume / g.points[tue].volume - 1.0).abs() < 0.03,
        "{} vs {}",
        f.points[tue].volume,
        g.points[tue].volume
    );
}

fn brand_day(day: NaiveDate) -> Occurrence {
    Occurrence {
        key: "brand_day".into(),
        label: "Brand day".into(),
        anchor: day.and_hms_opt(0, 0, 0).unwrap(),
        before_hours: 0,
        after_hours: 24,
        prior_profile: Some(std::sync::Arc::from([1.3])),
    }
}

#[test]
fn user_events_are_learned_from_history_or_use_their_prior() {
    // a brand day on the 5th of July and August tripled volume; the 5th of October is next
    let end = date(2025, 9, 29);
    let (_, mut h) = shop(end);
    for m in [7, 8] {
        let k = h.grid.index_of(at(2025, m, 5, 0)).unwrap();
        for v in &mut h.volume[k..k + 24] {
            *v = v.map(|x| 3.0 * x);
        }
    }
    let cal = Calendar {
        user: [7, 8, 10]
            .iter()
            .map(|m| brand_day(date(2025, *m, 5)))
            .collect(),
        ..Calendar::none()
    };
    let grid = Grid::days(end, 7, 60);
    let (f, notes) = forecast(&h, grid, &SeasonalEvent::default(), &cal).unwrap();
    assert_eq!(notes.learned.get("brand_day"), Some(&2));
    let (plain, _) = forecast(&h, grid, &SeasonalEvent::default(), &Calendar::none()).unwrap();
    let day = |f: &paiban::forecast::Forecast| -> f64 {
        let k = grid.index_of(at(2025, 10, 5, 0)).unwrap();
        f.points[k..k + 24].iter().map(|p| p.volume).sum()
    };
    let uplift = day(&f) / day(&plain);
    assert!((2.6..=3.4).contains(&uplift), "learned uplift ×{uplift:.2}");
    assert_eq!(
        f.points[grid.index_of(at(2025, 10, 5, 12)).unwrap()]
            .event
            .as_deref(),
        Some("Brand day")
    );
    // with no earlier occurrence in the history, the prior (×1.3) applies
    let only_future = Calendar {
        user: vec![brand_day(date(2025, 10, 5))],
        ..Calendar::none()
    };
    let (p, notes) = forecast(&h, grid, &SeasonalEvent::default(), &only_future).unwrap();
    assert!(notes.learned.is_empty());
    let uplift = day(&p) / day(&plain);
    assert!((uplift - 1.3).abs() < 1e-6, "prior uplift ×{uplift}");
}

#[test]
fn daily_history_is_forecast_daily_and_spread_by_the_intraday_profile() {
    let end = date(2025, 9, 22);
    let (_, h) = shop(end);
    let daily = h.resample(1440).unwrap();
    assert_eq!(daily.grid.len, 365);
    let grid = Grid::days(end, 7, 60);
    let (f, notes) = forecast(&daily, grid, &SeasonalEvent::default(), &Calendar::none()).unwrap();
    assert_eq!(notes.intraday_prior, Some(1440));
    assert!(notes.text().contains("built-in e-commerce profile"));
    let (g, _) = forecast(&h, grid, &SeasonalEvent::default(), &Calendar::none()).unwrap();
    for d in 0..7 {
        let day = |f: &paiban::forecast::Forecast| -> f64 {
            f.points[24 * d..24 * (d + 1)]
                .iter()
                .map(|p| p.volume)
                .sum()
        };
        let r = day(&f) / day(&g);
        assert!(
            (0.93..=1.07).contains(&r),
            "day {d}: daily-history total ×{r:.3} of hourly"
        );
        // night is quiet, evening busy
        assert!(f.points[24 * d + 21].volume > 5.0 * f.points[24 * d + 4].volume);
    }
    // intervals are spread too, and bracket the point forecast
    assert!(f
        .points
        .iter()
        .all(|p| p.p10 <= p.volume && p.volume <= p.p90));
}

#[test]
fn one_odd_day_does_not_move_the_forecast() {
    // a viral post: one day last week had four times the usual volume (not in any calendar)
    let end = date(2025, 9, 22);
    let (_, clean) = shop(end);
    let mut h = clean.clone();
    let k = h.grid.index_of(at(2025, 9, 17, 0)).unwrap();
    for v in &mut h.volume[k..k + 24] {
        *v = v.map(|x| 4.0 * x);
    }
    let grid = Grid::days(end, 7, 60);
    let (f, _) = forecast(&h, grid, &SeasonalEvent::default(), &Calendar::none()).unwrap();
    let (g, _) = forecast(&clean, grid, &SeasonalEvent::default(), &Calendar::none()).unwrap();
    let r = f.total() / g.total();
    assert!(
        (0.97..=1.05).contains(&r),
        "one spiked day moved the week ×{r:.3}"
    );
}

#[test]
fn a_strong_yearly_season_is_followed() {
    // a winter-clothes shop: ±35% over the year on top of the synthetic shop
    let mut h = history(&SynthParams {
        seed: 42,
        agents: 20,
        years: 4,
        end: date(2026, 1, 1),
    });
    for k in 0..h.grid.len {
        use chrono::Datelike;
        let doy = h.grid.at(k).ordinal() as f64;
        let f = 1.0 + 0.35 * (2.0 * std::f64::consts::PI * doy / 365.0).sin();
        h.volume[k] = h.volume[k].map(|v| (v * f).round());
    }
    let spec = BacktestSpec {
        horizon_days: 14,
        folds: 50,
        ..Default::default()
    };
    let flat = SeasonalEvent {
        trend: false,
        yearly: false,
        ..Default::default()
    };
    let ms = [
        Method::SeasonalEvent(SeasonalEvent::default()),
        Method::SeasonalEvent(flat),
        Method::SeasonalNaive,
    ];
    let r = backtest(&h, &Calendar::default(), &spec, &ms).unwrap();
    let w: Vec<f64> = r.methods.iter().map(|m| m.overall.wape).collect();
    assert!(
        w[0] < 0.98 * w[1],
        "yearly + trend {:.4} vs level only {:.4}",
        w[0],
        w[1]
    );
    // the day-14 forecast suffers most without the yearly term
    let d14 = |i: usize| r.methods[i].by_day[13].wape;
    assert!(
        d14(0) < 0.95 * d14(1),
        "day 14: {:.4} vs {:.4}",
        d14(0),
        d14(1)
    );
    assert!(w[0] < 0.55 * w[2]);
}
