#include "apps/mod_command.h"

#include <iostream>

#include "apps/cli.h"
#include "persistence/mod_build.h"
#include "persistence/regular_file.h"
#include "state/tuning.h"
#include "tools/mod_export.h"
#include "tools/mod_set.h"

namespace hegemon {
namespace {

const char* const kUsage =
    "Usage: hegemon mod check MOD [MOD ...]\n"
    "       hegemon mod build FILE.sql OUT.db\n"
    "       hegemon mod export SAVE OUT.db|OUT.sql [--name NAME] [--mod-version V]\n"
    "\n"
    "check: reads the mods in load order (later ones override earlier ones), prints what\n"
    "each one changes and every conflict, and the content checksum of the load order.\n"
    "build: turns a mod's SQL text into the mod database, written only if it is a valid mod.\n"
    "export: writes a save's world (at its last committed tick) as a scenario, with every\n"
    "tuning value the game runs with, as a mod database or, for OUT.sql, its SQL text;\n"
    "the save is only read (a running game may be writing it).\n"
    "A MOD is a mod database or its .sql text (docs/MODDING.md).\n"
    "Exit codes: 0 ok, 1 a mod is invalid (the message names the file, table and row) or\n"
    "could not be written, 2 bad usage.";

void print_mod(const ModFileContent& mod, size_t position, Tuning& running) {
  std::cout << position << ". " << mod.path << ": \"" << mod.name << "\" " << mod.version
            << " (sha256 " << mod.sha256_hex << ")\n";
  if (!mod.description.empty()) std::cout << "   " << mod.description << "\n";
  for (const auto& [name, value] : mod.tuning) {
    const TuningField* field = find_tuning_field(name);
    const int64_t before = field->get(running);
    set_tuning_value(running, name, value);  // read_mod_file checked the range
    std::cout << "   tuning " << name << ": " << before << " -> " << value << "\n";
  }
  if (mod.scenario) {
    const Scenario& s = *mod.scenario;
    std::cout << "   scenario: " << s.provinces.size() << " provinces, " << s.adjacency.size()
              << " borders, " << s.nations.size() << " nations, " << s.armies.size()
              << " armies, starting " << s.start_date.to_string() << "\n";
  }
  if (!mod.nation_names.empty())
    std::cout << "   nation names: " << mod.nation_names.size() << " (" << mod.nation_names[0]
              << ", ...)\n";
  if (!mod.province_names.empty())
    std::cout << "   province names: " << mod.province_names.size() << " (" << mod.province_names[0]
              << ", ...)\n";
  if (mod.tuning.empty() && !mod.scenario && mod.nation_names.empty() && mod.province_names.empty())
    std::cout << "   (changes nothing)\n";
}

int check(const std::vector<std::string>& args) {
  std::vector<std::string> mods;
  auto app = cli::make_app("mod check", kUsage);
  app->add_option("MOD", mods, "the mods, in load order")->required();
  if (auto code = cli::parse(*app, args)) return *code;
  Result<ModSet> set = load_mods(mods);
  if (!set.ok()) {
    std::cerr << "hegemon mod check: " << set.status().message() << "\n";
    return 1;
  }
  Tuning running;
  const std::vector<ModFileContent>& loaded = set->content.mods;
  for (size_t i = 0; i < loaded.size(); ++i) print_mod(loaded[i], i + 1, running);
  for (const ModConflict& c : set->conflicts) {
    std::cout << "conflict: " << c.what << " set by " << c.earlier << ", then by " << c.later
              << " (" << c.detail << "); " << c.later << " wins\n";
  }
  std::cout << "content checksum: " << set->content.content_checksum_hex << "\n"
            << "ok: " << loaded.size() << " mod" << (loaded.size() == 1 ? "" : "s") << ", "
            << set->conflicts.size() << " conflict" << (set->conflicts.size() == 1 ? "" : "s")
            << "\n";
  return 0;
}

int build(const std::vector<std::string>& args) {
  std::string sql_path, out;
  auto app = cli::make_app("mod build", kUsage);
  app->add_option("FILE.sql", sql_path, "the mod's SQL text")->required();
  app->add_option("OUT.db", out, "where to write the mod database")->required();
  if (auto code = cli::parse(*app, args)) return *code;
  if (sql_path.size() < 5 || sql_path.compare(sql_path.size() - 4, 4, ".sql") != 0)
    return cli::usage_error(*app, "FILE.sql must name a .sql file");
  Result<std::string> sql = read_regular_file(sql_path, static_cast<int64_t>(kMaxModSqlBytes));
  Result<ModFileContent> mod =
      sql.ok() ? build_mod_from_sql(*sql, sql_path, out) : Result<ModFileContent>(sql.status());
  if (!mod.ok()) {
    std::cerr << "hegemon mod build: " << mod.status().message() << "\n";
    return 1;
  }
  std::cout << out << ": \"" << mod->name << "\" " << mod->version << " (sha256 " << mod->sha256_hex
            << ")\n";
  return 0;
}

int export_save(const std::vector<std::string>& args) {
  std::string save, out;
  ModExportOptions options;
  auto app = cli::make_app("mod export", kUsage);
  app->add_option("SAVE", save, "the save to export")->required();
  app->add_option("OUT", out, "the mod to write: a database, or SQL text if it ends in .sql")
      ->required();
  app->add_option("--name", options.name, "the mod's name (default: the save's name and date)");
  app->add_option("--mod-version", options.version, "the mod's version")->capture_default_str();
  if (auto code = cli::parse(*app, args)) return *code;
  Result<ModExport> exported = export_mod(save, out, options);
  if (!exported.ok()) {
    std::cerr << "hegemon mod export: " << exported.status().message() << "\n";
    return 1;
  }
  const ModFileContent& mod = exported->mod;
  std::cout << out << ": \"" << mod.name << "\" " << mod.version << " (sha256 " << mod.sha256_hex
            << ")\n   from " << save << " at tick " << exported->tick << ": "
            << mod.scenario->provinces.size() << " provinces, " << mod.scenario->nations.size()
            << " nations, " << mod.scenario->armies.size() << " armies, " << mod.tuning.size()
            << " tuning values\n";
  for (const std::string& note : exported->notes) std::cout << "   note: " << note << "\n";
  return 0;
}

}  // namespace

int run_mod(const std::vector<std::string>& args) {
  const std::string sub = args.empty() ? "" : args[0];
  const std::vector<std::string> rest(args.begin() + (args.empty() ? 0 : 1), args.end());
  if (sub == "check") return check(rest);
  if (sub == "build") return build(rest);
  if (sub == "export") return export_save(rest);
  if (sub == "--help" || sub == "-h" || sub == "help") {
    std::cout << kUsage << "\n";
    return 0;
  }
  std::cerr << "hegemon mod: "
            << (sub.empty() ? "a command is needed" : "unknown command '" + sub + "'")
            << " (check, build or export)\n\n"
            << kUsage << "\n";
  return cli::kUsageError;
}

}  // namespace hegemon
