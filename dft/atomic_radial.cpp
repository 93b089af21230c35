#include "dft/atomic_radial.hpp"

#include <xc.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/units.hpp"
#include "dft/xc_pbe.hpp"
#include "kernels/linalg.hpp"
#include "kernels/views.hpp"

namespace megabar::dft::atomic_radial {

namespace {

using units::pi;

// int_0^inf r^n exp(-p r^2) dr = Gamma((n+1)/2) / (2 p^((n+1)/2))
double gauss_moment(int n, double p) { return std::tgamma(0.5 * (n + 1)) / (2.0 * std::pow(p, 0.5 * (n + 1))); }

// Eigen-decomposition of a small symmetric (column-major) host matrix through kernels/linalg.hpp:
// on return A holds the eigenvectors (columns), w the eigenvalues in ascending order.
void symmetric_eigen(int n, std::vector<double>& A, std::vector<double>& w) {
  kernels::View2<double> d("atomic_radial::eigen", n, n);
  auto h = Kokkos::create_mirror_view(d);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) h(i, j) = A[i + n * j];
  Kokkos::deep_copy(d, h);
  w.assign(n, 0.0);
  if (kernels::linalg::syev(n, d.data(), static_cast<int>(d.stride(1)), w.data()) != 0)
    throw std::runtime_error("pseudo-atom: symmetric eigensolver failed");
  Kokkos::deep_copy(h, d);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) A[i + n * j] = h(i, j);
}

}  // namespace

RadialGrid make_grid(double r_min, double r_max, double h) {
  RadialGrid g;
  g.h = h;
  const double x0 = std::log(r_min);
  const int n = static_cast<int>(std::ceil((std::log(r_max) - x0) / h)) + 1;
  for (int i = 0; i < n; ++i) {
    g.r.push_back(std::exp(x0 + i * h));
    g.w.push_back(h * g.r.back());
  }
  return g;
}

ChannelBasis make_channel(int l, double a_min, double a_max, double ratio, const RadialGrid& grid) {
  ChannelBasis cb;
  cb.l = l;
  for (double a = a_min; a <= a_max * (1 + 1e-12); a *= ratio) cb.alpha.push_back(a);
  const int n = cb.n = static_cast<int>(cb.alpha.size());
  for (double a : cb.alpha) cb.norm.push_back(std::sqrt(2.0 * std::pow(2.0 * a, l + 1.5) / std::tgamma(l + 1.5)));
  cb.S.assign(n * n, 0.0);
  cb.T.assign(n * n, 0.0);
  cb.NL.assign(n * n, 0.0);
  for (int k = 0; k < n; ++k)
    for (int j = 0; j < n; ++j) {
      const double a = cb.alpha[k], b = cb.alpha[j], p = a + b, nn = cb.norm[k] * cb.norm[j];
      cb.S[k * n + j] = nn * gauss_moment(2 * l + 2, p);
      // g' = (l/r - 2 a r) g:  g_k' g_j' + l(l+1)/r^2 g_k g_j = [(2l^2 + l)/r^2 - 2l(a+b) + 4ab r^2] g_k g_j
      cb.T[k * n + j] = 0.5 * nn *
                        ((l > 0 ? (2.0 * l * l + l) * gauss_moment(2 * l, p) : 0.0) -
                         2.0 * l * p * gauss_moment(2 * l + 2, p) + 4.0 * a * b * gauss_moment(2 * l + 4, p));
    }
  // Canonical orthogonalisation: X = U s^{-1/2} over the eigenvalues s > 1e-12 max(s).
  std::vector<double> U = cb.S, s;
  symmetric_eigen(n, U, s);
  for (int j = 0; j < n; ++j) {
    if (s[j] <= 1e-12 * s[n - 1]) continue;
    for (int k = 0; k < n; ++k) cb.X.push_back(U[k + n * j] / std::sqrt(s[j]));
    ++cb.m;
  }
  // X stored column by column (k + n * column).
  cb.g.resize(grid.size() * n);
  cb.dg.resize(grid.size() * n);
  for (std::size_t i = 0; i < grid.size(); ++i) {
    const double r = grid.r[i], rl = std::pow(r, l);
    for (int k = 0; k < n; ++k) {
      const double e = cb.norm[k] * std::exp(-cb.alpha[k] * r * r);
      cb.g[i * n + k] = e * rl;
      cb.dg[i * n + k] = e * rl * (l / r - 2.0 * cb.alpha[k] * r);
    }
  }
  return cb;
}

