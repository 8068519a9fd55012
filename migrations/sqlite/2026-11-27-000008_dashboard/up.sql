-- The dashboard and the quarterly report rebuild tier, level and stage counts as of
-- a day from the dated history; they are cached per pipeline generation like the
-- pipeline's figures, so a change to that history (a back-dated board move, a title
-- revoked after it lapsed) must bump the generation too, in the same transaction.
CREATE TRIGGER board_entries_pipeline_insert AFTER INSERT ON board_entries
BEGIN
    UPDATE pipeline_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER cultivation_events_pipeline_insert AFTER INSERT ON cultivation_events
BEGIN
    UPDATE pipeline_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER qualifications_pipeline_insert AFTER INSERT ON qualifications
BEGIN
    UPDATE pipeline_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER qualifications_pipeline_update AFTER UPDATE OF level, recognized_on, expires_on, revoked_on ON qualifications
BEGIN
    UPDATE pipeline_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER qualifications_pipeline_delete AFTER DELETE ON qualifications
BEGIN
    UPDATE pipeline_generation SET n = n + 1 WHERE id = 1;
END;
