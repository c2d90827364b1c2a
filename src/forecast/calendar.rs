//! The event calendar: Chinese e-commerce festivals and holidays with their real dates, each
//! occurrence an anchor time plus a window. Forecasting learns each event's effect from its
//! earlier occurrences, aligned on the anchor; `prior` is the fallback shape for an event with
//! no history.

use crate::io::{read_text, InputError};
use crate::model::time::{parse_date, Clock};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Arc;

/// One occurrence of an event: effect window `[anchor - before, anchor + after)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Occurrence {
    /// Event key, e.g. `double11_peak`; occurrences with the same key share one learned shape.
    pub key: Arc<str>,
    pub label: Arc<str>,
    pub anchor: NaiveDateTime,
    pub before_hours: i64,
    pub after_hours: i64,
    /// The prior effect set by the user, hour by hour from the window's start (the last value
    /// holds to the end; `uplift = 1.5` in an events file is `[1.5]`); `None` uses the
    /// built-in prior shape of `key`.
    pub prior_profile: Option<Arc<[f64]>>,
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
        match &self.prior_profile {
            Some(p) => {
                let h = ((t - self.start()).num_minutes() / 60).max(0) as usize;
                p[h.min(p.len() - 1)]
            }
            None => prior(&self.key, (t - self.anchor).num_minutes() as f64 / 60.0),
        }
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
        let o = |key: &str, label: &str, anchor, before_hours, after_hours| Occurrence {
            key: key.into(),
            label: label.into(),
            anchor,
            before_hours,
            after_hours,
            prior_profile: None,
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
    v.sort_by(|a, b| {
        rank(&a.key)
            .cmp(&rank(&b.key))
            .then(a.anchor.cmp(&b.anchor))
    });
    v
}

/// Priority of an event key where windows overlap (lower wins); user events come first.
fn rank(k: &str) -> u8 {
    match k {
        "double11_peak" | "618_peak" => 1,
        "double12" | "womens_day" => 2,
        "double11_presale" | "618_presale" | "double11_final_payment" => 3,
        "double11_aftersales" | "618_aftersales" => 4,
        "courier_stop" => 5,
        "new_year_goods" => 6,
        "national_day" => 7,
        _ => 0,
    }
}

/// Keys of the built-in events (an events file may use them to correct a date).
pub const BUILTIN_KEYS: &[&str] = &[
    "double11_peak",
    "double11_presale",
    "double11_final_payment",
    "double11_aftersales",
    "618_peak",
    "618_presale",
    "618_aftersales",
    "double12",
    "womens_day",
    "new_year_goods",
    "courier_stop",
    "national_day",
];

/// An events file: `[[event]]` tables, each one occurrence of a named event.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EventsFile {
    /// Use the built-in Chinese e-commerce calendar too (default true); false for a team whose
    /// festivals are all in this file.
    #[serde(default = "yes")]
    pub builtin: bool,
    #[serde(rename = "event", default)]
    pub events: Vec<UserEvent>,
}

fn yes() -> bool {
    true
}

/// One occurrence of a user-defined event (or a corrected date of a built-in one).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct UserEvent {
    /// Occurrences with the same name share one learned effect. A built-in key (e.g.
    /// `double11_presale`) replaces the built-in occurrence within 60 days of this one.
    pub name: String,
    /// Shown in forecasts; defaults to the name.
    pub label: Option<String>,
    /// A single day (YYYY-MM-DD); or give `start` and `end` (inclusive).
    pub date: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    /// Time of day the effect is aligned on (the launch hour), default 00:00.
    pub time: Option<String>,
    /// Window before the anchor, in hours or days (default 0).
    pub pre_hours: Option<i64>,
    pub pre_days: Option<i64>,
    /// Window after the last day, in hours or days (default 0).
    pub post_hours: Option<i64>,
    pub post_days: Option<i64>,
    /// Effect assumed while no earlier occurrence is in the history (1.5 = +50%); default:
    /// the built-in prior shape for built-in names, 1.3 otherwise.
    pub uplift: Option<f64>,
    /// Or that effect hour by hour from the window's start, e.g. `[1.2, 4.0, 2.0, 1.3]` for a
    /// 20:00 launch with `pre_hours = 1`; the last value holds to the window's end.
    pub profile: Option<Vec<f64>>,
    /// Events of one group share one learned effect (default: the name): differently named
    /// promotions of one kind (`group = "brand_day"`) learn from each other's history.
    pub group: Option<String>,
}

