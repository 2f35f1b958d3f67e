//! A file endpoint whose request picks the content type (Pegas-kassa's receipt: `format`
//! pdf or jpeg): the client asks for that type in `Accept` (not `application/json`), takes a
//! file of that type, and refuses a file of another; the mock answers the type asked for.

use payspec_runtime::error::Error;
use payspec_tests::{Reply, serve};
use pegas_kassa::requests::ReceiptRequest;
use pegas_kassa::types::ReceiptFormat;
use pegas_kassa::{Client, Credentials};

#[tokio::test]
async fn the_client_asks_for_the_format_it_requests_and_refuses_another() {
    // A provider that answers whatever the test says, keeping the requests.
    let (url, mut seen) = serve(|c| {
        if c.target.contains("format=jpeg") {
            Reply::new(200, "image/jpeg", vec![0xFF, 0xD8, 0xFF, 0xD9])
        } else {
            // Asked for a PDF, it sends a JPEG.
            Reply::new(200, "image/jpeg; charset=binary", vec![0xFF, 0xD8])
        }
    })
    .await;
    let client = Client::new(Credentials::sample()).with_base_url(url);
    let jpeg = client
        .receipt(&ReceiptRequest::new(ReceiptFormat::Jpeg).with_order_id("o-1"))
        .await
        .expect("a jpeg");
    assert_eq!(jpeg.content_type, "image/jpeg");
    assert_eq!(jpeg.bytes, vec![0xFF, 0xD8, 0xFF, 0xD9]);
    let asked = seen.recv().await.expect("a request");
    assert_eq!(asked.header("accept"), Some("image/jpeg"));

    let wrong = client
        .receipt(&ReceiptRequest::new(ReceiptFormat::Pdf).with_order_id("o-1"))
        .await;
    let asked = seen.recv().await.expect("a request");
    assert_eq!(asked.header("accept"), Some("application/pdf"));
    match wrong {
        Err(Error::Decode { message, .. }) => assert_eq!(
            message,
            "expected a file of type application/pdf, got `image/jpeg`"
        ),
        other => panic!("a JPEG for a PDF request: {other:?}"),
    }
}

#[tokio::test]
async fn the_mock_answers_the_type_the_request_asks_for() {
    use pegas_kassa::types::DepositType;
    let mock = pegas_kassa::mock::MockServer::start().await.expect("mock");
    let client = Client::new(Credentials::sample()).with_base_url(mock.base_url());
    client
        .deposit(&pegas_kassa::requests::DepositRequest::new(
            "100".parse().expect("decimal"),
            DepositType::Yandex,
            "r-1",
        ))
        .await
        .expect("deposit");
    for (format, ct, magic) in [
        (ReceiptFormat::Pdf, "application/pdf", &b"%PDF"[..]),
        (ReceiptFormat::Jpeg, "image/jpeg", &[0xFF, 0xD8][..]),
    ] {
        let file = client
            .receipt(&ReceiptRequest::new(format).with_order_id("r-1"))
            .await
            .expect("a receipt");
        assert_eq!(file.content_type, ct);
        assert!(
            file.bytes.starts_with(magic),
            "{ct}: {:?}",
            &file.bytes[..4]
        );
    }
}
