//! The baseline of `bench/compare.sh`: a bare axum server whose one handler reads the
//! request body and answers a fixed JSON body of the size the Tegro mock answers a
//! createOrder with. Same axum and tokio as the mock, same runtime choice as the mock's
//! command (one thread when the process may use one core, as under `taskset -c 1`), so
//! what the mock adds on top is what the comparison shows.
//!
//! Usage: `bare_axum [ADDR]` (default 127.0.0.1:18093).

use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::routing::post;
use axum::serve::ListenerExt;

/// What the Tegro mock answers a createOrder with, byte for byte in length (101 bytes).
const BODY: &str = r#"{"type":"success","desc":"","data":{"id":755555,"url":"http://127.0.0.1:18091/pay/complete/755555/"}}"#;

async fn create_order(body: Bytes) -> ([(axum::http::HeaderName, &'static str); 1], &'static str) {
    std::hint::black_box(body);
    ([(CONTENT_TYPE, "application/json")], BODY)
}

fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:18093".to_string());
    // As the mock's command: a single-threaded runtime on one core, else one worker per core.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let runtime = if cores == 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?
    };
    runtime.block_on(async move {
        let app = axum::Router::new().route("/api/createOrder/", post(create_order));
        let listener = tokio::net::TcpListener::bind(&addr).await?;
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        println!("bare_axum listening on http://{addr}");
        axum::serve(listener, app).await
    })
}
