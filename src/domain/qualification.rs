//! The qualification ladder (梯度培育): titles, their validity and status.
//!
//! innovative SME < municipal SRDI < provincial SRDI < national "little giant". A title
//! has a batch and a recognition date and lasts 3 years; it is re-reviewed (复核) at
//! expiry and extended 3 years on a pass, or lapses; fraud or a serious incident
//! revokes it. An enterprise's current level is its highest title in force.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// A qualification level, ordered from lowest to highest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 创新型中小企业
    InnovativeSme,
    /// 市级专精特新
    Municipal,
    /// 省级专精特新中小企业
    Provincial,
    /// 国家级专精特新"小巨人"
    National,
}

text_enum!(Level, "unknown qualification level '{}'", [
    Level::InnovativeSme => "innovative_sme",
    Level::Municipal => "municipal",
    Level::Provincial => "provincial",
    Level::National => "national",
]);

impl Level {
    /// Every level, lowest first.
    pub const ALL: [Level; 4] = [
        Level::InnovativeSme,
        Level::Municipal,
        Level::Provincial,
        Level::National,
    ];
}

/// How long a title lasts, and how much a passed re-review adds.
pub const VALIDITY_MONTHS: u32 = 36;
/// A title is "due for re-review" this many days before it expires.
pub const REVIEW_WINDOW_DAYS: i64 = 90;

/// Where a title stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Valid, expiry more than the review window away.
    InForce,
    /// Valid, but expires within the review window.
    DueForReview,
    /// Past its expiry without a passed re-review.
    Expired,
    /// Withdrawn (fraud, serious incident).
    Revoked,
}

text_enum!(Status, "unknown status '{}'", [
    Status::InForce => "in_force",
    Status::DueForReview => "due_for_review",
    Status::Expired => "expired",
    Status::Revoked => "revoked",
]);

impl Status {
    /// Whether the title counts (in force, including due for re-review).
    pub fn is_valid(self) -> bool {
        matches!(self, Status::InForce | Status::DueForReview)
    }
}

/// The default expiry: three years after recognition.
pub fn default_expiry(recognized_on: NaiveDate) -> NaiveDate {
    recognized_on
        .checked_add_months(Months::new(VALIDITY_MONTHS))
        .unwrap_or(NaiveDate::MAX)
}

/// The status of a title on `today`. The title is valid through its expiry day.
pub fn status(expires_on: NaiveDate, revoked_on: Option<NaiveDate>, today: NaiveDate) -> Status {
    if revoked_on.is_some_and(|d| d <= today) {
        Status::Revoked
    } else if today > expires_on {
        Status::Expired
    } else if (expires_on - today).num_days() <= REVIEW_WINDOW_DAYS {
        Status::DueForReview
    } else {
        Status::InForce
    }
}

/// Why a re-review or revocation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TitleRefusal {
    /// Revoked titles are never reviewed again.
    #[error("a revoked title cannot be re-reviewed")]
    Revoked,
    /// Re-review happens only near or after expiry.
    #[error("the title is not yet due for re-review")]
    NotDue,
    /// Already revoked.
    #[error("the title is already revoked")]
    AlreadyRevoked,
    /// A revocation needs a reason.
    #[error("give the reason for the revocation")]
    NoReason,
    /// Expiry before recognition.
    #[error("the expiry date must be after the recognition date")]
    ExpiryBeforeRecognition,
}

