//! Horizontal comparison: where one enterprise's score stands among its peers
//! (overall, or within an industry, district or level).
//!
//! Rules applied, over `scores`, the whole group *including* the enterprise:
//! - rank: 1 = best; ties share the best rank of their group and the next rank is
//!   skipped ("competition ranking": 1, 2, 2, 4); rank = 1 + number scoring higher;
//! - percentile: the share of the *other* members scoring strictly lower, 0..=100
//!   (as SQL's `PERCENT_RANK`: the best is 100, the worst 0); undefined (None) for a
//!   group of one, which has nobody to compare with;
//! - scores within 1e-9 of each other count as tied, so that float noise from the
//!   weighted roll-up does not split a tie.

/// Scores closer than this are tied.
const TIE: f64 = 1e-9;

/// Why a standing could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RankError {
    /// NaN or infinity as the score or among the group.
    #[error("scores must be finite numbers")]
    NotFinite,
    /// The score is not one of the group's scores.
    #[error("the score {0} is not among the group's scores")]
    NotInGroup(f64),
}

/// Where a score stands in its group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standing {
    /// 1 = best, competition ranking.
    pub rank: usize,
    /// The size of the group.
    pub of: usize,
    /// Share of the others scoring strictly lower, 0..=100; None when alone.
    pub percentile: Option<f64>,
}

/// Rank and percentile of `score` in `scores` (which must contain it).
pub fn standing(score: f64, scores: &[f64]) -> Result<Standing, RankError> {
    if !score.is_finite() || scores.iter().any(|s| !s.is_finite()) {
        return Err(RankError::NotFinite);
    }
    if !scores.iter().any(|s| (s - score).abs() <= TIE) {
        return Err(RankError::NotInGroup(score));
    }
    let higher = scores.iter().filter(|s| **s > score + TIE).count();
    let lower = scores.iter().filter(|s| **s < score - TIE).count();
    let n = scores.len();
    Ok(Standing {
        rank: 1 + higher,
        of: n,
        percentile: (n > 1).then(|| 100.0 * lower as f64 / (n - 1) as f64),
    })
}

/// The competition rank (1 = best) of `score` in `scores`.
pub fn rank(score: f64, scores: &[f64]) -> Result<usize, RankError> {
    standing(score, scores).map(|s| s.rank)
}

/// The percentile (share of the others strictly lower, 0..=100) of `score`.
pub fn percentile(score: f64, scores: &[f64]) -> Result<Option<f64>, RankError> {
    standing(score, scores).map(|s| s.percentile)
}

/// A group's scores sorted once, for many standings in O(log n) each, with the
/// same rules as [`standing`] (the score must be one of the group's).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sorted {
    ascending: Vec<f64>,
}

impl Sorted {
    /// Non-finite scores are left out.
    pub fn new(mut scores: Vec<f64>) -> Sorted {
        scores.retain(|s| s.is_finite());
        scores.sort_by(f64::total_cmp);
        Sorted { ascending: scores }
    }

    pub fn len(&self) -> usize {
        self.ascending.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ascending.is_empty()
    }

    /// Where `score` (a member of the group) stands.
    pub fn standing(&self, score: f64) -> Option<Standing> {
        if !score.is_finite() {
            return None;
        }
        let lower = self.ascending.partition_point(|s| *s < score - TIE);
        let not_higher = self.ascending.partition_point(|s| *s <= score + TIE);
        if not_higher == lower {
            return None;
        }
        let n = self.ascending.len();
        Some(Standing {
            rank: 1 + n - not_higher,
            of: n,
            percentile: (n > 1).then(|| 100.0 * lower as f64 / (n - 1) as f64),
        })
    }

    /// The median (mean of the middle two for an even count); None when empty.
    pub fn median(&self) -> Option<f64> {
        quantile_sorted(&self.ascending, 0.5)
    }

    /// The `q` quantile (0..=1) by linear interpolation between closest ranks.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        quantile_sorted(&self.ascending, q)
    }
}

fn quantile_sorted(ascending: &[f64], q: f64) -> Option<f64> {
    let n = ascending.len();
    if n == 0 {
        return None;
    }
    let at = q.clamp(0.0, 1.0) * (n - 1) as f64;
    let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
    Some(ascending[lo] + (ascending[hi] - ascending[lo]) * (at - lo as f64))
}

/// The band an enterprise account is told instead of a rank among named peers:
/// the top 10 %, 25 % or 50 %, or the lower half, by percentile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankBand {
    Top10,
    Top25,
    Top50,
    LowerHalf,
}

text_enum!(RankBand, "unknown rank band '{}'", [
    RankBand::Top10 => "top10",
    RankBand::Top25 => "top25",
    RankBand::Top50 => "top50",
    RankBand::LowerHalf => "lower_half",
]);

