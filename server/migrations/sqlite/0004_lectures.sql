-- The lecture hall (政协大讲堂): sessions, their livestreams and venues,
-- registrations with waiting lists, check-ins, viewers, live questions.
-- Instants are Unix seconds.

CREATE TABLE lecture (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    series TEXT NOT NULL DEFAULT '',
    speaker TEXT NOT NULL,
    speaker_bio TEXT NOT NULL DEFAULT '',
    abstract_md TEXT NOT NULL DEFAULT '',
    abstract_html TEXT NOT NULL DEFAULT '',
    cover_id BIGINT REFERENCES image (id) ON DELETE SET NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL CHECK (ends_at > starts_at),
    -- draft: only its lecturer and organisers see it; cancelled stays listed.
    state TEXT NOT NULL CHECK (state IN ('draft', 'published', 'cancelled')),
    replay_url TEXT NOT NULL DEFAULT '',
    group_id BIGINT REFERENCES reading_group (id) ON DELETE SET NULL,
    book_id BIGINT REFERENCES book (id) ON DELETE SET NULL,
    owner_id BIGINT REFERENCES account (id) ON DELETE SET NULL,
    -- Watch-page opens, added in batches by the server (see lectures::live).
    views BIGINT NOT NULL DEFAULT 0,
    -- Secret of the venues' daily check-in codes.
    checkin_key TEXT NOT NULL,
    -- The discussion thread the questions were turned into.
    followup_thread_id BIGINT REFERENCES thread (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX lecture_starts ON lecture (starts_at);
CREATE INDEX lecture_owner ON lecture (owner_id);

CREATE TABLE lecture_stream (
    id INTEGER PRIMARY KEY,
    lecture_id BIGINT NOT NULL REFERENCES lecture (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL
);
CREATE INDEX lecture_stream_lecture ON lecture_stream (lecture_id, position);

-- Position 0 is the main venue (主会场), the others branch venues (分会场).
CREATE TABLE venue (
    id INTEGER PRIMARY KEY,
    lecture_id BIGINT NOT NULL REFERENCES lecture (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    seats BIGINT NOT NULL CHECK (seats >= 0),
    -- Seats taken, raised only while below `seats` so no venue is overbooked.
    taken BIGINT NOT NULL DEFAULT 0 CHECK (taken >= 0),
    UNIQUE (lecture_id, position)
);

-- One row per person and session. venue_id NULL: online attendance.
CREATE TABLE registration (
    id INTEGER PRIMARY KEY,
    lecture_id BIGINT NOT NULL REFERENCES lecture (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    venue_id BIGINT REFERENCES venue (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('confirmed', 'waiting', 'cancelled')),
    -- Place in the venue's waiting list: when the person joined it.
    queued_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (lecture_id, account_id)
);
CREATE INDEX registration_waiting ON registration (venue_id, status, queued_at, id);
CREATE INDEX registration_account ON registration (account_id);

CREATE TABLE attendance (
    lecture_id BIGINT NOT NULL REFERENCES lecture (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    venue_id BIGINT NOT NULL REFERENCES venue (id) ON DELETE CASCADE,
    checked_in_at BIGINT NOT NULL,
    PRIMARY KEY (lecture_id, account_id)
);

-- Everyone who opened the watch page: a browser (anonymous cookie id),
-- tied to an account once its viewer is signed in.
CREATE TABLE lecture_viewer (
    lecture_id BIGINT NOT NULL REFERENCES lecture (id) ON DELETE CASCADE,
    viewer TEXT NOT NULL,
    account_id BIGINT REFERENCES account (id) ON DELETE SET NULL,
    first_seen BIGINT NOT NULL,
    PRIMARY KEY (lecture_id, viewer)
);

CREATE TABLE question (
    id INTEGER PRIMARY KEY,
    lecture_id BIGINT NOT NULL REFERENCES lecture (id) ON DELETE CASCADE,
    account_id BIGINT REFERENCES account (id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    votes BIGINT NOT NULL DEFAULT 0,
    answered_at BIGINT,
    hidden_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX question_lecture ON question (lecture_id, votes, id);

CREATE TABLE question_vote (
    question_id BIGINT NOT NULL REFERENCES question (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (question_id, account_id)
);

-- Notifications learn a kind about sessions (a seat came free for someone
-- on a waiting list), linked to the session. SQLite cannot change a CHECK
-- constraint, so the table is rebuilt; nothing references it.
CREATE TABLE notification_new (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('reply', 'quote', 'mention', 'moderation', 'lecture')),
    actor_id BIGINT REFERENCES account (id) ON DELETE SET NULL,
    post_id BIGINT REFERENCES post (id) ON DELETE CASCADE,
    thread_id BIGINT REFERENCES thread (id) ON DELETE CASCADE,
    lecture_id BIGINT REFERENCES lecture (id) ON DELETE CASCADE,
    text TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
INSERT INTO notification_new (id, account_id, kind, actor_id, post_id, thread_id, text, created_at, read_at)
    SELECT id, account_id, kind, actor_id, post_id, thread_id, text, created_at, read_at FROM notification;
DROP TABLE notification;
ALTER TABLE notification_new RENAME TO notification;
CREATE INDEX notification_account ON notification (account_id, id);
CREATE INDEX notification_unread ON notification (account_id) WHERE read_at IS NULL;
