//! The enterprise record as typed by a person or read from a CSV row, and the rules
//! it must pass before it is stored. Form fields and CSV columns share these names.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::credit_code::{CreditCode, CreditCodeError};
use super::district::DistrictCode;
use super::industry::{IndustryCode, IndustryError};
use super::money;
use super::tier::CompanyType;

/// One problem with one field: (field name, locale key, argument for `%{arg}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: &'static str,
    pub key: &'static str,
    pub arg: String,
}

impl FieldProblem {
    /// A problem without an argument.
    pub fn new(field: &'static str, key: &'static str) -> FieldProblem {
        FieldProblem {
            field,
            key,
            arg: String::new(),
        }
    }

    /// A problem whose message names `arg`.
    pub fn with(field: &'static str, key: &'static str, arg: impl Into<String>) -> FieldProblem {
        FieldProblem {
            field,
            key,
            arg: arg.into(),
        }
    }
}

/// The locale key and argument that explain a credit-code failure (which check failed).
pub fn credit_code_problem(e: &CreditCodeError) -> (&'static str, String) {
    match e {
        CreditCodeError::Length(n) => ("field.credit_code_length", n.to_string()),
        CreditCodeError::Character { pos, ch } => {
            ("field.credit_code_char", format!("{pos}: {ch}"))
        }
        CreditCodeError::OrganisationCheck { expected } => {
            ("field.credit_code_org", expected.to_string())
        }
        CreditCodeError::CodeCheck { expected } => {
            ("field.credit_code_check", expected.to_string())
        }
    }
}

/// The record as typed: every field is text, so a refused form can be shown again
/// exactly as entered. Checkboxes are present ("on") or absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EnterpriseInput {
    pub credit_code: String,
    pub name: String,
    pub legal_representative: String,
    /// `YYYY-MM-DD`.
    pub founded_on: String,
    /// `llc`, `joint_stock` or `other`.
    pub company_type: String,
    /// 万元.
    pub registered_capital: String,
    pub district_code: String,
    /// GB/T 4754 section letter.
    pub industry_section: String,
    /// GB/T 4754 two-digit division.
    pub industry_division: String,
    pub niche_market: String,
    pub main_product: String,
    /// The year the enterprise entered its niche market.
    pub niche_since: String,
    /// 0 none, 1 basics/brand/chain supplier, 2 fills a gap or strengthens a chain.
    pub product_field: String,
    pub strategic_emerging: Option<String>,
    pub high_tech_title: Option<String>,
    /// Year of the latest national or provincial S&T award.
    pub sci_award_year: String,
    pub meets_common_gate: Option<String>,
    pub has_shareholder_register: Option<String>,
    pub recommending_institution: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
}

/// The record after every rule passed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnterpriseData {
    pub credit_code: String,
    pub name: String,
    pub legal_representative: String,
    pub founded_on: Option<NaiveDate>,
    pub company_type: CompanyType,
    pub registered_capital: Option<i64>,
    pub district_code: String,
    pub industry_section: Option<String>,
    pub industry_division: Option<String>,
    pub niche_market: String,
    pub main_product: String,
    pub niche_since: Option<i32>,
    pub product_field: i32,
    pub strategic_emerging: bool,
    pub high_tech_title: bool,
    pub sci_award_year: Option<i32>,
    pub meets_common_gate: bool,
    pub has_shareholder_register: bool,
    pub recommending_institution: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
}

fn checked(v: &Option<String>) -> bool {
    v.as_deref()
        .is_some_and(|s| matches!(s.trim(), "on" | "1" | "true" | "yes" | "是" | "Y" | "y"))
}

/// A trimmed text field: `field.required` when required and empty, `field.too_long`
/// past `max` characters.
pub(super) fn text(
    field: &'static str,
    raw: &str,
    max: usize,
    required: bool,
    out: &mut Vec<FieldProblem>,
) -> String {
    let v = raw.trim().to_string();
    if required && v.is_empty() {
        out.push(FieldProblem::new(field, "field.required"));
    } else if v.chars().count() > max {
        out.push(FieldProblem::with(field, "field.too_long", max.to_string()));
    }
    v
}

