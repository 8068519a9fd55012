//! The analytic hierarchy process (Saaty): weights from pairwise judgements on the
//! 1-9 scale, and the consistency check that refuses judgements which contradict
//! each other too much.
//!
//! Rules applied:
//! - a judgement a_ij says how much more important criterion i is than j; only the
//!   Saaty scale is accepted: the integers 1..=9 and their reciprocals 1/2..1/9;
//! - weights are the principal (Perron) eigenvector of the matrix, found by power
//!   iteration until no component moves by more than 1e-12, normalised to sum 1;
//! - lambda_max = sum_i (A w)_i for w summing to 1; CI = (lambda_max - n) / (n - 1);
//!   CR = CI / RI(n) with Saaty's random index; n = 1, 2 are always consistent (CR 0);
//! - judgements are accepted when CR < 0.10; more than 10 criteria are refused
//!   because RI is tabulated only up to 10 (split them into sub-groups instead).

use std::fmt;

/// The largest matrix accepted: Saaty's random index is tabulated up to n = 10.
pub const MAX_CRITERIA: usize = 10;

/// Saaty's random consistency index RI, indexed by n (0..=10; RI(0) is unused).
pub const RANDOM_INDEX: [f64; MAX_CRITERIA + 1] = [
    0.0, 0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49,
];

/// Judgements are accepted when the consistency ratio is below this.
pub const CR_LIMIT: f64 = 0.10;

/// Power iteration stops when no weight moves by more than this.
const TOLERANCE: f64 = 1e-12;
const MAX_ITERATIONS: usize = 100_000;
/// How far a typed value may be from 3 or 1/3 and still count as that judgement.
const SCALE_SLACK: f64 = 1e-9;

/// Why a pairwise matrix or its weights were refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AhpError {
    /// No criteria at all.
    #[error("a pairwise comparison needs at least one criterion")]
    Empty,
    /// More criteria than the random index covers.
    #[error(
        "{n} criteria are too many for one comparison: the random index is tabulated only up \
         to {MAX_CRITERIA}, and judgements over so many pairs are rarely consistent; \
         split them into sub-groups"
    )]
    TooMany { n: usize },
    /// The upper triangle has the wrong number of judgements.
    #[error("{n} criteria need {expected} judgements above the diagonal, got {got}")]
    WrongCount {
        n: usize,
        expected: usize,
        got: usize,
    },
    /// A full matrix that is not square.
    #[error("row {row} has {len} entries; a matrix of {n} criteria needs {n}")]
    NotSquare { row: usize, len: usize, n: usize },
    /// A judgement off the Saaty scale.
    #[error(
        "the judgement {value} for criteria ({i}, {j}) is not on the Saaty scale \
         (1 to 9 or 1/2 to 1/9)"
    )]
    OffScale { i: usize, j: usize, value: f64 },
    /// A full matrix whose diagonal is not 1.
    #[error("criterion {i} compared with itself must be 1, got {value}")]
    Diagonal { i: usize, value: f64 },
    /// A full matrix whose lower triangle is not the reciprocal of the upper one.
    #[error("entry ({j}, {i}) must be 1 / ({i}, {j}) = {expected}, got {value}")]
    NotReciprocal {
        i: usize,
        j: usize,
        expected: f64,
        value: f64,
    },
    /// Power iteration did not settle (cannot happen for a valid matrix; kept so
    /// that a bug shows up as an error rather than a hang).
    #[error("the priority vector did not converge")]
    NoConvergence,
    /// CR at or above the limit: the judgements contradict each other.
    #[error(
        "the judgements are inconsistent: CR = {cr:.3} (must be below 0.10); \
         the pair ({i}, {j}) deviates most: judged {judged}, the other judgements imply \
         {implied:.2}; consider {suggested}"
    )]
    Inconsistent {
        cr: f64,
        i: usize,
        j: usize,
        judged: SaatyValue,
        implied: f64,
        suggested: SaatyValue,
    },
}

