//! Forecasting inquiry volume (and handle time) per interval.
//!
//! [`SeasonalEvent`] (in [`model`]) is the default model: level × yearly × weekly shape ×
//! learned event effects, with calibrated P10/P90. [`SeasonalNaive`] (same interval last week)
//! is the benchmark every model must beat; [`crate::forecast::backtest`] measures both.

pub mod backtest;
pub mod calendar;
pub mod history;
pub mod intraday;
pub mod model;
pub mod synth;
pub use model::{FitNotes, SeasonalEvent, SeasonalEventModel};

use crate::forecast::calendar::{Calendar, EventIndex};
use crate::forecast::history::Series;
use crate::model::time::{self, fmt_ts, Grid};
use chrono::NaiveDateTime;
use serde::Serialize;
use std::sync::Arc;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ForecastError {
    #[error("the history covers {span} ({have} full days) but the model needs at least {need} full days\n  fix: export at least {need} days of history (8 weeks or more is better), ending just before the forecast start")]
    TooShort { have: i64, need: i64, span: String },
    #[error("the forecast starts at {start}, before the history ends ({end}); forecast from {end} or later")]
    Overlap { start: String, end: String },
    #[error("{0}")]
    Interval(String),
}

/// One forecast interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    pub volume: f64,
    pub p10: f64,
    pub p90: f64,
    pub aht_seconds: Option<f64>,
    pub event: Option<Arc<str>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    pub grid: Grid,
    pub points: Vec<Point>,
}

impl Forecast {
    pub fn total(&self) -> f64 {
        self.points.iter().map(|p| p.volume).sum()
    }
}

/// Fit on a history, giving a model that predicts any grid after the history.
pub trait Forecaster {
    type Model: Predict;
    fn fit(&self, history: &Series, events: &EventIndex) -> Result<Self::Model, ForecastError>;
}

pub trait Predict {
    fn predict(&self, grid: Grid) -> Result<Forecast, ForecastError>;
}

/// Same interval one week earlier (repeated for longer horizons); where that week has no data
/// (a gap, a holiday missing from the file), the latest earlier week that has it.
pub struct SeasonalNaive;

pub struct SeasonalNaiveModel {
    last_week: Vec<Option<f64>>,
    last_week_aht: Option<Vec<Option<f64>>>,
    end: NaiveDateTime,
    step: u32,
}

/// The latest value of each interval of the week before the end of `h` (None where no week
/// of the history has it).
fn latest_by_week_slot(values: &[Option<f64>], per_week: usize) -> Vec<Option<f64>> {
    let n = values.len();
    let mut out: Vec<Option<f64>> = values[n - per_week..].to_vec();
    for (i, v) in out.iter_mut().enumerate() {
        let mut k = n - per_week + i;
        while v.is_none() && k >= per_week {
            k -= per_week;
            *v = values[k];
        }
    }
    out
}

impl Forecaster for SeasonalNaive {
    type Model = SeasonalNaiveModel;
    fn fit(&self, h: &Series, _: &EventIndex) -> Result<SeasonalNaiveModel, ForecastError> {
        let per_week = (7 * 1440 / h.grid.step_minutes) as usize;
        if h.grid.len < per_week {
            return Err(ForecastError::TooShort {
                have: (h.grid.len / (per_week / 7)) as i64,
                need: 7,
                span: h.span(),
            });
        }
        Ok(SeasonalNaiveModel {
            last_week: latest_by_week_slot(&h.volume, per_week),
            last_week_aht: h.aht.as_ref().map(|a| latest_by_week_slot(a, per_week)),
            end: h.end(),
            step: h.grid.step_minutes,
        })
    }
}

impl Predict for SeasonalNaiveModel {
    fn predict(&self, grid: Grid) -> Result<Forecast, ForecastError> {
        check_grid(grid, self.end, self.step)?;
        let n = self.last_week.len() as i64;
        let points = (0..grid.len)
            .map(|k| {
                let back = (grid.at(k) - self.end).num_minutes() / self.step as i64;
                let slot = back.rem_euclid(n) as usize;
                let v = self.last_week[slot].unwrap_or(0.0);
                Point {
                    volume: v,
                    p10: v,
                    p90: v,
                    aht_seconds: self.last_week_aht.as_ref().and_then(|a| a[slot]),
                    event: None,
                }
            })
            .collect();
        Ok(Forecast { grid, points })
    }
}

