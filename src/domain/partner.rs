//! Partner institutions (合作机构): the securities firms, accounting and law firms,
//! banks, investors and research institutes the center works with, and which of
//! them may be engaged as which kind of listing intermediary.

use serde::{Deserialize, Serialize};

use super::cultivation::IntermediaryKind;
use super::enterprise::{FieldProblem, looks_like_email, text};

/// What kind of institution a partner is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartnerKind {
    /// 证券公司
    SecuritiesFirm,
    /// 会计师事务所
    AccountingFirm,
    /// 律师事务所
    LawFirm,
    /// 银行
    Bank,
    /// 投资机构
    Investor,
    /// 科研院所
    ResearchInstitute,
    /// 其他
    Other,
}

text_enum!(PartnerKind, "unknown partner kind '{}'", [
    PartnerKind::SecuritiesFirm => "securities_firm",
    PartnerKind::AccountingFirm => "accounting_firm",
    PartnerKind::LawFirm => "law_firm",
    PartnerKind::Bank => "bank",
    PartnerKind::Investor => "investor",
    PartnerKind::ResearchInstitute => "research_institute",
    PartnerKind::Other => "other",
]);

impl PartnerKind {
    /// Every kind, in the order offered in forms and filters.
    pub const ALL: [PartnerKind; 7] = [
        PartnerKind::SecuritiesFirm,
        PartnerKind::AccountingFirm,
        PartnerKind::LawFirm,
        PartnerKind::Bank,
        PartnerKind::Investor,
        PartnerKind::ResearchInstitute,
        PartnerKind::Other,
    ];

    /// Whether a partner of this kind can be engaged as intermediary `k`: only a
    /// securities firm sponsors a listing, only an accounting firm audits, and so on.
    pub fn serves(self, k: IntermediaryKind) -> bool {
        matches!(
            (self, k),
            (PartnerKind::SecuritiesFirm, IntermediaryKind::Sponsor)
                | (PartnerKind::AccountingFirm, IntermediaryKind::Auditor)
                | (PartnerKind::LawFirm, IntermediaryKind::LawFirm)
                | (PartnerKind::Bank, IntermediaryKind::Bank)
        )
    }
}

/// Shortest and longest name, in characters.
const NAME_CHARS: std::ops::RangeInclusive<usize> = 2..=100;

/// The partner form as typed: every field is text, so a refused form can be shown
/// again exactly as entered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PartnerInput {
    pub name: String,
    /// One of [`PartnerKind`]'s stable names.
    pub kind: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub note: String,
}

/// A partner after every rule passed (text trimmed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartnerData {
    pub name: String,
    pub kind: PartnerKind,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub note: String,
}

impl PartnerInput {
    /// Checks every field (all of them, so every problem is shown at once).
    pub fn parse(&self) -> Result<PartnerData, Vec<FieldProblem>> {
        let mut out = Vec::new();
        let name = self.name.trim().to_string();
        if name.is_empty() {
            out.push(FieldProblem::new("name", "field.required"));
        } else if !NAME_CHARS.contains(&name.chars().count()) {
            out.push(FieldProblem::new("name", "partners.name_length"));
        }
        let kind = self.kind.parse::<PartnerKind>().ok();
        if kind.is_none() {
            out.push(FieldProblem::new("kind", "partners.kind_required"));
        }
        let contact_name = text("contact_name", &self.contact_name, 50, false, &mut out);
        let contact_phone = text("contact_phone", &self.contact_phone, 30, false, &mut out);
        if !contact_phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' '))
        {
            out.push(FieldProblem::new("contact_phone", "partners.phone_chars"));
        }
        let contact_email = text("contact_email", &self.contact_email, 100, false, &mut out);
        if !contact_email.is_empty() && !looks_like_email(&contact_email) {
            out.push(FieldProblem::new("contact_email", "field.email"));
        }
        let note = text("note", &self.note, 500, false, &mut out);
        match kind {
            Some(kind) if out.is_empty() => Ok(PartnerData {
                name,
                kind,
                contact_name,
                contact_phone,
                contact_email,
                note,
            }),
            _ => Err(out),
        }
    }
}

