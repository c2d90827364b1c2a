//! The fuzz corpus (`fuzz/corpus/<reader>/`, grown by `./dev fuzz`) replayed on stable Rust,
//! plus a short mutation run from it: every reader takes each input and its random mutations
//! (bytes flipped, inserted, removed, lines duplicated, the file cut short) without panicking.
//! This is the fuzzing CI can run; the coverage-guided runs need nightly and cargo-fuzz.

#[path = "../fuzz/readers.rs"]
mod readers;

use rand::{Rng, SeedableRng};
use std::path::Path;

type Reader = fn(&[u8]);

const READERS: [(&str, Reader); 5] = [
    ("history", readers::history),
    ("agents", readers::agents),
    ("roster", readers::roster),
    ("scenario", readers::scenario),
    ("curtois", readers::curtois),
];

fn corpus(name: &str) -> Vec<Vec<u8>> {
    let dir = Path::new("fuzz/corpus").join(name);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

fn mutate(rng: &mut rand_chacha::ChaCha8Rng, input: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..rng.random_range(1..6) {
        let n = v.len();
        match rng.random_range(0..6) {
            0 if n > 0 => {
                let i = rng.random_range(0..n);
                v[i] = rng.random();
            }
            1 => {
                let i = rng.random_range(0..=n);
                let b: u8 = *[
                    b',', b'\n', b'"', b'-', b':', b'0', b'9', b' ', b'=', b'[', 0xFF,
                ]
                .get(rng.random_range(0..11))
                .unwrap();
                v.insert(i, b);
            }
            2 if n > 0 => {
                let i = rng.random_range(0..n);
                let len = rng.random_range(1..=(n - i).min(16));
                v.drain(i..i + len);
            }
            3 if n > 0 => v.truncate(rng.random_range(0..n)),
            4 => {
                // a line repeated (duplicates, and long inputs)
                let lines: Vec<&[u8]> = input.split(|b| *b == b'\n').collect();
                let l = lines[rng.random_range(0..lines.len())];
                let at = rng.random_range(0..=v.len());
                let mut ins = l.to_vec();
                ins.push(b'\n');
                v.splice(at..at, ins);
            }
            _ if n > 1 => {
                let (i, j) = (rng.random_range(0..n), rng.random_range(0..n));
                v.swap(i, j);
            }
            _ => {}
        }
    }
    v
}

#[test]
fn every_reader_survives_its_corpus_and_mutations_of_it() {
    let per_reader: usize = std::env::var("PAIBAN_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    for (name, read) in READERS {
        let seeds = corpus(name);
        assert!(!seeds.is_empty(), "no corpus for {name}");
        for s in &seeds {
            read(s);
        }
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for _ in 0..per_reader {
            let s = &seeds[rng.random_range(0..seeds.len())];
            let m = mutate(&mut rng, s);
            let r = std::panic::catch_unwind(|| read(&m));
            if r.is_err() {
                let keep = std::env::temp_dir().join(format!("paiban-crash-{name}"));
                std::fs::write(&keep, &m).unwrap();
                panic!(
                    "the {name} reader panicked on {} (kept for cargo fuzz)",
                    keep.display()
                );
            }
        }
    }
}
