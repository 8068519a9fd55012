-- IPO cultivation: where each enterprise stands (kept on the enterprise row so the
-- pipeline filters and data scopes are the registry's), its plan (定板、定序、定价),
-- intermediaries from the partner register, stage gates as data, staff ticks with
-- evidence, proposals that officials decide, the append-only timeline of moves,
-- tasks, and the three-year plan's targets.

ALTER TABLE enterprises ADD COLUMN cultivation_step TEXT CHECK (cultivation_step IN ('potential', 'reserve', 'shareholding_reform', 'tutoring_filing', 'tutoring_acceptance', 'application_accepted', 'inquiry', 'listing_committee', 'registration', 'issue_and_listing', 'listed', 'withdrawn', 'terminated'));
ALTER TABLE enterprises ADD COLUMN cultivation_stage TEXT CHECK (cultivation_stage IN ('potential', 'reserve', 'shareholding_reform', 'listing_process', 'listed', 'exited'));
ALTER TABLE enterprises ADD COLUMN stage_since DATE;
ALTER TABLE enterprises ADD COLUMN step_since DATE;
ALTER TABLE enterprises ADD COLUMN queue_order INTEGER;
ALTER TABLE enterprises ADD COLUMN target_board TEXT CHECK (target_board IN ('sse_main', 'star', 'szse_main', 'chinext', 'bse', 'neeq_innovation', 'neeq_basic', 'overseas'));

CREATE INDEX enterprises_stage_queue_idx ON enterprises (cultivation_stage, queue_order, id);
-- Funnel, time in stage and stalled counts in one covering scan of active records.
CREATE INDEX enterprises_pipeline_idx ON enterprises (cultivation_stage, stage_since, step_since) WHERE archived_at IS NULL;
-- The stalled list: active steps, oldest movement first. The query repeats the
-- expression literally, so the index serves it in order and the scan stops at the
-- page's end (SQLite's planner would rather sort every active row otherwise).
CREATE INDEX enterprises_stall_idx ON enterprises ((cultivation_stage IN ('potential', 'reserve', 'shareholding_reform', 'listing_process')), step_since, id) WHERE archived_at IS NULL;
-- The same per filter of the pipeline page, with the queue order (and id) after the stage (a
-- filtered queue reads its first rows in order). Without them a filtered page reads every
-- enterprise of a district (or industry ...) to find the few in the pipeline.
CREATE INDEX enterprises_pipeline_district_code_idx ON enterprises (district_code, cultivation_stage, queue_order, id, stage_since, step_since) WHERE archived_at IS NULL AND cultivation_stage IS NOT NULL;
CREATE INDEX enterprises_pipeline_industry_section_idx ON enterprises (industry_section, cultivation_stage, queue_order, id, stage_since, step_since) WHERE archived_at IS NULL AND cultivation_stage IS NOT NULL;
CREATE INDEX enterprises_pipeline_current_level_idx ON enterprises (current_level, cultivation_stage, queue_order, id, stage_since, step_since) WHERE archived_at IS NULL AND cultivation_stage IS NOT NULL;
CREATE INDEX enterprises_pipeline_current_tier_idx ON enterprises (current_tier, cultivation_stage, queue_order, id, stage_since, step_since) WHERE archived_at IS NULL AND cultivation_stage IS NOT NULL;
CREATE INDEX enterprises_pipeline_target_board_idx ON enterprises (target_board, cultivation_stage, queue_order, id, stage_since, step_since) WHERE archived_at IS NULL AND cultivation_stage IS NOT NULL;

CREATE TABLE partners (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('securities_firm', 'accounting_firm', 'law_firm', 'bank', 'investor', 'research_institute', 'other')),
    contact_name TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX partners_kind_idx ON partners (kind, name);

CREATE TABLE cultivation_plans (
    enterprise_id INTEGER PRIMARY KEY NOT NULL REFERENCES enterprises (id),
    valuation BIGINT,
    valuation_on DATE,
    planned_raise BIGINT,
    planned_filing_on DATE,
    planned_listing_on DATE,
    counsellor_id INTEGER REFERENCES users (id),
    note TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL,
    updated_by INTEGER REFERENCES users (id),
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (valuation IS NULL OR valuation >= 0),
    CHECK (planned_raise IS NULL OR planned_raise >= 0)
);
CREATE INDEX cultivation_plans_counsellor_idx ON cultivation_plans (counsellor_id);

