//! The HTTP side of the mock: hyper's HTTP/1 server on a local port, every request handed
//! to one handler (no router: the engine routes), the control API under `/__mock/`, and
//! webhook delivery with retries.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::engine::{Config, Delivery, Engine, Entry, Fault};
use super::idle::IdleStream;
use super::limits::Limits;
use super::tables::Spec;

/// What a generated crate hands the server: its provider's tables and sample merchant.
pub trait Provider {
    /// The provider's behaviour as data.
    fn spec() -> &'static Spec;
    /// The default test merchant: the sample credentials of the provider's docs.
    fn default_config() -> Config;
}

/// The largest request body read by default, in bytes (1 MiB); a larger one is refused with
/// 413 in the provider's error shape. See [`Limits::body_bytes`].
pub const MAX_BODY: usize = Limits::DEFAULT.body_bytes;

/// Delivery attempts per webhook.
pub const WEBHOOK_ATTEMPTS: u32 = 4;

/// A running mock server of provider `P`. Dropping it stops the server: its shutdown channel
/// closes, which the server takes as the signal to stop.
pub struct MockServer<P> {
    engine: Arc<Engine>,
    addr: SocketAddr,
    http: reqwest::Client,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    provider: std::marker::PhantomData<fn() -> P>,
}

#[derive(Clone)]
pub(super) struct App {
    /// The engine the server answers with.
    pub(super) engine: Arc<Engine>,
    /// The client webhooks are delivered with.
    pub(super) http: reqwest::Client,
}

impl<P: Provider> MockServer<P> {
    /// Starts a fresh mock on 127.0.0.1 at a free port with the docs' sample merchant.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_with(P::default_config(), SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Starts a mock with a configuration, on an address (port 0 = a free one). The
    /// configuration's [`Limits`] bound every connection and request.
    pub async fn start_with(config: Config, addr: SocketAddr) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let limits = config.limits;
        let engine = Engine::open(P::spec(), config).map_err(std::io::Error::other)?;
        let engine = Arc::new(engine);
        engine.set_base_url(format!("http://{addr}"));
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_default();
        let app = Arc::new(App {
            engine: engine.clone(),
            http: http.clone(),
        });
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, app, limits, rx));
        Ok(MockServer {
            engine,
            addr,
            http,
            shutdown: Some(tx),
            task: Some(task),
            provider: std::marker::PhantomData,
        })
    }

    /// Like [`MockServer::start_with`], closing connections idle for longer than `idle`.
    pub async fn start_with_idle(
        mut config: Config,
        addr: SocketAddr,
        idle: Duration,
    ) -> std::io::Result<Self> {
        config.limits.idle_timeout = idle;
        Self::start_with(config, addr).await
    }
}

/// Accepts connections until `stop` fires (or its sender is dropped), then waits for the
/// requests in flight. Each connection is HTTP/1.1 with the header timeout, and reads that
/// stay silent past the idle timeout fail. Every request goes to [`handle`] as it is.
async fn serve(
    listener: tokio::net::TcpListener,
    app: Arc<App>,
    limits: Limits,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    // Out of file descriptors and the like: wait a little, then go on.
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let io = hyper_util::rt::TokioIo::new(IdleStream::new(stream, limits.idle_timeout));
                let app = app.clone();
                let service = hyper::service::service_fn(move |request| {
                    let app = app.clone();
                    async move { Ok::<_, std::convert::Infallible>(handle(app, request).await) }
                });
                let conn = graceful.watch(builder.serve_connection(io, service));
                tokio::spawn(conn);
            }
            _ = &mut stop => break,
        }
    }
    drop(listener);
    graceful.shutdown().await;
}

