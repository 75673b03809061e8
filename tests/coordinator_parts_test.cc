// The plain parts the coordinator and the supervisors are built from, on
// plain values: no actors, no clock but the time points the tests pass in.
#define CAF_SUITE coordinator_parts
#include <caf/test/unit_test.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "actors/child_registry.h"
#include "actors/command_journal.h"
#include "actors/commit_pipeline.h"
#include "actors/restart_budget.h"
#include "actors/tick_clock.h"
#include "actors/tick_stats.h"

using namespace hegemon;
using namespace std::chrono_literals;

namespace {

using TimePoint = std::chrono::steady_clock::time_point;
const TimePoint t0 = TimePoint{} + 1h;

ChangeSetPtr change_set(Tick tick) {
  auto c = std::make_shared<ChangeSet>();
  c->meta.tick = tick;
  return c;
}

std::vector<Tick> ticks_of(const std::vector<ChangeSetPtr>& sets) {
  std::vector<Tick> out;
  for (const auto& c : sets) out.push_back(c->tick());
  return out;
}

std::vector<Tick> ticks_of(const std::deque<ChangeSetPtr>& sets) {
  return ticks_of(std::vector<ChangeSetPtr>(sets.begin(), sets.end()));
}

Command command(NationId nation, int64_t seq, Tick tick = 0) {
  Command c;
  c.nation = nation;
  c.seq = seq;
  c.tick = tick;
  return c;
}

// (nation, seq) of each command, in order.
std::vector<std::pair<NationId, int64_t>> order_of(const std::vector<Command>& commands) {
  std::vector<std::pair<NationId, int64_t>> out;
  for (const Command& c : commands) out.emplace_back(c.nation, c.seq);
  return out;
}

}  // namespace

// ---- restart budget ----------------------------------------------------------

CAF_TEST(a restart budget admits max_restarts within the window and refuses the next) {
  const RestartIntensity intensity{3, 5000ms};
  RestartBudget budget;
  CAF_CHECK(budget.admit(intensity, t0));
  CAF_CHECK(budget.admit(intensity, t0 + 1s));
  CAF_CHECK(budget.admit(intensity, t0 + 2s));
  CAF_CHECK(!budget.admit(intensity, t0 + 3s));
  // A refused restart is not recorded: still three, the oldest at t0.
  CAF_CHECK_EQUAL(budget.recent(), 3u);
  // At exactly the window's end the first still counts; just after, it does not.
  CAF_CHECK(!budget.admit(intensity, t0 + 5000ms));
  CAF_CHECK(budget.admit(intensity, t0 + 5001ms));
  CAF_CHECK_EQUAL(budget.recent(), 3u);
}

CAF_TEST(a restart budget forgets everything on reset) {
  const RestartIntensity intensity{2, 10s};
  RestartBudget budget;
  CAF_CHECK(budget.admit(intensity, t0));
  CAF_CHECK(budget.admit(intensity, t0));
  CAF_CHECK(!budget.admit(intensity, t0));
  budget.reset();
  CAF_CHECK_EQUAL(budget.recent(), 0u);
  CAF_CHECK(budget.admit(intensity, t0));
}

CAF_TEST(a restart budget of zero refuses every restart) {
  RestartBudget budget;
  CAF_CHECK(!budget.admit(RestartIntensity{0, 5000ms}, t0));
  CAF_CHECK_EQUAL(budget.recent(), 0u);
}

// ---- tick clock ----------------------------------------------------------------

