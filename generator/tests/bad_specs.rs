//! Broken specs: each must be rejected with the exact message at the exact `line:col`, and
//! never with a panic.

use payspec::spec::load_bytes;

const MINIMAL: &str = include_str!("../../tests/fixtures/minimal.yaml");

/// The minimal spec with `from` replaced by `to` (which must occur exactly once).
fn edit(from: &str, to: &str) -> String {
    assert_eq!(
        MINIMAL.matches(from).count(),
        1,
        "`{from}` must occur once in minimal.yaml"
    );
    MINIMAL.replacen(from, to, 1)
}

/// (line, column, message) of every diagnostic for `text`.
fn diagnose(text: &[u8]) -> Vec<(u32, u32, String)> {
    match load_bytes("bad.yaml", text) {
        Ok(_) => Vec::new(),
        Err((source, diags)) => {
            for d in &diags {
                // Rendering must work for every diagnostic and point at the same place.
                let shown = d.render(&source);
                assert!(
                    shown.contains(&format!("bad.yaml:{}:{}", d.loc.line, d.loc.column)),
                    "{shown}"
                );
                assert!(d.hint.is_some(), "every diagnostic has a hint: {d}");
            }
            diags
                .into_iter()
                .map(|d| (d.loc.line, d.loc.column, d.message))
                .collect()
        }
    }
}

#[track_caller]
fn expect(text: impl AsRef<[u8]>, line: u32, col: u32, message: &str) {
    let got = diagnose(text.as_ref());
    assert_eq!(got, vec![(line, col, message.to_string())]);
}

#[test]
fn minimal_fixture_is_valid() {
    assert_eq!(diagnose(MINIMAL.as_bytes()), vec![]);
}

#[test]
fn bad_yaml_syntax() {
    expect(
        edit("  crate: example-pay", "   crate: example-pay"),
        6,
        9,
        "mapping values are not allowed in this context",
    );
}

#[test]
fn unknown_key() {
    expect(
        edit("  sandbox_url:", "  sandbox_ulr:"),
        8,
        3,
        "unknown field `sandbox_ulr`, expected one of name, crate, description, base_url, sandbox_url, docs, note",
    );
    let d = load_bytes(
        "bad.yaml",
        edit("  sandbox_url:", "  sandbox_ulr:").as_bytes(),
    )
    .unwrap_err()
    .1;
    assert_eq!(d[0].hint.as_deref(), Some("did you mean `sandbox_url`?"));
}

#[test]
fn undefined_type() {
    expect(
        edit("status: { type: Status }", "status: { type: Statuss }"),
        60,
        23,
        "type `Statuss` is not defined",
    );
}

#[test]
fn duplicate_endpoint() {
    let text = edit("  get_payment:\n", "  create_payment:\n");
    expect(
        text,
        81,
        3,
        "duplicate mapping key: create_payment, set DuplicateKeyPolicy in Options if acceptable",
    );
}

#[test]
fn same_route_twice() {
    let text = edit(
        "    method: GET\n    path: /payments/{id}\n",
        "    method: POST\n    path: /payments\n",
    )
    .replace(
        "id: { type: integer, in: path }",
        "id: { type: integer, in: query }",
    );
    expect(
        text,
        84,
        11,
        "endpoint `get_payment` has the same method and path as `create_payment`",
    );
}

#[test]
fn undeclared_path_parameter() {
    expect(
        edit("path: /payments/{id}", "path: /payments/{id}/{part}"),
        84,
        11,
        "path parameter `part` is not declared",
    );
}

#[test]
fn path_field_missing_from_path() {
    expect(
        edit(
            "order: { type: string, max_length: 8 }",
            "order: { type: string, in: path }",
        ),
        71,
        16,
        "field `order` is `in: path` but the path `/payments` has no `{order}`",
    );
}

#[test]
fn example_not_matching_its_type() {
    expect(
        edit(
            r#"{"id": 1, "amount": "10.50","#,
            r#"{"id": 1, "amount": 10.50,"#,
        ),
        80,
        31,
        "example does not match its type: `amount` is a number, but the field's wire form is a string",
    );
}

#[test]
fn example_missing_required_field() {
    expect(
        edit(
            r#"{"amount": 10.50, "order": "A1"}"#,
            r#"{"amount": 10.50}"#,
        ),
        78,
        11,
        "example does not match its type: required field `order` is missing",
    );
}

