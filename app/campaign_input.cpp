#include "app/campaign_input.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <toml++/toml.h>

#include "app/input.hpp"

namespace megabar::app {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& file, const toml::source_region& where, const std::string& what) {
  std::string loc = file;
  if (where.begin.line > 0) loc += ":" + std::to_string(where.begin.line);
  throw std::invalid_argument(loc + ": " + what);
}

toml::table parse(const std::string& path) {
  if (!fs::is_regular_file(path)) throw std::invalid_argument("file '" + path + "' does not exist or is not a file");
  try {
    return toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw std::invalid_argument(path + ":" + std::to_string(e.source().begin.line) +
                                ": malformed TOML: " + std::string(e.description()));
  }
}

std::string absolute_from(const fs::path& dir, const std::string& p) {
  const fs::path q(p);
  return (q.is_absolute() ? q : (dir / q)).lexically_normal().string();
}

// File names in a run input are relative to the input's folder; a stage input lives elsewhere, so they
// are made absolute: structure.file and the pseudopotential files.
void absolutize_paths(toml::table& input, const fs::path& dir) {
  if (auto* st = input["structure"].as_table())
    if (auto* f = st->get("file"); f && f->is_string()) *f->as_string() = absolute_from(dir, f->as_string()->get());
  if (auto* pp = input["dft"]["pseudopotentials"].as_table())
    for (auto&& [el, v] : *pp) {
      if (v.is_string())
        *v.as_string() = absolute_from(dir, v.as_string()->get());
      else if (auto* t = v.as_table())
        if (auto* f = t->get("file"); f && f->is_string()) *f->as_string() = absolute_from(dir, f->as_string()->get());
    }
}

std::string stage_folder(std::size_t index, const std::string& name) {
  char prefix[16];
  std::snprintf(prefix, sizeof prefix, "%02zu-", index + 1);
  return prefix + name;
}

}  // namespace

