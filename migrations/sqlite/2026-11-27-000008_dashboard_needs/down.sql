ALTER TABLE financing_needs DROP COLUMN closed_at;
ALTER TABLE financing_needs DROP COLUMN closed_by;
ALTER TABLE financing_needs DROP COLUMN close_note;
ALTER TABLE financing_needs DROP COLUMN close_reason;
DROP TRIGGER qualifications_pipeline_delete;
DROP TRIGGER qualifications_pipeline_update;
DROP TRIGGER qualifications_pipeline_insert;
DROP TRIGGER cultivation_events_pipeline_insert;
DROP TRIGGER board_entries_pipeline_insert;
