//! Historical inquiry volume: an interval series read from an aggregated CSV
//! (`timestamp,count[,aht_seconds]`, or the workbench's hourly report `日期,时段,咨询量`) or
//! aggregated from a session log with one row per chat (`start_time[,handle_seconds,…]`).

use crate::io::{columns, read_text, Col, Columns, InputError, Table};
use crate::model::time::{fmt_ts, parse_timestamp, Grid};
use chrono::{Duration, NaiveDateTime, NaiveTime, Timelike};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// A regular series; `None` marks an interval with no data (a gap), which is not the same as 0.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub grid: Grid,
    pub volume: Vec<Option<f64>>,
    /// Mean handle time per inquiry in seconds, where the input had it.
    pub aht: Option<Vec<Option<f64>>>,
}

impl Series {
    /// "first interval – end" in words, for messages.
    pub fn span(&self) -> String {
        format!(
            "{} – {}",
            crate::model::time::fmt_ts(self.grid.start),
            crate::model::time::fmt_ts(self.end())
        )
    }

    pub fn end(&self) -> NaiveDateTime {
        self.grid.end()
    }
    pub fn get(&self, t: NaiveDateTime) -> Option<f64> {
        self.grid.index_of(t).and_then(|k| self.volume[k])
    }
    /// Resamples to `step` minutes: sums when coarser, splits evenly when finer.
    pub fn resample(&self, step: u32) -> Result<Series, String> {
        let s = self.grid.step_minutes;
        if step == s {
            return Ok(self.clone());
        }
        if step > s && step.is_multiple_of(s) {
            let f = (step / s) as usize;
            // closed hours have no rows in any week: they count as 0, not as unknown
            let closed = closed_slots(self.grid, &self.volume);
            let slot = week_slot_fn(self.grid);
            // align the new grid to a multiple of `step` since midnight
            let skip = (0..f)
                .find(|&k| crate::model::time::minute_of_day(self.grid.at(k)).is_multiple_of(step))
                .unwrap_or(0);
            let n = (self.grid.len - skip) / f;
            let mut vol = Vec::with_capacity(n);
            let mut aht = self.aht.as_ref().map(|_| Vec::with_capacity(n));
            for j in 0..n {
                let r = skip + j * f..skip + (j + 1) * f;
                // a coarse interval is known if all its open parts are; closed throughout, it
                // stays closed (no data), not a zero to be forecast
                let known = r
                    .clone()
                    .all(|k| self.volume[k].is_some() || closed[slot(k)]);
                let open = r.clone().any(|k| !closed[slot(k)]);
                vol.push((known && open).then(|| self.volume[r.clone()].iter().flatten().sum()));
                if let (Some(out), Some(src)) = (aht.as_mut(), self.aht.as_ref()) {
                    let (mut w, mut acc) = (0.0, 0.0);
                    for k in r {
                        if let (Some(v), Some(a)) = (self.volume[k], src[k]) {
                            w += v;
                            acc += v * a;
                        }
                    }
                    out.push((w > 0.0).then(|| acc / w));
                }
            }
            Ok(Series {
                grid: Grid::new(self.grid.at(skip), step, n),
                volume: vol,
                aht,
            })
        } else if step < s && s.is_multiple_of(step) {
            let f = (s / step) as usize;
            let volume = self
                .volume
                .iter()
                .flat_map(|v| std::iter::repeat_n(v.map(|x| x / f as f64), f))
                .collect();
            let aht = self
                .aht
                .as_ref()
                .map(|a| a.iter().flat_map(|v| std::iter::repeat_n(*v, f)).collect());
            Ok(Series {
                grid: Grid::new(self.grid.start, step, self.grid.len * f),
                volume,
                aht,
            })
        } else {
            Err(format!("cannot convert {s}-minute history to {step}-minute intervals: one must divide the other"))
        }
    }
}

