//! The demo data generator: a seeded, deterministic stream of realistic Qingdao
//! enterprises, each with its record, titles (and their events), board history,
//! four years of annual data. Pure: no database; `demo` stores what it yields
//! (with the index data of [`super::index_data`]).
//!
//! The default set reproduces the seed's numbers exactly: 16 national "little giants",
//! 104 provincial and 515 municipal SRDI enterprises with their title in force today,
//! plus 400 innovative SMEs and 300 enterprises without a title. Larger sets scale
//! every count in proportion.
//!
//! Title dates follow a schedule anchored on today, so that whatever the day, one
//! batch of each level is due for re-review within 90 days (the enterprises put on it
//! are counted), every other batch is either comfortably in force or expired.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Days, Months, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use super::names::{self, District, INDUSTRIES, Industry};
use super::pipeline::{self, DocRefs, Pipeline, Placement, Slot};
use crate::domain::annual::AnnualFigures;
use crate::domain::assessment::RecordFacts;
use crate::domain::credit_code::CreditCode;
use crate::domain::cultivation::{self, CultivationFacts, GateItem};
use crate::domain::enterprise::EnterpriseData;
use crate::domain::qualification::{self, Level, Status};
use crate::domain::tier::{BoardAction, CompanyType, Tier};

/// National "little giants" with a title in force in the default set (the seed's number).
pub const SEED_NATIONAL: usize = 16;
/// Provincial SRDI enterprises in the default set (the seed's number).
pub const SEED_PROVINCIAL: usize = 104;
/// Municipal SRDI enterprises in the default set (the seed's number).
pub const SEED_MUNICIPAL: usize = 515;
/// Innovative SMEs in the default set.
pub const SEED_INNOVATIVE: usize = 400;
/// Enterprises without a title in force in the default set.
pub const SEED_UNTITLED: usize = 300;
/// The size of the default set.
pub const DEFAULT_COUNT: usize =
    SEED_NATIONAL + SEED_PROVINCIAL + SEED_MUNICIPAL + SEED_INNOVATIVE + SEED_UNTITLED;
/// The smallest set that still holds the three featured enterprises.
pub const MIN_COUNT: usize = 10;
/// Years of annual data per enterprise, ending last year (the index's periods).
pub const YEARS: usize = 4;
/// The default seed (the board's opening day).
pub const DEFAULT_SEED: u64 = 20_220_708;

/// The board's opening day (the seed's "July 2022").
pub fn board_opened() -> NaiveDate {
    // A valid constant date.
    NaiveDate::from_ymd_opt(2022, 7, 8).unwrap_or(NaiveDate::MIN)
}

/// How many enterprises end up at each current level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub national: usize,
    pub provincial: usize,
    pub municipal: usize,
    pub innovative: usize,
    pub untitled: usize,
}

impl Counts {
    /// The seed's proportions scaled to `total` (the default total gives the seed's numbers).
    /// Every SRDI level keeps at least one enterprise (the featured ones need them).
    pub fn for_total(total: usize) -> Counts {
        let total = total.max(MIN_COUNT);
        let scale = |n: usize| ((n * total) as f64 / DEFAULT_COUNT as f64).round() as usize;
        let national = scale(SEED_NATIONAL).max(1);
        let provincial = scale(SEED_PROVINCIAL).max(1);
        let municipal = scale(SEED_MUNICIPAL).max(1);
        let titled = national + provincial + municipal;
        let innovative = scale(SEED_INNOVATIVE).min(total - titled);
        Counts {
            national,
            provincial,
            municipal,
            innovative,
            untitled: total - titled - innovative,
        }
    }

    /// The count of a current level (`None`: no title in force).
    pub fn of(&self, level: Option<Level>) -> usize {
        match level {
            Some(Level::National) => self.national,
            Some(Level::Provincial) => self.provincial,
            Some(Level::Municipal) => self.municipal,
            Some(Level::InnovativeSme) => self.innovative,
            None => self.untitled,
        }
    }
}

/// What the generator is asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// How many enterprises (at least [`MIN_COUNT`]).
    pub count: usize,
    /// The same seed and day give the same data.
    pub seed: u64,
    /// The day titles are "in force" on (the app's today).
    pub today: NaiveDate,
}

/// One event of a title, as `qualification_events` stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct TitleEvent {
    /// `grant`, `re_review` or `revoke`.
    pub action: &'static str,
    pub on_date: NaiveDate,
    pub expires_before: Option<NaiveDate>,
    pub expires_after: Option<NaiveDate>,
    pub note: String,
}

/// A title with its history.
#[derive(Debug, Clone, PartialEq)]
pub struct Title {
    pub level: Level,
    pub batch: String,
    pub recognized_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub revoked_on: Option<NaiveDate>,
    pub revoke_reason: Option<String>,
    pub events: Vec<TitleEvent>,
}

impl Title {
    /// Its status on `today`.
    pub fn status(&self, today: NaiveDate) -> Status {
        qualification::status(self.expires_on, self.revoked_on, today)
    }
}

/// One row of board history.
#[derive(Debug, Clone, PartialEq)]
pub struct Move {
    pub action: BoardAction,
    pub from: Option<Tier>,
    pub to: Option<Tier>,
    pub source_board: String,
    pub reason: String,
    pub on: NaiveDate,
}

/// A generated enterprise with everything that hangs off it.
#[derive(Debug, Clone)]
pub struct GenEnterprise {
    /// The record (it passes the record form's rules).
    pub data: EnterpriseData,
    /// Titles, oldest first.
    pub titles: Vec<Title>,
    /// The highest title in force today and its expiry (what `refresh_level` stores).
    pub level: Option<(Level, NaiveDate)>,
    /// Board history, oldest first.
    pub moves: Vec<Move>,
    /// The current tier and since when (after the last move; `None` when off the board).
    pub tier: Option<(Tier, NaiveDate)>,
    /// Annual data, oldest year first.
    pub years: Vec<AnnualFigures>,
    /// Its IPO cultivation, when it is in the pipeline (or was, before an exit).
    pub pipeline: Option<Pipeline>,
}

impl GenEnterprise {
    /// What the rubrics read from the record, as `models::rubric::facts` builds it.
    pub fn facts(&self) -> RecordFacts {
        RecordFacts {
            niche_since: self.data.niche_since,
            product_field: self.data.product_field,
            strategic_emerging: self.data.strategic_emerging,
            meets_common_gate: self.data.meets_common_gate,
            high_tech_title: self.data.high_tech_title,
            sci_award_year: self.data.sci_award_year,
            holds_srdi: self.level.is_some_and(|(l, _)| l >= Level::Provincial),
        }
    }

    /// What the cultivation checklists read on `today`, as `models::cultivation::facts`
    /// builds them (no rubric results counted); `None` outside the pipeline.
    pub fn cultivation_facts(&self, today: NaiveDate) -> Option<CultivationFacts> {
        self.pipeline.as_ref().map(|p| {
            p.facts_on(
                today,
                self.data.company_type,
                self.level.map(|l| l.0),
                self.tier.map(|t| t.0),
            )
        })
    }
}

/// A hand-written enterprise that is always in the set: the enterprise account's own
/// (the first one: the "already loaded" marker) and two more the README can point to.
struct Featured {
    first16: &'static str,
    name: &'static str,
    district: &'static str,
    division: &'static str,
    niche: usize,
    level: Level,
    joint_stock: bool,
    recommender: &'static str,
    /// The tiers it went through, entering at the first.
    path: &'static [Tier],
    /// Entered by transfer from this board.
    transfer_from: Option<&'static str>,
    legal_representative: &'static str,
    contact_name: &'static str,
    contact_email: &'static str,
}

const FEATURED: [Featured; 3] = [
    Featured {
        first16: "9137021258674123",
        name: "青岛海纳精密制造股份有限公司",
        district: "370212",
        division: "34",
        niche: 1,
        level: Level::Provincial,
        joint_stock: true,
        recommender: "中信证券",
        path: &[Tier::Display, Tier::Custody],
        transfer_from: None,
        legal_representative: "刘海涛",
        contact_name: "孙丽娜",
        contact_email: "ir@haina-precision.example.cn",
    },
    Featured {
        first16: "9137021157736912",
        name: "青岛蓝湾海洋生物科技有限公司",
        district: "370211",
        division: "27",
        niche: 0,
        level: Level::National,
        joint_stock: false,
        recommender: "",
        path: &[Tier::Display],
        transfer_from: None,
        legal_representative: "于振华",
        contact_name: "王倩",
        contact_email: "office@lanwan-bio.example.cn",
    },
    Featured {
        first16: "9137028155620347",
        name: "胶州智联工业软件有限公司",
        district: "370281",
        division: "65",
        niche: 0,
        level: Level::Municipal,
        joint_stock: false,
        recommender: "",
        path: &[Tier::Display],
        transfer_from: Some("成长板"),
        legal_representative: "张建国",
        contact_name: "李晓",
        contact_email: "service@zhilian-soft.example.cn",
    },
];

