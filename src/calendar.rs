//! The event calendar: Chinese e-commerce festivals and holidays with their real dates, each
//! occurrence an anchor time plus a window. Forecasting learns each event's effect from its
//! earlier occurrences, aligned on the anchor; `prior` is the fallback shape for an event with
//! no history.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::Serialize;

/// One occurrence of an event: effect window `[anchor - before, anchor + after)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Occurrence {
    /// Event key, e.g. `double11_peak`; occurrences with the same key share one learned shape.
    pub key: &'static str,
    pub label: &'static str,
    pub anchor: NaiveDateTime,
    pub before_hours: i64,
    pub after_hours: i64,
}

impl Occurrence {
    pub fn start(&self) -> NaiveDateTime {
        self.anchor - Duration::hours(self.before_hours)
    }
    pub fn end(&self) -> NaiveDateTime {
        self.anchor + Duration::hours(self.after_hours)
    }
    pub fn contains(&self, t: NaiveDateTime) -> bool {
        t >= self.start() && t < self.end()
    }
    /// Offset of `t` from the anchor in whole minutes.
    pub fn offset_minutes(&self, t: NaiveDateTime) -> i64 {
        (t - self.anchor).num_minutes()
    }
    /// Multiplicative effect assumed when no earlier occurrence exists in the history.
    pub fn prior(&self, t: NaiveDateTime) -> f64 {
        prior(self.key, (t - self.anchor).num_minutes() as f64 / 60.0)
    }
}

/// Prior shapes by event key, as a function of hours from the anchor. Deliberately modest:
/// they only apply when the history holds no earlier occurrence to learn from.
pub fn prior(key: &str, h: f64) -> f64 {
    let day = (h / 24.0).floor();
    match key {
        "double11_peak" | "618_peak" => {
            let s = if key == "618_peak" { 0.6 } else { 1.0 };
            let m = if h < 0.0 {
                1.8
            } else if h < 1.0 {
                6.0
            } else if h < 2.0 {
                4.0
            } else if h < 3.0 {
                2.5
            } else if day < 1.0 {
                2.2
            } else {
                1.6
            };
            1.0 + (m - 1.0) * s
        }
        "double11_presale" | "618_presale" => {
            if h < 2.0 {
                3.0
            } else if h < 4.0 {
                1.8
            } else {
                1.2
            }
        }
        "double11_final_payment" => {
            if h < 2.0 {
                2.5
            } else if h < 4.0 {
                1.6
            } else {
                1.1
            }
        }
        "double11_aftersales" | "618_aftersales" => 1.0 + 0.8 * (-(h / 24.0) / 6.0).exp(),
        "double12" | "womens_day" => {
            if h < 0.0 {
                1.3
            } else if h < 1.0 {
                3.0
            } else if h < 3.0 {
                1.8
            } else {
                1.4
            }
        }
        "new_year_goods" => 1.2,
        "courier_stop" => 0.5,
        "national_day" => 0.85,
        _ => 1.0,
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid calendar date")
}

fn at(date: NaiveDate, h: u32) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(h, 0, 0).expect("valid hour"))
}

/// Spring Festival (Lunar New Year's day), 2017–2030.
pub fn spring_festival(year: i32) -> Option<NaiveDate> {
    let (m, dd) = match year {
        2017 => (1, 28),
        2018 => (2, 16),
        2019 => (2, 5),
        2020 => (1, 25),
        2021 => (2, 12),
        2022 => (2, 1),
        2023 => (1, 22),
        2024 => (2, 10),
        2025 => (1, 29),
        2026 => (2, 17),
        2027 => (2, 6),
        2028 => (1, 26),
        2029 => (2, 13),
        2030 => (2, 3),
        _ => return None,
    };
    Some(d(year, m, dd))
}

/// Pre-sale launch dates (20:00) of Double 11 and 618 as the platforms announced them; later
/// years fall back to the usual dates and can be overridden by user events.
fn double11_presale(year: i32) -> NaiveDate {
    match year {
        2019 => d(2019, 10, 21),
        2020 => d(2020, 10, 21),
        2021 => d(2021, 10, 20),
        2022 => d(2022, 10, 24),
        2023 => d(2023, 10, 24),
        2024 => d(2024, 10, 14),
        2025 => d(2025, 10, 15),
        y => d(y, 10, 20),
    }
}

fn p618_presale(year: i32) -> NaiveDate {
    match year {
        2019 => d(2019, 5, 24),
        2020 => d(2020, 6, 1),
        2021 => d(2021, 5, 24),
        2022 => d(2022, 5, 26),
        2023 => d(2023, 5, 26),
        2024 => d(2024, 5, 20),
        2025 => d(2025, 5, 13),
        y => d(y, 5, 20),
    }
}

