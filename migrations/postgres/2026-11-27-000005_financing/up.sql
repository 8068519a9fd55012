-- Financing services: cooperation agreements and service plans of partner
-- institutions, enterprises' financing needs and their referrals to partners.
-- Amounts are whole yuan (typed and shown in 万元); rates are hundredths of a percent.

CREATE TABLE partner_agreements (
    id SERIAL PRIMARY KEY,
    partner_id INTEGER NOT NULL REFERENCES partners (id),
    signed_on DATE,
    scope TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE,
    terminated_on DATE,
    termination_reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX partner_agreements_partner_idx ON partner_agreements (partner_id, starts_on);

CREATE TABLE partner_service_plans (
    id SERIAL PRIMARY KEY,
    partner_id INTEGER NOT NULL REFERENCES partners (id),
    name TEXT NOT NULL,
    products TEXT NOT NULL DEFAULT '',
    min_amount BIGINT,
    max_amount BIGINT,
    term_months INTEGER,
    rate_min INTEGER,
    rate_max INTEGER,
    target_levels TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (min_amount IS NULL OR min_amount >= 0),
    CHECK (max_amount IS NULL OR min_amount IS NULL OR max_amount >= min_amount)
);
CREATE INDEX partner_service_plans_partner_idx ON partner_service_plans (partner_id, name);

CREATE TABLE financing_needs (
    id SERIAL PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    kind TEXT NOT NULL CHECK (kind IN ('equity', 'loan', 'credit_loan', 'first_loan', 'bond')),
    amount BIGINT NOT NULL CHECK (amount > 0),
    purpose TEXT NOT NULL DEFAULT '',
    wanted_by DATE,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'matched', 'closed')),
    created_by INTEGER REFERENCES users (id),
    created_via TEXT NOT NULL CHECK (created_via IN ('enterprise', 'staff')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX financing_needs_enterprise_idx ON financing_needs (enterprise_id, id);
CREATE INDEX financing_needs_status_idx ON financing_needs (status, kind, created_at);

CREATE TABLE financing_referrals (
    id SERIAL PRIMARY KEY,
    need_id INTEGER NOT NULL REFERENCES financing_needs (id),
    partner_id INTEGER NOT NULL REFERENCES partners (id),
    status TEXT NOT NULL DEFAULT 'sent' CHECK (status IN ('sent', 'in_review', 'approved', 'declined')),
    approved_amount BIGINT,
    approved_rate INTEGER,
    approved_on DATE,
    decline_reason TEXT NOT NULL DEFAULT '',
    sent_at TIMESTAMP NOT NULL,
    in_review_at TIMESTAMP,
    decided_at TIMESTAMP,
    created_by INTEGER REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (need_id, partner_id),
    CHECK (approved_amount IS NULL OR approved_amount > 0)
);
CREATE INDEX financing_referrals_partner_idx ON financing_referrals (partner_id, status);
