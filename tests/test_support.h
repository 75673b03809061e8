// Helpers shared by the test suites: temporary directories that clean up after
// themselves, and small worlds that are quick to simulate.
#pragma once

#include <string>

#include "state/world_map.h"

namespace hegemon::test {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents when
// the TempDir goes out of scope.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A small world (200 provinces, 12 nations) for tests that simulate.
WorldParams small_world(uint64_t seed = 7);

}  // namespace hegemon::test
