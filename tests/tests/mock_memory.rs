//! The Tegro.money mock binary's memory under hostile creates: for ten seconds, 16
//! connections send 2 MB signed bodies (past the body limit), 900 KB signed bodies (under it,
//! with an order id past the string limit) and valid creates with the longest order id
//! allowed. The process's resident memory, sampled from /proc, stays under 200 MB, and every
//! answer is the documented one.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const SHOP_ID: &str = "1913EA9D9351469B1E5D852A";
const API_KEY: &str = "EEFA1913EA9D9351469B1E5D852A";

/// A field of /proc/PID/status in kB.
fn proc_kb(pid: u32, field: &str) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Status and `desc` of an answer (empty when the body is not Tegro's envelope).
async fn post(http: &reqwest::Client, url: &str, body: String) -> (u16, String) {
    payspec_tests::post_tegro_signed(http, url, API_KEY, &body).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_seconds_of_large_creates_keep_the_mock_under_200_mb() {
    let mut child = Command::new(payspec_tests::mock_binary("tegro-money"))
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the mock");
    let pid = child.id();
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("banner");
    let base = first
        .split_whitespace()
        .last()
        .expect("listening on URL")
        .to_string();
    let url = format!("{base}/createOrder/");
    let http = reqwest::Client::new();
    let nonce = Arc::new(AtomicU64::new(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_millis() as u64,
    ));
    let body = move |order_id: &str, n: u64| {
        format!(
            r#"{{"shop_id": "{SHOP_ID}", "nonce": {n}, "currency": "RUB", "amount": 5, "order_id": "{order_id}", "payment_system": 5}}"#
        )
    };
    let until = Instant::now() + Duration::from_secs(10);
    let peak = Arc::new(AtomicU64::new(0));
    let sampler = {
        let peak = peak.clone();
        tokio::spawn(async move {
            while Instant::now() < until {
                peak.fetch_max(proc_kb(pid, "VmRSS:"), Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let mut tasks = Vec::new();
    for w in 0..16u64 {
        let (http, url, nonce) = (http.clone(), url.clone(), nonce.clone());
        tasks.push(tokio::spawn(async move {
            let (mut big, mut long, mut ok) = (0u64, 0u64, 0u64);
            let mut i = 0u64;
            while Instant::now() < until {
                i += 1;
                let n = nonce.fetch_add(1, Ordering::SeqCst);
                match i % 3 {
                    0 => {
                        let b = body(&"x".repeat(2_000_000), n);
                        assert_eq!(
                            post(&http, &url, b).await,
                            (413, "Wrong request body".into())
                        );
                        big += 1;
                    }
                    1 => {
                        let b = body(&"y".repeat(900_000), n);
                        assert_eq!(
                            post(&http, &url, b).await,
                            (200, "Wrong param order_id".into())
                        );
                        long += 1;
                    }
                    _ => {
                        // The longest order id allowed (the default string limit), unique.
                        let id = format!("{w}-{i}-");
                        let id = format!("{id}{}", "z".repeat(1_024 - id.len()));
                        assert_eq!(post(&http, &url, body(&id, n)).await, (200, String::new()));
                        ok += 1;
                    }
                }
            }
            (big, long, ok)
        }));
    }
    let (mut big, mut long, mut ok) = (0, 0, 0);
    for t in tasks {
        let (b, l, o) = t.await.expect("a sender panicked");
        (big, long, ok) = (big + b, long + l, ok + o);
    }
    sampler.await.expect("sampler");
    let hwm = proc_kb(pid, "VmHWM:");
    let health = reqwest::get(format!("{base}/__mock/health"))
        .await
        .expect("health")
        .text()
        .await
        .expect("text");
    let _ = child.kill();
    let _ = child.wait();
    println!(
        "sent {big} 2 MB, {long} 900 KB and {ok} valid creates; peak RSS sampled {} kB, VmHWM {hwm} kB",
        peak.load(Ordering::SeqCst)
    );
    assert!(big > 0 && long > 0 && ok > 0);
    assert!(hwm < 200 * 1024, "peak resident memory {hwm} kB");
    assert!(health.contains(&format!("\"created\":{ok}")), "{health}");
}
