//! Agent time the service target does not need, given to offline work.
//!
//! Under a day or week target the contracts often buy more service than the target asks: every
//! full-timer works their hours, and the week ends well above it. A supervisor then takes
//! agents off the queue for offline work — training, coaching, back-office tickets — where the
//! queue misses them least. [`give_surplus`] does that to a roster: blocks of
//! `service.offline_block` inside shifts (on the queue, not in a break), each taken where the
//! queue model's service level stays highest (then where it costs the fewest chats answered in
//! time), while the day or the week stays at or above its aim, every interval keeps
//! `service.min_agents` by head and the floor's service level with a cushion
//! ([`FLOOR_CUSHION`]), and the occupancy cap holds over the same chats. Paid hours do not change; the blocks are in
//! the roster's `offline` column. [`expected`] is the model's level of a roster as it is.

use crate::model::time::Grid;
use crate::model::{Roster, WorkShift};
use crate::scenario::agents::Agent;
use crate::scenario::Scenario;
use crate::staffing::requirements::{self, Requirements};
use chrono::{Duration, NaiveDateTime};
use serde::Serialize;
use std::collections::BTreeMap;

/// Offline work never leaves an interval's expected service level within this much of the
/// floor (`service.floor_percent`).
pub const FLOOR_CUSHION: f64 = 0.10;

/// What [`give_surplus`] did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Surplus {
    /// Blocks of offline work placed.
    pub blocks: usize,
    /// Their agent-hours (paid, off the queue).
    pub agent_hours: f64,
    /// The queue model's service level per group (the day, or the horizon) before and after.
    pub expected_before: Vec<f64>,
    pub expected_after: Vec<f64>,
}

/// An open interval as the queue model sees it.
struct Interval {
    chats: f64,
    /// Share of scheduled agents on the queue (1 − shrinkage).
    on: f64,
    /// Service level and chat slots held at 0, 1, … agents on the queue.
    sl: Vec<f64>,
    held: Vec<f64>,
    /// Slots an agent on the queue offers (concurrency).
    k: f64,
    group: usize,
}

impl Interval {
    fn at(curve: &[f64], on_queue: f64) -> f64 {
        requirements::curve_at(curve, on_queue)
    }
    /// Chats answered in time with `cover` agents scheduled.
    fn within(&self, cover: f64) -> f64 {
        self.chats * Self::at(&self.sl, cover * self.on)
    }
    fn held(&self, cover: f64) -> f64 {
        Self::at(&self.held, cover * self.on)
    }
    fn slots(&self, cover: f64) -> f64 {
        self.k * cover * self.on
    }
    /// What going from `now` to `then` agents scheduled does to its group's totals (chats
    /// unchanged).
    fn change(&self, now: f64, then: f64) -> Group {
        Group {
            within: self.within(then) - self.within(now),
            chats: 0.0,
            held: self.held(then) - self.held(now),
            slots: self.slots(then) - self.slots(now),
        }
    }
}

/// Per group: chats answered in time, chats, slots held and slots on the queue.
#[derive(Debug, Clone, Copy, Default)]
struct Group {
    within: f64,
    chats: f64,
    held: f64,
    slots: f64,
}

impl std::ops::AddAssign for Group {
    fn add_assign(&mut self, d: Group) {
        self.within += d.within;
        self.chats += d.chats;
        self.held += d.held;
        self.slots += d.slots;
    }
}

impl Group {
    fn level(&self) -> f64 {
        if self.chats > 0.0 {
            self.within / self.chats
        } else {
            1.0
        }
    }
}

/// The queue as the offline work leaves it: each interval's model and cover, each group's
/// totals, and what a block must keep.
struct Queue<'a> {
    ivs: Vec<Option<Interval>>,
    cover: Vec<f64>,
    /// Agents on the queue by head, and the fewest an open interval may have
    /// (`service.min_agents`).
    heads: Vec<u32>,
    least: u32,
    open: Vec<bool>,
    groups: Vec<Group>,
    aims: &'a [f64],
    keep: &'a [bool],
    block: usize,
    /// The lowest service level an interval may be left at (the floor's, and a cushion).
    cushion: f64,
    cap: f64,
}

