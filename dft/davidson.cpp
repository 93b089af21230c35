#include "kernels/math.hpp"
#include "dft/davidson.hpp"
#include "kernels/loops.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>

#include "dft/scf_control.hpp"
#include "kernels/linalg.hpp"
#include "kernels/timer.hpp"

namespace megabar::dft {

using kernels::linalg::gemm;
using kernels::linalg::Op;

int orthonormalize_block(View2<double> V, int first, int count, double drop_tol) {
  if (count == 0) return 0;
  const int n = V.extent(0), ld = V.stride(1);
  double* T = V.data() + static_cast<long>(first) * ld;
  // S = T^T T = U diag(s) U^T ;  T <- T U_k diag(s_k^{-1/2}) for the kept s_k (largest first).
  View2<double> S("davidson::S", count, count);
  gemm(Op::T, Op::N, count, count, n, 1.0, T, ld, T, ld, 0.0, S.data(), S.stride(1));
  std::vector<double> s(count);
  if (kernels::linalg::syev(count, S.data(), S.stride(1), s.data()) != 0)
    throw std::runtime_error("davidson: eigen-decomposition of the overlap failed");
  const double smax = s.back();
  int kept = 0;
  for (int j = count - 1; j >= 0; --j)
    if (s[j] > drop_tol * smax) ++kept;
  // U(:, j) = eigenvector (count - 1 - j) / sqrt(its eigenvalue), built on the device: only the kept
  // eigenvalues' scale factors cross from the host, not the count x count eigenvectors.
  View2<double> U("davidson::U", count, kept);
  View1<double> scale("davidson::scale", kept);
  auto scale_h = Kokkos::create_mirror_view(scale);
  for (int j = 0; j < kept; ++j) scale_h(j) = 1.0 / std::sqrt(s[count - 1 - j]);
  Kokkos::deep_copy(scale, scale_h);
  kernels::for_2d(
      "dft::davidson::orth_basis", kept, count,
      KOKKOS_LAMBDA(int j, int i) { U(i, j) = S(i, count - 1 - j) * scale(j); });
  View2<double> tmp(Kokkos::view_alloc(Kokkos::WithoutInitializing, "davidson::orth_tmp"), n, kept);
  gemm(Op::N, Op::N, n, kept, count, 1.0, T, ld, U.data(), U.stride(1), 0.0, tmp.data(), tmp.stride(1));
  Kokkos::deep_copy(Kokkos::subview(V, Kokkos::ALL, std::make_pair(first, first + kept)), tmp);
  return kept;
}

Davidson::Davidson(int n, int nb, int subspace_factor)
    : n_(n),
      nb_(nb),
      max_sub_(std::min(n, subspace_factor * nb)),
      // Every column is written before it is read: no need to fill the big arrays with zeros first.
      V_(Kokkos::view_alloc(Kokkos::WithoutInitializing, "davidson::V"), n, std::min(n, subspace_factor * nb)),
      HV_(Kokkos::view_alloc(Kokkos::WithoutInitializing, "davidson::HV"), n, std::min(n, subspace_factor * nb)),
      R_(Kokkos::view_alloc(Kokkos::WithoutInitializing, "davidson::R"), n, nb),
      Hsub_("davidson::Hsub", max_sub_, max_sub_),
      Csub_("davidson::Csub", max_sub_, max_sub_),
      Ssub_("davidson::Ssub", max_sub_, max_sub_),
      Bsub_("davidson::Bsub", max_sub_, max_sub_) {
  if (nb > n) throw std::invalid_argument("davidson: more bands than plane waves");
}

// Squared norms of columns [first, first+count) of V into out: one team per column, so that the threads of
// a team read consecutive entries of the column (coalesced on GPUs; a thread per column would stride by n).
void column_norms2(const View2<double>& V, int first, int count, View1<double> out) {
  using Team = Kokkos::TeamPolicy<kernels::ExecSpace>;
  const int n = V.extent(0);
  Kokkos::parallel_for(
      "dft::davidson::column_norms", Team(count, Kokkos::AUTO), KOKKOS_LAMBDA(const Team::member_type& t) {
        const int c = t.league_rank();
        double s = 0;
        Kokkos::parallel_reduce(
            Kokkos::TeamThreadRange(t, n), [&](int k, double& acc) { acc += V(k, first + c) * V(k, first + c); }, s);
        Kokkos::single(Kokkos::PerTeam(t), [&]() { out(c) = s; });
      });
}

namespace {

// Whether columns [0, nb) of V are orthonormal to rounding (max |V^T V - I| <= 1e-13), as the bands of a
// previous solve or of the extrapolation are: their orthonormalisation is then skipped (it would cost two
// n x nb x nb products and change them only at rounding level). The check is one symmetric product.
bool is_orthonormal(const View2<double>& V, int nb) {
  View2<double> S("davidson::S0", nb, nb);
  kernels::linalg::syrk_t(nb, V.extent(0), 1.0, V.data(), V.stride(1), 0.0, S.data(), S.stride(1));
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), S);
  for (int j = 0; j < nb; ++j)
    for (int i = 0; i <= j; ++i)
      if (std::fabs(h(i, j) - (i == j ? 1.0 : 0.0)) > 1e-13) return false;
  return true;
}