/// The events a forecast knows: the built-in calendar (unless switched off) plus the user's.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    pub builtin: bool,
    pub user: Vec<Occurrence>,
    /// The events file the user occurrences came from.
    pub file: Option<EventsFile>,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar {
            builtin: true,
            user: Vec::new(),
            file: None,
        }
    }
}

impl Calendar {
    /// No events at all.
    pub fn none() -> Self {
        Calendar {
            builtin: false,
            ..Calendar::default()
        }
    }

    /// The occurrences touching `first..=last`. A user occurrence with a built-in key replaces
    /// the built-in one of that key within 60 days; user events win where windows overlap.
    pub fn index(&self, first: NaiveDateTime, last: NaiveDateTime) -> EventIndex {
        let mut occurrences = if self.builtin {
            builtin(first.year(), last.year())
        } else {
            Vec::new()
        };
        let user = &self.user;
        occurrences.retain(|b| {
            !user
                .iter()
                .any(|u| u.key == b.key && (u.anchor - b.anchor).num_days().abs() <= 60)
        });
        occurrences.extend(user.iter().cloned());
        occurrences.sort_by(|a, b| {
            rank(&a.key)
                .cmp(&rank(&b.key))
                .then(a.anchor.cmp(&b.anchor))
        });
        EventIndex { occurrences }
    }
}

/// Reads an events file, checking every occurrence; errors name the file, the event and the
/// field, with the fix.
pub fn read_events(path: &Path) -> Result<Calendar, InputError> {
    let (text, _) = read_text(path)?;
    let file: EventsFile = toml::from_str(&text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() as u64 + 1);
        let mut err = InputError::new(
            path,
            e.message().to_string(),
            "each event is an [[event]] table with name, date (or start and end) and optional time, pre_hours/pre_days, post_hours/post_days, uplift or profile, label, group",
        );
        err.line = line;
        err
    })?;
    let occurrences = file
        .events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            e.occurrence().map_err(|(field, problem, fix)| {
                InputError::new(
                    path,
                    format!("event #{} `{}`: {problem}", i + 1, e.name),
                    fix,
                )
                .field(field)
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Calendar {
        builtin: file.builtin,
        user: occurrences,
        file: Some(file),
    })
}

type EventFault = (&'static str, String, &'static str);

impl UserEvent {
    fn occurrence(&self) -> Result<Occurrence, EventFault> {
        let date = |field: &'static str, s: &str| {
            parse_date(s).map_err(|_| (field, format!("`{s}` is not a date"), "write YYYY-MM-DD"))
        };
        if self.name.trim().is_empty() {
            return Err(("name", "the name is empty".into(), "give the event a name"));
        }
        let (first, last) = match (&self.date, &self.start, &self.end) {
            (Some(d), None, None) => (date("date", d)?, date("date", d)?),
            (None, Some(s), Some(e)) => (date("start", s)?, date("end", e)?),
            _ => return Err((
                "date",
                "needs either `date`, or both `start` and `end`".into(),
                "write date = \"2027-03-15\" or start = \"2027-03-15\" and end = \"2027-03-17\"",
            )),
        };
        if last < first {
            return Err((
                "end",
                format!("ends ({last}) before it starts ({first})"),
                "swap start and end",
            ));
        }
        let time = match &self.time {
            Some(t) => t.parse::<Clock>().map_err(|_| {
                (
                    "time",
                    format!("`{t}` is not a time of day"),
                    "write HH:MM, e.g. 20:00",
                )
            })?,
            None => Clock(0),
        };
        let window = |field: &'static str, h: Option<i64>, d: Option<i64>| match (h, d) {
            (Some(_), Some(_)) => Err((
                field,
                "give hours or days, not both".into(),
                "keep one of the two",
            )),
            (h, d) => {
                let v = h.unwrap_or(0) + 24 * d.unwrap_or(0);
                if !(0..=24 * 90).contains(&v) {
                    Err((
                        field,
                        format!("window of {v} hours is out of range"),
                        "use 0 to 90 days",
                    ))
                } else {
                    Ok(v)
                }
            }
        };
        let pre = window("pre_hours", self.pre_hours, self.pre_days)?;
        let post = window("post_hours", self.post_hours, self.post_days)?;
        let multiplier = |field: &'static str, u: f64| {
            if u.is_finite() && (0.0..=50.0).contains(&u) {
                Ok(u)
            } else {
                Err((
                    field,
                    format!("{u} is not a multiplier between 0 and 50"),
                    "1.5 means +50%, 0.5 means half the usual volume",
                ))
            }
        };
        let profile: Option<Arc<[f64]>> = match (self.uplift, &self.profile) {
            (Some(_), Some(_)) => {
                return Err((
                    "profile",
                    "give uplift or profile, not both".into(),
                    "keep one of the two",
                ))
            }
            (Some(u), None) => Some(Arc::from([multiplier("uplift", u)?])),
            (None, Some(p)) if p.is_empty() => {
                return Err((
                    "profile",
                    "the profile is empty".into(),
                    "list one multiplier per hour, e.g. [3.0, 1.8, 1.2]",
                ))
            }
            (None, Some(p)) => Some(
                p.iter()
                    .map(|u| multiplier("profile", *u))
                    .collect::<Result<Vec<f64>, _>>()?
                    .into(),
            ),
            (None, None) => None,
        };
        let anchor = first.and_time(NaiveTime::MIN) + Duration::minutes(time.0 as i64);
        let end = (last + Duration::days(1)).and_time(NaiveTime::MIN) + Duration::hours(post);
        if end <= anchor {
            return Err((
                "time",
                "the window closes before the anchor time".into(),
                "add post_hours or an end date",
            ));
        }
        let builtin = BUILTIN_KEYS.contains(&self.name.as_str());
        Ok(Occurrence {
            key: self.group.as_deref().unwrap_or(&self.name).into(),
            label: self.label.as_deref().unwrap_or(&self.name).into(),
            anchor,
            before_hours: pre,
            after_hours: ((end - anchor).num_minutes() + 59) / 60,
            prior_profile: profile.or_else(|| (!builtin).then(|| Arc::from([1.3]))),
        })
    }
}

