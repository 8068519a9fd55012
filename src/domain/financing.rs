//! Financing services (融资服务): cooperation agreements and service plans of partner
//! institutions, enterprises' financing needs and their referrals to partners.
//! Amounts are whole yuan (typed in 万元); rates are hundredths of a percent.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::enterprise::{FieldProblem, text};
use super::money::parse_wan;
use super::parse_date;
use super::partner::PartnerKind;

/// Where a cooperation agreement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AgreementStatus {
    /// 草拟: not signed yet, or signed but its term has not begun.
    Draft,
    /// 生效
    InForce,
    /// 到期: the term ended.
    Expired,
    /// 终止: ended early, set explicitly with a reason.
    Terminated,
}

text_enum!(AgreementStatus, "unknown agreement status '{}'", [
    AgreementStatus::Draft => "draft",
    AgreementStatus::InForce => "in_force",
    AgreementStatus::Expired => "expired",
    AgreementStatus::Terminated => "terminated",
]);

/// The status of an agreement on `today`, from its dates: a termination wins; an
/// unsigned agreement is a draft; otherwise the term decides.
pub fn agreement_status(
    signed_on: Option<NaiveDate>,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    terminated_on: Option<NaiveDate>,
    today: NaiveDate,
) -> AgreementStatus {
    if terminated_on.is_some_and(|t| t <= today) {
        return AgreementStatus::Terminated;
    }
    match signed_on {
        None => AgreementStatus::Draft,
        Some(_) if today < starts_on => AgreementStatus::Draft,
        Some(_) if ends_on.is_some_and(|e| today > e) => AgreementStatus::Expired,
        Some(_) => AgreementStatus::InForce,
    }
}

/// The agreement form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AgreementInput {
    pub signed_on: String,
    pub scope: String,
    pub starts_on: String,
    pub ends_on: String,
}

/// An agreement after every rule passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgreementData {
    pub signed_on: Option<NaiveDate>,
    pub scope: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

fn date(field: &'static str, raw: &str, out: &mut Vec<FieldProblem>) -> Option<NaiveDate> {
    match parse_date(raw) {
        Ok(d) => d,
        Err(key) => {
            out.push(FieldProblem::new(field, key));
            None
        }
    }
}

impl AgreementInput {
    /// Checks every field: scope and start are required, the end (if any) is not
    /// before the start, and the signature is not after the end.
    pub fn parse(&self) -> Result<AgreementData, Vec<FieldProblem>> {
        let mut out = Vec::new();
        let signed_on = date("signed_on", &self.signed_on, &mut out);
        let scope = text("scope", &self.scope, 1000, true, &mut out);
        let starts_on = date("starts_on", &self.starts_on, &mut out);
        if self.starts_on.trim().is_empty() {
            out.push(FieldProblem::new("starts_on", "field.required"));
        }
        let ends_on = date("ends_on", &self.ends_on, &mut out);
        if let (Some(s), Some(e)) = (starts_on, ends_on)
            && e < s
        {
            out.push(FieldProblem::new("ends_on", "financing.ends_before_start"));
        }
        if let (Some(sig), Some(e)) = (signed_on, ends_on)
            && sig > e
        {
            out.push(FieldProblem::new("signed_on", "financing.signed_after_end"));
        }
        match starts_on {
            Some(starts_on) if out.is_empty() => Ok(AgreementData {
                signed_on,
                scope,
                starts_on,
                ends_on,
            }),
            _ => Err(out),
        }
    }
}

impl AgreementData {
    /// The form representation (for the edit form).
    pub fn to_input(&self) -> AgreementInput {
        let d = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        AgreementInput {
            signed_on: d(self.signed_on),
            scope: self.scope.clone(),
            starts_on: self.starts_on.to_string(),
            ends_on: d(self.ends_on),
        }
    }
}

/// Terminating an agreement: the date and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TerminationInput {
    pub terminated_on: String,
    pub reason: String,
}

