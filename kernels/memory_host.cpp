// Host backend of kernels/memory.hpp: the "device" is the machine's memory (/proc/meminfo); FFTW's work
// areas are host memory and are not counted as device memory.
#include <fstream>
#include <sstream>
#include <string>

#include "kernels/memory.hpp"

namespace megabar::kernels {

namespace {

// A "Key:   123 kB" line of /proc/meminfo in bytes; 0 if absent.
std::uint64_t meminfo_bytes(const std::string& key) {
  std::ifstream in("/proc/meminfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size() + 1, key + ":") != 0) continue;
    std::istringstream s(line.substr(key.size() + 1));
    std::uint64_t kb = 0;
    s >> kb;
    return kb * 1024;
  }
  return 0;
}

std::string cpu_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  return "host CPU";
}

}  // namespace

DeviceMemory device_memory() {
  DeviceMemory d;
  d.name = cpu_name() + " (host memory)";
  d.total = meminfo_bytes("MemTotal");
  d.free = meminfo_bytes("MemAvailable");
  return d;
}

std::uint64_t fft_work_area_bytes(std::array<int, 3>, int) { return 0; }
std::uint64_t fft_work_area_peak_bytes() { return 0; }

}  // namespace megabar::kernels
