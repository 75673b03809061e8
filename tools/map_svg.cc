#include "tools/map_svg.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "persistence/row_codec.h"
#include "persistence/save_view.h"
#include "state/game_date.h"

namespace hegemon {
namespace {

// ---- drawing ----

// Pointy-top hexagons in "odd-r" offset coordinates (rules/map_grid.h): a
// cell is kHexWidth wide, rows are 3/4 of a cell's height apart, and odd
// rows sit half a cell to the right, so neighbours on the grid share edges.
constexpr double kHexWidth = 16.0;
constexpr double kHexRadius = 9.237604307034013;  // kHexWidth / sqrt(3): centre to corner
constexpr double kRowStep = 1.5 * kHexRadius;
constexpr double kMargin = 12.0;
constexpr double kLegendWidth = 240.0;  // the panel right of the map
constexpr double kLegendLine = 20.0;

// Fixed-point text: enough precision for a seamless grid, and the same bytes
// on every platform for the same picture.
std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// Text for XML content and attribute values: markup characters escaped,
// characters XML 1.0 forbids (most controls) and bytes that are not UTF-8
// replaced by U+FFFD, so a strange name can never make the document invalid.
std::string xml_text(std::string_view s) {
  static const char kReplacement[] = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default:
          if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            out += kReplacement;
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    // A multi-byte sequence: its length from the lead byte, then that many
    // continuation bytes, no overlong forms, no surrogates, <= U+10FFFF.
    size_t len = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    }
    bool valid = len != 0 && i + len <= s.size();
    for (size_t k = 1; valid && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      valid = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (valid) {
      valid = !(len == 3 && cp < 0x800) && !(len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) &&
              !(cp >= 0xD800 && cp <= 0xDFFF) && cp != 0xFFFE && cp != 0xFFFF;
    }
    if (valid) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += kReplacement;
      ++i;
    }
  }
  return out;
}

std::string hex_color(uint32_t rgb) { return color_to_hex(rgb & 0xFFFFFF); }

std::string pattern_id(NationId controller) { return "occupied-by-" + std::to_string(controller); }

// The six corners of the hexagon centred at (cx, cy), clockwise from the top.
std::string hex_points(double cx, double cy) {
  const double w = kHexWidth / 2, r = kHexRadius;
  const double xs[6] = {cx, cx + w, cx + w, cx, cx - w, cx - w};
  const double ys[6] = {cy - r, cy - r / 2, cy + r / 2, cy + r, cy + r / 2, cy - r / 2};
  std::string out;
  for (int k = 0; k < 6; ++k) {
    if (k) out += ' ';
    out += num(xs[k]) + "," + num(ys[k]);
  }
  return out;
}

// Diagonal stripes of `rgb`, half the pattern's width, the rest transparent.
std::string stripes(const std::string& id, uint32_t rgb) {
  return "<pattern id=\"" + id +
         "\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\""
         " patternTransform=\"rotate(45)\"><rect width=\"3\" height=\"6\" fill=\"" +
         hex_color(rgb) + "\"/></pattern>\n";
}

}  // namespace

std::vector<LegendEntry> rank_nations(const std::vector<MapProvince>& provinces, size_t top) {
  std::map<NationId, LegendEntry> by_nation;
  for (const MapProvince& p : provinces) {
    if (p.owner == kNoNation) continue;
    LegendEntry& e = by_nation[p.owner];
    e.nation = p.owner;
    ++e.provinces;
    e.development += p.development;
  }
  std::vector<LegendEntry> ranked;
  ranked.reserve(by_nation.size());
  for (const auto& [id, e] : by_nation) ranked.push_back(e);
  std::sort(ranked.begin(), ranked.end(), [](const LegendEntry& a, const LegendEntry& b) {
    if (a.provinces != b.provinces) return a.provinces > b.provinces;
    if (a.development != b.development) return a.development > b.development;
    return a.nation < b.nation;
  });
  if (ranked.size() > top) ranked.resize(top);
  return ranked;
}