/// For each timestamp, the index of the occurrence owning it (first in priority order).
#[derive(Debug, Clone)]
pub struct EventIndex {
    pub occurrences: Vec<Occurrence>,
}

impl EventIndex {
    /// The built-in calendar for the years `first..=last` touch.
    pub fn covering(first: NaiveDateTime, last: NaiveDateTime) -> Self {
        Calendar::default().index(first, last)
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
        assert_eq!(&*o.key, "double11_peak");
        assert_eq!(
            idx.owner(at(d(2025, 11, 10), 21)).unwrap().key.as_ref(),
            "double11_peak"
        );
        assert_eq!(
            idx.owner(at(d(2025, 11, 20), 10)).unwrap().key.as_ref(),
            "double11_aftersales"
        );
        assert_eq!(
            idx.owner(at(d(2025, 10, 15), 20)).unwrap().key.as_ref(),
            "double11_presale"
        );
        assert!(idx.owner(at(d(2025, 9, 10), 10)).is_none());
        assert!(o.prior(at(d(2025, 11, 11), 0)) > 3.0);
    }

    #[test]
    fn spring_festival_courier_stop() {
        let idx = EventIndex::covering(at(d(2026, 1, 1), 0), at(d(2026, 3, 1), 0));
        assert_eq!(
            idx.owner(at(d(2026, 2, 17), 12)).unwrap().key.as_ref(),
            "courier_stop"
        );
    }

    fn events_file(text: &str) -> Result<Calendar, InputError> {
        let f = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
        std::fs::write(f.path(), text).unwrap();
        read_events(f.path())
    }

    #[test]
    fn user_events_add_and_correct_the_calendar() {
        let cal = events_file(
            r#"
[[event]]
name = "brand_day"
label = "Brand super day"
start = "2026-03-15"
end = "2026-03-16"
time = "20:00"
pre_hours = 4
post_days = 1
uplift = 1.6

[[event]]
name = "double11_presale"
date = "2026-10-19"
time = "20:00"
post_hours = 52
"#,
        )
        .unwrap();
        assert!(cal.builtin);
        let idx = cal.index(at(d(2026, 1, 1), 0), at(d(2026, 12, 31), 0));
        // window: 16:00 on the 15th (4 h before the 20:00 anchor) to the end of the 17th
        let o = idx.owner(at(d(2026, 3, 15), 16)).unwrap();
        assert_eq!((&*o.key, &*o.label), ("brand_day", "Brand super day"));
        assert_eq!(o.anchor, at(d(2026, 3, 15), 20));
        assert_eq!(o.prior(at(d(2026, 3, 16), 3)), 1.6);
        assert!(idx.owner(at(d(2026, 3, 17), 23)).is_some());
        assert!(idx.owner(at(d(2026, 3, 18), 0)).is_none());
        assert!(idx.owner(at(d(2026, 3, 15), 15)).is_none());
        // the user's pre-sale date replaces the built-in one (20 Oct) and keeps its prior shape
        let ps: Vec<_> = idx
            .occurrences
            .iter()
            .filter(|o| &*o.key == "double11_presale" && o.anchor.year() == 2026)
            .collect();
        assert_eq!(ps.len(), 1);
        assert_eq!(ps[0].anchor, at(d(2026, 10, 19), 20));
        assert_eq!(ps[0].prior(at(d(2026, 10, 19), 20)), 3.0);
    }

