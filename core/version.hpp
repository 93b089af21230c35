// What this megabar is (docs/input.md, "Provenance"): version, git commit, compute backend, CUDA
// architectures and build type, fixed when it was built (build_info.cpp is generated at every build by
// cmake/build_info.cmake), for `megabar --version`, results.json, the logs and trajectory.h5's creator.
#pragma once
#include <string>

namespace megabar::core {

struct BuildInfo {
  std::string version;     // e.g. "0.1.0"
  std::string commit;      // git commit of the source tree, 12 hex digits, "-dirty" with uncommitted changes
  std::string backend;     // "host" (Kokkos host space, FFTW, BLAS) or "cuda" (cuFFT, cuBLAS, cuSOLVER)
  std::string cuda_arch;   // e.g. "sm_80+sm_90"; "none" in host builds
  std::string build_type;  // CMAKE_BUILD_TYPE
  std::string compiler;    // e.g. "GNU 12.2.0"
};

const BuildInfo& build_info();

// "megabar 0.1.0 (commit 0123456789ab, host backend, Release build, GNU 12.2.0)" or with the CUDA arch.
std::string version_line();

}  // namespace megabar::core
