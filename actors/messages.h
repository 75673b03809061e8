// Payload types of actor messages. Proposals, commands and change sets are bulky and
// never leave the process (clients speak Hegemon's own protocol, not CAF's), so
// they travel as local-only types and are never serialized. A change set is
// immutable once sealed and shared by pointer between the coordinator (which
// keeps it until persistence acknowledges it) and persistence.
#pragma once

#include <memory>

#include <caf/allowed_unsafe_message_type.hpp>

#include <caf/meta/type_name.hpp>

#include "rules/proposals.h"
#include "state/change_set.h"
#include "state/command.h"
#include "state/token_record.h"
#include "state/world_snapshot.h"

namespace hegemon {
using ChangeSetPtr = std::shared_ptr<const ChangeSet>;
using WorldSnapshotPtr = std::shared_ptr<const WorldSnapshot>;

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, TokenRecord& x) {
  return f(caf::meta::type_name("token_record"), x.id, x.role, x.nation, x.created_at,
           x.revoked_at);
}
}  // namespace hegemon

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hegemon::NationProposal)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hegemon::WarProposal)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hegemon::ChangeSetPtr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hegemon::WorldSnapshotPtr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hegemon::Command)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<hegemon::Command>)
