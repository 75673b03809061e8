// Where the hot cache goes for data it does not hold. The simulation never
// needs this: everything a tick reads is cached. It serves colder questions,
// e.g. a war that ended and was evicted from the cache at peace. Implemented in
// persistence/ over a read-only SQLite connection; must be thread-safe.
#pragma once

#include <optional>

#include "state/entities.h"

namespace hegemon {

class ColdStore {
 public:
  virtual ~ColdStore() = default;
  virtual std::optional<War> load_war(WarId id) = 0;
};

}  // namespace hegemon
