//! The weighted roll-up of the index: indicator points -> sub-dimensions ->
//! dimensions -> a total on 0..100, with a stated rule for missing data.
//!
//! Rules applied at every group node:
//! - children's weights are relative: they need not sum to 1, only their
//!   proportions count;
//! - the node's score is the weighted mean of the children that have a score, the
//!   weights re-normalised over those present (a missing child is neither 0 nor
//!   silently dropped from the report);
//! - coverage = weight of the children with a score / weight of all children; the
//!   node is missing when coverage < the minimum (default 0.5; exactly the
//!   minimum is enough) or when no child has a score;
//! - a leaf (indicator) has coverage 1 when it has a score, 0 when not; leaf
//!   scores must already be normalised to 0..=100.

use std::collections::HashSet;

/// A node is missing when less than this share of its children's weight has scores.
pub const DEFAULT_MIN_COVERAGE: f64 = 0.5;

/// A node of the index tree: an indicator (no children) or a group of nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Unique within the tree; a leaf's key is what its score is looked up by.
    pub key: String,
    /// Weight relative to its siblings (ignored for the root).
    pub weight: f64,
    /// Empty for an indicator.
    pub children: Vec<Node>,
}

impl Node {
    /// An indicator.
    pub fn leaf(key: impl Into<String>, weight: f64) -> Node {
        Node {
            key: key.into(),
            weight,
            children: Vec::new(),
        }
    }

    /// A dimension, sub-dimension or the total.
    pub fn group(key: impl Into<String>, weight: f64, children: Vec<Node>) -> Node {
        Node {
            key: key.into(),
            weight,
            children,
        }
    }
}

/// A node's result, mirroring the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// The node's key.
    pub key: String,
    /// 0..=100, or None when missing.
    pub score: Option<f64>,
    /// Share of the children's weight that had scores, 0..=1 (leaf: 1 or 0).
    pub coverage: f64,
    /// The children's results, in the tree's order.
    pub children: Vec<Scored>,
}

impl Scored {
    /// The result for `key` anywhere below (or at) this node.
    pub fn find(&self, key: &str) -> Option<&Scored> {
        if self.key == key {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(key))
    }
}

/// Why a tree could not be scored.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AggregateError {
    /// A negative or non-finite weight.
    #[error("node '{key}' has weight {weight}; weights must be finite and not negative")]
    BadWeight { key: String, weight: f64 },
    /// A group whose children all weigh 0.
    #[error("the children of '{key}' all weigh 0")]
    ZeroWeights { key: String },
    /// A key used twice.
    #[error("the key '{key}' is used by more than one node")]
    DuplicateKey { key: String },
    /// A leaf score outside 0..=100 or not a number.
    #[error("indicator '{key}' scored {score}; scores must be 0 to 100")]
    BadScore { key: String, score: f64 },
    /// A minimum coverage outside 0..=1.
    #[error("the minimum coverage must be between 0 and 1, got {0}")]
    BadCoverage(f64),
}

/// Scores the tree under `root`, reading each indicator's points through
/// `leaf_score` (None = missing), with nodes missing below `min_coverage`.
pub fn aggregate<F>(root: &Node, leaf_score: F, min_coverage: f64) -> Result<Scored, AggregateError>
where
    F: Fn(&str) -> Option<f64>,
{
    if !(0.0..=1.0).contains(&min_coverage) {
        return Err(AggregateError::BadCoverage(min_coverage));
    }
    let mut seen = HashSet::new();
    check_keys(root, &mut seen)?;
    score_node(root, &leaf_score, min_coverage)
}

fn check_keys<'a>(node: &'a Node, seen: &mut HashSet<&'a str>) -> Result<(), AggregateError> {
    if !seen.insert(node.key.as_str()) {
        return Err(AggregateError::DuplicateKey {
            key: node.key.clone(),
        });
    }
    node.children.iter().try_for_each(|c| check_keys(c, seen))
}

