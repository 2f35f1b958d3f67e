//! `payspec diff` classification, one row per kind of spec change: each row edits a base spec
//! and states exactly which changes (level and item) the diff must list. Then the binary:
//! exit codes, `--format json`, `--git`.

#[path = "common/git.rs"]
mod git;

use payspec::diff::{self, Level};
use payspec::spec::load_without_docs;

const BASE: &str = r#"payspec: 1
provider:
  name: Shop
  crate: shop
  version: 0.3.1
  base_url: https://api.shop.example
credentials:
  shop_id: { description: Shop id., example: s1 }
  key: { description: Signing key., secret: true, example: k }
auth:
  signed:
    inject:
      shop_id: { credential: shop_id }
    signature:
      algorithm: hmac-sha256
      key: key
      message: body
      header: Signature
defaults:
  auth: signed
  method: POST
envelope:
  status_field: status
  success: ok
  error: fail
  message_field: message
  data_field: data
errors:
  in_envelope: true
  statuses:
    500: { description: Broken., retryable: true }
  cases:
    not_found: { message: No such order }
types:
  Status:
    enum: string
    values:
      - value: new
      - { value: paid, description: Paid. }
  Customer:
    fields:
      email: { type: string }
  Order:
    description: An order.
    fields:
      id: { type: integer }
      amount: { type: decimal, wire: string }
      status: { type: Status }
      url: { type: string }
endpoints:
  create_order:
    summary: Create an order.
    path: /orders
    request:
      fields:
        amount: { type: decimal }
        customer: { type: Customer }
        comment: { type: string, optional: true, max_length: 100 }
    response: { type: Order }
  get_order:
    summary: Read an order.
    method: GET
    path: /orders/{id}
    request:
      fields:
        id: { type: integer, in: path }
        expand: { type: boolean, in: query, optional: true }
    response: { type: Order }
webhooks:
  paid:
    summary: An order was paid.
    encoding: json
    auth: signed
    fields:
      id: { type: integer }
      amount: { type: decimal, wire: string }
    examples:
      - request: '{"id": 1, "amount": "5"}'
"#;