/// What the reader found and did, reported to the user rather than silently applied.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HistoryReport {
    pub format: &'static str,
    pub encoding: &'static str,
    pub rows: usize,
    pub interval_minutes: u32,
    pub first: String,
    pub last: String,
    pub total_volume: f64,
    /// Times of the week with no row in any week of the history (closed hours), e.g.
    /// `Mon–Fri 00:00–07:00, 21:05–24:00`; they are not gaps, and are forecast 0.
    pub closed: Vec<String>,
    /// Missing stretches outside the closed hours `(first missing interval, number of intervals)`.
    pub gaps: Vec<(String, usize)>,
    /// How the file's headers were read: `(header, column)`, for headers not named as paiban
    /// names them (`咨询人数` → `count`).
    pub columns: Vec<(String, String)>,
    /// Headers naming a column another header names better, not read (see [`Table::set_aside`]).
    pub set_aside: Vec<String>,
    /// Lines that are not the table: a title above the header, a total row (see [`Table::skipped`]).
    pub skipped: Vec<String>,
    /// Rows per interval summed (a report with one row per agent and interval).
    pub per_agent_rows: bool,
    /// Mean first-response time in the history (seconds, weighted by volume), when it has one.
    pub response_seconds: Option<f64>,
}

impl HistoryReport {
    /// What the reader found, for the user: format, encoding, span and the first gaps.
    pub fn text(&self) -> String {
        let mut t = format!(
            "history: {} rows ({}, {}), {}-minute intervals, {} → {}, {} gap(s)\n",
            self.rows,
            self.format,
            self.encoding,
            self.interval_minutes,
            self.first,
            self.last,
            self.gaps.len()
        );
        if !self.closed.is_empty() {
            t.push_str(&format!(
                "  closed (no data in any week; forecast 0): {}\n",
                self.closed.join("; ")
            ));
        }
        if !self.columns.is_empty() {
            let read: Vec<String> = self
                .columns
                .iter()
                .map(|(h, c)| format!("{h} → {c}"))
                .collect();
            t.push_str(&format!("  columns read: {}\n", read.join(", ")));
        }
        for s in &self.set_aside {
            t.push_str(&format!("  set aside: {s}\n"));
        }
        for s in &self.skipped {
            t.push_str(&format!("  skipped: {s}\n"));
        }
        if self.per_agent_rows {
            t.push_str("  one row per agent and interval: summed per interval\n");
        }
        if let Some(r) = self.response_seconds {
            t.push_str(&format!("  mean first response in the history: {r:.0} s\n"));
        }
        for (from, n) in self.gaps.iter().take(5) {
            t.push_str(&format!(
                "  gap: {n} interval(s) missing from {from} (not filled; the model skips them)\n"
            ));
        }
        t
    }
}

/// Columns of an aggregated history: the names paiban writes first, then those of the
/// workbench's reports (earlier names win when a file has two: 咨询人数 over 接待人数).
const AGG_COLS: &[Col] = &[
    Col::opt(
        "timestamp",
        &[
            "interval_start",
            "datetime",
            "date_time",
            "time",
            "interval",
            "period",
            "时间",
            "日期时间",
            "统计时间",
            "时间点",
            "开始时间段",
        ],
    ),
    Col::opt("date", &["day", "日期", "统计日期", "日期(天)"]),
    Col::opt(
        "slot",
        &["hour", "time_slot", "时段", "小时", "时间段", "整点"],
    ),
    Col::req(
        "count",
        &[
            "volume",
            "inquiries",
            "chats",
            "contacts",
            "calls",
            "sessions",
            "conversations",
            "arrivals",
            "咨询量",
            "咨询人数",
            "咨询数",
            "咨询次数",
            "进线量",
            "进线人数",
            "进线数",
            "会话数",
            "会话量",
            "来电量",
            "呼入量",
            "接待人数",
            "接待量",
            "接待数",
        ],
    ),
    Col::opt(
        "aht_seconds",
        &[
            "aht",
            "handle_time",
            "handle_seconds",
            "avg_handle_time",
            "average_handle_time",
            "平均处理时长",
            "平均接待时长",
            "平均会话时长",
            "平均通话时长",
            "平均服务时长",
        ],
    ),
    Col::opt(
        "response_seconds",
        &[
            "response_time",
            "avg_response_time",
            "first_response",
            "asa",
            "平均响应时间",
            "平均响应时长",
            "平均首响时间",
            "平均首次响应时间",
            "首次响应时间",
            "首响时长",
            "平均等待时长",
        ],
    ),
    Col::opt(
        "agent",
        &[
            "agent_id",
            "agent_name",
            "客服",
            "客服昵称",
            "客服账号",
            "子账号",
            "旺旺",
            "接待客服",
        ],
    ),
];

