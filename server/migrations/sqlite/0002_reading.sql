-- Reading: books and covers, reading groups and their members, reading
-- lists, recommendations, progress, check-ins, notes.
-- Dates without a time (terms, schedules, check-in days) are 'YYYY-MM-DD'
-- text in Beijing time; instants are Unix seconds.

CREATE TABLE image (
    id INTEGER PRIMARY KEY,
    content_type TEXT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    data BLOB NOT NULL,
    thumb_content_type TEXT NOT NULL,
    thumb_width BIGINT NOT NULL,
    thumb_height BIGINT NOT NULL,
    thumb BLOB NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE book (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    author TEXT NOT NULL,
    publisher TEXT NOT NULL DEFAULT '',
    year BIGINT,
    isbn TEXT UNIQUE,
    pages BIGINT,
    summary TEXT NOT NULL DEFAULT '',
    cover_id BIGINT REFERENCES image (id) ON DELETE SET NULL,
    created_by BIGINT REFERENCES account (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX book_title ON book (title);

CREATE TABLE reading_group (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    theme TEXT NOT NULL DEFAULT '',
    description_md TEXT NOT NULL DEFAULT '',
    description_html TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL
        CHECK (kind IN ('member_group', 'reader_group', 'sector_hub', 'member_studio')),
    sector_id BIGINT REFERENCES sector (id) ON DELETE SET NULL,
    committee TEXT NOT NULL DEFAULT '',
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    join_policy TEXT NOT NULL CHECK (join_policy IN ('open', 'approval', 'invitation')),
    member_seats BIGINT NOT NULL CHECK (member_seats >= 0),
    reader_seats BIGINT NOT NULL CHECK (reader_seats >= 0),
    -- Seats taken, kept by the join and leave queries so that a conditional
    -- update can hold the quota under concurrency.
    member_taken BIGINT NOT NULL DEFAULT 0 CHECK (member_taken >= 0),
    reader_taken BIGINT NOT NULL DEFAULT 0 CHECK (reader_taken >= 0),
    invite_token TEXT NOT NULL,
    created_by BIGINT REFERENCES account (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX reading_group_ends_on ON reading_group (ends_on);

CREATE TABLE group_member (
    group_id BIGINT NOT NULL REFERENCES reading_group (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('leader', 'guide', 'member')),
    -- Which quota the person counts against; staff (leader, guides) none.
    seat TEXT NOT NULL CHECK (seat IN ('member', 'reader', 'staff')),
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (group_id, account_id)
);
CREATE INDEX group_member_account ON group_member (account_id);

CREATE TABLE join_request (
    id INTEGER PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES reading_group (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    message TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'withdrawn')),
    created_at BIGINT NOT NULL,
    decided_by BIGINT REFERENCES account (id) ON DELETE SET NULL,
    decided_at BIGINT
);
CREATE INDEX join_request_group_status ON join_request (group_id, status);
CREATE INDEX join_request_account ON join_request (account_id);
-- At most one open request per person and group.
CREATE UNIQUE INDEX join_request_one_pending ON join_request (group_id, account_id)
    WHERE status = 'pending';

CREATE TABLE reading_list_item (
    id INTEGER PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES reading_group (id) ON DELETE CASCADE,
    book_id BIGINT NOT NULL REFERENCES book (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    guide_md TEXT NOT NULL DEFAULT '',
    guide_html TEXT NOT NULL DEFAULT '',
    UNIQUE (group_id, book_id)
);
CREATE INDEX reading_list_item_group ON reading_list_item (group_id, position);
CREATE INDEX reading_list_item_book ON reading_list_item (book_id);

CREATE TABLE recommendation (
    id INTEGER PRIMARY KEY,
    book_id BIGINT NOT NULL REFERENCES book (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'declined')),
    review_comment TEXT NOT NULL DEFAULT '',
    reviewed_by BIGINT REFERENCES account (id) ON DELETE SET NULL,
    reviewed_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX recommendation_status ON recommendation (status, reviewed_at);

CREATE TABLE reading_progress (
    account_id BIGINT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    book_id BIGINT NOT NULL REFERENCES book (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('want', 'reading', 'finished')),
    page BIGINT,
    percent BIGINT CHECK (percent BETWEEN 0 AND 100),
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, book_id)
);
CREATE INDEX reading_progress_book ON reading_progress (book_id);

CREATE TABLE check_in (
    id INTEGER PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES reading_group (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    minutes BIGINT,
    pages BIGINT,
    line TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    UNIQUE (group_id, account_id, day)
);
CREATE INDEX check_in_account_day ON check_in (account_id, day);

CREATE TABLE note (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    book_id BIGINT NOT NULL REFERENCES book (id) ON DELETE CASCADE,
    group_id BIGINT REFERENCES reading_group (id) ON DELETE SET NULL,
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'group', 'private')),
    title TEXT NOT NULL,
    body_md TEXT NOT NULL,
    body_html TEXT NOT NULL,
    likes BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX note_book ON note (book_id, created_at);
CREATE INDEX note_group ON note (group_id, created_at);
CREATE INDEX note_account ON note (account_id, created_at);

CREATE TABLE note_like (
    note_id BIGINT NOT NULL REFERENCES note (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (note_id, account_id)
);
