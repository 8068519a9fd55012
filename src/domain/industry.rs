//! The industry classification of GB/T 4754-2017 国民经济行业分类 (with its 2019 amendment,
//! which changed only classes below division level): the 20 sections (门类, A-T) and the
//! 97 divisions (大类, 01-97), with their official Chinese names and English renderings.

use std::fmt;
use std::ops::RangeInclusive;

/// A section (门类) of GB/T 4754-2017: a letter and the divisions it spans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The section letter, `'A'` to `'T'`.
    pub code: char,
    /// The official Chinese name.
    pub name_zh: &'static str,
    /// An English rendering of the name.
    pub name_en: &'static str,
    /// The division numbers (大类) that belong to this section.
    pub divisions: RangeInclusive<u8>,
}

/// A division (大类) of GB/T 4754-2017: a two-digit code inside one section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Division {
    /// The two-digit code, `"01"` to `"97"`.
    pub code: &'static str,
    /// The letter of the section the division belongs to.
    pub section: char,
    /// The official Chinese name.
    pub name_zh: &'static str,
    /// An English rendering of the name.
    pub name_en: &'static str,
}

const fn sec(
    code: char,
    name_zh: &'static str,
    name_en: &'static str,
    divisions: RangeInclusive<u8>,
) -> Section {
    Section {
        code,
        name_zh,
        name_en,
        divisions,
    }
}

const fn div(
    code: &'static str,
    section: char,
    name_zh: &'static str,
    name_en: &'static str,
) -> Division {
    Division {
        code,
        section,
        name_zh,
        name_en,
    }
}

/// All 20 sections (门类) of GB/T 4754-2017, in code order.
pub const SECTIONS: [Section; 20] = [
    sec(
        'A',
        "农、林、牧、渔业",
        "Agriculture, forestry, animal husbandry and fishery",
        1..=5,
    ),
    sec('B', "采矿业", "Mining", 6..=12),
    sec('C', "制造业", "Manufacturing", 13..=43),
    sec(
        'D',
        "电力、热力、燃气及水生产和供应业",
        "Production and supply of electricity, heat, gas and water",
        44..=46,
    ),
    sec('E', "建筑业", "Construction", 47..=50),
    sec('F', "批发和零售业", "Wholesale and retail trade", 51..=52),
    sec(
        'G',
        "交通运输、仓储和邮政业",
        "Transport, storage and postal services",
        53..=60,
    ),
    sec('H', "住宿和餐饮业", "Accommodation and catering", 61..=62),
    sec(
        'I',
        "信息传输、软件和信息技术服务业",
        "Information transmission, software and information technology services",
        63..=65,
    ),
    sec('J', "金融业", "Finance", 66..=69),
    sec('K', "房地产业", "Real estate", 70..=70),
    sec(
        'L',
        "租赁和商务服务业",
        "Leasing and business services",
        71..=72,
    ),
    sec(
        'M',
        "科学研究和技术服务业",
        "Scientific research and technical services",
        73..=75,
    ),
    sec(
        'N',
        "水利、环境和公共设施管理业",
        "Water conservancy, environment and public facilities management",
        76..=79,
    ),
    sec(
        'O',
        "居民服务、修理和其他服务业",
        "Resident services, repair and other services",
        80..=82,
    ),
    sec('P', "教育", "Education", 83..=83),
    sec('Q', "卫生和社会工作", "Health and social work", 84..=85),
    sec(
        'R',
        "文化、体育和娱乐业",
        "Culture, sports and entertainment",
        86..=90,
    ),
    sec(
        'S',
        "公共管理、社会保障和社会组织",
        "Public administration, social security and social organisations",
        91..=96,
    ),
    sec('T', "国际组织", "International organisations", 97..=97),
];

/// The same table as [`SECTIONS`], as a static so lookups can hand out `'static` references.
static SECTION_TABLE: [Section; 20] = SECTIONS;

