//! Instances in the Curtois & Qu format, of any size, drawn from a seed: for benchmarks and
//! tests of the engine beyond the published files at hand (their shape follows the family's:
//! shift types in start-time groups where a later group may not be followed by an earlier
//! one, contracts with per-type limits, minimum and maximum work, runs and weekends, days
//! off, weighted on and off requests, and a cover below the team's capacity, lighter at
//! weekends).

use rand::{Rng, SeedableRng};
use std::fmt::Write;

/// The size of an instance to draw.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub staff: usize,
    /// A whole number of weeks.
    pub days: usize,
    pub shift_types: usize,
}

/// The text of an instance of `shape` drawn from `seed` (the same text for the same both).
pub fn generate(shape: Shape, seed: u64) -> String {
    let mut r = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let Shape {
        staff,
        days,
        shift_types,
    } = shape;
    let weeks = (days / 7).max(1);
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(format!("SECTION_HORIZON\n{days}\n\nSECTION_SHIFTS"));
    // four start-time groups (early, day, late, night); the night group takes the rest
    let per = (shift_types / 4).max(1);
    let types: Vec<(String, usize)> = (0..shift_types)
        .map(|i| {
            let g = (i / per).min(3);
            let k = if g == 3 { i - 3 * per } else { i % per };
            (format!("{}{}", ["a", "d", "p", "n"][g], k + 1), g)
        })
        .collect();
    for (id, g) in &types {
        let earlier: Vec<&str> = types
            .iter()
            .filter(|(_, o)| o < g)
            .map(|(i, _)| i.as_str())
            .collect();
        line(format!("{id},480,{}", earlier.join("|")));
    }
    line("\nSECTION_STAFF".into());
    let names: Vec<String> = (0..staff).map(|i| format!("E{i}")).collect();
    let day_types: Vec<usize> = (0..shift_types).filter(|&i| types[i].1 < 3).collect();
    for name in &names {
        // at least two daytime types each, so every contract's minimum can be worked
        let must: Vec<usize> = (0..2.min(day_types.len()))
            .map(|_| day_types[r.random_range(0..day_types.len())])
            .collect();
        let limits: Vec<String> = types
            .iter()
            .enumerate()
            .map(|(i, (id, g))| {
                let most = if *g == 3 {
                    [0, weeks, 2 * weeks][r.random_range(0..3)]
                } else if must.contains(&i) || r.random_bool(0.7) {
                    days
                } else {
                    0
                };
                format!("{id}={most}")
            })
            .collect();
        let most_minutes = weeks * 9 * 240;
        let least_minutes = weeks * 4 * 480 - 480 * (weeks / 4);
        line(format!(
            "{name},{},{most_minutes},{least_minutes},5,2,2,{}",
            limits.join("|"),
            (weeks / 2).max(1)
        ));
    }
    line("\nSECTION_DAYS_OFF".into());
    for name in &names {
        let mut off: Vec<usize> = (0..2 * weeks.div_ceil(4))
            .map(|_| r.random_range(0..days))
            .collect();
        off.sort_unstable();
        off.dedup();
        let off: Vec<String> = off.iter().map(ToString::to_string).collect();
        line(format!("{name},{}", off.join(",")));
    }
    for section in ["SECTION_SHIFT_ON_REQUESTS", "SECTION_SHIFT_OFF_REQUESTS"] {
        line(format!("\n{section}"));
        for name in &names {
            for _ in 0..weeks.div_ceil(2) {
                let start = r.random_range(0..days.saturating_sub(5).max(1));
                let (id, _) = &types[r.random_range(0..shift_types)];
                let weight = r.random_range(1..=3);
                for d in start..(start + r.random_range(2..=5)).min(days) {
                    line(format!("{name},{d},{id},{weight}"));
                }
            }
        }
    }
    line("\nSECTION_COVER".into());
    // about 3.8 shifts a week per person, the weekend days at 60% of a weekday
    let weekday = staff as f64 * 3.8 / (5.0 + 2.0 * 0.6);
    for d in 0..days {
        let level = if d % 7 >= 5 { 0.6 * weekday } else { weekday };
        let shares: Vec<f64> = (0..shift_types).map(|_| r.random_range(0.3..1.3)).collect();
        let total: f64 = shares.iter().sum();
        for ((id, _), share) in types.iter().zip(&shares) {
            let need = (level * share / total).round() as u32;
            let mut text = String::new();
            let _ = write!(text, "{d},{id},{need},100,1");
            line(text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drawn_instance_reads_and_is_the_same_for_the_same_seed() {
        let shape = Shape {
            staff: 12,
            days: 14,
            shift_types: 5,
        };
        let text = generate(shape, 3);
        assert_eq!(text, generate(shape, 3));
        assert_ne!(text, generate(shape, 4));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("drawn.txt");
        std::fs::write(&path, &text).unwrap();
        let p = crate::nrp::read(&path).expect("the drawn instance reads");
        assert_eq!((p.employees.len(), p.days, p.shifts.len()), (12, 14, 5));
    }
}
