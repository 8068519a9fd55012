-- The dashboard and the quarterly report show approved financing by kind, partner,
-- district and level (this quarter, this year, ever). Those totals are cached per
-- server while this generation (and the pipeline generation, which covers the
-- enterprise columns they group by) lasts; triggers bump it in the same
-- transaction as any write to what they read.
CREATE TABLE financing_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO financing_generation (id, n) VALUES (1, 0);
CREATE FUNCTION bump_financing_generation() RETURNS trigger AS $$
BEGIN
    UPDATE financing_generation SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER financing_referrals_generation AFTER INSERT OR DELETE OR UPDATE OF need_id, partner_id, status, approved_amount, approved_on ON financing_referrals
    FOR EACH STATEMENT EXECUTE FUNCTION bump_financing_generation();
CREATE TRIGGER financing_needs_generation AFTER DELETE OR UPDATE OF enterprise_id, kind ON financing_needs
    FOR EACH STATEMENT EXECUTE FUNCTION bump_financing_generation();
CREATE TRIGGER partners_generation AFTER UPDATE OF name ON partners
    FOR EACH STATEMENT EXECUTE FUNCTION bump_financing_generation();
