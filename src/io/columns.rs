//! Column names as supervisors' exports have them.
//!
//! A file's header is matched against each column's canonical name and the names real exports
//! use (千牛 / 生意参谋 / 客服绩效 reports, in Chinese and English), after normalising case,
//! spaces, full-width brackets and a unit in brackets (`平均接待时长(秒)`). What is still
//! unknown is mapped by the user (`--columns count=进线人数`, or `[inputs.columns]` in the
//! scenario) or left out explicitly (`--ignore-columns`); never silently.

use std::collections::{BTreeMap, BTreeSet};

/// The user's own mapping: canonical column → the header their file has, and headers to leave
/// out. One mapping serves every file a command reads (a header absent from a file is simply
/// not used there).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Columns {
    pub map: BTreeMap<String, String>,
    pub ignore: BTreeSet<String>,
}

impl Columns {
    /// Parses `KEY=HEADER,KEY=HEADER` (as `--columns` takes it).
    pub fn parse_map(spec: &str) -> Result<Vec<(String, String)>, String> {
        spec.split([',', '，'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, h)) if !k.trim().is_empty() && !h.trim().is_empty() => {
                    Ok((k.trim().to_ascii_lowercase(), h.trim().to_string()))
                }
                _ => Err(format!(
                    "`{p}` is not KEY=HEADER: write e.g. --columns count=进线人数,timestamp=日期时间"
                )),
            })
            .collect()
    }

    /// Parses `HEADER,HEADER` (as `--ignore-columns` takes it).
    pub fn parse_list(spec: &str) -> Vec<String> {
        spec.split([',', '，'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// This mapping with `over`'s entries replacing its own (flags over the scenario's).
    pub fn overridden_by(&self, over: &Columns) -> Columns {
        let mut out = self.clone();
        out.map
            .extend(over.map.iter().map(|(k, v)| (k.clone(), v.clone())));
        out.ignore.extend(over.ignore.iter().cloned());
        out
    }

    /// The canonical column the user mapped `header` to.
    pub fn mapped(&self, header: &str) -> Option<&str> {
        let n = normalize(header);
        self.map
            .iter()
            .find(|(_, h)| normalize(h) == n)
            .map(|(k, _)| k.as_str())
    }

    /// Whether the user asked to leave `header` out.
    pub fn ignored(&self, header: &str) -> bool {
        let n = normalize(header);
        self.ignore.iter().any(|h| normalize(h) == n)
    }

    /// The flag that reproduces this mapping (for messages and `paiban init`).
    pub fn to_flags(&self) -> String {
        let mut parts = Vec::new();
        if !self.map.is_empty() {
            let m: Vec<String> = self.map.iter().map(|(k, h)| format!("{k}={h}")).collect();
            parts.push(format!("--columns {}", m.join(",")));
        }
        if !self.ignore.is_empty() {
            let i: Vec<&str> = self.ignore.iter().map(String::as_str).collect();
            parts.push(format!("--ignore-columns {}", i.join(",")));
        }
        parts.join(" ")
    }
}

/// A header as compared: lower case, no BOM, quotes, spaces or underscores/hyphens, brackets
/// ASCII, and a trailing unit in brackets dropped (`平均接待时长（秒）` → `平均接待时长`).
pub fn normalize(header: &str) -> String {
    let h = header
        .trim()
        .trim_start_matches('\u{feff}')
        .trim_matches('"')
        .replace(['（', '【', '['], "(")
        .replace(['）', '】', ']'], ")");
    let h = match h.rfind('(') {
        Some(i) if h.ends_with(')') && i > 0 => h[..i].to_string(),
        _ => h,
    };
    h.chars()
        .filter(|c| !c.is_whitespace() && !"_-·.:：".contains(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Seconds per unit a header names for its values, `(秒)`, `(分钟)`, `(min)`, `(h)`, …; None
/// when it names none.
pub fn unit_seconds(header: &str) -> Option<f64> {
    let h = header
        .trim()
        .replace(['（', '【', '['], "(")
        .replace(['）', '】', ']'], ")")
        .to_lowercase();
    let unit = match h.rfind('(') {
        Some(i) if h.ends_with(')') => h[i + 1..h.len() - 1].trim().to_string(),
        _ => {
            // 时长秒, 时长(s) without brackets are rare; a trailing 秒/分钟 still says it
            let tail: String = h
                .chars()
                .rev()
                .take(2)
                .collect::<String>()
                .chars()
                .rev()
                .collect();
            match tail.as_str() {
                "分钟" => "分钟".into(),
                _ if h.ends_with('秒') => "秒".into(),
                _ => return None,
            }
        }
    };
    match unit.as_str() {
        "秒" | "s" | "sec" | "secs" | "second" | "seconds" => Some(1.0),
        "分" | "分钟" | "min" | "mins" | "minute" | "minutes" | "m" => Some(60.0),
        "小时" | "时" | "h" | "hr" | "hrs" | "hour" | "hours" => Some(3600.0),
        _ => None,
    }
}

/// A duration cell as exports write it, in seconds: `205`, `205.5`, `00:03:25`, `3:25`,
/// `3分25秒`, `205秒`, `205s`, `1.5h`; a bare number is in `unit` seconds (the header's unit,
/// else seconds).
pub fn parse_seconds(text: &str, unit: Option<f64>) -> Option<f64> {
    let t = text.trim();
    if let Ok(v) = t.parse::<f64>() {
        return Some(v * unit.unwrap_or(1.0));
    }
    if t.contains(':') {
        let parts: Vec<f64> = t
            .split(':')
            .map(|p| p.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .ok()?;
        return match parts.as_slice() {
            [m, s] => Some(m * 60.0 + s),
            [h, m, s] => Some(h * 3600.0 + m * 60.0 + s),
            _ => None,
        };
    }
    // 1小时3分25秒, 3分25秒, 25秒, 25s, 3m25s, 1.5h
    let mut total = 0.0;
    let mut num = String::new();
    let mut any = false;
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let v: f64 = num.parse().ok()?;
        num.clear();
        let factor = match c {
            '秒' | 's' => 1.0,
            '分' | 'm' => {
                if chars.peek() == Some(&'钟') {
                    chars.next();
                }
                60.0
            }
            '小' if chars.peek() == Some(&'时') => {
                chars.next();
                3600.0
            }
            '时' | 'h' => 3600.0,
            _ => return None,
        };
        total += v * factor;
        any = true;
    }
    if !num.is_empty() {
        return None;
    }
    any.then_some(total)
}

/// How alike two normalised headers are: the longest run of characters they share, a Chinese
/// character counting 2 (two characters of Chinese say as much as four letters).
fn likeness(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = |c: &char| if c.is_ascii() { 1 } else { 2 };
    let mut best = 0;
    for i in 0..a.len() {
        for j in 0..b.len() {
            let mut k = 0;
            let mut score = 0;
            while i + k < a.len() && j + k < b.len() && a[i + k] == b[j + k] {
                score += w(&a[i + k]);
                k += 1;
            }
            best = best.max(score);
        }
    }
    best
}

/// The canonical column an unknown header most likely is, by the names it shares most with
/// (at least two Chinese characters or four letters in a row).
pub fn guess<'a>(
    header: &str,
    names: impl Iterator<Item = (&'a str, &'a [&'a str])>,
) -> Option<&'a str> {
    let h = normalize(header);
    let mut best: Option<(usize, &str)> = None;
    for (name, aliases) in names {
        let score = std::iter::once(name)
            .chain(aliases.iter().copied())
            .map(|a| likeness(&h, &normalize(a)))
            .max()
            .unwrap_or(0);
        if score >= 4 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, name));
        }
    }
    best.map(|(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_compared_without_case_spaces_or_units() {
        assert_eq!(normalize(" 平均接待时长（秒） "), "平均接待时长");
        assert_eq!(normalize("\u{feff}Date Time"), "datetime");
        assert_eq!(normalize("interval_start"), "intervalstart");
        assert_eq!(unit_seconds("平均接待时长（秒）"), Some(1.0));
        assert_eq!(unit_seconds("平均接待时长(分钟)"), Some(60.0));
        assert_eq!(unit_seconds("AHT (min)"), Some(60.0));
        assert_eq!(unit_seconds("平均接待时长"), None);
    }

    #[test]
    fn durations_read_as_exports_write_them() {
        assert_eq!(parse_seconds("205", None), Some(205.0));
        assert_eq!(parse_seconds("3.5", Some(60.0)), Some(210.0));
        assert_eq!(parse_seconds("00:03:25", None), Some(205.0));
        assert_eq!(parse_seconds("3:25", None), Some(205.0));
        assert_eq!(parse_seconds("3分25秒", None), Some(205.0));
        assert_eq!(parse_seconds("1小时2分", None), Some(3720.0));
        assert_eq!(parse_seconds("25s", None), Some(25.0));
        assert_eq!(parse_seconds("soon", None), None);
        assert_eq!(parse_seconds("3分x", None), None);
    }

    #[test]
    fn unknown_headers_are_guessed_by_what_they_share() {
        let cols: [(&str, &[&str]); 2] = [
            ("count", &["咨询量", "咨询人数", "进线量"]),
            ("timestamp", &["时间", "日期时间"]),
        ];
        assert_eq!(guess("进线总人数", cols.iter().copied()), Some("count"));
        assert_eq!(
            guess("统计日期时间", cols.iter().copied()),
            Some("timestamp")
        );
        assert_eq!(guess("满意度", cols.iter().copied()), None);
    }

    #[test]
    fn mappings_parse_and_flags_override_the_scenario() {
        let m = Columns::parse_map("count=进线人数, Timestamp=日期时间").unwrap();
        assert_eq!(m[1], ("timestamp".into(), "日期时间".into()));
        assert!(Columns::parse_map("count").is_err());
        let mut sc = Columns::default();
        sc.map.insert("count".into(), "A".into());
        let mut flag = Columns::default();
        flag.map.insert("count".into(), "B".into());
        flag.ignore.insert("备注".into());
        let c = sc.overridden_by(&flag);
        assert_eq!(c.mapped("b"), Some("count"));
        assert!(c.ignored("备注"));
        assert_eq!(c.to_flags(), "--columns count=B --ignore-columns 备注");
    }
}
