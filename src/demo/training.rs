//! Demo training and events, deterministic from the seed: about two dozen events
//! over the past year and the next three months (a few full, one cancelled), the
//! invitations their audiences call for, registrations, and attendance of the past
//! ones. The marker enterprise (the demo enterprise account's company) always has an
//! upcoming invitation and past attendance.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::domain::cultivation::Stage;
use crate::domain::qualification::Level;
use crate::domain::tier::Tier;
use crate::domain::training::{Attendance, Audience, AudienceFacts, EventKind, EventStatus};

/// How many events.
pub const EVENTS: usize = 24;
/// At most this many invitations per event (large benchmark sets).
const MAX_INVITES: usize = 400;

/// An enterprise as the generator sees it.
#[derive(Debug, Clone, Copy)]
pub struct Candidate {
    pub id: i32,
    pub facts: AudienceFacts,
}

/// A generated event.
#[derive(Debug, Clone, PartialEq)]
pub struct GenEvent {
    pub title: String,
    pub kind: EventKind,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub online: bool,
    pub place: String,
    pub link: String,
    /// Index into the partner ids passed in.
    pub organiser: Option<usize>,
    pub audience: Audience,
    pub capacity: i32,
    pub description: String,
    pub status: EventStatus,
}

/// A registration: (event index, enterprise id, still registered, attendance).
pub type GenRegistration = (usize, i32, bool, Option<Attendance>);

/// Everything generated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GenTraining {
    pub events: Vec<GenEvent>,
    /// (event index, enterprise id).
    pub invitations: Vec<(usize, i32)>,
    pub registrations: Vec<GenRegistration>,
}

const TOPICS: [(EventKind, &str, &str); 12] = [
    (
        EventKind::Training,
        "上市规则与信息披露实务培训",
        "讲解北交所、新三板信息披露要求与常见问题。",
    ),
    (
        EventKind::Training,
        "财务规范化与内控建设培训",
        "聚焦收入确认、关联交易与内部控制。",
    ),
    (
        EventKind::Training,
        "股份制改造实务培训",
        "股改流程、净资产折股与税务处理。",
    ),
    (
        EventKind::Training,
        "知识产权布局与保护培训",
        "专利布局、高价值专利培育与维权。",
    ),
    (
        EventKind::Roadshow,
        "专精特新企业融资路演",
        "优选企业向投资机构路演，现场对接。",
    ),
    (
        EventKind::Roadshow,
        "区域股权市场专板路演",
        "专板企业集中路演与投资人交流。",
    ),
    (
        EventKind::Matchmaking,
        "银企对接会",
        "合作银行介绍专精特新专属信贷产品。",
    ),
    (
        EventKind::Matchmaking,
        "券商与拟上市企业对接会",
        "证券公司与后备企业一对一交流。",
    ),
    (
        EventKind::Matchmaking,
        "产学研合作对接会",
        "高校院所成果与企业需求对接。",
    ),
    (
        EventKind::PolicyBriefing,
        "专精特新扶持政策宣讲会",
        "解读市级专精特新奖补政策与申报要点。",
    ),
    (
        EventKind::PolicyBriefing,
        "上市挂牌奖励政策解读",
        "上市挂牌各阶段奖励标准与申领流程。",
    ),
    (
        EventKind::PolicyBriefing,
        "数字化转型政策宣讲",
        "中小企业数字化转型试点政策说明。",
    ),
];

const PLACES: [&str; 5] = [
    "青岛国际创新园 B1 报告厅",
    "市民营经济发展局 3 楼会议室",
    "蓝色硅谷创业中心 路演厅",
    "青岛财富管理中心 多功能厅",
    "崂山区科创大厦 201 会议室",
];

fn audience_for(i: usize) -> Audience {
    match i % 6 {
        0 | 3 => Audience::default(),
        1 => Audience {
            tiers: vec![Tier::Custody, Tier::Listing],
            ..Default::default()
        },
        2 => Audience {
            levels: vec![Level::Provincial, Level::National],
            ..Default::default()
        },
        4 => Audience {
            stages: vec![
                Stage::Reserve,
                Stage::ShareholdingReform,
                Stage::ListingProcess,
            ],
            ..Default::default()
        },
        _ => Audience {
            tiers: vec![Tier::Display, Tier::Custody],
            levels: vec![Level::Municipal, Level::Provincial],
            ..Default::default()
        },
    }
}

