DROP TRIGGER index_scores_change ON index_scores;
DROP FUNCTION bump_index_generation();
DROP TABLE index_generation;
DROP TABLE expert_assignments;
DROP TABLE index_scores;
DROP TABLE index_values;
DROP TABLE index_periods;
DROP TABLE index_models;