/// All 97 divisions (大类) of GB/T 4754-2017, in code order.
pub const DIVISIONS: &[Division] = &[
    // A 农、林、牧、渔业
    div("01", 'A', "农业", "Agriculture"),
    div("02", 'A', "林业", "Forestry"),
    div("03", 'A', "畜牧业", "Animal husbandry"),
    div("04", 'A', "渔业", "Fishery"),
    div(
        "05",
        'A',
        "农、林、牧、渔专业及辅助性活动",
        "Professional and support activities for agriculture, forestry, animal husbandry and \
         fishery",
    ),
    // B 采矿业
    div("06", 'B', "煤炭开采和洗选业", "Mining and washing of coal"),
    div(
        "07",
        'B',
        "石油和天然气开采业",
        "Extraction of petroleum and natural gas",
    ),
    div(
        "08",
        'B',
        "黑色金属矿采选业",
        "Mining and processing of ferrous metal ores",
    ),
    div(
        "09",
        'B',
        "有色金属矿采选业",
        "Mining and processing of non-ferrous metal ores",
    ),
    div(
        "10",
        'B',
        "非金属矿采选业",
        "Mining and processing of non-metallic minerals",
    ),
    div(
        "11",
        'B',
        "开采专业及辅助性活动",
        "Professional and support activities for mining",
    ),
    div("12", 'B', "其他采矿业", "Other mining"),
    // C 制造业
    div(
        "13",
        'C',
        "农副食品加工业",
        "Processing of food from agricultural products",
    ),
    div("14", 'C', "食品制造业", "Manufacture of foods"),
    div(
        "15",
        'C',
        "酒、饮料和精制茶制造业",
        "Manufacture of liquor, beverages and refined tea",
    ),
    div("16", 'C', "烟草制品业", "Manufacture of tobacco products"),
    div("17", 'C', "纺织业", "Manufacture of textiles"),
    div(
        "18",
        'C',
        "纺织服装、服饰业",
        "Manufacture of textile apparel and accessories",
    ),
    div(
        "19",
        'C',
        "皮革、毛皮、羽毛及其制品和制鞋业",
        "Manufacture of leather, fur, feathers and related products, and footwear",
    ),
    div(
        "20",
        'C',
        "木材加工和木、竹、藤、棕、草制品业",
        "Processing of timber; manufacture of wood, bamboo, rattan, palm and straw products",
    ),
    div("21", 'C', "家具制造业", "Manufacture of furniture"),
    div(
        "22",
        'C',
        "造纸和纸制品业",
        "Manufacture of paper and paper products",
    ),
    div(
        "23",
        'C',
        "印刷和记录媒介复制业",
        "Printing and reproduction of recording media",
    ),
    div(
        "24",
        'C',
        "文教、工美、体育和娱乐用品制造业",
        "Manufacture of articles for culture, education, arts and crafts, sport and entertainment",
    ),
    div(
        "25",
        'C',
        "石油、煤炭及其他燃料加工业",
        "Processing of petroleum, coal and other fuels",
    ),
    div(
        "26",
        'C',
        "化学原料和化学制品制造业",
        "Manufacture of raw chemical materials and chemical products",
    ),
    div("27", 'C', "医药制造业", "Manufacture of medicines"),
    div(
        "28",
        'C',
        "化学纤维制造业",
        "Manufacture of chemical fibres",
    ),
    div(
        "29",
        'C',
        "橡胶和塑料制品业",
        "Manufacture of rubber and plastics products",
    ),
    div(
        "30",
        'C',
        "非金属矿物制品业",
        "Manufacture of non-metallic mineral products",
    ),
    div(
        "31",
        'C',
        "黑色金属冶炼和压延加工业",
        "Smelting and pressing of ferrous metals",
    ),
    div(
        "32",
        'C',
        "有色金属冶炼和压延加工业",
        "Smelting and pressing of non-ferrous metals",
    ),
    div("33", 'C', "金属制品业", "Manufacture of metal products"),
    div(
        "34",
        'C',
        "通用设备制造业",
        "Manufacture of general-purpose machinery",
    ),
    div(
        "35",
        'C',
        "专用设备制造业",
        "Manufacture of special-purpose machinery",
    ),
    div("36", 'C', "汽车制造业", "Manufacture of automobiles"),
    div(
        "37",
        'C',
        "铁路、船舶、航空航天和其他运输设备制造业",
        "Manufacture of railway, ship, aerospace and other transport equipment",
    ),
    div(
        "38",
        'C',
        "电气机械和器材制造业",
        "Manufacture of electrical machinery and equipment",
    ),
    div(
        "39",
        'C',
        "计算机、通信和其他电子设备制造业",
        "Manufacture of computers, communication and other electronic equipment",
    ),
    div(
        "40",
        'C',
        "仪器仪表制造业",
        "Manufacture of measuring instruments and meters",
    ),
    div("41", 'C', "其他制造业", "Other manufacturing"),
    div(
        "42",
        'C',
        "废弃资源综合利用业",
        "Comprehensive use of waste resources",
    ),
    div(
        "43",
        'C',
        "金属制品、机械和设备修理业",
        "Repair of metal products, machinery and equipment",
    ),
    // D 电力、热力、燃气及水生产和供应业
    div(
        "44",
        'D',
        "电力、热力生产和供应业",
        "Production and supply of electricity and heat",
    ),
    div(
        "45",
        'D',
        "燃气生产和供应业",
        "Production and supply of gas",
    ),
    div(
        "46",
        'D',
        "水的生产和供应业",
        "Production and supply of water",
    ),
    // E 建筑业
    div("47", 'E', "房屋建筑业", "Construction of buildings"),
    div("48", 'E', "土木工程建筑业", "Civil engineering"),
    div("49", 'E', "建筑安装业", "Building installation"),
    div(
        "50",
        'E',
        "建筑装饰、装修和其他建筑业",
        "Building decoration, renovation and other construction",
    ),
    // F 批发和零售业
    div("51", 'F', "批发业", "Wholesale trade"),
    div("52", 'F', "零售业", "Retail trade"),
    // G 交通运输、仓储和邮政业
    div("53", 'G', "铁路运输业", "Rail transport"),
    div("54", 'G', "道路运输业", "Road transport"),
    div("55", 'G', "水上运输业", "Water transport"),
    div("56", 'G', "航空运输业", "Air transport"),
    div("57", 'G', "管道运输业", "Pipeline transport"),
    div(
        "58",
        'G',
        "多式联运和运输代理业",
        "Multimodal transport and freight forwarding",
    ),
    div(
        "59",
        'G',
        "装卸搬运和仓储业",
        "Cargo handling and warehousing",
    ),
    div("60", 'G', "邮政业", "Postal services"),
    // H 住宿和餐饮业
    div("61", 'H', "住宿业", "Accommodation"),
    div("62", 'H', "餐饮业", "Food and beverage services"),
    // I 信息传输、软件和信息技术服务业
    div(
        "63",
        'I',
        "电信、广播电视和卫星传输服务",
        "Telecommunications, broadcasting and satellite transmission services",
    ),
    div(
        "64",
        'I',
        "互联网和相关服务",
        "Internet and related services",
    ),
    div(
        "65",
        'I',
        "软件和信息技术服务业",
        "Software and information technology services",
    ),
    // J 金融业
    div("66", 'J', "货币金融服务", "Monetary and financial services"),
    div("67", 'J', "资本市场服务", "Capital market services"),
    div("68", 'J', "保险业", "Insurance"),
    div("69", 'J', "其他金融业", "Other financial services"),
    // K 房地产业
    div("70", 'K', "房地产业", "Real estate"),
    // L 租赁和商务服务业
    div("71", 'L', "租赁业", "Leasing"),
    div("72", 'L', "商务服务业", "Business services"),
    // M 科学研究和技术服务业
    div(
        "73",
        'M',
        "研究和试验发展",
        "Research and experimental development",
    ),
    div(
        "74",
        'M',
        "专业技术服务业",
        "Professional technical services",
    ),
    div(
        "75",
        'M',
        "科技推广和应用服务业",
        "Technology promotion and application services",
    ),
    // N 水利、环境和公共设施管理业
    div("76", 'N', "水利管理业", "Water conservancy management"),
    div(
        "77",
        'N',
        "生态保护和环境治理业",
        "Ecological protection and environmental management",
    ),
    div("78", 'N', "公共设施管理业", "Public facilities management"),
    div("79", 'N', "土地管理业", "Land management"),
    // O 居民服务、修理和其他服务业
    div("80", 'O', "居民服务业", "Resident services"),
    div(
        "81",
        'O',
        "机动车、电子产品和日用产品修理业",
        "Repair of motor vehicles, electronic products and household goods",
    ),
    div("82", 'O', "其他服务业", "Other services"),
    // P 教育
    div("83", 'P', "教育", "Education"),
    // Q 卫生和社会工作
    div("84", 'Q', "卫生", "Health"),
    div("85", 'Q', "社会工作", "Social work"),
    // R 文化、体育和娱乐业
    div("86", 'R', "新闻和出版业", "News and publishing"),
    div(
        "87",
        'R',
        "广播、电视、电影和录音制作业",
        "Radio, television, film and sound recording production",
    ),
    div("88", 'R', "文化艺术业", "Culture and arts"),
    div("89", 'R', "体育", "Sports"),
    div("90", 'R', "娱乐业", "Entertainment"),
    // S 公共管理、社会保障和社会组织
    div(
        "91",
        'S',
        "中国共产党机关",
        "Organs of the Communist Party of China",
    ),
    div("92", 'S', "国家机构", "State organs"),
    div(
        "93",
        'S',
        "人民政协、民主党派",
        "CPPCC and democratic parties",
    ),
    div("94", 'S', "社会保障", "Social security"),
    div(
        "95",
        'S',
        "群众团体、社会团体和其他成员组织",
        "Mass organisations, social organisations and other membership organisations",
    ),
    div(
        "96",
        'S',
        "基层群众自治组织及其他组织",
        "Grassroots self-governing organisations and other organisations",
    ),
    // T 国际组织
    div("97", 'T', "国际组织", "International organisations"),
];

