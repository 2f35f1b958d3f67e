//! Outgoing request assembly and form codecs, against values from Python's `urllib.parse`.
#![cfg(feature = "client")]

use payspec_runtime::http::{
    Body, Outgoing, form_decode, form_encode, json_member_text, path_segment, value_text,
};
use serde_json::json;

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn form_decode_matches_python_parse_qsl() {
    // urllib.parse.parse_qsl(text, keep_blank_values=True)
    assert_eq!(
        form_decode("a=1&b=x+y&c=%41%2b&d=&e&f=%zz&g=%E2%82%AC&&h=%4"),
        pairs(&[
            ("a", "1"),
            ("b", "x y"),
            ("c", "A+"),
            ("d", ""),
            ("e", ""),
            ("f", "%zz"),
            ("g", "€"),
            ("h", "%4")
        ])
    );
    assert_eq!(form_decode(""), Vec::<(String, String)>::new());
    assert_eq!(form_decode("k=a%3Db"), pairs(&[("k", "a=b")]));
}

#[test]
fn form_encode_is_php_query_and_round_trips() {
    let p = pairs(&[("order id", "A&B=1"), ("x", "~é")]);
    assert_eq!(form_encode(&p), "order+id=A%26B%3D1&x=%7E%C3%A9");
    assert_eq!(form_decode(&form_encode(&p)), p);
}

#[test]
fn path_segment_matches_python_quote() {
    // urllib.parse.quote(s, safe="-_.~")
    assert_eq!(
        path_segment("a b/c~d-e_f.g%é"),
        "a%20b%2Fc~d-e_f.g%25%C3%A9"
    );
    assert_eq!(path_segment("prd_1567bece456ac4aa"), "prd_1567bece456ac4aa");
    // Numbers and other displayable values, and dot segments kept as data.
    assert_eq!(path_segment(42), "42");
    assert_eq!(path_segment(".."), "%2E%2E");
    assert_eq!(path_segment("."), "%2E");
    assert_eq!(path_segment("..."), "...");
    assert_eq!(path_segment("a.."), "a..");
}

#[test]
fn json_members_as_signatures_read_them() {
    let body = br#"{"s":"a\"b","n":1200.50,"i":7,"b":true,"o":{"x":1},"z":null}"#;
    assert_eq!(json_member_text(body, "s").as_deref(), Some("a\"b"));
    assert_eq!(json_member_text(body, "n").as_deref(), Some("1200.50"));
    assert_eq!(json_member_text(body, "i").as_deref(), Some("7"));
    assert_eq!(json_member_text(body, "b").as_deref(), Some("true"));
    assert_eq!(json_member_text(body, "o").as_deref(), Some(r#"{"x":1}"#));
    assert_eq!(json_member_text(body, "z"), None);
    assert_eq!(json_member_text(body, "missing"), None);
    assert_eq!(json_member_text(b"[1]", "s"), None);
    assert_eq!(value_text(&json!("x")), "x");
    assert_eq!(value_text(&json!(12.5)), "12.5");
    assert_eq!(value_text(&json!(null)), "null");
}

#[test]
fn inject_puts_auth_members_first_wherever_the_body_is() {
    let members = || {
        vec![
            ("shop_id".to_string(), json!("S")),
            ("nonce".to_string(), json!(5)),
        ]
    };

    let mut json_req = Outgoing::new(reqwest::Method::POST, "/x/".into());
    json_req.body = Body::Json(r#"{"a":1}"#.into());
    json_req.inject(members());
    assert_eq!(
        json_req.body,
        Body::Json(r#"{"shop_id":"S","nonce":5,"a":1}"#.into())
    );
    assert_eq!(
        json_req.body_bytes(),
        br#"{"shop_id":"S","nonce":5,"a":1}"#.to_vec()
    );
    assert_eq!(json_req.field_text("nonce").as_deref(), Some("5"));
    assert_eq!(json_req.field_text("shop_id").as_deref(), Some("S"));
    assert_eq!(json_req.form(), &[] as &[(String, String)]);

    let mut form_req = Outgoing::new(reqwest::Method::POST, "/x/".into());
    form_req.body = Body::Form(pairs(&[("a", "1 2")]));
    form_req.inject(members());
    assert_eq!(
        form_req.form(),
        pairs(&[("shop_id", "S"), ("nonce", "5"), ("a", "1 2")]).as_slice()
    );
    assert_eq!(form_req.body_bytes(), b"shop_id=S&nonce=5&a=1+2".to_vec());
    assert_eq!(form_req.field_text("a").as_deref(), Some("1 2"));
    assert_eq!(form_req.field_text("b"), None);

    let mut get = Outgoing::new(reqwest::Method::GET, "/x/".into());
    get.query.push(("a".into(), "q".into()));
    get.inject(members());
    assert_eq!(
        get.query,
        pairs(&[("a", "q"), ("shop_id", "S"), ("nonce", "5")])
    );
    assert_eq!(get.body_bytes(), Vec::<u8>::new());
    assert_eq!(get.field_text("nonce").as_deref(), Some("5"));
    assert_eq!(get.field_text("zzz"), None);
    assert_eq!(get.form(), &[] as &[(String, String)]);

    // The query wins over the body for the same name, as a signature reads it.
    let mut both = Outgoing::new(reqwest::Method::POST, "/x/".into());
    both.query.push(("a".into(), "from-query".into()));
    both.body = Body::Json(r#"{"a":"from-body"}"#.into());
    assert_eq!(both.field_text("a").as_deref(), Some("from-query"));
}
