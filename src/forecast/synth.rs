//! A realistic synthetic shop, deterministic per seed: hourly inquiry history with the
//! daily/weekly/yearly shape, the festivals (pre-sale launches, the 00:00 rush of 11.11,
//! after-sales waves, the Spring Festival courier stop) and noise; and an agent list with
//! tiers and contracts. Used by the demo, the tests and the benchmarks.

use crate::forecast::calendar::EventIndex;
use crate::forecast::history::Series;
use crate::model::time::Grid;
use crate::scenario::agents::{Agent, DayRule};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Timelike, Weekday};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal, Poisson};

#[derive(Debug, Clone, PartialEq)]
pub struct SynthParams {
    pub seed: u64,
    pub agents: usize,
    pub years: u32,
    /// History ends just before this date (exclusive).
    pub end: NaiveDate,
}

/// Share of a day's inquiries by hour: quiet 01–07, peaks at 10–11, 14–16 and 20–23.
pub const HOURLY_SHAPE: [f64; 24] = [
    1.2, 0.5, 0.25, 0.15, 0.1, 0.1, 0.2, 0.5, 1.2, 2.0, 2.7, 2.6, 1.8, 2.0, 2.6, 2.7, 2.4, 2.0,
    2.0, 2.4, 3.1, 3.3, 3.1, 2.2,
];
/// Monday carries the weekend's after-sales questions.
pub const WEEKLY_SHAPE: [f64; 7] = [1.18, 1.0, 0.97, 0.95, 0.97, 1.0, 1.03];

/// The "true" event effects of the synthetic world (the forecaster never sees these: it
/// learns them from the history it is given).
fn true_effect(key: &str, h: f64, year: i32) -> f64 {
    let growth = 1.0 + 0.05 * (year - 2023) as f64;
    let m = match key {
        "double11_peak" | "618_peak" => {
            let s = if key == "618_peak" { 0.55 } else { 1.0 };
            let m = if h < 0.0 {
                2.2
            } else if h < 1.0 {
                9.0
            } else if h < 2.0 {
                5.0
            } else if h < 3.0 {
                3.0
            } else if h < 24.0 {
                2.6 - 0.8 * (h - 3.0) / 21.0
            } else {
                1.8
            };
            1.0 + (m - 1.0) * s
        }
        "double11_presale" | "618_presale" => {
            let s = if key == "618_presale" { 0.6 } else { 1.0 };
            let m = if h < 2.0 {
                4.0
            } else if h < 4.0 {
                2.0
            } else {
                1.3
            };
            1.0 + (m - 1.0) * s
        }
        "double11_final_payment" => {
            if h < 2.0 {
                3.0
            } else if h < 4.0 {
                1.8
            } else {
                1.2
            }
        }
        "double11_aftersales" => 1.0 + 1.0 * (-(h / 24.0) / 5.0).exp(),
        "618_aftersales" => 1.0 + 0.6 * (-(h / 24.0) / 5.0).exp(),
        "double12" => {
            if h < 0.0 {
                1.3
            } else if h < 1.0 {
                3.5
            } else if h < 3.0 {
                2.0
            } else {
                1.5
            }
        }
        "womens_day" => {
            if (0.0..1.0).contains(&h) {
                2.2
            } else {
                1.3
            }
        }
        "new_year_goods" => 1.25,
        "courier_stop" => return 0.45,
        "national_day" => return 0.8,
        _ => 1.0,
    };
    1.0 + (m - 1.0) * growth
}

/// The expected (noise-free) volume of the synthetic shop in the hour starting at `t`.
pub fn expected_hourly(p: &SynthParams, events: &EventIndex, t: NaiveDateTime) -> f64 {
    // 220 inquiries a day per agent on the team: a team sized for a normal week
    let daily = 220.0 * p.agents as f64;
    let years_back = (p.end.and_hms_opt(0, 0, 0).expect("midnight") - t).num_days() as f64 / 365.0;
    let trend = 1.0 / (1.0 + 0.15 * years_back); // 15% a year of growth
    let doy = t.ordinal() as f64;
    let yearly = 1.0 + 0.08 * (2.0 * std::f64::consts::PI * (doy - 330.0) / 365.0).cos();
    let hs: f64 = HOURLY_SHAPE.iter().sum();
    let base = daily
        * trend
        * yearly
        * WEEKLY_SHAPE[t.weekday().num_days_from_monday() as usize]
        * HOURLY_SHAPE[t.hour() as usize]
        / hs;
    let ev = events
        .owner(t)
        .map(|o| {
            true_effect(
                &o.key,
                (t - o.anchor).num_minutes() as f64 / 60.0,
                o.anchor.year(),
            )
        })
        .unwrap_or(1.0);
    base * ev
}

