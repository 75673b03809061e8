// Seeded fuzzing of what a bad client reaches first (docs/RELIABILITY.md,
// "Bad clients"): the frame decoder, the request decoder (JSON and
// MessagePack) and the command validator against a real world. The
// properties themselves are in fuzz/properties.h, shared with the optional
// libFuzzer targets; this file generates the inputs.
//
// HEGEMON_FUZZ_SEED (default 1444) picks the inputs; HEGEMON_FUZZ_SCALE
// (default 1) multiplies the iterations: CTest's fuzz_test_long, labelled
// `long`, runs scale 50. A failure names the seed and iteration that found it.
#define CAF_SUITE fuzz
#include <caf/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz/mutator.h"
#include "fuzz/properties.h"
#include "net/frame_codec.h"
#include "net/protocol.h"
#include "rules/events.h"
#include "rules/tick.h"
#include "rules/world_gen.h"
#include "state/command_json.h"
#include "test_support.h"

using namespace hegemon;
using namespace hegemon::fuzz;
using nlohmann::json;

namespace {

uint64_t env_number(const char* name, uint64_t fallback) {
  const char* text = std::getenv(name);
  if (!text || !*text) return fallback;
  return std::strtoull(text, nullptr, 10);
}

uint64_t fuzz_seed() { return env_number("HEGEMON_FUZZ_SEED", 1444); }
uint64_t fuzz_scale() { return std::max<uint64_t>(1, env_number("HEGEMON_FUZZ_SCALE", 1)); }

// Each test draws from its own stream, so adding iterations to one does not
// change the inputs of another. SplitMix64's state only counts up, so the
// seed is hashed first: seeds 1 and 2 must not give the same stream one step
// apart.
FuzzRng rng_for(uint64_t test) {
  FuzzRng hash(fuzz_seed());
  return FuzzRng(hash.next() ^ (test * 0xd1b54a32d192ed03ULL));
}

class Stopwatch {
 public:
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// A bare frame header announcing `n` bytes.
std::string header(uint32_t n) {
  return {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
          static_cast<char>(n)};
}

// A stream as a bad client might send it: valid frames, bare headers near the
// maximum (and far beyond), truncated frames and noise, in any order.
std::string hostile_stream(FuzzRng& rng, uint32_t max) {
  std::string s;
  for (uint64_t piece = 1 + rng.below(6); piece > 0; --piece) {
    switch (rng.below(6)) {
      case 0:
      case 1:
        s += net::encode_frame(random_bytes(rng, rng.below(std::min<uint32_t>(max, 300) + 1)));
        break;
      case 2: {  // a header right at the edge of the maximum
        static const int64_t kDeltas[] = {-1, 0, 1, 2};
        const int64_t n = int64_t{max} + kDeltas[rng.below(4)];
        s += header(static_cast<uint32_t>(std::max<int64_t>(0, n)));
        break;
      }
      case 3: s += header(static_cast<uint32_t>(rng.next())); break;  // anything, up to 4 GiB
      case 4: {                                                       // a frame cut short
        const std::string f =
            net::encode_frame(random_bytes(rng, 1 + rng.below(std::min<uint32_t>(max, 64) + 1)));
        s += f.substr(0, rng.below(f.size()));
        break;
      }
      default: s += random_bytes(rng, rng.below(64)); break;
    }
  }
  return s;
}

// Valid requests of every type docs/PROTOCOL.md lists: the seeds mutations
// start from.
std::vector<json> request_corpus() {
  return {
      {{"id", 1}, {"type", "hello"}, {"version", 1}},
      {{"id", 1}, {"type", "hello"}, {"version", 1}, {"encoding", "msgpack"}},
      {{"id", 2},
       {"type", "login"},
       {"role", "admin"},
       {"token", "0123456789abcdef0123456789abcdef"}},
      {{"id", "p"}, {"type", "login"}, {"role", "player"}, {"token", "t"}},
      {{"id", 3}, {"type", "login"}, {"role", "spectator"}},
      {{"id", 4}, {"type", "status"}},
      {{"id", 5}, {"type", "province"}, {"province", 12}},
      {{"id", 6}, {"type", "nation"}, {"nation", 3}},
      {{"id", 7}, {"type", "army"}, {"army", 41}},
      {{"id", 8}, {"type", "war"}, {"war", 2}},
      {{"id", 9}, {"type", "map"}},
      {{"id", 10}, {"type", "provinces_of"}, {"nation", 3}},
      {{"id", 11}, {"type", "wars_of"}, {"nation", 3}},
      {{"id", 12}, {"type", "province_at"}, {"province", 12}, {"tick", 100}},
      {{"id", 13}, {"type", "events"}, {"from", 10}, {"to", 40}},
      {{"id", 14}, {"type", "watch"}},
      {{"id", 15}, {"type", "speed"}, {"speed", "max"}},
      {{"id", 16}, {"type", "save_as"}, {"path", "/tmp/copy.db"}},
      {{"id", 17}, {"type", "kill"}, {"kind", "nation"}, {"actor", 3}},
      {{"id", 18}, {"type", "token_issue"}, {"role", "player"}, {"nation", 4}},
      {{"id", 19}, {"type", "token_revoke"}, {"token_id", 2}},
      {{"id", 20}, {"type", "kick"}, {"client", 3}},
      {{"id", 21}, {"type", "rollback"}, {"tick", 10}},
      {{"id", 22}, {"type", "declare_war"}, {"target", 5}},
      {{"id", 23}, {"type", "offer_peace"}, {"terms", "white"}},
      {{"id", 24}, {"type", "accept_peace"}},
      {{"id", 25}, {"type", "recruit"}, {"province", 31}, {"nation", 2}},
      {{"id", 26}, {"type", "move_army"}, {"army", 7}, {"path", {12, 13, 14}}},
      {{"id", 27}, {"type", "set_tax"}, {"level", 3}},
      {{"id", 28}, {"type", "set_player"}, {"player", true}, {"nation", 2}},
  };
}

std::string encode(const json& doc, net::Encoding encoding) {
  return net::encode_payload(doc, encoding);
}

// A payload built from the corpus: mutated as a document, as bytes, or
// wrapped around something deep or huge.
std::string hostile_payload(FuzzRng& rng, const std::vector<json>& corpus,
                            const std::vector<std::string>& encoded, net::Encoding encoding) {
  json doc = corpus[rng.below(corpus.size())];
  const uint64_t how = rng.below(100);
  if (how < 35) return encode(mutate_document(rng, doc), encoding);
  if (how < 75) {
    if (rng.chance(50)) doc = mutate_document(rng, doc);
    return mutate_bytes(rng, encode(doc, encoding), encoded);
  }
  if (how < 85) {  // deep nesting, inside a request or as the whole payload
    const size_t depth = rng.chance(50) ? 30 + rng.below(10) : 1000 + rng.below(200000);
    if (encoding == net::Encoding::msgpack) {
      std::string deep(depth, '\x91');  // one-element arrays
      deep.push_back('\x01');
      if (rng.chance(50)) return deep;
      std::string prefix;  // {"id":1,"type":"status","x": <deep>}
      json::to_msgpack(json{{"id", 1}, {"type", "status"}, {"x", nullptr}}, prefix);
      prefix.pop_back();  // drop the nil, put the deep value in its place
      return prefix + deep;
    }
    const std::string deep = nested_json(depth, "1", rng.chance(80));
    if (rng.chance(50)) return deep;
    return "{\"id\":1,\"type\":\"status\",\"x\":" + deep + "}";
  }
  if (how < 95) {  // numbers and strings of absurd size where a small integer belongs
    static const char* kNumbers[] = {"1e400",
                                     "-1e400",
                                     "1e-400",
                                     "18446744073709551616",
                                     "99999999999999999999999999999999999999",
                                     "-0",
                                     "0.0",
                                     "-9223372036854775809",
                                     "4294967297",
                                     "1.5"};
    const std::string field = rng.chance(50) ? "id" : "province";
    std::string text = "{\"id\":7,\"type\":\"province\",\"province\":12}";
    const std::string number =
        rng.chance(80) ? kNumbers[rng.below(10)] : std::string(1 + rng.below(5000), '9');
    const size_t at = text.find("\"" + field + "\":") + field.size() + 3;
    text.replace(at, text.find_first_of(",}", at) - at, number);
    if (encoding == net::Encoding::json) return text;
    auto parsed = json::parse(text, nullptr, false);
    return parsed.is_discarded() ? random_bytes(rng, 16) : encode(parsed, encoding);
  }
  return random_bytes(rng, rng.below(200));
}

// A command request for `world`, plausible enough that check_command has
// something to check: a living nation, its own provinces and armies, a march
// along real neighbours, then often broken (document mutations).
json plausible_command(FuzzRng& rng, const World& world, CommandKind kind) {
  const std::vector<NationId> living = world.living_nations();
  const auto pick = [&rng](const std::vector<int32_t>& v, int64_t fallback) -> int64_t {
    return v.empty() || rng.chance(10) ? fallback : v[rng.below(v.size())];
  };
  const int64_t nation = rng.chance(8) ? rng.edgy_int() : pick(living, 1);
  json f{{"id", 1}, {"type", command_kind_name(kind)}, {"nation", nation}};
  const NationId own = static_cast<NationId>(nation);
  switch (kind) {
    case CommandKind::declare_war:
      f["target"] = rng.chance(10) ? rng.edgy_int() : pick(living, own);
      break;
    case CommandKind::offer_peace: {
      static const char* kTerms[] = {"white", "win", "concede", "surrender"};
      f["terms"] = kTerms[rng.below(rng.chance(90) ? 3 : 4)];
      break;
    }
    case CommandKind::accept_peace: break;
    case CommandKind::recruit:
      f["province"] = rng.chance(10) ? rng.edgy_int()
                                     : pick(*world.provinces_of(own),
                                            1 + rng.below(world.map().province_count()));
      break;
    case CommandKind::move_army: {
      std::vector<int32_t> armies = *world.armies_of(own);
      const int64_t army = pick(armies, rng.edgy_int());
      f["army"] = army;
      json path = json::array();
      const auto a = world.army(static_cast<ArmyId>(army));
      ProvinceId at =
          a ? a->location : static_cast<ProvinceId>(1 + rng.below(world.map().province_count()));
      if (rng.chance(20)) path.push_back(at);  // naming the start is allowed
      for (uint64_t step = 1 + rng.below(rng.chance(5) ? 300 : 6); step > 0; --step) {
        const auto& next = world.map().province(at).neighbors;
        at = rng.chance(5) || next.empty()
                 ? static_cast<ProvinceId>(1 + rng.below(world.map().province_count()))
                 : next[rng.below(next.size())];
        path.push_back(at);
      }
      f["path"] = path;
      break;
    }
    case CommandKind::set_tax: f["level"] = static_cast<int64_t>(rng.below(8)) - 2; break;
    case CommandKind::set_player: f["player"] = rng.chance(50); break;
  }
  return rng.chance(30) ? mutate_document(rng, f) : f;
}

}  // namespace

CAF_TEST(the frame decoder survives any byte stream and keeps valid frames whole) {
  FuzzRng rng = rng_for(1);
  const uint64_t iterations = 20000 * fuzz_scale();
  static const uint32_t kMaxima[] = {0, 1, 16, 4096, net::kDefaultMaxFrameBytes};
  Stopwatch clock;
  size_t refused = 0, frames_out = 0, bytes = 0;
  for (uint64_t i = 0; i < iterations; ++i) {
    const uint32_t max = kMaxima[rng.below(5)];
    std::string stream;
    std::vector<std::string> sent;
    const bool valid = rng.chance(40);
    if (valid) {  // frames that must come out intact, cut anywhere
      for (uint64_t n = rng.below(8); n > 0; --n) {
        // Now and then exactly the maximum (the 1 MiB one has its own case below).
        const uint32_t small = std::min<uint32_t>(max, 4096);
        sent.push_back(
            random_bytes(rng, rng.chance(5) ? small : rng.below(std::min<uint32_t>(max, 200) + 1)));
        stream += net::encode_frame(sent.back());
      }
    } else {
      stream = rng.chance(20) ? random_bytes(rng, rng.below(2000)) : hostile_stream(rng, max);
    }
    const std::vector<size_t> cuts =
        random_cuts(rng, stream.size(), rng.chance(30) ? std::min<size_t>(stream.size(), 2000) : 8);
    std::vector<std::string> frames;
    const std::string broken = check_frame_stream(stream, cuts, max, &frames);
    if (!broken.empty()) CAF_FAIL("seed " << fuzz_seed() << " iteration " << i << ": " << broken);
    if (valid && frames != sent)
      CAF_FAIL("seed " << fuzz_seed() << " iteration " << i << ": valid frames came out changed");
    frames_out += frames.size();
    std::vector<std::string> scratch;
    refused += net::FrameDecoder(max).feed(stream.data(), stream.size(), scratch) ? 0 : 1;
    bytes += stream.size();
  }
  // A frame of exactly the default maximum, a byte at a time at first (a slow
  // client), then in large pieces: it comes out whole and the buffer never
  // holds more than it.
  const std::string big(net::kDefaultMaxFrameBytes, 'x');
  const std::string stream = net::encode_frame(big) + net::encode_frame("{}");
  std::vector<size_t> cuts;
  for (size_t at = 1; at < 4096; ++at) cuts.push_back(at);
  for (size_t at = 4096; at < stream.size(); at += 65536) cuts.push_back(at);
  std::vector<std::string> frames;
  CAF_CHECK_EQUAL(check_frame_stream(stream, cuts, net::kDefaultMaxFrameBytes, &frames), "");
  CAF_CHECK(frames.size() == 2 && frames[0] == big && frames[1] == "{}");
  const double s = clock.seconds();
  CAF_MESSAGE("frames: seed " << fuzz_seed() << ", " << iterations << " streams, " << bytes
                              << " bytes, " << frames_out << " frames, " << refused
                              << " refused at a header, " << static_cast<int64_t>(iterations / s)
                              << " streams/s");
}

CAF_TEST(the request decoder answers any payload with a request or a clear error) {
  FuzzRng rng = rng_for(2);
  const uint64_t iterations = 30000 * fuzz_scale();
  const std::vector<json> corpus = request_corpus();
  std::vector<std::string> encoded[2];
  for (const json& doc : corpus) {
    encoded[0].push_back(encode(doc, net::Encoding::json));
    encoded[1].push_back(encode(doc, net::Encoding::msgpack));
  }
  Stopwatch clock;
  size_t outcomes[5] = {0, 0, 0, 0, 0};
  for (uint64_t i = 0; i < iterations; ++i) {
    const bool msgpack = rng.chance(40);
    const auto encoding = msgpack ? net::Encoding::msgpack : net::Encoding::json;
    const std::string payload = hostile_payload(rng, corpus, encoded[msgpack], encoding);
    RequestOutcome outcome{};
    const std::string broken = check_request_payload(payload, encoding, &outcome);
    if (!broken.empty())
      CAF_FAIL("seed " << fuzz_seed() << " iteration " << i << " (" << net::encoding_name(encoding)
                       << ", " << payload.size() << " bytes): " << broken);
    ++outcomes[static_cast<int>(outcome)];
  }
  // The unmutated corpus parses, in both encodings.
  for (const auto encoding : {net::Encoding::json, net::Encoding::msgpack}) {
    for (const json& doc : corpus) {
      RequestOutcome outcome{};
      CAF_CHECK_EQUAL(check_request_payload(encode(doc, encoding), encoding, &outcome), "");
      CAF_CHECK(outcome == RequestOutcome::request || outcome == RequestOutcome::command);
    }
  }
  // Nesting is refused past 32 levels in both encodings, so a maximum-size
  // frame of nothing but brackets costs the server nothing like 78 MiB
  // (what a JSON one cost before).
  for (const auto encoding : {net::Encoding::json, net::Encoding::msgpack}) {
    const bool mp = encoding == net::Encoding::msgpack;
    for (const size_t depth : {31, 33}) {  // the request object is one more level
      std::string payload;
      if (mp) {
        json::to_msgpack(json{{"id", 1}, {"type", "status"}, {"x", nullptr}}, payload);
        payload.pop_back();
        payload += std::string(depth, '\x91') + '\x01';
      } else {
        payload = "{\"id\":1,\"type\":\"status\",\"x\":" + nested_json(depth, "1", true) + "}";
      }
      RequestOutcome outcome{};
      CAF_CHECK_EQUAL(check_request_payload(payload, encoding, &outcome), "");
      CAF_CHECK_EQUAL(outcome == RequestOutcome::request, depth == 31);
    }
    Stopwatch bomb_clock;
    RequestOutcome outcome{};
    const std::string bomb(net::kDefaultMaxFrameBytes, mp ? '\x91' : '[');
    CAF_CHECK_EQUAL(check_request_payload(bomb, encoding, &outcome), "");
    CAF_CHECK(outcome == RequestOutcome::bad_frame);
    CAF_CHECK_LESS(bomb_clock.seconds(), 0.1);  // it took 0.33 s when every level was built
  }
  // Every outcome was reached, so the fuzzer got past the decoder.
  for (size_t n : outcomes) CAF_CHECK_GREATER(n, 0u);
  const double s = clock.seconds();
  CAF_MESSAGE("requests: seed " << fuzz_seed() << ", " << iterations << " payloads: " << outcomes[0]
                                << " bad_frame, " << outcomes[1] << " bad_request, " << outcomes[2]
                                << " requests, " << outcomes[3] << " commands with bad fields, "
                                << outcomes[4] << " well-formed commands; "
                                << static_cast<int64_t>(iterations / s) << " payloads/s");
}

CAF_TEST(refused commands never change the world) {
  FuzzRng rng = rng_for(3);
  const uint64_t rounds = 40 * fuzz_scale();
  constexpr int kPerRound = 60;
  // Two copies of one world, ticked in lockstep. Each round checks a batch of
  // commands against `a`, then runs two ticks:
  //  1. `a` gets every command check_command refused, `b` none. A refused
  //     command must change nothing on receipt and, were it applied anyway,
  //     nothing at its tick either: it fails there for the same reason, with
  //     a command_failed event, so both worlds keep the same hash. (Not in
  //     the same tick as accepted commands: those may make a refused one
  //     valid, e.g. a player's peace offer the other player's refused
  //     accept_peace then accepts, which the real game never sees, as
  //     refused commands never enter it.)
  //  2. both get the accepted commands, in the game's order: the world moves
  //     on (recruits, marches, wars, players), and stays the same in both.
  const WorldSnapshot initial = generate_world(test::small_world(fuzz_seed()));
  World a(initial), b(initial);
  for (int t = 0; t < 30; ++t) {  // armies on the move, perhaps a war
    run_tick_sequential(a);
    run_tick_sequential(b);
  }
  Stopwatch clock;
  size_t counts[3] = {0, 0, 0};
  int64_t seq = 1;
  for (uint64_t round = 0; round < rounds; ++round) {
    std::vector<Command> accepted, refused;
    for (int k = 0; k < kPerRound; ++k) {
      const auto kind = static_cast<CommandKind>(rng.below(7));
      const json fields = plausible_command(rng, a, kind);
      CommandOutcome outcome{};
      Command command;
      const std::string broken = check_command_request(a, kind, fields, &outcome, &command);
      if (!broken.empty())
        CAF_FAIL("seed " << fuzz_seed() << " round " << round << ": " << broken << " for "
                         << fields.dump());
      ++counts[static_cast<int>(outcome)];
      command.seq = seq++;
      if (outcome == CommandOutcome::accepted) accepted.push_back(command);
      if (outcome == CommandOutcome::refused) refused.push_back(command);
    }
    for (Command& c : refused) c.tick = a.meta().tick + 1;
    std::sort(refused.begin(), refused.end(), command_order);
    const ChangeSet ca = run_tick_sequential(a, refused);
    run_tick_sequential(b);
    if (a.meta().state_hash != b.meta().state_hash || a.recompute_hash() != b.recompute_hash())
      CAF_FAIL("seed " << fuzz_seed() << " round " << round << " (tick " << a.meta().tick
                       << "): a refused command changed the world");
    for (const Command& c : refused) {
      bool failed = false;
      for (const Event& e : ca.events) {
        if (e.type != events::kCommandFailed) continue;
        const json data = json::parse(e.data, nullptr, false);
        failed = failed || (data.is_object() && data.value("seq", int64_t{-1}) == c.seq);
      }
      if (!failed)
        CAF_FAIL("seed " << fuzz_seed() << " round " << round << ": refused "
                         << command_to_json(c).dump()
                         << " got no command_failed event at its tick");
    }
    for (Command& c : accepted) c.tick = a.meta().tick + 1;
    std::sort(accepted.begin(), accepted.end(), command_order);
    run_tick_sequential(a, accepted);
    run_tick_sequential(b, accepted);
    if (a.meta().state_hash != b.meta().state_hash)
      CAF_FAIL("seed " << fuzz_seed() << " round " << round
                       << ": the same commands gave different worlds");
  }
  const double s = clock.seconds();
  CAF_MESSAGE("commands: seed " << fuzz_seed() << ", " << rounds << " rounds of " << kPerRound
                                << " (" << 2 * rounds << " ticks): " << counts[0]
                                << " bad requests, " << counts[1] << " refused, " << counts[2]
                                << " accepted; " << a.living_nations().size() << " nations alive, "
                                << a.active_wars().size() << " wars at the end; "
                                << static_cast<int64_t>(rounds * kPerRound / s) << " commands/s");
  CAF_CHECK_GREATER(counts[1], 0u);
  CAF_CHECK_GREATER(counts[2], 0u);
}
