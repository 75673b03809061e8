#include "test_support.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace hegemon::test {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/hegemon-test-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

WorldParams small_world(uint64_t seed) {
  WorldParams p;
  p.seed = seed;
  p.provinces = 200;
  p.nations = 12;
  return p;
}

}  // namespace hegemon::test
