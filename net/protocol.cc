#include "net/protocol.h"

namespace hegemon::net {

Result<Request> parse_request(const std::string& frame, ParseFailure& failure) {
  nlohmann::json doc = nlohmann::json::parse(frame, nullptr, /*allow_exceptions=*/false);
  failure.id = nullptr;
  if (doc.is_discarded() || !doc.is_object()) {
    failure.code = errc::kBadFrame;
    failure.message = "a request must be a JSON object";
    return Status::error(failure.message);
  }
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

std::string reply_result(const nlohmann::json& id, const nlohmann::json& result) {
  return nlohmann::json{{"id", id}, {"result", result}}.dump();
}

std::string reply_error(const nlohmann::json& id, const char* code, const std::string& message) {
  return nlohmann::json{{"id", id}, {"error", {{"code", code}, {"message", message}}}}.dump();
}

Result<int64_t> int_field(const Request& r, const char* name) {
  auto it = r.body.find(name);
  if (it == r.body.end() || !it->is_number_integer())
    return Status::error(std::string("\"") + name + "\" must be an integer");
  return it->get<int64_t>();
}

Result<std::string> string_field(const Request& r, const char* name) {
  auto it = r.body.find(name);
  if (it == r.body.end() || !it->is_string())
    return Status::error(std::string("\"") + name + "\" must be a string");
  return it->get<std::string>();
}

}  // namespace hegemon::net
