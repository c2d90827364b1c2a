//! One employee's best schedules under given cover duals: a resource-constrained shortest
//! path over the days (labels: last shift or off, the current run's length, shifts of each
//! limited type, minutes, weekends worked), with dominance between labels that can only do
//! worse. Every rule of [`Problem`] is kept exactly — a schedule found here passes
//! [`super::evaluate`] — so the column generation master built on it bounds the whole problem.

use super::model::Problem;
use crate::solver::colgen::{Branch, Column, Effort, Priced, Pricer};
use std::collections::BTreeMap;

/// The pricing problem of every employee of one instance.
pub struct NrpPricer<'a> {
    p: &'a Problem,
    /// `cover_rows[d * shifts + s]`: the rows (cover requirements) counting shift `s` on day `d`.
    cover_rows: Vec<Vec<usize>>,
    /// Per employee, day and choice (0: off, s + 1: shift s), the request penalty; `None`
    /// where the choice is not allowed (fixed day off, a type the contract excludes).
    day_cost: Vec<Vec<Vec<Option<f64>>>>,
    /// Per day, the weekend it belongs to (`None`: a weekday).
    weekend_of: Vec<Option<usize>>,
    /// Per shift type, its class + 1: types that forbid the same types after them leave the
    /// same future, so a label remembers the class of its last shift, not the type.
    class_of: Vec<u8>,
    /// Per class + 1 (0: a day off), the types that may not follow it.
    forbids: Vec<Vec<bool>>,
}

/// A partial schedule at the end of a day.
#[derive(Clone)]
struct Label {
    cost: f64,
    minutes: u32,
    weekends: u8,
    /// Shifts worked of each limited type.
    counts: Counts,
    node: u32,
}

/// The state a label's future depends on besides its resources.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    /// 0: off, c + 1: a shift of class c (see [`NrpPricer::class_of`]).
    last: u8,
    /// The current run's length (capped where longer changes nothing).
    run: u8,
    /// The current run began on the first day (no minimum length applies to it).
    first: bool,
    /// Worked on a day of the current weekend already.
    weekend_worked: bool,
}

