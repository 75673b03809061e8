#include "actors/commit_pipeline.h"

#include <algorithm>

namespace hegemon {

CommitPipeline::CommitPipeline(int32_t max_uncommitted, Millis retry_initial, Millis retry_max,
                               Tick committed_tick)
    : max_uncommitted_(max_uncommitted),
      retry_initial_(retry_initial),
      retry_max_(retry_max),
      committed_tick_(committed_tick) {}

bool CommitPipeline::push(ChangeSetPtr changes) {
  uncommitted_.push_back(std::move(changes));
  return !failed_;
}

std::vector<ChangeSetPtr> CommitPipeline::acknowledge(Tick tick) {
  std::vector<ChangeSetPtr> done;
  while (!uncommitted_.empty() && uncommitted_.front()->tick() <= tick) {
    done.push_back(std::move(uncommitted_.front()));
    uncommitted_.pop_front();
  }
  committed_tick_ = std::max(committed_tick_, tick);
  return done;
}

bool CommitPipeline::fail() {
  if (failed_) return false;
  failed_ = true;
  return true;
}

const std::deque<ChangeSetPtr>& CommitPipeline::resend() {
  failed_ = false;
  ++epoch_;
  return uncommitted_;
}

CommitPipeline::Retry CommitPipeline::io_fault(int32_t speed, TimePoint now) {
  const bool first = !io_paused_;
  if (first) {
    io_paused_ = true;
    io_resume_speed_ = speed;  // paused already (an admin's pause): it stays paused
    retries_ = 0;
    retry_delay_ = retry_initial_;
    io_paused_since_ = now;
  } else {
    ++retries_;
    retry_delay_ = std::min(retry_delay_ * 2, retry_max_);
  }
  return Retry{retry_delay_, ++retry_epoch_, first};
}

CommitPipeline::Recovery CommitPipeline::recover(TimePoint now) {
  io_paused_ = false;
  ++retry_epoch_;  // a pending retry is not needed any more
  Recovery r;
  r.retries = retries_;
  r.paused = std::chrono::duration_cast<Millis>(now - io_paused_since_);
  r.resume_speed = io_resume_speed_;
  return r;
}

}  // namespace hegemon
