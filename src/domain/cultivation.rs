//! IPO cultivation (上市培育): stages, listing-process milestones, stage gates,
//! two-person proposals and the funnel arithmetic.
//!
//! potential (潜力) -> reserve (后备) -> shareholding reform (股改) -> listing process
//! (上市进程, milestone by milestone from tutoring filing to issue and listing) ->
//! listed (已上市). An enterprise moves one step at a time; before it is listed it
//! may withdraw (主动撤回) or be terminated (终止) with a reason, and after an exit it
//! may re-enter at potential. Staff propose a move, an official other than the
//! proposer approves or returns it, and only an approval moves the enterprise.
//! What a step needs is data ([`GateItem`]): checks the system reads from the record
//! ([`AutoCheck`]) and items staff tick with evidence ([`ManualTick`]).

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::qualification::Level;
use super::role::Role;
use super::tier::{CompanyType, Tier};

/// A headline stage of the pipeline, ordered; the rows of the officials' funnel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 潜力: discovered as a possible listing candidate.
    Potential,
    /// 后备: a reserve enterprise under cultivation.
    Reserve,
    /// 股改: converting into a joint-stock company.
    ShareholdingReform,
    /// 上市进程: from tutoring filing to issue and listing.
    ListingProcess,
    /// 已上市
    Listed,
}

text_enum!(Stage, "unknown cultivation stage '{}'", [
    Stage::Potential => "potential",
    Stage::Reserve => "reserve",
    Stage::ShareholdingReform => "shareholding_reform",
    Stage::ListingProcess => "listing_process",
    Stage::Listed => "listed",
]);

impl Stage {
    /// The first step of the stage: a move there is an entry into the stage.
    pub fn entry(self) -> Step {
        match self {
            Stage::Potential => Step::Potential,
            Stage::Reserve => Step::Reserve,
            Stage::ShareholdingReform => Step::ShareholdingReform,
            Stage::ListingProcess => Step::Listing(Milestone::TutoringFiling),
            Stage::Listed => Step::Listed,
        }
    }

    /// Every stage, in pipeline order.
    pub const ALL: [Stage; 5] = [
        Stage::Potential,
        Stage::Reserve,
        Stage::ShareholdingReform,
        Stage::ListingProcess,
        Stage::Listed,
    ];
}

/// A milestone of the listing process, ordered; reaching one means it has happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Milestone {
    /// 辅导备案: tutoring filed with the local securities regulator office.
    TutoringFiling,
    /// 辅导验收: tutoring accepted by the regulator office.
    TutoringAcceptance,
    /// 申报受理: the exchange has accepted the listing application.
    ApplicationAccepted,
    /// 审核问询: inquiry rounds with the exchange under way.
    Inquiry,
    /// 上市委审议: passed the listing committee.
    ListingCommittee,
    /// 注册: registration granted.
    Registration,
    /// 发行上市: the offering is under way; listing follows.
    IssueAndListing,
}

text_enum!(Milestone, "unknown listing milestone '{}'", [
    Milestone::TutoringFiling => "tutoring_filing",
    Milestone::TutoringAcceptance => "tutoring_acceptance",
    Milestone::ApplicationAccepted => "application_accepted",
    Milestone::Inquiry => "inquiry",
    Milestone::ListingCommittee => "listing_committee",
    Milestone::Registration => "registration",
    Milestone::IssueAndListing => "issue_and_listing",
]);

impl Milestone {
    /// Every milestone, in the order they are reached.
    pub const ALL: [Milestone; 7] = [
        Milestone::TutoringFiling,
        Milestone::TutoringAcceptance,
        Milestone::ApplicationAccepted,
        Milestone::Inquiry,
        Milestone::ListingCommittee,
        Milestone::Registration,
        Milestone::IssueAndListing,
    ];

    /// The milestone after this one; `None` after issue and listing (then: listed).
    pub fn next(self) -> Option<Milestone> {
        let i = Milestone::ALL.iter().position(|m| *m == self)?;
        Milestone::ALL.get(i + 1).copied()
    }
}

/// How an enterprise left the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitKind {
    /// 主动撤回: the enterprise withdrew.
    Withdrawn,
    /// 终止: cultivation or review was terminated.
    Terminated,
}

text_enum!(ExitKind, "unknown exit kind '{}'", [
    ExitKind::Withdrawn => "withdrawn",
    ExitKind::Terminated => "terminated",
]);

impl ExitKind {
    /// Both kinds of exit.
    pub const ALL: [ExitKind; 2] = [ExitKind::Withdrawn, ExitKind::Terminated];
}

/// Where an enterprise stands: a stage, a listing-process milestone, or an exit.
/// Stored as one text column holding the stage, milestone or exit key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Step {
    /// 潜力
    Potential,
    /// 后备
    Reserve,
    /// 股改
    ShareholdingReform,
    /// 上市进程, at this milestone.
    Listing(Milestone),
    /// 已上市
    Listed,
    /// 已退出: withdrawn or terminated.
    Exited(ExitKind),
}

impl Step {
    /// The way through, in order. This is the table of forward moves: the only
    /// advance from a step is to the one after it here.
    pub const PIPELINE: [Step; 11] = [
        Step::Potential,
        Step::Reserve,
        Step::ShareholdingReform,
        Step::Listing(Milestone::TutoringFiling),
        Step::Listing(Milestone::TutoringAcceptance),
        Step::Listing(Milestone::ApplicationAccepted),
        Step::Listing(Milestone::Inquiry),
        Step::Listing(Milestone::ListingCommittee),
        Step::Listing(Milestone::Registration),
        Step::Listing(Milestone::IssueAndListing),
        Step::Listed,
    ];

    /// Every step: the pipeline, then the exits.
    pub const ALL: [Step; 13] = [
        Step::Potential,
        Step::Reserve,
        Step::ShareholdingReform,
        Step::Listing(Milestone::TutoringFiling),
        Step::Listing(Milestone::TutoringAcceptance),
        Step::Listing(Milestone::ApplicationAccepted),
        Step::Listing(Milestone::Inquiry),
        Step::Listing(Milestone::ListingCommittee),
        Step::Listing(Milestone::Registration),
        Step::Listing(Milestone::IssueAndListing),
        Step::Listed,
        Step::Exited(ExitKind::Withdrawn),
        Step::Exited(ExitKind::Terminated),
    ];

    /// The stable key stored in the database and used in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Potential => "potential",
            Step::Reserve => "reserve",
            Step::ShareholdingReform => "shareholding_reform",
            Step::Listing(m) => m.as_str(),
            Step::Listed => "listed",
            Step::Exited(k) => k.as_str(),
        }
    }

    /// The headline stage of the step; `None` after an exit.
    pub fn stage(self) -> Option<Stage> {
        match self {
            Step::Potential => Some(Stage::Potential),
            Step::Reserve => Some(Stage::Reserve),
            Step::ShareholdingReform => Some(Stage::ShareholdingReform),
            Step::Listing(_) => Some(Stage::ListingProcess),
            Step::Listed => Some(Stage::Listed),
            Step::Exited(_) => None,
        }
    }

    /// The milestone, while in the listing process.
    pub fn milestone(self) -> Option<Milestone> {
        match self {
            Step::Listing(m) => Some(m),
            _ => None,
        }
    }

    /// The only step an advance from here may go to; `None` when listed or exited.
    pub fn next(self) -> Option<Step> {
        let i = Step::PIPELINE.iter().position(|s| *s == self)?;
        Step::PIPELINE.get(i + 1).copied()
    }

    /// Still being cultivated: in the pipeline and not yet listed (the steps that can stall or exit).
    pub fn is_active(self) -> bool {
        !matches!(self, Step::Listed | Step::Exited(_))
    }
}

impl FromStr for Step {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Step::ALL
            .into_iter()
            .find(|step| step.as_str() == s.trim())
            .ok_or_else(|| format!("unknown cultivation step '{s}'"))
    }
}

