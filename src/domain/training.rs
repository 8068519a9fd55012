//! Training and events (培训与活动): what an event is, who its audience is, and the
//! rules for registering, cancelling and recording attendance. Event times are
//! Beijing wall-clock times as typed; callers pass "now" in the same clock.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::cultivation::Stage;
use super::enterprise::{FieldProblem, text};
use super::qualification::Level;
use super::tier::Tier;

/// What kind of event it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// 培训
    Training,
    /// 路演
    Roadshow,
    /// 对接会
    Matchmaking,
    /// 政策宣讲
    PolicyBriefing,
}

text_enum!(EventKind, "unknown event kind '{}'", [
    EventKind::Training => "training",
    EventKind::Roadshow => "roadshow",
    EventKind::Matchmaking => "matchmaking",
    EventKind::PolicyBriefing => "policy_briefing",
]);

impl EventKind {
    /// Every kind, in form order.
    pub const ALL: [EventKind; 4] = [
        EventKind::Training,
        EventKind::Roadshow,
        EventKind::Matchmaking,
        EventKind::PolicyBriefing,
    ];
}

/// Whether an event still takes place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventStatus {
    Planned,
    Cancelled,
}

text_enum!(EventStatus, "unknown event status '{}'", [
    EventStatus::Planned => "planned",
    EventStatus::Cancelled => "cancelled",
]);

impl EventStatus {
    /// Both states, in form order.
    pub const ALL: [EventStatus; 2] = [EventStatus::Planned, EventStatus::Cancelled];
}

/// Whether a registered enterprise came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attendance {
    Attended,
    Absent,
}

text_enum!(Attendance, "unknown attendance '{}'", [
    Attendance::Attended => "attended",
    Attendance::Absent => "absent",
]);

/// Who an event is for: within a dimension any listed value qualifies, across
/// dimensions all must hold; an empty dimension does not restrict. All empty means
/// every enterprise.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Audience {
    pub tiers: Vec<Tier>,
    pub levels: Vec<Level>,
    pub stages: Vec<Stage>,
}

/// What the audience rules look at about an enterprise.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AudienceFacts {
    pub tier: Option<Tier>,
    pub level: Option<Level>,
    pub stage: Option<Stage>,
}

fn dimension<T: PartialEq>(wanted: &[T], has: Option<T>) -> bool {
    wanted.is_empty() || has.is_some_and(|h| wanted.contains(&h))
}

/// Joins stable names with commas (the stored form of one audience dimension).
pub fn join<T: Copy>(items: &[T], name: impl Fn(T) -> &'static str) -> String {
    items.iter().map(|i| name(*i)).collect::<Vec<_>>().join(",")
}

/// Reads a stored dimension back, skipping names that are no longer known.
pub fn split<T: std::str::FromStr>(stored: &str) -> Vec<T> {
    stored
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .filter_map(|s| s.parse().ok())
        .collect()
}

impl Audience {
    /// Whether the event is open to every enterprise.
    pub fn is_everyone(&self) -> bool {
        self.tiers.is_empty() && self.levels.is_empty() && self.stages.is_empty()
    }

    /// Whether an enterprise with these facts belongs to the audience.
    pub fn matches(&self, f: &AudienceFacts) -> bool {
        dimension(&self.tiers, f.tier)
            && dimension(&self.levels, f.level)
            && dimension(&self.stages, f.stage)
    }

    /// The stored forms of the three dimensions.
    pub fn stored(&self) -> (String, String, String) {
        (
            join(&self.tiers, Tier::as_str),
            join(&self.levels, Level::as_str),
            join(&self.stages, Stage::as_str),
        )
    }

    /// Reads the stored forms back.
    pub fn from_stored(tiers: &str, levels: &str, stages: &str) -> Audience {
        Audience {
            tiers: split(tiers),
            levels: split(levels),
            stages: split(stages),
        }
    }
}

/// The event form as typed, kept as text so a refused form is shown as entered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventInput {
    pub title: String,
    pub kind: String,
    /// `YYYY-MM-DDTHH:MM` (a datetime-local field) or with a space.
    pub starts_at: String,
    pub ends_at: String,
    /// `1` when the event is online.
    pub online: String,
    pub place: String,
    pub link: String,
    /// A partner id, or empty.
    pub organiser_id: String,
    pub tiers: Vec<String>,
    pub levels: Vec<String>,
    pub stages: Vec<String>,
    pub capacity: String,
    pub description: String,
    pub status: String,
    /// The version the edit form was loaded at (edits only; the lock).
    pub version: String,
}

