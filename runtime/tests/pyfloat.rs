//! `wire::python_float` against Python's own `str(float(x))`, over 10,000+ values: random
//! doubles, boundaries, decimal strings of 1 to 25 digits, and probe values. Python computes
//! the expected texts here (`python3` must be on PATH; with `PAYSPEC_REQUIRE_TOOLS=1`, as in
//! CI, its absence fails the test instead of skipping it).

use std::io::Write;
use std::process::{Command, Stdio};

use payspec_runtime::wire::python_float;

/// A deterministic source of bits (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn inputs() -> Vec<String> {
    let mut rng = Rng(20261125);
    let mut out: Vec<String> = [
        "500",
        "0",
        "-0",
        "0.1",
        "12.50",
        "1e3",
        "1e16",
        "1e15",
        "9999999999999999",
        "1234567890123456.7",
        "0.0001",
        "0.00001",
        "1.5e-5",
        "1e309",
        "-1e309",
        "1e-400",
        "123456789012345678901234567890",
        "0.30000000000000004",
        "2.675",
        "1e22",
        "1e23",
        "9007199254740993",
        "4.35",
        "100.0",
        "5.",
        ".5",
        "+7",
        " 8 ",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // Random doubles over the whole range, written in shortest and in 17-digit form.
    while out.len() < 4_000 {
        let v = f64::from_bits(rng.next());
        if v.is_finite() {
            out.push(format!("{v:e}"));
            out.push(format!("{v:.16e}"));
        }
    }
    // Around the edges of Python's fixed and exponent forms, and of exact doubles.
    for e in [-7i32, -5, -4, -3, 0, 14, 15, 16, 17, 22, 308] {
        for m in ["1", "9.999999999999999", "1.0000000000000002", "5", "2.5"] {
            out.push(format!("{m}e{e}"));
            out.push(format!("-{m}e{e}"));
        }
    }
    for k in 50..=54u32 {
        let p = 2u64.pow(k);
        for d in [p - 1, p, p + 1] {
            out.push(d.to_string());
        }
    }
    // Decimal strings of 1 to 25 digits with the point anywhere, some with an exponent.
    while out.len() < 10_500 {
        let len = 1 + rng.below(25) as usize;
        let mut digits: String = (0..len)
            .map(|_| char::from(b'0' + rng.below(10) as u8))
            .collect();
        let point = rng.below(len as u64 + 1) as usize;
        if point < len {
            digits.insert(point, '.');
        }
        if digits.starts_with('.') {
            digits.insert(0, '0');
        }
        let text = match rng.below(4) {
            0 => format!("{digits}e{}", rng.below(40) as i64 - 20),
            1 => format!("-{digits}"),
            _ => digits,
        };
        out.push(text);
    }
    out
}

#[test]
fn python_float_is_pythons_str_of_float() {
    let inputs = inputs();
    assert!(inputs.len() >= 10_000);
    let child = Command::new("python3")
        .args([
            "-c",
            "import sys\nfor line in sys.stdin: print(str(float(line.rstrip('\\n'))))",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            assert!(
                std::env::var_os("PAYSPEC_REQUIRE_TOOLS").is_none(),
                "python3: {e}"
            );
            eprintln!("skipped: python3 is not installed ({e})");
            return;
        }
    };
    let mut stdin = child.stdin.take().expect("stdin");
    let text = inputs.join("\n") + "\n";
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let out = child.wait_with_output().expect("python3 runs");
    writer.join().expect("writer").expect("write");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(expected.len(), inputs.len());
    let differences: Vec<String> = inputs
        .iter()
        .zip(&expected)
        .filter(|(x, want)| python_float(x).as_deref() != Some(want.as_str()))
        .map(|(x, want)| format!("{x}: python {want}, ours {:?}", python_float(x)))
        .collect();
    assert!(
        differences.is_empty(),
        "{} of {} differ:\n{}",
        differences.len(),
        inputs.len(),
        differences[..differences.len().min(20)].join("\n")
    );
}
