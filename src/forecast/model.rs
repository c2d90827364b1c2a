//! The default model, [`SeasonalEvent`]: a multiplicative decomposition
//!
//! `volume(t) = level(day) × yearly(day) × weekly_shape(weekday, time of day) × event(event, offset)`
//!
//! * **weekly shape** — share of a week's volume per interval of the week, a trimmed mean over
//!   the last `shape_weeks` weeks with event windows, gaps and outages left out; intervals of
//!   the week with no volume in 13 weeks are *closed* and forecast 0;
//! * **level** — one estimate per day (that day's volume over the shape's share of it), smoothed
//!   by a robust damped-trend exponential smoother in log space whose smoothing constant and
//!   trend are chosen per fit by 1–14-day-ahead error; errors beyond 3 robust deviations are
//!   clipped, so one odd day (a viral post, an outage) does not move the level, while a lasting
//!   shift (a shop that doubled) is followed within days;
//! * **yearly** — with a year or more of history, the change of the smoothed daily level from
//!   the forecast origin to the target day in earlier years;
//! * **events** — learned from earlier occurrences of the same event, aligned on the event's
//!   anchor (the 00:00 rush of 11 Nov, the 20:00 pre-sale launch, day 3 of the after-sales
//!   wave), as the ratio of what happened to what the baseline fitted just before it predicted,
//!   recent occurrences weighted more; an event with no earlier occurrence uses its prior;
//! * **intervals** — P10/P90 from the model's own rolling-origin errors on the last 8 weeks
//!   (by horizon day, with the Poisson noise of small counts on top), widened by how much an
//!   event's effect varied between occurrences.

use super::{check_grid, Forecast, ForecastError, Forecaster, Point, Predict};
use crate::forecast::calendar::EventIndex;
use crate::forecast::history::Series;
use crate::model::time::{dow, fmt_ts, minute_of_day};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// z of the 10th/90th percentile of a normal.
const Z80: f64 = 1.2816;
/// Days of daily levels the smoother sees before a cut-off (without the yearly term).
const LEVEL_LOOKBACK_DAYS: usize = 140;
/// Weeks of rolling origins behind the interval calibration.
const CALIBRATION_WEEKS: usize = 8;
/// Damping of the trend per day.
const PHI: f64 = 0.95;

/// Settings of the seasonal-event model.
#[derive(Debug, Clone, PartialEq)]
pub struct SeasonalEvent {
    /// Weeks of history behind the weekly shape.
    pub shape_weeks: i64,
    /// Scales every event effect around 1 (what-if: a bigger promotion).
    pub event_uplift_factor: f64,
    /// Let the level follow a damped trend (chosen per fit only where it forecasts better).
    pub trend: bool,
    /// Apply the yearly shape learned from earlier years.
    pub yearly: bool,
    /// Shrink each event offset's learned effect toward its smoothed curve and calibrate the
    /// event windows' spread on past occurrences (false: each offset's raw ratio and its spread
    /// across occurrences, as before — kept for side-by-side benchmarks).
    pub shrink_events: bool,
}

impl Default for SeasonalEvent {
    fn default() -> Self {
        SeasonalEvent {
            shape_weeks: 8,
            event_uplift_factor: 1.0,
            trend: true,
            yearly: true,
            shrink_events: true,
        }
    }
}

/// What the fit found in the history and did about it, for the user.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FitNotes {
    /// Runs of zero volume at times that are normally busy: (first interval, intervals);
    /// left out of the fit as outages.
    pub outages: Vec<(String, usize)>,
    /// Intervals of the week with no volume in the last 13 weeks: forecast 0 (closed).
    pub closed_per_week: usize,
    /// Intervals of the history inside an event window (learned as events, not as baseline).
    pub event_intervals: usize,
    /// Earlier occurrences each event's effect was learned from (events absent here use their
    /// prior).
    pub learned: BTreeMap<String, usize>,
    /// Level smoothing constant chosen and whether a trend is used.
    pub alpha: f64,
    pub trend: bool,
    /// The yearly term was available (a year or more of history).
    pub yearly: bool,
    /// Multiplicative spread (log sd) of the baseline by horizon day, from rolling origins.
    pub sigma_by_day: Vec<f64>,
    /// Spread (log sd) of learned event effects, from forecasting each past occurrence of an
    /// event seen more than once from the others; None with too few.
    pub event_spread: Option<f64>,
    /// The history's interval (minutes) when it was too coarse for an intraday shape and the
    /// built-in e-commerce profile spread the forecast over the day.
    pub intraday_prior: Option<u32>,
    /// Events in the forecast with no earlier occurrence in the history: forecast from their
    /// prior effect alone.
    pub from_prior: Vec<PriorEvent>,
}

/// An event of the forecast horizon that the history cannot teach.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriorEvent {
    pub key: String,
    pub label: String,
    /// Its first interval in the forecast.
    pub from: String,
    /// The prior's strongest effect inside the forecast (1.3 = +30%; below 1 a closure).
    pub peak: f64,
}

