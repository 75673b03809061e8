#include "apps/config_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

namespace hegemon {
namespace {

// Far more than any config needs; a bound so that a wrong path (a disk image,
// a device) is refused rather than read.
constexpr off_t kMaxConfigBytes = 1 << 20;

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  const size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// Which keys exist is for the caller to say ("unknown key 'x'"); here only
// what cannot be a key at all.
bool valid_key(const std::string& key) {
  return !key.empty() && key.find_first_of(" \t\"'") == std::string::npos;
}

}  // namespace

Result<std::vector<ConfigEntry>> read_config_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return Status::error("cannot read config file " + path + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return Status::error("config file " + path + " is not a regular file");
  if (st.st_size > kMaxConfigBytes)
    return Status::error("config file " + path + " is over " + std::to_string(kMaxConfigBytes) +
                         " bytes");
  std::ifstream in(path);
  if (!in) return Status::error("cannot read config file " + path + ": " + std::strerror(errno));

  std::vector<ConfigEntry> entries;
  std::map<std::string, int> seen;  // key -> line
  std::string raw;
  int line_no = 0;
  while (std::getline(in, raw)) {
    ++line_no;
    const std::string where = path + ":" + std::to_string(line_no) + ": ";
    const std::string line = trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line[0] == '[')
      return Status::error(where + "sections are not used; write 'key = value' lines only");
    const size_t eq = line.find('=');
    if (eq == std::string::npos)
      return Status::error(where + "expected 'key = value', got '" + line + "'");
    ConfigEntry entry;
    entry.line = line_no;
    entry.key = trim(line.substr(0, eq));
    if (!valid_key(entry.key))
      return Status::error(where + "'" + entry.key + "' is not a key name");
    std::string value = trim(line.substr(eq + 1));
    if (!value.empty() && value[0] == '"') {
      const size_t close = value.find('"', 1);
      if (close == std::string::npos)
        return Status::error(where + "key '" + entry.key + "': the quote is not closed");
      const std::string after = trim(value.substr(close + 1));
      if (!after.empty() && after[0] != '#' && after[0] != ';')
        return Status::error(where + "key '" + entry.key + "': text after the closing quote");
      value = value.substr(1, close - 1);
    } else if (const size_t comment = value.find_first_of("#;"); comment != std::string::npos) {
      value = trim(value.substr(0, comment));  // an unquoted value ends at a comment
    }
    entry.value = value;
    if (auto it = seen.find(entry.key); it != seen.end())
      return Status::error(where + "key '" + entry.key + "' is set twice (first on line " +
                           std::to_string(it->second) + ")");
    seen[entry.key] = line_no;
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace hegemon
