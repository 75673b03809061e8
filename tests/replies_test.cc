// Big replies (issue #13, item 13): the rate limit prices replies by size
// (net/request_budget.h), and the whole-world replies are encoded once per
// state of the world and spliced into each reply (net/view_cache.h).
#define CAF_SUITE replies
#include <caf/test/unit_test.hpp>

#include <memory>

#include <nlohmann/json.hpp>

#include "net/json_views.h"
#include "net/protocol.h"
#include "net/request_budget.h"
#include "net/view_cache.h"
#include "rules/world_gen.h"
#include "test_support.h"

using namespace hegemon;
using namespace hegemon::net;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

CAF_TEST(a spliced reply is the reply encoded whole) {
  const json result = {
      {"tick", 3}, {"provinces", json::array({json::array({1, 2, 2}), json::array({2, 0, 1})})}};
  for (const Encoding e : {Encoding::json, Encoding::msgpack}) {
    for (const json& id : {json(7), json("abc"), json(nullptr), json(int64_t{1} << 40)}) {
      const std::string whole = encode_payload(reply_result(id, result), e);
      const std::string spliced = reply_payload(id, encode_payload(result, e), e);
      CAF_CHECK_EQUAL(spliced, whole);
    }
  }
}

CAF_TEST(the world views are built once per state and follow the world) {
  auto world = std::make_shared<World>(generate_world(test::small_world()));
  const EncodedView& first = map_view(world, Encoding::json);
  const std::string before = first.payload;
  const EncodedView& again = map_view(world, Encoding::json);
  CAF_CHECK_EQUAL(&first, &again);
  CAF_CHECK_EQUAL(again.payload, before);
  // A change of owner and a new tick: the view is built again and shows it.
  Province p = *world->province(1);
  p.owner = p.owner == 1 ? 2 : 1;
  world->put_province(p);
  world->set_meta(world->meta().tick + 1, world->meta().next_army_id, world->meta().next_war_id);
  const json after = json::parse(map_view(world, Encoding::json).payload);
  CAF_CHECK_EQUAL(after["tick"], json(world->meta().tick));
  CAF_CHECK_EQUAL(after["provinces"][0][1], json(p.owner));
  const json snapshot = json::parse(snapshot_view(world, Encoding::json).payload);
  CAF_CHECK_EQUAL(snapshot, snapshot_json(*world));
  // Another world in the same state is not served the first one's entry.
  auto other = std::make_shared<World>(generate_world(test::small_world(8)));
  const json theirs = json::parse(map_view(other, Encoding::json).payload);
  CAF_CHECK_NOT_EQUAL(theirs, after);
}

CAF_TEST(big replies make the next requests wait; cheap floods are refused) {
  RequestBudget budget(10);  // 10 requests a second
  RequestBudget big(10);
  const auto t0 = Clock::now();  // after the budgets' start: their clocks begin before it
  // Ordinary replies cost their request only.
  for (int i = 0; i < 10; ++i) {
    CAF_CHECK(budget.take(t0));
    budget.charge_reply(kReplyBytesPerRequest);
    CAF_CHECK_EQUAL(budget.debt_wait(t0).count(), 0);
  }
  CAF_CHECK(!budget.take(t0));  // the 11th at once: refused, as before
  // A big reply takes the bucket below zero (at most one second's refill):
  // the next request waits until the bucket is back to one.
  CAF_CHECK(big.take(t0));
  big.charge_reply(1000 * kReplyBytesPerRequest);
  const auto wait = big.debt_wait(t0);
  CAF_CHECK_GREATER(wait, std::chrono::milliseconds(1000));  // from -10 to 1: 1.1 s
  CAF_CHECK_LESS_OR_EQUAL(wait, std::chrono::milliseconds(1101));
  CAF_CHECK_GREATER(big.debt_wait(t0 + std::chrono::milliseconds(500)).count(), 0);
  const auto paid = t0 + wait;
  CAF_CHECK_EQUAL(big.debt_wait(paid).count(), 0);
  CAF_CHECK(big.take(paid));
}
