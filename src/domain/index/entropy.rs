//! Entropy weights: an indicator on which enterprises differ a lot says more about
//! them than one on which they are all alike, so it gets more weight. Also the blend
//! of subjective (AHP) and objective (entropy) weights.
//!
//! Rules applied, per indicator column j, over the rows whose value is present:
//! - min-max normalise: z = (x - min) / (max - min), or (max - x) / (max - min)
//!   when lower is better;
//! - p_ij = z_ij / sum_i z_ij; e_j = -(1 / ln n_j) sum_i p_ij ln p_ij with 0 ln 0 = 0,
//!   where n_j is the number of present values in the column (missing values are
//!   skipped, not read as 0);
//! - w_j = (1 - e_j) / sum_k (1 - e_k).
//!
//! A column that carries no information (constant, or fewer than two present
//! values) gets weight 0. When no column carries information, every column gets
//! the same weight and the result says so (`equal_fallback`). A matrix with fewer
//! than two rows is refused: with one enterprise there is nothing to compare.

use super::Direction;

/// Why entropy weights or a blend could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EntropyError {
    /// No indicator columns.
    #[error("entropy weights need at least one indicator")]
    NoColumns,
    /// Fewer than two enterprises.
    #[error("entropy weights need at least two enterprises to compare, got {rows}")]
    TooFewRows { rows: usize },
    /// The directions do not match the columns.
    #[error("{columns} indicators but {directions} directions")]
    Directions { columns: usize, directions: usize },
    /// A row with a different number of values than the others.
    #[error("row {row} has {len} values; expected {expected}")]
    Ragged {
        row: usize,
        len: usize,
        expected: usize,
    },
    /// NaN or infinity in the data.
    #[error("the value at row {row}, indicator {column} is not a finite number")]
    NotFinite { row: usize, column: usize },
    /// The two weight vectors of a blend differ in length.
    #[error("AHP has {ahp} weights but entropy has {entropy}")]
    LengthMismatch { ahp: usize, entropy: usize },
    /// The blend factor is outside 0..=1.
    #[error("the AHP share must be between 0 and 1, got {0}")]
    Share(f64),
    /// A negative or non-finite weight.
    #[error("weight {index} is {value}; weights must be finite and not negative")]
    BadWeight { index: usize, value: f64 },
    /// All blended weights are zero.
    #[error("the blended weights are all zero")]
    AllZero,
}

/// Entropy weights with the per-column figures behind them.
#[derive(Debug, Clone, PartialEq)]
pub struct EntropyWeights {
    /// One weight per column, summing to 1.
    pub weights: Vec<f64>,
    /// e_j per column; `None` for a column that carries no information.
    pub entropy: Vec<Option<f64>>,
    /// True when no column carried information and equal weights were returned.
    pub equal_fallback: bool,
}

/// Entropy weights for `data` (rows = enterprises, columns = indicators), with one
/// direction per column. See the module notes for the rules.
pub fn weights(
    data: &[Vec<Option<f64>>],
    directions: &[Direction],
) -> Result<EntropyWeights, EntropyError> {
    let m = directions.len();
    if m == 0 {
        return Err(EntropyError::NoColumns);
    }
    if data.len() < 2 {
        return Err(EntropyError::TooFewRows { rows: data.len() });
    }
    for (row, r) in data.iter().enumerate() {
        if r.len() != m {
            return Err(if row == 0 {
                EntropyError::Directions {
                    columns: r.len(),
                    directions: m,
                }
            } else {
                EntropyError::Ragged {
                    row,
                    len: r.len(),
                    expected: m,
                }
            });
        }
        if let Some(column) = r.iter().position(|v| v.is_some_and(|x| !x.is_finite())) {
            return Err(EntropyError::NotFinite { row, column });
        }
    }
    let entropy: Vec<Option<f64>> = directions
        .iter()
        .enumerate()
        .map(|(j, &dir)| {
            let column: Vec<f64> = data.iter().filter_map(|r| r[j]).collect();
            column_entropy(&column, dir)
        })
        .collect();
    let total: f64 = entropy.iter().flatten().map(|e| 1.0 - e).sum();
    if total <= 0.0 {
        return Ok(EntropyWeights {
            weights: vec![1.0 / m as f64; m],
            entropy,
            equal_fallback: true,
        });
    }
    let weights = entropy
        .iter()
        .map(|e| e.map_or(0.0, |e| (1.0 - e) / total))
        .collect();
    Ok(EntropyWeights {
        weights,
        entropy,
        equal_fallback: false,
    })
}

