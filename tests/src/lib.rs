//! Helpers shared by the workspace tests: an HTTP server on 127.0.0.1 that answers with a
//! fixed response and hands over the requests it received.

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
    tokio::spawn(async move {
        for _ in 0..n {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            let tx = tx.clone();
            tokio::spawn(async move {
                if let Some(c) = serve_one(sock, status, body).await {
                    let _ = tx.send(c);
                }
            });
        }
    });
    (format!("http://{addr}"), rx)
}

async fn serve_one(mut sock: tokio::net::TcpStream, status: u16, body: &str) -> Option<Captured> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
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
    let captured = Captured {
        method: first.first().unwrap_or(&"").to_string(),
        target: first.get(1).unwrap_or(&"").to_string(),
        headers,
        body: buf[head_end..].to_vec(),
    };
    let reply = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = sock.write_all(reply.as_bytes()).await;
    Some(captured)
}