impl PartnerData {
    /// The form representation of stored data (for the edit form).
    pub fn to_input(&self) -> PartnerInput {
        PartnerInput {
            name: self.name.clone(),
            kind: self.kind.as_str().into(),
            contact_name: self.contact_name.clone(),
            contact_phone: self.contact_phone.clone(),
            contact_email: self.contact_email.clone(),
            note: self.note.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> PartnerInput {
        PartnerInput {
            name: "  中信证券股份有限公司 ".into(),
            kind: "securities_firm".into(),
            contact_name: "王经理".into(),
            contact_phone: "+86 532-8888 6666".into(),
            contact_email: "ib@example.cn".into(),
            note: "保荐业务".into(),
        }
    }

    fn fields(problems: &[FieldProblem]) -> Vec<(&'static str, &'static str)> {
        problems.iter().map(|p| (p.field, p.key)).collect()
    }

    #[test]
    fn a_good_partner_parses_trimmed_and_round_trips() {
        let d = good().parse().unwrap();
        assert_eq!(d.name, "中信证券股份有限公司");
        assert_eq!(d.kind, PartnerKind::SecuritiesFirm);
        assert_eq!(d.to_input().parse().unwrap(), d);
    }

    #[test]
    fn only_the_name_and_kind_are_required() {
        let d = PartnerInput {
            name: "青岛银行".into(),
            kind: "bank".into(),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(d.kind, PartnerKind::Bank);
        assert!(d.contact_email.is_empty() && d.note.is_empty());
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let bad = PartnerInput {
            name: "   ".into(),
            kind: "broker".into(),
            contact_name: "名".repeat(51),
            contact_phone: "0532(8888)".into(),
            contact_email: "not an email".into(),
            note: "x".repeat(501),
        };
        assert_eq!(
            fields(&bad.parse().unwrap_err()),
            vec![
                ("name", "field.required"),
                ("kind", "partners.kind_required"),
                ("contact_name", "field.too_long"),
                ("contact_phone", "partners.phone_chars"),
                ("contact_email", "field.email"),
                ("note", "field.too_long"),
            ]
        );
    }

    #[test]
    fn names_are_two_to_a_hundred_characters_after_trimming() {
        let with = |name: String| PartnerInput { name, ..good() }.parse();
        assert_eq!(
            fields(&with(" 银 ".into()).unwrap_err()),
            vec![("name", "partners.name_length")]
        );
        assert!(with("银行".into()).is_ok());
        assert!(with("机".repeat(100)).is_ok());
        assert_eq!(
            fields(&with("机".repeat(101)).unwrap_err()),
            vec![("name", "partners.name_length")]
        );
    }

    #[test]
    fn a_note_of_five_hundred_characters_is_fine() {
        let input = PartnerInput {
            note: "注".repeat(500),
            ..good()
        };
        assert!(input.parse().is_ok());
    }

    #[test]
    fn email_shape_is_checked_only_when_given() {
        for bad in ["a@b", "@example.cn", "a b@example.cn", "a@.cn"] {
            let input = PartnerInput {
                contact_email: bad.into(),
                ..good()
            };
            assert_eq!(
                fields(&input.parse().unwrap_err()),
                vec![("contact_email", "field.email")],
                "{bad}"
            );
        }
    }

    #[test]
    fn every_kind_round_trips_through_its_name() {
        for k in PartnerKind::ALL {
            assert_eq!(k.as_str().parse::<PartnerKind>(), Ok(k));
        }
        assert!("".parse::<PartnerKind>().is_err());
    }

    #[test]
    fn each_intermediary_is_served_by_exactly_one_kind() {
        use IntermediaryKind as I;
        use PartnerKind as P;
        for (p, i) in [
            (P::SecuritiesFirm, I::Sponsor),
            (P::AccountingFirm, I::Auditor),
            (P::LawFirm, I::LawFirm),
            (P::Bank, I::Bank),
        ] {
            assert!(p.serves(i));
            let servers: Vec<_> = P::ALL.into_iter().filter(|k| k.serves(i)).collect();
            assert_eq!(servers, vec![p], "{i}");
        }
        for p in [P::Investor, P::ResearchInstitute, P::Other] {
            assert!(I::ALL.iter().all(|i| !p.serves(*i)), "{p}");
        }
    }
}