std::string render_map_svg(const MapPicture& picture) {
  std::unordered_map<NationId, const MapNation*> nations;
  for (const MapNation& n : picture.nations) nations[n.id] = &n;
  auto color_of = [&](NationId id) -> uint32_t {
    if (id == kNoNation) return kUnownedColor;
    auto it = nations.find(id);
    return it == nations.end() ? 0x000000 : it->second->color;
  };
  auto name_of = [&](NationId id) -> std::string {
    if (id == kNoNation) return "unowned";
    auto it = nations.find(id);
    return it == nations.end() ? "nation " + std::to_string(id) : it->second->name;
  };

  // The grid's extent, so a map that does not start at (0, 0) is not offset.
  int32_t min_x = 0, max_x = 0, min_y = 0, max_y = 0;
  if (!picture.provinces.empty()) {
    min_x = max_x = picture.provinces.front().x;
    min_y = max_y = picture.provinces.front().y;
    for (const MapProvince& p : picture.provinces) {
      min_x = std::min(min_x, p.x);
      max_x = std::max(max_x, p.x);
      min_y = std::min(min_y, p.y);
      max_y = std::max(max_y, p.y);
    }
  }
  const double map_w = (max_x - min_x + 1) * kHexWidth + kHexWidth / 2;
  const double map_h = (max_y - min_y) * kRowStep + 2 * kHexRadius;
  const double origin_x = kMargin, origin_y = kMargin;

  std::set<NationId> occupiers;
  bool any_unowned = false;
  for (const MapProvince& p : picture.provinces) {
    if (p.controller != p.owner && p.controller != kNoNation) occupiers.insert(p.controller);
    if (p.owner == kNoNation) any_unowned = true;
  }
  const bool any_occupied =
      std::any_of(picture.provinces.begin(), picture.provinces.end(),
                  [](const MapProvince& p) { return p.controller != p.owner; });

  const size_t legend_lines =
      4 + picture.legend.size() + (any_unowned ? 1 : 0) + (any_occupied ? 1 : 0);
  const double width = origin_x + map_w + kMargin + kLegendWidth;
  const double height =
      std::max(origin_y + map_h + kMargin, origin_y + legend_lines * kLegendLine + kMargin);

  std::string svg;
  svg.reserve(picture.provinces.size() * 160 + 4096);
  svg += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(width) + "\" height=\"" +
         num(height) + "\" viewBox=\"0 0 " + num(width) + " " + num(height) +
         "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  svg += "<title>Hegemon map, " + xml_text(picture.date) + " (tick " +
         std::to_string(picture.tick) + ")</title>\n";

  svg += "<defs>\n";
  for (NationId c : occupiers) svg += stripes(pattern_id(c), color_of(c));
  if (any_occupied) svg += stripes("occupied-sample", 0x333333);
  svg += "</defs>\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"#f4f1e8\"/>\n";

  // Provinces: thin light borders, so nations read as areas and provinces
  // are still countable.
  std::string occupied;
  svg += "<g id=\"provinces\" stroke=\"#ffffff\" stroke-opacity=\"0.4\" stroke-width=\"0.6\">\n";
  for (const MapProvince& p : picture.provinces) {
    const double cx =
        origin_x + (p.x - min_x) * kHexWidth + kHexWidth / 2 + ((p.y & 1) ? kHexWidth / 2 : 0);
    const double cy = origin_y + (p.y - min_y) * kRowStep + kHexRadius;
    const std::string points = hex_points(cx, cy);
    const bool is_occupied = p.controller != p.owner;
    std::string title = p.name + " (" + std::to_string(p.id) + "): " + name_of(p.owner);
    if (is_occupied) title += ", occupied by " + name_of(p.controller);
    svg += "<polygon id=\"p" + std::to_string(p.id) + "\" points=\"" + points + "\" fill=\"" +
           hex_color(color_of(p.owner)) + "\"><title>" + xml_text(title) + "</title></polygon>\n";
    if (is_occupied) {
      // Held by nobody (controller NULL) while owned: dark stripes, grey outline.
      const std::string fill =
          p.controller == kNoNation ? "occupied-sample" : pattern_id(p.controller);
      occupied += "<polygon id=\"p" + std::to_string(p.id) + "-occupied\" points=\"" + points +
                  "\" fill=\"url(#" + fill + ")\" stroke=\"" + hex_color(color_of(p.controller)) +
                  "\"/>\n";
    }
  }
  svg += "</g>\n";
  // Drawn after every province, so no neighbour's fill covers an outline.
  svg += "<g id=\"occupation\" stroke-width=\"1.2\">\n" + occupied + "</g>\n";

  // The legend, right of the map.
  const double lx = origin_x + map_w + kMargin * 2;
  const double right = width - kMargin;
  double ly = origin_y;
  auto line = [&]() { return num(ly + 12); };
  auto swatch = [&](const std::string& fill) {
    return "<rect x=\"" + num(lx) + "\" y=\"" + num(ly + 1) +
           "\" width=\"14\" height=\"14\" fill=\"" + fill +
           "\" stroke=\"#333333\" stroke-width=\"0.5\"/>";
  };
  svg += "<g id=\"legend\">\n";
  svg += "<text x=\"" + num(lx) + "\" y=\"" + line() + "\" font-size=\"15\" font-weight=\"bold\">" +
         xml_text(picture.date) + "</text>\n";
  ly += kLegendLine;
  svg += "<text x=\"" + num(lx) + "\" y=\"" + line() + "\" fill=\"#555555\">tick " +
         std::to_string(picture.tick) + "</text>\n";
  ly += kLegendLine * 1.5;
  svg += "<text x=\"" + num(lx) + "\" y=\"" + line() +
         "\" font-weight=\"bold\">Largest nations</text>"
         "<text x=\"" +
         num(right) + "\" y=\"" + line() +
         "\" text-anchor=\"end\" fill=\"#555555\">provinces</text>\n";
  ly += kLegendLine;
  for (const LegendEntry& e : picture.legend) {
    svg += "<g class=\"legend-entry\" id=\"legend-" + std::to_string(e.nation) + "\">" +
           swatch(hex_color(color_of(e.nation))) + "<text x=\"" + num(lx + 20) + "\" y=\"" +
           line() + "\">" + xml_text(name_of(e.nation)) + "</text><text x=\"" + num(right) +
           "\" y=\"" + line() + "\" text-anchor=\"end\">" + std::to_string(e.provinces) +
           "</text></g>\n";
    ly += kLegendLine;
  }
  if (any_unowned) {
    svg += swatch(hex_color(kUnownedColor)) + "<text x=\"" + num(lx + 20) + "\" y=\"" + line() +
           "\">unowned</text>\n";
    ly += kLegendLine;
  }
  if (any_occupied) {
    svg += swatch("url(#occupied-sample)") + "<text x=\"" + num(lx + 20) + "\" y=\"" + line() +
           "\">occupied (stripes: the occupier)</text>\n";
    ly += kLegendLine;
  }
  svg += "</g>\n</svg>\n";
  return svg;
}

// ---- reading ----

struct MapSeries::Impl {
  explicit Impl(SaveView opened) : save(std::move(opened)) {}

  SaveView save;
  Tick last_tick = -1;
  Tick at = -1;                        // the tick `provinces` shows; -1 before the first picture
  std::vector<MapProvince> provinces;  // by id
  std::unordered_map<ProvinceId, size_t> index;  // id -> position in `provinces`
  std::vector<MapNation> nations;

  // Applies history rows to `provinces`, in order.
  void apply(const std::vector<ProvinceHolding>& rows) {
    for (const ProvinceHolding& h : rows) {
      auto it = index.find(h.id);
      if (it == index.end()) continue;  // history of a province the map lacks: nothing to draw
      MapProvince& p = provinces[it->second];
      p.owner = h.owner;
      p.controller = h.controller;
      p.development = h.development;
    }
  }
};

MapSeries::MapSeries(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MapSeries::~MapSeries() = default;

Tick MapSeries::last_tick() const { return impl_->last_tick; }

Result<std::unique_ptr<MapSeries>> MapSeries::open(const std::string& path) {
  Result<SaveView> opened = SaveView::open(path);
  if (!opened.ok()) return opened.status();
  auto impl = std::make_unique<Impl>(std::move(*opened));
  const SaveView& save = impl->save;
  const std::string what = "read map of " + path;

  // The static map and the last tick, all as of one commit.
  Result<ReadTransaction> snapshot = save.begin_read();
  if (!snapshot.ok()) return snapshot.status();
  Result<Tick> tick = save.tick();
  if (!tick.ok()) return tick.status().with_context(what);
  impl->last_tick = *tick;
  Result<std::vector<ProvincePlace>> places = save.provinces();
  if (!places.ok()) return places.status().with_context(what + ": provinces");
  for (ProvincePlace& place : *places) {
    MapProvince p;
    p.id = place.id;
    p.name = std::move(place.name);
    p.x = place.x;
    p.y = place.y;
    impl->index[p.id] = impl->provinces.size();
    impl->provinces.push_back(std::move(p));
  }
  Result<std::vector<NationLabel>> labels = save.nations();
  if (!labels.ok()) return labels.status().with_context(what + ": nations");
  for (NationLabel& label : *labels) {
    MapNation n;
    n.id = label.id;
    n.name = std::move(label.name);
    if (!color_from_hex(label.color, n.color)) {
      return Status::error(what + ": nation " + std::to_string(n.id) + " has colour '" +
                           label.color + "', not '#rrggbb'");
    }
    impl->nations.push_back(std::move(n));
  }
  return std::unique_ptr<MapSeries>(new MapSeries(std::move(impl)));
}

Result<MapPicture> MapSeries::at(Tick tick) {
  Impl& m = *impl_;
  const std::string& path = m.save.path();
  if (tick < 0) return Status::error("tick " + std::to_string(tick) + " is negative");
  if (tick > m.last_tick) {
    return Status::error("tick " + std::to_string(tick) + " is beyond the last tick of " + path +
                         " (" + std::to_string(m.last_tick) + ")");
  }
  if (tick < m.at) {
    return Status::error("map series: tick " + std::to_string(tick) + " asked for after tick " +
                         std::to_string(m.at));
  }
  const std::string what = "read map of " + path + " at tick " + std::to_string(tick);
  if (m.at < 0 || tick > m.at) {
    Result<std::vector<ProvinceHolding>> rows =
        m.at < 0 ? m.save.holdings_at(tick) : m.save.holding_changes(m.at, tick);
    if (!rows.ok()) return rows.status().with_context(what);
    m.apply(*rows);
  }
  m.at = tick;

  MapPicture picture;
  picture.tick = tick;
  picture.date = date_of_tick(tick).to_string();
  picture.provinces = m.provinces;
  picture.nations = m.nations;
  picture.legend = rank_nations(picture.provinces);
  return picture;
}

Result<MapPicture> read_map_picture(const std::string& path, std::optional<Tick> tick) {
  Result<std::unique_ptr<MapSeries>> series = MapSeries::open(path);
  if (!series.ok()) return series.status();
  return (*series)->at(tick.value_or((*series)->last_tick()));
}

std::string frame_file_name(Tick tick) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "map-%06lld.svg", static_cast<long long>(tick));
  return buf;
}

