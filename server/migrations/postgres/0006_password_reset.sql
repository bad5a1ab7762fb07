-- One-time links to set a new password, made by organisers. Only the
-- SHA-256 hash of the token is kept; a link is removed when used.
CREATE TABLE password_reset (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    created_by BIGINT REFERENCES account (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX password_reset_account ON password_reset (account_id);
