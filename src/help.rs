//! `--help` in the user's language. clap writes help from the texts the command holds (the
//! `///` comments of `Cli`, the built-in `-h`/`-V` flags and `help` subcommand) and from
//! headings of its own (`Usage:`, `Commands:`, `Options:`, `[default: …]`). In Chinese the
//! command tree is built and every text rendered through the catalogue (`i18n/zh/help.toml`),
//! and each command gets a help template with Chinese headings; in English the command is
//! left exactly as clap made it.

use clap::builder::StyledStr;
use clap::{Arg, Command};
use paiban::i18n::{translate, Lang};

/// `cmd` with its help in `lang` (the whole tree, subcommands and `help` included).
pub fn localise(mut cmd: Command, lang: Lang) -> Command {
    if lang == Lang::En {
        return cmd;
    }
    // the built-in -h/--help, -V/--version and `help` subcommand exist only once built
    cmd.build();
    zh_command(cmd)
}

fn zh(text: &StyledStr) -> String {
    translate(&text.to_string(), Lang::Zh)
}

/// One command in Chinese, its subcommands in turn.
fn zh_command(mut cmd: Command) -> Command {
    if let Some(t) = cmd.get_about().map(zh) {
        cmd = cmd.about(t);
    }
    if let Some(t) = cmd.get_long_about().map(zh) {
        cmd = cmd.long_about(t);
    }
    let template = template(&cmd);
    cmd.help_template(template)
        .mut_args(zh_arg)
        .mut_subcommands(zh_command)
}

/// One argument's help in Chinese; its default value, which clap would print as
/// `[default: …]`, written after it in Chinese instead.
fn zh_arg(mut arg: Arg) -> Arg {
    let default = (arg.get_action().takes_values()
        && !arg.is_hide_default_value_set()
        && !arg.get_default_values().is_empty())
    .then(|| {
        let vals: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| {
                let v = v.to_string_lossy();
                if v.contains(char::is_whitespace) {
                    format!("{v:?}")
                } else {
                    v.into_owned()
                }
            })
            .collect();
        format!("[默认：{}]", vals.join(" "))
    });
    let with_default = |help: Option<String>| match (help, &default) {
        (Some(h), Some(d)) if !h.is_empty() => Some(format!("{h} {d}")),
        (None, Some(d)) => Some(d.clone()),
        (h, _) => h,
    };
    let help = with_default(arg.get_help().map(zh));
    let long = arg
        .get_long_help()
        .map(zh)
        .map(|h| with_default(Some(h)).unwrap_or_default());
    if default.is_some() {
        arg = arg.hide_default_value(true);
    }
    if let Some(h) = help {
        arg = arg.help(h);
    }
    if let Some(h) = long {
        arg = arg.long_help(h);
    }
    arg
}

/// clap's default help template with Chinese headings (styled as clap styles its own), a
/// section for each kind of entry the command shows.
fn template(cmd: &Command) -> String {
    let styles = cmd.get_styles();
    let (u, h) = (styles.get_usage(), styles.get_header());
    let mut t = format!("{{before-help}}{{about-with-newline}}\n{u}用法：{u:#}{{usage}}");
    let sections = [
        (
            cmd.get_subcommands().any(|s| !s.is_hide_set()),
            "命令",
            "{subcommands}",
        ),
        (
            cmd.get_positionals().any(|a| !a.is_hide_set()),
            "参数",
            "{positionals}",
        ),
        (
            cmd.get_arguments()
                .any(|a| !a.is_positional() && !a.is_hide_set()),
            "选项",
            "{options}",
        ),
    ];
    for (show, heading, tag) in sections {
        if show {
            t.push_str(&format!("\n\n{h}{heading}：{h:#}\n{tag}"));
        }
    }
    t.push_str("{after-help}");
    t
}