impl TerminationInput {
    /// Both the date and a reason are required; the date is not before `starts_on`.
    pub fn parse(&self, starts_on: NaiveDate) -> Result<(NaiveDate, String), Vec<FieldProblem>> {
        let mut out = Vec::new();
        let on = date("terminated_on", &self.terminated_on, &mut out);
        if self.terminated_on.trim().is_empty() {
            out.push(FieldProblem::new("terminated_on", "field.required"));
        }
        if on.is_some_and(|d| d < starts_on) {
            out.push(FieldProblem::new(
                "terminated_on",
                "financing.terminated_before_start",
            ));
        }
        let reason = text("reason", &self.reason, 500, true, &mut out);
        match on {
            Some(on) if out.is_empty() => Ok((on, reason)),
            _ => Err(out),
        }
    }
}

/// Parses a rate typed in percent (up to two decimals, 0–100) into hundredths of a
/// percent. Empty, "—" or "-" is `None` (no rate, e.g. for equity).
pub fn parse_rate(raw: &str) -> Result<Option<i32>, &'static str> {
    let s = raw.trim().trim_end_matches('%').trim();
    if s.is_empty() || s == "—" || s == "-" {
        return Ok(None);
    }
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty()
        || int.len() > 3
        || frac.len() > 2
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err("financing.rate_format");
    }
    let v = int.parse::<i32>().map_err(|_| "financing.rate_format")? * 100
        + format!("{frac:0<2}")
            .parse::<i32>()
            .map_err(|_| "financing.rate_format")?;
    if v > 10_000 {
        return Err("financing.rate_format");
    }
    Ok(Some(v))
}

/// A rate in hundredths of a percent as shown: `3.45%`, or "—".
pub fn format_rate(rate: Option<i32>) -> String {
    rate.map_or_else(|| "—".into(), |r| format!("{}.{:02}%", r / 100, r % 100))
}

/// The form value of a rate (no percent sign), or empty.
pub fn input_rate(rate: Option<i32>) -> String {
    rate.map(|r| format!("{}.{:02}", r / 100, r % 100))
        .unwrap_or_default()
}

fn money(field: &'static str, raw: &str, out: &mut Vec<FieldProblem>) -> Option<i64> {
    match parse_wan(raw, false) {
        Ok(v) => v,
        Err(e) => {
            out.push(FieldProblem::new(field, e.message_key()));
            None
        }
    }
}

fn rate(field: &'static str, raw: &str, out: &mut Vec<FieldProblem>) -> Option<i32> {
    match parse_rate(raw) {
        Ok(v) => v,
        Err(key) => {
            out.push(FieldProblem::new(field, key));
            None
        }
    }
}

/// Checks a (min, max) range: each bound optional, min not above max. Returns the
/// message key for the `max` field when the range is upside down.
pub fn range_problem<T: PartialOrd>(min: Option<T>, max: Option<T>) -> Option<&'static str> {
    match (min, max) {
        (Some(a), Some(b)) if a > b => Some("financing.range_inverted"),
        _ => None,
    }
}

/// The service-plan form as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanInput {
    pub name: String,
    pub products: String,
    /// 万元
    pub min_amount: String,
    /// 万元
    pub max_amount: String,
    pub term_months: String,
    /// Percent, or empty / "—".
    pub rate_min: String,
    pub rate_max: String,
    pub target_levels: String,
    /// `1` when the plan is offered.
    pub active: String,
}

impl Default for PlanInput {
    fn default() -> Self {
        PlanInput {
            name: String::new(),
            products: String::new(),
            min_amount: String::new(),
            max_amount: String::new(),
            term_months: String::new(),
            rate_min: String::new(),
            rate_max: String::new(),
            target_levels: String::new(),
            active: "1".into(),
        }
    }
}

/// A service plan after every rule passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanData {
    pub name: String,
    pub products: String,
    pub min_amount: Option<i64>,
    pub max_amount: Option<i64>,
    pub term_months: Option<i32>,
    pub rate_min: Option<i32>,
    pub rate_max: Option<i32>,
    pub target_levels: String,
    pub active: bool,
}

