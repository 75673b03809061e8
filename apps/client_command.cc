#include "apps/client_command.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "apps/cli.h"
#include "apps/download_save.h"
#include "net/client.h"
#include "net/request_table.h"

namespace hegemon {
namespace {

// Where a token may come from besides --token (which `ps` shows).
constexpr const char* kTokenEnv = "HEGEMON_TOKEN";

const char* const kDescription =
    "Talks to a running `hegemon serve` through its gateway (docs/PROTOCOL.md).\n"
    "Logs in with a token (--token, --token-file or $HEGEMON_TOKEN) as --role (admin, the\n"
    "default, or player), else as a spectator.";

// After the commands, which net/request_table.cc lists (client_usage_text).
const char* const kExitCodes =
    "Exit codes: 0 ok, 1 the server refused, 2 bad usage, 3 no connection.";

// An `sql` answer as aligned columns, then why it stopped if it did.
void print_table(const nlohmann::json& r) {
  auto cell = [](const nlohmann::json& v) -> std::string {
    if (v.is_null()) return "NULL";
    if (v.is_string()) return v.get<std::string>();
    if (v.is_object()) return "<blob " + std::to_string(v.value("blob_bytes", 0)) + " bytes>";
    return v.dump();
  };
  std::vector<std::vector<std::string>> rows;
  std::vector<size_t> widths;
  for (const auto& c : r["columns"]) widths.push_back(c.get<std::string>().size());
  for (const auto& row : r["rows"]) {
    rows.emplace_back();
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      rows.back().push_back(cell(row[i]));
      widths[i] = std::max(widths[i], rows.back().back().size());
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < cells.size(); ++i)
      out += (i ? "  " : "") + cells[i] + std::string(widths[i] - cells[i].size(), ' ');
    while (!out.empty() && out.back() == ' ') out.pop_back();
    std::cout << out << "\n";
  };
  std::vector<std::string> header;
  for (const auto& c : r["columns"]) header.push_back(c.get<std::string>());
  line(header);
  for (const auto& row : rows) line(row);
  if (r.contains("stopped"))
    std::cout << "(" << rows.size() << " rows; stopped: " << r["stopped"].get<std::string>() << ")\n";
}

// A command without arguments: its row in the one table of requests
// (net/request_table.cc) takes no fields and its usage is its bare name.
bool is_argless(const std::string& command) {
  for (const auto& spec : net::request_table())
    if (spec.fields.empty() && command == spec.cli) return true;
  return false;
}

void print_human(const std::string& command, const nlohmann::json& r) {
  if (command == "status") {
    std::cout << fmt::format(
        "{}  tick {} (committed {})  speed {}  {} nations, {} wars, {} armies  "
        "{:.0f} ticks/s  commit {:.2f} ms  hash {}  restarts {}",
        r.value("date", ""), r.value("tick", 0), r.value("committed_tick", 0), r.value("speed", ""),
        r.value("living_nations", 0), r.value("active_wars", 0), r.value("armies", 0),
        r.value("ticks_per_second", 0.0), r.value("commit_ms", 0.0), r.value("state_hash", ""),
        r.value("restarts", 0));
    if (!r.value("last_error", std::string()).empty()) std::cout << "  PAUSED: " << r["last_error"];
    std::cout << "\n";
  } else if (command == "events") {
    for (const auto& e : r)
      std::cout << fmt::format("tick {:>6}  {:<24} {}\n", e.value("tick", 0), e.value("type", ""),
                               e["data"].dump());
  } else if (command == "map") {
    for (const auto& p : r["provinces"])
      std::cout << fmt::format("{} {} {}\n", p[0].get<int>(), p[1].get<int>(), p[2].get<int>());
  } else if (command == "wars-of") {
    for (const auto& w : r)
      std::cout << fmt::format("war {:>4}  {} vs {}  from tick {}  {}  score {}\n",
                               w.value("id", 0), w.value("attacker_id", 0),
                               w.value("defender_id", 0), w.value("start_tick", 0),
                               w["end_tick"].is_null() ? std::string("ongoing")
                                                       : "ended at tick " + w["end_tick"].dump(),
                               w.value("war_score", 0));
  } else if (command == "actors") {
    for (const auto& a : r) {
      std::cout << fmt::format("{:<12} {:>5}  {:<8} gen {:<3} restarts {:<3} {}",
                               a.value("kind", ""), a.value("id", 0), a.value("supervisor", ""),
                               a.value("generation", 0), a.value("restarts", 0),
                               a.value("running", false) ? "running" : "DOWN");
      if (!a.value("last_crash", std::string()).empty())
        std::cout << "  last crash at tick " << a["last_crash_tick"] << ": "
                  << a["last_crash"].get<std::string>();
      std::cout << "\n";
    }
  } else if (command == "sql") {
    print_table(r);
  } else if (command == "clients") {
    for (const auto& c : r) {
      // Which stored token a session logged in with, so an admin knows what
      // revoking it ends; "-" for spectators and the server's --admin-token.
      const auto token = c.find("token_id");
      const std::string token_text = token != c.end() && token->is_number_integer()
                                         ? std::to_string(token->get<int64_t>())
                                         : "-";
      std::cout << fmt::format(
          "client {:>4}  {:<21} {:<9} nation {:<4} token {:<4} connected {} s\n",
          c.value("client", 0), c.value("peer", ""), c.value("role", ""), c.value("nation", 0),
          token_text, c.value("connected_seconds", 0));
    }
  } else if (r.is_object()) {
    for (const auto& [key, value] : r.items()) std::cout << key << ": " << value.dump() << "\n";
  } else {
    std::cout << r.dump() << "\n";
  }
}

bool is_number(const std::string& s) {
  return !s.empty() && s.size() <= 9 && s.find_first_not_of("0123456789") == std::string::npos;
}

// The request fields of a game command (`hegemon client move-army 7 12 13`),
// or an error message for bad usage.
Result<nlohmann::json> command_fields(const std::vector<std::string>& words) {
  const std::string& c = words[0];
  auto usage = [&](const char* args) { return Status::error(c + " needs " + args); };
  nlohmann::json f = nlohmann::json::object();
  if (c == "declare-war" || c == "recruit" || c == "set-tax") {
    if (words.size() != 2 || !is_number(words[1])) return usage("one number");
    const char* field = c == "declare-war" ? "target" : c == "recruit" ? "province" : "level";
    f[field] = std::stoll(words[1]);
  } else if (c == "offer-peace") {
    if (words.size() != 2) return usage("white, win or concede");
    f["terms"] = words[1];
  } else if (c == "accept-peace") {
    if (words.size() != 1) return usage("no arguments");
  } else if (c == "move-army") {
    if (words.size() < 3 || !std::all_of(words.begin() + 1, words.end(), is_number))
      return usage("an army id and one or more province ids");
    f["army"] = std::stoll(words[1]);
    f["path"] = nlohmann::json::array();
    for (size_t i = 2; i < words.size(); ++i) f["path"].push_back(std::stoll(words[i]));
  } else if (c == "set-player") {
    if (words.size() != 2 || (words[1] != "on" && words[1] != "off")) return usage("on or off");
    f["player"] = words[1] == "on";
  } else {
    return Status::error("not a game command: " + c);
  }
  return f;
}

bool is_game_command(const std::string& c) {
  static const std::vector<std::string> kCommands{"declare-war", "offer-peace", "accept-peace",
                                                  "recruit",     "move-army",   "set-tax",
                                                  "set-player"};
  return std::find(kCommands.begin(), kCommands.end(), c) != kCommands.end();
}

}  // namespace

