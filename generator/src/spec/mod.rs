//! The spec: its file format ([`model`]), locations ([`located`]), loading and validation.

pub mod located;
pub mod model;

pub use located::{Loc, Sp};
pub use model::Spec;
