//! Ctrl-C during a long solve stops paiban at once (exit 130) and leaves no output and no
//! temporary file; time limits bound each solve.

use std::time::{Duration, Instant};

#[test]
fn ctrl_c_during_a_solve_stops_cleanly_and_writes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    // the Double 11 week with temps: its plan MIP runs to the 60 s limit
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_paiban"))
        // messages in English whatever the machine's locale
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .args([
            "run",
            "--scenario",
            "scenarios/double11-temps.toml",
            "--out",
        ])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(5));
    assert!(
        child.try_wait().unwrap().is_none(),
        "finished before the interrupt"
    );
    let sent = Instant::now();
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            sent.elapsed() < Duration::from_secs(5),
            "still running 5 s after Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(err.contains("interrupted"), "{err}");
    assert!(!out.exists(), "output written despite the interrupt");
    let left: Vec<_> = std::fs::read_dir(d.path()).unwrap().collect();
    assert!(left.is_empty(), "files left behind: {left:?}");
}