/// A value on the Saaty scale: `k` or `1/k` for k in 1..=9, shown as "3" or "1/3".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaatyValue {
    /// k in 1..=9: the first criterion is k times as important.
    Times(u8),
    /// 1/k with k in 2..=9: the second criterion is k times as important.
    Inverse(u8),
}

impl SaatyValue {
    /// Reads a judgement, accepting only the Saaty scale (within 1e-9 of it).
    pub fn from_f64(v: f64) -> Option<SaatyValue> {
        if !v.is_finite() || v <= 0.0 {
            return None;
        }
        (1..=9u8).find_map(|k| {
            let kf = f64::from(k);
            if (v - kf).abs() <= SCALE_SLACK {
                Some(SaatyValue::Times(k))
            } else if k > 1 && (v - 1.0 / kf).abs() <= SCALE_SLACK {
                Some(SaatyValue::Inverse(k))
            } else {
                None
            }
        })
    }

    /// The scale value closest to a ratio, measured on a log scale (so 1/3 and 3
    /// are equally far from 1); ratios beyond 9 or 1/9 give 9 or 1/9.
    pub fn nearest(ratio: f64) -> SaatyValue {
        let target = if ratio.is_finite() && ratio > 0.0 {
            ratio.ln()
        } else {
            0.0
        };
        let candidates = (1..=9u8)
            .map(SaatyValue::Times)
            .chain((2..=9u8).map(SaatyValue::Inverse));
        let mut best = SaatyValue::Times(1);
        let mut best_gap = f64::INFINITY;
        for c in candidates {
            let gap = (c.value().ln() - target).abs();
            if gap < best_gap {
                best = c;
                best_gap = gap;
            }
        }
        best
    }

    /// The numeric value of the judgement.
    pub fn value(self) -> f64 {
        match self {
            SaatyValue::Times(k) => f64::from(k),
            SaatyValue::Inverse(k) => 1.0 / f64::from(k),
        }
    }
}

impl fmt::Display for SaatyValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SaatyValue::Times(k) => write!(f, "{k}"),
            SaatyValue::Inverse(k) => write!(f, "1/{k}"),
        }
    }
}

/// A validated reciprocal pairwise comparison matrix of 1..=10 criteria.
#[derive(Debug, Clone, PartialEq)]
pub struct PairwiseMatrix {
    n: usize,
    /// Row-major n x n, diagonal 1, a_ji = 1 / a_ij.
    a: Vec<f64>,
}

/// The weights and consistency figures of a pairwise matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct Priorities {
    /// The principal eigenvector, summing to 1.
    pub weights: Vec<f64>,
    /// The principal eigenvalue (n for a perfectly consistent matrix).
    pub lambda_max: f64,
    /// Consistency index (lambda_max - n) / (n - 1); 0 for n = 1.
    pub ci: f64,
    /// Consistency ratio CI / RI(n); 0 for n = 1, 2.
    pub cr: f64,
}

/// The judgement that disagrees most with the weights derived from all of them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Deviation {
    /// The pair (i < j).
    pub i: usize,
    /// The pair (i < j).
    pub j: usize,
    /// What was judged, a_ij.
    pub judged: f64,
    /// What the weights imply, w_i / w_j.
    pub implied: f64,
    /// max(a_ij / (w_i/w_j), (w_i/w_j) / a_ij): 1 means no disagreement.
    pub factor: f64,
}

impl PairwiseMatrix {
    /// Builds the matrix from the judgements above the diagonal, row by row:
    /// (0,1), (0,2), ..., (0,n-1), (1,2), ... There are n(n-1)/2 of them.
    pub fn from_upper(n: usize, upper: &[f64]) -> Result<PairwiseMatrix, AhpError> {
        check_size(n)?;
        let expected = n * (n - 1) / 2;
        if upper.len() != expected {
            return Err(AhpError::WrongCount {
                n,
                expected,
                got: upper.len(),
            });
        }
        let mut a = vec![1.0; n * n];
        let mut k = 0;
        for i in 0..n {
            for j in i + 1..n {
                let s = SaatyValue::from_f64(upper[k]).ok_or(AhpError::OffScale {
                    i,
                    j,
                    value: upper[k],
                })?;
                a[i * n + j] = s.value();
                a[j * n + i] = 1.0 / s.value();
                k += 1;
            }
        }
        Ok(PairwiseMatrix { n, a })
    }

