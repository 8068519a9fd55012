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
}
