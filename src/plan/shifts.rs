//! Shift templates generated from the scenario's shift families: every allowed start, every
//! length, and every meal-break position inside the break window.

use crate::model::shift::clock;
pub use crate::model::shift::{Template, NIGHT_ENDS};
use crate::model::time::Clock;
use crate::scenario::Scenario;

pub fn template_id(start: u32, length: u32, break_offset: Option<u32>) -> String {
    let mut id = format!("{}-{}", clock(start), clock(start + length));
    if let Some(b) = break_offset {
        id.push_str(&format!("/b{}", clock(start + b)));
    }
    id
}

/// All templates of the scenario, in a fixed order (family, start, length, break).
pub fn templates(sc: &Scenario) -> Vec<Template> {
    let mut out: Vec<Template> = Vec::new();
    for f in &sc.shifts {
        let mut s = f.start_window[0].0;
        while s <= f.start_window[1].0 {
            for l in &f.lengths {
                let brk = f.meal_break.0;
                let offsets: Vec<Option<u32>> = if brk == 0 {
                    vec![None]
                } else {
                    let last = f.break_window[1].0.min(l.0 - brk);
                    (f.break_window[0].0..=last)
                        .step_by(f.break_step.0 as usize)
                        .map(Some)
                        .collect()
                };
                for b in offsets {
                    let id = template_id(s, l.0, b);
                    // the same times in two families: keep one template per family
                    let id = if out.iter().any(|t| t.id == id && t.family != f.name) {
                        format!("{id}@{}", f.name)
                    } else {
                        id
                    };
                    if out.iter().any(|t| t.id == id) {
                        continue;
                    }
                    out.push(Template {
                        id,
                        family: f.name.clone(),
                        contracts: f.contracts.clone(),
                        start: s,
                        length: l.0,
                        break_offset: b,
                        break_len: brk,
                        prep: f.prep.0,
                        wrap_up: f.wrap_up.0,
                        short_breaks: Vec::new(),
                    });
                }
            }
            s += f.start_step.0;
        }
    }
    out
}

/// Where each of the template's short breaks may go: per break of its family, its length and
/// the allowed offsets from the shift start (inside the window, on the queue, clear of the
/// meal break, before the wrap-up).
pub fn short_break_options(sc: &Scenario, t: &Template) -> Vec<(u32, Vec<u32>)> {
    let Some(f) = sc.shifts.iter().find(|f| f.name == t.family) else {
        return Vec::new();
    };
    f.short_breaks
        .iter()
        .map(|b| {
            let len = b.length.0;
            let step = b.step.map_or(sc.horizon.interval.0, |s| s.0).max(1);
            let offsets = (b.window[0].0..=b.window[1].0)
                .step_by(step as usize)
                .filter(|&o| {
                    o >= t.prep
                        && o + len + t.wrap_up <= t.length
                        && t.break_offset
                            .is_none_or(|m| o + len <= m || o >= m + t.break_len)
                })
                .collect();
            (len, offsets)
        })
        .collect()
}

/// The template a plan or roster names: one [`templates`] generates, or one of them with its
/// short breaks placed (`07:00-16:00/b11:00/s09:00/s14:30`) where the family allows.
pub fn resolve(sc: &Scenario, tpls: &[Template], id: &str) -> Option<Template> {
    let mut parts = id.split("/s");
    let base_id = parts.next().unwrap_or("");
    let base = tpls.iter().find(|t| t.id == base_id)?;
    let options = short_break_options(sc, base);
    let placed: Vec<&str> = parts.collect();
    if placed.len() != options.len() {
        return None;
    }
    let mut out = Vec::new();
    for (p, (len, offsets)) in placed.iter().zip(&options) {
        let at = p.parse::<Clock>().ok()?.0;
        let off = (at + 1440 - base.start % 1440) % 1440;
        if !offsets.contains(&off) {
            return None;
        }
        out.push((off, *len));
    }
    Some(base.with_short_breaks(&out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn break_placement_and_coverage() {
        let t = Template {
            id: "x".into(),
            family: "f".into(),
            contracts: vec![],
            start: 7 * 60,
            length: 9 * 60,
            break_offset: Some(4 * 60),
            break_len: 60,
            prep: 0,
            wrap_up: 0,
            short_breaks: vec![],
        };
        assert_eq!(t.paid_hours(), 8.0);
        let iv = t.on_queue_intervals(60);
        assert_eq!(iv, vec![7, 8, 9, 10, 12, 13, 14, 15]);
        assert!(!t.on_queue(11 * 60 + 30));
        let late = Template {
            start: 20 * 60,
            break_offset: None,
            break_len: 0,
            length: 300,
            ..t
        };
        assert_eq!(late.on_queue_intervals(60), vec![20, 21, 22, 23, 24]);
        assert_eq!(template_id(20 * 60, 300, None), "20:00-01:00");
    }

    #[test]
    fn baseline_templates() {
        let sc: Scenario = toml::from_str(include_str!("../../scenarios/baseline.toml")).unwrap();
        let ts = templates(&sc);
        // full day: 17 starts × 5 break positions; part day: 23 × 2; outsourced long: 8 × 5
        assert_eq!(ts.len(), 17 * 5 + 23 * 2 + 8 * 5);
        let ids: std::collections::BTreeSet<_> = ts.iter().map(|t| &t.id).collect();
        assert_eq!(ids.len(), ts.len());
    }
}