/// One of the hand-written enterprises the README points to.
pub fn is_featured(e: &GenEnterprise) -> bool {
    FEATURED.iter().any(|f| f.name == e.data.name)
}

/// The credit code of the enterprise the demo's enterprise account belongs to; its
/// presence means the demo data is already loaded.
pub fn marker_code() -> Option<CreditCode> {
    CreditCode::complete(FEATURED[0].first16)
}

/// Titles that make a generated enterprise interesting beyond its level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Special {
    Normal,
    /// The top title expires within the review window.
    DueSoon,
    /// A (higher) title was revoked.
    Revoked,
    /// No title in force, but an expired one.
    Lapsed,
}

#[derive(Debug, Clone, Copy)]
struct Target {
    level: Option<Level>,
    special: Special,
    /// Leave a few figures empty.
    missing: bool,
    featured: Option<usize>,
    /// Where it stands in IPO cultivation.
    placement: Option<Placement>,
}

/// One recognition batch of a level.
#[derive(Debug, Clone)]
struct Batch {
    /// Position relative to the batch that is due for re-review now (k = 0).
    k: i32,
    date: NaiveDate,
    label: String,
}

/// (months between batches, days the k = 0 batch expires after today, first batch ever).
fn cadence(level: Level) -> (u32, u64, (i32, u32, u32)) {
    match level {
        Level::National => (12, 70, (2019, 1, 1)),
        Level::Provincial => (12, 55, (2016, 1, 1)),
        Level::Municipal => (6, 40, (2016, 1, 1)),
        Level::InnovativeSme => (6, 25, (2022, 6, 1)),
    }
}

fn batch_label(level: Level, date: NaiveDate) -> String {
    let year = date.year();
    let half = if date.month() <= 6 { "一" } else { "二" };
    match level {
        Level::National => format!("第{}批专精特新“小巨人”企业", names::cn_number(year - 2018)),
        Level::Provincial => format!("{year}年山东省专精特新中小企业"),
        Level::Municipal => format!("{year}年青岛市第{half}批专精特新中小企业"),
        Level::InnovativeSme => format!("{year}年第{half}批创新型中小企业"),
    }
}

/// The batches of a level up to today, oldest first.
fn schedule(level: Level, today: NaiveDate) -> Vec<Batch> {
    let (period, offset, (y, m, d)) = cadence(level);
    let start = NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN);
    let anchor = today
        .checked_sub_months(Months::new(qualification::VALIDITY_MONTHS))
        .and_then(|a| a.checked_add_days(Days::new(offset)))
        .unwrap_or(today);
    let mut out = Vec::new();
    for k in -16i32..=16 {
        let shift = Months::new(period * k.unsigned_abs());
        let date = if k < 0 {
            anchor.checked_sub_months(shift)
        } else {
            anchor.checked_add_months(shift)
        };
        if let Some(date) = date
            && date >= start
            && date <= today
        {
            out.push(Batch {
                k,
                date,
                label: batch_label(level, date),
            });
        }
    }
    out
}

/// The seeded generator; an iterator of enterprises.
pub struct Generator {
    rng: StdRng,
    today: NaiveDate,
    targets: Vec<Target>,
    next: usize,
    schedules: [Vec<Batch>; 4],
    used_codes: HashSet<String>,
    used_names: HashSet<String>,
    domains: HashMap<String, u32>,
    district_weights: Vec<u32>,
    industry_weights: Vec<u32>,
    /// The checklists a fresh database has (the demo loads into a fresh one).
    gate_items: Vec<GateItem>,
    doc_refs: DocRefs,
}

fn level_index(level: Level) -> usize {
    match level {
        Level::InnovativeSme => 0,
        Level::Municipal => 1,
        Level::Provincial => 2,
        Level::National => 3,
    }
}

/// An element of a non-empty constant table.
fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    // Only called on the constant tables of `names` and on lists checked non-empty.
    &items[rng.random_range(0..items.len())]
}

