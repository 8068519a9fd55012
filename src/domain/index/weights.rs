//! Helpers for revising a model's weights and adding local indicators: which
//! children a weight node has, typed judgements ("1/3"), rubric bands typed as
//! "threshold:points" lines, effective shares down the tree, and writing a new
//! weight vector into a copy of the model. Pure functions; the admin pages use them.

use std::collections::HashMap;

use super::model::{IndexModel, TOTAL_KEY};
use super::normalise::Band;

/// A node whose children's weights are revised together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightNode {
    /// The root: its children are the six dimensions.
    Total,
    /// A dimension (by position): its children are its sub-dimensions.
    Dimension(usize),
    /// A sub-dimension (dimension position, sub position): its indicators.
    Sub(usize, usize),
}

/// One child of a weight node as shown on the weights page.
#[derive(Debug, Clone, PartialEq)]
pub struct Child {
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    /// The stored (relative) weight.
    pub weight: f64,
}

impl WeightNode {
    /// The node with `key` (`total`, a dimension key or a sub-dimension key).
    pub fn find(model: &IndexModel, key: &str) -> Option<WeightNode> {
        if key == TOTAL_KEY {
            return Some(WeightNode::Total);
        }
        for (d, dim) in model.dimensions.iter().enumerate() {
            if dim.key == key {
                return Some(WeightNode::Dimension(d));
            }
            if let Some(s) = dim.subs.iter().position(|s| s.key == key) {
                return Some(WeightNode::Sub(d, s));
            }
        }
        None
    }

    /// The node's key.
    pub fn key(self, model: &IndexModel) -> String {
        match self {
            WeightNode::Total => TOTAL_KEY.to_string(),
            WeightNode::Dimension(d) => model.dimensions[d].key.clone(),
            WeightNode::Sub(d, s) => model.dimensions[d].subs[s].key.clone(),
        }
    }

    /// The node's children with their stored weights, in model order.
    pub fn children(self, model: &IndexModel) -> Vec<Child> {
        match self {
            WeightNode::Total => model
                .dimensions
                .iter()
                .map(|d| child(&d.key, &d.label_zh, &d.label_en, d.weight))
                .collect(),
            WeightNode::Dimension(d) => model.dimensions[d]
                .subs
                .iter()
                .map(|s| child(&s.key, &s.label_zh, &s.label_en, s.weight))
                .collect(),
            WeightNode::Sub(d, s) => model.dimensions[d].subs[s]
                .indicators
                .iter()
                .map(|i| child(&i.key, &i.label_zh, &i.label_en, i.weight))
                .collect(),
        }
    }

    /// Where the children sit in a score row's arrays: dimension positions (0..6)
    /// for the root, positions in the flat sub-dimension list for a dimension,
    /// positions in the flat indicator list for a sub-dimension.
    pub fn positions(self, model: &IndexModel) -> Vec<usize> {
        match self {
            WeightNode::Total => (0..model.dimensions.len()).collect(),
            WeightNode::Dimension(d) => {
                let before: usize = model.dimensions[..d].iter().map(|x| x.subs.len()).sum();
                (before..before + model.dimensions[d].subs.len()).collect()
            }
            WeightNode::Sub(d, s) => {
                let before: usize = model
                    .dimensions
                    .iter()
                    .take(d)
                    .flat_map(|x| x.subs.iter())
                    .chain(model.dimensions[d].subs[..s].iter())
                    .map(|x| x.indicators.len())
                    .sum();
                (before..before + model.dimensions[d].subs[s].indicators.len()).collect()
            }
        }
    }

    /// Where the children with `keys` (children of a node like this one, possibly of
    /// another model version) sit in that `model`'s score arrays; None when absent.
    pub fn locate(self, model: &IndexModel, keys: &[String]) -> Vec<Option<usize>> {
        let order: Vec<&str> = match self {
            WeightNode::Total => model.dimensions.iter().map(|d| d.key.as_str()).collect(),
            WeightNode::Dimension(_) => model
                .dimensions
                .iter()
                .flat_map(|d| d.subs.iter())
                .map(|s| s.key.as_str())
                .collect(),
            WeightNode::Sub(..) => model.indicators().map(|i| i.key.as_str()).collect(),
        };
        keys.iter()
            .map(|k| order.iter().position(|o| *o == k))
            .collect()
    }

    /// Whether the children are indicators (entropy then reads raw figures).
    pub fn has_indicators(self) -> bool {
        matches!(self, WeightNode::Sub(..))
    }
}