/// Columns of a session log (one row per chat, as the workbench exports 聊天记录 / 会话明细).
const LOG_COLS: &[Col] = &[
    Col::req(
        "start_time",
        &[
            "session_start",
            "created_at",
            "开始时间",
            "会话开始时间",
            "接入时间",
            "进线时间",
            "咨询时间",
            "咨询开始时间",
            "创建时间",
        ],
    ),
    Col::opt(
        "end_time",
        &["session_end", "closed_at", "结束时间", "会话结束时间"],
    ),
    Col::opt(
        "first_response_seconds",
        &[
            "first_response",
            "首次响应时长",
            "首次响应时间",
            "首响时长",
            "首响时间",
        ],
    ),
    Col::opt(
        "handle_seconds",
        &[
            "handle_time",
            "duration",
            "处理时长",
            "会话时长",
            "接待时长",
            "持续时长",
        ],
    ),
    Col::opt(
        "agent",
        &[
            "agent_id",
            "agent_name",
            "客服",
            "接待客服",
            "客服昵称",
            "子账号",
            "客服账号",
        ],
    ),
    Col::opt(
        "bot_resolved",
        &["机器人解决", "智能客服解决", "机器人接待"],
    ),
    Col::opt("session_id", &["id", "会话id", "会话编号"]),
    Col::opt("customer", &["buyer", "买家", "买家昵称", "顾客", "访客"]),
];

/// Reads history from a CSV file: an aggregated series, or a session log (told by its header)
/// aggregated into `log_interval` minutes. `user` maps headers paiban does not know.
pub fn read_history(
    path: &Path,
    tz: chrono_tz::Tz,
    log_interval: u32,
    user: &Columns,
) -> Result<(Series, HistoryReport), InputError> {
    // a report may have title lines above its header: the header is the first line of the
    // first ten naming two or more columns of either kind
    let head = crate::io::first_lines(path, 10)?;
    let joined = head.join("\n");
    let skip_log = crate::io::title_lines(&joined, LOG_COLS, user);
    let first = head.get(skip_log).cloned().unwrap_or_default();
    let headers: Vec<String> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(first.as_bytes())
        .records()
        .next()
        .and_then(Result::ok)
        .map(|r| r.iter().map(str::to_string).collect())
        .unwrap_or_default();
    let column = |h: &str, cols: &[Col]| crate::io::column_of(h, cols, user).map(|(p, _)| p);
    // one row per chat: a start time and no count (an hourly report may call its interval
    // 开始时间 too, but it has a count)
    let count = AGG_COLS.iter().position(|c| c.name == "count");
    let is_log = headers.iter().any(|h| column(h, LOG_COLS) == Some(0))
        && !headers.iter().any(|h| column(h, AGG_COLS) == count);
    if is_log {
        // session logs run to millions of rows: streamed, never held in memory
        read_session_log(path, (&first, skip_log), tz, log_interval, user)
    } else {
        let (text, encoding) = read_text(path)?;
        read_aggregated(path, &text, encoding, tz, user)
    }
}

/// How `t`'s headers map to `cols`, for headers paiban does not write itself.
fn columns_read(t: &Table, idx: &[Option<usize>], cols: &[Col]) -> Vec<(String, String)> {
    cols.iter()
        .zip(idx)
        .filter_map(|(c, i)| i.map(|i| (t.header[i].clone(), c.name.to_string())))
        .filter(|(h, c)| columns::normalize(h) != columns::normalize(c))
        .collect()
}

fn parse_slot(text: &str) -> Option<NaiveTime> {
    // "10", "10:00", "10:00:00" (a workbook's time cell), "10:00-11:00", "10点"
    let head = text
        .split(['-', '~', '–'])
        .next()?
        .trim()
        .trim_end_matches('点');
    if let Ok(h) = head.parse::<u32>() {
        return NaiveTime::from_hms_opt(h, 0, 0);
    }
    NaiveTime::parse_from_str(head, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(head, "%H:%M:%S"))
        .ok()
}

