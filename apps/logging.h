// spdlog set-up for Hegemon's programs: coloured console output and an
// optional log file, shared by every thread (CAF workers included).
#pragma once

#include <string>

#include "state/status.h"

namespace hegemon {

// level: trace, debug, info, warn, error, critical, off. file: "" for none;
// created (or narrowed) to mode 0600, appended to. Covered by tests/cli_test.cc.
Status init_logging(const std::string& level, const std::string& file);

}  // namespace hegemon
