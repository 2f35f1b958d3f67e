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
        "unknown field `sandbox_ulr`, expected one of name, crate, version, description, base_url, sandbox_url, docs, note, payment_page",
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

/// An edit of the minimal spec (from, to) and every diagnostic it must give.
type Case<'a> = (&'a str, &'a str, &'a [(u32, u32, &'a str)]);

#[track_caller]
fn check_table(cases: Vec<Case>) {
    for (from, to, want) in cases {
        let want = owned(want);
        assert_eq!(diagnose(edit(from, to).as_bytes()), want, "{to}");
    }
}

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
            vec![
                (92, 5, "webhook name `paidAgain` is not snake_case"),
                (92, 5, "webhook `paidAgain` has no `discriminator:`, so a body cannot be told apart from `paid`"),
                (99, 5, "webhook `paid` has no `discriminator:`, so a body cannot be told apart from `paidAgain`"),
            ],
        ),
        (
            "mock:\n  resources:\n",
            "mock:\n  resources:\n    Other:\n      type: Payment\n      id: { field: id, style: sequence, start: 1 }\n".into(),
            vec![(101, 7, "resource name `Other` is not snake_case")],
        ),
    ];
    for (from, to, want) in cases {
        let want = owned(&want);
        assert_eq!(diagnose(edit(from, &to).as_bytes()), want, "{to}");
    }
}

#[test]
fn signatures_need_one_place_to_travel_and_rsa_its_key() {
    let d = |from: &str, to: &str| diagnose(edit(from, to).as_bytes());
    let own = |v: Vec<(u32, u32, &str)>| owned(&v);
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
    let own = |v: Vec<(u32, u32, &str)>| owned(&v);
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
    let sub_route = twice.replace(
        "    path: /payments/{id}\n    request:\n      fields:\n        id: { type: integer, in: path }\n    response:\n      type: Payment\nwebhooks:",
        "    path: /payments/{id}/refund\n    request:\n      fields:\n        id: { type: integer, in: path }\n    response:\n      type: Payment\nwebhooks:",
    );
    assert_ne!(sub_route, twice);
    assert_eq!(
        diagnose(sub_route.as_bytes()),
        vec![],
        "`/payments/{{pid}}` and `/payments/{{id}}/refund` differ"
    );
    let got = diagnose(twice.as_bytes());
    assert!(
        got.iter()
            .any(|(_, _, m)| m
                == "endpoint `get_again` has the same method and path as `get_payment`"),
        "{got:?}"
    );
}

#[test]
fn endpoint_requests_and_responses() {
    let order = "        order: { type: string, max_length: 8 }\n";
    let get_response = "    response:\n      type: Payment\nwebhooks:\n";
    let create_response = "      status: 201\n      type: Payment\n";
    let cases: Vec<Case> = vec![
        (
            order,
            "        order: { type: string, max_length: 8 }\n      one_of_required: [amount, nope]\n",
            &[
                (72, 25, "`amount` is required anyway"),
                (72, 33, "request field `nope` is not defined"),
            ],
        ),
        (
            order,
            "        order: { type: string, max_length: 8 }\n        shop_id: { type: string }\n",
            &[
                (
                    72,
                    18,
                    "field `shop_id` is also injected by auth scheme `signed`",
                ),
                (
                    79,
                    11,
                    "example does not match its type: required field `shop_id` is missing",
                ),
            ],
        ),
        (
            create_response,
            "      status: 302\n      type: Payment\n",
            &[(73, 15, "success status 302 is not 2xx")],
        ),
        (
            get_response,
            "    response:\n      description: Nothing.\nwebhooks:\n",
            &[(
                89,
                7,
                "unknown field `description`, expected one of status, body, type, items, values, content_types, content_type_from, envelope, note, source",
            )],
        ),
        (
            create_response,
            "      status: 201\n      body: empty\n      type: Payment\n",
            &[
                (75, 13, "a `body: empty` response has no type"),
                (81, 11, "this endpoint's success response has no JSON body"),
            ],
        ),
        (
            create_response,
            "      status: 201\n      body: binary\n",
            &[
                (73, 7, "a binary response needs `content_types:`"),
                (80, 11, "this endpoint's success response has no JSON body"),
            ],
        ),
        (
            create_response,
            "      status: 201\n      type: Payment\n      content_types: [application/pdf]\n",
            &[(75, 23, "`content_types:` applies to binary responses only")],
        ),
    ];
    check_table(cases);
}

const TEGRO: &str = include_str!("../../specs/tegro-money.yaml");

/// The messages of every diagnostic for the Tegro spec with `from` replaced by `to`.
fn tegro_messages(from: &str, to: &str) -> Vec<String> {
    assert_eq!(
        TEGRO.matches(from).count(),
        1,
        "`{from}` must occur once in the Tegro spec"
    );
    let text = TEGRO.replacen(from, to, 1);
    diagnose(text.as_bytes()).into_iter().map(|d| d.2).collect()
}

