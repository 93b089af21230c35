// The lock of a running campaign stage (docs/input.md, "Campaign files"): DIR/stage.lock, one line
// "pid=P host=H job=J started=T" (job: $SLURM_JOB_ID, or "-"), created exclusively when the stage starts and
// removed when it ends, however it ends short of a kill. It tells `--list` and scripts/slurm/submit-campaign
// a stage running in another job from an interrupted one, and stops two jobs from running one stage.
//
// A lock is stale, and is replaced, when its process is gone: same host and no such pid, or the same Slurm
// job id as ours (a requeued job continuing itself, on any node). A lock from another host and another job
// cannot be checked from here and counts as running; the message says how to remove it if that job is gone.
#pragma once
#include <filesystem>
#include <optional>
#include <string>

namespace megabar::app {

struct StageLock {
  long pid = 0;
  std::string host, job, started;
  std::string describe() const;  // "job 1234, pid 99 on node7 since 2026-12-05T01:02:03Z"
};

// The lock in `directory`, if there is a readable one.
std::optional<StageLock> read_stage_lock(const std::filesystem::path& directory);

// Whether the process holding `lock` may still run (false: stale, see above).
bool lock_holder_may_run(const StageLock& lock);

// Holds DIR/stage.lock while it lives. Throws std::runtime_error naming the stage, the holder and the file
// when a live (or uncheckable) holder has it.
class HeldStageLock {
 public:
  HeldStageLock(const std::filesystem::path& directory, const std::string& stage);
  ~HeldStageLock();
  HeldStageLock(const HeldStageLock&) = delete;
  HeldStageLock& operator=(const HeldStageLock&) = delete;

 private:
  std::filesystem::path path_;
};

}  // namespace megabar::app
