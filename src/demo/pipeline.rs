//! The IPO cultivation part of the demo data. Which enterprises are in the pipeline and
//! how far they came is planned once for the whole set ([`plan`]), so stage counts,
//! queues and the waiting work have the intended sizes; each one then gets a history
//! ([`history`]) that the app itself could have written: discovered at potential, one
//! step at a time after that, each move an approved proposal whose checklist was open
//! when proposed, with the ticks, intermediaries, plan and tasks that go with it.
//! Pure, like the rest of the generator.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

use super::names::{self, PARTNERS};
use crate::domain::cultivation::{
    self, AutoCheck, CultivationFacts, Decision, ExitKind, GateItem, GateKind, GateStatus,
    IntermediaryKind, ManualTick, Milestone, Stage, Step, TargetBoard,
};
use crate::domain::partner::PartnerKind;
use crate::domain::qualification::Level;
use crate::domain::tier::{CompanyType, Tier};

/// Where the plan puts enterprises, most advanced first (the order places are handed out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Listed,
    Listing,
    Reform,
    Reserve,
    Potential,
    Exited,
}

/// How many enterprises of each level (national, provincial, municipal, innovative SME,
/// untitled) each group of the default set gets: the higher the title, the further
/// along. The marker enterprise takes one of the reserve places of its level.
const QUOTAS: [(Group, [usize; 5]); 6] = [
    (Group::Listed, [2, 0, 0, 0, 0]),
    (Group::Listing, [5, 6, 0, 0, 0]),
    (Group::Reform, [3, 14, 8, 0, 0]),
    (Group::Reserve, [3, 37, 50, 0, 0]),
    (Group::Potential, [1, 30, 190, 70, 9]),
    (Group::Exited, [0, 3, 9, 3, 0]),
];

/// How the listing process spreads over its milestones (weights, in `Milestone::ALL`
/// order): most at tutoring, a few further on.
const MILESTONE_WEIGHTS: [f64; 7] = [4.0, 3.0, 2.0, 1.0, 1.0, 0.6, 0.4];

/// The last step exited enterprises had reached (weights): most left early.
const EXITED_FROM: [(Step, f64); 5] = [
    (Step::Potential, 6.0),
    (Step::Reserve, 5.0),
    (Step::ShareholdingReform, 2.0),
    (Step::Listing(Milestone::TutoringFiling), 1.0),
    (Step::Listing(Milestone::Inquiry), 1.0),
];

/// Waiting work in the default set: pending advances from these steps.
const PENDING_ADVANCES: [(Step, usize); 5] = [
    (Step::Potential, 3),
    (Step::Reserve, 2),
    (Step::ShareholdingReform, 1),
    (Step::Listing(Milestone::TutoringFiling), 1),
    (Step::Listing(Milestone::ApplicationAccepted), 1),
];

/// Pending exit proposals in the default set: (from, kind, how many).
const PENDING_EXITS: [(Step, ExitKind, usize); 2] = [
    (Step::Reserve, ExitKind::Withdrawn, 1),
    (Step::Potential, ExitKind::Terminated, 1),
];

/// Returned proposals in the default set: (at, what was returned, how many).
const RETURNED: [(Step, Waiting, usize); 3] = [
    (Step::Potential, Waiting::ReturnedAdvance, 2),
    (Step::Reserve, Waiting::ReturnedExit(ExitKind::Withdrawn), 1),
    (Step::ShareholdingReform, Waiting::ReturnedBeforeMove, 1),
];

/// Days between reaching a step and reaching the next: (least, most), indexed by the
/// later step's place in `Step::PIPELINE`. Tutoring acceptance needs 90 days of
/// tutoring before it is proposed, so its least is above that.
const GAPS: [(i64, i64); 11] = [
    (0, 0),
    (30, 400),
    (60, 450),
    (90, 400),
    (95, 260),
    (15, 120),
    (14, 45),
    (60, 300),
    (15, 90),
    (7, 60),
    (7, 25),
];

/// Days between the last step reached and an exit.
const EXIT_GAP: (i64, i64) = (20, 400);

/// The years of the three-year plan's targets.
pub const TARGET_YEARS: [i32; 3] = [2025, 2026, 2027];

/// How many enterprises should reach each stage in each of [`TARGET_YEARS`], for the
/// default set.
const TARGETS: [(Stage, [i32; 3]); 5] = [
    (Stage::Potential, [200, 220, 250]),
    (Stage::Reserve, [60, 70, 80]),
    (Stage::ShareholdingReform, [15, 18, 20]),
    (Stage::ListingProcess, [6, 8, 10]),
    (Stage::Listed, [2, 3, 4]),
];

/// The plan targets (year, stage, target), scaled by `factor` like the enterprises.
pub fn plan_targets(factor: f64) -> Vec<(i32, Stage, i32)> {
    TARGET_YEARS
        .iter()
        .enumerate()
        .flat_map(|(i, &year)| {
            TARGETS.iter().map(move |(stage, per_year)| {
                let n = (f64::from(per_year[i]) * factor).round() as i32;
                (year, *stage, n.max(1))
            })
        })
        .collect()
}

/// Proposals and decisions that concern an enterprise besides its approved moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    Nothing,
    /// An advance to the next step waits for a decision (its checklist is open).
    PendingAdvance,
    /// An exit waits for a decision.
    PendingExit(ExitKind),
    /// An advance to the next step was returned; it has not been proposed again.
    ReturnedAdvance,
    /// An exit was returned: the enterprise stays.
    ReturnedExit(ExitKind),
    /// The move to the current step was returned once before it was approved.
    ReturnedBeforeMove,
}

