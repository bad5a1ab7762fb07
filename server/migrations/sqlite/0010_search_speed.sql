-- PostgreSQL gains per-kind full-text indexes here; SQLite's FTS5 index
-- already reads one kind's id range in order, so nothing changes.
SELECT 1;