#[test]
fn enveloped_examples_are_checked_inside_the_envelope() {
    let created = "\"data\": {\n          \"id\": 755555,";
    assert_eq!(tegro_messages(created, created), Vec::<String>::new());
    assert_eq!(
        tegro_messages(created, "\"dat\": {\n          \"id\": 755555,"),
        vec!["example does not match its type: the envelope has no `data`".to_string()]
    );
    assert_eq!(
        tegro_messages(created, "\"data\": {\n          \"id\": \"x\","),
        vec![
            "example does not match its type: `id` is a string, but the field's wire form is a number"
                .to_string()
        ]
    );
    let outcome = "\"type\": \"success\",\n          \"desc\": \"\",\n          \"data\": {\n          \"id\": 755555,";
    assert_eq!(
        tegro_messages(outcome, &outcome.replace("success", "done")),
        vec!["example does not match its type: the response is not in the envelope: `type` must be `success` or `error`".to_string()]
    );
    // An error in the envelope, on the success status, is an error example: fine.
    assert_eq!(
        tegro_messages(
            outcome,
            "\"type\": \"error\",\n          \"desc\": \"Wrong authorization token\",\n          \"data\": {\n          \"id\": 755555,"
        ),
        Vec::<String>::new()
    );
}

#[test]
fn provider_block_and_error_model() {
    let cases: Vec<Case> = vec![
        (
            "payspec: 1\n",
            "payspec: 2\n",
            &[(3, 10, "spec format version 2 is not supported")],
        ),
        (
            "  crate: example-pay",
            "  crate: Example-Pay",
            &[(6, 10, "crate name `Example-Pay` is not kebab-case")],
        ),
        (
            "  crate: example-pay",
            "  crate: example-pay-",
            &[(6, 10, "crate name `example-pay-` is not kebab-case")],
        ),
        (
            "  crate: example-pay",
            "  crate: 1pay",
            &[(6, 10, "crate name `1pay` is not kebab-case")],
        ),
        (
            "  crate: example-pay",
            "  crate: ex_pay",
            &[(6, 10, "crate name `ex_pay` is not kebab-case")],
        ),
        ("  crate: example-pay", "  crate: pay2-go", &[]),
        (
            "  base_url: https://api.example.com/v1",
            "  base_url: api.example.com/v1",
            &[(7, 13, "`api.example.com/v1` is not an http(s) URL")],
        ),
        (
            "  base_url: https://api.example.com/v1",
            "  base_url: http://api.example.com/v1/",
            &[(7, 13, "base URL ends with `/`")],
        ),
        (
            "  sandbox_url: https://sandbox.example.com/v1",
            "  sandbox_url: ftp://sandbox.example.com",
            &[(8, 16, "`ftp://sandbox.example.com` is not an http(s) URL")],
        ),
        ("  auth: signed\n", "  auth: none\n", &[]),
        (
            "errors:\n  type: Problem\n",
            "errors:\n  in_envelope: true\n  type: Problem\n",
            &[(37, 3, "`in_envelope: true` but the spec has no `envelope:`")],
        ),
        (
            "errors:\n  type: Problem\n",
            "errors:\n  type: Status\n",
            &[
                (37, 9, "error type `Status` is not an object"),
                (
                    38,
                    9,
                    "field path `code` given but the error model has no `type:`",
                ),
                (
                    39,
                    12,
                    "field path `message` given but the error model has no `type:`",
                ),
            ],
        ),
        (
            "  code: code\n",
            "  code: detail.code\n",
            &[(
                38,
                9,
                "`detail.code` is not a field path of the error type: `detail` is not defined",
            )],
        ),
        (
            "errors:\n  type: Problem\n",
            "errors:\n",
            &[
                (
                    37,
                    9,
                    "field path `code` given but the error model has no `type:`",
                ),
                (
                    38,
                    12,
                    "field path `message` given but the error model has no `type:`",
                ),
            ],
        ),
        (
            "    400: { description: Bad request., codes: [invalid] }",
            "    302: { description: Moved. }",
            &[(
                41,
                10,
                "error status 302 is a redirect, which the client follows",
            )],
        ),
        (
            "  statuses:\n    400: { description: Bad request., codes: [invalid] }",
            "  redirect_is_error: true\n  statuses:\n    302: { description: Moved with a message. }",
            &[],
        ),
        (
            "    500: { description: Server error., retryable: true }",
            "    600: { description: Odd. }",
            &[(42, 10, "error status 600 is not a 3xx, 4xx or 5xx status")],
        ),
        (
            "    not_found: { status: 404,",
            "    not_found: { status: 200,",
            &[(45, 26, "status 200 is not an error status")],
        ),
        (
            "    not_found: { status: 404,",
            "    not_found: { status: 600,",
            &[(45, 26, "status 600 is not an error status")],
        ),
    ];
    check_table(cases);
}