impl PlanInput {
    /// Checks every field at once.
    pub fn parse(&self) -> Result<PlanData, Vec<FieldProblem>> {
        let mut out = Vec::new();
        let name = text("name", &self.name, 100, true, &mut out);
        let products = text("products", &self.products, 1000, false, &mut out);
        let min_amount = money("min_amount", &self.min_amount, &mut out);
        let max_amount = money("max_amount", &self.max_amount, &mut out);
        if let Some(key) = range_problem(min_amount, max_amount) {
            out.push(FieldProblem::new("max_amount", key));
        }
        let term = self.term_months.trim();
        let term_months = if term.is_empty() {
            None
        } else {
            match term.parse::<i32>() {
                Ok(m) if (1..=600).contains(&m) => Some(m),
                _ => {
                    out.push(FieldProblem::new(
                        "term_months",
                        "financing.term_months_range",
                    ));
                    None
                }
            }
        };
        let rate_min = rate("rate_min", &self.rate_min, &mut out);
        let rate_max = rate("rate_max", &self.rate_max, &mut out);
        if let Some(key) = range_problem(rate_min, rate_max) {
            out.push(FieldProblem::new("rate_max", key));
        }
        let target_levels = text("target_levels", &self.target_levels, 200, false, &mut out);
        if !out.is_empty() {
            return Err(out);
        }
        Ok(PlanData {
            name,
            products,
            min_amount,
            max_amount,
            term_months,
            rate_min,
            rate_max,
            target_levels,
            active: self.active.trim() == "1",
        })
    }
}

impl PlanData {
    /// The form representation (for the edit form).
    pub fn to_input(&self) -> PlanInput {
        use super::money::input_wan;
        PlanInput {
            name: self.name.clone(),
            products: self.products.clone(),
            min_amount: input_wan(self.min_amount),
            max_amount: input_wan(self.max_amount),
            term_months: self.term_months.map(|m| m.to_string()).unwrap_or_default(),
            rate_min: input_rate(self.rate_min),
            rate_max: input_rate(self.rate_max),
            target_levels: self.target_levels.clone(),
            active: if self.active { "1" } else { "0" }.into(),
        }
    }
}

/// The kind of financing an enterprise needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinancingKind {
    /// 股权融资
    Equity,
    /// 银行贷款
    Loan,
    /// 信用贷款
    CreditLoan,
    /// 首贷
    FirstLoan,
    /// 债券
    Bond,
}

text_enum!(FinancingKind, "unknown financing kind '{}'", [
    FinancingKind::Equity => "equity",
    FinancingKind::Loan => "loan",
    FinancingKind::CreditLoan => "credit_loan",
    FinancingKind::FirstLoan => "first_loan",
    FinancingKind::Bond => "bond",
]);

impl FinancingKind {
    /// Every kind, in the order offered in forms and filters.
    pub const ALL: [FinancingKind; 5] = [
        FinancingKind::Equity,
        FinancingKind::Loan,
        FinancingKind::CreditLoan,
        FinancingKind::FirstLoan,
        FinancingKind::Bond,
    ];

    /// The kinds the first-loan / credit-loan service center (首贷、信用贷服务中心) handles.
    pub fn service_center(self) -> bool {
        matches!(self, FinancingKind::FirstLoan | FinancingKind::CreditLoan)
    }
}

/// Whether a partner of kind `p` can serve financing of kind `k`: banks lend,
/// investors and securities firms take equity, securities firms underwrite bonds.
pub fn partner_serves(p: PartnerKind, k: FinancingKind) -> bool {
    use FinancingKind as F;
    use PartnerKind as P;
    matches!(
        (p, k),
        (P::Bank, F::Loan | F::CreditLoan | F::FirstLoan)
            | (P::Investor | P::SecuritiesFirm, F::Equity)
            | (P::SecuritiesFirm, F::Bond)
    )
}

