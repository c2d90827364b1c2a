//! Staffing requirements: agents needed per interval from forecast volume.
//!
//! Per interval: chats reaching agents = volume × volume_factor × (1 − bot deflection).
//! An agent handling `k` chats at once is modelled as `k` chat slots, each chat taking
//! `aht × (1 + slowdown × (k − 1))` because attention is shared. Erlang C gives the fewest
//! slots meeting the service level (and ASA) target under the occupancy cap; agents on the
//! queue = ⌈slots / k⌉; agents scheduled = ⌈on-queue / (1 − shrinkage)⌉, at least
//! `min_agents` while open. Outside opening hours chats are left as messages: the backlog is
//! added to the first `backlog_clear` of the next opening, so the requirement moves to the
//! morning instead of vanishing.

use crate::erlang::{servers_for, Target};
use crate::forecast::Forecast;
use crate::io::{fmt_f, read_text, Col, InputError, Table};
use crate::scenario::Scenario;
use crate::time::{fmt_ts, minute_of_day, Grid};
use serde::Serialize;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RequirementsError {
    #[error("the forecast is at {have}-minute intervals but the scenario plans at {want} minutes; forecast again with --interval {want}m")]
    Interval { have: u32, want: u32 },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Requirement {
    pub volume: f64,
    /// Chats reaching agents, including backlog cleared in this interval.
    pub agent_volume: f64,
    pub backlog: f64,
    /// Handle time per chat at the configured concurrency.
    pub aht_seconds: f64,
    pub traffic_erlangs: f64,
    pub open: bool,
    pub agents_on_queue: u32,
    pub agents_required: u32,
    pub service_level: f64,
    pub asa_seconds: f64,
    pub occupancy: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Requirements {
    pub grid: Grid,
    pub rows: Vec<Requirement>,
}

impl Requirements {
    pub fn required(&self) -> Vec<u32> {
        self.rows.iter().map(|r| r.agents_required).collect()
    }
    pub fn peak(&self) -> u32 {
        self.rows
            .iter()
            .map(|r| r.agents_required)
            .max()
            .unwrap_or(0)
    }
    /// Agent-hours required over the horizon.
    pub fn agent_hours(&self) -> f64 {
        self.rows
            .iter()
            .map(|r| r.agents_required as f64)
            .sum::<f64>()
            * self.grid.step_hours()
    }
}

/// The service target of a scenario as an Erlang target.
pub fn target(sc: &Scenario) -> Target {
    Target {
        service_level: sc.service.target_percent / 100.0,
        answer_seconds: sc.service.target_answer.0,
        max_asa_seconds: sc.service.max_asa.map(|m| m.0),
        max_occupancy: sc.service.occupancy_max,
    }
}

pub fn requirements(f: &Forecast, sc: &Scenario) -> Result<Requirements, RequirementsError> {
    let want = sc.horizon.interval.0;
    if f.grid.step_minutes != want {
        return Err(RequirementsError::Interval {
            have: f.grid.step_minutes,
            want,
        });
    }
    let s = &sc.service;
    let k = s.concurrency as f64;
    let secs = want as f64 * 60.0;
    let tgt = target(sc);
    let open = |i: usize| match s.hours {
        None => true,
        Some([o, c]) => {
            let m = minute_of_day(f.grid.at(i));
            m >= o.0 && m < c.0
        }
    };
    let clear_n = (s.backlog_clear.0 / want).max(1) as usize;
    // first pass: chats per interval and the backlog each opening must clear
    let agent_vol: Vec<f64> = f
        .points
        .iter()
        .map(|p| p.volume * sc.demand.volume_factor * (1.0 - s.deflection))
        .collect();
    let mut backlog = vec![0.0; f.points.len()];
    let mut pending = 0.0;
    for i in 0..f.points.len() {
        if open(i) {
            if pending > 0.0 {
                let n = (i..f.points.len())
                    .take(clear_n)
                    .take_while(|&j| open(j))
                    .count()
                    .max(1);
                for j in i..i + n {
                    backlog[j] += pending / n as f64;
                }
                pending = 0.0;
            }
        } else {
            pending += agent_vol[i];
        }
    }
    let rows = f
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let aht = p.aht_seconds.unwrap_or(sc.demand.aht_seconds)
                * sc.demand.aht_factor
                * (1.0 + s.concurrency_slowdown * (k - 1.0));
            let is_open = open(i);
            let chats = if is_open {
                agent_vol[i] + backlog[i]
            } else {
                0.0
            };
            let a = chats * aht / secs;
            let st = servers_for(a, aht, &tgt);
            let on_queue = (st.servers as f64 / k).ceil() as u32;
            let mut req = (on_queue as f64 / (1.0 - s.shrinkage) - 1e-9).ceil() as u32;
            if is_open {
                req = req.max(s.min_agents);
            }
            Requirement {
                volume: p.volume,
                agent_volume: chats,
                backlog: if is_open { backlog[i] } else { 0.0 },
                aht_seconds: aht,
                traffic_erlangs: a,
                open: is_open,
                agents_on_queue: on_queue,
                agents_required: req,
                service_level: st.service_level,
                asa_seconds: st.asa_seconds,
                occupancy: st.occupancy,
            }
        })
        .collect();
    Ok(Requirements { grid: f.grid, rows })
}

