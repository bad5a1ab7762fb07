-- Search speed on PostgreSQL (see app::search::queries).
--
-- Every search reads one kind's documents, so each kind has a full-text
-- index of its own: a word common in posts then costs nothing to a search
-- of notes or books. Without the fast-update pending list a search never
-- reads through entries not yet merged into the index (up to 4 MB of them
-- after a burst of indexing); the indexer writes in the background, so the
-- slower insert does not matter.
CREATE INDEX search_doc_tsv_book ON search_doc USING GIN (tsv) WITH (fastupdate = off) WHERE kind = 'book';
CREATE INDEX search_doc_tsv_group ON search_doc USING GIN (tsv) WITH (fastupdate = off) WHERE kind = 'group';
CREATE INDEX search_doc_tsv_thread ON search_doc USING GIN (tsv) WITH (fastupdate = off) WHERE kind = 'thread';
CREATE INDEX search_doc_tsv_post ON search_doc USING GIN (tsv) WITH (fastupdate = off) WHERE kind = 'post';
CREATE INDEX search_doc_tsv_note ON search_doc USING GIN (tsv) WITH (fastupdate = off) WHERE kind = 'note';
CREATE INDEX search_doc_tsv_lecture ON search_doc USING GIN (tsv) WITH (fastupdate = off) WHERE kind = 'lecture';
DROP INDEX search_doc_tsv;

-- The planner chooses between a kind's GIN index and walking its ids
-- newest first by how common a word is: keep the statistics close to the
-- table as it grows (by default they wait for 10% more rows).
ALTER TABLE search_doc SET (autovacuum_analyze_scale_factor = 0.02, autovacuum_analyze_threshold = 1000);
