//! "As of" rules for the official dashboard: what an enterprise's tier, level and
//! cultivation stage were at the start of a day, rebuilt from dated history.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::domain::index::period::Period;

use crate::domain::qualification::Level;

/// The first day of the calendar quarter containing `d`.
pub fn quarter_start(d: NaiveDate) -> NaiveDate {
    quarter_days(current_quarter(d)).0
}

/// The quarter containing `day`.
pub fn current_quarter(day: NaiveDate) -> Period {
    Period {
        year: day.year(),
        quarter: Some((day.month0() / 3 + 1) as u8),
    }
}

/// A quarter the report cannot show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{raw}' is not a quarter of the report: write one such as {example} (one that has begun)")]
pub struct QuarterError {
    pub raw: String,
    /// The current quarter, as an example to write.
    pub example: Period,
}

/// The quarter asked for, checked: a quarter (not a year) that has begun; empty
/// means the current one.
pub fn parse_quarter(raw: &str, day: NaiveDate) -> Result<Period, QuarterError> {
    let current = current_quarter(day);
    if raw.trim().is_empty() {
        return Ok(current);
    }
    let bad = || QuarterError {
        raw: raw.trim().chars().take(40).collect(),
        example: current,
    };
    let p: Period = raw.parse().map_err(|_| bad())?;
    if p.quarter.is_none() || p > current {
        return Err(bad());
    }
    Ok(p)
}

/// The first day of a quarter and the first day of the next.
pub fn quarter_days(p: Period) -> (NaiveDate, NaiveDate) {
    let q = u32::from(p.quarter.unwrap_or(1));
    let from = NaiveDate::from_ymd_opt(p.year, (q - 1) * 3 + 1, 1).expect("valid quarter");
    let next = if q == 4 {
        NaiveDate::from_ymd_opt(p.year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(p.year, q * 3 + 1, 1)
    }
    .expect("valid quarter");
    (from, next)
}

/// One dated change of a value (a board move, a cultivation step): the value
/// before and after, effective on `on`. Changes are given in recording order.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub on: NaiveDate,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A value at the start of a day, and whether the history allowed rebuilding it
/// exactly.
#[derive(Debug, Clone, PartialEq)]
pub struct AsOf<'a> {
    pub value: Option<&'a str>,
    /// False when the history does not end at the current value (a change was
    /// made without a history row), so the rebuilt value may be wrong.
    pub exact: bool,
}

/// The value at the start of `day`, rolled back from `current` across every
/// change effective on or after `day`: the `from` of the earliest such change
/// (ties in recording order). Without such changes, the current value.
/// Borrows from its inputs: it runs for every enterprise in scope.
pub fn value_as_of<'a>(
    current: Option<&'a str>,
    changes: &'a [Change],
    day: NaiveDate,
) -> AsOf<'a> {
    // `max_by_key` keeps the last of equal keys and `min_by_key` the first, which
    // is recording order for changes effective the same day.
    let exact = changes
        .iter()
        .max_by_key(|c| c.on)
        .is_none_or(|last| last.to.as_deref() == current);
    let value = match changes.iter().filter(|c| c.on >= day).min_by_key(|c| c.on) {
        Some(c) => c.from.as_deref(),
        None => current,
    };
    AsOf { value, exact }
}

/// A title as far as its dates go.
#[derive(Debug, Clone, PartialEq)]
pub struct TitleDates {
    pub level: Level,
    pub recognized_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub revoked_on: Option<NaiveDate>,
}

impl TitleDates {
    /// In force at the start of `day`: recognized before it, not yet expired
    /// (a title counts through its expiry date) and not revoked before it.
    pub fn in_force_at(&self, day: NaiveDate) -> bool {
        self.recognized_on < day
            && self.expires_on >= day
            && self.revoked_on.is_none_or(|r| r >= day)
    }
}

/// The highest level in force at the start of `day`. Titles carry all their dates,
/// so this is always exact.
pub fn level_as_of(titles: &[TitleDates], day: NaiveDate) -> Option<Level> {
    titles
        .iter()
        .filter(|t| t.in_force_at(day))
        .map(|t| t.level)
        .max()
}

