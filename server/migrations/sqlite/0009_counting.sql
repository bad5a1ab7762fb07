-- Search and statistics that do not grow with the corpus.
--
-- A search document's id now orders documents by kind, then by age
-- (app::search::queries::doc_id), so a search reads a kind's newest
-- matches first and stops at its LIMIT. Every document is indexed again,
-- in the background, under its new id; until then it is not found.
INSERT OR IGNORE INTO search_queue SELECT kind, ref_id FROM search_doc;

-- The statistics and the annual report count rows by time.
CREATE INDEX post_created ON post (created_at);
CREATE INDEX check_in_created ON check_in (created_at);
CREATE INDEX note_created ON note (created_at);
CREATE INDEX reading_progress_updated ON reading_progress (status, updated_at);
CREATE INDEX lecture_viewer_first_seen ON lecture_viewer (first_seen);
