//! The model types every stage shares: time and the interval grid ([`time`]), shift templates
//! ([`shift`]), and here a roster of named agents, their days and shifts. They sit at the
//! bottom of the crate: readers, stages, rules and the checker build on them.

pub mod shift;
pub mod time;

use crate::model::shift::Template;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

/// A worked shift with concrete times.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct WorkShift {
    pub label: String,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    /// Unpaid (meal) breaks.
    pub breaks: Vec<(NaiveDateTime, NaiveDateTime)>,
    /// Short paid breaks: off the queue, paid.
    pub paid_breaks: Vec<(NaiveDateTime, NaiveDateTime)>,
    /// Paid minutes off the queue at the start (preparation) and at the end (wrap-up).
    pub prep: u32,
    pub wrap_up: u32,
    /// The queues the agent serves on this shift; empty: every queue their skills allow.
    pub queues: Vec<String>,
    /// Paid time off the queue for offline work (training, back-office): where the roster has
    /// more agents than the service target needs, `paiban run` gives the surplus to this.
    pub offline: Vec<(NaiveDateTime, NaiveDateTime)>,
}

impl WorkShift {
    pub fn from_template(date: NaiveDate, t: &Template) -> Self {
        let s = date.and_hms_opt(0, 0, 0).expect("midnight") + Duration::minutes(t.start as i64);
        let breaks = t
            .break_offset
            .map(|b| {
                let bs = s + Duration::minutes(b as i64);
                vec![(bs, bs + Duration::minutes(t.break_len as i64))]
            })
            .unwrap_or_default();
        let at = |off: u32, len: u32| {
            let a = s + Duration::minutes(off as i64);
            (a, a + Duration::minutes(len as i64))
        };
        WorkShift {
            label: t.id.clone(),
            start: s,
            end: s + Duration::minutes(t.length as i64),
            breaks,
            paid_breaks: t.short_breaks.iter().map(|(o, l)| at(*o, *l)).collect(),
            prep: t.prep,
            wrap_up: t.wrap_up,
            queues: Vec::new(),
            offline: Vec::new(),
        }
    }
    /// Start and end as minutes after the midnight of the start's date (the end past 1440
    /// for overnight shifts).
    pub fn minutes(&self) -> (u32, u32) {
        let s = crate::model::time::minute_of_day(self.start);
        (s, s + (self.end - self.start).num_minutes() as u32)
    }
    pub fn paid_hours(&self) -> f64 {
        let brk: i64 = self
            .breaks
            .iter()
            .map(|(a, b)| (*b - *a).num_minutes())
            .sum();
        ((self.end - self.start).num_minutes() - brk) as f64 / 60.0
    }
    /// Works some time between 00:00 and 06:00.
    pub fn is_night(&self) -> bool {
        let next = self.start.date().and_hms_opt(0, 0, 0).expect("midnight") + Duration::days(1);
        crate::model::time::minute_of_day(self.start) < crate::model::shift::NIGHT_ENDS
            || self.end > next
    }
    /// The intervals of `g` the agent is on the queue in (at each interval's start): what
    /// coverage counts, in the checker and in every model that adds rostered shifts up.
    pub fn queue_intervals<'g>(
        &'g self,
        g: &'g crate::model::time::Grid,
    ) -> impl Iterator<Item = usize> + 'g {
        let step = g.step_minutes as i64;
        let from = (self.start - g.start).num_minutes().max(0) / step;
        let to = ((self.end - g.start).num_minutes().max(0) + step - 1) / step;
        ((from as usize).min(g.len)..(to as usize).min(g.len))
            .filter(move |k| self.on_queue(g.at(*k)))
    }
    pub fn on_queue(&self, t: NaiveDateTime) -> bool {
        t >= self.start + Duration::minutes(self.prep as i64)
            && t < self.end - Duration::minutes(self.wrap_up as i64)
            && !self
                .breaks
                .iter()
                .chain(&self.paid_breaks)
                .chain(&self.offline)
                .any(|(a, b)| t >= *a && t < *b)
    }
}

/// One agent's day: a shift or a day off.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub agent_id: String,
    pub date: NaiveDate,
    pub shift: Option<WorkShift>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Roster {
    pub dates: Vec<NaiveDate>,
    pub entries: Vec<Entry>,
}

impl Roster {
    /// Its entries dated before `start`'s day whose shifts run past `start`: last week's
    /// overnight shifts that reach into a horizon starting then.
    pub fn reaching_past(&self, start: NaiveDateTime) -> impl Iterator<Item = &Entry> {
        self.entries
            .iter()
            .filter(move |e| e.date < start.date())
            .filter(move |e| e.shift.as_ref().is_some_and(|s| s.end > start))
    }

    /// Agents on the queue per interval of `grid`, each counting `weight(agent id)` (1 for
    /// heads, the contract's productivity for trained-agent equivalents).
    pub fn cover(&self, grid: &crate::model::time::Grid, weight: impl Fn(&str) -> f64) -> Vec<f64> {
        let mut cov = vec![0.0; grid.len];
        for e in &self.entries {
            if let Some(s) = &e.shift {
                let w = weight(&e.agent_id);
                for i in s.queue_intervals(grid) {
                    cov[i] += w;
                }
            }
        }
        cov
    }
}
