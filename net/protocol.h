// Hegemon's client protocol, version 1 (docs/PROTOCOL.md): requests
// {"id": ..., "type": "...", ...fields} and replies {"id": ..., "result": ...}
// or {"id": ..., "error": {"code": "...", "message": "..."}}, as JSON text or,
// when the client asks for it in its hello, as MessagePack (the same
// documents, binary). The hello and its reply are always JSON. This file holds
// the parts that need no actors: parsing, validation, reply building.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "state/status.h"

namespace hegemon::net {

constexpr int kProtocolVersion = 1;

// Error codes (stable strings clients can switch on).
namespace errc {
constexpr const char* kBadFrame = "bad_frame";        // not JSON, or not an object
constexpr const char* kBadRequest = "bad_request";    // a field missing or of the wrong type
constexpr const char* kUnknownType = "unknown_type";  // no such request type
constexpr const char* kVersionMismatch = "version_mismatch";
constexpr const char* kHelloFirst = "hello_first";     // anything before hello
constexpr const char* kUnauthorized = "unauthorized";  // bad or missing login
constexpr const char* kForbidden = "forbidden";        // the role may not do this
constexpr const char* kNotFound = "not_found";
constexpr const char* kRateLimited = "rate_limited";
constexpr const char* kRefused = "refused";  // a command the game refuses; the message says why
constexpr const char* kFailed = "failed";    // the game could not do it
}  // namespace errc

enum class Encoding { json, msgpack };
const char* encoding_name(Encoding e);  // "json", "msgpack"
std::optional<Encoding> encoding_from_name(std::string_view name);

// A document as one frame's payload, and back (nullopt: not a document in
// that encoding).
std::string encode_payload(const nlohmann::json& doc, Encoding encoding);
std::optional<nlohmann::json> decode_payload(const std::string& payload, Encoding encoding);

struct Request {
  nlohmann::json id;  // echoed in the reply; a number or a string
  std::string type;
  nlohmann::json body;  // the whole request object
};

// Parses one frame. On failure `error_code` is set (kBadFrame or kBadRequest)
// and `id` holds the request id if one could be read (else null).
struct ParseFailure {
  const char* code;
  std::string message;
  nlohmann::json id;
};
Result<Request> parse_request(const std::string& frame, ParseFailure& failure,
                              Encoding encoding = Encoding::json);

nlohmann::json reply_result(const nlohmann::json& id, const nlohmann::json& result);
nlohmann::json reply_error(const nlohmann::json& id, const char* code, const std::string& message);

// Typed access to request fields; the error names the field and what it wanted.
Result<int64_t> int_field(const Request& r, const char* name);
// An id of a province, nation, army or war: an integer that fits the 32 bits
// ids have (state/ids.h). Read with int_field and cast, 4294967297 would wrap
// around to 1 and answer for another entity.
Result<int32_t> id_field(const Request& r, const char* name);
Result<std::string> string_field(const Request& r, const char* name);

}  // namespace hegemon::net