    /// Builds the matrix from all its rows, checking the Saaty scale above the
    /// diagonal, 1 on it, and reciprocals below it (within 1e-6, so 0.333333 is 1/3).
    pub fn from_rows(rows: &[Vec<f64>]) -> Result<PairwiseMatrix, AhpError> {
        let n = rows.len();
        check_size(n)?;
        for (row, r) in rows.iter().enumerate() {
            if r.len() != n {
                return Err(AhpError::NotSquare {
                    row,
                    len: r.len(),
                    n,
                });
            }
        }
        for (i, r) in rows.iter().enumerate() {
            if (r[i] - 1.0).abs() > SCALE_SLACK {
                return Err(AhpError::Diagonal { i, value: r[i] });
            }
        }
        let mut upper = Vec::with_capacity(n * (n - 1) / 2);
        for (i, row) in rows.iter().enumerate() {
            for (j, &v) in row.iter().enumerate().skip(i + 1) {
                let s = SaatyValue::from_f64(v).ok_or(AhpError::OffScale { i, j, value: v })?;
                let expected = 1.0 / s.value();
                let below = rows[j][i];
                if !below.is_finite() || (below - expected).abs() > 1e-6 * expected.max(1.0) {
                    return Err(AhpError::NotReciprocal {
                        i,
                        j,
                        expected,
                        value: below,
                    });
                }
                upper.push(s.value());
            }
        }
        PairwiseMatrix::from_upper(n, &upper)
    }

    /// The number of criteria.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Always false: a matrix has at least one criterion.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The judgement a_ij (None outside the matrix).
    pub fn get(&self, i: usize, j: usize) -> Option<f64> {
        (i < self.n && j < self.n).then(|| self.a[i * self.n + j])
    }

    fn times(&self, w: &[f64]) -> Vec<f64> {
        (0..self.n)
            .map(|i| (0..self.n).map(|j| self.a[i * self.n + j] * w[j]).sum())
            .collect()
    }

    /// Weights, lambda_max, CI and CR, without judging them (see [`Self::check`]).
    pub fn priorities(&self) -> Result<Priorities, AhpError> {
        let n = self.n;
        let mut w = vec![1.0 / n as f64; n];
        let mut converged = false;
        for _ in 0..MAX_ITERATIONS {
            let mut next = self.times(&w);
            let sum: f64 = next.iter().sum();
            next.iter_mut().for_each(|x| *x /= sum);
            let moved = next
                .iter()
                .zip(&w)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            w = next;
            if moved <= TOLERANCE {
                converged = true;
                break;
            }
        }
        if !converged {
            return Err(AhpError::NoConvergence);
        }
        // With w summing to 1, A w = lambda w gives lambda = sum_i (A w)_i.
        let lambda_max: f64 = self.times(&w).iter().sum();
        let ci = if n > 1 {
            ((lambda_max - n as f64) / (n as f64 - 1.0)).max(0.0)
        } else {
            0.0
        };
        let ri = RANDOM_INDEX[n];
        let cr = if ri > 0.0 { ci / ri } else { 0.0 };
        Ok(Priorities {
            weights: w,
            lambda_max,
            ci,
            cr,
        })
    }