impl TryFrom<String> for Step {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl From<Step> for String {
    fn from(s: Step) -> String {
        s.as_str().to_string()
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The board an enterprise aims to list on (定板).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetBoard {
    /// 上交所主板
    SseMain,
    /// 科创板
    Star,
    /// 深交所主板
    SzseMain,
    /// 创业板
    Chinext,
    /// 北交所
    Bse,
    /// 新三板创新层
    NeeqInnovation,
    /// 新三板基础层
    NeeqBasic,
    /// 境外
    Overseas,
}

text_enum!(TargetBoard, "unknown target board '{}'", [
    TargetBoard::SseMain => "sse_main",
    TargetBoard::Star => "star",
    TargetBoard::SzseMain => "szse_main",
    TargetBoard::Chinext => "chinext",
    TargetBoard::Bse => "bse",
    TargetBoard::NeeqInnovation => "neeq_innovation",
    TargetBoard::NeeqBasic => "neeq_basic",
    TargetBoard::Overseas => "overseas",
]);

impl TargetBoard {
    /// Every target board, in the order offered in forms.
    pub const ALL: [TargetBoard; 8] = [
        TargetBoard::SseMain,
        TargetBoard::Star,
        TargetBoard::SzseMain,
        TargetBoard::Chinext,
        TargetBoard::Bse,
        TargetBoard::NeeqInnovation,
        TargetBoard::NeeqBasic,
        TargetBoard::Overseas,
    ];
}

/// A kind of intermediary an enterprise engages on the way to listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntermediaryKind {
    /// 保荐机构: the sponsor securities firm.
    Sponsor,
    /// 会计师事务所
    Auditor,
    /// 律师事务所
    LawFirm,
    /// 银行
    Bank,
}

text_enum!(IntermediaryKind, "unknown intermediary kind '{}'", [
    IntermediaryKind::Sponsor => "sponsor",
    IntermediaryKind::Auditor => "auditor",
    IntermediaryKind::LawFirm => "law_firm",
    IntermediaryKind::Bank => "bank",
]);

impl IntermediaryKind {
    /// Every kind, in the order offered in forms.
    pub const ALL: [IntermediaryKind; 4] = [
        IntermediaryKind::Sponsor,
        IntermediaryKind::Auditor,
        IntermediaryKind::LawFirm,
        IntermediaryKind::Bank,
    ];
}

/// What the automatic checks read, gathered from the enterprise record by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CultivationFacts {
    /// The company type on the enterprise record.
    pub company_type: CompanyType,
    /// The highest qualification level in force today, if any.
    pub level: Option<Level>,
    /// Whether the enterprise has a passing rubric result.
    pub passing_rubric: bool,
    /// Its tier on the special board, if it is on the board.
    pub board_tier: Option<Tier>,
    /// The kinds of intermediary engaged so far.
    pub intermediaries: Vec<IntermediaryKind>,
    /// The target board, once chosen (定板).
    pub target_board: Option<TargetBoard>,
    /// Whole days since the enterprise reached the step it is now at.
    pub days_in_step: i64,
}

/// A check the system makes on [`CultivationFacts`] without anyone ticking it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutoCheck {
    /// Holds a qualification title in force, of any level.
    HasTitleInForce,
    /// Its level in force is at least this one.
    MinLevel(Level),
    /// Has a passing rubric result.
    PassingRubric,
    /// A title in force or a passing rubric result: either suffices.
    TitleOrRubric,
    /// Is a joint-stock company (股份有限公司).
    JointStock,
    /// Has engaged an intermediary of this kind.
    HasIntermediary(IntermediaryKind),
    /// Is on the special board at this tier or higher.
    OnBoardTier(Tier),
    /// Has chosen its target board (定板).
    TargetBoardChosen,
    /// Has been at its current step (the one it would leave) at least this many days.
    MinDaysInCurrentStep(i64),
}

impl AutoCheck {
    /// Reads a stored check: `field` and `value` columns (the inverse of [`Self::to_row`]).
    pub fn parse(field: &str, value: &str) -> Result<AutoCheck, String> {
        match field.trim() {
            "title_in_force" => Ok(AutoCheck::HasTitleInForce),
            "min_level" => Ok(AutoCheck::MinLevel(value.parse()?)),
            "passing_rubric" => Ok(AutoCheck::PassingRubric),
            "title_or_rubric" => Ok(AutoCheck::TitleOrRubric),
            "joint_stock" => Ok(AutoCheck::JointStock),
            "intermediary" => Ok(AutoCheck::HasIntermediary(value.parse()?)),
            "board_tier" => Ok(AutoCheck::OnBoardTier(value.parse()?)),
            "target_board" => Ok(AutoCheck::TargetBoardChosen),
            "min_days_in_step" => match value.trim().parse::<i64>() {
                Ok(days) if days >= 0 => Ok(AutoCheck::MinDaysInCurrentStep(days)),
                _ => Err(format!("'{value}' is not a number of days (0 or more)")),
            },
            other => Err(format!("unknown check field '{other}'")),
        }
    }

    /// The `field` and `value` columns that store the check.
    pub fn to_row(self) -> (&'static str, String) {
        match self {
            AutoCheck::HasTitleInForce => ("title_in_force", String::new()),
            AutoCheck::MinLevel(l) => ("min_level", l.as_str().into()),
            AutoCheck::PassingRubric => ("passing_rubric", String::new()),
            AutoCheck::TitleOrRubric => ("title_or_rubric", String::new()),
            AutoCheck::JointStock => ("joint_stock", String::new()),
            AutoCheck::HasIntermediary(k) => ("intermediary", k.as_str().into()),
            AutoCheck::OnBoardTier(t) => ("board_tier", t.as_str().into()),
            AutoCheck::TargetBoardChosen => ("target_board", String::new()),
            AutoCheck::MinDaysInCurrentStep(d) => ("min_days_in_step", d.to_string()),
        }
    }

    /// What the facts say about the check: [`Finding::Holds`] or what is short.
    pub fn finding(self, f: &CultivationFacts) -> Finding {
        let ok = |holds: bool, short: Finding| if holds { Finding::Holds } else { short };
        match self {
            AutoCheck::HasTitleInForce => ok(f.level.is_some(), Finding::NoTitle),
            AutoCheck::MinLevel(need) => match f.level {
                None => Finding::NoTitle,
                Some(have) => ok(have >= need, Finding::LevelBelow { have, need }),
            },
            AutoCheck::PassingRubric => ok(f.passing_rubric, Finding::NoPassingRubric),
            AutoCheck::TitleOrRubric => ok(
                f.level.is_some() || f.passing_rubric,
                Finding::NoTitleNorRubric,
            ),
            AutoCheck::JointStock => ok(
                f.company_type == CompanyType::JointStock,
                Finding::NotJointStock(f.company_type),
            ),
            AutoCheck::HasIntermediary(k) => {
                ok(f.intermediaries.contains(&k), Finding::NoIntermediary(k))
            }
            AutoCheck::OnBoardTier(need) => match f.board_tier {
                None => Finding::NotOnBoard,
                Some(have) => ok(have >= need, Finding::TierBelow { have, need }),
            },
            AutoCheck::TargetBoardChosen => ok(f.target_board.is_some(), Finding::NoTargetBoard),
            AutoCheck::MinDaysInCurrentStep(need) => ok(
                f.days_in_step >= need,
                Finding::TooSoon {
                    days: f.days_in_step,
                    need,
                },
            ),
        }
    }
}

/// Who ticks a gate item: the system from the record, or staff with evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateKind {
    /// Checked from the record; staff cannot tick it.
    Auto(AutoCheck),
    /// Ticked by staff, counting only with evidence.
    Manual,
}

impl GateKind {
    /// Reads stored `field` and `value` columns: field `manual`, or an [`AutoCheck`] field.
    pub fn parse(field: &str, value: &str) -> Result<GateKind, String> {
        match field.trim() {
            "manual" => Ok(GateKind::Manual),
            _ => AutoCheck::parse(field, value).map(GateKind::Auto),
        }
    }

