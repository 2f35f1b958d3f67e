//! The runtime every payspec-generated crate depends on, written and tested once:
//!
//! - [`wire`]: codecs that keep wire forms exact (decimals as JSON numbers or strings,
//!   integers as strings, dates), [`wire::Secret`], nonces, digests, PHP query encoding;
//! - [`signing`]: the interpreter of signature recipes, shared by clients, webhook
//!   verification and mocks;
//! - [`http`]: outgoing request assembly and form encoding;
//! - `rsa_keys` (feature `rsa`): RSA-SHA256 signatures;
//! - `mock` (feature `mock`): the engine and server of the generated mock servers.

#![forbid(unsafe_code)]

pub mod http;
#[cfg(feature = "mock")]
pub mod mock;
#[cfg(feature = "rsa")]
pub mod rsa_keys;
pub mod signing;
pub mod wire;

#[cfg(feature = "rsa")]
fn rsa_verify(public_pem: &str, msg: &[u8], signature_b64: &str) -> Result<(), signing::SignError> {
    rsa_keys::verify(public_pem, msg, signature_b64)
}

#[cfg(not(feature = "rsa"))]
fn rsa_verify(_: &str, _: &[u8], _: &str) -> Result<(), signing::SignError> {
    Err(no_rsa())
}

#[cfg(all(feature = "mock", feature = "rsa"))]
fn rsa_sign(private_pem: &str, msg: &[u8]) -> Result<String, signing::SignError> {
    rsa_keys::sign(private_pem, msg)
}

#[cfg(all(feature = "mock", not(feature = "rsa")))]
fn rsa_sign(_: &str, _: &[u8]) -> Result<String, signing::SignError> {
    Err(no_rsa())
}

#[cfg(not(feature = "rsa"))]
fn no_rsa() -> signing::SignError {
    signing::SignError::BadKey("RSA signatures need payspec-runtime's `rsa` feature".into())
}