CAF_TEST(the tick clock starts paused and runs on ideal times without drift) {
  TickClock clock(kDefaultSpeed);
  CAF_CHECK(clock.paused());
  clock.set_speed(3, t0);  // 5 ticks a second: every 200 ms
  CAF_CHECK_EQUAL(clock.speed(), 3);
  auto timer = clock.arm(t0);
  CAF_CHECK(timer.immediate);  // the first tick is due at once
  CAF_CHECK(clock.armed());
  CAF_CHECK(clock.fire(timer.epoch));
  CAF_CHECK(!clock.armed());
  // The tick starts 50 ms late: the next is still due at 200 ms, not at 250.
  clock.advance(t0 + 50ms);
  CAF_CHECK(clock.next_due() == t0 + 200ms);
  timer = clock.arm(t0 + 120ms);
  CAF_CHECK(!timer.immediate);
  CAF_CHECK(timer.when == t0 + 200ms);
  CAF_CHECK(clock.fire(timer.epoch));
  clock.advance(t0 + 200ms);
  CAF_CHECK(clock.next_due() == t0 + 400ms);
}

CAF_TEST(the tick clock starts afresh after falling more than a second behind) {
  TickClock clock;
  clock.set_speed(5, t0);  // 60 ticks a second
  const auto interval = tick_interval(5);
  clock.advance(t0 + 900ms);  // behind, but less than a second: catch up
  CAF_CHECK(clock.next_due() == t0 + interval);
  clock.advance(t0 + 3s);  // far behind: no burst, one interval from now
  CAF_CHECK(clock.next_due() == t0 + 3s + interval);
}

CAF_TEST(a speed change or a pause makes the armed timer stale) {
  TickClock clock;
  clock.set_speed(2, t0);
  clock.advance(t0);
  const auto before = clock.arm(t0);
  clock.set_speed(4, t0 + 10ms);
  CAF_CHECK(!clock.armed());
  CAF_CHECK(!clock.fire(before.epoch));      // armed for the old speed
  CAF_CHECK(clock.next_due() == t0 + 10ms);  // the new speed starts now
  const auto at_four = clock.arm(t0 + 10ms);
  CAF_CHECK(at_four.epoch != before.epoch);
  clock.pause();
  CAF_CHECK(clock.paused());
  CAF_CHECK(!clock.fire(at_four.epoch));
}

CAF_TEST(the tick clock resumes at the last running speed) {
  TickClock clock(kDefaultSpeed);
  CAF_CHECK_EQUAL(clock.resume_speed(), kDefaultSpeed);
  clock.set_speed(5, t0);
  clock.pause();
  CAF_CHECK_EQUAL(clock.resume_speed(), 5);
  clock.pause();  // pausing again keeps it
  CAF_CHECK_EQUAL(clock.resume_speed(), 5);
  clock.set_speed(kPausedSpeed, t0);  // as does setting speed 0
  CAF_CHECK_EQUAL(clock.resume_speed(), 5);
  clock.set_resume_speed(2);
  clock.set_speed(clock.resume_speed(), t0);
  CAF_CHECK_EQUAL(clock.speed(), 2);
}

CAF_TEST(at max speed the next tick is due as soon as the last is done) {
  TickClock clock;
  clock.set_speed(kMaxSpeed, t0);
  clock.advance(t0 + 5s);
  CAF_CHECK(clock.next_due() == t0);  // no schedule at max speed
  const auto timer = clock.arm(t0 + 5s);
  CAF_CHECK(timer.immediate);
  CAF_CHECK(timer.when == t0 + 5s);
}

// ---- commit pipeline -------------------------------------------------------------

CAF_TEST(the commit pipeline keeps at most max_uncommitted in flight) {
  CommitPipeline p(2, 1000ms, 30000ms, 10);
  CAF_CHECK(p.has_room());
  CAF_CHECK(p.push(change_set(11)));
  CAF_CHECK(p.push(change_set(12)));
  CAF_CHECK(!p.has_room());
  CAF_CHECK_EQUAL(ticks_of(p.acknowledge(11)), std::vector<Tick>({11}));
  CAF_CHECK(p.has_room());
  CAF_CHECK_EQUAL(p.committed_tick(), 11);
}

