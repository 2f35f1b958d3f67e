//! The mock's dashboard (`/__mock/`) in a real headless browser: Debian's Chromium through
//! chromedriver, driven with fantoccini. For Tegro the page is opened, an order is created
//! through the generated client, the test waits for it in the page, clicks its "paid" button
//! and waits for the webhook delivery with the merchant receiver's answer; a hostile request
//! body shows as text, never as markup. For m2cerber the page lists its resource, the
//! spec's event buttons and the records dropped past the cap.
//!
//! Without chromedriver the tests say so loudly and pass, unless `PAYSPEC_REQUIRE_BROWSER=1`
//! (as in CI), which makes them fail. `screenshot` (ignored) writes `docs/dashboard.png`:
//! `cargo test -p payspec-tests --test dashboard_browser -- --ignored screenshot`.

use std::future::Future;
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fantoccini::{Client as Browser, ClientBuilder, Locator};
use payspec_runtime::mock::Provider;
use payspec_tests::{Reply, serve};
use serde_json::{Value, json};

/// How long any one thing may take to show in the page.
const WAIT: Duration = Duration::from_secs(10);
/// The browser's window: the screenshot's size.
const WINDOW: (u32, u32) = (1280, 900);

fn dec(s: &str) -> rust_decimal::Decimal {
    s.parse().expect("decimal")
}

/// chromedriver on `PATH`, or `None` (after saying so) when the browser tests cannot run.
fn chromedriver() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("chromedriver"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        let required = std::env::var("PAYSPEC_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "PAYSPEC_REQUIRE_BROWSER=1 but chromedriver is not installed \
             (apt-get install -y chromium chromium-driver)"
        );
        // Straight to stderr, past the test harness's capture: a skip must be seen.
        let _ = writeln!(
            std::io::stderr(),
            "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
             !! SKIPPED: the dashboard's browser test needs chromedriver and chromium   !!\n\
             !! (apt-get install -y chromium chromium-driver); PAYSPEC_REQUIRE_BROWSER=1 !!\n\
             !! makes this a failure.                                                   !!\n\
             !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        );
    }
    found
}

/// A chromedriver process with its own process group and browser profile; dropping it ends
/// the group (the driver and any browser it left) and removes the profile.
struct Driver {
    child: Child,
    port: u16,
    profile: PathBuf,
}

impl Driver {
    fn start(path: &Path) -> Driver {
        use std::os::unix::process::CommandExt;
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").expect("a free port");
            l.local_addr().expect("addr").port()
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        let profile =
            std::env::temp_dir().join(format!("payspec-dashboard-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&profile).expect("a browser profile folder");
        let child = Command::new(path)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("chromedriver starts");
        let driver = Driver {
            child,
            port,
            profile,
        };
        let deadline = Instant::now() + WAIT;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }

    /// A new browser session: headless Chromium with the flags this machine needs (no
    /// network beyond loopback), a fresh profile and a fixed window.
    async fn browser(&self) -> Browser {
        let mut args = vec![
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--hide-scrollbars".into(),
            "--force-device-scale-factor=1".into(),
            format!("--window-size={},{}", WINDOW.0, WINDOW.1),
        ];
        args.push(format!("--user-data-dir={}", self.profile.display()));
        let mut options = json!({ "args": args });
        if Path::new("/usr/bin/chromium").is_file() {
            options["binary"] = json!("/usr/bin/chromium");
        }
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), options);
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("a browser session")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The group is the driver's own (process_group(0)): its id is the driver's.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Runs `test` with a browser, then closes the session and the driver, whether it passed
/// or panicked (the panic is passed on).
async fn with_browser<F, Fut>(test: F)
where
    F: FnOnce(Browser) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(path) = chromedriver() else {
        return;
    };
    let driver = Driver::start(&path);
    let browser = driver.browser().await;
    let outcome = tokio::spawn(test(browser.clone())).await;
    let _ = tokio::time::timeout(WAIT, browser.close()).await;
    drop(driver);
    if let Err(e) = outcome {
        match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("the test did not finish: {e}"),
        }
    }
}