impl FitNotes {
    pub fn text(&self) -> String {
        let mut s = format!(
            "model: level α={} {}{}; {} event(s) learned from history",
            self.alpha,
            if self.trend {
                "with damped trend"
            } else {
                "without trend"
            },
            if self.yearly { ", yearly shape" } else { "" },
            self.learned.len()
        );
        if !self.learned.is_empty() {
            let l: Vec<String> = self
                .learned
                .iter()
                .map(|(k, n)| format!("{k}×{n}"))
                .collect();
            s.push_str(&format!(" ({})", l.join(", ")));
        }
        s.push('\n');
        if let Some(m) = self.intraday_prior {
            s.push_str(&format!(
                "  intraday shape: the history has {m}-minute intervals, so each is spread over its hours by the built-in e-commerce profile; give hourly history to learn your own\n"
            ));
        }
        if self.closed_per_week > 0 {
            s.push_str(&format!(
                "  closed: {} interval(s) of the week had no volume in 13 weeks; forecast 0\n",
                self.closed_per_week
            ));
        }
        for (from, n) in self.outages.iter().take(5) {
            s.push_str(&format!(
                "  outage: {n} interval(s) of zero volume from {from} at a normally busy time; left out of the fit\n"
            ));
        }
        if self.outages.len() > 5 {
            s.push_str(&format!("  … {} more outages\n", self.outages.len() - 5));
        }
        for e in &self.from_prior {
            s.push_str(&format!(
                "  event {} ({}) from {}: no earlier occurrence in the history, forecast from its prior alone (at most {:+.0}%); if you know better, give it an uplift or profile in an events file (below 1 for a closure)\n",
                e.label,
                e.key,
                e.from,
                (e.peak - 1.0) * 100.0
            ));
        }
        s
    }
}

/// The history prepared once per fit: which intervals the baseline may learn from.
struct Prep<'a> {
    h: &'a Series,
    step: u32,
    per_week: usize,
    day0: NaiveDate,
    slot: Vec<u32>,
    day: Vec<u32>,
    owners: Vec<Option<usize>>,
    usable: Vec<bool>,
}

/// Index of `t`'s interval within its week (Monday 00:00 is 0).
fn week_slot(t: NaiveDateTime, step: u32) -> usize {
    dow(t) * (1440 / step) as usize + (minute_of_day(t) / step) as usize
}