/// Where a need stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum NeedStatus {
    /// 待对接
    Open,
    /// 已对接: referred to at least one partner.
    Matched,
    /// 已关闭
    Closed,
}

text_enum!(NeedStatus, "unknown need status '{}'", [
    NeedStatus::Open => "open",
    NeedStatus::Matched => "matched",
    NeedStatus::Closed => "closed",
]);

impl NeedStatus {
    pub const ALL: [NeedStatus; 3] = [NeedStatus::Open, NeedStatus::Matched, NeedStatus::Closed];
}

/// The need form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NeedInput {
    pub kind: String,
    /// 万元
    pub amount: String,
    pub purpose: String,
    pub wanted_by: String,
}

/// A need after every rule passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NeedData {
    pub kind: FinancingKind,
    pub amount: i64,
    pub purpose: String,
    pub wanted_by: Option<NaiveDate>,
}

impl NeedInput {
    /// Kind and a positive amount are required; the wanted-by date, if any, is not
    /// before `today`.
    pub fn parse(&self, today: NaiveDate) -> Result<NeedData, Vec<FieldProblem>> {
        let mut out = Vec::new();
        let kind = self.kind.parse::<FinancingKind>().ok();
        if kind.is_none() {
            out.push(FieldProblem::new("kind", "financing.kind_required"));
        }
        let amount = money("amount", &self.amount, &mut out);
        if self.amount.trim().is_empty() {
            out.push(FieldProblem::new("amount", "field.required"));
        } else if amount == Some(0) {
            out.push(FieldProblem::new("amount", "financing.amount_positive"));
        }
        let purpose = text("purpose", &self.purpose, 500, true, &mut out);
        let wanted_by = date("wanted_by", &self.wanted_by, &mut out);
        if wanted_by.is_some_and(|d| d < today) {
            out.push(FieldProblem::new("wanted_by", "financing.wanted_by_past"));
        }
        match (kind, amount) {
            (Some(kind), Some(amount)) if out.is_empty() => Ok(NeedData {
                kind,
                amount,
                purpose,
                wanted_by,
            }),
            _ => Err(out),
        }
    }
}

/// Why a need was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CloseReason {
    /// 融资已落实: financed (through a referral or otherwise).
    Financed,
    /// 企业不再需要: withdrawn by the enterprise.
    Withdrawn,
    /// 其他 (the note says what).
    Other,
}

text_enum!(CloseReason, "unknown close reason '{}'", [
    CloseReason::Financed => "financed",
    CloseReason::Withdrawn => "withdrawn",
    CloseReason::Other => "other",
]);

impl CloseReason {
    pub const ALL: [CloseReason; 3] = [
        CloseReason::Financed,
        CloseReason::Withdrawn,
        CloseReason::Other,
    ];
}

/// The close form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CloseInput {
    pub reason: String,
    pub note: String,
}

impl CloseInput {
    /// A reason is required; "other" needs a note saying what; notes are at most
    /// 500 characters.
    pub fn parse(&self) -> Result<(CloseReason, String), Vec<FieldProblem>> {
        let mut out = Vec::new();
        let reason = self.reason.parse::<CloseReason>().ok();
        if reason.is_none() {
            out.push(FieldProblem::new(
                "reason",
                "financing.close_reason_required",
            ));
        }
        let note = text("note", &self.note, 500, false, &mut out);
        if reason == Some(CloseReason::Other) && note.is_empty() {
            out.push(FieldProblem::new("note", "financing.close_note_required"));
        }
        match reason {
            Some(r) if out.is_empty() => Ok((r, note)),
            _ => Err(out),
        }
    }
}

/// Where a referral stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ReferralStatus {
    /// 已推送
    Sent,
    /// 审核中
    InReview,
    /// 已获批
    Approved,
    /// 已拒绝
    Declined,
}

text_enum!(ReferralStatus, "unknown referral status '{}'", [
    ReferralStatus::Sent => "sent",
    ReferralStatus::InReview => "in_review",
    ReferralStatus::Approved => "approved",
    ReferralStatus::Declined => "declined",
]);

