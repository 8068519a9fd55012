//! Expert scoring: several experts score one indicator for one enterprise; the
//! panel's score is a trimmed mean and the spread shows whether they agree.
//!
//! Rules applied:
//! - trimmed mean: with at least 5 scores, drop one highest and one lowest and
//!   average the rest (guards against one outlier); with fewer, the plain mean
//!   (dropping two of four would throw away half the panel);
//! - standard deviation: the sample one (divide by n - 1), so needs 2 scores;
//! - coefficient of variation: sd / |mean| (of all scores, untrimmed); undefined
//!   when the mean is 0;
//! - `high_spread` when CV >= the threshold (default 0.15): the panel should talk.

/// The CV above which a panel's scores count as spread out.
pub const DEFAULT_CV_THRESHOLD: f64 = 0.15;

/// Trimming starts at this many scores.
pub const TRIM_FROM: usize = 5;

/// Why a panel's scores could not be summarised.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExpertError {
    /// No scores.
    #[error("no expert scores to summarise")]
    Empty,
    /// NaN or infinity among the scores.
    #[error("expert score {index} is not a finite number")]
    NotFinite { index: usize },
    /// A threshold that is negative or not a number.
    #[error("the spread threshold must be a number of at least 0, got {0}")]
    Threshold(f64),
}

/// A panel's scores summarised.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// How many scores.
    pub n: usize,
    /// Plain mean of all scores.
    pub mean: f64,
    /// Mean without the highest and lowest when n >= 5; the plain mean otherwise.
    pub trimmed_mean: f64,
    /// Sample standard deviation; None with a single score.
    pub sd: Option<f64>,
    /// sd / |mean|; None with a single score or a mean of 0.
    pub cv: Option<f64>,
    /// CV at or above the threshold.
    pub high_spread: bool,
}

fn checked(scores: &[f64]) -> Result<(), ExpertError> {
    if scores.is_empty() {
        return Err(ExpertError::Empty);
    }
    match scores.iter().position(|x| !x.is_finite()) {
        Some(index) => Err(ExpertError::NotFinite { index }),
        None => Ok(()),
    }
}

/// The plain mean.
pub fn mean(scores: &[f64]) -> Result<f64, ExpertError> {
    checked(scores)?;
    Ok(scores.iter().sum::<f64>() / scores.len() as f64)
}

/// The mean without one highest and one lowest score when there are at least 5.
pub fn trimmed_mean(scores: &[f64]) -> Result<f64, ExpertError> {
    checked(scores)?;
    if scores.len() < TRIM_FROM {
        return mean(scores);
    }
    let mut sorted = scores.to_vec();
    sorted.sort_by(f64::total_cmp);
    mean(&sorted[1..sorted.len() - 1])
}

/// The sample standard deviation (n - 1); None with a single score.
pub fn sample_sd(scores: &[f64]) -> Result<Option<f64>, ExpertError> {
    let m = mean(scores)?;
    let n = scores.len();
    if n < 2 {
        return Ok(None);
    }
    let ss: f64 = scores.iter().map(|x| (x - m).powi(2)).sum();
    Ok(Some((ss / (n - 1) as f64).sqrt()))
}

/// The coefficient of variation sd / |mean|; None with one score or a zero mean.
pub fn cv(scores: &[f64]) -> Result<Option<f64>, ExpertError> {
    let m = mean(scores)?;
    Ok(sample_sd(scores)?
        .filter(|_| m != 0.0)
        .map(|sd| sd / m.abs()))
}

/// Everything at once, flagging `high_spread` when CV >= `cv_threshold`.
pub fn summarise(scores: &[f64], cv_threshold: f64) -> Result<Summary, ExpertError> {
    if !cv_threshold.is_finite() || cv_threshold < 0.0 {
        return Err(ExpertError::Threshold(cv_threshold));
    }
    let cv = cv(scores)?;
    Ok(Summary {
        n: scores.len(),
        mean: mean(scores)?,
        trimmed_mean: trimmed_mean(scores)?,
        sd: sample_sd(scores)?,
        cv,
        high_spread: cv.is_some_and(|c| c >= cv_threshold),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    #[test]
    fn five_experts_agreeing() {
        // 70 75 80 85 90: mean 80, trimmed (75 + 80 + 85) / 3 = 80,
        // sd = sqrt(250 / 4) = 7.905694, CV = 0.098821.
        let s = summarise(&[80.0, 70.0, 90.0, 75.0, 85.0], DEFAULT_CV_THRESHOLD).unwrap();
        assert_eq!(s.n, 5);
        assert!(close(s.mean, 80.0));
        assert!(close(s.trimmed_mean, 80.0));
        assert!(close(s.sd.unwrap(), 7.905694));
        assert!(close(s.cv.unwrap(), 0.098821));
        assert!(!s.high_spread);
    }

    #[test]
    fn an_outlier_is_trimmed_and_flags_the_spread() {
        // 20 78 80 82 84: mean 68.8, trimmed (78 + 80 + 82) / 3 = 80;
        // sd = sqrt(2996.8 / 4) = 27.371518, CV = 0.397842.
        let s = summarise(&[78.0, 80.0, 20.0, 82.0, 84.0], DEFAULT_CV_THRESHOLD).unwrap();
        assert!(close(s.mean, 68.8));
        assert!(close(s.trimmed_mean, 80.0));
        assert!(close(s.sd.unwrap(), 27.371518), "{:?}", s.sd);
        assert!(close(s.cv.unwrap(), 0.397842), "{:?}", s.cv);
        assert!(s.high_spread);
        // Reaching the threshold is enough.
        let at = s.cv.unwrap();
        assert!(
            summarise(&[78.0, 80.0, 20.0, 82.0, 84.0], at)
                .unwrap()
                .high_spread
        );
        // The threshold is configurable.
        assert!(
            !summarise(&[78.0, 80.0, 20.0, 82.0, 84.0], 0.5)
                .unwrap()
                .high_spread
        );
    }

    #[test]
    fn fewer_than_five_are_not_trimmed() {
        // 60 70 80 90: mean 75; sd = sqrt(500 / 3) = 12.909944, CV = 0.172133.
        let s = summarise(&[60.0, 70.0, 80.0, 90.0], DEFAULT_CV_THRESHOLD).unwrap();
        assert!(close(s.trimmed_mean, 75.0));
        assert!(close(s.sd.unwrap(), 12.909944));
        assert!(close(s.cv.unwrap(), 0.172133));
        assert!(s.high_spread);
    }

    #[test]
    fn one_score_or_zero_mean_has_no_cv() {
        let s = summarise(&[88.0], DEFAULT_CV_THRESHOLD).unwrap();
        assert_eq!(
            (s.mean, s.trimmed_mean, s.sd, s.cv),
            (88.0, 88.0, None, None)
        );
        assert!(!s.high_spread);
        assert_eq!(cv(&[-1.0, 1.0]).unwrap(), None);
    }

    #[test]
    fn bad_input_is_refused() {
        assert_eq!(mean(&[]), Err(ExpertError::Empty));
        assert_eq!(
            trimmed_mean(&[1.0, f64::NAN]),
            Err(ExpertError::NotFinite { index: 1 })
        );
        assert_eq!(summarise(&[1.0], -0.1), Err(ExpertError::Threshold(-0.1)));
    }
}
