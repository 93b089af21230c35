// The spherical pseudo-atom (GTH or numerical norm-conserving) in a Gaussian basis (formulas in
// dft/atomic_orbitals.hpp).
#include "dft/atomic_orbitals.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>

#include "core/units.hpp"
#include "dft/atomic_radial.hpp"

namespace megabar::dft {

using atomic_radial::ChannelBasis;
using atomic_radial::RadialGrid;

namespace {
using units::pi;
}  // namespace

double gth_local_potential(const GthPseudopotential& pp, double r) {
  const double x2 = (r / pp.rloc) * (r / pp.rloc);
  double poly = 0, power = 1;
  for (double c : pp.c) {
    poly += c * power;
    power *= x2;
  }
  return -pp.zion / r * std::erf(r / (std::sqrt(2.0) * pp.rloc)) + std::exp(-0.5 * x2) * poly;
}

double RadialOrbital::value(double r) const {
  double s = 0;
  for (std::size_t k = 0; k < alpha.size(); ++k) s += coef[k] * std::exp(-alpha[k] * r * r);
  return s * std::pow(r, l);
}

double RadialOrbital::derivative(double r) const {
  // d/dr [r^l exp(-a r^2)] = (l r^(l-1) - 2 a r^(l+1)) exp(-a r^2)
  double s = 0;
  for (std::size_t k = 0; k < alpha.size(); ++k)
    s += coef[k] * std::exp(-alpha[k] * r * r) *
         ((l > 0 ? l * std::pow(r, l - 1) : 0.0) - 2.0 * alpha[k] * std::pow(r, l + 1));
  return s;
}

double RadialOrbital::form_factor(double q) const {
  // int r^(l+2) j_l(qr) exp(-a r^2) dr = sqrt(pi) q^l / (2^(l+2) a^(l+3/2)) exp(-q^2/(4a))
  double s = 0;
  for (std::size_t k = 0; k < alpha.size(); ++k)
    s += coef[k] * std::pow(alpha[k], -(l + 1.5)) * std::exp(-q * q / (4.0 * alpha[k]));
  return s * std::sqrt(pi) * std::pow(q, l) / std::pow(2.0, l + 2);
}

std::string RadialOrbital::label() const {
  const char* names = "spdf";
  return std::string(1, l < 4 ? names[l] : '?');
}

std::vector<AtomShell> standard_configuration(double z, const std::string& what) {
  if (z > 0 && z <= 2) return {{0, 0, z}};
  if (z > 2 && z <= 8) return {{0, 0, 2.0}, {1, 0, z - 2.0}};
  throw std::invalid_argument(what + ": valence charge " + std::to_string(z) +
                              " has no default atomic configuration (s^2 p^n covers 1..8); pass one explicitly");
}

std::vector<AtomShell> standard_configuration(const GthPseudopotential& pp) {
  return standard_configuration(pp.zion, pp.source + " (" + pp.element + " " + pp.name + ")");
}

namespace {

// Lowest `count` states of channel l for the given radial potential terms.
std::vector<RadialOrbital> channel_states(const ChannelBasis& cb, const RadialGrid& grid,
                                          const std::vector<double>& v_r, const std::vector<double>& w_r, int count) {
  auto H = cb.T;
  for (std::size_t i = 0; i < H.size(); ++i) H[i] += cb.NL[i];
  atomic_radial::add_potential_matrix(cb, grid, v_r, w_r, H);
  return atomic_radial::lowest_states(cb, grid, H, count);
}

// Pulay (DIIS) mixing of the channel density matrices, flattened into one vector: the next input is
// sum_i c_i (P_in_i + beta R_i), R_i = P_out_i - P_in_i, with sum_i c_i = 1 minimising |sum_i c_i R_i|.
class PulayMixer {
 public:
  PulayMixer(double beta, int history) : beta_(beta), history_(history) {}
  void mix(std::vector<std::vector<double>>& P, const std::vector<std::vector<double>>& P_out) {
    std::vector<double> in, res;
    for (std::size_t l = 0; l < P.size(); ++l)
      for (std::size_t k = 0; k < P[l].size(); ++k) {
        in.push_back(P[l][k]);
        res.push_back(P_out[l][k] - P[l][k]);
      }
    inputs_.push_back(in);
    residuals_.push_back(res);
    if (static_cast<int>(inputs_.size()) > history_) {
      inputs_.erase(inputs_.begin());
      residuals_.erase(residuals_.begin());
    }
    const int m = static_cast<int>(inputs_.size());
    // [B 1; 1 0] [c; lambda] = [0; 1], B_ij = R_i . R_j, by Gaussian elimination with partial pivoting.
    std::vector<std::vector<double>> A(m + 1, std::vector<double>(m + 2, 0.0));
    for (int i = 0; i < m; ++i) {
      for (int j = 0; j < m; ++j)
        for (std::size_t k = 0; k < res.size(); ++k) A[i][j] += residuals_[i][k] * residuals_[j][k];
      A[i][m] = A[m][i] = 1.0;
    }
    A[m][m + 1] = 1.0;
    std::vector<double> c(m, 0.0);
    c[m - 1] = 1.0;  // fallback: plain linear mixing
    if (solve(A, m + 1))
      for (int i = 0; i < m; ++i) c[i] = A[i][m + 1];
    std::size_t pos = 0;
    for (std::size_t l = 0; l < P.size(); ++l)
      for (std::size_t k = 0; k < P[l].size(); ++k, ++pos) {
        double v = 0;
        for (int i = 0; i < m; ++i) v += c[i] * (inputs_[i][pos] + beta_ * residuals_[i][pos]);
        P[l][k] = v;
      }
  }

