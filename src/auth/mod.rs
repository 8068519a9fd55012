//! Authentication and request protection: password hashing, server-side
//! sessions, CSRF, role guards and login throttling.

pub mod csrf;
pub mod guard;
pub mod login;
pub mod password;
pub mod session;

pub use guard::Auth;
