//! Doc sync as a user meets it, with the real binary in scratch folders: citations checked
//! by `validate` (located at the citation), `payspec lock`, and `payspec check` reporting an
//! edited, a new and a removed doc part (with the spec items citing it), but not moved text.
//! Also: the parts found in each of the five vendored docs.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_payspec");

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A scratch repository, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        static N: AtomicUsize = AtomicUsize::new(0);
        let root = std::env::temp_dir().join(format!(
            "payspec-docs-{}-{name}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("specs")).expect("mkdir");
        Scratch(root)
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.0.join(rel)).expect("read")
    }

    /// Runs the binary here: (exit code, stdout, stderr).
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = Command::new(BIN)
            .args(args)
            .current_dir(&self.0)
            .output()
            .expect("run payspec");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const DOC: &str = "\
# Shop API

Every call carries `token`.

## Create order
POST /orders

### Answer
{\"id\": 1}

## List orders
GET /orders

### Answer
[{\"id\": 1}]
";

/// A spec citing DOC; line 19 holds the list endpoint's citation (column 13).
const SPEC: &str = "\
payspec: 1
provider:
  name: Shop
  crate: shop
  base_url: https://shop.example
  docs:
    - { id: api, title: Shop API, file: ../docs/shop.md }
errors: {}
types:
  Order:
    source: api#Create order > Answer
    fields:
      id: { type: integer }
endpoints:
  create_order:
    summary: Create.
    path: /orders
    method: POST
    source: api#Create order
    response: { type: Order }
  list_orders:
    summary: List.
    path: /orders
    method: GET
    source: api#List orders
    response: { type: array, items: Order }
";

fn shop(name: &str) -> Scratch {
    let s = Scratch::new(name);
    s.write("docs/shop.md", DOC);
    s.write("specs/shop.yaml", SPEC);
    s
}

/// `payspec check`, which also generates nothing: it is run right after `generate`.
fn check(s: &Scratch) -> (i32, String, String) {
    let (code, _, err) = s.run(&["generate"]);
    assert_eq!(code, 0, "generate: {err}");
    s.run(&["check"])
}

#[test]
fn validate_reports_coverage_and_locates_bad_citations() {
    let s = shop("validate");
    let (code, out, err) = s.run(&["validate"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("doc coverage: 4/5 parts cited (80%), 0 item(s) with `source: none`"),
        "{out}"
    );

    let cases: [(&str, &str, &str); 6] = [
        (
            "source: api#List orders",
            "source: api#Delete orders",
            "specs/shop.yaml:25:13",
        ),
        (
            "source: api#List orders",
            "source: api#Answer",
            "specs/shop.yaml:25:13",
        ),
        (
            "source: api#List orders",
            "source: shop#List orders",
            "specs/shop.yaml:25:13",
        ),
        (
            "source: api#List orders",
            "source: List orders",
            "specs/shop.yaml:25:13",
        ),
        ("    source: api#List orders\n", "", "specs/shop.yaml:22:5"),
        (
            "source: api#List orders",
            "source: none",
            "specs/shop.yaml:25:13",
        ),
    ];
    let messages = [
        "no part of the doc is headed `Delete orders` in doc `api`",
        "`Answer` names 2 parts",
        "doc `shop` is not declared",
        "`List orders` is not a citation: no `#`",
        "`endpoints.list_orders` cites no part of the docs",
        "`endpoints.list_orders` says `source: none` but has no `note:`",
    ];
    for ((from, to, at), message) in cases.iter().zip(messages) {
        s.write("specs/shop.yaml", &SPEC.replace(from, to));
        let (code, _, err) = s.run(&["validate"]);
        assert_eq!(code, 1, "{to:?}: {err}");
        assert!(err.contains(message), "{to:?}: {err}");
        assert!(err.contains(at), "{to:?} should be located at {at}: {err}");
    }
}

#[test]
fn check_needs_a_lock_and_passes_once_written() {
    let s = shop("lock");
    let (code, _, err) = check(&s);
    assert_eq!(code, 1);
    assert!(err.contains("specs/shop.lock.json: no doc lock"), "{err}");
    let (code, out, _) = s.run(&["lock"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("specs/shop.lock.json: written (4/5 parts cited)"),
        "{out}"
    );
    let lock = s.read("specs/shop.lock.json");
    assert!(
        lock.contains(
            "\"path\": [\n            \"Shop API\",\n            \"List orders\"\n          ]"
        ),
        "{lock}"
    );
    let (code, out, err) = check(&s);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("docs of 1 spec(s) as locked"), "{out}");
    assert_eq!(s.run(&["lock"]).1, "specs/shop.lock.json: up to date\n");
}

#[test]
fn an_edited_part_is_shown_with_the_items_citing_it() {
    let s = shop("edited");
    s.run(&["lock"]);
    s.write(
        "docs/shop.md",
        &DOC.replace("[{\"id\": 1}]", "[{\"id\": 1, \"total\": 2}]"),
    );
    let (code, _, err) = check(&s);
    assert_eq!(code, 1);
    assert!(
        err.contains("doc `api` (../docs/shop.md): part `Shop API > List orders > Answer` changed (now at line 14)"),
        "{err}"
    );
    assert!(
        err.contains("    - [{\"id\": 1}]\n    + [{\"id\": 1, \"total\": 2}]"),
        "{err}"
    );
    // The list endpoint cites the section holding the part; the type and the other
    // endpoint cite other parts.
    assert!(
        err.contains("  cited by:\n    specs/shop.yaml:25:13  endpoints.list_orders\n"),
        "{err}"
    );
    assert!(
        !err.contains("types.Order") && !err.contains("create_order"),
        "{err}"
    );
    assert!(
        err.contains("1 doc part(s) changed since the lock"),
        "{err}"
    );
    // Accepting the docs turns check green.
    s.run(&["lock"]);
    assert_eq!(check(&s).0, 0);
}

#[test]
fn a_new_part_is_reported_as_not_cited() {
    let s = shop("added");
    s.run(&["lock"]);
    s.write(
        "docs/shop.md",
        &format!("{DOC}\n## Refund order\nPOST /refunds\n"),
    );
    let (code, _, err) = check(&s);
    assert_eq!(code, 1);
    assert!(
        err.contains("part `Shop API > Refund order` new (line 17), not cited by the spec\n    + ## Refund order\n    + POST /refunds\n  no spec item cites it"),
        "{err}"
    );
    let (_, out, _) = s.run(&["docs"]);
    assert!(
        out.contains("UNCITED    17  Shop API > Refund order"),
        "{out}"
    );
}

#[test]
fn a_removed_part_names_the_items_that_cited_it() {
    let s = shop("removed");
    s.run(&["lock"]);
    let cut = DOC.find("## List orders").expect("section");
    s.write("docs/shop.md", &DOC[..cut]);
    let (code, _, err) = s.run(&["validate"]);
    // The citation no longer resolves, so the spec is invalid until it is updated.
    assert_eq!(code, 1);
    assert!(
        err.contains("no part of the doc is headed `List orders`"),
        "{err}"
    );
    s.write(
        "specs/shop.yaml",
        &SPEC.replace(
            "source: api#List orders",
            "source: none\n    note: Gone from the docs.",
        ),
    );
    let (code, _, err) = check(&s);
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "part `Shop API > List orders` removed\n    - ## List orders\n    - GET /orders"
        ),
        "{err}"
    );
    assert!(
        err.contains("part `Shop API > List orders > Answer` removed"),
        "{err}"
    );
    assert!(err.contains("2 doc part(s) changed"), "{err}");
}

#[test]
fn moved_text_reports_nothing() {
    let s = shop("moved");
    s.run(&["lock"]);
    let cut = DOC.find("## List orders").expect("section");
    let (head, tail) = DOC.split_at(cut);
    let (title, create) = head.split_at(DOC.find("## Create order").expect("create"));
    // The sections swap places, lines shift, trailing spaces and blank lines change.
    s.write(
        "docs/shop.md",
        &format!(
            "{title}\n\n{tail}\n\n{}",
            create.replace("POST /orders", "POST /orders   ")
        ),
    );
    let (code, out, err) = check(&s);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("docs of 1 spec(s) as locked"), "{out}");
}

#[test]
fn one_changed_character_in_a_real_doc_names_the_real_spec_items() {
    let s = Scratch::new("real");
    for f in ["tegro-money.yaml", "tegro-money.lock.json"] {
        s.write(
            &format!("specs/{f}"),
            &std::fs::read_to_string(repo().join("specs").join(f)).expect("spec"),
        );
    }
    for f in [
        "tegro-money-api-reference.txt",
        "tegro-money-python-readme.md",
    ] {
        s.write(
            &format!("docs/providers/{f}"),
            &std::fs::read_to_string(repo().join("docs/providers").join(f)).expect("doc"),
        );
    }
    assert_eq!(
        check(&s).0,
        0,
        "the committed lock matches the committed docs"
    );
    let doc = s.read("docs/providers/tegro-money-api-reference.txt");
    s.write(
        "docs/providers/tegro-money-api-reference.txt",
        &doc.replace("\"RUB\": \"1396.68\"", "\"RUB\": \"1396.69\""),
    );
    let (code, _, err) = check(&s);
    assert_eq!(code, 1);
    assert!(err.contains("part `POST https://tegro.money/api/balance/ (Получение баланса всех кошельков) > Ответ` changed"), "{err}");
    for item in ["types.Currency", "types.Balance", "endpoints.balance"] {
        assert!(
            err.contains(&format!("  {item}\n")),
            "{item} is named: {err}"
        );
    }
    assert!(err.contains("specs/tegro-money.yaml:"), "{err}");
}

/// The parts of each vendored doc, as the specs' heading rules find them.
#[test]
fn every_vendored_doc_splits_into_its_sections() {
    let s = Scratch::new("listing");
    let (code, out, err) = Command::new(BIN)
        .args(["docs"])
        .current_dir(repo())
        .output()
        .map(|o| {
            (
                o.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&o.stdout).into_owned(),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        })
        .expect("run");
    drop(s);
    assert_eq!(code, 0, "{err}");
    for (doc, parts, samples) in [
        (
            "products",
            22,
            &[
                "Получение параметров всех продуктов > Ответ > Пример ответа",
                "Обновление продукта > Запрос",
            ][..],
        ),
        (
            "payments",
            11,
            &[
                "API paymetns (ПРИЕМ) > 2. Update status",
                "API paymetns (ПРИЕМ) > My webhooks > 3. Change sum",
            ][..],
        ),
        (
            "api",
            16,
            &[
                "Получение квитанции: > Передаваемые параметры запроса:",
                "Ошибки:",
            ][..],
        ),
        (
            "reference",
            21,
            &["POST https://tegro.money/api/withdrawal/ > Пример запроса"][..],
        ),
        (
            "readme",
            23,
            &["Начало работы > Проверка выплаты > Пример запроса:"][..],
        ),
    ] {
        let head = format!("doc `{doc}` (");
        let at = out
            .find(&head)
            .unwrap_or_else(|| panic!("no listing of {doc}: {out}"));
        let section = &out[at..];
        let first = section.lines().next().unwrap_or("");
        assert!(
            first.ends_with(&format!("/{parts} parts cited")),
            "{doc}: {first}"
        );
        let body: String = section
            .lines()
            .skip(1)
            .take_while(|l| l.starts_with("  "))
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(body.lines().count(), parts, "{doc}");
        for want in samples {
            assert!(body.contains(want), "{doc} has part {want}: {body}");
        }
    }
}