/// Where the plan puts one enterprise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// The furthest step of `Step::PIPELINE` reached.
    pub reached: Step,
    /// Left the pipeline after `reached`.
    pub exit: Option<ExitKind>,
    /// Its place in the queue of its stage (active steps only).
    pub queue: Option<i32>,
    pub waiting: Waiting,
    /// The enterprise account's: reserve, the reform checklist half met, a task overdue.
    pub marker: bool,
}

impl Placement {
    /// Where it stands now.
    pub fn step(&self) -> Step {
        self.exit.map_or(self.reached, Step::Exited)
    }

    /// Tutoring is filed only by a joint-stock company, so from there on it is one.
    pub fn needs_joint_stock(&self) -> bool {
        at_least(self.reached, Step::Listing(Milestone::TutoringFiling))
            || (self.reached == Step::ShareholdingReform && self.waiting == Waiting::PendingAdvance)
    }
}

/// An enterprise as the plan sees it.
#[derive(Debug, Clone, Copy)]
pub struct Slot {
    pub level: Option<Level>,
    /// The enterprise account's enterprise.
    pub marker: bool,
    /// May be placed by the quotas (featured enterprises are not).
    pub eligible: bool,
}

/// The position of a pipeline step (potential 0 .. listed 10).
pub fn depth(step: Step) -> usize {
    Step::PIPELINE
        .iter()
        .position(|s| *s == step)
        .unwrap_or_default()
}

/// Whether pipeline step `step` is `than` or further along.
pub fn at_least(step: Step, than: Step) -> bool {
    depth(step) >= depth(than)
}

/// `total` split by `weights` (largest remainders; ties to the first).
fn apportion(total: usize, weights: &[f64]) -> Vec<usize> {
    let sum: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights
        .iter()
        .map(|w| total as f64 * w / sum.max(f64::MIN_POSITIVE))
        .collect();
    let mut out: Vec<usize> = exact.iter().map(|x| x.floor() as usize).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let short = total.saturating_sub(out.iter().sum());
    for &i in order.iter().cycle().take(short) {
        out[i] += 1;
    }
    out
}

fn level_column(level: Option<Level>) -> usize {
    match level {
        Some(Level::National) => 0,
        Some(Level::Provincial) => 1,
        Some(Level::Municipal) => 2,
        Some(Level::InnovativeSme) => 3,
        None => 4,
    }
}

/// Places enterprises in the pipeline: the default set's quotas scaled by `factor`,
/// taken in slot order (the slots are shuffled), the marker in reserve; then the
/// waiting work, and the queues (further along, then higher titles, first).
pub fn plan(slots: &[Slot], factor: f64) -> Vec<Option<Placement>> {
    let scaled = |n: usize| (n as f64 * factor).round() as usize;
    let mut out: Vec<Option<Placement>> = vec![None; slots.len()];
    let place = |reached| Placement {
        reached,
        exit: None,
        queue: None,
        waiting: Waiting::Nothing,
        marker: false,
    };
    let marker = slots.iter().position(|s| s.marker);
    let marker_column = marker.map(|i| level_column(slots[i].level));
    for (group, per_level) in QUOTAS {
        let mut members = Vec::new();
        for (column, n) in per_level.iter().enumerate() {
            let taken = group == Group::Reserve && marker_column == Some(column);
            members.extend(
                (0..slots.len())
                    .filter(|&i| {
                        out[i].is_none()
                            && slots[i].eligible
                            && level_column(slots[i].level) == column
                    })
                    .take(scaled(*n).saturating_sub(usize::from(taken))),
            );
        }
        // Higher titles get the further steps.
        members.sort_by_key(|&i| (std::cmp::Reverse(slots[i].level), i));
        let steps: Vec<(Step, Option<ExitKind>)> = match group {
            Group::Listed => vec![(Step::Listed, None); members.len()],
            Group::Listing => apportion(members.len(), &MILESTONE_WEIGHTS)
                .into_iter()
                .zip(Milestone::ALL)
                .rev()
                .flat_map(|(n, m)| std::iter::repeat_n((Step::Listing(m), None), n))
                .collect(),
            Group::Reform => vec![(Step::ShareholdingReform, None); members.len()],
            Group::Reserve => vec![(Step::Reserve, None); members.len()],
            Group::Potential => vec![(Step::Potential, None); members.len()],
            Group::Exited => {
                let weights: Vec<f64> = EXITED_FROM.iter().map(|(_, w)| *w).collect();
                apportion(members.len(), &weights)
                    .into_iter()
                    .zip(EXITED_FROM)
                    .rev()
                    .flat_map(|(n, (s, _))| std::iter::repeat_n(s, n))
                    .enumerate()
                    .map(|(i, s)| {
                        let kind = if i % 2 == 0 {
                            ExitKind::Withdrawn
                        } else {
                            ExitKind::Terminated
                        };
                        (s, Some(kind))
                    })
                    .collect()
            }
        };
        for (i, (reached, exit)) in members.into_iter().zip(steps) {
            out[i] = Some(Placement {
                exit,
                ..place(reached)
            });
        }
    }
    if let Some(i) = marker {
        out[i] = Some(Placement {
            marker: true,
            ..place(Step::Reserve)
        });
    }

    // Waiting work, each on an enterprise with nothing else waiting.
    let give = |at: Step, waiting: Waiting, n: usize, out: &mut Vec<Option<Placement>>| {
        let chosen: Vec<usize> = (0..slots.len())
            .filter(|&i| {
                out[i].is_some_and(|p| {
                    p.exit.is_none()
                        && !p.marker
                        && p.reached == at
                        && p.waiting == Waiting::Nothing
                })
            })
            // Reserve wants a title in force (or a passing rubric, which the demo
            // does not count on).
            .filter(|&i| {
                !(at == Step::Potential
                    && matches!(waiting, Waiting::PendingAdvance | Waiting::ReturnedAdvance))
                    || slots[i].level.is_some()
            })
            .take(scaled(n))
            .collect();
        for i in chosen {
            if let Some(p) = out[i].as_mut() {
                p.waiting = waiting;
            }
        }
    };
    for (at, n) in PENDING_ADVANCES {
        give(at, Waiting::PendingAdvance, n, &mut out);
    }
    for (at, kind, n) in PENDING_EXITS {
        give(at, Waiting::PendingExit(kind), n, &mut out);
    }
    for (at, waiting, n) in RETURNED {
        give(at, waiting, n, &mut out);
    }

    // The queues (定序): one order per active stage.
    let mut queues: HashMap<&'static str, Vec<usize>> = HashMap::new();
    for (i, p) in out.iter().enumerate() {
        if let Some(p) = p
            && p.step().is_active()
        {
            queues
                .entry(crate::models::cultivation::stage_key(p.step()))
                .or_default()
                .push(i);
        }
    }
    for members in queues.values_mut() {
        members.sort_by_key(|&i| {
            let reached = out[i].map_or(0, |p| depth(p.reached));
            (
                std::cmp::Reverse(reached),
                std::cmp::Reverse(slots[i].level),
                i,
            )
        });
        for (n, &i) in members.iter().enumerate() {
            if let Some(p) = out[i].as_mut() {
                p.queue = Some(n as i32 + 1);
            }
        }
    }
    out
}

