//! Python's `str(float(x))`, for signatures a provider computes in Python (m2cerber signs
//! `str(float(sum))`): the text is rounded to the nearest double as Python's `float()` does,
//! then written by Python's repr rules — the shortest digits that round-trip, in exponent
//! form below 1e-4 and from 1e16 (`1e+16`, `1.5e-05`), `inf` past the largest double.
//!
//! This is the one place payspec uses a binary float, and never for an amount: only to write
//! a number's text the way the provider's Python code writes it.

/// Python's `str(float(text))` for a plain number (sign, digits, point, exponent, surrounding
/// whitespace); `None` for anything else.
pub fn python_float(text: &str) -> Option<String> {
    let t = text.trim();
    // The number syntax is checked first: Rust's parser also reads `inf`, `nan`, `infinity`.
    crate::wire::is_plain_number(t)?;
    let v: f64 = t.parse().ok()?;
    let sign = if v.is_sign_negative() { "-" } else { "" };
    if v.is_infinite() {
        return Some(format!("{sign}inf"));
    }
    if v == 0.0 {
        return Some(format!("{sign}0.0"));
    }
    // How many digits the shortest round-trip form has; then those digits correctly rounded
    // from the double's exact value. Where two shortest forms round-trip (the double lies
    // halfway, like 1000000000000000.25), this is the nearest, ties to even — Python's pick.
    let shortest = format!("{:e}", v.abs());
    let n = shortest
        .split_once('e')?
        .0
        .chars()
        .filter(char::is_ascii_digit)
        .count();
    let sci = format!("{:.*e}", n.saturating_sub(1), v.abs());
    let (mantissa, exp) = sci.split_once('e')?;
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exp: i64 = exp.parse().ok()?;
    let n = i64::try_from(digits.len()).ok()?;
    // value = 0.digits × 10^point
    let point = exp + 1;
    let body = if point <= -4 || point > 16 {
        let (first, rest) = digits.split_at_checked(1)?;
        let dot = if rest.is_empty() { "" } else { "." };
        let esign = if exp.is_negative() { '-' } else { '+' };
        format!("{first}{dot}{rest}e{esign}{:02}", exp.unsigned_abs())
    } else if point <= 0 {
        let zeros = usize::try_from(-point).ok()?;
        format!("0.{}{digits}", "0".repeat(zeros))
    } else if point >= n {
        let zeros = usize::try_from(point - n).ok()?;
        format!("{digits}{}.0", "0".repeat(zeros))
    } else {
        let (a, b) = digits.split_at_checked(usize::try_from(point).ok()?)?;
        format!("{a}.{b}")
    };
    Some(format!("{sign}{body}"))
}

#[cfg(test)]
mod tests {
    use super::python_float;

    #[test]
    fn what_python_prints() {
        for (x, want) in [
            ("500", "500.0"),
            ("12.50", "12.5"),
            ("0.1", "0.1"),
            ("1e3", "1000.0"),
            ("1e16", "1e+16"),
            ("9999999999999999", "1e+16"),
            ("1234567890123456.7", "1234567890123456.8"),
            ("0.0001", "0.0001"),
            ("0.00001", "1e-05"),
            ("1.5e-5", "1.5e-05"),
            ("-0", "-0.0"),
            ("1e309", "inf"),
            ("-1e309", "-inf"),
            (" 7 ", "7.0"),
            (".5", "0.5"),
            ("5.", "5.0"),
        ] {
            assert_eq!(python_float(x).as_deref(), Some(want), "{x}");
        }
        for bad in ["", "inf", "nan", "1_000", "0x10", "1e", "--1"] {
            assert_eq!(python_float(bad), None, "{bad}");
        }
    }
}
