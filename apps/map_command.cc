#include "apps/map_command.h"

#include <iostream>
#include <optional>

#include "apps/save_args.h"
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

}  // namespace

int run_map(const std::vector<std::string>& args) {
  auto parsed = parse_save_args(args, {"--tick", "--out", "--every", "--out-dir"}, {});
  if (!parsed) return usage_error(parsed.status().message());
  if (parsed->help) return std::cout << kUsage, 0;
  const std::string* save = &parsed->save;
  auto path_of = [&](const char* name) -> std::optional<std::string> {
    auto it = parsed->values.find(name);
    if (it == parsed->values.end()) return std::nullopt;
    return it->second;
  };
  const std::optional<std::string> out = path_of("--out"), out_dir = path_of("--out-dir");
  if ((out && out->empty()) || (out_dir && out_dir->empty())) return usage_error("--out and --out-dir need a path");
  auto tick_arg = parsed->number("--tick");
  auto every_arg = parsed->number("--every");
  if (!tick_arg) return usage_error(tick_arg.status().message());
  if (!every_arg) return usage_error(every_arg.status().message());
  const std::optional<int64_t> tick = *tick_arg, every = *every_arg;
  if (every && *every < 1) return usage_error("--every must be at least 1");
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