CREATE TABLE cultivation_intermediaries (
    id INTEGER PRIMARY KEY NOT NULL,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    kind TEXT NOT NULL CHECK (kind IN ('sponsor', 'auditor', 'law_firm', 'bank')),
    partner_id INTEGER NOT NULL REFERENCES partners (id),
    engaged_on DATE NOT NULL,
    recorded_by INTEGER REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL,
    UNIQUE (enterprise_id, kind)
);
CREATE INDEX cultivation_intermediaries_partner_idx ON cultivation_intermediaries (partner_id);

CREATE TABLE gate_items (
    id INTEGER PRIMARY KEY NOT NULL,
    key TEXT NOT NULL UNIQUE,
    step TEXT NOT NULL CHECK (step IN ('potential', 'reserve', 'shareholding_reform', 'tutoring_filing', 'tutoring_acceptance', 'application_accepted', 'inquiry', 'listing_committee', 'registration', 'issue_and_listing', 'listed', 'withdrawn', 'terminated')),
    field TEXT NOT NULL,
    value TEXT NOT NULL DEFAULT '',
    label_zh TEXT NOT NULL,
    label_en TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT 1
);
INSERT INTO gate_items (key, step, field, value, label_zh, label_en, position) VALUES
    ('reserve.qualified', 'reserve', 'title_or_rubric', '', '持有有效资质或评价达标', 'Holds a title in force or passes a rubric', 1),
    ('reserve.willing', 'reserve', 'manual', '', '上市意愿确认', 'Enterprise confirms its intention to list', 2),
    ('reform.plan', 'shareholding_reform', 'manual', '', '股改方案已制定', 'Shareholding reform plan drawn up', 3),
    ('reform.auditor', 'shareholding_reform', 'intermediary', 'auditor', '已聘请会计师事务所', 'Auditor engaged', 4),
    ('reform.law_firm', 'shareholding_reform', 'intermediary', 'law_firm', '已聘请律师事务所', 'Law firm engaged', 5),
    ('filing.joint_stock', 'tutoring_filing', 'joint_stock', '', '已变更为股份有限公司', 'Converted into a joint-stock company', 6),
    ('filing.sponsor', 'tutoring_filing', 'intermediary', 'sponsor', '已聘请保荐机构', 'Sponsor securities firm engaged', 7),
    ('filing.target_board', 'tutoring_filing', 'target_board', '', '已确定拟上市板块（定板）', 'Target board chosen', 8),
    ('filing.receipt', 'tutoring_filing', 'manual', '', '证监局辅导备案已受理（附备案公示或回执）', 'Tutoring filed with the regulator office (notice or receipt attached)', 9),
    ('acceptance.three_months', 'tutoring_acceptance', 'min_days_in_step', '90', '辅导期满三个月', 'Tutoring has lasted three months', 10),
    ('acceptance.passed', 'tutoring_acceptance', 'manual', '', '辅导验收通过（附验收完成函）', 'Tutoring accepted (acceptance letter attached)', 11),
    ('application.notice', 'application_accepted', 'manual', '', '申报材料已获受理（附受理通知）', 'Application accepted (notice attached)', 12),
    ('inquiry.letter', 'inquiry', 'manual', '', '已收到审核问询函', 'Inquiry letter received', 13),
    ('committee.passed', 'listing_committee', 'manual', '', '上市委审议通过（附审议结果公告）', 'Passed the listing committee (announcement attached)', 14),
    ('registration.granted', 'registration', 'manual', '', '同意注册（附注册批复）', 'Registration granted (approval attached)', 15),
    ('issue.launched', 'issue_and_listing', 'manual', '', '发行已启动（附招股意向书或发行公告）', 'Offering launched (prospectus or offering announcement attached)', 16),
    ('listed.trading', 'listed', 'manual', '', '股票已上市交易（附上市公告书）', 'Shares trading (listing announcement attached)', 17);