/// The new expiry after a passed re-review: three more years from the old expiry.
pub fn re_review(
    expires_on: NaiveDate,
    revoked_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<NaiveDate, TitleRefusal> {
    match status(expires_on, revoked_on, today) {
        Status::Revoked => Err(TitleRefusal::Revoked),
        Status::InForce => Err(TitleRefusal::NotDue),
        Status::DueForReview | Status::Expired => Ok(default_expiry(expires_on)),
    }
}

/// Checks a revocation.
pub fn revoke(revoked_on: Option<NaiveDate>, reason: &str) -> Result<(), TitleRefusal> {
    if revoked_on.is_some() {
        Err(TitleRefusal::AlreadyRevoked)
    } else if reason.trim().is_empty() {
        Err(TitleRefusal::NoReason)
    } else {
        Ok(())
    }
}

/// Checks the dates of a new title.
pub fn check_dates(recognized_on: NaiveDate, expires_on: NaiveDate) -> Result<(), TitleRefusal> {
    if expires_on <= recognized_on {
        Err(TitleRefusal::ExpiryBeforeRecognition)
    } else {
        Ok(())
    }
}

/// The current level: the highest title valid on `today`, with its expiry.
pub fn current_level(
    titles: impl IntoIterator<Item = (Level, NaiveDate, Option<NaiveDate>)>,
    today: NaiveDate,
) -> Option<(Level, NaiveDate)> {
    titles
        .into_iter()
        .filter(|(_, exp, rev)| status(*exp, *rev, today).is_valid())
        .max_by_key(|(level, exp, _)| (*level, *exp))
        .map(|(level, exp, _)| (level, exp))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn three_years_by_default() {
        assert_eq!(default_expiry(d(2022, 7, 1)), d(2025, 7, 1));
        assert_eq!(default_expiry(d(2024, 2, 29)), d(2027, 2, 28));
    }

    #[test]
    fn status_follows_dates_and_actions() {
        let exp = d(2025, 7, 1);
        assert_eq!(status(exp, None, d(2025, 1, 1)), Status::InForce);
        assert_eq!(
            status(exp, None, d(2025, 4, 2)),
            Status::DueForReview,
            "90 days before"
        );
        assert_eq!(
            status(exp, None, d(2025, 7, 1)),
            Status::DueForReview,
            "valid on its last day"
        );
        assert_eq!(status(exp, None, d(2025, 7, 2)), Status::Expired);
        assert_eq!(
            status(exp, Some(d(2024, 1, 1)), d(2024, 6, 1)),
            Status::Revoked
        );
        assert_eq!(
            status(exp, Some(d(2024, 1, 1)), d(2023, 6, 1)),
            Status::InForce,
            "revocation dated later"
        );
    }

    #[test]
    fn re_review_extends_three_years() {
        let exp = d(2025, 7, 1);
        assert_eq!(re_review(exp, None, d(2025, 6, 1)), Ok(d(2028, 7, 1)));
        assert_eq!(
            re_review(exp, None, d(2025, 8, 1)),
            Ok(d(2028, 7, 1)),
            "late review still extends from expiry"
        );
        assert_eq!(
            re_review(exp, None, d(2024, 1, 1)),
            Err(TitleRefusal::NotDue)
        );
        assert_eq!(
            re_review(exp, Some(d(2024, 1, 1)), d(2025, 6, 1)),
            Err(TitleRefusal::Revoked)
        );
    }

    #[test]
    fn highest_valid_title_counts() {
        let today = d(2026, 1, 1);
        let titles = vec![
            (Level::National, d(2025, 7, 1), None),   // expired
            (Level::Provincial, d(2027, 1, 1), None), // valid
            (Level::Municipal, d(2028, 1, 1), None),  // valid, lower
            (Level::National, d(2028, 1, 1), Some(d(2025, 12, 1))), // revoked
        ];
        assert_eq!(
            current_level(titles, today),
            Some((Level::Provincial, d(2027, 1, 1)))
        );
        assert_eq!(current_level(Vec::new(), today), None);
    }

    #[test]
    fn revocation_needs_a_reason() {
        assert_eq!(revoke(None, " "), Err(TitleRefusal::NoReason));
        assert_eq!(
            revoke(Some(d(2025, 1, 1)), "x"),
            Err(TitleRefusal::AlreadyRevoked)
        );
        assert_eq!(revoke(None, "财务造假"), Ok(()));
        assert_eq!(
            check_dates(d(2025, 1, 1), d(2024, 1, 1)),
            Err(TitleRefusal::ExpiryBeforeRecognition)
        );
    }
}