    /// The judgement a_ij (i < j) that deviates most from w_i / w_j, by the factor
    /// max(a / (w_i/w_j), (w_i/w_j) / a); on a tie, the first pair in row order.
    /// None for a single criterion.
    pub fn most_inconsistent(&self, weights: &[f64]) -> Option<Deviation> {
        let mut worst: Option<Deviation> = None;
        for i in 0..self.n {
            for j in i + 1..self.n {
                let (wi, wj) = (*weights.get(i)?, *weights.get(j)?);
                let judged = self.a[i * self.n + j];
                let implied = wi / wj;
                let factor = (judged / implied).max(implied / judged);
                // Equal factors (always the case for n = 3) name the first pair,
                // not whichever float noise favours.
                if worst.is_none_or(|d| factor > d.factor * (1.0 + 1e-9)) {
                    worst = Some(Deviation {
                        i,
                        j,
                        judged,
                        implied,
                        factor,
                    });
                }
            }
        }
        worst
    }

    /// The priorities when CR < 0.10; otherwise an error naming the CR, the most
    /// inconsistent pair and the Saaty value consistent with the other judgements.
    pub fn check(&self) -> Result<Priorities, AhpError> {
        let p = self.priorities()?;
        if p.cr < CR_LIMIT {
            return Ok(p);
        }
        // CR > 0 needs n >= 3, so there is always a pair.
        let d = self
            .most_inconsistent(&p.weights)
            .ok_or(AhpError::NoConvergence)?;
        Err(AhpError::Inconsistent {
            cr: p.cr,
            i: d.i,
            j: d.j,
            judged: SaatyValue::from_f64(d.judged).unwrap_or(SaatyValue::nearest(d.judged)),
            implied: d.implied,
            suggested: SaatyValue::nearest(d.implied),
        })
    }
}

