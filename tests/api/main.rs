//! Black-box HTTP tests through a spawned app. Each test has its own database:
//! SQLite by default, PostgreSQL when `TEST_DATABASE_URL` is set.

mod access;
mod admin_users;
mod auth;
mod browser;
mod cli;
mod concurrency;
mod cultivation;
mod dashboard;
mod demo;
mod financing;
mod gates;
mod helpers;
mod i18n;
mod index;
mod index_admin;
mod index_data;
mod injection;
mod metrics;
mod migrations;
mod notifications;
mod partners;
mod reference;
mod registry;
mod reports;
mod roles;
mod routes_table;
mod scale_out;
mod security;
mod training;
mod transfer;
