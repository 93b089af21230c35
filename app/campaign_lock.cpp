#include "app/campaign_lock.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "app/provenance.hpp"

namespace megabar::app {

namespace fs = std::filesystem;

namespace {

constexpr const char* lock_name = "stage.lock";

std::string this_job() {
  const char* job = std::getenv("SLURM_JOB_ID");
  return job && *job ? job : "-";
}

}  // namespace

std::string StageLock::describe() const {
  return (job != "-" ? "job " + job + ", " : std::string()) + "pid " + std::to_string(pid) + " on " + host + " since " +
         started;
}

std::optional<StageLock> read_stage_lock(const fs::path& directory) {
  std::ifstream in(directory / lock_name);
  if (!in) return std::nullopt;
  StageLock lock;
  std::string word;
  while (in >> word) {
    const auto eq = word.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = word.substr(0, eq), value = word.substr(eq + 1);
    if (key == "pid") lock.pid = std::atol(value.c_str());
    if (key == "host") lock.host = value;
    if (key == "job") lock.job = value;
    if (key == "started") lock.started = value;
  }
  if (lock.pid <= 0 || lock.host.empty()) return std::nullopt;  // not written by megabar, or cut short
  return lock;
}

bool lock_holder_may_run(const StageLock& lock) {
  if (lock.job != "-" && lock.job == this_job()) return false;  // our own job, requeued: its old process is gone
  if (lock.host != host_name()) return true;                    // cannot be checked from here
  return ::kill(static_cast<pid_t>(lock.pid), 0) == 0 || errno == EPERM;
}

HeldStageLock::HeldStageLock(const fs::path& directory, const std::string& stage) : path_(directory / lock_name) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) {
      const std::string line = "pid=" + std::to_string(::getpid()) + " host=" + host_name() + " job=" + this_job() +
                               " started=" + utc_timestamp() + "\n";
      const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
      ::close(fd);
      if (!written) {
        fs::remove(path_);
        throw std::runtime_error(path_.string() + ": cannot write the stage lock: " + std::strerror(errno));
      }
      return;
    }
    if (errno != EEXIST)
      throw std::runtime_error(path_.string() + ": cannot create the stage lock: " + std::strerror(errno));
    const auto held = read_stage_lock(directory);
    if (held && lock_holder_may_run(*held))
      throw std::runtime_error("stage '" + stage + "' is running in " + held->describe() + " (" + path_.string() +
                               "); if that job is gone (e.g. its node failed), delete the lock and run again");
    std::fprintf(stderr, "megabar campaign: removing the stale lock of stage '%s' (%s)\n", stage.c_str(),
                 held ? held->describe().c_str() : "unreadable");
    fs::remove(path_);
  }
  throw std::runtime_error(path_.string() + ": another process took the stage lock at the same moment");
}

HeldStageLock::~HeldStageLock() {
  std::error_code ignored;
  fs::remove(path_, ignored);
}

}  // namespace megabar::app
