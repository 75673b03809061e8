// Determinism on the real, multi-threaded scheduler: the same seed gives the
// same state hash at every tick with 1 and with several scheduler threads, and
// both equal the single-threaded reference run of the same rules.
#define CAF_SUITE determinism
#include <caf/test/unit_test.hpp>

#include <chrono>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/errors.h"
#include "actors/game.h"
#include "persistence/save_reader.h"
#include "rules/tick.h"
#include "rules/world_gen.h"
#include "test_support.h"

using namespace hegemon;

namespace {

constexpr Tick kTicks = 400;

// Plays kTicks ticks at maximum speed on `threads` scheduler threads and
// returns the committed hash of every tick 0..kTicks, read back from the save.
std::vector<uint64_t> play(size_t threads, const std::string& save_path) {
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", threads);
  caf::actor_system sys{cfg};
  GameOptions options;
  options.save_path = save_path;
  options.new_world = test::small_world(99);
  options.coordinator.speed = kMaxSpeed;
  options.coordinator.run_ticks = kTicks;
  options.coordinator.max_uncommitted = 3;
  auto game = start_game(sys, options);
  CAF_REQUIRE(game.ok());
  caf::scoped_actor self{sys};
  bool finished = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
  while (!finished && std::chrono::steady_clock::now() < deadline) {
    self->request(game->coordinator, std::chrono::seconds(30), status_atom::value)
        .receive([&](const GameStatus& s) { finished = s.finished; },
                 [&](const caf::error& err) { CAF_FAIL("status: " << describe(err)); });
    if (!finished) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CAF_REQUIRE(finished);
  caf::anon_send_exit(game->coordinator, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(game->persistence, caf::exit_reason::user_shutdown);

  auto reader = SaveReader::open(save_path);
  CAF_REQUIRE(reader.ok());
  std::vector<uint64_t> hashes;
  for (Tick t = 0; t <= kTicks; ++t) {
    auto h = (*reader)->tick_hash(t);
    CAF_REQUIRE(h.ok());
    CAF_REQUIRE(h->has_value());
    hashes.push_back(**h);
  }
  return hashes;
}

}  // namespace

CAF_TEST(same seed gives the same hash at every tick on 1 and 4 threads) {
  World reference(generate_world(test::small_world(99)));
  std::vector<uint64_t> expected{reference.meta().state_hash};
  for (Tick t = 1; t <= kTicks; ++t) expected.push_back(run_tick_sequential(reference).meta.state_hash);

  test::TempDir dir;
  const auto one = play(1, dir.file("one.db"));
  const auto four = play(4, dir.file("four.db"));
  CAF_REQUIRE_EQUAL(one.size(), expected.size());
  CAF_REQUIRE_EQUAL(four.size(), expected.size());
  for (size_t t = 0; t < expected.size(); ++t) {
    if (one[t] != expected[t] || four[t] != expected[t]) {
      CAF_FAIL("hashes diverge at tick " << t << ": reference " << expected[t] << ", 1 thread "
                                         << one[t] << ", 4 threads " << four[t]);
    }
  }
  // The game must have done something worth hashing.
  CAF_CHECK_NOT_EQUAL(expected.front(), expected.back());
}
