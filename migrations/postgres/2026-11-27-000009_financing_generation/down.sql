DROP TRIGGER partners_generation ON partners;
DROP TRIGGER financing_needs_generation ON financing_needs;
DROP TRIGGER financing_referrals_generation ON financing_referrals;
DROP FUNCTION bump_financing_generation();
DROP TABLE financing_generation;
