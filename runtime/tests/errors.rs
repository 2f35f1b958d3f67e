//! The one error vocabulary: error bodies read by a provider's `ErrorModel`, envelopes,
//! file answers, and a transport that bounds what it reads.
#![cfg(feature = "client")]

use payspec_runtime::error::{ApiError, Envelope, Error, ErrorModel};
use payspec_runtime::http::{Outgoing, Received};
use payspec_runtime::transport::Transport;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Errors as a body with code, message, validation detail and field messages (Pegas-like).
const FLAT: ErrorModel = ErrorModel {
    code: Some(&["code"]),
    message: Some(&["message"]),
    validation_path: Some(&["validation_error", "path"]),
    validation_message: Some(&["validation_error", "message"]),
    field_errors: Some(&["errors"]),
    retryable: &[409],
    envelope: None,
    errors_in_envelope: false,
    redirect_is_error: false,
};

/// Every answer wrapped, errors inside the envelope with HTTP 200 (Tegro-like).
const WRAPPED: ErrorModel = ErrorModel {
    code: None,
    message: None,
    validation_path: None,
    validation_message: None,
    field_errors: None,
    retryable: &[],
    envelope: Some(Envelope {
        status_field: "type",
        success: "success",
        error: "error",
        message_field: "desc",
        data_field: "data",
    }),
    errors_in_envelope: true,
    redirect_is_error: false,
};

fn api(e: Error) -> Box<ApiError> {
    match e {
        Error::Api(a) => a,
        other => panic!("expected a provider error, got {other:?}"),
    }
}

#[test]
fn an_error_body_is_read_at_the_models_paths() {
    let body = r#"{"code":"validation","message":"bad","validation_error":{"path":"order.amount","message":"too small"},"errors":{"email":["empty","invalid"],"phone":7}}"#;
    let e = FLAT.from_response(422, body.as_bytes());
    assert_eq!(e.status(), Some(422));
    assert!(!e.is_retryable());
    assert_eq!(
        e.to_string(),
        "provider error (HTTP 422) validation: bad (order.amount: too small); email: empty, invalid; phone: 7"
    );
    let a = api(e);
    assert_eq!(a.code.as_deref(), Some("validation"));
    assert_eq!(a.validation_path.as_deref(), Some("order.amount"));
    assert_eq!(a.field_errors["email"], ["empty", "invalid"]);
    assert_eq!(a.field_errors["phone"], ["7"]);
    assert_eq!(a.body, body);
}

#[test]
fn retryable_statuses_are_429_5xx_and_those_the_spec_names() {
    for (status, retry) in [
        (409, true),
        (429, true),
        (500, true),
        (503, true),
        (400, false),
    ] {
        let e = FLAT.from_response(status, b"{}");
        assert_eq!(e.is_retryable(), retry, "JSON error with {status}");
    }
    // A non-JSON body keeps the status; the spec's list applies to provider errors only.
    let e = FLAT.from_response(502, b"<html>bad gateway</html>");
    assert!(matches!(&e, Error::Status { status: 502, body } if body.contains("bad gateway")));
    assert!(e.is_retryable());
    assert!(!FLAT.from_response(409, b"busy").is_retryable());
    assert!(matches!(
        FLAT.from_response(400, b"[1]"),
        Error::Status { .. }
    ));
}

