#include "kernels/timer.hpp"

#include <Kokkos_Core.hpp>
#include <stdexcept>

namespace megabar::kernels {

Timers& Timers::global() {
  static Timers timers;
  return timers;
}

void Timers::start(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  Entry& e = entries_[name];
  if (e.depth++ == 0) e.started = clock::now();
}

void Timers::stop(const std::string& name) {
  if (Kokkos::is_initialized()) Kokkos::fence();  // wait for device work before reading the clock
  const auto now = clock::now();
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(name);
  if (it == entries_.end() || it->second.depth == 0)
    throw std::logic_error("kernels::Timers: stop of timer '" + name + "' that is not running");
  Entry& e = it->second;
  if (--e.depth == 0) {
    e.total_s += std::chrono::duration<double>(now - e.started).count();
    ++e.count;
  }
}

void Timers::reset() {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.clear();
}

std::map<std::string, double> Timers::seconds() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::map<std::string, double> out;
  for (const auto& [name, e] : entries_) out[name] = e.total_s;
  return out;
}

std::map<std::string, long> Timers::counts() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::map<std::string, long> out;
  for (const auto& [name, e] : entries_) out[name] = e.count;
  return out;
}

}  // namespace megabar::kernels
