//! Board tiers of the SRDI special board and the moves between them.
//!
//! display (展示) < custody (托管) < listing (挂牌). An enterprise enters at any tier
//! it qualifies for, as a new entry or as a transfer in (转板) from another board of
//! the equity center; it may move up, move down, or exit (摘牌/退出) with a reason.
//! Which tier needs what is data ([`EntryCondition`]), not code branches.

use serde::{Deserialize, Serialize};

/// A tier of the special board, ordered from lowest to highest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// 展示: shown on the board.
    Display,
    /// 托管: equity registered and held in custody.
    Custody,
    /// 挂牌: listed.
    Listing,
}

/// A move on the board, recorded as one dated history row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoardAction {
    /// First entry onto the board.
    Enter,
    /// Entry as a transfer from another board of the equity center (转板).
    TransferIn,
    /// To a higher tier.
    MoveUp,
    /// To a lower tier.
    MoveDown,
    /// Leaves the board (摘牌/退出).
    Exit,
}

text_enum!(Tier, "unknown tier '{}'", [Tier::Display => "display", Tier::Custody => "custody", Tier::Listing => "listing"]);
text_enum!(BoardAction, "unknown board action '{}'", [
    BoardAction::Enter => "enter",
    BoardAction::TransferIn => "transfer_in",
    BoardAction::MoveUp => "move_up",
    BoardAction::MoveDown => "move_down",
    BoardAction::Exit => "exit",
]);

impl Tier {
    /// Every tier, lowest first.
    pub const ALL: [Tier; 3] = [Tier::Display, Tier::Custody, Tier::Listing];
}

impl BoardAction {
    /// Every action, in the order offered in forms.
    pub const ALL: [BoardAction; 5] = [
        BoardAction::Enter,
        BoardAction::TransferIn,
        BoardAction::MoveUp,
        BoardAction::MoveDown,
        BoardAction::Exit,
    ];

    /// Whether the action needs a written reason (every change of an existing entry).
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            BoardAction::MoveUp | BoardAction::MoveDown | BoardAction::Exit
        )
    }
}

/// Why a move was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoveRefusal {
    /// Entering while already on the board.
    #[error("the enterprise is already on the board ({0})")]
    AlreadyOnBoard(Tier),
    /// Moving or exiting while not on the board.
    #[error("the enterprise is not on the board")]
    NotOnBoard,
    /// No target tier for an entry or a move.
    #[error("choose the target tier")]
    NoTarget,
    /// "Up" to a tier that is not higher, or "down" to one that is not lower.
    #[error("{action} from {from} to {to} is not a move in that direction")]
    WrongDirection {
        action: BoardAction,
        from: Tier,
        to: Tier,
    },
    /// A transfer in without the board it came from.
    #[error("a transfer in needs the board it comes from")]
    NoSourceBoard,
    /// A move that needs a reason got none.
    #[error("give a reason for this move")]
    NoReason,
    /// Entry conditions of the target tier are not met (their keys).
    #[error("entry conditions not met: {0:?}")]
    Conditions(Vec<String>),
}

/// The tier after `action`, if the move is allowed from `current` (conditions aside).
/// The whole rule table of board moves is this one function.
pub fn transition(
    current: Option<Tier>,
    action: BoardAction,
    target: Option<Tier>,
) -> Result<Option<Tier>, MoveRefusal> {
    use BoardAction::*;
    match (action, current) {
        (Enter | TransferIn, Some(t)) => Err(MoveRefusal::AlreadyOnBoard(t)),
        (Enter | TransferIn, None) => target.map(Some).ok_or(MoveRefusal::NoTarget),
        (MoveUp | MoveDown | Exit, None) => Err(MoveRefusal::NotOnBoard),
        (Exit, Some(_)) => Ok(None),
        (MoveUp | MoveDown, Some(from)) => {
            let to = target.ok_or(MoveRefusal::NoTarget)?;
            let ok = if action == MoveUp {
                to > from
            } else {
                to < from
            };
            if ok {
                Ok(Some(to))
            } else {
                Err(MoveRefusal::WrongDirection { action, from, to })
            }
        }
    }
}

