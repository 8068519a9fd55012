//! Demo financing services, generated purely from the seed: cooperation agreements
//! and service plans for the demo partners (banks with SRDI loan plans, securities
//! firms with bond and equity services, investors with funds), and financing needs
//! of demo enterprises (more for titled ones) with referrals in every status over
//! the past 18 months. The demo `enterprise` account's company gets open needs.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::domain::financing::{CloseReason, FinancingKind, ReferralStatus, partner_serves};
use crate::domain::partner::PartnerKind;

/// A generated agreement (partner by index into the given partners).
#[derive(Debug, Clone, PartialEq)]
pub struct GenAgreement {
    pub partner: usize,
    pub signed_on: Option<NaiveDate>,
    pub scope: &'static str,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub terminated_on: Option<NaiveDate>,
    pub termination_reason: &'static str,
}

/// A generated service plan.
#[derive(Debug, Clone, PartialEq)]
pub struct GenPlan {
    pub partner: usize,
    pub name: &'static str,
    pub products: &'static str,
    pub min_amount: Option<i64>,
    pub max_amount: Option<i64>,
    pub term_months: Option<i32>,
    pub rate_min: Option<i32>,
    pub rate_max: Option<i32>,
    pub target_levels: &'static str,
}

/// A generated referral of a need.
#[derive(Debug, Clone, PartialEq)]
pub struct GenReferral {
    pub partner: usize,
    pub status: ReferralStatus,
    pub sent_at: NaiveDateTime,
    pub in_review_at: Option<NaiveDateTime>,
    pub decided_at: Option<NaiveDateTime>,
    pub approved_amount: Option<i64>,
    pub approved_rate: Option<i32>,
    pub approved_on: Option<NaiveDate>,
    pub decline_reason: &'static str,
}

/// A generated need (enterprise by index into the given enterprises).
#[derive(Debug, Clone, PartialEq)]
pub struct GenNeed {
    pub enterprise: usize,
    pub kind: FinancingKind,
    pub amount: i64,
    pub purpose: &'static str,
    pub wanted_by: Option<NaiveDate>,
    /// `open`, `matched` or `closed`.
    pub status: &'static str,
    pub created_at: NaiveDateTime,
    pub referrals: Vec<GenReferral>,
    /// For a closed need: why, a note, and when (a few days after the last decision).
    pub close: Option<(CloseReason, &'static str, NaiveDateTime)>,
}

/// Everything generated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FinancingSet {
    pub agreements: Vec<GenAgreement>,
    pub plans: Vec<GenPlan>,
    pub needs: Vec<GenNeed>,
}

const PURPOSES: &[&str] = &[
    "采购研发设备、扩充产线",
    "补充流动资金，支付原材料货款",
    "新产品中试及量产投入",
    "建设智能化车间",
    "研发中心扩建及人才引进",
    "偿还到期贷款、优化债务结构",
    "上市前股权融资，引入战略投资者",
];

const DECLINES: &[&str] = &[
    "抵押物不足，额度暂不满足",
    "近两年经营性现金流偏弱",
    "估值预期差距较大",
    "行业授信政策限制",
];

const WAN: i64 = 10_000;

/// An offered plan: name, products, amount range in 万元, term in months (0: none),
/// rate range in hundredths of a percent, target levels.
type Offer = (
    &'static str,
    &'static str,
    i64,
    i64,
    i32,
    Option<(i32, i32)>,
    &'static str,
);

/// The plans a partner of `kind` offers.
fn plans_for(kind: PartnerKind) -> Vec<Offer> {
    match kind {
        PartnerKind::Bank => vec![
            (
                "专精特新贷",
                "信用贷款、知识产权质押贷款，随借随还",
                50,
                3000,
                12,
                Some((320, 420)),
                "创新型中小企业、专精特新中小企业",
            ),
            (
                "首贷通",
                "首次贷款企业专属信用贷款",
                10,
                500,
                12,
                Some((345, 450)),
                "创新型中小企业",
            ),
            (
                "小巨人上市贷",
                "拟上市企业中长期贷款",
                500,
                10000,
                36,
                Some((300, 380)),
                "省级专精特新、国家级专精特新“小巨人”",
            ),
        ],
        PartnerKind::SecuritiesFirm => vec![
            (
                "科创债承销",
                "科技创新公司债、中期票据承销",
                5000,
                50000,
                36,
                Some((250, 380)),
                "省级专精特新、国家级专精特新“小巨人”",
            ),
            (
                "Pre-IPO 股权融资顾问",
                "股权融资财务顾问服务",
                1000,
                20000,
                0,
                None,
                "专精特新中小企业",
            ),
        ],
        PartnerKind::Investor => vec![(
            "专精特新成长基金",
            "A 轮至 Pre-IPO 股权投资",
            1000,
            30000,
            0,
            None,
            "专精特新中小企业、国家级专精特新“小巨人”",
        )],
        _ => Vec::new(),
    }
}

fn at(day: NaiveDate, hour: u32) -> NaiveDateTime {
    day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default())
}

