-- A case's status is one of three: the database refuses any other, so that
-- a bad write fails where it happens instead of being read back as a
-- different status. SQLite cannot add a table constraint to an existing
-- table (only by rebuilding it), but it can add a column with a CHECK
-- constraint, and there, as in PostgreSQL (which treats column and table
-- CHECK constraints alike), the constraint may name any column of the row:
-- this column, always NULL, carries the guard on `status` on both.
ALTER TABLE cases ADD COLUMN status_guard BIGINT CHECK (status IN ('waiting', 'assigned', 'closed'));