/// A row of the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineMove {
    /// `None` for the first entry at potential.
    pub from: Option<Step>,
    pub to: Step,
    pub on: NaiveDate,
    /// When it was recorded (the decision, for moves made by a proposal).
    pub at: NaiveDateTime,
    pub reason: String,
    /// The approved proposal that made the move (an index into `proposals`).
    pub proposal: Option<usize>,
}

/// A proposal, approved, returned or waiting.
#[derive(Debug, Clone, PartialEq)]
pub struct GenProposal {
    pub from: Step,
    pub to: Step,
    /// The exit reason (blank for advances).
    pub reason: String,
    pub comment: String,
    /// The checklist of `to` when proposed.
    pub gate: GateStatus,
    /// `None` while pending.
    pub decision: Option<Decision>,
    pub proposed_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_comment: String,
}

/// An engaged intermediary.
#[derive(Debug, Clone, PartialEq)]
pub struct GenIntermediary {
    pub kind: IntermediaryKind,
    /// An index into `names::PARTNERS`.
    pub partner: usize,
    pub engaged_on: NaiveDate,
}

/// A staff tick on a manual checklist item.
#[derive(Debug, Clone, PartialEq)]
pub struct GenTick {
    pub key: String,
    pub evidence: String,
    pub document_ref: String,
    pub at: NaiveDateTime,
}

impl GenTick {
    /// What the checklist weighs, as `models::cultivation::Tick` presents it.
    pub fn as_manual(&self) -> ManualTick {
        ManualTick {
            key: self.key.clone(),
            evidence: format!("{} · {}", self.evidence, self.document_ref),
        }
    }
}

/// The plan (定价) of an enterprise at reserve or later.
#[derive(Debug, Clone, PartialEq)]
pub struct GenPlan {
    /// Yuan.
    pub valuation: Option<i64>,
    pub valuation_on: Option<NaiveDate>,
    /// Yuan.
    pub planned_raise: Option<i64>,
    pub planned_filing_on: Option<NaiveDate>,
    pub planned_listing_on: Option<NaiveDate>,
    pub note: String,
    pub updated_at: NaiveDateTime,
}

/// A counsellor's task.
#[derive(Debug, Clone, PartialEq)]
pub struct GenTask {
    pub step: Step,
    pub title: String,
    pub created_on: NaiveDate,
    pub due_on: NaiveDate,
    /// `None` while open.
    pub done_on: Option<NaiveDate>,
}

impl GenTask {
    /// Open and past its due date on `today`.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.done_on.is_none() && self.due_on < today
    }
}

/// Everything cultivation stores about one enterprise.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    pub step: Step,
    /// The day the current stage was entered.
    pub stage_since: NaiveDate,
    /// The day of the last move.
    pub step_since: NaiveDate,
    pub queue_order: Option<i32>,
    pub target_board: Option<TargetBoard>,
    /// The timeline, oldest first.
    pub moves: Vec<PipelineMove>,
    /// Oldest first.
    pub proposals: Vec<GenProposal>,
    pub intermediaries: Vec<GenIntermediary>,
    pub ticks: Vec<GenTick>,
    pub plan: Option<GenPlan>,
    pub tasks: Vec<GenTask>,
}