impl<P> MockServer<P> {
    /// `http://127.0.0.1:PORT` and the path of the provider's own base URL
    /// (`http://127.0.0.1:PORT/api` for `https://tegro.money/api`): a client changes scheme
    /// and host, nothing else.
    pub fn base_url(&self) -> String {
        format!(
            "http://{}{}",
            self.addr,
            self.engine.spec().base_path.trim_end_matches('/')
        )
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Forgets all state: records, nonces, faults, journal.
    pub fn reset(&self) {
        self.engine.reset();
    }

    /// Forgets the nonces seen but keeps records: the docs' examples all use one nonce.
    pub fn forget_nonces(&self) {
        self.engine.forget_nonces();
    }

    /// Requests received and webhooks sent, oldest first (the last 1,000).
    pub fn journal(&self) -> Vec<Entry> {
        self.engine.journal()
    }

    /// Where webhooks go when a record names no URL.
    pub fn set_webhook_url(&self, url: impl Into<String>) {
        self.engine.set_webhook_url(Some(url.into()));
    }

    /// Injects a fault.
    pub fn inject(&self, fault: Fault) {
        self.engine.add_fault(fault);
    }

    /// A stored record as JSON.
    pub fn record(&self, resource: &str, id: &str) -> Option<String> {
        self.engine.record(resource, id)
    }

    /// Fires a state event on a record (the customer paid, cancelled, paid another sum) and
    /// delivers the resulting webhooks before returning. Returns the record as JSON.
    pub async fn fire(
        &self,
        resource: &str,
        id: &str,
        event: &str,
        amount: Option<&str>,
    ) -> Result<String, String> {
        fire(
            &self.engine,
            &self.http,
            resource,
            id,
            event,
            amount.map(str::to_string),
        )
        .await
    }

    /// The engine, for advanced use.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Stops the server and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

pub(super) async fn fire(
    engine: &Engine,
    http: &reqwest::Client,
    resource: &str,
    id: &str,
    event: &str,
    amount: Option<String>,
) -> Result<String, String> {
    let r = engine
        .spec()
        .resource_id(resource)
        .ok_or_else(|| format!("unknown resource `{resource}`"))?;
    let (rec, deliveries) = engine.fire(r, id, event, amount)?;
    for d in &deliveries {
        deliver(engine, http, d).await;
    }
    engine.settled().await?;
    Ok(rec.to_json())
}

/// The most of a merchant's answer to a webhook that is read (and journaled), in bytes.
const ANSWER_BYTES: usize = 4096;

/// Sends a webhook, retrying with back-off until it gets a 2xx or gives up. The journal
/// keeps each attempt's status, the start of the last answer and the time it all took.
pub async fn deliver(engine: &Engine, http: &reqwest::Client, d: &Delivery) -> u16 {
    let started = std::time::Instant::now();
    let mut status = 0;
    let mut statuses = Vec::new();
    let mut answer = Vec::new();
    for attempt in 0..WEBHOOK_ATTEMPTS {
        let method = reqwest::Method::from_bytes(d.method.as_str().as_bytes())
            .unwrap_or(reqwest::Method::POST);
        let mut req = http.request(method, &d.url).body(d.body.clone());
        for (k, v) in &d.headers {
            req = req.header(k.as_str(), v.as_str());
        }
        (status, answer) = match req.send().await {
            Ok(r) => (r.status().as_u16(), answer_start(r).await),
            Err(e) => (0, no_answer(&e).into_bytes()),
        };
        statuses.push(status);
        if (200..300).contains(&status) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50 << attempt)).await;
    }
    engine.journal_webhook(d, &statuses, &answer, started.elapsed());
    status
}

/// The first [`ANSWER_BYTES`] of an answer's body; what is past them is not read.
async fn answer_start(mut r: reqwest::Response) -> Vec<u8> {
    let mut out = Vec::new();
    while out.len() < ANSWER_BYTES {
        match r.chunk().await {
            Ok(Some(chunk)) => out.extend_from_slice(&chunk),
            _ => break,
        }
    }
    out.truncate(ANSWER_BYTES);
    out
}

/// Why a delivery attempt got no answer, in a few words.
fn no_answer(e: &reqwest::Error) -> String {
    let why = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "the connection failed"
    };
    format!("(no answer: {why})")
}