impl<'a> Prep<'a> {
    fn new(h: &'a Series, events: &EventIndex, notes: &mut FitNotes) -> Self {
        let step = h.grid.step_minutes;
        let per_week = (7 * 1440 / step) as usize;
        let day0 = h.grid.start.date();
        let n = h.grid.len;
        let (mut slot, mut day, mut owners) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        for k in 0..n {
            let t = h.grid.at(k);
            slot.push(week_slot(t, step) as u32);
            day.push((t.date() - day0).num_days() as u32);
            owners.push(events.owner_index(t));
        }
        notes.event_intervals = owners.iter().filter(|o| o.is_some()).count();
        let mut usable: Vec<bool> = (0..n)
            .map(|k| owners[k].is_none() && h.volume[k].is_some())
            .collect();
        // outages: zero where the same interval of the week is clearly busy in nearby weeks
        let mut run: Option<(usize, usize)> = None;
        for k in 0..n {
            let outage = h.volume[k] == Some(0.0) && owners[k].is_none() && {
                let mut near: Vec<f64> = (1..=4usize)
                    .flat_map(|w| [k.checked_sub(w * per_week), Some(k + w * per_week)])
                    .flatten()
                    .filter(|&j| j < n && owners[j].is_none())
                    .filter_map(|j| h.volume[j])
                    .collect();
                near.len() >= 3 && median(&mut near) >= 8.0
            };
            if outage {
                usable[k] = false;
                run = Some(run.map_or((k, 1), |(s, m)| (s, m + 1)));
            } else if let Some((s, m)) = run.take() {
                notes.outages.push((fmt_ts(h.grid.at(s)), m));
            }
        }
        if let Some((s, m)) = run {
            notes.outages.push((fmt_ts(h.grid.at(s)), m));
        }
        Prep {
            h,
            step,
            per_week,
            day0,
            slot,
            day,
            owners,
            usable,
        }
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

/// Mean after dropping the lowest and highest value (when there are 5 or more).
fn trimmed_mean(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let v = if v.len() >= 5 { &v[1..v.len() - 1] } else { v };
    v.iter().sum::<f64>() / v.len() as f64
}

/// Sum of φ^i for i in 1..=h: how much of the current trend a horizon of h days carries.
fn damped(h: i64) -> f64 {
    if h <= 0 {
        0.0
    } else {
        PHI * (1.0 - PHI.powi(h as i32)) / (1.0 - PHI)
    }
}

/// Robust damped-trend smoothing of daily log levels (`None` = no usable level that day).
#[derive(Debug, Clone, Copy)]
struct Smoother {
    alpha: f64,
    beta: f64,
}

/// Smoothing constants and trend gains tried per fit.
const ALPHAS: [f64; 4] = [0.05, 0.1, 0.2, 0.35];
const BETAS: [f64; 3] = [0.0, 0.01, 0.05];

impl Smoother {
    /// The candidate with the lowest 1–14-day-ahead error on `y` (no trend unless `trend`).
    fn best(y: &[Option<f64>], clip: f64, trend: bool) -> Smoother {
        let betas = if trend { &BETAS[..] } else { &BETAS[..1] };
        ALPHAS
            .iter()
            .flat_map(|&alpha| betas.iter().map(move |&beta| Smoother { alpha, beta }))
            .map(|c| (c, c.score(y, clip)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(c, _)| c)
            .expect("at least one candidate")
    }

    /// States (level, trend) after each day, the first `warm` days seeding the level.
    fn run(&self, y: &[Option<f64>], clip: f64) -> Vec<Option<(f64, f64)>> {
        let mut out = Vec::with_capacity(y.len());
        let mut state: Option<(f64, f64)> = None;
        let mut seed: Vec<f64> = Vec::new();
        for v in y {
            match (state, v) {
                (None, Some(v)) => {
                    seed.push(*v);
                    if seed.len() >= 7 {
                        let mut s = seed.clone();
                        state = Some((median(&mut s), 0.0));
                    }
                }
                (None, None) => {}
                (Some((l, b)), None) => state = Some((l + PHI * b, PHI * b)),
                (Some((l, b)), Some(v)) => {
                    let e = (v - (l + PHI * b)).clamp(-clip, clip);
                    state = Some((l + PHI * b + self.alpha * e, PHI * b + self.beta * e));
                }
            }
            out.push(state);
        }
        out
    }

    /// Mean absolute log error of 1..=14-day-ahead predictions from every state.
    fn score(&self, y: &[Option<f64>], clip: f64) -> f64 {
        let st = self.run(y, clip);
        let (mut err, mut n) = (0.0, 0usize);
        for (d, s) in st.iter().enumerate() {
            let Some((l, b)) = s else { continue };
            for h in 1..=14usize {
                if let Some(Some(v)) = y.get(d + h) {
                    err += (v - (l + b * damped(h as i64))).abs();
                    n += 1;
                }
            }
        }
        if n == 0 {
            f64::INFINITY
        } else {
            err / n as f64
        }
    }
}

/// Level × yearly × weekly shape as fitted on the history before a cut-off.
#[derive(Debug, Clone)]
struct Baseline {
    /// Share of a week's volume per slot of the week (sums to 1).
    shape: Vec<f64>,
    /// Log of the weekly volume level and its daily trend after the last day before the cut.
    level: f64,
    trend: f64,
    /// Day index (from the history's first day) of the cut-off's day.
    cut_day: i64,
    /// Smoothed daily log levels of the whole history (for the yearly term), when fitted.
    yearly: Option<Vec<Option<f64>>>,
    step: u32,
    day0: NaiveDate,
    alpha: f64,
}

impl Baseline {
    fn at(&self, t: NaiveDateTime) -> f64 {
        let d = (t.date() - self.day0).num_days();
        let mut log = self.level + self.trend * damped(d - self.cut_day + 1);
        if let Some(y) = &self.yearly {
            log += yearly_shift(y, self.cut_day, d);
        }
        log.exp() * self.shape[week_slot(t, self.step)]
    }
}

/// Change of the smoothed level from the cut-off day to day `d` in earlier years (log), the
/// mean over up to three years; 0 where no year has both.
fn yearly_shift(y: &[Option<f64>], cut: i64, d: i64) -> f64 {
    let around = |c: i64| -> Option<f64> {
        let vals: Vec<f64> = (c - 7..=c + 7)
            .filter(|&j| j >= 0 && (j as usize) < y.len())
            .filter_map(|j| y[j as usize])
            .collect();
        (vals.len() >= 5).then(|| vals.iter().sum::<f64>() / vals.len() as f64)
    };
    let shifts: Vec<f64> = (1..=3)
        .filter_map(|k| {
            let back = 364 * k;
            // the level at the cut reflects the last week or so before it
            Some(around(d - back)? - around(cut - 4 - back)?)
        })
        .collect();
    if shifts.is_empty() {
        0.0
    } else {
        shifts.iter().sum::<f64>() / shifts.len() as f64
    }
}

impl SeasonalEvent {
    /// The baseline fitted on the usable history before interval index `kc`.
    fn baseline(&self, p: &Prep, kc: usize, yearly: bool) -> Option<Baseline> {
        let h = p.h;
        let pw = p.per_week;
        if kc == 0 {
            return None;
        }
        // weekly shape
        let k0 = kc.saturating_sub(self.shape_weeks as usize * pw);
        let mut vals: Vec<Vec<f64>> = vec![Vec::new(); pw];
        let mut open = vec![false; pw];
        for k in kc.saturating_sub(13 * pw)..kc {
            if h.volume[k].is_some_and(|v| v > 0.0) {
                open[p.slot[k] as usize] = true;
            }
        }
        for k in k0..kc {
            if p.usable[k] {
                vals[p.slot[k] as usize].push(h.volume[k].unwrap_or(0.0));
            }
        }
        let mut shape: Vec<f64> = (0..pw)
            .map(|s| {
                if !open[s] {
                    0.0
                } else if vals[s].is_empty() {
                    f64::NAN
                } else {
                    trimmed_mean(&mut vals[s])
                }
            })
            .collect();
        // open slots never seen usable (all masked): the same time of day on other weekdays
        let per_day = pw / 7;
        for s in 0..pw {
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
        // the share of a week each weekday carries
        let mut wd_share = [0.0; 7];
        for (s, v) in shape.iter().enumerate() {
            wd_share[s / per_day] += v;
        }

        // one level estimate per day before the cut-off's day: its volume over the shape's
        // share of what was seen
        let cut_day = if kc < h.grid.len {
            p.day[kc] as i64
        } else {
            p.day[kc - 1] as i64 + 1
        };
        let n_days = cut_day as usize;
        let first_day = if yearly {
            0
        } else {
            n_days.saturating_sub(LEVEL_LOOKBACK_DAYS)
        };
        let (mut act, mut seen) = (vec![0.0; n_days], vec![0.0; n_days]);
        let kstart = h
            .grid
            .index_of(p.day0.and_time(NaiveTime::MIN) + Duration::days(first_day as i64))
            .unwrap_or(0);
        for k in kstart..kc {
            let d = p.day[k] as usize;
            if d < n_days && p.usable[k] {
                act[d] += h.volume[k].unwrap_or(0.0);
                seen[d] += shape[p.slot[k] as usize];
            }
        }
        let wd0 = p.day0.weekday().num_days_from_monday() as usize;
        let y: Vec<Option<f64>> = (first_day..n_days)
            .map(|d| {
                let full = wd_share[(wd0 + d) % 7];
                (full > 0.0 && seen[d] >= 0.5 * full && act[d] > 0.0)
                    .then(|| (act[d] / seen[d]).ln())
            })
            .collect();
        let base =
            |level: f64, trend: f64, alpha: f64, yearly: Option<Vec<Option<f64>>>| Baseline {
                shape: shape.clone(),
                level,
                trend,
                cut_day,
                yearly,
                step: p.step,
                day0: p.day0,
                alpha,
            };
        if y.iter().flatten().count() < 3 {
            // too little to smooth: the plain ratio over everything seen
            let (a, s) = (act.iter().sum::<f64>(), seen.iter().sum::<f64>());
            return (a > 0.0 && s > 0.0).then(|| base((a / s).ln(), 0.0, 0.0, None));
        }
        // robust scale of day-to-day level noise → clipping threshold
        let mut diffs: Vec<f64> = y
            .windows(2)
            .filter_map(|w| Some((w[1]? - w[0]?).abs()))
            .collect();
        let clip = if diffs.len() >= 5 {
            (3.0 * 1.4826 * median(&mut diffs) / std::f64::consts::SQRT_2).max(0.05)
        } else {
            0.5
        };
        let best = if y.iter().flatten().count() >= 28 {
            Smoother::best(&y, clip, self.trend)
        } else {
            Smoother {
                alpha: 0.2,
                beta: 0.0,
            }
        };
        let (level, trend) = best.run(&y, clip).last().copied().flatten()?;
        let yearly = (yearly && y.len() >= 400).then_some(y);
        Some(base(level, trend, best.alpha, yearly))
    }
}

fn aht_profile(p: &Prep, kc: usize, weeks: usize) -> Option<Vec<f64>> {
    let h = p.h;
    let aht = h.aht.as_ref()?;
    let per_day = (1440 / p.step) as usize;
    let (mut s, mut w) = (vec![0.0; per_day], vec![0.0; per_day]);
    for k in kc.saturating_sub(weeks * p.per_week)..kc {
        if let (true, Some(v), Some(a)) = (p.usable[k], h.volume[k], aht[k]) {
            let tod = (minute_of_day(h.grid.at(k)) / p.step) as usize;
            s[tod] += v.max(0.01) * a;
            w[tod] += v.max(0.01);
        }
    }
    let total_w: f64 = w.iter().sum();
    let all = s.iter().sum::<f64>() / total_w.max(1e-9);
    (total_w > 0.0).then(|| {
        (0..per_day)
            .map(|i| if w[i] > 0.0 { s[i] / w[i] } else { all })
            .collect()
    })
}

/// Offset from an event's anchor (in intervals) → (actual, baseline, weight, occurrence) per
/// occurrence.
type Observations = BTreeMap<i64, Vec<(f64, f64, f64, usize)>>;

/// A fitted [`SeasonalEvent`] model.
pub struct SeasonalEventModel {
    base: Baseline,
    aht_base: Option<Vec<f64>>,
    /// event key → offset (in intervals from the anchor) → (effect, log-spread across occurrences)
    effects: BTreeMap<Arc<str>, BTreeMap<i64, (f64, f64)>>,
    aht_effects: BTreeMap<Arc<str>, f64>,
    events: EventIndex,
    sigma_by_day: Vec<f64>,
    /// Spread of learned event effects, calibrated by leaving each past occurrence out (None:
    /// too few occurrences; each offset's spread across occurrences is used).
    event_spread: Option<f64>,
    end: NaiveDateTime,
    step: u32,
    uplift: f64,
    pub notes: FitNotes,
}

/// Log-scale spread assumed for an event effect seen once, and for a prior.
const SPREAD_ONE: f64 = 0.25;
const SPREAD_PRIOR: f64 = 0.4;

/// Spread of `ln((a+1)/(p+1))` expected at prediction `p` with model spread `s`: model
/// error plus the Poisson noise of counting.
fn total_sd(s: f64, p: f64) -> f64 {
    (s * s + 1.0 / (p + 1.0)).sqrt()
}

impl SeasonalEvent {
    /// Baseline errors of rolling origins over the last weeks, by horizon day: the spread σ
    /// for which 80% of actuals fall inside P10–P90.
    fn calibrate(&self, p: &Prep) -> Vec<f64> {
        let h = p.h;
        let per_day = (1440 / p.step) as usize;
        let mut res: Vec<Vec<(f64, f64)>> = vec![Vec::new(); 14];
        let last = h.end().date().and_time(NaiveTime::MIN);
        for w in 1..=CALIBRATION_WEEKS as i64 {
            let Some(kc) = h.grid.index_of(last - Duration::weeks(w)) else {
                continue;
            };
            if kc < 4 * p.per_week {
                continue;
            }
            let Some(b) = self.baseline(p, kc, self.yearly) else {
                continue;
            };
            for k in kc..(kc + 14 * per_day).min(h.grid.len) {
                if let (true, Some(v)) = (p.usable[k], h.volume[k]) {
                    let d = (p.day[k] as i64 - b.cut_day).clamp(0, 13) as usize;
                    res[d].push((v, b.at(h.grid.at(k))));
                }
            }
        }
        let coverage = |r: &[(f64, f64)], s: f64| {
            r.iter()
                .filter(|(a, q)| ((a + 1.0) / (q + 1.0)).ln().abs() <= Z80 * total_sd(s, *q))
                .count() as f64
                / r.len() as f64
        };
        let fit_sigma = |r: &[(f64, f64)]| {
            if coverage(r, 0.0) >= 0.8 {
                return 0.0;
            }
            let (mut lo, mut hi) = (0.0, 3.0);
            for _ in 0..40 {
                let mid = 0.5 * (lo + hi);
                if coverage(r, mid) >= 0.8 {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            hi
        };
        // per horizon day, then a straight line through σ² (weighted by the number of
        // residuals, slope ≥ 0: uncertainty does not shrink with the horizon)
        let pts: Vec<(f64, f64, f64)> = res
            .iter()
            .enumerate()
            .filter(|(_, r)| r.len() >= 20)
            .map(|(d, r)| (d as f64, fit_sigma(r).powi(2), r.len() as f64))
            .collect();
        if pts.is_empty() {
            // few residuals per day (daily data): one σ from all of them
            let all: Vec<(f64, f64)> = res.concat();
            return vec![if all.len() >= 10 {
                fit_sigma(&all)
            } else {
                0.15
            }];
        }
        let w: f64 = pts.iter().map(|p| p.2).sum();
        let mx = pts.iter().map(|p| p.0 * p.2).sum::<f64>() / w;
        let my = pts.iter().map(|p| p.1 * p.2).sum::<f64>() / w;
        let sxx: f64 = pts.iter().map(|p| p.2 * (p.0 - mx).powi(2)).sum();
        let sxy: f64 = pts.iter().map(|p| p.2 * (p.0 - mx) * (p.1 - my)).sum();
        let slope = if sxx > 0.0 { (sxy / sxx).max(0.0) } else { 0.0 };
        let last = pts.last().expect("non-empty").0 as usize;
        (0..=last)
            .map(|d| (my + slope * (d as f64 - mx)).max(0.0).sqrt())
            .collect()
    }
}

impl Forecaster for SeasonalEvent {
    type Model = SeasonalEventModel;

    fn fit(&self, h: &Series, events: &EventIndex) -> Result<SeasonalEventModel, ForecastError> {
        let step = h.grid.step_minutes;
        let have = (h.end() - h.grid.start).num_days();
        if have < 14 {
            return Err(ForecastError::TooShort {
                have,
                need: 14,
                span: h.span(),
            });
        }
        let mut notes = FitNotes::default();
        let p = Prep::new(h, events, &mut notes);
        let base =
            self.baseline(&p, h.grid.len, self.yearly)
                .ok_or_else(|| ForecastError::TooShort {
                    have,
                    need: 14,
                    span: h.span(),
                })?;
        notes.alpha = base.alpha;
        notes.trend = base.trend != 0.0;
        notes.yearly = base.yearly.is_some();
        notes.closed_per_week = base.shape.iter().filter(|v| **v == 0.0).count();
        let aht_base = aht_profile(&p, h.grid.len, 4);

        // learn each event's effect from every complete earlier occurrence, recent ones weighted more
        let mut acc: BTreeMap<Arc<str>, Observations> = BTreeMap::new();
        let mut aht_acc: BTreeMap<Arc<str>, (f64, f64)> = BTreeMap::new();
        for (oi, o) in events.occurrences.iter().enumerate() {
            if o.start() < h.grid.start + Duration::days(28) || o.end() > h.end() {
                continue;
            }
            let (Some(k0), Some(k1)) = (
                h.grid.index_of(o.start()),
                h.grid.index_of(o.end() - Duration::minutes(step as i64)),
            ) else {
                continue;
            };
            let Some(b) = self.baseline(&p, k0, false) else {
                continue;
            };
            let ab = aht_profile(&p, k0, 4);
            let age_years = (h.end() - o.anchor).num_days() as f64 / 365.0;
            let weight = 0.5f64.powf(age_years);
            let entry = acc.entry(o.key.clone()).or_default();
            let (mut aw, mut ab_sum, mut any) = (0.0, 0.0, false);
            for k in k0..=k1 {
                if p.owners[k] != Some(oi) {
                    continue;
                }
                let (Some(v), t) = (h.volume[k], h.grid.at(k)) else {
                    continue;
                };
                any = true;
                let off = o.offset_minutes(t).div_euclid(step as i64);
                entry.entry(off).or_default().push((v, b.at(t), weight, oi));
                if let (Some(a), Some(ab)) = (h.aht.as_ref().and_then(|x| x[k]), ab.as_ref()) {
                    aw += v;
                    ab_sum += v * a / ab[(minute_of_day(t) / step) as usize];
                }
            }
            if any {
                *notes.learned.entry(o.key.to_string()).or_default() += 1;
            }
            if aw > 0.0 {
                let e = aht_acc.entry(o.key.clone()).or_default();
                e.0 += ab_sum;
                e.1 += aw;
            }
        }
        let sigma_by_day = self.calibrate(&p);
        let sigma0 = sigma_by_day[0];
        let event_spread = if self.shrink_events {
            event_spread(&acc, step, sigma0)
        } else {
            None
        };
        notes.event_spread = event_spread.map(|s| (s * 1000.0).round() / 1000.0);
        let effects = acc
            .iter()
            .map(|(key, offs)| {
                let e = if self.shrink_events {
                    learned_effects(offs, step, sigma0)
                } else {
                    offs.iter().map(|(off, obs)| (*off, effect(obs))).collect()
                };
                (key.clone(), e)
            })
            .collect();
        let aht_effects = aht_acc.into_iter().map(|(k, (s, w))| (k, s / w)).collect();
        notes.sigma_by_day = sigma_by_day
            .iter()
            .map(|s| (s * 1000.0).round() / 1000.0)
            .collect();
        Ok(SeasonalEventModel {
            base,
            aht_base,
            effects,
            aht_effects,
            events: events.clone(),
            sigma_by_day,
            event_spread,
            end: h.end(),
            step,
            uplift: self.event_uplift_factor,
            notes,
        })
    }
}

/// Weighted ratio of actual to baseline over the occurrences at one offset, and the spread of
/// the per-occurrence log ratios (how much the effect varies between occurrences).
fn effect(obs: &[(f64, f64, f64, usize)]) -> (f64, f64) {
    let (a, b) = obs
        .iter()
        .fold((0.0, 0.0), |(a, b), (v, p, w, _)| (a + w * v, b + w * p));
    let r = if b > 0.0 { a / b } else { 1.0 };
    let logs: Vec<f64> = obs
        .iter()
        .filter(|(_, p, _, _)| *p > 0.0)
        .map(|(v, p, _, _)| ((v + 1.0) / (p + 1.0)).ln())
        .collect();
    let spread = if logs.len() >= 2 {
        let mean = logs.iter().sum::<f64>() / logs.len() as f64;
        let sd =
            (logs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (logs.len() - 1) as f64).sqrt();
        // a spread from two or three occurrences is itself uncertain: never below a floor
        sd.max(0.1)
    } else {
        SPREAD_ONE
    };
    (r, spread)
}

/// Smoothing bandwidth of an event effect at `hours` from its anchor, as a share of that
/// distance: an effect changes fast near its anchor (the 00:00 rush) and slowly far from it
/// (the after-sales wave), so its neighbours say more the farther out it is.
const BANDWIDTH_SHARE: f64 = 0.3;

/// The effects of one event learned from its observations, each offset's ratio shrunk toward
/// its neighbours' (empirical Bayes): a smooth curve through the log-ratios (a Gaussian kernel
/// whose width grows with the distance from the anchor, weighted by precision), and each
/// offset pulled toward it by how much of its distance from the curve is noise — counting
/// noise and the interval-level spread `sigma0` over the occurrences seen — rather than real
/// structure (the variance of the distances beyond noise). One unusual hour in one year no
/// longer sets next year's forecast; a shape seen consistently stays.
fn learned_effects(offs: &Observations, step: u32, sigma0: f64) -> BTreeMap<i64, (f64, f64)> {
    struct Raw {
        off: i64,
        log: f64,
        noise: f64,
        spread: f64,
    }
    let raw: Vec<Raw> = offs
        .iter()
        .map(|(&off, obs)| {
            let (r, spread) = effect(obs);
            let (sw, sw2, level) = obs.iter().fold((0.0, 0.0, 0.0), |(a, b, c), o| {
                (a + o.2, b + o.2 * o.2, c + o.2 * o.1 * r)
            });
            let n_eff = if sw2 > 0.0 { sw * sw / sw2 } else { 1.0 };
            let level = if sw > 0.0 { level / sw } else { 0.0 };
            Raw {
                off,
                log: r.max(0.01).ln(),
                noise: (sigma0 * sigma0 + 1.0 / (level + 1.0)) / n_eff.max(1.0),
                spread,
            }
        })
        .collect();
    let per_hour = 60.0 / step as f64;
    let bw = |off: i64| BANDWIDTH_SHARE * (off as f64 / per_hour).abs() * per_hour;
    let smooth: Vec<Option<f64>> = raw
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let h = bw(x.off);
            if h < 1.0 {
                return None;
            }
            let (mut num, mut den) = (0.0, 0.0);
            let reach = (2.0 * h).ceil() as i64;
            let lo = raw.partition_point(|y| y.off < x.off - reach);
            for y in raw[lo..].iter().take_while(|y| y.off <= x.off + reach) {
                let d = (y.off - x.off) as f64 / h;
                let w = (-0.5 * d * d).exp() / y.noise;
                num += w * y.log;
                den += w;
            }
            let _ = i;
            (den > 0.0).then(|| num / den)
        })
        .collect();
    // variance of the distances from the curve beyond noise: the real structure
    let (mut d2, mut nz, mut n) = (0.0, 0.0, 0.0);
    for (x, s) in raw.iter().zip(&smooth) {
        if let Some(s) = s {
            d2 += (x.log - s).powi(2);
            nz += x.noise;
            n += 1.0;
        }
    }
    let tau2 = if n > 0.0 {
        ((d2 - nz) / n).max(0.0)
    } else {
        0.0
    };
    raw.iter()
        .zip(&smooth)
        .map(|(x, s)| {
            let log = match s {
                Some(s) => s + tau2 / (tau2 + x.noise) * (x.log - s),
                None => x.log,
            };
            (x.off, (log.exp(), x.spread))
        })
        .collect()
}

/// The spread of learned event effects, from the events seen more than once: each past
/// occurrence forecast from the others (with [`learned_effects`]), and the spread found for
/// which 80% of its intervals fall inside P10–P90 around that forecast — so the band in an
/// event window is as wide as such forecasts were wrong. None with too few such intervals.
fn event_spread(acc: &BTreeMap<Arc<str>, Observations>, step: u32, sigma0: f64) -> Option<f64> {
    let mut pairs: Vec<(f64, f64)> = Vec::new();
    for offs in acc.values() {
        let occs: std::collections::BTreeSet<usize> =
            offs.values().flatten().map(|o| o.3).collect();
        if occs.len() < 2 {
            continue;
        }
        for &j in &occs {
            let others: Observations = offs
                .iter()
                .map(|(off, v)| {
                    (
                        *off,
                        v.iter().copied().filter(|o| o.3 != j).collect::<Vec<_>>(),
                    )
                })
                .filter(|(_, v)| !v.is_empty())
                .collect();
            let eff = learned_effects(&others, step, sigma0);
            for (off, obs) in offs {
                let Some(&(r, _)) = eff.get(off) else {
                    continue;
                };
                pairs.extend(obs.iter().filter(|o| o.3 == j).map(|o| (o.0, o.1 * r)));
            }
        }
    }
    if pairs.len() < 100 {
        return None;
    }
    let coverage = |s: f64| {
        let sd = (sigma0 * sigma0 + s * s).sqrt();
        pairs
            .iter()
            .filter(|(a, q)| ((a + 1.0) / (q + 1.0)).ln().abs() <= Z80 * total_sd(sd, *q))
            .count() as f64
            / pairs.len() as f64
    };
    if coverage(0.0) >= 0.8 {
        return Some(0.0);
    }
    let (mut lo, mut hi) = (0.0, 3.0);
    for _ in 0..40 {
        let mid = 0.5 * (lo + hi);
        if coverage(mid) >= 0.8 {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi)
}

impl Predict for SeasonalEventModel {
    fn predict(&self, grid: crate::model::time::Grid) -> Result<Forecast, ForecastError> {
        check_grid(grid, self.end, self.step)?;
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
                        .get(&o.key)
                        .and_then(|m| m.get(&off))
                        .map(|&(r, s)| (r, self.event_spread.unwrap_or(s)))
                        .unwrap_or((o.prior(t), SPREAD_PRIOR));
                    r = (1.0 + (r - 1.0) * self.uplift).max(0.0);
                    if let (Some(a), Some(f)) = (aht.as_mut(), self.aht_effects.get(&o.key)) {
                        *a *= f;
                    }
                    event = Some(o.label.clone());
                }
                let v = base * r;
                if base <= 0.0 {
                    // closed
                    return Point {
                        volume: 0.0,
                        p10: 0.0,
                        p90: 0.0,
                        aht_seconds: aht,
                        event,
                    };
                }
                let day = ((t.date() - self.base.day0).num_days() - self.base.cut_day).max(0);
                let sigma = self.sigma_by_day[(day as usize).min(self.sigma_by_day.len() - 1)];
                let s = total_sd((sigma * sigma + spread * spread).sqrt(), v);
                let lv = (v + 1.0).ln();
                Point {
                    volume: v,
                    p10: ((lv - Z80 * s).exp() - 1.0).max(0.0),
                    p90: (lv + Z80 * s).exp() - 1.0,
                    aht_seconds: aht,
                    event,
                }
            })
            .collect();
        Ok(Forecast { grid, points })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn best(y: &[Option<f64>]) -> Smoother {
        Smoother::best(y, 0.5, true)
    }

    #[test]
    fn smoother_picks_a_trend_when_there_is_one_and_skips_missing_days() {
        // +1% a day in log level, small deterministic wiggle, every 7th day missing
        let truth = |d: usize| 5.0 + 0.01 * d as f64;
        let y: Vec<Option<f64>> = (0..140)
            .map(|d| (d % 7 != 6).then(|| truth(d) + 0.02 * ((d * 37 % 11) as f64 / 10.0 - 0.5)))
            .collect();
        let s = best(&y);
        assert!(s.beta > 0.0, "{s:?}");
        let (l, b) = s.run(&y, 0.5).last().copied().flatten().unwrap();
        let at14 = l + b * damped(14);
        // damped: a little under the straight line, far better than no trend (0.14 short)
        assert!((truth(153) - at14).abs() < 0.06, "{at14} vs {}", truth(153));
        // flat series: no trend chosen
        let flat: Vec<Option<f64>> = (0..140)
            .map(|d| Some(5.0 + 0.02 * ((d % 3) as f64 - 1.0)))
            .collect();
        assert_eq!(best(&flat).beta, 0.0);
    }

    /// Observations of an event over `days` after its anchor (hourly), two occurrences, each
    /// the true effect `truth(h)` on a baseline of 400 with a deterministic ±12% wiggle per
    /// hour and occurrence (noise a forecast cannot know).
    fn observed(days: i64, truth: impl Fn(f64) -> f64) -> Observations {
        let mut o = Observations::new();
        for off in 0..days * 24 {
            let h = off as f64;
            let e: Vec<(f64, f64, f64, usize)> = (0..2)
                .map(|occ| {
                    let wiggle = 0.12 * (((off * 7 + occ as i64 * 3) % 5) as f64 / 2.0 - 1.0);
                    (400.0 * truth(h) * (1.0 + wiggle), 400.0, 1.0, occ)
                })
                .collect();
            o.insert(off, e);
        }
        o
    }

    #[test]
    fn event_effects_far_from_the_anchor_are_smoothed_and_a_sharp_peak_kept() {
        // an after-sales wave: +100% decaying over days; a sharp first hour
        let truth = |h: f64| {
            if h < 1.0 {
                6.0
            } else {
                1.0 + (-(h / 24.0) / 5.0).exp()
            }
        };
        let obs = observed(8, truth);
        let eff = learned_effects(&obs, 60, 0.05);
        let err = |f: &dyn Fn(i64) -> f64| {
            (24..8 * 24)
                .map(|off| (f(off) / truth(off as f64)).ln().abs())
                .sum::<f64>()
        };
        let raw = err(&|off| effect(&obs[&off]).0);
        let shrunk = err(&|off| eff[&off].0);
        assert!(shrunk < 0.5 * raw, "shrunk {shrunk} vs raw {raw}");
        // the first hour is its own: no neighbours at the anchor
        assert!((eff[&0].0 - effect(&obs[&0]).0).abs() < 1e-9);
        assert!(eff[&0].0 > 5.0);
    }

    #[test]
    fn a_shape_seen_every_time_is_kept_not_smoothed_away() {
        // a daily pattern inside the event window, the same in both occurrences: real structure
        let truth = |h: f64| 1.5 + 0.8 * (2.0 * std::f64::consts::PI * h / 24.0).sin();
        let obs = observed(8, truth);
        let eff = learned_effects(&obs, 60, 0.05);
        let mean_err: f64 = (48..8 * 24)
            .map(|off| (eff[&off].0 / truth(off as f64)).ln().abs())
            .sum::<f64>()
            / (6.0 * 24.0);
        assert!(mean_err < 0.1, "{mean_err}");
    }

    #[test]
    fn the_event_spread_is_how_wrong_leaving_an_occurrence_out_was() {
        let truth = |h: f64| 1.0 + (-(h / 24.0) / 5.0).exp();
        let mut acc = BTreeMap::new();
        acc.insert(Arc::<str>::from("wave"), observed(8, truth));
        let s = event_spread(&acc, 60, 0.02).unwrap();
        // the wiggle is ±12%: a spread of that order, neither 0 nor the 0.25 of a guess
        assert!(s > 0.03 && s < 0.2, "{s}");
        // one occurrence only: nothing to leave out
        let mut one = BTreeMap::new();
        let single: Observations = observed(8, truth)
            .into_iter()
            .map(|(k, v)| (k, v.into_iter().filter(|o| o.3 == 0).collect()))
            .collect();
        one.insert(Arc::<str>::from("wave"), single);
        assert_eq!(event_spread(&one, 60, 0.02), None);
    }

    #[test]
    fn yearly_shift_reads_earlier_years() {
        // log level with a yearly sine of amplitude 0.2 over three years of 364 days
        let y: Vec<Option<f64>> = (0..3 * 364 + 30)
            .map(|d| Some(0.2 * (2.0 * std::f64::consts::PI * d as f64 / 364.0).sin()))
            .collect();
        let cut = 3 * 364 + 30;
        for ahead in [0i64, 7, 14, 28] {
            let d = cut as i64 + ahead;
            let want = 0.2
                * ((2.0 * std::f64::consts::PI * d as f64 / 364.0).sin()
                    - (2.0 * std::f64::consts::PI * (cut as f64 - 4.0) / 364.0).sin());
            let got = yearly_shift(&y, cut as i64, d);
            assert!((got - want).abs() < 0.01, "ahead {ahead}: {got} vs {want}");
        }
        // less than a year: nothing
        assert_eq!(yearly_shift(&y[..300], 300, 310), 0.0);
    }
}
