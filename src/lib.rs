//! srdi-board: the SRDI (专精特新) special board of a regional equity exchange center.
//!
//! Layers, arrows pointing down: `routes` (HTTP) -> `views` + templates -> `models`
//! (diesel) -> `domain` (pure business rules, no actix and no diesel).

rust_i18n::i18n!("src/locales", fallback = "zh-CN");

pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod models;
pub mod routes;
pub mod schema;
pub mod startup;
pub mod views;

/// The translation backend generated from `src/locales`, for tests that compare locales.
pub fn i18n_backend() -> &'static dyn rust_i18n::Backend {
    _rust_i18n_backend()
}