/// An index drawn with the given weights.
fn weighted(rng: &mut StdRng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut x = rng.random_range(0..total.max(1));
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

/// Uniform in [lo, hi].
fn uniform(rng: &mut StdRng, (lo, hi): (f64, f64)) -> f64 {
    if hi <= lo {
        lo
    } else {
        rng.random_range(lo..=hi)
    }
}

/// Log-uniform in [lo, hi] (many small, few large: how company sizes spread).
fn log_uniform(rng: &mut StdRng, (lo, hi): (f64, f64)) -> f64 {
    uniform(rng, (lo.ln(), hi.ln())).exp()
}

fn int_in(rng: &mut StdRng, (lo, hi): (i32, i32)) -> i32 {
    if hi <= lo {
        lo
    } else {
        rng.random_range(lo..=hi)
    }
}

/// Whole hundreds of yuan: what a form in 万元 with two decimals can show.
fn money(x: f64) -> i64 {
    (x / 100.0).round() as i64 * 100
}

fn days_between(rng: &mut StdRng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days();
    if span <= 0 {
        from
    } else {
        from + chrono::Duration::days(rng.random_range(0..=span))
    }
}

/// The annual-data ranges of a level.
struct Profile {
    /// Last year's revenue, yuan (log-uniform).
    revenue: (f64, f64),
    /// R&D expense / revenue, percent.
    rd: (f64, f64),
    /// Main business / revenue, percent.
    main_share: (f64, f64),
    /// Main-business growth a year, percent.
    growth: (f64, f64),
    margin: (f64, f64),
    debt: (f64, f64),
    ip1: (i32, i32),
    ip2: (i32, i32),
    /// R&D staff / employees, percent.
    rd_staff: (f64, f64),
    digital: (i32, i32),
    institution: (i32, i32),
    quality: (i32, i32),
    market_share: (f64, f64),
    brand: f64,
    distinctive: (f64, f64),
    /// Chance of new equity financing in a year.
    equity: f64,
    /// Least R&D expense (SRDI rules want >= 1 million yuan).
    rd_floor: f64,
}

fn profile(level: Option<Level>) -> Profile {
    match level {
        Some(Level::National) => Profile {
            revenue: (1.0e8, 2.0e9),
            rd: (4.0, 9.0),
            main_share: (80.0, 98.0),
            growth: (5.0, 25.0),
            margin: (6.0, 18.0),
            debt: (25.0, 60.0),
            ip1: (12, 60),
            ip2: (20, 120),
            rd_staff: (15.0, 35.0),
            digital: (3, 4),
            institution: (3, 4),
            quality: (2, 4),
            market_share: (10.0, 35.0),
            brand: 1.0,
            distinctive: (10.0, 15.0),
            equity: 0.15,
            rd_floor: 1.05e6,
        },
        Some(Level::Provincial) => Profile {
            revenue: (3.5e7, 5.0e8),
            rd: (3.2, 7.0),
            main_share: (75.0, 96.0),
            growth: (3.0, 22.0),
            margin: (4.0, 15.0),
            debt: (28.0, 62.0),
            ip1: (5, 30),
            ip2: (10, 60),
            rd_staff: (10.0, 30.0),
            digital: (2, 4),
            institution: (2, 4),
            quality: (1, 4),
            market_share: (3.0, 15.0),
            brand: 0.9,
            distinctive: (8.0, 14.0),
            equity: 0.1,
            rd_floor: 1.05e6,
        },
        Some(Level::Municipal) => Profile {
            revenue: (1.0e7, 2.0e8),
            rd: (2.5, 6.0),
            main_share: (65.0, 95.0),
            growth: (0.0, 18.0),
            margin: (2.0, 12.0),
            debt: (30.0, 65.0),
            ip1: (2, 15),
            ip2: (5, 40),
            rd_staff: (8.0, 25.0),
            digital: (1, 3),
            institution: (1, 3),
            quality: (0, 3),
            market_share: (0.5, 8.0),
            brand: 0.75,
            distinctive: (6.0, 12.0),
            equity: 0.06,
            rd_floor: 0.0,
        },
        Some(Level::InnovativeSme) => Profile {
            revenue: (5.0e6, 8.0e7),
            rd: (1.5, 6.0),
            main_share: (55.0, 95.0),
            growth: (-3.0, 15.0),
            margin: (0.0, 12.0),
            debt: (30.0, 65.0),
            ip1: (1, 8),
            ip2: (2, 25),
            rd_staff: (5.0, 20.0),
            digital: (1, 3),
            institution: (0, 2),
            quality: (0, 2),
            market_share: (0.1, 3.0),
            brand: 0.6,
            distinctive: (5.0, 10.0),
            equity: 0.04,
            rd_floor: 0.0,
        },
        None => Profile {
            revenue: (5.0e5, 3.0e7),
            rd: (0.3, 4.0),
            main_share: (40.0, 100.0),
            growth: (-10.0, 20.0),
            margin: (-8.0, 10.0),
            debt: (25.0, 80.0),
            ip1: (0, 3),
            ip2: (0, 12),
            rd_staff: (0.0, 15.0),
            digital: (1, 2),
            institution: (0, 1),
            quality: (0, 1),
            market_share: (0.0, 1.0),
            brand: 0.4,
            distinctive: (5.0, 9.0),
            equity: 0.02,
            rd_floor: 0.0,
        },
    }
}

/// Per level (None last): (chance of joint stock, of a shareholder register when not
/// joint stock, of a recommending institution when joint stock, of being on the board,
/// of listing when eligible).
fn board_odds(level: Option<Level>) -> (f64, f64, f64, f64, f64) {
    match level {
        Some(Level::National) => (0.85, 0.8, 0.9, 1.0, 0.7),
        Some(Level::Provincial) => (0.6, 0.6, 0.6, 0.97, 0.45),
        Some(Level::Municipal) => (0.25, 0.4, 0.3, 0.93, 0.2),
        Some(Level::InnovativeSme) => (0.08, 0.2, 0.1, 0.3, 0.1),
        None => (0.03, 0.1, 0.05, 0.06, 0.1),
    }
}

impl Generator {
    /// A generator of `opts.count` enterprises (at least [`MIN_COUNT`]).
    pub fn new(opts: &Options) -> Generator {
        let mut rng = StdRng::seed_from_u64(opts.seed);
        let count = opts.count.max(MIN_COUNT);
        let counts = Counts::for_total(count);
        let factor = count as f64 / DEFAULT_COUNT as f64;
        let scaled = |n: f64| (n * factor).round() as usize;

        let mut featured_left = [0usize; 5];
        let slot = |l: Option<Level>| l.map_or(4, level_index);
        for f in &FEATURED {
            featured_left[slot(Some(f.level))] += 1;
        }
        let mut targets: Vec<Target> = Vec::with_capacity(count);
        // (level, due for review, revoked, lapsed) per level, from the default set's
        // numbers: 29 due (20-40 wanted), 3 revoked, 45 lapsed.
        let plan: [(Option<Level>, usize, usize, usize); 5] = [
            (Some(Level::National), scaled(1.0), 0, 0),
            (Some(Level::Provincial), scaled(4.0), 0, 0),
            (Some(Level::Municipal), scaled(14.0), scaled(1.0), 0),
            (Some(Level::InnovativeSme), scaled(10.0), scaled(1.0), 0),
            (None, 0, scaled(1.0), scaled(45.0)),
        ];
        for (level, due, revoked, lapsed) in plan {
            let n = counts.of(level).saturating_sub(featured_left[slot(level)]);
            let mut specials = Vec::with_capacity(n);
            specials.extend(std::iter::repeat_n(Special::DueSoon, due));
            specials.extend(std::iter::repeat_n(Special::Revoked, revoked));
            specials.extend(std::iter::repeat_n(Special::Lapsed, lapsed));
            specials.truncate(n);
            specials.resize(n, Special::Normal);
            targets.extend(specials.into_iter().map(|special| Target {
                level,
                special,
                missing: false,
                featured: None,
                placement: None,
            }));
        }
        targets.shuffle(&mut rng);
        // A handful with gaps in their data (8 in the default set), at random places.
        let missing = scaled(8.0).max(1);
        let mut order: Vec<usize> = (0..targets.len()).collect();
        order.shuffle(&mut rng);
        for i in order.into_iter().take(missing) {
            targets[i].missing = true;
        }
        // The featured ones come last: the marker is stored in the last transaction,
        // so a load that stopped half-way is not taken for a complete one.
        targets.extend((0..FEATURED.len()).map(|i| Target {
            level: Some(FEATURED[i].level),
            special: Special::Normal,
            missing: false,
            featured: Some(i),
            placement: None,
        }));
        // The pipeline, planned over the whole (shuffled) set.
        let slots: Vec<Slot> = targets
            .iter()
            .map(|t| Slot {
                level: t.level,
                marker: t.featured == Some(0),
                eligible: t.featured.is_none(),
            })
            .collect();
        for (t, p) in targets.iter_mut().zip(pipeline::plan(&slots, factor)) {
            t.placement = p;
        }

        let today = opts.today;
        let mut used_codes = HashSet::with_capacity(count);
        let mut used_names = HashSet::with_capacity(count);
        for f in &FEATURED {
            if let Some(c) = CreditCode::complete(f.first16) {
                used_codes.insert(c.as_str().to_string());
            }
            used_names.insert(f.name.to_string());
        }
        Generator {
            rng,
            today,
            targets,
            next: 0,
            schedules: [
                schedule(Level::InnovativeSme, today),
                schedule(Level::Municipal, today),
                schedule(Level::Provincial, today),
                schedule(Level::National, today),
            ],
            used_codes,
            used_names,
            domains: HashMap::new(),
            district_weights: names::DISTRICTS.iter().map(|d| d.weight).collect(),
            industry_weights: INDUSTRIES.iter().map(|i| i.weight).collect(),
            gate_items: cultivation::default_gate_items(),
            doc_refs: DocRefs::default(),
        }
    }

    /// How many enterprises the generator yields in all.
    pub fn total(&self) -> usize {
        self.targets.len()
    }

    fn batches(&self, level: Level) -> &[Batch] {
        &self.schedules[level_index(level)]
    }

    /// A random batch of `level` among those `keep` accepts.
    fn batch_where(&mut self, level: Level, keep: impl Fn(&Batch) -> bool) -> Option<Batch> {
        let found: Vec<Batch> = self
            .batches(level)
            .iter()
            .filter(|b| keep(b))
            .cloned()
            .collect();
        if found.is_empty() {
            None
        } else {
            Some(pick(&mut self.rng, &found).clone())
        }
    }

    fn title(&mut self, level: Level, batch: &Batch, re_review: bool) -> Title {
        let recognized_on = batch.date;
        let first_expiry = qualification::default_expiry(recognized_on);
        let mut t = Title {
            level,
            batch: batch.label.clone(),
            recognized_on,
            expires_on: first_expiry,
            revoked_on: None,
            revoke_reason: None,
            events: vec![TitleEvent {
                action: "grant",
                on_date: recognized_on,
                expires_before: None,
                expires_after: Some(first_expiry),
                note: String::new(),
            }],
        };
        if re_review {
            let extended = qualification::default_expiry(first_expiry);
            let on = first_expiry - chrono::Duration::days(self.rng.random_range(5..60));
            t.expires_on = extended;
            t.events.push(TitleEvent {
                action: "re_review",
                on_date: on,
                expires_before: Some(first_expiry),
                expires_after: Some(extended),
                note: "复核通过".into(),
            });
        }
        t
    }

    fn revoke(&mut self, t: &mut Title) {
        let latest = self.today - chrono::Duration::days(7);
        let on = (t.recognized_on + chrono::Duration::days(self.rng.random_range(90..400)))
            .min(latest)
            .max(t.recognized_on + chrono::Duration::days(1));
        let reason = pick(&mut self.rng, names::REVOKE_REASONS).to_string();
        t.revoked_on = Some(on);
        t.revoke_reason = Some(reason.clone());
        t.events.push(TitleEvent {
            action: "revoke",
            on_date: on,
            expires_before: Some(t.expires_on),
            expires_after: Some(t.expires_on),
            note: reason,
        });
    }

    /// A batch of `level` whose titles are in force and not yet due for re-review.
    fn normal_batch(&mut self, level: Level) -> Option<Batch> {
        let latest = self.today - chrono::Duration::days(14);
        self.batch_where(level, |b| b.k >= 1 && b.date <= latest)
            .or_else(|| self.batch_where(level, |b| b.k >= 1))
    }

    /// The titles of an enterprise that is to end up at `t.level`, oldest first.
    fn titles(&mut self, t: &Target) -> Vec<Title> {
        let today = self.today;
        let mut titles = Vec::new();
        match t.level {
            Some(level) => {
                let rereviewable = |b: &Batch| {
                    b.k <= -1
                        && qualification::status(
                            qualification::default_expiry(qualification::default_expiry(b.date)),
                            None,
                            today,
                        ) == Status::InForce
                };
                let top = if t.special == Special::DueSoon {
                    self.batch_where(level, |b| b.k == 0)
                        .map(|b| self.title(level, &b, false))
                } else if self.rng.random_bool(0.12)
                    && let Some(b) = self.batch_where(level, rereviewable)
                {
                    Some(self.title(level, &b, true))
                } else {
                    self.normal_batch(level)
                        .map(|b| self.title(level, &b, false))
                };
                let Some(top) = top else {
                    return titles;
                };
                // Lower titles held on the way up; never from a due batch, so the
                // "due for re-review" count stays what the plan says.
                let mut before = top.recognized_on;
                titles.push(top);
                let chain: &[(Level, f64)] = match level {
                    Level::National => &[
                        (Level::Provincial, 1.0),
                        (Level::Municipal, 0.7),
                        (Level::InnovativeSme, 0.15),
                    ],
                    Level::Provincial => &[(Level::Municipal, 0.8), (Level::InnovativeSme, 0.25)],
                    Level::Municipal => &[(Level::InnovativeSme, 0.35)],
                    Level::InnovativeSme => &[],
                };
                for &(lower, p) in chain {
                    if !self.rng.random_bool(p) {
                        continue;
                    }
                    let limit = before - chrono::Duration::days(90);
                    match self.batch_where(lower, |b| b.k != 0 && b.date <= limit) {
                        Some(b) => {
                            before = b.date;
                            let title = self.title(lower, &b, false);
                            titles.push(title);
                        }
                        None => break,
                    }
                }
                if t.special == Special::Revoked {
                    // A higher title granted, then withdrawn.
                    let higher = match level {
                        Level::InnovativeSme => Some(Level::Municipal),
                        Level::Municipal => Some(Level::Provincial),
                        _ => None,
                    };
                    if let Some(h) = higher
                        && let Some(b) = self.normal_batch(h)
                    {
                        let mut title = self.title(h, &b, false);
                        self.revoke(&mut title);
                        titles.push(title);
                    }
                }
            }
            None => match t.special {
                Special::Lapsed => {
                    let level = if self.rng.random_bool(0.6) {
                        Level::InnovativeSme
                    } else {
                        Level::Municipal
                    };
                    let recent = self.rng.random_bool(0.4);
                    let batch =
                        self.batch_where(level, |b| if recent { b.k == -1 } else { b.k <= -1 });
                    if let Some(b) = batch {
                        titles.push(self.title(level, &b, false));
                    }
                }
                Special::Revoked => {
                    if let Some(b) = self.normal_batch(Level::Municipal) {
                        let mut title = self.title(Level::Municipal, &b, false);
                        self.revoke(&mut title);
                        titles.push(title);
                    }
                }
                Special::Normal | Special::DueSoon => {}
            },
        }
        titles.sort_by_key(|t| t.recognized_on);
        titles
    }

    fn person(&mut self) -> String {
        // Front-biased: common surnames are common.
        let i = (self.rng.random::<f64>().powi(2) * names::SURNAMES.len() as f64) as usize;
        let mut s = names::SURNAMES[i.min(names::SURNAMES.len() - 1)].to_string();
        let n = if self.rng.random_bool(0.3) { 1 } else { 2 };
        for _ in 0..n {
            let given = *pick(&mut self.rng, names::GIVEN);
            s.push_str(given);
        }
        s
    }

    /// A unique company name and the pinyin of its brand (for the e-mail domain).
    fn company_name(
        &mut self,
        district: &District,
        industry: &Industry,
        joint_stock: bool,
    ) -> (String, String) {
        let place = if district.place != "青岛" && self.rng.random_bool(0.3) {
            district.place
        } else {
            "青岛"
        };
        let form = if joint_stock {
            "股份有限公司"
        } else {
            "有限公司"
        };
        for attempt in 0..1000 {
            let (c1, p1) = *pick(&mut self.rng, names::BRAND_FIRST);
            let (c2, p2) = *pick(&mut self.rng, names::BRAND_SECOND);
            if c1 == c2 {
                continue;
            }
            let (mut brand, mut pinyin) = (format!("{c1}{c2}"), format!("{p1}{p2}"));
            // Two characters run out in the big sets; three are common too.
            if attempt >= 8 {
                let (c3, p3) = *pick(&mut self.rng, names::BRAND_SECOND);
                if c3 == c2 {
                    continue;
                }
                brand.push_str(c3);
                pinyin.push_str(p3);
            }
            let stem = pick(&mut self.rng, industry.stems);
            let name = format!("{place}{brand}{stem}{form}");
            if self.used_names.insert(name.clone()) {
                return (name, pinyin);
            }
        }
        // Beyond any supported set size; a numbered name is still unique.
        let name = format!(
            "{place}{}号{}{form}",
            self.used_names.len(),
            industry.stems[0]
        );
        self.used_names.insert(name.clone());
        (name, "qd".into())
    }

    fn email(&mut self, pinyin: &str) -> String {
        let n = self.domains.entry(pinyin.to_string()).or_insert(0);
        let domain = if *n == 0 {
            pinyin.to_string()
        } else {
            format!("{pinyin}{n}")
        };
        *n += 1;
        format!(
            "{}@{domain}.example.cn",
            pick(&mut self.rng, names::MAILBOXES)
        )
    }

    fn credit_code(&mut self, district: &str, founded: NaiveDate) -> CreditCode {
        const DIGITS: &[u8] = b"0123456789";
        // The credit-code alphabet: no I, O, S, V, Z.
        const ALNUM: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
        // Registered after the 2015 reform: organisation codes start "MA".
        let new_style = founded >= NaiveDate::from_ymd_opt(2015, 10, 1).unwrap_or(NaiveDate::MAX);
        loop {
            let mut first16 = format!("91{district}");
            if new_style {
                first16.push_str("MA");
                for _ in 0..6 {
                    first16.push(*pick(&mut self.rng, ALNUM) as char);
                }
            } else {
                for _ in 0..8 {
                    first16.push(*pick(&mut self.rng, DIGITS) as char);
                }
            }
            if let Some(code) = CreditCode::complete(&first16)
                && self.used_codes.insert(code.as_str().to_string())
            {
                return code;
            }
        }
    }

    /// [`YEARS`] years of figures ending last year, shaped by the level.
    fn years(&mut self, level: Option<Level>, missing: bool) -> Vec<AnnualFigures> {
        let p = profile(level);
        let last = self.today.year() - 1;
        let r = &mut self.rng;
        let share_base = uniform(r, p.main_share);
        let share_hi = p.main_share.1.min(100.0);
        let shares: Vec<f64> = (0..YEARS)
            .map(|_| (share_base + uniform(r, (-2.0, 2.0))).clamp(p.main_share.0, share_hi))
            .collect();
        // Main-business revenue backwards from last year by the yearly growth.
        let mut main = [0.0f64; YEARS];
        main[YEARS - 1] = log_uniform(r, p.revenue) * shares[YEARS - 1] / 100.0;
        for i in (0..YEARS - 1).rev() {
            main[i] = main[i + 1] / (1.0 + uniform(r, p.growth) / 100.0);
        }
        let rd_base = uniform(r, p.rd);
        let debt_base = uniform(r, p.debt);
        let turnover = uniform(r, (0.7, 1.6));
        let per_head = uniform(r, (6.0e5, 1.5e6));
        let staff_share = uniform(r, p.rd_staff);
        let ip1_last = int_in(r, p.ip1);
        let ip2_last = int_in(r, p.ip2);
        let high_value = if level >= Some(Level::Provincial) {
            uniform(r, (0.1, 0.6))
        } else {
            uniform(r, (0.0, 0.4))
        };
        let self_made = uniform(r, (0.6, 1.0));
        let digital = int_in(r, p.digital);
        let institution = int_in(r, p.institution);
        let quality = int_in(r, p.quality);
        let market = uniform(r, p.market_share);
        let brand = r.random_bool(p.brand);
        let distinctive = (uniform(r, p.distinctive) * 2.0).round() / 2.0;
        let employees_last =
            (main[YEARS - 1] / shares[YEARS - 1] * 100.0 / per_head).clamp(8.0, 1900.0);

        // IP only accumulates: fewer items in earlier years.
        let ip1_back: Vec<i32> = (1..YEARS).map(|_| int_in(r, (0, 3))).collect();
        let ip2_back: Vec<i32> = (1..YEARS).map(|_| int_in(r, (0, 5))).collect();
        let mut out = Vec::with_capacity(YEARS);
        for i in 0..YEARS {
            let back = (YEARS - 1 - i) as i32;
            let revenue = money(main[i] / shares[i] * 100.0);
            let main_revenue = money(main[i]).min(revenue);
            let rd_pct = (rd_base + uniform(r, (-0.4, 0.4))).clamp(p.rd.0, p.rd.1);
            let rd = money((revenue as f64 * rd_pct / 100.0).max(p.rd_floor));
            let assets = money(revenue as f64 * turnover * uniform(r, (0.95, 1.05)));
            let debt = (debt_base + uniform(r, (-3.0, 3.0))).clamp(p.debt.0, p.debt.1);
            let employees = ((employees_last * (1.0 - uniform(r, (0.0, 0.08))).powi(back)).round()
                as i32)
                .max(5);
            let rd_staff = ((employees as f64 * staff_share / 100.0).round() as i32).min(employees);
            let ip1 = (ip1_last - ip1_back[..back as usize].iter().sum::<i32>()).max(0);
            let ip2 = (ip2_last - ip2_back[..back as usize].iter().sum::<i32>()).max(0);
            let equity = if r.random_bool(p.equity) {
                money(uniform(r, (5.0e6, 5.0e7)))
            } else {
                0
            };
            out.push(AnnualFigures {
                year: last - back,
                revenue: Some(revenue),
                main_business_revenue: Some(main_revenue),
                net_profit: Some(money(revenue as f64 * uniform(r, p.margin) / 100.0)),
                total_assets: Some(assets),
                total_liabilities: Some(money(assets as f64 * debt / 100.0)),
                rd_expense: Some(rd),
                employees: Some(employees),
                rd_staff: Some(rd_staff),
                ip_class1: Some(ip1),
                ip_class1_high_value: Some(((ip1 as f64) * high_value).round() as i32),
                ip_class1_self: Some(((ip1 as f64) * self_made).round() as i32),
                ip_class2: Some(ip2),
                equity_financing: Some(equity),
                digitalisation_level: Some(
                    (digital - i32::from(back > 0 && r.random_bool(0.2))).clamp(1, 4),
                ),
                rd_institution_level: Some(institution),
                quality_items: Some(quality),
                market_share: Some(
                    ((market * uniform(r, (0.9, 1.05))) * 100.0)
                        .round()
                        .clamp(0.0, 10_000.0)
                        / 100.0,
                ),
                own_brand: Some(brand),
                distinctive_points: Some(distinctive),
            });
        }
        if missing {
            let y = &mut out[YEARS - 1];
            match r.random_range(0..5) {
                0 => y.market_share = None,
                1 => {
                    y.total_assets = None;
                    y.total_liabilities = None;
                }
                2 => y.rd_staff = None,
                3 => y.net_profit = None,
                _ => {
                    y.own_brand = None;
                    y.distinctive_points = None;
                }
            }
        }
        out
    }

    /// The board history: the tiers passed through and the moves' dates.
    fn board(
        &mut self,
        t: &Target,
        data: &EnterpriseData,
        titles: &[Title],
    ) -> (Vec<Move>, Option<(Tier, NaiveDate)>) {
        let today = self.today;
        let opened = board_opened();
        let (_, _, _, on_board, list) = board_odds(t.level);
        let featured = t.featured.map(|i| &FEATURED[i]);
        if featured.is_none() && !self.rng.random_bool(on_board) {
            return (Vec::new(), None);
        }
        let can_list = data.company_type == CompanyType::JointStock
            && !data.recommending_institution.is_empty()
            && data.has_shareholder_register;
        let r = &mut self.rng;
        let path: Vec<Tier> = match featured {
            Some(f) => f.path.to_vec(),
            None => {
                let last = if can_list && r.random_bool(list) {
                    Tier::Listing
                } else if data.has_shareholder_register && r.random_bool(0.5) {
                    Tier::Custody
                } else {
                    Tier::Display
                };
                let x: f64 = r.random();
                match last {
                    Tier::Display if data.has_shareholder_register && x < 0.08 => {
                        vec![Tier::Custody, Tier::Display]
                    }
                    Tier::Display => vec![Tier::Display],
                    Tier::Custody if x < 0.55 => vec![Tier::Custody],
                    Tier::Custody => vec![Tier::Display, Tier::Custody],
                    Tier::Listing if x < 0.35 => vec![Tier::Listing],
                    Tier::Listing if x < 0.65 => vec![Tier::Display, Tier::Listing],
                    Tier::Listing if x < 0.8 => vec![Tier::Custody, Tier::Listing],
                    Tier::Listing => vec![Tier::Display, Tier::Custody, Tier::Listing],
                }
            }
        };
        // Histories stay within three rows: a three-tier climb does not also exit.
        let exits = featured.is_none() && path.len() < 3 && r.random_bool(0.03);

        // Enterprises titled before the opening often joined on the first day.
        let first_title = titles.iter().map(|t| t.recognized_on).min();
        let founded = data.founded_on.unwrap_or(opened);
        let latest_entry = today - chrono::Duration::days(30);
        let entry = if featured.is_some()
            || (first_title.is_some_and(|d| d < opened) && r.random_bool(0.5))
        {
            opened
        } else {
            let from = opened.max(founded).max(first_title.unwrap_or(opened));
            days_between(r, from.min(latest_entry), latest_entry)
        };
        let steps = path.len() - 1 + usize::from(exits);
        let mut dates: Vec<NaiveDate> = (0..steps)
            .map(|_| {
                days_between(
                    r,
                    entry + chrono::Duration::days(30),
                    today - chrono::Duration::days(2),
                )
            })
            .collect();
        dates.sort();

        let transfer = match featured {
            Some(f) => f.transfer_from,
            None => r.random_bool(0.12).then(|| *pick(r, names::SOURCE_BOARDS)),
        };
        let mut moves = Vec::with_capacity(path.len() + 1);
        let (action, source_board, reason) = match transfer {
            Some(src) => (
                BoardAction::TransferIn,
                src.to_string(),
                format!("由{src}转入专精特新专板"),
            ),
            None if entry == opened => (
                BoardAction::Enter,
                String::new(),
                names::OPENING_NOTE.to_string(),
            ),
            None => (BoardAction::Enter, String::new(), String::new()),
        };
        moves.push(Move {
            action,
            from: None,
            to: Some(path[0]),
            source_board,
            reason,
            on: entry,
        });
        let mut dates = dates.into_iter();
        for w in path.windows(2) {
            let (from, to) = (w[0], w[1]);
            let up = to > from;
            let reason = match (up, to) {
                (true, Tier::Listing) => pick(r, names::REASONS_TO_LISTING),
                (true, _) => pick(r, names::REASONS_TO_CUSTODY),
                (false, _) => pick(r, names::REASONS_DOWN),
            };
            moves.push(Move {
                action: if up {
                    BoardAction::MoveUp
                } else {
                    BoardAction::MoveDown
                },
                from: Some(from),
                to: Some(to),
                source_board: String::new(),
                reason: reason.to_string(),
                on: dates.next().unwrap_or(entry),
            });
        }
        if exits {
            moves.push(Move {
                action: BoardAction::Exit,
                from: path.last().copied(),
                to: None,
                source_board: String::new(),
                reason: pick(r, names::REASONS_EXIT).to_string(),
                on: dates.next().unwrap_or(today),
            });
        }
        let tier = moves.last().and_then(|m| m.to.map(|t| (t, m.on)));
        (moves, tier)
    }

    fn make(&mut self, t: Target) -> GenEnterprise {
        let today = self.today;
        let featured = t.featured.map(|i| &FEATURED[i]);
        let titles = self.titles(&t);
        let level = qualification::current_level(
            titles.iter().map(|q| (q.level, q.expires_on, q.revoked_on)),
            today,
        );

        let district = match featured {
            Some(f) => names::DISTRICTS
                .iter()
                .find(|d| d.code == f.district)
                .unwrap_or(&names::DISTRICTS[0]),
            None => &names::DISTRICTS[weighted(&mut self.rng, &self.district_weights)],
        };
        let industry = match featured {
            Some(f) => INDUSTRIES
                .iter()
                .find(|i| i.division == f.division)
                .unwrap_or(&INDUSTRIES[0]),
            None => &INDUSTRIES[weighted(&mut self.rng, &self.industry_weights)],
        };
        let (niche_market, main_product) = match featured {
            Some(f) => industry.niches[f.niche.min(industry.niches.len() - 1)],
            None => *pick(&mut self.rng, industry.niches),
        };

        // Founded at least two years before its first title.
        let first_title = titles.iter().map(|q| q.recognized_on.year()).min();
        let newest = first_title.map_or(2020, |y| (y - 2).min(2020)).max(1995);
        let r = &mut self.rng;
        let founded_year = r.random_range(1995..=newest);
        let founded_on =
            NaiveDate::from_ymd_opt(founded_year, r.random_range(1..=12), r.random_range(1..=28));
        let niche_latest = first_title
            .map_or(today.year() - 1, |y| y - 2)
            .min(today.year() - 3);
        let niche_since = (founded_year + r.random_range(0..=5))
            .min(niche_latest)
            .max(founded_year);

        let tier_level = t.level;
        let (js, register, recommend, _, _) = board_odds(tier_level);
        // Tutoring is filed by joint-stock companies; in the reform stage some have
        // converted already.
        let placed = t.placement;
        let joint_stock = featured.map_or_else(|| r.random_bool(js), |f| f.joint_stock)
            || placed.is_some_and(|p| p.needs_joint_stock())
            || (featured.is_none()
                && placed.is_some_and(|p| p.reached == cultivation::Step::ShareholdingReform)
                && r.random_bool(0.4));
        let has_shareholder_register = joint_stock
            || featured.is_some_and(|f| f.path.contains(&Tier::Custody))
            || (featured.is_none() && r.random_bool(register));
        let recommending_institution = match featured {
            Some(f) => f.recommender.to_string(),
            None if joint_stock && r.random_bool(recommend) => {
                pick(r, names::RECOMMENDERS).to_string()
            }
            None if r.random_bool(0.03) => pick(r, names::RECOMMENDERS).to_string(),
            None => String::new(),
        };
        let capital_wan = match level.map(|(l, _)| l) {
            Some(Level::National) => log_uniform(r, (5_000.0, 30_000.0)),
            Some(Level::Provincial) => log_uniform(r, (2_000.0, 15_000.0)),
            Some(Level::Municipal) => log_uniform(r, (500.0, 8_000.0)),
            Some(Level::InnovativeSme) => log_uniform(r, (200.0, 3_000.0)),
            None => log_uniform(r, (50.0, 1_000.0)),
        };
        // Whole 10 万元 below 1,000 万元, whole 100 万元 above.
        let step = if capital_wan >= 1_000.0 { 100.0 } else { 10.0 };
        let registered_capital = ((capital_wan / step).round() * step) as i64 * 10_000;
        let (product_field, emerging, high_tech) = match t.level {
            Some(Level::National) => (if r.random_bool(0.7) { 2 } else { 1 }, 0.85, 1.0),
            Some(Level::Provincial) => (int_in(r, (0, 2)).max(int_in(r, (0, 2))), 0.75, 0.9),
            Some(Level::Municipal) => (int_in(r, (0, 2)), 0.6, 0.75),
            Some(Level::InnovativeSme) => (int_in(r, (0, 2)).min(int_in(r, (0, 2))), 0.45, 0.5),
            None => (if r.random_bool(0.3) { 1 } else { 0 }, 0.2, 0.15),
        };
        let strategic_emerging = r.random_bool((emerging * industry.emerging / 0.7).min(1.0));
        let high_tech_title = r.random_bool(high_tech);
        let sci_award_year = (t.level >= Some(Level::Provincial) && r.random_bool(0.15))
            .then(|| today.year() - r.random_range(1..=4));
        let meets_common_gate = t.level.is_some() || !r.random_bool(0.02);

        let (name, pinyin) = match featured {
            Some(f) => (f.name.to_string(), String::new()),
            None => self.company_name(district, industry, joint_stock),
        };
        let legal_representative = match featured {
            Some(f) => f.legal_representative.to_string(),
            None => self.person(),
        };
        let contact_name = match featured {
            Some(f) => f.contact_name.to_string(),
            None => self.person(),
        };
        let contact_email = match featured {
            Some(f) => f.contact_email.to_string(),
            None => self.email(&pinyin),
        };
        let contact_phone = format!("0532-8{:07}", self.rng.random_range(0..10_000_000));
        let credit_code = match featured.and_then(|f| CreditCode::complete(f.first16)) {
            Some(c) => c,
            None => self.credit_code(district.code, founded_on.unwrap_or(NaiveDate::MIN)),
        };
        let data = EnterpriseData {
            credit_code: credit_code.as_str().to_string(),
            name,
            legal_representative,
            founded_on,
            company_type: if joint_stock {
                CompanyType::JointStock
            } else {
                CompanyType::LimitedLiability
            },
            registered_capital: Some(registered_capital),
            district_code: district.code.to_string(),
            industry_section: Some(industry.section.to_string()),
            industry_division: Some(industry.division.to_string()),
            niche_market: niche_market.to_string(),
            main_product: main_product.to_string(),
            niche_since: Some(niche_since),
            product_field,
            strategic_emerging,
            high_tech_title,
            sci_award_year,
            meets_common_gate,
            has_shareholder_register,
            recommending_institution,
            contact_name,
            contact_phone,
            contact_email,
        };
        let years = self.years(t.level, t.missing);
        let (moves, tier) = self.board(&t, &data, &titles);
        let pipeline = placed.map(|p| {
            let cx = pipeline::Context {
                today,
                opened: board_opened(),
                items: &self.gate_items,
                company_type: data.company_type,
                level: level.map(|l| l.0),
                board_tier: tier.map(|t| t.0),
                revenue: years.last().and_then(|y| y.revenue).unwrap_or(0),
            };
            pipeline::history(&mut self.rng, &mut self.doc_refs, &p, &cx)
        });
        GenEnterprise {
            data,
            titles,
            level,
            moves,
            tier,
            years,
            pipeline,
        }
    }
}

impl Iterator for Generator {
    type Item = GenEnterprise;

    fn next(&mut self) -> Option<GenEnterprise> {
        let t = *self.targets.get(self.next)?;
        self.next += 1;
        Some(self.make(t))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.targets.len() - self.next;
        (left, Some(left))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::annual;
    use crate::domain::cultivation::{
        Decision, GateKind, IntermediaryKind, Milestone, Stage, Step,
    };
    use crate::domain::tier::{self, Check, EntryCondition};
    use crate::models::cultivation::stage_key;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    fn generate(count: usize, seed: u64, day: NaiveDate) -> Vec<GenEnterprise> {
        Generator::new(&Options {
            count,
            seed,
            today: day,
        })
        .collect()
    }

    /// The default entry conditions, as the migration stores them.
    fn conditions() -> Vec<EntryCondition> {
        let c = |key: &str, tier, check| EntryCondition {
            key: key.into(),
            tier,
            check,
            label_zh: String::new(),
            label_en: String::new(),
        };
        vec![
            c("custody", Tier::Custody, Check::ShareholderRegister),
            c(
                "joint_stock",
                Tier::Listing,
                Check::CompanyTypeIs(CompanyType::JointStock),
            ),
            c("recommender", Tier::Listing, Check::RecommendingInstitution),
        ]
    }

    #[test]
    fn the_default_set_has_the_seeds_numbers() {
        assert_eq!(
            Counts::for_total(DEFAULT_COUNT),
            Counts {
                national: 16,
                provincial: 104,
                municipal: 515,
                innovative: 400,
                untitled: 300
            }
        );
        // Several days, so the anchored schedule works whatever today is.
        for day in [
            today(),
            NaiveDate::from_ymd_opt(2026, 2, 28).unwrap(),
            NaiveDate::from_ymd_opt(2027, 6, 30).unwrap(),
        ] {
            let set = generate(DEFAULT_COUNT, DEFAULT_SEED, day);
            assert_eq!(set.len(), DEFAULT_COUNT);
            let count = |l: Option<Level>| set.iter().filter(|e| e.level.map(|x| x.0) == l).count();
            assert_eq!(count(Some(Level::National)), 16, "{day}");
            assert_eq!(count(Some(Level::Provincial)), 104, "{day}");
            assert_eq!(count(Some(Level::Municipal)), 515, "{day}");
            assert_eq!(count(Some(Level::InnovativeSme)), 400, "{day}");
            assert_eq!(count(None), 300, "{day}");
            let titles = || set.iter().flat_map(|e| &e.titles);
            let due = titles()
                .filter(|t| t.status(day) == Status::DueForReview)
                .count();
            assert!((20..=40).contains(&due), "{due} due for review on {day}");
            let revoked = titles().filter(|t| t.revoked_on.is_some()).count();
            assert_eq!(revoked, 3);
            assert!(titles().all(|t| t.revoked_on.is_none() || t.revoke_reason.is_some()));
            assert!(
                titles()
                    .filter(|t| t.status(day) == Status::Expired)
                    .count()
                    > 30
            );
            let listed = set
                .iter()
                .filter(|e| e.tier.is_some_and(|t| t.0 == Tier::Listing))
                .count();
            assert!((15..=80).contains(&listed), "{listed} listed");
            let srdi_on_board = set
                .iter()
                .filter(|e| e.level.is_some_and(|l| l.0 >= Level::Municipal) && e.tier.is_some())
                .count();
            assert!(srdi_on_board > 550, "{srdi_on_board} SRDI on the board");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_data() {
        let a = generate(200, 7, today());
        let b = generate(200, 7, today());
        let c = generate(200, 8, today());
        let codes = |s: &[GenEnterprise]| {
            s.iter()
                .map(|e| e.data.credit_code.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(codes(&a), codes(&b));
        assert_eq!(a[50].years, b[50].years);
        assert!(a.iter().zip(&b).all(|(x, y)| x.pipeline == y.pipeline));
        assert_ne!(codes(&a), codes(&c));
        let marker = &a[a.len() - FEATURED.len()];
        assert_eq!(marker.data.name, "青岛海纳精密制造股份有限公司");
        assert_eq!(
            Some(marker.data.credit_code.clone()),
            marker_code().map(|c| c.to_string())
        );
        assert_eq!(marker.level.map(|l| l.0), Some(Level::Provincial));
        assert_eq!(marker.tier.map(|t| t.0), Some(Tier::Custody));
    }

    #[test]
    fn codes_are_valid_and_unique_and_names_unique() {
        let set = generate(10_000, 1, today());
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for e in &set {
            let code = CreditCode::parse(&e.data.credit_code).expect("valid code");
            assert_eq!(code.division(), e.data.district_code);
            assert!(codes.insert(e.data.credit_code.clone()), "duplicate code");
            assert!(
                names.insert(e.data.name.clone()),
                "duplicate name {}",
                e.data.name
            );
        }
    }

    #[test]
    fn records_pass_the_form_rules_and_figures_are_consistent() {
        let day = today();
        for e in generate(3_000, 3, day) {
            let d = &e.data;
            assert_eq!(d.to_input().parse(day).as_ref(), Ok(d), "{}", d.name);
            assert_eq!(
                d.company_type == CompanyType::JointStock,
                d.name.ends_with("股份有限公司"),
                "{}",
                d.name
            );
            assert_eq!(e.years.len(), YEARS);
            let last = day.year() - 1;
            assert_eq!(
                e.years.iter().map(|y| y.year).collect::<Vec<_>>(),
                vec![last - 3, last - 2, last - 1, last]
            );
            for y in &e.years {
                assert!(annual::check(y, day.year()).is_empty(), "{} {y:?}", d.name);
                assert_eq!(y.to_input().parse(day.year()).as_ref(), Ok(y));
                if let (Some(m), Some(r)) = (y.main_business_revenue, y.revenue) {
                    assert!(m <= r);
                }
                if let (Some(s), Some(n)) = (y.rd_staff, y.employees) {
                    assert!(s <= n);
                }
                let debt = annual::ratios(y, None).debt_ratio;
                assert!(debt.is_none_or(|d| (20.0..=85.0).contains(&d)), "{debt:?}");
            }
            for w in e.years.windows(2) {
                assert!(w[0].ip_class1 <= w[1].ip_class1, "IP only accumulates");
                assert!(w[0].ip_class2 <= w[1].ip_class2);
            }
            let latest = &e.years[3];
            let r = annual::ratios(latest, Some(&e.years[2]));
            if e.level.is_some_and(|l| l.0 == Level::National) {
                let rev = latest.revenue.unwrap();
                assert!((95_000_000..=2_100_000_000).contains(&rev), "{rev}");
                assert!(r.main_business_share.unwrap() >= 79.0);
                let g = r.main_revenue_growth.unwrap();
                assert!((4.9..=25.1).contains(&g), "{g}");
                let rd = r.rd_intensity.unwrap();
                assert!((3.9..=9.1).contains(&rd), "{rd}");
            }
        }
    }

    #[test]
    fn histories_follow_the_rules() {
        let day = today();
        let conds = conditions();
        for e in generate(3_000, 5, day) {
            // Titles: the stored level is what the ladder computes; dates make sense.
            let level = qualification::current_level(
                e.titles
                    .iter()
                    .map(|t| (t.level, t.expires_on, t.revoked_on)),
                day,
            );
            assert_eq!(level, e.level);
            for t in &e.titles {
                assert!(t.expires_on > t.recognized_on);
                assert!(t.recognized_on <= day);
                assert!(e.data.founded_on.unwrap() < t.recognized_on);
                assert_eq!(t.events[0].action, "grant");
            }
            // Board: every move passes the rules and entry conditions, in date order.
            let mut current = None;
            let mut last = NaiveDate::MIN;
            for m in &e.moves {
                let facts = tier::BoardFacts {
                    company_type: e.data.company_type,
                    has_shareholder_register: e.data.has_shareholder_register,
                    recommending_institution: e.data.recommending_institution.clone(),
                };
                let next = tier::check_move(
                    current,
                    m.action,
                    m.to,
                    &m.source_board,
                    &m.reason,
                    &facts,
                    &conds,
                );
                assert_eq!(next, Ok(m.to), "{} {m:?}", e.data.name);
                assert_eq!(m.from, current);
                assert!(m.on >= last && m.on <= day && m.on >= board_opened());
                current = next.unwrap();
                last = m.on;
            }
            assert_eq!(e.tier.map(|t| t.0), current);
            assert!(e.moves.len() <= 3);
            if let Some((_, since)) = e.tier {
                assert_eq!(Some(since), e.moves.last().map(|m| m.on));
            }
        }
    }

    /// Enterprises per stage key (`exited` after an exit).
    fn by_stage(set: &[GenEnterprise]) -> HashMap<&'static str, usize> {
        let mut out = HashMap::new();
        for e in set {
            if let Some(p) = &e.pipeline {
                *out.entry(stage_key(p.step)).or_default() += 1;
            }
        }
        out
    }

    #[test]
    fn the_pipeline_has_the_intended_stages() {
        // The default set: the planned numbers, whatever the day.
        for day in [today(), NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()] {
            let set = generate(DEFAULT_COUNT, DEFAULT_SEED, day);
            let stages = by_stage(&set);
            let n = |k: &str| stages.get(k).copied().unwrap_or(0);
            assert_eq!(n("potential"), 300, "{day}");
            assert_eq!(n("reserve"), 90);
            assert_eq!(n("shareholding_reform"), 25);
            assert_eq!(n("listing_process"), 11);
            assert_eq!(n("listed"), 2);
            assert_eq!(n("exited"), 15);
            let milestones: Vec<usize> = Milestone::ALL
                .iter()
                .map(|m| {
                    set.iter()
                        .filter(|e| {
                            e.pipeline
                                .as_ref()
                                .is_some_and(|p| p.step == Step::Listing(*m))
                        })
                        .count()
                })
                .collect();
            assert_eq!(milestones, vec![4, 3, 2, 1, 1, 0, 0]);
            let proposals = || {
                set.iter()
                    .filter_map(|e| e.pipeline.as_ref())
                    .flat_map(|p| &p.proposals)
            };
            let pending = proposals().filter(|p| p.decision.is_none()).count();
            let pending_exits = proposals()
                .filter(|p| p.decision.is_none() && matches!(p.to, Step::Exited(_)))
                .count();
            assert_eq!((pending, pending_exits), (10, 2));
            let returned = proposals()
                .filter(|p| p.decision == Some(Decision::Return))
                .count();
            assert_eq!(returned, 4);
            // Higher titles come further: every listing-process enterprise and every
            // listed one holds a provincial title or better.
            for e in &set {
                if let Some(p) = &e.pipeline
                    && matches!(p.step.stage(), Some(Stage::ListingProcess | Stage::Listed))
                {
                    assert!(e.level.is_some_and(|l| l.0 >= Level::Provincial));
                }
            }
        }
        // Bigger sets: the same proportions.
        let count = 20_000;
        let set = generate(count, 3, today());
        let stages = by_stage(&set);
        let f = count as f64 / DEFAULT_COUNT as f64;
        for (key, n) in [
            ("potential", 300.0),
            ("reserve", 90.0),
            ("shareholding_reform", 25.0),
            ("listing_process", 11.0),
            ("listed", 2.0),
            ("exited", 15.0),
        ] {
            let got = stages.get(key).copied().unwrap_or(0) as f64;
            assert!((got - n * f).abs() <= 3.0, "{key}: {got} for {}", n * f);
        }
        let small = generate(MIN_COUNT, 1, today());
        let marker = small
            .iter()
            .find(|e| e.data.name == FEATURED[0].name)
            .unwrap();
        assert_eq!(
            marker.pipeline.as_ref().map(|p| p.step),
            Some(Step::Reserve)
        );
    }

    #[test]
    fn cultivation_histories_follow_the_rules() {
        let day = today();
        let items = cultivation::default_gate_items();
        let mut queues: HashMap<&str, Vec<i32>> = HashMap::new();
        let (mut tasks, mut overdue) = (0usize, 0usize);
        for e in generate(DEFAULT_COUNT, 11, day) {
            let Some(p) = &e.pipeline else { continue };
            let name = &e.data.name;
            // The timeline walks the pipeline one step at a time from potential, in
            // date order within the pipeline's years, and ends where it stands.
            let first = &p.moves[0];
            assert_eq!(
                (first.from, first.to, first.proposal),
                (None, Step::Potential, None)
            );
            for w in p.moves.windows(2) {
                let (a, b) = (&w[0], &w[1]);
                assert_eq!(b.from, Some(a.to), "{name}");
                assert!(b.to == a.to.next().unwrap() || matches!(b.to, Step::Exited(_)));
                assert!(b.on > a.on, "{name}: {a:?} {b:?}");
                if b.to == Step::Listing(Milestone::TutoringAcceptance) {
                    assert!((b.on - a.on).num_days() >= 90, "{name}: tutoring too short");
                }
                // Every move after potential came from an approved proposal.
                let prop = &p.proposals[b.proposal.unwrap()];
                assert_eq!((prop.from, prop.to), (a.to, b.to));
                assert_eq!(prop.decision, Some(Decision::Approve));
                assert_eq!(prop.decided_at.map(|t| t.date()), Some(b.on));
                assert!(prop.proposed_at <= prop.decided_at.unwrap());
                assert_eq!(b.at, prop.decided_at.unwrap());
            }
            assert!(first.on >= board_opened() && p.moves.last().unwrap().on <= day);
            let last = p.moves.last().unwrap();
            assert_eq!((last.to, last.on), (p.step, p.step_since), "{name}");
            let stage_entered = p
                .moves
                .iter()
                .find(|m| stage_key(m.to) == stage_key(p.step))
                .unwrap();
            assert_eq!(p.stage_since, stage_entered.on, "{name}");
            // Proposals: made in the pipeline's years, at most one waiting, and every
            // advance (approved, returned or waiting) made with its checklist open.
            assert!(p.proposals.iter().filter(|x| x.decision.is_none()).count() <= 1);
            for x in &p.proposals {
                assert!(x.proposed_at.date() >= board_opened() && x.proposed_at.date() <= day);
                assert!(
                    x.decided_at
                        .is_none_or(|d| d >= x.proposed_at && d.date() <= day)
                );
                assert_eq!(x.gate.target, x.to);
                match x.to {
                    Step::Exited(_) => assert!(!x.reason.is_empty()),
                    _ => assert!(x.gate.is_open(), "{name}: {:?}", x.gate.missing()),
                }
                if x.decision == Some(Decision::Return) {
                    assert!(!x.decision_comment.is_empty());
                }
            }
            if let Some(x) = p.pending() {
                assert_eq!(x.from, p.step);
                if !matches!(x.to, Step::Exited(_)) {
                    assert_eq!(Some(x.to), p.step.next());
                    let facts = e.cultivation_facts(day).unwrap();
                    let ticks: Vec<_> = p.ticks.iter().map(|t| t.as_manual()).collect();
                    let gate = cultivation::gate_status(&items, x.to, &facts, &ticks);
                    assert!(gate.is_open(), "{name}: {:?}", gate.missing());
                }
            }
            // What the stage asks for.
            let reached = p
                .moves
                .iter()
                .rev()
                .find(|m| !matches!(m.to, Step::Exited(_)))
                .unwrap()
                .to;
            let has = |k: IntermediaryKind| p.intermediaries.iter().any(|i| i.kind == k);
            if pipeline::at_least(reached, Step::ShareholdingReform) {
                assert!(has(IntermediaryKind::Auditor) && has(IntermediaryKind::LawFirm));
            }
            if pipeline::at_least(reached, Step::Listing(Milestone::TutoringFiling)) {
                assert_eq!(e.data.company_type, CompanyType::JointStock, "{name}");
                assert!(has(IntermediaryKind::Sponsor), "{name}");
            }
            assert_eq!(
                p.target_board.is_some(),
                pipeline::at_least(reached, Step::Reserve)
            );
            for m in &p.moves[1..] {
                for item in items
                    .iter()
                    .filter(|i| i.step == m.to && i.kind == GateKind::Manual)
                {
                    let t = p.ticks.iter().find(|t| t.key == item.key).expect("ticked");
                    assert!(!t.evidence.is_empty() && !t.document_ref.is_empty());
                    assert!(t.at.date() <= m.on);
                }
            }
            let keys: HashSet<&str> = p.ticks.iter().map(|t| t.key.as_str()).collect();
            assert_eq!(keys.len(), p.ticks.len(), "one tick per item");
            let kinds: HashSet<IntermediaryKind> =
                p.intermediaries.iter().map(|i| i.kind).collect();
            assert_eq!(
                kinds.len(),
                p.intermediaries.len(),
                "one intermediary per kind"
            );
            // Queues, plans and tasks.
            assert_eq!(p.queue_order.is_some(), p.step.is_active());
            if let Some(q) = p.queue_order {
                queues.entry(stage_key(p.step)).or_default().push(q);
            }
            let followed = pipeline::at_least(p.step, Step::Reserve) && p.step.is_active()
                || p.step == Step::Listed;
            assert_eq!(p.plan.is_some(), followed, "{name}");
            assert_eq!(!p.tasks.is_empty(), followed, "{name}");
            if let Some(plan) = &p.plan
                && p.step.milestone().is_some()
            {
                let v = plan.valuation.unwrap();
                assert!((500_000_000..=8_000_000_000).contains(&v), "{v}");
                let share = plan.planned_raise.unwrap() as f64 / v as f64;
                assert!((0.09..=0.31).contains(&share), "{share}");
            }
            for t in &p.tasks {
                assert!(p.step_since <= t.created_on && t.created_on <= t.due_on.min(day));
                assert!(t.done_on.is_none_or(|d| d <= day && d >= t.created_on));
                tasks += 1;
                overdue += usize::from(t.overdue(day));
            }
            assert!((2..=4).contains(&p.tasks.len()) || p.tasks.is_empty());
        }
        for (stage, mut q) in queues {
            q.sort();
            assert_eq!(q, (1..=q.len() as i32).collect::<Vec<_>>(), "{stage}");
        }
        let share = overdue as f64 / tasks as f64;
        assert!(
            (0.12..=0.28).contains(&share),
            "{overdue} of {tasks} overdue"
        );
    }

    #[test]
    fn the_enterprise_account_is_half_way_to_shareholding_reform() {
        let day = today();
        let set = generate(DEFAULT_COUNT, DEFAULT_SEED, day);
        let marker = set
            .iter()
            .find(|e| e.data.name == FEATURED[0].name)
            .unwrap();
        let p = marker.pipeline.as_ref().unwrap();
        assert_eq!(p.step, Step::Reserve);
        assert_eq!(p.moves.len(), 2);
        assert!(p.pending().is_none());
        let facts = marker.cultivation_facts(day).unwrap();
        let ticks: Vec<_> = p.ticks.iter().map(|t| t.as_manual()).collect();
        let gate = cultivation::gate_status(
            &cultivation::default_gate_items(),
            Step::ShareholdingReform,
            &facts,
            &ticks,
        );
        assert_eq!(gate.missing(), vec!["reform.law_firm".to_string()]);
        assert_eq!(p.tasks.len(), 3);
        assert_eq!(p.tasks.iter().filter(|t| t.overdue(day)).count(), 1);
        assert!(p.queue_order.is_some() && p.target_board.is_some());
    }

    #[test]
    fn big_sets_scale_in_proportion() {
        let c = Counts::for_total(150_000);
        assert_eq!(
            c.national + c.provincial + c.municipal + c.innovative + c.untitled,
            150_000
        );
        assert_eq!(c.national, 1798);
        let small = Counts::for_total(MIN_COUNT);
        assert!(small.national >= 1 && small.provincial >= 1 && small.municipal >= 1);
        let set = generate(MIN_COUNT, 1, today());
        assert_eq!(set.len(), MIN_COUNT);
    }
}
