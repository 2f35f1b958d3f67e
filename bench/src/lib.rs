//! Benchmarks of payspec live in `benches/` (run `cargo bench -p payspec-bench`) and in the
//! scripts beside this crate: `generate.sh` (the generator, at scale) and `mock.sh` (the mock
//! servers under load).
