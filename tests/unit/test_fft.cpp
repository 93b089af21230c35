// kernels::FFT3D against analytic transforms.
// Convention: forward F(G) = (1/N) sum_r f(r) e^{-iG.r}; backward f(r) = sum_G F(G) e^{+iG.r};
// flat index (i0*n1 + i1)*n2 + i2.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <random>
#include <vector>

#include "kernels/fft.hpp"

namespace {

using megabar::kernels::complex;
using megabar::kernels::FFT3D;
using megabar::kernels::View1;

constexpr double two_pi = 6.283185307179586;

// exp(+i G.r) on grid n for Miller indices m (G.r = 2 pi sum_d m_d i_d / n_d).
complex plane_wave(const std::array<int, 3>& n, const std::array<int, 3>& m, int i0, int i1, int i2) {
  const double phase = two_pi * (double(m[0]) * i0 / n[0] + double(m[1]) * i1 / n[1] + double(m[2]) * i2 / n[2]);
  return complex(std::cos(phase), std::sin(phase));
}

long flat(const std::array<int, 3>& n, int i0, int i1, int i2) { return (long(i0) * n[1] + i1) * n[2] + i2; }

int wrap(int m, int n) { return ((m % n) + n) % n; }

void fill_plane_wave(View1<complex>::HostMirror h, long offset, const std::array<int, 3>& n,
                     const std::array<int, 3>& m) {
  for (int i0 = 0; i0 < n[0]; ++i0)
    for (int i1 = 0; i1 < n[1]; ++i1)
      for (int i2 = 0; i2 < n[2]; ++i2) h(offset + flat(n, i0, i1, i2)) = plane_wave(n, m, i0, i1, i2);
}

// Checks that grid at `offset` equals the Kronecker delta at the wrapped Miller index m.
void expect_delta(View1<complex>::HostMirror h, long offset, const std::array<int, 3>& n, const std::array<int, 3>& m) {
  const long peak = flat(n, wrap(m[0], n[0]), wrap(m[1], n[1]), wrap(m[2], n[2]));
  const long N = long(n[0]) * n[1] * n[2];
  for (long i = 0; i < N; ++i) {
    const complex expected = i == peak ? complex(1.0, 0.0) : complex(0.0, 0.0);
    ASSERT_NEAR(h(offset + i).real(), expected.real(), 1e-12) << "index " << i;
    ASSERT_NEAR(h(offset + i).imag(), expected.imag(), 1e-12) << "index " << i;
  }
}

TEST(FFT3D, SingleHarmonicIsKroneckerDeltaOnNonCubicGrid) {
  const std::array<int, 3> n{6, 10, 15}, m{1, -3, 4};
  FFT3D fft(n);
  View1<complex> data("data", fft.size());
  auto h = Kokkos::create_mirror_view(data);
  fill_plane_wave(h, 0, n, m);
  Kokkos::deep_copy(data, h);

  fft.forward(data);
  Kokkos::deep_copy(h, data);
  expect_delta(h, 0, n, m);

  fft.backward(data);  // delta -> exp(+iG.r)
  Kokkos::deep_copy(h, data);
  for (int i0 = 0; i0 < n[0]; ++i0)
    for (int i1 = 0; i1 < n[1]; ++i1)
      for (int i2 = 0; i2 < n[2]; ++i2) {
        const complex ref = plane_wave(n, m, i0, i1, i2), got = h(flat(n, i0, i1, i2));
        ASSERT_NEAR(got.real(), ref.real(), 1e-12);
        ASSERT_NEAR(got.imag(), ref.imag(), 1e-12);
      }
}

TEST(FFT3D, RoundTripRestoresRandomData) {
  const std::array<int, 3> n{8, 9, 5};
  FFT3D fft(n);
  View1<complex> data("data", fft.size());
  // The original values in a plain host array: a mirror view would alias `data` on host backends, and the
  // comparison below would then compare the result with itself.
  auto h = Kokkos::create_mirror_view(data);
  std::vector<complex> orig(fft.size());
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(-1, 1);
  for (long i = 0; i < fft.size(); ++i) h(i) = orig[i] = complex(u(rng), u(rng));
  Kokkos::deep_copy(data, h);
  fft.forward(data);
  fft.backward(data);
  Kokkos::deep_copy(h, data);
  for (long i = 0; i < fft.size(); ++i) {
    EXPECT_NEAR(h(i).real(), orig[i].real(), 1e-13);
    EXPECT_NEAR(h(i).imag(), orig[i].imag(), 1e-13);
  }
}

TEST(FFT3D, BatchOfThreeWithCountTwoLeavesThirdGridUntouched) {
  const std::array<int, 3> n{4, 6, 5};
  const std::array<std::array<int, 3>, 3> m{{{1, 2, 3}, {-1, 0, 2}, {0, 1, -2}}};
  FFT3D fft(n, 3);
  const long N = fft.size();
  View1<complex> data("data", 3 * N);
  auto h = Kokkos::create_mirror_view(data);
  for (int b = 0; b < 3; ++b) fill_plane_wave(h, b * N, n, m[b]);
  Kokkos::deep_copy(data, h);

  fft.forward(data, 2);
  Kokkos::deep_copy(h, data);
  expect_delta(h, 0, n, m[0]);
  expect_delta(h, N, n, m[1]);
  for (int i0 = 0; i0 < n[0]; ++i0)  // third grid still the plane wave
    for (int i1 = 0; i1 < n[1]; ++i1)
      for (int i2 = 0; i2 < n[2]; ++i2) ASSERT_EQ(h(2 * N + flat(n, i0, i1, i2)), plane_wave(n, m[2], i0, i1, i2));

  fft.forward(data);  // full batch, then back: grids 0,1 return to their deltas, grid 2 to its wave
  fft.backward(data, 3);
  Kokkos::deep_copy(h, data);
  expect_delta(h, 0, n, m[0]);
  expect_delta(h, N, n, m[1]);
  for (int i0 = 0; i0 < n[0]; ++i0)
    for (int i1 = 0; i1 < n[1]; ++i1)
      for (int i2 = 0; i2 < n[2]; ++i2) {
        const complex ref = plane_wave(n, m[2], i0, i1, i2), got = h(2 * N + flat(n, i0, i1, i2));
        ASSERT_NEAR(got.real(), ref.real(), 1e-12);
        ASSERT_NEAR(got.imag(), ref.imag(), 1e-12);
      }
}

TEST(FFT3D, MisalignedPointerAndOddSizeGiveCorrectResult) {
  const std::array<int, 3> n{3, 5, 7}, m{1, 2, -3};
  FFT3D fft(n, 2);
  const long N = fft.size();
  View1<complex> storage("storage", 2 * N + 1);
  View1<complex> data = Kokkos::subview(storage, Kokkos::make_pair(1L, 1L + 2 * N));  // 16-byte offset
  auto h = Kokkos::create_mirror_view(storage);
  fill_plane_wave(h, 1, n, m);
  fill_plane_wave(h, 1 + N, n, m);
  Kokkos::deep_copy(storage, h);
  fft.forward(data);  // batched plan on a shifted pointer
  Kokkos::deep_copy(h, storage);
  expect_delta(h, 1, n, m);
  expect_delta(h, 1 + N, n, m);
  fft.backward(data, 1);  // single-grid plan
  fft.forward(data, 1);
  Kokkos::deep_copy(h, storage);
  expect_delta(h, 1, n, m);
}

TEST(FFT3D, RejectsCountLargerThanBatch) {
  FFT3D fft({4, 4, 4}, 1);
  View1<complex> data("data", 2 * fft.size());
  EXPECT_THROW(fft.forward(data, 2), std::invalid_argument);
}

}  // namespace

