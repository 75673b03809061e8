// How the libFuzzer targets report a broken property: say what broke and
// abort, so libFuzzer saves the input as a crash file.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace hegemon::fuzz {

inline void abort_if_broken(const std::string& broken) {
  if (broken.empty()) return;
  std::fprintf(stderr, "property broken: %s\n", broken.c_str());
  std::abort();
}

}  // namespace hegemon::fuzz
