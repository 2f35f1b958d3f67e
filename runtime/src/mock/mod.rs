//! The mock server engine (feature `mock`): a generated crate describes its provider's
//! behaviour as [`tables::Spec`] and implements [`server::Provider`]; this module interprets
//! the tables — authentication with the same signing recipes as the client, validation,
//! stored records, state events and signed webhooks — behind an axum server.

mod auth;
pub mod engine;
mod pattern;
pub mod server;
pub mod tables;
pub mod value;

pub use engine::{Config, Delivery, Entry, Fault};
pub use server::{MockServer, Provider};