/// The section with this letter (either case), if GB/T 4754-2017 has one.
pub fn section(code: char) -> Option<&'static Section> {
    let code = code.to_ascii_uppercase();
    SECTION_TABLE.iter().find(|s| s.code == code)
}

/// The division with this exact two-digit code (such as `"39"`), if it exists.
pub fn division(code: &str) -> Option<&'static Division> {
    DIVISIONS.iter().find(|d| d.code == code)
}

/// A division with its name in `locale`, e.g. `C34 通用设备制造业`.
pub fn division_label(code: &str, locale: crate::domain::locale::Locale) -> Option<String> {
    division(code).map(|d| {
        format!(
            "{}{} {}",
            d.section,
            d.code,
            locale.pick(d.name_zh, d.name_en)
        )
    })
}

/// A section with its name in `locale`, e.g. `C 制造业`.
pub fn section_label(code: &str, locale: crate::domain::locale::Locale) -> Option<String> {
    let s = section(code.chars().next()?)?;
    Some(format!("{} {}", s.code, locale.pick(s.name_zh, s.name_en)))
}

/// The divisions of one section (letter in either case), in code order.
pub fn divisions_of(section: char) -> impl Iterator<Item = &'static Division> {
    let section = section.to_ascii_uppercase();
    DIVISIONS.iter().filter(move |d| d.section == section)
}

