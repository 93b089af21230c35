#include "dft/extrapolation.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "kernels/linalg.hpp"
#include "kernels/loops.hpp"

namespace megabar::dft {

using kernels::linalg::gemm;
using kernels::linalg::Op;

namespace {

double binomial(int n, int k) {
  if (k < 0 || k > n) return 0.0;
  double r = 1.0;
  for (int i = 1; i <= k; ++i) r = r * (n - k + i) / i;
  return r;
}

}  // namespace

std::vector<double> aspc_coefficients(int m) {
  std::vector<double> b(m);
  for (int j = 1; j <= m; ++j)
    b[j - 1] = (j % 2 ? 1.0 : -1.0) * j * binomial(2 * m, m - j) / binomial(2 * m - 2, m - 1);
  return b;
}

namespace {

View1<complex> copy_of(const View1<complex>& v, const char* label) {
  if (v.extent(0) == 0) return {};
  View1<complex> c(std::string(label), v.extent(0));
  Kokkos::deep_copy(c, v);
  return c;
}

// Whether the first m entries all hold nG coefficients.
bool all_sized(const std::vector<View1<complex>>& v, int m, std::size_t nG) {
  for (int j = 0; j < m; ++j)
    if (j >= static_cast<int>(v.size()) || v[j].extent(0) != nG || nG == 0) return false;
  return true;
}

}  // namespace

// rho += b f. (Outside the anonymous namespace: nvcc's extended lambdas need a function with external linkage.)
void extrapolation_add_scaled(View1<complex> rho, double b, const View1<complex>& f) {
  Kokkos::parallel_for(
      "dft::extrapolation::density", kernels::RangePolicy(0, static_cast<long>(rho.extent(0))),
      KOKKOS_LAMBDA(long k) { rho(k) += b * f(k); });
}

void WavefunctionExtrapolator::push(const View2<double>& X, const View1<complex>& rho_G,
                                    const View1<complex>& rho_atomic_G) {
  View2<double> copy("extrapolation::X", X.extent(0), X.extent(1));
  Kokkos::deep_copy(copy, X);
  history_.insert(history_.begin(), copy);
  densities_.resize(history_.size() - 1);
  densities_.insert(densities_.begin(), copy_of(rho_G, "extrapolation::rho_G"));
  atomic_.resize(history_.size() - 1);
  atomic_.insert(atomic_.begin(), copy_of(rho_atomic_G, "extrapolation::rho_atomic_G"));
  if (static_cast<int>(history_.size()) > depth()) {
    history_.resize(depth());
    densities_.resize(depth());
    atomic_.resize(depth());
  }
}

void WavefunctionExtrapolator::set_history(std::vector<View2<double>> newest_first,
                                           std::vector<View1<complex>> densities,
                                           std::vector<View1<complex>> atomic_densities) {
  history_ = std::move(newest_first);
  densities_ = std::move(densities);
  densities_.resize(history_.size());
  atomic_ = std::move(atomic_densities);
  atomic_.resize(history_.size());
}

View1<complex> WavefunctionExtrapolator::predict_density(const View1<complex>& rho_atomic_G) const {
  const int m = used();
  if (m < 1) return {};
  const std::size_t nG = densities_[0].extent(0);
  if (!all_sized(densities_, m, nG)) return {};
  const bool atomic = rho_atomic_G.extent(0) == nG && all_sized(atomic_, m, nG);
  if (!atomic && m < 2) return {};
  const auto B = aspc_coefficients(m);
  View1<complex> rho("extrapolation::rho_pred", nG);
  if (atomic) Kokkos::deep_copy(rho, rho_atomic_G);
  for (int j = 0; j < m; ++j) {
    extrapolation_add_scaled(rho, B[j], densities_[j]);
    if (atomic) extrapolation_add_scaled(rho, -B[j], atomic_[j]);
  }
  return rho;
}

View2<double> WavefunctionExtrapolator::predict(int n_occupied) const {
  if (history_.empty()) throw std::logic_error("WavefunctionExtrapolator::predict: no history");
  const View2<double>& last = history_[0];
  const int n = static_cast<int>(last.extent(0)), nb = static_cast<int>(last.extent(1));
  const int no = n_occupied;
  const int m = used();
  View2<double> Y("extrapolation::X_pred", n, nb);
  Kokkos::deep_copy(Y, last);  // buffer (empty) bands: the last step's
  if (m >= 2) {
    const auto B = aspc_coefficients(m);
    View2<double> C("extrapolation::overlap", no, no);
    for (int j = 0; j < m; ++j) {
      const View2<double>& Xj = history_[j];
      // C = X_{t-j}^T X_{t-1} (occupied blocks), then Y_occ (+)= B_j X_{t-j} C.
      gemm(Op::T, Op::N, no, no, n, 1.0, Xj.data(), Xj.stride(1), last.data(), last.stride(1), 0.0, C.data(),
           C.stride(1));
      gemm(Op::N, Op::N, n, no, no, B[j], Xj.data(), Xj.stride(1), C.data(), C.stride(1), j == 0 ? 0.0 : 1.0, Y.data(),
           Y.stride(1));
    }
  }
  orthonormalize(Y);
  return Y;
}

void orthonormalize(View2<double> X) {
  const int n = static_cast<int>(X.extent(0)), nb = static_cast<int>(X.extent(1));
  View2<double> S("extrapolation::S", nb, nb);
  kernels::linalg::syrk_t(nb, n, 1.0, X.data(), X.stride(1), 0.0, S.data(), S.stride(1));
  if (kernels::linalg::potrf_upper(nb, S.data(), S.stride(1)) != 0)
    throw std::runtime_error("orthonormalize: the bands are linearly dependent");
  kernels::linalg::trsm_right_upper(n, nb, S.data(), S.stride(1), X.data(), X.stride(1));
}

}  // namespace megabar::dft