impl<'a> NrpPricer<'a> {
    /// The pricing of `p`'s employees, with one linking row per cover requirement in the order
    /// of `p.cover` (the decomposition's master and the construction's prices alike).
    pub fn new(p: &'a Problem) -> NrpPricer<'a> {
        let ns = p.shifts.len();
        let mut cover_rows = vec![Vec::new(); p.days * ns];
        for (r, c) in p.cover.iter().enumerate() {
            cover_rows[c.day * ns + c.shift].push(r);
        }
        let mut day_cost = Vec::with_capacity(p.employees.len());
        for (e, emp) in p.employees.iter().enumerate() {
            let mut days = vec![vec![Some(0.0); ns + 1]; p.days];
            for (d, row) in days.iter_mut().enumerate() {
                if emp.days_off.contains(&d) {
                    row[1..].iter_mut().for_each(|c| *c = None);
                }
                for s in 0..ns {
                    if emp.max_shifts[s] == 0 {
                        row[s + 1] = None;
                    }
                }
            }
            for r in p.requests.iter().filter(|r| r.employee == e) {
                let row = &mut days[r.day];
                for (k, c) in row.iter_mut().enumerate() {
                    let is = k == r.shift + 1;
                    if let Some(c) = c {
                        if is != r.on {
                            *c += r.weight;
                        }
                    }
                }
            }
            day_cost.push(days);
        }
        let mut weekend_of = vec![None; p.days];
        for (i, (_, ds)) in p.weekend_days().into_iter().enumerate() {
            for d in ds {
                weekend_of[d] = Some(i);
            }
        }
        let (class_of, forbids) = succession_classes(p);
        NrpPricer {
            p,
            cover_rows,
            day_cost,
            weekend_of,
            class_of,
            forbids,
        }
    }

    /// Per day and choice (0: off, s + 1: shift s), the reduced cost at duals `pi` (`None`:
    /// not allowed).
    fn reduced_costs(&self, e: usize, pi: &[f64]) -> Vec<Vec<Option<f64>>> {
        let ns = self.p.shifts.len();
        (0..self.p.days)
            .map(|d| {
                (0..=ns)
                    .map(|k| {
                        self.day_cost[e][d][k].map(|c| {
                            if k == 0 {
                                c
                            } else {
                                c - self.cover_rows[d * ns + k - 1]
                                    .iter()
                                    .map(|&r| pi[r])
                                    .sum::<f64>()
                            }
                        })
                    })
                    .collect()
            })
            .collect()
    }

    /// Every employee's reduced cost per day and choice at duals `pi` (as [`Self::reduced_costs`]).
    pub fn reduced_cost_tables(&self, pi: &[f64]) -> Vec<Vec<Vec<Option<f64>>>> {
        (0..self.p.employees.len())
            .map(|e| self.reduced_costs(e, pi))
            .collect()
    }

    /// A cheapest schedule of `e` at duals `pi` (0: off, s + 1: shift s per day): the labelling
    /// with a few labels per state. Where none of those completes (a contract minimum the
    /// cheapest labels fell short of), every worked minute is rewarded more and more (the
    /// labels kept then work more), then more labels are kept, then the exact labelling.
    /// `None`: no schedule within the rules was found.
    pub fn cheapest(&self, e: usize, pi: &[f64]) -> Option<Vec<u16>> {
        let rc = self.reduced_costs(e, pi);
        let first = |rc: &[Vec<Option<f64>>], cap| {
            let found = self.search(e, rc, f64::INFINITY, cap)?;
            let best = found.labels.first()?;
            Some(found.tree.path(best.node, self.p.days))
        };
        if let Some(s) = first(&rc, Some(BUCKET_CAP)) {
            return Some(s);
        }
        // a reward per minute worked of 1, 10 and 1000 weight units per 8 hours
        for reward in [1.0, 10.0, 1000.0] {
            let per_minute = reward / 480.0;
            let mut work = rc.clone();
            for day in &mut work {
                for (k, c) in day.iter_mut().enumerate().skip(1) {
                    if let Some(c) = c {
                        *c -= per_minute * f64::from(self.p.shifts[k - 1].minutes);
                    }
                }
            }
            if let Some(s) = first(&work, Some(BUCKET_CAP)) {
                return Some(s);
            }
        }
        first(&rc, Some(8 * BUCKET_CAP)).or_else(|| first(&rc, None))
    }

    /// The column of employee `e` working `schedule` (0: off, s + 1: shift s per day).
    pub fn column(&self, e: usize, schedule: &[u16]) -> Column {
        let ns = self.p.shifts.len();
        let mut cost = 0.0;
        let mut rows = Vec::new();
        for (d, &k) in schedule.iter().enumerate() {
            cost += self.day_cost[e][d][k as usize].unwrap_or(f64::INFINITY);
            if k > 0 {
                let s = k as usize - 1;
                rows.extend(self.cover_rows[d * ns + s].iter().map(|&r| (r, 1.0)));
            }
        }
        Column {
            block: e,
            cost,
            rows,
            payload: schedule.to_vec(),
        }
    }
}

/// Per shift type its class + 1 and per class + 1 (0: off) the types forbidden after it:
/// types with the same forbidden successors share a class.
fn succession_classes(p: &Problem) -> (Vec<u8>, Vec<Vec<bool>>) {
    let ns = p.shifts.len();
    let mut forbids: Vec<Vec<bool>> = vec![vec![false; ns]];
    let class_of = p
        .shifts
        .iter()
        .map(|st| {
            let row: Vec<bool> = (0..ns).map(|t| st.cannot_follow.contains(&t)).collect();
            let c = match forbids[1..].iter().position(|f| *f == row) {
                Some(i) => i + 1,
                None => {
                    forbids.push(row);
                    forbids.len() - 1
                }
            };
            u8::try_from(c).expect("at most 255 succession classes")
        })
        .collect();
    (class_of, forbids)
}

/// The search tree of one pricing call: each node a choice and its parent.
struct Tree {
    parent: Vec<u32>,
    choice: Vec<u8>,
}

impl Tree {
    fn push(&mut self, parent: u32, choice: u8) -> u32 {
        self.parent.push(parent);
        self.choice.push(choice);
        (self.parent.len() - 1) as u32
    }
    fn path(&self, mut node: u32, days: usize) -> Vec<u16> {
        let mut out = vec![0u16; days];
        for d in (0..days).rev() {
            out[d] = u16::from(self.choice[node as usize]);
            node = self.parent[node as usize];
        }
        out
    }
}

/// Shifts worked of each limited type: packed in as many bits as each type's limit needs
/// where they all fit in 128, else one number each.
#[derive(Clone)]
enum Counts {
    Packed(u128),
    Wide(Box<[u16]>),
}

/// Where each limited type's count lives in [`Counts`].
struct CountLayout {
    /// Per limited type: its bit offset and mask (packed), or its index (wide).
    fields: Vec<(u32, u128)>,
    wide: bool,
}

impl CountLayout {
    /// A field for each of `limits` (each type's most shifts).
    fn new(limits: &[u32]) -> CountLayout {
        let widths: Vec<u32> = limits.iter().map(|&m| 32 - m.leading_zeros()).collect();
        let wide = widths.iter().sum::<u32>() > 128;
        let mut offset = 0;
        let fields = widths
            .iter()
            .enumerate()
            .map(|(i, &w)| {
                if wide {
                    (i as u32, 0)
                } else {
                    let f = (offset, ((1u128 << w) - 1) << offset);
                    offset += w;
                    f
                }
            })
            .collect();
        CountLayout { fields, wide }
    }
    fn zero(&self) -> Counts {
        if self.wide {
            Counts::Wide(vec![0; self.fields.len()].into_boxed_slice())
        } else {
            Counts::Packed(0)
        }
    }
    fn get(&self, c: &Counts, i: usize) -> u32 {
        let (at, mask) = self.fields[i];
        match c {
            Counts::Packed(v) => ((v & mask) >> at) as u32,
            Counts::Wide(v) => u32::from(v[at as usize]),
        }
    }
    /// One more of type `i` (the caller has checked it stays within its limit).
    fn bump(&self, c: &mut Counts, i: usize) {
        let (at, _) = self.fields[i];
        match c {
            Counts::Packed(v) => *v += 1 << at,
            Counts::Wide(v) => v[at as usize] += 1,
        }
    }
    /// Every count of `a` at most `b`'s.
    fn le(&self, a: &Counts, b: &Counts) -> bool {
        (0..self.fields.len()).all(|i| self.get(a, i) <= self.get(b, i))
    }
}

/// `a` can do everything `b` can, at no more cost.
fn dominates(a: &Label, b: &Label, min_minutes: u32, layout: &CountLayout) -> bool {
    if a.cost > b.cost + 1e-9 || a.weekends > b.weekends {
        return false;
    }
    let minutes_ok = a.minutes == b.minutes || (a.minutes <= b.minutes && a.minutes >= min_minutes);
    if !minutes_ok {
        return false;
    }
    layout.le(&a.counts, &b.counts)
}

impl Pricer for NrpPricer<'_> {
    fn price(
        &self,
        e: usize,
        pi: &[f64],
        threshold: f64,
        max_columns: usize,
        effort: Effort,
        branches: &[Branch],
    ) -> Option<Priced> {
        let p = self.p;
        // per day and choice, the reduced cost (None: not allowed)
        let mut rc = self.reduced_costs(e, pi);
        // the branching decisions: a shift required or ruled out on a day
        for b in branches {
            let c = &p.cover[b.row];
            let day = &mut rc[c.day];
            for (k, cost) in day.iter_mut().enumerate() {
                if (k == c.shift + 1) != b.covers {
                    *cost = None;
                }
            }
        }
        // the cheapest few labels of each state: quick, and no bound from it
        let heuristic = || {
            let found = self.search(e, &rc, threshold, Some(BUCKET_CAP))?;
            Some(Priced {
                columns: self.best_columns(e, &found, threshold, max_columns),
                least: f64::NEG_INFINITY,
            })
        };
        match effort {
            Effort::Quick => return heuristic(),
            Effort::Heuristic => {
                if let Some(h) = heuristic().filter(|h| !h.columns.is_empty()) {
                    return Some(h);
                }
            }
            Effort::Exact => {}
        }
        match self.search(e, &rc, threshold, None) {
            Some(found) => {
                if found.labels.is_empty() && threshold.is_infinite() {
                    return None;
                }
                let least = found
                    .labels
                    .first()
                    .map_or(threshold, |l| l.cost.min(threshold));
                let columns = self.best_columns(e, &found, threshold, max_columns);
                Some(Priced { columns, least })
            }
            // too many labels to finish exactly: the heuristic's columns, no bound
            None => heuristic(),
        }
    }
}