impl RankBand {
    /// From a percentile (share of the others strictly lower).
    pub fn of(percentile: f64) -> RankBand {
        if percentile >= 90.0 {
            RankBand::Top10
        } else if percentile >= 75.0 {
            RankBand::Top25
        } else if percentile >= 50.0 {
            RankBand::Top50
        } else {
            RankBand::LowerHalf
        }
    }
}

/// Changes smaller than this (points) are not movement.
pub const MIN_MOVE: f64 = 0.05;

/// The indicators that moved most between two periods: given `(item, change)`
/// pairs, the `per_side` largest rises and the `per_side` largest falls (changes of
/// at least [`MIN_MOVE`]), biggest rise first and biggest fall last.
pub fn movers<T>(changes: Vec<(T, f64)>, per_side: usize) -> Vec<(T, f64)> {
    let (mut ups, mut downs): (Vec<_>, Vec<_>) = changes
        .into_iter()
        .filter(|(_, d)| d.is_finite() && d.abs() >= MIN_MOVE)
        .partition(|(_, d)| *d > 0.0);
    ups.sort_by(|x, y| y.1.total_cmp(&x.1));
    downs.sort_by(|x, y| x.1.total_cmp(&y.1));
    ups.truncate(per_side);
    downs.truncate(per_side);
    downs.reverse();
    ups.extend(downs);
    ups
}

#[cfg(test)]
mod tests {
    use super::*;

    const GROUP: [f64; 5] = [70.0, 90.0, 80.0, 90.0, 60.0];

    #[test]
    fn competition_ranking_with_ties() {
        let ranks: Vec<usize> = GROUP.iter().map(|s| rank(*s, &GROUP).unwrap()).collect();
        assert_eq!(ranks, vec![4, 1, 3, 1, 5]);
    }

    #[test]
    fn percentile_counts_the_others_strictly_lower() {
        // 90: 3 of the 4 others lower; 80: 2 of 4; 60: none.
        assert_eq!(percentile(90.0, &GROUP).unwrap(), Some(75.0));
        assert_eq!(percentile(80.0, &GROUP).unwrap(), Some(50.0));
        assert_eq!(percentile(60.0, &GROUP).unwrap(), Some(0.0));
        assert_eq!(percentile(100.0, &[100.0, 1.0]).unwrap(), Some(100.0));
    }

    #[test]
    fn a_group_of_one() {
        assert_eq!(
            standing(55.0, &[55.0]).unwrap(),
            Standing {
                rank: 1,
                of: 1,
                percentile: None
            }
        );
    }

    #[test]
    fn float_noise_does_not_split_a_tie() {
        let a = 0.1 + 0.2;
        let group = [0.3, a, 0.1];
        assert_eq!(rank(0.3, &group).unwrap(), 1);
        assert_eq!(rank(a, &group).unwrap(), 1);
    }

    #[test]
    fn bad_input_is_refused() {
        assert_eq!(rank(1.0, &[2.0, 3.0]), Err(RankError::NotInGroup(1.0)));
        assert_eq!(rank(f64::NAN, &[1.0]), Err(RankError::NotFinite));
        assert_eq!(rank(1.0, &[1.0, f64::NAN]), Err(RankError::NotFinite));
        assert_eq!(rank(1.0, &[]), Err(RankError::NotInGroup(1.0)));
    }

    #[test]
    fn sorted_agrees_with_standing_and_gives_quantiles() {
        let sorted = Sorted::new(GROUP.to_vec());
        for s in GROUP {
            assert_eq!(
                sorted.standing(s),
                Some(standing(s, &GROUP).unwrap()),
                "{s}"
            );
        }
        assert_eq!(sorted.standing(75.0), None);
        assert_eq!(sorted.median(), Some(80.0));
        assert_eq!(Sorted::new(vec![1.0, 2.0, 3.0, 10.0]).median(), Some(2.5));
        assert_eq!(sorted.quantile(0.25), Some(70.0));
        assert_eq!(Sorted::new(vec![]).median(), None);
        assert_eq!(RankBand::of(100.0), RankBand::Top10);
        assert_eq!(RankBand::of(80.0), RankBand::Top25);
        assert_eq!(RankBand::of(50.0), RankBand::Top50);
        assert_eq!(RankBand::of(49.9), RankBand::LowerHalf);
    }

    #[test]
    fn movers_are_the_largest_rises_and_falls() {
        let changes = vec![
            ("a", 3.0),
            ("b", -10.0),
            ("c", 0.01),
            ("d", 12.0),
            ("e", -2.0),
            ("f", 1.0),
            ("g", -0.04),
        ];
        assert_eq!(
            movers(changes.clone(), 2),
            vec![("d", 12.0), ("a", 3.0), ("e", -2.0), ("b", -10.0)]
        );
        assert_eq!(movers(changes, 5).len(), 5);
        assert!(movers(vec![("x", 0.0)], 5).is_empty());
    }
}
