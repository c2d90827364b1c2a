//! `paiban init`: a first scenario written for the team whose files are given.
//!
//! [`inspect`] reads what the history and the agent list say — interval, span, busiest and
//! quiet hours, festivals in the history, handle and response times, contracts, tiers and
//! skills — and [`scenario_text`] writes a commented scenario with defaults fitted to it:
//! service hours from the data, one shift family per kind of contract covering those hours,
//! the labour rules and costs of the built-in defaults. The text is parsed back as a scenario
//! before it is returned, so what `init` writes always loads.

use crate::forecast::calendar;
use crate::forecast::history::{HistoryReport, Series};
use crate::io::Columns;
use crate::model::time::dow;
use crate::scenario::agents::Agent;
use crate::scenario::Scenario;
use chrono::{Datelike, Duration, NaiveDate, Timelike};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

/// What the files say about the team.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Findings {
    pub interval_minutes: u32,
    pub first: String,
    pub last: String,
    pub days: i64,
    /// Mean inquiries per hour of the day over the last eight weeks (index = hour).
    pub hourly: Vec<f64>,
    /// The three busiest hours of the day, busiest first.
    pub busiest: Vec<u32>,
    /// Service hours `[open, close)` in whole hours: the day without its longest quiet stretch
    /// (under 10% of the busiest hour's inquiries).
    pub open: (u32, u32),
    /// Share of inquiries arriving outside the service hours (answered after opening).
    pub outside_share: f64,
    /// Festivals of the built-in calendar inside the history: (label, date).
    pub festivals: Vec<(String, NaiveDate)>,
    /// Festivals in the four weeks after the history: (label, date).
    pub upcoming: Vec<(String, NaiveDate)>,
    pub aht_seconds: Option<f64>,
    pub response_seconds: Option<f64>,
    /// The first Monday after the history: the week the scenario plans.
    pub start: NaiveDate,
    pub agents: usize,
    pub contracts: Vec<(String, usize)>,
    pub tiers: Vec<(String, usize)>,
    pub skills: Vec<(String, usize)>,
}

/// Share of the busiest hour's inquiries below which an hour counts as closed.
const QUIET_SHARE: f64 = 0.1;

/// What `history` and `agents` say about the team.
pub fn inspect(history: &Series, report: &HistoryReport, agents: &[Agent]) -> Findings {
    let hourly = hourly_profile(history);
    let peak = hourly.iter().cloned().fold(0.0, f64::max);
    let mut order: Vec<u32> = (0..24).collect();
    order.sort_by(|a, b| {
        hourly[*b as usize]
            .total_cmp(&hourly[*a as usize])
            .then(a.cmp(b))
    });
    let open = service_hours(&hourly, peak);
    let total: f64 = hourly.iter().sum();
    let inside: f64 = (open.0..open.1).map(|h| hourly[h as usize]).sum();
    let first = history.grid.start;
    let last = history.grid.at(history.grid.len.saturating_sub(1));
    let start = next_monday(last.date());
    let in_range = |from: NaiveDate, to: NaiveDate| -> Vec<(String, NaiveDate)> {
        let mut seen = Vec::new();
        for o in calendar::builtin(from.year(), to.year()) {
            let d = o.anchor.date();
            let item = (o.label.to_string(), d);
            if d >= from && d < to && !seen.contains(&item) {
                seen.push(item);
            }
        }
        seen.sort_by_key(|x| x.1);
        seen
    };
    Findings {
        interval_minutes: report.interval_minutes,
        first: report.first.clone(),
        last: report.last.clone(),
        days: (last - first).num_days() + 1,
        busiest: order.into_iter().take(3).collect(),
        outside_share: if total > 0.0 {
            1.0 - inside / total
        } else {
            0.0
        },
        hourly,
        open,
        festivals: in_range(first.date(), last.date() + Duration::days(1)),
        upcoming: in_range(start, start + Duration::days(28)),
        aht_seconds: mean_aht(history),
        response_seconds: report.response_seconds,
        start,
        agents: agents.len(),
        contracts: tally(agents.iter().map(|a| a.contract.clone())),
        tiers: tally(agents.iter().map(|a| a.tier.clone())),
        skills: tally(agents.iter().flat_map(|a| a.skills.clone())),
    }
}