fn year(
    field: &'static str,
    raw: &str,
    this_year: i32,
    out: &mut Vec<FieldProblem>,
) -> Option<i32> {
    let v = raw.trim();
    if v.is_empty() {
        return None;
    }
    match v.parse::<i32>() {
        Ok(y) if (1900..=this_year).contains(&y) => Some(y),
        _ => {
            out.push(FieldProblem::with(
                field,
                "field.year",
                this_year.to_string(),
            ));
            None
        }
    }
}

/// A checkbox value in the form's and CSV's convention.
pub fn flag(b: bool) -> Option<String> {
    b.then(|| "on".to_string())
}

impl EnterpriseInput {
    /// Checks every field (all of them, so every problem is shown at once).
    pub fn parse(&self, today: NaiveDate) -> Result<EnterpriseData, Vec<FieldProblem>> {
        use chrono::Datelike;
        let this_year = today.year();
        let mut out = Vec::new();
        let credit_code = match CreditCode::parse(&self.credit_code) {
            Ok(c) => c.as_str().to_string(),
            Err(e) => {
                let (key, arg) = credit_code_problem(&e);
                out.push(FieldProblem::with("credit_code", key, arg));
                String::new()
            }
        };
        let name = text("name", &self.name, 100, true, &mut out);
        let legal_representative = text(
            "legal_representative",
            &self.legal_representative,
            50,
            false,
            &mut out,
        );
        let founded_on = match self.founded_on.trim() {
            "" => None,
            s => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) if d <= today => Some(d),
                Ok(_) => {
                    out.push(FieldProblem::new("founded_on", "field.date_future"));
                    None
                }
                Err(_) => {
                    out.push(FieldProblem::new("founded_on", "field.date"));
                    None
                }
            },
        };
        let company_type = match self.company_type.trim() {
            "" => CompanyType::LimitedLiability,
            s => s.parse().unwrap_or_else(|_| {
                out.push(FieldProblem::new("company_type", "field.company_type"));
                CompanyType::Other
            }),
        };
        let registered_capital =
            money::parse_wan(&self.registered_capital, false).unwrap_or_else(|e| {
                out.push(FieldProblem::new("registered_capital", e.message_key()));
                None
            });
        let district_code = match DistrictCode::parse(&self.district_code) {
            Ok(d) => d.as_str().to_string(),
            Err(_) => {
                out.push(FieldProblem::new("district_code", "field.district"));
                String::new()
            }
        };
        let (industry_section, industry_division) =
            match (self.industry_section.trim(), self.industry_division.trim()) {
                ("", "") => (None, None),
                (s, d) => match IndustryCode::parse(s, d) {
                    Ok(code) => (
                        Some(code.section().to_string()),
                        Some(code.division().to_string()),
                    ),
                    Err(e) => {
                        let field = match e {
                            IndustryError::UnknownSection(_) => "industry_section",
                            _ => "industry_division",
                        };
                        out.push(FieldProblem::new(field, e.message_key()));
                        (None, None)
                    }
                },
            };
        let niche_market = text("niche_market", &self.niche_market, 200, false, &mut out);
        let main_product = text("main_product", &self.main_product, 200, false, &mut out);
        let niche_since = year("niche_since", &self.niche_since, this_year, &mut out);
        let product_field = match self.product_field.trim() {
            "" => 0,
            s => match s.parse::<i32>() {
                Ok(v @ 0..=2) => v,
                _ => {
                    out.push(FieldProblem::new("product_field", "field.product_field"));
                    0
                }
            },
        };
        let sci_award_year = year("sci_award_year", &self.sci_award_year, this_year, &mut out);
        let recommending_institution = text(
            "recommending_institution",
            &self.recommending_institution,
            100,
            false,
            &mut out,
        );
        let contact_name = text("contact_name", &self.contact_name, 50, false, &mut out);
        let contact_phone = text("contact_phone", &self.contact_phone, 30, false, &mut out);
        if !contact_phone.is_empty()
            && !contact_phone
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | ' ' | '(' | ')'))
        {
            out.push(FieldProblem::new("contact_phone", "field.phone"));
        }
        let contact_email = text("contact_email", &self.contact_email, 100, false, &mut out);
        if !contact_email.is_empty() && !looks_like_email(&contact_email) {
            out.push(FieldProblem::new("contact_email", "field.email"));
        }
        if !out.is_empty() {
            return Err(out);
        }
        Ok(EnterpriseData {
            credit_code,
            name,
            legal_representative,
            founded_on,
            company_type,
            registered_capital,
            district_code,
            industry_section,
            industry_division,
            niche_market,
            main_product,
            niche_since,
            product_field,
            strategic_emerging: checked(&self.strategic_emerging),
            high_tech_title: checked(&self.high_tech_title),
            sci_award_year,
            meets_common_gate: checked(&self.meets_common_gate),
            has_shareholder_register: checked(&self.has_shareholder_register),
            recommending_institution,
            contact_name,
            contact_phone,
            contact_email,
        })
    }
}

