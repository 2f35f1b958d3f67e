//! `webhooks::parse` of every provider with webhooks: each webhook built with its type's
//! `signed(...)` (real signatures: SHA-256, MD5 over sorted fields, RSA-SHA256 with Basic
//! auth) comes back as the same value in the right `Event` variant; a changed byte of the
//! body or of the signature, wrong credentials, a body of no (or of two) webhooks are refused;
//! each type's own `verify` refuses a body whose discriminator is another webhook's.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

fn dec(s: &str) -> rust_decimal::Decimal {
    s.parse().expect("decimal")
}

fn header_map(headers: &[(String, String)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in headers {
        h.insert(
            HeaderName::from_bytes(k.as_bytes()).expect("name"),
            HeaderValue::from_str(v).expect("value"),
        );
    }
    h
}

/// The headers with `name`'s value changed in one character (a different, well-formed value).
fn spoil_header(headers: &[(String, String)], name: &str) -> HeaderMap {
    let spoiled: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| {
            if k.eq_ignore_ascii_case(name) {
                let mut chars: Vec<char> = v.chars().collect();
                let last = chars.len() - 2;
                chars[last] = if chars[last] == 'a' { 'b' } else { 'a' };
                (k.clone(), chars.into_iter().collect())
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect();
    header_map(&spoiled)
}

/// `body` with the first `from` replaced by `to` (which must be there).
fn replace(body: &[u8], from: &str, to: &str) -> Vec<u8> {
    let text = String::from_utf8(body.to_vec()).expect("utf-8");
    assert!(text.contains(from), "{text} has no {from}");
    text.replacen(from, to, 1).into_bytes()
}

mod m2cerber_hooks {
    use super::*;
    use m2cerber::Credentials;
    use m2cerber::types::PaymentStatus;
    use m2cerber::webhooks::{
        self, AcceptPayment, CancelPayment, ChangeSum, Event, Reply, WebhookError,
    };

    fn sign(c: &str) -> Option<String> {
        m2cerber::mock::spec::default_config()
            .credentials
            .get(c)
            .cloned()
    }

    fn accept() -> AcceptPayment {
        AcceptPayment::new(PaymentStatus::Confirm, "p-1".into(), dec("500"))
    }

    #[test]
    fn every_webhook_round_trips_to_its_variant() {
        let creds = Credentials::sample();
        let a = accept();
        let (h, body) = a.signed(sign).expect("signs");
        assert_eq!(
            webhooks::parse(&creds, &header_map(&h), &body),
            Ok(Event::AcceptPayment(a.clone()))
        );

        let c = CancelPayment::new(PaymentStatus::Cancel, "p-2".into(), dec("0"));
        let (h, body) = c.signed(sign).expect("signs");
        let got = webhooks::parse(&creds, &header_map(&h), &body).expect("parses");
        assert_eq!(got, Event::CancelPayment(c));
        assert_eq!(got.name(), "cancel_payment");
        assert_eq!(got.method(), "POST");

        let s = ChangeSum::new(3636363.into(), dec("200"), dec("500"));
        let (h, body) = s.signed(sign).expect("signs");
        let got = webhooks::parse(&creds, &header_map(&h), &body).expect("parses");
        assert_eq!(got, Event::ChangeSum(s));
        assert_eq!(
            got.reply(),
            Reply {
                status: 200,
                content_type: None,
                body: ""
            }
        );
    }

    #[test]
    fn tampered_bodies_and_signatures_and_wrong_keys_are_refused() {
        let creds = Credentials::sample();
        let (h, body) = accept().signed(sign).expect("signs");
        let tampered = replace(&body, "500", "501");
        assert!(matches!(
            webhooks::parse(&creds, &header_map(&h), &tampered),
            Err(WebhookError::Signature(_))
        ));
        assert!(matches!(
            webhooks::parse(&creds, &spoil_header(&h, "Signature"), &body),
            Err(WebhookError::Signature(_))
        ));
        let stranger = Credentials::new("m2cerber-demo-merchant", "another-secret");
        assert!(matches!(
            webhooks::parse(&stranger, &header_map(&h), &body),
            Err(WebhookError::Signature(_))
        ));
        // `confirm` turned into `cancel` routes to the cancel type, whose signature fails.
        let flipped = replace(&body, "confirm", "cancel");
        assert!(matches!(
            webhooks::parse(&creds, &header_map(&h), &flipped),
            Err(WebhookError::Signature(_))
        ));
    }

    #[test]
    fn a_cancel_body_is_not_an_accept_payment() {
        let c = CancelPayment::new(PaymentStatus::Cancel, "p-2".into(), dec("0"));
        let (h, body) = c.signed(sign).expect("signs");
        // Signed with the shared scheme, so only the discriminator tells them apart.
        assert_eq!(
            AcceptPayment::verify("m2cerber-demo-secret-key", &header_map(&h), &body),
            Err(WebhookError::Unrouted)
        );
        assert_eq!(AcceptPayment::parse(&body), Err(WebhookError::Unrouted));
        assert!(CancelPayment::verify("m2cerber-demo-secret-key", &header_map(&h), &body).is_ok());
        let (h, body) = accept().signed(sign).expect("signs");
        assert_eq!(
            CancelPayment::verify("m2cerber-demo-secret-key", &header_map(&h), &body),
            Err(WebhookError::Unrouted)
        );
        assert_eq!(
            ChangeSum::verify("m2cerber-demo-secret-key", &header_map(&h), &body),
            Err(WebhookError::Unrouted)
        );
    }

    #[test]
    fn bodies_of_no_webhook_or_of_two_are_unrouted() {
        let creds = Credentials::sample();
        // A documented status that no notification carries, correctly signed.
        let pending = AcceptPayment::new(PaymentStatus::Pending, "p-3".into(), dec("1"));
        let (h, body) = pending.signed(sign).expect("signs");
        assert_eq!(
            webhooks::parse(&creds, &header_map(&h), &body),
            Err(WebhookError::Unrouted)
        );
        // `status: confirm` and `payment_sum` both: an accept and a change-sum body at once.
        let (h, body) = accept().signed(sign).expect("signs");
        let both = replace(&body, "}", r#","payment_sum":"500"}"#);
        assert_eq!(
            webhooks::parse(&creds, &header_map(&h), &both),
            Err(WebhookError::Unrouted)
        );
        for junk in [&b""[..], b"not json", b"[]", b"{\"status\": null}"] {
            assert_eq!(
                webhooks::parse(&creds, &header_map(&h), junk),
                Err(WebhookError::Unrouted),
                "{junk:?}"
            );
        }
        assert_eq!(WebhookError::Unrouted.status(), 400);
    }
}

mod tegro_hooks {
    use super::*;
    use tegro_money::Credentials;
    use tegro_money::types::Currency;
    use tegro_money::webhooks::{self, Event, PaymentNotification, WebhookError};

    fn sign(c: &str) -> Option<String> {
        tegro_money::mock::spec::default_config()
            .credentials
            .get(c)
            .cloned()
    }

    fn paid() -> PaymentNotification {
        let mut n = PaymentNotification::new(
            "1913EA9D9351469B1E5D852A",
            dec("64.18"),
            "Order #17854",
            5,
            Currency::Rub,
        );
        n.test = Some(1);
        n
    }

    #[test]
    fn the_notification_round_trips() {
        let n = paid();
        let (h, body) = n.signed(sign).expect("signs");
        assert_eq!(
            webhooks::parse(&Credentials::sample(), &header_map(&h), &body),
            Ok(Event::PaymentNotification(n))
        );
    }

    #[test]
    fn tampered_form_and_sign_field_are_refused() {
        let creds = Credentials::sample();
        let (h, body) = paid().signed(sign).expect("signs");
        let tampered = replace(&body, "64.18", "64.19");
        assert!(matches!(
            webhooks::parse(&creds, &header_map(&h), &tampered),
            Err(WebhookError::Signature(_))
        ));
        let text = String::from_utf8(body.clone()).expect("utf-8");
        let sign_at = text.find("sign=").expect("sign field") + 5;
        let mut spoiled = text.into_bytes();
        spoiled[sign_at] = if spoiled[sign_at] == b'a' { b'b' } else { b'a' };
        assert!(matches!(
            webhooks::parse(&creds, &header_map(&h), &spoiled),
            Err(WebhookError::Signature(_))
        ));
        let stranger = Credentials::new(
            "1913EA9D9351469B1E5D852A",
            "EEFA1913EA9D9351469B1E5D852A",
            "another-secret",
        );
        assert!(matches!(
            webhooks::parse(&stranger, &header_map(&h), &body),
            Err(WebhookError::Signature(_))
        ));
    }
}

mod begateway_hooks {
    use super::*;
    use begateway::Credentials;
    use begateway::types::NotificationTransaction;
    use begateway::webhooks::{self, Event, Notification, WebhookError};

    fn sign(c: &str) -> Option<String> {
        let cfg = begateway::mock::spec::default_config();
        if c == "public_key_private" {
            return cfg.rsa_private_key;
        }
        cfg.credentials.get(c).cloned()
    }

    fn paid() -> Notification {
        let mut t = NotificationTransaction::new();
        t.status = Some("successful".into());
        t.amount = Some(990);
        t.currency = Some("EUR".into());
        t.tracking_id = Some("prd_ed27b047d3ccd1a6".into());
        t.test = Some(true);
        Notification::new(t)
    }

    #[test]
    fn the_notification_round_trips() {
        let n = paid();
        let (h, body) = n.signed(sign).expect("signs");
        assert_eq!(
            webhooks::parse(&Credentials::sample(), &header_map(&h), &body),
            Ok(Event::Notification(n))
        );
    }

    #[test]
    fn tampered_body_signature_and_basic_auth_are_refused() {
        let creds = Credentials::sample();
        let (h, body) = paid().signed(sign).expect("signs");
        let tampered = replace(&body, "990", "991");
        assert!(matches!(
            webhooks::parse(&creds, &header_map(&h), &tampered),
            Err(WebhookError::Signature(_))
        ));
        assert!(matches!(
            webhooks::parse(&creds, &spoil_header(&h, "Content-Signature"), &body),
            Err(WebhookError::Signature(_))
        ));
        assert_eq!(
            webhooks::parse(&creds, &spoil_header(&h, "Authorization"), &body),
            Err(WebhookError::Unauthorized)
        );
        assert_eq!(WebhookError::Unauthorized.status(), 401);
    }
}
