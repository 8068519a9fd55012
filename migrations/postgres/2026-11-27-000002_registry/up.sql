-- Registry: the full enterprise record with its current tier and level (kept in
-- step with the history tables in the same transaction), board history and entry
-- conditions, qualifications and their events, annual data and submissions,
-- versioned MIIT rubrics and stored rubric results.

ALTER TABLE enterprises ADD COLUMN legal_representative TEXT NOT NULL DEFAULT '';
ALTER TABLE enterprises ADD COLUMN founded_on DATE;
ALTER TABLE enterprises ADD COLUMN company_type TEXT NOT NULL DEFAULT 'llc' CHECK (company_type IN ('llc', 'joint_stock', 'other'));
ALTER TABLE enterprises ADD COLUMN registered_capital BIGINT;
ALTER TABLE enterprises ADD COLUMN industry_section TEXT;
ALTER TABLE enterprises ADD COLUMN industry_division TEXT;
ALTER TABLE enterprises ADD COLUMN niche_market TEXT NOT NULL DEFAULT '';
ALTER TABLE enterprises ADD COLUMN main_product TEXT NOT NULL DEFAULT '';
ALTER TABLE enterprises ADD COLUMN niche_since INTEGER;
ALTER TABLE enterprises ADD COLUMN product_field INTEGER NOT NULL DEFAULT 0 CHECK (product_field BETWEEN 0 AND 2);
ALTER TABLE enterprises ADD COLUMN strategic_emerging BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE enterprises ADD COLUMN high_tech_title BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE enterprises ADD COLUMN sci_award_year INTEGER;
ALTER TABLE enterprises ADD COLUMN meets_common_gate BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE enterprises ADD COLUMN has_shareholder_register BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE enterprises ADD COLUMN recommending_institution TEXT NOT NULL DEFAULT '';
ALTER TABLE enterprises ADD COLUMN contact_name TEXT NOT NULL DEFAULT '';
ALTER TABLE enterprises ADD COLUMN contact_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE enterprises ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
ALTER TABLE enterprises ADD COLUMN current_tier TEXT CHECK (current_tier IN ('display', 'custody', 'listing'));
ALTER TABLE enterprises ADD COLUMN tier_since DATE;
ALTER TABLE enterprises ADD COLUMN current_level TEXT CHECK (current_level IN ('innovative_sme', 'municipal', 'provincial', 'national'));
ALTER TABLE enterprises ADD COLUMN level_expires_on DATE;

CREATE INDEX enterprises_name_idx ON enterprises (name, id);
CREATE INDEX enterprises_tier_idx ON enterprises (current_tier, name, id);
CREATE INDEX enterprises_level_idx ON enterprises (current_level, name, id);
CREATE INDEX enterprises_industry_idx ON enterprises (industry_section, name, id);
CREATE INDEX enterprises_district_name_idx ON enterprises (district_code, name, id);
CREATE INDEX enterprises_updated_idx ON enterprises (updated_at, id);
CREATE INDEX enterprises_level_expiry_idx ON enterprises (level_expires_on);

CREATE TABLE board_conditions (
    id SERIAL PRIMARY KEY,
    tier TEXT NOT NULL CHECK (tier IN ('display', 'custody', 'listing')),
    key TEXT NOT NULL UNIQUE,
    field TEXT NOT NULL,
    value TEXT NOT NULL DEFAULT '',
    label_zh TEXT NOT NULL,
    label_en TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE
);
INSERT INTO board_conditions (tier, key, field, value, label_zh, label_en) VALUES
    ('custody', 'custody.shareholder_register', 'shareholder_register', '', '已提交股东名册', 'A shareholder register is on file'),
    ('listing', 'listing.joint_stock', 'company_type', 'joint_stock', '为股份有限公司', 'The company is a joint-stock company'),
    ('listing', 'listing.recommending_institution', 'recommending_institution', '', '有推荐机构', 'A recommending institution is recorded');

CREATE TABLE board_entries (
    id SERIAL PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    action TEXT NOT NULL CHECK (action IN ('enter', 'transfer_in', 'move_up', 'move_down', 'exit')),
    tier_from TEXT,
    tier_to TEXT,
    source_board TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    effective_on DATE NOT NULL,
    recorded_by INTEGER REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX board_entries_enterprise_idx ON board_entries (enterprise_id, id);

CREATE TABLE qualifications (
    id SERIAL PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    level TEXT NOT NULL CHECK (level IN ('innovative_sme', 'municipal', 'provincial', 'national')),
    batch TEXT NOT NULL,
    recognized_on DATE NOT NULL,
    expires_on DATE NOT NULL,
    revoked_on DATE,
    revoke_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (expires_on > recognized_on)
);
CREATE INDEX qualifications_enterprise_idx ON qualifications (enterprise_id, level);
CREATE INDEX qualifications_expiry_idx ON qualifications (expires_on);

CREATE TABLE qualification_events (
    id SERIAL PRIMARY KEY,
    qualification_id INTEGER NOT NULL REFERENCES qualifications (id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    action TEXT NOT NULL CHECK (action IN ('grant', 're_review', 'revoke')),
    on_date DATE NOT NULL,
    expires_before DATE,
    expires_after DATE,
    note TEXT NOT NULL DEFAULT '',
    recorded_by INTEGER REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX qualification_events_enterprise_idx ON qualification_events (enterprise_id, id);

CREATE TABLE annual_data (
    id SERIAL PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    year INTEGER NOT NULL,
    revenue BIGINT,
    main_business_revenue BIGINT,
    net_profit BIGINT,
    total_assets BIGINT,
    total_liabilities BIGINT,
    rd_expense BIGINT,
    employees INTEGER,
    rd_staff INTEGER,
    ip_class1 INTEGER,
    ip_class1_high_value INTEGER,
    ip_class1_self INTEGER,
    ip_class2 INTEGER,
    equity_financing BIGINT,
    digitalisation_level INTEGER,
    rd_institution_level INTEGER,
    quality_items INTEGER,
    market_share DOUBLE PRECISION,
    own_brand BOOLEAN,
    distinctive_points DOUBLE PRECISION,
    updated_at TIMESTAMP NOT NULL,
    updated_by INTEGER REFERENCES users (id),
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (enterprise_id, year)
);

CREATE TABLE annual_submissions (
    id SERIAL PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    year INTEGER NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'returned')),
    submitted_by INTEGER NOT NULL REFERENCES users (id),
    submitted_at TIMESTAMP NOT NULL,
    decided_by INTEGER REFERENCES users (id),
    decided_at TIMESTAMP,
    return_reason TEXT
);
CREATE INDEX annual_submissions_status_idx ON annual_submissions (status, id);
CREATE INDEX annual_submissions_enterprise_idx ON annual_submissions (enterprise_id, id);

CREATE TABLE rubric_versions (
    id SERIAL PRIMARY KEY,
    code TEXT NOT NULL,
    version TEXT NOT NULL,
    definition TEXT NOT NULL,
    builtin BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (code, version)
);

CREATE TABLE rubric_results (
    id SERIAL PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    year INTEGER NOT NULL,
    rubric_code TEXT NOT NULL,
    rubric_version TEXT NOT NULL,
    total DOUBLE PRECISION,
    passed BOOLEAN NOT NULL,
    result TEXT NOT NULL,
    computed_at TIMESTAMP NOT NULL,
    UNIQUE (enterprise_id, year, rubric_code, rubric_version)
);
CREATE INDEX rubric_results_passed_idx ON rubric_results (rubric_code, passed, enterprise_id);

