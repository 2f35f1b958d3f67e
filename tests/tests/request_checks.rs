//! Client and mock agree on what a valid request is. For each provider, a table of invalid
//! requests: the client refuses each before any network I/O (a listener counts connections:
//! none), with `Error::InvalidRequest` naming the field and the reason; the same request sent
//! unchecked (`with_request_checks(false)`, signed as usual) is refused by the mock, naming the
//! same field. One checker (`payspec_runtime::check`) runs on both sides.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use payspec_runtime::check::Reason;
use payspec_runtime::error::Error;

fn dec(s: &str) -> rust_decimal::Decimal {
    s.parse().expect("decimal")
}

/// A listener on 127.0.0.1 that counts the connections it accepts.
async fn counting_listener() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((_s, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
        }
    });
    (url, count)
}

/// The client refused the request itself, for `field`, with a reason that `reason` accepts.
fn refused_by_client<T: std::fmt::Debug>(
    what: &str,
    r: Result<T, Error>,
    field: &str,
    reason: fn(&Reason) -> bool,
) {
    match r {
        Err(Error::InvalidRequest(v)) => {
            assert_eq!(v.field, field, "{what}: {v}");
            assert!(
                reason(&v.reason),
                "{what}: unexpected reason {:?}",
                v.reason
            );
        }
        other => panic!("{what}: expected InvalidRequest for {field}, got {other:?}"),
    }
}

/// The mock refused the request, naming `field` where the provider's error shape puts it.
fn refused_by_mock<T: std::fmt::Debug>(what: &str, r: Result<T, Error>, field: &str) {
    match r {
        Err(Error::Api(a)) => {
            let named = a.validation_path.as_deref() == Some(field)
                || a.field_errors.contains_key(field)
                || a.message.as_deref().is_some_and(|m| m.contains(field));
            assert!(
                named,
                "{what}: the mock's error does not name {field}: {a:?}"
            );
            assert!(a.status < 500, "{what}: {a:?}");
        }
        other => panic!("{what}: expected the mock to refuse {field}, got {other:?}"),
    }
}

fn bound(r: &Reason) -> bool {
    matches!(r, Reason::Bound(_))
}
fn length(r: &Reason) -> bool {
    matches!(r, Reason::Length { .. })
}
fn missing(r: &Reason) -> bool {
    r.is_missing()
}
fn forbidden(r: &Reason) -> bool {
    matches!(r, Reason::ForbiddenWhen(_))
}
fn not_allowed(r: &Reason) -> bool {
    matches!(r, Reason::NotAllowed(_))
}

/// Runs one case: the checked client against the counting listener, then the unchecked
/// client against the mock.
macro_rules! case {
    ($what:expr, $checked:expr, $unchecked:expr, $call:ident, $req:expr, $field:expr, $reason:expr) => {{
        let req = $req;
        refused_by_client($what, $checked.$call(&req).await, $field, $reason);
        assert_eq!(
            req.check().map_err(|v| v.field),
            Err($field.to_string()),
            "{}: the request's own check",
            $what
        );
        refused_by_mock($what, $unchecked.$call(&req).await, $field);
    }};
}

#[tokio::test]
async fn tegro_money() {
    use tegro_money::requests::*;
    use tegro_money::types::Currency;
    use tegro_money::{Client, Credentials};
    let mock = tegro_money::mock::MockServer::start().await.expect("mock");
    let (url, connections) = counting_listener().await;
    let checked = Client::new(Credentials::sample()).with_base_url(&url);
    let raw = Client::new(Credentials::sample())
        .with_base_url(mock.base_url())
        .with_request_checks(false);
    let order = |amount: &str, id: &str| CreateOrderRequest::new(Currency::Rub, dec(amount), id, 5);
    case!(
        "amount 0",
        checked,
        raw,
        create_order,
        order("0", "t1"),
        "amount",
        bound
    );
    case!(
        "amount -0",
        checked,
        raw,
        create_order,
        order("-0", "t2"),
        "amount",
        bound
    );
    case!(
        "amount -5",
        checked,
        raw,
        create_order,
        order("-5", "t3"),
        "amount",
        bound
    );
    case!(
        "empty order_id",
        checked,
        raw,
        create_order,
        order("5", ""),
        "order_id",
        length
    );
    let long = "x".repeat(1_025);
    case!(
        "order_id past 1,024",
        checked,
        raw,
        create_order,
        order("5", &long),
        "order_id",
        length
    );
    case!(
        "no order id at all",
        checked,
        raw,
        order,
        OrderRequest::new(),
        "order_id or payment_id",
        missing
    );
    case!(
        "withdrawal to an empty account",
        checked,
        raw,
        create_withdrawal,
        CreateWithdrawalRequest::new(Currency::Rub, "", dec("1"), "w1".into(), 5),
        "account",
        length
    );
    assert_eq!(
        connections.load(Ordering::SeqCst),
        0,
        "the client sent nothing"
    );
    // A valid one goes through both.
    assert!(
        checked.create_order(&order("5", "ok")).await.is_err(),
        "the listener never answers"
    );
    assert!(connections.load(Ordering::SeqCst) > 0);
}

