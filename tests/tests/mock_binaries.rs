//! Each provider's `<crate>-mock` binary as a user starts it: its output never contains a
//! secret credential (the docs' samples or one given with `--credential`), and a flag
//! without its value is a usage error (exit 2), not a silent default.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// (crate, secret credentials with their sample values).
fn providers() -> Vec<(&'static str, Vec<(String, String)>)> {
    let mut out = Vec::new();
    for krate in ["tegro-money", "m2cerber", "pegas-kassa", "begateway"] {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../specs/{krate}.yaml"));
        let loaded = payspec::spec::load(&path).expect("spec loads");
        let secrets = loaded
            .spec
            .credentials
            .iter()
            .filter(|(_, c)| c.secret)
            .map(|(n, c)| {
                (
                    n.clone(),
                    c.example
                        .as_ref()
                        .map(|e| e.value.clone())
                        .unwrap_or_default(),
                )
            })
            .collect();
        out.push((krate, secrets));
    }
    out
}

#[test]
fn no_mock_prints_a_secret_and_missing_values_are_usage_errors() {
    for (krate, secrets) in providers() {
        let bin = payspec_tests::mock_binary(krate);
        // Once with the docs' samples, once with values given on the command line.
        let given: Vec<(String, String)> = secrets
            .iter()
            .map(|(n, _)| (n.clone(), format!("given-{n}-Zq81")))
            .collect();
        for creds in [Vec::new(), given.clone()] {
            let mut cmd = Command::new(&bin);
            cmd.args(["--listen", "127.0.0.1:0"]);
            for (n, v) in &creds {
                cmd.args(["--credential", &format!("{n}={v}")]);
            }
            let mut child = cmd
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn");
            let mut out = String::new();
            let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
            while let Some(Ok(line)) = lines.next() {
                out.push_str(&line);
                out.push('\n');
                if line.starts_with("control API:") {
                    break;
                }
            }
            let _ = child.kill();
            let _ = child.wait();
            assert!(
                out.contains("listening on http://127.0.0.1:"),
                "{krate}: {out}"
            );
            for (name, value) in secrets.iter().chain(&given) {
                assert!(
                    out.contains(&format!("  {name} = (secret, not shown)")),
                    "{krate}: {out}"
                );
                if !value.is_empty() {
                    assert!(
                        !out.contains(value.as_str()),
                        "{krate} printed the secret {name}: {out}"
                    );
                }
            }
        }
        for flag in ["--listen", "--credential", "--webhook-url"] {
            let o = Command::new(&bin).arg(flag).output().expect("run");
            assert_eq!(o.status.code(), Some(2), "{krate} {flag}");
            assert!(
                String::from_utf8_lossy(&o.stderr).contains("needs"),
                "{krate} {flag}"
            );
        }
    }
}
