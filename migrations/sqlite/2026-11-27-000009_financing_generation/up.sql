-- The dashboard and the quarterly report show approved financing by kind, partner,
-- district and level (this quarter, this year, ever). Those totals are cached per
-- server while this generation (and the pipeline generation, which covers the
-- enterprise columns they group by) lasts; triggers bump it in the same
-- transaction as any write to what they read.
CREATE TABLE financing_generation (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO financing_generation (id, n) VALUES (1, 0);
CREATE TRIGGER financing_referrals_generation_insert AFTER INSERT ON financing_referrals
BEGIN
    UPDATE financing_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER financing_referrals_generation_update AFTER UPDATE OF need_id, partner_id, status, approved_amount, approved_on ON financing_referrals
BEGIN
    UPDATE financing_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER financing_referrals_generation_delete AFTER DELETE ON financing_referrals
BEGIN
    UPDATE financing_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER financing_needs_generation_update AFTER UPDATE OF enterprise_id, kind ON financing_needs
BEGIN
    UPDATE financing_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER financing_needs_generation_delete AFTER DELETE ON financing_needs
BEGIN
    UPDATE financing_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER partners_generation_update AFTER UPDATE OF name ON partners
BEGIN
    UPDATE financing_generation SET n = n + 1 WHERE id = 1;
END;