namespace {

// NL += sum_ab gp_a D_ab gp_b^T, gp_a[k] = <g_k|p_a>.
void add_separable(const std::vector<std::vector<double>>& gp, const std::vector<std::vector<double>>& D,
                   ChannelBasis& cb) {
  const int n = cb.n;
  for (int k = 0; k < n; ++k)
    for (int j = 0; j < n; ++j)
      for (std::size_t a = 0; a < gp.size(); ++a)
        for (std::size_t b = 0; b < gp.size(); ++b) cb.NL[k * n + j] += gp[a][k] * D[a][b] * gp[b][j];
}

}  // namespace

void add_gth_projectors(const GthPseudopotential& pp, ChannelBasis& cb) {
  const int l = cb.l, n = cb.n;
  if (l > pp.lmax() || pp.channels[l].nproj == 0) return;
  const auto& ch = pp.channels[l];
  // <g_k|p_i>, p_i(r) = sqrt2 r^(l+2(i-1)) exp(-r^2/(2 r_l^2)) / (r_l^(l+(4i-1)/2) sqrt(Gamma(l+(4i-1)/2)))
  std::vector<std::vector<double>> gp(ch.nproj, std::vector<double>(n)), h(ch.nproj, std::vector<double>(ch.nproj));
  for (int i = 1; i <= ch.nproj; ++i) {
    const double e = l + (4.0 * i - 1.0) / 2.0;
    const double pn = std::sqrt(2.0) / (std::pow(ch.r, e) * std::sqrt(std::tgamma(e)));
    for (int k = 0; k < n; ++k)
      gp[i - 1][k] = cb.norm[k] * pn * gauss_moment(2 * l + 2 * i, cb.alpha[k] + 0.5 / (ch.r * ch.r));
    for (int j = 0; j < ch.nproj; ++j) h[i - 1][j] = ch.h[i - 1][j];
  }
  add_separable(gp, h, cb);
}

void add_nc_projectors(const NcPseudo& pp, ChannelBasis& cb) {
  const int l = cb.l, n = cb.n;
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < pp.projectors.size(); ++i)
    if (pp.projectors[i].l == l) idx.push_back(i);
  if (idx.empty()) return;
  std::vector<std::vector<double>> gp(idx.size(), std::vector<double>(n, 0.0)), D(idx.size());
  for (std::size_t a = 0; a < idx.size(); ++a) {
    for (std::size_t b = 0; b < idx.size(); ++b) D[a].push_back(pp.D[idx[a]][idx[b]]);
    const auto& beta = pp.projectors[idx[a]].beta;
    for (std::size_t q = 0; q < pp.r.size(); ++q) {
      const double r = pp.r[q], f = pp.weights[q] * r * r * beta[q] * std::pow(r, l);
      if (f == 0.0) continue;
      for (int k = 0; k < n; ++k) gp[a][k] += f * cb.norm[k] * std::exp(-cb.alpha[k] * r * r);
    }
  }
  add_separable(gp, D, cb);
}

std::vector<double> fit_to_channel(const ChannelBasis& cb, const std::vector<double>& r, const std::vector<double>& w,
                                   const std::vector<double>& R) {
  const int n = cb.n, l = cb.l;
  std::vector<double> b(n, 0.0), c(n, 0.0), y(cb.m, 0.0);
  for (std::size_t q = 0; q < r.size(); ++q) {
    const double f = w[q] * r[q] * r[q] * R[q] * std::pow(r[q], l);
    if (f == 0.0) continue;
    for (int k = 0; k < n; ++k) b[k] += f * cb.norm[k] * std::exp(-cb.alpha[k] * r[q] * r[q]);
  }
  for (int d = 0; d < cb.m; ++d)
    for (int k = 0; k < n; ++k) y[d] += cb.X[k + n * d] * b[k];
  for (int k = 0; k < n; ++k) {
    for (int d = 0; d < cb.m; ++d) c[k] += cb.X[k + n * d] * y[d];
    c[k] *= cb.norm[k];
  }
  return c;
}

void add_potential_matrix(const ChannelBasis& cb, const RadialGrid& grid, const std::vector<double>& v,
                          const std::vector<double>& w, std::vector<double>& H) {
  const int n = cb.n;
  std::vector<double> M(n * n, 0.0);
  for (std::size_t i = 0; i < grid.size(); ++i) {
    const double r2w = grid.w[i] * grid.r[i] * grid.r[i], vi = v[i] * r2w, wi = w[i] * r2w;
    const double* g = &cb.g[i * n];
    const double* dg = &cb.dg[i * n];
    if (std::fabs(vi) < 1e-300 && std::fabs(wi) < 1e-300) continue;
    for (int k = 0; k < n; ++k) {
      const double a = vi * g[k] + wi * dg[k], b = wi * g[k];
      for (int j = k; j < n; ++j) M[k * n + j] += a * g[j] + b * dg[j];
    }
  }
  for (int k = 0; k < n; ++k)
    for (int j = k; j < n; ++j) {
      H[k * n + j] += M[k * n + j];
      if (j != k) H[j * n + k] += M[k * n + j];
    }
}

