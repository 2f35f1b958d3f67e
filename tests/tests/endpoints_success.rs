//! The success path of every endpoint of every spec, through the generated client against its
//! mock over HTTP on 127.0.0.1, with the returned content compared exactly where the request
//! fixes it. `mock_tegro.rs` and `mock_providers.rs` call most endpoints; this file covers
//! what they do not (Pegas-kassa `deposit_cancel`) and checks every field they leave unchecked.

fn dec(s: &str) -> rust_decimal::Decimal {
    s.parse().unwrap()
}

fn is_hex_id(s: &str, prefix: &str, digits: usize) -> bool {
    s.strip_prefix(prefix).is_some_and(|h| {
        h.len() == digits
            && h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

mod tegro {
    use super::*;
    use tegro_money::mock::MockServer;
    use tegro_money::requests::*;
    use tegro_money::types::{Currency, OrderFields, OrderStatus};
    use tegro_money::{Client, Credentials};

    async fn setup() -> (MockServer, Client) {
        let mock = MockServer::start().await.unwrap();
        let client = Client::new(Credentials::sample()).with_base_url(mock.base_url());
        (mock, client)
    }

    #[tokio::test]
    async fn create_order_order_and_orders_return_what_was_sent() {
        let (mock, client) = setup().await;
        let first = client
            .create_order(&CreateOrderRequest::new(
                Currency::Usd,
                dec("10.50"),
                "first",
                7,
            ))
            .await
            .unwrap();
        let second = client
            .create_order(
                &CreateOrderRequest::new(Currency::Rub, dec("1200.00"), "second", 5).with_fields(
                    OrderFields::new()
                        .with_email("user@email.ru")
                        .with_phone("79111231212"),
                ),
            )
            .await
            .unwrap();
        // Ids count up from the spec's start; the link is the mock's own.
        assert_eq!((first.id, second.id), (755555, 755556));
        assert_eq!(
            first.url,
            format!("http://{}/pay/complete/755555/", mock.addr())
        );
        assert_eq!(
            second.url,
            format!("http://{}/pay/complete/755556/", mock.addr())
        );

        let o = client
            .order(&OrderRequest::new().with_payment_id("second"))
            .await
            .unwrap();
        assert_eq!(
            (
                o.id,
                o.status,
                o.payment_system_id,
                o.amount,
                o.fee,
                o.email.as_str(),
                o.test_order,
                o.payment_id.as_str(),
                o.date_payed
            ),
            (
                755556,
                OrderStatus::NotPaid,
                5,
                dec("1200.00"),
                dec("0"),
                "user@email.ru",
                1,
                "second",
                None
            )
        );
        assert_eq!(o.amount.to_string(), "1200.00", "the wire form is kept");
        assert!(o.date_created.year() >= 2024);

        let by_id = client
            .order(&OrderRequest::new().with_order_id(755555))
            .await
            .unwrap();
        assert_eq!(
            (
                by_id.payment_id.as_str(),
                by_id.amount.to_string(),
                by_id.payment_system_id,
                by_id.email.as_str()
            ),
            ("first", "10.50".to_string(), 7, "")
        );

        // Newest first.
        let page = client
            .orders(&OrdersRequest::new().with_page(1))
            .await
            .unwrap();
        let ids: Vec<(i64, &str)> = page.iter().map(|o| (o.id, o.payment_id.as_str())).collect();
        assert_eq!(ids, [(755556, "second"), (755555, "first")]);
        assert_eq!(page[0], o);
        let empty = client
            .orders(&OrdersRequest::new().with_page(2))
            .await
            .unwrap();
        assert!(empty.is_empty());
        let default_page = client.orders(&OrdersRequest::new()).await.unwrap();
        assert_eq!(default_page, page);
    }

    #[tokio::test]
    async fn shops_returns_the_sample_shop() {
        let (_mock, client) = setup().await;
        let list = client.shops().await.unwrap();
        assert_eq!(list.user_id, 1);
        let shops: Vec<_> = list
            .shops
            .iter()
            .map(|s| {
                let d = s.date_added;
                (
                    s.id,
                    s.name.as_str(),
                    s.url.as_str(),
                    s.status,
                    s.public_key.as_str(),
                    s.desc.as_str(),
                    (d.year(), u8::from(d.month()), d.day()),
                    (d.hour(), d.minute(), d.second()),
                )
            })
            .collect();
        // The docs' two demo shops; the first carries the caller's shop id.
        assert_eq!(
            shops,
            [
                (
                    1,
                    "DEMO1",
                    "https://demo1",
                    1,
                    "1913EA9D9351469B1E5D852A",
                    "DEMO1 SHOP",
                    (2020, 11, 3),
                    (18, 4, 7)
                ),
                (
                    2,
                    "DEMO2",
                    "https://demo2",
                    0,
                    "1913EA935149B1E5D852A",
                    "DEMO2 SHOP",
                    (2020, 11, 3),
                    (22, 38, 58)
                ),
            ]
        );
    }

    #[tokio::test]
    async fn withdrawals_are_created_listed_read_and_taken_from_the_balance() {
        let (_mock, client) = setup().await;
        let opening = client.balance().await.unwrap();
        assert_eq!(opening.user_id, 1);
        let want: Vec<(String, rust_decimal::Decimal)> = [
            ("EUR", "1.23"),
            ("RUB", "1396.68"),
            ("UAH", "0.00"),
            ("USD", "0.00"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), dec(v)))
        .collect();
        assert_eq!(opening.balance.into_iter().collect::<Vec<_>>(), want);

        let w = client
            .create_withdrawal(&CreateWithdrawalRequest::new(
                Currency::Eur,
                "killme",
                dec("1.00"),
                "argr".into(),
                3,
            ))
            .await
            .unwrap();
        assert_eq!(
            (
                w.id,
                w.status,
                w.payment_system_id,
                w.amount,
                w.fee,
                w.account.as_deref(),
                w.payment_id.as_ref().map(|p| p.as_str())
            ),
            (
                Some(755555),
                Some(1),
                Some(3),
                Some(dec("1.00")),
                Some(dec("0")),
                Some("killme"),
                Some("argr")
            )
        );
        assert!(w.date_created.is_some());

        let by_payment_id = client
            .withdrawal(&WithdrawalRequest::new().with_payment_id("argr"))
            .await
            .unwrap();
        assert_eq!(by_payment_id, w);
        let by_id = client
            .withdrawal(&WithdrawalRequest::new().with_order_id(755555))
            .await
            .unwrap();
        assert_eq!(by_id, w);
        let list = client
            .withdrawals(&WithdrawalsRequest::new().with_page(1))
            .await
            .unwrap();
        assert_eq!(list, vec![w.clone()]);
        assert!(
            client
                .withdrawals(&WithdrawalsRequest::new().with_page(2))
                .await
                .unwrap()
                .is_empty()
        );

        // Only the EUR wallet changes.
        let after = client.balance().await.unwrap().balance;
        assert_eq!(after["EUR"], dec("0.23"));
        assert_eq!(after["RUB"], dec("1396.68"));
        assert_eq!(after.len(), 4);
    }
}

mod m2cerber_endpoints {
    use super::*;
    use m2cerber::mock::MockServer;
    use m2cerber::requests::*;
    use m2cerber::types::PaymentStatus;
    use m2cerber::{Client, Credentials};

    fn wallet(id: &str, sum: &str) -> GetWalletRequest {
        GetWalletRequest::new(
            id,
            "1234567890",
            dec(sum),
            "http://127.0.0.1:9/cb",
            "2024-01-01 12:00:00",
        )
    }

    #[tokio::test]
    async fn get_wallet_returns_the_payment_link_and_wallet() {
        let mock = MockServer::start().await.unwrap();
        let client = Client::new(Credentials::sample()).with_base_url(mock.base_url());
        let w = client.get_wallet(&wallet("3636363", "500")).await.unwrap();
        assert_eq!(
            (
                w.payment_id.as_str(),
                w.wallet_link.as_str(),
                w.image.as_str(),
                w.wallet_number.as_str()
            ),
            (
                "3636363",
                format!("http://{}/pay/3636363", mock.addr()).as_str(),
                "mock-wallet-qr-3636363",
                "9378238289"
            )
        );
        // What the mock stored is what the client sent.
        let rec: serde_json::Value =
            serde_json::from_str(&mock.record("payment", "3636363").unwrap()).unwrap();
        assert_eq!(rec["user_wallet"], "1234567890");
        assert_eq!(rec["create_time"], "2024-01-01 12:00:00");
        assert_eq!(rec["callback_url"], "http://127.0.0.1:9/cb");
        assert_eq!(rec["status"], "pending");

        let st = client
            .get_status(&GetStatusRequest::new("3636363"))
            .await
            .unwrap();
        assert_eq!(
            (st.payment_id.as_str(), st.status),
            ("3636363", PaymentStatus::Pending)
        );
    }

    #[tokio::test]
    async fn update_status_accept_and_cancel_and_the_balance_sums() {
        let mock = MockServer::start().await.unwrap();
        let client = Client::new(Credentials::sample()).with_base_url(mock.base_url());
        for (id, sum) in [("a", "100"), ("b", "20.50"), ("c", "3"), ("d", "0.25")] {
            client.get_wallet(&wallet(id, sum)).await.unwrap();
        }
        let accepted = client
            .update_status(&UpdateStatusRequest::new("a", PaymentStatus::Accept))
            .await
            .unwrap();
        assert_eq!(
            (accepted.payment_id.as_str(), accepted.status),
            ("a", PaymentStatus::Confirming)
        );
        let cancelled = client
            .update_status(&UpdateStatusRequest::new("b", PaymentStatus::Cancel))
            .await
            .unwrap();
        assert_eq!(
            (cancelled.payment_id.as_str(), cancelled.status),
            ("b", PaymentStatus::Cancel)
        );
        mock.fire("payment", "c", "paid", Some("2.75"))
            .await
            .unwrap();
        let st = client
            .get_status(&GetStatusRequest::new("a"))
            .await
            .unwrap();
        assert_eq!(st.status, PaymentStatus::Confirming);

        // cancel: b (20.50); confirm: c as received (2.75); pending: a (confirming) + d.
        let all_time = client.get_balance(&GetBalanceRequest::new()).await.unwrap();
        assert_eq!(
            (
                all_time.canceled_sum,
                all_time.confirm_sum,
                all_time.pending_sum
            ),
            (dec("20.50"), dec("2.75"), dec("100.25"))
        );
        let ranged = client
            .get_balance(
                &GetBalanceRequest::new()
                    .with_start_date("2024-01-01")
                    .with_end_date("2024-01-31")
                    .with_callback_url("https://merchant.example/cb"),
            )
            .await
            .unwrap();
        assert_eq!(ranged, all_time, "the mock answers all-time sums");
    }
}

mod pegas {
    use super::*;
    use pegas_kassa::mock::MockServer;
    use pegas_kassa::requests::*;
    use pegas_kassa::types::{DepositType, ReceiptFormat, WithdrawalMethod};
    use pegas_kassa::{Client, Credentials, Error};

    async fn setup() -> (MockServer, Client) {
        let mock = MockServer::start().await.unwrap();
        let client = Client::new(Credentials::sample()).with_base_url(mock.base_url());
        (mock, client)
    }

    fn record(mock: &MockServer, resource: &str, id: &str) -> serde_json::Value {
        serde_json::from_str(&mock.record(resource, id).unwrap()).unwrap()
    }

    #[tokio::test]
    async fn deposit_returns_its_id_commission_and_link() {
        let (mock, client) = setup().await;
        let d = client
            .deposit(
                &DepositRequest::new(dec("1000.00"), DepositType::InvoiceQw, "order-1001")
                    .with_phone("+79001234567")
                    .with_qiwi_account("qiwi-1")
                    .with_success_url("https://shop.example.com/success"),
            )
            .await
            .unwrap();
        assert!(is_hex_id(d.id.as_str(), "", 16), "{}", d.id.as_str());
        assert!(!d.id.is_number());
        assert_eq!(d.commission, dec("0.00"));
        assert_eq!(
            d.url.as_deref(),
            Some(format!("http://{}/pay/{}", mock.addr(), d.id.as_str()).as_str())
        );
        assert_eq!((d.wallet.as_deref(), d.card.as_deref()), (None, None));

        let rec = record(&mock, "deposit", d.id.as_str());
        assert_eq!(rec["order_id"], "order-1001");
        let raw = mock.record("deposit", d.id.as_str()).unwrap();
        assert!(
            raw.contains(r#""amount":1000.00"#),
            "the sum as sent: {raw}"
        );
        assert_eq!(rec["type"], "invoice-qw");
        assert_eq!(rec["phone"], "+79001234567");
        assert_eq!(rec["qiwi_account"], "qiwi-1");
        assert_eq!(
            rec["ttl"],
            serde_json::Value::Null,
            "ttl is for wallet deposits only"
        );
        assert_eq!(rec["success_url"], "https://shop.example.com/success");
        assert_eq!(rec["status"], "created");
    }

    #[tokio::test]
    async fn deposit_cancel_cancels_the_request() {
        let (mock, client) = setup().await;
        let before = client.balance().await.unwrap().balance;
        let d = client
            .deposit(&DepositRequest::new(
                dec("150.00"),
                DepositType::InvoiceCard,
                "ord-c",
            ))
            .await
            .unwrap();
        let other = client
            .deposit(&DepositRequest::new(dec("5"), DepositType::Wallet, "ord-keep").with_ttl(15))
            .await
            .unwrap();

        let cancelled = client
            .deposit_cancel(&DepositCancelRequest::new("ord-c", d.id.as_str()))
            .await
            .unwrap();
        assert_eq!(cancelled.id.as_str(), d.id.as_str());
        assert_eq!(cancelled.id, d.id);
        assert_eq!(
            record(&mock, "deposit", d.id.as_str())["status"],
            "cancelled"
        );
        assert_eq!(
            record(&mock, "deposit", other.id.as_str())["status"],
            "created",
            "only the named request is cancelled"
        );

        // A cancelled request can be neither cancelled again nor paid.
        match client
            .deposit_cancel(&DepositCancelRequest::new("ord-c", d.id.as_str()))
            .await
        {
            Err(Error::Api(e)) => assert_eq!(
                (e.status, e.code.as_deref()),
                (400, Some("invalid_parameters"))
            ),
            other => panic!("{other:?}"),
        }
        assert!(
            mock.fire("deposit", d.id.as_str(), "paid", None)
                .await
                .is_err()
        );
        assert_eq!(client.balance().await.unwrap().balance, before);
    }

    #[tokio::test]
    async fn withdrawal_returns_its_id_and_commission() {
        let (mock, client) = setup().await;
        let w = client
            .withdrawal(
                &WithdrawalRequest::new(dec("500.00"), "4276380012345678", WithdrawalMethod::Card)
                    .with_comment("Payout for order 1001")
                    .with_order_id("payout-1001")
                    .with_ttl(15),
            )
            .await
            .unwrap();
        assert!(is_hex_id(w.id.as_str(), "", 16), "{}", w.id.as_str());
        assert_eq!(w.commission, dec("0.00"));
        let rec = record(&mock, "withdrawal", w.id.as_str());
        assert_eq!(rec["number"], "4276380012345678");
        assert_eq!(rec["method"], "card");
        assert_eq!(rec["comment"], "Payout for order 1001");
        assert_eq!(rec["order_id"], "payout-1001");
        assert_eq!(rec["ttl"], 15);
        let raw = mock.record("withdrawal", w.id.as_str()).unwrap();
        assert!(raw.contains(r#""amount":500.00"#), "the sum as sent: {raw}");

        // Without an order_id, twice: two payouts with their own ids.
        let a = client
            .withdrawal(&WithdrawalRequest::new(
                dec("1"),
                "79001234567",
                WithdrawalMethod::Phone,
            ))
            .await
            .unwrap();
        let b = client
            .withdrawal(&WithdrawalRequest::new(
                dec("1"),
                "79001234567",
                WithdrawalMethod::Phone,
            ))
            .await
            .unwrap();
        assert!(a.id != b.id && a.id != w.id);
        assert_eq!(client.balance().await.unwrap().balance, dec("9498.00"));
    }

    #[tokio::test]
    async fn receipt_by_order_id_and_by_id() {
        let (_mock, client) = setup().await;
        let d = client
            .deposit(&DepositRequest::new(dec("1"), DepositType::Yandex, "r-1"))
            .await
            .unwrap();
        let pdf = client
            .receipt(&ReceiptRequest::new(ReceiptFormat::Pdf).with_order_id("r-1"))
            .await
            .unwrap();
        assert_eq!(pdf.content_type, "application/pdf");
        assert!(pdf.bytes.starts_with(b"%PDF"));
        let text = String::from_utf8_lossy(&pdf.bytes);
        assert!(text.contains(d.id.as_str()), "the receipt is the deposit's");
        let jpeg = client
            .receipt(&ReceiptRequest::new(ReceiptFormat::Jpeg).with_id(d.id.as_str()))
            .await
            .unwrap();
        assert_eq!(jpeg.content_type, "image/jpeg");
        assert!(jpeg.bytes.starts_with(&[0xFF, 0xD8]), "JPEG magic");
    }
}

mod begateway_endpoints {
    use super::*;
    use begateway::mock::MockServer;
    use begateway::requests::*;
    use begateway::types::{TransactionType, VisibleField};
    use begateway::{Client, Credentials};

    async fn setup() -> (MockServer, Client) {
        let mock = MockServer::start().await.unwrap();
        let client = Client::new(Credentials::sample()).with_base_url(mock.base_url());
        (mock, client)
    }

    #[tokio::test]
    async fn create_product_echoes_every_field_and_builds_the_links() {
        let (mock, client) = setup().await;
        let p = client
            .create_product(
                &CreateProductRequest::new("ticket", "a concert ticket", "BYN", 2500, "ru")
                    .with_quantity(3)
                    .with_test(true)
                    .with_transaction_type(TransactionType::Authorization)
                    .with_visible_fields(vec![VisibleField::Email, VisibleField::Phone])
                    .with_return_url("https://shop.example/back"),
            )
            .await
            .unwrap();
        assert!(is_hex_id(&p.id, "prd_", 16), "{}", p.id);
        assert_eq!(
            (
                p.name.as_str(),
                p.description.as_str(),
                p.currency.as_str(),
                p.amount,
                p.quantity,
                p.language.as_str(),
                p.transaction_type.clone(),
                p.test,
                p.infinite
            ),
            (
                "ticket",
                "a concert ticket",
                "BYN",
                2500,
                Some(3),
                "ru",
                TransactionType::Authorization,
                true,
                false
            )
        );
        let pay = format!("{}/products/{}/pay", mock.base_url(), p.id);
        assert_eq!(
            (p.pay_url.as_str(), p.payment_url.as_str()),
            (pay.as_str(), pay.as_str())
        );
        assert_eq!(
            p.confirm_url,
            format!("https://checkout.begateway.com/v2/confirm_order/{}/1", p.id)
        );
        assert_eq!(
            p.visible_fields,
            Some(Some(vec![VisibleField::Email, VisibleField::Phone]))
        );
        assert_eq!(
            p.return_url,
            Some(Some("https://shop.example/back".to_string()))
        );
        assert!(p.additional_data.is_empty());
        assert_eq!(p.created_at, p.updated_at);

        let got = client
            .get_product(&GetProductRequest::new(p.id.clone()))
            .await
            .unwrap();
        assert_eq!(got, p);
    }

    #[tokio::test]
    async fn get_and_list_include_the_seeded_products() {
        let (_mock, client) = setup().await;
        let seeded = client
            .get_product(&GetProductRequest::new("prd_ed27b047d3ccd1a6"))
            .await
            .unwrap();
        assert_eq!(
            (
                seeded.name.as_str(),
                seeded.description.as_str(),
                seeded.currency.as_str(),
                seeded.amount,
                seeded.quantity,
                seeded.language.as_str(),
                seeded.pay_url.as_str()
            ),
            (
                "product",
                "description of product",
                "USD",
                990,
                Some(10),
                "en",
                "https://api.begateway.com/products/prd_ed27b047d3ccd1a6/pay"
            )
        );
        let c = seeded.created_at;
        assert_eq!(
            (
                c.year(),
                u8::from(c.month()),
                c.day(),
                c.hour(),
                c.minute(),
                c.second(),
                c.millisecond()
            ),
            (2022, 12, 20, 18, 54, 42, 33)
        );

        let p = client
            .create_product(&CreateProductRequest::new("n", "d", "USD", 1, "en"))
            .await
            .unwrap();
        let mut ids: Vec<String> = client
            .list_products()
            .await
            .unwrap()
            .into_iter()
            .map(|x| x.id)
            .collect();
        ids.sort();
        let mut want = vec![
            "prd_1567bece456ac4aa".to_string(),
            "prd_ed27b047d3ccd1a6".to_string(),
            p.id.clone(),
        ];
        want.sort();
        assert_eq!(ids, want);
    }

    #[tokio::test]
    async fn update_product_changes_only_what_it_sends() {
        let (_mock, client) = setup().await;
        let id = "prd_1567bece456ac4aa".to_string();
        let before = client
            .get_product(&GetProductRequest::new(id.clone()))
            .await
            .unwrap();
        let updated: () = client
            .update_product(
                &UpdateProductRequest::new(id.clone())
                    .with_name("renamed")
                    .with_amount(1990)
                    .with_currency("USD"),
            )
            .await
            .unwrap();
        assert_eq!(updated, ());
        let after = client
            .get_product(&GetProductRequest::new(id.clone()))
            .await
            .unwrap();
        assert_eq!(
            (after.name.as_str(), after.amount, after.currency.as_str()),
            ("renamed", 1990, "USD")
        );
        assert_eq!(
            (
                after.description.as_str(),
                after.quantity,
                after.language.as_str(),
                after.created_at
            ),
            (
                before.description.as_str(),
                before.quantity,
                before.language.as_str(),
                before.created_at
            )
        );
        assert!(after.updated_at > before.updated_at);
    }
}
