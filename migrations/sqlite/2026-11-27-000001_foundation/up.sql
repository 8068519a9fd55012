-- Foundation: reference districts, a minimal enterprise record (extended by the
-- registry), accounts and their data scope, server-side sessions, login
-- throttling and the append-only audit log.

CREATE TABLE districts (
    code TEXT PRIMARY KEY NOT NULL CHECK (length(code) = 6),
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL
);

INSERT INTO districts (code, name_zh, name_en) VALUES
  ('370202', '市南区', 'Shinan District'),
  ('370203', '市北区', 'Shibei District'),
  ('370211', '黄岛区', 'Huangdao District (West Coast New Area)'),
  ('370212', '崂山区', 'Laoshan District'),
  ('370213', '李沧区', 'Licang District'),
  ('370214', '城阳区', 'Chengyang District'),
  ('370215', '即墨区', 'Jimo District'),
  ('370281', '胶州市', 'Jiaozhou'),
  ('370283', '平度市', 'Pingdu'),
  ('370285', '莱西市', 'Laixi');

CREATE TABLE enterprises (
    id INTEGER PRIMARY KEY NOT NULL,
    credit_code TEXT NOT NULL UNIQUE CHECK (length(credit_code) = 18),
    name TEXT NOT NULL,
    district_code TEXT NOT NULL REFERENCES districts (code),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    archived_at TIMESTAMP
);
CREATE INDEX enterprises_district_idx ON enterprises (district_code, id);

CREATE TABLE users (
    id INTEGER PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'official', 'expert', 'enterprise')),
    enterprise_id INTEGER REFERENCES enterprises (id),
    all_districts BOOLEAN NOT NULL DEFAULT 1,
    must_change_password BOOLEAN NOT NULL DEFAULT 0,
    disabled BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK ((role = 'enterprise') = (enterprise_id IS NOT NULL))
);
CREATE INDEX users_enterprise_idx ON users (enterprise_id);

CREATE TABLE user_districts (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    district_code TEXT NOT NULL REFERENCES districts (code),
    PRIMARY KEY (user_id, district_code)
);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_last_seen_idx ON sessions (last_seen_at);

CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    first_failure_at TIMESTAMP NOT NULL,
    last_failure_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    actor_id INTEGER REFERENCES users (id),
    actor_name TEXT NOT NULL,
    ip TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT,
    enterprise_id INTEGER REFERENCES enterprises (id),
    district_code TEXT,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_name, id);
CREATE INDEX audit_log_action_idx ON audit_log (action, id);
CREATE INDEX audit_log_district_idx ON audit_log (district_code, id);
CREATE INDEX audit_log_enterprise_idx ON audit_log (enterprise_id, id);

-- The application may only append to the audit log.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
