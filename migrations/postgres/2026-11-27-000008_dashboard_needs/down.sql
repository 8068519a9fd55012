ALTER TABLE financing_needs DROP COLUMN closed_at;
ALTER TABLE financing_needs DROP COLUMN closed_by;
ALTER TABLE financing_needs DROP COLUMN close_note;
ALTER TABLE financing_needs DROP COLUMN close_reason;
DROP TRIGGER qualifications_pipeline_change ON qualifications;
DROP TRIGGER cultivation_events_pipeline_insert ON cultivation_events;
DROP TRIGGER board_entries_pipeline_insert ON board_entries;