// The box-pruned transforms (used for wavefunctions) agree with the full ones: backward on data that
// lives in the box, forward on the entries inside the box; run with two threads to cover the parallel
// batch path.
TEST(FFT3D, BoxTransformsMatchFullTransforms) {
  megabar::kernels::set_host_threads(2);
  const std::array<int, 3> n{12, 10, 15}, box{2, 2, 3};
  const int batch = 3;
  const long N = long(n[0]) * n[1] * n[2];
  megabar::kernels::FFT3D fft(n, batch);
  megabar::kernels::View1<megabar::kernels::complex> a("a", batch * N), b("b", batch * N);
  auto ah = Kokkos::create_mirror_view(a);
  auto in_box = [&](int i, int d) { return i <= box[d] || i >= n[d] - box[d]; };
  unsigned seed = 7;
  auto rnd = [&] {
    seed = seed * 1103515245u + 12345u;
    return double(seed % 1000) / 500.0 - 1.0;
  };
  for (int g = 0; g < batch; ++g)
    for (int i0 = 0; i0 < n[0]; ++i0)
      for (int i1 = 0; i1 < n[1]; ++i1)
        for (int i2 = 0; i2 < n[2]; ++i2) {
          const long idx = g * N + (long(i0) * n[1] + i1) * n[2] + i2;
          const bool inside = in_box(i0, 0) && in_box(i1, 1) && in_box(i2, 2);
          ah(idx) = inside ? megabar::kernels::complex(rnd(), rnd()) : megabar::kernels::complex(0.0, 0.0);
        }
  Kokkos::deep_copy(a, ah);
  Kokkos::deep_copy(b, a);
  fft.backward(a, batch);
  fft.backward_box(b, batch, box);
  auto A = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a);
  auto B = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), b);
  for (long i = 0; i < batch * N; ++i) ASSERT_NEAR(Kokkos::abs(A(i) - B(i)), 0.0, 1e-12) << "backward, entry " << i;
  // forward of a general field: compare inside the box only
  Kokkos::deep_copy(b, a);
  fft.forward(a, batch);
  fft.forward_box(b, batch, box, true);
  Kokkos::deep_copy(A, a);
  Kokkos::deep_copy(B, b);
  int compared = 0;
  for (int g = 0; g < batch; ++g)
    for (int i0 = 0; i0 < n[0]; ++i0)
      for (int i1 = 0; i1 < n[1]; ++i1)
        for (int i2 = 0; i2 < n[2]; ++i2) {
          if (!(in_box(i0, 0) && in_box(i1, 1) && in_box(i2, 2))) continue;
          const long idx = g * N + (long(i0) * n[1] + i1) * n[2] + i2;
          ASSERT_NEAR(Kokkos::abs(A(idx) - B(idx)), 0.0, 1e-12) << "forward, entry " << idx;
          ++compared;
        }
  EXPECT_EQ(compared, batch * 5 * 5 * 7);
  megabar::kernels::set_host_threads(1);
}