/// The service hours `[open, close)`: the day without its longest quiet stretch (hours with
/// less than [`QUIET_SHARE`] of the busiest hour's inquiries, counted round midnight). Hours
/// must open before they close within the day, so a window running past midnight closes at
/// 24:00 (what arrives after is answered in the morning).
fn service_hours(hourly: &[f64], peak: f64) -> (u32, u32) {
    let quiet = |h: usize| hourly[h % 24] < QUIET_SHARE * peak;
    if peak <= 0.0 || (0..24).all(|h| !quiet(h)) {
        return (0, 24);
    }
    // the longest run of quiet hours, round the clock: (first hour, length)
    let mut best = (0, 0);
    for s in 0..24 {
        if quiet(s) && !quiet(s + 23) {
            let len = (0..24).take_while(|k| quiet(s + k)).count();
            if len > best.1 {
                best = (s, len);
            }
        }
    }
    let open = ((best.0 + best.1) % 24) as u32;
    let close = best.0 as u32;
    if close > open {
        (open, close)
    } else {
        (open, 24)
    }
}

/// Mean inquiries per hour of the day over the last eight weeks of `h` (gaps left out).
fn hourly_profile(h: &Series) -> Vec<f64> {
    let from = h.end() - Duration::days(56);
    let mut sum = [0.0; 24];
    let mut days: [std::collections::BTreeSet<NaiveDate>; 24] = Default::default();
    for (k, v) in h.volume.iter().enumerate() {
        let t = h.grid.at(k);
        if let (Some(v), true) = (v, t >= from) {
            sum[t.hour() as usize] += v;
            days[t.hour() as usize].insert(t.date());
        }
    }
    let n = days.iter().map(|d| d.len()).max().unwrap_or(0).max(1) as f64;
    // an hour with no row on most days is closed, not an hour of a few busy days
    sum.iter().map(|s| s / n).collect()
}

/// Mean handle time of the history, weighted by volume, when it has one.
fn mean_aht(h: &Series) -> Option<f64> {
    let a = h.aht.as_ref()?;
    let (mut s, mut w) = (0.0, 0.0);
    for (v, a) in h.volume.iter().zip(a) {
        if let (Some(v), Some(a)) = (v, a) {
            s += v * a;
            w += v;
        }
    }
    (w > 0.0).then(|| s / w)
}

fn next_monday(d: NaiveDate) -> NaiveDate {
    let mut m = d + Duration::days(1);
    while dow(m.and_hms_opt(0, 0, 0).expect("midnight")) != 0 {
        m += Duration::days(1);
    }
    m
}

fn tally(items: impl Iterator<Item = String>) -> Vec<(String, usize)> {
    let mut m: BTreeMap<String, usize> = BTreeMap::new();
    for i in items {
        *m.entry(i).or_default() += 1;
    }
    let mut v: Vec<(String, usize)> = m.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

/// Contracts whose agents work part days (4–5 hour shifts).
fn part_day(contract: &str) -> bool {
    let c = contract.to_ascii_lowercase();
    c.contains("part") || c.contains("temp") || c.contains("hour") || c.contains("兼职")
}

/// A default cost per hour for a contract, by its kind.
fn cost_of(contract: &str) -> u32 {
    match contract {
        "full_time" => 40,
        "outsourced" => 45,
        c if part_day(c) => 30,
        _ => 40,
    }
}

fn clock(h: u32) -> String {
    format!("{h:02}:00")
}

fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Paths and names the scenario refers to.
pub struct Files<'a> {
    /// Where the scenario is written: the inputs are written relative to its folder.
    pub scenario: &'a Path,
    pub history: &'a Path,
    pub agents: &'a Path,
    pub name: &'a str,
}

/// An error writing the scenario: the text did not load (a defect; reported with the text's
/// problem so it can be fixed).
#[derive(Debug, thiserror::Error)]
#[error("the scenario paiban init wrote does not load: {0}")]
pub struct InitError(String);

/// A commented scenario for the team `f` describes, reading `files` and mapping `columns`.
pub fn scenario_text(f: &Findings, files: &Files, columns: &Columns) -> Result<String, InitError> {
    let mut s = String::new();
    header(&mut s, f, files, columns);
    horizon_and_demand(&mut s, f);
    service(&mut s, f);
    shifts(&mut s, f);
    rules_and_costs(&mut s, f);
    Scenario::from_toml(files.scenario, &s).map_err(|e| InitError(e.to_string()))?;
    Ok(s)
}

/// A path as the scenario writes it: relative to the scenario's folder when it can be.
fn relative(p: &Path, scenario: &Path) -> String {
    let dir = match scenario.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let abs = |x: &Path| std::path::absolute(x).unwrap_or_else(|_| x.to_path_buf());
    let (p_abs, d_abs) = (abs(p), abs(dir));
    let shown = p_abs
        .strip_prefix(&d_abs)
        .map(Path::to_path_buf)
        .unwrap_or(p_abs);
    shown.display().to_string()
}

