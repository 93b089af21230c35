// The spherical GTH pseudo-atom in a Gaussian basis (formulas in dft/atomic_orbitals.hpp).
#include "dft/atomic_orbitals.hpp"

#include <algorithm>
#include <cmath>
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

std::vector<AtomShell> standard_configuration(const GthPseudopotential& pp) {
  const double z = pp.zion;
  if (z > 0 && z <= 2) return {{0, 0, z}};
  if (z > 2 && z <= 8) return {{0, 0, 2.0}, {1, 0, z - 2.0}};
  throw std::invalid_argument(pp.source + " (" + pp.element + " " + pp.name + "): valence charge " + std::to_string(z) +
                              " has no default atomic configuration (s^2 p^n covers 1..8); pass one explicitly");
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

// Everything that stays fixed during the pseudo-atom's SCF.
struct AtomProblem {
  const AtomOptions& opt;
  std::vector<AtomShell> configuration;
  RadialGrid grid;
  std::vector<ChannelBasis> basis;
  std::vector<double> v_loc;
  atomic_radial::XcEvaluator xc;
  AtomProblem(const GthPseudopotential& pp, const AtomOptions& o, const std::vector<AtomShell>& config, int lmax)
      : opt(o), configuration(config), grid(atomic_radial::make_grid()), xc(o.interacting ? o.xc : "none") {
    for (int l = 0; l <= lmax; ++l)
      basis.push_back(atomic_radial::make_channel(pp, l, o.a_min, o.a_max, o.ratio, grid));
    for (double r : grid.r) v_loc.push_back(gth_local_potential(pp, r));
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
  std::vector<double> v = a.v_loc, w(a.grid.size(), 0.0);
  atomic_radial::EnergyParts parts;
  if (a.opt.interacting) parts = atomic_radial::add_hartree_xc(a.grid, a.xc, in.rho, in.drho, v, w);
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

PseudoAtom solve_pseudo_atom(const GthPseudopotential& pp, const AtomOptions& opt) {
  PseudoAtom atom;
  atom.element = pp.element;
  atom.potential = pp.name;
  atom.xc = opt.interacting ? opt.xc : "none";
  atom.zion = pp.zion;
  atom.configuration = opt.configuration.empty() ? standard_configuration(pp) : opt.configuration;
  int lmax = opt.lmax;
  if (lmax < 0) {
    lmax = pp.lmax();
    for (const auto& s : atom.configuration) lmax = std::max(lmax, s.l);
  }
  for (const auto& s : atom.configuration)
    if (s.l > lmax || s.index >= opt.states_per_l || s.occupation < 0)
      throw std::invalid_argument("pseudo-atom " + pp.element + ": shell l=" + std::to_string(s.l) + " index " +
                                  std::to_string(s.index) + " outside the solved channels or with negative occupation");
  const AtomProblem problem(pp, opt, atom.configuration, lmax);
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
    throw std::runtime_error("pseudo-atom " + pp.element + " (" + pp.name + "): SCF not converged in " +
                             std::to_string(opt.max_iterations) + " iterations");
  atom.total_energy = it.energy;
  atom.states = it.states;
  for (auto& per_l : atom.states)
    for (auto& orb : per_l) orb.occupation = 0;
  for (const auto& s : atom.configuration) atom.states[s.l][s.index].occupation = s.occupation;
  for (const auto& s : atom.configuration) atom.valence.push_back(atom.states[s.l][s.index]);
  return atom;
}

}  // namespace megabar::dft