fn child(key: &str, zh: &str, en: &str, weight: f64) -> Child {
    Child {
        key: key.to_string(),
        label_zh: zh.to_string(),
        label_en: en.to_string(),
        weight,
    }
}

/// Every weight node of a model: the root, then each dimension and its subs.
pub fn nodes(model: &IndexModel) -> Vec<WeightNode> {
    let mut out = vec![WeightNode::Total];
    for (d, dim) in model.dimensions.iter().enumerate() {
        out.push(WeightNode::Dimension(d));
        out.extend((0..dim.subs.len()).map(|s| WeightNode::Sub(d, s)));
    }
    out
}

/// Weights scaled to sum 1 (all zero, or empty, stays as is).
pub fn normalised(weights: &[f64]) -> Vec<f64> {
    let sum: f64 = weights.iter().sum();
    if sum > 0.0 && sum.is_finite() {
        weights.iter().map(|w| w / sum).collect()
    } else {
        weights.to_vec()
    }
}

/// Each node's effective share of the total: the product of the normalised
/// weights on the path from the root, by key (dimensions, subs and indicators).
pub fn effective_shares(model: &IndexModel) -> HashMap<String, f64> {
    let mut out = HashMap::new();
    let dw = normalised(
        &model
            .dimensions
            .iter()
            .map(|d| d.weight)
            .collect::<Vec<_>>(),
    );
    for (d, dim) in model.dimensions.iter().enumerate() {
        out.insert(dim.key.clone(), dw[d]);
        let sw = normalised(&dim.subs.iter().map(|s| s.weight).collect::<Vec<_>>());
        for (s, sub) in dim.subs.iter().enumerate() {
            let sub_share = dw[d] * sw[s];
            out.insert(sub.key.clone(), sub_share);
            let iw = normalised(&sub.indicators.iter().map(|i| i.weight).collect::<Vec<_>>());
            for (i, ind) in sub.indicators.iter().enumerate() {
                out.insert(ind.key.clone(), sub_share * iw[i]);
            }
        }
    }
    out
}

/// Why a weight vector could not be written into a model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WeightsError {
    #[error("{children} children but {weights} weights")]
    Count { children: usize, weights: usize },
    #[error("weight {index} is {value}; weights must be positive numbers")]
    NotPositive { index: usize, value: f64 },
}

/// A copy of `model` with the children of `node` weighted `weights` (in order),
/// rounded to 6 decimals.
pub fn apply(
    model: &IndexModel,
    node: WeightNode,
    weights: &[f64],
) -> Result<IndexModel, WeightsError> {
    let n = node.children(model).len();
    if n != weights.len() {
        return Err(WeightsError::Count {
            children: n,
            weights: weights.len(),
        });
    }
    if let Some((index, &value)) = weights
        .iter()
        .enumerate()
        .find(|(_, w)| !(w.is_finite() && **w > 0.0))
    {
        return Err(WeightsError::NotPositive { index, value });
    }
    let round = |w: f64| (w * 1e6).round() / 1e6;
    let mut out = model.clone();
    let slots: Vec<&mut f64> = match node {
        WeightNode::Total => out.dimensions.iter_mut().map(|d| &mut d.weight).collect(),
        WeightNode::Dimension(d) => out.dimensions[d]
            .subs
            .iter_mut()
            .map(|s| &mut s.weight)
            .collect(),
        WeightNode::Sub(d, s) => out.dimensions[d].subs[s]
            .indicators
            .iter_mut()
            .map(|i| &mut i.weight)
            .collect(),
    };
    for (slot, w) in slots.into_iter().zip(weights) {
        // A tiny positive weight must not round to 0 (validate() refuses 0).
        *slot = round(*w).max(1e-6);
    }
    Ok(out)
}

/// A typed number: "0.25", "3", or a fraction "1/3" (spaces allowed).
pub fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim();
    let v = match t.split_once('/') {
        Some((a, b)) => {
            let (a, b): (f64, f64) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
            if b == 0.0 {
                return None;
            }
            a / b
        }
        None => t.parse().ok()?,
    };
    v.is_finite().then_some(v)
}

/// Why typed bands were refused (the line, from 1).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BandsError {
    #[error("no bands given")]
    Empty,
    #[error("line {0} is not 'threshold:points'")]
    Line(usize),
}

