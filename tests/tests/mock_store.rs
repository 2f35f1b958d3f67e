//! The mock's persistent store (`--store sqlite:PATH`): what a mock acknowledged survives
//! `kill -9` — records, their states, nonces, the journal and webhook deliveries — and
//! concurrent writers lose nothing. Also: a database of another provider, or one another
//! mock has open, is refused; a reset is kept; caps lowered since apply and are counted.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use tegro_money::mock::MockServer;
use tegro_money::requests::*;
use tegro_money::types::{Currency, OrderStatus};
use tegro_money::{Client, Credentials};

const SHOP_ID: &str = "1913EA9D9351469B1E5D852A";
const API_KEY: &str = "EEFA1913EA9D9351469B1E5D852A";

/// A folder removed when the test ends.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_nanos();
        let dir = std::env::temp_dir().join(format!(
            "payspec-store-{name}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A mock binary killed when the test ends.
struct Mock {
    child: Child,
    base: String,
    banner: String,
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the Tegro mock binary on a free port with its state in `db`.
fn start(db: &Path, extra: &[&str]) -> Mock {
    let store = format!("sqlite:{}", db.display());
    let mut child = Command::new(payspec_tests::mock_binary("tegro-money"))
        .args(["--listen", "127.0.0.1:0", "--store", &store])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the mock");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut banner = String::new();
    while !banner.contains("control API") {
        let mut line = String::new();
        if out.read_line(&mut line).expect("banner") == 0 {
            let mut err = String::new();
            let _ =
                std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut err);
            panic!("the mock stopped before listening: {banner}{err}");
        }
        banner.push_str(&line);
    }
    let base = banner
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().last())
        .expect("listening on URL")
        .to_string();
    Mock {
        child,
        base,
        banner,
    }
}

/// Sends a signed createOrder body; the status and Tegro's `desc`.
async fn post_raw(http: &reqwest::Client, base: &str, body: &str) -> (u16, String) {
    payspec_tests::post_tegro_signed(http, &format!("{base}/createOrder/"), API_KEY, body).await
}

async fn get_json(http: &reqwest::Client, url: String) -> serde_json::Value {
    let text = http
        .get(url)
        .send()
        .await
        .expect("an answer")
        .text()
        .await
        .expect("a body");
    serde_json::from_str(&text).expect("JSON")
}

async fn health(http: &reqwest::Client, base: &str) -> serde_json::Value {
    get_json(http, format!("{base}/__mock/health")).await
}

async fn journal(http: &reqwest::Client, base: &str) -> Vec<serde_json::Value> {
    let v = get_json(http, format!("{base}/__mock/journal")).await;
    v.as_array().cloned().unwrap_or_default()
}

fn dec(s: &str) -> rust_decimal::Decimal {
    s.parse().expect("decimal")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_mock_acknowledged_survives_kill_9() {
    const N: usize = 400;
    let dir = TempDir::new("kill9");
    let db = dir.0.join("tegro.db");
    let (hook, mut hooks) = payspec_tests::respond(200, "text/plain", "OK").await;
    let http = reqwest::Client::new();

    let mock = start(&db, &["--webhook-url", &hook]);
    assert!(
        mock.banner
            .contains(&format!("store: sqlite:{}", db.display())),
        "{}",
        mock.banner
    );
    // A signed request whose nonce must never be accepted again.
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_millis();
    let raw = format!(
        r#"{{"shop_id": "{SHOP_ID}", "nonce": {nonce}, "currency": "RUB", "amount": 5, "order_id": "raw-1", "payment_system": 5}}"#
    );
    assert_eq!(
        post_raw(&http, &mock.base, &raw).await,
        (200, String::new())
    );
    // The client's nonces come after it.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let client = Client::new(Credentials::sample()).with_base_url(mock.base.clone());
    // N creates from 8 concurrent writers.
    let mut tasks = Vec::new();
    for w in 0..8 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let mut made = Vec::new();
            for i in (w..N).step_by(8) {
                let payment_id = format!("kill-{i}");
                let req = CreateOrderRequest::new(Currency::Rub, dec("100.50"), &payment_id, 5);
                let created = client.create_order(&req).await.expect("created");
                made.push((payment_id, created.id));
            }
            made
        }));
    }
    let mut made = Vec::new();
    for t in tasks {
        made.extend(t.await.expect("writer"));
    }
    assert_eq!(made.len(), N);
    // One order paid: its state and the signed webhook's delivery are kept too.
    let (paid_payment, paid_id) = made[7].clone();
    let fired = http
        .post(format!("{}/__mock/order/{paid_id}/paid", mock.base))
        .body(r#"{"amount": "99.90"}"#)
        .send()
        .await
        .expect("fire");
    assert_eq!(
        fired.status().as_u16(),
        200,
        "{}",
        fired.text().await.unwrap_or_default()
    );
    let delivered = hooks.recv().await.expect("a webhook");
    let text = String::from_utf8_lossy(&delivered.body).to_string();
    assert!(
        text.contains(&paid_payment) && text.contains("99.90"),
        "{text}"
    );
    let before = journal(&http, &mock.base).await;

    // No shutdown: the process is killed.
    let mut mock = mock;
    mock.child.kill().expect("kill -9");
    mock.child.wait().expect("reaped");
    drop(mock);

    let mock = start(&db, &[]);
    // The merchant's application goes on: its nonces continue where they were.
    let client = client.with_base_url(mock.base.clone());
    for (payment_id, id) in &made {
        let order = client
            .order(&OrderRequest::new().with_payment_id(payment_id))
            .await
            .unwrap_or_else(|e| panic!("order {payment_id} after the restart: {e:?}"));
        assert_eq!(order.id, *id);
        assert_eq!(
            order.amount,
            dec(if *payment_id == paid_payment {
                "99.90"
            } else {
                "100.50"
            })
        );
        let want = if *payment_id == paid_payment {
            OrderStatus::Paid
        } else {
            OrderStatus::NotPaid
        };
        assert_eq!(order.status, want, "{payment_id}");
    }
    let h = health(&http, &mock.base).await;
    assert_eq!(h["records"]["order"]["kept"], (N + 1) as u64, "{h}");
    assert_eq!(h["records"]["order"]["dropped"], 0, "{h}");
    assert_eq!(h["ok"], true, "{h}");
    // The journal as it was, webhook delivery included.
    let after = journal(&http, &mock.base).await;
    assert_eq!(
        after.len(),
        before.len() + N,
        "journal: before the kill, then the reads"
    );
    assert_eq!(after[..before.len()], before[..]);
    let webhook = after
        .iter()
        .find(|e| e["kind"] == "webhook")
        .expect("the delivery is in the journal");
    assert_eq!(webhook["status"], 200);
    assert_eq!(webhook["target"], hook.as_str());
    // The nonce is remembered: the same signed bytes are a replay.
    // (Tegro answers its errors with HTTP 200 and `"type": "error"`.)
    let (_, desc) = post_raw(&http, &mock.base, &raw).await;
    assert!(
        desc.to_lowercase().contains("nonce"),
        "a replay after the restart: {desc:?}"
    );
    // New orders get new ids.
    let next = client
        .create_order(&CreateOrderRequest::new(
            Currency::Rub,
            dec("1"),
            "after",
            5,
        ))
        .await
        .expect("created after the restart");
    assert!(made.iter().all(|(_, id)| *id != next.id));

    // Forgetting the nonces is kept too: after another kill the replay is refused only as a
    // duplicate order.
    let forgot = http
        .post(format!("{}/__mock/forget-nonces", mock.base))
        .send()
        .await
        .expect("forget-nonces");
    assert_eq!(forgot.status().as_u16(), 200);
    drop(mock);
    let mock = start(&db, &[]);
    let (_, desc) = post_raw(&http, &mock.base, &raw).await;
    assert!(!desc.to_lowercase().contains("nonce"), "{desc}");
    assert!(
        desc.contains("already exists"),
        "the duplicate order id: {desc}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_lose_nothing() {
    const WRITERS: usize = 16;
    const EACH: usize = 60;
    let dir = TempDir::new("writers");
    let db = dir.0.join("tegro.db");
    let config = || {
        let mut c = tegro_money::mock::spec::default_config();
        c.store = tegro_money::mock::StoreAt::Sqlite(db.clone());
        c
    };
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let mock = MockServer::start_with(config(), addr).await.expect("start");
    let client = Client::new(Credentials::sample()).with_base_url(mock.base_url());
    let mut tasks = Vec::new();
    for w in 0..WRITERS {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let mut made = Vec::new();
            for i in 0..EACH {
                let payment_id = format!("w{w}-{i}");
                let req = CreateOrderRequest::new(Currency::Rub, dec("7"), &payment_id, 5);
                made.push((
                    payment_id,
                    client.create_order(&req).await.expect("created").id,
                ));
            }
            made
        }));
    }
    let mut made = Vec::new();
    for t in tasks {
        made.extend(t.await.expect("writer"));
    }
    let ids: std::collections::HashSet<_> = made.iter().map(|(_, id)| *id).collect();
    assert_eq!(ids.len(), WRITERS * EACH, "ids are distinct");
    mock.stop().await;

    let mock = MockServer::start_with(config(), addr)
        .await
        .expect("restart");
    let client = client.with_base_url(mock.base_url());
    for (payment_id, id) in &made {
        let order = client
            .order(&OrderRequest::new().with_payment_id(payment_id))
            .await
            .unwrap_or_else(|e| panic!("{payment_id}: {e:?}"));
        assert_eq!(order.id, *id);
    }
    let stats = mock.engine().resource_stats();
    assert_eq!(stats[0].kept, WRITERS * EACH);
    assert_eq!(stats[0].dropped, 0);
}