impl ReferralStatus {
    pub const ALL: [ReferralStatus; 4] = [
        ReferralStatus::Sent,
        ReferralStatus::InReview,
        ReferralStatus::Approved,
        ReferralStatus::Declined,
    ];

    /// Whether a referral may move from `self` to `to`: forward only, and a
    /// decision is final.
    pub fn can_move_to(self, to: ReferralStatus) -> bool {
        use ReferralStatus as R;
        matches!(
            (self, to),
            (R::Sent, R::InReview | R::Approved | R::Declined)
                | (R::InReview, R::Approved | R::Declined)
        )
    }

    /// Approved or declined.
    pub fn decided(self) -> bool {
        matches!(self, ReferralStatus::Approved | ReferralStatus::Declined)
    }
}

/// The referral status form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReferralInput {
    pub status: String,
    /// 万元, for an approval.
    pub approved_amount: String,
    /// Percent, for an approval (optional: "—" for equity).
    pub approved_rate: String,
    pub approved_on: String,
    /// For a decline.
    pub decline_reason: String,
}

/// A checked status change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ReferralMove {
    InReview,
    Approved {
        amount: i64,
        rate: Option<i32>,
        on: NaiveDate,
    },
    Declined {
        reason: String,
    },
}

impl ReferralMove {
    pub fn status(&self) -> ReferralStatus {
        match self {
            ReferralMove::InReview => ReferralStatus::InReview,
            ReferralMove::Approved { .. } => ReferralStatus::Approved,
            ReferralMove::Declined { .. } => ReferralStatus::Declined,
        }
    }
}

impl ReferralInput {
    /// Checks the move from `from`: allowed, and with what it needs (an approval
    /// names an amount and a date not in the future; a decline, a reason).
    pub fn parse(
        &self,
        from: ReferralStatus,
        today: NaiveDate,
    ) -> Result<ReferralMove, Vec<FieldProblem>> {
        let mut out = Vec::new();
        let Ok(to) = self.status.parse::<ReferralStatus>() else {
            return Err(vec![FieldProblem::new(
                "status",
                "financing.status_required",
            )]);
        };
        if !from.can_move_to(to) {
            return Err(vec![FieldProblem::new("status", "financing.status_move")]);
        }
        match to {
            ReferralStatus::InReview => Ok(ReferralMove::InReview),
            ReferralStatus::Approved => {
                let amount = money("approved_amount", &self.approved_amount, &mut out);
                if self.approved_amount.trim().is_empty() {
                    out.push(FieldProblem::new("approved_amount", "field.required"));
                } else if amount == Some(0) {
                    out.push(FieldProblem::new(
                        "approved_amount",
                        "financing.amount_positive",
                    ));
                }
                let rate = rate("approved_rate", &self.approved_rate, &mut out);
                let on = date("approved_on", &self.approved_on, &mut out);
                if self.approved_on.trim().is_empty() {
                    out.push(FieldProblem::new("approved_on", "field.required"));
                }
                if on.is_some_and(|d| d > today) {
                    out.push(FieldProblem::new("approved_on", "financing.date_future"));
                }
                match (amount, on) {
                    (Some(amount), Some(on)) if out.is_empty() => {
                        Ok(ReferralMove::Approved { amount, rate, on })
                    }
                    _ => Err(out),
                }
            }
            ReferralStatus::Declined => {
                let reason = text("decline_reason", &self.decline_reason, 500, true, &mut out);
                if out.is_empty() {
                    Ok(ReferralMove::Declined { reason })
                } else {
                    Err(out)
                }
            }
            ReferralStatus::Sent => Err(vec![FieldProblem::new("status", "financing.status_move")]),
        }
    }
}