fn check_grid(grid: Grid, end: NaiveDateTime, step: u32) -> Result<(), ForecastError> {
    if grid.start < end {
        return Err(ForecastError::Overlap {
            start: fmt_ts(grid.start),
            end: fmt_ts(end),
        });
    }
    if grid.step_minutes != step {
        return Err(ForecastError::Interval(format!(
            "the model was fitted at {step}-minute intervals; the forecast asks for {}",
            grid.step_minutes
        )));
    }
    Ok(())
}

/// Share of a day's inquiries by hour in a typical Chinese e-commerce shop (quiet 02–07,
/// peaks late morning, mid-afternoon and 20–23): how a forecast from history coarser than an
/// hour (e.g. daily totals) is spread over the day. Only a prior: hourly history replaces it.
pub const ECOMMERCE_INTRADAY: [f64; 24] = [
    1.3, 0.6, 0.3, 0.2, 0.15, 0.15, 0.3, 0.6, 1.3, 2.1, 2.6, 2.5, 1.9, 2.1, 2.5, 2.6, 2.4, 2.1,
    2.1, 2.5, 3.0, 3.2, 3.0, 2.2,
];

/// Fits the default model on `history` at `grid`'s interval, with the events of `calendar`,
/// and predicts `grid`. Returns what the fit found, too.
///
/// Finer history is summed up to the grid's interval and hourly history is split evenly. History
/// coarser than an hour (2-hourly, daily) is forecast at its own interval and spread over the
/// finer intervals by [`ECOMMERCE_INTRADAY`] (said in the notes).
pub fn forecast(
    history: &Series,
    grid: Grid,
    model: &SeasonalEvent,
    calendar: &Calendar,
) -> Result<(Forecast, FitNotes), ForecastError> {
    let coarse = history.grid.step_minutes;
    if coarse > 60 && coarse > grid.step_minutes {
        if !coarse.is_multiple_of(grid.step_minutes) || 1440 % coarse != 0 {
            return Err(ForecastError::Interval(format!(
                "cannot spread {coarse}-minute history over {}-minute intervals",
                grid.step_minutes
            )));
        }
        // the coarse intervals covering the grid
        let start = grid.start
            - chrono::Duration::minutes((time::minute_of_day(grid.start) % coarse) as i64);
        let len = ((grid.end() - start).num_minutes() as u32).div_ceil(coarse) as usize;
        let events = calendar.index(history.grid.start, grid.end());
        let m = model.fit(history, &events)?;
        let cf = m.predict(Grid::new(start, coarse, len))?;
        let weight = |t: NaiveDateTime| {
            ECOMMERCE_INTRADAY[(time::minute_of_day(t) / 60) as usize] * grid.step_minutes as f64
        };
        // each coarse interval's weight total, over all its fine intervals
        let fine_per = (coarse / grid.step_minutes) as usize;
        let points = (0..grid.len)
            .map(|k| {
                let t = grid.at(k);
                let c = ((t - start).num_minutes() / coarse as i64) as usize;
                let c0 = cf.grid.at(c);
                let total: f64 = (0..fine_per)
                    .map(|j| {
                        weight(
                            c0 + chrono::Duration::minutes((j as u32 * grid.step_minutes) as i64),
                        )
                    })
                    .sum();
                let share = weight(t) / total;
                let p = &cf.points[c];
                Point {
                    volume: p.volume * share,
                    p10: p.p10 * share,
                    p90: p.p90 * share,
                    aht_seconds: p.aht_seconds,
                    event: calendar_label(&events, t),
                }
            })
            .collect();
        let mut notes = m.notes;
        notes.intraday_prior = Some(coarse);
        prior_events(&mut notes, &events, grid);
        return Ok((Forecast { grid, points }, notes));
    }
    let h = history
        .resample(grid.step_minutes)
        .map_err(ForecastError::Interval)?;
    let events = calendar.index(h.grid.start, grid.end());
    let m = model.fit(&h, &events)?;
    let f = m.predict(grid)?;
    let mut notes = m.notes;
    prior_events(&mut notes, &events, grid);
    Ok((f, notes))
}