impl Pipeline {
    /// What the automatic checks read on `on`, given the enterprise's record.
    pub fn facts_on(
        &self,
        on: NaiveDate,
        company_type: CompanyType,
        level: Option<Level>,
        board_tier: Option<Tier>,
    ) -> CultivationFacts {
        let reached = |s: Step| self.moves.iter().find(|m| m.to == s).map(|m| m.on);
        let last_move = self
            .moves
            .iter()
            .rev()
            .find(|m| m.on <= on)
            .map_or(on, |m| m.on);
        CultivationFacts {
            company_type,
            level,
            passing_rubric: false,
            board_tier,
            intermediaries: self
                .intermediaries
                .iter()
                .filter(|i| i.engaged_on <= on)
                .map(|i| i.kind)
                .collect(),
            // Chosen when it became a reserve enterprise.
            target_board: self
                .target_board
                .filter(|_| reached(Step::Reserve).is_some_and(|d| d <= on)),
            days_in_step: cultivation::days_since(last_move, on),
        }
    }

    /// The ticks made by `at`.
    pub fn ticks_by(&self, at: NaiveDateTime) -> Vec<ManualTick> {
        self.ticks
            .iter()
            .filter(|t| t.at <= at)
            .map(GenTick::as_manual)
            .collect()
    }

    /// The waiting proposal, if any.
    pub fn pending(&self) -> Option<&GenProposal> {
        self.proposals.iter().find(|p| p.decision.is_none())
    }
}

/// Numbers documents per issuer, kind and year ("QDZJ-备案-2024-017").
#[derive(Debug, Default)]
pub struct DocRefs(HashMap<(&'static str, &'static str, i32), u32>);

impl DocRefs {
    fn next(&mut self, issuer: &'static str, kind: &'static str, year: i32) -> String {
        let n = self.0.entry((issuer, kind, year)).or_insert(0);
        *n += 1;
        format!("{issuer}-{kind}-{year}-{n:03}")
    }
}

/// What the history of one enterprise depends on besides its placement.
pub struct Context<'a> {
    pub today: NaiveDate,
    /// The earliest day of the pipeline (the board's opening).
    pub opened: NaiveDate,
    pub items: &'a [GateItem],
    pub company_type: CompanyType,
    pub level: Option<Level>,
    pub board_tier: Option<Tier>,
    /// Last year's revenue, yuan.
    pub revenue: i64,
}

fn at(rng: &mut StdRng, day: NaiveDate, hours: (u32, u32)) -> NaiveDateTime {
    // Office hours in China (UTC+8), stored in UTC like `models::now`.
    let h = rng.random_range(hours.0..=hours.1);
    let m = rng.random_range(0..60);
    day.and_hms_opt(h, m, 0).unwrap_or_default()
}

fn days(n: i64) -> chrono::Duration {
    chrono::Duration::days(n)
}

fn range(rng: &mut StdRng, (lo, hi): (i64, i64)) -> i64 {
    if hi <= lo {
        lo
    } else {
        rng.random_range(lo..=hi)
    }
}

fn pick<'a>(rng: &mut StdRng, items: &'a [&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or_default()
}

/// The least days at the step before `to` that its checklist asks for.
fn days_needed(items: &[GateItem], to: Step) -> i64 {
    items
        .iter()
        .filter(|i| i.step == to)
        .filter_map(|i| match i.kind {
            GateKind::Auto(AutoCheck::MinDaysInCurrentStep(d)) => Some(d),
            _ => None,
        })
        .max()
        .unwrap_or(0)
}

fn needed_intermediaries(items: &[GateItem], to: Step) -> Vec<IntermediaryKind> {
    items
        .iter()
        .filter(|i| i.step == to)
        .filter_map(|i| match i.kind {
            GateKind::Auto(AutoCheck::HasIntermediary(k)) => Some(k),
            _ => None,
        })
        .collect()
}

fn manual_keys(items: &[GateItem], to: Step) -> Vec<String> {
    items
        .iter()
        .filter(|i| i.step == to && i.kind == GateKind::Manual)
        .map(|i| i.key.clone())
        .collect()
}

/// The target board (定板): main boards for the largest, STAR and ChiNext for the
/// "little giants", the Beijing exchange and NEEQ for the rest.
fn target_board(rng: &mut StdRng, level: Option<Level>, revenue: i64) -> TargetBoard {
    use TargetBoard::*;
    let table: &[(TargetBoard, u32)] = if revenue >= 800_000_000 {
        &[(SseMain, 5), (SzseMain, 4), (Star, 1)]
    } else {
        match level {
            Some(Level::National) => &[(Star, 45), (Chinext, 35), (Bse, 17), (Overseas, 3)],
            Some(Level::Provincial) => {
                &[(Chinext, 30), (Bse, 40), (Star, 15), (NeeqInnovation, 15)]
            }
            Some(Level::Municipal) => &[
                (Bse, 45),
                (NeeqInnovation, 30),
                (NeeqBasic, 15),
                (Chinext, 10),
            ],
            _ => &[(NeeqBasic, 50), (NeeqInnovation, 30), (Bse, 20)],
        }
    };
    table
        .choose_weighted(rng, |(_, w)| *w)
        .map_or(Bse, |(b, _)| *b)
}

/// The issuer code of the exchange of `board`.
fn exchange(board: Option<TargetBoard>) -> &'static str {
    match board {
        Some(TargetBoard::SseMain | TargetBoard::Star) => "SSE",
        Some(TargetBoard::SzseMain | TargetBoard::Chinext) => "SZSE",
        Some(TargetBoard::NeeqInnovation | TargetBoard::NeeqBasic) => "NEEQ",
        Some(TargetBoard::Overseas) => "HKEX",
        Some(TargetBoard::Bse) | None => "BSE",
    }
}

