#include "state/command_json.h"

#include <array>
#include <limits>
#include <tuple>
#include <utility>

#include "state/bounded_json.h"
#include "state/world_limits.h"

namespace hegemon {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<CommandKind, const char*>, 7> kKindNames{{
    {CommandKind::declare_war, "declare_war"},
    {CommandKind::offer_peace, "offer_peace"},
    {CommandKind::accept_peace, "accept_peace"},
    {CommandKind::recruit, "recruit"},
    {CommandKind::move_army, "move_army"},
    {CommandKind::set_tax, "set_tax"},
    {CommandKind::set_player, "set_player"},
}};

constexpr std::array<std::pair<PeaceTerms, const char*>, 3> kTermNames{
    {{PeaceTerms::white, "white"}, {PeaceTerms::win, "win"}, {PeaceTerms::concede, "concede"}}};

// A path longer than this is not a march, it is an attack on the validator.
constexpr size_t kMaxPathLength = 256;
static_assert(kMaxPathLength <= kMaxArmyPath, "a commanded path must fit what a save may hold");

bool is_int32(const json& v) {
  if (!v.is_number_integer()) return false;
  if (v.is_number_unsigned()) return v.get<uint64_t>() <= std::numeric_limits<int32_t>::max();
  const auto x = v.get<int64_t>();
  return x >= std::numeric_limits<int32_t>::min() && x <= std::numeric_limits<int32_t>::max();
}

Status read_int32(const json& fields, const char* name, int32_t& out) {
  if (!fields.contains(name) || !is_int32(fields[name]))
    return Status::error(std::string("\"") + name + "\" must be an integer");
  out = fields[name].get<int32_t>();
  return Status();
}

Status read_kind_fields(Command& c, const json& f) {
  switch (c.kind) {
    case CommandKind::declare_war: return read_int32(f, "target", c.target);
    case CommandKind::offer_peace: {
      const json* terms = f.contains("terms") ? &f["terms"] : nullptr;
      if (terms && terms->is_string()) {
        for (const auto& [value, name] : kTermNames) {
          if (*terms == name) {
            c.terms = value;
            return Status();
          }
        }
      }
      return Status::error("\"terms\" must be \"white\", \"win\" or \"concede\"");
    }
    case CommandKind::accept_peace: return Status();
    case CommandKind::recruit: return read_int32(f, "province", c.province);
    case CommandKind::move_army: {
      if (Status s = read_int32(f, "army", c.army); !s.ok()) return s;
      const json* path = f.contains("path") ? &f["path"] : nullptr;
      if (!path || !path->is_array() || path->empty() || path->size() > kMaxPathLength)
        return Status::error("\"path\" must be an array of 1.." + std::to_string(kMaxPathLength) +
                             " province ids");
      for (const json& p : *path) {
        if (!is_int32(p)) return Status::error("\"path\" must hold province ids (integers)");
        c.path.push_back(p.get<int32_t>());
      }
      return Status();
    }
    case CommandKind::set_tax: return read_int32(f, "level", c.level);
    case CommandKind::set_player:
      if (!f.contains("player") || !f["player"].is_boolean())
        return Status::error("\"player\" must be true or false");
      c.player = f["player"].get<bool>();
      return Status();
  }
  return Status::error("unknown command kind");
}

}  // namespace

bool operator==(const Command& a, const Command& b) {
  return std::tie(a.seq, a.tick, a.nation, a.kind, a.target, a.army, a.province, a.path, a.level,
                  a.terms, a.player) == std::tie(b.seq, b.tick, b.nation, b.kind, b.target, b.army,
                                                 b.province, b.path, b.level, b.terms, b.player);
}

const char* command_kind_name(CommandKind kind) {
  for (const auto& [value, name] : kKindNames)
    if (value == kind) return name;
  return "unknown";
}

std::optional<CommandKind> command_kind_from_name(std::string_view name) {
  for (const auto& [value, text] : kKindNames)
    if (name == text) return value;
  return std::nullopt;
}

const char* peace_terms_name(PeaceTerms terms) {
  for (const auto& [value, name] : kTermNames)
    if (value == terms) return name;
  return "unknown";
}

json command_to_json(const Command& c) {
  json out{{"seq", c.seq}, {"nation", c.nation}, {"kind", command_kind_name(c.kind)}};
  switch (c.kind) {
    case CommandKind::declare_war: out["target"] = c.target; break;
    case CommandKind::offer_peace: out["terms"] = peace_terms_name(c.terms); break;
    case CommandKind::accept_peace: break;
    case CommandKind::recruit: out["province"] = c.province; break;
    case CommandKind::move_army:
      out["army"] = c.army;
      out["path"] = c.path;
      break;
    case CommandKind::set_tax: out["level"] = c.level; break;
    case CommandKind::set_player: out["player"] = c.player; break;
  }
  return out;
}

Result<Command> command_from_json(CommandKind kind, const json& fields) {
  if (!fields.is_object()) return Status::error("a command must be a JSON object");
  Command c;
  c.kind = kind;
  if (fields.contains("seq")) {
    if (!fields["seq"].is_number_integer()) return Status::error("\"seq\" must be an integer");
    c.seq = fields["seq"].get<int64_t>();
  }
  if (fields.contains("nation")) {
    if (Status s = read_int32(fields, "nation", c.nation); !s.ok()) return s;
  }
  if (Status s = read_kind_fields(c, fields); !s.ok()) return s;
  return c;
}

Result<Command> command_from_event_data(const std::string& data) {
  // Read from a save's event_log: untrusted, so bounded (state/bounded_json.h).
  Result<json> read = parse_json(data, kEventDataLimits);
  if (!read.ok()) return read.status().with_context("not a command");
  const json& parsed = *read;
  if (!parsed.is_object() || !parsed.contains("kind") || !parsed["kind"].is_string())
    return Status::error("not a command: " + data);
  const auto kind = command_kind_from_name(parsed["kind"].get<std::string>());
  if (!kind) return Status::error("unknown command kind in " + data);
  return command_from_json(*kind, parsed);
}

}  // namespace hegemon
