#include "actors/fault_plan.h"

namespace hegemon {

Result<FaultPlan::Fault> FaultPlan::parse(const std::string& spec) {
  const auto bad = [&](const std::string& why) {
    return Status::error("bad crash spec '" + spec + "': " + why +
                         " (expected KIND[:ID]@TICK[:poison], e.g. nation:12@500)");
  };
  Fault fault;
  std::string rest = spec;
  const std::string poison_suffix = ":poison";
  if (rest.size() > poison_suffix.size() &&
      rest.compare(rest.size() - poison_suffix.size(), poison_suffix.size(), poison_suffix) == 0) {
    fault.poison = true;
    rest.resize(rest.size() - poison_suffix.size());
  }
  const auto at = rest.find('@');
  if (at == std::string::npos) return bad("no @TICK");
  std::string who = rest.substr(0, at);
  const std::string when = rest.substr(at + 1);
  std::string id_text;
  if (const auto colon = who.find(':'); colon != std::string::npos) {
    id_text = who.substr(colon + 1);
    who.resize(colon);
  }
  const auto kind = kind_from_name(who);
  if (!kind || *kind == ActorKind::supervisor)
    return bad("KIND must be nation, war, persistence or coordinator");
  fault.target.kind = *kind;
  try {
    size_t used = 0;
    fault.tick = std::stoll(when, &used);
    if (used != when.size() || fault.tick < 1) return bad("TICK must be a positive integer");
    if (*kind == ActorKind::persistence || *kind == ActorKind::coordinator) {
      if (!id_text.empty()) return bad(who + " takes no ID");
    } else {
      if (id_text.empty()) return bad("nation and war need an ID");
      fault.target.id = std::stoi(id_text, &used);
      if (used != id_text.size() || fault.target.id < 1)
        return bad("ID must be a positive integer");
    }
  } catch (const std::exception&) {
    return bad("not a number");
  }
  return fault;
}

void FaultPlan::add(const Fault& fault) {
  faults_.push_back(Entry{fault, std::make_unique<std::atomic<bool>>(false)});
}

bool FaultPlan::targets(const ActorKey& target, Tick tick) const {
  for (const auto& e : faults_)
    if (e.fault.target == target && e.fault.tick == tick) return true;
  return false;
}

void FaultPlan::maybe_crash(const ActorKey& target, Tick tick) const {
  for (const auto& e : faults_) {
    if (!(e.fault.target == target) || e.fault.tick != tick) continue;
    if (!e.fault.poison && e.fired->exchange(true)) continue;
    throw InjectedCrash("injected crash of " + target.to_string() + " at tick " +
                        std::to_string(tick) + (e.fault.poison ? " (poison)" : ""));
  }
}

}  // namespace hegemon
