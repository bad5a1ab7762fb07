-- Full-text search. Every searchable row (book, group, thread title, post,
-- note, published lecture) has one search_doc; its text is segmented in Rust
-- into space-separated tokens (Chinese as overlapping character pairs, other
-- words lower-cased, see app::search::tokens) and indexed by FTS5 here and
-- by a tsvector in PostgreSQL, so both find exactly the same documents.
--
-- Writes only mark rows as changed (search_queue, filled by triggers); the
-- server turns queued rows into documents in the background and before each
-- search, so no write path can forget the index.

CREATE TABLE search_doc (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('book', 'group', 'thread', 'post', 'note', 'lecture')),
    ref_id BIGINT NOT NULL,
    -- Who may read it, decided when searching:
    -- public; group (the group's thread visibility); note_group (members of
    -- the group and the author); private (the author only).
    access TEXT NOT NULL CHECK (access IN ('public', 'group', 'note_group', 'private')),
    group_id BIGINT,
    owner_id BIGINT,
    title TEXT NOT NULL,
    -- Plain text for the excerpt shown in the results.
    body TEXT NOT NULL,
    context TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (kind, ref_id)
);
CREATE INDEX search_doc_created ON search_doc (created_at);

CREATE VIRTUAL TABLE search_fts USING fts5 (tokens, tokenize = 'unicode61 remove_diacritics 0');

CREATE TABLE search_queue (
    kind TEXT NOT NULL,
    ref_id BIGINT NOT NULL,
    PRIMARY KEY (kind, ref_id)
);

CREATE TRIGGER search_book_ins AFTER INSERT ON book
BEGIN INSERT OR IGNORE INTO search_queue VALUES ('book', NEW.id); END;
CREATE TRIGGER search_book_upd AFTER UPDATE OF title, author, publisher, summary ON book
BEGIN INSERT OR IGNORE INTO search_queue VALUES ('book', NEW.id); END;
CREATE TRIGGER search_book_del AFTER DELETE ON book
BEGIN INSERT OR IGNORE INTO search_queue VALUES ('book', OLD.id); END;

CREATE TRIGGER search_group_ins AFTER INSERT ON reading_group
BEGIN INSERT OR IGNORE INTO search_queue VALUES ('group', NEW.id); END;
CREATE TRIGGER search_group_upd AFTER UPDATE OF slug, name, theme, description_md ON reading_group
BEGIN INSERT OR IGNORE INTO search_queue VALUES ('group', NEW.id); END;
CREATE TRIGGER search_group_del AFTER DELETE ON reading_group
BEGIN INSERT OR IGNORE INTO search_queue VALUES ('group', OLD.id); END;

CREATE TRIGGER search_thread_ins AFTER INSERT ON thread
BEGIN INSERT OR IGNORE INTO search_queue VALUES ('thread', NEW.id); END;
CREATE TRIGGER search_thread_upd AFTER UPDATE OF title, group_id ON thread
BEGIN INSERT OR IGNORE INTO search_queue VALUES ('thread', NEW.id); END;
CREATE TRIGGER search_thread_del AFTER DELETE ON thread
BEGIN INSERT OR IGNORE INTO search_queue VALUES ('thread', OLD.id); END;

CREATE TRIGGER search_post_ins AFTER INSERT ON post
BEGIN INSERT OR IGNORE INTO search_queue VALUES ('post', NEW.id); END;
CREATE TRIGGER search_post_upd AFTER UPDATE OF body_md, deleted_at, hidden_at ON post
BEGIN INSERT OR IGNORE INTO search_queue VALUES ('post', NEW.id); END;
CREATE TRIGGER search_post_del AFTER DELETE ON post
BEGIN INSERT OR IGNORE INTO search_queue VALUES ('post', OLD.id); END;

CREATE TRIGGER search_note_ins AFTER INSERT ON note
BEGIN INSERT OR IGNORE INTO search_queue VALUES ('note', NEW.id); END;
CREATE TRIGGER search_note_upd AFTER UPDATE OF title, body_md, visibility, group_id ON note
BEGIN INSERT OR IGNORE INTO search_queue VALUES ('note', NEW.id); END;
CREATE TRIGGER search_note_del AFTER DELETE ON note
BEGIN INSERT OR IGNORE INTO search_queue VALUES ('note', OLD.id); END;

CREATE TRIGGER search_lecture_ins AFTER INSERT ON lecture
BEGIN INSERT OR IGNORE INTO search_queue VALUES ('lecture', NEW.id); END;
CREATE TRIGGER search_lecture_upd AFTER UPDATE OF slug, title, series, speaker, abstract_md, state, starts_at ON lecture
BEGIN INSERT OR IGNORE INTO search_queue VALUES ('lecture', NEW.id); END;
CREATE TRIGGER search_lecture_del AFTER DELETE ON lecture
BEGIN INSERT OR IGNORE INTO search_queue VALUES ('lecture', OLD.id); END;

-- Everything written before this migration.
INSERT INTO search_queue SELECT 'book', id FROM book;
INSERT INTO search_queue SELECT 'group', id FROM reading_group;
INSERT INTO search_queue SELECT 'thread', id FROM thread;
INSERT INTO search_queue SELECT 'post', id FROM post;
INSERT INTO search_queue SELECT 'note', id FROM note;
INSERT INTO search_queue SELECT 'lecture', id FROM lecture;
