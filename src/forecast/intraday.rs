//! Intraday re-forecast: the rest of today from what has happened so far.
//!
//! By `now` a day has shown its level: the chats so far against the forecast so far give a
//! ratio `x = ln((actual + 1) / (forecast + 1))`. How much of that persists into the rest of
//! the day is learned from the history: rolling-origin forecasts of past days (each made from
//! the history before it, as the morning forecast is) give pairs of the ratio before and after
//! the same time of day, and the least-squares slope through the origin, clamped to [0, 1],
//! is the persistence `β` — separately for event days (11.11, 618, …; the level of a festival
//! is the least certain thing about it) and for ordinary days. The rest of today is the
//! forecast times `exp(β·x)`: the event's shape is kept, its level moves. Later days are left
//! as they were.
//!
//! [`backtest`] scores this on the history itself: each day re-forecast with the `β` learned
//! from the days before it only, against its morning forecast.

use crate::forecast::backtest::{head, origins, BacktestError, BacktestSpec};
use crate::forecast::calendar::{Calendar, EventIndex};
use crate::forecast::history::Series;
use crate::forecast::{Forecast, ForecastError, Forecaster, Point, Predict, SeasonalEvent};
use crate::model::time::{fmt_ts, minute_of_day, Grid};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum IntradayError {
    #[error("the actuals end at {end}, before --now {now}; give the chats up to now")]
    ActualsShort { end: String, now: String },
    #[error("the actuals are at {have}-minute intervals, the forecast at {want}: {detail}")]
    Interval {
        have: u32,
        want: u32,
        detail: String,
    },
    #[error("--now {now} is not inside the forecast ({start} to {end})")]
    NowOutside {
        now: String,
        start: String,
        end: String,
    },
    #[error("the history is too short to learn how deviations persist: {0}")]
    History(#[from] BacktestError),
    #[error(transparent)]
    Forecast(#[from] ForecastError),
}

/// Smoothing of the ratio (chats): a quiet morning's few chats do not make a level.
const SMOOTH: f64 = 1.0;
/// Fewest earlier days of a kind before its own persistence is used (else the pooled one).
const MIN_SAMPLES: usize = 4;
/// The hours just before `now` that count on their own: a level that has moved during the day
/// shows there first.
pub const RECENT_MINUTES: u32 = 180;
/// A day "departs" from its forecast when its level so far is off by more than this.
pub const DEPARTS: f64 = 0.10;

/// One past day around `at`: its morning forecast and what happened, before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct DaySample {
    pub date: NaiveDate,
    pub event: bool,
    pub actual_before: f64,
    pub forecast_before: f64,
    /// The same over the last [`RECENT_MINUTES`] before `at` only.
    pub actual_recent: f64,
    pub forecast_recent: f64,
    /// Per interval from `at` to midnight.
    pub actual_after: Vec<f64>,
    pub forecast_after: Vec<f64>,
    /// The level so far and over the last hours as [`weighted_level`] measures it (each
    /// interval's log ratio weighted by how sure its forecast was); None where the forecast
    /// has no band, and the ratio of the sums is used.
    pub weighted_before: Option<f64>,
    pub weighted_recent: Option<f64>,
    /// The next day per interval, from the same forecast (empty when it is not in it).
    pub next_actual: Vec<f64>,
    pub next_forecast: Vec<f64>,
}

fn ratio(actual: f64, forecast: f64) -> f64 {
    ((actual + SMOOTH) / (forecast + SMOOTH)).ln()
}

impl DaySample {
    /// The level so far: [`weighted_level`], else `ln((actual + 1) / (forecast + 1))` of the
    /// sums.
    pub fn before(&self) -> f64 {
        self.weighted_before
            .unwrap_or_else(|| ratio(self.actual_before, self.forecast_before))
    }
    pub fn after(&self) -> f64 {
        ratio(
            self.actual_after.iter().sum(),
            self.forecast_after.iter().sum(),
        )
    }
    /// The level over the last hours before the cut (as [`DaySample::before`]).
    pub fn recent(&self) -> f64 {
        self.weighted_recent
            .unwrap_or_else(|| ratio(self.actual_recent, self.forecast_recent))
    }
    /// The next day's level against the same forecast, when it is in it.
    pub fn next(&self) -> Option<f64> {
        (!self.next_actual.is_empty()).then(|| {
            ratio(
                self.next_actual.iter().sum(),
                self.next_forecast.iter().sum(),
            )
        })
    }
    /// The chats so far are off the forecast by more than [`DEPARTS`].
    pub fn departs(&self) -> bool {
        ratio(self.actual_before, self.forecast_before).abs() > (1.0 + DEPARTS).ln()
    }
}

/// A level of actuals against the forecast: each interval's `ln((a + 1) / (f + 1))` weighted
/// by the inverse of its forecast's variance on that scale (the P10–P90 band's width squared):
/// an hour whose forecast leans on an uncertain event effect, or on a handful of chats, says
/// less about the day's level than a well-known hour. None when no interval has a band.
pub fn weighted_level<'a>(pairs: impl Iterator<Item = (f64, &'a Point)>) -> Option<f64> {
    let (mut num, mut den) = (0.0, 0.0);
    for (a, p) in pairs {
        let width = (p.p90 + 1.0).ln() - (p.p10 + 1.0).ln();
        if width > 1e-9 {
            let w = 1.0 / (width * width);
            num += w * ratio(a, p.volume);
            den += w;
        }
    }
    (den > 0.0).then(|| num / den)
}