    /// The `field` and `value` columns that store the kind.
    pub fn to_row(self) -> (&'static str, String) {
        match self {
            GateKind::Auto(check) => check.to_row(),
            GateKind::Manual => ("manual", String::new()),
        }
    }

    /// Every stored `field`, in the order the admin form offers them.
    pub const FIELDS: [&'static str; 10] = [
        "manual",
        "title_in_force",
        "min_level",
        "passing_rubric",
        "title_or_rubric",
        "joint_stock",
        "intermediary",
        "board_tier",
        "target_board",
        "min_days_in_step",
    ];

    /// Whether a `field` reads its `value` column; the others store it blank, so a
    /// value typed for them would silently be dropped.
    pub fn takes_value(field: &str) -> bool {
        matches!(
            field.trim(),
            "min_level" | "intermediary" | "board_tier" | "min_days_in_step"
        )
    }
}

/// The longest gate item key an admin may give.
pub const GATE_KEY_MAX: usize = 60;

/// Whether `key` is a well-formed gate item key such as `reserve.audit_report`: a
/// prefix starting with a lower-case letter, one dot, a name; only `a-z`, `0-9`, `_`.
/// Manual ticks refer to items by this key, so it stays plain and stable.
pub fn is_gate_key(key: &str) -> bool {
    let word = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    match key.split_once('.') {
        Some((prefix, name)) => {
            prefix.starts_with(|c: char| c.is_ascii_lowercase()) && word(prefix) && word(name)
        }
        None => false,
    }
}

/// One entry condition of a step, stored as data so an admin can edit checklists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateItem {
    /// Stable key, unique across all steps, e.g. `reserve.willing`.
    pub key: String,
    /// The step (stage or milestone) whose entry it guards.
    pub step: Step,
    /// Checked automatically or ticked by staff.
    pub kind: GateKind,
    /// Chinese label.
    pub label_zh: String,
    /// English label.
    pub label_en: String,
}

/// A staff tick on a manual gate item, with its evidence (a note or a document reference).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualTick {
    /// The key of the ticked item.
    pub key: String,
    /// Why it is met: a note or an attached document reference; blank does not count.
    pub evidence: String,
}

/// Why a gate line is met or missing. Templates name it by [`Self::key`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Finding {
    /// An automatic check holds on the record.
    Holds,
    /// Ticked by staff with this evidence.
    Evidence(String),
    /// A manual item nobody has ticked.
    NotTicked,
    /// Ticked without evidence, which does not count.
    NoEvidence,
    /// No qualification title in force.
    NoTitle,
    /// The level in force is below the one needed.
    LevelBelow { have: Level, need: Level },
    /// No passing rubric result.
    NoPassingRubric,
    /// Neither a title in force nor a passing rubric result.
    NoTitleNorRubric,
    /// The company is of another type than joint-stock.
    NotJointStock(CompanyType),
    /// No intermediary of this kind engaged.
    NoIntermediary(IntermediaryKind),
    /// Not on the special board.
    NotOnBoard,
    /// On the board at a lower tier than needed.
    TierBelow { have: Tier, need: Tier },
    /// No target board chosen yet.
    NoTargetBoard,
    /// Fewer days at the current step than needed.
    TooSoon { days: i64, need: i64 },
}

impl Finding {
    /// Whether the line counts as met.
    pub fn is_met(&self) -> bool {
        matches!(self, Finding::Holds | Finding::Evidence(_))
    }

    /// A stable name for the locale message, e.g. `too_soon`.
    pub fn key(&self) -> &'static str {
        match self {
            Finding::Holds => "holds",
            Finding::Evidence(_) => "evidence",
            Finding::NotTicked => "not_ticked",
            Finding::NoEvidence => "no_evidence",
            Finding::NoTitle => "no_title",
            Finding::LevelBelow { .. } => "level_below",
            Finding::NoPassingRubric => "no_passing_rubric",
            Finding::NoTitleNorRubric => "no_title_nor_rubric",
            Finding::NotJointStock(_) => "not_joint_stock",
            Finding::NoIntermediary(_) => "no_intermediary",
            Finding::NotOnBoard => "not_on_board",
            Finding::TierBelow { .. } => "tier_below",
            Finding::NoTargetBoard => "no_target_board",
            Finding::TooSoon { .. } => "too_soon",
        }
    }

    /// The value for the message's `%{arg}`: evidence text, a needed key, or `days/need`.
    pub fn arg(&self) -> String {
        match self {
            Finding::Evidence(e) => e.clone(),
            Finding::LevelBelow { need, .. } => need.as_str().into(),
            Finding::NotJointStock(t) => t.as_str().into(),
            Finding::NoIntermediary(k) => k.as_str().into(),
            Finding::TierBelow { need, .. } => need.as_str().into(),
            Finding::TooSoon { days, need } => format!("{days}/{need}"),
            _ => String::new(),
        }
    }
}

/// One line of a checklist as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateLine {
    /// The item's key.
    pub key: String,
    /// Chinese label.
    pub label_zh: String,
    /// English label.
    pub label_en: String,
    /// Whether staff tick it (otherwise the record decides).
    pub manual: bool,
    /// Met or missing, and why.
    pub finding: Finding,
}

/// A step's checklist as it stands, in checklist order; serialisable as a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateStatus {
    /// The step the checklist guards.
    pub target: Step,
    /// Every item of that step with its finding.
    pub lines: Vec<GateLine>,
}

impl GateStatus {
    /// Open when every line is met; a step without items is always open.
    pub fn is_open(&self) -> bool {
        self.lines.iter().all(|l| l.finding.is_met())
    }

    /// The keys of the lines not met, in checklist order.
    pub fn missing(&self) -> Vec<String> {
        self.lines
            .iter()
            .filter(|l| !l.finding.is_met())
            .map(|l| l.key.clone())
            .collect()
    }
}

/// The checklist of `target` as it stands: auto items from the facts, manual items from
/// ticks with evidence. Ticks on auto items and on other steps' items are ignored.
pub fn gate_status(
    items: &[GateItem],
    target: Step,
    facts: &CultivationFacts,
    ticks: &[ManualTick],
) -> GateStatus {
    let lines = items
        .iter()
        .filter(|item| item.step == target)
        .map(|item| {
            let finding = match item.kind {
                GateKind::Auto(check) => check.finding(facts),
                GateKind::Manual => manual_finding(&item.key, ticks),
            };
            GateLine {
                key: item.key.clone(),
                label_zh: item.label_zh.clone(),
                label_en: item.label_en.clone(),
                manual: item.kind == GateKind::Manual,
                finding,
            }
        })
        .collect();
    GateStatus { target, lines }
}

/// A manual item counts when some tick on it carries evidence.
fn manual_finding(key: &str, ticks: &[ManualTick]) -> Finding {
    let mut on_item = ticks.iter().filter(|t| t.key == key).peekable();
    if on_item.peek().is_none() {
        return Finding::NotTicked;
    }
    on_item
        .map(|t| t.evidence.trim())
        .find(|e| !e.is_empty())
        .map_or(Finding::NoEvidence, |e| Finding::Evidence(e.to_string()))
}