CAF_TEST(a group commit acknowledges every tick up to its last oldest first) {
  CommitPipeline p(32, 1000ms, 30000ms, 0);
  for (Tick t = 1; t <= 4; ++t) p.push(change_set(t));
  CAF_CHECK_EQUAL(ticks_of(p.acknowledge(3)), std::vector<Tick>({1, 2, 3}));
  CAF_CHECK_EQUAL(p.committed_tick(), 3);
  CAF_CHECK_EQUAL(p.size(), 1u);
  // A late acknowledgement of an older tick lets go of nothing and goes not back.
  CAF_CHECK(p.acknowledge(2).empty());
  CAF_CHECK_EQUAL(p.committed_tick(), 3);
  CAF_CHECK_EQUAL(ticks_of(p.acknowledge(4)), std::vector<Tick>({4}));
  CAF_CHECK(p.empty());
}

CAF_TEST(only the first failure of a round counts and later ticks wait for the resend) {
  CommitPipeline p(32, 1000ms, 30000ms, 0);
  p.push(change_set(1));
  p.push(change_set(2));
  CAF_CHECK(p.fail());
  CAF_CHECK(!p.fail());               // tick 2 failed because tick 1 did
  CAF_CHECK(!p.push(change_set(3)));  // not sent while a failure is pending
  CAF_CHECK_EQUAL(p.size(), 3u);
}

CAF_TEST(after a persistence restart every uncommitted tick is sent again in order) {
  CommitPipeline p(32, 1000ms, 30000ms, 0);
  for (Tick t = 1; t <= 3; ++t) p.push(change_set(t));
  const uint64_t sent_in = p.epoch();
  p.acknowledge(1);
  CAF_CHECK_EQUAL(ticks_of(p.resend()), std::vector<Tick>({2, 3}));
  CAF_CHECK(p.stale(sent_in));  // errors of the former round are ignored
  CAF_CHECK(!p.stale(p.epoch()));
  CAF_CHECK(!p.failed());
  // A failure in the new round counts again.
  CAF_CHECK(p.fail());
  CAF_CHECK_EQUAL(ticks_of(p.resend()), std::vector<Tick>({2, 3}));
  CAF_CHECK(!p.failed());
}

CAF_TEST(io retries back off by doubling up to the cap) {
  CommitPipeline p(32, 1000ms, 5000ms, 0);
  p.push(change_set(1));
  p.fail();
  auto r = p.io_fault(3, t0);
  CAF_CHECK(r.first);
  CAF_CHECK(p.io_paused());
  CAF_CHECK_EQUAL(r.delay.count(), 1000);
  CAF_CHECK_EQUAL(p.retries(), 0);
  std::vector<int64_t> delays;
  for (int i = 0; i < 4; ++i) {
    const uint64_t before = r.epoch;
    CAF_CHECK(p.retry_due(r.epoch));
    p.resend();
    CAF_CHECK(!p.retry_due(r.epoch));  // resent: nothing failed in this round yet
    p.fail();
    r = p.io_fault(3, t0 + std::chrono::seconds(i + 1));
    CAF_CHECK(!r.first);
    CAF_CHECK(!p.retry_due(before));  // a retry timer of the former attempt is stale
    delays.push_back(r.delay.count());
  }
  CAF_CHECK_EQUAL(delays, std::vector<int64_t>({2000, 4000, 5000, 5000}));
  CAF_CHECK_EQUAL(p.retries(), 4);
}

CAF_TEST(after a recovery the game resumes at its speed and the backoff starts afresh) {
  CommitPipeline p(32, 1000ms, 30000ms, 0);
  p.push(change_set(1));
  p.fail();
  p.io_fault(4, t0);
  p.resend();
  p.fail();
  const auto r = p.io_fault(4, t0 + 1s);
  CAF_CHECK_EQUAL(r.delay.count(), 2000);
  p.resend();
  p.acknowledge(1);
  const auto rec = p.recover(t0 + 3500ms);
  CAF_CHECK(!p.io_paused());
  CAF_CHECK_EQUAL(rec.retries, 1);
  CAF_CHECK_EQUAL(rec.paused.count(), 3500);
  CAF_CHECK_EQUAL(rec.resume_speed, 4);
  CAF_CHECK(!p.retry_due(r.epoch));  // a retry still armed is not needed
  p.push(change_set(2));
  p.fail();
  const auto again = p.io_fault(4, t0 + 10s);
  CAF_CHECK(again.first);
  CAF_CHECK_EQUAL(again.delay.count(), 1000);
}