/// Whole millions of yuan.
fn millions(x: f64) -> i64 {
    (x / 1.0e6).round() as i64 * 1_000_000
}

/// Whether a partner of this kind (as stored) can serve as the intermediary.
fn serves(partner_kind: &str, kind: IntermediaryKind) -> bool {
    partner_kind
        .parse::<PartnerKind>()
        .is_ok_and(|p| p.serves(kind))
}

fn partner_of(rng: &mut StdRng, kind: IntermediaryKind) -> usize {
    let fits: Vec<usize> = (0..PARTNERS.len())
        .filter(|&i| serves(PARTNERS[i].kind, kind))
        .collect();
    fits.choose(rng).copied().unwrap_or_default()
}

/// The days of the moves of `path` (and of the exit, if any), oldest first: how long
/// it has been where it is now, then the steps before it, backwards from today,
/// squeezed (never below each gap's least) to start on or after the opening.
fn move_dates(rng: &mut StdRng, p: &Placement, cx: &Context, path: &[Step]) -> Vec<NaiveDate> {
    let today = cx.today;
    let current = p.step();
    let span = (today - cx.opened).num_days().max(1);
    let next = current.next();
    // Waiting work needs time at the step: tutoring acceptance 90 days, anything else
    // a few weeks before the proposal.
    let mut stay = match (current, p.waiting) {
        _ if p.marker => (120, 300),
        (_, Waiting::PendingAdvance) => {
            let need = next.map_or(0, |n| days_needed(cx.items, n));
            (need.max(10) + 10, (need + 200).max(120))
        }
        (_, Waiting::Nothing) if current == Step::Potential => (7, span),
        (_, Waiting::Nothing) if current == Step::Reserve => (14, 600),
        (Step::Exited(_), _) => (10, 500),
        (Step::Listed, _) => (20, 400),
        (_, Waiting::Nothing) => (14, 400),
        _ => (30, 400),
    };
    stay.1 = stay.1.min(span);
    let mut gap_ranges: Vec<(i64, i64)> = path[1..].iter().map(|s| GAPS[depth(*s)]).collect();
    if p.exit.is_some() {
        gap_ranges.push(EXIT_GAP);
    }
    let mut stay_days = range(rng, stay);
    let mut gaps: Vec<i64> = gap_ranges.iter().map(|r| range(rng, *r)).collect();
    // Squeeze the part above the least days when it all would start before the opening.
    let least: i64 = stay.0 + gap_ranges.iter().map(|r| r.0).sum::<i64>();
    let total = stay_days + gaps.iter().sum::<i64>();
    if total > span && total > least {
        let s = ((span - least).max(0) as f64 / (total - least) as f64).min(1.0);
        let squeeze = |x: i64, lo: i64| lo + ((x - lo) as f64 * s).floor() as i64;
        stay_days = squeeze(stay_days, stay.0);
        for (g, r) in gaps.iter_mut().zip(&gap_ranges) {
            *g = squeeze(*g, r.0);
        }
    }
    let mut dates = Vec::with_capacity(gaps.len() + 1);
    let mut d = today - days(stay_days + gaps.iter().sum::<i64>());
    dates.push(d);
    for g in &gaps {
        d += days(*g);
        dates.push(d);
    }
    dates
}