/// An event after every rule passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventData {
    pub title: String,
    pub kind: EventKind,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub online: bool,
    pub place: String,
    pub link: String,
    pub organiser_id: Option<i32>,
    pub audience: Audience,
    pub capacity: i32,
    pub description: String,
    pub status: EventStatus,
}

/// Largest capacity accepted.
pub const MAX_CAPACITY: i32 = 100_000;

/// Parses a form date-time.
pub fn parse_datetime(raw: &str) -> Option<NaiveDateTime> {
    let s = raw.trim();
    [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
}

/// The form value of a date-time.
pub fn format_datetime(at: &NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M").to_string()
}

fn all_parse<T: std::str::FromStr>(
    field: &'static str,
    raw: &[String],
    out: &mut Vec<FieldProblem>,
) -> Vec<T> {
    let mut items = Vec::new();
    for r in raw.iter().filter(|r| !r.trim().is_empty()) {
        match r.parse() {
            Ok(v) => items.push(v),
            Err(_) => {
                out.push(FieldProblem::new(field, "training.audience_unknown"));
                break;
            }
        }
    }
    items
}

impl EventInput {
    /// Checks every field; all problems at once. A partner id is only checked for
    /// form here (that it exists is the caller's concern).
    pub fn parse(&self) -> Result<EventData, Vec<FieldProblem>> {
        let mut out = Vec::new();
        let title = text("title", &self.title, 100, true, &mut out);
        if !title.is_empty() && title.chars().count() < 2 {
            out.push(FieldProblem::new("title", "training.title_short"));
        }
        let kind = self.kind.parse::<EventKind>().ok();
        if kind.is_none() {
            out.push(FieldProblem::new("kind", "training.kind_required"));
        }
        let starts_at = parse_datetime(&self.starts_at);
        if starts_at.is_none() {
            out.push(FieldProblem::new("starts_at", "training.datetime"));
        }
        let ends_at = parse_datetime(&self.ends_at);
        if ends_at.is_none() {
            out.push(FieldProblem::new("ends_at", "training.datetime"));
        }
        if let (Some(s), Some(e)) = (starts_at, ends_at)
            && e <= s
        {
            out.push(FieldProblem::new("ends_at", "training.end_before_start"));
        }
        let online = matches!(self.online.trim(), "1" | "on" | "true");
        let place = text("place", &self.place, 200, false, &mut out);
        let link = text("link", &self.link, 500, false, &mut out);
        if online {
            if link.is_empty() {
                out.push(FieldProblem::new("link", "training.link_required"));
            } else if !(link.starts_with("https://") || link.starts_with("http://"))
                || link.contains(char::is_whitespace)
            {
                out.push(FieldProblem::new("link", "training.link_form"));
            }
        } else if place.is_empty() {
            out.push(FieldProblem::new("place", "training.place_required"));
        }
        let organiser_id = match self.organiser_id.trim() {
            "" => None,
            s => match s.parse::<i32>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    out.push(FieldProblem::new(
                        "organiser_id",
                        "training.organiser_unknown",
                    ));
                    None
                }
            },
        };
        let audience = Audience {
            tiers: all_parse("tiers", &self.tiers, &mut out),
            levels: all_parse("levels", &self.levels, &mut out),
            stages: all_parse("stages", &self.stages, &mut out),
        };
        let capacity = match self.capacity.trim().parse::<i32>() {
            Ok(c) if (1..=MAX_CAPACITY).contains(&c) => Some(c),
            _ => {
                out.push(FieldProblem::with(
                    "capacity",
                    "training.capacity_range",
                    MAX_CAPACITY.to_string(),
                ));
                None
            }
        };
        let description = text("description", &self.description, 2000, false, &mut out);
        let status = match self.status.trim() {
            "" => Some(EventStatus::Planned),
            s => s.parse::<EventStatus>().ok(),
        };
        if status.is_none() {
            out.push(FieldProblem::new("status", "training.status_unknown"));
        }
        match (kind, starts_at, ends_at, capacity, status) {
            (Some(kind), Some(starts_at), Some(ends_at), Some(capacity), Some(status))
                if out.is_empty() =>
            {
                Ok(EventData {
                    title,
                    kind,
                    starts_at,
                    ends_at,
                    online,
                    place,
                    link: if online { link } else { String::new() },
                    organiser_id,
                    audience,
                    capacity,
                    description,
                    status,
                })
            }
            _ => Err(out),
        }
    }
}