int run_client(const std::vector<std::string>& args) {
  std::string host = "127.0.0.1", token, token_file, role = "admin";
  int64_t nation_id = 0;
  int port = 4242;
  bool as_json = false;
  bool msgpack = false;
  bool list_requests = false;
  std::vector<std::string> words;
  auto app = cli::make_app("client", kDescription);
  app->footer(net::client_usage_text() + kExitCodes);
  app->add_option("--host", host, "the server's address");
  app->add_option("--port", port, "the server's gateway port")->check(cli::whole_number(1, 65535));
  auto* token_opt =
      app->add_option("--token", token,
                      "log in with this token (visible to `ps`: prefer --token-file or "
                      "$HEGEMON_TOKEN)");
  auto* token_file_opt =
      app->add_option("--token-file", token_file, "read the token from this file (its first line)");
  token_opt->excludes(token_file_opt);
  app->add_option("--role", role, "the role the token is for")
      ->check(cli::one_of({"admin", "player"}));
  auto* nation_opt = app->add_option("--nation", nation_id, "the nation an admin commands")
                         ->check(cli::whole_number(0, INT32_MAX));
  app->add_flag("--json", as_json, "print the result as JSON");
  app->add_flag("--msgpack", msgpack, "speak MessagePack on the wire instead of JSON");
  app->add_flag("--requests", list_requests,
                "print the server's table of requests as JSON (net/request_table.h) and exit");
  app->add_option("COMMAND", words, "the command and its arguments (below)");
  if (auto code = cli::parse(*app, args)) return *code;
  if (list_requests) {
    std::cout << net::request_table_json().dump(2) << "\n";
    return 0;
  }
  if (!token_file.empty()) {
    std::ifstream in(token_file);
    if (!in || !std::getline(in, token))
      return cli::usage_error(*app, "--token-file: cannot read " + token_file);
    while (!token.empty() && (token.back() == '\r' || token.back() == ' ' || token.back() == '\t'))
      token.pop_back();
    if (token.empty())
      return cli::usage_error(*app,
                              "--token-file: " + token_file + " has no token on its first line");
  } else if (token.empty()) {
    if (const char* env = std::getenv(kTokenEnv)) token = env;
  }
  const std::string nation = nation_opt->count() ? std::to_string(nation_id) : std::string();
  if (words.empty())
    return cli::usage_error(*app, "which command? (status, map, province ID, ...)");
  const std::string command = words[0];
  nlohmann::json fields = nlohmann::json::object();
  if (is_game_command(command)) {
    auto f = command_fields(words);
    if (!f) {
      std::cerr << "hegemon client: " << f.status().message() << "\n";
      return 2;
    }
    fields = std::move(*f);
    if (!nation.empty()) fields["nation"] = std::stoll(nation);
  } else if (command == "province" || command == "nation" || command == "army" ||
             command == "war") {
    if (words.size() != 2 || !is_number(words[1])) {
      std::cerr << "hegemon client: " << command << " needs a numeric id\n";
      return 2;
    }
    fields[command] = std::stoll(words[1]);
  } else if (command == "speed") {
    if (words.size() != 2) {
      std::cerr << "hegemon client: speed needs 0..5 or max\n";
      return 2;
    }
    fields["speed"] = words[1];
  } else if (command == "events" || command == "wars-of" || command == "provinces-of" ||
             command == "province-at") {
    const size_t want = command == "events"        ? (words.size() == 1 ? 1 : 3)
                        : command == "province-at" ? 3
                                                   : 2;
    bool numeric = words.size() == want;
    for (size_t i = 1; numeric && i < words.size(); ++i)
      numeric = !words[i].empty() && words[i].find_first_not_of("0123456789") == std::string::npos;
    if (!numeric) {
      std::cerr
          << "hegemon client: usage: events [FROM TO] | wars-of NATION | provinces-of NATION | "
             "province-at ID TICK\n";
      return 2;
    }
    if (command == "events" && words.size() == 3) {
      fields["from"] = std::stoll(words[1]);
      fields["to"] = std::stoll(words[2]);
    }
    if (command == "wars-of" || command == "provinces-of") fields["nation"] = std::stoll(words[1]);
    if (command == "province-at") {
      fields["province"] = std::stoll(words[1]);
      fields["tick"] = std::stoll(words[2]);
    }
  } else if (command == "kick" || command == "rollback") {
    if (words.size() != 2 || !is_number(words[1])) {
      std::cerr << "hegemon client: " << command << " needs a number\n";
      return 2;
    }
    fields[command == "kick" ? "client" : "tick"] = std::stoll(words[1]);
  } else if (command == "download-save") {
    if (words.size() != 2 || words[1].empty()) {
      std::cerr << "hegemon client: download-save needs the file to write\n";
      return 2;
    }
  } else if (command == "save-as") {
    if (words.size() != 2) {
      std::cerr << "hegemon client: save-as needs a path\n";
      return 2;
    }
    fields["path"] = words[1];
  } else if (command == "kill" || command == "restart") {
    const bool singleton = words.size() == 2 && words[1] == "persistence";
    const bool with_id = words.size() == 3 && (words[1] == "nation" || words[1] == "war") &&
                         words[2].find_first_not_of("0123456789") == std::string::npos;
    if (!singleton && !with_id) {
      std::cerr << "hegemon client: " << command << " needs: nation ID | war ID | persistence\n";
      return 2;
    }
    fields["kind"] = words[1];
    if (with_id) fields["actor"] = std::stoll(words[2]);
  } else if (command == "token") {
    const bool list = words.size() == 2 && words[1] == "list";
    const bool revoke = words.size() == 3 && words[1] == "revoke";
    const bool issue_admin = words.size() == 3 && words[1] == "issue" && words[2] == "admin";
    const bool issue_player = words.size() == 4 && words[1] == "issue" && words[2] == "player";
    if (!(list || revoke || issue_admin || issue_player)) {
      std::cerr << "hegemon client: token issue player NATION | token issue admin | token revoke "
                   "ID | token list\n";
      return 2;
    }
    const std::string& number = revoke ? words[2] : issue_player ? words[3] : words[0];
    if ((revoke || issue_player) && number.find_first_not_of("0123456789") != std::string::npos) {
      std::cerr << "hegemon client: not a number: " << number << "\n";
      return 2;
    }
    if (revoke) fields["token_id"] = std::stoll(words[2]);
    if (issue_admin || issue_player) fields["role"] = words[2];
    if (issue_player) fields["nation"] = std::stoll(words[3]);
  } else if (command == "sql") {
    if (words.size() < 2) {
      std::cerr << "hegemon client: sql needs a query, then NAME=VALUE parameters\n";
      return 2;
    }
    fields["sql"] = words[1];
    fields["params"] = nlohmann::json::object();
    for (size_t i = 2; i < words.size(); ++i) {
      const size_t eq = words[i].find('=');
      if (eq == std::string::npos || eq == 0) {
        std::cerr << "hegemon client: not NAME=VALUE: " << words[i] << "\n";
        return 2;
      }
      const std::string value = words[i].substr(eq + 1);
      const std::string digits = !value.empty() && value[0] == '-' ? value.substr(1) : value;
      const bool number = !digits.empty() && digits.size() <= 18 &&
                          digits.find_first_not_of("0123456789") == std::string::npos;
      if (number) {
        fields["params"][words[i].substr(0, eq)] = std::stoll(value);
      } else {
        fields["params"][words[i].substr(0, eq)] = value;
      }
    }
  } else if (command == "watch") {
    if (words.size() > 2 ||
        (words.size() == 2 && words[1].find_first_not_of("0123456789") != std::string::npos)) {
      std::cerr << "hegemon client: watch takes an optional number of ticks\n";
      return 2;
    }
  } else if (!is_argless(command)) {
    return cli::usage_error(*app, "unknown command '" + command + "'");
  } else if (words.size() != 1) {
    std::cerr << "hegemon client: " << command << " takes no arguments\n";
    return 2;
  }

  auto client = net::Client::connect(host, static_cast<uint16_t>(port), std::chrono::seconds(10),
                                     msgpack ? net::Encoding::msgpack : net::Encoding::json);
  if (!client) {
    std::cerr << "hegemon client: " << client.status().message() << "\n";
    return 3;
  }
  auto login = token.empty() ? (*client)->request("login", {{"role", "spectator"}})
                             : (*client)->request("login", {{"role", role}, {"token", token}});
  if (!login) {
    std::cerr << "hegemon client: login: " << login.status().message() << "\n";
    return (*client)->server_error() ? 1 : 3;
  }
  if (command == "watch") {
    const long long limit = words.size() == 2 ? std::stoll(words[1]) : -1;
    auto snapshot = (*client)->request("watch");
    if (!snapshot) {
      std::cerr << "hegemon client: watch: " << snapshot.status().message() << "\n";
      return (*client)->server_error() ? 1 : 3;
    }
    for (long long seen = 0; limit < 0 || seen < limit; ++seen) {
      auto push = (*client)->next_push();
      if (!push) {
        std::cerr << "hegemon client: watch: " << push.status().message() << "\n";
        return 3;
      }
      if (as_json) {
        std::cout << push->dump() << "\n";
      } else if (push->value("push", "") == "snapshot") {
        std::cout << fmt::format("{}  tick {}  resynchronised: a fresh snapshot\n",
                                 push->value("date", ""), push->value("tick", 0));
      } else {
        std::cout << fmt::format(
            "{}  tick {}  {} provinces, {} nations, {} armies changed, {} events  hash {}\n",
            push->value("date", ""), push->value("tick", 0), (*push)["provinces"].size(),
            (*push)["nations"].size(), (*push)["armies"].size(), (*push)["events"].size(),
            push->value("state_hash", ""));
      }
      std::cout.flush();
    }
    return 0;
  }
  if (command == "download-save") return download_save(**client, words[1]);
  std::string type = command;
  std::replace(type.begin(), type.end(), '-', '_');  // save-as -> save_as, wars-of -> wars_of
  if (command == "token") type = words[1] == "list" ? "tokens" : "token_" + words[1];
  auto result = (*client)->request(type, fields);
  if (!result) {
    std::cerr << "hegemon client: " << command << ": " << result.status().message() << "\n";
    return (*client)->server_error() ? 1 : 3;
  }
  if (as_json) {
    std::cout << result->dump() << "\n";
  } else if (is_game_command(command)) {
    std::cout << fmt::format("command {} ({}) for nation {} accepted: applies at tick {}\n",
                             result->value("seq", 0), result->value("kind", ""),
                             result->value("nation", 0), result->value("tick", 0));
  } else {
    print_human(command, *result);
  }
  return 0;
}

}  // namespace hegemon
