-- Full-text search; see the SQLite migration of the same name. Here the
-- tokens are indexed as a tsvector of the 'simple' configuration (no
-- stemming, no stop words), matched with to_tsquery('simple', ...).

CREATE TABLE search_doc (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('book', 'group', 'thread', 'post', 'note', 'lecture')),
    ref_id BIGINT NOT NULL,
    access TEXT NOT NULL CHECK (access IN ('public', 'group', 'note_group', 'private')),
    group_id BIGINT,
    owner_id BIGINT,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    context TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    tsv TSVECTOR NOT NULL,
    UNIQUE (kind, ref_id)
);
CREATE INDEX search_doc_created ON search_doc (created_at);
CREATE INDEX search_doc_tsv ON search_doc USING GIN (tsv);

CREATE TABLE search_queue (
    kind TEXT NOT NULL,
    ref_id BIGINT NOT NULL,
    PRIMARY KEY (kind, ref_id)
);

CREATE FUNCTION search_enqueue() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO search_queue VALUES (TG_ARGV[0], OLD.id) ON CONFLICT DO NOTHING;
    ELSE
        INSERT INTO search_queue VALUES (TG_ARGV[0], NEW.id) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER search_book AFTER INSERT OR DELETE OR UPDATE OF title, author, publisher, summary
    ON book FOR EACH ROW EXECUTE FUNCTION search_enqueue('book');
CREATE TRIGGER search_group AFTER INSERT OR DELETE OR UPDATE OF slug, name, theme, description_md
    ON reading_group FOR EACH ROW EXECUTE FUNCTION search_enqueue('group');
CREATE TRIGGER search_thread AFTER INSERT OR DELETE OR UPDATE OF title, group_id
    ON thread FOR EACH ROW EXECUTE FUNCTION search_enqueue('thread');
CREATE TRIGGER search_post AFTER INSERT OR DELETE OR UPDATE OF body_md, deleted_at, hidden_at
    ON post FOR EACH ROW EXECUTE FUNCTION search_enqueue('post');
CREATE TRIGGER search_note AFTER INSERT OR DELETE OR UPDATE OF title, body_md, visibility, group_id
    ON note FOR EACH ROW EXECUTE FUNCTION search_enqueue('note');
CREATE TRIGGER search_lecture AFTER INSERT OR DELETE OR UPDATE OF slug, title, series, speaker, abstract_md, state, starts_at
    ON lecture FOR EACH ROW EXECUTE FUNCTION search_enqueue('lecture');

INSERT INTO search_queue SELECT 'book', id FROM book;
INSERT INTO search_queue SELECT 'group', id FROM reading_group;
INSERT INTO search_queue SELECT 'thread', id FROM thread;
INSERT INTO search_queue SELECT 'post', id FROM post;
INSERT INTO search_queue SELECT 'note', id FROM note;
INSERT INTO search_queue SELECT 'lecture', id FROM lecture;
