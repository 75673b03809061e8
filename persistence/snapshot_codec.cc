#include "persistence/snapshot_codec.h"

#include <zlib.h>

#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include "state/entity_fields.h"
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
  void put(const std::vector<ProvinceId>& path) {  // its length, then its ids
    put(static_cast<int64_t>(path.size()));
    for (ProvinceId p : path) put(p);
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
  // Into a field, as its type was written: a bool as 0 or 1, an int32 in
  // range, a path as its length then its ids.
  void get_into(bool& v) { v = get() != 0; }
  void get_into(int32_t& v) { v = get32(); }
  void get_into(int64_t& v) { v = get(); }
  void get_into(std::vector<ProvinceId>& path) {
    path.resize(count(1));
    for (ProvinceId& p : path) p = get32();
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

// Every described field (state/entity_fields.h) in its order, keys
// included: the snapshot's byte layout is the descriptions' order.
template <class E>
void put_fields(Writer& out, const E& e) {
  for_each_field<E>([&](const auto& f) { out.put(f.of(e)); });
}
template <class E>
void get_fields(Reader& in, E& e) {
  for_each_field<E>([&](const auto& f) { in.get_into(f.of(e)); });
}
// A counted list of entries, each taking at least one byte per field. With
// `expected` >= 0 (provinces and nations pair one to one with the map's
// rows), any other count is refused before an entry is read; the error says
// how many `kind` it holds.
template <class E>
Status get_list(Reader& in, std::vector<E>& list, int64_t expected = -1, const char* kind = "") {
  const size_t count = in.count(field_count<E>());
  if (in.ok() && expected >= 0 && count != static_cast<size_t>(expected))
    return Status::error("holds " + std::to_string(count) + " " + kind + ", the map " +
                         std::to_string(expected));
  list.resize(count);
  for (E& e : list) get_fields(in, e);
  return Status();
}

// The most bytes one field's varint takes: an int32 (or a bool) 5, an int64
// 10; a path counts its length here and its steps in max_snapshot_bytes.
constexpr uint64_t kMaxInt32Bytes = 5, kMaxInt64Bytes = 10;
template <class T>
constexpr uint64_t max_bytes_of() {
  return sizeof(T) <= sizeof(int32_t) ? kMaxInt32Bytes : kMaxInt64Bytes;
}
template <class E>
constexpr uint64_t max_entry_bytes() {
  uint64_t sum = 0;
  for_each_field<E>(
      [&](const auto& f) { sum += max_bytes_of<typename std::decay_t<decltype(f)>::Type>(); });
  return sum;
}
// The header: the game row, then four counts.
constexpr uint64_t kMaxHeaderBytes = max_entry_bytes<GameMeta>() + 4 * kMaxInt64Bytes;

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
  return kMaxHeaderBytes + static_cast<uint64_t>(provinces) * max_entry_bytes<Province>() +
         static_cast<uint64_t>(nations) * max_entry_bytes<Nation>() +
         static_cast<uint64_t>(max_armies(provinces, nations)) * max_entry_bytes<Army>() +
         static_cast<uint64_t>(max_path_steps(provinces)) * kMaxInt32Bytes +
         static_cast<uint64_t>(max_active_wars(nations)) * max_entry_bytes<War>();
}

std::string encode_snapshot(const WorldSnapshot& w) {
  Writer out;
  put_fields(out, w.meta);
  out.put(static_cast<int64_t>(w.provinces.size()));
  for (const Province& p : w.provinces) put_fields(out, p);
  out.put(static_cast<int64_t>(w.nations.size()));
  for (const Nation& n : w.nations) put_fields(out, n);
  out.put(static_cast<int64_t>(w.armies.size()));
  for (const Army& a : w.armies) put_fields(out, a);
  out.put(static_cast<int64_t>(w.wars.size()));
  for (const War& x : w.wars) put_fields(out, x);
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
  if (data.size() < sizeof kMagic + 8 ||
      data.substr(0, sizeof kMagic) != std::string_view(kMagic, 4))
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
  get_fields(in, w.meta);
  if (Status ok = get_list(in, w.provinces, map.province_count(), "provinces"); !ok.ok())
    return corrupt(ok.message());
  if (Status ok = get_list(in, w.nations, map.nation_count(), "nations"); !ok.ok())
    return corrupt(ok.message());
  (void)get_list(in, w.armies);  // any count: cannot fail
  (void)get_list(in, w.wars);
  if (!in.ok() || !in.at_end()) return corrupt("truncated or overlong");
  // Ids, references and ranges (the hash check that follows decoding
  // cannot tell a province id 10^9 from a real one): the same check as a
  // world read from the tables.
  if (Status ok = check_world_state(w, map); !ok.ok()) return corrupt(ok.message());
  return Status();
}

}  // namespace hegemon
