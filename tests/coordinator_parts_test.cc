// The plain parts the coordinator and the supervisors are built from, on
// plain values: no actors, no clock but the time points the tests pass in.
#define CAF_SUITE coordinator_parts
#include <caf/test/unit_test.hpp>

#include <chrono>

#include "actors/restart_budget.h"

using namespace hegemon;
using namespace std::chrono_literals;

namespace {

using TimePoint = std::chrono::steady_clock::time_point;
const TimePoint t0 = TimePoint{} + 1h;

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
