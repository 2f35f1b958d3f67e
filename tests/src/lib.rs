//! Helpers shared by the workspace tests: an HTTP server on 127.0.0.1 that answers with a
//! fixed response (or what a handler returns for each request) and hands over the requests it
//! received; a server that never answers; a port where nothing listens.

mod vectors;
pub use vectors::{Vector, vectors};

/// A request as received by [`capture_one`].
#[derive(Debug, Clone)]
pub struct Captured {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Captured {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Starts a server on 127.0.0.1 that answers one request with `status` and `body` (JSON)
/// and hands the request over. Returns the base URL and the receiver.
pub async fn capture_one(
    status: u16,
    body: &'static str,
) -> (String, tokio::sync::oneshot::Receiver<Captured>) {
    let (url, mut rx) = capture(1, status, body).await;
    let (tx, one) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        if let Some(c) = rx.recv().await {
            let _ = tx.send(c);
        }
    });
    (url, one)
}

/// Starts a server on 127.0.0.1 that answers `n` requests (concurrently) with `status` and
/// `body`, sending each request it received to the returned channel.
pub async fn capture(
    n: usize,
    status: u16,
    body: &'static str,
) -> (String, tokio::sync::mpsc::UnboundedReceiver<Captured>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let handler: Handler = std::sync::Arc::new(move |_: &Captured| Reply::json(status, body));
    tokio::spawn(async move {
        for _ in 0..n {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            let tx = tx.clone();
            let handler = handler.clone();
            tokio::spawn(async move {
                serve_one(sock, &handler, &tx).await;
            });
        }
    });
    (format!("http://{addr}"), rx)
}

/// An answer of [`serve`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
    /// More headers (e.g. `location` of a redirect).
    pub headers: Vec<(String, String)>,
}

impl Reply {
    /// An answer with any content type.
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Reply {
            status,
            content_type: content_type.to_string(),
            body: body.into(),
            headers: Vec::new(),
        }
    }
    /// The same answer with one more header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
    /// An `application/json` answer.
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::new(status, "application/json", body)
    }
}

type Handler = std::sync::Arc<dyn Fn(&Captured) -> Reply + Send + Sync>;

/// Starts a server on 127.0.0.1 that answers every request (one per connection, for as long
/// as the test's runtime lives) with what `handler` returns for it. Each request is sent to
/// the returned channel *before* its answer is written, so once a client has its answer the
/// request is already in the channel.
pub async fn serve<F>(handler: F) -> (String, tokio::sync::mpsc::UnboundedReceiver<Captured>)
where
    F: Fn(&Captured) -> Reply + Send + Sync + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let handler: Handler = std::sync::Arc::new(handler);
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let tx = tx.clone();
            let handler = handler.clone();
            tokio::spawn(async move {
                serve_one(sock, &handler, &tx).await;
            });
        }
    });
    (format!("http://{addr}"), rx)
}

/// Starts a server on 127.0.0.1 that answers every request with `status`, `content_type`
/// and `body`.
pub async fn respond(
    status: u16,
    content_type: &'static str,
    body: &'static str,
) -> (String, tokio::sync::mpsc::UnboundedReceiver<Captured>) {
    serve(move |_| Reply::new(status, content_type, body)).await
}

/// Starts a server on 127.0.0.1 that accepts connections, reads what comes and never
/// answers. Returns its base URL.
pub async fn silent() -> String {
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut chunk = [0u8; 4096];
                while sock.read(&mut chunk).await.unwrap_or(0) > 0 {}
            });
        }
    });
    format!("http://{addr}")
}

/// A base URL on 127.0.0.1 where nothing listens (a port just bound and released).
pub async fn closed_port() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}")
}

async fn read_request(sock: &mut tokio::net::TcpStream) -> Option<Captured> {
    use tokio::io::AsyncReadExt;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let (head_end, content_length) = loop {
        let n = sock.read(&mut chunk).await.unwrap_or(0);
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..i]).to_lowercase();
            let len = head
                .lines()
                .find_map(|l| {
                    l.strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            break (i + 4, len);
        }
    };
    while buf.len() < head_end + content_length {
        let n = sock.read(&mut chunk).await.unwrap_or(0);
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.lines();
    let first: Vec<&str> = lines.next().unwrap_or("").split(' ').collect();
    let headers = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        })
        .collect();
    Some(Captured {
        method: first.first().unwrap_or(&"").to_string(),
        target: first.get(1).unwrap_or(&"").to_string(),
        headers,
        body: buf[head_end..].to_vec(),
    })
}

async fn serve_one(
    mut sock: tokio::net::TcpStream,
    handler: &Handler,
    tx: &tokio::sync::mpsc::UnboundedSender<Captured>,
) {
    use tokio::io::AsyncWriteExt;
    let Some(captured) = read_request(&mut sock).await else {
        return;
    };
    let reply = handler(&captured);
    let _ = tx.send(captured);
    let extra: String = reply
        .headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}\r\n"))
        .collect();
    let mut out = format!(
        "HTTP/1.1 {} X\r\ncontent-type: {}\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n",
        reply.status,
        reply.content_type,
        reply.body.len()
    )
    .into_bytes();
    out.extend_from_slice(&reply.body);
    let _ = sock.write_all(&out).await;
}

/// Builds `<krate>-mock` (a test's own build makes no bins of other packages) and returns
/// its path.
pub fn mock_binary(krate: &str) -> std::path::PathBuf {
    let status = std::process::Command::new(env!("CARGO"))
        .args([
            "build",
            "-q",
            "-p",
            krate,
            "--features",
            "mock",
            "--bin",
            &format!("{krate}-mock"),
        ])
        .status()
        .expect("cargo build");
    assert!(status.success(), "building {krate}-mock");
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("debug").join(format!("{krate}-mock"))
}

/// HMAC-SHA256 of `body` keyed with `key`, lower-case hex: a signature computed with the
/// hmac crate directly, not with the runtime the tests check.
pub fn hmac_sha256_hex(key: &str, body: &str) -> String {
    use hmac::{KeyInit, Mac};
    let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()) else {
        unreachable!("HMAC takes keys of any length")
    };
    mac.update(body.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// POSTs a JSON body to a Tegro.money mock, signed `Bearer <HMAC of the body>` with `key`;
/// the answer's status and its `desc` (empty when the answer has none).
pub async fn post_tegro_signed(
    http: &reqwest::Client,
    url: &str,
    key: &str,
    body: &str,
) -> (u16, String) {
    let resp = http
        .post(url)
        .header("Content-Type", "application/json")
        .header(
            "Authorization",
            format!("Bearer {}", hmac_sha256_hex(key, body)),
        )
        .body(body.to_string())
        .send()
        .await
        .expect("an answer");
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    (status, v["desc"].as_str().unwrap_or_default().to_string())
}
