// kernels::for_2d: every (i0, i1) visited exactly once, also when the second extent exceeds what a CUDA
// grid's y dimension can hold (65535 blocks): Kokkos 3.4's MDRangePolicy silently skipped such loops on the
// first GPU run (a zero local potential at 60 atoms, 80 Ry).
#include <gtest/gtest.h>

#include "kernels/loops.hpp"

using namespace megabar::kernels;

namespace {

// Each (i, j) adds its own number; returns how many entries differ from it (0 when each was visited once).
long wrong_visits(int n0, int n1) {
  Kokkos::View<int**, Kokkos::LayoutRight, MemSpace> hits("hits", n0, n1);
  for_2d(
      "test::for_2d", n0, n1, KOKKOS_LAMBDA(int i, int j) { Kokkos::atomic_add(&hits(i, j), i * n1 + j + 1); });
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), hits);
  long wrong = 0;
  for (int i = 0; i < n0; ++i)
    for (int j = 0; j < n1; ++j) wrong += h(i, j) != i * n1 + j + 1;
  return wrong;
}

int calls(int n0, int n1) {
  Kokkos::View<int*, MemSpace> count("count", 1);
  for_2d(
      "test::for_2d_count", n0, n1, KOKKOS_LAMBDA(int, int) { Kokkos::atomic_add(&count(0), 1); });
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), count);
  return h(0);
}

}  // namespace

TEST(Loops, For2dVisitsEveryPairOnceWithALargeSecondExtent) {
  EXPECT_EQ(wrong_visits(3, 300000), 0);  // 300000 > 65535 * any tile size Kokkos 3.4 would pick for it
  EXPECT_EQ(wrong_visits(70000, 2), 0);
}

TEST(Loops, For2dVisitsEveryPairOnceWhenRowsStraddleTheHostChunks) {
  // The host path walks chunks of 4096 flat indices row by row: rows that a chunk boundary splits, rows of
  // exactly one chunk, and a short last chunk.
  EXPECT_EQ(wrong_visits(37, 1000), 0);
  EXPECT_EQ(wrong_visits(3, 4096), 0);
  EXPECT_EQ(wrong_visits(5, 4097), 0);
  EXPECT_EQ(wrong_visits(1, 1), 0);
}

TEST(Loops, For2dWithAnEmptyExtentDoesNothing) {
  EXPECT_EQ(calls(0, 5), 0);
  EXPECT_EQ(calls(5, 0), 0);
  EXPECT_EQ(calls(4, 5), 20);
}

namespace {
// Fills v with ones, zeroes its first `count` entries with fill_zero, and returns how many entries are wrong.
long wrong_after_fill_zero(long n, long count) {
  View1<complex> v("v", n);
  Kokkos::deep_copy(v, complex(1.0, -1.0));
  fill_zero(v, count);
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v);
  long wrong = 0;
  for (long i = 0; i < n; ++i) wrong += i < count ? h(i) != complex(0.0, 0.0) : h(i) != complex(1.0, -1.0);
  return wrong;
}
}  // namespace

TEST(Loops, FillZeroClearsExactlyTheFirstEntries) {
  EXPECT_EQ(wrong_after_fill_zero(100003, 100003), 0);
  EXPECT_EQ(wrong_after_fill_zero(100003, 54321), 0);  // the rest (real and imaginary parts) untouched
  EXPECT_EQ(wrong_after_fill_zero(17, 0), 0);
}