// The preconditioner of a residual component: r(G) / correction_denominator(H_GG - lambda), a smooth version
// of 1/(H_GG - lambda) that tends to 1 for small differences (QE's g_psi form).
KOKKOS_INLINE_FUNCTION double correction_denominator(double x) {
  return 0.5 * (1.0 + x + kernels::math::sqrt(1.0 + (x - 1.0) * (x - 1.0)));
}

// Y(:, 0:nb) = A(:, 0:m) C(0:m, 0:nb)
void rotate(const View2<double>& A, int m, const View2<double>& C, int nb, View2<double> Y) {
  gemm(Op::N, Op::N, A.extent(0), nb, m, 1.0, A.data(), A.stride(1), C.data(), C.stride(1), 0.0, Y.data(), Y.stride(1));
}

// S(0:m, 0:m) = identity (the overlap of orthonormal columns); the rest of S is never read before written.
void set_identity(View2<double> S, int m) {
  Kokkos::deep_copy(S, 0.0);
  Kokkos::parallel_for(
      "dft::davidson::identity", kernels::RangePolicy(0, m), KOKKOS_LAMBDA(int j) { S(j, j) = 1.0; });
}

// Restart from the Ritz vectors X: V = X, HV = H X (recovered as R + X Lambda), Hs = diag(lambda), Ss = I.
void restart_from_ritz(const View2<double>& X, const View2<double>& R, const View1<double>& lambda, int nb,
                       View2<double> V, View2<double> HV, View2<double> Hs, View2<double> Ss) {
  Kokkos::deep_copy(Kokkos::subview(V, Kokkos::ALL, std::make_pair(0, nb)), X);
  kernels::for_2d(
      "dft::davidson::restart_hv", nb, V.extent(0),
      KOKKOS_LAMBDA(int j, int k) { HV(k, j) = R(k, j) + lambda(j) * X(k, j); });
  Kokkos::deep_copy(Hs, 0.0);
  Kokkos::parallel_for(
      "dft::davidson::restart_hs", kernels::RangePolicy(0, nb), KOKKOS_LAMBDA(int j) { Hs(j, j) = lambda(j); });
  set_identity(Ss, nb);
}

// Scales columns [first, first+count) of V to unit norm (norms2: their squared norms).
void normalise_columns(View2<double> V, int first, int count, const View1<double>& norms2) {
  kernels::for_2d(
      "dft::davidson::normalise", count, V.extent(0),
      KOKKOS_LAMBDA(int c, int k) { V(k, first + c) /= kernels::math::sqrt(norms2(c)); });
}

}  // namespace

