-- Sessions remember the account's epoch at sign-in; changing or resetting
-- the password moves it on, so every older session is refused for good,
-- even one whose row a request in flight would write back.
ALTER TABLE account ADD COLUMN session_epoch BIGINT NOT NULL DEFAULT 0;

-- Sign-in failures are counted per (account, address) so a stranger cannot
-- lock the owner out; the pair needs its own index.
CREATE INDEX login_failure_username_ip_at ON login_failure (username, ip, at);

-- Actions a stranger can repeat (e.g. creating accounts), counted per key
-- (a client address) within a window, shared by every server node.
CREATE TABLE rate_event (
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX rate_event_bucket_key_at ON rate_event (bucket, key, at);
CREATE INDEX rate_event_at ON rate_event (at);
