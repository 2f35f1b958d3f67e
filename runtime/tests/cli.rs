//! The `<crate>-mock` command's arguments and start-up lines, on the test provider.
#![cfg(feature = "mock")]

mod shop;

use payspec_runtime::mock::cli::{Command, banner, parse};
use payspec_runtime::mock::{Config, StoreAt};

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

#[test]
fn arguments_are_read_and_usage_errors_named() {
    let spec = &shop::SPEC;
    match parse(
        spec,
        &args(&[
            "--listen",
            "127.0.0.1:9",
            "--credential",
            "token=t2",
            "--webhook-url",
            "http://h/x",
            "--store",
            "sqlite:state/shop.db",
        ]),
    ) {
        Ok(Command::Run(addr, c)) => {
            assert_eq!(addr.to_string(), "127.0.0.1:9");
            assert_eq!(c.credentials, vec![("token".to_string(), "t2".to_string())]);
            assert_eq!(c.webhook_url.as_deref(), Some("http://h/x"));
            assert_eq!(c.store, StoreAt::Sqlite("state/shop.db".into()));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(parse(spec, &[]), Ok(Command::Run(a, _)) if a.to_string() == "127.0.0.1:8080")
    );
    assert_eq!(parse(spec, &args(&["-h"])), Ok(Command::Help));
    for (bad, message) in [
        (&["--listen"][..], "--listen needs an address"),
        (&["--listen", "--help"], "--listen needs an address"),
        (&["--listen", "nowhere"], "`nowhere` is not an address"),
        (&["--credential", "nope=1"], "NAME one of: token"),
        (&["--credential", "token"], "NAME one of"),
        (&["--webhook-url"], "--webhook-url needs a URL"),
        (&["--store"], "--store needs memory or sqlite:PATH"),
        (
            &["--store", "sqlite:"],
            "`memory` or `sqlite:PATH`, not `sqlite:`",
        ),
        (&["--store", "postgres:x"], "not `postgres:x`"),
        (&["--verbose"], "unknown argument `--verbose`"),
    ] {
        let e = parse(spec, &args(bad)).expect_err("a usage error");
        assert!(e.contains(message), "{bad:?}: {e}");
    }
}

#[test]
fn secrets_are_never_printed() {
    let spec = &shop::SPEC;
    let config = Config {
        credentials: [("token".to_string(), "tok-SECRET-123".to_string())]
            .into_iter()
            .collect(),
        webhook_url: None,
        rsa_private_key: Some("-----BEGIN PRIVATE KEY-----".into()),
        base_url: String::new(),
        limits: Default::default(),
        store: Default::default(),
    };
    let text = banner("shop-mock", "http://127.0.0.1:1", spec, &config);
    assert!(text.contains("  token = (secret, not shown)\n"), "{text}");
    assert!(!text.contains("tok-SECRET-123"), "{text}");
    assert!(text.contains("\nstore: memory\n"), "{text}");
    let debug = format!("{config:?}");
    assert!(
        !debug.contains("tok-SECRET-123") && !debug.contains("BEGIN PRIVATE"),
        "{debug}"
    );
    assert!(debug.contains("\"token\""), "{debug}");
}