/// Builds an enterprise's cultivation history for its placement.
pub fn history(rng: &mut StdRng, refs: &mut DocRefs, p: &Placement, cx: &Context) -> Pipeline {
    let today = cx.today;
    let path: Vec<Step> = Step::PIPELINE[..=depth(p.reached)].to_vec();
    let current = p.step();
    let next = current.next();
    let dates = move_dates(rng, p, cx, &path);
    let step_since = *dates.last().unwrap_or(&today);

    let target =
        at_least(p.reached, Step::Reserve).then(|| target_board(rng, cx.level, cx.revenue));
    let mut pl = Pipeline {
        step: current,
        stage_since: step_since,
        step_since,
        queue_order: p.queue,
        target_board: target,
        moves: Vec::with_capacity(dates.len()),
        proposals: Vec::new(),
        intermediaries: Vec::new(),
        ticks: Vec::new(),
        plan: None,
        tasks: Vec::new(),
    };
    // The stage was entered at the first move into it.
    if let Some(stage) = current.stage() {
        pl.stage_since = path
            .iter()
            .zip(&dates)
            .find(|(s, _)| s.stage() == Some(stage))
            .map_or(step_since, |(_, d)| *d);
    }

    // First the dates of every proposal, so that ticks and engagements can precede them.
    struct Planned {
        from: Step,
        to: Step,
        /// When the approved (or pending) proposal was made.
        proposed_on: NaiveDate,
        /// The earliest proposal toward `to`: a returned one, or this one.
        first_on: NaiveDate,
        /// A returned proposal before the approved one: (proposed, decided).
        returned: Option<(NaiveDate, NaiveDate)>,
        /// The day of the previous move (ticks and engagements come after it).
        after: NaiveDate,
    }
    let mut planned: Vec<Planned> = Vec::new();
    for i in 1..path.len() {
        let (prev, on) = (dates[i - 1], dates[i]);
        let slack = (on - prev).num_days() - days_needed(cx.items, path[i]);
        let proposed_on = on - days(range(rng, (0, slack.clamp(0, 7))));
        let returned =
            (p.waiting == Waiting::ReturnedBeforeMove && i == path.len() - 1).then(|| {
                let earliest = prev + days(days_needed(cx.items, path[i]));
                let r = (proposed_on - days(range(rng, (10, 25)))).max(earliest);
                let decided = (r + days(range(rng, (2, 6))))
                    .min(proposed_on - days(1))
                    .max(r);
                (r, decided)
            });
        planned.push(Planned {
            from: path[i - 1],
            to: path[i],
            proposed_on,
            first_on: returned.map_or(proposed_on, |r| r.0),
            returned,
            after: prev,
        });
    }
    // What waits now toward the next step, or an exit.
    let pending_to = match p.waiting {
        Waiting::PendingAdvance | Waiting::ReturnedAdvance => next,
        _ => None,
    };
    let waiting_on = match p.waiting {
        Waiting::Nothing | Waiting::ReturnedBeforeMove => None,
        Waiting::PendingAdvance => {
            let need = pending_to.map_or(0, |n| days_needed(cx.items, n));
            let slack = (today - step_since).num_days() - need;
            Some(today - days(range(rng, (1, slack.clamp(1, 12)))))
        }
        _ => {
            let slack = (today - step_since).num_days();
            Some(today - days(range(rng, (3, slack.clamp(3, 40)))))
        }
    };
    if let (Some(to), Some(on)) = (pending_to, waiting_on) {
        planned.push(Planned {
            from: current,
            to,
            proposed_on: on,
            first_on: on,
            returned: None,
            after: step_since,
        });
    }
    // The marker's next checklist is half done: plan drawn up, auditor engaged.
    let marker_on = p
        .marker
        .then(|| today - days(range(rng, (20, 60))).min(days((today - step_since).num_days())));

    // Ticks with evidence, before the first proposal that needed them.
    let exch = exchange(target);
    let mut tick = |rng: &mut StdRng, key: &str, on: NaiveDate| -> Option<GenTick> {
        let (what, issuer, kind) = names::tick_evidence(key)?;
        let issuer = if issuer == names::EXCHANGE {
            exch
        } else {
            issuer
        };
        Some(GenTick {
            key: key.to_string(),
            evidence: format!("{} {what}", on.format("%Y-%m-%d")),
            document_ref: refs.next(issuer, kind, on.year()),
            // Before any proposal of the day (those are made from 2 o'clock UTC on).
            at: at(rng, on, (0, 1)),
        })
    };
    for pl_move in &planned {
        let room = (pl_move.first_on - pl_move.after).num_days();
        for key in manual_keys(cx.items, pl_move.to) {
            let on = pl_move.first_on - days(range(rng, (1, room.clamp(1, 10)))).min(days(room));
            if let Some(t) = tick(rng, &key, on) {
                pl.ticks.push(t);
            }
        }
        for kind in needed_intermediaries(cx.items, pl_move.to) {
            if pl.intermediaries.iter().any(|i| i.kind == kind) {
                continue;
            }
            let engaged = (pl_move.first_on - days(range(rng, (20, 150))))
                .max(pl_move.after)
                .min(pl_move.first_on);
            let partner = partner_of(rng, kind);
            pl.intermediaries.push(GenIntermediary {
                kind,
                partner,
                engaged_on: engaged,
            });
        }
    }
    if let Some(on) = marker_on {
        if let Some(t) = tick(rng, "reform.plan", on) {
            pl.ticks.push(t);
        }
        pl.intermediaries.push(GenIntermediary {
            kind: IntermediaryKind::Auditor,
            partner: partner_of(rng, IntermediaryKind::Auditor),
            engaged_on: on - days(range(rng, (5, 15))),
        });
    }
    // Some reserve enterprises have an auditor in early; a bank for some further on.
    let has_auditor = pl
        .intermediaries
        .iter()
        .any(|i| i.kind == IntermediaryKind::Auditor);
    if current == Step::Reserve && !p.marker && !has_auditor && rng.random_bool(0.25) {
        pl.intermediaries.push(GenIntermediary {
            kind: IntermediaryKind::Auditor,
            partner: partner_of(rng, IntermediaryKind::Auditor),
            engaged_on: step_since + days(range(rng, (0, (today - step_since).num_days()))),
        });
    }
    if at_least(p.reached, Step::ShareholdingReform) && rng.random_bool(0.3) {
        let from = dates.get(1).copied().unwrap_or(step_since);
        pl.intermediaries.push(GenIntermediary {
            kind: IntermediaryKind::Bank,
            partner: partner_of(rng, IntermediaryKind::Bank),
            engaged_on: from + days(range(rng, (0, (step_since - from).num_days()))),
        });
    }

    // The proposals with their checklists as they stood, and the timeline.
    let staff_notes = |rng: &mut StdRng, to: Step| pick(rng, names::advance_notes(to)).to_string();
    let discovered_at = at(rng, dates[0], (1, 9));
    pl.moves.push(PipelineMove {
        from: None,
        to: Step::Potential,
        on: dates[0],
        at: discovered_at,
        reason: pick(rng, names::DISCOVERY_NOTES).to_string(),
        proposal: None,
    });
    for (i, pm) in planned.iter().enumerate() {
        let approved = i + 1 < path.len();
        if let Some((r, decided)) = pm.returned {
            let proposed_at = at(rng, r, (2, 4));
            let gate = gate_on(&pl, cx, pm.to, r, proposed_at);
            pl.proposals.push(GenProposal {
                from: pm.from,
                to: pm.to,
                reason: String::new(),
                comment: staff_notes(rng, pm.to),
                gate,
                decision: Some(Decision::Return),
                proposed_at,
                decided_at: Some(at(rng, decided, (5, 9))),
                decision_comment: pick(rng, names::return_comments(pm.to)).to_string(),
            });
        }
        let proposed_at = at(rng, pm.proposed_on, (2, 4));
        let gate = gate_on(&pl, cx, pm.to, pm.proposed_on, proposed_at);
        let comment = staff_notes(rng, pm.to);
        if approved {
            let on = dates[i + 1];
            let decided_at = at(rng, on, (5, 9));
            pl.proposals.push(GenProposal {
                from: pm.from,
                to: pm.to,
                reason: String::new(),
                comment: comment.clone(),
                gate,
                decision: Some(Decision::Approve),
                proposed_at,
                decided_at: Some(decided_at),
                decision_comment: "同意".into(),
            });
            pl.moves.push(PipelineMove {
                from: Some(pm.from),
                to: pm.to,
                on,
                at: decided_at,
                reason: comment,
                proposal: Some(pl.proposals.len() - 1),
            });
        } else {
            let returned = p.waiting == Waiting::ReturnedAdvance;
            let decided = returned.then(|| {
                let on = (pm.proposed_on + days(range(rng, (2, 6)))).min(today);
                at(rng, on, (5, 9))
            });
            pl.proposals.push(GenProposal {
                from: pm.from,
                to: pm.to,
                reason: String::new(),
                comment,
                gate,
                decision: returned.then_some(Decision::Return),
                proposed_at,
                decided_at: decided,
                decision_comment: if returned {
                    pick(rng, names::return_comments(pm.to)).to_string()
                } else {
                    String::new()
                },
            });
        }
    }
    // Exits: one that happened, or one waiting or returned.
    let in_listing = p.reached.milestone().is_some();
    let exit = match (p.exit, p.waiting) {
        (Some(kind), _) => Some((kind, Some(Decision::Approve))),
        (None, Waiting::PendingExit(kind)) => Some((kind, None)),
        (None, Waiting::ReturnedExit(kind)) => Some((kind, Some(Decision::Return))),
        _ => None,
    };
    if let Some((kind, decision)) = exit {
        let reason = pick(rng, names::exit_reasons(kind, in_listing)).to_string();
        let last = *dates.last().unwrap_or(&today);
        let (proposed_on, decided_on) = match decision {
            Some(Decision::Approve) => {
                let before = dates[dates.len().saturating_sub(2)];
                let slack = (last - before).num_days();
                (last - days(range(rng, (0, slack.clamp(0, 7)))), Some(last))
            }
            Some(Decision::Return) => {
                let on = waiting_on.unwrap_or(last);
                (on, Some((on + days(range(rng, (2, 6)))).min(today)))
            }
            None => (waiting_on.unwrap_or(last), None),
        };
        let to = Step::Exited(kind);
        let proposed_at = at(rng, proposed_on, (2, 4));
        let gate = gate_on(&pl, cx, to, proposed_on, proposed_at);
        let decided_at = decided_on.map(|d| at(rng, d, (5, 9)));
        pl.proposals.push(GenProposal {
            from: p.reached,
            to,
            reason: reason.clone(),
            comment: String::new(),
            gate,
            decision,
            proposed_at,
            decided_at,
            decision_comment: match decision {
                Some(Decision::Return) => pick(rng, names::return_comments(to)).to_string(),
                Some(Decision::Approve) => "同意".into(),
                None => String::new(),
            },
        });
        if decision == Some(Decision::Approve) {
            pl.moves.push(PipelineMove {
                from: Some(p.reached),
                to,
                on: last,
                at: decided_at.unwrap_or(proposed_at),
                reason,
                proposal: Some(pl.proposals.len() - 1),
            });
        }
    }
    pl.proposals.sort_by_key(|p| p.proposed_at);
    // Sorting moved the proposals: point the moves at them again.
    for m in pl.moves.iter_mut().skip(1) {
        m.proposal = pl
            .proposals
            .iter()
            .position(|p| p.to == m.to && p.decision == Some(Decision::Approve));
    }

    if at_least(p.reached, Step::Reserve) && p.exit.is_none() {
        pl.plan = Some(plan_of(rng, &pl, cx, &dates, &path));
        pl.tasks = tasks_of(rng, &pl, today, p.marker);
    }
    pl
}

