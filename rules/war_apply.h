// Applying one war's proposal through the recorder: shared by the war-phase
// merge and by end_of_tick, which may have to end a war itself.
#pragma once

#include "rules/proposals.h"
#include "state/change_recorder.h"

namespace hegemon {

void apply_war_proposal(ChangeRecorder& rec, const WarProposal& p);

}  // namespace hegemon
