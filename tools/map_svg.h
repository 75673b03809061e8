// `hegemon map`: pictures of the world map as SVG, at one tick of a save or as
// a series of frames for a timelapse.
//
// Two halves, so the drawing can be tested without a save:
//  - render_map_svg() turns a MapPicture (plain data) into SVG text;
//  - read_map_picture() / MapSeries read one from a save, as of a tick.
// The state of a province at tick T is its province_history row with the
// greatest tick <= T (schema/001_initial.sql); a province with no row yet is
// drawn unowned.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "state/ids.h"
#include "state/status.h"

namespace hegemon {

struct MapProvince {
  ProvinceId id = 0;
  std::string name;
  int32_t x = 0;                    // hex-grid column (odd rows shifted right by half a cell)
  int32_t y = 0;                    // hex-grid row
  NationId owner = kNoNation;       // kNoNation: unowned, drawn grey
  NationId controller = kNoNation;  // != owner: occupied, hatched in its colour
  int32_t development = 0;
};

struct MapNation {
  NationId id = 0;
  std::string name;
  uint32_t color = 0;  // 0xRRGGBB
};

// One line of the legend: a nation and its size at the picture's tick.
struct LegendEntry {
  NationId nation = kNoNation;
  int32_t provinces = 0;    // owned
  int64_t development = 0;  // total of its owned provinces
};

struct MapPicture {
  Tick tick = 0;
  std::string date;                    // date_of_tick(tick).to_string()
  std::vector<MapProvince> provinces;  // any order; drawn in this order
  std::vector<MapNation> nations;      // every nation a province or the legend names
  std::vector<LegendEntry> legend;     // drawn top to bottom, as given
};

// How many nations the legend lists.
constexpr size_t kLegendSize = 10;

// The `top` largest nations by provinces owned (ties: more development first,
// then the lower id). Nations owning nothing are left out.
std::vector<LegendEntry> rank_nations(const std::vector<MapProvince>& provinces,
                                      size_t top = kLegendSize);

// The picture as a standalone SVG document (UTF-8). Every province is one
// pointy-top hexagon `<polygon id="p{ID}" ...>` filled with its owner's
// colour (unowned: grey, #9e9e9e; an owner missing from `nations`: black).
// An occupied province gets a second polygon `id="p{ID}-occupied"` on top,
// filled with the stripes of `<pattern id="occupied-by-{NATION}">` in the
// controller's colour (so the owner's colour shows between them) and
// outlined in it. Names are XML-escaped. Deterministic: the same picture
// gives the same bytes.
std::string render_map_svg(const MapPicture& picture);

// The colour render_map_svg gives unowned provinces.
constexpr uint32_t kUnownedColor = 0x9e9e9e;

// Reads the picture of the save at `path` as of `tick` (nullopt: the save's
// last tick), legend included. Errors: those of SaveView::open
// (persistence/save_view.h), a negative tick, a tick beyond the last.
Result<MapPicture> read_map_picture(const std::string& path,
                                    std::optional<Tick> tick = std::nullopt);

// The frames of a timelapse, read in one pass: the first picture with one
// as-of query, each later one by applying only the history rows between the
// two ticks, so a long series costs about one read of the history.
class MapSeries {
 public:
  static Result<std::unique_ptr<MapSeries>> open(const std::string& path);
  ~MapSeries();
  MapSeries(const MapSeries&) = delete;
  MapSeries& operator=(const MapSeries&) = delete;

  // The save's last tick, as of open().
  Tick last_tick() const;
  // The picture at `tick`; ticks must be asked for in ascending order, each
  // within 0..last_tick().
  Result<MapPicture> at(Tick tick);

 private:
  struct Impl;
  explicit MapSeries(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The file name of the frame of `tick` in a series: "map-000120.svg".
std::string frame_file_name(Tick tick);

// Writes `text` to `path` (replacing it) and reports any failure to open,
// write or close it, with the path and the system's reason.
Status write_text_file(const std::string& path, const std::string& text);

// The whole of `hegemon map --every K --out-dir DIR`: frames for ticks 0, K,
// 2K, ... up to the last tick, as DIR/frame_file_name(tick); DIR is created
// if needed. Returns the number of frames written.
Result<int64_t> write_map_series(const std::string& save, Tick every, const std::string& dir);

}  // namespace hegemon