/// Comparisons between labels an exact pricing call may make before it gives way to the
/// heuristic one (which keeps the cheapest few labels of each state).
const EXACT_WORK: u64 = 30_000_000;
const BUCKET_CAP: usize = 12;

/// The complete schedules a search kept, cheapest first, and the tree to read them from.
struct Found {
    labels: Vec<Label>,
    tree: Tree,
}

impl NrpPricer<'_> {
    /// Up to `max` distinct columns of reduced cost below `threshold`, cheapest first.
    fn best_columns(&self, e: usize, found: &Found, threshold: f64, max: usize) -> Vec<Column> {
        let mut columns: Vec<Column> = Vec::new();
        for l in found.labels.iter().filter(|l| l.cost < threshold) {
            let schedule = found.tree.path(l.node, self.p.days);
            if columns.iter().any(|c| c.payload == schedule) {
                continue;
            }
            columns.push(self.column(e, &schedule));
            if columns.len() == max {
                break;
            }
        }
        columns
    }

    /// The labelling over the days for employee `e` with day costs `rc`: every complete
    /// schedule not dominated and not provably at or above `threshold`. `cap`: keep at most
    /// that many labels per state (a heuristic); without it, `None` if the work runs over
    /// [`EXACT_WORK`].
    fn search(
        &self,
        e: usize,
        rc: &[Vec<Option<f64>>],
        threshold: f64,
        cap: Option<usize>,
    ) -> Option<Found> {
        let p = self.p;
        let emp = &p.employees[e];
        let ns = p.shifts.len();
        let nd = p.days;
        let max_shift_minutes = (0..ns)
            .filter(|&s| emp.max_shifts[s] > 0)
            .map(|s| p.shifts[s].minutes)
            .max()
            .unwrap_or(0);
        // the types whose limit can bind (below the days the employee could work at all, by
        // days and by minutes): a resource each
        let workable = (nd - emp.days_off.iter().filter(|&&d| d < nd).count()) as u32;
        let limited: Vec<usize> = (0..ns)
            .filter(|&s| {
                let by_minutes = emp
                    .max_minutes
                    .checked_div(p.shifts[s].minutes)
                    .unwrap_or(u32::MAX);
                emp.max_shifts[s] > 0 && emp.max_shifts[s] < workable.min(by_minutes)
            })
            .collect();
        let layout = CountLayout::new(
            &limited
                .iter()
                .map(|&s| emp.max_shifts[s])
                .collect::<Vec<_>>(),
        );
        let slot: Vec<Option<usize>> = (0..ns)
            .map(|s| limited.iter().position(|&l| l == s))
            .collect();
        let weekends = self.weekend_of.iter().flatten().max().map_or(0, |m| m + 1);
        let step = Step {
            pr: self,
            e,
            slot: &slot,
            layout: &layout,
            weekends_bind: (emp.max_weekends as usize) < weekends,
        };
        // (no threshold: nothing to prune by, no table)
        let completion = if threshold.is_finite() {
            step.completion(rc)
        } else {
            Completion::none()
        };
        let choices = self.choices(rc, &slot);
        let mut tree = Tree {
            parent: Vec::new(),
            choice: Vec::new(),
        };
        let mut work = 0u64;
        crate::solver::work::charge_search();
        let mut labels: Vec<(Option<Key>, Label)> = vec![(
            None,
            Label {
                cost: 0.0,
                minutes: 0,
                weekends: 0,
                counts: layout.zero(),
                node: u32::MAX,
            },
        )];
        for d in 0..nd {
            let mut next: BTreeMap<Key, Vec<Label>> = BTreeMap::new();
            let new_weekend = self.weekend_of[d].is_some()
                && (d == 0 || self.weekend_of[d - 1] != self.weekend_of[d]);
            // the day's work, charged to the search's clock: extensions and comparisons
            let mut steps = labels.len() as u64;
            let compared = work;
            for (key, l) in &labels {
                for &k in &choices[d] {
                    steps += 1;
                    let k = usize::from(k);
                    let Some(c) = rc[d][k] else { continue };
                    let cost = l.cost + c;
                    let Some((nk, nl)) = step.extend(d, key, l, k as u8, cost, new_weekend) else {
                        continue;
                    };
                    let plain = Key {
                        weekend_worked: false,
                        ..nk
                    };
                    if cost + completion.after(d, &plain, nl.minutes) >= threshold {
                        continue;
                    }
                    if nl.minutes + max_shift_minutes * ((nd - d - 1) as u32) < emp.min_minutes {
                        continue;
                    }
                    let bucket = next.entry(nk).or_default();
                    work += bucket.len() as u64;
                    if bucket
                        .iter()
                        .any(|o| dominates(o, &nl, emp.min_minutes, &layout))
                    {
                        continue;
                    }
                    bucket.retain(|o| !dominates(&nl, o, emp.min_minutes, &layout));
                    if let Some(cap) = cap {
                        if bucket.len() >= cap {
                            let (worst, w) = bucket
                                .iter()
                                .enumerate()
                                .max_by(|a, b| a.1.cost.total_cmp(&b.1.cost))
                                .map(|(i, w)| (i, w.cost))
                                .expect("a full bucket");
                            if w <= nl.cost {
                                continue;
                            }
                            bucket.swap_remove(worst);
                        }
                    }
                    let node = tree.push(l.node, k as u8);
                    bucket.push(Label { node, ..nl });
                }
            }
            crate::solver::work::charge_labels(steps, work - compared);
            if cap.is_none() && work > EXACT_WORK {
                return None;
            }
            labels = next
                .into_iter()
                .flat_map(|(k, v)| v.into_iter().map(move |l| (Some(k), l)))
                .collect();
        }
        // complete schedules: the minutes' minimum is the last rule to check
        let mut done: Vec<Label> = labels
            .into_iter()
            .map(|(_, l)| l)
            .filter(|l| l.minutes >= emp.min_minutes)
            .collect();
        done.sort_by(|a, b| a.cost.total_cmp(&b.cost));
        Some(Found { labels: done, tree })
    }
}

