#include "net/view_cache.h"

#include "net/json_views.h"

namespace hegemon::net {
namespace {

using nlohmann::json;

struct Entry {
  std::shared_ptr<const World> world;  // held: its address cannot be reused meanwhile
  GameMeta meta;
  EncodedView view;
};

// Per thread (the middleman's I/O thread in practice), per view and encoding.
template <class Build>
const EncodedView& cached(Entry (&entries)[2], const std::shared_ptr<const World>& world,
                          Encoding encoding, Build build) {
  Entry& e = entries[encoding == Encoding::json ? 0 : 1];
  const GameMeta meta = world->meta();
  if (e.world != world || !(e.meta == meta)) {
    json result = build(*world);
    e.view.tick = result["tick"].get<Tick>();
    e.view.payload = encode_payload(result, encoding);
    e.world = world;
    e.meta = meta;
  }
  return e.view;
}

json map_json(const World& world) {
  json rows = json::array();
  for (ProvinceId id = 1; id <= world.map().province_count(); ++id) {
    if (auto p = world.province(id)) rows.push_back(json::array({p->id, p->owner, p->controller}));
  }
  return {{"tick", world.meta().tick}, {"provinces", std::move(rows)}};
}

}  // namespace

const EncodedView& map_view(const std::shared_ptr<const World>& world, Encoding encoding) {
  thread_local Entry entries[2];
  return cached(entries, world, encoding, map_json);
}

const EncodedView& snapshot_view(const std::shared_ptr<const World>& world, Encoding encoding) {
  thread_local Entry entries[2];
  return cached(entries, world, encoding, snapshot_json);
}

std::string reply_payload(const json& id, const std::string& encoded_result, Encoding encoding) {
  // {"id": id, "result": null} encoded; an object's keys are sorted, so the
  // null (JSON "null", MessagePack 0xc0) is its last value, followed in JSON
  // by the closing brace. The result takes its place.
  std::string out = encode_payload(reply_result(id, nullptr), encoding);
  const size_t null_size = encoding == Encoding::json ? 4 : 1;
  const size_t tail = encoding == Encoding::json ? 1 : 0;
  out.replace(out.size() - tail - null_size, null_size, encoded_result);
  return out;
}

}  // namespace hegemon::net