/// One row's interval: a full timestamp (`timestamp`, or a slot that holds one), else the
/// `date` with the clock time of `timestamp` or `slot` (`日期` + `时段`/`小时`/`时间`).
fn row_time(
    t: &Table,
    line: u64,
    rec: &csv::StringRecord,
    [i_ts, i_date, i_slot]: [Option<usize>; 3],
    tz: chrono_tz::Tz,
) -> Result<NaiveDateTime, InputError> {
    let ts = t.get(rec, i_ts);
    let slot = t.get(rec, i_slot);
    let full = ts.or(slot).filter(|_| i_date.is_none() || ts.is_some());
    if let Some(s) = full {
        match parse_timestamp(s, tz) {
            Ok(v) => return Ok(v),
            Err(e) if i_date.is_none() => {
                let field = if ts.is_some() { "timestamp" } else { "slot" };
                return Err(t.err(
                    line,
                    field,
                    e,
                    "use one timestamp format for the whole column",
                ));
            }
            Err(_) => {}
        }
    }
    if i_date.is_none() {
        return Err(t.err(
            line,
            "timestamp",
            "empty timestamp",
            "fill in the interval's start time, e.g. 2026-11-11 00:00, or delete the row",
        ));
    }
    let ds = t
        .get(rec, i_date)
        .ok_or_else(|| t.err(line, "date", "empty date", "fill in the date"))?;
    let date = crate::model::time::parse_date(ds)
        .map_err(|e| t.err(line, "date", e, "write dates as YYYY-MM-DD"))?;
    let (field, clock) = match (ts, slot) {
        (Some(c), _) => ("timestamp", c),
        (None, Some(c)) => ("slot", c),
        (None, None) => {
            return Err(t.err(
                line,
                "slot",
                "empty time slot",
                "fill in the slot, e.g. 10:00-11:00",
            ))
        }
    };
    let tm = parse_slot(clock).ok_or_else(|| {
        t.err(
            line,
            field,
            format!("`{clock}` is not a time slot"),
            "write slots as 10:00-11:00 or 10",
        )
    })?;
    Ok(date.and_time(tm))
}

/// One interval of an aggregated history: its first line, count, and the handle and response
/// times weighted by count (sums, for reports with one row per agent).
#[derive(Default, Clone, Copy)]
struct Point {
    line: u64,
    count: f64,
    aht: (f64, f64),
    response: (f64, f64),
}

fn read_aggregated(
    path: &Path,
    text: &str,
    encoding: &'static str,
    tz: chrono_tz::Tz,
    user: &Columns,
) -> Result<(Series, HistoryReport), InputError> {
    let (t, idx) = Table::parse_with(path, text, AGG_COLS, user)?;
    let [i_ts, i_date, i_slot, i_count, i_aht, i_resp, i_agent] =
        [idx[0], idx[1], idx[2], idx[3], idx[4], idx[5], idx[6]];
    if i_ts.is_none() && i_slot.is_none() {
        let fix = if i_date.is_some() {
            "a report per day has no time of day to staff by: export the hourly report (分时段), or add a `slot` column (时段) beside the date"
        } else {
            "add a `timestamp` column with local times such as 2026-11-11 00:00, or name yours: --columns timestamp=HEADER"
        };
        return Err(InputError::new(
            path,
            "no time column: need `timestamp`, or `date` and `slot` (日期, 时段)",
            fix,
        )
        .at(1));
    }
    let per_agent = i_agent.is_some();
    let mut points: BTreeMap<NaiveDateTime, Point> = BTreeMap::new();
    for (line, rec) in &t.rows {
        let ts = row_time(&t, *line, rec, [i_ts, i_date, i_slot], tz)?;
        let cs = t.get(rec, i_count).ok_or_else(|| {
            t.err(
                *line,
                "count",
                "empty count",
                "write 0 for an interval with no inquiries; leave the row out only for a real gap",
            )
        })?;
        // exports write thousands as 1,234 (quoted)
        let plain = cs.replace([',', '，'], "");
        let count = t.nonneg(*line, "count", if plain.is_empty() { cs } else { &plain })?;
        let aht = t
            .get(rec, i_aht)
            .map(|a| t.seconds(*line, "aht_seconds", a, i_aht))
            .transpose()?;
        let resp = t
            .get(rec, i_resp)
            .map(|a| t.seconds(*line, "response_seconds", a, i_resp))
            .transpose()?;
        let p = points.entry(ts).or_insert(Point {
            line: *line,
            ..Point::default()
        });
        if p.line != *line && !per_agent {
            return Err(t.err(
                *line,
                "timestamp",
                format!(
                    "duplicate timestamp {} (first on line {})",
                    fmt_ts(ts),
                    p.line
                ),
                "keep one row per interval (sum the counts if they are parts of one interval)",
            ));
        }
        p.count += count;
        // a row without a count weight still carries its handle time (weight 1)
        let w = count.max(1e-9);
        if let Some(a) = aht {
            p.aht.0 += a * w;
            p.aht.1 += w;
        }
        if let Some(r) = resp {
            p.response.0 += r * w;
            p.response.1 += w;
        }
    }
    let has_aht = points.values().any(|p| p.aht.1 > 0.0);
    let (rs, rw) = points
        .values()
        .fold((0.0, 0.0), |(s, w), p| (s + p.response.0, w + p.response.1));
    let (series, mut report) = build_series(
        path,
        points
            .into_iter()
            .map(|(ts, p)| {
                (
                    ts,
                    p.line,
                    p.count,
                    (p.aht.1 > 0.0).then(|| p.aht.0 / p.aht.1),
                )
            })
            .collect(),
        has_aht,
        "aggregated",
        encoding,
        t.rows.len(),
    )?;
    report.columns = columns_read(&t, &idx, AGG_COLS);
    report.set_aside = t.set_aside.clone();
    report.skipped = t.skipped.clone();
    report.per_agent_rows = per_agent;
    report.response_seconds = (rw > 0.0).then(|| rs / rw);
    Ok((series, report))
}

