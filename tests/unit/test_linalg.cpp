// kernels::linalg (host backend) against naive loops and matrices with known spectra.
// All matrices are column-major: A(i,j) = a[i + j*lda].
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "kernels/linalg.hpp"
#include "kernels/views.hpp"

namespace {

namespace la = megabar::kernels::linalg;
using Mat = std::vector<double>;

// A host matrix mirrored in the facade's memory space for the duration of one call (the facade takes
// device pointers on GPU backends); the result is copied back when the mirror goes out of scope.
class OnDevice {
 public:
  explicit OnDevice(Mat& host) : host_(host), dev_("test::on_device", host.size()) {
    Kokkos::deep_copy(dev_, Unmanaged(host_.data(), host_.size()));
  }
  ~OnDevice() { Kokkos::deep_copy(Unmanaged(host_.data(), host_.size()), dev_); }
  double* data() { return dev_.data(); }

 private:
  using Unmanaged = Kokkos::View<double*, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
  Mat& host_;
  megabar::kernels::View1<double> dev_;
};

Mat random_matrix(int rows, int cols, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  Mat a(size_t(rows) * cols);
  for (double& x : a) x = u(rng);
  return a;
}

// Random orthogonal n x n matrix Q (columns orthonormal), from Gram-Schmidt of a random matrix.
Mat random_orthogonal(int n, unsigned seed) {
  Mat q = random_matrix(n, n, seed);
  for (int j = 0; j < n; ++j) {
    for (int k = 0; k < j; ++k) {
      double d = 0;
      for (int i = 0; i < n; ++i) d += q[i + k * n] * q[i + j * n];
      for (int i = 0; i < n; ++i) q[i + j * n] -= d * q[i + k * n];
    }
    double norm = 0;
    for (int i = 0; i < n; ++i) norm += q[i + j * n] * q[i + j * n];
    for (int i = 0; i < n; ++i) q[i + j * n] /= std::sqrt(norm);
  }
  return q;
}

// Q diag(d) Q^T.
Mat with_spectrum(const Mat& q, const std::vector<double>& d) {
  const int n = int(d.size());
  Mat a(size_t(n) * n, 0.0);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < n; ++k) a[i + j * n] += q[i + k * n] * d[k] * q[j + k * n];
  return a;
}

TEST(Linalg, GemmMatchesNaiveLoopForAllTransposeCombinations) {
  const int m = 5, n = 4, k = 7;
  for (la::Op opa : {la::Op::N, la::Op::T})
    for (la::Op opb : {la::Op::N, la::Op::T}) {
      const bool ta = opa == la::Op::T, tb = opb == la::Op::T;
      const int lda = ta ? k : m, ldb = tb ? n : k;
      Mat A = random_matrix(lda, ta ? m : k, 1), B = random_matrix(ldb, tb ? k : n, 2);
      Mat C = random_matrix(m, n, 3), ref = C;
      const double alpha = 0.7, beta = -1.3;
      for (int i = 0; i < m; ++i)
        for (int j = 0; j < n; ++j) {
          double s = 0;
          for (int l = 0; l < k; ++l)
            s += (ta ? A[l + i * lda] : A[i + l * lda]) * (tb ? B[j + l * ldb] : B[l + j * ldb]);
          ref[i + j * m] = alpha * s + beta * ref[i + j * m];
        }
      {
        OnDevice a(A), b(B), c(C);
        la::gemm(opa, opb, m, n, k, alpha, a.data(), lda, b.data(), ldb, beta, c.data(), m);
      }
      for (size_t i = 0; i < C.size(); ++i) EXPECT_NEAR(C[i], ref[i], 1e-13);
    }
}

TEST(Linalg, SyrkGivesUpperTriangleOfATransposeA) {
  const int n = 6, k = 9;
  Mat A = random_matrix(k, n, 4), C(n * n, 0.0);
  {
    OnDevice a(A), c(C);
    la::syrk_t(n, k, 2.0, a.data(), k, 0.0, c.data(), n);
    la::symmetrize_from_upper(n, c.data(), n);
  }
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double s = 0;
      for (int l = 0; l < k; ++l) s += A[l + i * k] * A[l + j * k];
      EXPECT_NEAR(C[i + j * n], 2.0 * s, 1e-13);
    }
}