/// The letter of the section a division code belongs to, or `'?'` if the code is unknown.
fn owning_section(division_code: &str) -> char {
    division(division_code).map_or('?', |d| d.section)
}

/// A section and division that exist and belong together, such as C (制造业) / 39.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IndustryCode {
    section: char,
    division: String,
}

/// Why a section/division pair was refused, so the message can say what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndustryError {
    /// The section is not a single letter A-T.
    #[error("industry section '{0}' is unknown: use one letter A-T (GB/T 4754-2017 门类)")]
    UnknownSection(String),
    /// The division is not a two-digit code that exists in the standard.
    #[error(
        "industry division '{0}' is unknown: use a two-digit code 01-97 \
         (GB/T 4754-2017 大类), such as 39"
    )]
    UnknownDivision(String),
    /// Both exist, but the division belongs to another section.
    #[error(
        "industry division {division} is not in section {section} but in section {owner}: \
         change the section or pick a division of section {section}",
        owner = owning_section(.division)
    )]
    Mismatch {
        /// The (valid) section that was given.
        section: char,
        /// The (valid) division that was given.
        division: String,
    },
}

impl IndustryError {
    /// The translation key for the form field message.
    pub fn message_key(&self) -> &'static str {
        match self {
            IndustryError::UnknownSection(_) => "field.industry_section",
            IndustryError::UnknownDivision(_) => "field.industry_division",
            IndustryError::Mismatch { .. } => "field.industry_mismatch",
        }
    }
}

impl IndustryCode {
    /// Checks a section letter (A-T, either case, trimmed) and a two-digit division of it.
    pub fn parse(section: &str, division: &str) -> Result<Self, IndustryError> {
        let raw_section = section.trim();
        let mut chars = raw_section.chars();
        let letter = match (chars.next(), chars.next()) {
            (Some(c), None) => self::section(c).map(|s| s.code),
            _ => None,
        }
        .ok_or_else(|| IndustryError::UnknownSection(raw_section.to_string()))?;

        let raw_division = division.trim();
        let found =
            if raw_division.len() == 2 && raw_division.bytes().all(|b| b.is_ascii_digit()) {
                self::division(raw_division)
            } else {
                None
            }
            .ok_or_else(|| IndustryError::UnknownDivision(raw_division.to_string()))?;

        if found.section != letter {
            return Err(IndustryError::Mismatch {
                section: letter,
                division: found.code.to_string(),
            });
        }
        Ok(IndustryCode {
            section: letter,
            division: found.code.to_string(),
        })
    }