/// Longest history read: 20 years (a stray year 9999 must not make paiban fill centuries
/// of intervals).
const MAX_SPAN_DAYS: i64 = 20 * 366;

fn check_span(
    path: &Path,
    first: NaiveDateTime,
    last: NaiveDateTime,
    last_line: u64,
) -> Result<(), InputError> {
    let days = (last - first).num_days();
    if days > MAX_SPAN_DAYS {
        return Err(InputError::new(
            path,
            format!(
                "the rows span {} to {} ({} years); paiban reads at most 20 years of history",
                fmt_ts(first),
                fmt_ts(last),
                days / 365
            ),
            "check for a mistyped year, or export the last few years only",
        )
        .at(last_line)
        .field("timestamp"));
    }
    Ok(())
}

fn build_series(
    path: &Path,
    points: Vec<(NaiveDateTime, u64, f64, Option<f64>)>,
    has_aht: bool,
    format: &'static str,
    encoding: &'static str,
    rows: usize,
) -> Result<(Series, HistoryReport), InputError> {
    if points.len() < 2 {
        return Err(InputError::new(
            path,
            "need at least two intervals of history",
            "export a longer period",
        ));
    }
    // the interval is the most common spacing; every timestamp must sit on that grid
    let mut spacing: BTreeMap<i64, usize> = BTreeMap::new();
    for w in points.windows(2) {
        *spacing.entry((w[1].0 - w[0].0).num_minutes()).or_default() += 1;
    }
    let step = spacing
        .iter()
        .max_by_key(|(d, n)| (**n, -**d))
        .map(|(d, _)| *d)
        .unwrap_or(60);
    if step <= 0 || 1440 % step != 0 {
        return Err(InputError::new(
            path,
            format!("the most common spacing between rows is {step} minutes, which does not divide a day"),
            "use a regular interval such as 5, 15, 30 or 60 minutes",
        ));
    }
    let start = points[0].0;
    for (ts, line, _, _) in &points {
        if (*ts - start).num_minutes() % step != 0 {
            return Err(InputError::new(
                path,
                format!("timestamp {} is off the {step}-minute grid that starts at {} (mixed intervals?)", fmt_ts(*ts), fmt_ts(start)),
                "export every row at the same interval",
            )
            .at(*line)
            .field("timestamp"));
        }
    }
    let last = points.last().expect("non-empty").0;
    check_span(path, start, last, points.last().expect("non-empty").1)?;
    let len = ((last - start).num_minutes() / step) as usize + 1;
    let grid = Grid::new(start, step as u32, len);
    let mut volume = vec![None; len];
    let mut aht = has_aht.then(|| vec![None; len]);
    let mut total = 0.0;
    for (ts, _, c, a) in &points {
        let k = grid.index_of(*ts).expect("on grid");
        volume[k] = Some(*c);
        total += c;
        if let Some(v) = aht.as_mut() {
            v[k] = *a;
        }
    }
    let (closed, gaps) = closed_and_gaps(grid, &volume);
    let report = HistoryReport {
        format,
        encoding,
        rows,
        interval_minutes: step as u32,
        first: fmt_ts(start),
        last: fmt_ts(last),
        total_volume: total,
        closed,
        gaps,
        columns: Vec::new(),
        set_aside: Vec::new(),
        skipped: Vec::new(),
        per_agent_rows: false,
        response_seconds: None,
    };
    Ok((Series { grid, volume, aht }, report))
}