/// How much of the level so far, and of the last hours' level, persists to the rest of the day:
/// the rest of the day is `exp(day · x_day + recent · x_recent)` times the forecast.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Weights {
    pub day: f64,
    pub recent: f64,
}

impl Weights {
    pub fn log_factor(&self, x_day: f64, x_recent: f64) -> f64 {
        self.day * x_day + self.recent * x_recent
    }
    /// The share of a deviation seen all day long that is carried.
    pub fn total(&self) -> f64 {
        self.day + self.recent
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Persistence {
    /// Minutes after midnight it was learned at.
    pub at_minute: u32,
    pub ordinary: Weights,
    pub event: Weights,
    pub ordinary_days: usize,
    pub event_days: usize,
    /// The share of the day's level so far that the next day keeps (its whole level against
    /// the same forecast), and the days it was learned from (0 with fewer than
    /// [`MIN_SAMPLES`]).
    pub next_day: f64,
    pub next_days: usize,
}

impl Persistence {
    pub fn weights(&self, event: bool) -> Weights {
        if event {
            self.event
        } else {
            self.ordinary
        }
    }
}

/// Least squares through the origin of the rest-of-day level on the day's and the last hours'
/// levels, both weights in [0, 1]: the unconstrained fit where it is inside, else the better of
/// the two one-feature fits.
fn fit<'a>(samples: impl Iterator<Item = &'a DaySample>) -> (Weights, usize) {
    let (mut xx, mut xz, mut zz, mut xy, mut zy, mut yy, mut n) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0);
    for s in samples {
        let (x, z, y) = (s.before(), s.recent(), s.after());
        xx += x * x;
        xz += x * z;
        zz += z * z;
        xy += x * y;
        zy += z * y;
        yy += y * y;
        n += 1;
    }
    // the sum of squared errors of weights (b, c)
    let sse =
        |b: f64, c: f64| yy - 2.0 * (b * xy + c * zy) + b * b * xx + 2.0 * b * c * xz + c * c * zz;
    let det = xx * zz - xz * xz;
    if det > 1e-9 * xx * zz && det > 1e-12 {
        let (b, c) = ((xy * zz - zy * xz) / det, (zy * xx - xy * xz) / det);
        if (0.0..=1.0).contains(&b) && (0.0..=1.0).contains(&c) && b + c <= 1.0 {
            return (Weights { day: b, recent: c }, n);
        }
    }
    let day = Weights {
        day: share(xy, xx),
        recent: 0.0,
    };
    let recent = Weights {
        day: 0.0,
        recent: share(zy, zz),
    };
    let best = if sse(recent.day, recent.recent) < sse(day.day, day.recent) {
        recent
    } else {
        day
    };
    (best, n)
}

/// Persistence learned from `samples` (each kind on its own when it has enough days).
pub fn persistence(samples: &[DaySample], at_minute: u32) -> Persistence {
    let refs: Vec<&DaySample> = samples.iter().collect();
    persistence_of(&refs, at_minute)
}

fn persistence_of(samples: &[&DaySample], at_minute: u32) -> Persistence {
    let (pooled, _) = fit(samples.iter().copied());
    let (ordinary, on) = fit(samples.iter().copied().filter(|s| !s.event));
    let (event, en) = fit(samples.iter().copied().filter(|s| s.event));
    let (next_day, next_days) = next_day_slope(samples);
    Persistence {
        at_minute,
        ordinary: if on >= MIN_SAMPLES { ordinary } else { pooled },
        event: if en >= MIN_SAMPLES { event } else { pooled },
        ordinary_days: on,
        event_days: en,
        next_day,
        next_days,
    }
}

