//! Benchmarks of payspec live in `benches/` (run `cargo bench -p payspec-bench`) and in the
//! scripts beside this crate: `generate.sh` (the generator, at scale), `mock.sh` (the mock
//! servers under load) and `compare.sh` (the Tegro mock against Prism and the `bare_axum`
//! binary of this crate).
