// Named, accumulating wall-clock timers for the `timings_s` report.
//   kernels::ScopedTimer t("dft::hamiltonian");    // RAII: start now, stop at end of scope
//   kernels::Timers::global().seconds();            // {"dft::hamiltonian": 1.23, ...}
// stop() calls Kokkos::fence() first, so asynchronous (GPU) work launched inside the interval is counted.
// Re-entering a running timer (recursion) nests: only the outermost start/stop pair adds time.
#pragma once
#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace megabar::kernels {

class Timers {
 public:
  static Timers& global();  // process-wide registry

  void start(const std::string& name);
  void stop(const std::string& name);  // throws std::logic_error if `name` is not running
  void reset();

  std::map<std::string, double> seconds() const;  // accumulated seconds per name
  std::map<std::string, long> counts() const;     // completed (outermost) intervals per name

 private:
  using clock = std::chrono::steady_clock;
  struct Entry {
    double total_s = 0;
    long count = 0;
    int depth = 0;
    clock::time_point started;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

class ScopedTimer {
 public:
  explicit ScopedTimer(std::string name, Timers& timers = Timers::global()) : name_(std::move(name)), timers_(timers) {
    timers_.start(name_);
  }
  ~ScopedTimer() {
    try {
      timers_.stop(name_);
    } catch (...) {  // the registry was reset meanwhile: nothing to record
    }
  }
  ScopedTimer(const ScopedTimer&) = delete;
  ScopedTimer& operator=(const ScopedTimer&) = delete;

 private:
  std::string name_;
  Timers& timers_;
};

}  // namespace megabar::kernels