fn check_size(n: usize) -> Result<(), AhpError> {
    match n {
        0 => Err(AhpError::Empty),
        n if n > MAX_CRITERIA => Err(AhpError::TooMany { n }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 0.0005
    }

    fn assert_weights(got: &[f64], want: &[f64]) {
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert!(close(*g, *w), "weights {got:?}, want {want:?}");
        }
    }

    // Saaty, T. L. (1990) "How to make a decision: the analytic hierarchy process",
    // European Journal of Operational Research 48, 9-26: the house-buying example.
    // Criteria: size, transportation, neighbourhood, age, yard, modern facilities,
    // general condition, financing. Published: weights .173 .054 .188 .018 .031 .036
    // .167 .333, lambda_max 9.669, CI .238, CR .169.
    fn house_criteria() -> PairwiseMatrix {
        PairwiseMatrix::from_upper(
            8,
            &[
                5.0,
                3.0,
                7.0,
                6.0,
                6.0,
                1.0 / 3.0,
                1.0 / 4.0, // size
                1.0 / 3.0,
                5.0,
                3.0,
                3.0,
                1.0 / 5.0,
                1.0 / 7.0, // transportation
                6.0,
                3.0,
                4.0,
                6.0,
                1.0 / 5.0, // neighbourhood
                1.0 / 3.0,
                1.0 / 4.0,
                1.0 / 7.0,
                1.0 / 8.0, // age
                1.0 / 2.0,
                1.0 / 5.0,
                1.0 / 6.0, // yard
                1.0 / 5.0,
                1.0 / 6.0, // modern facilities
                1.0 / 2.0, // condition
            ],
        )
        .unwrap()
    }

    #[test]
    fn saaty_1990_house_criteria_weights_and_cr() {
        let p = house_criteria().priorities().unwrap();
        assert_weights(
            &p.weights,
            &[0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333],
        );
        assert!(close(p.lambda_max, 9.669), "{}", p.lambda_max);
        assert!(close(p.ci, 0.238), "{}", p.ci);
        assert!(close(p.cr, 0.169), "{}", p.cr);
    }

    #[test]
    fn saaty_1990_house_criteria_refused_naming_neighbourhood_vs_condition() {
        // Neighbourhood was judged 6 times as important as condition, yet the other
        // judgements put them nearly level (w_2 / w_6 = 1.128): Saaty's own
        // discussion of this example points at the same judgement.
        match house_criteria().check() {
            Err(AhpError::Inconsistent {
                cr,
                i,
                j,
                judged,
                implied,
                suggested,
            }) => {
                assert!(close(cr, 0.169));
                assert_eq!((i, j), (2, 6));
                assert_eq!(judged, SaatyValue::Times(6));
                assert!(close(implied, 1.128), "{implied}");
                assert_eq!(suggested, SaatyValue::Times(1));
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        let msg = house_criteria().check().unwrap_err().to_string();
        assert!(msg.contains("CR = 0.169"), "{msg}");
        assert!(
            msg.contains("(2, 6)") && msg.contains("consider 1"),
            "{msg}"
        );
    }

    #[test]
    fn saaty_1990_house_yard_space_is_accepted() {
        // Same paper, houses A, B, C compared on yard space: .674 .101 .226, CR .07.
        let m = PairwiseMatrix::from_upper(3, &[5.0, 4.0, 1.0 / 3.0]).unwrap();
        let p = m.check().unwrap();
        assert_weights(&p.weights, &[0.674, 0.101, 0.226]);
        assert!(close(p.lambda_max, 3.086), "{}", p.lambda_max);
        assert!(close(p.cr, 0.074), "{}", p.cr);
    }

    #[test]
    fn saaty_1990_house_size_is_refused() {
        // Same paper, size of house: .754 .181 .065, lambda_max 3.136, CR .117.
        let m = PairwiseMatrix::from_upper(3, &[6.0, 8.0, 4.0]).unwrap();
        let p = m.priorities().unwrap();
        assert_weights(&p.weights, &[0.754, 0.181, 0.065]);
        assert!(close(p.lambda_max, 3.136));
        assert!(close(p.cr, 0.117));
        match m.check() {
            Err(AhpError::Inconsistent {
                i, j, suggested, ..
            }) => {
                // With three criteria every pair deviates by the same factor, so the
                // first is named: A vs B judged 6, the rest imply 4.16.
                assert_eq!((i, j), (0, 1));
                assert_eq!(suggested, SaatyValue::Times(4));
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn saaty_1977_optics_experiment() {
        // Saaty, T. L. (1977) "A scaling method for priorities in hierarchical
        // structures", J. Math. Psychology 15, 234-281; also Saaty (1980) The Analytic
        // Hierarchy Process, ch. 2: relative brightness of four chairs. Published
        // eigenvector about (.61, .24, .10, .05), lambda_max 4.39, CI .13; CR .14.
        let m = PairwiseMatrix::from_upper(4, &[5.0, 6.0, 7.0, 4.0, 6.0, 4.0]).unwrap();
        let p = m.priorities().unwrap();
        assert_weights(&p.weights, &[0.619, 0.235, 0.101, 0.045]);
        assert!(close(p.lambda_max, 4.391), "{}", p.lambda_max);
        assert!(close(p.ci, 0.130));
        assert!(close(p.cr, 0.145));
        match m.check() {
            Err(AhpError::Inconsistent {
                i,
                j,
                implied,
                suggested,
                ..
            }) => {
                // Chair 1 vs chair 4 judged 7, the others imply 13.7: beyond the scale.
                assert_eq!((i, j), (0, 3));
                assert!(close(implied, 13.725), "{implied}");
                assert_eq!(suggested, SaatyValue::Times(9));
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn consistent_matrix_has_cr_zero_and_ratio_weights() {
        // a_ij = v_i / v_j for v = 8, 4, 2, 1: weights 8/15, 4/15, 2/15, 1/15.
        let m = PairwiseMatrix::from_upper(4, &[2.0, 4.0, 8.0, 2.0, 4.0, 2.0]).unwrap();
        let p = m.check().unwrap();
        assert_weights(
            &p.weights,
            &[8.0 / 15.0, 4.0 / 15.0, 2.0 / 15.0, 1.0 / 15.0],
        );
        assert!((p.lambda_max - 4.0).abs() < 1e-9);
        assert!(p.cr.abs() < 1e-9);
        assert!((p.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        let d = m.most_inconsistent(&p.weights).unwrap();
        assert!((d.factor - 1.0).abs() < 1e-9);
    }

    #[test]
    fn one_and_two_criteria_are_always_consistent() {
        let one = PairwiseMatrix::from_upper(1, &[]).unwrap().check().unwrap();
        assert_eq!(one.weights, vec![1.0]);
        assert_eq!(one.cr, 0.0);
        let two = PairwiseMatrix::from_upper(2, &[3.0])
            .unwrap()
            .check()
            .unwrap();
        assert_weights(&two.weights, &[0.75, 0.25]);
        assert_eq!(two.cr, 0.0);
    }

    #[test]
    fn full_rows_are_validated() {
        let ok = PairwiseMatrix::from_rows(&[
            vec![1.0, 3.0, 0.2],
            vec![1.0 / 3.0, 1.0, 0.5],
            vec![5.0, 2.0, 1.0],
        ])
        .unwrap();
        assert_eq!(ok.get(2, 0), Some(5.0));
        assert_eq!(ok.get(3, 0), None);
        assert_eq!(
            PairwiseMatrix::from_rows(&[vec![2.0, 3.0], vec![1.0 / 3.0, 1.0]]),
            Err(AhpError::Diagonal { i: 0, value: 2.0 })
        );
        assert!(matches!(
            PairwiseMatrix::from_rows(&[vec![1.0, 3.0], vec![3.0, 1.0]]),
            Err(AhpError::NotReciprocal { i: 0, j: 1, .. })
        ));
        assert!(matches!(
            PairwiseMatrix::from_rows(&[vec![1.0, 3.0], vec![1.0 / 3.0]]),
            Err(AhpError::NotSquare { row: 1, .. })
        ));
    }

    #[test]
    fn bad_input_is_refused_with_a_reason() {
        assert_eq!(PairwiseMatrix::from_upper(0, &[]), Err(AhpError::Empty));
        assert_eq!(
            PairwiseMatrix::from_upper(11, &[1.0; 55]),
            Err(AhpError::TooMany { n: 11 })
        );
        assert!(
            AhpError::TooMany { n: 11 }
                .to_string()
                .contains("split them into sub-groups")
        );
        assert_eq!(
            PairwiseMatrix::from_upper(3, &[1.0, 2.0]),
            Err(AhpError::WrongCount {
                n: 3,
                expected: 3,
                got: 2
            })
        );
        for bad in [
            0.0,
            -3.0,
            10.0,
            2.5,
            0.3,
            1.0 / 10.0,
            f64::NAN,
            f64::INFINITY,
        ] {
            assert!(
                matches!(
                    PairwiseMatrix::from_upper(2, &[bad]),
                    Err(AhpError::OffScale { i: 0, j: 1, .. })
                ),
                "{bad} accepted"
            );
        }
    }

    #[test]
    fn saaty_values_read_round_and_show() {
        assert_eq!(
            SaatyValue::from_f64(1.0 / 7.0),
            Some(SaatyValue::Inverse(7))
        );
        assert_eq!(SaatyValue::from_f64(9.0), Some(SaatyValue::Times(9)));
        assert_eq!(SaatyValue::nearest(4.4), SaatyValue::Times(4));
        assert_eq!(SaatyValue::nearest(4.6), SaatyValue::Times(5));
        assert_eq!(SaatyValue::nearest(0.3), SaatyValue::Inverse(3));
        assert_eq!(SaatyValue::nearest(50.0), SaatyValue::Times(9));
        assert_eq!(SaatyValue::nearest(0.001), SaatyValue::Inverse(9));
        assert_eq!(SaatyValue::Inverse(4).to_string(), "1/4");
        assert_eq!(SaatyValue::Times(6).to_string(), "6");
    }
}
