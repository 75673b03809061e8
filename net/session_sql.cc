// The `sql` request (admin): an operator's read-only query on the live save,
// run by a worker off the I/O thread (net/sql_worker.h).
#include <spdlog/spdlog.h>

#include "net/session.h"
#include "net/sql_worker.h"

namespace hegemon::net {

void Session::sql(const Request& r) {
  auto text = string_field(r, "sql");
  if (!text) return send(reply_error(r.id, errc::kBadRequest, text.status().message()));
  const nlohmann::json params = r.body.contains("params") ? r.body["params"] : nlohmann::json();
  if (auto checked = query_params(params); !checked)
    return send(reply_error(r.id, errc::kBadRequest, checked.status().message()));
  int64_t max_rows = 1000;
  if (r.body.contains("max_rows")) {
    auto asked = int_field(r, "max_rows");
    if (!asked || *asked < 1 || *asked > kMaxSqlRows)
      return send(reply_error(r.id, errc::kBadRequest,
                              "\"max_rows\" must be 1.." + std::to_string(kMaxSqlRows)));
    max_rows = *asked;
  }
  if (session_.sql_running)
    return send(reply_error(r.id, errc::kRateLimited, "one query at a time per connection"));
  // The record of who asked what (the query, not its answer).
  spdlog::info("gateway: admin {} runs SQL: {:.200}", peer(), *text);
  audit("sql_queried", {{"sql", text->substr(0, 1000)}});  // bounded: the query may be 64 KiB
  session_.sql_running = true;
  auto id = r.id;
  auto* self = this;
  self_->request(spawn_sql_worker(self_->home_system(), ctx_->save->path()),
                 std::chrono::seconds(30), run_sql_atom::value, *text, params.dump(), max_rows)
      .then(
          [self, id](bool ok, std::string& out) {
            self->session_.sql_running = false;
            if (!ok) return self->send(reply_error(id, errc::kFailed, out));
            self->send(reply_result(id, nlohmann::json::parse(out)));
          },
          [self, id](caf::error& err) {
            self->session_.sql_running = false;
            self->send(reply_error(id, errc::kFailed, describe(err)));
          });
}

}  // namespace hegemon::net