#[test]
fn type_definitions() {
    let status = "  Status:\n    enum: string\n";
    let tags = "      tags: { type: array, items: string, optional: true }\n";
    let cases: Vec<Case> = vec![
        (
            status,
            "  Status:\n    fields:\n      a: { type: string }\n    enum: string\n",
            &[
                (54, 11, "type `Status` has both `fields` and `enum`"),
                (56, 9, "object type `Status` has `values`"),
                (
                    82,
                    50,
                    "example does not match its type: `status` is a string, expected an object",
                ),
            ],
        ),
        (
            "types:\n",
            "types:\n  Empty:\n    description: Nothing.\n",
            &[(48, 5, "type `Empty` has neither `fields` nor `enum`")],
        ),
        (
            "      - value: new\n",
            "      - value: unknown\n",
            &[
                (54, 16, "`unknown` cannot name an enum variant"),
                (
                    80,
                    50,
                    "example does not match its type: `status` is `new`, which is not a documented value of `Status`",
                ),
            ],
        ),
        (
            "      - value: new\n",
            "      - { value: new, name: New }\n",
            &[(54, 29, "`New` cannot name an enum variant")],
        ),
        (
            "      - value: new\n",
            "      - { value: new, name: done }\n",
            &[(55, 18, "variant name `done` is used twice in `Status`")],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: integer, wire: string, optional: true }\n",
            &[],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: string, wire: string_or_number, optional: true }\n",
            &[],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: string, wire: string, optional: true }\n",
            &[(64, 32, "`wire:` does not apply to this type")],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: boolean, wire: string, optional: true }\n",
            &[(64, 33, "`wire:` does not apply to this type")],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: integer, format: \"[year]\", optional: true }\n",
            &[(64, 35, "`format:` applies to `date` and `datetime` only")],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: integer, min_length: 1, optional: true }\n",
            &[(64, 39, "`min_length` applies to strings only")],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: string, min_length: 3, max_length: 2, optional: true }\n",
            &[(64, 38, "`min_length` is greater than `max_length`")],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: string, min_length: 2, max_length: 2, optional: true }\n",
            &[],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: integer, pattern: \"a\", optional: true }\n",
            &[(64, 36, "`pattern` applies to strings only")],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: string, exclusive_minimum: 0, optional: true }\n",
            &[(64, 45, "`exclusive_minimum` applies to numbers only")],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: decimal, minimum: 0, exclusive_minimum: 0, optional: true }\n",
            &[(
                64,
                58,
                "a field takes an inclusive or an exclusive bound on one side, not both",
            )],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: integer, exclusive_minimum: 5, maximum: 5, optional: true }\n",
            &[(64, 46, "no value lies between the bounds 5 and 5")],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: integer, minimum: 3, maximum: 2, optional: true }\n",
            &[(64, 36, "no value lies between the bounds 3 and 2")],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: decimal, exclusive_minimum: 0, exclusive_maximum: 1, optional: true }\n",
            &[],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: map, values: array, items: decimal, optional: true }\n",
            &[(
                64,
                18,
                "a map of arrays (or array of maps) holds strings, integers, booleans, `any` or named types",
            )],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: map, values: map, optional: true }\n",
            &[(64, 31, "`map` cannot be the element type of `map` here")],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: map, values: array, optional: true }\n",
            &[(
                64,
                18,
                "`type: array` needs `items:` to say the type of its elements",
            )],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: map, values: array, items: string, optional: true }\n",
            &[],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: array, items: map, values: integer, optional: true }\n",
            &[],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: Status, allowed: [new, nope], optional: true }\n",
            &[(
                64,
                41,
                "`allowed`: `nope` is not a value of the field's enum",
            )],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: string, allowed: [a], optional: true }\n",
            &[(64, 36, "`allowed:` applies to fields whose type is an enum")],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: Status, const: nope, optional: true }\n",
            &[(64, 33, "`const`: `nope` is not a value of the field's enum")],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: integer, const: abc, optional: true }\n",
            &[(64, 34, "`const`: `abc` does not fit the field's type")],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: string, aliases: [id], optional: true }\n",
            &[(64, 36, "alias `id` is already a wire name or an alias here")],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: string, optional: true, required_if: { field: nope, in: [a] } }\n",
            &[(
                64,
                64,
                "`required_if` names `nope`, which is not a field here",
            )],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: string, optional: true, required_if: { field: status, in: [nope] } }\n",
            &[(
                64,
                77,
                "`required_if`: `nope` is not a value of the field's enum",
            )],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: string, required_if: { field: status, in: [new] } }\n",
            &[
                (64, 39, "`required_if` on a field that is always required"),
                (
                    81,
                    11,
                    "example does not match its type: required field `x` is missing",
                ),
            ],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: string, optional: true, forbidden_if: { field: status } }\n",
            &[(
                64,
                56,
                "`forbidden_if` needs exactly one of `in:` and `not_in:`",
            )],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: string, optional: true, forbidden_if: { field: x, in: [a] } }\n",
            &[(64, 65, "`forbidden_if` of `x` depends on `x` itself")],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: string, optional: true, forbidden_if: { field: status, not_in: [new] } }\n",
            &[],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: Status, allowed: [new], optional: true, aliases: [ex] }\n",
            &[],
        ),
        (
            tags,
            "      tags: { type: array, items: string, optional: true }\n      x: { type: integer, optional: true, const: 5, required_if: { field: status, in: [new] } }\n",
            &[],
        ),
    ];
    check_table(cases);
}