/// The checklists a fresh installation starts with (a migration seeds them; admins edit).
pub fn default_gate_items() -> Vec<GateItem> {
    use AutoCheck::*;
    use GateKind::{Auto, Manual};
    use IntermediaryKind::{Auditor, LawFirm, Sponsor};
    use Milestone::*;
    let item = |key: &str, step, kind, zh: &str, en: &str| GateItem {
        key: key.into(),
        step,
        kind,
        label_zh: zh.into(),
        label_en: en.into(),
    };
    vec![
        // Potential: anyone may be discovered, no conditions.
        item(
            "reserve.qualified",
            Step::Reserve,
            Auto(TitleOrRubric),
            "持有有效资质或评价达标",
            "Holds a title in force or passes a rubric",
        ),
        item(
            "reserve.willing",
            Step::Reserve,
            Manual,
            "上市意愿确认",
            "Enterprise confirms its intention to list",
        ),
        item(
            "reform.plan",
            Step::ShareholdingReform,
            Manual,
            "股改方案已制定",
            "Shareholding reform plan drawn up",
        ),
        item(
            "reform.auditor",
            Step::ShareholdingReform,
            Auto(HasIntermediary(Auditor)),
            "已聘请会计师事务所",
            "Auditor engaged",
        ),
        item(
            "reform.law_firm",
            Step::ShareholdingReform,
            Auto(HasIntermediary(LawFirm)),
            "已聘请律师事务所",
            "Law firm engaged",
        ),
        item(
            "filing.joint_stock",
            Step::Listing(TutoringFiling),
            Auto(JointStock),
            "已变更为股份有限公司",
            "Converted into a joint-stock company",
        ),
        item(
            "filing.sponsor",
            Step::Listing(TutoringFiling),
            Auto(HasIntermediary(Sponsor)),
            "已聘请保荐机构",
            "Sponsor securities firm engaged",
        ),
        item(
            "filing.target_board",
            Step::Listing(TutoringFiling),
            Auto(TargetBoardChosen),
            "已确定拟上市板块（定板）",
            "Target board chosen",
        ),
        item(
            "filing.receipt",
            Step::Listing(TutoringFiling),
            Manual,
            "证监局辅导备案已受理（附备案公示或回执）",
            "Tutoring filed with the regulator office (notice or receipt attached)",
        ),
        item(
            "acceptance.three_months",
            Step::Listing(TutoringAcceptance),
            Auto(MinDaysInCurrentStep(90)),
            "辅导期满三个月",
            "Tutoring has lasted three months",
        ),
        item(
            "acceptance.passed",
            Step::Listing(TutoringAcceptance),
            Manual,
            "辅导验收通过（附验收完成函）",
            "Tutoring accepted (acceptance letter attached)",
        ),
        item(
            "application.notice",
            Step::Listing(ApplicationAccepted),
            Manual,
            "申报材料已获受理（附受理通知）",
            "Application accepted (notice attached)",
        ),
        item(
            "inquiry.letter",
            Step::Listing(Inquiry),
            Manual,
            "已收到审核问询函",
            "Inquiry letter received",
        ),
        item(
            "committee.passed",
            Step::Listing(ListingCommittee),
            Manual,
            "上市委审议通过（附审议结果公告）",
            "Passed the listing committee (announcement attached)",
        ),
        item(
            "registration.granted",
            Step::Listing(Registration),
            Manual,
            "同意注册（附注册批复）",
            "Registration granted (approval attached)",
        ),
        item(
            "issue.launched",
            Step::Listing(IssueAndListing),
            Manual,
            "发行已启动（附招股意向书或发行公告）",
            "Offering launched (prospectus or offering announcement attached)",
        ),
        item(
            "listed.trading",
            Step::Listed,
            Manual,
            "股票已上市交易（附上市公告书）",
            "Shares trading (listing announcement attached)",
        ),
    ]
}

/// Why a move, a proposal or a decision was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// An advance to anything but the next step: skipping, staying, or going back.
    #[error("{to} does not directly follow {from}: steps are taken one at a time")]
    NotNext { from: Step, to: Step },
    /// Listed is the end of the pipeline: no advance and no exit.
    #[error("the enterprise is already listed")]
    AlreadyListed,
    /// An exited enterprise can only re-enter.
    #[error("the enterprise has exited ({0}); it can only re-enter at potential")]
    AlreadyExited(ExitKind),
    /// Re-entry is only after an exit.
    #[error("only an exited enterprise can re-enter (it is at {0})")]
    NotExited(Step),
    /// An exit needs a written reason.
    #[error("give the reason for the exit")]
    NoReason,
    /// The target step's checklist has items not met (their keys).
    #[error("the checklist for {target} is not complete: {missing:?}")]
    GateClosed { target: Step, missing: Vec<String> },
    /// The checklist passed in guards a different step than the move leads to.
    #[error("the checklist is for {gate}, but the move leads to {target}")]
    WrongGate { gate: Step, target: Step },
    /// Only staff propose moves.
    #[error("{0} accounts cannot propose cultivation moves")]
    CannotPropose(Role),
    /// Only officials decide on proposals.
    #[error("only officials decide on proposals, not {0} accounts")]
    NotOfficial(Role),
    /// Nobody approves their own proposal.
    #[error("nobody approves their own proposal")]
    OwnProposal,
    /// The enterprise moved after the proposal was made.
    #[error("the enterprise has moved since the proposal (it is now at {0}); propose again")]
    Stale(Step),
    /// Returning a proposal needs a word on why.
    #[error("say why the proposal is returned")]
    NoComment,
}

/// What staff propose for an enterprise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProposalAction {
    /// To the next step of the pipeline.
    Advance(Step),
    /// Leave the pipeline, with the reason.
    Exit(ExitKind, String),
    /// Start again at potential after an exit.
    Reenter,
}

impl ProposalAction {
    /// The step the action leads to: what a proposal row stores beside the reason.
    pub fn target(&self) -> Step {
        match self {
            ProposalAction::Advance(to) => *to,
            ProposalAction::Exit(kind, _) => Step::Exited(*kind),
            ProposalAction::Reenter => Step::Potential,
        }
    }

    /// Rebuilds the action from a stored target step and reason (the inverse of [`Self::target`]).
    pub fn toward(to: Step, reason: &str) -> ProposalAction {
        match to {
            Step::Exited(kind) => ProposalAction::Exit(kind, reason.to_string()),
            // Nothing precedes potential, so a move there is always a re-entry.
            Step::Potential => ProposalAction::Reenter,
            _ => ProposalAction::Advance(to),
        }
    }
}

/// The step after `action` from `from`, gates aside. Together with [`Step::PIPELINE`]
/// this is the whole table of moves: advance to the next step only; exit from any step
/// before listed; re-enter at potential only after an exit.
pub fn transition(from: Step, action: &ProposalAction) -> Result<Step, Refusal> {
    use ProposalAction::*;
    match (from, action) {
        (Step::Exited(_), Reenter) => Ok(Step::Potential),
        (_, Reenter) => Err(Refusal::NotExited(from)),
        (Step::Exited(kind), _) => Err(Refusal::AlreadyExited(kind)),
        (Step::Listed, _) => Err(Refusal::AlreadyListed),
        (_, Exit(_, reason)) if reason.trim().is_empty() => Err(Refusal::NoReason),
        (_, Exit(kind, _)) => Ok(Step::Exited(*kind)),
        (_, Advance(to)) if from.next() == Some(*to) => Ok(*to),
        (_, Advance(to)) => Err(Refusal::NotNext { from, to: *to }),
    }
}

/// Checks a move against the table and the target's checklist; returns the new step.
/// Exits are never held back by a checklist; advances and re-entries need it open.
pub fn check_move(
    current: Step,
    action: &ProposalAction,
    gate: &GateStatus,
) -> Result<Step, Refusal> {
    let to = transition(current, action)?;
    if gate.target != to {
        return Err(Refusal::WrongGate {
            gate: gate.target,
            target: to,
        });
    }
    if !matches!(action, ProposalAction::Exit(..)) && !gate.is_open() {
        return Err(Refusal::GateClosed {
            target: to,
            missing: gate.missing(),
        });
    }
    Ok(to)
}

/// Checks a new proposal by a `proposer` account: staff only, a move in the table,
/// and (for advances and re-entry) the target's checklist open now.
pub fn propose(
    proposer: Role,
    current: Step,
    action: &ProposalAction,
    gate: &GateStatus,
) -> Result<(), Refusal> {
    if proposer != Role::Staff {
        return Err(Refusal::CannotPropose(proposer));
    }
    check_move(current, action, gate).map(|_| ())
}

/// A pending proposal, as a decision needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// The user id of the proposer.
    pub by: i32,
    /// The step the enterprise was at when proposed.
    pub from: Step,
    /// What was proposed.
    pub action: ProposalAction,
}