CAF_TEST(an admin pause outlasts an io fault and a manual resume cancels the retry) {
  CommitPipeline p(32, 1000ms, 30000ms, 0);
  p.push(change_set(1));
  p.fail();
  const auto r = p.io_fault(3, t0);
  p.stay_paused();
  p.cancel_retry();
  CAF_CHECK(!p.retry_due(r.epoch));
  CAF_CHECK_EQUAL(p.recover(t0 + 1s).resume_speed, kPausedSpeed);
  // A fault that comes while paused resumes to paused as well.
  CommitPipeline q(32, 1000ms, 30000ms, 0);
  q.push(change_set(1));
  q.fail();
  q.io_fault(kPausedSpeed, t0);
  CAF_CHECK_EQUAL(q.recover(t0).resume_speed, kPausedSpeed);
}

// ---- command schedule and journal -------------------------------------------------

CAF_TEST(a command applies at the next tick to start) {
  CommandSchedule s;
  Command between = command(1, 1);
  CAF_CHECK_EQUAL(s.schedule(between, 10, false), 11);
  CAF_CHECK_EQUAL(between.tick, 11);
  Command during = command(1, 2);
  CAF_CHECK_EQUAL(s.schedule(during, 10, true), 12);  // tick 11 is in flight
  CAF_CHECK_EQUAL(s.size(), 2u);
  CAF_CHECK_EQUAL(s.take(11).size(), 1u);
  CAF_CHECK(s.take(11).empty());  // taken once
  CAF_CHECK_EQUAL(s.take(12).size(), 1u);
  CAF_CHECK_EQUAL(s.size(), 0u);
}

CAF_TEST(a tick takes its commands by nation then number whatever the arrival order) {
  CommandSchedule s;
  for (Command c : {command(3, 7), command(1, 9), command(3, 2), command(1, 4), command(2, 5)})
    s.schedule(c, 0, false);
  const std::vector<std::pair<NationId, int64_t>> expected{{1, 4}, {1, 9}, {2, 5}, {3, 2}, {3, 7}};
  CAF_CHECK_EQUAL(order_of(s.take(1)), expected);
}

CAF_TEST(restored commands apply at their own tick unless committed already) {
  CommandSchedule s;
  s.restore({command(1, 1, 5), command(1, 2, 6), command(2, 3, 8)}, 6);
  CAF_CHECK(s.take(5).empty());
  CAF_CHECK(s.take(6).empty());
  CAF_CHECK_EQUAL(order_of(s.take(8)), (std::vector<std::pair<NationId, int64_t>>{{2, 3}}));
}

CAF_TEST(the journal numbers on from the save and keeps what is not committed) {
  CommandJournal j({command(1, 12, 4)}, 10);  // a pending command above the save's highest
  Command c = command(2, 0);
  j.number(c);
  CAF_CHECK_EQUAL(c.seq, 13);
  c.tick = 6;
  j.record(c);
  Command d = command(1, 0);
  j.number(d);
  CAF_CHECK_EQUAL(d.seq, 14);
  d.tick = 5;
  j.record(d);
  j.forget_committed(4);
  CAF_CHECK_EQUAL(order_of(j.uncommitted()),
                  (std::vector<std::pair<NationId, int64_t>>{{2, 13}, {1, 14}}));
  j.forget_committed(5);
  CAF_CHECK_EQUAL(order_of(j.uncommitted()), (std::vector<std::pair<NationId, int64_t>>{{2, 13}}));
  CAF_CHECK_EQUAL(CommandJournal({}, 41).next_seq(), 42);
}

