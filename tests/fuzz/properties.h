// What must hold whatever a bad client sends (docs/RELIABILITY.md, "Bad
// clients"), as functions of one input each, so that the seeded fuzz_test
// and the optional libFuzzer targets check exactly the same things. Each
// returns "" when the property holds, else what broke: errors as values, so
// each driver reports them its own way (a CAF check, or abort() for
// libFuzzer). None of them may throw: an escaping exception is itself a
// finding, caught and described.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "net/protocol.h"
#include "state/command.h"
#include "state/world.h"

namespace hegemon::fuzz {

// The frame decoder on `stream` delivered in pieces cut at `cuts` (sorted
// offsets), against a reference reading of the whole stream at once: the same
// frames in the same order, refused at the same oversized header and dead
// after it, no frame above the maximum, and never more than one frame's
// worth buffered between pieces. `frames` receives what the decoder produced.
std::string check_frame_stream(const std::string& stream, const std::vector<size_t>& cuts,
                               uint32_t max_frame_bytes,
                               std::vector<std::string>* frames = nullptr);

// How far into the gateway one payload got.
enum class RequestOutcome {
  bad_frame,    // not a document, or not an object
  bad_request,  // no usable id or type
  request,      // a request of a type that is not a command
  bad_command,  // a command whose fields are wrong (command_from_json refused it)
  command,      // a command with well-formed fields
};

// One frame's payload through what the gateway does before it asks any actor
// (Session::handle in net/session.cc, game_command in
// net/session_requests.cc): parse_request in the connection's encoding,
// the error reply it would send, and for a command type command_from_json.
// Holds when a failure has a documented code and a message, a request has an
// integer or string id, a string type and an object body, and every reply is
// encodable in `encoding`.
std::string check_request_payload(const std::string& payload, net::Encoding encoding,
                                  RequestOutcome* outcome = nullptr);

enum class CommandOutcome { bad_request, refused, accepted };

// A command request's fields (`fields`, as a client sends them, with
// "nation") through command_from_json and then check_command against
// `world`, as the gateway and then the coordinator do. Holds when a refusal
// says why and the world's state hash, incremental and recomputed, is the
// same afterwards. `command` receives the parsed command, if any.
std::string check_command_request(const World& world, CommandKind kind,
                                  const nlohmann::json& fields, CommandOutcome* outcome = nullptr,
                                  Command* command = nullptr);

}  // namespace hegemon::fuzz
