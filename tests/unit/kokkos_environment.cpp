// Initializes Kokkos once for the whole test executable (tests link GTest::gtest_main, so there is no
// main() of ours). Also selects FFTW_ESTIMATE planning unless the caller chose otherwise, to keep tests fast.
#include <gtest/gtest.h>

#include <Kokkos_Core.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>

namespace {

class KokkosEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    setenv("MEGABAR_FFTW_ESTIMATE", "1", /*overwrite=*/0);
    if (Kokkos::is_initialized()) return;
    try {
      Kokkos::initialize();
    } catch (const std::exception& e) {  // e.g. a CUDA build on a machine without a usable GPU
      std::fprintf(stderr, "megabar_tests: cannot initialise Kokkos (%s); no test can run here\n", e.what());
      std::exit(2);
    }
  }
  void TearDown() override {
    if (Kokkos::is_initialized()) Kokkos::finalize();
  }
};

// gtest takes ownership of the environment.
[[maybe_unused]] ::testing::Environment* const kokkos_environment =
    ::testing::AddGlobalTestEnvironment(new KokkosEnvironment);

}  // namespace