#[test]
fn mock_resources_and_operations() {
    let resource = "      type: Payment\n      id: { field: id, style: sequence, start: 1 }\n";
    let create =
        "    create_payment: { action: create, resource: payment, store: { amount: amount } }\n";
    let get = "    get_payment: { action: read, resource: payment, lookup: { id: id } }\n";
    let cases: Vec<Case> = vec![
        (
            resource,
            "      type: Status\n      id: { field: id, style: sequence, start: 1 }\n",
            &[
                (101, 13, "`Status` is not an object type"),
                (102, 20, "record field `id` is not defined"),
                (103, 26, "record field `status` is not defined"),
                (103, 40, "record field `created` is not defined"),
                (105, 16, "record field `status` is not defined"),
                (114, 75, "record field `amount` is not defined"),
                (115, 67, "record field `id` is not defined"),
            ],
        ),
        (
            resource,
            "      type: Payment\n      id: { field: ident, style: sequence, start: 1 }\n",
            &[(102, 20, "record field `ident` is not defined")],
        ),
        (
            resource,
            "      type: Payment\n      id: { field: id, style: sequence, start: 1 }\n      unique: [nope]\n",
            &[(103, 16, "record field `nope` is not defined")],
        ),
        (
            create,
            "    create_payment: { action: create }\n",
            &[(114, 21, "`action: create` needs a `resource:`")],
        ),
        (
            create,
            "    create_payment: { action: totals, resource: payment }\n",
            &[(114, 21, "`action: totals` needs `totals:`")],
        ),
        (
            get,
            "    get_payment: { action: read, resource: payment }\n",
            &[(115, 18, "`action: read` needs `lookup:` to find the record")],
        ),
        (
            get,
            "    get_payment: { action: fire, resource: payment, lookup: { id: id } }\n",
            &[(115, 18, "`action: fire` needs `event:`")],
        ),
        (
            "      initial: { status: new, created: \"{now}\" }",
            "      initial: { status: new, created: \"at {now} and {when} ok\" }",
            &[(103, 40, "placeholder `{when}` names no record field")],
        ),
        (
            resource,
            "      type: Nope\n      id: { field: id, style: sequence, start: 1 }\n",
            &[
                (101, 13, "type `Nope` is not defined"),
                (102, 20, "record field `id` is not defined"),
                (103, 26, "record field `status` is not defined"),
                (103, 40, "record field `created` is not defined"),
                (105, 16, "record field `status` is not defined"),
                (114, 75, "record field `amount` is not defined"),
                (115, 67, "record field `id` is not defined"),
            ],
        ),
        (
            "      initial: { status: new, created: \"{now}\" }",
            "      initial: { status: new, created: \"{when}\" }",
            &[(103, 40, "placeholder `{when}` names no record field")],
        ),
        (
            "      initial: { status: new, created: \"{now}\" }",
            "      initial: { status: new, created: [\"{when}\"] }",
            &[(103, 40, "placeholder `{when}` names no record field")],
        ),
        (
            "      initial: { status: new, created: \"{now}\" }",
            "      initial: { status: new, created: { at: \"{when}\" } }",
            &[(103, 40, "placeholder `{when}` names no record field")],
        ),
        (
            "      initial: { status: new, created: \"{now}\" }",
            "      initial: { status: new, created: \"{credential.api_key} {id}\" }",
            &[],
        ),
        (
            "              payload: { id: \"{id}\", amount: \"{amount}\" }",
            "              payload: { id: \"{id}\" }",
            &[(
                111,
                15,
                "the payload of webhook `paid` lacks required field `amount`",
            )],
        ),
        (
            "              payload: { id: \"{id}\", amount: \"{amount}\" }",
            "              payload: { id: \"{id}\", amount: \"{amount}\", extra: 1 }",
            &[(112, 65, "webhook field `extra` is not defined")],
        ),
    ];
    check_table(cases);
}

/// (line, column, message) of each diagnostic.
type Diagnostics = Vec<(u32, u32, String)>;

/// Expected diagnostics written with `&str` messages, as `diagnose` returns them.
fn owned(want: &[(u32, u32, &str)]) -> Diagnostics {
    want.iter()
        .map(|(l, c, m)| (*l, *c, m.to_string()))
        .collect()
}

/// A piece of an example and every diagnostic it must give.
type Expected<'a> = (&'a str, &'a [(u32, u32, &'a str)]);

