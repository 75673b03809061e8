// A mod as SQL text (issue #15): the form mods are kept in (mods/*.sql), so
// that a diff shows what a mod changes. This is the writer; mod_build.h reads
// the text back (build_mod_in_memory), and the two are held to a round trip
// by tests/mod_export_test.cc: reading what mod_to_sql wrote gives back the
// same manifest, tuning, scenario and name lists.
#pragma once

#include <string>

#include "state/mod_content.h"

namespace hegemon {

// Rows only (INSERT statements into the tables of mods/schema.sql, which
// `mod build` creates first), in the order and layout of the shipped mods:
// manifest, tuning (in the order given), scenario, provinces, adjacency,
// nations, owners, armies, name lists. Empty parts are left out. Text values
// are quoted as SQL string literals (a quote doubled), so any name reads back
// as it was; colours are written '#rrggbb', dates 'YYYY-MM-DD'. `mod` is
// written as it is: validity is for the reader (a mod built from this text
// passes read_mod_file's checks only if `mod` would).
std::string mod_to_sql(const ModFileContent& mod);

// `text` as an SQL string literal: 'it''s'.
std::string sql_quote(const std::string& text);

}  // namespace hegemon