/// An official's answer to a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Carry the move out.
    Approve,
    /// Send it back to staff with a comment.
    Return,
}

text_enum!(Decision, "unknown decision '{}'", [
    Decision::Approve => "approve",
    Decision::Return => "return",
]);

/// What a decision leads to; only `Moved` changes the enterprise's step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Approved: the enterprise is now at this step.
    Moved(Step),
    /// Returned: the enterprise stays where it is.
    Returned,
}

/// Checks an official's decision on `proposal`, with the enterprise at `current` and
/// the target's checklist as it stands now (`gate`). Officials only; nobody approves
/// their own proposal; a return needs a comment; an approval re-checks the move.
pub fn decide(
    decider: i32,
    decider_role: Role,
    proposal: &Proposal,
    current: Step,
    decision: Decision,
    comment: &str,
    gate: &GateStatus,
) -> Result<Outcome, Refusal> {
    if decider_role != Role::Official {
        return Err(Refusal::NotOfficial(decider_role));
    }
    match decision {
        Decision::Return if comment.trim().is_empty() => Err(Refusal::NoComment),
        Decision::Return => Ok(Outcome::Returned),
        Decision::Approve if decider == proposal.by => Err(Refusal::OwnProposal),
        Decision::Approve if current != proposal.from => Err(Refusal::Stale(current)),
        Decision::Approve => check_move(current, &proposal.action, gate).map(Outcome::Moved),
    }
}

/// Stage-to-stage conversion of the pipeline as it stands, from counts of enterprises
/// currently at each stage. "Reached" a stage means currently at it or beyond, so the
/// rate for (this, next) is reached(next) / reached(this): a snapshot, not a cohort.
/// Exited enterprises are outside the pipeline and not counted. `None` when nobody
/// reached `this`. Stages may repeat or be missing in `counts`.
pub fn conversion(counts: &[(Stage, i64)]) -> Vec<(Stage, Stage, Option<f64>)> {
    let reached = |s: Stage| -> i64 {
        counts
            .iter()
            .filter(|(at, _)| *at >= s)
            .map(|(_, n)| n)
            .sum()
    };
    Stage::ALL
        .windows(2)
        .map(|pair| {
            let (this, next) = (pair[0], pair[1]);
            let base = reached(this);
            let rate = (base > 0).then(|| reached(next) as f64 / base as f64);
            (this, next, rate)
        })
        .collect()
}

/// Whole days from `since` to `today` (0 if `since` is later), e.g. the `days_in_step` fact.
pub fn days_since(since: NaiveDate, today: NaiveDate) -> i64 {
    (today - since).num_days().max(0)
}

/// Days without movement after which an active enterprise counts as stalled, unless
/// the reader chooses otherwise.
pub const DEFAULT_STALL_DAYS: i64 = 180;

/// The stall threshold a reader typed: 1 to 3650 days, anything else the default.
pub fn stall_days(raw: &str) -> i64 {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|d| (1..=3650).contains(d))
        .unwrap_or(DEFAULT_STALL_DAYS)
}

/// What is inconsistent in a plan (定价 and dates), as (form field, message key): the
/// planned listing cannot precede the planned tutoring filing, and the planned raise
/// cannot exceed the valuation. Missing values are not checked against each other.
pub fn plan_problems(
    valuation: Option<i64>,
    planned_raise: Option<i64>,
    planned_filing_on: Option<NaiveDate>,
    planned_listing_on: Option<NaiveDate>,
) -> Vec<(&'static str, &'static str)> {
    let mut problems = Vec::new();
    if let (Some(f), Some(l)) = (planned_filing_on, planned_listing_on)
        && l < f
    {
        problems.push(("planned_listing_on", "cultivation.listing_before_filing"));
    }
    if let (Some(v), Some(r)) = (valuation, planned_raise)
        && r > v
    {
        problems.push(("planned_raise", "cultivation.raise_over_valuation"));
    }
    problems
}

