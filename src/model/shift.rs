//! A shift template: start, length, meal break, paid time off the queue; the shape every
//! plan, roster and worked shift is cut from. Which templates a scenario allows is
//! [`crate::plan::shifts`]' business.

use crate::model::time::Clock;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Template {
    /// e.g. `07:00-16:00/b11:00`; unique within a scenario.
    pub id: String,
    pub family: String,
    pub contracts: Vec<String>,
    /// Minutes after the midnight that starts the shift's day.
    pub start: u32,
    pub length: u32,
    /// Break start as minutes after the shift start, and its length.
    pub break_offset: Option<u32>,
    pub break_len: u32,
    /// Paid minutes off the queue at the start (log-in, briefing) and at the end (handover).
    pub prep: u32,
    pub wrap_up: u32,
    /// Short paid breaks placed by the plan: (minutes after the shift start, length). Empty
    /// in the templates [`crate::plan::shifts::templates`] generates; the plan places them.
    pub short_breaks: Vec<(u32, u32)>,
}

/// Minutes after midnight before which work counts as night work.
pub const NIGHT_ENDS: u32 = 6 * 60;

impl Template {
    pub fn end(&self) -> u32 {
        self.start + self.length
    }
    /// Works some time between 00:00 and 06:00 (on its day or, crossing midnight, the next).
    pub fn is_night(&self) -> bool {
        self.start < NIGHT_ENDS || self.end() > 1440
    }
    pub fn paid_minutes(&self) -> u32 {
        self.length - self.break_len
    }
    pub fn paid_hours(&self) -> f64 {
        self.paid_minutes() as f64 / 60.0
    }
    /// Is the agent on the queue at `m` minutes after the day's midnight (may exceed 1440)?
    pub fn on_queue(&self, m: u32) -> bool {
        if m < self.start + self.prep || m + self.wrap_up >= self.end() {
            return false;
        }
        let inside = |(off, len): (u32, u32)| m >= self.start + off && m < self.start + off + len;
        !self
            .break_offset
            .is_some_and(|b| inside((b, self.break_len)))
            && !self.short_breaks.iter().any(|b| inside(*b))
    }
    /// This template with its short breaks placed (offsets from the start and lengths).
    pub fn with_short_breaks(&self, placed: &[(u32, u32)]) -> Template {
        let mut id = self.id.clone();
        for (off, _) in placed {
            id.push_str(&format!("/s{}", clock(self.start + off)));
        }
        Template {
            id,
            short_breaks: placed.to_vec(),
            ..self.clone()
        }
    }
    /// The template without its short breaks placed (the one [`crate::plan::shifts::templates`] generated).
    pub fn base_id(&self) -> &str {
        self.id.split("/s").next().expect("split yields one piece")
    }
    /// Interval offsets (from the day's first interval) during which the agent is on the queue.
    pub fn on_queue_intervals(&self, step: u32) -> Vec<usize> {
        (self.start / step..self.end().div_ceil(step))
            .filter(|&k| self.on_queue(k * step))
            .map(|k| k as usize)
            .collect()
    }
}

/// `m` minutes after midnight as a clock time (`HH:MM`, wrapping past midnight).
pub(crate) fn clock(m: u32) -> String {
    Clock(m % 1440).to_string()
}
