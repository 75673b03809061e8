-- Rows only: `hegemon mod build` (and every command taking a .sql mod) creates
-- the tables of mods/schema.sql first; with sqlite3: cat mods/schema.sql FILE | sqlite3 OUT.db
--
-- Balance: a richer, more peaceful age. Provinces develop twice as fast, and
-- war costs more: armies cost more to raise and to keep, nations wait longer
-- between wars, and wars end sooner. Names: docs/TUNING.md.
INSERT INTO manifest (name, version, description, target_schema) VALUES
  ('Prosperity', '1.0.0',
   'Faster development growth and costlier wars: a slower, richer game.', 8);

INSERT INTO tuning (name, value) VALUES
  ('dev_growth_base_per_mille', 8),           -- default 4
  ('dev_growth_per_stability_per_mille', 5),  -- default 3
  ('recruit_cost', 80),                       -- default 40
  ('upkeep_per_thousand_men', 8),             -- default 5
  ('min_days_between_wars', 1460),            -- default 730
  ('max_war_days', 730);                      -- default 1095
