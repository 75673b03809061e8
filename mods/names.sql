-- Rows only: `hegemon mod build` (and every command taking a .sql mod) creates
-- the tables of mods/schema.sql first; with sqlite3: cat mods/schema.sql FILE | sqlite3 OUT.db
--
-- ---------------------------------------------------------------------------
-- Names: a Norse world. A generated world takes its nation and province names
-- from these lists, in order (repeating as needed), instead of invented ones.
INSERT INTO manifest (name, version, description, target_schema) VALUES
  ('Norse names', '1.0.0', 'Nations and provinces of a generated world named as in the North.', 8);

INSERT INTO nation_names (name) VALUES
  ('Norway'), ('Sweden'), ('Denmark'), ('Iceland'), ('Jorvik'), ('Orkney'), ('Gotland'),
  ('Scania'), ('Halogaland'), ('Jamtland'), ('Vestfold'), ('Trondelag'), ('Svealand'),
  ('Gautland'), ('Jutland'), ('Zealand'), ('Bornholm'), ('Oland'), ('Finnmark'),
  ('Hordaland'), ('Rogaland'), ('Agder'), ('Telemark'), ('Uppland'), ('Sodermanland'),
  ('Vastergotland'), ('Ostergotland'), ('Smaland'), ('Halland'), ('Blekinge'),
  ('Faroe'), ('Shetland'), ('Hebrides'), ('Mann'), ('Dublin'), ('Normandy'), ('Gardariki'),
  ('Kvenland'), ('Bjarmaland'), ('Vinland'), ('Greenland'), ('Hedmark');

INSERT INTO province_names (name) VALUES
  ('Bergen'), ('Nidaros'), ('Oslo'), ('Tonsberg'), ('Stavanger'), ('Hamar'), ('Skien'),
  ('Uppsala'), ('Birka'), ('Sigtuna'), ('Skara'), ('Linkoping'), ('Kalmar'), ('Visby'),
  ('Lund'), ('Roskilde'), ('Ribe'), ('Hedeby'), ('Aarhus'), ('Viborg'), ('Odense'),
  ('Aalborg'), ('Reykjavik'), ('Skalholt'), ('Holar'), ('Thingvellir'), ('Kirkwall'),
  ('Lerwick'), ('Torshavn'), ('Jorvik'), ('Dyflin'), ('Veisafjordr'), ('Hlymrekr'),
  ('Rouen'), ('Holmgard'), ('Aldeigjuborg'), ('Kaupang'), ('Borre'), ('Trelleborg'),
  ('Jelling'), ('Lejre'), ('Vaxjo'), ('Vasteras'), ('Orebro'), ('Gamla Uppsala'),
  ('Brattahlid'), ('Gardar'), ('Alta'), ('Tromso'), ('Bodo');