/// The company types of the enterprise record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompanyType {
    /// 有限责任公司
    LimitedLiability,
    /// 股份有限公司
    JointStock,
    /// Partnerships and others.
    Other,
}

text_enum!(CompanyType, "unknown company type '{}'", [
    CompanyType::LimitedLiability => "llc",
    CompanyType::JointStock => "joint_stock",
    CompanyType::Other => "other",
]);

impl CompanyType {
    /// Every company type.
    pub const ALL: [CompanyType; 3] = [
        CompanyType::LimitedLiability,
        CompanyType::JointStock,
        CompanyType::Other,
    ];
}

/// What entry conditions can look at in the enterprise record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardFacts {
    pub company_type: CompanyType,
    pub has_shareholder_register: bool,
    pub recommending_institution: String,
}

/// One entry condition of a tier, stored as data (an admin may change the set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryCondition {
    /// Stable key, e.g. `custody.shareholder_register`.
    pub key: String,
    /// The tier whose entry it guards.
    pub tier: Tier,
    /// What it checks.
    pub check: Check,
    pub label_zh: String,
    pub label_en: String,
}

/// The checks an entry condition can make on [`BoardFacts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// A shareholder register is on file.
    ShareholderRegister,
    /// The company is of this type.
    CompanyTypeIs(CompanyType),
    /// A recommending institution is recorded.
    RecommendingInstitution,
}

impl Check {
    /// Reads a stored check: `field` and `value` columns.
    pub fn parse(field: &str, value: &str) -> Result<Check, String> {
        match field {
            "shareholder_register" => Ok(Check::ShareholderRegister),
            "company_type" => Ok(Check::CompanyTypeIs(value.parse()?)),
            "recommending_institution" => Ok(Check::RecommendingInstitution),
            other => Err(format!("unknown condition field '{other}'")),
        }
    }

    /// Whether the facts satisfy the check.
    pub fn holds(&self, f: &BoardFacts) -> bool {
        match self {
            Check::ShareholderRegister => f.has_shareholder_register,
            Check::CompanyTypeIs(t) => f.company_type == *t,
            Check::RecommendingInstitution => !f.recommending_institution.trim().is_empty(),
        }
    }
}

/// The conditions of `tier` that the facts do not meet.
pub fn unmet<'a>(
    conditions: &'a [EntryCondition],
    tier: Tier,
    facts: &BoardFacts,
) -> Vec<&'a EntryCondition> {
    conditions
        .iter()
        .filter(|c| c.tier == tier && !c.check.holds(facts))
        .collect()
}