/// Reads a request body within the body limit and the body timeout; `Err` is the status to
/// answer: 413 past the limit, 408 past the time, 400 when the body breaks off. A body that
/// arrives in one frame (nearly all) is kept as it came, without a copy.
///
/// Past the limit, the rest of the body is read and thrown away in the background (up to
/// four times the limit, within the body timeout) while the 413 goes out: a socket closed
/// with unread bytes is reset, and a reset can destroy the answer before the client reads it.
async fn read_body<B>(limits: &Limits, mut body: B) -> Result<Bytes, u16>
where
    B: hyper::body::Body<Data = Bytes> + Unpin + Send + 'static,
{
    use http_body_util::BodyExt;
    let (limit, timeout) = (limits.body_bytes, limits.body_timeout);
    let deadline = tokio::time::Instant::now() + timeout;
    let mut first: Option<Bytes> = None;
    let mut buf: Vec<u8> = Vec::new();
    loop {
        let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => return Err(408),
            Ok(None) if buf.is_empty() => return Ok(first.unwrap_or_default()),
            Ok(None) => return Ok(Bytes::from(buf)),
            Ok(Some(Err(_))) => return Err(400),
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        let held = first.as_ref().map_or(0, Bytes::len) + buf.len();
        if held + data.len() > limit {
            let mut seen = held + data.len();
            tokio::spawn(async move {
                let drain = async {
                    while seen <= limit.saturating_mul(4) {
                        match body.frame().await {
                            Some(Ok(f)) => seen += f.data_ref().map_or(0, |d| d.len()),
                            _ => break,
                        }
                    }
                };
                let _ = tokio::time::timeout_at(deadline, drain).await;
            });
            return Err(413);
        }
        match first.take() {
            None if buf.is_empty() => first = Some(data),
            earlier => {
                if let Some(earlier) = earlier {
                    buf.extend_from_slice(&earlier);
                }
                buf.extend_from_slice(&data);
            }
        }
    }
}

/// The answer when what a request did cannot be written to the persistent store.
fn unwritten(why: String) -> Response {
    json(
        StatusCode::SERVICE_UNAVAILABLE,
        super::value::V::Obj(vec![("error".into(), super::value::V::Str(why))]).to_json(),
    )
}

pub(super) fn json(status: StatusCode, body: String) -> Response {
    (status, [("content-type", "application/json")], body).into_response()
}

async fn handle(app: Arc<App>, request: hyper::Request<hyper::body::Incoming>) -> Response {
    let (parts, body) = request.into_parts();
    let (method, uri, headers) = (parts.method, parts.uri, parts.headers);
    let body = match read_body(&app.engine.config().limits, body).await {
        Ok(b) => b,
        Err(status) => {
            let limit = app.engine.config().limits.body_bytes;
            let reply = app.engine.refuse_body(status, limit);
            let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::BAD_REQUEST);
            // The rest of this request is not read: the connection cannot carry another.
            let headers = [
                ("content-type", reply.content_type),
                ("connection", "close".into()),
            ];
            return (status, headers, reply.body).into_response();
        }
    };
    let path = uri.path().to_string();
    // The control API answers at the root and under the base path alike.
    let control = app.engine.spec().relative(&path).unwrap_or(&path);
    if let Some(rest) = control
        .strip_prefix("/__mock")
        .filter(|r| r.is_empty() || r.starts_with('/'))
    {
        // Where the control API is, as this request reached it (`/api/__mock`): the
        // dashboard's links start there.
        let root = &path[..path.len() - rest.len()];
        let accept = headers
            .get(axum::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok());
        let call = super::control::Call {
            method: &method,
            rest,
            root,
            accept,
            body: &body,
        };
        let response = super::control::control(&app, call).await;
        if method == axum::http::Method::GET {
            return response;
        }
        return match app.engine.settled().await {
            Ok(()) => response,
            Err(why) => unwritten(why),
        };
    }
    let query = uri.query().unwrap_or("");
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (reply, deliveries) = app
        .engine
        .handle(method.as_str(), &path, query, &get, &body);
    // An answer goes out once what it did is written to the persistent store.
    if let Err(why) = app.engine.settled().await {
        return unwritten(why);
    }
    if !deliveries.is_empty() {
        let (engine, http) = (app.engine.clone(), app.http.clone());
        tokio::spawn(async move {
            for d in &deliveries {
                deliver(&engine, &http, d).await;
            }
        });
    }
    if let Some(ms) = std::num::NonZeroU64::new(reply.delay_ms) {
        tokio::time::sleep(Duration::from_millis(ms.get())).await;
    }
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    // Nearly every answer is JSON: its header value is a constant, not parsed again.
    let content_type = if reply.content_type == "application/json" {
        Ok(HeaderValue::from_static("application/json"))
    } else {
        HeaderValue::try_from(reply.content_type)
    };
    let Ok(content_type) = content_type else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut response = Response::new(axum::body::Body::from(reply.body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(axum::http::header::CONTENT_TYPE, content_type);
    if let Some(allow) = reply.allow.and_then(|a| HeaderValue::from_str(&a).ok()) {
        response
            .headers_mut()
            .insert(axum::http::header::ALLOW, allow);
    }
    response
}