#[test]
fn null_members_count_as_absent() {
    let a = api(FLAT.from_response(400, br#"{"code":null,"message":42}"#));
    assert_eq!(a.code, None);
    assert_eq!(a.message.as_deref(), Some("42"));
}

#[test]
fn the_envelope_gives_the_payload_or_the_error() {
    let v: serde_json::Value = WRAPPED
        .unwrap_envelope(br#"{"desc":"","data":{"amount":10.50},"type":"success"}"#)
        .unwrap();
    assert_eq!(v["amount"].to_string(), "10.5");
    let none: Option<u8> = WRAPPED
        .unwrap_envelope(br#"{"type":"success","data":null}"#)
        .unwrap();
    assert_eq!(none, None);
    let a = api(WRAPPED
        .unwrap_envelope::<serde_json::Value>(br#"{"type":"error","desc":"Shop not found"}"#)
        .unwrap_err());
    assert_eq!(
        (a.status, a.message.as_deref()),
        (200, Some("Shop not found"))
    );
    assert!(!a.retryable);
}

#[test]
fn a_malformed_envelope_is_undecodable() {
    for body in [
        &br#"{"type":"maybe","data":{}}"#[..],
        br#"{"data":{}}"#,
        br#"{"type":"success","type":"error"}"#,
        br#"{"type":"success","data":{}} trailing"#,
        br#"["type","success"]"#,
        b"<html>",
    ] {
        let e = WRAPPED
            .unwrap_envelope::<serde_json::Value>(body)
            .unwrap_err();
        assert!(
            matches!(&e, Error::Decode { body: b, .. } if b.as_bytes() == body),
            "{}: {e:?}",
            String::from_utf8_lossy(body)
        );
    }
    // An escaped key is the same key.
    let v: u8 = WRAPPED
        .unwrap_envelope(br#"{"\u0074ype":"success","data":7}"#)
        .unwrap();
    assert_eq!(v, 7);
}

#[test]
fn an_error_status_with_the_envelope_keeps_its_message() {
    let a = api(WRAPPED.from_response(503, br#"{"type":"error","desc":"Maintenance"}"#));
    assert_eq!((a.status, a.message.as_deref()), (503, Some("Maintenance")));
    assert!(a.retryable);
    // A model naming its message path reads that path only.
    let a = api(FLAT.from_response(400, br#"{"desc":"x"}"#));
    assert_eq!(a.message, None);
}

#[test]
fn without_an_envelope_the_body_is_the_payload() {
    let v: Vec<u8> = FLAT.unwrap_envelope(b"[1,2]").unwrap();
    assert_eq!(v, [1, 2]);
}

fn received(content_type: &str, body: &str) -> Received {
    Received {
        status: 200,
        content_type: Some(content_type.to_string()),
        body: body.as_bytes().to_vec(),
    }
}

#[test]
fn a_file_answer_or_the_json_error_sent_in_its_place() {
    let f = FLAT
        .file(received("application/pdf", "%PDF-1.7"), None)
        .unwrap();
    assert_eq!(
        (f.content_type.as_str(), &f.bytes[..]),
        ("application/pdf", &b"%PDF-1.7"[..])
    );
    let a = api(FLAT
        .file(
            received("application/json", r#"{"code":"not_found"}"#),
            None,
        )
        .unwrap_err());
    assert_eq!(a.code.as_deref(), Some("not_found"));
    let a = api(WRAPPED
        .file(
            received(
                "application/json; charset=utf-8",
                r#"{"type":"error","desc":"no receipt"}"#,
            ),
            None,
        )
        .unwrap_err());
    assert_eq!(a.message.as_deref(), Some("no receipt"));
    let e = WRAPPED
        .file(
            received("application/json", r#"{"type":"success","data":1}"#),
            None,
        )
        .unwrap_err();
    assert!(matches!(e, Error::Decode { message, .. } if message.contains("expected a file")));
    // A file of a type the request did not ask for is refused; parameters are ignored.
    let asked = Some("application/pdf");
    let e = FLAT
        .file(received("image/jpeg", "\u{ff}\u{d8}"), asked)
        .unwrap_err();
    assert!(
        matches!(&e, Error::Decode { message, .. } if message == "expected a file of type application/pdf, got `image/jpeg`"),
        "{e:?}"
    );
    let ok = FLAT.file(received("Application/PDF; qs=1", "%PDF"), asked);
    assert!(ok.is_ok(), "{ok:?}");
    let either = Some("application/pdf, image/jpeg");
    assert!(FLAT.file(received("image/jpeg", "x"), either).is_ok());
    assert!(FLAT.file(received("image/png", "x"), either).is_err());
}

/// One HTTP/1.1 answer with `body`, announced with its length or chunked.
async fn serve_once(status: &'static str, body: Vec<u8>, chunked: bool) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 4096];
        let _ = sock.read(&mut buf).await;
        let head = if chunked {
            format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
            )
        } else {
            format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                body.len()
            )
        };
        let _ = sock.write_all(head.as_bytes()).await;
        if chunked {
            for part in body.chunks(1000) {
                let _ = sock
                    .write_all(format!("{:x}\r\n", part.len()).as_bytes())
                    .await;
                let _ = sock.write_all(part).await;
                let _ = sock.write_all(b"\r\n").await;
            }
            let _ = sock.write_all(b"0\r\n\r\n").await;
        } else {
            let _ = sock.write_all(&body).await;
        }
    });
    format!("http://{addr}/")
}

/// A JSON string answer of exactly `len` bytes.
fn json_text(len: usize) -> Vec<u8> {
    format!("\"{}\"", "a".repeat(len - 2)).into_bytes()
}

#[tokio::test]
async fn the_transport_reads_answers_up_to_its_bound() {
    let get = || Outgoing::new(reqwest::Method::GET, "/x".to_string());
    for chunked in [false, true] {
        let mut t = Transport::new(&serve_once("200 OK", json_text(5000), chunked).await, &FLAT);
        t.set_max_response(5000);
        let s: String = t
            .send(get(), |r| payspec_runtime::error::decode(&r.body))
            .await
            .unwrap();
        assert_eq!(s.len(), 4998, "chunked: {chunked}");

        let mut t = Transport::new(&serve_once("200 OK", json_text(5001), chunked).await, &FLAT);
        t.set_max_response(5000);
        let e = t
            .send(get(), |r| payspec_runtime::error::decode::<String>(&r.body))
            .await
            .unwrap_err();
        assert!(
            matches!(e, Error::TooLarge { limit: 5000 }),
            "chunked: {chunked}: {e:?}"
        );
        assert!(!e.is_retryable());
    }
}

#[tokio::test]
async fn an_error_status_is_read_with_the_model() {
    let base = serve_once("409 Conflict", br#"{"code":"busy"}"#.to_vec(), false).await;
    let t = Transport::new(&base, &FLAT);
    assert_eq!(format!("{}/", t.base_url()), base);
    let get = Outgoing::new(reqwest::Method::GET, "/x".to_string());
    let e = t
        .send(get, |_| -> Result<(), Error> {
            panic!("an error answer is not decoded")
        })
        .await
        .unwrap_err();
    assert!(e.is_retryable(), "409 is retryable in this model");
    let a = api(e);
    assert_eq!((a.status, a.code.as_deref()), (409, Some("busy")));
}