/// Runs `script` (a function body returning a value) until it returns something other than
/// `null` or `false`, for at most [`WAIT`].
async fn wait_js(b: &Browser, what: &str, script: &str, args: Vec<Value>) -> Value {
    let deadline = Instant::now() + WAIT;
    loop {
        let v = b
            .execute(script, args.clone())
            .await
            .expect("the script runs");
        if !v.is_null() && v != Value::Bool(false) {
            return v;
        }
        if Instant::now() > deadline {
            let page = b
                .execute("return document.body.innerText", vec![])
                .await
                .unwrap_or_default();
            panic!("waited {WAIT:?} for {what}; the page reads:\n{page}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The text of the row of record `id` of `resource` (the record's whole JSON included),
/// once the page lists it.
async fn record_row(b: &Browser, resource: &str, id: &str) -> String {
    let script = "const [r, id] = arguments; \
        const row = [...document.querySelectorAll(`section[data-resource=\"${r}\"] tbody tr`)] \
            .find(tr => tr.dataset.id === id); \
        return row ? row.textContent : null;";
    let what = format!("{resource} {id} in the page");
    let v = wait_js(b, &what, script, vec![json!(resource), json!(id)]).await;
    v.as_str().unwrap_or_default().to_string()
}

/// Clicks the button of `event` on record `id` of `resource` (again if the table was
/// redrawn under the click).
async fn click_event(b: &Browser, resource: &str, id: &str, event: &str) {
    let css = format!(
        "section[data-resource=\"{resource}\"] tr[data-id=\"{id}\"] button[data-event=\"{event}\"]"
    );
    let deadline = Instant::now() + WAIT;
    loop {
        let clicked = match b.find(Locator::Css(&css)).await {
            Ok(button) => button.click().await.is_ok(),
            Err(_) => false,
        };
        if clicked {
            return;
        }
        assert!(Instant::now() < deadline, "no button {css}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The mock's dashboard, opened from the root (`/__mock/`) or under the base path.
async fn open(b: &Browser, url: &str) {
    b.goto(url).await.expect("the page opens");
    b.wait()
        .at_most(WAIT)
        .for_element(Locator::Css("#live.ok"))
        .await
        .expect("the page reads the mock's snapshot");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tegro_order_listed_paid_and_its_webhook_delivered() {
    with_browser(|b| async move {
        use tegro_money::requests::CreateOrderRequest;
        use tegro_money::types::Currency;
        use tegro_money::{Client, Credentials};

        let (hook_url, _received) =
            serve(|_| Reply::new(200, "text/plain", "thanks from the merchant")).await;
        let mock = tegro_money::mock::MockServer::start()
            .await
            .expect("mock");
        mock.set_webhook_url(format!("{hook_url}/tegro"));
        let root = format!("http://{}/__mock/", mock.addr());

        // 1. The page, before anything happened.
        open(&b, &root).await;
        assert_eq!(b.title().await.expect("title"), "Tegro.money mock");
        for id in ["#records", "#requests", "#deliveries", "#faults", "#fault-form"] {
            b.find(Locator::Css(id)).await.expect(id);
        }
        let empty = b
            .find(Locator::Css("#deliveries-panel .empty"))
            .await
            .expect("the empty line");
        assert!(empty.is_displayed().await.expect("displayed"));
        let store = b.find(Locator::Css("#store")).await.expect("#store");
        assert_eq!(store.text().await.expect("text"), "state in memory");

        // 2. An order through the API, signed by the generated client.
        let client = Client::new(Credentials::sample()).with_base_url(mock.base_url());
        let created = client
            .create_order(&CreateOrderRequest::new(
                Currency::Rub,
                dec("1100.50"),
                "dash-1",
                5,
            ))
            .await
            .expect("an order");
        let id = created.id.to_string();

        // 3. It shows, not paid (state 0), with both events on offer; the request is in
        //    the journal with its status and latency.
        let row = record_row(&b, "order", &id).await;
        assert!(row.contains("dash-1") && row.contains("1100.50"), "{row}");
        assert!(row.contains("paid") && row.contains("cancelled"), "{row}");
        let request = wait_js(
            &b,
            "the createOrder request in the journal",
            "const tr = document.querySelector('#requests tbody tr'); \
             return tr ? tr.innerText : null;",
            vec![],
        )
        .await;
        let request = request.as_str().unwrap_or_default();
        assert!(request.contains("POST"), "{request}");
        assert!(request.contains("/api/createOrder/"), "{request}");
        assert!(request.contains("create_order") && request.contains("200"), "{request}");
        assert!(request.contains(" ms"), "latency: {request}");

        // 4. "paid", with an amount.
        let amount = b
            .find(Locator::Css(
                "section[data-resource=\"order\"] input.amount-input",
            ))
            .await
            .expect("the amount field");
        amount.send_keys("1100.50").await.expect("typed");
        click_event(&b, "order", &id, "paid").await;

        // 5. The delivery, with the receiver's answer; the order is paid (state 1).
        let delivery = wait_js(
            &b,
            "the webhook delivery",
            "const tr = document.querySelector('#deliveries tr.delivery'); \
             return tr ? tr.innerText : null;",
            vec![],
        )
        .await;
        let delivery = delivery.as_str().unwrap_or_default();
        assert!(delivery.contains("200"), "{delivery}");
        assert!(delivery.contains("thanks from the merchant"), "{delivery}");
        assert!(delivery.contains(&format!("{hook_url}/tegro")), "{delivery}");
        let flash = b.find(Locator::Css("#flash")).await.expect("flash");
        let flash = flash.text().await.expect("text");
        assert!(flash.starts_with("paid on order"), "{flash}");
        let journal = mock.journal();
        let sent = journal.last().expect("the delivery is journaled");
        assert_eq!((sent.kind, sent.status), ("webhook", 200));
        assert_eq!(sent.statuses, [200]);
        assert_eq!(sent.response, "thanks from the merchant");
        let paid = wait_js(
            &b,
            "the order's new state",
            "const [id] = arguments; \
             const tr = [...document.querySelectorAll('section[data-resource=\"order\"] tbody tr')] \
                 .find(tr => tr.dataset.id === id); \
             const s = tr && tr.querySelector('.state'); \
             return s && s.textContent === '1' ? tr.innerText : null;",
            vec![json!(id)],
        )
        .await;
        // "paid" fires only from state 0: now it is offered no more.
        let disabled = b
            .execute(
                "const [id] = arguments; \
                 const tr = [...document.querySelectorAll('section[data-resource=\"order\"] tbody tr')] \
                     .find(tr => tr.dataset.id === id); \
                 return tr.querySelector('button[data-event=\"paid\"]').disabled;",
                vec![json!(id)],
            )
            .await
            .expect("the script runs");
        assert_eq!(disabled, json!(true), "{paid}");

        // Hostile input shows as text: a body of markup is listed, and no element of it.
        let hostile = r#"<img src=x onerror="document.title='owned'"><script>document.title='owned'</script>"#;
        let status = reqwest::Client::new()
            .post(format!("{}/createOrder/", mock.base_url()))
            .header("Content-Type", "application/json")
            .body(hostile)
            .send()
            .await
            .expect("an answer")
            .status();
        assert!(status.is_client_error() || status.is_success(), "{status}");
        let shown = wait_js(
            &b,
            "the hostile body in the journal",
            "const cells = [...document.querySelectorAll('#requests td.json summary')]; \
             const c = cells.find(s => s.textContent.includes('<img src=x')); \
             return c ? c.textContent : null;",
            vec![],
        )
        .await;
        assert!(shown.as_str().unwrap_or_default().starts_with("<img src=x"));
        let injected = b
            .execute(
                "return document.querySelectorAll('main img, main script').length",
                vec![],
            )
            .await
            .expect("the script runs");
        assert_eq!(injected, json!(0));
        assert_eq!(b.title().await.expect("title"), "Tegro.money mock");

        // The same page under the base path.
        open(&b, &format!("{}/__mock", mock.base_url())).await;
        record_row(&b, "order", &id).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn m2cerber_resources_events_and_dropped_records() {
    with_browser(|b| async move {
        use m2cerber::requests::GetWalletRequest;
        use m2cerber::{Client, Credentials};

        let mut config = m2cerber::mock::spec::Provider::default_config();
        config.limits.records = 2;
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let mock = m2cerber::mock::MockServer::start_with(config, addr)
            .await
            .expect("mock");
        let client = Client::new(Credentials::sample()).with_base_url(mock.base_url());
        for id in ["p-1", "p-2", "p-3"] {
            let wallet = GetWalletRequest::new(
                id,
                "9000",
                dec("500"),
                "http://127.0.0.1:9/hook",
                "2024-01-01 12:00:00",
            );
            client.get_wallet(&wallet).await.expect("a payment");
        }
        open(&b, &format!("http://{}/__mock", mock.addr())).await;
        assert_eq!(b.title().await.expect("title"), "m2cerber mock");

        // The newest first; p-1 was dropped past the cap of two, and the page says so.
        let row = record_row(&b, "payment", "p-3").await;
        assert!(row.contains("pending"), "{row}");
        let ids = b
            .execute(
                "return [...document.querySelectorAll('section[data-resource=\"payment\"] tbody tr')] \
                     .map(tr => tr.dataset.id)",
                vec![],
            )
            .await
            .expect("the script runs");
        assert_eq!(ids, json!(["p-3", "p-2"]));
        let counts = b
            .find(Locator::Css("section[data-resource=\"payment\"] .counts"))
            .await
            .expect("counts")
            .text()
            .await
            .expect("text");
        assert!(counts.contains("2 kept"), "{counts}");
        assert!(counts.contains("3 created"), "{counts}");
        assert!(counts.contains("1 dropped past the caps"), "{counts}");

        // A button per event of the spec, in its order, on every record.
        let events = b
            .execute(
                "return [...document.querySelectorAll('section[data-resource=\"payment\"] tr[data-id=\"p-3\"] button.event')] \
                     .map(b => b.dataset.event)",
                vec![],
            )
            .await
            .expect("the script runs");
        let spec_events: Vec<&str> = m2cerber::mock::spec::Provider::spec().resources[0]
            .states
            .as_ref()
            .expect("states")
            .events
            .iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(events, json!(spec_events));

        // The fault toggles: one injected from the form, listed, removed.
        b.find(Locator::Css("#fault-form select[name=case] option[value=internal]"))
            .await
            .expect("the internal case")
            .click()
            .await
            .expect("chosen");
        b.find(Locator::Css("#fault-form button[type=submit]"))
            .await
            .expect("inject")
            .click()
            .await
            .expect("clicked");
        let fault = wait_js(
            &b,
            "the fault in the list",
            "const tr = document.querySelector('#faults tbody tr'); \
             return tr ? tr.innerText : null;",
            vec![],
        )
        .await;
        let fault = fault.as_str().unwrap_or_default();
        assert!(fault.contains("every endpoint"), "{fault}");
        assert!(fault.contains("internal") && fault.contains("until removed"), "{fault}");
        assert_eq!(mock.engine().faults().len(), 1);
        b.find(Locator::Css("#faults button.remove-fault"))
            .await
            .expect("remove")
            .click()
            .await
            .expect("clicked");
        wait_js(
            &b,
            "the fault gone",
            "return document.querySelectorAll('#faults tbody tr').length === 0",
            vec![],
        )
        .await;
        assert!(mock.engine().faults().is_empty());
    })
    .await;
}

/// Writes `docs/dashboard.png`: the Tegro mock after a few orders, a withdrawal, journal
/// lines, a delivery retried once, a dropped record and a fault.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes docs/dashboard.png; run with --ignored to regenerate it"]
async fn screenshot() {
    with_browser(|b| async move {
        use tegro_money::requests::{CreateOrderRequest, CreateWithdrawalRequest};
        use tegro_money::types::Currency;
        use tegro_money::{Client, Credentials};

        let calls = Arc::new(AtomicUsize::new(0));
        let (hook_url, _received) = serve(move |_| {
            // The first delivery fails once, then the merchant accepts.
            if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                Reply::new(500, "text/plain", "database is restarting")
            } else {
                Reply::new(200, "text/plain", "OK")
            }
        })
        .await;
        let mut config = tegro_money::mock::spec::Provider::default_config();
        config.limits.records = 4;
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let mock = tegro_money::mock::MockServer::start_with(config, addr)
            .await
            .expect("mock");
        mock.set_webhook_url(format!("{hook_url}/webhooks/tegro"));
        let client = Client::new(Credentials::sample()).with_base_url(mock.base_url());
        let mut ids = Vec::new();
        for (n, amount) in ["500.00", "1200.50", "89.90", "2450.00", "310.00"]
            .iter()
            .enumerate()
        {
            let order = CreateOrderRequest::new(Currency::Rub, dec(amount), format!("inv-{}", 1041 + n), 5);
            ids.push(client.create_order(&order).await.expect("an order").id.to_string());
        }
        client
            .create_withdrawal(&CreateWithdrawalRequest::new(
                Currency::Rub,
                "4100 1234 5678 9010",
                dec("750"),
                "payout-7".into(),
                5,
            ))
            .await
            .expect("a withdrawal");
        let _ = reqwest::Client::new()
            .post(format!("{}/createOrder/", mock.base_url()))
            .header("Content-Type", "application/json")
            .body(r#"{"shop_id": "1913EA9D9351469B1E5D852A", "amount": "ten"}"#)
            .send()
            .await;
        mock.inject(payspec_runtime::mock::Fault {
            endpoint: "create_withdrawal".into(),
            times: 3,
            latency_ms: 1500,
            ..Default::default()
        });

        let _ = reqwest::Client::new()
            .post(format!("{}/refund/", mock.base_url()))
            .send()
            .await;
        open(&b, &format!("http://{}/__mock/", mock.addr())).await;
        // The window's frame takes some of its height: the page itself gets all of WINDOW.
        let frame = b
            .execute("return window.outerHeight - window.innerHeight", vec![])
            .await
            .expect("the script runs")
            .as_u64()
            .and_then(|f| u32::try_from(f).ok())
            .unwrap_or(0);
        b.set_window_size(WINDOW.0, WINDOW.1 + frame)
            .await
            .expect("window size");
        record_row(&b, "order", &ids[4]).await;
        click_event(&b, "order", &ids[1], "paid").await;
        wait_js(
            &b,
            "the first delivery",
            "return document.querySelectorAll('#deliveries tr.delivery').length === 1",
            vec![],
        )
        .await;
        click_event(&b, "order", &ids[3], "cancelled").await;
        wait_js(
            &b,
            "the cancelled order",
            "const [id] = arguments; \
             const tr = document.querySelector(`section[data-resource=\"order\"] tr[data-id=\"${id}\"]`); \
             return tr && tr.querySelector('.state').textContent === '2';",
            vec![json!(ids[3])],
        )
        .await;
        // The flash line of the last click, and the live clock, as a person would see them.
        tokio::time::sleep(Duration::from_millis(1200)).await;
        let png = b.screenshot().await.expect("a screenshot");
        let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/dashboard.png");
        std::fs::write(&out, png).expect("docs/dashboard.png written");
        eprintln!("wrote {}", out.display());
    })
    .await;
}
