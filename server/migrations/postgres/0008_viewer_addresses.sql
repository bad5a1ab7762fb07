-- Browsers counted in a session's online audience are capped per client
-- address. The address is kept only as a keyed hash of its rate-limit key
-- (IPv4, or IPv6 by /64), never as the address itself; rows from before
-- this migration have none and count against no address.
ALTER TABLE lecture_viewer ADD COLUMN address_key TEXT;
CREATE INDEX lecture_viewer_address ON lecture_viewer (lecture_id, address_key);
