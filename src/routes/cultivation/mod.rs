//! IPO cultivation pages: an enterprise's cultivation, proposals and decisions,
//! tasks, and the officials' pipeline.

pub mod enterprise;
pub mod pipeline;
pub mod proposals;
pub mod tasks;

use crate::domain::cultivation::{Finding, GateItem, GateLine, Refusal, Step};
use crate::domain::locale::Locale;
use crate::domain::role::Role;
use crate::views::{FieldErrors, PageCtx};

/// Who may read cultivation pages (enterprise accounts read their own).
pub const READERS: &[Role] = &[Role::Admin, Role::Staff, Role::Official];
/// Who may tick items, plan, engage intermediaries, reorder and manage tasks.
pub const EDITORS: &[Role] = &[Role::Admin, Role::Staff];
/// Who may propose moves (and discover enterprises): staff only.
pub const PROPOSERS: &[Role] = &[Role::Staff];
/// Who may decide on proposals.
pub const DECIDERS: &[Role] = &[Role::Official];

/// A step's name in the page's language.
pub fn step_label(ctx: &PageCtx, step: Step) -> String {
    ctx.label("step", step.as_str())
}

/// A checklist line's label in the page's language.
pub fn line_label(ctx: &PageCtx, line: &GateLine) -> String {
    if ctx.locale == Locale::En {
        line.label_en.clone()
    } else {
        line.label_zh.clone()
    }
}

/// Why a line is met or missing, in words.
pub fn finding_text(ctx: &PageCtx, f: &Finding) -> String {
    let arg = match f {
        Finding::LevelBelow { need, .. } => ctx.label("level", need.as_str()),
        Finding::NotJointStock(t) => ctx.label("company_type", t.as_str()),
        Finding::NoIntermediary(k) => ctx.label("intermediary", k.as_str()),
        Finding::TierBelow { need, .. } => ctx.label("tier", need.as_str()),
        other => other.arg(),
    };
    ctx.t1(&format!("finding.{}", f.key()), &arg)
}

/// The labels of checklist items by key, in the page's language, joined for a message.
pub fn item_labels(ctx: &PageCtx, items: &[GateItem], keys: &[String]) -> String {
    let en = ctx.locale == Locale::En;
    items
        .iter()
        .filter(|i| keys.contains(&i.key))
        .map(|i| {
            if en {
                i.label_en.clone()
            } else {
                i.label_zh.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(if en { "; " } else { "；" })
}

/// A refusal as a message beside a form field. `items` names a closed gate's lines.
pub fn refusal_error(ctx: &PageCtx, errors: &mut FieldErrors, r: &Refusal, items: &[GateItem]) {
    match r {
        Refusal::NotNext { to, .. } => errors.add_with(
            "action",
            "cultivation.refused_not_next",
            step_label(ctx, *to),
        ),
        Refusal::AlreadyListed => errors.add("action", "cultivation.refused_listed"),
        Refusal::AlreadyExited(_) => errors.add("action", "cultivation.refused_exited"),
        Refusal::NotExited(_) => errors.add("action", "cultivation.refused_not_exited"),
        Refusal::NoReason => errors.add("reason", "field.required"),
        Refusal::GateClosed { missing, .. } => errors.add_with(
            "action",
            "cultivation.refused_gate",
            item_labels(ctx, items, missing),
        ),
        Refusal::WrongGate { .. } => errors.add("action", "cultivation.refused_not_next"),
        Refusal::CannotPropose(_) => errors.add("action", "cultivation.refused_role"),
        Refusal::NotOfficial(_) => errors.add("decision", "cultivation.refused_role"),
        Refusal::OwnProposal => errors.add("decision", "cultivation.refused_own"),
        Refusal::Stale(now) => errors.add_with(
            "decision",
            "cultivation.refused_stale",
            step_label(ctx, *now),
        ),
        Refusal::NoComment => errors.add("comment", "cultivation.refused_no_comment"),
    }
}
