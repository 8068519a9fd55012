//! Administration: accounts and their sessions.

pub mod reference;
pub mod sessions;
pub mod users;