    #[test]
    fn an_hourly_prior_profile_runs_from_the_window_start() {
        let cal = events_file(
            "[[event]]\nname = \"live\"\ndate = \"2026-05-20\"\ntime = \"20:00\"\npre_hours = 1\nprofile = [1.2, 4.0, 2.0, 1.3]\n",
        )
        .unwrap();
        let o = &cal.user[0];
        let at_m = |h: u32, m: u32| d(2026, 5, 20).and_hms_opt(h, m, 0).unwrap();
        assert_eq!(o.prior(at_m(19, 30)), 1.2);
        assert_eq!(o.prior(at_m(20, 0)), 4.0);
        assert_eq!(o.prior(at_m(21, 45)), 2.0);
        assert_eq!(o.prior(at_m(23, 0)), 1.3);
        // a built-in name without uplift/profile keeps the built-in prior shape
        let b = events_file("[[event]]\nname = \"double12\"\ndate = \"2026-12-12\"\n").unwrap();
        assert!(b.user[0].prior_profile.is_none());
        assert_eq!(b.user[0].prior(at(d(2026, 12, 12), 0)), 3.0);
    }

    #[test]
    fn events_of_one_group_share_a_key_and_closures_are_allowed() {
        let cal = events_file(
            "[[event]]\nname = \"spring_brand_day\"\ndate = \"2025-03-15\"\ngroup = \"brand_day\"\n\n[[event]]\nname = \"autumn_brand_day\"\nlabel = \"Autumn brand day\"\ndate = \"2025-09-15\"\ngroup = \"brand_day\"\n\n[[event]]\nname = \"office_move\"\ndate = \"2025-10-08\"\nuplift = 0.2\n",
        )
        .unwrap();
        assert_eq!(&*cal.user[0].key, "brand_day");
        assert_eq!(&*cal.user[1].key, "brand_day");
        assert_eq!(&*cal.user[1].label, "Autumn brand day");
        assert_eq!(&*cal.user[2].key, "office_move");
        assert_eq!(cal.user[2].prior(at(d(2025, 10, 8), 10)), 0.2);
    }

    #[test]
    fn builtin_can_be_switched_off() {
        let cal = events_file("builtin = false\n").unwrap();
        let idx = cal.index(at(d(2025, 1, 1), 0), at(d(2025, 12, 31), 0));
        assert!(idx.occurrences.is_empty());
    }

    #[test]
    fn bad_events_name_the_event_field_and_fix() {
        let cases = [
            ("[[event]]\nname = \"x\"\n", "date", "needs either"),
            (
                "[[event]]\nname = \"x\"\ndate = \"2026-13-01\"\n",
                "date",
                "not a date",
            ),
            (
                "[[event]]\nname = \"x\"\nstart = \"2026-03-05\"\nend = \"2026-03-01\"\n",
                "end",
                "before it starts",
            ),
            (
                "[[event]]\nname = \"x\"\ndate = \"2026-03-05\"\ntime = \"25:00\"\n",
                "time",
                "not a time",
            ),
            (
                "[[event]]\nname = \"x\"\ndate = \"2026-03-05\"\nuplift = -1\n",
                "uplift",
                "multiplier",
            ),
            (
                "[[event]]\nname = \"x\"\ndate = \"2026-03-05\"\npre_hours = 2\npre_days = 1\n",
                "pre_hours",
                "not both",
            ),
            (
                "[[event]]\nname = \"x\"\ndate = \"2026-03-05\"\nuplift = 2\nprofile = [2.0]\n",
                "profile",
                "not both",
            ),
            (
                "[[event]]\nname = \"x\"\ndate = \"2026-03-05\"\nprofile = [2.0, 99]\n",
                "profile",
                "multiplier",
            ),
        ];
        for (text, field, problem) in cases {
            let e = events_file(text).unwrap_err();
            assert_eq!(e.field.as_deref(), Some(field), "{text}: {e}");
            assert!(e.problem.contains(problem), "{text}: {e}");
            assert!(!e.fix.is_empty());
        }
        let e = events_file("[[event]]\nname = \"x\"\ndate = \"2026-03-05\"\ncolour = 1\n")
            .unwrap_err();
        assert!(e.problem.contains("unknown field `colour`"), "{e}");
        assert_eq!(e.line, Some(4));
    }
}