/// The events of `grid` whose effect the fit did not learn (no earlier occurrence), each
/// with its first interval and the prior's strongest effect there.
fn prior_events(notes: &mut FitNotes, events: &EventIndex, grid: Grid) {
    let mut seen: Vec<model::PriorEvent> = Vec::new();
    for k in 0..grid.len {
        let t = grid.at(k);
        let Some(o) = events.owner(t) else { continue };
        if notes.learned.contains_key(o.key.as_ref()) {
            continue;
        }
        let effect = o.prior(t);
        match seen.iter_mut().find(|e| e.key == o.key.as_ref()) {
            Some(e) => {
                if (effect - 1.0).abs() > (e.peak - 1.0).abs() {
                    e.peak = effect;
                }
            }
            None => seen.push(model::PriorEvent {
                key: o.key.to_string(),
                label: o.label.to_string(),
                from: time::fmt_ts(t),
                peak: effect,
            }),
        }
    }
    notes.from_prior = seen;
}

fn calendar_label(events: &EventIndex, t: NaiveDateTime) -> Option<Arc<str>> {
    events.owner(t).map(|o| o.label.clone())
}

/// Weighted absolute percentage error of a forecast against actuals.
pub fn wape(actual: &[f64], predicted: &[f64]) -> f64 {
    let num: f64 = actual
        .iter()
        .zip(predicted)
        .map(|(a, p)| (a - p).abs())
        .sum();
    let den: f64 = actual.iter().sum();
    if den > 0.0 {
        num / den
    } else {
        f64::NAN
    }
}

/// Writes `interval_start,volume,p10,p50,p90,aht_seconds,event` (`volume` is the point
/// forecast, which is also the P50).
pub fn to_csv(f: &Forecast) -> Vec<u8> {
    use crate::io::fmt_f;
    let mut out = String::from("interval_start,volume,p10,p50,p90,aht_seconds,event\n");
    for (k, p) in f.points.iter().enumerate() {
        out.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            fmt_ts(f.grid.at(k)),
            fmt_f(p.volume, 2),
            fmt_f(p.p10, 2),
            fmt_f(p.volume, 2),
            fmt_f(p.p90, 2),
            p.aht_seconds.map(|a| fmt_f(a, 1)).unwrap_or_default(),
            p.event.as_deref().unwrap_or("")
        ));
    }
    out.into_bytes()
}