/// Generates the events and who was invited, registered and came. `today` is the
/// app's date (Beijing); `partners` how many partner ids there are to organise.
pub fn generate(
    seed: u64,
    today: NaiveDate,
    candidates: &[Candidate],
    marker: Option<i32>,
    partners: usize,
) -> GenTraining {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x0072_6169_6e69_6e67);
    let mut out = GenTraining::default();
    // 18 past events over the last year, 6 in the next three months.
    for i in 0..EVENTS {
        let day = if i < 18 {
            today - Duration::days(350 - (i as i64) * 19 - rng.random_range(0..5))
        } else {
            today + Duration::days(7 + ((i - 18) as i64) * 14 + rng.random_range(0..4))
        };
        let (kind, topic, description) = TOPICS[i % TOPICS.len()];
        let hour = if rng.random_bool(0.5) { 9 } else { 14 };
        let starts_at = day.and_hms_opt(hour, 0, 0).expect("valid time");
        let ends_at = starts_at + Duration::hours(rng.random_range(2..=4));
        let online = i % 5 == 4;
        let capacity = match i % 4 {
            0 => 30,
            1 => 50,
            2 => 80,
            _ => 20,
        };
        out.events.push(GenEvent {
            title: format!("{}（第{}期）", topic, i / TOPICS.len() + 1),
            kind,
            starts_at,
            ends_at,
            online,
            place: if online {
                String::new()
            } else {
                PLACES[rng.random_range(0..PLACES.len())].to_string()
            },
            link: if online {
                format!("https://meeting.example.cn/j/{}", 800_000 + i * 137)
            } else {
                String::new()
            },
            organiser: (partners > 0 && i % 3 != 0).then(|| rng.random_range(0..partners)),
            audience: audience_for(i),
            capacity,
            description: description.to_string(),
            // One cancelled upcoming event.
            status: if i == 20 {
                EventStatus::Cancelled
            } else {
                EventStatus::Planned
            },
        });
    }
    for (ei, event) in out.events.iter().enumerate() {
        let past = event.starts_at.date() < today;
        let mut invited: Vec<i32> = candidates
            .iter()
            .filter(|c| event.audience.matches(&c.facts))
            .map(|c| c.id)
            .collect();
        // Big sets: a deterministic sample.
        if invited.len() > MAX_INVITES {
            let step = invited.len() as f64 / MAX_INVITES as f64;
            invited = (0..MAX_INVITES)
                .map(|k| invited[(k as f64 * step) as usize])
                .collect();
        }
        if let Some(m) = marker {
            let wanted = if past {
                ei % 3 == 0
            } else {
                ei == 18 || ei == 19
            };
            if wanted && !invited.contains(&m) {
                invited.push(m);
            }
        }
        // Full events: every third past one and one upcoming one.
        let full = (past && ei % 3 == 1) || ei == 19;
        let wanted = if full {
            event.capacity as usize
        } else {
            (event.capacity as usize * rng.random_range(30..90)) / 100
        };
        let mut registered: Vec<i32> = Vec::new();
        if let Some(m) = marker
            && invited.contains(&m)
            && (past || ei == 19)
        {
            registered.push(m);
        }
        for &id in &invited {
            if registered.len() >= wanted.min(invited.len()) {
                break;
            }
            // Full events take every invited enterprise in turn until the last seat.
            if !registered.contains(&id) && (full || rng.random_bool(0.6)) {
                registered.push(id);
            }
        }
        for &id in &invited {
            out.invitations.push((ei, id));
        }
        if event.status == EventStatus::Cancelled {
            continue;
        }
        for &id in &registered {
            let attendance = if past {
                if Some(id) == marker || rng.random_bool(0.85) {
                    Some(Attendance::Attended)
                } else {
                    Some(Attendance::Absent)
                }
            } else {
                None
            };
            out.registrations.push((ei, id, true, attendance));
        }
        // A withdrawn registration now and then.
        if let Some(&id) = invited.iter().find(|id| !registered.contains(id))
            && rng.random_bool(0.3)
        {
            out.registrations.push((ei, id, false, None));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidates() -> Vec<Candidate> {
        (1..=300)
            .map(|id| Candidate {
                id,
                facts: AudienceFacts {
                    tier: [
                        None,
                        Some(Tier::Display),
                        Some(Tier::Custody),
                        Some(Tier::Listing),
                    ][id as usize % 4],
                    level: [
                        None,
                        Some(Level::Municipal),
                        Some(Level::Provincial),
                        Some(Level::National),
                    ][id as usize % 4],
                    stage: [None, Some(Stage::Reserve), Some(Stage::Potential)][id as usize % 3],
                },
            })
            .collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_events() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let c = candidates();
        let a = generate(7, today, &c, Some(5), 10);
        assert_eq!(a, generate(7, today, &c, Some(5), 10));
        assert_ne!(a, generate(8, today, &c, Some(5), 10));
    }

    #[test]
    fn events_span_the_year_with_full_and_cancelled_ones_and_the_marker_is_served() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let c = candidates();
        let g = generate(7, today, &c, Some(5), 10);
        assert_eq!(g.events.len(), EVENTS);
        let now = today.and_hms_opt(12, 0, 0).unwrap();
        assert!(g.events.iter().all(|e| e.ends_at > e.starts_at
            && e.starts_at > now - Duration::days(366)
            && e.starts_at < now + Duration::days(92)));
        assert!(g.events.iter().filter(|e| e.starts_at > now).count() >= 5);
        assert_eq!(
            g.events
                .iter()
                .filter(|e| e.status == EventStatus::Cancelled)
                .count(),
            1
        );
        assert!(g.events.iter().all(|e| e.online != e.link.is_empty()));
        // Invitations follow the audience (the marker aside).
        for &(ei, id) in &g.invitations {
            let f = c.iter().find(|c| c.id == id).unwrap().facts;
            assert!(id == 5 || g.events[ei].audience.matches(&f));
        }
        // Capacity holds, and some events are full.
        let mut full = 0;
        for (ei, e) in g.events.iter().enumerate() {
            let n = g.registrations.iter().filter(|r| r.0 == ei && r.2).count();
            assert!(n <= e.capacity as usize);
            full += usize::from(n == e.capacity as usize);
        }
        assert!(full >= 2, "{full}");
        // Only past events have attendance.
        for r in &g.registrations {
            assert_eq!(r.3.is_some(), g.events[r.0].starts_at < now && r.2);
        }
        let upcoming_invite = g
            .invitations
            .iter()
            .any(|&(ei, id)| id == 5 && g.events[ei].starts_at > now);
        let attended = g
            .registrations
            .iter()
            .any(|r| r.1 == 5 && r.3 == Some(Attendance::Attended));
        assert!(upcoming_invite && attended);
    }
}
