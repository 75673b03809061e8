#include "persistence/snapshot_codec.h"

#include <zlib.h>

#include <cstdint>
#include <limits>

#include "state/world_check.h"
#include "state/world_limits.h"

namespace hegemon {
namespace {

constexpr char kMagic[4] = {'H', 'G', 'S', '1'};

class Writer {
 public:
  void put(int64_t v) {
    // Zigzag, so small negative numbers (-1 for "never") stay one byte.
    uint64_t u = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
    while (u >= 0x80) {
      bytes_.push_back(static_cast<char>((u & 0x7f) | 0x80));
      u >>= 7;
    }
    bytes_.push_back(static_cast<char>(u));
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == bytes_.size(); }

  int64_t get() {
    uint64_t u = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= bytes_.size()) return fail();
      const auto b = static_cast<uint8_t>(bytes_[pos_++]);
      if (shift == 63 && b > 1) return fail();  // more than 64 bits: not ours
      u |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
    }
    return fail();
  }
  int32_t get32() {
    const int64_t v = get();
    if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max())
      return static_cast<int32_t>(fail());
    return static_cast<int32_t>(v);
  }
  // A count of entries that take at least `min_bytes` each: never more than
  // the bytes left could hold, so a corrupt count cannot make us allocate.
  size_t count(size_t min_bytes) {
    const int64_t n = get();
    if (n < 0 || static_cast<uint64_t>(n) > (bytes_.size() - pos_) / min_bytes)
      return static_cast<size_t>(fail());
    return static_cast<size_t>(n);
  }

 private:
  int64_t fail() {
    ok_ = false;
    pos_ = bytes_.size();
    return 0;
  }
  std::string_view bytes_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// The fewest bytes each entry takes (one per varint field).
constexpr size_t kProvinceBytes = 6, kNationBytes = 10, kArmyBytes = 7, kWarBytes = 10;
// The most: a varint of an int32 field takes at most 5 bytes, of an int64
// 10; fields counted as in encode_snapshot.
constexpr uint64_t kMaxInt32Bytes = 5, kMaxInt64Bytes = 10;
constexpr uint64_t kMaxHeaderBytes = kMaxInt64Bytes + 2 * kMaxInt32Bytes + 4 * kMaxInt64Bytes;
constexpr uint64_t kMaxProvinceBytes = 6 * kMaxInt32Bytes;
constexpr uint64_t kMaxNationBytes = 10 * kMaxInt64Bytes;
constexpr uint64_t kMaxArmyBytes = 6 * kMaxInt32Bytes + kMaxInt64Bytes;  // + its path
constexpr uint64_t kMaxWarBytes = 10 * kMaxInt64Bytes;

// Inflates `in` into `out`, refusing to produce more than `cap` bytes: the
// header's size is the author's word, and a zlib stream can expand a
// thousandfold, so neither may decide how much memory a snapshot takes.
Status inflate_capped(std::string_view in, uint64_t cap, std::string& out) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return Status::error("zlib cannot start");
  struct End {
    z_stream& z;
    ~End() { inflateEnd(&z); }
  } end{z};
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  char chunk[64 * 1024];
  for (;;) {
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof chunk;
    const int rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) return Status::error("does not decompress");
    const size_t got = sizeof chunk - z.avail_out;
    if (out.size() + got > cap)
      return Status::error("inflates to more than " + std::to_string(cap) + " bytes");
    out.append(chunk, got);
    if (rc == Z_STREAM_END) return Status();
    if (got == 0 && z.avail_in == 0) return Status::error("does not decompress (truncated)");
  }
}

}  // namespace

uint64_t max_snapshot_bytes(const WorldMap& map) {
  const int64_t provinces = map.province_count(), nations = map.nation_count();
  return kMaxHeaderBytes + static_cast<uint64_t>(provinces) * kMaxProvinceBytes +
         static_cast<uint64_t>(nations) * kMaxNationBytes +
         static_cast<uint64_t>(max_armies(provinces, nations)) * kMaxArmyBytes +
         static_cast<uint64_t>(max_path_steps(provinces)) * kMaxInt32Bytes +
         static_cast<uint64_t>(max_active_wars(nations)) * kMaxWarBytes;
}

