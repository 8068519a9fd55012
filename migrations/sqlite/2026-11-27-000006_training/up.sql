-- Training and events: events for enterprises (training, roadshows, matchmaking,
-- policy briefings) with an audience, invitations, registrations with a capacity,
-- and attendance.

CREATE TABLE training_events (
    id INTEGER PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('training', 'roadshow', 'matchmaking', 'policy_briefing')),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    online BOOLEAN NOT NULL DEFAULT 0,
    place TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT '',
    organiser_id INTEGER REFERENCES partners (id),
    -- Comma-separated stable names; empty means no restriction on that dimension.
    audience_tiers TEXT NOT NULL DEFAULT '',
    audience_levels TEXT NOT NULL DEFAULT '',
    audience_stages TEXT NOT NULL DEFAULT '',
    capacity INTEGER NOT NULL CHECK (capacity >= 1),
    description TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'cancelled')),
    created_by INTEGER REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (ends_at > starts_at)
);
CREATE INDEX training_events_starts_idx ON training_events (starts_at, id);

CREATE TABLE training_invitations (
    id INTEGER PRIMARY KEY NOT NULL,
    event_id INTEGER NOT NULL REFERENCES training_events (id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    invited_by INTEGER REFERENCES users (id),
    invited_at TIMESTAMP NOT NULL,
    UNIQUE (event_id, enterprise_id)
);
CREATE INDEX training_invitations_enterprise_idx ON training_invitations (enterprise_id, event_id);

CREATE TABLE training_registrations (
    id INTEGER PRIMARY KEY NOT NULL,
    event_id INTEGER NOT NULL REFERENCES training_events (id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    status TEXT NOT NULL CHECK (status IN ('registered', 'cancelled')),
    registered_at TIMESTAMP NOT NULL,
    cancelled_at TIMESTAMP,
    attendance TEXT CHECK (attendance IN ('attended', 'absent')),
    attendance_by INTEGER REFERENCES users (id),
    attendance_at TIMESTAMP,
    UNIQUE (event_id, enterprise_id)
);
CREATE INDEX training_registrations_enterprise_idx ON training_registrations (enterprise_id, event_id);
CREATE INDEX training_registrations_event_idx ON training_registrations (event_id, status);