/// Checks a whole move: the transition table, the reason and source board rules,
/// and the target tier's entry conditions. Returns the new tier.
pub fn check_move(
    current: Option<Tier>,
    action: BoardAction,
    target: Option<Tier>,
    source_board: &str,
    reason: &str,
    facts: &BoardFacts,
    conditions: &[EntryCondition],
) -> Result<Option<Tier>, MoveRefusal> {
    let next = transition(current, action, target)?;
    if action == BoardAction::TransferIn && source_board.trim().is_empty() {
        return Err(MoveRefusal::NoSourceBoard);
    }
    if action.needs_reason() && reason.trim().is_empty() {
        return Err(MoveRefusal::NoReason);
    }
    if let Some(to) = next {
        let failed: Vec<String> = unmet(conditions, to, facts)
            .iter()
            .map(|c| c.key.clone())
            .collect();
        if !failed.is_empty() {
            return Err(MoveRefusal::Conditions(failed));
        }
    }
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use BoardAction::*;
    use Tier::*;

    fn defaults() -> Vec<EntryCondition> {
        let c = |key: &str, tier, check| EntryCondition {
            key: key.into(),
            tier,
            check,
            label_zh: String::new(),
            label_en: String::new(),
        };
        vec![
            c("custody.register", Custody, Check::ShareholderRegister),
            c(
                "listing.joint_stock",
                Listing,
                Check::CompanyTypeIs(CompanyType::JointStock),
            ),
            c(
                "listing.recommender",
                Listing,
                Check::RecommendingInstitution,
            ),
        ]
    }

    fn facts(t: CompanyType, register: bool, recommender: &str) -> BoardFacts {
        BoardFacts {
            company_type: t,
            has_shareholder_register: register,
            recommending_institution: recommender.into(),
        }
    }

    #[test]
    fn the_move_table() {
        assert_eq!(transition(None, Enter, Some(Display)), Ok(Some(Display)));
        assert_eq!(
            transition(None, TransferIn, Some(Listing)),
            Ok(Some(Listing))
        );
        assert_eq!(
            transition(Some(Display), Enter, Some(Custody)),
            Err(MoveRefusal::AlreadyOnBoard(Display))
        );
        assert_eq!(
            transition(None, MoveUp, Some(Custody)),
            Err(MoveRefusal::NotOnBoard)
        );
        assert_eq!(
            transition(Some(Display), MoveUp, Some(Listing)),
            Ok(Some(Listing)),
            "skipping custody is allowed"
        );
        assert!(matches!(
            transition(Some(Custody), MoveUp, Some(Display)),
            Err(MoveRefusal::WrongDirection { .. })
        ));
        assert!(matches!(
            transition(Some(Custody), MoveDown, Some(Custody)),
            Err(MoveRefusal::WrongDirection { .. })
        ));
        assert_eq!(
            transition(Some(Listing), MoveDown, Some(Display)),
            Ok(Some(Display))
        );
        assert_eq!(transition(Some(Listing), Exit, None), Ok(None));
        assert_eq!(transition(None, Enter, None), Err(MoveRefusal::NoTarget));
    }

    #[test]
    fn conditions_say_which_failed() {
        let c = defaults();
        let llc = facts(CompanyType::LimitedLiability, false, "");
        assert_eq!(
            check_move(None, Enter, Some(Listing), "", "", &llc, &c),
            Err(MoveRefusal::Conditions(vec![
                "listing.joint_stock".into(),
                "listing.recommender".into()
            ]))
        );
        assert_eq!(
            check_move(None, Enter, Some(Custody), "", "", &llc, &c),
            Err(MoveRefusal::Conditions(vec!["custody.register".into()]))
        );
        assert_eq!(
            check_move(None, Enter, Some(Display), "", "", &llc, &c),
            Ok(Some(Display))
        );
        let ready = facts(CompanyType::JointStock, true, "青岛证券");
        assert_eq!(
            check_move(
                Some(Custody),
                MoveUp,
                Some(Listing),
                "",
                "完成股改",
                &ready,
                &c
            ),
            Ok(Some(Listing))
        );
    }

    #[test]
    fn reasons_and_source_boards() {
        let c = defaults();
        let f = facts(CompanyType::JointStock, true, "x");
        assert_eq!(
            check_move(None, TransferIn, Some(Display), " ", "", &f, &c),
            Err(MoveRefusal::NoSourceBoard)
        );
        assert_eq!(
            check_move(None, TransferIn, Some(Display), "成长板", "", &f, &c),
            Ok(Some(Display))
        );
        assert_eq!(
            check_move(Some(Custody), Exit, None, "", "", &f, &c),
            Err(MoveRefusal::NoReason)
        );
        assert_eq!(
            check_move(Some(Custody), Exit, None, "", "主动申请退出", &f, &c),
            Ok(None)
        );
    }

    #[test]
    fn stored_checks_parse() {
        assert_eq!(
            Check::parse("company_type", "joint_stock"),
            Ok(Check::CompanyTypeIs(CompanyType::JointStock))
        );
        assert!(Check::parse("company_type", "bank").is_err());
        assert!(Check::parse("colour", "").is_err());
        assert_eq!("custody".parse::<Tier>(), Ok(Custody));
        assert!(Display < Custody && Custody < Listing);
    }
}