impl EventData {
    /// The form representation of stored data.
    pub fn to_input(&self) -> EventInput {
        EventInput {
            title: self.title.clone(),
            kind: self.kind.as_str().into(),
            starts_at: format_datetime(&self.starts_at),
            ends_at: format_datetime(&self.ends_at),
            online: if self.online {
                "1".into()
            } else {
                String::new()
            },
            place: self.place.clone(),
            link: self.link.clone(),
            organiser_id: self.organiser_id.map(|i| i.to_string()).unwrap_or_default(),
            tiers: self
                .audience
                .tiers
                .iter()
                .map(|t| t.as_str().into())
                .collect(),
            levels: self
                .audience
                .levels
                .iter()
                .map(|t| t.as_str().into())
                .collect(),
            stages: self
                .audience
                .stages
                .iter()
                .map(|t| t.as_str().into())
                .collect(),
            capacity: self.capacity.to_string(),
            description: self.description.clone(),
            status: self.status.as_str().into(),
            version: String::new(),
        }
    }
}

/// What the registration rules look at about an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventFacts {
    pub status: EventStatus,
    pub starts_at: NaiveDateTime,
    pub capacity: i32,
    /// Registrations currently held (cancelled ones do not count).
    pub taken: i64,
}

/// Why a registration or a cancellation was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the event was cancelled")]
    Cancelled,
    #[error("the event has started")]
    Started,
    #[error("the event is full")]
    Full,
    #[error("the enterprise is neither invited nor in the audience")]
    NotOpen,
    #[error("already registered")]
    AlreadyRegistered,
    #[error("not registered")]
    NotRegistered,
    #[error("attendance is recorded once the event has started")]
    NotStarted,
}

impl Refusal {
    /// The message key.
    pub fn key(self) -> &'static str {
        match self {
            Refusal::Cancelled => "training.refused_cancelled",
            Refusal::Started => "training.refused_started",
            Refusal::Full => "training.refused_full",
            Refusal::NotOpen => "training.refused_not_open",
            Refusal::AlreadyRegistered => "training.refused_already",
            Refusal::NotRegistered => "training.refused_not_registered",
            Refusal::NotStarted => "training.refused_not_started",
        }
    }
}

impl EventFacts {
    /// Seats still free.
    pub fn seats_left(&self) -> i64 {
        (i64::from(self.capacity) - self.taken).max(0)
    }

    /// Whether an enterprise may register now: the event is planned, has not
    /// started, has a free seat, and the enterprise is invited or in the audience.
    pub fn may_register(
        &self,
        now: NaiveDateTime,
        open_to_it: bool,
        registered: bool,
    ) -> Result<(), Refusal> {
        if registered {
            return Err(Refusal::AlreadyRegistered);
        }
        if self.status == EventStatus::Cancelled {
            return Err(Refusal::Cancelled);
        }
        if now >= self.starts_at {
            return Err(Refusal::Started);
        }
        if !open_to_it {
            return Err(Refusal::NotOpen);
        }
        if self.seats_left() == 0 {
            return Err(Refusal::Full);
        }
        Ok(())
    }

    /// Whether a registration may be withdrawn now (until the event starts).
    pub fn may_cancel(&self, now: NaiveDateTime, registered: bool) -> Result<(), Refusal> {
        if !registered {
            return Err(Refusal::NotRegistered);
        }
        if now >= self.starts_at {
            return Err(Refusal::Started);
        }
        Ok(())
    }

    /// Whether attendance may be recorded now: after the start of a planned event.
    pub fn may_record_attendance(&self, now: NaiveDateTime) -> Result<(), Refusal> {
        if self.status == EventStatus::Cancelled {
            return Err(Refusal::Cancelled);
        }
        if now < self.starts_at {
            return Err(Refusal::NotStarted);
        }
        Ok(())
    }
}

/// Whether a new capacity leaves room for the registrations already held.
pub fn capacity_fits(capacity: i32, taken: i64) -> bool {
    i64::from(capacity) >= taken
}

