//! Rolling-origin backtests: cut the history at several origins, forecast the next days from
//! what came before each origin only, and score the forecasts against what really happened —
//! WAPE, MASE and P10–P90 coverage, overall, per horizon day, inside and outside event
//! windows and per event — next to the seasonal-naive benchmark.

use crate::forecast::calendar::{Calendar, EventIndex};
use crate::forecast::history::Series;
use crate::forecast::{Forecast, ForecastError, Forecaster, Predict, SeasonalEvent, SeasonalNaive};
use crate::model::time::{fmt_ts, Grid};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum BacktestError {
    #[error("{0}")]
    Spec(String),
    #[error("fold from {origin}: {source}")]
    Forecast {
        origin: String,
        source: ForecastError,
    },
}

/// Where the origins go and how far each forecast reaches.
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestSpec {
    /// Days forecast from each origin.
    pub horizon_days: u32,
    /// Number of origins.
    pub folds: usize,
    /// Days between consecutive origins.
    pub every_days: u32,
    /// First origin; by default the origins end at the latest one the history allows.
    pub first_origin: Option<NaiveDate>,
}

impl Default for BacktestSpec {
    fn default() -> Self {
        BacktestSpec {
            horizon_days: 14,
            folds: 8,
            every_days: 7,
            first_origin: None,
        }
    }
}

/// A forecasting method under test.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    SeasonalEvent(SeasonalEvent),
    SeasonalNaive,
    /// augurs' MSTL (daily + weekly seasonality) with an AutoETS trend, fitted on the last
    /// `weeks` weeks (feature `augurs`).
    #[cfg(feature = "augurs")]
    MstlEts {
        weeks: usize,
    },
    /// Prophet (augurs' port, MAP fit, multiplicative seasonality) with every event of the
    /// calendar as holidays, one per day offset from the anchor as Prophet's holiday windows
    /// do (feature `prophet`).
    #[cfg(feature = "prophet")]
    Prophet,
}

impl Method {
    pub fn name(&self) -> &'static str {
        match self {
            Method::SeasonalEvent(_) => "seasonal-event",
            Method::SeasonalNaive => "seasonal-naive",
            #[cfg(feature = "augurs")]
            Method::MstlEts { .. } => "augurs-mstl-ets",
            #[cfg(feature = "prophet")]
            Method::Prophet => "prophet+holidays",
        }
    }
    /// Whether the method gives prediction intervals worth scoring.
    fn has_intervals(&self) -> bool {
        !matches!(self, Method::SeasonalNaive)
    }
    pub fn run(
        &self,
        train: &Series,
        events: &EventIndex,
        grid: Grid,
    ) -> Result<Forecast, ForecastError> {
        match self {
            Method::SeasonalEvent(m) => m.fit(train, events)?.predict(grid),
            Method::SeasonalNaive => SeasonalNaive.fit(train, events)?.predict(grid),
            #[cfg(feature = "augurs")]
            Method::MstlEts { weeks } => mstl_ets(train, grid, *weeks),
            #[cfg(feature = "prophet")]
            Method::Prophet => prophet(train, events, grid),
        }
    }
}

/// MSTL + AutoETS from augurs on the last `weeks` weeks; gaps filled with the same interval a
/// week earlier (0 where never seen: closed hours), as MSTL needs a gap-free series.
#[cfg(feature = "augurs")]
fn mstl_ets(train: &Series, grid: Grid, weeks: usize) -> Result<Forecast, ForecastError> {
    use augurs::ets::AutoETS;
    use augurs::mstl::MSTLModel;
    use augurs::prelude::{Fit, Predict as _};
    let step = train.grid.step_minutes;
    let per_day = (1440 / step) as usize;
    let per_week = 7 * per_day;
    let from = train.grid.len.saturating_sub(weeks * per_week);
    let mut y: Vec<f64> = Vec::with_capacity(train.grid.len - from);
    for k in from..train.grid.len {
        let v = train.volume[k]
            .or_else(|| {
                (k >= per_week)
                    .then(|| y.get(k - from - per_week).copied())
                    .flatten()
            })
            .unwrap_or(0.0);
        y.push(v);
    }
    let model = MSTLModel::new(
        vec![per_day, per_week],
        AutoETS::non_seasonal().into_trend_model(),
    );
    let fit = model
        .fit(&y)
        .map_err(|e| ForecastError::Interval(format!("MSTL fit: {e}")))?;
    // steps from the end of the training data to the end of the grid
    let lead = ((grid.start - train.end()).num_minutes() / step as i64) as usize;
    let f = fit
        .predict(lead + grid.len, 0.8)
        .map_err(|e| ForecastError::Interval(format!("MSTL predict: {e}")))?;
    let iv = f.intervals.as_ref();
    let points = (0..grid.len)
        .map(|k| {
            let j = lead + k;
            let v = f.point[j].max(0.0);
            crate::forecast::Point {
                volume: v,
                p10: iv.map_or(v, |i| i.lower[j].max(0.0)),
                p90: iv.map_or(v, |i| i.upper[j].max(0.0)),
                aht_seconds: None,
                event: None,
            }
        })
        .collect();
    Ok(crate::forecast::Forecast { grid, points })
}