#[tokio::test]
async fn m2cerber() {
    use m2cerber::requests::*;
    use m2cerber::types::PaymentStatus;
    use m2cerber::{Client, Credentials};
    let c = m2cerber::mock::spec::default_config().credentials;
    let creds = || Credentials::new(c["merch_id"].clone(), c["secret_key"].clone());
    let mock = m2cerber::mock::MockServer::start().await.expect("mock");
    let (url, connections) = counting_listener().await;
    let checked = Client::new(creds()).with_base_url(&url);
    let raw = Client::new(creds())
        .with_base_url(mock.base_url())
        .with_request_checks(false);
    let wallet = |id: &str, sum: &str| {
        GetWalletRequest::new(
            id,
            "79001234567",
            dec(sum),
            "http://127.0.0.1:9/cb",
            "2024-01-01",
        )
    };
    case!(
        "sum 0",
        checked,
        raw,
        get_wallet,
        wallet("m1", "0"),
        "sum",
        bound
    );
    case!(
        "sum -1",
        checked,
        raw,
        get_wallet,
        wallet("m2", "-1"),
        "sum",
        bound
    );
    case!(
        "empty payment_id",
        checked,
        raw,
        get_wallet,
        wallet("", "5"),
        "payment_id",
        length
    );
    let mut not_pending = wallet("m3", "5");
    not_pending.status = PaymentStatus::Cancel;
    case!(
        "status other than the constant pending",
        checked,
        raw,
        get_wallet,
        not_pending,
        "status",
        |r| matches!(r, Reason::Constant("pending"))
    );
    case!(
        "update_status confirm (only accept or cancel)",
        checked,
        raw,
        update_status,
        UpdateStatusRequest::new("m4", PaymentStatus::Confirm),
        "status",
        not_allowed
    );
    case!(
        "update_status pending",
        checked,
        raw,
        update_status,
        UpdateStatusRequest::new("m4", PaymentStatus::Pending),
        "status",
        not_allowed
    );
    assert_eq!(
        connections.load(Ordering::SeqCst),
        0,
        "the client sent nothing"
    );
}

#[tokio::test]
async fn pegas_kassa() {
    use pegas_kassa::requests::*;
    use pegas_kassa::types::{DepositType, WithdrawalMethod};
    use pegas_kassa::{Client, Credentials};
    let mock = pegas_kassa::mock::MockServer::start().await.expect("mock");
    let (url, connections) = counting_listener().await;
    let checked = Client::new(Credentials::sample()).with_base_url(&url);
    let raw = Client::new(Credentials::sample())
        .with_base_url(mock.base_url())
        .with_request_checks(false);
    let deposit = |t: DepositType, id: &str| DepositRequest::new(dec("100"), t, id);
    case!(
        "wallet without ttl",
        checked,
        raw,
        deposit,
        deposit(DepositType::Wallet, "p1"),
        "ttl",
        |r| matches!(r, Reason::RequiredWhen(_))
    );
    case!(
        "ttl with invoice-qw",
        checked,
        raw,
        deposit,
        deposit(DepositType::InvoiceQw, "p2").with_ttl(30),
        "ttl",
        forbidden
    );
    case!(
        "phone with wallet",
        checked,
        raw,
        deposit,
        deposit(DepositType::Wallet, "p3")
            .with_ttl(30)
            .with_phone("+79001234567"),
        "phone",
        forbidden
    );
    case!(
        "amount 0",
        checked,
        raw,
        deposit,
        DepositRequest::new(dec("0"), DepositType::Yandex, "p4"),
        "amount",
        bound
    );
    case!(
        "empty order_id",
        checked,
        raw,
        deposit,
        deposit(DepositType::Yandex, ""),
        "order_id",
        length
    );
    case!(
        "comment of 2 characters",
        checked,
        raw,
        withdrawal,
        WithdrawalRequest::new(dec("5"), "4111", WithdrawalMethod::Card).with_comment("ab"),
        "comment",
        length
    );
    assert_eq!(
        connections.load(Ordering::SeqCst),
        0,
        "the client sent nothing"
    );
    // The same rules let valid variants through to the mock.
    raw.deposit(&deposit(DepositType::Wallet, "ok1").with_ttl(30))
        .await
        .expect("wallet with ttl");
    raw.deposit(&deposit(DepositType::InvoiceQw, "ok2").with_phone("+79001234567"))
        .await
        .expect("invoice-qw with phone");
}

#[tokio::test]
async fn begateway() {
    use begateway::requests::*;
    use begateway::{Client, Credentials};
    let c = begateway::mock::spec::default_config().credentials;
    let creds = || {
        Credentials::new(
            c["shop_id"].clone(),
            c["secret_key"].clone(),
            c["public_key"].clone(),
        )
    };
    let mock = begateway::mock::MockServer::start().await.expect("mock");
    let (url, connections) = counting_listener().await;
    let checked = Client::new(creds()).with_base_url(&url);
    let raw = Client::new(creds())
        .with_base_url(mock.base_url())
        .with_request_checks(false);
    let product = |currency: &str, amount: i64| {
        CreateProductRequest::new("Book", "A book", currency, amount, "en")
    };
    case!(
        "quantity with infinite",
        checked,
        raw,
        create_product,
        product("USD", 990).with_infinite(true).with_quantity(5),
        "quantity",
        forbidden
    );
    case!(
        "amount 0",
        checked,
        raw,
        create_product,
        product("USD", 0),
        "amount",
        bound
    );
    case!(
        "amount -1",
        checked,
        raw,
        create_product,
        product("USD", -1),
        "amount",
        bound
    );
    case!(
        "lower-case currency",
        checked,
        raw,
        create_product,
        product("usd", 990),
        "currency",
        |r| matches!(r, Reason::Pattern(_))
    );
    case!(
        "name past 1,024 characters",
        checked,
        raw,
        create_product,
        CreateProductRequest::new("n".repeat(1_025), "A book", "USD", 990, "en"),
        "name",
        length
    );
    case!(
        "update with quantity and infinite",
        checked,
        raw,
        update_product,
        UpdateProductRequest::new("prd_1")
            .with_infinite(true)
            .with_quantity(1),
        "quantity",
        forbidden
    );
    assert_eq!(
        connections.load(Ordering::SeqCst),
        0,
        "the client sent nothing"
    );
}
