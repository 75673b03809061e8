#include "schema/migrations.h"

#include <cstddef>

namespace hegemon {
namespace schema_internal {
// Defined in the generated schema_sql.cc (see embed_schema.cmake), which has
// already checked that the versions are 1..kMigrationCount in order.
extern const Migration kMigrations[];
extern const size_t kMigrationCount;
}  // namespace schema_internal

const std::vector<Migration>& schema_migrations() {
  using schema_internal::kMigrationCount;
  using schema_internal::kMigrations;
  static const std::vector<Migration> all(kMigrations, kMigrations + kMigrationCount);
  return all;
}

int latest_schema_version() { return static_cast<int>(schema_migrations().size()); }

}  // namespace hegemon