/// Least squares through the origin of the next day's level on the day's level so far,
/// clamped to [0, 1] (0 with fewer than [`MIN_SAMPLES`] pairs).
fn next_day_slope(samples: &[&DaySample]) -> (f64, usize) {
    let (mut xy, mut xx, mut n) = (0.0, 0.0, 0);
    for s in samples {
        if let Some(y) = s.next() {
            let x = s.before();
            xy += x * y;
            xx += x * x;
            n += 1;
        }
    }
    let slope = if n >= MIN_SAMPLES { share(xy, xx) } else { 0.0 };
    (slope, n)
}

/// The least-squares slope through the origin from its sums `Σxy` and `Σx²`, clamped to
/// [0, 1] (0 without any spread in x): the share of a deviation that is kept.
fn share(xy: f64, xx: f64) -> f64 {
    if xx > 1e-12 {
        (xy / xx).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// Past days of `h` around `at_minute`, each with the forecast made before its week (weekly
/// origins, as many as the history allows after four weeks of training, at most `max_weeks`).
pub fn samples(
    h: &Series,
    calendar: &Calendar,
    model: &SeasonalEvent,
    at_minute: u32,
    max_weeks: usize,
) -> Result<Vec<DaySample>, IntradayError> {
    use rayon::prelude::*;
    let days = (h.end() - h.grid.start).num_days();
    let weeks = (((days - 29) / 7).max(0) as usize).min(max_weeks);
    let spec = BacktestSpec {
        horizon_days: 7,
        folds: weeks.max(1),
        every_days: 7,
        first_origin: None,
    };
    let origins = origins(h, &spec)?;
    let events = calendar.index(h.grid.start, h.end());
    let step = h.grid.step_minutes;
    let per_day = (1440 / step) as usize;
    let cut = (at_minute / step) as usize;
    let folds: Result<Vec<Vec<DaySample>>, ForecastError> = origins
        .par_iter()
        .map(|o| {
            let k = h.grid.index_of(*o).expect("origin inside the history");
            let grid = Grid::new(*o, step, 7 * per_day);
            let f = model.fit(&head(h, k), &events)?.predict(grid)?;
            Ok((0..7)
                .filter_map(|d| {
                    let mut s = day_sample(h, &f, &events, k + d * per_day, d * per_day, cut)?;
                    if d + 1 < 7 {
                        (s.next_actual, s.next_forecast) =
                            whole_day(h, &f, k + (d + 1) * per_day, (d + 1) * per_day);
                    }
                    Some(s)
                })
                .collect())
        })
        .collect();
    Ok(folds?.into_iter().flatten().collect())
}

/// The sample of the day starting at history index `k` (forecast index `fk`): intervals
/// without a row (closed hours, gaps) count on neither side; none when nothing was open after
/// the cut, or before it (a cut after midnight).
fn day_sample(
    h: &Series,
    f: &Forecast,
    events: &EventIndex,
    k: usize,
    fk: usize,
    cut: usize,
) -> Option<DaySample> {
    let per_day = (1440 / h.grid.step_minutes) as usize;
    let actual = h.volume.get(k..k + per_day)?;
    let forecast = &f.points[fk..fk + per_day];
    let seen = |r: std::ops::Range<usize>| -> (Vec<f64>, Vec<f64>) {
        r.filter_map(|i| actual[i].map(|a| (a, forecast[i].volume)))
            .unzip()
    };
    let weighted = |r: std::ops::Range<usize>| {
        weighted_level(r.filter_map(|i| actual[i].map(|a| (a, &forecast[i]))))
    };
    let (ab, fb) = seen(0..cut);
    let recent = (RECENT_MINUTES / h.grid.step_minutes).max(1) as usize;
    let (ar, fr) = seen(cut.saturating_sub(recent)..cut);
    let (aa, fa) = seen(cut..per_day);
    if aa.is_empty() || (cut > 0 && ab.is_empty()) {
        return None;
    }
    let t0 = h.grid.at(k);
    Some(DaySample {
        date: t0.date(),
        event: (0..per_day).any(|i| events.owner(h.grid.at(k + i)).is_some()),
        actual_before: ab.iter().sum(),
        forecast_before: fb.iter().sum(),
        actual_recent: ar.iter().sum(),
        forecast_recent: fr.iter().sum(),
        actual_after: aa,
        forecast_after: fa,
        weighted_before: weighted(0..cut),
        weighted_recent: weighted(cut.saturating_sub(recent)..cut),
        next_actual: Vec::new(),
        next_forecast: Vec::new(),
    })
}

/// The day starting at history index `k` (forecast index `fk`): actual and forecast of each
/// interval with a row.
fn whole_day(h: &Series, f: &Forecast, k: usize, fk: usize) -> (Vec<f64>, Vec<f64>) {
    let per_day = (1440 / h.grid.step_minutes) as usize;
    (0..per_day)
        .filter_map(|i| {
            let a = h.volume.get(k + i).copied().flatten()?;
            Some((a, f.points.get(fk + i)?.volume))
        })
        .unzip()
}

/// How past days departed from their morning forecasts, on the log scale: the spread of a
/// whole day's level, of the hours within a day around it, and the correlation of the latter an
/// hour apart — with the Poisson noise of the counts taken out. Measured on whole-day samples
/// (`samples` at minute 0).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DayShape {
    pub day_sd: f64,
    pub wander_sd: f64,
    pub hour_correlation: f64,
    pub days: usize,
}

/// [`DayShape`] of the samples `keep` selects (None with fewer than 10 days).
pub fn day_shape(
    samples: &[DaySample],
    step_minutes: u32,
    keep: impl Fn(&DaySample) -> bool,
) -> Option<DayShape> {
    let lag = (60 / step_minutes.max(1)).max(1) as usize;
    let (mut between, mut between_noise, mut within, mut noise, mut cov) =
        (0.0, 0.0, 0.0, 0.0, 0.0);
    let (mut cov_n, mut n_days, mut cells) = (0usize, 0usize, 0usize);
    for s in samples.iter().filter(|s| keep(s)) {
        let e: Vec<f64> = s
            .actual_after
            .iter()
            .zip(&s.forecast_after)
            .map(|(a, f)| ratio(*a, *f))
            .collect();
        if e.len() < 2 * lag {
            continue;
        }
        // the day's level: its total against the forecast's total
        let (a, f): (f64, f64) = (s.actual_after.iter().sum(), s.forecast_after.iter().sum());
        let level = ratio(a, f);
        between += level * level;
        between_noise += 1.0 / (f + SMOOTH);
        n_days += 1;
        let m = e.iter().sum::<f64>() / e.len() as f64;
        for (i, x) in e.iter().enumerate() {
            within += (x - m).powi(2);
            noise += 1.0 / (s.forecast_after[i] + SMOOTH);
            cells += 1;
            if i >= lag {
                cov += (x - m) * (e[i - lag] - m);
                cov_n += 1;
            }
        }
    }
    if n_days < 10 || cells == 0 || cov_n == 0 {
        return None;
    }
    let within_var = (within / cells as f64 - noise / cells as f64).max(0.0);
    let day_var = (between / n_days as f64 - between_noise / n_days as f64).max(0.0);
    Some(DayShape {
        day_sd: day_var.sqrt(),
        wander_sd: within_var.sqrt(),
        hour_correlation: if within_var > 1e-9 {
            (cov / cov_n as f64 / within_var).clamp(0.0, 0.99)
        } else {
            0.0
        },
        days: n_days,
    })
}

/// What the re-forecast saw and did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reforecast {
    pub now: String,
    pub actual_so_far: f64,
    pub forecast_so_far: f64,
    /// The factor on the rest of today.
    pub factor: f64,
    pub weights: Weights,
    pub event_day: bool,
    /// The factor on tomorrow (1 where days do not keep their level, or tomorrow is not in
    /// the forecast) and the share of today's level it keeps.
    pub tomorrow_factor: f64,
    pub next_day: f64,
}

