#include "apps/save_args.h"

#include <algorithm>

namespace hegemon {

Result<std::optional<int64_t>> SaveArgs::number(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end()) return std::optional<int64_t>();
  const std::string& v = it->second;
  if (v.empty() || v.size() > 15 || v.find_first_not_of("0123456789") != std::string::npos)
    return Status::error(name + " must be a number (0 or more), not '" + v + "'");
  return std::optional<int64_t>(std::stoll(v));
}

Result<SaveArgs> parse_save_args(const std::vector<std::string>& args,
                                 const std::vector<std::string>& value_options,
                                 const std::vector<std::string>& flags) {
  auto known = [](const std::vector<std::string>& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
  };
  SaveArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    if (a == "-h" || a == "--help") {
      out.help = true;
      return out;
    }
    if (a.rfind("--", 0) != 0) {
      if (!out.save.empty())
        return Status::error("one save at a time (got '" + out.save + "' and '" + a + "')");
      out.save = a;
      continue;
    }
    std::optional<std::string> value;
    if (const size_t eq = a.find('='); eq != std::string::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
    }
    if (known(flags, a)) {
      if (value) return Status::error(a + " takes no value");
      out.flags.insert(a);
    } else if (known(value_options, a)) {
      if (!value) {
        if (i + 1 >= args.size()) return Status::error(a + " needs a value");
        value = args[++i];
      }
      out.values[a] = *value;
    } else {
      return Status::error("unknown option " + a);
    }
  }
  if (out.save.empty()) return Status::error("which save?");
  return out;
}

}  // namespace hegemon