/// e_j of one column's present values; None when it carries no information.
fn column_entropy(values: &[f64], dir: Direction) -> Option<f64> {
    let n = values.len();
    if n < 2 {
        return None;
    }
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let range = max - min;
    if range <= 0.0 {
        return None;
    }
    let z: Vec<f64> = values
        .iter()
        .map(|x| match dir {
            Direction::HigherIsBetter => (x - min) / range,
            Direction::LowerIsBetter => (max - x) / range,
        })
        .collect();
    // Not constant, so at least one z is 1 and the sum is positive.
    let sum: f64 = z.iter().sum();
    let h: f64 = z
        .iter()
        .map(|zi| zi / sum)
        .filter(|p| *p > 0.0)
        .map(|p| p * p.ln())
        .sum();
    Some((-h / (n as f64).ln()).clamp(0.0, 1.0))
}

/// Blends subjective and objective weights: a * w_ahp + (1 - a) * w_entropy,
/// renormalised to sum 1. `a` is the AHP share, 0..=1.
pub fn combine(ahp: &[f64], entropy: &[f64], a: f64) -> Result<Vec<f64>, EntropyError> {
    if ahp.len() != entropy.len() {
        return Err(EntropyError::LengthMismatch {
            ahp: ahp.len(),
            entropy: entropy.len(),
        });
    }
    if !(0.0..=1.0).contains(&a) {
        return Err(EntropyError::Share(a));
    }
    for (index, &value) in ahp.iter().chain(entropy).enumerate() {
        if !value.is_finite() || value < 0.0 {
            return Err(EntropyError::BadWeight {
                index: index % ahp.len().max(1),
                value,
            });
        }
    }
    let mixed: Vec<f64> = ahp
        .iter()
        .zip(entropy)
        .map(|(w, v)| a * w + (1.0 - a) * v)
        .collect();
    let sum: f64 = mixed.iter().sum();
    if sum <= 0.0 {
        return Err(EntropyError::AllZero);
    }
    Ok(mixed.into_iter().map(|w| w / sum).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Direction::{HigherIsBetter as Up, LowerIsBetter as Down};

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    fn rows(cols: &[&[Option<f64>]]) -> Vec<Vec<Option<f64>>> {
        (0..cols[0].len())
            .map(|i| cols.iter().map(|c| c[i]).collect())
            .collect()
    }

    // Expected numbers computed once, independently, with this python3 script:
    //   def entropy(cols, dirs):
    //       d = []
    //       for c, hb in zip(cols, dirs):
    //           v = [x for x in c if x is not None]; lo, hi = min(v), max(v)
    //           if len(v) < 2 or hi == lo: d.append(None); continue
    //           z = [(x-lo)/(hi-lo) if hb else (hi-x)/(hi-lo) for x in v]
    //           p = [x/sum(z) for x in z]
    //           d.append(-sum(q*math.log(q) for q in p if q > 0) / math.log(len(v)))
    //       tot = sum(1-e for e in d if e is not None)
    //       return d, [0 if e is None else (1-e)/tot for e in d]
    const GROWTH: [Option<f64>; 5] = [Some(12.0), Some(30.0), Some(18.0), Some(45.0), Some(25.0)];
    const DEBT: [Option<f64>; 5] = [Some(0.6), Some(0.3), Some(0.5), Some(0.2), Some(0.4)];

    #[test]
    fn hand_computed_example() {
        let patents = [Some(1.0), Some(1.0), Some(2.0), Some(10.0), Some(3.0)];
        let r = weights(&rows(&[&GROWTH, &DEBT, &patents]), &[Up, Down, Up]).unwrap();
        let want_e = [0.7623631175563224, 0.7952181416542046, 0.44827059255822793];
        let want_w = [0.2390356838329108, 0.20598726528851502, 0.5549770508785742];
        for j in 0..3 {
            assert!(close(r.entropy[j].unwrap(), want_e[j]), "{:?}", r.entropy);
            assert!(close(r.weights[j], want_w[j]), "{:?}", r.weights);
        }
        assert!(!r.equal_fallback);
        assert!(close(r.weights.iter().sum(), 1.0));
    }

    #[test]
    fn missing_values_are_skipped_and_constant_columns_weigh_nothing() {
        let patents = [Some(1.0), None, Some(2.0), Some(10.0), Some(3.0)];
        let flat = [Some(7.0); 5];
        let r = weights(
            &rows(&[&GROWTH, &DEBT, &patents, &flat]),
            &[Up, Down, Up, Up],
        )
        .unwrap();
        // Patents over its four present values: e = 0.5204260414863776.
        let want_w = [
            0.25774269430039926,
            0.22210789575729117,
            0.5201494099423096,
            0.0,
        ];
        for (got, want) in r.weights.iter().zip(want_w) {
            assert!(close(*got, want), "{:?}", r.weights);
        }
        assert!(close(r.entropy[2].unwrap(), 0.5204260414863776));
        assert_eq!(r.entropy[3], None);
    }

    #[test]
    fn a_column_with_one_present_value_weighs_nothing() {
        let one = [None, None, Some(3.0), None, None];
        let r = weights(&rows(&[&GROWTH, &one]), &[Up, Up]).unwrap();
        assert_eq!(r.weights, vec![1.0, 0.0]);
        assert_eq!(r.entropy[1], None);
    }

    #[test]
    fn all_constant_columns_fall_back_to_equal_weights_and_say_so() {
        let a = [Some(1.0); 4];
        let b = [Some(2.0), Some(2.0), None, Some(2.0)];
        let r = weights(&rows(&[&a, &b]), &[Up, Down]).unwrap();
        assert_eq!(r.weights, vec![0.5, 0.5]);
        assert!(r.equal_fallback);
        assert_eq!(r.entropy, vec![None, None]);
    }

    #[test]
    fn direction_reversal_only_mirrors_the_column() {
        // Two enterprises: one is 0, the other 1, whichever way; e = 0.
        let r = weights(&rows(&[&[Some(1.0), Some(5.0)]]), &[Down]).unwrap();
        assert!(close(r.entropy[0].unwrap(), 0.0));
        assert_eq!(r.weights, vec![1.0]);
    }

    #[test]
    fn bad_input_is_refused() {
        assert_eq!(weights(&[], &[]), Err(EntropyError::NoColumns));
        assert_eq!(
            weights(&[vec![Some(1.0)]], &[Up]),
            Err(EntropyError::TooFewRows { rows: 1 })
        );
        assert_eq!(
            weights(&[vec![Some(1.0)], vec![Some(2.0)]], &[Up, Up]),
            Err(EntropyError::Directions {
                columns: 1,
                directions: 2
            })
        );
        assert_eq!(
            weights(&[vec![Some(1.0)], vec![]], &[Up]),
            Err(EntropyError::Ragged {
                row: 1,
                len: 0,
                expected: 1
            })
        );
        assert_eq!(
            weights(&[vec![Some(1.0)], vec![Some(f64::NAN)]], &[Up]),
            Err(EntropyError::NotFinite { row: 1, column: 0 })
        );
    }

    #[test]
    fn combine_blends_and_renormalises() {
        let w = combine(&[0.6, 0.4], &[0.2, 0.8], 0.5).unwrap();
        assert!(close(w[0], 0.4) && close(w[1], 0.6), "{w:?}");
        assert_eq!(
            combine(&[0.6, 0.4], &[0.2, 0.8], 1.0).unwrap(),
            vec![0.6, 0.4]
        );
        // Inputs that do not sum to 1 are renormalised: (0.3 + 0.1, 0.1 + 0.3) / 0.8.
        let w = combine(&[0.6, 0.2], &[0.2, 0.6], 0.5).unwrap();
        assert!(close(w[0], 0.5) && close(w[1], 0.5), "{w:?}");
        assert_eq!(combine(&[1.0], &[1.0], 1.5), Err(EntropyError::Share(1.5)));
        assert!(matches!(
            combine(&[1.0], &[1.0], f64::NAN),
            Err(EntropyError::Share(_))
        ));
        assert_eq!(
            combine(&[1.0], &[0.5, 0.5], 0.5),
            Err(EntropyError::LengthMismatch { ahp: 1, entropy: 2 })
        );
        assert_eq!(
            combine(&[0.5, -0.1], &[0.5, 0.5], 0.5),
            Err(EntropyError::BadWeight {
                index: 1,
                value: -0.1
            })
        );
        assert_eq!(
            combine(&[0.0, 0.0], &[0.0, 0.0], 0.5),
            Err(EntropyError::AllZero)
        );
    }
}