/// Prophet with the calendar's events as holidays (local time read as UTC seconds).
#[cfg(feature = "prophet")]
fn prophet(train: &Series, events: &EventIndex, grid: Grid) -> Result<Forecast, ForecastError> {
    use augurs::prophet::{
        wasmstan::WasmstanOptimizer, FeatureMode, Holiday, HolidayOccurrence, PredictionData,
        Prophet, ProphetOptions, TrainingData,
    };
    use std::collections::HashMap;
    let err = |e: &dyn std::fmt::Display| ForecastError::Interval(format!("Prophet: {e}"));
    let secs = |t: NaiveDateTime| t.and_utc().timestamp();
    let (mut ds, mut y) = (Vec::new(), Vec::new());
    for k in 0..train.grid.len {
        if let Some(v) = train.volume[k] {
            ds.push(secs(train.grid.at(k)));
            y.push(v);
        }
    }
    let mut holidays: HashMap<String, Vec<HolidayOccurrence>> = HashMap::new();
    for o in &events.occurrences {
        if o.end() <= train.grid.start || o.start() >= grid.end() {
            continue;
        }
        let mut day = o.start().date();
        while day.and_time(NaiveTime::MIN) < o.end() {
            let d0 = day.and_time(NaiveTime::MIN);
            let (a, b) = (d0.max(o.start()), (d0 + Duration::days(1)).min(o.end()));
            let off = (day - o.anchor.date()).num_days();
            holidays
                .entry(format!("{}_d{off}", o.key))
                .or_default()
                .push(HolidayOccurrence::new(secs(a), secs(b)));
            day += Duration::days(1);
        }
    }
    let opts = ProphetOptions {
        seasonality_mode: FeatureMode::Multiplicative,
        holidays: holidays
            .into_iter()
            .map(|(k, v)| (k, Holiday::new(v)))
            .collect::<HashMap<_, _>>(),
        ..Default::default()
    };
    let mut m = Prophet::new(opts, WasmstanOptimizer::new());
    m.fit(
        TrainingData::new(ds, y).map_err(|e| err(&e))?,
        Default::default(),
    )
    .map_err(|e| err(&e))?;
    let future: Vec<i64> = (0..grid.len).map(|k| secs(grid.at(k))).collect();
    let p = m
        .predict(PredictionData::new(future))
        .map_err(|e| err(&e))?;
    let points = (0..grid.len)
        .map(|k| {
            let v = p.yhat.point[k].max(0.0);
            crate::forecast::Point {
                volume: v,
                p10: p.yhat.lower.as_ref().map_or(v, |l| l[k].max(0.0)),
                p90: p.yhat.upper.as_ref().map_or(v, |u| u[k].max(0.0)),
                aht_seconds: None,
                event: None,
            }
        })
        .collect();
    Ok(crate::forecast::Forecast { grid, points })
}

/// Scores over a set of intervals.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// Weighted absolute percentage error: Σ|actual − forecast| / Σ actual.
    pub wape: f64,
    /// Mean absolute error over the in-sample mean absolute error of the same-hour-last-week
    /// forecast (per fold); below 1 beats that naive forecast on its own history.
    pub mase: f64,
    /// Share of actuals inside P10–P90 (`None` for methods without intervals).
    pub coverage: Option<f64>,
    pub intervals: usize,
    pub actual: f64,
}