/// Index of interval `k`'s time within the week (Monday 00:00 is 0).
fn week_slot_fn(grid: Grid) -> impl Fn(usize) -> usize {
    let step = grid.step_minutes;
    let per_day = (1440 / step) as usize;
    move |k: usize| {
        let t = grid.at(k);
        crate::model::time::dow(t) * per_day
            + (crate::model::time::minute_of_day(t) / step) as usize
    }
}

/// Per time of the week: never present in a history of two weeks or more (closed hours).
pub fn closed_slots(grid: Grid, volume: &[Option<f64>]) -> Vec<bool> {
    let per_week = 7 * (1440 / grid.step_minutes) as usize;
    let slot = week_slot_fn(grid);
    let mut closed = vec![grid.len >= 2 * per_week; per_week];
    if closed[0] {
        for (k, v) in volume.iter().enumerate() {
            if v.is_some() {
                closed[slot(k)] = false;
            }
        }
    }
    closed
}

/// Closed hours (times of the week never present in two or more weeks of history), described
/// per group of weekdays, and the gaps outside them.
fn closed_and_gaps(grid: Grid, volume: &[Option<f64>]) -> (Vec<String>, Vec<(String, usize)>) {
    let step = grid.step_minutes;
    let per_day = (1440 / step) as usize;
    let slot = week_slot_fn(grid);
    let closed = closed_slots(grid, volume);
    let mut gaps = Vec::new();
    let mut k = 0;
    while k < grid.len {
        if volume[k].is_none() && !closed[slot(k)] {
            let s = k;
            while k < grid.len && volume[k].is_none() && !closed[slot(k)] {
                k += 1;
            }
            gaps.push((fmt_ts(grid.at(s)), k - s));
        } else {
            k += 1;
        }
    }
    // per weekday, the closed stretches of the day; weekdays alike are grouped
    let hm = |i: usize| {
        let m = i as u32 * step;
        format!("{:02}:{:02}", m / 60, m % 60)
    };
    let day_text: Vec<String> = (0..7)
        .map(|d| {
            let c = &closed[d * per_day..(d + 1) * per_day];
            if c.iter().all(|x| *x) {
                return "all day".to_string();
            }
            let mut parts = Vec::new();
            let mut i = 0;
            while i < per_day {
                if c[i] {
                    let s = i;
                    while i < per_day && c[i] {
                        i += 1;
                    }
                    parts.push(format!("{}–{}", hm(s), hm(i)));
                } else {
                    i += 1;
                }
            }
            parts.join(", ")
        })
        .collect();
    const WD: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let mut out = Vec::new();
    let mut d = 0;
    while d < 7 {
        let s = d;
        while d + 1 < 7 && day_text[d + 1] == day_text[s] {
            d += 1;
        }
        if !day_text[s].is_empty() {
            let days = if d > s {
                format!("{}–{}", WD[s], WD[d])
            } else {
                WD[s].to_string()
            };
            out.push(format!("{days} {}", day_text[s]));
        }
        d += 1;
    }
    (out, gaps)
}

