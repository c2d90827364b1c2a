//! Time helpers shared by every stage: durations written like `15m` / `9h` / `180s`,
//! clock times like `08:30`, local timestamps, and the regular interval grid.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A whole number of minutes, written `15m`, `9h`, `1h30m`, `90` (minutes) or `180s`
/// (seconds must add up to whole minutes unless read with [`parse_seconds`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Minutes(pub u32);

impl Minutes {
    pub fn hours(self) -> f64 {
        self.0 as f64 / 60.0
    }
}

/// A whole number of days, written `14d`, `2w` or `14`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Days(pub u32);

impl FromStr for Days {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let (num, mult) = if let Some(n) = t.strip_suffix('w') {
            (n, 7)
        } else if let Some(n) = t.strip_suffix('d') {
            (n, 1)
        } else {
            (t, 1)
        };
        num.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| *n > 0 && *n <= 3660)
            .map(|n| Days(n * mult))
            .ok_or_else(|| format!("`{t}` is not a number of days; write e.g. 14d, 2w or 7"))
    }
}

/// Parses a duration into seconds: `180s`, `3m`, `1h30m`, `2.5h`, or a bare number of seconds.
pub fn parse_seconds(text: &str) -> Result<f64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty duration".into());
    }
    if let Ok(v) = t.parse::<f64>() {
        return if v >= 0.0 && v.is_finite() {
            Ok(v)
        } else {
            Err(format!("duration `{t}` must be a non-negative number"))
        };
    }
    let mut total = 0.0;
    let mut num = String::new();
    let mut seen_unit = false;
    for ch in t.chars() {
        if ch.is_ascii_digit() || ch == '.' {
            num.push(ch);
            continue;
        }
        let mult = match ch {
            'h' | 'H' => 3600.0,
            'm' | 'M' => 60.0,
            's' | 'S' => 1.0,
            'd' | 'D' => 86400.0,
            ' ' => continue,
            _ => {
                return Err(format!(
                    "duration `{t}`: unexpected `{ch}` (write e.g. 30m, 9h, 180s, 1h30m)"
                ))
            }
        };
        let v: f64 = num.parse().map_err(|_| {
            format!("duration `{t}`: a unit must follow a number (write e.g. 30m, 9h, 180s)")
        })?;
        total += v * mult;
        num.clear();
        seen_unit = true;
    }
    if !num.is_empty() || !seen_unit {
        return Err(format!(
            "duration `{t}`: number without unit at the end (write e.g. 30m, 9h, 180s)"
        ));
    }
    Ok(total)
}

impl FromStr for Minutes {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        // bare numbers are minutes for this type
        let secs = if let Ok(v) = t.parse::<f64>() {
            v * 60.0
        } else {
            parse_seconds(t)?
        };
        if secs < 0.0 || (secs / 60.0).fract().abs() > 1e-9 {
            return Err(format!("duration `{t}` must be a whole number of minutes"));
        }
        Ok(Minutes((secs / 60.0).round() as u32))
    }
}

impl fmt::Display for Minutes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m) = (self.0 / 60, self.0 % 60);
        match (h, m) {
            (0, m) => write!(f, "{m}m"),
            (h, 0) => write!(f, "{h}h"),
            (h, m) => write!(f, "{h}h{m}m"),
        }
    }
}

impl Serialize for Minutes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Minutes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            S(String),
            N(u32),
        }
        match Raw::deserialize(d)? {
            Raw::S(s) => s.parse().map_err(serde::de::Error::custom),
            Raw::N(n) => Ok(Minutes(n)),
        }
    }
}

/// A time of day `HH:MM`, where `24:00` is allowed as the end of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Clock(pub u32); // minutes since midnight, 0..=1440