// ---- child registry -----------------------------------------------------------------

CAF_TEST(only a newer generation is adopted and a stale one is ignored) {
  ChildRegistry<std::string> r;
  const ActorKey nation{ActorKind::nation, 7};
  CAF_CHECK(!r.known(nation));
  CAF_CHECK(r.adopt(nation, 1, "first"));
  CAF_CHECK(!r.adopt(nation, 1, "again"));  // the same incarnation reported twice
  CAF_CHECK(r.adopt(nation, 3, "third"));
  CAF_CHECK(!r.adopt(nation, 2, "second"));  // news of a former incarnation arriving late
  CAF_CHECK_EQUAL(r.handle(nation), "third");
  CAF_CHECK_EQUAL(r.generation(nation), 3u);
  CAF_CHECK(r.current(nation, 3));
  CAF_CHECK(!r.current(nation, 2));  // a reply from generation 2 is stale
  // Keys of different kinds with the same id are different children.
  CAF_CHECK(!r.known({ActorKind::war, 7}));
  CAF_CHECK(!r.current({ActorKind::war, 7}, 0));
}

CAF_TEST(a retired child is unknown and a given up one comes back with a new incarnation) {
  ChildRegistry<std::string> r;
  const ActorKey war{ActorKind::war, 2};
  r.adopt(war, 1, "w");
  CAF_CHECK(r.retire(war));
  CAF_CHECK(!r.retire(war));
  CAF_CHECK(!r.known(war));
  CAF_CHECK_EQUAL(r.handle(war), "");
  CAF_CHECK(!r.current(war, 1));
  const ActorKey persistence{ActorKind::persistence, 0};
  r.adopt(persistence, 2, "p2");
  r.give_up(persistence);
  CAF_CHECK(r.any_given_up());
  CAF_CHECK(!r.adopt(persistence, 2, "p2"));  // stale news does not bring it back
  CAF_CHECK(r.any_given_up());
  CAF_CHECK(r.adopt(persistence, 3, "p3"));
  CAF_CHECK(!r.any_given_up());
}

CAF_TEST(the registry counts spawn requests until every one is answered) {
  ChildRegistry<std::string> r;
  r.begin_spawn();
  r.begin_spawn();
  CAF_CHECK(r.spawning());
  CAF_CHECK(!r.end_spawn());
  CAF_CHECK(r.end_spawn());
  CAF_CHECK(!r.spawning());
}

// ---- tick stats -----------------------------------------------------------------------

CAF_TEST(tick stats time each phase and sum them over ticks) {
  TickStats stats;
  for (int tick = 0; tick < 2; ++tick) {
    const auto start = t0 + std::chrono::milliseconds(100 * tick);
    stats.tick_started(start);
    stats.nations_asked(3);
    stats.nation_phase_done(start + 4ms);
    stats.war_phase_done(start + 6ms);
    stats.finish_phase_done(start + 7ms);
  }
  stats.committed(2500);
  GameStatus s;
  stats.fill(s, t0 + 200ms);
  CAF_CHECK_EQUAL(s.nation_phase_ms, 4.0);
  CAF_CHECK_EQUAL(s.war_phase_ms, 2.0);
  CAF_CHECK_EQUAL(s.finish_phase_ms, 1.0);
  CAF_CHECK_EQUAL(s.total_nation_ms, 8.0);
  CAF_CHECK_EQUAL(s.ticks_run, 2);
  CAF_CHECK_EQUAL(s.total_nations_asked, 6);
  CAF_CHECK_EQUAL(s.commit_ms, 2.5);
  CAF_CHECK_EQUAL(s.commits, 1);
  CAF_CHECK_EQUAL(s.ticks_per_second, 2.0);
  // A second later the first tick no longer counts, then neither does the second.
  CAF_CHECK_EQUAL(stats.ticks_per_second(t0 + 1008ms), 1.0);
  CAF_CHECK_EQUAL(stats.ticks_per_second(t0 + 1108ms), 0.0);
}
