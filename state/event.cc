#include "state/event.h"

namespace hegemon {

Event make_event(Tick tick, std::string type,
                 std::initializer_list<std::pair<const char*, int64_t>> fields) {
  // Field names are compile-time identifiers of ours, so they need no escaping.
  std::string data = "{";
  for (const auto& [name, value] : fields) {
    if (data.size() > 1) data += ',';
    data += '"';
    data += name;
    data += "\":";
    data += std::to_string(value);
  }
  data += '}';
  return Event{tick, std::move(type), std::move(data)};
}

}  // namespace hegemon
