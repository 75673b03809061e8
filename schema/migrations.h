// The save file's schema as an ordered list of migrations, embedded from
// schema/NNN_name.sql at build time. Migration N turns a version N-1 save into a
// version N save; applying all of them to an empty database builds the latest
// schema. Files are never edited once released: a change is a new file.
#pragma once

#include <vector>

namespace hegemon {

struct Migration {
  int version;       // the schema version after this migration; 1, 2, 3, ...
  const char* name;  // from the file name, e.g. "initial" for 001_initial.sql
  const char* sql;   // one or more statements, run inside one transaction
};

// Ascending; schema_migrations()[i].version == i + 1.
const std::vector<Migration>& schema_migrations();

// The schema version this build writes: schema_migrations().back().version.
int latest_schema_version();

}  // namespace hegemon