/// The checklist of `to` as it stood on `on` (ticks made by `at`).
fn gate_on(pl: &Pipeline, cx: &Context, to: Step, on: NaiveDate, at: NaiveDateTime) -> GateStatus {
    let facts = pl.facts_on(on, cx.company_type, cx.level, cx.board_tier);
    cultivation::gate_status(cx.items, to, &facts, &pl.ticks_by(at))
}

fn plan_of(
    rng: &mut StdRng,
    pl: &Pipeline,
    cx: &Context,
    dates: &[NaiveDate],
    path: &[Step],
) -> GenPlan {
    let today = cx.today;
    let revenue = cx.revenue.max(10_000_000) as f64;
    let reached = |s: Step| {
        path.iter()
            .position(|x| *x == s)
            .and_then(|i| dates.get(i).copied())
    };
    let month_start = |d: NaiveDate| d.with_day(1).unwrap_or(d);
    let (bounds, with_valuation): ((f64, f64), bool) = match pl.step {
        Step::Reserve => ((2.0e8, 1.5e9), rng.random_bool(0.5)),
        Step::ShareholdingReform => ((3.0e8, 3.0e9), true),
        _ => ((5.0e8, 8.0e9), true),
    };
    let valuation = with_valuation.then(|| {
        let multiple = rng.random_range(3.0..8.0);
        millions((revenue * multiple).clamp(bounds.0, bounds.1))
    });
    let planned_raise = valuation.map(|v| millions(v as f64 * rng.random_range(0.10..0.30)));
    let since = pl.stage_since;
    let valuation_on = valuation.map(|_| {
        let room = (today - since).num_days();
        today - days(range(rng, (10, room.clamp(10, 240))).min(room))
    });
    let filed = reached(Step::Listing(Milestone::TutoringFiling));
    let planned_filing_on = match pl.step {
        Step::Reserve => Some(month_start(today + days(range(rng, (180, 720))))),
        Step::ShareholdingReform => Some(month_start(today + days(range(rng, (60, 365))))),
        _ => filed,
    };
    let planned_listing_on = match pl.step {
        Step::Listed => reached(Step::Listed),
        Step::Listing(m) => {
            let left = (Step::PIPELINE.len() - depth(Step::Listing(m))) as i64;
            Some(month_start(
                today + days(range(rng, (left * 20, left * 60))),
            ))
        }
        _ => planned_filing_on.map(|f| month_start(f + days(range(rng, (300, 540))))),
    };
    let updated_on = valuation_on.unwrap_or(since).max(since);
    GenPlan {
        valuation,
        valuation_on,
        planned_raise,
        planned_filing_on,
        planned_listing_on,
        note: pick(rng, names::PLAN_NOTES).to_string(),
        updated_at: at(rng, updated_on, (1, 9)),
    }
}