/// Generates the set. `partners` are the demo partners' kinds (in id order of the
/// caller's list), `enterprises` each enterprise's level (`None`: untitled); needs for
/// `marker` (an index into `enterprises`) include 2–3 open ones.
pub fn generate(
    seed: u64,
    today: NaiveDate,
    partners: &[PartnerKind],
    enterprises: &[Option<&str>],
    marker: Option<usize>,
) -> FinancingSet {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x66_696e_616e_6365);
    let mut set = FinancingSet::default();
    for (i, kind) in partners.iter().enumerate() {
        let offered = plans_for(*kind);
        if offered.is_empty() {
            continue;
        }
        // One agreement in force; some partners also an expired or a terminated one.
        let start = today - Duration::days(rng.random_range(60..700));
        set.agreements.push(GenAgreement {
            partner: i,
            signed_on: Some(start - Duration::days(rng.random_range(5..30))),
            scope: "专精特新企业融资服务合作：信贷支持、融资对接、政策宣讲",
            starts_on: start,
            ends_on: Some(start + Duration::days(365 * 3)),
            terminated_on: None,
            termination_reason: "",
        });
        match rng.random_range(0..4) {
            0 => set.agreements.push(GenAgreement {
                partner: i,
                signed_on: Some(start - Duration::days(1200)),
                scope: "科技型中小企业融资服务试点合作",
                starts_on: start - Duration::days(1190),
                ends_on: Some(start - Duration::days(1)),
                terminated_on: None,
                termination_reason: "",
            }),
            1 => set.agreements.push(GenAgreement {
                partner: i,
                signed_on: None,
                scope: "2027 年度融资服务深化合作（草拟）",
                starts_on: today + Duration::days(rng.random_range(20..120)),
                ends_on: None,
                terminated_on: None,
                termination_reason: "",
            }),
            2 => set.agreements.push(GenAgreement {
                partner: i,
                signed_on: Some(start - Duration::days(400)),
                scope: "专项融资产品联合推广",
                starts_on: start - Duration::days(390),
                ends_on: Some(start + Duration::days(300)),
                terminated_on: Some(start - Duration::days(30)),
                termination_reason: "合作机构调整业务方向，双方协商提前终止",
            }),
            _ => {}
        }
        for (name, products, min, max, term, rates, levels) in offered {
            set.plans.push(GenPlan {
                partner: i,
                name,
                products,
                min_amount: Some(min * WAN),
                max_amount: Some(max * WAN),
                term_months: (term > 0).then_some(term),
                rate_min: rates.map(|r| r.0),
                rate_max: rates.map(|r| r.1),
                target_levels: levels,
            });
        }
    }
    let servers = |k: FinancingKind| -> Vec<usize> {
        partners
            .iter()
            .enumerate()
            .filter(|(_, p)| partner_serves(**p, k))
            .map(|(i, _)| i)
            .collect()
    };
    // Titled enterprises are more likely to have needs (about 250 in all for the
    // default set of about 1,000).
    for (e, level) in enterprises.iter().enumerate() {
        let chance = match level {
            Some("national") => 0.8,
            Some("provincial") => 0.5,
            Some("municipal") => 0.2,
            Some(_) => 0.15,
            None => 0.08,
        };
        let mine = marker == Some(e);
        if !mine && !rng.random_bool(chance) {
            continue;
        }
        let count = if mine { 3 } else { 1 };
        for j in 0..count {
            let kind = if mine {
                [
                    FinancingKind::FirstLoan,
                    FinancingKind::CreditLoan,
                    FinancingKind::Equity,
                ][j]
            } else {
                match (level, rng.random_range(0..10)) {
                    (Some("national" | "provincial"), 0..=2) => FinancingKind::Equity,
                    (Some("national"), 3) => FinancingKind::Bond,
                    (_, 0..=3) => FinancingKind::Loan,
                    (_, 4..=6) => FinancingKind::CreditLoan,
                    (_, 7..=8) => FinancingKind::FirstLoan,
                    _ => FinancingKind::Equity,
                }
            };
            let wan: i64 = match kind {
                FinancingKind::Equity => rng.random_range(10..200) * 100,
                FinancingKind::Bond => rng.random_range(5..30) * 1000,
                FinancingKind::FirstLoan => rng.random_range(1..30) * 10,
                _ => rng.random_range(5..300) * 10,
            };
            let age = if mine {
                rng.random_range(3..40)
            } else {
                rng.random_range(1..540)
            };
            let created_day = today - Duration::days(age);
            let created_at = at(created_day, rng.random_range(8..18));
            let mut referrals = Vec::new();
            let candidates = servers(kind);
            // Open needs: recent ones, the marker's, and some old ones still waiting.
            let open = mine
                || candidates.is_empty()
                || (age < 20 && rng.random_bool(0.6))
                || rng.random_bool(0.08);
            if !open {
                let n = rng.random_range(1..=2.min(candidates.len()));
                let first = rng.random_range(0..candidates.len());
                for k in 0..n {
                    let partner = candidates[(first + k) % candidates.len()];
                    let sent =
                        created_at + Duration::days(rng.random_range(1..=14.min(age.max(1))));
                    let elapsed = (today - sent.date()).num_days();
                    let roll = rng.random_range(0..10);
                    let status = if elapsed < 10 {
                        if roll < 5 {
                            ReferralStatus::Sent
                        } else {
                            ReferralStatus::InReview
                        }
                    } else {
                        match roll {
                            0 => ReferralStatus::Sent,
                            1..=2 => ReferralStatus::InReview,
                            3..=7 => ReferralStatus::Approved,
                            _ => ReferralStatus::Declined,
                        }
                    };
                    let review = (status != ReferralStatus::Sent).then(|| {
                        sent + Duration::days(rng.random_range(1..=5.min(elapsed.max(1))))
                    });
                    let decided = status.decided().then(|| {
                        let from = review.unwrap_or(sent);
                        let room = (today - from.date()).num_days().max(1);
                        from + Duration::days(rng.random_range(1..=room.min(45)))
                    });
                    let approved = status == ReferralStatus::Approved;
                    referrals.push(GenReferral {
                        partner,
                        status,
                        sent_at: sent,
                        in_review_at: review,
                        decided_at: decided,
                        approved_amount: approved
                            .then(|| (wan * rng.random_range(60..=100) / 100).max(1) * WAN),
                        approved_rate: (approved && kind != FinancingKind::Equity)
                            .then(|| rng.random_range(300..480)),
                        approved_on: decided.filter(|_| approved).map(|d| d.date()),
                        decline_reason: if status == ReferralStatus::Declined {
                            DECLINES[rng.random_range(0..DECLINES.len())]
                        } else {
                            ""
                        },
                    });
                }
            }
            let closed = !referrals.is_empty()
                && referrals.iter().all(|r| r.status.decided())
                && rng.random_bool(0.5);
            // Financed when a partner approved; otherwise the enterprise let it go.
            let close = closed.then(|| {
                let last = referrals.iter().filter_map(|r| r.decided_at).max();
                let last = last.unwrap_or(created_at);
                let later = last + Duration::days(rng.random_range(1..8));
                // Never in the future: closed with the last decision when that was recent.
                let on = if later.date() < today { later } else { last };
                if referrals
                    .iter()
                    .any(|r| r.status == ReferralStatus::Approved)
                {
                    (CloseReason::Financed, "", on)
                } else {
                    (
                        CloseReason::Withdrawn,
                        "合作机构均未获批，企业暂缓融资计划",
                        on,
                    )
                }
            });
            set.needs.push(GenNeed {
                enterprise: e,
                kind,
                amount: wan * WAN,
                purpose: PURPOSES[rng.random_range(0..PURPOSES.len())],
                wanted_by: Some(created_day + Duration::days(rng.random_range(30..180))),
                status: if referrals.is_empty() {
                    "open"
                } else if closed {
                    "closed"
                } else {
                    "matched"
                },
                created_at,
                referrals,
                close,
            });
        }
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> FinancingSet {
        let partners = [
            PartnerKind::SecuritiesFirm,
            PartnerKind::LawFirm,
            PartnerKind::Bank,
            PartnerKind::Bank,
            PartnerKind::Investor,
        ];
        let levels: Vec<Option<&str>> = (0..1000)
            .map(|i| match i % 40 {
                0 => Some("national"),
                1..=4 => Some("provincial"),
                5..=20 => Some("municipal"),
                21..=30 => Some("innovative_sme"),
                _ => None,
            })
            .collect();
        generate(
            7,
            NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
            &partners,
            &levels,
            Some(3),
        )
    }

    #[test]
    fn the_set_is_deterministic_and_plausible() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let set = sample();
        assert_eq!(set, sample());
        assert!((150..400).contains(&set.needs.len()), "{}", set.needs.len());
        // Plans only for banks, securities firms and investors, none for the law firm.
        assert!(set.plans.iter().all(|p| p.partner != 1));
        assert!(
            set.plans
                .iter()
                .any(|p| p.partner == 2 && p.name == "专精特新贷")
        );
        // Every referral goes to a partner that serves the need's kind, after the need.
        let kinds = [
            PartnerKind::SecuritiesFirm,
            PartnerKind::LawFirm,
            PartnerKind::Bank,
            PartnerKind::Bank,
            PartnerKind::Investor,
        ];
        for n in &set.needs {
            assert!(
                n.created_at.date() <= today && n.created_at.date() >= today - Duration::days(548)
            );
            for r in &n.referrals {
                assert!(partner_serves(kinds[r.partner], n.kind));
                assert!(r.sent_at >= n.created_at);
                assert!(r.decided_at.is_none_or(|d| d.date() <= today));
                assert_eq!(
                    r.approved_amount.is_some(),
                    r.status == ReferralStatus::Approved
                );
            }
        }
        for s in ReferralStatus::ALL {
            assert!(
                set.needs
                    .iter()
                    .flat_map(|n| &n.referrals)
                    .any(|r| r.status == s),
                "{s}"
            );
        }
        let marker: Vec<_> = set.needs.iter().filter(|n| n.enterprise == 3).collect();
        assert_eq!(marker.len(), 3);
        assert!(marker.iter().all(|n| n.status == "open"));
    }
}