    /// The section letter, upper case.
    pub fn section(&self) -> char {
        self.section
    }

    /// The two-digit division code.
    pub fn division(&self) -> &str {
        &self.division
    }
}

impl fmt::Display for IndustryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.section, self.division)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(d: &Division) -> u8 {
        d.code.parse().unwrap()
    }

    #[test]
    fn every_division_lies_in_its_sections_range() {
        for d in DIVISIONS {
            assert_eq!(d.code.len(), 2, "{}", d.code);
            let s = section(d.section).unwrap();
            assert!(
                s.divisions.contains(&number(d)),
                "{} not in {}",
                d.code,
                s.code
            );
        }
    }

    #[test]
    fn division_codes_are_unique_sorted_and_complete() {
        assert_eq!(DIVISIONS.len(), 97);
        for (i, d) in DIVISIONS.iter().enumerate() {
            assert_eq!(usize::from(number(d)), i + 1, "{}", d.code);
        }
        assert!(DIVISIONS.windows(2).all(|w| w[0].code < w[1].code));
    }

    #[test]
    fn sections_are_ordered_and_contiguous() {
        let letters: String = SECTIONS.iter().map(|s| s.code).collect();
        assert_eq!(letters, "ABCDEFGHIJKLMNOPQRST");
        assert_eq!(*SECTIONS[0].divisions.start(), 1);
        assert_eq!(*SECTIONS[19].divisions.end(), 97);
        for w in SECTIONS.windows(2) {
            assert_eq!(*w[0].divisions.end() + 1, *w[1].divisions.start());
        }
    }

    #[test]
    fn every_number_in_a_section_range_has_a_division() {
        for s in &SECTIONS {
            assert_eq!(
                divisions_of(s.code).count(),
                s.divisions.clone().count(),
                "{}",
                s.code
            );
            for n in s.divisions.clone() {
                let d = division(&format!("{n:02}")).unwrap();
                assert_eq!(d.section, s.code);
            }
        }
    }

    #[test]
    fn manufacturing_has_31_divisions() {
        let c: Vec<_> = divisions_of('C').map(|d| d.code).collect();
        assert_eq!(c.len(), 31);
        assert_eq!(c.first(), Some(&"13"));
        assert_eq!(c.last(), Some(&"43"));
        assert_eq!(section('c').unwrap().name_zh, "制造业");
        assert_eq!(
            division("39").unwrap().name_zh,
            "计算机、通信和其他电子设备制造业"
        );
    }

    #[test]
    fn lookups_refuse_unknown_codes() {
        assert!(section('U').is_none());
        assert!(division("98").is_none());
        assert!(division("00").is_none());
        assert!(division("9").is_none());
        assert_eq!(divisions_of('Z').count(), 0);
    }

    #[test]
    fn parse_accepts_matching_pair() {
        let code = IndustryCode::parse(" c ", " 39 ").unwrap();
        assert_eq!(code.section(), 'C');
        assert_eq!(code.division(), "39");
        assert_eq!(code.to_string(), "C39");
        assert!(IndustryCode::parse("K", "70").is_ok());
    }

    #[test]
    fn parse_refuses_mismatch() {
        let err = IndustryCode::parse("C", "63").unwrap_err();
        assert_eq!(
            err,
            IndustryError::Mismatch {
                section: 'C',
                division: "63".to_string()
            }
        );
        assert_eq!(err.message_key(), "field.industry_mismatch");
        assert!(err.to_string().contains("in section I"));
    }

    #[test]
    fn parse_refuses_unknown_section_and_division() {
        let err = IndustryCode::parse("Z", "01").unwrap_err();
        assert_eq!(err, IndustryError::UnknownSection("Z".to_string()));
        assert_eq!(err.message_key(), "field.industry_section");
        assert!(IndustryCode::parse("", "01").is_err());
        assert!(IndustryCode::parse("CC", "39").is_err());

        let err = IndustryCode::parse("C", "99").unwrap_err();
        assert_eq!(err, IndustryError::UnknownDivision("99".to_string()));
        assert_eq!(err.message_key(), "field.industry_division");
        assert!(IndustryCode::parse("A", "1").is_err());
        assert!(IndustryCode::parse("A", "001").is_err());
        assert!(IndustryCode::parse("A", "").is_err());
    }
}
