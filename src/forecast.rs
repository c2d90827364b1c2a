//! Forecasting inquiry volume (and handle time) per interval.
//!
//! [`SeasonalEvent`] — the default model — is a multiplicative decomposition:
//! `volume(t) = level × weekly_shape(weekday, time of day) × event_effect(event, offset)`.
//! The weekly shape and the level come from recent history with every event window masked
//! out; each event's effect is learned from its earlier occurrences, aligned on the event's
//! anchor (the 00:00 rush of 11 Nov, the 20:00 pre-sale launch, day 3 of the after-sales
//! wave), as the ratio of what happened to what the same baseline predicted just before it.
//! An event with no earlier occurrence falls back to the calendar's prior shape.
//! [`SeasonalNaive`] (same interval last week) is the benchmark every model must beat.

use crate::calendar::EventIndex;
use crate::history::Series;
use crate::time::{dow, fmt_ts, minute_of_day, Grid};
use chrono::{Duration, NaiveDateTime};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ForecastError {
    #[error("history has {have} days but the model needs at least {need} full days before the forecast start")]
    TooShort { have: i64, need: i64 },
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
    pub event: Option<&'static str>,
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

/// Same interval one week earlier (repeated for longer horizons).
pub struct SeasonalNaive;

pub struct SeasonalNaiveModel {
    last_week: Vec<Option<f64>>,
    end: NaiveDateTime,
    step: u32,
}

impl Forecaster for SeasonalNaive {
    type Model = SeasonalNaiveModel;
    fn fit(&self, h: &Series, _: &EventIndex) -> Result<SeasonalNaiveModel, ForecastError> {
        let per_week = (7 * 1440 / h.grid.step_minutes) as usize;
        if h.grid.len < per_week {
            return Err(ForecastError::TooShort {
                have: (h.grid.len / (per_week / 7)) as i64,
                need: 7,
            });
        }
        Ok(SeasonalNaiveModel {
            last_week: h.volume[h.grid.len - per_week..].to_vec(),
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
                let v = self.last_week[back.rem_euclid(n) as usize].unwrap_or(0.0);
                Point {
                    volume: v,
                    p10: v,
                    p90: v,
                    aht_seconds: None,
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

/// Settings of the seasonal-event model.
#[derive(Debug, Clone, PartialEq)]
pub struct SeasonalEvent {
    /// Weeks of history behind the weekly shape.
    pub shape_weeks: i64,
    /// Days of history behind the level.
    pub level_days: i64,
    /// Scales every event effect around 1 (what-if: a bigger promotion).
    pub event_uplift_factor: f64,
}

impl Default for SeasonalEvent {
    fn default() -> Self {
        SeasonalEvent {
            shape_weeks: 8,
            level_days: 21,
            event_uplift_factor: 1.0,
        }
    }
}

/// Level × weekly shape fitted on the history before a cut-off.
#[derive(Debug, Clone)]
struct Baseline {
    /// Volume per week.
    level: f64,
    /// Share of a week's volume per slot of the week (sums to 1).
    shape: Vec<f64>,
    step: u32,
}

/// Index of `t`'s interval within its week (Monday 00:00 is 0).
fn week_slot(t: NaiveDateTime, step: u32) -> usize {
    dow(t) * (1440 / step) as usize + (minute_of_day(t) / step) as usize
}

impl Baseline {
    fn at(&self, t: NaiveDateTime) -> f64 {
        self.level * self.shape[week_slot(t, self.step)]
    }
}

/// Offset from an event's anchor (in intervals) → (actual, baseline) per occurrence.
type Observations = BTreeMap<i64, Vec<(f64, f64)>>;

pub struct SeasonalEventModel {
    base: Baseline,
    aht_base: Option<Vec<f64>>,
    /// event key → offset (in intervals from the anchor) → (effect, log-spread across occurrences)
    effects: BTreeMap<&'static str, BTreeMap<i64, (f64, f64)>>,
    aht_effects: BTreeMap<&'static str, f64>,
    events: EventIndex,
    sigma: f64,
    end: NaiveDateTime,
    step: u32,
    uplift: f64,
}

impl SeasonalEvent {
    fn baseline(&self, h: &Series, mask: &[bool], cutoff: NaiveDateTime) -> Option<Baseline> {
        let step = h.grid.step_minutes;
        let per_day = (1440 / step) as usize;
        let per_week = 7 * per_day;
        let from = cutoff - Duration::weeks(self.shape_weeks);
        let (mut sum, mut cnt) = (vec![0.0; per_week], vec![0usize; per_week]);
        let usable = |k: usize| if mask[k] { None } else { h.volume[k] };
        let k0 = h.grid.index_of(from.max(h.grid.start))?;
        let k1 = h.grid.index_of(cutoff - Duration::minutes(step as i64))?;
        for k in k0..=k1 {
            if let Some(v) = usable(k) {
                let s = week_slot(h.grid.at(k), step);
                sum[s] += v;
                cnt[s] += 1;
            }
        }
        // slots never seen (all masked): the same time of day on other weekdays
        let mut shape: Vec<f64> = (0..per_week)
            .map(|s| {
                if cnt[s] > 0 {
                    sum[s] / cnt[s] as f64
                } else {
                    f64::NAN
                }
            })
            .collect();
        for s in 0..per_week {
            if shape[s].is_nan() {
                let tod = s % per_day;
                let (a, n) = (0..7)
                    .map(|d| shape[d * per_day + tod])
                    .filter(|v| !v.is_nan())
                    .fold((0.0, 0), |(a, n), v| (a + v, n + 1));
                shape[s] = if n > 0 { a / n as f64 } else { 0.0 };
            }
        }
        let total: f64 = shape.iter().sum();
        if total <= 0.0 {
            return None;
        }
        shape.iter_mut().for_each(|v| *v /= total);
        // level from the most recent days: actual over the shape's share of what was seen
        let lk0 = h
            .grid
            .index_of((cutoff - Duration::days(self.level_days)).max(h.grid.start))?;
        // actual volume and the shape's share of it over the usable intervals from `from`
        let seen = |from: usize| {
            (from..=k1)
                .filter_map(|k| usable(k).map(|v| (v, shape[week_slot(h.grid.at(k), step)])))
                .fold((0.0, 0.0), |(a, s), (v, w)| (a + v, s + w))
        };
        let (mut act, mut share) = seen(lk0);
        if share < 0.5 {
            // under half a week unmasked in the level window: use the whole shape window
            (act, share) = seen(k0);
        }
        if share <= 0.0 {
            return None;
        }
        Some(Baseline {
            level: act / share,
            shape,
            step,
        })
    }
}

fn aht_profile(h: &Series, mask: &[bool], cutoff: NaiveDateTime, weeks: i64) -> Option<Vec<f64>> {
    let aht = h.aht.as_ref()?;
    let per_day = (1440 / h.grid.step_minutes) as usize;
    let (mut s, mut w) = (vec![0.0; per_day], vec![0.0; per_day]);
    let k0 = h
        .grid
        .index_of((cutoff - Duration::weeks(weeks)).max(h.grid.start))?;
    for k in k0..h.grid.len {
        if let (false, Some(v), Some(a)) = (mask[k], h.volume[k], aht[k]) {
            let tod = (minute_of_day(h.grid.at(k)) / h.grid.step_minutes) as usize;
            s[tod] += v.max(0.01) * a;
            w[tod] += v.max(0.01);
        }
    }
    let all = s.iter().sum::<f64>() / w.iter().sum::<f64>().max(1e-9);
    (w.iter().sum::<f64>() > 0.0).then(|| {
        (0..per_day)
            .map(|i| if w[i] > 0.0 { s[i] / w[i] } else { all })
            .collect()
    })
}

impl Forecaster for SeasonalEvent {
    type Model = SeasonalEventModel;

    fn fit(&self, h: &Series, events: &EventIndex) -> Result<SeasonalEventModel, ForecastError> {
        let step = h.grid.step_minutes;
        let have = (h.end() - h.grid.start).num_days();
        if have < 14 {
            return Err(ForecastError::TooShort { have, need: 14 });
        }
        let owners: Vec<Option<usize>> = (0..h.grid.len)
            .map(|k| {
                let t = h.grid.at(k);
                events.owner_index(t)
            })
            .collect();
        let mask: Vec<bool> = owners.iter().map(Option::is_some).collect();
        let base = self
            .baseline(h, &mask, h.end())
            .ok_or(ForecastError::TooShort { have, need: 14 })?;
        let aht_base = aht_profile(h, &mask, h.end(), 4);

        // learn each event's effect from every complete earlier occurrence
        let mut acc: BTreeMap<&'static str, Observations> = BTreeMap::new();
        let mut aht_acc: BTreeMap<&'static str, (f64, f64)> = BTreeMap::new();
        for (oi, o) in events.occurrences.iter().enumerate() {
            if o.start() < h.grid.start + Duration::days(28) || o.end() > h.end() {
                continue;
            }
            let Some(b) = self.baseline(h, &mask, o.start()) else {
                continue;
            };
            let ab = aht_profile(h, &mask, o.start(), 4);
            let (Some(k0), Some(k1)) = (
                h.grid.index_of(o.start()),
                h.grid.index_of(o.end() - Duration::minutes(step as i64)),
            ) else {
                continue;
            };
            let entry = acc.entry(o.key).or_default();
            let (mut aw, mut ab_sum) = (0.0, 0.0);
            for k in k0..=k1 {
                if owners[k] != Some(oi) {
                    continue;
                }
                let (Some(v), t) = (h.volume[k], h.grid.at(k)) else {
                    continue;
                };
                let off = o.offset_minutes(t).div_euclid(step as i64);
                entry.entry(off).or_default().push((v, b.at(t)));
                if let (Some(a), Some(ab)) = (h.aht.as_ref().and_then(|x| x[k]), ab.as_ref()) {
                    aw += v;
                    ab_sum += v * a / ab[(minute_of_day(t) / step) as usize];
                }
            }
            if aw > 0.0 {
                let e = aht_acc.entry(o.key).or_default();
                e.0 += ab_sum;
                e.1 += aw;
            }
        }
        let effects = acc
            .into_iter()
            .map(|(key, offs)| {
                let m = offs
                    .into_iter()
                    .map(|(off, obs)| {
                        let (a, b): (f64, f64) =
                            obs.iter().fold((0.0, 0.0), |(a, b), (v, p)| (a + v, b + p));
                        let r = if b > 0.0 { a / b } else { 1.0 };
                        // spread of the per-occurrence log ratios: how much the effect varies
                        let logs: Vec<f64> = obs
                            .iter()
                            .filter(|(_, p)| *p > 0.0)
                            .map(|(v, p)| ((v + 0.5) / (p + 0.5)).ln())
                            .collect();
                        let spread = if logs.len() >= 2 {
                            let mean = logs.iter().sum::<f64>() / logs.len() as f64;
                            (logs.iter().map(|x| (x - mean).powi(2)).sum::<f64>()
                                / (logs.len() - 1) as f64)
                                .sqrt()
                        } else {
                            0.3
                        };
                        (off, (r, spread))
                    })
                    .collect();
                (key, m)
            })
            .collect();
        let aht_effects = aht_acc.into_iter().map(|(k, (s, w))| (k, s / w)).collect();

        // residual spread of the baseline: last four weeks, each predicted from the data before it
        let mut logs = Vec::new();
        for w in 1..=4 {
            let cut = h.end() - Duration::weeks(w);
            let Some(b) = self.baseline(h, &mask, cut) else {
                continue;
            };
            let (Some(k0), Some(k1)) = (
                h.grid.index_of(cut),
                h.grid
                    .index_of(cut + Duration::weeks(1) - Duration::minutes(step as i64)),
            ) else {
                continue;
            };
            for k in k0..=k1 {
                if let (false, Some(v)) = (mask[k], h.volume[k]) {
                    let p = b.at(h.grid.at(k));
                    logs.push(((v + 0.5) / (p + 0.5)).ln());
                }
            }
        }
        let sigma = if logs.len() > 20 {
            logs.sort_by(|a, b| a.total_cmp(b));
            let q = |p: f64| logs[((logs.len() - 1) as f64 * p).round() as usize];
            ((q(0.9) - q(0.1)) / (2.0 * 1.2816)).max(0.02)
        } else {
            0.15
        };
        Ok(SeasonalEventModel {
            base,
            aht_base,
            effects,
            aht_effects,
            events: events.clone(),
            sigma,
            end: h.end(),
            step,
            uplift: self.event_uplift_factor,
        })
    }
}

impl Predict for SeasonalEventModel {
    fn predict(&self, grid: Grid) -> Result<Forecast, ForecastError> {
        check_grid(grid, self.end, self.step)?;
        let z = 1.2816; // P10/P90 of a normal
        let points = (0..grid.len)
            .map(|k| {
                let t = grid.at(k);
                let base = self.base.at(t);
                let tod = (minute_of_day(t) / self.step) as usize;
                let mut aht = self.aht_base.as_ref().map(|a| a[tod]);
                let (mut r, mut spread, mut event) = (1.0, 0.0, None);
                if let Some(o) = self.events.owner(t) {
                    let off = o.offset_minutes(t).div_euclid(self.step as i64);
                    (r, spread) = self
                        .effects
                        .get(o.key)
                        .and_then(|m| m.get(&off))
                        .copied()
                        .unwrap_or((o.prior(t), 0.35));
                    r = (1.0 + (r - 1.0) * self.uplift).max(0.0);
                    if let (Some(a), Some(f)) = (aht.as_mut(), self.aht_effects.get(o.key)) {
                        *a *= f;
                    }
                    event = Some(o.label);
                }
                let v = base * r;
                let s = (self.sigma.powi(2) + spread.powi(2)).sqrt();
                Point {
                    volume: v,
                    p10: v * (-z * s).exp(),
                    p90: v * (z * s).exp(),
                    aht_seconds: aht,
                    event,
                }
            })
            .collect();
        Ok(Forecast { grid, points })
    }
}

/// Fits the default model on `history` resampled to `grid`'s interval and predicts `grid`.
pub fn forecast(
    history: &Series,
    grid: Grid,
    model: &SeasonalEvent,
) -> Result<Forecast, ForecastError> {
    let h = history
        .resample(grid.step_minutes)
        .map_err(ForecastError::Interval)?;
    let events = EventIndex::covering(h.grid.start, grid.end());
    model.fit(&h, &events)?.predict(grid)
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

/// Writes `interval_start,volume,p10,p90,aht_seconds,event`.
pub fn to_csv(f: &Forecast) -> Vec<u8> {
    use crate::io::fmt_f;
    let mut out = String::from("interval_start,volume,p10,p90,aht_seconds,event\n");
    for (k, p) in f.points.iter().enumerate() {
        out.push_str(&format!(
            "{},{},{},{},{},{}\n",
            fmt_ts(f.grid.at(k)),
            fmt_f(p.volume, 2),
            fmt_f(p.p10, 2),
            fmt_f(p.p90, 2),
            p.aht_seconds.map(|a| fmt_f(a, 1)).unwrap_or_default(),
            p.event.unwrap_or("")
        ));
    }
    out.into_bytes()
}

/// Reads a forecast file written by [`to_csv`] (or any file with `interval_start,volume`).
pub fn read_csv(
    path: &std::path::Path,
    tz: chrono_tz::Tz,
) -> Result<Forecast, crate::io::InputError> {
    use crate::io::{read_text, Col, InputError, Table};
    const COLS: &[Col] = &[
        Col::req("interval_start", &["timestamp", "时间"]),
        Col::req("volume", &["咨询量", "count"]),
        Col::opt("p10", &[]),
        Col::opt("p90", &[]),
        Col::opt("aht_seconds", &[]),
        Col::opt("event", &[]),
    ];
    let (text, _) = read_text(path)?;
    let (t, idx) = Table::parse(path, &text, COLS)?;
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
        let p90 = num(3, "p90")?.unwrap_or(v);
        let aht = num(4, "aht_seconds")?;
        points.push(Point {
            volume: v,
            p10,
            p90,
            aht_seconds: aht,
            event: None,
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
    use crate::synth::{history, SynthParams};
    use chrono::NaiveDate;

    #[test]
    fn learns_double11_from_history_and_beats_naive() {
        let p = SynthParams {
            seed: 3,
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
        let f = forecast(&train, grid, &SeasonalEvent::default()).unwrap();
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
        assert!(w < 0.5 * wn, "model WAPE {w:.3} vs naive {wn:.3}");
        // the 00:00 rush of 11 Nov (Tuesday, index 24+24) within 20%
        let k = grid
            .index_of(
                NaiveDate::from_ymd_opt(2025, 11, 11)
                    .unwrap()
                    .and_hms_opt(0, 0, 0)
                    .unwrap(),
            )
            .unwrap();
        assert!(
            (pred[k] / actual[k] - 1.0).abs() < 0.2,
            "peak {} vs {}",
            pred[k],
            actual[k]
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
            "coverage {inside}/{}",
            actual.len()
        );
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
            forecast(&h, grid, &SeasonalEvent::default()),
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
        let f = forecast(
            &history(&p),
            Grid::days(p.end, 2, 30),
            &SeasonalEvent::default(),
        )
        .unwrap();
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), to_csv(&f)).unwrap();
        let g = read_csv(file.path(), chrono_tz::Asia::Shanghai).unwrap();
        assert_eq!(g.grid, f.grid);
        assert!((g.total() - f.total()).abs() < 1.0);
    }
}
