//! Helpers shared by the integration tests.

use paiban::agents::Agent;

#[allow(dead_code)]
mod spin;
#[allow(unused_imports)]
pub use spin::spin;

#[allow(dead_code)]
/// A junior agent of `contract` with no minimums, no unavailability and no wishes.
pub fn agent(id: &str, contract: &str, max_hours: f64, max_days: u32) -> Agent {
    Agent {
        id: id.into(),
        name: id.into(),
        tier: "junior".into(),
        contract: contract.into(),
        min_hours: 0.0,
        max_hours,
        min_days: 0,
        max_days,
        unavailable: vec![],
        preferred_off: vec![],
        requests: vec![],
        skills: vec![],
        on_call: Default::default(),
    }
}

/// The real binary.
#[allow(dead_code)]
pub fn paiban() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("paiban").unwrap();
    // messages follow the locale: the tests read English unless they ask for Chinese
    c.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8");
    c
}

/// Runs `cmd`, fails the test with its output unless it succeeds, returns its stdout.
#[allow(dead_code)]
pub fn stdout(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `paiban check` of the roster a run wrote into `dir` (with its agents and scenario).
#[allow(dead_code)]
pub fn check_run(dir: &std::path::Path) -> assert_cmd::Command {
    let mut c = paiban();
    c.args(["check", "--roster"])
        .arg(dir.join("roster.csv"))
        .arg("--agents")
        .arg(dir.join("agents.csv"))
        .arg("--scenario")
        .arg(dir.join("scenario.toml"));
    c
}

/// `../shared/<rel>` (the reference data checked out beside the project), if it exists.
///
/// When it is absent the test should return early: this prints a `SKIP` line and returns `None`,
/// unless `PAIBAN_REQUIRE_SHARED=1` (as CI sets), where it fails the test instead.
#[allow(dead_code)]
pub fn shared_file(rel: &str) -> Option<std::path::PathBuf> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(rel);
    if path.exists() {
        return Some(path);
    }
    if std::env::var("PAIBAN_REQUIRE_SHARED").as_deref() == Ok("1") {
        panic!(
            "../shared/{rel} is absent but PAIBAN_REQUIRE_SHARED=1: check out shared/ beside the project"
        );
    }
    eprintln!("SKIP: ../shared/{rel} is absent (../shared not checked out beside the project)");
    None
}

#[allow(dead_code)]
/// The start of the `k`-th chat of a synthetic session log: one every 97 seconds from
/// 1 Jan 2026, 00:00.
pub fn chat_start(k: i64) -> chrono::NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        + chrono::Duration::seconds(k * 97)
}