#[derive(Debug, Default, Clone)]
struct Acc {
    abs: f64,
    act: f64,
    scaled: f64,
    inside: usize,
    n: usize,
}

impl Acc {
    fn add(&mut self, a: f64, p: f64, scale: f64, inside: bool) {
        self.abs += (a - p).abs();
        self.act += a;
        self.scaled += (a - p).abs() / scale;
        self.inside += usize::from(inside);
        self.n += 1;
    }
    fn metrics(&self, intervals: bool) -> Metrics {
        let n = self.n.max(1) as f64;
        Metrics {
            wape: if self.act > 0.0 {
                self.abs / self.act
            } else {
                f64::NAN
            },
            mase: self.scaled / n,
            coverage: intervals.then(|| self.inside as f64 / n),
            intervals: self.n,
            actual: self.act,
        }
    }
}

/// The busiest interval of a fold and how each method forecast it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Peak {
    pub at: String,
    pub actual: f64,
    pub forecast: f64,
    /// forecast / actual − 1
    pub error: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MethodScores {
    pub method: &'static str,
    pub overall: Metrics,
    /// Per horizon day (day 1 = the origin's day).
    pub by_day: Vec<Metrics>,
    /// Intervals inside any event window, and outside all of them.
    pub events: Metrics,
    pub normal: Metrics,
    /// Per event key.
    pub by_event: BTreeMap<String, Metrics>,
    /// Per fold, the busiest interval.
    pub peaks: Vec<Peak>,
    /// Handle-time error where the history has handle times and the method forecasts them:
    /// Σ volume·|actual AHT − forecast AHT| / Σ volume·actual AHT.
    pub aht_wape: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fold {
    pub origin: String,
    pub end: String,
    pub intervals: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacktestReport {
    pub interval_minutes: u32,
    pub horizon_days: u32,
    pub folds: Vec<Fold>,
    pub methods: Vec<MethodScores>,
}

/// The history before `k` intervals.
pub(crate) fn head(h: &Series, k: usize) -> Series {
    Series {
        grid: Grid::new(h.grid.start, h.grid.step_minutes, k),
        volume: h.volume[..k].to_vec(),
        aht: h.aht.as_ref().map(|a| a[..k].to_vec()),
    }
}

/// Mean absolute error of same-interval-last-week on the history before `k` (MASE scale).
fn naive_scale(h: &Series, k: usize) -> f64 {
    let lag = (7 * 1440 / h.grid.step_minutes) as usize;
    let (mut s, mut n) = (0.0, 0usize);
    for j in lag..k {
        if let (Some(a), Some(b)) = (h.volume[j], h.volume[j - lag]) {
            s += (a - b).abs();
            n += 1;
        }
    }
    if n > 0 && s > 0.0 {
        s / n as f64
    } else {
        1.0
    }
}

/// The origins of `spec` on history `h` (midnights).
pub fn origins(h: &Series, spec: &BacktestSpec) -> Result<Vec<NaiveDateTime>, BacktestError> {
    if spec.folds == 0 || spec.horizon_days == 0 || spec.every_days == 0 {
        return Err(BacktestError::Spec(
            "folds, horizon and the spacing of origins must be at least 1".into(),
        ));
    }
    let horizon = Duration::days(spec.horizon_days as i64);
    let every = Duration::days(spec.every_days as i64);
    let earliest = (h.grid.start + Duration::days(28))
        .date()
        .and_time(NaiveTime::MIN)
        + Duration::days(1);
    let out: Vec<NaiveDateTime> = match spec.first_origin {
        Some(d) => (0..spec.folds)
            .map(|i| d.and_time(NaiveTime::MIN) + every * i as i32)
            .collect(),
        None => {
            let last = (h.end() - horizon).date().and_time(NaiveTime::MIN);
            (0..spec.folds)
                .rev()
                .map(|i| last - every * i as i32)
                .collect()
        }
    };
    if out[0] < earliest {
        return Err(BacktestError::Spec(format!(
            "the first origin {} leaves less than 4 weeks of history before it (history starts {}); use fewer folds, a shorter horizon or a later --first-origin",
            fmt_ts(out[0]),
            fmt_ts(h.grid.start)
        )));
    }
    let last = *out.last().expect("folds ≥ 1");
    if last + horizon > h.end() {
        return Err(BacktestError::Spec(format!(
            "the last fold ({} + {} days) runs past the end of the history ({}); use fewer folds or an earlier --first-origin",
            fmt_ts(last),
            spec.horizon_days,
            fmt_ts(h.end())
        )));
    }
    Ok(out)
}

/// Runs every method on every fold (in parallel) and scores them.
pub fn backtest(
    h: &Series,
    calendar: &Calendar,
    spec: &BacktestSpec,
    methods: &[Method],
) -> Result<BacktestReport, BacktestError> {
    use rayon::prelude::*;
    let origins = origins(h, spec)?;
    let events = calendar.index(h.grid.start, h.end());
    let step = h.grid.step_minutes;
    let per_fold = (spec.horizon_days * 1440 / step) as usize;
    let runs: Vec<(usize, usize, Result<Forecast, ForecastError>)> = origins
        .par_iter()
        .enumerate()
        .flat_map_iter(|(fi, o)| {
            let k = h.grid.index_of(*o).expect("origin inside the history");
            let train = head(h, k);
            let grid = Grid::new(*o, step, per_fold);
            let events = &events;
            methods
                .iter()
                .enumerate()
                .map(move |(mi, m)| (fi, mi, m.run(&train, events, grid)))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut forecasts: Vec<Vec<Option<Forecast>>> = vec![vec![None; origins.len()]; methods.len()];
    for (fi, mi, r) in runs {
        let f = r.map_err(|e| BacktestError::Forecast {
            origin: fmt_ts(origins[fi]),
            source: e,
        })?;
        forecasts[mi][fi] = Some(f);
    }
    let per_day = (1440 / step) as usize;
    let folds: Vec<Fold> = origins
        .iter()
        .map(|o| {
            let k = h.grid.index_of(*o).expect("origin inside the history");
            Fold {
                origin: fmt_ts(*o),
                end: fmt_ts(*o + Duration::days(spec.horizon_days as i64)),
                intervals: h.volume[k..k + per_fold].iter().flatten().count(),
            }
        })
        .collect();
    let scores = methods
        .iter()
        .zip(&forecasts)
        .map(|(m, fs)| {
            let iv = m.has_intervals();
            let (mut all, mut ev, mut normal) = (Acc::default(), Acc::default(), Acc::default());
            let mut by_day = vec![Acc::default(); spec.horizon_days as usize];
            let mut by_event: BTreeMap<String, Acc> = BTreeMap::new();
            let mut peaks = Vec::new();
            let (mut aht_err, mut aht_tot) = (0.0, 0.0);
            for (o, f) in origins.iter().zip(fs) {
                let f = f.as_ref().expect("every fold forecast");
                let k0 = h.grid.index_of(*o).expect("origin inside the history");
                let scale = naive_scale(h, k0);
                let mut peak: Option<(usize, f64)> = None;
                for (j, p) in f.points.iter().enumerate() {
                    let Some(a) = h.volume[k0 + j] else { continue };
                    let inside = p.p10 <= a && a <= p.p90;
                    all.add(a, p.volume, scale, inside);
                    by_day[j / per_day].add(a, p.volume, scale, inside);
                    match events.owner(f.grid.at(j)) {
                        Some(occ) => {
                            ev.add(a, p.volume, scale, inside);
                            by_event
                                .entry(occ.key.to_string())
                                .or_default()
                                .add(a, p.volume, scale, inside);
                        }
                        None => normal.add(a, p.volume, scale, inside),
                    }
                    if let (Some(fa), Some(Some(ha))) =
                        (p.aht_seconds, h.aht.as_ref().map(|x| x[k0 + j]))
                    {
                        aht_err += a * (ha - fa).abs();
                        aht_tot += a * ha;
                    }
                    if peak.is_none_or(|(_, v)| a > v) {
                        peak = Some((j, a));
                    }
                }
                if let Some((j, a)) = peak {
                    let p = f.points[j].volume;
                    peaks.push(Peak {
                        at: fmt_ts(f.grid.at(j)),
                        actual: a,
                        forecast: p,
                        error: if a > 0.0 { p / a - 1.0 } else { f64::NAN },
                    });
                }
            }
            MethodScores {
                method: m.name(),
                overall: all.metrics(iv),
                by_day: by_day.iter().map(|a| a.metrics(iv)).collect(),
                events: ev.metrics(iv),
                normal: normal.metrics(iv),
                by_event: by_event
                    .into_iter()
                    .map(|(k, a)| (k, a.metrics(iv)))
                    .collect(),
                peaks,
                aht_wape: (aht_tot > 0.0).then(|| aht_err / aht_tot),
            }
        })
        .collect();
    Ok(BacktestReport {
        interval_minutes: step,
        horizon_days: spec.horizon_days,
        folds,
        methods: scores,
    })
}

fn pct(x: f64) -> String {
    if x.is_nan() {
        "–".into()
    } else {
        format!("{:.1}%", 100.0 * x)
    }
}

impl BacktestReport {
    /// WAPE of the first method relative to the last (the benchmark): 1 − ratio.
    pub fn improvement(&self) -> f64 {
        let (Some(a), Some(b)) = (self.methods.first(), self.methods.last()) else {
            return f64::NAN;
        };
        1.0 - a.overall.wape / b.overall.wape
    }

    /// A side-by-side table for people.
    pub fn text(&self) -> String {
        let mut t = format!(
            "backtest: {} fold(s) × {} days at {}-minute intervals, origins {} … {}\n",
            self.folds.len(),
            self.horizon_days,
            self.interval_minutes,
            self.folds.first().map_or("", |f| f.origin.as_str()),
            self.folds.last().map_or("", |f| f.origin.as_str()),
        );
        let names: Vec<&str> = self.methods.iter().map(|m| m.method).collect();
        t.push_str(&format!("{:<26}", ""));
        for n in &names {
            t.push_str(&format!("{:>34}", n));
        }
        t.push('\n');
        t.push_str(&format!("{:<26}", "                 intervals"));
        for _ in &names {
            t.push_str(&format!("{:>12}{:>10}{:>12}", "WAPE", "MASE", "P10–P90"));
        }
        t.push('\n');
        let row =
            |t: &mut String, label: &str, pick: &dyn Fn(&MethodScores) -> Option<&Metrics>| {
                let n = self
                    .methods
                    .first()
                    .and_then(pick)
                    .map_or(0, |m| m.intervals);
                if n == 0 {
                    return;
                }
                t.push_str(&format!("{label:<18}{n:>8}"));
                for m in &self.methods {
                    match pick(m) {
                        Some(x) => t.push_str(&format!(
                            "{:>12}{:>10.3}{:>12}",
                            pct(x.wape),
                            x.mase,
                            x.coverage.map_or("–".into(), pct)
                        )),
                        None => t.push_str(&format!("{:>34}", "")),
                    }
                }
                t.push('\n');
            };
        row(&mut t, "overall", &|m| Some(&m.overall));
        row(&mut t, "outside events", &|m| Some(&m.normal));
        row(&mut t, "event windows", &|m| Some(&m.events));
        let keys: Vec<String> = self
            .methods
            .first()
            .map(|m| m.by_event.keys().cloned().collect())
            .unwrap_or_default();
        for k in &keys {
            row(&mut t, &format!("  {k}"), &|m| m.by_event.get(k));
        }
        for d in 0..self.horizon_days as usize {
            row(&mut t, &format!("day {}", d + 1), &|m| m.by_day.get(d));
        }
        for m in &self.methods {
            if let Some(a) = m.aht_wape {
                t.push_str(&format!(
                    "handle time ({}): volume-weighted error {}\n",
                    m.method,
                    pct(a)
                ));
            }
        }
        t.push_str("busiest interval per fold (actual → forecast, error):\n");
        for (i, f) in self.folds.iter().enumerate() {
            let Some(p0) = self.methods.first().and_then(|m| m.peaks.get(i)) else {
                continue;
            };
            t.push_str(&format!("  {}  {:>9.0}", p0.at, p0.actual));
            for m in &self.methods {
                if let Some(p) = m.peaks.get(i) {
                    t.push_str(&format!(
                        "   {}: {:.0} ({:+.1}%)",
                        m.method,
                        p.forecast,
                        100.0 * p.error
                    ));
                }
            }
            t.push_str(&format!("   [fold from {}]\n", f.origin));
        }
        if self.methods.len() >= 2 {
            t.push_str(&format!(
                "{} WAPE is {:.1}% lower than {}\n",
                names[0],
                100.0 * self.improvement(),
                names[names.len() - 1]
            ));
        }
        t
    }
}