/// A row: what it is, the edits (each `from` occurs once in BASE), and the expected
/// (level, item) pairs, in any order.
type Row = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static [(Level, &'static str)],
);

use Level::{Additive as A, Breaking as B, NoApiChange as N};

const ROWS: &[Row] = &[
    ("nothing", &[], &[]),
    (
        "endpoint removed",
        &[(
            "  get_order:\n    summary: Read an order.\n    method: GET\n    path: /orders/{id}\n    request:\n      fields:\n        id: { type: integer, in: path }\n        expand: { type: boolean, in: query, optional: true }\n    response: { type: Order }\n",
            "",
        )],
        &[(B, "endpoints.get_order")],
    ),
    (
        "endpoint added",
        &[(
            "webhooks:\n",
            "  list_orders:\n    summary: List.\n    method: GET\n    path: /orders\n    response: { type: array, items: Order }\nwebhooks:\n",
        )],
        &[(A, "endpoints.list_orders")],
    ),
    (
        "endpoint renamed",
        &[("  get_order:\n", "  read_order:\n")],
        &[(B, "endpoints.read_order")],
    ),
    (
        "path changed",
        &[("path: /orders/{id}", "path: /order/{id}")],
        &[(B, "endpoints.get_order")],
    ),
    (
        "method changed",
        &[(
            "    method: GET\n    path: /orders/{id}",
            "    method: DELETE\n    path: /orders/{id}",
        )],
        &[(B, "endpoints.get_order")],
    ),
    (
        "auth of an endpoint dropped",
        &[(
            "    summary: Read an order.\n",
            "    summary: Read an order.\n    auth: none\n",
        )],
        &[(B, "endpoints.get_order")],
    ),
    (
        "new required request field",
        &[(
            "        comment: { type: string, optional: true, max_length: 100 }\n",
            "        comment: { type: string, optional: true, max_length: 100 }\n        currency: { type: string }\n",
        )],
        &[(B, "endpoints.create_order.request.fields.currency")],
    ),
    (
        "new optional request field",
        &[(
            "        comment: { type: string, optional: true, max_length: 100 }\n",
            "        comment: { type: string, optional: true, max_length: 100 }\n        note: { type: string, optional: true }\n",
        )],
        &[(A, "endpoints.create_order.request.fields.note")],
    ),
    (
        "request field removed",
        &[(
            "        expand: { type: boolean, in: query, optional: true }\n",
            "",
        )],
        &[(B, "endpoints.get_order.request.fields.expand")],
    ),
    (
        "request field optional to required",
        &[(
            "comment: { type: string, optional: true, max_length: 100 }",
            "comment: { type: string, max_length: 100 }",
        )],
        &[(B, "endpoints.create_order.request.fields.comment")],
    ),
    (
        "request field required to optional",
        &[(
            "        amount: { type: decimal }\n        customer",
            "        amount: { type: decimal, optional: true }\n        customer",
        )],
        &[(B, "endpoints.create_order.request.fields.amount")],
    ),
    (
        "request field type changed",
        &[(
            "        amount: { type: decimal }\n        customer",
            "        amount: { type: integer }\n        customer",
        )],
        &[(B, "endpoints.create_order.request.fields.amount")],
    ),
    (
        "request field wire form changed",
        &[(
            "        amount: { type: decimal }\n        customer",
            "        amount: { type: decimal, wire: string }\n        customer",
        )],
        &[(B, "endpoints.create_order.request.fields.amount")],
    ),
    (
        "request field moved to the query",
        &[(
            "        expand: { type: boolean, in: query, optional: true }",
            "        expand: { type: boolean, in: header, optional: true }",
        )],
        &[(B, "endpoints.get_order.request.fields.expand")],
    ),
    (
        "request field renamed on the wire",
        &[(
            "comment: { type: string, optional: true, max_length: 100 }",
            "comment: { type: string, optional: true, max_length: 100, wire_name: note }",
        )],
        &[(B, "endpoints.create_order.request.fields.comment")],
    ),
    (
        "request field constraint changed",
        &[(
            "optional: true, max_length: 100 }",
            "optional: true, max_length: 50 }",
        )],
        &[(N, "endpoints.create_order.request.fields.comment")],
    ),
    (
        "response field added",
        &[(
            "      url: { type: string }\n",
            "      url: { type: string }\n      fee: { type: decimal, optional: true }\n",
        )],
        &[(A, "types.Order.fields.fee")],
    ),
    (
        "response field removed",
        &[("      url: { type: string }\n", "")],
        &[(B, "types.Order.fields.url")],
    ),
    (
        "response field renamed",
        &[(
            "      url: { type: string }\n",
            "      payment_url: { type: string }\n",
        )],
        &[(B, "types.Order.fields.payment_url")],
    ),
    (
        "response field made nullable",
        &[(
            "      url: { type: string }\n",
            "      url: { type: string, nullable: true }\n",
        )],
        &[(B, "types.Order.fields.url")],
    ),
    (
        "field of a type used in requests made required",
        &[(
            "      email: { type: string }\n",
            "      email: { type: string }\n      phone: { type: string }\n",
        )],
        &[(B, "types.Customer.fields.phone")],
    ),
    (
        "enum value added (open enum)",
        &[(
            "      - { value: paid, description: Paid. }\n",
            "      - { value: paid, description: Paid. }\n      - value: refunded\n",
        )],
        &[(A, "types.Status")],
    ),
    (
        "enum value removed",
        &[("      - value: new\n", "")],
        &[(B, "types.Status")],
    ),
    (
        "enum variant renamed",
        &[(
            "      - { value: paid, description: Paid. }",
            "      - { value: paid, name: settled, description: Paid. }",
        )],
        &[(B, "types.Status")],
    ),
    (
        "enum kind changed",
        &[(
            "  Status:\n    enum: string\n    values:\n      - value: new\n      - { value: paid, description: Paid. }",
            "  Status:\n    enum: integer\n    values:\n      - { value: \"0\", name: new }\n      - { value: \"1\", name: paid, description: Paid. }",
        )],
        &[(B, "types.Status")],
    ),
    (
        "type renamed",
        &[
            ("  Customer:\n", "  Buyer:\n"),
            ("customer: { type: Customer }", "customer: { type: Buyer }"),
        ],
        &[
            (B, "types.Buyer"),
            (B, "endpoints.create_order.request.fields.customer"),
        ],
    ),
    (
        "response type changed",
        &[(
            "    response: { type: Order }\n  get_order:",
            "    response: { type: Customer }\n  get_order:",
        )],
        &[(B, "endpoints.create_order.response")],
    ),
    (
        "success status changed",
        &[(
            "    response: { type: Order }\n  get_order:",
            "    response: { type: Order, status: 201 }\n  get_order:",
        )],
        &[(N, "endpoints.create_order.response")],
    ),
    (
        "signing recipe changed",
        &[(
            "      message: body\n",
            "      message: body\n      encoding: base64\n",
        )],
        &[(B, "auth.signed")],
    ),
    (
        "credential added",
        &[(
            "  key: { description: Signing key., secret: true, example: k }\n",
            "  key: { description: Signing key., secret: true, example: k }\n  terminal: { description: Terminal id. }\n",
        )],
        &[(B, "credentials.terminal")],
    ),
    (
        "credential removed",
        &[
            ("  shop_id: { description: Shop id., example: s1 }\n", ""),
            ("    inject:\n      shop_id: { credential: shop_id }\n", ""),
        ],
        &[(B, "credentials.shop_id"), (B, "auth.signed")],
    ),
    (
        "envelope field changed",
        &[("  data_field: data", "  data_field: result")],
        &[(B, "envelope")],
    ),
    (
        "errors read elsewhere",
        &[(
            "errors:\n  in_envelope: true\n",
            "errors:\n  in_envelope: false\n",
        )],
        &[(B, "errors")],
    ),
    (
        "retryable status added",
        &[(
            "    500: { description: Broken., retryable: true }\n",
            "    500: { description: Broken., retryable: true }\n    409: { description: Busy., retryable: true }\n",
        )],
        &[(A, "errors.statuses"), (N, "errors")],
    ),
    (
        "mock error answer changed",
        &[("No such order", "Order not found")],
        &[(N, "errors.cases")],
    ),
    (
        "webhook field added",
        &[(
            "webhooks:\n  paid:\n    summary: An order was paid.\n    encoding: json\n    auth: signed\n    fields:\n      id: { type: integer }\n",
            "webhooks:\n  paid:\n    summary: An order was paid.\n    encoding: json\n    auth: signed\n    fields:\n      id: { type: integer }\n      fee: { type: decimal, optional: true }\n",
        )],
        &[(A, "webhooks.paid.fields.fee")],
    ),
    (
        "webhook removed",
        &[(
            "webhooks:\n  paid:\n    summary: An order was paid.\n    encoding: json\n    auth: signed\n    fields:\n      id: { type: integer }\n      amount: { type: decimal, wire: string }\n    examples:\n      - request: '{\"id\": 1, \"amount\": \"5\"}'\n",
            "",
        )],
        &[(B, "webhooks.paid")],
    ),
    (
        "summary and description edited",
        &[
            ("Read an order.", "Read one order."),
            (
                "    description: An order.\n",
                "    description: One order.\n",
            ),
        ],
        &[(N, "endpoints.get_order"), (N, "types.Order")],
    ),
    (
        "example edited",
        &[("\"amount\": \"5\"", "\"amount\": \"7\"")],
        &[(N, "webhooks.paid.examples")],
    ),
    (
        "webhook method changed",
        &[(
            "    summary: An order was paid.\n",
            "    summary: An order was paid.\n    method: PUT\n",
        )],
        &[(B, "webhooks.paid")],
    ),
    (
        "webhook method written out as the default",
        &[(
            "    summary: An order was paid.\n",
            "    summary: An order was paid.\n    method: POST\n",
        )],
        &[],
    ),
    (
        "webhook discriminator added",
        &[(
            "    summary: An order was paid.\n",
            "    summary: An order was paid.\n    discriminator: { field: id, values: [\"1\"] }\n",
        )],
        &[(B, "webhooks.paid")],
    ),
    (
        "webhook reply changed",
        &[(
            "    summary: An order was paid.\n",
            "    summary: An order was paid.\n    reply: { status: 200, content_type: text/plain, body: OK }\n",
        )],
        &[(A, "webhooks.paid")],
    ),
    (
        "webhook reply written out as the default, with a note",
        &[(
            "    summary: An order was paid.\n",
            "    summary: An order was paid.\n    reply: { status: 200, note: Undocumented. }\n",
        )],
        &[],
    ),
    (
        "note added",
        &[(
            "    summary: Create an order.\n",
            "    summary: Create an order.\n    note: The docs are vague here.\n",
        )],
        &[(N, "endpoints.create_order")],
    ),
    (
        "production URL changed",
        &[(
            "base_url: https://api.shop.example",
            "base_url: https://api2.shop.example",
        )],
        &[(B, "provider.base_url")],
    ),
    (
        "sandbox URL added",
        &[(
            "  base_url: https://api.shop.example\n",
            "  base_url: https://api.shop.example\n  sandbox_url: https://sandbox.shop.example\n",
        )],
        &[(A, "provider.sandbox_url")],
    ),
    (
        "version bumped",
        &[("version: 0.3.1", "version: 0.4.0")],
        &[(N, "provider.version")],
    ),
];

fn try_changes(text: &str) -> Result<Vec<diff::Change>, String> {
    let old =
        load_without_docs("old.yaml", BASE.as_bytes()).map_err(|(_, d)| format!("base: {d:?}"))?;
    let new = load_without_docs("new.yaml", text.as_bytes()).map_err(|(_, d)| {
        let msgs: Vec<String> = d
            .iter()
            .map(|x| format!("{}: {}", x.loc, x.message))
            .collect();
        format!("the edited spec is invalid: {msgs:?}")
    })?;
    Ok(diff::diff(&old.spec, &new.spec))
}

fn changes(text: &str) -> Vec<diff::Change> {
    try_changes(text).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_kind_of_change_is_classified() {
    assert!(ROWS.len() >= 30, "{} rows", ROWS.len());
    let mut failures = Vec::new();
    for (name, edits, want) in ROWS {
        let mut text = BASE.to_string();
        for (from, to) in *edits {
            assert_eq!(
                text.matches(from).count(),
                1,
                "{name}: `{from}` must occur once"
            );
            text = text.replacen(from, to, 1);
        }
        let got: Vec<(Level, String)> = match try_changes(&text) {
            Ok(c) => c.into_iter().map(|c| (c.level, c.item)).collect(),
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let mut got_sorted = got.clone();
        got_sorted.sort();
        let mut want_sorted: Vec<(Level, String)> =
            want.iter().map(|(l, i)| (*l, i.to_string())).collect();
        want_sorted.sort();
        if got_sorted != want_sorted {
            failures.push(format!("{name}: expected {want_sorted:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_new_webhook_is_additive_and_every_change_is_located() {
    // A second webhook at the same URL needs discriminators on both: the first one's is
    // new, so bodies without `amount` no longer verify as `paid` (breaking).
    let with_route = BASE.replace(
        "    auth: signed\n    fields:\n      id: { type: integer }\n      amount:",
        "    auth: signed\n    discriminator: { field: amount, present: true }\n    fields:\n      id: { type: integer }\n      amount:",
    );
    let text = format!(
        "{with_route}  refunded:\n    summary: Refunded.\n    encoding: json\n    auth: signed\n    discriminator: {{ field: id, values: [\"1\"] }}\n    fields:\n      id: {{ type: integer }}\n"
    );
    let ch = changes(&text);
    let got: Vec<(Level, &str, &str, u32)> = ch
        .iter()
        .map(|c| (c.level, c.item.as_str(), c.what.as_str(), c.loc.line))
        .collect();
    assert_eq!(
        got,
        [
            (
                Level::Breaking,
                "webhooks.paid",
                "discriminator changed",
                74
            ),
            (Level::Additive, "webhooks.refunded", "webhook added", 81),
        ]
    );
    // Breaking changes come first, each at a real line.
    let text = BASE.replace(
        "      url: { type: string }\n",
        "      fee: { type: integer, optional: true }\n",
    );
    let ch = changes(&text);
    assert_eq!(ch[0].level, Level::Breaking);
    assert!(ch.iter().all(|c| c.loc.line > 0), "{ch:?}");
}

mod binary {
    use std::path::PathBuf;
    use std::process::Command;

    const BIN: &str = env!("CARGO_BIN_EXE_payspec");

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("payspec-diff-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("mkdir");
        dir
    }

    fn run(dir: &PathBuf, args: &[&str]) -> (i32, String, String) {
        let o = Command::new(BIN)
            .args(args)
            .current_dir(dir)
            .output()
            .expect("run");
        (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    }

    #[test]
    fn exit_codes_text_and_json() {
        let dir = scratch("exit");
        std::fs::write(dir.join("old.yaml"), super::BASE).expect("write");
        std::fs::write(dir.join("same.yaml"), super::BASE).expect("write");
        std::fs::write(
            dir.join("more.yaml"),
            super::BASE.replace(
                "      url: { type: string }\n",
                "      url: { type: string }\n      fee: { type: decimal, optional: true }\n",
            ),
        )
        .expect("write");
        std::fs::write(
            dir.join("less.yaml"),
            super::BASE.replace("      url: { type: string }\n", ""),
        )
        .expect("write");

        let (code, out, _) = run(&dir, &["diff", "old.yaml", "same.yaml"]);
        assert_eq!(
            (code, out.as_str()),
            (0, "0 breaking, 0 additive, 0 without API change\n")
        );
        let (code, out, _) = run(&dir, &["diff", "old.yaml", "more.yaml"]);
        assert_eq!(code, 0, "additive only: {out}");
        assert!(
            out.starts_with(
                "additive       more.yaml:50:12  types.Order.fields.fee: new response field\n"
            ),
            "{out}"
        );
        let (code, out, _) = run(&dir, &["diff", "old.yaml", "less.yaml"]);
        assert_eq!(code, 1, "{out}");
        assert!(
            out.starts_with(
                "breaking       old.yaml:49:12  types.Order.fields.url: field removed\n"
            ),
            "{out}"
        );
        let (code, out, _) = run(&dir, &["diff", "old.yaml", "less.yaml", "--format", "json"]);
        assert_eq!(code, 1);
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        assert_eq!(v["breaking"], 1);
        assert_eq!(v["changes"][0]["item"], "types.Order.fields.url");
        assert_eq!(v["changes"][0]["file"], "old.yaml");
        assert_eq!(v["changes"][0]["line"], 49);

        for args in [
            &["diff", "old.yaml"][..],
            &["diff", "old.yaml", "missing.yaml"],
            &["diff", "old.yaml", "less.yaml", "--format", "xml"],
        ] {
            assert_eq!(run(&dir, args).0, 2, "{args:?}");
        }
        std::fs::write(dir.join("bad.yaml"), "payspec: 1\n").expect("write");
        let (code, _, err) = run(&dir, &["diff", "old.yaml", "bad.yaml"]);
        assert_eq!(code, 2);
        assert!(err.contains("bad.yaml: not a valid spec"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn git_compares_with_a_committed_version() {
        let dir = scratch("git");
        let git = |args: &[&str]| super::git::git(&dir, args);
        git(&["init", "-q"]);
        std::fs::write(dir.join("shop.yaml"), super::BASE).expect("write");
        git(&["add", "shop.yaml"]);
        git(&["commit", "-q", "-m", "base"]);
        std::fs::write(
            dir.join("shop.yaml"),
            super::BASE.replace("path: /orders/{id}", "path: /order/{id}"),
        )
        .expect("write");
        let (code, out, err) = run(&dir, &["diff", "--git", "HEAD", "shop.yaml"]);
        assert_eq!(code, 1, "{out}{err}");
        assert!(
            out.contains("endpoints.get_order: path `/orders/{id}` → `/order/{id}`"),
            "{out}"
        );
        assert_eq!(
            run(&dir, &["diff", "--git", "no-such-rev", "shop.yaml"]).0,
            2
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