/// Hourly history with handle times.
pub fn history(p: &SynthParams) -> Series {
    let mut rng = ChaCha8Rng::seed_from_u64(p.seed);
    let end = p.end.and_hms_opt(0, 0, 0).expect("midnight");
    let start = (p.end - Duration::days(365 * p.years as i64))
        .and_hms_opt(0, 0, 0)
        .expect("midnight");
    let len = ((end - start).num_hours()) as usize;
    let grid = Grid::new(start, 60, len);
    let events = EventIndex::covering(start, end);
    let day_noise = LogNormal::new(0.0, 0.06).expect("valid");
    let hour_noise = LogNormal::new(0.0, 0.08).expect("valid");
    let mut volume = Vec::with_capacity(len);
    let mut aht = Vec::with_capacity(len);
    let mut day_factor = 1.0;
    for k in 0..len {
        let t = grid.at(k);
        if t.hour() == 0 {
            day_factor = day_noise.sample(&mut rng);
        }
        let mean = expected_hourly(p, &events, t) * day_factor * hour_noise.sample(&mut rng);
        let v = if mean > 0.0 {
            Poisson::new(mean).expect("positive mean").sample(&mut rng)
        } else {
            0.0
        };
        volume.push(Some(v));
        let after_sales = events
            .owner(t)
            .is_some_and(|o| o.key.ends_with("aftersales"));
        let night = t.hour() < 7;
        let a = 220.0
            * if after_sales { 1.35 } else { 1.0 }
            * if night { 1.1 } else { 1.0 }
            * rng.random_range(0.93..1.07);
        aht.push(Some((a * 10.0_f64).round() / 10.0));
    }
    Series {
        grid,
        volume,
        aht: Some(aht),
    }
}

const SURNAMES: [&str; 16] = [
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu", "Sun", "Hu",
    "Zhu", "Gao", "Lin",
];
const GIVEN: [&str; 16] = [
    "Wei", "Fang", "Na", "Min", "Jing", "Li", "Qiang", "Lei", "Jun", "Yang", "Yan", "Jie", "Tao",
    "Xia", "Ping", "Hui",
];

/// An agent list: ~10% supervisors (at least one), 30% seniors, the rest juniors; ~70%
/// full-time, 20% part-time, 10% outsourced; some fixed unavailability and day-off wishes.
pub fn agents(p: &SynthParams) -> Vec<Agent> {
    let mut rng = ChaCha8Rng::seed_from_u64(p.seed ^ 0x5eed_a9e7);
    let n = p.agents;
    let weekdays = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];
    (0..n)
        .map(|i| {
            let frac = i as f64 / n as f64;
            let tier = if i == 0 || frac < 0.1 {
                "supervisor"
            } else if frac < 0.4 {
                "senior"
            } else {
                "junior"
            };
            // contracts interleaved so every tier has some of each
            let contract = match i % 10 {
                3 | 7 => "part_time",
                9 => "outsourced",
                _ => "full_time",
            };
            let (min_hours, max_hours, min_days, max_days) = match contract {
                "full_time" => (40.0, 40.0, 5, 5),
                "part_time" => (12.0, 25.0, 3, 5),
                _ => (20.0, 40.0, 3, 5),
            };
            let mut unavailable = Vec::new();
            let mut preferred_off = Vec::new();
            if contract == "part_time" && rng.random_bool(0.5) {
                unavailable.push(DayRule::Weekday(weekdays[rng.random_range(0..5)]));
            }
            if rng.random_bool(0.3) {
                let a = rng.random_range(0..7);
                preferred_off.push(DayRule::Weekday(weekdays[a]));
                preferred_off.push(DayRule::Weekday(weekdays[(a + 1) % 7]));
            }
            let name = format!(
                "{} {}",
                SURNAMES[rng.random_range(0..16)],
                GIVEN[rng.random_range(0..16)]
            );
            Agent {
                id: format!("A{:04}", i + 1),
                name,
                tier: tier.into(),
                contract: contract.into(),
                min_hours,
                max_hours,
                min_days,
                max_days,
                unavailable,
                preferred_off,
                requests: Vec::new(),
                // juniors answer pre-sales questions; seniors after-sales (every other one
                // both), supervisors both: what queues with `skills` select on
                skills: match (tier, i % 2) {
                    ("junior", _) => vec!["pre_sales".into()],
                    ("senior", 1) => vec!["after_sales".into()],
                    _ => vec!["pre_sales".into(), "after_sales".into()],
                },
                on_call: Default::default(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> SynthParams {
        SynthParams {
            seed: 7,
            agents: 20,
            years: 2,
            end: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
        }
    }

    #[test]
    fn deterministic_and_shaped() {
        let p = params();
        let a = history(&p);
        assert_eq!(a, history(&p));
        assert_eq!(a.grid.len, 2 * 365 * 24);
        let at = |y, m, d, h| {
            a.get(
                NaiveDate::from_ymd_opt(y, m, d)
                    .unwrap()
                    .and_hms_opt(h, 0, 0)
                    .unwrap(),
            )
            .unwrap()
        };
        // the 00:00 rush of 11.11 dwarfs a normal midnight and a normal evening peak
        assert!(at(2025, 11, 11, 0) > 4.0 * at(2025, 11, 4, 0));
        assert!(at(2025, 11, 11, 0) > 1.5 * at(2025, 11, 4, 21));
        // nights are quiet
        assert!(at(2025, 9, 10, 4) < 0.1 * at(2025, 9, 10, 21));
    }

    #[test]
    fn team_mix() {
        let a = agents(&params());
        assert_eq!(a.len(), 20);
        assert_eq!(a.iter().filter(|x| x.tier == "supervisor").count(), 2);
        assert_eq!(a.iter().filter(|x| x.contract == "part_time").count(), 4);
        assert_eq!(a, agents(&params()));
    }
}
