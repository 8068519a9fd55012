//! Per-indicator normalisation: turns raw figures (yuan, percentages, counts) into
//! points on 0..100 so that different indicators can be weighted together.
//!
//! Rules applied, each with a direction (lower-is-better mirrors the scale):
//! - `MinMax`: 100 (x - min) / (max - min);
//! - `ZScore`: 50 + 10 z, clamped to 0..=100 (the "T-score" convention), with
//!   z = (x - mean) / sd and sd the population standard deviation of the present
//!   values; so 5 standard deviations either side hit the ends;
//! - `Efficacy` (efficacy coefficient): 60 + 40 (x - min) / (max - min), so 60..100;
//! - `Bands`: rubric points, as in the MIIT rubrics: the best band the value
//!   reaches (value >= threshold when higher is better, value <= threshold when
//!   lower is better) gives its points; a value reaching no band scores 0.
//!
//! Missing values stay missing (`None`), never 0, and do not count towards min,
//! max, mean or sd. When all present values are equal there is no spread to
//! measure: min-max and efficacy give everyone 100 (nobody is behind anybody),
//! z-score gives everyone 50 (everybody is at the mean).

use super::Direction;

/// One band of a rubric: reaching `threshold` earns `points` (on 0..=100).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    /// The value to reach (at least it, or at most it when lower is better).
    pub threshold: f64,
    /// The points earned, 0..=100.
    pub points: f64,
}

/// How an indicator's raw figures become points on 0..100.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// 100 (x - min) / (max - min).
    MinMax,
    /// 50 + 10 z, clamped to 0..=100.
    ZScore,
    /// 60 + 40 (x - min) / (max - min).
    Efficacy,
    /// The best band reached gives its points; none reached gives 0.
    Bands(Vec<Band>),
}

/// Why a normalisation was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NormaliseError {
    /// NaN or infinity among the values.
    #[error("value {index} is not a finite number")]
    NotFinite { index: usize },
    /// A banded method without bands.
    #[error("a banded score needs at least one band")]
    NoBands,
    /// A band with a non-finite threshold or points outside 0..=100.
    #[error("band {index} is invalid: the threshold must be a number and points 0 to 100")]
    BadBand { index: usize },
}

/// The spread of one indicator's present values in a period: what min-max,
/// efficacy and z-score measure a value against. Kept with a period's scores so
/// that a changed enterprise can be re-scored on its own against the same scale.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Reference {
    /// How many values were present.
    pub n: usize,
    pub min: f64,
    pub max: f64,
    pub mean: f64,
    /// Population standard deviation.
    pub sd: f64,
}

impl Reference {
    /// The spread of `values` (finite numbers); None when there are none.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Option<Reference> {
        let (mut n, mut min, mut max, mut sum, mut sum_sq) =
            (0usize, f64::INFINITY, f64::NEG_INFINITY, 0.0, 0.0);
        for x in values {
            n += 1;
            min = min.min(x);
            max = max.max(x);
            sum += x;
            sum_sq += x * x;
        }
        if n == 0 {
            return None;
        }
        let mean = sum / n as f64;
        let sd = (sum_sq / n as f64 - mean * mean).max(0.0).sqrt();
        Some(Reference {
            n,
            min,
            max,
            mean,
            sd,
        })
    }
}

/// Checks a method's own parameters (the bands).
pub fn check_method(method: &Method) -> Result<(), NormaliseError> {
    if let Method::Bands(bands) = method {
        if bands.is_empty() {
            return Err(NormaliseError::NoBands);
        }
        if let Some(index) = bands
            .iter()
            .position(|b| !b.threshold.is_finite() || !(0.0..=100.0).contains(&b.points))
        {
            return Err(NormaliseError::BadBand { index });
        }
    }
    Ok(())
}