fn header(s: &mut String, f: &Findings, files: &Files, columns: &Columns) {
    let _ = writeln!(
        s,
        "# Scenario written by `paiban init` for the team in {} and {}.",
        relative(files.agents, files.scenario),
        relative(files.history, files.scenario)
    );
    let _ = writeln!(
        s,
        "# Every key is documented in README.md (\"Scenario file\"); unknown keys are errors."
    );
    let _ = writeln!(
        s,
        "# History: {} → {} ({} days, {}-minute intervals).",
        f.first, f.last, f.days, f.interval_minutes
    );
    let _ = writeln!(s, "name = {}", quote(files.name));
    let _ = writeln!(
        s,
        "description = {}",
        quote(&format!("{} agents, week of {}", f.agents, f.start))
    );
    let _ = writeln!(s, "\n[inputs]");
    let _ = writeln!(
        s,
        "history = {}",
        quote(&relative(files.history, files.scenario))
    );
    let _ = writeln!(
        s,
        "agents = {}",
        quote(&relative(files.agents, files.scenario))
    );
    if !columns.ignore.is_empty() {
        let list: Vec<String> = columns.ignore.iter().map(|h| quote(h)).collect();
        let _ = writeln!(s, "ignore_columns = [{}]", list.join(", "));
    }
    if !columns.map.is_empty() {
        let _ = writeln!(
            s,
            "\n[inputs.columns]  # your headers, as given to paiban init"
        );
        for (k, h) in &columns.map {
            let _ = writeln!(s, "{k} = {}", quote(h));
        }
    }
}

fn horizon_and_demand(s: &mut String, f: &Findings) {
    let interval = if f.interval_minutes <= 15 {
        "15m"
    } else {
        "30m"
    };
    let _ = writeln!(s, "\n[horizon]");
    let _ = writeln!(
        s,
        "start = \"{}\"      # the Monday after the history ends",
        f.start
    );
    let _ = writeln!(s, "days = 7");
    let _ = writeln!(s, "interval = \"{interval}\"");
    let _ = writeln!(s, "timezone = \"Asia/Shanghai\"");
    if !f.upcoming.is_empty() {
        let list = festival_list(&f.upcoming);
        let _ = writeln!(s, "# festivals in the next four weeks: {}", list);
    }
    let _ = writeln!(s, "\n[demand]");
    let _ = writeln!(s, "volume_factor = 1.0        # whole forecast × this");
    let _ = writeln!(
        s,
        "event_uplift_factor = 1.0  # festival effects × this (1.3 = a 30% bigger promotion)"
    );
    if f.festivals.is_empty() {
        let _ = writeln!(
            s,
            "# no festival in the history: festival effects come from paiban's priors"
        );
    } else {
        let list = festival_list(&f.festivals);
        let _ = writeln!(s, "# festivals learned from the history: {}", list);
    }
    match f.aht_seconds {
        Some(a) => {
            let _ = writeln!(
                s,
                "aht_seconds = {:.0}          # the history's mean handle time",
                a
            );
        }
        None => {
            let _ = writeln!(s, "aht_seconds = 220          # no handle time in the history: a typical chat; measure yours");
        }
    }
}

fn service(s: &mut String, f: &Findings) {
    let _ = writeln!(s, "\n[service]");
    let _ = writeln!(s, "target_percent = 80        # 80% of chats answered ...");
    let _ = writeln!(s, "target_answer = \"30s\"      # ... within 30 seconds");
    if let Some(r) = f.response_seconds {
        let _ = writeln!(s, "# the history's mean first response: {r:.0} s");
    }
    let _ = writeln!(
        s,
        "target_scope = \"interval\"  # or \"day\" / \"week\": the average you are judged on"
    );
    let _ = writeln!(s, "occupancy_max = 0.85");
    let _ = writeln!(s, "concurrency = 3            # chats per agent at once");
    let _ = writeln!(
        s,
        "deflection = 0.0           # share the chatbot resolves before an agent sees it"
    );
    let _ = writeln!(
        s,
        "shrinkage = 0.2            # meetings, training, short breaks"
    );
    let _ = writeln!(s, "min_agents = 1");
    let busy: Vec<String> = f.busiest.iter().map(|h| clock(*h)).collect();
    let _ = writeln!(
        s,
        "hours = [\"{}\", \"{}\"] # from the history: the day without its quiet night (under 10% of the busiest hour; busiest: {})",
        clock(f.open.0),
        clock(f.open.1),
        busy.join(", ")
    );
    if f.outside_share > 0.0 {
        let _ = writeln!(
            s,
            "backlog_clear = \"2h\"       # {:.1}% of chats arrive outside these hours: answered within 2 h of opening",
            100.0 * f.outside_share
        );
    }
}

