DROP TABLE financing_referrals;
DROP TABLE financing_needs;
DROP TABLE partner_service_plans;
DROP TABLE partner_agreements;
