//! The product's knowledge: pure rules with their tests beside them.
//! Nothing here knows about HTTP or SQL.

pub mod credit_code;
pub mod district;
pub mod locale;
pub mod password_policy;
pub mod role;
pub mod scope;
pub mod throttle;
pub mod username;
