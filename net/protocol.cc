#include "net/protocol.h"

#include <cstdint>

namespace hegemon::net {
namespace {

// Requests are flat; anything nested deeper than this is an attack.
constexpr int kMaxNesting = 32;

// nlohmann's MessagePack reader recurses once per nesting level, so a frame
// of nested one-element arrays would overflow the stack long before the frame
// size limit. Its JSON reader does not recurse, but builds every level: a
// 1 MiB frame of "[[[[..." cost 78 MiB and a third of a second of CPU before
// it was refused (found by tests/fuzz_test.cc), so 256 connections could ask
// for 20 GiB at once. This DOM builder refuses to go deeper than kMaxNesting,
// which stops either reader at once.
class BoundedDomParser : public nlohmann::detail::json_sax_dom_parser<nlohmann::json> {
 public:
  explicit BoundedDomParser(nlohmann::json& root) : json_sax_dom_parser(root, false) {}
  bool start_object(std::size_t n) {
    return ++depth_ <= kMaxNesting && json_sax_dom_parser::start_object(n);
  }
  bool start_array(std::size_t n) {
    return ++depth_ <= kMaxNesting && json_sax_dom_parser::start_array(n);
  }
  bool end_object() { return --depth_, json_sax_dom_parser::end_object(); }
  bool end_array() { return --depth_, json_sax_dom_parser::end_array(); }

 private:
  int depth_ = 0;
};

}  // namespace

const char* encoding_name(Encoding e) { return e == Encoding::msgpack ? "msgpack" : "json"; }

std::optional<Encoding> encoding_from_name(std::string_view name) {
  if (name == "json") return Encoding::json;
  if (name == "msgpack") return Encoding::msgpack;
  return std::nullopt;
}

std::string encode_payload(const nlohmann::json& doc, Encoding encoding) {
  if (encoding == Encoding::json) return doc.dump();
  std::string out;
  nlohmann::json::to_msgpack(doc, out);
  return out;
}

std::optional<nlohmann::json> decode_payload(const std::string& payload, Encoding encoding) {
  nlohmann::json doc;
  BoundedDomParser builder(doc);
  const auto format = encoding == Encoding::json ? nlohmann::json::input_format_t::json
                                                 : nlohmann::json::input_format_t::msgpack;
  try {
    if (!nlohmann::json::sax_parse(payload.begin(), payload.end(), &builder, format,
                                   /*strict=*/true))
      return std::nullopt;
  } catch (const nlohmann::json::exception&) {  // e.g. an impossible object size
    return std::nullopt;
  }
  return doc;
}

Result<Request> parse_request(const std::string& frame, ParseFailure& failure, Encoding encoding) {
  std::optional<nlohmann::json> decoded = decode_payload(frame, encoding);
  failure.id = nullptr;
  if (!decoded || !decoded->is_object()) {
    failure.code = errc::kBadFrame;
    failure.message = std::string("a request must be a ") +
                      (encoding == Encoding::json ? "JSON" : "MessagePack") + " object";
    return Status::error(failure.message);
  }
  nlohmann::json doc = std::move(*decoded);
  auto id = doc.find("id");
  if (id != doc.end() && (id->is_number_integer() || id->is_string())) failure.id = *id;
  if (id == doc.end() || !(id->is_number_integer() || id->is_string())) {
    failure.code = errc::kBadRequest;
    failure.message = "\"id\" must be an integer or a string";
    return Status::error(failure.message);
  }
  auto type = doc.find("type");
  if (type == doc.end() || !type->is_string()) {
    failure.code = errc::kBadRequest;
    failure.message = "\"type\" must be a string";
    return Status::error(failure.message);
  }
  Request r;
  r.id = *id;
  r.type = type->get<std::string>();
  r.body = std::move(doc);
  return r;
}

nlohmann::json reply_result(const nlohmann::json& id, const nlohmann::json& result) {
  return nlohmann::json{{"id", id}, {"result", result}};
}

nlohmann::json reply_error(const nlohmann::json& id, const char* code, const std::string& message) {
  return nlohmann::json{{"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

Result<int64_t> int_field(const Request& r, const char* name) {
  auto it = r.body.find(name);
  // An unsigned integer above INT64_MAX (JSON and MessagePack both have them)
  // would wrap around to a negative one.
  if (it == r.body.end() || !it->is_number_integer() ||
      (it->is_number_unsigned() && it->get<uint64_t>() > INT64_MAX))
    return Status::error(std::string("\"") + name + "\" must be an integer");
  return it->get<int64_t>();
}

Result<int32_t> id_field(const Request& r, const char* name) {
  auto it = r.body.find(name);
  const bool fits = it != r.body.end() && it->is_number_integer() &&
                    (it->is_number_unsigned()
                         ? it->get<uint64_t>() <= INT32_MAX
                         : it->get<int64_t>() >= INT32_MIN && it->get<int64_t>() <= INT32_MAX);
  if (!fits) return Status::error(std::string("\"") + name + "\" must be an id (a 32-bit integer)");
  return static_cast<int32_t>(it->get<int64_t>());
}

Result<std::string> string_field(const Request& r, const char* name) {
  auto it = r.body.find(name);
  if (it == r.body.end() || !it->is_string())
    return Status::error(std::string("\"") + name + "\" must be a string");
  return it->get<std::string>();
}

}  // namespace hegemon::net