/// Bands typed one per line as "threshold:points" (blank lines skipped). Order
/// and ranges are left to the model's validation.
pub fn parse_bands(text: &str) -> Result<Vec<Band>, BandsError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (t, p) = line
            .split_once(':')
            .or_else(|| line.split_once('：'))
            .ok_or(BandsError::Line(n + 1))?;
        let threshold = parse_number(t).ok_or(BandsError::Line(n + 1))?;
        let points = parse_number(p).ok_or(BandsError::Line(n + 1))?;
        out.push(Band { threshold, points });
    }
    if out.is_empty() {
        return Err(BandsError::Empty);
    }
    Ok(out)
}

/// Bands back as "threshold:points" lines (to prefill a form).
pub fn bands_text(bands: &[Band]) -> String {
    bands
        .iter()
        .map(|b| format!("{}:{}", b.threshold, b.points))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_children_and_positions_follow_model_order() {
        let m = IndexModel::builtin();
        assert_eq!(WeightNode::find(&m, "total"), Some(WeightNode::Total));
        assert_eq!(WeightNode::Total.children(&m).len(), 6);
        let d = WeightNode::find(&m, &m.dimensions[1].key).unwrap();
        assert_eq!(d, WeightNode::Dimension(1));
        assert_eq!(
            d.positions(&m),
            (m.dimensions[0].subs.len()..m.dimensions[0].subs.len() + m.dimensions[1].subs.len())
                .collect::<Vec<_>>()
        );
        let sub = &m.dimensions[1].subs[1];
        let node = WeightNode::find(&m, &sub.key).unwrap();
        let keys: Vec<String> = m.indicators().map(|i| i.key.clone()).collect();
        let pos = node.positions(&m);
        assert_eq!(pos.len(), sub.indicators.len());
        for (p, ind) in pos.iter().zip(&sub.indicators) {
            assert_eq!(keys[*p], ind.key);
        }
        assert_eq!(WeightNode::find(&m, "nope"), None);
        let child_keys: Vec<String> = sub.indicators.iter().map(|i| i.key.clone()).collect();
        let located: Vec<usize> = node.locate(&m, &child_keys).into_iter().flatten().collect();
        assert_eq!(located, pos);
        assert_eq!(d.locate(&m, &["zzz".to_string()]), vec![None]);
        assert_eq!(
            nodes(&m).len(),
            1 + 6 + m.dimensions.iter().map(|d| d.subs.len()).sum::<usize>()
        );
    }

    #[test]
    fn shares_multiply_down_the_path_and_sum_to_one() {
        let m = IndexModel::builtin();
        let shares = effective_shares(&m);
        let total: f64 = m.indicators().map(|i| shares[&i.key]).sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
        let dims: f64 = m.dimensions.iter().map(|d| shares[&d.key]).sum();
        assert!((dims - 1.0).abs() < 1e-9);
    }

    #[test]
    fn apply_writes_weights_into_a_copy() {
        let m = IndexModel::builtin();
        let w = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let out = apply(&m, WeightNode::Total, &w).unwrap();
        assert_eq!(out.dimensions[5].weight, 6.0);
        assert_eq!(
            m.dimensions[5].weight,
            IndexModel::builtin().dimensions[5].weight
        );
        assert!(out.validate().is_ok());
        assert_eq!(
            apply(&m, WeightNode::Total, &[1.0]),
            Err(WeightsError::Count {
                children: 6,
                weights: 1
            })
        );
        assert!(matches!(
            apply(&m, WeightNode::Total, &[1.0, 0.0, 1.0, 1.0, 1.0, 1.0]),
            Err(WeightsError::NotPositive { index: 1, .. })
        ));
    }

    #[test]
    fn numbers_and_fractions() {
        assert_eq!(parse_number("3"), Some(3.0));
        assert_eq!(parse_number(" 1/3 "), Some(1.0 / 3.0));
        assert_eq!(parse_number("0.25"), Some(0.25));
        assert_eq!(parse_number("1/0"), None);
        assert_eq!(parse_number("x"), None);
        assert_eq!(parse_number(""), None);
    }

    #[test]
    fn bands_from_lines() {
        let b = parse_bands("10:60\n\n 20 : 80\n30：100").unwrap();
        assert_eq!(b.len(), 3);
        assert_eq!(b[1].threshold, 20.0);
        assert_eq!(b[2].points, 100.0);
        assert_eq!(parse_bands(" \n"), Err(BandsError::Empty));
        assert_eq!(parse_bands("10:60\nabc"), Err(BandsError::Line(2)));
        assert_eq!(bands_text(&b), "10:60\n20:80\n30:100");
    }
}