/// How good a block is: the lowest service level it leaves in its intervals (higher is
/// better), then the chats answered in time it costs (fewer is better).
#[derive(Debug, Clone, Copy)]
struct Score {
    lowest: f64,
    loss: f64,
}

impl Score {
    fn better_than(&self, o: &Score) -> bool {
        self.lowest > o.lowest + 1e-12
            || (self.lowest > o.lowest - 1e-12 && self.loss < o.loss - 1e-12)
    }
}

impl Queue<'_> {
    /// `c` scored, or None when it may not go: it touches an interval to keep, takes one below
    /// its floor's agents or the cushion, or a group below its aim or past the occupancy cap.
    fn score(&self, c: &Candidate) -> Option<Score> {
        let ks = c.first..c.first + self.block;
        if ks
            .clone()
            .any(|k| self.keep.get(k).copied().unwrap_or(false))
        {
            return None;
        }
        let (mut loss, mut lowest) = (0.0, f64::INFINITY);
        let mut moved: BTreeMap<usize, Group> = BTreeMap::new();
        for k in ks {
            // `service.min_agents` by head in every open interval, chats or not
            if self.open[k] && self.heads[k] < self.least + 1 {
                return None;
            }
            let Some(iv) = &self.ivs[k] else {
                continue;
            };
            let (now, then) = (self.cover[k], self.cover[k] - c.weight);
            // a cushion above the floor's service level (the queue's own noise); not the plan's
            // floor in whole agents, which rounds the agents on the queue up and then the agents
            // scheduled up again
            let level = Interval::at(&iv.sl, then * iv.on);
            if level < self.cushion {
                return None;
            }
            lowest = lowest.min(level);
            let d = iv.change(now, then);
            loss -= d.within;
            *moved.entry(iv.group).or_default() += d;
        }
        let keeps = moved.into_iter().all(|(g, d)| {
            let mut after = self.groups[g];
            after += d;
            after.level() >= self.aims.get(g).copied().unwrap_or(f64::INFINITY) - 1e-12
                && after.held <= self.cap * after.slots + 1e-9
        });
        keeps.then_some(Score { lowest, loss })
    }

    /// `c` taken off the queue.
    fn take(&mut self, c: &Candidate) {
        for k in c.first..c.first + self.block {
            if let Some(iv) = &self.ivs[k] {
                self.groups[iv.group] += iv.change(self.cover[k], self.cover[k] - c.weight);
            }
            self.cover[k] -= c.weight;
            self.heads[k] -= 1;
        }
    }
}

/// A block that could go offline: roster entry, first interval, agent's productivity.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    entry: usize,
    first: usize,
    weight: f64,
}