impl Reforecast {
    pub fn text(&self) -> String {
        format!(
            "re-forecast at {}: {:.0} chats so far against {:.0} forecast ({:+.1}%); {} days keep {:.0}% of such a deviation ({:.0}% of the day's, {:.0}% of the last {} hours'), so the rest of today is {:+.1}%\n",
            self.now,
            self.actual_so_far,
            self.forecast_so_far,
            (self.actual_so_far / self.forecast_so_far.max(1e-9) - 1.0) * 100.0,
            if self.event_day { "event" } else { "ordinary" },
            self.weights.total() * 100.0,
            self.weights.day * 100.0,
            self.weights.recent * 100.0,
            RECENT_MINUTES / 60,
            (self.factor - 1.0) * 100.0
        ) + &if self.tomorrow_factor != 1.0 {
            format!(
                "  tomorrow: days keep {:.0}% of a day's level into the next, so tomorrow is {:+.1}%\n",
                self.next_day * 100.0,
                (self.tomorrow_factor - 1.0) * 100.0
            )
        } else {
            String::new()
        }
    }
}

/// `f` with the rest of `now`'s day scaled to the level `actuals` show so far.
pub fn reforecast(
    f: &Forecast,
    actuals: &Series,
    now: NaiveDateTime,
    p: &Persistence,
) -> Result<(Forecast, Reforecast), IntradayError> {
    let step = f.grid.step_minutes;
    let a = actuals
        .resample(step)
        .map_err(|detail| IntradayError::Interval {
            have: actuals.grid.step_minutes,
            want: step,
            detail,
        })?;
    let midnight = now.date().and_hms_opt(0, 0, 0).expect("midnight");
    let (Some(first), Some(cut)) = (
        f.grid.index_of(midnight.max(f.grid.start)),
        f.grid.index_of(now),
    ) else {
        return Err(IntradayError::NowOutside {
            now: fmt_ts(now),
            start: fmt_ts(f.grid.start),
            end: fmt_ts(f.grid.end()),
        });
    };
    if a.end() < now {
        return Err(IntradayError::ActualsShort {
            end: fmt_ts(a.end()),
            now: fmt_ts(now),
        });
    }
    let (mut seen, mut expected) = (0.0, 0.0);
    let (mut seen_recent, mut expected_recent) = (0.0, 0.0);
    let recent_from = cut.saturating_sub((RECENT_MINUTES / step).max(1) as usize);
    let mut pairs: Vec<(usize, f64)> = Vec::new();
    for i in first..cut {
        if let Some(v) = a.get(f.grid.at(i)) {
            pairs.push((i, v));
            seen += v;
            expected += f.points[i].volume;
            if i >= recent_from {
                seen_recent += v;
                expected_recent += f.points[i].volume;
            }
        }
    }
    let level = |from: usize, sum: f64, forecast: f64| {
        weighted_level(
            pairs
                .iter()
                .filter(|(i, _)| *i >= from)
                .map(|(i, v)| (*v, &f.points[*i])),
        )
        .unwrap_or_else(|| ratio(sum, forecast))
    };
    let end_of_day = f
        .grid
        .index_of(midnight + Duration::days(1))
        .unwrap_or(f.grid.len);
    let event_day = f.points[first..end_of_day]
        .iter()
        .any(|p| p.event.is_some());
    let w = p.weights(event_day);
    let day_level = level(first, seen, expected);
    let factor = w
        .log_factor(day_level, level(recent_from, seen_recent, expected_recent))
        .exp();
    let tomorrow_in = end_of_day < f.grid.len;
    let tomorrow_factor = (p.next_day * day_level).exp();
    let end_of_tomorrow = f
        .grid
        .index_of(midnight + Duration::days(2))
        .unwrap_or(f.grid.len);
    let mut out = f.clone();
    let scale = |pts: &mut [Point], by: f64| {
        for pt in pts {
            pt.volume *= by;
            pt.p10 *= by;
            pt.p90 *= by;
        }
    };
    scale(&mut out.points[cut..end_of_day], factor);
    scale(
        &mut out.points[end_of_day..end_of_tomorrow.max(end_of_day)],
        tomorrow_factor,
    );
    Ok((
        out,
        Reforecast {
            now: fmt_ts(now),
            actual_so_far: seen,
            forecast_so_far: expected,
            factor,
            weights: w,
            event_day,
            tomorrow_factor: if tomorrow_in { tomorrow_factor } else { 1.0 },
            next_day: p.next_day,
        },
    ))
}

