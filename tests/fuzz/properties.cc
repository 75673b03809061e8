#include "fuzz/properties.h"

#include <cstdint>
#include <exception>

#include "net/frame_codec.h"
#include "rules/commands.h"
#include "state/command_json.h"

namespace hegemon::fuzz {
namespace {

using nlohmann::json;

uint32_t header_at(const std::string& s, size_t pos) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data() + pos);
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

bool is_id(const json& v) { return v.is_null() || v.is_number_integer() || v.is_string(); }

// The reply the gateway would send, encoded as it would be: a reply that
// cannot be encoded (say, invalid UTF-8 echoed into JSON) would throw in the
// connection broker.
std::string encodable(const json& reply, net::Encoding encoding) {
  const std::string bytes = net::encode_payload(reply, encoding);
  auto back = net::decode_payload(bytes, encoding);
  if (!back)
    return "a reply does not decode again: " +
           reply.dump(-1, ' ', false, json::error_handler_t::replace);
  return "";
}

// Every field the gateway reads with int_field or string_field somewhere;
// reading any of them from any request must give a value or an error.
constexpr const char* kFieldNames[] = {
    "version", "encoding", "role",  "token", "province", "nation", "army",   "war",     "tick",
    "from",    "to",       "speed", "path",  "kind",     "actor",  "client", "token_id"};

}  // namespace

std::string check_frame_stream(const std::string& stream, const std::vector<size_t>& cuts,
                               uint32_t max_frame_bytes, std::vector<std::string>* frames) {
  try {
    // The reference: the whole stream at once, frame by frame.
    std::vector<std::string> expected;
    bool expect_failure = false;
    for (size_t pos = 0; stream.size() - pos >= net::kFrameHeaderBytes;) {
      const uint32_t n = header_at(stream, pos);
      if (n > max_frame_bytes) {
        expect_failure = true;
        break;
      }
      if (stream.size() - pos - net::kFrameHeaderBytes < n) break;
      expected.push_back(stream.substr(pos + net::kFrameHeaderBytes, n));
      pos += net::kFrameHeaderBytes + n;
    }

    net::FrameDecoder decoder(max_frame_bytes);
    std::vector<std::string> got;
    bool refused = false;
    size_t from = 0;
    for (size_t i = 0; i <= cuts.size(); ++i) {
      const size_t to = i < cuts.size() ? cuts[i] : stream.size();
      if (to < from || to > stream.size()) return "bad cuts";
      const bool ok = decoder.feed(stream.data() + from, to - from, got);
      if (!ok) {
        if (!decoder.failed()) return "feed returned false but the decoder is not failed";
        if (decoder.announced_size() <= max_frame_bytes)
          return "refused a frame of " + std::to_string(decoder.announced_size()) +
                 " bytes, within the maximum";
        if (decoder.buffered() != 0) return "a failed decoder still buffers bytes";
        refused = true;
      } else if (refused) {
        return "a failed decoder accepted more input";
      } else if (decoder.buffered() >= net::kFrameHeaderBytes + size_t{max_frame_bytes}) {
        // One partial frame at most: a header and less than its payload.
        return "buffered " + std::to_string(decoder.buffered()) +
               " bytes with a maximum frame of " + std::to_string(max_frame_bytes);
      }
      from = to;
    }
    if (refused != expect_failure)
      return refused ? "refused a stream the reference accepts" : "accepted an oversized header";
    if (got.size() != expected.size())
      return "decoded " + std::to_string(got.size()) + " frames, the reference " +
             std::to_string(expected.size());
    for (size_t i = 0; i < got.size(); ++i) {
      if (got[i].size() > max_frame_bytes) return "a frame above the maximum came out";
      if (got[i] != expected[i])
        return "frame " + std::to_string(i) + " differs from the reference";
    }
    if (frames) *frames = std::move(got);
    return "";
  } catch (const std::exception& e) {
    return std::string("FrameDecoder threw: ") + e.what();
  } catch (...) {
    return "FrameDecoder threw something";
  }
}

