fn main() {
    let path = std::env::args().filter(|a| a != "validate").nth(1).unwrap_or_default();
    let src = std::fs::read_to_string(&path).unwrap_or_default();
    let mut opts = serde_saphyr::Options::default();
    opts.strict_booleans = true;
    opts.with_snippet = false;
    match serde_saphyr::from_str_with_options::<payspec::spec::Spec>(&src, opts) {
        Ok(t) => println!("parsed OK: {} endpoints", t.endpoints.len()),
        Err(e) => println!("ERR {:?} :: {}", e.location().map(|l| (l.line(), l.column())), e),
    }
}