#[test]
fn example_too_long_string() {
    expect(
        edit(r#""order": "A1"}"#, r#""order": "A123456789"}"#),
        78,
        38,
        "example does not match its type: `order` has 10 characters, more than max_length 8",
    );
}

#[test]
fn example_not_json() {
    expect(
        edit(
            r#"{"amount": 10.50, "order": "A1"}"#,
            r#"{'amount': 10.50}"#,
        ),
        78,
        12,
        "the example is not valid JSON: JSON keys use double quotes, not single quotes",
    );
}

#[test]
fn unknown_signing_part() {
    expect(
        edit(
            "          - credential: api_key",
            "          - credential: api_kee",
        ),
        29,
        25,
        "credential `api_kee` is not defined",
    );
}

#[test]
fn signed_field_not_in_webhook() {
    expect(
        edit("          - field: id\n", "          - field: ident\n"),
        28,
        20,
        "signed field `ident` is not a field of webhook using `hook`",
    );
}

#[test]
fn unknown_default_auth() {
    expect(
        edit("  auth: signed\n", "  auth: signd\n"),
        34,
        9,
        "auth scheme `signd` is not defined",
    );
}

#[test]
fn wrong_value_type() {
    expect(
        edit("payspec: 1", "payspec: one"),
        3,
        10,
        "expected a whole number",
    );
}

#[test]
fn yes_is_not_a_boolean() {
    expect(
        edit(
            "tags: { type: array, items: string, optional: true }",
            "tags: { type: array, items: string, optional: yes }",
        ),
        63,
        53,
        "invalid boolean (strict mode expects true/false)",
    );
}

#[test]
fn duplicate_enum_value() {
    expect(
        edit("      - { value: done,", "      - { value: new,"),
        55,
        18,
        "value `new` is listed twice in `Status`",
    );
}

#[test]
fn invalid_date_format() {
    expect(
        edit(
            r#"format: "[year]-[month]-[day] [hour]:[minute]:[second]" }"#,
            r#"format: "[year]-[mnth]" }"#,
        ),
        61,
        42,
        "`[year]-[mnth]` is not a valid date format: invalid component name `mnth` at byte index 8",
    );
}

#[test]
fn get_with_json_body() {
    let text = edit(
        "        id: { type: integer, in: path }\n",
        "        id: { type: integer, in: path }\n      encoding: json\n",
    );
    expect(
        text,
        88,
        17,
        "a GET request has no body, so its fields cannot travel as Json",
    );
}

#[test]
fn mock_names_unknown_endpoint() {
    expect(
        edit(
            "    get_payment: { action: read",
            "    get_paymnt: { action: read",
        ),
        115,
        17,
        "endpoint `get_paymnt` is not defined",
    );
}

#[test]
fn mock_placeholder_names_unknown_field() {
    expect(
        edit(
            r#"payload: { id: "{id}", amount: "{amount}" }"#,
            r#"payload: { id: "{idd}", amount: "{amount}" }"#,
        ),
        112,
        30,
        "placeholder `{idd}` names no record field",
    );
}

#[test]
fn several_errors_in_one_run() {
    let text = edit("status: { type: Status }", "status: { type: Statuss }")
        .replace("  auth: signed\n", "  auth: signd\n");
    let got = diagnose(text.as_bytes());
    assert_eq!(
        got,
        vec![
            (34, 9, "auth scheme `signd` is not defined".to_string()),
            (60, 23, "type `Statuss` is not defined".to_string()),
        ]
    );
}

#[test]
fn empty_file() {
    expect("", 1, 1, "the file is empty");
    expect("   \n\n", 1, 1, "the file is empty");
}

#[test]
fn binary_garbage() {
    expect(
        [0xff_u8, 0xfe, 0x00, 0x12, 0x80],
        1,
        1,
        "the file is not valid UTF-8 text",
    );
    let got = diagnose(b"\x00\x01\x02 garbage");
    assert_eq!(got.len(), 1, "{got:?}");
}

#[test]
fn deep_nesting_is_refused_not_crashed() {
    let deep = format!(
        "payspec: 1\nprovider: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let got = diagnose(deep.as_bytes());
    assert_eq!(got.len(), 1, "{got:?}");
    let deep_map = format!(
        "payspec: 1\nmock: {}\n",
        "{a: ".repeat(5_000) + &"}".repeat(5_000)
    );
    assert_eq!(diagnose(deep_map.as_bytes()).len(), 1);
}

#[test]
fn every_truncation_of_a_spec_is_handled() {
    // No panic on any prefix of a valid spec, cut at any character.
    for (i, _) in MINIMAL.char_indices().step_by(7) {
        let _ = load_bytes("cut.yaml", &MINIMAL.as_bytes()[..i]);
    }
}

/// An edit of the minimal spec (from, to) and the diagnostics it must give.
type NameCase<'a> = (&'a str, String, Vec<(u32, u32, &'a str)>);

#[test]
fn names_follow_their_case() {
    let type_named =
        |n: &str| format!("types:\n  {n}:\n    fields:\n      x: {{ type: string }}\n");
    let credential = |n: &str| format!("credentials:\n  {n}: {{ description: Key. }}\n");
    // (edit from, edit to, the diagnostics)
    let cases: Vec<NameCase> = vec![
        ("types:\n", type_named("bad_name"), vec![(48, 5, "type name `bad_name` is not PascalCase")]),
        ("types:\n", type_named("Bad_Name"), vec![(48, 5, "type name `Bad_Name` is not PascalCase")]),
        ("types:\n", type_named("Ok2"), vec![]),
        ("credentials:\n", credential("ShopKey"), vec![(10, 12, "credential name `ShopKey` is not snake_case")]),
        ("credentials:\n", credential("shop-key"), vec![(10, 13, "credential name `shop-key` is not snake_case")]),
        ("credentials:\n", credential("9key"), vec![(10, 9, "credential name `9key` is not snake_case")]),
        ("credentials:\n", credential("_key_2"), vec![]),
        (
            "auth:\n",
            "auth:\n  Header:\n    token: { credential: shop_id, header: X-Key }\n".into(),
            vec![(14, 5, "auth scheme name `Header` is not snake_case")],
        ),
        (
            "webhooks:\n",
            "webhooks:\n  paidAgain:\n    summary: Again.\n    encoding: json\n    auth: hook\n    fields:\n      id: { type: integer }\n      amount: { type: decimal, wire: string }\n".into(),
            vec![(92, 5, "webhook name `paidAgain` is not snake_case")],
        ),
        (
            "mock:\n  resources:\n",
            "mock:\n  resources:\n    Other:\n      type: Payment\n      id: { field: id, style: sequence, start: 1 }\n".into(),
            vec![(101, 7, "resource name `Other` is not snake_case")],
        ),
    ];
    for (from, to, want) in cases {
        let want: Vec<(u32, u32, String)> = want
            .into_iter()
            .map(|(l, c, m)| (l, c, m.to_string()))
            .collect();
        assert_eq!(diagnose(edit(from, &to).as_bytes()), want, "{to}");
    }
}

#[test]
fn signatures_need_one_place_to_travel_and_rsa_its_key() {
    let d = |from: &str, to: &str| diagnose(edit(from, to).as_bytes());
    let own = |v: Vec<(u32, u32, &str)>| -> Vec<(u32, u32, String)> {
        v.into_iter()
            .map(|(l, c, m)| (l, c, m.to_string()))
            .collect()
    };
    assert_eq!(
        d("      header: Signature\n", ""),
        own(vec![(25, 7, "the signature has no place to travel")])
    );
    assert_eq!(
        d(
            "      header: Signature\n",
            "      header: Signature\n      field: sig\n"
        ),
        own(vec![
            (
                33,
                14,
                "the signature goes in a header or a field, not both"
            ),
            (
                33,
                14,
                "a signature in a body field is supported for form-encoded webhooks only"
            ),
        ])
    );
    assert_eq!(
        d("      algorithm: sha256\n", "      algorithm: rsa-sha256\n"),
        own(vec![
            (25, 18, "`rsa-sha256` needs a `key:`"),
            (27, 9, "`rsa-sha256` signatures cover the body only"),
        ])
    );
}

#[test]
fn path_parameters_are_read_one_by_one() {
    let d = |to: &str| diagnose(edit("path: /payments/{id}", to).as_bytes());
    let own = |v: Vec<(u32, u32, &str)>| -> Vec<(u32, u32, String)> {
        v.into_iter()
            .map(|(l, c, m)| (l, c, m.to_string()))
            .collect()
    };
    for (to, want) in [
        ("path: /payments/{id}/part", vec![]),
        (
            "path: /p/{id}/q/{part}",
            vec![(84, 11, "path parameter `part` is not declared")],
        ),
        (
            "path: /pay/{part}/{id}",
            vec![(84, 11, "path parameter `part` is not declared")],
        ),
        (
            "path: /payments/{id",
            vec![(84, 11, "path `/payments/{id` has a malformed `{parameter}`")],
        ),
        (
            "path: /payments/id}",
            vec![(84, 11, "path `/payments/id}` has a malformed `{parameter}`")],
        ),
        (
            "path: /payments/{Id}",
            vec![(
                84,
                11,
                "path `/payments/{Id}` has a malformed `{parameter}`",
            )],
        ),
    ] {
        let got = d(to);
        let want = own(want);
        // A malformed path also leaves `id` without its `{id}`.
        let got: Vec<_> = got
            .into_iter()
            .filter(|x| !x.2.contains("has no `{id}`"))
            .collect();
        assert_eq!(got, want, "{to}");
    }
    // `{id}` and `{pid}` are the same route.
    let text = edit("path: /payments/{id}", "path: /payments/{pid}")
        .replace(
            "id: { type: integer, in: path }",
            "pid: { type: integer, in: path }",
        )
        .replace(
            "    get_payment: { action: read, resource: payment, lookup: { id: id } }\n",
            "",
        );
    let twice = text.replace(
        "webhooks:\n",
        "  get_again:\n    summary: Again.\n    method: GET\n    path: /payments/{id}\n    request:\n      fields:\n        id: { type: integer, in: path }\n    response:\n      type: Payment\nwebhooks:\n",
    );
    let got = diagnose(twice.as_bytes());
    assert!(
        got.iter()
            .any(|(_, _, m)| m
                == "endpoint `get_again` has the same method and path as `get_payment`"),
        "{got:?}"
    );
}
