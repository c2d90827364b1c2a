//! Threads spinning on the cores: a machine made busy, for the tests and benchmarks that
//! check an answer does not depend on the machine's load (the benches include this file).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Threads spinning until stopped.
pub struct Spinners {
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Spinners {
    /// Stops the threads and waits for them.
    pub fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        self.threads.into_iter().for_each(|h| h.join().unwrap());
    }
}

/// `n` threads spinning until [`Spinners::stop`].
pub fn spin(n: usize) -> Spinners {
    let stop = Arc::new(AtomicBool::new(false));
    let threads = (0..n)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut x = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                    std::hint::black_box(x);
                }
            })
        })
        .collect();
    Spinners { stop, threads }
}