/// Whether an enterprise has not moved for `stall_days` days or more since `last_move`.
/// Only meaningful for active steps ([`Step::is_active`]); the caller filters.
pub fn is_stalled(last_move: NaiveDate, today: NaiveDate, stall_days: i64) -> bool {
    days_since(last_move, today) >= stall_days
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_must_be_consistent() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        assert!(plan_problems(Some(100), Some(30), d("2027-01-01"), d("2028-01-01")).is_empty());
        assert_eq!(
            plan_problems(Some(100), Some(130), d("2027-01-01"), d("2026-01-01")),
            vec![
                ("planned_listing_on", "cultivation.listing_before_filing"),
                ("planned_raise", "cultivation.raise_over_valuation"),
            ]
        );
        assert!(plan_problems(None, Some(130), None, d("2026-01-01")).is_empty());
    }

    #[test]
    fn the_stall_threshold_is_bounded() {
        assert_eq!(stall_days("30"), 30);
        assert_eq!(stall_days(""), DEFAULT_STALL_DAYS);
        assert_eq!(stall_days("0"), DEFAULT_STALL_DAYS);
        assert_eq!(stall_days("99999"), DEFAULT_STALL_DAYS);
        assert_eq!(stall_days("abc"), DEFAULT_STALL_DAYS);
    }

    #[test]
    fn a_stage_is_entered_at_its_first_step() {
        for stage in Stage::ALL {
            let first = Step::PIPELINE
                .into_iter()
                .find(|s| s.stage() == Some(stage))
                .unwrap();
            assert_eq!(stage.entry(), first, "{stage}");
        }
    }
    use Milestone::*;

    const W: ExitKind = ExitKind::Withdrawn;
    const T: ExitKind = ExitKind::Terminated;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn exit(kind: ExitKind) -> ProposalAction {
        ProposalAction::Exit(kind, "企业主动放弃上市计划".into())
    }

    fn facts() -> CultivationFacts {
        CultivationFacts {
            company_type: CompanyType::LimitedLiability,
            level: None,
            passing_rubric: false,
            board_tier: None,
            intermediaries: Vec::new(),
            target_board: None,
            days_in_step: 0,
        }
    }

    fn tick(key: &str, evidence: &str) -> ManualTick {
        ManualTick {
            key: key.into(),
            evidence: evidence.into(),
        }
    }

    /// An open checklist for `target` (no items).
    fn open(target: Step) -> GateStatus {
        GateStatus {
            target,
            lines: Vec::new(),
        }
    }

    #[test]
    fn names_round_trip() {
        let keys: Vec<&str> = Step::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            keys,
            [
                "potential",
                "reserve",
                "shareholding_reform",
                "tutoring_filing",
                "tutoring_acceptance",
                "application_accepted",
                "inquiry",
                "listing_committee",
                "registration",
                "issue_and_listing",
                "listed",
                "withdrawn",
                "terminated"
            ]
        );
        for s in Step::ALL {
            assert_eq!(s.as_str().parse::<Step>(), Ok(s));
            assert_eq!(Step::try_from(String::from(s)), Ok(s));
        }
        assert!(
            "listing_process".parse::<Step>().is_err(),
            "a stage, not a step"
        );
        let boards: Vec<&str> = TargetBoard::ALL.iter().map(|b| b.as_str()).collect();
        assert_eq!(
            boards,
            [
                "sse_main",
                "star",
                "szse_main",
                "chinext",
                "bse",
                "neeq_innovation",
                "neeq_basic",
                "overseas"
            ]
        );
        for b in TargetBoard::ALL {
            assert_eq!(b.as_str().parse::<TargetBoard>(), Ok(b));
        }
        for k in IntermediaryKind::ALL {
            assert_eq!(k.as_str().parse::<IntermediaryKind>(), Ok(k));
        }
        assert_eq!("law_firm".parse(), Ok(IntermediaryKind::LawFirm));
        assert_eq!("listing_process".parse(), Ok(Stage::ListingProcess));
        assert_eq!("return".parse(), Ok(Decision::Return));
        assert!("nasdaq".parse::<TargetBoard>().is_err());
        // Serde uses the same key, so a gate snapshot stores steps as plain text.
        assert_eq!(
            serde_json::to_string(&Step::Listing(Inquiry)).unwrap(),
            "\"inquiry\""
        );
        assert_eq!(
            serde_json::from_str::<Step>("\"terminated\"").unwrap(),
            Step::Exited(T)
        );
    }

    #[test]
    fn the_whole_move_table() {
        use Step::*;
        let mut actions: Vec<ProposalAction> =
            Step::ALL.into_iter().map(ProposalAction::Advance).collect();
        actions.extend([exit(W), exit(T), ProposalAction::Reenter]);
        let mut allowed = Vec::new();
        for from in Step::ALL {
            for a in &actions {
                if let Ok(to) = transition(from, a) {
                    allowed.push((from, to));
                }
            }
        }
        let mut expected = vec![
            (Potential, Reserve),
            (Reserve, ShareholdingReform),
            (ShareholdingReform, Listing(TutoringFiling)),
            (Listing(TutoringFiling), Listing(TutoringAcceptance)),
            (Listing(TutoringAcceptance), Listing(ApplicationAccepted)),
            (Listing(ApplicationAccepted), Listing(Inquiry)),
            (Listing(Inquiry), Listing(ListingCommittee)),
            (Listing(ListingCommittee), Listing(Registration)),
            (Listing(Registration), Listing(IssueAndListing)),
            (Listing(IssueAndListing), Listed),
        ];
        for from in Step::PIPELINE.into_iter().filter(|s| s.is_active()) {
            expected.push((from, Exited(W)));
            expected.push((from, Exited(T)));
        }
        expected.push((Exited(W), Potential));
        expected.push((Exited(T), Potential));
        assert_eq!(
            allowed.len(),
            32,
            "10 advances, 2 exits from each of 10 steps, 2 re-entries"
        );
        let as_set = |v: Vec<(Step, Step)>| v.into_iter().collect::<std::collections::HashSet<_>>();
        assert_eq!(as_set(allowed), as_set(expected));
    }

    #[test]
    fn refused_moves_say_why() {
        use ProposalAction::*;
        assert_eq!(
            transition(Step::Potential, &Advance(Step::ShareholdingReform)),
            Err(Refusal::NotNext {
                from: Step::Potential,
                to: Step::ShareholdingReform
            }),
            "skipping reserve"
        );
        assert_eq!(
            transition(
                Step::Listing(Inquiry),
                &Advance(Step::Listing(TutoringFiling))
            ),
            Err(Refusal::NotNext {
                from: Step::Listing(Inquiry),
                to: Step::Listing(TutoringFiling)
            }),
            "going back"
        );
        assert_eq!(
            transition(Step::Reserve, &Advance(Step::Reserve)),
            Err(Refusal::NotNext {
                from: Step::Reserve,
                to: Step::Reserve
            })
        );
        assert_eq!(
            transition(Step::Listed, &Advance(Step::Listed)),
            Err(Refusal::AlreadyListed)
        );
        assert_eq!(
            transition(Step::Listed, &exit(T)),
            Err(Refusal::AlreadyListed)
        );
        assert_eq!(
            transition(Step::Exited(W), &exit(T)),
            Err(Refusal::AlreadyExited(W)),
            "exiting twice"
        );
        assert_eq!(
            transition(Step::Exited(T), &Advance(Step::Reserve)),
            Err(Refusal::AlreadyExited(T))
        );
        assert_eq!(
            transition(Step::Reserve, &Reenter),
            Err(Refusal::NotExited(Step::Reserve)),
            "re-entering without an exit"
        );
        assert_eq!(
            transition(Step::Listed, &Reenter),
            Err(Refusal::NotExited(Step::Listed))
        );
        assert_eq!(
            transition(Step::Reserve, &Exit(W, "  ".into())),
            Err(Refusal::NoReason)
        );
    }

    #[test]
    fn milestones_in_order() {
        let mut chain = vec![Milestone::ALL[0]];
        while let Some(m) = chain.last().unwrap().next() {
            chain.push(m);
        }
        assert_eq!(chain, Milestone::ALL);
        assert!(TutoringFiling < TutoringAcceptance && Registration < IssueAndListing);
        let in_pipeline: Vec<Milestone> = Step::PIPELINE
            .iter()
            .filter_map(|s| s.milestone())
            .collect();
        assert_eq!(in_pipeline, Milestone::ALL);
        assert_eq!(
            Step::ShareholdingReform.next(),
            Some(Step::Listing(TutoringFiling)),
            "the listing process starts at tutoring filing"
        );
        assert_eq!(Step::Listing(IssueAndListing).next(), Some(Step::Listed));
        assert_eq!(Step::Listed.next(), None);
        assert_eq!(Step::Exited(W).next(), None);
        assert_eq!(Step::Listing(Inquiry).stage(), Some(Stage::ListingProcess));
        assert_eq!(Step::Exited(T).stage(), None);
        let stages: Vec<Stage> = Step::PIPELINE.iter().filter_map(|s| s.stage()).collect();
        assert!(
            stages.windows(2).all(|w| w[0] <= w[1]),
            "pipeline never goes back a stage"
        );
        assert!(Step::Listing(Registration).is_active());
        assert!(!Step::Listed.is_active() && !Step::Exited(W).is_active());
    }

    #[test]
    fn stored_checks_parse_and_round_trip() {
        assert_eq!(
            AutoCheck::parse("min_level", "provincial"),
            Ok(AutoCheck::MinLevel(Level::Provincial))
        );
        assert_eq!(
            AutoCheck::parse("intermediary", "sponsor"),
            Ok(AutoCheck::HasIntermediary(IntermediaryKind::Sponsor))
        );
        assert_eq!(
            AutoCheck::parse("board_tier", "custody"),
            Ok(AutoCheck::OnBoardTier(Tier::Custody))
        );
        assert_eq!(
            AutoCheck::parse("min_days_in_step", " 90 "),
            Ok(AutoCheck::MinDaysInCurrentStep(90))
        );
        assert!(AutoCheck::parse("min_days_in_step", "-1").is_err());
        assert!(AutoCheck::parse("min_days_in_step", "three months").is_err());
        assert!(AutoCheck::parse("intermediary", "broker").is_err());
        assert!(AutoCheck::parse("colour", "").is_err());
        assert_eq!(GateKind::parse("manual", ""), Ok(GateKind::Manual));
        assert_eq!(
            GateKind::parse("joint_stock", ""),
            Ok(GateKind::Auto(AutoCheck::JointStock))
        );
        let every = [
            AutoCheck::HasTitleInForce,
            AutoCheck::MinLevel(Level::National),
            AutoCheck::PassingRubric,
            AutoCheck::TitleOrRubric,
            AutoCheck::JointStock,
            AutoCheck::HasIntermediary(IntermediaryKind::Bank),
            AutoCheck::OnBoardTier(Tier::Listing),
            AutoCheck::TargetBoardChosen,
            AutoCheck::MinDaysInCurrentStep(90),
        ];
        for kind in every
            .map(GateKind::Auto)
            .into_iter()
            .chain([GateKind::Manual])
        {
            let (field, value) = kind.to_row();
            assert_eq!(GateKind::parse(field, &value), Ok(kind));
        }
    }

    #[test]
    fn every_offered_field_parses_and_says_whether_it_needs_a_value() {
        for field in GateKind::FIELDS {
            let value = match field {
                "min_level" => "provincial",
                "intermediary" => "bank",
                "board_tier" => "custody",
                "min_days_in_step" => "30",
                _ => "",
            };
            assert_eq!(GateKind::takes_value(field), !value.is_empty(), "{field}");
            let kind = GateKind::parse(field, value).unwrap();
            assert_eq!(kind.to_row(), (field, value.to_string()));
            if GateKind::takes_value(field) {
                assert!(GateKind::parse(field, "").is_err(), "{field} needs a value");
            }
        }
        assert!(GateKind::parse("min_level", "county").is_err());
        assert!(GateKind::parse("min_days_in_step", "-1").is_err());
        assert!(GateKind::parse("coffee", "").is_err());
        assert!(!GateKind::takes_value("coffee"));
    }

    #[test]
    fn gate_keys_are_prefix_dot_name() {
        for ok in [
            "reserve.audit_report",
            "filing.sponsor",
            "a.b",
            "r2.x_1",
            "x_.9",
        ] {
            assert!(is_gate_key(ok), "{ok}");
        }
        for bad in [
            "",
            "reserve",
            "reserve.",
            ".x",
            "1x.y",
            "_x.y",
            "Reserve.x",
            "reserve.X",
            "a.b.c",
            "a b.c",
            "a-b.c",
            "储备.x",
            "a.b ",
        ] {
            assert!(!is_gate_key(bad), "{bad}");
        }
        for i in default_gate_items() {
            assert!(
                is_gate_key(&i.key) && i.key.len() <= GATE_KEY_MAX,
                "{}",
                i.key
            );
        }
    }

    #[test]
    fn auto_checks_read_the_facts() {
        let f = CultivationFacts {
            company_type: CompanyType::JointStock,
            level: Some(Level::Municipal),
            passing_rubric: false,
            board_tier: Some(Tier::Custody),
            intermediaries: vec![IntermediaryKind::Auditor],
            target_board: Some(TargetBoard::Bse),
            days_in_step: 89,
        };
        assert_eq!(AutoCheck::HasTitleInForce.finding(&f), Finding::Holds);
        assert_eq!(
            AutoCheck::MinLevel(Level::Municipal).finding(&f),
            Finding::Holds
        );
        assert_eq!(
            AutoCheck::MinLevel(Level::Provincial).finding(&f),
            Finding::LevelBelow {
                have: Level::Municipal,
                need: Level::Provincial
            }
        );
        assert_eq!(
            AutoCheck::PassingRubric.finding(&f),
            Finding::NoPassingRubric
        );
        assert_eq!(AutoCheck::TitleOrRubric.finding(&f), Finding::Holds);
        assert_eq!(AutoCheck::JointStock.finding(&f), Finding::Holds);
        assert_eq!(
            AutoCheck::HasIntermediary(IntermediaryKind::Sponsor).finding(&f),
            Finding::NoIntermediary(IntermediaryKind::Sponsor)
        );
        assert_eq!(
            AutoCheck::OnBoardTier(Tier::Display).finding(&f),
            Finding::Holds
        );
        assert_eq!(
            AutoCheck::OnBoardTier(Tier::Listing).finding(&f),
            Finding::TierBelow {
                have: Tier::Custody,
                need: Tier::Listing
            }
        );
        assert_eq!(AutoCheck::TargetBoardChosen.finding(&f), Finding::Holds);
        let too_soon = AutoCheck::MinDaysInCurrentStep(90).finding(&f);
        assert_eq!(too_soon, Finding::TooSoon { days: 89, need: 90 });
        assert_eq!(
            (too_soon.key(), too_soon.arg().as_str()),
            ("too_soon", "89/90")
        );
        let day_90 = CultivationFacts {
            days_in_step: 90,
            ..f
        };
        assert_eq!(
            AutoCheck::MinDaysInCurrentStep(90).finding(&day_90),
            Finding::Holds
        );

        // Title or rubric: either one suffices, neither fails.
        let bare = facts();
        assert_eq!(
            AutoCheck::TitleOrRubric.finding(&bare),
            Finding::NoTitleNorRubric
        );
        let rubric_only = CultivationFacts {
            passing_rubric: true,
            ..facts()
        };
        assert_eq!(
            AutoCheck::TitleOrRubric.finding(&rubric_only),
            Finding::Holds
        );
        assert_eq!(
            AutoCheck::MinLevel(Level::InnovativeSme).finding(&bare),
            Finding::NoTitle
        );
        assert_eq!(
            AutoCheck::OnBoardTier(Tier::Display).finding(&bare),
            Finding::NotOnBoard
        );
        assert_eq!(
            AutoCheck::JointStock.finding(&bare),
            Finding::NotJointStock(CompanyType::LimitedLiability)
        );
    }

    #[test]
    fn gate_with_mixed_auto_and_manual_items() {
        let items = default_gate_items();
        let reserve = Step::Reserve;
        let f = CultivationFacts {
            level: Some(Level::InnovativeSme),
            ..facts()
        };

        let nothing = gate_status(&items, reserve, &f, &[]);
        let keys: Vec<&str> = nothing.lines.iter().map(|l| l.key.as_str()).collect();
        assert_eq!(
            keys,
            ["reserve.qualified", "reserve.willing"],
            "only the reserve items"
        );
        assert_eq!(nothing.lines[0].finding, Finding::Holds);
        assert!(!nothing.lines[0].manual && nothing.lines[1].manual);
        assert_eq!(nothing.lines[1].finding, Finding::NotTicked);
        assert!(!nothing.is_open());
        assert_eq!(nothing.missing(), ["reserve.willing"]);

        let blank = gate_status(&items, reserve, &f, &[tick("reserve.willing", "  ")]);
        assert_eq!(
            blank.lines[1].finding,
            Finding::NoEvidence,
            "a tick without evidence"
        );
        assert!(!blank.is_open());

        let ticks = [
            tick("reserve.willing", ""),
            tick("reserve.willing", " 2024-03-01 董事会决议（附件 #118） "),
        ];
        let ticked = gate_status(&items, reserve, &f, &ticks);
        assert_eq!(
            ticked.lines[1].finding,
            Finding::Evidence("2024-03-01 董事会决议（附件 #118）".into())
        );
        assert!(ticked.is_open());
        assert!(ticked.missing().is_empty());

        // Staff cannot tick an automatic item into being met.
        let no_title = gate_status(
            &items,
            reserve,
            &facts(),
            &[
                tick("reserve.qualified", "看过了"),
                tick("reserve.willing", "确认函"),
            ],
        );
        assert_eq!(no_title.lines[0].finding, Finding::NoTitleNorRubric);
        assert_eq!(no_title.missing(), ["reserve.qualified"]);

        // Tutoring filing: joint-stock and sponsor from the record, plus the receipt.
        let filing = Step::Listing(TutoringFiling);
        let ready = CultivationFacts {
            company_type: CompanyType::JointStock,
            intermediaries: vec![IntermediaryKind::Sponsor],
            target_board: Some(TargetBoard::Star),
            ..facts()
        };
        let g = gate_status(
            &items,
            filing,
            &ready,
            &[tick("filing.receipt", "证监局公示 2024-05-10")],
        );
        assert!(g.is_open(), "{:?}", g.missing());
        let llc = CultivationFacts {
            company_type: CompanyType::LimitedLiability,
            ..ready
        };
        let g = gate_status(&items, filing, &llc, &[]);
        assert_eq!(g.missing(), ["filing.joint_stock", "filing.receipt"]);
    }

    #[test]
    fn default_checklists_are_sensible() {
        let items = default_gate_items();
        let mut keys: Vec<&str> = items.iter().map(|i| i.key.as_str()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), items.len(), "keys are unique");
        assert!(
            items.iter().all(|i| Step::PIPELINE.contains(&i.step)),
            "exits are never gated"
        );
        assert!(
            items
                .iter()
                .all(|i| !i.label_zh.is_empty() && !i.label_en.is_empty())
        );
        for step in Step::PIPELINE {
            let n = items.iter().filter(|i| i.step == step).count();
            assert_eq!(
                n == 0,
                step == Step::Potential,
                "{step}: only potential has no items"
            );
        }
        let gate = |step| -> Vec<GateKind> {
            items
                .iter()
                .filter(|i| i.step == step)
                .map(|i| i.kind)
                .collect()
        };
        assert!(gate(Step::Reserve).contains(&GateKind::Auto(AutoCheck::TitleOrRubric)));
        let filing = gate(Step::Listing(TutoringFiling));
        assert!(filing.contains(&GateKind::Auto(AutoCheck::JointStock)));
        assert!(filing.contains(&GateKind::Auto(AutoCheck::HasIntermediary(
            IntermediaryKind::Sponsor
        ))));
        assert!(
            gate(Step::Listing(TutoringAcceptance))
                .contains(&GateKind::Auto(AutoCheck::MinDaysInCurrentStep(90)))
        );
        // Every stored row reads back to the same item.
        for i in &items {
            let (field, value) = i.kind.to_row();
            assert_eq!(GateKind::parse(field, &value), Ok(i.kind));
            assert_eq!(i.step.as_str().parse::<Step>(), Ok(i.step));
        }
    }

    #[test]
    fn proposals_need_staff_the_table_and_an_open_gate() {
        let items = default_gate_items();
        let advance = ProposalAction::Advance(Step::Reserve);
        let closed = gate_status(&items, Step::Reserve, &facts(), &[]);
        assert_eq!(
            propose(Role::Staff, Step::Potential, &advance, &closed),
            Err(Refusal::GateClosed {
                target: Step::Reserve,
                missing: vec!["reserve.qualified".into(), "reserve.willing".into()]
            })
        );
        assert_eq!(
            propose(Role::Staff, Step::Potential, &advance, &open(Step::Reserve)),
            Ok(())
        );
        for role in [Role::Official, Role::Admin, Role::Expert, Role::Enterprise] {
            assert_eq!(
                propose(role, Step::Potential, &advance, &open(Step::Reserve)),
                Err(Refusal::CannotPropose(role))
            );
        }
        assert_eq!(
            propose(
                Role::Staff,
                Step::Potential,
                &ProposalAction::Advance(Step::ShareholdingReform),
                &open(Step::ShareholdingReform)
            ),
            Err(Refusal::NotNext {
                from: Step::Potential,
                to: Step::ShareholdingReform
            })
        );
        assert_eq!(
            propose(
                Role::Staff,
                Step::Potential,
                &advance,
                &open(Step::ShareholdingReform)
            ),
            Err(Refusal::WrongGate {
                gate: Step::ShareholdingReform,
                target: Step::Reserve
            })
        );
        // An exit is never held back by a checklist.
        let exit_gate = GateStatus {
            target: Step::Exited(W),
            lines: closed.lines.clone(),
        };
        assert_eq!(
            propose(Role::Staff, Step::Reserve, &exit(W), &exit_gate),
            Ok(())
        );
        assert_eq!(
            propose(
                Role::Staff,
                Step::Exited(W),
                &ProposalAction::Reenter,
                &open(Step::Potential)
            ),
            Ok(())
        );
    }

    #[test]
    fn decisions_by_another_official_only() {
        const STAFF: i32 = 7;
        const OFFICIAL: i32 = 12;
        let from = Step::Listing(TutoringFiling);
        let to = Step::Listing(TutoringAcceptance);
        let p = Proposal {
            by: STAFF,
            from,
            action: ProposalAction::Advance(to),
        };
        let gate = open(to);
        let approve =
            |who, role, current| decide(who, role, &p, current, Decision::Approve, "", &gate);

        assert_eq!(
            approve(OFFICIAL, Role::Official, from),
            Ok(Outcome::Moved(to))
        );
        assert_eq!(
            p.from, from,
            "approval changes nothing but its returned value"
        );
        // The proposer (say, since made an official) cannot approve their own proposal.
        assert_eq!(
            approve(STAFF, Role::Official, from),
            Err(Refusal::OwnProposal)
        );
        for role in [Role::Staff, Role::Admin, Role::Expert, Role::Enterprise] {
            assert_eq!(
                approve(OFFICIAL, role, from),
                Err(Refusal::NotOfficial(role))
            );
        }
        assert_eq!(
            approve(OFFICIAL, Role::Official, to),
            Err(Refusal::Stale(to)),
            "another proposal moved the enterprise meanwhile"
        );

        // The checklist is checked again at approval: facts may have changed.
        let items = default_gate_items();
        let now = gate_status(
            &items,
            to,
            &CultivationFacts {
                days_in_step: 60,
                ..facts()
            },
            &[],
        );
        assert_eq!(
            decide(
                OFFICIAL,
                Role::Official,
                &p,
                from,
                Decision::Approve,
                "",
                &now
            ),
            Err(Refusal::GateClosed {
                target: to,
                missing: vec!["acceptance.three_months".into(), "acceptance.passed".into()]
            })
        );

        let ret = |who, comment| {
            decide(
                who,
                Role::Official,
                &p,
                from,
                Decision::Return,
                comment,
                &now,
            )
        };
        assert_eq!(ret(OFFICIAL, " "), Err(Refusal::NoComment));
        assert_eq!(ret(OFFICIAL, "辅导期未满三个月"), Ok(Outcome::Returned));
        assert_eq!(
            decide(OFFICIAL, Role::Staff, &p, from, Decision::Return, "x", &now),
            Err(Refusal::NotOfficial(Role::Staff))
        );

        let exit_p = Proposal {
            by: STAFF,
            from,
            action: exit(T),
        };
        assert_eq!(
            decide(
                OFFICIAL,
                Role::Official,
                &exit_p,
                from,
                Decision::Approve,
                "",
                &open(Step::Exited(T))
            ),
            Ok(Outcome::Moved(Step::Exited(T)))
        );
    }

    #[test]
    fn actions_store_as_target_and_reason() {
        let actions = [
            ProposalAction::Advance(Step::Reserve),
            ProposalAction::Advance(Step::Listing(Inquiry)),
            ProposalAction::Advance(Step::Listed),
            ProposalAction::Exit(W, "撤回".into()),
            ProposalAction::Exit(T, "审核终止".into()),
            ProposalAction::Reenter,
        ];
        for a in actions {
            let reason = match &a {
                ProposalAction::Exit(_, r) => r.as_str(),
                _ => "",
            };
            assert_eq!(ProposalAction::toward(a.target(), reason), a);
        }
    }

    #[test]
    fn conversion_known_answers() {
        use Stage::*;
        // At: 50, 30, 10, 8, 2 -> reached: 100, 50, 20, 10, 2.
        let counts = [
            (Listed, 2),
            (Potential, 50),
            (Reserve, 30),
            (ShareholdingReform, 10),
            (ListingProcess, 5),
            (ListingProcess, 3),
        ];
        assert_eq!(
            conversion(&counts),
            vec![
                (Potential, Reserve, Some(0.5)),
                (Reserve, ShareholdingReform, Some(0.4)),
                (ShareholdingReform, ListingProcess, Some(0.5)),
                (ListingProcess, Listed, Some(0.2)),
            ]
        );
        // Nobody beyond reserve: 0 where someone reached the stage, None where nobody did.
        let early = [(Potential, 4), (Reserve, 0)];
        assert_eq!(
            conversion(&early),
            vec![
                (Potential, Reserve, Some(0.0)),
                (Reserve, ShareholdingReform, None),
                (ShareholdingReform, ListingProcess, None),
                (ListingProcess, Listed, None),
            ]
        );
        assert!(conversion(&[]).iter().all(|(_, _, r)| r.is_none()));
        // Everyone already listed: every conversion is complete.
        assert!(
            conversion(&[(Listed, 3)])
                .iter()
                .all(|(_, _, r)| *r == Some(1.0))
        );
    }

    #[test]
    fn stalled_from_the_boundary_day_on() {
        let moved = d(2024, 1, 1);
        assert!(!is_stalled(moved, d(2024, 3, 30), 90), "89 days");
        assert!(is_stalled(moved, d(2024, 3, 31), 90), "90 days");
        assert!(is_stalled(moved, d(2025, 1, 1), 90));
        assert!(!is_stalled(moved, moved, 1));
        assert!(
            !is_stalled(moved, d(2023, 12, 1), 30),
            "a move dated after today"
        );
        assert_eq!(days_since(moved, d(2024, 3, 31)), 90);
        assert_eq!(days_since(moved, d(2023, 12, 31)), 0);
    }
}
