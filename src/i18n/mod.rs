//! Messages in the user's language.
//!
//! The library writes every message in English: that is the form tests match and the key of
//! the catalogue, as gettext's `msgid` is. The edge (the CLI, or a library user) renders a
//! finished message in Chinese with [`translate`]: each line is matched against the
//! catalogue's English templates, where `{}` stands for a value (a number, a date, an agent,
//! or a phrase that is itself in the catalogue and is translated in turn). The Chinese
//! template may place the values in another order with `{0}`, `{1}`, ….
//!
//! The catalogue is TOML in `src/i18n/zh/*.toml`, one table of `"English" = "中文"` per file,
//! compiled in. A line no template matches is kept as it is; [`untranslated`] lists the lines
//! of a text that still read as English prose, which the tests require to be none.

use std::sync::OnceLock;

/// Language of messages and of the files meant for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

/// A language name paiban does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--lang `{0}`: use en or zh")]
pub struct UnknownLang(pub String);

impl std::str::FromStr for Lang {
    type Err = UnknownLang;
    fn from_str(s: &str) -> Result<Self, UnknownLang> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "en" | "en-us" | "en-gb" => Ok(Lang::En),
            "zh" | "cn" | "zh-cn" | "zh-hans" | "zh-sg" => Ok(Lang::Zh),
            _ => Err(UnknownLang(s.into())),
        }
    }
}

impl Lang {
    /// The language a POSIX locale names (`LC_ALL`, then `LC_MESSAGES`, then `LANG`, as
    /// `setlocale` reads them): Chinese for `zh_CN.UTF-8` and the like, else English.
    pub fn from_locale(var: impl Fn(&str) -> Option<String>) -> Lang {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| var(k))
            .find(|v| !v.is_empty())
            .unwrap_or_default();
        if locale.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }
}

/// The language of this process's messages, set once by the program (the CLI, from `--lang`
/// or the locale) before anything is printed; English until then. Like `setlocale`, it is the
/// one process-wide setting: the solver's progress lines, printed as they happen, follow it.
static PROCESS_LANG: OnceLock<Lang> = OnceLock::new();

/// Sets the process's language (the first call wins).
pub fn set_lang(lang: Lang) {
    let _ = PROCESS_LANG.set(lang);
}

/// The process's language.
pub fn lang() -> Lang {
    PROCESS_LANG.get().copied().unwrap_or_default()
}

/// Prints `text` to stdout (or stderr) in the process's language. With `PAIBAN_LANG_STRICT`
/// set, lines the catalogue does not translate are also listed on stderr as `untranslated: …`
/// (the tests' check that every message has a Chinese version).
pub fn show(text: &str, to_err: bool) {
    use std::io::Write;
    let lang = lang();
    let shown = translate(text, lang);
    if to_err {
        let _ = std::io::stderr().write_all(shown.as_bytes());
    } else {
        let _ = std::io::stdout().write_all(shown.as_bytes());
    }
    if lang == Lang::Zh && std::env::var_os("PAIBAN_LANG_STRICT").is_some() {
        for l in untranslated(text) {
            eprintln!("untranslated: {l}");
        }
    }
}

/// The Chinese catalogue's files (each a TOML table of English template → Chinese).
const ZH_FILES: &[(&str, &str)] = &[
    ("terms.toml", include_str!("zh/terms.toml")),
    ("errors.toml", include_str!("zh/errors.toml")),
    ("inputs.toml", include_str!("zh/inputs.toml")),
    ("output.toml", include_str!("zh/output.toml")),
    ("help.toml", include_str!("zh/help.toml")),
];

/// One catalogue entry: the English template cut at its `{}`s, and the Chinese template.
struct Template {
    pieces: Vec<String>,
    zh: String,
    /// Letters outside placeholders: the more, the more specific (tried first).
    weight: usize,
}

/// The catalogue, parsed once; a broken catalogue file is a build defect the tests catch, so
/// here it is reported and the file skipped rather than failing the user's command.
fn catalogue() -> &'static [Template] {
    static CAT: OnceLock<Vec<Template>> = OnceLock::new();
    CAT.get_or_init(|| {
        let mut all = Vec::new();
        for (name, text) in ZH_FILES {
            match parse_catalogue(text) {
                Ok(t) => all.extend(t),
                Err(e) => eprintln!("paiban: catalogue {name} is broken: {e}"),
            }
        }
        all.sort_by(|a, b| b.weight.cmp(&a.weight).then(a.pieces.cmp(&b.pieces)));
        all
    })
}

