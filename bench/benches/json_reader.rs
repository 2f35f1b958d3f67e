//! The mock's JSON reader (`V::parse`: one pass over the bytes, numbers kept as their
//! text) against `serde_json::Value` as a lossy lower bound
//! (numbers become doubles, repeated keys merged). Inputs: the createOrder body
//! `bench/mock.sh` sends, the Tegro createOrder example of the docs, a 10 KB and a 1 MB body
//! with a long receipt, and that 1 MB body nested 127 levels deep. Prints min / median / max
//! ns per parse over several rounds, the readers alternating within each round.
//! `cargo bench -p payspec-bench --bench json_reader`

use std::hint::black_box;
use std::time::Instant;

use payspec_runtime::mock::value::V;

/// The createOrder example of the Tegro.money docs (specs/tegro-money.yaml), as
/// `json.dumps` writes it.
const TEGRO_DOCS: &str = r#"{"shop_id": "1913EA9D9351469B1E5D852A", "nonce": 1613435880, "currency": "RUB", "amount": 1200, "order_id": "test order", "payment_system": 5, "fields": {"email": "user@email.ru", "phone": "79111231212"}, "receipt": {"items": [{"name": "test item 1", "count": 1, "price": 600}, {"name": "test item 2", "count": 1, "price": 600}]}}"#;

/// The body `bench/gen_tegro_requests.py` writes for `bench/mock.sh`.
const TEGRO_BENCH: &str = r#"{"shop_id": "1913EA9D9351469B1E5D852A", "nonce": 1700000000000, "currency": "RUB", "amount": 1200.5, "order_id": "bench-0", "payment_system": 5, "fields": {"email": "user@email.ru"}}"#;

/// A createOrder body whose receipt has items until the body is at least `size` bytes; item
/// names in Cyrillic, some with escapes, prices with decimals.
fn tegro_with_receipt(size: usize) -> String {
    let mut items = Vec::new();
    let mut len = 0;
    let mut i = 0u32;
    while len < size {
        let name = if i.is_multiple_of(4) {
            format!(r#"Товар \"№{i}\" \u00e9"#)
        } else {
            format!("Товар {i}")
        };
        let item = format!(
            r#"{{"name": "{name}", "count": {}, "price": {}.{:02}}}"#,
            1 + i % 5,
            100 + i % 900,
            i % 100
        );
        len += item.len() + 2;
        items.push(item);
        i += 1;
    }
    format!(
        r#"{{"shop_id": "1913EA9D9351469B1E5D852A", "nonce": 1700000000000, "currency": "RUB", "amount": 1200.50, "order_id": "bench-1", "payment_system": 5, "fields": {{"email": "user@email.ru"}}, "receipt": {{"items": [{}]}}}}"#,
        items.join(", ")
    )
}

/// The 1 MB body (4 levels) wrapped in 123 objects: 127 levels, the most `serde_json::Value`
/// takes (its limit refuses the 128th; `V::parse` takes 128).
fn deep_1mb() -> String {
    format!(
        "{}{}{}",
        r#"{"a": "#.repeat(123),
        tegro_with_receipt(1024 * 1024),
        "}".repeat(123)
    )
}

const ROUNDS: usize = 15;

/// One reader under test.
struct Reader {
    name: &'static str,
    run: fn(&[u8]) -> bool,
}

fn main() {
    let inputs = [
        ("mock.sh createOrder", TEGRO_BENCH.to_string(), 20_000u32),
        ("Tegro docs createOrder", TEGRO_DOCS.to_string(), 20_000),
        ("10 KB receipt", tegro_with_receipt(10 * 1024), 1_000),
        ("1 MB receipt", tegro_with_receipt(1024 * 1024), 10),
        ("1 MB, 127 levels deep", deep_1mb(), 1),
    ];
    let readers = [
        Reader {
            name: "V::parse (numbers kept)",
            run: |t| V::parse(black_box(t)).is_some(),
        },
        Reader {
            name: "serde_json::Value (lossy bound)",
            run: |t| serde_json::from_slice::<serde_json::Value>(black_box(t)).is_ok(),
        },
    ];
    println!(
        "{:<24} {:>9} {:<32} {:>11} {:>11} {:>11} {:>8}",
        "input", "bytes", "reader", "min ns", "median ns", "max ns", "MB/s"
    );
    for (label, text, calls) in &inputs {
        let bytes = text.as_bytes();
        assert!(V::parse(bytes).is_some(), "V::parse reads {label}");
        let mut per_call = vec![Vec::with_capacity(ROUNDS); readers.len()];
        for round in 0..=ROUNDS {
            // The readers alternate, in a rotating order, so drift on a shared machine
            // spreads over all of them.
            for k in 0..readers.len() {
                let r = (k + round) % readers.len();
                let start = Instant::now();
                for _ in 0..*calls {
                    assert!((readers[r].run)(bytes));
                }
                // Round 0 warms caches and the allocator.
                if round > 0 {
                    per_call[r].push(start.elapsed().as_nanos() as f64 / f64::from(*calls));
                }
            }
        }
        for (reader, times) in readers.iter().zip(&mut per_call) {
            times.sort_by(f64::total_cmp);
            let median = times[ROUNDS / 2];
            println!(
                "{:<24} {:>9} {:<32} {:>11.0} {:>11.0} {:>11.0} {:>8.0}",
                label,
                bytes.len(),
                reader.name,
                times[0],
                median,
                times[ROUNDS - 1],
                bytes.len() as f64 / median * 1e3
            );
        }
    }
}
