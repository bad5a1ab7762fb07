-- Discussion: threads and posts in reading groups, likes, edit history,
-- reports and moderation, read positions, notifications.

-- Who may read a group's threads: everyone, or its members only.
ALTER TABLE reading_group ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public'
    CHECK (visibility IN ('public', 'members'));

CREATE TABLE thread (
    id INTEGER PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES reading_group (id) ON DELETE CASCADE,
    book_id BIGINT REFERENCES book (id) ON DELETE SET NULL,
    account_id BIGINT REFERENCES account (id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    pinned BIGINT NOT NULL DEFAULT 0,
    locked BIGINT NOT NULL DEFAULT 0,
    -- Posts so far; also the sequence number of the last post, so a page
    -- of the thread is a range of `post.seq` and never a scan.
    post_count BIGINT NOT NULL DEFAULT 0,
    last_post_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX thread_group_order ON thread (group_id, pinned, last_post_at);
CREATE INDEX thread_book ON thread (book_id);

CREATE TABLE post (
    id INTEGER PRIMARY KEY,
    thread_id BIGINT NOT NULL REFERENCES thread (id) ON DELETE CASCADE,
    -- 1, 2, 3… within the thread; never reused or renumbered.
    seq BIGINT NOT NULL,
    account_id BIGINT REFERENCES account (id) ON DELETE SET NULL,
    -- The post this one quotes.
    quote_id BIGINT REFERENCES post (id) ON DELETE SET NULL,
    body_md TEXT NOT NULL,
    body_html TEXT NOT NULL,
    guide BIGINT NOT NULL DEFAULT 0,
    likes BIGINT NOT NULL DEFAULT 0,
    edits BIGINT NOT NULL DEFAULT 0,
    edited_at BIGINT,
    deleted_at BIGINT,
    hidden_at BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (thread_id, seq)
);
CREATE INDEX post_account ON post (account_id, created_at);
CREATE INDEX post_quote ON post (quote_id);

-- Earlier versions of edited posts, oldest first.
CREATE TABLE post_revision (
    id INTEGER PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES post (id) ON DELETE CASCADE,
    body_md TEXT NOT NULL,
    body_html TEXT NOT NULL,
    written_at BIGINT NOT NULL
);
CREATE INDEX post_revision_post ON post_revision (post_id, id);

CREATE TABLE post_like (
    post_id BIGINT NOT NULL REFERENCES post (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (post_id, account_id)
);

CREATE TABLE post_report (
    id INTEGER PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES post (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    created_at BIGINT NOT NULL,
    resolved_by BIGINT REFERENCES account (id) ON DELETE SET NULL,
    resolved_at BIGINT
);
CREATE INDEX post_report_status ON post_report (status, created_at);
CREATE UNIQUE INDEX post_report_one_open ON post_report (post_id, account_id)
    WHERE status = 'open';

-- Every moderation action: who, what, when.
CREATE TABLE moderation_log (
    id INTEGER PRIMARY KEY,
    actor_id BIGINT REFERENCES account (id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    thread_id BIGINT REFERENCES thread (id) ON DELETE SET NULL,
    post_id BIGINT REFERENCES post (id) ON DELETE SET NULL,
    note TEXT NOT NULL DEFAULT '',
    at BIGINT NOT NULL
);
CREATE INDEX moderation_log_at ON moderation_log (at);
CREATE INDEX moderation_log_post ON moderation_log (post_id);

-- How far each reader has read each thread.
CREATE TABLE thread_read (
    account_id BIGINT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    thread_id BIGINT NOT NULL REFERENCES thread (id) ON DELETE CASCADE,
    last_seq BIGINT NOT NULL,
    PRIMARY KEY (account_id, thread_id)
);

CREATE TABLE notification (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('reply', 'quote', 'mention', 'moderation')),
    actor_id BIGINT REFERENCES account (id) ON DELETE SET NULL,
    post_id BIGINT REFERENCES post (id) ON DELETE CASCADE,
    thread_id BIGINT REFERENCES thread (id) ON DELETE CASCADE,
    text TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notification_account ON notification (account_id, id);
CREATE INDEX notification_unread ON notification (account_id) WHERE read_at IS NULL;