fn score_node<F>(node: &Node, leaf_score: &F, min_coverage: f64) -> Result<Scored, AggregateError>
where
    F: Fn(&str) -> Option<f64>,
{
    if node.children.is_empty() {
        let score = leaf_score(&node.key);
        if let Some(s) = score
            && !(0.0..=100.0).contains(&s)
        {
            return Err(AggregateError::BadScore {
                key: node.key.clone(),
                score: s,
            });
        }
        return Ok(Scored {
            key: node.key.clone(),
            score,
            coverage: if score.is_some() { 1.0 } else { 0.0 },
            children: Vec::new(),
        });
    }
    for c in &node.children {
        if !c.weight.is_finite() || c.weight < 0.0 {
            return Err(AggregateError::BadWeight {
                key: c.key.clone(),
                weight: c.weight,
            });
        }
    }
    let total: f64 = node.children.iter().map(|c| c.weight).sum();
    if total <= 0.0 {
        return Err(AggregateError::ZeroWeights {
            key: node.key.clone(),
        });
    }
    let children = node
        .children
        .iter()
        .map(|c| score_node(c, leaf_score, min_coverage))
        .collect::<Result<Vec<_>, _>>()?;
    let (present, weighted) = node
        .children
        .iter()
        .zip(&children)
        .filter_map(|(c, s)| s.score.map(|v| (c.weight, c.weight * v)))
        .fold((0.0, 0.0), |(w, ws), (cw, cws)| (w + cw, ws + cws));
    let coverage = present / total;
    // The slack keeps weights like 0.1 + 0.2 from falling just short of 0.3.
    let score = (present > 0.0 && coverage + 1e-12 >= min_coverage).then(|| weighted / present);
    Ok(Scored {
        key: node.key.clone(),
        score,
        coverage,
        children,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Total = 0.6 D1 + 0.4 D2
    //   D1 = 0.5 S11 + 0.5 S12;  S11 = 0.7 i1 + 0.3 i2;  S12 = 0.5 i3 + 0.5 i4
    //   D2 = 0.6 S21 + 0.4 S22;  S21 = 0.4 i5 + 0.6 i6;  S22 = 0.8 i7 + 0.2 i8
    fn tree() -> Node {
        let g = Node::group;
        let l = Node::leaf;
        g(
            "total",
            1.0,
            vec![
                g(
                    "D1",
                    0.6,
                    vec![
                        g("S11", 0.5, vec![l("i1", 0.7), l("i2", 0.3)]),
                        g("S12", 0.5, vec![l("i3", 0.5), l("i4", 0.5)]),
                    ],
                ),
                g(
                    "D2",
                    0.4,
                    vec![
                        g("S21", 0.6, vec![l("i5", 0.4), l("i6", 0.6)]),
                        g("S22", 0.4, vec![l("i7", 0.8), l("i8", 0.2)]),
                    ],
                ),
            ],
        )
    }

    fn scores(key: &str, i4: Option<f64>, i7: Option<f64>) -> Option<f64> {
        match key {
            "i1" => Some(80.0),
            "i2" => Some(60.0),
            "i3" => Some(90.0),
            "i4" => i4,
            "i5" => Some(50.0),
            "i6" => Some(70.0),
            "i7" => i7,
            "i8" => Some(100.0),
            _ => None,
        }
    }

    fn score_of(s: &Scored, key: &str) -> Option<f64> {
        s.find(key).unwrap().score.map(|v| (v * 1e6).round() / 1e6)
    }

    #[test]
    fn complete_tree() {
        // S11 = 56 + 18 = 74; S12 = 45 + 20 = 65; D1 = 69.5;
        // S21 = 20 + 42 = 62; S22 = 24 + 20 = 44; D2 = 37.2 + 17.6 = 54.8;
        // total = 41.7 + 21.92 = 63.62.
        let s = aggregate(
            &tree(),
            |k| scores(k, Some(40.0), Some(30.0)),
            DEFAULT_MIN_COVERAGE,
        )
        .unwrap();
        for (key, want) in [
            ("S11", 74.0),
            ("S12", 65.0),
            ("D1", 69.5),
            ("S21", 62.0),
            ("S22", 44.0),
            ("D2", 54.8),
            ("total", 63.62),
        ] {
            assert_eq!(score_of(&s, key), Some(want), "{key}");
            assert_eq!(s.find(key).unwrap().coverage, 1.0, "{key}");
        }
    }

    #[test]
    fn missing_indicator_is_reweighted_and_thin_node_drops_out() {
        // i4 missing: S12 keeps half its weight (coverage 0.5, enough) and scores
        // i3 alone = 90; D1 = 0.5 * 74 + 0.5 * 90 = 82.
        // i7 missing: S22 keeps 0.2 of its weight, below 0.5, so it is missing;
        // D2 = S21 alone = 62 at coverage 0.6.
        // total = 0.6 * 82 + 0.4 * 62 = 74, coverage 1.
        let s = aggregate(&tree(), |k| scores(k, None, None), DEFAULT_MIN_COVERAGE).unwrap();
        assert_eq!(score_of(&s, "i4"), None);
        assert_eq!(s.find("i4").unwrap().coverage, 0.0);
        assert_eq!(score_of(&s, "S12"), Some(90.0));
        assert_eq!(s.find("S12").unwrap().coverage, 0.5);
        assert_eq!(score_of(&s, "D1"), Some(82.0));
        assert_eq!(score_of(&s, "S22"), None);
        assert!((s.find("S22").unwrap().coverage - 0.2).abs() < 1e-12);
        assert_eq!(score_of(&s, "D2"), Some(62.0));
        assert!((s.find("D2").unwrap().coverage - 0.6).abs() < 1e-12);
        assert_eq!(score_of(&s, "total"), Some(74.0));
        assert_eq!(s.coverage, 1.0);
    }

    #[test]
    fn a_stricter_minimum_propagates_upwards() {
        // At 0.6: S12 (0.5) and S22 (0.2) are missing, so D1 has coverage 0.5 and is
        // missing too; D2 = 62 at 0.6; the total has coverage 0.4 and is missing.
        let s = aggregate(&tree(), |k| scores(k, None, None), 0.6).unwrap();
        assert_eq!(score_of(&s, "S12"), None);
        assert_eq!(score_of(&s, "D1"), None);
        assert_eq!(score_of(&s, "D2"), Some(62.0));
        assert_eq!(score_of(&s, "total"), None);
        assert!((s.coverage - 0.4).abs() < 1e-12);
    }

    #[test]
    fn nothing_present_is_missing_even_with_no_minimum() {
        let s = aggregate(&tree(), |_| None, 0.0).unwrap();
        assert_eq!(s.score, None);
        assert_eq!(s.coverage, 0.0);
    }

    #[test]
    fn relative_weights_need_not_sum_to_one() {
        let t = Node::group("t", 1.0, vec![Node::leaf("a", 3.0), Node::leaf("b", 1.0)]);
        let s = aggregate(&t, |k| Some(if k == "a" { 100.0 } else { 0.0 }), 0.5).unwrap();
        assert_eq!(s.score, Some(75.0));
    }

    #[test]
    fn bad_input_is_refused() {
        let t = tree();
        let ok = |k: &str| scores(k, Some(1.0), Some(1.0));
        assert_eq!(
            aggregate(&t, ok, 1.5),
            Err(AggregateError::BadCoverage(1.5))
        );
        assert_eq!(
            aggregate(&t, |k| scores(k, Some(101.0), None), 0.5),
            Err(AggregateError::BadScore {
                key: "i4".into(),
                score: 101.0
            })
        );
        let dup = Node::group("t", 1.0, vec![Node::leaf("a", 1.0), Node::leaf("a", 1.0)]);
        assert_eq!(
            aggregate(&dup, ok, 0.5),
            Err(AggregateError::DuplicateKey { key: "a".into() })
        );
        let neg = Node::group("t", 1.0, vec![Node::leaf("a", -1.0)]);
        assert!(matches!(
            aggregate(&neg, ok, 0.5),
            Err(AggregateError::BadWeight { .. })
        ));
        let zero = Node::group("t", 1.0, vec![Node::leaf("a", 0.0)]);
        assert_eq!(
            aggregate(&zero, ok, 0.5),
            Err(AggregateError::ZeroWeights { key: "t".into() })
        );
    }
}
