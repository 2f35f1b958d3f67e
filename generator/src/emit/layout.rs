//! The layout of generated Rust: prettyplease, plus what a person would add by hand — a
//! blank line between items, at the top level and inside `impl` blocks and inline modules.
//!
//! Each member is printed by prettyplease inside its real (otherwise empty) block and cut
//! out of it, so no line is re-indented by hand and multi-line string literals keep their
//! exact bytes.

/// Formats a file: its inner attributes, then each item, one blank line apart (imports
/// together).
#[cfg(test)]
pub fn unparse(mut file: syn::File) -> String {
    let items = std::mem::take(&mut file.items);
    let mut out = Layout::new(&file);
    for item in items {
        out.push(item);
    }
    out.finish()
}

/// Parses and formats a file item by item: only one item's syntax tree is alive at a time,
/// so a crate of thousands of endpoints lays out in bounded memory. `inner` is added to the
/// file's inner attributes.
pub fn unparse_tokens(
    tokens: proc_macro2::TokenStream,
    inner: syn::Attribute,
) -> syn::Result<String> {
    use syn::parse::Parser;
    let parse = |input: syn::parse::ParseStream<'_>| -> syn::Result<String> {
        let mut head: syn::File = syn::parse_quote!();
        head.attrs = input.call(syn::Attribute::parse_inner)?;
        head.attrs.push(inner);
        let mut out = Layout::new(&head);
        while !input.is_empty() {
            out.push(input.parse()?);
        }
        Ok(out.finish())
    };
    parse.parse2(tokens)
}

/// Text being laid out, item after item.
struct Layout {
    out: String,
    previous_was_use: bool,
}

impl Layout {
    /// Starts with the file's inner attributes and doc comments.
    fn new(head: &syn::File) -> Layout {
        Layout {
            out: prettyplease::unparse(head),
            previous_was_use: false,
        }
    }

    /// Adds an item: imports stay together; everything else is set apart.
    fn push(&mut self, item: syn::Item) {
        let is_use = matches!(item, syn::Item::Use(_));
        let same_group = is_use && self.previous_was_use;
        if !self.out.is_empty() && !same_group {
            self.out.push('\n');
        }
        self.previous_was_use = is_use;
        self.out.push_str(&item_text(item));
    }

    fn finish(self) -> String {
        self.out
    }
}

/// One item, with blank lines between the members of an `impl` block or inline module.
fn item_text(item: syn::Item) -> String {
    match item {
        syn::Item::Impl(mut block) if block.items.len() > 1 => {
            let members = std::mem::take(&mut block.items);
            let parts = members.into_iter().map(|m| {
                let mut one_member = block.clone();
                one_member.items = vec![m];
                syn::Item::Impl(one_member)
            });
            join_members(syn::Item::Impl(block.clone()), parts)
        }
        syn::Item::Mod(mut module) if module.content.as_ref().is_some_and(|(_, v)| v.len() > 1) => {
            let members = module
                .content
                .as_mut()
                .map(|(_, v)| std::mem::take(v))
                .unwrap_or_default();
            let parts = members.into_iter().map(|m| {
                let mut one_member = module.clone();
                if let Some((_, v)) = one_member.content.as_mut() {
                    *v = vec![m];
                }
                syn::Item::Mod(one_member)
            });
            join_members(syn::Item::Mod(module.clone()), parts)
        }
        other => one(other),
    }
}

/// The block `empty` (printed as `head {}`) with each of `parts` (the same block holding one
/// member) cut out between its braces, one blank line apart.
fn join_members(empty: syn::Item, parts: impl Iterator<Item = syn::Item>) -> String {
    let shell = one(empty);
    let Some(head) = shell.strip_suffix("{}\n") else {
        return shell;
    };
    let open = format!("{head}{{\n");
    let members: Vec<String> = parts
        .map(|p| {
            let text = one(p);
            text.strip_prefix(&open)
                .and_then(|t| t.strip_suffix("}\n"))
                .map(str::to_string)
                .unwrap_or(text)
        })
        .collect();
    format!("{open}{}}}\n", members.join("\n"))
}

fn one(item: syn::Item) -> String {
    let mut file: syn::File = syn::parse_quote!();
    file.items.push(item);
    prettyplease::unparse(&file)
}

#[cfg(test)]
mod tests {
    use super::unparse;

    #[test]
    fn items_and_impl_members_are_one_blank_line_apart_and_literals_are_kept() {
        let source = "//! Doc.\nuse a::b; use c::d;\n/// A.\npub struct A;\nimpl A {\n/// One.\npub fn one() -> &'static str { \"x\n  y\n}\" }\nconst TWO: u8 = 2;\n}\nmod m { fn f() {} fn g() {} }";
        let file: syn::File = syn::parse_str(source).expect("parses");
        assert_eq!(
            unparse(file),
            "//! Doc.\n\nuse a::b;\nuse c::d;\n\n/// A.\npub struct A;\n\nimpl A {\n    /// One.\n    pub fn one() -> &'static str {\n        \"x\n  y\n}\"\n    }\n\n    const TWO: u8 = 2;\n}\n\nmod m {\n    fn f() {}\n\n    fn g() {}\n}\n"
        );
    }
}
