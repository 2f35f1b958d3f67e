//! Versioned crates, with the real binary in a scratch git repository: `payspec check` fails
//! on a breaking change without the semver bump, `payspec bump` sets the version and records
//! the release, and the generated CHANGELOG.md lists it.

#[path = "common/git.rs"]
mod git;

use std::path::PathBuf;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_payspec");

const SPEC: &str = "\
payspec: 1
provider:
  name: Shop
  crate: shop
  version: 0.1.0
  base_url: https://shop.example
errors: {}
types:
  Order:
    fields:
      id: { type: integer }
      url: { type: string }
endpoints:
  get_order:
    summary: Read an order.
    method: GET
    path: /orders/{id}
    request:
      fields:
        id: { type: integer, in: path }
    response: { type: Order }
changelog:
  - version: 0.1.0
    changes:
      - First release.
";

struct Repo(PathBuf);

impl Repo {
    fn new(name: &str) -> Repo {
        let dir =
            std::env::temp_dir().join(format!("payspec-versions-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("specs")).expect("mkdir");
        let r = Repo(dir);
        r.git(&["init", "-q"]);
        r.write(SPEC);
        r.git(&["add", "-A"]);
        r.git(&["commit", "-q", "-m", "first"]);
        r
    }

    fn git(&self, args: &[&str]) {
        git::git(&self.0, args);
    }

    fn write(&self, spec: &str) {
        std::fs::write(self.0.join("specs/shop.yaml"), spec).expect("write");
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.0.join(rel)).expect("read")
    }

    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let o = Command::new(BIN)
            .args(args)
            .current_dir(&self.0)
            .output()
            .expect("run");
        (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    }

    /// Regenerates, then checks.
    fn check(&self) -> (i32, String, String) {
        assert_eq!(self.run(&["generate"]).0, 0);
        self.run(&["check"])
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_breaking_change_needs_a_bump_and_bump_records_it() {
    let r = Repo::new("breaking");
    assert_eq!(r.check().0, 0, "unchanged spec");
    r.write(&SPEC.replace(
        "      url: { type: string }\n",
        "      payment_url: { type: string }\n",
    ));
    let (code, _, err) = r.check();
    assert_eq!(code, 1);
    assert!(
        err.contains("specs/shop.yaml: breaking changes since HEAD, but the version is still 0.1.0 (semver needs 0.2.0):\n  types.Order.fields.payment_url: field renamed from `url`\n  run `payspec bump specs/shop.yaml`"),
        "{err}"
    );

    let (code, out, err) = r.run(&["bump"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            "specs/shop.yaml: 0.1.0 → 0.2.0 (1 breaking, 0 additive, 0 without API change)"
        ),
        "{out}"
    );
    let spec = r.read("specs/shop.yaml");
    assert!(spec.contains("  crate: shop\n  version: 0.2.0\n"), "{spec}");
    assert!(spec.contains("changelog:\n  - version: 0.2.0\n    changes:\n      - \"breaking: `types.Order.fields.payment_url`: field renamed from `url`\"\n  - version: 0.1.0\n"), "{spec}");
    let (code, _, err) = r.check();
    assert_eq!(code, 0, "{err}");
    let changelog = r.read("generated/shop/CHANGELOG.md");
    assert!(
        changelog.contains(
            "## 0.2.0\n\n- breaking: `types.Order.fields.payment_url`: field renamed from `url`\n"
        ),
        "{changelog}"
    );
    assert!(
        changelog.contains("## 0.1.0\n\n- First release.\n"),
        "{changelog}"
    );
    assert!(
        r.read("generated/shop/Cargo.toml")
            .contains("\nversion = \"0.2.0\"\n")
    );
    // Running it again redoes the same release instead of stacking another.
    r.run(&["bump"]);
    assert_eq!(r.read("specs/shop.yaml"), spec);
}

#[test]
fn additive_and_docs_changes_bump_the_patch_number_before_one() {
    let r = Repo::new("additive");
    r.write(&SPEC.replace(
        "      url: { type: string }\n",
        "      url: { type: string }\n      fee: { type: decimal, optional: true }\n",
    ));
    assert_eq!(r.check().0, 0, "an additive change does not fail check");
    let (_, out, _) = r.run(&["bump"]);
    assert!(
        out.contains("0.1.0 → 0.1.1 (0 breaking, 1 additive, 0 without API change)"),
        "{out}"
    );
    r.write(&SPEC.replace("Read an order.", "Read one order."));
    let (_, out, _) = r.run(&["bump"]);
    assert!(
        out.contains("0.1.0 → 0.1.1 (0 breaking, 0 additive, 1 without API change)"),
        "{out}"
    );
    assert!(
        r.read("specs/shop.yaml")
            .contains("      - \"1 change(s) to docs, notes, examples or mock behaviour.\"\n")
    );
    r.write(SPEC);
    let (_, out, _) = r.run(&["bump"]);
    assert_eq!(out, "specs/shop.yaml: no change since HEAD\n");
}

#[test]
fn versions_are_validated() {
    let r = Repo::new("validate");
    r.write(&SPEC.replace("  version: 0.1.0\n", "  version: 0.1\n"));
    let (code, _, err) = r.run(&["validate"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("version `0.1` is not `major.minor.patch`")
            && err.contains("specs/shop.yaml:5:12"),
        "{err}"
    );
    r.write(&SPEC.replace("  version: 0.1.0\n", "  version: 0.2.0\n"));
    let (code, _, err) = r.run(&["validate"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("the newest release is 0.1.0, but the crate's version is 0.2.0"),
        "{err}"
    );
}
