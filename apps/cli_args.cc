#include "apps/cli_args.h"

#include <caf/config_option.hpp>
#include <caf/config_option_set.hpp>
#include <caf/deep_to_string.hpp>
#include <caf/pec.hpp>

namespace hegemon {

std::vector<std::string> normalize_long_options(const caf::config_option_set& options,
                                                const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const bool long_option = arg.size() > 2 && arg.compare(0, 2, "--") == 0 &&
                             arg.find('=') == std::string::npos;
    if (long_option && i + 1 < args.size()) {
      const auto* opt = options.cli_long_name_lookup(arg.substr(2));
      if (opt != nullptr && !opt->is_flag()) {
        out.push_back(arg + "=" + args[++i]);
        continue;
      }
    }
    out.push_back(arg);
  }
  return out;
}

std::string describe_parse_error(const caf::error& err) {
  if (err.category() != caf::atom("parser")) return caf::actor_system_config::render(err);
  std::string what;
  switch (static_cast<caf::pec>(err.code())) {
    case caf::pec::not_an_option: what = "unknown option"; break;
    case caf::pec::missing_argument: what = "missing value"; break;
    case caf::pec::type_mismatch:
    case caf::pec::illegal_argument:
    case caf::pec::unexpected_character:
    case caf::pec::integer_overflow:
      what = "invalid value";
      break;
    default: what = caf::to_string(static_cast<caf::pec>(err.code())); break;
  }
  return what + " " + caf::deep_to_string(err.context());
}

}  // namespace hegemon