impl NrpPricer<'_> {
    /// Per day, the choices worth extending by (0: off, s + 1: shift s): of the types no limit
    /// counts, only the cheapest of each succession class and length (the others lead to the
    /// same state at more cost).
    fn choices(&self, rc: &[Vec<Option<f64>>], slot: &[Option<usize>]) -> Vec<Vec<u16>> {
        let p = self.p;
        rc.iter()
            .map(|day| {
                let mut kept: Vec<u16> = Vec::with_capacity(day.len());
                if day[0].is_some() {
                    kept.push(0);
                }
                // per (class, minutes) of the unlimited types, the cheapest
                let mut cheapest: Vec<((u8, u32), usize, f64)> = Vec::new();
                for (s, c) in day.iter().enumerate().skip(1).map(|(k, c)| (k - 1, c)) {
                    let Some(c) = *c else { continue };
                    if slot[s].is_some() {
                        kept.push(s as u16 + 1);
                        continue;
                    }
                    let twin = (self.class_of[s], p.shifts[s].minutes);
                    match cheapest.iter_mut().find(|(t, _, _)| *t == twin) {
                        Some(best) if c < best.2 => *best = (twin, s, c),
                        Some(_) => {}
                        None => cheapest.push((twin, s, c)),
                    }
                }
                kept.extend(cheapest.iter().map(|&(_, s, _)| s as u16 + 1));
                kept.sort_unstable();
                kept
            })
            .collect()
    }
}