/// Parses one catalogue file.
fn parse_catalogue(text: &str) -> Result<Vec<Template>, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
    table
        .into_iter()
        .map(|(en, zh)| {
            let zh = zh
                .as_str()
                .ok_or_else(|| format!("`{en}`: the translation must be a string"))?
                .to_string();
            let pieces: Vec<String> = en.split("{}").map(str::to_string).collect();
            let holes = pieces.len() - 1;
            let used = zh.matches("{}").count();
            let numbered = (0..holes)
                .filter(|i| zh.contains(&format!("{{{i}}}")))
                .count();
            if used + numbered != holes && !(used == 0 && numbered == 0 && holes == 0) {
                return Err(format!(
                    "`{en}` has {holes} placeholder(s) but `{zh}` uses {}",
                    used + numbered
                ));
            }
            let weight = pieces.iter().map(|p| p.chars().count()).sum();
            Ok(Template { pieces, zh, weight })
        })
        .collect()
}

/// The pairs of one catalogue file, for checks: its parse error, if any.
pub fn check_catalogue() -> Result<usize, String> {
    let mut n = 0;
    let mut seen = std::collections::BTreeSet::new();
    for (name, text) in ZH_FILES {
        let t = parse_catalogue(text).map_err(|e| format!("{name}: {e}"))?;
        for tpl in &t {
            let key = tpl.pieces.join("{}");
            if !seen.insert(key.clone()) {
                return Err(format!("{name}: `{key}` is also in another file"));
            }
        }
        n += t.len();
    }
    Ok(n)
}

/// `text` in `lang`: unchanged in English; in Chinese each line translated (its indent kept).
pub fn translate(text: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() * 2);
    for (k, line) in text.split('\n').enumerate() {
        if k > 0 {
            out.push('\n');
        }
        out.push_str(&translate_line(line).unwrap_or_else(|| line.to_string()));
    }
    out
}

/// One line in Chinese, or None when no template matches it.
fn translate_line(line: &str) -> Option<String> {
    let body = line.trim_start();
    let indent = &line[..line.len() - body.len()];
    let body_end = body.trim_end();
    if body_end.is_empty() {
        return Some(line.to_string());
    }
    phrase(body_end, 0).map(|t| format!("{indent}{t}{}", &body[body_end.len()..]))
}

/// A whole phrase in Chinese: the most specific template it matches, its values translated in
/// turn where they are phrases of their own.
fn phrase(s: &str, depth: usize) -> Option<String> {
    if depth > 6 {
        return None;
    }
    for t in catalogue() {
        if let Some(caps) = match_pieces(&t.pieces, s) {
            let values: Vec<String> = caps.iter().map(|c| value(c, depth + 1)).collect();
            return Some(fill(&t.zh, &values));
        }
    }
    None
}

/// A value inside a message: a phrase of the catalogue is translated, anything else (numbers,
/// names, dates, quoted file contents) is kept. Backtick-quoted values are the user's own text.
fn value(s: &str, depth: usize) -> String {
    if s.len() >= 2 && s.starts_with('`') && s.ends_with('`') && !s[1..s.len() - 1].contains('`') {
        return clip_note(s);
    }
    // a value padded to a column's width: the words translated, the padding kept
    let core = s.trim();
    if core.len() < s.len() && !core.is_empty() {
        let at = s.find(core).unwrap_or(0);
        return format!(
            "{}{}{}",
            &s[..at],
            value(core, depth),
            &s[at + core.len()..]
        );
    }
    if let Some(t) = phrase(s, depth) {
        return t;
    }
    if s.ends_with(" characters)") {
        return clip_note(s);
    }
    // a list (`A 2025-11-11; B 2026-06-18`): each item in turn
    if s.contains("; ") {
        let items: Vec<String> = s.split("; ").map(|p| value(p, depth + 1)).collect();
        return items.join("；");
    }
    s.to_string()
}

/// A quoted value is the user's own text, kept; only the note paiban adds when it cuts a long
/// one (`…… (2000000 characters)`, see `io::clip_quoted`) is translated.
fn clip_note(s: &str) -> String {
    let (open, inner, close) = match s.strip_prefix('`').and_then(|x| x.strip_suffix('`')) {
        Some(inner) => ("`", inner, "`"),
        None => ("", s, ""),
    };
    if let Some((head, n)) = inner.rsplit_once("… (") {
        if let Some(n) = n.strip_suffix(" characters)") {
            if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) {
                return format!("{open}{head}…（共 {n} 个字符）{close}");
            }
        }
    }
    s.to_string()
}

/// The values a template's placeholders take in `s`, if it matches: every literal piece in
/// order, each value non-empty; earlier values as short as a match allows.
fn match_pieces<'a>(pieces: &[String], s: &'a str) -> Option<Vec<&'a str>> {
    let rest = s.strip_prefix(pieces[0].as_str())?;
    let mut caps = Vec::with_capacity(pieces.len() - 1);
    if holes_fit(&pieces[1..], rest, &mut caps) {
        Some(caps)
    } else {
        None
    }
}