 private:
  static bool solve(std::vector<std::vector<double>>& A, int n) {
    for (int col = 0; col < n; ++col) {
      int piv = col;
      for (int r = col + 1; r < n; ++r)
        if (std::fabs(A[r][col]) > std::fabs(A[piv][col])) piv = r;
      if (std::fabs(A[piv][col]) < 1e-300) return false;
      std::swap(A[col], A[piv]);
      for (int r = 0; r < n; ++r) {
        if (r == col) continue;
        const double f = A[r][col] / A[col][col];
        for (int k = col; k <= n; ++k) A[r][k] -= f * A[col][k];
      }
    }
    for (int r = 0; r < n; ++r) A[r][n] /= A[r][r];
    return true;
  }
  double beta_;
  int history_;
  std::vector<std::vector<double>> inputs_, residuals_;
};

struct Density {
  std::vector<double> rho, drho;  // on the grid
};

Density density_of(const std::vector<ChannelBasis>& basis, const RadialGrid& grid,
                   const std::vector<std::vector<double>>& P) {
  Density d{std::vector<double>(grid.size(), 0.0), std::vector<double>(grid.size(), 0.0)};
  for (std::size_t l = 0; l < basis.size(); ++l) atomic_radial::accumulate_density(basis[l], grid, P[l], d.rho, d.drho);
  return d;
}

}  // namespace

namespace {

// What the SCF needs of a potential, on the solver's grid.
struct AtomSource {
  std::string element, name;
  double zion = 0;
  int lmax = -1;                                   // highest projector channel
  std::vector<double> v_loc, rho_core, drho_core;  // on the grid; the core ones empty without a model core
  std::function<void(ChannelBasis&)> add_projectors;
};

// Everything that stays fixed during the pseudo-atom's SCF.
struct AtomProblem {
  const AtomOptions& opt;
  const AtomSource& src;
  std::vector<AtomShell> configuration;
  const RadialGrid& grid;
  std::vector<ChannelBasis> basis;
  atomic_radial::XcEvaluator xc;
  AtomProblem(const AtomSource& s, const AtomOptions& o, const std::vector<AtomShell>& config, int lmax,
              const RadialGrid& g)
      : opt(o), src(s), configuration(config), grid(g), xc(o.interacting ? o.xc : "none") {
    for (int l = 0; l <= lmax; ++l) {
      basis.push_back(atomic_radial::make_channel(l, o.a_min, o.a_max, o.ratio, grid));
      s.add_projectors(basis.back());
    }
  }
};

struct Iteration {
  std::vector<std::vector<RadialOrbital>> states;  // [l][index]
  std::vector<std::vector<double>> P_out;          // output density matrices
  std::vector<double> eps;                         // eigenvalues of the configuration's shells
  double energy = 0, residual = 0;                 // KS energy; |rho_out - rho_in| (L2 over d^3r)
};

// One SCF step from the input density matrices P: potential, channel eigenproblems, output density.
Iteration iterate(const AtomProblem& a, const std::vector<std::vector<double>>& P) {
  Iteration it;
  const Density in = density_of(a.basis, a.grid, P);
  std::vector<double> v = a.src.v_loc, w(a.grid.size(), 0.0);
  atomic_radial::EnergyParts parts;
  if (a.opt.interacting)
    parts = atomic_radial::add_hartree_xc(a.grid, a.xc, in.rho, in.drho, a.src.rho_core, a.src.drho_core, v, w);
  for (const auto& cb : a.basis) it.states.push_back(channel_states(cb, a.grid, v, w, a.opt.states_per_l));
  for (const auto& cb : a.basis) it.P_out.emplace_back(cb.n * cb.n, 0.0);
  double band = 0;
  for (const auto& s : a.configuration) {
    const auto& orb = it.states[s.l].at(s.index);
    it.eps.push_back(orb.eigenvalue);
    band += s.occupation * orb.eigenvalue;
    atomic_radial::add_to_density_matrix(a.basis[s.l], orb, s.occupation, it.P_out[s.l]);
  }
  // Kohn-Sham energy of the input density (Harris-Foulkes form): band energy minus double counting.
  it.energy = band - parts.potential_density + parts.hartree + parts.xc;
  const Density out = density_of(a.basis, a.grid, it.P_out);
  for (std::size_t i = 0; i < a.grid.size(); ++i)
    it.residual += a.grid.w[i] * 4 * pi * a.grid.r[i] * a.grid.r[i] * std::pow(out.rho[i] - in.rho[i], 2);
  it.residual = std::sqrt(it.residual);
  return it;
}

}  // namespace

namespace {

// The SCF of the pseudo-atom of `src` in the configuration `config`.
PseudoAtom solve(const AtomSource& src, const RadialGrid& grid, const AtomOptions& opt,
                 const std::vector<AtomShell>& config, std::vector<ChannelBasis>* basis_out = nullptr) {
  PseudoAtom atom;
  atom.element = src.element;
  atom.potential = src.name;
  atom.xc = opt.interacting ? opt.xc : "none";
  atom.zion = src.zion;
  atom.configuration = config;
  int lmax = opt.lmax;
  if (lmax < 0) {
    lmax = src.lmax;
    for (const auto& s : atom.configuration) lmax = std::max(lmax, s.l);
  }
  for (const auto& s : atom.configuration)
    if (s.l > lmax || s.index >= opt.states_per_l || s.occupation < 0)
      throw std::invalid_argument("pseudo-atom " + src.element + ": shell l=" + std::to_string(s.l) + " index " +
                                  std::to_string(s.index) + " outside the solved channels or with negative occupation");
  const AtomProblem problem(src, opt, atom.configuration, lmax, grid);
  std::vector<std::vector<double>> P;  // input density matrices per channel; the bare pseudo-ion first
  for (const auto& cb : problem.basis) P.emplace_back(cb.n * cb.n, 0.0);
  PulayMixer mixer(opt.mixing, 6);
  Iteration it;
  std::vector<double> last_eps;
  for (atom.iterations = 1; atom.iterations <= opt.max_iterations; ++atom.iterations) {
    it = iterate(problem, P);
    double d_eps = last_eps.empty() ? 1.0 : 0.0;
    for (std::size_t i = 0; i < last_eps.size(); ++i) d_eps = std::max(d_eps, std::fabs(it.eps[i] - last_eps[i]));
    last_eps = it.eps;
    if (!opt.interacting || (d_eps < opt.tolerance && it.residual < std::sqrt(opt.tolerance))) {
      atom.converged = true;
      break;
    }
    mixer.mix(P, it.P_out);
  }
  if (!atom.converged)
    throw std::runtime_error("pseudo-atom " + src.element + " (" + src.name + "): SCF not converged in " +
                             std::to_string(opt.max_iterations) + " iterations");
  atom.total_energy = it.energy;
  atom.states = it.states;
  for (auto& per_l : atom.states)
    for (auto& orb : per_l) orb.occupation = 0;
  for (const auto& s : atom.configuration) atom.states[s.l][s.index].occupation = s.occupation;
  for (const auto& s : atom.configuration) atom.valence.push_back(atom.states[s.l][s.index]);
  if (basis_out) *basis_out = problem.basis;
  return atom;
}

// Cubic Lagrange interpolation of y(x) on an increasing grid x (at least 4 points); the end stencils
// extrapolate.
double interpolate_cubic(const std::vector<double>& x, const std::vector<double>& y, double t) {
  const long n = static_cast<long>(x.size());
  long i = static_cast<long>(std::upper_bound(x.begin(), x.end(), t) - x.begin()) - 2;
  i = std::clamp(i, 0L, n - 4);
  double s = 0;
  for (int a = 0; a < 4; ++a) {
    double L = 1;
    for (int b = 0; b < 4; ++b)
      if (b != a) L *= (t - x[i + b]) / (x[i + a] - x[i + b]);
    s += L * y[i + a];
  }
  return s;
}

// c^T S c' for primitive-normalised coefficient vectors (RadialOrbital::coef) of one channel.
double overlap(const ChannelBasis& cb, const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (int k = 0; k < cb.n; ++k)
    for (int j = 0; j < cb.n; ++j) s += (a[k] / cb.norm[k]) * cb.S[k * cb.n + j] * (b[j] / cb.norm[j]);
  return s;
}

// Replaces the valence orbitals by the file's (fitted to the basis, normalised, signed as the solved ones).
// The file's R_l(r) is interpolated (cubic) onto the solver's logarithmic grid, zero beyond the file's grid, and
// projected there: the file's own grid (e.g. psp8's linear 0.01 bohr) cannot integrate the tightest Gaussians.
void use_file_orbitals(const NcPseudo& pp, const RadialGrid& grid, const std::vector<ChannelBasis>& basis,
                       PseudoAtom& atom) {
  std::vector<std::vector<double>> fitted;
  for (const auto& s : atom.configuration) {
    const NcOrbital* f = nullptr;
    int rank = 0;
    for (const auto& o : pp.orbitals)
      if (o.l == s.l && o.occupation > 0 && rank++ == s.index) {
        f = &o;
        break;
      }
    if (!f) return;  // the file does not cover the configuration: keep the solved orbitals
    std::vector<double> R;
    for (double r : grid.r) R.push_back(r <= pp.r.back() ? interpolate_cubic(pp.r, f->R, r) : 0.0);
    fitted.push_back(atomic_radial::fit_to_channel(basis[s.l], grid.r, grid.w, R));
  }
  atom.orbital_source = "file";
  atom.file_orbital_deviation = 0;
  for (std::size_t i = 0; i < atom.configuration.size(); ++i) {
    const auto& s = atom.configuration[i];
    const auto& cb = basis[s.l];
    auto& c = fitted[i];
    const double norm = std::sqrt(overlap(cb, c, c));
    const double sign = overlap(cb, c, atom.valence[i].coef) < 0 ? -1.0 : 1.0;
    for (auto& x : c) x *= sign / norm;
    const double d2 = 2.0 - 2.0 * overlap(cb, c, atom.valence[i].coef);
    atom.file_orbital_deviation = std::max(atom.file_orbital_deviation, std::sqrt(std::max(d2, 0.0)));
    atom.valence[i].coef = c;
    atom.states[s.l][s.index].coef = c;
  }
}

}  // namespace

PseudoAtom solve_pseudo_atom(const GthPseudopotential& pp, const AtomOptions& opt) {
  const RadialGrid grid = atomic_radial::make_grid();
  AtomSource src;
  src.element = pp.element;
  src.name = pp.name;
  src.zion = pp.zion;
  src.lmax = pp.lmax();
  for (double r : grid.r) src.v_loc.push_back(gth_local_potential(pp, r));
  src.add_projectors = [&pp](ChannelBasis& cb) { atomic_radial::add_gth_projectors(pp, cb); };
  return solve(src, grid, opt, opt.configuration.empty() ? standard_configuration(pp) : opt.configuration);
}

PseudoAtom solve_pseudo_atom(const NcPseudo& pp, const AtomOptions& opt) {
  if (pp.r.size() < 4) throw std::invalid_argument(pp.source + ": radial grid too short for the pseudo-atom");
  const RadialGrid grid = atomic_radial::make_grid();
  AtomSource src;
  src.element = pp.element;
  src.name = pp.format + " " + pp.source;
  src.zion = pp.zion;
  src.lmax = pp.lmax();
  const double r_end = pp.r.back();
  for (double r : grid.r) src.v_loc.push_back(r <= r_end ? interpolate_cubic(pp.r, pp.vloc, r) : -pp.zion / r);
  if (pp.has_core()) {
    for (double r : grid.r) src.rho_core.push_back(r <= r_end ? interpolate_cubic(pp.r, pp.rho_core, r) : 0.0);
    // d rho_c / dr = (d rho_c / dx) / r on the logarithmic grid (central differences, one-sided at the ends)
    const std::size_t n = grid.size();
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t a = i == 0 ? 0 : i - 1, b = i + 1 == n ? i : i + 1;
      src.drho_core.push_back((src.rho_core[b] - src.rho_core[a]) / ((b - a) * grid.h * grid.r[i]));
    }
  }
  src.add_projectors = [&pp](ChannelBasis& cb) { atomic_radial::add_nc_projectors(pp, cb); };
  std::vector<AtomShell> config = opt.configuration;
  if (config.empty() && !pp.valence.empty()) {
    for (std::size_t i = 0; i < pp.valence.size(); ++i) {
      int rank = 0;
      for (std::size_t j = 0; j < i; ++j) rank += pp.valence[j].l == pp.valence[i].l;
      config.push_back({pp.valence[i].l, rank, pp.valence[i].occupation});
    }
  }
  if (config.empty()) config = standard_configuration(pp.zion, pp.source + " (" + pp.element + ")");
  std::vector<ChannelBasis> basis;
  PseudoAtom atom = solve(src, grid, opt, config, &basis);
  if (opt.orbitals_from_file && !pp.orbitals.empty()) use_file_orbitals(pp, grid, basis, atom);
  return atom;
}

}  // namespace megabar::dft