#[test]
fn example_values_against_their_types() {
    let tags = "      tags: { type: array, items: string, optional: true }\n";
    let fields = "      tags: { type: array, items: string, optional: true }
      flag: { type: boolean, optional: true }
      day: { type: date, optional: true }
      at: { type: datetime, optional: true }
      ref: { type: string, wire: string_or_number, optional: true }
      n: { type: integer, minimum: 1, maximum: 5, optional: true }
      d: { type: decimal, exclusive_minimum: 0, exclusive_maximum: 10, optional: true }
      s: { type: string, min_length: 2, max_length: 3, optional: true }
      kind: { type: Kind, optional: true }
  Kind:
    enum: integer
    values:
      - { value: 1, name: one }
      - { value: 2, name: two }
";
    let tail = "\"created\": \"2024-01-02 03:04:05\"}";
    let with = |extra: &str| {
        let text = edit(tags, fields);
        assert_eq!(text.matches(tail).count(), 1);
        text.replacen(
            tail,
            &format!("\"created\": \"2024-01-02 03:04:05\"{extra}}}"),
            1,
        )
    };
    let cases: Vec<Expected> = vec![
        (
            r#", "tags": ["a", null]"#,
            &[(
                93,
                105,
                "example does not match its type: `tags[1]` is null, expected a string",
            )],
        ),
        (
            r#", "kind": 1.5"#,
            &[(
                93,
                99,
                "example does not match its type: `kind` is a number, expected an integer (enum `Kind`)",
            )],
        ),
        (
            r#", "day": 5"#,
            &[(
                93,
                98,
                "example does not match its type: `day` is a number, expected a date string",
            )],
        ),
        (
            r#", "at": 5"#,
            &[(
                93,
                97,
                "example does not match its type: `at` is a number, expected a date-time string",
            )],
        ),
        ("", &[]),
        (
            ", \"tags\": [\"a\", 1]",
            &[(
                93,
                105,
                "example does not match its type: `tags[1]` is a number, expected a string",
            )],
        ),
        (
            ", \"tags\": \"a\"",
            &[(
                93,
                99,
                "example does not match its type: `tags` is a string, expected an array",
            )],
        ),
        (
            ", \"flag\": \"yes\"",
            &[(
                93,
                99,
                "example does not match its type: `flag` is a string, expected a boolean",
            )],
        ),
        (", \"flag\": true", &[]),
        (
            ", \"day\": \"2024-02-30\"",
            &[(
                93,
                98,
                "example does not match its type: `day` `2024-02-30` does not match the format `[year]-[month]-[day]`",
            )],
        ),
        (", \"day\": \"2024-02-29\"", &[]),
        (
            ", \"at\": \"2024-01-02 03:04:05\"",
            &[(
                93,
                97,
                "example does not match its type: `at` `2024-01-02 03:04:05` does not match the format `rfc3339`",
            )],
        ),
        (", \"at\": \"2024-01-02T03:04:05Z\"", &[]),
        (", \"ref\": 7", &[]),
        (", \"ref\": \"7\"", &[]),
        (
            ", \"ref\": true",
            &[(
                93,
                98,
                "example does not match its type: `ref` is a boolean, expected a string",
            )],
        ),
        (
            ", \"n\": 0",
            &[(
                93,
                96,
                "example does not match its type: `n` is 0, less than the minimum 1",
            )],
        ),
        (", \"n\": 1", &[]),
        (", \"n\": 5", &[]),
        (
            ", \"d\": 0",
            &[(
                93,
                96,
                "example does not match its type: `d` is 0, not more than the exclusive minimum 0",
            )],
        ),
        (
            ", \"d\": -0.5",
            &[(
                93,
                96,
                "example does not match its type: `d` is -0.5, not more than the exclusive minimum 0",
            )],
        ),
        (
            ", \"d\": 10.0",
            &[(
                93,
                96,
                "example does not match its type: `d` is 10.0, not less than the exclusive maximum 10",
            )],
        ),
        (", \"d\": 0.01", &[]),
        (", \"d\": 9.99", &[]),
        (
            ", \"n\": 6",
            &[(
                93,
                96,
                "example does not match its type: `n` is 6, more than the maximum 5",
            )],
        ),
        (
            ", \"n\": \"3\"",
            &[(
                93,
                96,
                "example does not match its type: `n` is a string, but the field's wire form is a number",
            )],
        ),
        (
            ", \"s\": \"a\"",
            &[(
                93,
                96,
                "example does not match its type: `s` has 1 characters, fewer than min_length 2",
            )],
        ),
        (", \"s\": \"ab\"", &[]),
        (", \"s\": \"abc\"", &[]),
        (
            ", \"s\": \"abcd\"",
            &[(
                93,
                96,
                "example does not match its type: `s` has 4 characters, more than max_length 3",
            )],
        ),
        (", \"kind\": 2", &[]),
        (
            ", \"kind\": 3",
            &[(
                93,
                99,
                "example does not match its type: `kind` is `3`, which is not a documented value of `Kind`",
            )],
        ),
        (
            ", \"kind\": \"2\"",
            &[(
                93,
                99,
                "example does not match its type: `kind` is a string, expected an integer (enum `Kind`)",
            )],
        ),
        (
            ", \"zzz\": 1",
            &[(
                93,
                91,
                "example does not match its type: `zzz` is not a declared field",
            )],
        ),
        (", \"paid_at\": null", &[]),
        (
            ", \"id\": null",
            &[(
                93,
                91,
                "the example is not valid JSON: key `id` appears twice",
            )],
        ),
    ];
    for (extra, want) in cases {
        let want = owned(want);
        assert_eq!(diagnose(with(extra).as_bytes()), want, "{extra}");
    }
    let amounts: Vec<Expected> = vec![
        ("\"10.50\"", &[]),
        (
            "10.50",
            &[(
                93,
                31,
                "example does not match its type: `amount` is a number, but the field's wire form is a string",
            )],
        ),
        (
            "\"10.5x\"",
            &[(
                93,
                31,
                "example does not match its type: `amount` is `10.5x`, which is not a decimal number (not a number)",
            )],
        ),
        // Exponents are decimals to the clients and the mocks, so to the validator too.
        ("\"1e3\"", &[]),
        ("\"-0.5\"", &[]),
        (
            "\".5\"",
            &[(
                93,
                31,
                "example does not match its type: `amount` is `.5`, which is not a decimal number (not a number)",
            )],
        ),
        (
            "\"1e99999999999\"",
            &[(
                93,
                31,
                "example does not match its type: `amount` is `1e99999999999`, which is not a decimal number (not a number)",
            )],
        ),
        (
            "\"1e60\"",
            &[(
                93,
                31,
                "example does not match its type: `amount` is `1e60`, which is not a decimal number (too large for a decimal)",
            )],
        ),
        (
            "\"\"",
            &[(
                93,
                31,
                "example does not match its type: `amount` is ``, which is not a decimal number (not a number)",
            )],
        ),
    ];
    for (amount, want) in amounts {
        let text = with("").replacen(
            r#""amount": "10.50", "status""#,
            &format!(r#""amount": {amount}, "status""#),
            1,
        );
        let want = owned(want);
        assert_eq!(diagnose(text.as_bytes()), want, "{amount}");
    }
}

#[test]
fn a_body_field_signature_needs_a_body() {
    let text = edit("      header: Signature\n", "      field: sig\n").replacen(
        "    method: GET\n    path: /payments/{id}\n",
        "    method: GET\n    auth: hook\n    path: /payments/{id}\n",
        1,
    );
    let want = [
        (
            30,
            20,
            "signed field `amount` is not a request field of every endpoint using `hook`",
        ),
        (
            32,
            14,
            "a signature in a body field is supported for form-encoded webhooks only",
        ),
        (
            84,
            11,
            "auth scheme `hook` puts its signature in a body field, but this request has no body",
        ),
    ];
    let want = owned(&want);
    assert_eq!(diagnose(text.as_bytes()), want);
}

#[test]
fn error_examples_are_checked_against_the_error_type() {
    let anchor = "          {\"id\": 1, \"amount\": \"10.50\", \"status\": \"new\", \"created\": \"2024-01-02 03:04:05\"}\n";
    let with = |example: &str| {
        edit(
            anchor,
            &format!("{anchor}      - note: refused\n        status: 400\n{example}"),
        )
    };
    let wrong = "example does not match its type: `code` is a number, expected a string";
    let cases: Vec<(&str, Diagnostics)> = vec![
        (
            "        response: |-\n          {\"code\": \"invalid\", \"message\": \"x\"}\n",
            vec![],
        ),
        (
            "        response: |-\n          {\"code\": 5, \"message\": \"x\"}\n",
            vec![(84, 20, wrong.into())],
        ),
        // Quoted on one line: the column counts the opening quote.
        (
            "        response: '{\"code\": 5, \"message\": \"x\"}'\n",
            vec![(83, 29, wrong.into())],
        ),
        // A block over two lines: the second line's column.
        (
            "        response: |-\n          {\"message\": \"x\",\n           \"code\": 5}\n",
            vec![(85, 20, wrong.into())],
        ),
    ];
    for (example, want) in cases {
        assert_eq!(diagnose(with(example).as_bytes()), want, "{example}");
    }
}

#[test]
fn enveloped_error_models() {
    let model = "  in_envelope: true\n  cases:\n    unauthorized:\n      message: Wrong authorization token\n";
    let with = |to: &str| tegro_messages(model, to);
    // Inside the envelope the message is the envelope's: a path needs no error type.
    assert_eq!(
        with(&model.replace("  cases:\n", "  message: desc\n  cases:\n")),
        Vec::<String>::new()
    );
    // Envelope errors may come with 200, or with an error status; nothing else.
    let status = |s: u32| {
        model.replace(
            "      message: Wrong",
            &format!("      status: {s}\n      message: Wrong"),
        )
    };
    assert_eq!(with(&status(200)), Vec::<String>::new());
    assert_eq!(with(&status(400)), Vec::<String>::new());
    assert_eq!(with(&status(599)), Vec::<String>::new());
    assert_eq!(
        with(&status(201)),
        vec!["status 201 is not an error status".to_string()]
    );
    assert_eq!(
        with(&status(600)),
        vec!["status 600 is not an error status".to_string()]
    );
}

#[test]
fn types_that_contain_themselves() {
    let tags = "      tags: { type: array, items: string, optional: true }\n";
    let direct = diagnose(edit(tags, "      tags: { type: array, items: string, optional: true }\n      me: { type: Payment, optional: true }\n").as_bytes());
    let listed = diagnose(edit(tags, "      tags: { type: array, items: string, optional: true }\n      us: { type: array, items: Payment, optional: true }\n").as_bytes());
    assert_eq!(
        direct,
        vec![(57, 5, "type `Payment` contains itself".to_string())]
    );
    // An array ends the chain: a list of payments inside a payment is fine.
    assert_eq!(listed, vec![]);
}

/// An edited spec and every diagnostic it must give.
type EditedCase<'a> = (String, Vec<(u32, u32, &'a str)>);