/// Takes surplus agent time of `roster` off the queue for offline work (module doc): `req` the
/// requirements the plan was made with (calibrated), `aims` the service level (0–1) each group
/// — each day under a day target, the horizon under a week target — is kept at or above (a
/// group without one gives nothing), `carried` agents of last week's roster on the queue,
/// `keep` the intervals no block may touch (where a simulation found the queue too thin).
pub fn give_surplus(
    sc: &Scenario,
    req: &Requirements,
    roster: &Roster,
    agents: &[Agent],
    aims: &[f64],
    carried: Option<&[u32]>,
    keep: &[bool],
) -> (Roster, Surplus) {
    let grid = req.grid;
    let step = grid.step_minutes;
    let block = (sc.service.offline_block(step) / step).max(1) as usize;
    let most = (sc.service.offline_max_per_shift(step) / step) as usize;
    let weight_of = productivities(sc, agents);
    let weight = |id: &str| weight_of.get(id).copied().unwrap_or(1.0);
    let (ivs, cover, groups) = modelled(sc, req, roster, agents, carried);
    let before: Vec<f64> = groups.iter().map(Group::level).collect();
    let heads = roster
        .cover(&grid, |_| 1.0)
        .iter()
        .enumerate()
        .map(|(k, h)| h.round() as u32 + carried.map_or(0, |c| c.get(k).copied().unwrap_or(0)))
        .collect();
    let mut queue = Queue {
        ivs,
        cover,
        heads,
        least: sc.service.min_agents,
        open: req.rows.iter().map(|r| r.open).collect(),
        groups,
        aims,
        keep,
        block,
        cushion: sc.service.floor() / 100.0 + FLOOR_CUSHION,
        cap: sc.service.occupancy_max,
    };
    let mut out = roster.clone();
    let mut used = vec![0usize; out.entries.len()];
    // per entry: where its blocks could start (recomputed for the entry given a block)
    let mut firsts: Vec<Vec<usize>> = out
        .entries
        .iter()
        .map(|e| {
            e.shift
                .as_ref()
                .map_or(Vec::new(), |s| starts(s, &grid, block))
        })
        .collect();
    let mut blocks = 0usize;
    loop {
        let mut best: Option<(Score, Candidate)> = None;
        for (i, f) in firsts.iter().enumerate() {
            if used[i] + block > most {
                continue;
            }
            let weight = weight(&out.entries[i].agent_id);
            for &first in f {
                let c = Candidate {
                    entry: i,
                    first,
                    weight,
                };
                if let Some(score) = queue.score(&c) {
                    if best.as_ref().is_none_or(|(b, _)| score.better_than(b)) {
                        best = Some((score, c));
                    }
                }
            }
        }
        let Some((_, c)) = best else {
            break;
        };
        queue.take(&c);
        let s = out.entries[c.entry]
            .shift
            .as_mut()
            .expect("candidates are shifts");
        let from = grid.at(c.first);
        add_block(
            &mut s.offline,
            (from, from + Duration::minutes((block as u32 * step) as i64)),
        );
        firsts[c.entry] = starts(s, &grid, block);
        used[c.entry] += block;
        blocks += 1;
    }
    let groups = queue.groups;
    let after = groups.iter().map(Group::level).collect();
    (
        out,
        Surplus {
            blocks,
            agent_hours: blocks as f64 * (block as u32 * step) as f64 / 60.0,
            expected_before: before,
            expected_after: after,
        },
    )
}

/// The queue model's service level of `roster` as it is, per group (each day under a day
/// target, the horizon under a week target): what [`give_surplus`] starts from.
pub fn expected(
    sc: &Scenario,
    req: &Requirements,
    roster: &Roster,
    agents: &[Agent],
    carried: Option<&[u32]>,
) -> Vec<f64> {
    let (_, _, groups) = modelled(sc, req, roster, agents, carried);
    groups.iter().map(Group::level).collect()
}

/// Each agent's productivity by id.
fn productivities<'a>(sc: &Scenario, agents: &'a [Agent]) -> BTreeMap<&'a str, f64> {
    agents
        .iter()
        .map(|a| (a.id.as_str(), sc.productivity(&a.contract)))
        .collect()
}

/// `roster` in the queue model: each interval's model, its cover in trained-agent equivalents
/// (with last week's agents, `carried`), and each group's totals.
fn modelled(
    sc: &Scenario,
    req: &Requirements,
    roster: &Roster,
    agents: &[Agent],
    carried: Option<&[u32]>,
) -> (Vec<Option<Interval>>, Vec<f64>, Vec<Group>) {
    let weight_of = productivities(sc, agents);
    let mut cover = roster.cover(&req.grid, |id| weight_of.get(id).copied().unwrap_or(1.0));
    if let Some(c) = carried {
        for (x, c) in cover.iter_mut().zip(c) {
            *x += *c as f64;
        }
    }
    let ivs = intervals(sc, req, &cover);
    let groups = groups_of(&ivs, &cover);
    (ivs, cover, groups)
}