/// What extending a label needs to know of the employee.
struct Step<'a, 'p> {
    pr: &'a NrpPricer<'p>,
    e: usize,
    /// Per shift type, its resource among the limited types.
    slot: &'a [Option<usize>],
    layout: &'a CountLayout,
    /// The weekend limit can bind (else weekends are not counted: fewer labels).
    weekends_bind: bool,
}

impl Step<'_, '_> {
    /// The state after choosing `k` (0: off, s + 1: shift s) after state `key` (`None`: the
    /// first day), by the rules on runs and successions alone (the weekend flag left unset);
    /// `None` where they forbid it.
    fn next_key(&self, key: &Option<Key>, k: u8) -> Option<Key> {
        let p = self.pr.p;
        let emp = &p.employees[self.e];
        let works = k > 0;
        let (run, first) = match key {
            None => (1u32, true),
            Some(key) if (key.last > 0) == works => (u32::from(key.run) + 1, key.first),
            Some(key) => {
                // the run that ends must be long enough (unless it began on the first day)
                let min = if key.last > 0 {
                    emp.min_consecutive
                } else {
                    emp.min_consecutive_off
                };
                if !key.first && u32::from(key.run) < min {
                    return None;
                }
                (1, false)
            }
        };
        if works {
            if let Some(key) = key {
                let s = k as usize - 1;
                if self.pr.forbids[key.last as usize][s] {
                    return None;
                }
            }
            if run > emp.max_consecutive {
                return None;
            }
        }
        // runs longer than any rule looks at are all alike
        let cap = if works {
            emp.max_consecutive.max(emp.min_consecutive)
        } else {
            emp.min_consecutive_off
        };
        Some(Key {
            last: if works {
                self.pr.class_of[k as usize - 1]
            } else {
                0
            },
            run: if !works && first {
                0
            } else {
                run.min(cap.max(1)) as u8
            },
            first,
            weekend_worked: false,
        })
    }

