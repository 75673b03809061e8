#include "tools/world_diff.h"

#include <algorithm>
#include <map>

#include "state/entity_fields.h"
#include "tools/printable.h"

namespace hegemon {
namespace {

// Collects lines up to a limit and counts the rest.
class Lines {
 public:
  explicit Lines(size_t limit) : limit_(limit) {}
  void add(std::string line) {
    if (out_.size() < limit_) {
      out_.push_back(std::move(line));
    } else {
      ++dropped_;
    }
  }
  std::vector<std::string> finish() {
    if (dropped_ > 0) out_.push_back("... and " + std::to_string(dropped_) + " more");
    return std::move(out_);
  }

 private:
  size_t limit_;
  size_t dropped_ = 0;
  std::vector<std::string> out_;
};

template <class T>
std::string text(const T& v) {
  return std::to_string(v);
}
std::string text(const std::vector<ProvinceId>& path) {
  std::string out = "[";
  for (size_t i = 0; i < path.size(); ++i) out += (i ? "," : "") + std::to_string(path[i]);
  return out + "]";
}

// Field-by-field comparison of one entity: each differing field is a line.
class FieldDiff {
 public:
  FieldDiff(Lines& lines, std::string who) : lines_(lines), who_(std::move(who)) {}
  template <class T>
  FieldDiff& field(const char* name, const T& recorded, const T& replayed) {
    if (!(recorded == replayed))
      lines_.add(who_ + " " + name + ": recorded " + text(recorded) + ", replayed " +
                 text(replayed));
    return *this;
  }

 private:
  Lines& lines_;
  std::string who_;
};

// Every described field but the key (state/entity_fields.h), in order.
template <class E>
void diff_fields(FieldDiff& d, const E& a, const E& b) {
  for_each_field<E>([&](const auto& f) {
    if (!f.key) d.field(f.name, f.of(a), f.of(b));
  });
}

template <class E>
void diff(Lines& out, const char* kind, const E& a, const E& b) {
  FieldDiff d(out, std::string(kind) + " " + std::to_string(a.id));
  diff_fields(d, a, b);
}

// Matches two id-sorted lists by id: entities on one side only are named,
// the others compared field by field.
template <class T>
void diff_lists(Lines& out, const char* kind, const std::vector<T>& recorded,
                const std::vector<T>& replayed) {
  size_t i = 0, j = 0;
  while (i < recorded.size() || j < replayed.size()) {
    if (j == replayed.size() || (i < recorded.size() && recorded[i].id < replayed[j].id)) {
      out.add(std::string(kind) + " " + std::to_string(recorded[i++].id) +
              ": recorded, missing from the replay");
    } else if (i == recorded.size() || replayed[j].id < recorded[i].id) {
      out.add(std::string(kind) + " " + std::to_string(replayed[j++].id) +
              ": in the replay, not recorded");
    } else {
      diff(out, kind, recorded[i++], replayed[j++]);
    }
  }
}

std::string history_text(const ProvinceHistoryRow& h) {
  return "owner " + std::to_string(h.owner) + ", controller " + std::to_string(h.controller) +
         ", development " + std::to_string(h.development);
}

// The event's type and data come from the save: escaped for the terminal.
std::string event_text(const Event& e) { return printable(e.type) + " " + printable(e.data); }

}  // namespace

std::vector<std::string> diff_worlds(const WorldSnapshot& recorded, const WorldSnapshot& replayed,
                                     size_t limit) {
  Lines out(limit);
  diff_lists(out, "province", recorded.provinces, replayed.provinces);
  diff_lists(out, "nation", recorded.nations, replayed.nations);
  diff_lists(out, "army", recorded.armies, replayed.armies);
  diff_lists(out, "war", recorded.wars, replayed.wars);
  FieldDiff game(out, "game");
  diff_fields(game, recorded.meta, replayed.meta);
  return out.finish();
}

std::vector<std::string> diff_history(const std::vector<ProvinceHistoryRow>& recorded,
                                      const std::vector<ProvinceHistoryRow>& replayed,
                                      size_t limit) {
  Lines out(limit);
  std::map<ProvinceId, const ProvinceHistoryRow*> a, b;
  for (const auto& h : recorded) a[h.province] = &h;
  for (const auto& h : replayed) b[h.province] = &h;
  for (const auto& [id, h] : a) {
    const auto other = b.find(id);
    const std::string who = "province " + std::to_string(id) + " history row";
    if (other == b.end()) {
      out.add(who + ": recorded (" + history_text(*h) + "), not produced by the replay");
    } else if (!(*h == *other->second)) {
      out.add(who + ": recorded " + history_text(*h) + "; replayed " +
              history_text(*other->second));
    }
  }
  for (const auto& [id, h] : b)
    if (a.count(id) == 0)
      out.add("province " + std::to_string(id) + " history row: replayed (" + history_text(*h) +
              "), not recorded");
  return out.finish();
}

std::vector<std::string> diff_events(const std::vector<Event>& recorded,
                                     const std::vector<Event>& replayed, size_t limit) {
  Lines out(limit);
  const size_t n = std::max(recorded.size(), replayed.size());
  for (size_t i = 0; i < n; ++i) {
    const Event* a = i < recorded.size() ? &recorded[i] : nullptr;
    const Event* b = i < replayed.size() ? &replayed[i] : nullptr;
    if (a && b && *a == *b) continue;
    const std::string where = "event " + std::to_string(i + 1) + ": ";
    if (!b) {
      out.add(where + "recorded " + event_text(*a) + ", not produced by the replay");
    } else if (!a) {
      out.add(where + "replayed " + event_text(*b) + ", not recorded");
    } else {
      out.add(where + "recorded " + event_text(*a) + "; replayed " + event_text(*b));
    }
  }
  return out.finish();
}

}  // namespace hegemon
