//! Client work per call, without the network: build a Tegro.money createOrder request,
//! serialize it to its exact body bytes and sign it (HMAC-SHA256, nonce injected), through
//! the generated client's `prepare_create_order`. Prints min / median / max nanoseconds per
//! call over several rounds.

use std::hint::black_box;
use std::time::Instant;

use tegro_money::requests::CreateOrderRequest;
use tegro_money::types::Currency;
use tegro_money::{Client, Credentials};

const ROUNDS: usize = 15;
const CALLS: u32 = 20_000;

fn main() {
    let client = Client::new(Credentials::sample());
    let amount: rust_decimal::Decimal = "1200.00".parse().expect("a decimal");
    let mut per_call = Vec::with_capacity(ROUNDS);
    for round in 0..=ROUNDS {
        let start = Instant::now();
        for i in 0..CALLS {
            let request = CreateOrderRequest::new(Currency::Rub, amount, format!("order-{i}"), 5);
            let out = client
                .prepare_create_order(black_box(&request))
                .expect("signs");
            black_box(out.body_bytes());
        }
        // Round 0 warms caches and the allocator.
        if round > 0 {
            per_call.push(start.elapsed().as_nanos() as f64 / f64::from(CALLS));
        }
    }
    per_call.sort_by(f64::total_cmp);
    println!(
        "client createOrder (build + serialize + sign, no network): min {:.0} ns, median {:.0} ns, max {:.0} ns per call ({ROUNDS} rounds of {CALLS})",
        per_call[0],
        per_call[ROUNDS / 2],
        per_call[ROUNDS - 1]
    );
}