/// All built-in event occurrences whose windows touch the years `from..=to`, in priority
/// order: where windows overlap, the first one listed owns the time.
pub fn builtin(from: i32, to: i32) -> Vec<Occurrence> {
    let mut v = Vec::new();
    for y in (from - 1)..=(to + 1) {
        let o = |key, label, anchor, before_hours, after_hours| Occurrence {
            key,
            label,
            anchor,
            before_hours,
            after_hours,
        };
        v.push(o(
            "double11_peak",
            "Double 11 (final payment eve + 11.11)",
            at(d(y, 11, 11), 0),
            4,
            48,
        ));
        v.push(o(
            "618_peak",
            "618 (final payment eve + 6.18)",
            at(d(y, 6, 18), 0),
            4,
            48,
        ));
        v.push(o("double12", "Double 12", at(d(y, 12, 12), 0), 4, 24));
        v.push(o("womens_day", "3.8 women's day", at(d(y, 3, 8), 0), 4, 24));
        v.push(o(
            "double11_presale",
            "Double 11 pre-sale launch",
            at(double11_presale(y), 20),
            0,
            52,
        ));
        v.push(o(
            "double11_final_payment",
            "Double 11 first final payment",
            at(d(y, 10, 31), 20),
            0,
            28,
        ));
        v.push(o(
            "618_presale",
            "618 pre-sale launch",
            at(p618_presale(y), 20),
            0,
            52,
        ));
        v.push(o(
            "double11_aftersales",
            "Double 11 after-sales wave",
            at(d(y, 11, 13), 0),
            0,
            21 * 24,
        ));
        v.push(o(
            "618_aftersales",
            "618 after-sales wave",
            at(d(y, 6, 20), 0),
            0,
            14 * 24,
        ));
        if let Some(sf) = spring_festival(y) {
            v.push(o(
                "courier_stop",
                "Spring Festival courier stop",
                at(sf - Duration::days(7), 0),
                0,
                14 * 24,
            ));
            v.push(o(
                "new_year_goods",
                "New-year goods festival",
                at(sf - Duration::days(27), 0),
                0,
                20 * 24,
            ));
        }
        v.push(o(
            "national_day",
            "National Day holiday",
            at(d(y, 10, 1), 0),
            0,
            7 * 24,
        ));
    }
    // stable priority: peaks, launches, waves, holidays (the push order above within a year);
    // sort by that order then by time so lookups are deterministic.
    let rank = |k: &str| match k {
        "double11_peak" | "618_peak" => 0,
        "double12" | "womens_day" => 1,
        "double11_presale" | "618_presale" | "double11_final_payment" => 2,
        "double11_aftersales" | "618_aftersales" => 3,
        "courier_stop" => 4,
        "new_year_goods" => 5,
        _ => 6,
    };
    v.sort_by(|a, b| rank(a.key).cmp(&rank(b.key)).then(a.anchor.cmp(&b.anchor)));
    v
}

/// For each timestamp, the index of the occurrence owning it (first in priority order).
#[derive(Debug, Clone)]
pub struct EventIndex {
    pub occurrences: Vec<Occurrence>,
}

impl EventIndex {
    pub fn covering(first: NaiveDateTime, last: NaiveDateTime) -> Self {
        EventIndex {
            occurrences: builtin(first.year(), last.year()),
        }
    }
    pub fn owner(&self, t: NaiveDateTime) -> Option<&Occurrence> {
        self.owner_index(t).map(|i| &self.occurrences[i])
    }
    pub fn owner_index(&self, t: NaiveDateTime) -> Option<usize> {
        self.occurrences.iter().position(|o| o.contains(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn double11_midnight_is_peak_owned() {
        let idx = EventIndex::covering(at(d(2024, 1, 1), 0), at(d(2026, 12, 31), 0));
        let o = idx.owner(at(d(2025, 11, 11), 0)).unwrap();
        assert_eq!(o.key, "double11_peak");
        assert_eq!(
            idx.owner(at(d(2025, 11, 10), 21)).unwrap().key,
            "double11_peak"
        );
        assert_eq!(
            idx.owner(at(d(2025, 11, 20), 10)).unwrap().key,
            "double11_aftersales"
        );
        assert_eq!(
            idx.owner(at(d(2025, 10, 15), 20)).unwrap().key,
            "double11_presale"
        );
        assert!(idx.owner(at(d(2025, 9, 10), 10)).is_none());
        assert!(o.prior(at(d(2025, 11, 11), 0)) > 3.0);
    }

    #[test]
    fn spring_festival_courier_stop() {
        let idx = EventIndex::covering(at(d(2026, 1, 1), 0), at(d(2026, 3, 1), 0));
        assert_eq!(
            idx.owner(at(d(2026, 2, 17), 12)).unwrap().key,
            "courier_stop"
        );
    }
}