    /// The label after choosing `k` on day `d`, or `None` where a rule forbids it.
    fn extend(
        &self,
        d: usize,
        key: &Option<Key>,
        l: &Label,
        k: u8,
        cost: f64,
        new_weekend: bool,
    ) -> Option<(Key, Label)> {
        let p = self.pr.p;
        let emp = &p.employees[self.e];
        let mut next = self.next_key(key, k)?;
        let mut nl = Label { cost, ..l.clone() };
        let weekend = self.pr.weekend_of[d].is_some() && self.weekends_bind;
        let mut weekend_worked = weekend && key.is_some_and(|k| k.weekend_worked) && !new_weekend;
        if k > 0 {
            let s = k as usize - 1;
            nl.minutes += p.shifts[s].minutes;
            if nl.minutes > emp.max_minutes {
                return None;
            }
            if let Some(i) = self.slot[s] {
                if self.layout.get(&nl.counts, i) + 1 > emp.max_shifts[s] {
                    return None;
                }
                self.layout.bump(&mut nl.counts, i);
            }
            if weekend && !weekend_worked {
                nl.weekends += 1;
                if u32::from(nl.weekends) > emp.max_weekends {
                    return None;
                }
                weekend_worked = true;
            }
        }
        next.weekend_worked = weekend_worked;
        Some((next, nl))
    }

    /// Per day, state (weekend flag unset) and worked minutes still to come, the least the
    /// days after it can add under the rules on runs and successions (the other resources
    /// ignored): a completion bound that prunes labels that cannot reach the threshold. The
    /// minutes are counted in units of the employee's shifts' common divisor where the table
    /// stays small ([`COMPLETION_CELLS`]); otherwise they are left out too.
    fn completion(&self, rc: &[Vec<Option<f64>>]) -> Completion {
        let nd = rc.len();
        let ns = rc[0].len() - 1;
        let emp = &self.pr.p.employees[self.e];
        let runs = emp
            .max_consecutive
            .max(emp.min_consecutive)
            .max(emp.min_consecutive_off)
            .max(1) as usize
            + 1;
        let classes = self.pr.forbids.len();
        let states = classes * runs * 2;
        let minutes = self.minutes_units(rc, nd * states * (ns + 1));
        let units = minutes.map_or(0, |(_, u)| u);
        let width = units + 1;
        let mut c = Completion {
            least: vec![f64::INFINITY; nd * states * width],
            runs,
            states,
            width,
            minutes: minutes.map(|(unit, _)| (unit, emp.min_minutes, emp.max_minutes)),
        };
        for st in 0..states {
            c.least[((nd - 1) * states + st) * width] = 0.0;
        }
        // per choice, its units of work (0: off)
        let worth: Vec<usize> = (0..=ns)
            .map(|k| match (k, minutes) {
                (0, _) | (_, None) => 0,
                (k, Some((unit, _))) => (self.pr.p.shifts[k - 1].minutes / unit) as usize,
            })
            .collect();
        for d in (0..nd.saturating_sub(1)).rev() {
            for last in 0..classes {
                for run in 0..runs {
                    for first in [false, true] {
                        let key = Key {
                            last: last as u8,
                            run: run as u8,
                            first,
                            weekend_worked: false,
                        };
                        let here = c.row(d, &key);
                        for k in 0..=ns {
                            let Some(cost) = rc[d + 1][k] else { continue };
                            let Some(n) = self.next_key(&Some(key), k as u8) else {
                                continue;
                            };
                            let there = c.row(d + 1, &n);
                            let w = worth[k];
                            for u in w..width {
                                let v = cost + c.least[there + u - w];
                                if v < c.least[here + u] {
                                    c.least[here + u] = v;
                                }
                            }
                        }
                    }
                }
            }
        }
        c
    }

