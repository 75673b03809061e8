#include "apps/map_command.h"

#include <iostream>
#include <optional>

#include "apps/cli.h"
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
    "Exit codes: 0 ok, 1 the save could not be read or the SVG not written, 2 bad usage.";

}  // namespace

int run_map(const std::vector<std::string>& args) {
  std::string save, out_file, out_dir_name;
  int64_t tick_value = 0, every_value = 0;
  auto app = cli::make_app("map", kUsage);
  app->add_option("SAVE", save, "the save file")->required();
  auto* tick_opt = app->add_option("--tick", tick_value,
                                   "the map as it was after tick N (default: the save's last tick)")
                       ->check(cli::whole_number(0, INT64_MAX / 2));
  auto* out_opt = app->add_option("--out", out_file, "where to write the SVG");
  auto* every_opt =
      app->add_option("--every", every_value,
                      "a timelapse: one map for each of ticks 0, K, 2K, ... up to the last tick")
          ->check(cli::whole_number(0, INT64_MAX / 2));
  auto* out_dir_opt =
      app->add_option("--out-dir", out_dir_name,
                      "where its frames go, as DIR/map-000000.svg, ... (created if needed)");
  if (auto code = cli::parse(*app, args)) return *code;
  auto usage_error = [&](const std::string& message) { return cli::usage_error(*app, message); };
  const std::optional<std::string> out =
      out_opt->count() ? std::optional<std::string>(out_file) : std::nullopt;
  const std::optional<std::string> out_dir =
      out_dir_opt->count() ? std::optional<std::string>(out_dir_name) : std::nullopt;
  if ((out && out->empty()) || (out_dir && out_dir->empty()))
    return usage_error("--out and --out-dir need a path");
  const std::optional<int64_t> tick =
      tick_opt->count() ? std::optional<int64_t>(tick_value) : std::nullopt;
  const std::optional<int64_t> every =
      every_opt->count() ? std::optional<int64_t>(every_value) : std::nullopt;
  if (every && *every < 1) return usage_error("--every must be at least 1");
  if (every || out_dir) {
    if (!every || !out_dir) return usage_error("--every and --out-dir go together");
    if (out || tick) return usage_error("--tick and --out draw one map; --every draws a series");
    Result<int64_t> frames = write_map_series(save, *every, *out_dir);
    if (!frames.ok()) {
      std::cerr << "hegemon map: " << frames.status().message() << "\n";
      return 1;
    }
    std::cout << "wrote " << *frames << " maps to " << *out_dir << "\n";
    return 0;
  }
  if (!out) return usage_error("--out FILE.svg is needed (or --every K --out-dir DIR)");

  Result<MapPicture> picture = read_map_picture(save, tick);
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
