-- The development index ("4+2" dimensions, three layers, "60+N" indicators).

-- Every version of the index model, as the JSON the domain validates. Editing a
-- model (weights, a local indicator) adds a version; rows are never changed except
-- to switch which one is active. Scores record the version that produced them.
CREATE TABLE index_models (
    id SERIAL PRIMARY KEY,
    code TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    model TEXT NOT NULL,
    change_note TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT FALSE,
    created_by INTEGER REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (code, version)
);
CREATE UNIQUE INDEX index_models_one_active ON index_models (active) WHERE active;

-- A period the index is computed for: a year ('2025') or a quarter ('2025Q3').
-- `reference` is the distribution of each indicator (min, max, mean, sd) fixed at
-- the period's last full computation under `model_id`; changed enterprises are
-- re-scored against it straight away, a full recompute refreshes it.
CREATE TABLE index_periods (
    period TEXT PRIMARY KEY NOT NULL,
    model_id INTEGER REFERENCES index_models (id),
    reference TEXT,
    computed_at TIMESTAMP,
    computed_by INTEGER REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);

-- Indicator figures that are not derived from annual data: entered by staff,
-- imported, or the summary of expert scores. No row = missing (never zero).
CREATE TABLE index_values (
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    period TEXT NOT NULL REFERENCES index_periods (period),
    indicator TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('entered', 'imported', 'expert')),
    updated_by INTEGER REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (enterprise_id, period, indicator)
);

-- One enterprise's scores for one period: the total and the six dimensions in the
-- model's order as columns (for SQL), sub-dimension scores, raw figures and
-- indicator points in the model's order as JSON arrays (null = missing).
CREATE TABLE index_scores (
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    period TEXT NOT NULL REFERENCES index_periods (period),
    model_id INTEGER NOT NULL REFERENCES index_models (id),
    total DOUBLE PRECISION,
    dim1 DOUBLE PRECISION,
    dim2 DOUBLE PRECISION,
    dim3 DOUBLE PRECISION,
    dim4 DOUBLE PRECISION,
    dim5 DOUBLE PRECISION,
    dim6 DOUBLE PRECISION,
    coverage DOUBLE PRECISION NOT NULL,
    detail TEXT NOT NULL,
    computed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (enterprise_id, period)
);
-- Covers the per-period read of the comparison cache (the rows themselves carry
-- the large detail JSON and are not touched).
CREATE INDEX index_scores_period ON index_scores (period, total, dim1, dim2, dim3, dim4, dim5, dim6);

-- Admins assign experts to an enterprise's expert-scored indicators for a period;
-- the expert's score (0..100) and comment fill the same row.
CREATE TABLE expert_assignments (
    id SERIAL PRIMARY KEY,
    expert_id INTEGER NOT NULL REFERENCES users (id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    period TEXT NOT NULL REFERENCES index_periods (period),
    indicator TEXT NOT NULL,
    assigned_by INTEGER REFERENCES users (id),
    assigned_at TIMESTAMP NOT NULL,
    score DOUBLE PRECISION CHECK (score IS NULL OR (score >= 0 AND score <= 100)),
    comment TEXT NOT NULL DEFAULT '',
    scored_at TIMESTAMP,
    UNIQUE (expert_id, enterprise_id, period, indicator)
);
CREATE INDEX expert_assignments_subject ON expert_assignments (enterprise_id, period, indicator);

-- Rank tables, peer medians and the overview are cached by the app per generation
-- of the scores; any write to index_scores bumps it in the same transaction.
CREATE TABLE index_generation (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO index_generation (id, n) VALUES (1, 0);
CREATE FUNCTION bump_index_generation() RETURNS trigger AS $$
BEGIN
    UPDATE index_generation SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER index_scores_change AFTER INSERT OR UPDATE OR DELETE ON index_scores
    FOR EACH STATEMENT EXECUTE FUNCTION bump_index_generation();