/// One `[[shift]]` family per kind of contract, covering the service hours.
fn shifts(s: &mut String, f: &Findings) {
    let (open, close) = f.open;
    let span = close - open;
    let contracts = f.contract_names();
    let full: Vec<String> = contracts
        .iter()
        .filter(|c| !part_day(c))
        .map(|c| quote(c))
        .collect();
    let part: Vec<String> = contracts
        .iter()
        .filter(|c| part_day(c))
        .map(|c| quote(c))
        .collect();
    if !full.is_empty() {
        let (len, brk) = if span >= 9 {
            (9, true)
        } else {
            (span.clamp(4, 8), false)
        };
        let last_start = close.saturating_sub(len).clamp(open, 23);
        let _ = writeln!(s, "\n[[shift]]");
        let _ = writeln!(s, "name = \"full day\"");
        let _ = writeln!(s, "contracts = [{}]", full.join(", "));
        let _ = writeln!(s, "lengths = [\"{len}h\"]");
        let _ = writeln!(s, "start_window = [\"{}\", \"{}\"]  # the first starts at opening, the last ends at closing", clock(open), clock(last_start));
        let _ = writeln!(s, "start_step = \"30m\"");
        if brk {
            let _ = writeln!(s, "break = \"1h\"");
            let _ = writeln!(s, "break_window = [\"3h\", \"5h\"]");
            let _ = writeln!(s, "break_step = \"30m\"");
        }
    }
    if !part.is_empty() {
        let len = span.clamp(1, 4);
        let last_start = close.saturating_sub(len).clamp(open, 23);
        let lengths = if span >= 5 {
            "[\"4h\", \"5h\"]".to_string()
        } else {
            format!("[\"{len}h\"]")
        };
        let _ = writeln!(s, "\n[[shift]]");
        let _ = writeln!(s, "name = \"part day\"");
        let _ = writeln!(s, "contracts = [{}]", part.join(", "));
        let _ = writeln!(s, "lengths = {lengths}");
        let _ = writeln!(
            s,
            "start_window = [\"{}\", \"{}\"]",
            clock(open),
            clock(last_start)
        );
        let _ = writeln!(s, "start_step = \"30m\"");
    }
}

fn rules_and_costs(s: &mut String, f: &Findings) {
    let _ = writeln!(s, "\n[labour]                   # paiban's defaults (China's standard working hours); set yours");
    let _ = writeln!(s, "max_paid_hours_per_day = 8");
    let _ = writeln!(s, "max_hours_per_week = 44");
    let _ = writeln!(s, "min_rest_hours = 11");
    let _ = writeln!(s, "min_days_off_per_week = 1");
    let _ = writeln!(s, "max_consecutive_days = 6");
    let contracts = f.contract_names();
    for c in contracts {
        let n = f.contracts.iter().find(|x| x.0 == c).map_or(0, |x| x.1);
        let _ = writeln!(s, "\n[contracts.{}]  # {n} agent(s)", quote_key(c));
        let _ = writeln!(
            s,
            "cost_per_hour = {}  # a typical rate; set yours",
            cost_of(c)
        );
    }
    let _ = writeln!(s, "\n[costs]");
    let _ = writeln!(s, "under_coverage_per_agent_hour = 500");
    let _ = writeln!(s, "over_coverage_per_agent_hour = 1");
    let _ = writeln!(s, "preference_violation = 20");
    let _ = writeln!(s, "\n# [headcount]");
    let _ = writeln!(
        s,
        "# max_on_duty = {}          # seats in the office, if fewer than the team",
        f.agents
    );
}

/// A TOML key: bare when it can be, else quoted.
fn quote_key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_string()
    } else {
        quote(k)
    }
}

/// Festivals as the scenario's comments and the findings list them: `label date; …`.
fn festival_list(v: &[(String, NaiveDate)]) -> String {
    v.iter()
        .map(|(l, d)| format!("{l} {d}"))
        .collect::<Vec<_>>()
        .join("; ")
}

impl Findings {
    /// The contracts of the agent list, most agents first; `full_time` for an empty list.
    fn contract_names(&self) -> Vec<&str> {
        if self.contracts.is_empty() {
            vec!["full_time"]
        } else {
            self.contracts.iter().map(|(c, _)| c.as_str()).collect()
        }
    }

