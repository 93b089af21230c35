// Initializes Kokkos once for the whole test executable (tests link GTest::gtest_main, so there is no
// main() of ours). Also selects FFTW_ESTIMATE planning unless the caller chose otherwise, to keep tests fast.
#include <gtest/gtest.h>

#include <Kokkos_Core.hpp>
#include <cstdlib>

namespace {

class KokkosEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    setenv("MEGABAR_FFTW_ESTIMATE", "1", /*overwrite=*/0);
    if (!Kokkos::is_initialized()) Kokkos::initialize();
  }
  void TearDown() override {
    if (Kokkos::is_initialized()) Kokkos::finalize();
  }
};

// gtest takes ownership of the environment.
[[maybe_unused]] ::testing::Environment* const kokkos_environment =
    ::testing::AddGlobalTestEnvironment(new KokkosEnvironment);

}  // namespace
