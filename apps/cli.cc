#include "apps/cli.h"

#include <iostream>

namespace hegemon::cli {
namespace {

std::string join(const std::vector<std::string>& words, const std::string& sep) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : sep) + w;
  return out;
}

// CLI11 says "Expected exactly 1 arguments to --port, got 0" for an option
// given last without its value; find that case first and say it plainly.
std::optional<std::string> missing_value(const CLI::App& app,
                                         const std::vector<std::string>& args) {
  if (args.empty()) return std::nullopt;
  const std::string& last = args.back();
  if (last.rfind("--", 0) != 0 || last.find('=') != std::string::npos) return std::nullopt;
  const CLI::Option* opt = app.get_option_no_throw(last);
  if (opt == nullptr || opt->get_expected_min() == 0) return std::nullopt;
  return last + " needs a value";
}

}  // namespace

std::string version_text() { return std::string("hegemon ") + HEGEMON_VERSION; }

std::unique_ptr<CLI::App> make_app(const std::string& command, const std::string& description) {
  auto app = std::make_unique<CLI::App>(description + "\n", "hegemon " + command);
  app->set_version_flag("--version", version_text(), "Print the version and exit");
  app->option_defaults()->always_capture_default();
  app->allow_extras();  // reported by parse() as "unknown option --x", not CLI11's wording
  app->get_formatter()->column_width(34);
  return app;
}

int usage_error(const CLI::App& app, const std::string& message) {
  std::cerr << app.get_name() << ": " << message << "\nRun '" << app.get_name()
            << " --help' for the options.\n";
  return kUsageError;
}

std::optional<int> parse(CLI::App& app, const std::vector<std::string>& args) {
  if (auto what = missing_value(app, args)) return usage_error(app, *what);
  // CLI11 2.1 reads `--name=` (an empty value) as `--name` and takes the
  // next argument as its value; `--name ""` it reads right.
  std::vector<std::string> reversed;
  for (auto it = args.rbegin(); it != args.rend(); ++it) {
    const bool empty_value =
        it->size() > 3 && it->rfind("--", 0) == 0 && it->find('=') == it->size() - 1;
    if (empty_value) {
      reversed.push_back("");
      reversed.push_back(it->substr(0, it->size() - 1));
    } else {
      reversed.push_back(*it);  // CLI11 takes them last first
    }
  }
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion&) {
    std::cout << version_text() << "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    return usage_error(app, e.what());
  }
  const std::vector<std::string> rest = app.remaining();
  if (!rest.empty()) {
    const std::string& first = rest.front();
    if (first.size() > 1 && first[0] == '-')
      return usage_error(app, "unknown option " + first.substr(0, first.find('=')));
    return usage_error(app, "unexpected argument '" + first + "'");
  }
  return std::nullopt;
}

CLI::Validator whole_number(int64_t min, int64_t max) {
  // Bounds past 2^31 only guard against overflow; nobody needs to read them.
  const std::string range = max >= INT32_MAX ? std::to_string(min) + " or more"
                                             : std::to_string(min) + ".." + std::to_string(max);
  return CLI::Validator(
      [min, max, range](std::string& text) -> std::string {
        const bool negative = !text.empty() && text[0] == '-';
        const std::string digits = negative ? text.substr(1) : text;
        bool ok = !digits.empty() && digits.size() <= 18 &&
                  digits.find_first_not_of("0123456789") == std::string::npos;
        if (ok) {
          const int64_t v = std::stoll(text);
          ok = v >= min && v <= max;
        }
        return ok ? std::string() : "'" + text + "' is not a whole number, " + range;
      },
      range);
}

CLI::Validator one_of(const std::vector<std::string>& choices) {
  const std::string list = join(choices, ", ");
  return CLI::Validator(
      [choices, list](std::string& text) -> std::string {
        for (const auto& c : choices)
          if (text == c) return {};
        return "'" + text + "' is not one of " + list;
      },
      "one of " + list);
}

}  // namespace hegemon::cli
