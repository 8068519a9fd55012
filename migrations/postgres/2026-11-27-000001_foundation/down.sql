DROP TRIGGER audit_log_no_change ON audit_log;
DROP FUNCTION audit_log_append_only();
DROP TABLE audit_log;
DROP TABLE login_throttle;
DROP TABLE sessions;
DROP TABLE user_districts;
DROP TABLE users;
DROP TABLE enterprises;
DROP TABLE districts;