/// Rest-of-day WAPE of the morning forecast and of the re-forecast over a group of days.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Score {
    pub days: usize,
    pub morning_wape: f64,
    pub reforecast_wape: f64,
}

impl Score {
    /// How much lower the re-forecast's WAPE is (0.3 = 30% lower).
    pub fn improvement(&self) -> f64 {
        if self.morning_wape > 0.0 {
            1.0 - self.reforecast_wape / self.morning_wape
        } else {
            0.0
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntradayReport {
    pub at_minute: u32,
    /// Days scored (after the first ones that only teach the persistence).
    pub all: Score,
    pub ordinary: Score,
    pub event: Score,
    /// Event days whose level so far departs from the forecast by more than [`DEPARTS`].
    pub event_departing: Score,
    pub ordinary_departing: Score,
    /// The next day's WAPE: its morning forecast against the forecast carrying the share of
    /// today's level learned from earlier days (days whose next day is in the same forecast).
    pub tomorrow: Score,
    /// The persistence learned from every day.
    pub persistence: Persistence,
}

#[derive(Default)]
struct Tally {
    days: usize,
    err_m: f64,
    err_r: f64,
    actual: f64,
}

impl Tally {
    fn score(&self) -> Score {
        let w = |e: f64| {
            if self.actual > 0.0 {
                e / self.actual
            } else {
                0.0
            }
        };
        Score {
            days: self.days,
            morning_wape: w(self.err_m),
            reforecast_wape: w(self.err_r),
        }
    }
}

/// Each day of `samples` (in date order) re-forecast at its `at` with the persistence of the
/// days before it only, scored against its morning forecast. The first days, before a kind has
/// [`MIN_SAMPLES`] earlier days, are used to learn only.
pub fn backtest(samples: &[DaySample], at_minute: u32) -> IntradayReport {
    let mut sorted: Vec<&DaySample> = samples.iter().collect();
    sorted.sort_by_key(|s| s.date);
    let mut t: [Tally; 5] = Default::default();
    let mut next = Tally::default();
    for (i, s) in sorted.iter().enumerate() {
        let earlier = &sorted[..i];
        let kind = earlier.iter().filter(|e| e.event == s.event).count();
        if kind < MIN_SAMPLES || i < 2 * MIN_SAMPLES {
            continue;
        }
        let p = persistence_of(earlier, at_minute);
        let factor = p.weights(s.event).log_factor(s.before(), s.recent()).exp();
        if !s.next_actual.is_empty() {
            let carried = (p.next_day * s.before()).exp();
            next.days += 1;
            for (a, f) in s.next_actual.iter().zip(&s.next_forecast) {
                next.err_m += (a - f).abs();
                next.err_r += (a - f * carried).abs();
                next.actual += a;
            }
        }
        let (mut em, mut er, mut act) = (0.0, 0.0, 0.0);
        for (a, f) in s.actual_after.iter().zip(&s.forecast_after) {
            em += (a - f).abs();
            er += (a - f * factor).abs();
            act += a;
        }
        let groups = [
            true,
            !s.event,
            s.event,
            s.event && s.departs(),
            !s.event && s.departs(),
        ];
        for (g, on) in t.iter_mut().zip(groups) {
            if on {
                g.days += 1;
                g.err_m += em;
                g.err_r += er;
                g.actual += act;
            }
        }
    }
    IntradayReport {
        at_minute,
        all: t[0].score(),
        ordinary: t[1].score(),
        event: t[2].score(),
        event_departing: t[3].score(),
        ordinary_departing: t[4].score(),
        tomorrow: next.score(),
        persistence: persistence(samples, at_minute),
    }
}

impl IntradayReport {
    pub fn text(&self) -> String {
        let mut s = format!(
            "intraday re-forecast at {}: rest-of-day WAPE, morning forecast → re-forecast (each day with the persistence learned before it)\n",
            crate::model::time::Clock(self.at_minute)
        );
        let rows = [
            ("all days", &self.all),
            ("ordinary days", &self.ordinary),
            ("  departing >10%", &self.ordinary_departing),
            ("event days", &self.event),
            ("  departing >10%", &self.event_departing),
            ("next day", &self.tomorrow),
        ];
        for (name, sc) in rows {
            s += &format!(
                "  {name:<18} {:>4} days  {:>6.1}% → {:>6.1}%  ({:+.1}%)\n",
                sc.days,
                sc.morning_wape * 100.0,
                sc.reforecast_wape * 100.0,
                -sc.improvement() * 100.0
            );
        }
        let p = &self.persistence;
        s += &format!(
            "  persistence: ordinary days {:.0}% of the day's level + {:.0}% of the last {} hours' ({} days), event days {:.0}% + {:.0}% ({} days)\n",
            p.ordinary.day * 100.0,
            p.ordinary.recent * 100.0,
            RECENT_MINUTES / 60,
            p.ordinary_days,
            p.event.day * 100.0,
            p.event.recent * 100.0,
            p.event_days
        );
        s += &format!(
            "  the next day keeps {:.0}% of a day's level so far ({} days)\n",
            p.next_day * 100.0,
            p.next_days
        );
        s
    }
}

/// `f` re-forecast at `now` from `actuals` with the persistence learned from history `h`
/// (its last 52 weeks of days, at `now`'s time of day): the one way the CLI, the replan and
/// the benchmarks re-forecast.
pub fn reforecast_learned(
    h: &Series,
    calendar: &Calendar,
    model: &SeasonalEvent,
    f: &Forecast,
    actuals: &Series,
    now: NaiveDateTime,
) -> Result<(Forecast, Reforecast), IntradayError> {
    let at = minute_of_day(now);
    let days = samples(h, calendar, model, at, 52)?;
    reforecast(f, actuals, now, &persistence(&days, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(day: u32, event: bool, before: f64, after: f64) -> DaySample {
        recent_sample(day, event, before, before, after)
    }

    /// Forecast 100 before, 100 in the last hours and 100 after; actuals at the given levels.
    fn recent_sample(day: u32, event: bool, before: f64, recent: f64, after: f64) -> DaySample {
        DaySample {
            date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Duration::days(day as i64),
            event,
            actual_before: 101.0 * before - 1.0,
            forecast_before: 100.0,
            actual_recent: 101.0 * recent - 1.0,
            forecast_recent: 100.0,
            actual_after: vec![101.0 * after - 1.0],
            forecast_after: vec![100.0],
            weighted_before: None,
            weighted_recent: None,
            next_actual: Vec::new(),
            next_forecast: Vec::new(),
        }
    }

    #[test]
    fn persistence_is_the_slope_of_after_on_before_per_kind() {
        let mut s = Vec::new();
        for d in 0..10 {
            let x = 1.0 + 0.05 * (d as f64 - 5.0);
            // ordinary days keep half of the deviation (in logs), event days all of it
            s.push(sample(d, false, x, x.powf(0.5)));
            s.push(sample(d + 20, true, x, x));
        }
        let p = persistence(&s, 14 * 60);
        assert!((p.ordinary.total() - 0.5).abs() < 1e-6, "{p:?}");
        assert!((p.event.total() - 1.0).abs() < 1e-6, "{p:?}");
        // deviations that reverse are not carried at all
        let rev: Vec<DaySample> = (0..10).map(|d| sample(d, false, 1.2, 1.0 / 1.2)).collect();
        assert_eq!(persistence(&rev, 600).ordinary.total(), 0.0);
        // a level that moved during the day: the rest follows the last hours, not the morning
        let moved: Vec<DaySample> = (0..12)
            .map(|d| {
                let (morning, late) = (1.0 + 0.02 * d as f64, 1.0 + 0.05 * (d as f64 - 6.0));
                recent_sample(d, false, morning, late, late)
            })
            .collect();
        let w = persistence(&moved, 600).ordinary;
        assert!(w.recent > 0.9 && w.day < 0.1, "{w:?}");
    }

    #[test]
    fn the_next_day_keeps_what_earlier_days_kept_of_a_days_level() {
        // tomorrow's level is 0.6 of today's (in logs) on every day
        let s: Vec<DaySample> = (0..20)
            .map(|d| {
                let x = 1.0 + 0.02 * (d as f64 - 10.0);
                let mut s = sample(d, false, x, x);
                let next = (s.before() * 0.6).exp();
                s.next_forecast = vec![100.0];
                s.next_actual = vec![101.0 * next - 1.0];
                s
            })
            .collect();
        let p = persistence(&s, 14 * 60);
        assert!((p.next_day - 0.6).abs() < 1e-6, "{p:?}");
        assert_eq!(p.next_days, 20);
        // too few pairs: nothing is carried
        assert_eq!(persistence(&s[..3], 14 * 60).next_day, 0.0);
        // the backtest scores the next day against its morning forecast
        let r = backtest(&s, 14 * 60);
        assert!(r.tomorrow.days > 0);
        assert!(
            r.tomorrow.reforecast_wape < r.tomorrow.morning_wape,
            "{r:?}"
        );
    }

    #[test]
    fn a_level_counts_the_hours_whose_forecast_is_surer_more() {
        let point = |volume: f64, spread: f64| Point {
            volume,
            p10: volume / spread,
            p90: volume * spread,
            aht_seconds: None,
            event: None,
        };
        let (sure, unsure) = (point(99.0, 1.1), point(99.0, 2.0));
        // +50% where the forecast is sure, −50% where it is not: the level leans up
        let l = weighted_level([(149.0, &sure), (49.0, &unsure)].into_iter()).unwrap();
        assert!(l > 0.2 && l < 1.5f64.ln(), "{l}");
        // equal bands: the mean of the hours' log ratios
        let l = weighted_level([(149.0, &sure), (49.0, &sure)].into_iter()).unwrap();
        assert!((l - 0.5 * (1.5f64.ln() + 0.5f64.ln())).abs() < 1e-12);
        // no band at all: no level (the ratio of the sums is used)
        assert!(weighted_level([(149.0, &point(99.0, 1.0))].into_iter()).is_none());
    }

    #[test]
    fn the_backtest_learns_only_from_earlier_days_and_beats_the_morning_when_levels_persist() {
        let s: Vec<DaySample> = (0..60)
            .map(|d| {
                let x = if d % 3 == 0 { 1.3 } else { 0.9 };
                sample(d, d % 10 == 0, x, x)
            })
            .collect();
        let r = backtest(&s, 14 * 60);
        assert!(r.all.days > 0 && r.all.days < 60);
        assert!(r.all.reforecast_wape < 0.5 * r.all.morning_wape, "{r:?}");
        assert!(r.ordinary_departing.improvement() > 0.3);
    }

    #[test]
    fn day_shape_separates_the_day_level_from_the_hours_and_the_counts_noise() {
        use rand::SeedableRng;
        use rand_distr::{Distribution, Normal, Poisson};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let (day, hour) = (
            Normal::new(0.0f64, 0.10).unwrap(),
            Normal::new(0.0f64, 0.05).unwrap(),
        );
        let samples: Vec<DaySample> = (0..300)
            .map(|d| {
                let level = day.sample(&mut rng);
                let f = vec![400.0; 24];
                let a: Vec<f64> = f
                    .iter()
                    .map(|x: &f64| {
                        let lam = x * (level + hour.sample(&mut rng)).exp();
                        Poisson::new(lam).unwrap().sample(&mut rng)
                    })
                    .collect();
                DaySample {
                    date: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + Duration::days(d),
                    event: false,
                    actual_before: 0.0,
                    forecast_before: 0.0,
                    actual_recent: 0.0,
                    forecast_recent: 0.0,
                    actual_after: a,
                    forecast_after: f,
                    weighted_before: None,
                    weighted_recent: None,
                    next_actual: Vec::new(),
                    next_forecast: Vec::new(),
                }
            })
            .collect();
        let s = day_shape(&samples, 60, |_| true).unwrap();
        assert!((s.day_sd - 0.10).abs() < 0.015, "{s:?}");
        assert!((s.wander_sd - 0.05).abs() < 0.01, "{s:?}");
        assert!(s.hour_correlation < 0.15, "{s:?}");
        assert!(day_shape(&samples[..5], 60, |_| true).is_none());
    }

    #[test]
    fn reforecast_scales_the_rest_of_today_and_carries_into_tomorrow() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 11).unwrap();
        let grid = Grid::days(day, 2, 60);
        let points = (0..grid.len)
            .map(|i| crate::forecast::Point {
                volume: 10.0 + i as f64,
                p10: 5.0,
                p90: 20.0,
                aht_seconds: None,
                event: None,
            })
            .collect();
        let f = Forecast { grid, points };
        // actuals to 14:00 at twice the forecast
        let actuals = Series {
            grid: Grid::new(grid.start, 60, 14),
            volume: (0..14)
                .map(|i| Some(2.0 * (10.0 + i as f64) + 1.0))
                .collect(),
            aht: None,
        };
        let now = day.and_hms_opt(14, 0, 0).unwrap();
        let p = Persistence {
            at_minute: 840,
            ordinary: Weights {
                day: 0.5,
                recent: 0.0,
            },
            event: Weights {
                day: 1.0,
                recent: 0.0,
            },
            ordinary_days: 10,
            event_days: 10,
            next_day: 0.5,
            next_days: 10,
        };
        let (g, rf) = reforecast(&f, &actuals, now, &p).unwrap();
        assert!(!rf.event_day);
        // 476 chats against 231 forecast, every hour at (a + 1) = 2 (f + 1): the level is
        // ln 2, half of it kept
        assert_eq!((rf.actual_so_far, rf.forecast_so_far), (476.0, 231.0));
        assert!((rf.factor - 2.0f64.sqrt()).abs() < 1e-9, "{rf:?}");
        assert_eq!(g.points[13], f.points[13]);
        assert!((g.points[14].volume / f.points[14].volume - rf.factor).abs() < 1e-9);
        assert!((g.points[23].volume / f.points[23].volume - rf.factor).abs() < 1e-9);
        // tomorrow keeps half of today's level so far, the day after is as forecast
        assert!((rf.tomorrow_factor - 2.0f64.sqrt()).abs() < 1e-9, "{rf:?}");
        for k in 24..48.min(f.points.len()) {
            assert!((g.points[k].volume / f.points[k].volume - rf.tomorrow_factor).abs() < 1e-9);
        }
        for k in 48..f.points.len() {
            assert_eq!(g.points[k], f.points[k]);
        }
        // actuals that stop before now are refused
        let short = Series {
            grid: Grid::new(grid.start, 60, 10),
            volume: vec![Some(1.0); 10],
            aht: None,
        };
        assert!(matches!(
            reforecast(&f, &short, now, &p),
            Err(IntradayError::ActualsShort { .. })
        ));
    }
}