/// Counts per key (`None` under the empty key).
pub fn tally<'a>(values: impl IntoIterator<Item = Option<&'a str>>) -> BTreeMap<String, i64> {
    // Counted under borrowed keys (no allocation per value), a handful owned at the end.
    let mut m: std::collections::HashMap<&str, i64> = std::collections::HashMap::new();
    for v in values {
        *m.entry(v.unwrap_or("")).or_insert(0) += 1;
    }
    m.into_iter().map(|(k, n)| (k.to_string(), n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn ch(on: &str, from: Option<&str>, to: Option<&str>) -> Change {
        Change {
            on: d(on),
            from: from.map(str::to_string),
            to: to.map(str::to_string),
        }
    }

    #[test]
    fn quarters_are_checked_and_default_to_the_current_one() {
        let day = d("2026-11-27");
        assert_eq!(parse_quarter("", day).unwrap().to_string(), "2026Q4");
        assert_eq!(parse_quarter("2026q3", day).unwrap().to_string(), "2026Q3");
        assert_eq!(parse_quarter("2019Q1", day).unwrap().to_string(), "2019Q1");
        for bad in ["2027Q1", "2026", "Q3", "2026Q5", "<script>"] {
            let err = parse_quarter(bad, day).unwrap_err();
            assert_eq!(err.example.to_string(), "2026Q4", "{bad}");
            assert_eq!(err.raw, bad);
        }
    }

    #[test]
    fn quarter_days_run_from_the_first_day_to_the_next_quarter() {
        let q = |s: &str| quarter_days(s.parse().unwrap());
        assert_eq!(q("2026Q1"), (d("2026-01-01"), d("2026-04-01")));
        assert_eq!(q("2026Q3"), (d("2026-07-01"), d("2026-10-01")));
        assert_eq!(q("2026Q4"), (d("2026-10-01"), d("2027-01-01")));
    }

    #[test]
    fn quarters_start_on_the_first_of_jan_apr_jul_oct() {
        assert_eq!(quarter_start(d("2026-11-27")), d("2026-10-01"));
        assert_eq!(quarter_start(d("2026-01-01")), d("2026-01-01"));
        assert_eq!(quarter_start(d("2026-06-30")), d("2026-04-01"));
        assert_eq!(quarter_start(d("2026-07-01")), d("2026-07-01"));
    }

    #[test]
    fn values_roll_back_across_changes_from_the_day_on() {
        let h = [
            ch("2026-02-01", None, Some("display")),
            ch("2026-10-01", Some("display"), Some("custody")),
            ch("2026-11-01", Some("custody"), Some("listing")),
        ];
        let q = d("2026-10-01");
        assert_eq!(
            value_as_of(Some("listing"), &h, q),
            AsOf {
                value: Some("display"),
                exact: true
            }
        );
        // Before any history: nothing.
        assert_eq!(
            value_as_of(Some("listing"), &h, d("2026-01-01")).value,
            None
        );
        // After all history: the current value.
        assert_eq!(
            value_as_of(Some("listing"), &h, d("2026-12-01")).value,
            Some("listing")
        );
    }

    #[test]
    fn no_history_means_unchanged_and_a_gap_is_flagged() {
        let none = value_as_of(Some("custody"), &[], d("2026-10-01"));
        assert_eq!(
            none,
            AsOf {
                value: Some("custody"),
                exact: true
            }
        );
        let gap = [ch("2026-03-01", None, Some("display"))];
        let r = value_as_of(Some("listing"), &gap, d("2026-10-01"));
        assert_eq!(r.value, Some("listing"));
        assert!(!r.exact);
    }

    #[test]
    fn the_last_recorded_of_a_day_is_where_the_history_ends() {
        let h = [
            ch("2026-10-05", Some("display"), Some("custody")),
            ch("2026-10-05", Some("custody"), Some("listing")),
            ch("2026-03-01", None, Some("display")),
        ];
        assert!(value_as_of(Some("listing"), &h, d("2026-10-01")).exact);
        assert!(!value_as_of(Some("custody"), &h, d("2026-10-01")).exact);
    }

    #[test]
    fn ties_on_a_day_roll_back_to_the_first_recorded() {
        let h = [
            ch("2026-10-05", Some("display"), Some("custody")),
            ch("2026-10-05", Some("custody"), Some("listing")),
        ];
        assert_eq!(
            value_as_of(Some("listing"), &h, d("2026-10-01")).value,
            Some("display")
        );
    }

    fn title(level: Level, rec: &str, exp: &str, rev: Option<&str>) -> TitleDates {
        TitleDates {
            level,
            recognized_on: d(rec),
            expires_on: d(exp),
            revoked_on: rev.map(d),
        }
    }

    #[test]
    fn levels_take_the_highest_title_in_force_at_the_start_of_the_day() {
        let q = d("2026-10-01");
        let ts = [
            title(Level::Municipal, "2024-01-01", "2027-01-01", None),
            title(Level::Provincial, "2023-01-01", "2026-09-30", None), // expired before
            title(Level::National, "2026-10-01", "2029-10-01", None),   // recognized that day
        ];
        assert_eq!(level_as_of(&ts, q), Some(Level::Municipal));
        let revoked = [
            title(
                Level::Provincial,
                "2024-01-01",
                "2027-01-01",
                Some("2026-09-01"),
            ),
            title(
                Level::Municipal,
                "2024-01-01",
                "2027-01-01",
                Some("2026-10-01"),
            ),
        ];
        // Revoked before the day: gone; revoked on the day: still in force at its start.
        assert_eq!(level_as_of(&revoked, q), Some(Level::Municipal));
        assert_eq!(level_as_of(&[], q), None);
        // Expiring on the day itself still counts.
        let last_day = [title(Level::Municipal, "2023-10-01", "2026-10-01", None)];
        assert_eq!(level_as_of(&last_day, q), Some(Level::Municipal));
    }

    #[test]
    fn tallies_count_per_key() {
        let t = tally([Some("a"), None, Some("a"), Some("b")]);
        assert_eq!(t.get("a"), Some(&2));
        assert_eq!(t.get(""), Some(&1));
        assert_eq!(t.get("b"), Some(&1));
    }
}
