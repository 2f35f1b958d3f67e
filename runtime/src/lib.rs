//! The runtime every payspec-generated crate depends on, written and tested once:
//!
//! - [`wire`]: codecs that keep wire forms exact (decimals as JSON numbers or strings,
//!   integers as strings, dates), [`wire::Secret`], nonces, digests, PHP query encoding;
//! - [`signing`]: the interpreter of signature recipes, shared by clients, webhook
//!   verification and mocks;
//! - `http` (feature `client`): outgoing request assembly and form encoding;
//! - `transport` (feature `client`): sending a request and reading its answer within bounds;
//! - `error` (feature `client`): the one `Error` of every generated client, and
//!   `ErrorModel`, how a provider reports errors, as data;
//! - [`json`]: JSON compared digit for digit (the generated example tests);
//! - `rsa_keys` (feature `rsa`): RSA-SHA256 signatures;
//! - `webhook` (feature `client`): webhook routing, the reply a provider expects, and (feature
//!   `axum`) the merchant's handler;
//! - `mock` (feature `mock`): the engine and server of the generated mock servers.

#![forbid(unsafe_code)]

pub mod check;
#[cfg(feature = "client")]
pub mod error;
#[cfg(feature = "client")]
pub mod http;
pub mod json;
pub mod limits;
#[cfg(feature = "mock")]
pub mod mock;
mod pattern;
mod pyfloat;
#[cfg(feature = "rsa")]
pub mod rsa_keys;
pub mod signing;
pub mod tables;
#[cfg(feature = "client")]
pub mod transport;
pub mod value;
#[cfg(feature = "client")]
pub mod webhook;
pub mod wire;