CREATE TABLE gate_ticks (
    id INTEGER PRIMARY KEY NOT NULL,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    item_key TEXT NOT NULL,
    evidence TEXT NOT NULL,
    document_ref TEXT NOT NULL DEFAULT '',
    ticked_by INTEGER REFERENCES users (id),
    ticked_at TIMESTAMP NOT NULL,
    UNIQUE (enterprise_id, item_key)
);

CREATE TABLE cultivation_proposals (
    id INTEGER PRIMARY KEY NOT NULL,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    step_from TEXT NOT NULL CHECK (step_from IN ('potential', 'reserve', 'shareholding_reform', 'tutoring_filing', 'tutoring_acceptance', 'application_accepted', 'inquiry', 'listing_committee', 'registration', 'issue_and_listing', 'listed', 'withdrawn', 'terminated')),
    step_to TEXT NOT NULL CHECK (step_to IN ('potential', 'reserve', 'shareholding_reform', 'tutoring_filing', 'tutoring_acceptance', 'application_accepted', 'inquiry', 'listing_committee', 'registration', 'issue_and_listing', 'listed', 'withdrawn', 'terminated')),
    reason TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL DEFAULT '',
    gate_snapshot TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'returned')),
    proposed_by INTEGER NOT NULL REFERENCES users (id),
    proposed_at TIMESTAMP NOT NULL,
    decided_by INTEGER REFERENCES users (id),
    decided_at TIMESTAMP,
    decision_comment TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cultivation_proposals_status_idx ON cultivation_proposals (status, id);
CREATE INDEX cultivation_proposals_enterprise_idx ON cultivation_proposals (enterprise_id, id);
-- At most one proposal waits per enterprise.
CREATE UNIQUE INDEX cultivation_proposals_one_pending ON cultivation_proposals (enterprise_id) WHERE status = 'pending';

CREATE TABLE cultivation_events (
    id INTEGER PRIMARY KEY NOT NULL,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    step_from TEXT,
    step_to TEXT NOT NULL,
    stage_to TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    proposal_id INTEGER REFERENCES cultivation_proposals (id),
    effective_on DATE NOT NULL,
    recorded_by INTEGER REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX cultivation_events_enterprise_idx ON cultivation_events (enterprise_id, id);
CREATE INDEX cultivation_events_entry_idx ON cultivation_events (step_to, effective_on);

CREATE TABLE cultivation_tasks (
    id INTEGER PRIMARY KEY NOT NULL,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    step TEXT NOT NULL CHECK (step IN ('potential', 'reserve', 'shareholding_reform', 'tutoring_filing', 'tutoring_acceptance', 'application_accepted', 'inquiry', 'listing_committee', 'registration', 'issue_and_listing', 'listed', 'withdrawn', 'terminated')),
    title TEXT NOT NULL,
    owner_id INTEGER NOT NULL REFERENCES users (id),
    due_on DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'done')),
    done_on DATE,
    created_by INTEGER REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX cultivation_tasks_enterprise_idx ON cultivation_tasks (enterprise_id, status, due_on);
CREATE INDEX cultivation_tasks_owner_idx ON cultivation_tasks (owner_id, status, due_on);
CREATE INDEX cultivation_tasks_due_idx ON cultivation_tasks (status, due_on);

CREATE TABLE plan_targets (
    year INTEGER NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('potential', 'reserve', 'shareholding_reform', 'listing_process', 'listed')),
    target INTEGER NOT NULL CHECK (target >= 0),
    updated_by INTEGER REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (year, stage)
);

-- Whole-pipeline figures (funnel, time in stage, plan actuals) are cached by the app
-- per generation of the data they read; any change to those columns bumps it, in the
-- same transaction, whoever writes (the app on any server, an import, plain SQL).
CREATE TABLE pipeline_generation (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO pipeline_generation (id, n) VALUES (1, 0);
CREATE TRIGGER enterprises_pipeline_insert AFTER INSERT ON enterprises
BEGIN
    UPDATE pipeline_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER enterprises_pipeline_update AFTER UPDATE OF cultivation_stage, stage_since, step_since, archived_at, district_code, industry_section, current_level, current_tier, target_board ON enterprises
BEGIN
    UPDATE pipeline_generation SET n = n + 1 WHERE id = 1;
END;