#[tokio::test]
async fn a_store_is_one_providers_and_one_mocks() {
    let dir = TempDir::new("owner");
    let db = dir.0.join("state.db");
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let mut tegro = tegro_money::mock::spec::default_config();
    tegro.store = tegro_money::mock::StoreAt::Sqlite(db.clone());
    let first = MockServer::start_with(tegro.clone(), addr)
        .await
        .expect("start");
    // A second mock on the same file while the first runs.
    let err = MockServer::start_with(tegro.clone(), addr)
        .await
        .err()
        .expect("a second mock is refused");
    assert!(err.to_string().contains("locked"), "{err}");
    first.stop().await;
    // Another provider's mock on it.
    let mut begateway = begateway::mock::spec::default_config();
    begateway.store = tegro_money::mock::StoreAt::Sqlite(db.clone());
    let err = begateway::mock::MockServer::start_with(begateway, addr)
        .await
        .err()
        .expect("another provider's store is refused");
    assert!(
        err.to_string().contains("Tegro") && err.to_string().contains("give another path"),
        "{err}"
    );
}

#[tokio::test]
async fn a_reset_is_kept_and_lowered_caps_drop_the_oldest_and_count_them() {
    let dir = TempDir::new("caps");
    let db = dir.0.join("tegro.db");
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let mut config = tegro_money::mock::spec::default_config();
    config.store = tegro_money::mock::StoreAt::Sqlite(db.clone());

    let mock = MockServer::start_with(config.clone(), addr)
        .await
        .expect("start");
    let client = Client::new(Credentials::sample()).with_base_url(mock.base_url());
    let create = |id: String| {
        let client = client.clone();
        async move {
            client
                .create_order(&CreateOrderRequest::new(Currency::Rub, dec("3"), &id, 5))
                .await
                .expect("created")
        }
    };
    create("gone".into()).await;
    mock.reset();
    for i in 0..10 {
        create(format!("c{i}")).await;
    }
    mock.stop().await;

    config.limits.records = 4;
    let mock = MockServer::start_with(config.clone(), addr)
        .await
        .expect("restart");
    let stats = &mock.engine().resource_stats()[0];
    assert_eq!((stats.kept, stats.dropped), (4, 6), "{stats:?}");
    let client = client.with_base_url(mock.base_url());
    assert!(
        client
            .order(&OrderRequest::new().with_payment_id("gone"))
            .await
            .is_err(),
        "a reset record came back"
    );
    assert!(
        client
            .order(&OrderRequest::new().with_payment_id("c5"))
            .await
            .is_err()
    );
    client
        .order(&OrderRequest::new().with_payment_id("c6"))
        .await
        .expect("one of the newest four");
    mock.stop().await;
    // The drops were written: a third start with the old cap finds the same four.
    config.limits.records = 100;
    let mock = MockServer::start_with(config, addr)
        .await
        .expect("third start");
    let stats = &mock.engine().resource_stats()[0];
    assert_eq!((stats.kept, stats.dropped), (4, 6), "{stats:?}");
}
