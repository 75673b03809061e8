// A strict reader for Hegemon's config files (`hegemon serve --config-file
// PATH`): one `key = value` per line, `#` or `;` comments, blank lines, and a
// value optionally in double quotes. Keys are the command-line option names
// without their dashes; what they may be and what their values mean is the
// command line's business (apps/serve_options.h), so both paths share one
// list of options and one set of checks.
//
// Why not CLI11's own config reader: it reports neither the file nor the line
// of a bad entry, and it would accept sections and keys nobody reads. Every
// problem here names file, line and key.
#pragma once

#include <string>
#include <vector>

#include "state/status.h"

namespace hegemon {

struct ConfigEntry {
  int line = 0;
  std::string key;
  std::string value;  // quotes removed
};

// The entries of the file at `path`, in file order. Errors ("PATH:LINE: ...")
// for a file that is not a readable regular file (a FIFO would block), one
// over 1 MiB, a line that is not `key = value`, a section header, an
// unterminated quote or a key given twice.
Result<std::vector<ConfigEntry>> read_config_file(const std::string& path);

}  // namespace hegemon