DavidsonStats Davidson::solve(const Hamiltonian& H, View2<double> X, std::vector<double>& eig, double threshold,
                              int max_iterations, int n_strict) {
  if (n_strict < 0) n_strict = nb_;
  const double loose = std::max(threshold, scf_control::davidson_buffer_threshold_floor);
  kernels::ScopedTimer timer("dft::davidson");
  const int n = n_, nb = nb_;
  DavidsonStats stats;
  auto V = V_, HV = HV_, R = R_, Hs = Hsub_, Cs = Csub_, Ss = Ssub_, Bs = Bsub_;
  const int ldv = V.stride(1), ldh = Hs.stride(1);
  auto hdiag = H.diagonal();
  eig.assign(nb, 0.0);

  Kokkos::deep_copy(Kokkos::subview(V, Kokkos::ALL, std::make_pair(0, nb)),
                    Kokkos::subview(X, Kokkos::ALL, std::make_pair(0, nb)));
  if (!is_orthonormal(V, nb) && orthonormalize_block(V, 0, nb) != nb)
    throw std::runtime_error("davidson: starting vectors are linearly dependent");
  H.apply(V, nb, HV);
  stats.h_applications += nb;
  int nsub = nb;
  gemm(Op::T, Op::N, nsub, nsub, n, 1.0, V.data(), ldv, HV.data(), ldv, 0.0, Hs.data(), ldh);

  set_identity(Ss, nb);

  std::vector<double> w(max_sub_);
  View1<double> lambda("davidson::lambda", nb), rnorm2("davidson::rnorm2", nb), cnorm2("davidson::cnorm2", nb);
  auto square = [](const View2<double>& A, int m) {
    return Kokkos::subview(A, std::make_pair(0, m), std::make_pair(0, m));
  };
  for (int iter = 0;; ++iter) {
    // Rayleigh-Ritz in the current subspace: Hs c = lambda Ss c (Ss = I while V holds orthonormal bands only).
    {
      kernels::ScopedTimer t_syev("dft::davidson::syev");
      Kokkos::deep_copy(square(Cs, nsub), square(Hs, nsub));
      kernels::linalg::symmetrize_from_upper(nsub, Cs.data(), Cs.stride(1));
      int info = 0;
      if (nsub == nb) {
        info = kernels::linalg::syev(nsub, Cs.data(), Cs.stride(1), w.data());
      } else {
        Kokkos::deep_copy(square(Bs, nsub), square(Ss, nsub));
        kernels::linalg::symmetrize_from_upper(nsub, Bs.data(), Bs.stride(1));
        info = kernels::linalg::sygv(nsub, Cs.data(), Cs.stride(1), Bs.data(), Bs.stride(1), w.data());
        if (info > nsub) {
          // The overlap is not numerically positive definite (nearly dependent corrections): restart from
          // the last Ritz vectors, which X and R still hold (iter > 0 here: nsub > nb only after a sweep).
          kernels::ScopedTimer t_re("dft::davidson::overlap_restarts");
          restart_from_ritz(X, R, lambda, nb, V, HV, Hs, Ss);
          nsub = nb;
          continue;
        }
      }
      if (info != 0) throw std::runtime_error("davidson: subspace diagonalisation failed");
    }
    auto t_rot = std::make_unique<kernels::ScopedTimer>("dft::davidson::rotate");
    rotate(V, nsub, Cs, nb, X);
    rotate(HV, nsub, Cs, nb, R);  // R = H X for now
    auto lam_h = Kokkos::create_mirror_view(lambda);
    for (int j = 0; j < nb; ++j) lam_h(j) = eig[j] = w[j];
    Kokkos::deep_copy(lambda, lam_h);
    t_rot.reset();
    // Residuals R = H X - X Lambda and their norms.
    auto t_res = std::make_unique<kernels::ScopedTimer>("dft::davidson::residuals");
    kernels::for_2d(
        "dft::davidson::residual", nb, n, KOKKOS_LAMBDA(int j, int k) { R(k, j) -= lambda(j) * X(k, j); });
    column_norms2(R, 0, nb, rnorm2);
    auto r2 = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), rnorm2);
    t_res.reset();
    std::vector<int> todo;
    bool strict_done = true;
    stats.max_residual2 = 0;
    for (int j = 0; j < nb; ++j) {
      stats.max_residual2 = std::max(stats.max_residual2, r2(j));
      if (r2(j) >= (j < n_strict ? threshold : loose)) todo.push_back(j);
      if (j < n_strict && r2(j) >= threshold) strict_done = false;
    }
    stats.iterations = iter;
    // Buffer bands get corrections while the others need iterations, but never cause one.
    if (strict_done) {
      stats.converged = true;
      break;
    }
    if (iter >= max_iterations) break;
    int nc = static_cast<int>(todo.size());
    if (nsub + nc > max_sub_) {
      restart_from_ritz(X, R, lambda, nb, V, HV, Hs, Ss);
      nsub = nb;
    }
    // A subspace smaller than 2 nb (tiny bases) takes only as many corrections as fit.
    nc = std::min(nc, max_sub_ - nsub);
    if (nc <= 0) break;
    todo.resize(nc);
    // Preconditioned corrections t_j = r_j / smooth(diag(H) - lambda_j) (QE's g_psi form).
    View1<int> cols("davidson::todo", nc);
    auto cols_h = Kokkos::create_mirror_view(cols);
    for (int c = 0; c < nc; ++c) cols_h(c) = todo[c];
    Kokkos::deep_copy(cols, cols_h);
    const int off = nsub;
    kernels::for_2d(
        "dft::davidson::precondition", nc, n, KOKKOS_LAMBDA(int c, int k) {
          const int j = cols(c);
          V(k, off + c) = R(k, j) / correction_denominator(hdiag(k) - lambda(j));
        });
    // The corrections are scaled to unit norm but not orthogonalised: their overlaps with the subspace go into
    // Ss, and the Rayleigh-Ritz step solves the generalised problem (QE's regterg does the same).
    {
      kernels::ScopedTimer t_n("dft::davidson::normalise");
      column_norms2(V, nsub, nc, cnorm2);
      normalise_columns(V, nsub, nc, cnorm2);
    }
    H.apply(Kokkos::subview(V, Kokkos::ALL, std::make_pair(nsub, nsub + nc)), nc,
            Kokkos::subview(HV, Kokkos::ALL, std::make_pair(nsub, nsub + nc)),
            H.single_precision() || single_corrections_);
    stats.h_applications += nc;
    // New columns of the subspace matrices: Hs(0:nsub+nc, nsub:nsub+nc) = V^T H T and Ss(...) = V^T T.
    kernels::ScopedTimer t_hs("dft::davidson::subspace_matrix");
    const double* T = V.data() + static_cast<long>(nsub) * ldv;
    const double* HT = HV.data() + static_cast<long>(nsub) * ldv;
    gemm(Op::T, Op::N, nsub + nc, nc, n, 1.0, V.data(), ldv, HT, ldv, 0.0, Hs.data() + static_cast<long>(nsub) * ldh,
         ldh);
    gemm(Op::T, Op::N, nsub + nc, nc, n, 1.0, V.data(), ldv, T, ldv, 0.0,
         Ss.data() + static_cast<long>(nsub) * Ss.stride(1), Ss.stride(1));
    nsub += nc;
  }
  return stats;
}

}  // namespace megabar::dft
