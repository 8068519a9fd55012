//! Spreadsheet exchange: the documented column names of enterprise and annual-data
//! files (with the Chinese headers people type), text decoding (UTF-8 or
//! GBK/GB18030, as Chinese spreadsheet tools export), and formula-injection
//! protection for cells that a spreadsheet would otherwise evaluate.

use std::borrow::Cow;

/// (column name, Chinese header, English header) of an enterprise file.
pub const ENTERPRISE_COLUMNS: [(&str, &str, &str); 22] = [
    (
        "credit_code",
        "统一社会信用代码",
        "Unified social credit code",
    ),
    ("name", "企业名称", "Name"),
    ("legal_representative", "法定代表人", "Legal representative"),
    ("founded_on", "成立日期", "Founded (YYYY-MM-DD)"),
    (
        "company_type",
        "企业类型",
        "Company type (llc/joint_stock/other)",
    ),
    (
        "registered_capital",
        "注册资本（万元）",
        "Registered capital (10k yuan)",
    ),
    ("district_code", "区划代码", "District code (GB/T 2260)"),
    (
        "industry_section",
        "行业门类",
        "Industry section (GB/T 4754)",
    ),
    (
        "industry_division",
        "行业大类",
        "Industry division (GB/T 4754)",
    ),
    ("niche_market", "细分市场", "Niche market"),
    ("main_product", "主导产品", "Main product"),
    ("niche_since", "进入细分市场年份", "In the niche since"),
    ("product_field", "主导产品领域", "Product field (0/1/2)"),
    (
        "strategic_emerging",
        "战略性新兴产业",
        "Strategic emerging (1/0)",
    ),
    (
        "high_tech_title",
        "高新技术企业",
        "High-tech enterprise (1/0)",
    ),
    ("sci_award_year", "科技奖励年份", "S&T award year"),
    (
        "meets_common_gate",
        "符合基本条件",
        "Meets the common gate (1/0)",
    ),
    (
        "has_shareholder_register",
        "已提交股东名册",
        "Shareholder register (1/0)",
    ),
    (
        "recommending_institution",
        "推荐机构",
        "Recommending institution",
    ),
    ("contact_name", "联系人", "Contact person"),
    ("contact_phone", "联系电话", "Phone"),
    ("contact_email", "电子邮箱", "Email"),
];

/// (column name, Chinese header, English header) of an annual-data file.
pub const ANNUAL_COLUMNS: [(&str, &str, &str); 21] = [
    (
        "credit_code",
        "统一社会信用代码",
        "Unified social credit code",
    ),
    ("year", "年度", "Year"),
    ("revenue", "营业收入（万元）", "Revenue (10k yuan)"),
    (
        "main_business_revenue",
        "主营业务收入（万元）",
        "Main-business revenue (10k yuan)",
    ),
    ("net_profit", "净利润（万元）", "Net profit (10k yuan)"),
    (
        "total_assets",
        "资产总额（万元）",
        "Total assets (10k yuan)",
    ),
    (
        "total_liabilities",
        "负债总额（万元）",
        "Total liabilities (10k yuan)",
    ),
    ("rd_expense", "研发费用（万元）", "R&D expense (10k yuan)"),
    ("employees", "从业人员", "Employees"),
    ("rd_staff", "研发人员", "R&D staff"),
    ("ip_class1", "Ⅰ类知识产权", "Class-I IP"),
    (
        "ip_class1_high_value",
        "高价值Ⅰ类知识产权",
        "High-value class-I IP",
    ),
    (
        "ip_class1_self",
        "自主研发Ⅰ类知识产权",
        "Self-developed class-I IP",
    ),
    ("ip_class2", "Ⅱ类知识产权", "Class-II IP"),
    (
        "equity_financing",
        "新增股权融资（万元）",
        "New equity financing (10k yuan)",
    ),
    (
        "digitalisation_level",
        "数字化水平",
        "Digitalisation level (1-4)",
    ),
    (
        "rd_institution_level",
        "研发机构级别",
        "R&D institution level (0-4)",
    ),
    ("quality_items", "质量品牌项数", "Quality items (0-4)"),
    (
        "market_share",
        "细分市场占有率（%）",
        "Niche market share (%)",
    ),
    ("own_brand", "自主品牌", "Own brand (1/0)"),
    (
        "distinctive_points",
        "特色化指标得分",
        "Distinctiveness score (0-15)",
    ),
];

/// Columns an export adds that are derived from history (tier, level): accepted in
/// an import (so an export can be imported again) and ignored.
pub const DERIVED_COLUMNS: [&str; 3] = ["current_tier", "current_level", "level_expires_on"];

/// Finds the column a header names: the column name itself, or its Chinese or
/// English header (case and surrounding space ignored).
pub fn column_for(header: &str, columns: &[(&'static str, &str, &str)]) -> Option<&'static str> {
    let h = header.trim().trim_start_matches('\u{feff}').trim();
    columns
        .iter()
        .find(|(name, zh, en)| {
            h.eq_ignore_ascii_case(name) || h == *zh || h.eq_ignore_ascii_case(en)
        })
        .map(|(name, _, _)| *name)
}

/// Why a file's text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the file is neither UTF-8 nor GBK/GB18030 text")]
pub struct UndecodableText;

/// Reads file bytes as UTF-8 (a byte-order mark is dropped) or, failing that, as
/// GB18030 (a superset of GBK, what Chinese spreadsheet tools save as "CSV").
pub fn decode(bytes: &[u8]) -> Result<String, UndecodableText> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(body) {
        return Ok(s.to_string());
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|s| s.into_owned())
        .ok_or(UndecodableText)
}

/// Makes a cell inert in spreadsheet apps: text that starts like a formula
/// (`=`, `+`, `-`, `@`, tab, carriage return) gets a leading apostrophe. Plain
/// numbers such as `-35.50` are left alone.
pub fn inert(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let number = cell.parse::<f64>().is_ok() && !cell.starts_with(['+', '\t', '\r']);
    if risky && !number {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_any_of_three_forms() {
        assert_eq!(
            column_for("credit_code", &ENTERPRISE_COLUMNS),
            Some("credit_code")
        );
        assert_eq!(
            column_for(" 统一社会信用代码 ", &ENTERPRISE_COLUMNS),
            Some("credit_code")
        );
        assert_eq!(
            column_for("\u{feff}NAME", &ENTERPRISE_COLUMNS),
            Some("name")
        );
        assert_eq!(
            column_for("营业收入（万元）", &ANNUAL_COLUMNS),
            Some("revenue")
        );
        assert_eq!(column_for("colour", &ENTERPRISE_COLUMNS), None);
    }

    #[test]
    fn decodes_utf8_and_gbk() {
        assert_eq!(decode("\u{feff}名称,x".as_bytes()).unwrap(), "名称,x");
        let (gbk, _, _) = encoding_rs::GBK.encode("青岛海纳,370212");
        assert_eq!(decode(&gbk).unwrap(), "青岛海纳,370212");
        assert!(decode(&[0xff, 0xfe, 0xfd]).is_err());
    }

    #[test]
    fn formulas_become_text() {
        assert_eq!(
            inert("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert("+1+2"), "'+1+2");
        assert_eq!(inert("-35.50"), "-35.50");
        assert_eq!(inert("-2+3"), "'-2+3");
        assert_eq!(inert("青岛海纳"), "青岛海纳");
    }
}