/// Reads a forecast file written by [`to_csv`] (or any file with `interval_start,volume`).
pub fn read_csv(
    path: &std::path::Path,
    tz: chrono_tz::Tz,
    user: &crate::io::Columns,
) -> Result<Forecast, crate::io::InputError> {
    use crate::io::{read_text, Col, InputError, Table};
    const COLS: &[Col] = &[
        Col::req("interval_start", &["timestamp", "时间"]),
        Col::req("volume", &["咨询量", "count"]),
        Col::opt("p10", &[]),
        Col::opt("p50", &[]),
        Col::opt("p90", &[]),
        Col::opt("aht_seconds", &[]),
        Col::opt("event", &[]),
    ];
    let (text, _) = read_text(path)?;
    let (t, idx) = Table::parse_with(path, &text, COLS, user)?;
    let mut regular = crate::io::Regular::default();
    let mut points = Vec::new();
    for (line, rec) in &t.rows {
        let ts = t.timestamp(*line, rec, idx[0], "interval_start", tz)?;
        regular.push(&t, *line, "interval_start", ts)?;
        let v = t.nonneg(*line, "volume", t.get(rec, idx[1]).unwrap_or(""))?;
        let num = |i: usize, f: &str| -> Result<Option<f64>, InputError> {
            t.get(rec, idx[i])
                .map(|s| t.nonneg(*line, f, s))
                .transpose()
        };
        let p10 = num(2, "p10")?.unwrap_or(v);
        let p90 = num(4, "p90")?.unwrap_or(v);
        let aht = num(5, "aht_seconds")?;
        let event = t.get(rec, idx[6]).filter(|e| !e.is_empty()).map(Arc::from);
        points.push(Point {
            volume: v,
            p10,
            p90,
            aht_seconds: aht,
            event,
        });
    }
    Ok(Forecast {
        grid: regular.grid(),
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::synth::{history, SynthParams};
    use chrono::NaiveDate;

    #[test]
    fn learns_double11_from_history_and_beats_naive() {
        for seed in [3, 42] {
            let p = SynthParams {
                seed,
                agents: 20,
                years: 3,
                end: NaiveDate::from_ymd_opt(2025, 11, 9).unwrap(),
            };
            let full = history(&SynthParams {
                end: NaiveDate::from_ymd_opt(2025, 11, 16).unwrap(),
                ..p.clone()
            });
            let train = history(&p);
            let grid = Grid::days(p.end, 7, 60);
            let (f, notes) = forecast(
                &train,
                grid,
                &SeasonalEvent::default(),
                &Calendar::default(),
            )
            .unwrap();
            assert_eq!(notes.learned.get("double11_peak"), Some(&2), "{notes:?}");
            // learned events are not said to come from their prior
            assert!(
                notes.from_prior.iter().all(|e| e.key != "double11_peak"),
                "{notes:?}"
            );
            // eight weeks of history: the 11.11 peak is forecast from its prior, and said so
            let k = train.grid.len - 8 * 7 * 24;
            let short = Series {
                grid: Grid::new(train.grid.at(k), 60, 8 * 7 * 24),
                volume: train.volume[k..].to_vec(),
                aht: None,
            };
            let (_, n) = forecast(
                &short,
                grid,
                &SeasonalEvent::default(),
                &Calendar::default(),
            )
            .unwrap();
            let peak = n.from_prior.iter().find(|e| e.key == "double11_peak");
            assert!(peak.is_some_and(|e| e.peak > 1.0), "{n:?}");
            assert!(n.text().contains("forecast from its prior alone"));
            let actual: Vec<f64> = (0..grid.len)
                .map(|k| full.get(grid.at(k)).unwrap())
                .collect();
            let pred: Vec<f64> = f.points.iter().map(|p| p.volume).collect();
            let events = EventIndex::covering(train.grid.start, grid.end());
            let naive = SeasonalNaive
                .fit(&train, &events)
                .unwrap()
                .predict(grid)
                .unwrap();
            let naive: Vec<f64> = naive.points.iter().map(|p| p.volume).collect();
            let (w, wn) = (wape(&actual, &pred), wape(&actual, &naive));
            assert!(
                w < 0.5 * wn,
                "seed {seed}: model WAPE {w:.3} vs naive {wn:.3}"
            );
            // the 00:00 rush of 11 Nov: within 10% of the synthetic world's true expectation
            // (the realised hour carries ~10% noise on top)
            let t = NaiveDate::from_ymd_opt(2025, 11, 11)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap();
            let k = grid.index_of(t).unwrap();
            let truth = crate::forecast::synth::expected_hourly(&p, &events, t);
            assert!(
                (pred[k] / truth - 1.0).abs() < 0.1,
                "seed {seed}: peak {} vs expected {truth}",
                pred[k]
            );
            // P10–P90 covers most actuals
            let inside = f
                .points
                .iter()
                .zip(&actual)
                .filter(|(p, a)| p.p10 <= **a && **a <= p.p90)
                .count();
            assert!(
                inside as f64 / actual.len() as f64 > 0.6,
                "seed {seed}: coverage {inside}/{}",
                actual.len()
            );
        }
    }

    #[test]
    fn refuses_overlap_and_short_history() {
        let p = SynthParams {
            seed: 1,
            agents: 5,
            years: 1,
            end: NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(),
        };
        let h = history(&p);
        let grid = Grid::days(NaiveDate::from_ymd_opt(2025, 2, 20).unwrap(), 7, 60);
        assert!(matches!(
            forecast(&h, grid, &SeasonalEvent::default(), &Calendar::default()),
            Err(ForecastError::Overlap { .. })
        ));
    }

    #[test]
    fn csv_round_trip() {
        let p = SynthParams {
            seed: 1,
            agents: 5,
            years: 1,
            end: NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(),
        };
        let (f, _) = forecast(
            &history(&p),
            Grid::days(p.end, 2, 30),
            &SeasonalEvent::default(),
            &Calendar::default(),
        )
        .unwrap();
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), to_csv(&f)).unwrap();
        let g = read_csv(file.path(), chrono_tz::Asia::Shanghai, &Default::default()).unwrap();
        assert_eq!(g.grid, f.grid);
        assert!((g.total() - f.total()).abs() < 1.0);
    }
}
