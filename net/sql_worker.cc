#include "net/sql_worker.h"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/make_message.hpp>

#include <algorithm>

namespace hegemon::net {

nlohmann::json query_answer_json(const QueryAnswer& answer) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : answer.rows) {
    nlohmann::json out = nlohmann::json::array();
    for (const QueryValue& v : row) {
      if (std::holds_alternative<int64_t>(v)) {
        out.push_back(std::get<int64_t>(v));
      } else if (std::holds_alternative<double>(v)) {
        out.push_back(std::get<double>(v));
      } else if (std::holds_alternative<std::string>(v)) {
        // A save's text need not be UTF-8: the worker's dump replaces
        // what is not (spawn_sql_worker), so the reply is valid JSON.
        out.push_back(std::get<std::string>(v));
      } else if (std::holds_alternative<BlobSize>(v)) {
        out.push_back({{"blob_bytes", std::get<BlobSize>(v).bytes}});
      } else {
        out.push_back(nullptr);
      }
    }
    rows.push_back(std::move(out));
  }
  nlohmann::json j{{"columns", answer.columns}, {"rows", std::move(rows)}};
  if (!answer.stopped.empty()) j["stopped"] = answer.stopped;
  return j;
}

Result<QueryParams> query_params(const nlohmann::json& params) {
  QueryParams out;
  if (params.is_null()) return out;
  if (!params.is_object()) return Status::error("\"params\" must be an object");
  for (const auto& [name, value] : params.items()) {
    if (value.is_number_integer()) {
      out[name] = value.get<int64_t>();
    } else if (value.is_string()) {
      out[name] = value.get<std::string>();
    } else if (value.is_null()) {
      out[name] = std::monostate{};
    } else {
      return Status::error("parameter \"" + name + "\" must be an integer, a string or null");
    }
  }
  return out;
}

caf::actor spawn_sql_worker(caf::actor_system& sys, const std::string& save_path) {
  // The path as a spawn argument, not in the message: CAF 0.17 binds a
  // function actor spawned without arguments through a null pointer to an
  // empty tuple (UBSan reports it).
  auto worker = [](caf::event_based_actor* self, const std::string& path) -> caf::behavior {
    return {[self, path](run_sql_atom, const std::string& sql, const std::string& params_json,
                         int64_t max_rows) -> caf::message {
      self->quit();
      auto params = query_params(nlohmann::json::parse(params_json, nullptr, false));
      if (!params) return caf::make_message(false, params.status().message());
      QueryLimits limits;
      limits.max_rows = static_cast<size_t>(std::clamp<int64_t>(max_rows, 1, kMaxSqlRows));
      auto answer = run_readonly_query(path, sql, *params, limits);
      if (!answer) return caf::make_message(false, answer.status().message());
      return caf::make_message(
          true, query_answer_json(*answer).dump(-1, ' ', false,
                                                nlohmann::json::error_handler_t::replace));
    }};
  };
  return sys.spawn<caf::detached>(worker, save_path);
}

}  // namespace hegemon::net
