//! Who sent a request, decided before anything else of it is trusted: a token, HTTP Basic,
//! credentials the client injects, the signature recipe, and the nonce window.

use super::engine::{Config, Failure, fail};
use super::tables::{Case, Credential, Inject, Scheme};
use super::value::V;
use crate::signing::{self, Source};

/// How far (in nonce units: milliseconds or seconds) a nonce may trail the highest one seen.
/// Requests a client signs concurrently can arrive slightly out of order; a repeated nonce,
/// or one further behind than this, is refused.
pub const NONCE_WINDOW: u64 = 10_000;
/// How many numbers up to the highest nonce are remembered, one bit each: more than the
/// window, so a repeat inside it is always seen.
const RING: u64 = 16_384;

/// The nonces seen from one merchant: the highest, and one bit for each of the `RING`
/// numbers up to it (nonce `n` at bit `n % RING`). A nonce further behind than the window is
/// refused whether or not it was seen, so nothing older is kept: 2 KiB per merchant, no
/// hashing, no eviction.
pub(super) struct Nonces {
    highest: u64,
    bits: Box<[u64]>,
}

impl Default for Nonces {
    fn default() -> Self {
        Nonces {
            highest: 0,
            bits: vec![0; (RING / 64) as usize].into_boxed_slice(),
        }
    }
}

impl Nonces {
    /// Accepts `n` once, if it is not too far behind the highest nonce seen.
    pub(super) fn accept(&mut self, n: u64) -> Result<(), String> {
        if self.seen(n) {
            return Err(format!("nonce {n} was already used"));
        }
        if n.saturating_add(NONCE_WINDOW) <= self.highest || (self.highest == 0 && n == 0) {
            return Err(format!("nonce {n} is not greater than {}", self.highest));
        }
        if n > self.highest {
            // The numbers past the old highest take over the bits of numbers now too old.
            let past = n - self.highest;
            if past >= RING {
                self.bits.fill(0);
            } else {
                self.clear(self.highest + 1, past);
            }
            self.highest = n;
        }
        let (word, bit) = Self::slot(n);
        self.bits[word] |= bit;
        Ok(())
    }

    /// Whether `n` was accepted; known for the `RING` numbers up to the highest.
    fn seen(&self, n: u64) -> bool {
        let (word, bit) = Self::slot(n);
        n <= self.highest && self.highest - n < RING && self.bits[word] & bit != 0
    }

    fn slot(n: u64) -> (usize, u64) {
        let i = n % RING;
        ((i / 64) as usize, 1 << (i % 64))
    }

    /// Clears the bits of `count` (< `RING`) numbers from `from` on, a word at a time.
    fn clear(&mut self, from: u64, count: u64) {
        let (mut i, mut left) = (from % RING, count);
        while left > 0 {
            let (word, bit) = ((i / 64) as usize, i % 64);
            let take = (64 - bit).min(left);
            let mask = if take == 64 {
                u64::MAX
            } else {
                ((1 << take) - 1) << bit
            };
            self.bits[word] &= !mask;
            left -= take;
            i = (i + take) % RING;
        }
    }
}

/// What authentication reads of a request.
#[derive(Clone, Copy)]
pub(super) struct Request<'a> {
    /// The parameters: query, JSON body or form, by wire name.
    pub msg: &'a V,
    /// Headers by lower-case name.
    pub headers: &'a dyn Fn(&str) -> Option<String>,
    /// The exact body bytes.
    pub body: &'a [u8],
    /// Form fields in order (empty unless the body is a form).
    pub form: &'a [(String, String)],
}

