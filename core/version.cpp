#include "core/version.hpp"

namespace megabar::core {

std::string version_line() {
  const BuildInfo& b = build_info();
  std::string line = "megabar " + b.version + " (commit " + b.commit + ", " + b.backend + " backend";
  if (b.backend == "cuda") line += " " + b.cuda_arch;
  return line + ", " + b.build_type + " build, " + b.compiler + ")";
}

}  // namespace megabar::core
