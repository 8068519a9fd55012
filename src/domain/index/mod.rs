//! The arithmetic of the SRDI development index ("4+2" dimensions, three layers,
//! "60+N" indicators): weights (AHP, entropy, their blend), per-indicator
//! normalisation, the weighted roll-up from indicators to a 0..100 total, expert
//! score summaries, and rank/percentile. Pure functions on numbers: the index model
//! itself (which indicators, which weights) lives elsewhere and feeds these.
//!
//! Conventions shared by every module: a missing figure is `None`, never 0; bad
//! input comes back as an error value saying what to fix, never a panic.

pub mod aggregate;
pub mod ahp;
pub mod entropy;
pub mod entry;
pub mod experts;
pub mod model;
pub mod normalise;
pub mod period;
pub mod rank;
pub mod score;
pub mod weights;

/// Which way an indicator points: is a larger value better or worse?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// More is better (revenue, R&D intensity, patents).
    HigherIsBetter,
    /// Less is better (debt ratio, energy per unit of output).
    LowerIsBetter,
}

text_enum!(Direction, "unknown indicator direction '{}'", [
    Direction::HigherIsBetter => "higher",
    Direction::LowerIsBetter => "lower",
]);

/// Where a stored (not derived) indicator value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueSource {
    Entered,
    Imported,
    Expert,
}

text_enum!(ValueSource, "unknown value source '{}'", [
    ValueSource::Entered => "entered",
    ValueSource::Imported => "imported",
    ValueSource::Expert => "expert",
]);