/// Checks a request against its endpoint's scheme; a nonce is accepted (and remembered) by
/// `accept_nonce` only once everything else has passed.
pub(super) fn authenticate(
    credentials: &[Credential],
    s: &Scheme,
    config: &Config,
    request: &Request<'_>,
    accept_nonce: &mut dyn FnMut(&str, u64) -> Result<(), String>,
) -> Result<(), Failure> {
    let Request {
        msg,
        headers,
        body,
        form,
    } = *request;
    let cred = |name: &str| config.credentials.get(name).cloned();
    let accepts = |name: &str, got: &str| {
        let ok = config
            .credentials
            .get(name)
            .is_some_and(|c| crate::wire::ct_eq(c.as_bytes(), got.as_bytes()));
        ok || credentials.iter().any(|c| {
            c.name == name
                && c.aliases
                    .iter()
                    .any(|a| crate::wire::ct_eq(a.as_bytes(), got.as_bytes()))
        })
    };
    if let Some(t) = &s.token {
        let got = match (t.query, t.header) {
            (Some(q), _) => msg.get(q).map(V::text),
            (None, Some(h)) => headers(h),
            _ => None,
        };
        match got {
            Some(g) if accepts(t.credential, &g) => {}
            Some(_) => {
                return Err(fail(
                    Case::Unauthorized,
                    t.query.or(t.header).unwrap_or(""),
                    "wrong token",
                ));
            }
            None => {
                return Err(fail(
                    Case::Unauthorized,
                    t.query.or(t.header).unwrap_or(""),
                    "no token",
                ));
            }
        }
    }
    if let Some((u, p)) = s.basic {
        let ok = signing::verify_basic(
            headers("authorization").as_deref(),
            &cred(u).unwrap_or_default(),
            &cred(p).unwrap_or_default(),
        );
        if !ok {
            return Err(fail(
                Case::Unauthorized,
                "",
                "wrong or missing Basic credentials",
            ));
        }
    }
    let mut nonce_key = std::borrow::Cow::Borrowed("-");
    for (wire, src) in s.inject {
        let Some(v) = msg.get(wire) else {
            return Err(fail(Case::MissingField, *wire, "required"));
        };
        if let Inject::Credential(c) = src {
            if !accepts(c, &v.text_ref()) {
                return Err(fail(Case::Unauthorized, *wire, "unknown merchant"));
            }
            nonce_key = v.text_ref();
        }
    }
    if let Some(recipe) = s.recipe {
        let fields = |w: &str| msg.get(w).map(V::text);
        let src = Source {
            body,
            fields: &fields,
            form,
        };
        let got_header = recipe.header.and_then(headers);
        let got_field = recipe
            .field
            .and_then(|f| form.iter().find(|(k, _)| k == f).map(|(_, v)| v.clone()));
        let got = signing::received(recipe, got_header.as_deref(), got_field.as_deref());
        signing::verify(recipe, &cred, &src, got).map_err(|e| {
            fail(
                Case::Unauthorized,
                recipe.header.or(recipe.field).unwrap_or(""),
                e.to_string(),
            )
        })?;
    }
    for (wire, src) in s.inject {
        if let Inject::Nonce = src {
            let n = msg.get(wire).map(V::text_ref).unwrap_or_default();
            let Ok(n) = n.trim().parse::<u64>() else {
                return Err(fail(Case::InvalidField, *wire, "not a whole number"));
            };
            accept_nonce(&nonce_key, n).map_err(|m| fail(Case::ReplayedNonce, *wire, m))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::tables::Token;
    use crate::signing::{Algorithm, Encoding, Message, Recipe};

    const HMAC: Recipe = Recipe {
        algorithm: Algorithm::HmacSha256,
        key: Some("api_key"),
        message: Message::Body,
        encoding: Encoding::Hex,
        header: Some("Authorization"),
        template: "Bearer {signature}",
        field: None,
    };
    const CREDENTIALS: &[Credential] = &[
        Credential {
            name: "shop_id",
            default: "S1",
            aliases: &["S1-OLD"],
            secret: false,
        },
        Credential {
            name: "api_key",
            default: "K",
            aliases: &[],
            secret: true,
        },
        Credential {
            name: "token",
            default: "T",
            aliases: &["T2"],
            secret: true,
        },
    ];

    fn config() -> Config {
        Config {
            credentials: [("shop_id", "S1"), ("api_key", "K"), ("token", "T")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Config::default()
        }
    }

    fn scheme(token: Option<Token>, basic: Option<(&'static str, &'static str)>) -> Scheme {
        Scheme {
            name: "t",
            inject: &[],
            token,
            basic,
            recipe: None,
        }
    }

    /// Runs `authenticate` and returns its verdict and the nonces it accepted.
    fn run(
        s: &Scheme,
        body: &str,
        headers: &[(&str, &str)],
    ) -> (Result<(), Failure>, Vec<(String, u64)>) {
        let msg = V::parse(body.as_bytes()).unwrap_or(V::Null);
        let headers: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let header = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        let request = Request {
            msg: &msg,
            headers: &header,
            body: body.as_bytes(),
            form: &[],
        };
        let mut seen = Vec::new();
        let verdict = authenticate(CREDENTIALS, s, &config(), &request, &mut |k, n| {
            seen.push((k.to_string(), n));
            if n == 13 {
                Err("nonce 13 was already used".into())
            } else {
                Ok(())
            }
        });
        (verdict, seen)
    }

    fn refused(case: Case, field: &str, detail: &str) -> Result<(), Failure> {
        Err((case, field.to_string(), detail.to_string()))
    }

    #[test]
    fn tokens_in_the_query_or_a_header() {
        let q = scheme(
            Some(Token {
                credential: "token",
                query: Some("token"),
                header: None,
            }),
            None,
        );
        assert_eq!(run(&q, r#"{"token":"T"}"#, &[]).0, Ok(()));
        assert_eq!(run(&q, r#"{"token":"T2"}"#, &[]).0, Ok(()), "an alias");
        assert_eq!(
            run(&q, r#"{"token":"X"}"#, &[]).0,
            refused(Case::Unauthorized, "token", "wrong token")
        );
        assert_eq!(
            run(&q, r#"{}"#, &[("token", "T")]).0,
            refused(Case::Unauthorized, "token", "no token")
        );
        let h = scheme(
            Some(Token {
                credential: "token",
                query: None,
                header: Some("x-token"),
            }),
            None,
        );
        assert_eq!(run(&h, "{}", &[("x-token", "T")]).0, Ok(()));
        assert_eq!(
            run(&h, "{}", &[("x-token", "t")]).0,
            refused(Case::Unauthorized, "x-token", "wrong token")
        );
        assert_eq!(
            run(&h, r#"{"x-token":"T"}"#, &[]).0,
            refused(Case::Unauthorized, "x-token", "no token")
        );
        let nowhere = scheme(
            Some(Token {
                credential: "token",
                query: None,
                header: None,
            }),
            None,
        );
        assert_eq!(
            run(&nowhere, r#"{"token":"T"}"#, &[]).0,
            refused(Case::Unauthorized, "", "no token")
        );
    }

    #[test]
    fn http_basic() {
        let b = scheme(None, Some(("shop_id", "api_key")));
        // "Basic " + base64.b64encode(b"S1:K")
        assert_eq!(
            run(&b, "{}", &[("authorization", "Basic UzE6Sw==")]).0,
            Ok(())
        );
        let refusal = refused(Case::Unauthorized, "", "wrong or missing Basic credentials");
        assert_eq!(
            run(&b, "{}", &[("authorization", "Basic UzE6TA==")]).0,
            refusal
        );
        assert_eq!(run(&b, "{}", &[]).0, refusal);
    }

    const SIGNED: Scheme = Scheme {
        name: "api",
        inject: &[
            ("shop_id", Inject::Credential("shop_id")),
            ("nonce", Inject::Nonce),
        ],
        token: None,
        basic: None,
        recipe: Some(&HMAC),
    };

    #[test]
    fn signed_requests_with_an_injected_merchant_and_a_nonce() {
        let body = r#"{"shop_id":"S1","nonce":5}"#;
        let good = crate::wire::hmac_sha256_hex(b"K", body.as_bytes());
        let auth = format!("Bearer {good}");
        let (verdict, nonces) = run(&SIGNED, body, &[("Authorization", &auth)]);
        assert_eq!(verdict, Ok(()));
        assert_eq!(
            nonces,
            vec![("S1".to_string(), 5)],
            "the nonce is kept per merchant"
        );

        // An alias of the merchant is accepted, and its nonces are its own.
        let alias = r#"{"shop_id":"S1-OLD","nonce":6}"#;
        let auth = format!(
            "Bearer {}",
            crate::wire::hmac_sha256_hex(b"K", alias.as_bytes())
        );
        assert_eq!(
            run(&SIGNED, alias, &[("Authorization", &auth)]),
            (Ok(()), vec![("S1-OLD".to_string(), 6)])
        );

        // Refusals, and no nonce used by a refused request.
        let other = r#"{"shop_id":"S9","nonce":5}"#;
        let auth = format!(
            "Bearer {}",
            crate::wire::hmac_sha256_hex(b"K", other.as_bytes())
        );
        assert_eq!(
            run(&SIGNED, other, &[("Authorization", &auth)]),
            (
                refused(Case::Unauthorized, "shop_id", "unknown merchant"),
                vec![]
            )
        );
        assert_eq!(
            run(&SIGNED, r#"{"nonce":5}"#, &[]),
            (refused(Case::MissingField, "shop_id", "required"), vec![])
        );
        assert_eq!(
            run(
                &SIGNED,
                body,
                &[("Authorization", &format!("Bearer {}", "0".repeat(64)))]
            ),
            (
                refused(
                    Case::Unauthorized,
                    "Authorization",
                    "the signature does not match"
                ),
                vec![]
            )
        );
        assert_eq!(
            run(&SIGNED, body, &[("Authorization", &good)]),
            (
                refused(
                    Case::Unauthorized,
                    "Authorization",
                    "the signature is missing"
                ),
                vec![]
            ),
            "the template's prefix is required"
        );
        assert_eq!(
            run(&SIGNED, body, &[]),
            (
                refused(
                    Case::Unauthorized,
                    "Authorization",
                    "the signature is missing"
                ),
                vec![]
            )
        );

        let no_nonce = r#"{"shop_id":"S1"}"#;
        let auth = format!(
            "Bearer {}",
            crate::wire::hmac_sha256_hex(b"K", no_nonce.as_bytes())
        );
        assert_eq!(
            run(&SIGNED, no_nonce, &[("Authorization", &auth)]).0,
            refused(Case::MissingField, "nonce", "required")
        );
        let text = r#"{"shop_id":"S1","nonce":"5x"}"#;
        let auth = format!(
            "Bearer {}",
            crate::wire::hmac_sha256_hex(b"K", text.as_bytes())
        );
        assert_eq!(
            run(&SIGNED, text, &[("Authorization", &auth)]),
            (
                refused(Case::InvalidField, "nonce", "not a whole number"),
                vec![]
            )
        );
        let replay = r#"{"shop_id":"S1","nonce":13}"#;
        let auth = format!(
            "Bearer {}",
            crate::wire::hmac_sha256_hex(b"K", replay.as_bytes())
        );
        assert_eq!(
            run(&SIGNED, replay, &[("Authorization", &auth)]).0,
            refused(Case::ReplayedNonce, "nonce", "nonce 13 was already used")
        );
    }

    #[test]
    fn nonces_repeat_never_and_trail_by_less_than_the_window() {
        let mut n = Nonces::default();
        assert_eq!(n.accept(0), Err("nonce 0 is not greater than 0".into()));
        assert_eq!(n.accept(20_000), Ok(()));
        assert_eq!(n.accept(20_000), Err("nonce 20000 was already used".into()));
        assert_eq!(n.accept(20_001), Ok(()));
        // Out of order inside the window: fine; the highest stays.
        assert_eq!(n.accept(10_002), Ok(()));
        assert_eq!(n.highest, 20_001);
        assert_eq!(n.accept(10_002), Err("nonce 10002 was already used".into()));
        // 10_001 + NONCE_WINDOW == 20_001: too far behind.
        assert_eq!(
            n.accept(10_001),
            Err("nonce 10001 is not greater than 20001".into())
        );
        assert_eq!(n.accept(0), Err("nonce 0 is not greater than 20001".into()));
        let kept: u32 = n.bits.iter().map(|w| w.count_ones()).sum();
        assert_eq!(kept, 3);
    }

    #[test]
    fn nonces_a_ring_apart_are_told_apart() {
        let mut n = Nonces::default();
        let start = 1_000_000u64;
        assert_eq!(n.accept(start), Ok(()));
        // Same bit, another number: the step past the old highest cleared it.
        assert_eq!(n.accept(start + RING), Ok(()));
        assert_eq!(
            n.accept(start + RING),
            Err(format!("nonce {} was already used", start + RING))
        );
        // Never sent, inside the window: accepted, then spent.
        assert_eq!(n.accept(start + RING - 70), Ok(()));
        assert_eq!(
            n.accept(start + RING - 70),
            Err(format!("nonce {} was already used", start + RING - 70))
        );
        // Steps of every size, across word edges, each nonce once, some out of order.
        let mut sent = std::collections::HashSet::new();
        let mut x = start + 2 * RING;
        for step in [
            1, 2, 63, 64, 65, 127, 500, 4_095, 9_999, 16_383, 16_384, 40_000,
        ] {
            x += step;
            assert_eq!(n.accept(x), Ok(()), "{x}");
            sent.insert(x);
            if step > 3 {
                assert_eq!(n.accept(x - 3), Ok(()), "{}", x - 3);
                sent.insert(x - 3);
            }
        }
        for back in 0..NONCE_WINDOW {
            let m = x - back;
            let again = n.accept(m);
            if sent.contains(&m) {
                assert_eq!(again, Err(format!("nonce {m} was already used")));
            } else {
                assert_eq!(again, Ok(()), "{m}");
            }
        }
        assert_eq!(n.bits.len() as u64 * 64, RING);
    }

    #[test]
    fn signatures_carried_in_a_form_field() {
        const MD5: Recipe = Recipe {
            algorithm: Algorithm::Md5,
            key: None,
            message: Message::SortedFields(&[crate::signing::Part::Credential("token")]),
            encoding: Encoding::Hex,
            header: None,
            template: "{signature}",
            field: Some("sign"),
        };
        let s = Scheme {
            name: "form",
            inject: &[],
            token: None,
            basic: None,
            recipe: Some(&MD5),
        };
        let msg = V::Null;
        let none = |_: &str| None;
        // hashlib.md5(b"a=1&b=2T").hexdigest()
        let form = |sign: &str| {
            vec![
                ("a".to_string(), "1".to_string()),
                ("sign".to_string(), sign.to_string()),
                ("b".to_string(), "2".to_string()),
            ]
        };
        let good = form("132aa64ddc2eaa763a1b5e7c0efc1050");
        let verdict = |form: &[(String, String)]| {
            let request = Request {
                msg: &msg,
                headers: &none,
                body: b"",
                form,
            };
            authenticate(CREDENTIALS, &s, &config(), &request, &mut |_, _| Ok(()))
        };
        assert_eq!(verdict(&good), Ok(()));
        assert_eq!(
            verdict(&form("0")),
            refused(Case::Unauthorized, "sign", "the signature does not match")
        );
        assert_eq!(
            verdict(&good[..1]),
            refused(Case::Unauthorized, "sign", "the signature is missing")
        );
    }
}