TEST(Linalg, CholeskyQrGivesOrthonormalColumns) {
  const int m = 40, n = 6;  // tall: m rows (coefficients), n columns (bands)
  Mat X = random_matrix(m, n, 5), X0 = X, S(n * n, 0.0);
  {
    OnDevice x(X), s(S);
    la::syrk_t(n, m, 1.0, x.data(), m, 0.0, s.data(), n);  // S = X^T X = U^T U
    ASSERT_EQ(la::potrf_upper(n, s.data(), n), 0);
    la::trsm_right_upper(m, n, s.data(), n, x.data(), m);  // X <- X U^{-1}
  }
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double s = 0;
      for (int l = 0; l < m; ++l) s += X[l + i * m] * X[l + j * m];
      EXPECT_NEAR(s, i == j ? 1.0 : 0.0, 1e-12);
    }
  // X U reproduces the original columns (U upper).
  for (int l = 0; l < m; ++l)
    for (int j = 0; j < n; ++j) {
      double s = 0;
      for (int i = 0; i <= j; ++i) s += X[l + i * m] * S[i + j * n];
      EXPECT_NEAR(s, X0[l + j * m], 1e-12);
    }
}

TEST(Linalg, PotrfReportsNonPositiveDefinite) {
  Mat A{1.0, 2.0, 2.0, 1.0};  // eigenvalues 3, -1
  OnDevice a(A);
  EXPECT_GT(la::potrf_upper(2, a.data(), 2), 0);
}

TEST(Linalg, SyevRecoversKnownEigenvaluesAndVectors) {
  const int n = 7;
  const std::vector<double> d{3.0, -2.0, 0.5, 10.0, -7.5, 1.0, 4.25};
  const Mat q = random_orthogonal(n, 6);
  Mat A = with_spectrum(q, d), A0 = A;
  std::vector<double> w(n);
  {
    OnDevice a(A);  // w stays on the host: the facade returns eigenvalues there
    ASSERT_EQ(la::syev(n, a.data(), n, w.data()), 0);
  }
  std::vector<double> sorted = d;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < n; ++i) EXPECT_NEAR(w[i], sorted[i], 1e-12);
  for (int j = 0; j < n; ++j)  // A0 v = w v
    for (int i = 0; i < n; ++i) {
      double s = 0;
      for (int l = 0; l < n; ++l) s += A0[i + l * n] * A[l + j * n];
      EXPECT_NEAR(s, w[j] * A[i + j * n], 1e-11);
    }
}

TEST(Linalg, SygvMatchesKnownGeneralisedSpectrum) {
  // B = Q diag(b) Q^T and A = Q diag(a*b) Q^T share eigenvectors, so A v = lambda B v has lambda = a.
  const int n = 5;
  const std::vector<double> a{2.0, -1.0, 0.25, 5.0, -3.0}, b{1.0, 2.0, 0.5, 4.0, 3.0};
  std::vector<double> ab(n);
  for (int i = 0; i < n; ++i) ab[i] = a[i] * b[i];
  const Mat q = random_orthogonal(n, 8);
  Mat A = with_spectrum(q, ab), B = with_spectrum(q, b), A0 = A, B0 = B;
  std::vector<double> w(n);
  {
    OnDevice a(A), b(B);
    ASSERT_EQ(la::sygv(n, a.data(), n, b.data(), n, w.data()), 0);
  }
  std::vector<double> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < n; ++i) EXPECT_NEAR(w[i], sorted[i], 1e-12);
  // Eigenvectors are B-orthonormal: V^T B0 V = 1.
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double s = 0;
      for (int k = 0; k < n; ++k)
        for (int l = 0; l < n; ++l) s += A[k + i * n] * B0[k + l * n] * A[l + j * n];
      EXPECT_NEAR(s, i == j ? 1.0 : 0.0, 1e-12);
    }
  // B now holds U with B0 = U^T U.
  for (int i = 0; i < n; ++i)
    for (int j = i; j < n; ++j) {
      double s = 0;
      for (int k = 0; k <= i; ++k) s += B[k + i * n] * B[k + j * n];
      EXPECT_NEAR(s, B0[i + j * n], 1e-12);
    }
}

}  // namespace
