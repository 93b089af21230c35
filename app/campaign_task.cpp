#include "app/campaign_task.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "app/campaign_input.hpp"
#include "app/campaign_lock.hpp"
#include "app/md_task.hpp"
#include "app/provenance.hpp"
#include "app/scf_task.hpp"
#include "kernels/fft.hpp"
#include "kernels/memory.hpp"

namespace megabar::app {

namespace fs = std::filesystem;

namespace {

enum class StageState { pending, interrupted, running, finished };

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Finished: results.json says the MD completed. Running: a live process holds its lock (campaign_lock.hpp).
// Interrupted: a checkpoint exists.
StageState state_of(const CampaignStage& s) {
  const fs::path dir(s.directory);
  try {
    if (fs::exists(dir / "results.json")) {
      const auto j = nlohmann::json::parse(read_text(dir / "results.json"));
      if (j.contains("md") && j["md"].value("completed", false)) return StageState::finished;
    }
  } catch (const std::exception&) {  // unreadable results: not finished
  }
  if (const auto lock = read_stage_lock(dir); lock && lock_holder_may_run(*lock)) return StageState::running;
  return fs::exists(dir / "checkpoint.h5") ? StageState::interrupted : StageState::pending;
}

// Steps done: all of a finished stage; else the last step line of its md.log (0 before the first).
long steps_done(const CampaignStage& s, StageState state) {
  if (state == StageState::finished) return s.steps;
  std::ifstream log(fs::path(s.directory) / "md.log");
  long done = 0;
  for (std::string line; std::getline(log, line);) {
    std::istringstream fields(line);
    long step = 0;
    if (line.empty() || line[0] == '#' || !(fields >> step)) continue;
    done = step;
  }
  return done;
}

const char* name_of(StageState s) {
  return s == StageState::finished      ? "finished"
         : s == StageState::running     ? "running"
         : s == StageState::interrupted ? "interrupted (will resume)"
                                        : "pending";
}

int run_stage(const CampaignStage& s, StageState state) {
  const fs::path dir(s.directory), input = dir / "stage.toml";
  fs::create_directories(dir);
  const HeldStageLock lock(dir, s.name);  // refuses a stage another live job runs
  if (state == StageState::interrupted && fs::exists(input) && read_text(input) != s.input_text)
    throw std::invalid_argument("stage '" + s.name + "': the campaign file changed since the stage started (" +
                                input.string() + " differs); restore it, or delete " + dir.string() +
                                " to start the stage again");
  write_atomically(input, s.input_text);
  const RunInput in = read_input(input.string());
  if (in.threads > 0) kernels::set_host_threads(in.threads);
  record_run(input.string(), in.threads);  // 0: the campaign's thread count stays
  kernels::set_fft_planning(in.fft_planning == "measure");
  fmt::print("\n=== campaign stage '{}' ({}) in {}\n", s.name,
             state == StageState::interrupted ? "resuming" : "starting", dir.string());
  std::fflush(stdout);
  // Each stage's results.json and md.log report that stage's memory peak (beside its own prediction, which
  // follows the cell: fewer plane waves at high pressure), not the campaign process's highest so far.
  kernels::reset_peak();
  return run_md_task(in, state == StageState::interrupted);
}

}  // namespace

int run_campaign(const std::string& path, const CampaignOptions& opt) {
  const Campaign camp = read_campaign(path);
  std::size_t first = 0, last = camp.stages.size();  // the stages to run: [first, last)
  if (!opt.only_stage.empty()) {
    auto it = std::find_if(camp.stages.begin(), camp.stages.end(),
                           [&](const CampaignStage& t) { return t.name == opt.only_stage; });
    if (it == camp.stages.end()) throw std::invalid_argument(path + ": no stage named '" + opt.only_stage + "'");
    first = static_cast<std::size_t>(it - camp.stages.begin());
    last = first + 1;
  }
  if (opt.list) {
    check_campaign(camp);  // a campaign that could not run is not listed as if it could
    for (std::size_t i = 0; i < camp.stages.size(); ++i) {
      const StageState state = state_of(camp.stages[i]);
      std::string text = name_of(state);
      if (state == StageState::running)
        if (const auto lock = read_stage_lock(camp.stages[i].directory)) text += " (" + lock->describe() + ")";
      // "3  quench-1000  interrupted (will resume)  12 of 40 steps  /abs/out/03-quench-1000": the directory last
      // and the only field with a '/' (scripts/slurm/submit-campaign reads it from the first '/')
      fmt::print("{:>3}  {:<16} {:<26} {:>18}  {}\n", i + 1, camp.stages[i].name, text,
                 fmt::format("{} of {} steps", steps_done(camp.stages[i], state), camp.stages[i].steps),
                 camp.stages[i].directory);
    }
    return 0;
  }
  // A stage starts from its predecessor's final state.
  if (first > 0 && state_of(camp.stages[first - 1]) != StageState::finished)
    throw std::invalid_argument("stage '" + camp.stages[first].name + "' needs stage '" + camp.stages[first - 1].name +
                                "' to be finished first");
  check_campaign(camp);  // every stage's keys and values, before the first one runs
  fmt::print("megabar campaign {}: {} stages in {}\n", path, camp.stages.size(), camp.directory);
  const auto t0 = std::chrono::steady_clock::now();
  int ran = 0, skipped = 0;
  for (std::size_t i = first; i < last; ++i) {
    const auto& s = camp.stages[i];
    const StageState state = state_of(s);
    if (state == StageState::finished) {
      fmt::print("  stage {} '{}': finished, skipped\n", i + 1, s.name);
      ++skipped;
      continue;
    }
    if (state == StageState::pending && !fs::exists(s.structure))
      throw std::invalid_argument(path + ": stage " + std::to_string(i + 1) + " '" + s.name + "' starts from " +
                                  s.structure + ", which does not exist" +
                                  (i == 0 ? " (the base input's structure.file)" : " (has the previous stage run?)"));
    const int code = run_stage(s, state);
    if (code != 0) {
      fmt::print(stderr, "campaign: stage '{}' did not finish (exit status {}); run the campaign again to resume it\n",
                 s.name, code);
      return code;
    }
    ++ran;
  }
  const double hours = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / 3600;
  fmt::print("\nmegabar campaign {}: {} finished ({} run now, {} finished before) in {:.2f} h; results in {}\n", path,
             last - first == camp.stages.size() ? "all " + std::to_string(camp.stages.size()) + " stages"
                                                : "stage " + camp.stages[first].name,
             ran, skipped, hours, camp.directory);
  return 0;
}

}  // namespace megabar::app