/// The points of one value `x` measured against `reference`, on 0..=100. A value
/// outside the reference's range (an enterprise re-scored after the period's scale
/// was fixed) is clamped to the ends. With no reference, `x` is measured against
/// itself alone (everyone equal). The method must have passed [`check_method`].
pub fn points(method: &Method, reference: Option<&Reference>, x: f64, direction: Direction) -> f64 {
    let own;
    let r = match reference {
        Some(r) => r,
        None => {
            own = Reference::of([x]).expect("one value");
            &own
        }
    };
    let sign = match direction {
        Direction::HigherIsBetter => 1.0,
        Direction::LowerIsBetter => -1.0,
    };
    // Share of the way from the worst to the best value, 0..=1.
    let share = || {
        let range = r.max - r.min;
        if range <= 0.0 {
            1.0
        } else if sign > 0.0 {
            ((x - r.min) / range).clamp(0.0, 1.0)
        } else {
            ((r.max - x) / range).clamp(0.0, 1.0)
        }
    };
    match method {
        Method::MinMax => 100.0 * share(),
        Method::Efficacy => 60.0 + 40.0 * share(),
        Method::ZScore => {
            let z = if r.sd > 0.0 {
                sign * (x - r.mean) / r.sd
            } else {
                0.0
            };
            (50.0 + 10.0 * z).clamp(0.0, 100.0)
        }
        Method::Bands(bands) => band_points(bands, x, direction),
    }
}

/// Normalises one indicator's values across enterprises with `method`, in the
/// indicator's `direction`. Output has the same length; missing stays missing.
pub fn normalise(
    values: &[Option<f64>],
    method: &Method,
    direction: Direction,
) -> Result<Vec<Option<f64>>, NormaliseError> {
    if let Some(index) = values
        .iter()
        .position(|v| v.is_some_and(|x| !x.is_finite()))
    {
        return Err(NormaliseError::NotFinite { index });
    }
    check_method(method)?;
    let reference = Reference::of(values.iter().flatten().copied());
    Ok(values
        .iter()
        .map(|v| v.map(|x| points(method, reference.as_ref(), x, direction)))
        .collect())
}