Campaign read_campaign(const std::string& path) {
  const toml::table root = parse(path);
  const fs::path dir = fs::absolute(fs::path(path)).parent_path();
  for (auto&& [k, v] : root)
    if (k.str() != "campaign" && k.str() != "stage")
      fail(path, v.source(), "unknown key '" + std::string(k.str()) + "'; expected [campaign] and [[stage]] tables");
  const auto* c = root["campaign"].as_table();
  if (!c) throw std::invalid_argument(path + ": missing table [campaign] (with input = \"BASE.toml\")");
  for (auto&& [k, v] : *c)
    if (k.str() != "input" && k.str() != "directory")
      fail(path, v.source(), "unknown key 'campaign." + std::string(k.str()) + "'; allowed here: directory, input");
  const auto base_name = (*c)["input"].value<std::string>();
  if (!base_name)
    throw std::invalid_argument(path + ": missing key 'campaign.input' (the base run input, a TOML file)");
  const std::string base_path = absolute_from(dir, *base_name);
  toml::table base = parse(base_path);
  if (base["task"].value<std::string>() != std::optional<std::string>("md"))
    throw std::invalid_argument(base_path + ": the base input of a campaign must have task = \"md\"");
  absolutize_paths(base, fs::path(base_path).parent_path());
  if (base.contains("output")) base["output"].as_table()->erase("directory");

  Campaign camp;
  camp.path = path;
  camp.directory = absolute_from(dir, (*c)["directory"].value_or(fs::path(path).stem().string()));
  const auto* stages = root["stage"].as_array();
  if (!stages || stages->empty())
    throw std::invalid_argument(path + ": no [[stage]] tables: a campaign needs at least one stage");
  std::set<std::string> names;
  for (std::size_t i = 0; i < stages->size(); ++i) {
    const auto* s = stages->get(i)->as_table();
    if (!s) fail(path, stages->get(i)->source(), "each [[stage]] must be a table");
    for (auto&& [k, v] : *s)
      if (k.str() != "name" && k.str() != "md" && k.str() != "pdos")
        fail(path, v.source(), "unknown key 'stage." + std::string(k.str()) + "'; allowed here: name, md, pdos");
    for (const char* table : {"md", "pdos"})
      if (s->contains(table) && !(*s)[table].as_table())
        fail(path, (*s)[table].node()->source(),
             std::string("'stage.") + table + "' must be a table ([stage." + table + "] with its keys)");
    const auto name = (*s)["name"].value<std::string>();
    // It names the stage folder (NN-name) and the Slurm job: 1-64 letters, digits, '.', '_', '+', '-'.
    const bool word = name && !name->empty() && name->size() <= 64 &&
                      name->find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-") ==
                          std::string::npos &&
                      name->front() != '.';
    if (!word)
      fail(path, s->source(),
           "stage " + std::to_string(i + 1) +
               ": 'name' must be a word of 1-64 letters, digits, '.', '_', '+' or '-' not starting with '.' (it "
               "names the stage folder)");
    if (!names.insert(*name).second) fail(path, s->source(), "two stages are named '" + *name + "'");
    toml::table input = base;
    toml::table md = base["md"].as_table() ? *base["md"].as_table() : toml::table{};
    if (const auto* over = (*s)["md"].as_table())
      for (auto&& [k, v] : *over) md.insert_or_assign(k, v);
    CampaignStage stage{*name, (fs::path(camp.directory) / stage_folder(i, *name)).string(), ""};
    if (i > 0) {
      input.insert_or_assign("structure",
                             toml::table{{"file", (fs::path(camp.stages.back().directory) / "final.extxyz").string()}});
      if (!(*s)["md"]["initial_velocities"]) {
        md.insert_or_assign("initial_velocities", "structure");
        md.erase("initial_temperature");
      }
    }
    input.insert_or_assign("md", md);
    stage.steps = md["steps"].value_or<long>(0);
    stage.structure = input["structure"]["file"].value_or(std::string());
    if (const auto* over = (*s)["pdos"].as_table()) {  // [stage.pdos]: keys replacing (or adding to) the base's [pdos]
      toml::table pdos = base["pdos"].as_table() ? *base["pdos"].as_table() : toml::table{};
      for (auto&& [k, v] : *over) pdos.insert_or_assign(k, v);
      input.insert_or_assign("pdos", pdos);
    }
    toml::table output = input["output"].as_table() ? *input["output"].as_table() : toml::table{};
    output.insert_or_assign("directory", ".");
    input.insert_or_assign("output", output);
    std::ostringstream text;
    text << "# stage '" << *name << "' of campaign " << fs::absolute(path).string()
         << " (generated; edit the campaign)\n"
         << input << "\n";
    stage.input_text = text.str();
    toml::table check = input;  // the base structure, which exists now (see CampaignStage::check_text)
    if (base.contains("structure")) check.insert_or_assign("structure", *base["structure"].as_table());
    if (auto* md_check = check["md"].as_table(); md_check && i > 0 && !(*s)["md"]["initial_velocities"])
      md_check->insert_or_assign("initial_velocities", "maxwell-boltzmann");
    std::ostringstream check_text;
    check_text << check << "\n";
    stage.check_text = check_text.str();
    camp.stages.push_back(stage);
  }
  return camp;
}

void check_campaign(const Campaign& camp) {
  const fs::path dir = fs::temp_directory_path() / ("megabar-campaign-check-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  struct Cleanup {
    fs::path d;
    ~Cleanup() {
      std::error_code ignored;
      fs::remove_all(d, ignored);
    }
  } cleanup{dir};
  for (std::size_t i = 0; i < camp.stages.size(); ++i) {
    const auto& st = camp.stages[i];
    const fs::path file = dir / (stage_folder(i, st.name) + ".toml");
    std::ofstream(file) << st.check_text;
    try {
      read_input(file.string());
    } catch (const std::invalid_argument& e) {
      std::string what = e.what();
      for (std::size_t at; (at = what.find(file.string())) != std::string::npos;)
        what.replace(at, file.string().size(), "stage.toml");
      throw std::invalid_argument(camp.path + ": stage " + std::to_string(i + 1) + " '" + st.name +
                                  "' (its generated input): " + what + " (nothing has run)");
    }
  }
}

}  // namespace megabar::app