fn holes_fit<'a>(pieces: &[String], rest: &'a str, caps: &mut Vec<&'a str>) -> bool {
    let Some((lit, later)) = pieces.split_first() else {
        return rest.is_empty();
    };
    if later.is_empty() {
        // the last value runs to the end, before the final literal
        return match rest.strip_suffix(lit.as_str()) {
            Some(v) if !v.is_empty() => {
                caps.push(v);
                true
            }
            _ => false,
        };
    }
    if lit.is_empty() {
        return false; // two values side by side: ambiguous, never written
    }
    // a value is at least one character
    let mut from = rest.chars().next().map_or(1, char::len_utf8);
    while let Some(off) = rest.get(from..).and_then(|r| r.find(lit.as_str())) {
        let at = from + off;
        caps.push(&rest[..at]);
        if holes_fit(later, &rest[at + lit.len()..], caps) {
            return true;
        }
        caps.pop();
        from = at + 1;
        while !rest.is_char_boundary(from) {
            from += 1;
        }
    }
    false
}

/// The Chinese template with its values: `{}` in order, `{N}` by position.
fn fill(zh: &str, values: &[String]) -> String {
    let mut out = String::with_capacity(zh.len() + 16);
    let mut next = 0;
    let mut rest = zh;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(0) => {
                out.push_str(values.get(next).map(String::as_str).unwrap_or(""));
                next += 1;
                rest = &after[1..];
            }
            Some(close) if after[..close].bytes().all(|b| b.is_ascii_digit()) => {
                let i: usize = after[..close].parse().unwrap_or(usize::MAX);
                out.push_str(values.get(i).map(String::as_str).unwrap_or(""));
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The lines of `text` (as printed in English) that the catalogue does not translate and that
/// read as prose: a lower-case English word of three letters or more outside backticks and
/// paths. Tables of numbers, IDs and dates pass.
pub fn untranslated(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| translate_line(l).is_none() && reads_as_prose(l))
        .map(str::to_string)
        .collect()
}

fn reads_as_prose(line: &str) -> bool {
    let mut outside = String::new();
    for (i, part) in line.split('`').enumerate() {
        if i % 2 == 0 {
            outside.push_str(part);
            outside.push(' ');
        }
    }
    outside
        .split(|c: char| c.is_whitespace() || ",;:()[]{}=→–—|".contains(c))
        .filter(|w| !w.contains('/') && !w.contains('.') && !w.contains('_'))
        .any(|w| w.len() >= 3 && w.chars().all(|c| c.is_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> String {
        translate(s, Lang::Zh)
    }

    #[test]
    fn the_catalogue_parses_without_duplicates() {
        let n = check_catalogue().unwrap();
        assert!(n > 0);
    }

    #[test]
    fn values_are_kept_and_phrases_inside_them_translated() {
        let pieces: Vec<String> = "{} rows ({}, {})".split("{}").map(String::from).collect();
        assert_eq!(
            match_pieces(&pieces, "12 rows (aggregated, UTF-8)"),
            Some(vec!["12", "aggregated", "UTF-8"])
        );
        assert_eq!(fill("{1} 与 {0}", &["a".into(), "b".into()]), "b 与 a");
        assert_eq!(fill("共 {} 行", &["3".into()]), "共 3 行");
        // the error frame and the problem inside it are both translated
        let e = t("h.csv, line 3, field `count`: negative value `-3`\n  fix: counts and durations must be 0 or more");
        assert!(e.contains("第 3 行"), "{e}");
        let e = t("h.csv, line 1, field `满意度`: negative value `-3`");
        assert!(e.contains("第 1 行，字段 `满意度`"), "{e}");
        assert!(e.contains("`-3`"), "{e}");
        assert!(!e.contains("negative value"), "{e}");
        assert!(!e.contains("fix:"), "{e}");
        let e = t("h.csv, line 2, field `count`: negative value `-99… (5000 characters)`");
        assert!(e.ends_with("`-99…（共 5000 个字符）`"), "{e}");
    }

    #[test]
    fn lists_inside_a_message_are_translated_item_by_item() {
        let e = t("festivals in the history: Double 12 2025-12-12; 618 pre-sale launch 2026-05-20");
        assert!(e.contains("2025-12-12；"), "{e}");
        assert!(!e.contains("pre-sale"), "{e}");
    }

    #[test]
    fn english_is_untouched_and_unknown_lines_are_kept() {
        assert_eq!(translate("anything at all", Lang::En), "anything at all");
        assert_eq!(t("A0001  2026-11-11  09:00"), "A0001  2026-11-11  09:00");
        assert!(untranslated("A0001  2026-11-11  09:00\n").is_empty());
        assert_eq!(untranslated("no such sentence here\n").len(), 1);
    }

    #[test]
    fn the_locale_picks_the_language() {
        let env = |v: &'static str| move |k: &str| (k == "LANG").then(|| v.to_string());
        assert_eq!(Lang::from_locale(env("zh_CN.UTF-8")), Lang::Zh);
        assert_eq!(Lang::from_locale(env("C.UTF-8")), Lang::En);
        assert_eq!(Lang::from_locale(|_| None), Lang::En);
    }
}