    /// What `init` found, for the user.
    pub fn text(&self) -> String {
        let mut t = String::new();
        let busy: Vec<String> = self.busiest.iter().map(|h| clock(*h)).collect();
        let _ = writeln!(
            t,
            "history: {} days, {}-minute intervals, {} → {}",
            self.days, self.interval_minutes, self.first, self.last
        );
        let _ = writeln!(t, "  busiest hours: {}", busy.join(", "));
        let _ = writeln!(
            t,
            "  service hours: {}–{} ({:.1}% of chats outside them)",
            clock(self.open.0),
            clock(self.open.1),
            100.0 * self.outside_share
        );
        if self.festivals.is_empty() {
            let _ = writeln!(
                t,
                "  festivals in the history: none (their effects come from priors)"
            );
        } else {
            let list = festival_list(&self.festivals);
            let _ = writeln!(t, "  festivals in the history: {}", list);
        }
        if let Some(a) = self.aht_seconds {
            let _ = writeln!(t, "  mean handle time: {a:.0} s");
        }
        let _ = writeln!(t, "agents: {}", self.agents);
        let join = |v: &[(String, usize)]| {
            v.iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(t, "  contracts: {}", join(&self.contracts));
        let _ = writeln!(t, "  tiers: {}", join(&self.tiers));
        if !self.skills.is_empty() {
            let _ = writeln!(t, "  skills: {}", join(&self.skills));
        }
        let _ = writeln!(
            t,
            "planned week: {} – {}",
            self.start,
            self.start + Duration::days(6)
        );
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::time::Grid;

    fn shop(open: u32, close: u32) -> (Series, HistoryReport) {
        let start = NaiveDate::from_ymd_opt(2026, 9, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let n = 24 * 42;
        let volume: Vec<Option<f64>> = (0..n)
            .map(|k| {
                let h = (k % 24) as u32;
                Some(if h >= open && h < close {
                    100.0 + h as f64
                } else {
                    1.0
                })
            })
            .collect();
        let s = Series {
            grid: Grid::new(start, 60, n),
            volume,
            aht: None,
        };
        let r = HistoryReport {
            format: "aggregated",
            encoding: "UTF-8",
            rows: n,
            interval_minutes: 60,
            first: "2026-09-01 00:00".into(),
            last: "2026-10-12 23:00".into(),
            total_volume: 0.0,
            closed: vec![],
            gaps: vec![],
            columns: vec![],
            set_aside: vec![],
            skipped: vec![],
            per_agent_rows: false,
            response_seconds: None,
        };
        (s, r)
    }

    #[test]
    fn service_hours_and_shifts_follow_the_data() {
        let (s, r) = shop(9, 23);
        let agent = |id: &str, contract: &str| Agent {
            id: id.into(),
            name: id.into(),
            tier: "agent".into(),
            contract: contract.into(),
            min_hours: 0.0,
            max_hours: 40.0,
            min_days: 0,
            max_days: 5,
            unavailable: vec![],
            preferred_off: vec![],
            requests: vec![],
            skills: vec![],
            on_call: Default::default(),
        };
        let agents = vec![agent("A1", "full_time"), agent("A2", "part_time")];
        let f = inspect(&s, &r, &agents);
        assert_eq!(f.open, (9, 23));
        // a quiet night running past midnight closes at 24:00; no quiet hour: open round the clock
        let mut h = vec![50.0; 24];
        for q in [2, 3, 4, 5, 6] {
            h[q] = 1.0;
        }
        assert_eq!(service_hours(&h, 50.0), (7, 24));
        h[23] = 1.0;
        h[0] = 1.0;
        h[1] = 1.0;
        assert_eq!(service_hours(&h, 50.0), (7, 23));
        assert_eq!(service_hours(&[5.0; 24], 5.0), (0, 24));
        assert_eq!(f.busiest, vec![22, 21, 20]);
        assert_eq!(f.start, NaiveDate::from_ymd_opt(2026, 10, 19).unwrap());
        let files = Files {
            scenario: Path::new("/t/scenario.toml"),
            history: Path::new("/t/h.csv"),
            agents: Path::new("/t/a.csv"),
            name: "t",
        };
        let text = scenario_text(&f, &files, &Columns::default()).unwrap();
        let sc = Scenario::from_toml(Path::new("x.toml"), &text).unwrap();
        assert_eq!(sc.shifts.len(), 2);
        assert!(text.contains("hours = [\"09:00\", \"23:00\"]"), "{text}");
        assert!(
            text.contains("start_window = [\"09:00\", \"14:00\"]"),
            "{text}"
        );
        assert!(text.contains("history = \"h.csv\""), "{text}");
    }
}
