#include "dft/mixing.hpp"

#include <vector>

#include "dft/coulomb.hpp"
#include "dft/scf_control.hpp"
#include "kernels/linalg.hpp"

namespace megabar::dft {

PulayMixer::PulayMixer(const Basis& basis, double beta, int history, double kerker_q0)
    : basis_(basis), beta_(beta), q0_(kerker_q0), history_(history) {}

double PulayMixer::metric(const View1<complex>& a, const View1<complex>& b) const {
  auto G2 = basis_.dense().G2;
  double s = 0;
  Kokkos::parallel_reduce(
      "dft::mixing::metric", kernels::RangePolicy(0, basis_.dense().count),
      KOKKOS_LAMBDA(int k, double& acc) {
        acc += coulomb_kernel(G2(k)) * (a(k).real() * b(k).real() + a(k).imag() * b(k).imag());
      },
      s);
  return 0.5 * basis_.cell().volume * s;
}

void PulayMixer::mix(View1<complex> rho_in, const View1<complex>& rho_out) {
  const int nG = basis_.dense().count;
  View1<complex> rin("mixing::rho_in", nG), res("mixing::residual", nG);
  Kokkos::deep_copy(rin, rho_in);
  Kokkos::parallel_for(
      "dft::mixing::residual", kernels::RangePolicy(0, nG), KOKKOS_LAMBDA(int k) { res(k) = rho_out(k) - rin(k); });
  rho_hist_.push_back(rin);
  res_hist_.push_back(res);
  if (static_cast<int>(rho_hist_.size()) > history_) {
    rho_hist_.pop_front();
    res_hist_.pop_front();
  }
  const int m = static_cast<int>(res_hist_.size());
  // Solve the bordered system [A 1; 1^T 0] [alpha; mu] = [0; 1] through the eigen-decomposition of A
  // (robust when old residuals are nearly dependent).
  std::vector<double> A(m * m), w(m);
  for (int i = 0; i < m; ++i)
    for (int j = i; j < m; ++j) A[i + j * m] = A[j + i * m] = metric(res_hist_[i], res_hist_[j]);
  std::vector<double> alpha(m, 0.0);
  {
    // The m x m problem is solved where linalg works (device memory on GPU builds), vectors read back.
    View2<double> U("mixing::U", m, m);
    auto Uh = Kokkos::create_mirror_view(U);
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < m; ++j) Uh(i, j) = A[i + j * m];
    Kokkos::deep_copy(U, Uh);
    kernels::linalg::syev(m, U.data(), U.stride(1), w.data());
    Kokkos::deep_copy(Uh, U);
    // alpha ~ A^{-1} 1, normalised to sum 1; directions with tiny eigenvalues are dropped.
    double sum = 0;
    for (int k = 0; k < m; ++k) {
      if (w[k] <= scf_control::pulay_relative_eigenvalue_cutoff * w[m - 1]) continue;
      double proj = 0;
      for (int i = 0; i < m; ++i) proj += Uh(i, k);
      for (int i = 0; i < m; ++i) alpha[i] += Uh(i, k) * proj / w[k];
    }
    for (double a : alpha) sum += a;
    if (sum == 0.0) {
      alpha.assign(m, 0.0);
      alpha[m - 1] = 1.0;
    } else {
      for (double& a : alpha) a /= sum;
    }
  }
  auto G2 = basis_.dense().G2;
  const double beta = beta_, q02 = q0_ * q0_;
  Kokkos::deep_copy(rho_in, complex(0.0, 0.0));
  for (int i = 0; i < m; ++i) {
    auto ri = rho_hist_[i];
    auto fi = res_hist_[i];
    const double a = alpha[i];
    Kokkos::parallel_for(
        "dft::mixing::combine", kernels::RangePolicy(0, nG), KOKKOS_LAMBDA(int k) {
          const double kerker = G2(k) > 0 ? G2(k) / (G2(k) + q02) : 1.0;
          rho_in(k) += a * (ri(k) + beta * kerker * fi(k));
        });
  }
}

}  // namespace megabar::dft