    /// The unit the employee's shifts' minutes are all multiples of and the most units the
    /// maximum allows, where a table of `cells` per unit stays within [`COMPLETION_CELLS`].
    fn minutes_units(&self, rc: &[Vec<Option<f64>>], cells: usize) -> Option<(u32, usize)> {
        let p = self.pr.p;
        let emp = &p.employees[self.e];
        let used = |s: usize| rc.iter().any(|day| day[s + 1].is_some());
        let unit = (0..p.shifts.len())
            .filter(|&s| used(s))
            .map(|s| p.shifts[s].minutes)
            .fold(0, gcd);
        if unit == 0 {
            return None;
        }
        let units = (emp.max_minutes / unit) as usize;
        (units.saturating_add(1).saturating_mul(cells) <= COMPLETION_CELLS).then_some((unit, units))
    }
}

/// The largest completion table (days × states × choices × minute units) worth building.
const COMPLETION_CELLS: usize = 4_000_000;

/// The greatest common divisor of `a` and `b` (`gcd(0, b) = b`).
fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// [`Step::completion`]'s table: per day, state and units of work still to come (one column
/// where minutes are not counted), the least the rest can add.
struct Completion {
    least: Vec<f64>,
    runs: usize,
    states: usize,
    width: usize,
    /// The minutes' unit and the employee's least and most minutes (`None`: not counted).
    minutes: Option<(u32, u32, u32)>,
}

impl Completion {
    /// A table that bounds nothing (−∞ everywhere), for searches without a threshold.
    fn none() -> Completion {
        Completion {
            least: Vec::new(),
            runs: 0,
            states: 0,
            width: 0,
            minutes: None,
        }
    }

    fn row(&self, d: usize, key: &Key) -> usize {
        let st = ((key.last as usize * self.runs) + key.run as usize) * 2 + usize::from(key.first);
        (d * self.states + st) * self.width
    }

    /// The least the days after `d` can add to a label in state `key` that has worked
    /// `worked` minutes.
    fn after(&self, d: usize, key: &Key, worked: u32) -> f64 {
        if self.least.is_empty() {
            return f64::NEG_INFINITY;
        }
        let row = self.row(d, key);
        let Some((unit, min, max)) = self.minutes else {
            return self.least[row];
        };
        if worked > max {
            return f64::INFINITY;
        }
        let lo = min.saturating_sub(worked).div_ceil(unit) as usize;
        let hi = (((max - worked) / unit) as usize).min(self.width - 1);
        if lo > hi {
            return f64::INFINITY;
        }
        self.least[row + lo..=row + hi]
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_pack_by_their_limits_and_widen_past_128_bits() {
        // three limits of 4, 63 and 300: 3 + 6 + 9 bits, packed
        let packed = CountLayout::new(&[4, 63, 300]);
        assert!(!packed.wide);
        // twenty limits of 300: 180 bits, one number each
        let wide = CountLayout::new(&[300; 20]);
        assert!(wide.wide);
        for layout in [&packed, &wide] {
            let n = layout.fields.len();
            let mut a = layout.zero();
            let mut b = layout.zero();
            for _ in 0..4 {
                layout.bump(&mut a, 0);
            }
            for _ in 0..300 {
                layout.bump(&mut a, n - 1);
                layout.bump(&mut b, n - 1);
            }
            // a count at its field's limit leaves its neighbours alone
            assert_eq!(layout.get(&a, 0), 4);
            assert_eq!(layout.get(&a, 1), 0);
            assert_eq!(layout.get(&a, n - 1), 300);
            assert!(layout.le(&b, &a) && !layout.le(&a, &b));
        }
    }
}