/// Two to four tasks at the current step: some done, about one in five open past due.
fn tasks_of(rng: &mut StdRng, pl: &Pipeline, today: NaiveDate, marker: bool) -> Vec<GenTask> {
    let since = pl.step_since;
    let titles = names::task_titles(pl.step);
    let n = if marker {
        3
    } else {
        range(rng, (2, 4)) as usize
    };
    let chosen: Vec<&str> = titles.choose_multiple(rng, n).copied().collect();
    let lived = (today - since).num_days();
    chosen
        .into_iter()
        .enumerate()
        .map(|(i, title)| {
            // The marker: one done, one overdue, one ahead; listed: everything done.
            let x: f64 = match (marker, pl.step) {
                (true, _) => [0.0, 0.5, 0.9][i.min(2)],
                (false, Step::Listed) => 0.0,
                _ => rng.random(),
            };
            let kind = if x < 0.45 && lived > 10 {
                0
            } else if x < 0.65 && lived > 10 {
                1
            } else {
                2
            };
            let (due_on, done_on) = match kind {
                0 => {
                    let due = since + days(range(rng, (7, lived - 1)));
                    let done = (due - days(range(rng, (0, 10)))).max(since + days(1));
                    (due, Some(done))
                }
                1 => (today - days(range(rng, (1, (lived - 1).min(45)))), None),
                _ => (today + days(range(rng, (3, 90))), None),
            };
            let latest = done_on.unwrap_or_else(|| today - days(range(rng, (1, 20))));
            let created_on = (due_on - days(range(rng, (14, 60)))).min(latest).max(since);
            GenTask {
                step: pl.step,
                title: title.to_string(),
                created_on,
                due_on,
                done_on,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_keeps_the_total() {
        assert_eq!(apportion(11, &MILESTONE_WEIGHTS), vec![4, 3, 2, 1, 1, 0, 0]);
        assert_eq!(apportion(0, &MILESTONE_WEIGHTS).iter().sum::<usize>(), 0);
        assert_eq!(
            apportion(1236, &MILESTONE_WEIGHTS).iter().sum::<usize>(),
            1236
        );
        assert_eq!(
            apportion(15, &[6.0, 5.0, 2.0, 1.0, 1.0]),
            vec![6, 5, 2, 1, 1]
        );
    }

    #[test]
    fn doc_refs_count_per_issuer_kind_and_year() {
        let mut r = DocRefs::default();
        assert_eq!(r.next("QDZJ", "备案", 2024), "QDZJ-备案-2024-001");
        assert_eq!(r.next("QDZJ", "备案", 2024), "QDZJ-备案-2024-002");
        assert_eq!(r.next("QDZJ", "备案", 2025), "QDZJ-备案-2025-001");
    }

    #[test]
    fn every_manual_item_has_evidence_and_partners_serve_every_kind() {
        for item in cultivation::default_gate_items() {
            if item.kind == GateKind::Manual {
                assert!(names::tick_evidence(&item.key).is_some(), "{}", item.key);
            }
        }
        for kind in IntermediaryKind::ALL {
            let n = PARTNERS.iter().filter(|p| serves(p.kind, kind)).count();
            assert!(n >= 3, "{kind}: {n}");
        }
        let kinds = [
            "securities_firm",
            "accounting_firm",
            "law_firm",
            "bank",
            "investor",
            "research_institute",
            "other",
        ];
        assert!(PARTNERS.iter().all(|p| kinds.contains(&p.kind)));
        let names: std::collections::HashSet<&str> = PARTNERS.iter().map(|p| p.name).collect();
        assert_eq!(names.len(), PARTNERS.len(), "partner names are unique");
        assert!((25..=35).contains(&PARTNERS.len()));
    }
}
