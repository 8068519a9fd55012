-- The in-app inbox: one row per recipient. The message is not stored as text: the
-- kind and its parameters (JSON) are rendered at display time in the reader's
-- language. A sweep notifies once per (user, dedupe key); events without a key
-- (decisions) may repeat.

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('proposal_approved', 'proposal_returned', 'annual_approved', 'annual_returned', 'title_expiring', 'task_overdue', 'referral_answered')),
    params TEXT NOT NULL DEFAULT '{}',
    link TEXT NOT NULL DEFAULT '',
    enterprise_id INTEGER REFERENCES enterprises (id),
    dedupe_key TEXT,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP,
    UNIQUE (user_id, dedupe_key)
);
-- The inbox, newest first (keyset on id).
CREATE INDEX notifications_user_idx ON notifications (user_id, id);
-- The header badge: one COUNT per page over the reader's unread rows only.
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
-- Sweeps skip what they already announced to anyone.
CREATE INDEX notifications_dedupe_idx ON notifications (dedupe_key) WHERE dedupe_key IS NOT NULL;
