#include "apps/map_command.h"

#include <iostream>
#include <optional>

#include "tools/map_svg.h"

namespace hegemon {
namespace {

const char* const kUsage =
    "Usage: hegemon map SAVE [--tick N] --out FILE.svg\n"
    "       hegemon map SAVE --every K --out-dir DIR\n"
    "\n"
    "Draws the world map of a save as SVG: every province a hexagon in its owner's colour\n"
    "(grey when unowned), occupied provinces striped and outlined in the occupier's colour,\n"
    "and a legend with the date and the ten largest nations. Reads the save only; a server\n"
    "may be running on it.\n"
    "\n"
    "Options:\n"
    "  --tick N      the map as it was after tick N (default: the save's last tick)\n"
    "  --out FILE    where to write the SVG\n"
    "  --every K     a timelapse: one map for each of ticks 0, K, 2K, ... up to the last tick\n"
    "  --out-dir DIR where its frames go, as DIR/map-000000.svg, ... (created if needed)\n"
    "\n"
    "Exit codes: 0 ok, 1 the save could not be read or the SVG not written, 2 bad usage.\n";

int usage_error(const std::string& message) {
  std::cerr << "hegemon map: " << message << "\n\n" << kUsage;
  return 2;
}

// A decimal number 0..10^15; nullopt for anything else ("-1", "5x", "").
std::optional<int64_t> parse_count(const std::string& s) {
  if (s.empty() || s.size() > 15 || s.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoll(s);
}

}  // namespace

int run_map(const std::vector<std::string>& args) {
  std::optional<std::string> save, out, out_dir;
  std::optional<int64_t> tick, every;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    }
    if (a.rfind("--", 0) != 0) {
      if (save) return usage_error("one save at a time (got '" + *save + "' and '" + a + "')");
      save = a;
      continue;
    }
    // Both "--tick 5" and "--tick=5".
    std::optional<std::string> value;
    if (const size_t eq = a.find('='); eq != std::string::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
    }
    if (a != "--tick" && a != "--out" && a != "--every" && a != "--out-dir")
      return usage_error("unknown option " + a);
    if (!value) {
      if (i + 1 >= args.size()) return usage_error(a + " needs a value");
      value = args[++i];
    }
    if (a == "--out" || a == "--out-dir") {
      if (value->empty()) return usage_error(a + " needs a path");
      (a == "--out" ? out : out_dir) = *value;
    } else {
      const std::optional<int64_t> n = parse_count(*value);
      if (!n) return usage_error(a + " must be a tick number (0 or more), not '" + *value + "'");
      if (a == "--every" && *n < 1) return usage_error("--every must be at least 1");
      (a == "--tick" ? tick : every) = *n;
    }
  }
  if (!save) return usage_error("which save?");
  if (every || out_dir) {
    if (!every || !out_dir) return usage_error("--every and --out-dir go together");
    if (out || tick) return usage_error("--tick and --out draw one map; --every draws a series");
    Result<int64_t> frames = write_map_series(*save, *every, *out_dir);
    if (!frames.ok()) {
      std::cerr << "hegemon map: " << frames.status().message() << "\n";
      return 1;
    }
    std::cout << "wrote " << *frames << " maps to " << *out_dir << "\n";
    return 0;
  }
  if (!out) return usage_error("--out FILE.svg is needed (or --every K --out-dir DIR)");

  Result<MapPicture> picture = read_map_picture(*save, tick);
  Status written =
      picture.ok() ? write_text_file(*out, render_map_svg(*picture)) : picture.status();
  if (!written.ok()) {
    std::cerr << "hegemon map: " << written.message() << "\n";
    return 1;
  }
  std::cout << "wrote " << *out << ": " << picture->date << " (tick " << picture->tick << ")\n";
  return 0;
}

}  // namespace hegemon
