//! The mock server engine (feature `mock`): a generated crate describes its provider's
//! behaviour as [`tables::Spec`] and implements [`server::Provider`]; this module interprets
//! the tables — authentication with the same signing recipes as the client (`auth`),
//! the request checks the client runs too (`crate::check`), stored records (`store`),
//! actions and state events with signed webhooks (`engine::actions`), placeholders
//! (`template`) and rendering (`render`), with the state in memory or a SQLite database
//! (`persist`) — behind an axum server (`server`) with its control
//! API (`control`) and a dashboard for a browser at `/__mock/` (`dashboard`), and the
//! `<crate>-mock` command (`cli`).

mod auth;
pub mod cli;
mod control;
mod dashboard;
pub mod engine;
pub mod idle;
mod persist;
mod render;
pub mod server;
mod store;
mod template;

pub use crate::{limits, tables, value};
pub use engine::{Config, Delivery, Entry, Fault, StoreAt};
pub use limits::Limits;
pub use server::{MockServer, Provider};