std::vector<RadialOrbital> lowest_states(const ChannelBasis& cb, const RadialGrid& grid, const std::vector<double>& H,
                                         int count) {
  const int n = cb.n, m = cb.m;
  // H' = X^T H X (m x m, column-major)
  std::vector<double> HX(n * m, 0.0), Hp(m * m, 0.0), eps;
  for (int c = 0; c < m; ++c)
    for (int k = 0; k < n; ++k) {
      double s = 0;
      for (int j = 0; j < n; ++j) s += H[k * n + j] * cb.X[j + n * c];
      HX[k + n * c] = s;
    }
  for (int c = 0; c < m; ++c)
    for (int d = 0; d < m; ++d) {
      double s = 0;
      for (int k = 0; k < n; ++k) s += cb.X[k + n * d] * HX[k + n * c];
      Hp[d + m * c] = s;
    }
  symmetric_eigen(m, Hp, eps);
  std::vector<RadialOrbital> out;
  for (int s = 0; s < std::min(count, m); ++s) {
    RadialOrbital o;
    o.l = cb.l;
    o.index = s;
    o.eigenvalue = eps[s];
    o.alpha = cb.alpha;
    o.coef.assign(n, 0.0);
    std::vector<double> c(n, 0.0);
    for (int k = 0; k < n; ++k) {
      for (int d = 0; d < m; ++d) c[k] += cb.X[k + n * d] * Hp[d + m * s];
      o.coef[k] = c[k] * cb.norm[k];
    }
    // Sign: the largest lobe of r R(r) positive.
    double extreme = 0;
    for (std::size_t i = 0; i < grid.size(); ++i) {
      double rR = 0;
      for (int k = 0; k < n; ++k) rR += c[k] * cb.g[i * n + k];
      rR *= grid.r[i];
      if (std::fabs(rR) > std::fabs(extreme)) extreme = rR;
    }
    if (extreme < 0)
      for (auto& x : o.coef) x = -x;
    out.push_back(std::move(o));
  }
  return out;
}

void add_to_density_matrix(const ChannelBasis& cb, const RadialOrbital& orb, double f, std::vector<double>& P) {
  const int n = cb.n;
  for (int k = 0; k < n; ++k)
    for (int j = 0; j < n; ++j) P[k * n + j] += f * (orb.coef[k] / cb.norm[k]) * (orb.coef[j] / cb.norm[j]);
}

void accumulate_density(const ChannelBasis& cb, const RadialGrid& grid, const std::vector<double>& P,
                        std::vector<double>& rho, std::vector<double>& drho) {
  const int n = cb.n;
  std::vector<double> Pg(n);
  for (std::size_t i = 0; i < grid.size(); ++i) {
    const double* g = &cb.g[i * n];
    const double* dg = &cb.dg[i * n];
    double r = 0, dr = 0;
    for (int k = 0; k < n; ++k) {
      double s = 0;
      for (int j = 0; j < n; ++j) s += P[k * n + j] * g[j];
      r += g[k] * s;
      dr += 2.0 * dg[k] * s;  // P symmetric
    }
    rho[i] += r / (4 * pi);
    drho[i] += dr / (4 * pi);
  }
}

struct XcEvaluator::Funcs {
  std::vector<xc_func_type> f;
  ~Funcs() {
    for (auto& x : f) xc_func_end(&x);
  }
};

XcEvaluator::XcEvaluator(const std::string& name) : name_(name), funcs_(std::make_unique<Funcs>()) {
  std::vector<int> ids;
  if (name == "PBE")
    gga_ = true;  // dft/xc_pbe.hpp, as the crystal (QE's PW92 constant)
  else if (name == "LDA")
    ids = {XC_LDA_X, XC_LDA_C_PZ};
  else if (name == "PADE")
    ids = {XC_LDA_XC_TETER93};
  else if (name == "LDA-PW92")
    ids = {XC_LDA_X, XC_LDA_C_PW};
  else if (name != "none")
    throw std::invalid_argument("pseudo-atom: unknown functional '" + name + "'");
  for (int id : ids) {
    xc_func_type f;
    if (xc_func_init(&f, id, XC_UNPOLARIZED) != 0)
      throw std::runtime_error("libxc: cannot initialise functional " + std::to_string(id));
    funcs_->f.push_back(f);
  }
}