namespace {

// Largest |single - double| of the box transforms (backward of box content; forward of that result, inside
// the box) on `batch` grids of shape n, relative to the largest |double| value.
double single_box_error(const std::array<int, 3>& n, const std::array<int, 3>& box, int batch) {
  using megabar::kernels::complex;
  using megabar::kernels::complexf;
  const long N = long(n[0]) * n[1] * n[2];
  megabar::kernels::FFT3D fft(n, batch);
  megabar::kernels::View1<complex> a("a", batch * N);
  megabar::kernels::View1<complexf> f("f", batch * N);
  auto ah = Kokkos::create_mirror_view(a);
  auto fh = Kokkos::create_mirror_view(f);
  auto in_box = [&](long i, int d) { return i <= box[d] || i >= n[d] - box[d]; };
  auto inside = [&](long idx) {
    const long r = idx % N;
    return in_box(r / (long(n[1]) * n[2]), 0) && in_box((r / n[2]) % n[1], 1) && in_box(r % n[2], 2);
  };
  unsigned seed = 11;
  auto rnd = [&] {
    seed = seed * 1103515245u + 12345u;
    return double(seed % 1000) / 500.0 - 1.0;
  };
  for (long i = 0; i < batch * N; ++i) {
    ah(i) = inside(i) ? complex(rnd(), rnd()) : complex(0.0, 0.0);
    fh(i) = complexf(float(ah(i).real()), float(ah(i).imag()));
  }
  Kokkos::deep_copy(a, ah);
  Kokkos::deep_copy(f, fh);
  double worst = 0, scale = 0;
  auto compare = [&](bool box_only) {
    Kokkos::deep_copy(ah, a);
    Kokkos::deep_copy(fh, f);
    for (long i = 0; i < batch * N; ++i) {
      if (box_only && !inside(i)) continue;
      const complex d(fh(i).real() - ah(i).real(), fh(i).imag() - ah(i).imag());
      worst = std::max(worst, Kokkos::abs(d));
      scale = std::max(scale, Kokkos::abs(ah(i)));
    }
  };
  fft.backward_box(a, batch, box);
  fft.backward_box(f, batch, box);
  compare(false);
  fft.forward_box(a, batch, box, true);
  fft.forward_box(f, batch, box, true);
  compare(true);
  return worst / scale;
}

}  // namespace

