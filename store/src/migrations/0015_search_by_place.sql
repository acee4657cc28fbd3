-- The directory search covers a hospital's municipality (name and reading) as well as its own name,
-- reading and code. No schema change: the migration's step (`hospitals::rekey_search`) computes every
-- hospital's search key again with the same function that writes it on every insert and update.
SELECT 1;