impl FromStr for Clock {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let (h, m) = t
            .split_once(':')
            .ok_or_else(|| format!("time of day `{t}` must look like HH:MM, e.g. 08:30"))?;
        let h: u32 = h
            .parse()
            .map_err(|_| format!("time of day `{t}`: bad hour"))?;
        let m: u32 = m
            .parse()
            .map_err(|_| format!("time of day `{t}`: bad minute"))?;
        if m >= 60 || h > 24 || (h == 24 && m > 0) {
            return Err(format!("time of day `{t}` is out of range 00:00..24:00"));
        }
        Ok(Clock(h * 60 + m))
    }
}

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl Serialize for Clock {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Clock {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

const TS_FORMATS: &[&str] = &[
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y/%m/%d %H:%M:%S%.f",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y.%m.%d %H:%M:%S",
    "%Y.%m.%d %H:%M",
];

/// Excel's own serial date-time (days since 1899-12-30, the fraction the time of day), as a
/// date cell reads when exported without its format: 45972.5 is 2025-11-11 12:00.
fn excel_serial(t: &str) -> Option<NaiveDateTime> {
    let v: f64 = t.parse().ok()?;
    if !(20_000.0..=80_000.0).contains(&v) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_time(NaiveTime::MIN);
    // to the second, and to the minute when within a second of one (floating point)
    let secs = (v * 86_400.0).round() as i64;
    let minute = (secs + 30).div_euclid(60) * 60;
    let secs = if (secs - minute).abs() <= 1 {
        minute
    } else {
        secs
    };
    Some(base + chrono::Duration::seconds(secs))
}

/// Parses a local timestamp. Timestamps with an offset (`+08:00`, `Z`) are converted to
/// the given time zone; naive ones are taken as already local.
pub fn parse_timestamp(text: &str, tz: chrono_tz::Tz) -> Result<NaiveDateTime, String> {
    let t = text.trim();
    for f in TS_FORMATS {
        if let Ok(v) = NaiveDateTime::parse_from_str(t, f) {
            return Ok(v);
        }
    }
    if let Ok(v) = chrono::DateTime::parse_from_rfc3339(t) {
        return Ok(v.with_timezone(&tz).naive_local());
    }
    if let Ok(d) = parse_date(t) {
        return Ok(d.and_time(NaiveTime::MIN));
    }
    if let Some(v) = excel_serial(t) {
        return Ok(v);
    }
    Err(format!(
        "`{t}` is not a timestamp: write local time as 2026-11-11 00:00:00 (or 2026-11-11T00:00, or with an offset like +08:00)"
    ))
}

pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    // Excel writes a date cell with its midnight (`2025-11-11 00:00:00`, `2025/11/11 0:00`)
    let day = t.split_whitespace().next().unwrap_or(t);
    let midnight = |rest: &str| {
        rest.trim()
            .split(':')
            .all(|p| p.trim().parse::<u32>() == Ok(0))
    };
    ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y.%m.%d", "%Y%m%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(day, f).ok())
        .filter(|_| day == t || midnight(&t[day.len()..]))
        .or_else(|| excel_serial(t).map(|v| v.date()))
        .ok_or(())
        .map_err(|_| format!("`{t}` is not a date: write it as YYYY-MM-DD, e.g. 2026-11-09"))
}

/// Formats a timestamp the way every paiban CSV writes it (Excel reads it as a date-time).
pub fn fmt_ts(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

pub fn weekday_short(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Mon",
        Weekday::Tue => "Tue",
        Weekday::Wed => "Wed",
        Weekday::Thu => "Thu",
        Weekday::Fri => "Fri",
        Weekday::Sat => "Sat",
        Weekday::Sun => "Sun",
    }
}

pub fn parse_weekday(text: &str) -> Option<Weekday> {
    match text.trim().to_ascii_lowercase().as_str() {
        "mon" | "monday" | "周一" | "星期一" => Some(Weekday::Mon),
        "tue" | "tuesday" | "周二" | "星期二" => Some(Weekday::Tue),
        "wed" | "wednesday" | "周三" | "星期三" => Some(Weekday::Wed),
        "thu" | "thursday" | "周四" | "星期四" => Some(Weekday::Thu),
        "fri" | "friday" | "周五" | "星期五" => Some(Weekday::Fri),
        "sat" | "saturday" | "周六" | "星期六" => Some(Weekday::Sat),
        "sun" | "sunday" | "周日" | "星期日" | "周天" => Some(Weekday::Sun),
        _ => None,
    }
}

