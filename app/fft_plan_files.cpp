#include "app/fft_plan_files.hpp"

#include <fmt/core.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "io/atomic_file.hpp"
#include "kernels/fft.hpp"

namespace megabar::app {

namespace fs = std::filesystem;

std::string fft_plan_cache_path() {
  if (const char* e = std::getenv("MEGABAR_FFT_PLAN_CACHE"))
    return std::string(e) == "off" ? std::string() : std::string(e);
  fs::path dir;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x)
    dir = fs::path(x) / "megabar";
  else if (const char* h = std::getenv("HOME"); h && *h)
    dir = fs::path(h) / ".cache" / "megabar";
  else
    return {};
  std::string model = "unknown-cpu";
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);)
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 1);
      break;
    }
  std::string name = "fftw-plans-";
  for (char ch : model)
    if (std::isalnum(static_cast<unsigned char>(ch)))
      name += ch;
    else if (name.back() != '-')
      name += '-';
  return (dir / name).string();
}

void save_fft_plans(const std::string& path) {
  const std::string plans = kernels::export_fft_plans();
  if (!plans.empty()) io::replace_file(path, plans);
}

void save_fft_plan_cache(const std::string& path) {
  if (path.empty()) return;
  try {
    fs::create_directories(fs::path(path).parent_path());
    save_fft_plans(path);
  } catch (const std::exception& e) {
    fmt::print(stderr, "warning: FFT plan cache not written ({}); set MEGABAR_FFT_PLAN_CACHE=off to skip it\n",
               e.what());
  }
}

}  // namespace megabar::app
