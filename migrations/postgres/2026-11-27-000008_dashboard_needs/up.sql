-- The dashboard and the quarterly report rebuild tier, level and stage counts as of
-- a day from the dated history; they are cached per pipeline generation like the
-- pipeline's figures, so a change to that history (a back-dated board move, a title
-- revoked after it lapsed) must bump the generation too, in the same transaction.
CREATE TRIGGER board_entries_pipeline_insert AFTER INSERT ON board_entries
    FOR EACH STATEMENT EXECUTE FUNCTION bump_pipeline_generation();
CREATE TRIGGER cultivation_events_pipeline_insert AFTER INSERT ON cultivation_events
    FOR EACH STATEMENT EXECUTE FUNCTION bump_pipeline_generation();
CREATE TRIGGER qualifications_pipeline_change AFTER INSERT OR DELETE OR UPDATE OF level, recognized_on, expires_on, revoked_on ON qualifications
    FOR EACH STATEMENT EXECUTE FUNCTION bump_pipeline_generation();

-- A financing need is closed with a reason (financed, withdrawn, other with a note),
-- by whom and when; a closed need takes no more referrals.
ALTER TABLE financing_needs ADD COLUMN close_reason TEXT CHECK (close_reason IN ('financed', 'withdrawn', 'other'));
ALTER TABLE financing_needs ADD COLUMN close_note TEXT NOT NULL DEFAULT '';
ALTER TABLE financing_needs ADD COLUMN closed_by INTEGER REFERENCES users (id);
ALTER TABLE financing_needs ADD COLUMN closed_at TIMESTAMP;

-- The index views group scores by district, industry (section and division) and
-- level; they were keyed by the pipeline generation, which every board move and
-- cultivation step bumps (needlessly rebuilding 150,000 entries) and which missed
-- a change of division alone. They now have their own generation over exactly the
-- columns they read.
CREATE TABLE index_groups_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO index_groups_generation (id, n) VALUES (1, 0);
CREATE FUNCTION bump_index_groups_generation() RETURNS trigger AS $$
BEGIN
    UPDATE index_groups_generation SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER enterprises_index_groups_insert AFTER INSERT ON enterprises
    FOR EACH STATEMENT EXECUTE FUNCTION bump_index_groups_generation();
CREATE TRIGGER enterprises_index_groups_update AFTER UPDATE OF district_code, industry_section, industry_division, current_level, archived_at ON enterprises
    FOR EACH STATEMENT EXECUTE FUNCTION bump_index_groups_generation();
