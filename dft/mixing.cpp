#include "dft/mixing.hpp"

#include <algorithm>
#include <cmath>
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

void PulayMixer::reset() {
  d_rho_.clear();
  d_res_.clear();
  last_rho_ = View1<complex>();
  last_res_ = View1<complex>();
}

MixingHistory PulayMixer::history() const {
  MixingHistory h;
  h.d_rho.assign(d_rho_.begin(), d_rho_.end());
  h.d_res.assign(d_res_.begin(), d_res_.end());
  return h;
}

void PulayMixer::seed(const MixingHistory& h) {
  reset();
  const std::size_t nG = basis_.dense().count;
  for (int j = 0; j < h.size(); ++j) {
    if (h.d_rho[j].extent(0) != nG || h.d_res[j].extent(0) != nG) continue;
    d_rho_.push_back(h.d_rho[j]);
    d_res_.push_back(h.d_res[j]);
  }
  while (static_cast<int>(d_rho_.size()) > history_) d_rho_.pop_front(), d_res_.pop_front();
}

namespace {

// res = rho_out - rho_in (free functions: nvcc does not allow device lambdas in private member functions).
void residual_of(const View1<complex>& rho_in, const View1<complex>& rho_out, View1<complex> res, int nG) {
  Kokkos::parallel_for(
      "dft::mixing::residual", kernels::RangePolicy(0, nG), KOKKOS_LAMBDA(int k) { res(k) = rho_out(k) - rho_in(k); });
}

// (dr, df) <- (rin - dr, res - df): the pair of this iteration against the previous one, in place.
void difference_pair(View1<complex> dr, View1<complex> df, const View1<complex>& rin, const View1<complex>& res,
                     int nG) {
  Kokkos::parallel_for(
      "dft::mixing::difference", kernels::RangePolicy(0, nG), KOKKOS_LAMBDA(int k) {
        dr(k) = rin(k) - dr(k);
        df(k) = res(k) - df(k);
      });
}

}  // namespace

View1<complex> PulayMixer::push(const View1<complex>& rho_in, const View1<complex>& rho_out) {
  const int nG = basis_.dense().count;
  View1<complex> rin("mixing::rho_in", nG), res("mixing::residual", nG);
  Kokkos::deep_copy(rin, rho_in);
  residual_of(rin, rho_out, res, nG);
  if (last_rho_.extent(0) == static_cast<std::size_t>(nG)) {
    // The new pair is written into the previous iteration's arrays, which are not needed any more.
    difference_pair(last_rho_, last_res_, rin, res, nG);
    d_rho_.push_back(last_rho_);
    d_res_.push_back(last_res_);
    while (static_cast<int>(d_rho_.size()) > history_) d_rho_.pop_front(), d_res_.pop_front();
  }
  last_rho_ = rin;
  last_res_ = res;
  return res;
}

void PulayMixer::record(const View1<complex>& rho_in, const View1<complex>& rho_out) { push(rho_in, rho_out); }

void PulayMixer::mix(View1<complex> rho_in, const View1<complex>& rho_out) {
  const int nG = basis_.dense().count;
  // push() copies rho_in and rho_out - rho_in before rho_in is overwritten below.
  const View1<complex> F = push(rho_in, rho_out);
  const int m = static_cast<int>(d_res_.size());
  // gamma solves the normal equations A gamma = b, A_ij = <dF_i|dF_j>, b_i = <dF_i|F>, through the
  // eigen-decomposition of A scaled to unit diagonal (pairs of very different sizes, from early and late
  // iterations, stay well conditioned); directions with tiny eigenvalues (nearly dependent pairs) are dropped.
  std::vector<double> gamma(m, 0.0);
  predicted_ = metric(F, F);
  if (m > 0) {
    std::vector<double> A(m * m), b(m), d(m);
    for (int i = 0; i < m; ++i) {
      for (int j = i; j < m; ++j) A[i + j * m] = A[j + i * m] = metric(d_res_[i], d_res_[j]);
      b[i] = metric(d_res_[i], F);
    }
    for (int i = 0; i < m; ++i) d[i] = A[i + i * m] > 0 ? 1.0 / std::sqrt(A[i + i * m]) : 0.0;
    // The m x m problem is solved where linalg works (device memory on GPU builds), vectors read back.
    View2<double> U("mixing::U", m, m);
    auto Uh = Kokkos::create_mirror_view(U);
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < m; ++j) Uh(i, j) = d[i] * A[i + j * m] * d[j];
    Kokkos::deep_copy(U, Uh);
    std::vector<double> w(m);
    kernels::linalg::syev(m, U.data(), U.stride(1), w.data());
    Kokkos::deep_copy(Uh, U);
    for (int k = 0; k < m; ++k) {
      if (w[k] <= scf_control::pulay_relative_eigenvalue_cutoff * w[m - 1]) continue;
      double proj = 0;
      for (int i = 0; i < m; ++i) proj += Uh(i, k) * d[i] * b[i];
      for (int i = 0; i < m; ++i) gamma[i] += d[i] * Uh(i, k) * proj / w[k];
    }
    // |F - dF gamma|^2 = |F|^2 - 2 gamma.b + gamma^T A gamma
    double p = predicted_;
    for (int i = 0; i < m; ++i) {
      p -= 2.0 * gamma[i] * b[i];
      for (int j = 0; j < m; ++j) p += gamma[i] * A[i + j * m] * gamma[j];
    }
    predicted_ = std::max(0.0, p);
  }
  auto G2 = basis_.dense().G2;
  const double beta = beta_, q02 = q0_ * q0_;
  auto rin = last_rho_;
  Kokkos::parallel_for(
      "dft::mixing::linear", kernels::RangePolicy(0, nG), KOKKOS_LAMBDA(int k) {
        const double kerker = G2(k) > 0 ? G2(k) / (G2(k) + q02) : 1.0;
        rho_in(k) = rin(k) + beta * kerker * F(k);
      });
  for (int i = 0; i < m; ++i) {
    auto dr = d_rho_[i], df = d_res_[i];
    const double g = gamma[i];
    if (g == 0.0) continue;
    Kokkos::parallel_for(
        "dft::mixing::combine", kernels::RangePolicy(0, nG), KOKKOS_LAMBDA(int k) {
          const double kerker = G2(k) > 0 ? G2(k) / (G2(k) + q02) : 1.0;
          rho_in(k) -= g * (dr(k) + beta * kerker * df(k));
        });
  }
}

}  // namespace megabar::dft