std::string encode_snapshot(const WorldSnapshot& w) {
  Writer out;
  out.put(w.meta.tick);
  out.put(w.meta.next_army_id);
  out.put(w.meta.next_war_id);
  out.put(static_cast<int64_t>(w.provinces.size()));
  for (const Province& p : w.provinces) {
    out.put(p.id), out.put(p.owner), out.put(p.controller), out.put(p.development);
    out.put(p.unrest), out.put(p.siege_progress);
  }
  out.put(static_cast<int64_t>(w.nations.size()));
  for (const Nation& n : w.nations) {
    out.put(n.id), out.put(n.alive), out.put(n.capital), out.put(n.treasury);
    out.put(n.stability), out.put(n.manpower), out.put(n.tax_level), out.put(n.war);
    out.put(n.last_peace_tick), out.put(n.player);
  }
  out.put(static_cast<int64_t>(w.armies.size()));
  for (const Army& a : w.armies) {
    out.put(a.id), out.put(a.owner), out.put(a.location), out.put(a.strength);
    out.put(a.morale), out.put(a.move_progress), out.put(static_cast<int64_t>(a.path.size()));
    for (ProvinceId p : a.path) out.put(p);
  }
  out.put(static_cast<int64_t>(w.wars.size()));
  for (const War& x : w.wars) {
    out.put(x.id), out.put(x.attacker), out.put(x.defender), out.put(x.start_tick);
    out.put(x.end_tick), out.put(x.war_score), out.put(x.battle_score);
    out.put(x.peace_offer_by), out.put(x.peace_offer_winner), out.put(x.peace_offer_tick);
  }
  const std::string& raw = out.bytes();
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::string blob(sizeof kMagic + 8 + size, '\0');
  std::copy(kMagic, kMagic + sizeof kMagic, blob.begin());
  const uint64_t raw_size = raw.size();
  for (int i = 0; i < 8; ++i) blob[sizeof kMagic + i] = static_cast<char>(raw_size >> (8 * i));
  auto* dest = reinterpret_cast<Bytef*>(&blob[sizeof kMagic + 8]);
  compress2(dest, &size, reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()),
            Z_BEST_SPEED);
  blob.resize(sizeof kMagic + 8 + size);
  return blob;
}

Status decode_snapshot(std::string_view data, const WorldMap& map, WorldSnapshot& w) {
  auto corrupt = [](const std::string& why) { return Status::error("corrupt snapshot: " + why); };
  if (data.size() < sizeof kMagic + 8 || data.substr(0, sizeof kMagic) != std::string_view(kMagic, 4))
    return corrupt("not a format 1 snapshot");
  uint64_t raw_size = 0;
  for (int i = 0; i < 8; ++i)
    raw_size |= static_cast<uint64_t>(static_cast<uint8_t>(data[sizeof kMagic + i])) << (8 * i);
  const uint64_t cap = max_snapshot_bytes(map);
  if (raw_size > cap)
    return corrupt("claims " + std::to_string(raw_size) + " bytes; a world of " +
                   std::to_string(map.province_count()) + " provinces and " +
                   std::to_string(map.nation_count()) + " nations needs at most " +
                   std::to_string(cap));
  std::string raw;
  raw.reserve(raw_size);
  if (Status ok = inflate_capped(data.substr(sizeof kMagic + 8), raw_size, raw); !ok.ok())
    return ok.with_context("corrupt snapshot");
  if (raw.size() != raw_size) return corrupt("does not decompress to the size it claims");

  Reader in(raw);
  w.meta.tick = in.get();
  w.meta.next_army_id = in.get32();
  w.meta.next_war_id = in.get32();
  const size_t provinces = in.count(kProvinceBytes);
  if (in.ok() && provinces != static_cast<size_t>(map.province_count()))
    return corrupt("holds " + std::to_string(provinces) + " provinces, the map " +
                   std::to_string(map.province_count()));
  w.provinces.resize(provinces);
  for (Province& p : w.provinces) {
    p.id = in.get32(), p.owner = in.get32(), p.controller = in.get32();
    p.development = in.get32(), p.unrest = in.get32(), p.siege_progress = in.get32();
  }
  const size_t nations = in.count(kNationBytes);
  if (in.ok() && nations != static_cast<size_t>(map.nation_count()))
    return corrupt("holds " + std::to_string(nations) + " nations, the map " +
                   std::to_string(map.nation_count()));
  w.nations.resize(nations);
  for (Nation& n : w.nations) {
    n.id = in.get32(), n.alive = in.get() != 0, n.capital = in.get32(), n.treasury = in.get();
    n.stability = in.get32(), n.manpower = in.get32(), n.tax_level = in.get32();
    n.war = in.get32(), n.last_peace_tick = in.get(), n.player = in.get() != 0;
  }
  w.armies.resize(in.count(kArmyBytes));
  for (Army& a : w.armies) {
    a.id = in.get32(), a.owner = in.get32(), a.location = in.get32(), a.strength = in.get32();
    a.morale = in.get32(), a.move_progress = in.get32();
    a.path.resize(in.count(1));
    for (ProvinceId& p : a.path) p = in.get32();
  }
  w.wars.resize(in.count(kWarBytes));
  for (War& x : w.wars) {
    x.id = in.get32(), x.attacker = in.get32(), x.defender = in.get32(), x.start_tick = in.get();
    x.end_tick = in.get(), x.war_score = in.get32(), x.battle_score = in.get32();
    x.peace_offer_by = in.get32(), x.peace_offer_winner = in.get32(), x.peace_offer_tick = in.get();
  }
  if (!in.ok() || !in.at_end()) return corrupt("truncated or overlong");
  // Ids, references and ranges (the hash check that follows decoding
  // cannot tell a province id 10^9 from a real one): the same check as a
  // world read from the tables.
  if (Status ok = check_world_state(w, map); !ok.ok()) return corrupt(ok.message());
  return Status();
}

}  // namespace hegemon