// The single-precision box transforms compute the same as the double ones to float rounding (~1e-7),
// also for an odd grid size, where every second grid of a batch starts off FFTW's SIMD alignment.
TEST(FFT3D, SinglePrecisionBoxTransformsMatchDoubleOnes) {
  megabar::kernels::set_host_threads(2);
  const double even = single_box_error({12, 10, 16}, {2, 2, 3}, 3);
  const double odd = single_box_error({9, 7, 5}, {2, 1, 1}, 3);
  const double odd_lines = single_box_error({8, 6, 5}, {2, 1, 1}, 1);  // aligned grid, lines off alignment
  EXPECT_LT(odd_lines, 2e-6);
  EXPECT_LT(even, 2e-6);
  EXPECT_GT(even, 1e-10);  // it did run in single precision
  EXPECT_LT(odd, 2e-6);
  EXPECT_GT(odd, 1e-10);
  megabar::kernels::set_host_threads(1);
}

namespace {

// Largest |multiply_box - (backward_box, product, forward_box)| over the box entries of `batch` grids of shape
// n, relative to the largest entry, in the precision of C.
template <class C>
double multiply_box_error(const std::array<int, 3>& n, const std::array<int, 3>& box, int batch) {
  using R = typename C::value_type;
  const long N = long(n[0]) * n[1] * n[2];
  megabar::kernels::FFT3D fft(n, batch);
  megabar::kernels::View1<C> a("a", batch * N), b("b", batch * N);
  megabar::kernels::View1<R> v("v", N);
  auto ah = Kokkos::create_mirror_view(a);
  auto vh = Kokkos::create_mirror_view(v);
  auto in_box = [&](long i, int d) { return i <= box[d] || i >= n[d] - box[d]; };
  auto inside = [&](long idx) {
    const long r = idx % N;
    return in_box(r / (long(n[1]) * n[2]), 0) && in_box((r / n[2]) % n[1], 1) && in_box(r % n[2], 2);
  };
  unsigned seed = 5;
  auto rnd = [&] {
    seed = seed * 1103515245u + 12345u;
    return R(double(seed % 1000) / 500.0 - 1.0);
  };
  for (long i = 0; i < batch * N; ++i) ah(i) = inside(i) ? C(rnd(), rnd()) : C(0, 0);
  for (long i = 0; i < N; ++i) vh(i) = rnd();
  Kokkos::deep_copy(a, ah);
  Kokkos::deep_copy(b, a);
  const R scale = R(0.25);
  fft.multiply_box(a, batch, box, v, scale);
  {  // the x planes outside the box are left zero
    auto after = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a);
    for (long i = 0; i < batch * N; ++i) {
      const long i0 = (i % N) / (long(n[1]) * n[2]);
      if (!in_box(i0, 0) && Kokkos::abs(after(i)) != R(0)) return 1.0;  // reported as a large error
    }
  }
  fft.backward_box(b, batch, box);
  auto bh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), b);
  for (long i = 0; i < batch * N; ++i) bh(i) *= scale * vh(i % N);
  Kokkos::deep_copy(b, bh);
  fft.forward_box(b, batch, box, false);
  Kokkos::deep_copy(ah, a);
  Kokkos::deep_copy(bh, b);
  double worst = 0, largest = 0;
  for (long i = 0; i < batch * N; ++i) {
    if (!inside(i)) continue;
    worst = std::max(worst, double(Kokkos::abs(ah(i) - bh(i))));
    largest = std::max(largest, double(Kokkos::abs(bh(i))));
  }
  return worst / largest;
}

}  // namespace

// The potential products of the Hamiltonian (multiply_box: the x lines of both transforms and the product
// slab by slab) equal the three steps done one after the other, in both precisions, on one thread and on two
// (batch 3: two grids whole, one line-parallel), also for an odd grid (single-precision grids off alignment).
TEST(FFT3D, MultiplyBoxEqualsTransformProductTransform) {
  using megabar::kernels::complex;
  using megabar::kernels::complexf;
  for (int threads : {1, 2}) {
    megabar::kernels::set_host_threads(threads);
    EXPECT_LT(multiply_box_error<complex>({12, 10, 16}, {2, 2, 3}, 3), 1e-14) << threads << " threads";
    EXPECT_LT(multiply_box_error<complex>({9, 7, 5}, {2, 1, 1}, 3), 1e-14) << threads << " threads";
    EXPECT_LT(multiply_box_error<complexf>({12, 10, 16}, {2, 2, 3}, 3), 1e-6) << threads << " threads";
    EXPECT_LT(multiply_box_error<complexf>({9, 7, 5}, {2, 1, 1}, 3), 1e-6) << threads << " threads";
    // one aligned grid whose lines (odd n2) start off FFTW's single-precision SIMD alignment
    EXPECT_LT(multiply_box_error<complexf>({9, 7, 5}, {2, 1, 1}, 1), 1e-6) << threads << " threads";
  }
  megabar::kernels::set_host_threads(1);
}