/// Attendance counts of one event: (attended, absent, not yet recorded).
pub fn attendance_summary(marks: &[Option<Attendance>]) -> (usize, usize, usize) {
    marks.iter().fold((0, 0, 0), |(a, b, c), m| match m {
        Some(Attendance::Attended) => (a + 1, b, c),
        Some(Attendance::Absent) => (a, b + 1, c),
        None => (a, b, c + 1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        parse_datetime(s).unwrap()
    }

    fn input() -> EventInput {
        EventInput {
            title: "专精特新政策宣讲会".into(),
            kind: "policy_briefing".into(),
            starts_at: "2026-12-10T09:00".into(),
            ends_at: "2026-12-10T11:30".into(),
            place: "市民中心 A 座 201".into(),
            capacity: "40".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_form_parses_and_round_trips() {
        let d = input().parse().unwrap();
        assert_eq!(d.kind, EventKind::PolicyBriefing);
        assert_eq!(d.status, EventStatus::Planned);
        assert!(d.audience.is_everyone() && !d.online);
        assert_eq!(d.to_input().parse().unwrap(), d);
    }

    #[test]
    fn every_problem_is_reported_beside_its_field() {
        let bad = EventInput {
            title: "".into(),
            kind: "party".into(),
            starts_at: "2026-12-10T09:00".into(),
            ends_at: "2026-12-10T08:00".into(),
            online: "1".into(),
            link: "".into(),
            capacity: "0".into(),
            tiers: vec!["gold".into()],
            ..Default::default()
        };
        let fields: Vec<_> = bad.parse().unwrap_err().iter().map(|p| p.field).collect();
        for f in ["title", "kind", "ends_at", "link", "capacity", "tiers"] {
            assert!(fields.contains(&f), "{f}: {fields:?}");
        }
        let mut offline = input();
        offline.place = " ".into();
        let p = offline.parse().unwrap_err();
        assert_eq!(p[0].field, "place");
        let mut link = input();
        link.online = "1".into();
        link.link = "meeting.example.cn".into();
        assert_eq!(link.parse().unwrap_err()[0].key, "training.link_form");
        link.link = "https://meeting.example.cn/j/1".into();
        assert!(link.parse().unwrap().online);
        let mut same = input();
        same.ends_at = same.starts_at.clone();
        assert_eq!(
            same.parse().unwrap_err()[0].key,
            "training.end_before_start"
        );
    }

    #[test]
    fn audience_is_or_within_and_across_dimensions() {
        let everyone = Audience::default();
        assert!(everyone.matches(&AudienceFacts::default()));
        let a = Audience {
            tiers: vec![Tier::Custody, Tier::Listing],
            levels: vec![],
            stages: vec![Stage::Reserve],
        };
        let f = |tier, stage| AudienceFacts {
            tier,
            level: Some(Level::National),
            stage,
        };
        assert!(a.matches(&f(Some(Tier::Custody), Some(Stage::Reserve))));
        assert!(a.matches(&f(Some(Tier::Listing), Some(Stage::Reserve))));
        assert!(!a.matches(&f(Some(Tier::Display), Some(Stage::Reserve))));
        assert!(!a.matches(&f(None, Some(Stage::Reserve))));
        assert!(!a.matches(&f(Some(Tier::Custody), None)));
        let (t, l, s) = a.stored();
        assert_eq!(
            (t.as_str(), l.as_str(), s.as_str()),
            ("custody,listing", "", "reserve")
        );
        assert_eq!(Audience::from_stored(&t, &l, &s), a);
    }

    #[test]
    fn registration_rules() {
        let e = EventFacts {
            status: EventStatus::Planned,
            starts_at: at("2026-12-10T09:00"),
            capacity: 2,
            taken: 1,
        };
        let before = at("2026-12-01T09:00");
        assert_eq!(e.may_register(before, true, false), Ok(()));
        assert_eq!(e.may_register(before, false, false), Err(Refusal::NotOpen));
        assert_eq!(
            e.may_register(before, true, true),
            Err(Refusal::AlreadyRegistered)
        );
        let full = EventFacts { taken: 2, ..e };
        assert_eq!(full.seats_left(), 0);
        assert_eq!(full.may_register(before, true, false), Err(Refusal::Full));
        assert_eq!(
            e.may_register(e.starts_at, true, false),
            Err(Refusal::Started)
        );
        let off = EventFacts {
            status: EventStatus::Cancelled,
            ..e
        };
        assert_eq!(
            off.may_register(before, true, false),
            Err(Refusal::Cancelled)
        );
        assert_eq!(e.may_cancel(before, true), Ok(()));
        assert_eq!(e.may_cancel(before, false), Err(Refusal::NotRegistered));
        assert_eq!(e.may_cancel(e.starts_at, true), Err(Refusal::Started));
        assert_eq!(e.may_record_attendance(before), Err(Refusal::NotStarted));
        assert_eq!(e.may_record_attendance(e.starts_at), Ok(()));
        assert_eq!(
            off.may_record_attendance(e.starts_at),
            Err(Refusal::Cancelled)
        );
    }

    #[test]
    fn capacity_cannot_drop_below_the_registrations() {
        assert!(capacity_fits(5, 5) && capacity_fits(6, 5));
        assert!(!capacity_fits(4, 5));
    }

    #[test]
    fn attendance_is_counted() {
        let marks = [
            Some(Attendance::Attended),
            None,
            Some(Attendance::Absent),
            Some(Attendance::Attended),
        ];
        assert_eq!(attendance_summary(&marks), (2, 1, 1));
    }
}