/// The points of the best band `x` reaches (0 when it reaches none).
pub fn band_points(bands: &[Band], x: f64, direction: Direction) -> f64 {
    bands
        .iter()
        .filter(|b| match direction {
            Direction::HigherIsBetter => x >= b.threshold,
            Direction::LowerIsBetter => x <= b.threshold,
        })
        .map(|b| b.points)
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Direction::{HigherIsBetter as Up, LowerIsBetter as Down};

    fn rounded(v: Vec<Option<f64>>) -> Vec<Option<f64>> {
        v.into_iter()
            .map(|x| x.map(|x| (x * 1000.0).round() / 1000.0))
            .collect()
    }

    const RAW: [Option<f64>; 4] = [Some(2.0), Some(4.0), None, Some(10.0)];

    #[test]
    fn min_max_both_directions_and_missing_stays_missing() {
        assert_eq!(
            normalise(&RAW, &Method::MinMax, Up).unwrap(),
            vec![Some(0.0), Some(25.0), None, Some(100.0)]
        );
        assert_eq!(
            normalise(&RAW, &Method::MinMax, Down).unwrap(),
            vec![Some(100.0), Some(75.0), None, Some(0.0)]
        );
    }

    #[test]
    fn efficacy_coefficient_runs_from_60_to_100() {
        assert_eq!(
            normalise(&RAW, &Method::Efficacy, Up).unwrap(),
            vec![Some(60.0), Some(70.0), None, Some(100.0)]
        );
        assert_eq!(
            normalise(&RAW, &Method::Efficacy, Down).unwrap(),
            vec![Some(100.0), Some(90.0), None, Some(60.0)]
        );
    }

    #[test]
    fn z_score_is_50_plus_10z_clamped() {
        // Mean 16/3 = 5.333, population sd = 3.399346.
        assert_eq!(
            rounded(normalise(&RAW, &Method::ZScore, Up).unwrap()),
            vec![Some(40.194), Some(46.078), None, Some(63.728)]
        );
        assert_eq!(
            rounded(normalise(&RAW, &Method::ZScore, Down).unwrap()),
            vec![Some(59.806), Some(53.922), None, Some(36.272)]
        );
        // One outlier among many: z beyond 5 is clamped to 100.
        let mut v = vec![Some(0.0); 99];
        v.push(Some(1.0));
        let out = normalise(&v, &Method::ZScore, Up).unwrap();
        assert_eq!(out[99], Some(100.0));
        assert!(out[0].unwrap() > 48.0);
    }

    #[test]
    fn equal_values_get_the_top_score_or_the_mean() {
        let flat = [Some(3.0), None, Some(3.0)];
        for (method, want) in [
            (Method::MinMax, 100.0),
            (Method::Efficacy, 100.0),
            (Method::ZScore, 50.0),
        ] {
            for dir in [Up, Down] {
                assert_eq!(
                    normalise(&flat, &method, dir).unwrap(),
                    vec![Some(want), None, Some(want)],
                    "{method:?} {dir:?}"
                );
            }
        }
        assert_eq!(
            normalise(&[Some(7.0)], &Method::MinMax, Up).unwrap(),
            vec![Some(100.0)]
        );
        assert_eq!(
            normalise(&[None, None], &Method::ZScore, Up).unwrap(),
            vec![None, None]
        );
    }

    #[test]
    fn bands_take_the_best_band_reached() {
        // Like an R&D intensity rubric: >= 3 % 40 points, >= 5 % 70, >= 8 % 100.
        let bands = Method::Bands(vec![
            Band {
                threshold: 3.0,
                points: 40.0,
            },
            Band {
                threshold: 8.0,
                points: 100.0,
            },
            Band {
                threshold: 5.0,
                points: 70.0,
            },
        ]);
        let v = [Some(2.9), Some(3.0), Some(6.0), Some(8.0), None];
        assert_eq!(
            normalise(&v, &bands, Up).unwrap(),
            vec![Some(0.0), Some(40.0), Some(70.0), Some(100.0), None]
        );
        // Lower is better, like a debt ratio: <= 70 % 50 points, <= 50 % 100.
        let debt = Method::Bands(vec![
            Band {
                threshold: 70.0,
                points: 50.0,
            },
            Band {
                threshold: 50.0,
                points: 100.0,
            },
        ]);
        assert_eq!(
            normalise(
                &[Some(80.0), Some(70.0), Some(50.0), Some(10.0)],
                &debt,
                Down
            )
            .unwrap(),
            vec![Some(0.0), Some(50.0), Some(100.0), Some(100.0)]
        );
    }

    #[test]
    fn bad_input_is_refused() {
        assert_eq!(
            normalise(&[Some(1.0), Some(f64::NAN)], &Method::MinMax, Up),
            Err(NormaliseError::NotFinite { index: 1 })
        );
        assert_eq!(
            normalise(&[Some(1.0)], &Method::Bands(vec![]), Up),
            Err(NormaliseError::NoBands)
        );
        let over = Method::Bands(vec![Band {
            threshold: 1.0,
            points: 120.0,
        }]);
        assert_eq!(
            normalise(&[Some(1.0)], &over, Up),
            Err(NormaliseError::BadBand { index: 0 })
        );
    }

    #[test]
    fn a_fixed_reference_clamps_values_outside_its_range() {
        let r = Reference::of([2.0, 4.0, 10.0]).unwrap();
        assert_eq!((r.n, r.min, r.max), (3, 2.0, 10.0));
        assert!((r.mean - 16.0 / 3.0).abs() < 1e-12);
        assert!((r.sd - 3.399_346).abs() < 1e-6);
        assert_eq!(points(&Method::MinMax, Some(&r), 6.0, Up), 50.0);
        assert_eq!(points(&Method::MinMax, Some(&r), 12.0, Up), 100.0);
        assert_eq!(points(&Method::MinMax, Some(&r), 1.0, Up), 0.0);
        assert_eq!(points(&Method::Efficacy, Some(&r), 1.0, Down), 100.0);
        assert_eq!(points(&Method::MinMax, None, 5.0, Up), 100.0);
        assert_eq!(points(&Method::ZScore, None, 5.0, Down), 50.0);
        assert_eq!(Reference::of(std::iter::empty()), None);
    }
}