/// The median of some day counts (the mean of the middle two for an even count).
pub fn median_days(mut days: Vec<f64>) -> Option<f64> {
    if days.is_empty() {
        return None;
    }
    days.sort_by(|a, b| a.total_cmp(b));
    let n = days.len();
    Some(if n % 2 == 1 {
        days[n / 2]
    } else {
        (days[n / 2 - 1] + days[n / 2]) / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn fields(problems: &[FieldProblem]) -> Vec<(&'static str, &'static str)> {
        problems.iter().map(|p| (p.field, p.key)).collect()
    }

    #[test]
    fn agreement_status_follows_the_dates() {
        use AgreementStatus as S;
        let start = d("2026-01-01");
        let end = Some(d("2026-12-31"));
        let st = |signed: Option<&str>, end: Option<NaiveDate>, term: Option<&str>, today: &str| {
            agreement_status(signed.map(d), start, end, term.map(d), d(today))
        };
        assert_eq!(st(None, end, None, "2026-06-01"), S::Draft, "unsigned");
        assert_eq!(
            st(Some("2025-12-01"), end, None, "2025-12-15"),
            S::Draft,
            "not begun"
        );
        assert_eq!(
            st(Some("2025-12-01"), end, None, "2026-01-01"),
            S::InForce,
            "first day"
        );
        assert_eq!(
            st(Some("2025-12-01"), end, None, "2026-12-31"),
            S::InForce,
            "last day"
        );
        assert_eq!(st(Some("2025-12-01"), end, None, "2027-01-01"), S::Expired);
        assert_eq!(
            st(Some("2025-12-01"), None, None, "2040-01-01"),
            S::InForce,
            "open-ended"
        );
        assert_eq!(
            st(Some("2025-12-01"), end, Some("2026-05-01"), "2026-06-01"),
            S::Terminated
        );
        assert_eq!(
            st(Some("2025-12-01"), end, Some("2026-07-01"), "2026-06-01"),
            S::InForce,
            "a termination takes effect on its date"
        );
        assert_eq!(
            st(None, end, Some("2026-02-01"), "2026-06-01"),
            S::Terminated
        );
    }

    #[test]
    fn agreements_need_scope_and_start_and_a_sane_term() {
        let good = AgreementInput {
            signed_on: "2025-12-20".into(),
            scope: " 科技型中小企业信贷服务 ".into(),
            starts_on: "2026-01-01".into(),
            ends_on: "2028-12-31".into(),
        };
        let a = good.parse().unwrap();
        assert_eq!(a.scope, "科技型中小企业信贷服务");
        assert_eq!(a.to_input().parse().unwrap(), a);
        let bad = AgreementInput {
            signed_on: "2029-01-01".into(),
            scope: " ".into(),
            starts_on: "2026-01-01".into(),
            ends_on: "2025-12-31".into(),
        };
        assert_eq!(
            fields(&bad.parse().unwrap_err()),
            vec![
                ("scope", "field.required"),
                ("ends_on", "financing.ends_before_start"),
                ("signed_on", "financing.signed_after_end"),
            ]
        );
        let missing = AgreementInput {
            starts_on: "".into(),
            signed_on: "2026-13-01".into(),
            ..good.clone()
        };
        assert_eq!(
            fields(&missing.parse().unwrap_err()),
            vec![("signed_on", "field.date"), ("starts_on", "field.required")]
        );
    }

    #[test]
    fn a_termination_needs_a_date_from_the_start_and_a_reason() {
        let start = d("2026-01-01");
        let ok = TerminationInput {
            terminated_on: "2026-03-01".into(),
            reason: "合作方调整业务".into(),
        };
        assert_eq!(ok.parse(start).unwrap().0, d("2026-03-01"));
        let bad = TerminationInput {
            terminated_on: "2025-03-01".into(),
            reason: "".into(),
        };
        assert_eq!(
            fields(&bad.parse(start).unwrap_err()),
            vec![
                ("terminated_on", "financing.terminated_before_start"),
                ("reason", "field.required")
            ]
        );
    }

    #[test]
    fn rates_are_percent_with_two_decimals_or_none() {
        assert_eq!(parse_rate("3.45"), Ok(Some(345)));
        assert_eq!(parse_rate(" 4% "), Ok(Some(400)));
        assert_eq!(parse_rate("—"), Ok(None));
        assert_eq!(parse_rate(""), Ok(None));
        assert_eq!(parse_rate("3.456"), Err("financing.rate_format"));
        assert_eq!(parse_rate("abc"), Err("financing.rate_format"));
        assert_eq!(parse_rate("100.01"), Err("financing.rate_format"));
        assert_eq!(format_rate(Some(345)), "3.45%");
        assert_eq!(format_rate(None), "—");
        assert_eq!(input_rate(Some(400)), "4.00");
    }

    #[test]
    fn plan_ranges_must_not_be_upside_down() {
        let good = PlanInput {
            name: "科创贷".into(),
            products: "信用贷款、知识产权质押".into(),
            min_amount: "50".into(),
            max_amount: "1000".into(),
            term_months: "12".into(),
            rate_min: "3.2".into(),
            rate_max: "4.5".into(),
            target_levels: "创新型中小企业、专精特新".into(),
            active: "1".into(),
        };
        let p = good.parse().unwrap();
        assert_eq!(
            (p.min_amount, p.max_amount),
            (Some(500_000), Some(10_000_000))
        );
        assert_eq!((p.rate_min, p.rate_max), (Some(320), Some(450)));
        assert_eq!(p.to_input().parse().unwrap(), p);
        // Equal bounds are fine, open bounds are fine, "—" means no rate.
        let open = PlanInput {
            min_amount: "100".into(),
            max_amount: "100".into(),
            rate_min: "—".into(),
            rate_max: "".into(),
            term_months: "".into(),
            active: "0".into(),
            ..good.clone()
        };
        let p = open.parse().unwrap();
        assert!(!p.active && p.rate_min.is_none() && p.term_months.is_none());
        assert_eq!(range_problem(Some(1), None), None);
        let bad = PlanInput {
            name: "".into(),
            min_amount: "1000".into(),
            max_amount: "50".into(),
            term_months: "0".into(),
            rate_min: "5".into(),
            rate_max: "4.5".into(),
            ..good
        };
        assert_eq!(
            fields(&bad.parse().unwrap_err()),
            vec![
                ("name", "field.required"),
                ("max_amount", "financing.range_inverted"),
                ("term_months", "financing.term_months_range"),
                ("rate_max", "financing.range_inverted"),
            ]
        );
    }

    #[test]
    fn partners_serve_the_financing_their_kind_does() {
        use FinancingKind as F;
        use PartnerKind as P;
        let servers = |k: F| -> Vec<P> {
            P::ALL
                .into_iter()
                .filter(|p| partner_serves(*p, k))
                .collect()
        };
        assert_eq!(servers(F::Loan), vec![P::Bank]);
        assert_eq!(servers(F::CreditLoan), vec![P::Bank]);
        assert_eq!(servers(F::FirstLoan), vec![P::Bank]);
        assert_eq!(servers(F::Equity), vec![P::SecuritiesFirm, P::Investor]);
        assert_eq!(servers(F::Bond), vec![P::SecuritiesFirm]);
        for p in [
            P::LawFirm,
            P::AccountingFirm,
            P::ResearchInstitute,
            P::Other,
        ] {
            assert!(F::ALL.iter().all(|k| !partner_serves(p, *k)), "{p}");
        }
        for k in F::ALL {
            assert_eq!(k.as_str().parse::<F>(), Ok(k));
        }
        assert!(F::FirstLoan.service_center() && F::CreditLoan.service_center());
        assert!(!F::Loan.service_center());
    }

    #[test]
    fn needs_need_a_kind_a_positive_amount_and_a_purpose() {
        let today = d("2026-11-27");
        let n = NeedInput {
            kind: "first_loan".into(),
            amount: "300".into(),
            purpose: "采购原材料".into(),
            wanted_by: "2027-01-31".into(),
        }
        .parse(today)
        .unwrap();
        assert_eq!(n.amount, 3_000_000);
        let bad = NeedInput {
            kind: "gift".into(),
            amount: "0".into(),
            purpose: "".into(),
            wanted_by: "2026-11-26".into(),
        };
        assert_eq!(
            fields(&bad.parse(today).unwrap_err()),
            vec![
                ("kind", "financing.kind_required"),
                ("amount", "financing.amount_positive"),
                ("purpose", "field.required"),
                ("wanted_by", "financing.wanted_by_past"),
            ]
        );
        let missing = NeedInput {
            kind: "loan".into(),
            amount: " ".into(),
            purpose: "x".into(),
            wanted_by: "".into(),
        };
        assert_eq!(
            fields(&missing.parse(today).unwrap_err()),
            vec![("amount", "field.required")]
        );
    }

    #[test]
    fn referrals_move_forward_and_decisions_carry_their_details() {
        use ReferralStatus as R;
        let today = d("2026-11-27");
        assert!(R::Sent.can_move_to(R::InReview) && R::InReview.can_move_to(R::Approved));
        assert!(R::Sent.can_move_to(R::Declined));
        assert!(!R::InReview.can_move_to(R::Sent) && !R::Approved.can_move_to(R::Declined));
        assert!(!R::Declined.can_move_to(R::Approved) && !R::Sent.can_move_to(R::Sent));
        let approve = ReferralInput {
            status: "approved".into(),
            approved_amount: "200".into(),
            approved_rate: "3.5".into(),
            approved_on: "2026-11-20".into(),
            ..Default::default()
        };
        assert_eq!(
            approve.parse(R::InReview, today),
            Ok(ReferralMove::Approved {
                amount: 2_000_000,
                rate: Some(350),
                on: d("2026-11-20")
            })
        );
        assert_eq!(
            fields(&approve.parse(R::Approved, today).unwrap_err()),
            vec![("status", "financing.status_move")]
        );
        let bad = ReferralInput {
            status: "approved".into(),
            approved_amount: "".into(),
            approved_rate: "x".into(),
            approved_on: "2026-12-01".into(),
            ..Default::default()
        };
        assert_eq!(
            fields(&bad.parse(R::Sent, today).unwrap_err()),
            vec![
                ("approved_amount", "field.required"),
                ("approved_rate", "financing.rate_format"),
                ("approved_on", "financing.date_future"),
            ]
        );
        let decline = ReferralInput {
            status: "declined".into(),
            ..Default::default()
        };
        assert_eq!(
            fields(&decline.parse(R::Sent, today).unwrap_err()),
            vec![("decline_reason", "field.required")]
        );
    }

    #[test]
    fn medians() {
        assert_eq!(median_days(vec![]), None);
        assert_eq!(median_days(vec![5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median_days(vec![4.0, 1.0, 2.0, 10.0]), Some(3.0));
    }

    #[test]
    fn closing_needs_a_reason_and_other_needs_a_note() {
        let input = |reason: &str, note: &str| CloseInput {
            reason: reason.into(),
            note: note.into(),
        };
        assert_eq!(
            input("financed", "").parse(),
            Ok((CloseReason::Financed, String::new()))
        );
        assert_eq!(
            input("withdrawn", "  项目推迟 ").parse(),
            Ok((CloseReason::Withdrawn, "项目推迟".into()))
        );
        let fields = |i: CloseInput| -> Vec<&'static str> {
            i.parse().unwrap_err().iter().map(|p| p.key).collect()
        };
        assert_eq!(fields(input("", "")), ["financing.close_reason_required"]);
        assert_eq!(
            fields(input("sold", "")),
            ["financing.close_reason_required"]
        );
        assert_eq!(
            fields(input("other", " ")),
            ["financing.close_note_required"]
        );
        assert_eq!(
            input("other", "改为股权融资").parse(),
            Ok((CloseReason::Other, "改为股权融资".into()))
        );
        assert_eq!(
            fields(input("financed", &"长".repeat(501))),
            ["field.too_long"]
        );
    }
}