/// A loose shape check: something@domain.tld without spaces (the mail server decides the rest).
pub(super) fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

impl EnterpriseData {
    /// The form/CSV representation of stored data (for edit forms and exports).
    pub fn to_input(&self) -> EnterpriseInput {
        EnterpriseInput {
            credit_code: self.credit_code.clone(),
            name: self.name.clone(),
            legal_representative: self.legal_representative.clone(),
            founded_on: self.founded_on.map(|d| d.to_string()).unwrap_or_default(),
            company_type: self.company_type.as_str().into(),
            registered_capital: money::input_wan(self.registered_capital),
            district_code: self.district_code.clone(),
            industry_section: self.industry_section.clone().unwrap_or_default(),
            industry_division: self.industry_division.clone().unwrap_or_default(),
            niche_market: self.niche_market.clone(),
            main_product: self.main_product.clone(),
            niche_since: self.niche_since.map(|y| y.to_string()).unwrap_or_default(),
            product_field: self.product_field.to_string(),
            strategic_emerging: flag(self.strategic_emerging),
            high_tech_title: flag(self.high_tech_title),
            sci_award_year: self
                .sci_award_year
                .map(|y| y.to_string())
                .unwrap_or_default(),
            meets_common_gate: flag(self.meets_common_gate),
            has_shareholder_register: flag(self.has_shareholder_register),
            recommending_institution: self.recommending_institution.clone(),
            contact_name: self.contact_name.clone(),
            contact_phone: self.contact_phone.clone(),
            contact_email: self.contact_email.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    fn good() -> EnterpriseInput {
        EnterpriseInput {
            credit_code: "91370200163562681g".into(),
            name: " 青岛海尔测试股份有限公司 ".into(),
            founded_on: "2009-03-15".into(),
            company_type: "joint_stock".into(),
            registered_capital: "5,000".into(),
            district_code: "370212".into(),
            industry_section: "c".into(),
            industry_division: "34".into(),
            niche_since: "2012".into(),
            product_field: "2".into(),
            strategic_emerging: Some("on".into()),
            meets_common_gate: Some("on".into()),
            contact_email: "ir@example.cn".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_record_parses_and_normalises() {
        let d = good().parse(today()).unwrap();
        assert_eq!(d.credit_code, "91370200163562681G");
        assert_eq!(d.name, "青岛海尔测试股份有限公司");
        assert_eq!(d.registered_capital, Some(50_000_000));
        assert_eq!(d.industry_section.as_deref(), Some("C"));
        assert_eq!(d.company_type, CompanyType::JointStock);
        assert!(d.strategic_emerging && d.meets_common_gate && !d.high_tech_title);
        // And it round-trips through the form representation.
        assert_eq!(d.to_input().parse(today()).unwrap(), d);
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let bad = EnterpriseInput {
            credit_code: "91370200163562681H".into(),
            name: "".into(),
            founded_on: "2030-01-01".into(),
            company_type: "bank".into(),
            registered_capital: "12.345".into(),
            district_code: "3702".into(),
            industry_section: "C".into(),
            industry_division: "63".into(),
            niche_since: "1800".into(),
            contact_email: "not-an-email".into(),
            ..Default::default()
        };
        let problems = bad.parse(today()).unwrap_err();
        let fields: Vec<_> = problems.iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            vec![
                "credit_code",
                "name",
                "founded_on",
                "company_type",
                "registered_capital",
                "district_code",
                "industry_division",
                "niche_since",
                "contact_email"
            ]
        );
        assert_eq!(problems[0].key, "field.credit_code_check");
        assert_eq!(problems[0].arg, "G");
    }
}