std::string check_request_payload(const std::string& payload, net::Encoding encoding,
                                  RequestOutcome* outcome) {
  try {
    net::ParseFailure failure;
    auto parsed = net::parse_request(payload, failure, encoding);
    if (!parsed) {
      const std::string code = failure.code ? failure.code : "";
      if (code != net::errc::kBadFrame && code != net::errc::kBadRequest)
        return "parse_request failed with code '" + code + "'";
      if (failure.message.empty()) return "parse_request failed without a message";
      if (!is_id(failure.id))
        return "a failure echoes an id that is neither null, integer nor string";
      if (outcome)
        *outcome =
            code == net::errc::kBadFrame ? RequestOutcome::bad_frame : RequestOutcome::bad_request;
      return encodable(net::reply_error(failure.id, failure.code, failure.message), encoding);
    }
    const net::Request& r = *parsed;
    if (!r.id.is_number_integer() && !r.id.is_string())
      return "a request's id is neither integer nor string";
    if (!r.body.is_object()) return "a request's body is not an object";
    auto type = r.body.find("type");
    if (type == r.body.end() || !type->is_string() || type->get<std::string>() != r.type)
      return "a request's type is not its body's \"type\"";
    // Every typed read the gateway may make, and the reply it may build from
    // the request (an unknown type echoes the type).
    for (const char* name : kFieldNames) {
      auto i = net::int_field(r, name);
      auto d = net::id_field(r, name);
      auto s = net::string_field(r, name);
      if ((!i && i.status().message().empty()) || (!d && d.status().message().empty()) ||
          (!s && s.status().message().empty()))
        return std::string("reading \"") + name + "\" failed without a message";
      // The integer read is the value sent, never a wrapped one: an id is
      // exactly the integer when it fits 32 bits, and refused when not.
      const json& v = r.body.contains(name) ? r.body[name] : json();
      if (i && (!v.is_number_integer() || v.dump() != std::to_string(*i)))
        return std::string("int_field read \"") + name + "\" as " + std::to_string(*i) + " from " +
               v.dump();
      const bool fits = i && *i >= INT32_MIN && *i <= INT32_MAX;
      if (fits != d.ok() || (d.ok() && *d != *i))
        return std::string("id_field and int_field disagree on \"") + name + "\": " + v.dump();
    }
    if (std::string bad = encodable(
            net::reply_error(r.id, net::errc::kUnknownType, "no request type '" + r.type + "'"),
            encoding);
        !bad.empty())
      return bad;
    if (outcome) *outcome = RequestOutcome::request;
    if (auto kind = command_kind_from_name(r.type)) {
      auto command = command_from_json(*kind, r.body);
      if (!command) {
        if (command.status().message().empty()) return "command_from_json failed without a message";
        if (outcome) *outcome = RequestOutcome::bad_command;
        return encodable(net::reply_error(r.id, net::errc::kBadRequest, command.status().message()),
                         encoding);
      }
      if (outcome) *outcome = RequestOutcome::command;
      // The accepted reply echoes the command as scheduled.
      return encodable(net::reply_result(r.id, command_to_json(*command)), encoding);
    }
    return "";
  } catch (const std::exception& e) {
    return std::string("the request path threw: ") + e.what();
  } catch (...) {
    return "the request path threw something";
  }
}

std::string check_command_request(const World& world, CommandKind kind, const json& fields,
                                  CommandOutcome* outcome, Command* command) {
  try {
    const uint64_t before = world.meta().state_hash;
    auto parsed = command_from_json(kind, fields);
    if (!parsed) {
      if (parsed.status().message().empty()) return "command_from_json failed without a message";
      if (outcome) *outcome = CommandOutcome::bad_request;
      return "";
    }
    if (command) *command = *parsed;
    const Status checked = check_command(world, *parsed);
    if (!checked.ok() && checked.message().empty()) return "check_command refused without a reason";
    if (outcome) *outcome = checked.ok() ? CommandOutcome::accepted : CommandOutcome::refused;
    if (world.meta().state_hash != before) return "check_command changed the state hash";
    if (world.recompute_hash() != before) return "check_command changed the world";
    return "";
  } catch (const std::exception& e) {
    return std::string("the command path threw: ") + e.what();
  } catch (...) {
    return "the command path threw something";
  }
}

}  // namespace hegemon::fuzz