/// `b` added to a shift's offline work, merged with the blocks it touches.
fn add_block(blocks: &mut Vec<(NaiveDateTime, NaiveDateTime)>, b: (NaiveDateTime, NaiveDateTime)) {
    blocks.push(b);
    blocks.sort();
    let mut merged: Vec<(NaiveDateTime, NaiveDateTime)> = Vec::with_capacity(blocks.len());
    for &(a, z) in blocks.iter() {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(z),
            _ => merged.push((a, z)),
        }
    }
    *blocks = merged;
}

/// The queue model of each open interval with chats (None for the others), its curves long
/// enough for the cover it has.
fn intervals(sc: &Scenario, req: &Requirements, cover: &[f64]) -> Vec<Option<Interval>> {
    let k = requirements::sharing(sc, &requirements::queues(sc)[0]).k as f64;
    let per_day = req.grid.per_day();
    req.rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            if !r.open || r.agent_volume <= 0.0 {
                return None;
            }
            let on = 1.0 - r.shrinkage;
            let upto = (cover[i] * on).ceil() as u32 + 1;
            let (sl, held) = requirements::interval_model(sc, r, upto)
                .into_iter()
                .unzip();
            Some(Interval {
                chats: r.agent_volume,
                on,
                sl,
                held,
                k,
                group: sc.service.target_scope.group(i, per_day),
            })
        })
        .collect()
}

fn groups_of(ivs: &[Option<Interval>], cover: &[f64]) -> Vec<Group> {
    let n = ivs
        .iter()
        .flatten()
        .map(|iv| iv.group + 1)
        .max()
        .unwrap_or(0);
    let mut g = vec![Group::default(); n];
    for (iv, c) in ivs.iter().zip(cover) {
        if let Some(iv) = iv {
            let x = &mut g[iv.group];
            x.within += iv.within(*c);
            x.chats += iv.chats;
            x.held += iv.held(*c);
            x.slots += iv.slots(*c);
        }
    }
    g
}

/// First intervals of `block` consecutive intervals of `grid` that shift `s` is on the queue
/// in and that end inside the shift: where a block of offline work could start.
fn starts(s: &WorkShift, grid: &Grid, block: usize) -> Vec<usize> {
    let on: Vec<usize> = s.queue_intervals(grid).collect();
    on.windows(block)
        .filter(|w| w[block - 1] - w[0] == block - 1)
        .filter(|w| grid.at(w[block - 1]) + Duration::minutes(grid.step_minutes as i64) <= s.end)
        .map(|w| w[0])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 2)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    #[test]
    fn blocks_that_touch_are_one_stretch_of_offline_work() {
        let mut v = vec![(at(9, 0), at(9, 30))];
        add_block(&mut v, (at(10, 0), at(10, 30)));
        add_block(&mut v, (at(9, 30), at(10, 0)));
        assert_eq!(v, vec![(at(9, 0), at(10, 30))]);
        add_block(&mut v, (at(14, 0), at(14, 30)));
        assert_eq!(v, vec![(at(9, 0), at(10, 30)), (at(14, 0), at(14, 30))]);
    }

    #[test]
    fn blocks_start_where_the_shift_is_on_the_queue_for_their_whole_length() {
        let grid = Grid::new(at(0, 0), 15, 96);
        // 09:00–13:00 with a break 11:00–11:30
        let s = WorkShift {
            label: "x".into(),
            start: at(9, 0),
            end: at(13, 0),
            breaks: vec![(at(11, 0), at(11, 30))],
            ..Default::default()
        };
        let firsts: Vec<NaiveDateTime> = starts(&s, &grid, 2)
            .into_iter()
            .map(|k| grid.at(k))
            .collect();
        // 09:00 … 10:30 before the break, 11:30 … 12:30 after it
        assert_eq!(firsts.first(), Some(&at(9, 0)));
        assert!(firsts.contains(&at(10, 30)) && !firsts.contains(&at(10, 45)));
        assert!(firsts.contains(&at(11, 30)) && firsts.contains(&at(12, 30)));
        assert!(!firsts.contains(&at(12, 45)));
        assert_eq!(firsts.len(), 7 + 5);
    }
}