/// A regular grid of intervals: `start + k * step` for `k in 0..len`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Grid {
    pub start: NaiveDateTime,
    pub step_minutes: u32,
    pub len: usize,
}

impl Grid {
    pub fn new(start: NaiveDateTime, step_minutes: u32, len: usize) -> Self {
        Grid {
            start,
            step_minutes,
            len,
        }
    }
    pub fn days(start: NaiveDate, days: u32, step_minutes: u32) -> Self {
        Grid::new(
            start.and_time(NaiveTime::MIN),
            step_minutes,
            (days * 1440 / step_minutes) as usize,
        )
    }
    pub fn at(&self, k: usize) -> NaiveDateTime {
        self.start + Duration::minutes(k as i64 * self.step_minutes as i64)
    }
    pub fn end(&self) -> NaiveDateTime {
        self.at(self.len)
    }
    /// Index of the interval containing `t` (None outside the grid).
    pub fn index_of(&self, t: NaiveDateTime) -> Option<usize> {
        let mins = (t - self.start).num_minutes();
        if mins < 0 {
            return None;
        }
        let k = (mins / self.step_minutes as i64) as usize;
        (k < self.len).then_some(k)
    }
    pub fn per_day(&self) -> usize {
        (1440 / self.step_minutes) as usize
    }
    pub fn step_hours(&self) -> f64 {
        self.step_minutes as f64 / 60.0
    }
}

/// Minutes since midnight of a timestamp.
pub fn minute_of_day(t: NaiveDateTime) -> u32 {
    t.hour() * 60 + t.minute()
}

/// Monday-based weekday index 0..7.
pub fn dow(t: NaiveDateTime) -> usize {
    t.weekday().num_days_from_monday() as usize
}

pub fn fmt_hm_range(a: NaiveDateTime, b: NaiveDateTime) -> String {
    let end = if b.time() == NaiveTime::MIN && b.date() > a.date() {
        "24:00".to_string()
    } else {
        b.format("%H:%M").to_string()
    };
    format!(
        "{} {}–{}",
        weekday_short(a.weekday()),
        a.format("%H:%M"),
        end
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!("15m".parse::<Minutes>().unwrap(), Minutes(15));
        assert_eq!("9h".parse::<Minutes>().unwrap(), Minutes(540));
        assert_eq!("1h30m".parse::<Minutes>().unwrap(), Minutes(90));
        assert_eq!("45".parse::<Minutes>().unwrap(), Minutes(45));
        assert!("90s".parse::<Minutes>().is_err());
        assert_eq!(parse_seconds("180s").unwrap(), 180.0);
        assert_eq!(parse_seconds("3m").unwrap(), 180.0);
        assert!(parse_seconds("3x").is_err());
        assert!(parse_seconds("-3").is_err());
        assert_eq!(Minutes(90).to_string(), "1h30m");
    }

    #[test]
    fn clocks_and_timestamps() {
        assert_eq!("24:00".parse::<Clock>().unwrap(), Clock(1440));
        assert!("24:30".parse::<Clock>().is_err());
        let tz = chrono_tz::Asia::Shanghai;
        let a = parse_timestamp("2026-11-11 00:00:00", tz).unwrap();
        let b = parse_timestamp("2026-11-10T16:00:00Z", tz).unwrap();
        assert_eq!(a, b);
        assert!(parse_timestamp("11/11/2026", tz).is_err());
    }

    #[test]
    fn grid_index() {
        let g = Grid::days(NaiveDate::from_ymd_opt(2026, 11, 9).unwrap(), 7, 15);
        assert_eq!(g.len, 672);
        assert_eq!(g.index_of(g.at(100)), Some(100));
        assert_eq!(g.index_of(g.end()), None);
    }
}