XcEvaluator::~XcEvaluator() = default;

void XcEvaluator::evaluate(const std::vector<double>& rho, const std::vector<double>& sigma, std::vector<double>& e,
                           std::vector<double>& vrho, std::vector<double>& vsigma) const {
  const std::size_t np = rho.size();
  e.assign(np, 0.0);
  vrho.assign(np, 0.0);
  vsigma.assign(np, 0.0);
  if (name_ == "none") return;
  if (gga_) {
    for (std::size_t i = 0; i < np; ++i) {
      double ex, vx, sx, ec, vc, sc;
      xc_pbe::exchange(rho[i], sigma[i], ex, vx, sx);
      xc_pbe::correlation(rho[i], sigma[i], xc_pbe::pw92_a_original, ec, vc, sc);
      e[i] = ex + ec;
      vrho[i] = vx + vc;
      vsigma[i] = sx + sc;
    }
    return;
  }
  std::vector<double> zk(np), vr(np), r(np);
  for (std::size_t i = 0; i < np; ++i) r[i] = std::max(rho[i], 0.0);
  for (const auto& f : funcs_->f) {
    xc_lda_exc_vxc(&f, np, r.data(), zk.data(), vr.data());
    for (std::size_t i = 0; i < np; ++i) {
      e[i] += r[i] * zk[i];
      vrho[i] += vr[i];
    }
  }
}

std::vector<double> hartree_potential(const RadialGrid& grid, const std::vector<double>& rho) {
  const std::size_t n = grid.size();
  const double h = grid.h;
  std::vector<double> inner(n), outer(n), Q(n, 0.0), U(n, 0.0), v(n);
  for (std::size_t i = 0; i < n; ++i) {
    inner[i] = 4 * pi * rho[i] * std::pow(grid.r[i], 3);  // d/dx of the enclosed charge
    outer[i] = 4 * pi * rho[i] * grid.r[i] * grid.r[i];   // d/dx of int_r^inf 4 pi rho r' dr'
  }
  // int over [x_i, x_i+1] of f: h/24 (-f_{i-1} + 13 f_i + 13 f_{i+1} - f_{i+2}) (cubic through 4 points);
  // trapezoid in the two end intervals, where the integrands are negligible.
  auto step = [&](const std::vector<double>& f, std::size_t i) {
    if (i == 0 || i + 2 >= n) return 0.5 * h * (f[i] + f[i + 1]);
    return h / 24.0 * (-f[i - 1] + 13.0 * f[i] + 13.0 * f[i + 1] - f[i + 2]);
  };
  for (std::size_t i = 0; i + 1 < n; ++i) Q[i + 1] = Q[i] + step(inner, i);
  for (std::size_t i = n - 1; i > 0; --i) U[i - 1] = U[i] + step(outer, i - 1);
  for (std::size_t i = 0; i < n; ++i) v[i] = Q[i] / grid.r[i] + U[i];
  return v;
}

EnergyParts add_hartree_xc(const RadialGrid& grid, const XcEvaluator& xc, const std::vector<double>& rho,
                           const std::vector<double>& drho, const std::vector<double>& rho_core,
                           const std::vector<double>& drho_core, std::vector<double>& v, std::vector<double>& w) {
  const std::size_t n = grid.size();
  const bool core = !rho_core.empty();
  const auto vh = hartree_potential(grid, rho);
  std::vector<double> total = rho, dtotal = drho, sigma(n), e, vrho, vsigma;
  if (core)
    for (std::size_t i = 0; i < n; ++i) {
      total[i] += rho_core[i];
      dtotal[i] += drho_core[i];
    }
  for (std::size_t i = 0; i < n; ++i) sigma[i] = xc.gga() ? dtotal[i] * dtotal[i] : 0.0;
  xc.evaluate(total, sigma, e, vrho, vsigma);
  EnergyParts parts;
  for (std::size_t i = 0; i < n; ++i) {
    const double dv = 4 * pi * grid.r[i] * grid.r[i] * grid.w[i];  // d^3r
    v[i] += vh[i] + vrho[i];
    const double wi = xc.gga() ? 2.0 * vsigma[i] * dtotal[i] : 0.0;
    w[i] += wi;
    parts.hartree += 0.5 * dv * rho[i] * vh[i];
    parts.xc += dv * e[i];
    parts.potential_density += dv * (rho[i] * (vh[i] + vrho[i]) + wi * drho[i]);
  }
  return parts;
}

}  // namespace megabar::dft::atomic_radial