/// The minimal spec's webhook with `extra` inserted after its summary (line 93).
fn hook_with(extra: &str) -> String {
    edit(
        "    summary: A payment was paid.\n",
        &format!("    summary: A payment was paid.\n{extra}"),
    )
}

/// A second webhook `refunded` (line 91) before `paid`, with `extra` after its auth (line
/// 95) and `paid_extra` after `paid`'s summary.
fn two_hooks(extra: &str, paid_extra: &str) -> String {
    let second = format!(
        "webhooks:\n  refunded:\n    summary: Refunded.\n    encoding: json\n    auth: hook\n{extra}    fields:\n      id: {{ type: integer }}\n      amount: {{ type: decimal, wire: string }}\n      status: {{ type: Status }}\n"
    );
    edit("webhooks:\n", &second).replacen(
        "    summary: A payment was paid.\n",
        &format!("    summary: A payment was paid.\n{paid_extra}"),
        1,
    )
}

#[test]
fn webhook_method_reply_and_discriminator() {
    let cases: Vec<EditedCase> = vec![
        (hook_with("    method: PUT\n"), vec![]),
        (
            edit("  paid:\n    summary", "  event:\n    summary")
                .replace("name: paid", "name: event"),
            vec![(
                92,
                5,
                "webhook name `event` is taken by the generated `webhooks` module",
            )],
        ),
        (
            hook_with("    method: GET\n"),
            vec![(
                93,
                13,
                "webhook `paid` is sent with a body, which a GET request does not have",
            )],
        ),
        (
            hook_with(
                "    reply: { status: 200, content_type: text/plain, body: OK, note: Documented. }\n",
            ),
            vec![],
        ),
        (
            hook_with("    reply: { status: 302 }\n"),
            vec![(93, 22, "reply status 302 is not 2xx")],
        ),
        (
            hook_with("    reply: { body: OK }\n"),
            vec![(93, 20, "a reply body needs its `content_type:`")],
        ),
        (
            hook_with("    reply: { content_type: plain, body: OK }\n"),
            vec![(93, 28, "`plain` is not a content type")],
        ),
        (
            hook_with("    discriminator: { field: id, values: [\"7\"] }\n"),
            vec![],
        ),
        (
            hook_with("    discriminator: { field: amount, present: true }\n"),
            vec![],
        ),
        (
            hook_with("    discriminator: { field: state, values: [done] }\n"),
            vec![(93, 29, "webhook field `state` is not defined")],
        ),
        (
            hook_with("    discriminator: { field: id, values: [\"1\"], present: true }\n"),
            vec![(
                93,
                57,
                "a discriminator has either `values:` or `present: true`",
            )],
        ),
        (
            hook_with("    discriminator: { field: id }\n"),
            vec![(93, 20, "a discriminator needs `values:` or `present: true`")],
        ),
        (
            hook_with("    discriminator: { field: id, present: false }\n"),
            vec![(93, 42, "`present: false` tells nothing apart")],
        ),
        (
            hook_with("    discriminator: { field: amount, values: [\"1.00\"] }\n"),
            vec![(
                93,
                29,
                "field `amount` has type `decimal`, which cannot tell webhooks apart",
            )],
        ),
        (
            hook_with("    discriminator: { field: id, values: [one] }\n"),
            vec![(93, 42, "`one` is not an integer, but `id` is one")],
        ),
        (
            hook_with("    discriminator: { field: id, values: [\"1\", \"1\"] }\n"),
            vec![(93, 47, "value `1` is listed twice")],
        ),
        (
            two_hooks(
                "    discriminator: { field: status, values: [gone] }\n",
                "    discriminator: { field: id, values: [\"1\"] }\n",
            ),
            vec![(95, 46, "`gone` is not a value of enum `Status`")],
        ),
        (
            two_hooks(
                "    discriminator: { field: status, values: [done] }\n",
                "    discriminator: { field: amount, present: true }\n",
            ),
            vec![],
        ),
    ];
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|(text, want)| {
            let got = diagnose(text.as_bytes());
            (got != owned(want)).then(|| format!("got {got:?}\nwant {want:?}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

#[test]
fn webhooks_at_one_url_must_be_told_apart() {
    let cases: Vec<EditedCase> = vec![
        (
            two_hooks("", ""),
            vec![
                (
                    92,
                    5,
                    "webhook `refunded` has no `discriminator:`, so a body cannot be told apart from `paid`",
                ),
                (
                    100,
                    5,
                    "webhook `paid` has no `discriminator:`, so a body cannot be told apart from `refunded`",
                ),
            ],
        ),
        (
            two_hooks("    discriminator: { field: id, values: [\"1\"] }\n", ""),
            vec![(
                101,
                5,
                "webhook `paid` has no `discriminator:`, so a body cannot be told apart from `refunded`",
            )],
        ),
        (
            two_hooks(
                "    discriminator: { field: id, values: [\"1\", \"2\"] }\n",
                "    discriminator: { field: id, values: [\"2\"] }\n",
            ),
            vec![(
                102,
                42,
                "webhooks `refunded` and `paid` both match a body where `id` is `2`",
            )],
        ),
        (
            two_hooks(
                "    discriminator: { field: id, values: [\"1\"] }\n",
                "    discriminator: { field: id, present: true }\n",
            ),
            vec![(
                102,
                20,
                "webhooks `refunded` and `paid` both match a body where `id` is present",
            )],
        ),
    ];
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|(text, want)| {
            let got = diagnose(text.as_bytes());
            (got != owned(want)).then(|| format!("got {got:?}\nwant {want:?}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

#[test]
fn content_type_from_a_request_field() {
    // `get_payment` answers a file whose type its `id` picks (a stand-in for a `format` field).
    let base = "    response:\n      type: Payment\nwebhooks:";
    let with = |from: &str| {
        edit(
            base,
            &format!(
                "    response:\n      body: binary\n      content_types: [application/pdf, image/png]\n      content_type_from: {from}\nwebhooks:"
            ),
        )
    };
    type Case = (String, Vec<(u32, u32, String)>);
    let cases: Vec<Case> = vec![
        (
            with("{ field: nope, types: { 1: application/pdf } }"),
            vec![(
                91,
                35,
                "`content_type_from` names `nope`, which is not a request field".to_string(),
            )],
        ),
        (
            with("{ field: id, types: { 1: application/pdf, 2: text/csv } }"),
            vec![(
                91,
                71,
                "`text/csv` is not one of the response's `content_types`".to_string(),
            )],
        ),
        (
            with("{ field: id, types: { 1: application/pdf, 2: image/png } }"),
            vec![],
        ),
    ];
    for (text, want) in cases {
        assert_eq!(diagnose(text.as_bytes()), want, "{text}");
    }
    // Only a binary answer has a content type to pick.
    let json = edit(
        base,
        "    response:\n      type: Payment\n      content_type_from: { field: id, types: { 1: application/pdf } }\nwebhooks:",
    );
    let d = diagnose(json.as_bytes());
    assert!(
        d.iter()
            .any(|(_, _, m)| m == "`content_type_from:` applies to binary responses only"),
        "{d:?}"
    );
}

#[test]
fn payment_page_names_an_endpoint_and_a_response_field() {
    let with = |page: &str| {
        edit(
            "  sandbox_url: https://sandbox.example.com/v1\n",
            &format!("  sandbox_url: https://sandbox.example.com/v1\n  payment_page: {page}\n"),
        )
    };
    type Case<'a> = (String, Vec<(u32, u32, &'a str)>);
    let cases: Vec<Case> = vec![
        (
            with("{ link: create_payment, signed_form: none }"),
            vec![(9, 25, "`create_payment` is not `endpoint.field`")],
        ),
        (
            with("{ link: pay.url, signed_form: none }"),
            vec![(9, 25, "`payment_page.link` names no endpoint `pay`")],
        ),
        (
            with("{ link: create_payment.url, signed_form: none }"),
            vec![(9, 25, "the response of `create_payment` has no field `url`")],
        ),
        (
            with("{ signed_form: none }"),
            vec![(9, 17, "`payment_page` gives neither a `link` nor a `note`")],
        ),
        (
            with("{ link: create_payment.id, signed_form: signed }"),
            vec![(9, 57, "unknown variant `signed`, expected one of none")],
        ),
        (
            with("{ link: create_payment.id, signed_form: none }"),
            vec![],
        ),
        (
            with("{ signed_form: none, note: The docs describe none. }"),
            vec![],
        ),
    ];
    for (text, want) in cases {
        let want: Vec<(u32, u32, String)> = want
            .into_iter()
            .map(|(l, c, m)| (l, c, m.to_string()))
            .collect();
        assert_eq!(diagnose(text.as_bytes()), want, "{text}");
    }
}