fn read_session_log(
    path: &Path,
    (first_line, title): (&str, usize),
    tz: chrono_tz::Tz,
    step: u32,
    user: &Columns,
) -> Result<(Series, HistoryReport), InputError> {
    if first_line.trim().is_empty() {
        return Err(InputError::new(
            path,
            "the file is empty",
            "export the data with a header row and at least one data row",
        ));
    }
    let (reader, encoding) = crate::io::open_text(path)?;
    let mut reader = std::io::BufReader::with_capacity(1 << 16, reader);
    for _ in 0..title {
        let mut skipped = Vec::new();
        std::io::BufRead::read_until(&mut reader, b'\n', &mut skipped).map_err(|e| {
            InputError::new(path, format!("cannot read the file: {e}"), "check the file")
        })?;
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .buffer_capacity(1 << 16)
        .from_reader(reader);
    // the table's checks and helpers, without holding its rows
    let (t, idx) = Table::header(path, first_line, &mut rdr, LOG_COLS, user).map_err(|mut e| {
        e.line = e.line.map(|l| l + title as u64);
        e
    })?;
    let t = t.after_title_lines(title);
    let (i_start, i_end, i_handle) = (idx[0], idx[1], idx[3]);
    // bucket -> (first line, count, handle-time sum, handle-time count)
    let mut buckets: BTreeMap<NaiveDateTime, (u64, f64, f64, f64)> = BTreeMap::new();
    let mut rec = csv::StringRecord::new();
    let mut n_rows = 0usize;
    // sessions come in time order: the last bucket is usually the one wanted again
    let mut last: Option<NaiveDateTime> = None;
    while let Some(line) = t.next_row(&mut rdr, &mut rec)? {
        n_rows += 1;
        let s = t.get(&rec, i_start).ok_or_else(|| {
            t.err(
                line,
                "start_time",
                "empty start time",
                "every session needs a start time",
            )
        })?;
        let start = parse_timestamp(s, tz).map_err(|e| {
            t.err(
                line,
                "start_time",
                e,
                "use one timestamp format for the whole column",
            )
        })?;
        let handle = if let Some(h) = t.get(&rec, i_handle) {
            Some(t.seconds(line, "handle_seconds", h, i_handle)?)
        } else if let Some(e) = t.get(&rec, i_end) {
            let end = parse_timestamp(e, tz)
                .map_err(|e| t.err(line, "end_time", e, "use the same format as start_time"))?;
            if end < start {
                return Err(t.err(
                    line,
                    "end_time",
                    "the session ends before it starts",
                    "check the end time",
                ));
            }
            Some((end - start).num_seconds() as f64)
        } else {
            None
        };
        let bucket = match last {
            Some(b) if start >= b && start < b + Duration::minutes(step as i64) => b,
            _ => {
                let mins = start.hour() * 60 + start.minute();
                let b = start.date().and_time(NaiveTime::MIN)
                    + Duration::minutes((mins - mins % step) as i64);
                last = Some(b);
                b
            }
        };
        let e = buckets.entry(bucket).or_insert((line, 0.0, 0.0, 0.0));
        e.1 += 1.0;
        if let Some(h) = handle {
            e.2 += h;
            e.3 += 1.0;
        }
    }
    if n_rows == 0 {
        return Err(t.no_rows());
    }
    let has_aht = buckets.values().any(|b| b.3 > 0.0);
    // a session log has no row for an interval without sessions: those are zeros, not gaps,
    // between the first and the last day of the log
    let first_day = buckets
        .keys()
        .next()
        .expect("rows exist")
        .date()
        .and_time(NaiveTime::MIN);
    let last_day = buckets
        .keys()
        .last()
        .expect("rows exist")
        .date()
        .and_time(NaiveTime::MIN)
        + Duration::days(1);
    let last_line = buckets.values().last().map_or(0, |b| b.0);
    check_span(path, first_day, last_day, last_line)?;
    let mut points = Vec::new();
    let mut ts = first_day;
    while ts < last_day {
        let p = match buckets.get(&ts) {
            Some(&(l, c, hs, hn)) => (ts, l, c, (hn > 0.0).then(|| hs / hn)),
            None => (ts, 0, 0.0, None),
        };
        points.push(p);
        ts += Duration::minutes(step as i64);
    }
    let (series, mut report) =
        build_series(path, points, has_aht, "session log", encoding, n_rows)?;
    report.columns = columns_read(&t, &idx, LOG_COLS);
    report.set_aside = t.set_aside.clone();
    report.skipped = t.skipped.clone();
    Ok((series, report))
}

/// Writes a series as `timestamp,count[,aht_seconds]`.
pub fn to_csv(s: &Series) -> Vec<u8> {
    let mut out = String::from(if s.aht.is_some() {
        "timestamp,count,aht_seconds\n"
    } else {
        "timestamp,count\n"
    });
    for k in 0..s.grid.len {
        let Some(v) = s.volume[k] else { continue };
        out.push_str(&fmt_ts(s.grid.at(k)));
        out.push(',');
        out.push_str(&crate::io::fmt_f(v, if v.fract() == 0.0 { 0 } else { 3 }));
        if let Some(a) = &s.aht {
            out.push(',');
            if let Some(x) = a[k] {
                out.push_str(&crate::io::fmt_f(x, 1));
            }
        }
        out.push('\n');
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn resampling_counts_closed_hours_as_zero_but_keeps_gaps_and_closed_stretches() {
        // three weeks, open 08:00–24:00 every day, one inquiry an hour; one open hour missing
        let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 5)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let grid = Grid::new(start, 60, 21 * 24);
        let mut volume: Vec<Option<f64>> = (0..grid.len)
            .map(|k| (grid.at(k).hour() >= 8).then_some(1.0))
            .collect();
        volume[24 * 3 + 12] = None; // Thursday of week 1, 12:00: a real gap
        let h = Series {
            grid,
            volume,
            aht: None,
        };
        let closed = closed_slots(grid, &h.volume);
        assert_eq!(closed.iter().filter(|c| **c).count(), 7 * 8);
        let daily = h.resample(1440).unwrap();
        assert_eq!(daily.volume[0], Some(16.0));
        assert_eq!(daily.volume[3], None, "a day with a gap is unknown");
        let two = h.resample(120).unwrap();
        assert_eq!(two.volume[0], None, "00:00–02:00 is closed, not zero");
        assert_eq!(two.volume[4], Some(2.0));
        let (text, gaps) = closed_and_gaps(grid, &h.volume);
        assert_eq!(text, vec!["Mon–Sun 00:00–08:00"]);
        assert_eq!(gaps, vec![("2026-01-08 12:00".to_string(), 1)]);
    }

    fn tmp(content: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
        f.write_all(content).unwrap();
        f
    }
    const TZ: chrono_tz::Tz = chrono_tz::Asia::Shanghai;

    #[test]
    fn reads_aggregated_with_gap() {
        let f =
            tmp(b"timestamp,count\n2026-01-01 00:00,5\n2026-01-01 01:00,7\n2026-01-01 03:00,2\n");
        let (s, r) = read_history(f.path(), TZ, 15, &Columns::default()).unwrap();
        assert_eq!(s.grid.step_minutes, 60);
        assert_eq!(s.volume, vec![Some(5.0), Some(7.0), None, Some(2.0)]);
        assert_eq!(r.gaps, vec![("2026-01-01 02:00".to_string(), 1)]);
        let h = s.resample(30).unwrap();
        assert_eq!(h.volume[0], Some(2.5));
    }

    #[test]
    fn reads_chinese_hourly_report_in_gbk() {
        let (b, _, _) = encoding_rs::GBK
            .encode("日期,时段,咨询量\n2026-11-11,00:00-01:00,900\n2026-11-11,01:00-02:00,300\n");
        let f = tmp(&b);
        let (s, r) = read_history(f.path(), TZ, 15, &Columns::default()).unwrap();
        assert_eq!(r.encoding, "GBK/GB18030");
        assert_eq!(s.volume, vec![Some(900.0), Some(300.0)]);
    }

    #[test]
    fn rejects_duplicates_and_negatives_with_line() {
        let f = tmp(b"timestamp,count\n2026-01-01 00:00,5\n2026-01-01 00:00,7\n");
        let e = read_history(f.path(), TZ, 15, &Columns::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3") && e.contains("duplicate"), "{e}");
        let f = tmp(b"timestamp,count\n2026-01-01 00:00,5\n2026-01-01 01:00,-7\n");
        let e = read_history(f.path(), TZ, 15, &Columns::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 3") && e.contains("`count`") && e.contains("negative"),
            "{e}"
        );
    }

    #[test]
    fn aggregates_session_log() {
        let f = tmp(b"start_time,handle_seconds\n2026-01-01 10:01:00,100\n2026-01-01 10:14:00,300\n2026-01-01 10:20:00,60\n");
        let (s, r) = read_history(f.path(), TZ, 15, &Columns::default()).unwrap();
        assert_eq!(r.format, "session log");
        assert_eq!(s.grid.len, 96);
        assert_eq!(s.volume[40], Some(2.0));
        assert_eq!(s.aht.as_ref().unwrap()[40], Some(200.0));
        assert_eq!(s.volume[41], Some(1.0));
        assert_eq!(s.volume[0], Some(0.0));
    }
}
