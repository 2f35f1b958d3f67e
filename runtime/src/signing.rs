//! Signing schemes as data: a [`Recipe`] says what is signed, with which key, how the digest
//! is written and where it travels; [`compute`] runs it. The client signs requests with it,
//! webhook verification and the mock server check signatures with the same code.

use crate::wire;

/// Digest algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    /// HMAC-SHA256 keyed with a credential.
    HmacSha256,
    /// Plain SHA-256 of the message.
    Sha256,
    /// Plain MD5 of the message.
    Md5,
    /// RSA PKCS#1 v1.5 with SHA-256; verified with a public key (see `crate::rsa_keys`).
    RsaSha256,
}

/// How the digest is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// Lower-case hexadecimal.
    Hex,
    /// Standard base64 with padding.
    Base64,
}

/// How a field's value is written into the signed string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// As it is on the wire.
    Raw,
    /// As Python's `str(float(x))`.
    PythonFloat,
}

/// One piece of a signed string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// A field of the message, by wire name.
    Field(&'static str, Format),
    /// A credential, by name.
    Credential(&'static str),
    /// Fixed text.
    Literal(&'static str),
}

/// What is signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Message {
    /// The exact body bytes.
    Body,
    /// The parts concatenated.
    Parts(&'static [Part]),
    /// Every form field but the signature field, sorted by name, PHP-query-encoded, then the
    /// appended parts.
    SortedFields(&'static [Part]),
}

/// A signature recipe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recipe {
    /// Digest algorithm.
    pub algorithm: Algorithm,
    /// Credential used as the key (HMAC key, or RSA public key).
    pub key: Option<&'static str>,
    /// What is signed.
    pub message: Message,
    /// How the digest is written.
    pub encoding: Encoding,
    /// Header carrying it.
    pub header: Option<&'static str>,
    /// Header value with `{signature}` in place of the digest.
    pub template: &'static str,
    /// Body field carrying it.
    pub field: Option<&'static str>,
}

/// What a signature is computed over.
pub struct Source<'a> {
    /// The exact body bytes.
    pub body: &'a [u8],
    /// Message fields as wire text, by wire name (query, JSON body or form).
    pub fields: &'a dyn Fn(&str) -> Option<String>,
    /// Form fields in order, for `SortedFields`.
    pub form: &'a [(String, String)],
}

/// Why a signature could not be computed or did not match.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignError {
    /// A credential the recipe needs is not configured.
    MissingCredential(&'static str),
    /// A field the recipe signs is absent from the message.
    MissingField(&'static str),
    /// A field the recipe formats as a number is not one.
    NotANumber(&'static str),
    /// The signature is absent.
    Missing,
    /// The signature does not match.
    Mismatch,
    /// The RSA key or signature could not be read.
    BadKey(String),
}

impl std::fmt::Display for SignError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignError::MissingCredential(c) => write!(f, "credential `{c}` is not configured"),
            SignError::MissingField(c) => write!(f, "signed field `{c}` is missing"),
            SignError::NotANumber(c) => write!(f, "signed field `{c}` is not a number"),
            SignError::Missing => f.write_str("the signature is missing"),
            SignError::Mismatch => f.write_str("the signature does not match"),
            SignError::BadKey(e) => write!(f, "bad RSA key or signature: {e}"),
        }
    }
}

impl std::error::Error for SignError {}

/// The string a recipe signs.
pub fn message(
    recipe: &Recipe,
    creds: &dyn Fn(&str) -> Option<String>,
    src: &Source<'_>,
) -> Result<Vec<u8>, SignError> {
    signed_bytes(recipe, creds, src).map(std::borrow::Cow::into_owned)
}

/// [`message`], borrowing the body when the recipe signs it whole (no copy per request).
fn signed_bytes<'s>(
    recipe: &Recipe,
    creds: &dyn Fn(&str) -> Option<String>,
    src: &Source<'s>,
) -> Result<std::borrow::Cow<'s, [u8]>, SignError> {
    let parts = |parts: &[Part], out: &mut String| -> Result<(), SignError> {
        for p in parts {
            match p {
                Part::Literal(l) => out.push_str(l),
                Part::Credential(c) => {
                    out.push_str(&creds(c).ok_or(SignError::MissingCredential(c))?)
                }
                Part::Field(f, fmt) => {
                    let v = (src.fields)(f).ok_or(SignError::MissingField(f))?;
                    match fmt {
                        Format::Raw => out.push_str(&v),
                        Format::PythonFloat => {
                            out.push_str(&wire::python_float(&v).ok_or(SignError::NotANumber(f))?)
                        }
                    }
                }
            }
        }
        Ok(())
    };
    match recipe.message {
        Message::Body => Ok(std::borrow::Cow::Borrowed(src.body)),
        Message::Parts(ps) => {
            let mut s = String::new();
            parts(ps, &mut s)?;
            Ok(s.into_bytes().into())
        }
        Message::SortedFields(append) => {
            let mut fields: Vec<(&str, &str)> = src
                .form
                .iter()
                .filter(|(k, _)| Some(k.as_str()) != recipe.field)
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            fields.sort_by(|a, b| a.0.cmp(b.0));
            let mut s = wire::php_query(&fields);
            parts(append, &mut s)?;
            Ok(s.into_bytes().into())
        }
    }
}

