// The message vocabulary between Hegemon's actors (CAF 0.17 atoms: at most 10
// characters). Kept in one header so a reader sees the whole protocol at once.
#pragma once

#include <caf/atom.hpp>

namespace hegemon {

using plan_atom = caf::atom_constant<caf::atom("plan")>;        // nation phase of a tick
using resolve_atom = caf::atom_constant<caf::atom("resolve")>;  // war phase of a tick
using commit_atom = caf::atom_constant<caf::atom("commit")>;    // persist a change set
using flush_atom = caf::atom_constant<caf::atom("flush")>;  // persistence: write waiting commits
using checkpt_atom = caf::atom_constant<caf::atom("checkpt")>;  // save = WAL checkpoint
using save_as_atom = caf::atom_constant<caf::atom("save_as")>;  // consistent copy of the save
using next_atom = caf::atom_constant<caf::atom("next_tick")>;   // coordinator's own timer
using status_atom = caf::atom_constant<caf::atom("status")>;
using pause_atom = caf::atom_constant<caf::atom("pause")>;
using resume_atom = caf::atom_constant<caf::atom("resume")>;
using speed_atom = caf::atom_constant<caf::atom("speed")>;
using stop_atom = caf::atom_constant<caf::atom("stop")>;  // finish, commit, checkpoint
using retry_atom =
    caf::atom_constant<caf::atom("io_retry")>;  // coordinator: commit again after an I/O fault

// Supervision and the admin API.
using spawn_kid_atom = caf::atom_constant<caf::atom("spawn_kid")>;  // start a child
using retire_atom = caf::atom_constant<caf::atom("retire")>;        // stop a child for good
using kill_atom = caf::atom_constant<caf::atom("kill")>;            // crash a child
using restart_atom = caf::atom_constant<caf::atom("restart")>;      // new incarnation now
using list_atom = caf::atom_constant<caf::atom("list")>;            // list actors
using kid_started_atom = caf::atom_constant<caf::atom("kid_start")>;
using kid_crashed_atom = caf::atom_constant<caf::atom("kid_crash")>;
using escalate_atom = caf::atom_constant<caf::atom("escalate")>;
using load_atom = caf::atom_constant<caf::atom("load")>;            // the world as committed
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;  // watch committed ticks
using delta_atom = caf::atom_constant<caf::atom("delta")>;          // one committed tick
using token_atom = caf::atom_constant<caf::atom("token")>;          // issue a gateway token
using revoke_atom = caf::atom_constant<caf::atom("revoke")>;        // revoke a gateway token
using tokens_atom = caf::atom_constant<caf::atom("tokens")>;        // list gateway tokens
using incident_atom = caf::atom_constant<caf::atom("incident")>;    // write to event_log now
using command_atom = caf::atom_constant<caf::atom("command")>;      // a player command
using rollback_atom = caf::atom_constant<caf::atom("rollback")>;    // back to an earlier tick
using rewound_atom = caf::atom_constant<caf::atom("rewound")>;  // to watchers: it was rolled back

}  // namespace hegemon