Status write_text_file(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return Status::error("cannot write " + path + ": " + std::strerror(errno));
  const size_t written = std::fwrite(text.data(), 1, text.size(), f);
  const int write_errno = errno;
  if (written != text.size()) {
    std::fclose(f);
    return Status::error("cannot write " + path + ": " + std::strerror(write_errno));
  }
  // Delayed errors (a full disk) may only show when the buffer is flushed.
  if (std::fclose(f) != 0)
    return Status::error("cannot write " + path + ": " + std::strerror(errno));
  return Status();
}

Result<int64_t> write_map_series(const std::string& save, Tick every, const std::string& dir) {
  if (every < 1) return Status::error("--every must be at least 1");
  Result<std::unique_ptr<MapSeries>> series = MapSeries::open(save);
  if (!series.ok()) return series.status();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::error("cannot create " + dir + ": " + ec.message());
  if (!std::filesystem::is_directory(dir, ec)) return Status::error(dir + " is not a directory");
  int64_t frames = 0;
  for (Tick t = 0; t <= (*series)->last_tick(); t += every) {
    Result<MapPicture> picture = (*series)->at(t);
    if (!picture.ok()) return picture.status();
    Status st = write_text_file((std::filesystem::path(dir) / frame_file_name(t)).string(),
                                render_map_svg(*picture));
    if (!st.ok()) return st;
    ++frames;
  }
  return frames;
}

}  // namespace hegemon
