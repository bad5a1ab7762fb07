-- Accounts, sessions, sign-in throttling, site settings, the organisers' audit log.
-- Timestamps are Unix seconds (BIGINT) on both backends.

CREATE TABLE sector (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    position BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE account (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT 'reader'
        CHECK (role IN ('reader', 'member', 'lecturer', 'organiser')),
    sector_id BIGINT REFERENCES sector (id) ON DELETE SET NULL,
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX account_role ON account (role);

CREATE TABLE session (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX session_expires_at ON session (expires_at);

CREATE TABLE login_failure (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    ip TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failure_username_at ON login_failure (username, at);
CREATE INDEX login_failure_ip_at ON login_failure (ip, at);

CREATE TABLE site_setting (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    actor_id BIGINT REFERENCES account (id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    before_value TEXT,
    after_value TEXT,
    at BIGINT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
