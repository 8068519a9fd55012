//! Administration: accounts and their sessions, reference data, stage-gate checklists.

pub mod gates;
pub mod reference;
pub mod sessions;
pub mod users;
