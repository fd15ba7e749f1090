-- 006: the classification code (tehtäväluokka) of an item's diary number, in its own
-- column: "00.00.01" of "21/00.00.01/2023", "611" of Turku's "3720-2013 (611)".
ALTER TABLE items ADD COLUMN diary_class VARCHAR;