pub fn to_csv(r: &Requirements) -> Vec<u8> {
    let mut out = String::from(
        "interval_start,volume,aht_seconds,agents_required,agent_volume,backlog,traffic_erlangs,agents_on_queue,service_level,asa_seconds,occupancy,open\n",
    );
    for (i, x) in r.rows.iter().enumerate() {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{}\n",
            fmt_ts(r.grid.at(i)),
            fmt_f(x.volume, 2),
            fmt_f(x.aht_seconds, 1),
            x.agents_required,
            fmt_f(x.agent_volume, 2),
            fmt_f(x.backlog, 2),
            fmt_f(x.traffic_erlangs, 3),
            x.agents_on_queue,
            fmt_f(x.service_level, 4),
            fmt_f(x.asa_seconds, 1),
            fmt_f(x.occupancy, 4),
            if x.open { "yes" } else { "no" }
        ));
    }
    out.into_bytes()
}

/// Reads requirements; only `interval_start` and `agents_required` are needed, so a
/// supervisor can hand-edit or write the file from another tool.
pub fn read_csv(path: &std::path::Path, tz: chrono_tz::Tz) -> Result<Requirements, InputError> {
    const COLS: &[Col] = &[
        Col::req("interval_start", &["timestamp", "时间"]),
        Col::req("agents_required", &["需求人数"]),
        Col::opt("volume", &[]),
        Col::opt("aht_seconds", &[]),
        Col::opt("agent_volume", &[]),
        Col::opt("backlog", &[]),
        Col::opt("traffic_erlangs", &[]),
        Col::opt("agents_on_queue", &[]),
        Col::opt("service_level", &[]),
        Col::opt("asa_seconds", &[]),
        Col::opt("occupancy", &[]),
        Col::opt("open", &[]),
    ];
    let (text, _) = read_text(path)?;
    let (t, idx) = Table::parse(path, &text, COLS)?;
    let mut rows = Vec::new();
    let mut regular = crate::io::Regular::default();
    for (line, rec) in &t.rows {
        let ts = t.timestamp(*line, rec, idx[0], "interval_start", tz)?;
        regular.push(&t, *line, "interval_start", ts)?;
        let req_text = t.get(rec, idx[1]).ok_or_else(|| {
            t.err(
                *line,
                "agents_required",
                "empty",
                "write 0 when nobody is needed",
            )
        })?;
        let req = req_text.parse::<u32>().map_err(|_| {
            t.err(
                *line,
                "agents_required",
                format!("`{req_text}` is not a whole number of agents"),
                "write a whole number, 0 or more",
            )
        })?;
        let num = |i: usize, f: &str| -> Result<f64, InputError> {
            t.get(rec, idx[i])
                .map(|s| t.nonneg(*line, f, s))
                .transpose()
                .map(|v| v.unwrap_or(0.0))
        };
        rows.push(Requirement {
            volume: num(2, "volume")?,
            aht_seconds: num(3, "aht_seconds")?,
            agents_required: req,
            agent_volume: num(4, "agent_volume")?,
            backlog: num(5, "backlog")?,
            traffic_erlangs: num(6, "traffic_erlangs")?,
            agents_on_queue: num(7, "agents_on_queue")? as u32,
            service_level: num(8, "service_level")?,
            asa_seconds: num(9, "asa_seconds")?,
            occupancy: num(10, "occupancy")?,
            open: t.get(rec, idx[11]).is_none_or(|v| v != "no"),
        });
    }
    Ok(Requirements {
        grid: regular.grid(),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::Point;
    use chrono::NaiveDate;

    fn sc() -> Scenario {
        let mut s: Scenario = toml::from_str(include_str!("../scenarios/baseline.toml")).unwrap();
        s.horizon.interval = crate::time::Minutes(30);
        s
    }

    fn flat(vol: f64, n: usize) -> Forecast {
        let grid = Grid::new(
            NaiveDate::from_ymd_opt(2026, 11, 2)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
            30,
            n,
        );
        Forecast {
            grid,
            points: vec![
                Point {
                    volume: vol,
                    p10: vol,
                    p90: vol,
                    aht_seconds: Some(180.0),
                    event: None
                };
                n
            ],
        }
    }

    #[test]
    fn erlang_worked_example_through_the_stage() {
        // 100 chats per 30 min, AHT 180 s, one chat at a time, no bot, 80/20, 30% shrinkage
        let mut s = sc();
        s.service = toml::from_str("target_percent = 80\ntarget_answer = \"20s\"\nconcurrency = 1\ndeflection = 0.0\nshrinkage = 0.3\noccupancy_max = 0.85\nmin_agents = 0").unwrap();
        let r = requirements(&flat(100.0, 4), &s).unwrap();
        assert_eq!(r.rows[0].agents_on_queue, 14);
        assert_eq!(r.rows[0].agents_required, 20);
    }

    #[test]
    fn overnight_messages_move_to_the_morning() {
        let mut s = sc();
        s.service.hours = Some(["08:00".parse().unwrap(), "24:00".parse().unwrap()]);
        s.service.backlog_clear = crate::time::Minutes(60);
        let f = flat(30.0, 48);
        let r = requirements(&f, &s).unwrap();
        assert_eq!(r.rows[0].agents_required, 0);
        let night: f64 = (0..16)
            .map(|i| f.points[i].volume * (1.0 - s.service.deflection))
            .sum();
        assert!((r.rows[16].backlog + r.rows[17].backlog - night).abs() < 1e-9);
        assert!(r.rows[16].agents_required > r.rows[20].agents_required);
        // volume is conserved: every chat is served somewhere
        let served: f64 = r.rows.iter().map(|x| x.agent_volume).sum();
        let arrived: f64 = f
            .points
            .iter()
            .map(|p| p.volume * (1.0 - s.service.deflection))
            .sum();
        assert!((served - arrived).abs() < 1e-6);
    }

    #[test]
    fn more_deflection_needs_fewer_agents() {
        let mut s = sc();
        s.service.hours = None;
        let a = requirements(&flat(300.0, 2), &s).unwrap().rows[0].agents_required;
        s.service.deflection = 0.8;
        let b = requirements(&flat(300.0, 2), &s).unwrap().rows[0].agents_required;
        assert!(b < a, "{b} < {a}");
    }
}