/// Computes a digest signature (not RSA: see `crate::rsa_keys`), encoded as the recipe says.
pub fn compute(
    recipe: &Recipe,
    creds: &dyn Fn(&str) -> Option<String>,
    src: &Source<'_>,
) -> Result<String, SignError> {
    let msg = signed_bytes(recipe, creds, src)?;
    let hex = match recipe.algorithm {
        Algorithm::HmacSha256 => {
            let name = recipe.key.unwrap_or("key");
            let key = creds(name).ok_or(SignError::MissingCredential(name))?;
            wire::hmac_sha256_hex(key.as_bytes(), &msg)
        }
        Algorithm::Sha256 => wire::sha256_hex(&msg),
        Algorithm::Md5 => wire::md5_hex(&msg),
        Algorithm::RsaSha256 => {
            return Err(SignError::BadKey(
                "RSA signatures need a private key: use crate::rsa_keys::sign".into(),
            ));
        }
    };
    Ok(match recipe.encoding {
        Encoding::Hex => hex,
        Encoding::Base64 => base64_encode(&hex::decode(&hex).unwrap_or_default()),
    })
}

/// The header value carrying a signature.
pub fn header_value(recipe: &Recipe, signature: &str) -> String {
    recipe.template.replace("{signature}", signature)
}

/// A header template around `{signature}`: the text before and after it (both empty when
/// it has none). Found by its first byte: a substring search costs more than the rest of
/// reading the header.
fn split_template(template: &str) -> (&str, &str) {
    const MARK: &str = "{signature}";
    template
        .bytes()
        .enumerate()
        .filter(|&(_, b)| b == b'{')
        .find(|&(i, _)| template[i..].starts_with(MARK))
        .map_or(("", ""), |(i, _)| {
            (&template[..i], &template[i + MARK.len()..])
        })
}

/// The signature carried by a received message (header or field), template removed.
pub fn received<'a>(
    recipe: &Recipe,
    header: Option<&'a str>,
    field: Option<&'a str>,
) -> Option<&'a str> {
    if recipe.field.is_some() {
        return field;
    }
    let value = header?;
    let (before, after) = split_template(recipe.template);
    value.strip_prefix(before)?.strip_suffix(after)
}

/// Checks a received signature in constant time.
pub fn verify(
    recipe: &Recipe,
    creds: &dyn Fn(&str) -> Option<String>,
    src: &Source<'_>,
    got: Option<&str>,
) -> Result<(), SignError> {
    let got = got.ok_or(SignError::Missing)?;
    if recipe.algorithm == Algorithm::RsaSha256 {
        let name = recipe.key.unwrap_or("public_key");
        let pem = creds(name).ok_or(SignError::MissingCredential(name))?;
        return rsa_verify(&pem, &signed_bytes(recipe, creds, src)?, got);
    }
    let want = compute(recipe, creds, src)?;
    if wire::ct_eq(want.as_bytes(), got.as_bytes()) {
        Ok(())
    } else {
        Err(SignError::Mismatch)
    }
}

/// `Basic base64(user:password)`.
pub fn basic_auth(user: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64_encode(format!("{user}:{password}").as_bytes())
    )
}

/// Checks an `Authorization: Basic ...` header in constant time.
pub fn verify_basic(header: Option<&str>, user: &str, password: &str) -> bool {
    let want = basic_auth(user, password);
    header.is_some_and(|h| wire::ct_eq(h.trim().as_bytes(), want.as_bytes()))
}

/// Standard base64 with padding.
pub fn base64_encode(data: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// Signs `msg` with an RSA private key (PKCS#8 PEM), base64 — or, in a build without the
/// `rsa` feature, says that it cannot.
pub fn rsa_sign(private_pem: &str, msg: &[u8]) -> Result<String, SignError> {
    #[cfg(feature = "rsa")]
    {
        crate::rsa_keys::sign(private_pem, msg)
    }
    #[cfg(not(feature = "rsa"))]
    {
        let _ = (private_pem, msg);
        Err(SignError::BadKey(NO_RSA.into()))
    }
}

fn rsa_verify(public_pem: &str, msg: &[u8], signature_b64: &str) -> Result<(), SignError> {
    #[cfg(feature = "rsa")]
    {
        crate::rsa_keys::verify(public_pem, msg, signature_b64)
    }
    #[cfg(not(feature = "rsa"))]
    {
        let _ = (public_pem, msg, signature_b64);
        Err(SignError::BadKey(NO_RSA.into()))
    }
}

#[cfg(not(feature = "rsa"))]
const NO_RSA: &str = "RSA signatures need payspec-runtime's `rsa` feature";
