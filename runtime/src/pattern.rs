//! Whole-value regular expression checks, with compiled patterns cached.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

static CACHE: OnceLock<Mutex<HashMap<&'static str, Option<regex_lite::Regex>>>> = OnceLock::new();

/// Whether `value` matches `pattern` as a whole. An invalid pattern matches everything.
pub fn full_match(pattern: &'static str, value: &str) -> bool {
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = cache.lock().unwrap_or_else(|p| p.into_inner());
    let re = map
        .entry(pattern)
        .or_insert_with(|| regex_lite::Regex::new(&format!("^(?:{pattern})$")).ok());
    re.as_ref().is_none_or(|r| r.is_match(value))
}
