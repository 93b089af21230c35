// Analytic force providers and helpers shared by the md integrator tests: a harmonic well, a
// Lennard-Jones solid (argon-like) with its virial stress, an fcc builder and block-averaged statistics.
#pragma once
#include <cmath>
#include <stdexcept>
#include <vector>

#include "md/force_provider.hpp"
#include "md/integrator.hpp"
#include "md/md_options.hpp"

namespace megabar::md::test {

using core::Cell;
using core::Mat3;
using core::Structure;
using core::Vec3;

constexpr double two_pi = 6.283185307179586476925;

// E = sum_i sum_d k_d (r_id - c_id)^2 / 2, no stress.
class HarmonicWell : public ForceProvider {
 public:
  HarmonicWell(Vec3 k, std::vector<Vec3> centres) : k_(k), centres_(std::move(centres)) {}
  ForceResult compute(const Structure& s) override {
    ForceResult r;
    for (std::size_t a = 0; a < s.positions.size(); ++a) {
      Vec3 f;
      for (int d = 0; d < 3; ++d) {
        const double x = s.positions[a][d] - centres_[a][d];
        f[d] = -k_[d] * x;
        r.energy += 0.5 * k_[d] * x * x;
      }
      r.forces.push_back(f);
    }
    return r;
  }

 private:
  Vec3 k_;
  std::vector<Vec3> centres_;
};

// Lennard-Jones pairs, phi(r) = 4 eps [(sigma/r)^12 - (sigma/r)^6] S(r), smoothly switched off between
// r_switch and r_cut by S = 1 - 10x^3 + 15x^4 - 6x^5, x = (r - r_switch)/(r_cut - r_switch) (energy,
// force and force derivative continuous). Minimum image: exact while r_cut is below half the smallest
// plane spacing 2 pi/|b_k| (then a pair within r_cut has every fractional component in (-1/2, 1/2)).
// Stress, QE sign: sigma_ab = -(1/V) dE/d eps_ab = -(1/V) sum_pairs phi'(r) d_a d_b / r,
// d = r_i - r_j (positive when the pairs are compressed, phi' < 0).
class LennardJones : public ForceProvider {
 public:
  // argon: eps/k_B = 119.8 K, sigma = 3.405 angstrom
  double epsilon = 119.8 * units::boltzmann;
  double sigma = 3.405 / 0.529177210903;
  double r_switch = 1.85 * sigma, r_cut = 2.1 * sigma;
  int calls = 0;

  ForceResult compute(const Structure& s) override {
    ++calls;
    const auto& cell = s.cell;
    for (int k = 0; k < 3; ++k)
      if (2.0 * r_cut >= two_pi / std::sqrt(core::dot(cell.reciprocal[k], cell.reciprocal[k])))
        throw std::runtime_error("LennardJones: cutoff beyond half the cell width");
    ForceResult r;
    const std::size_t n = s.positions.size();
    r.forces.assign(n, Vec3{0, 0, 0});
    std::vector<Vec3> frac(n);  // fractional coordinates s_k = r . b_k / 2 pi
    for (std::size_t i = 0; i < n; ++i)
      for (int k = 0; k < 3; ++k) frac[i][k] = core::dot(s.positions[i], cell.reciprocal[k]) / two_pi;
    const double rc2 = r_cut * r_cut;
    const Mat3 A = cell.lattice;
    double energy = 0, w00 = 0, w01 = 0, w02 = 0, w11 = 0, w12 = 0, w22 = 0;  // sum g d_a d_b
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = i + 1; j < n; ++j) {
        double ds[3];
        for (int k = 0; k < 3; ++k) {
          ds[k] = frac[i][k] - frac[j][k];
          ds[k] -= std::floor(ds[k] + 0.5);  // nearest image
        }
        const double dx = ds[0] * A[0][0] + ds[1] * A[1][0] + ds[2] * A[2][0];
        const double dy = ds[0] * A[0][1] + ds[1] * A[1][1] + ds[2] * A[2][1];
        const double dz = ds[0] * A[0][2] + ds[1] * A[1][2] + ds[2] * A[2][2];
        const double r2 = dx * dx + dy * dy + dz * dz;
        if (r2 >= rc2) continue;
        const double dist = std::sqrt(r2);
        double phi, dphi;
        pair(dist, r2, phi, dphi);
        energy += phi;
        const double g = -dphi / dist;  // force on i: g d
        r.forces[i][0] += g * dx;
        r.forces[i][1] += g * dy;
        r.forces[i][2] += g * dz;
        r.forces[j][0] -= g * dx;
        r.forces[j][1] -= g * dy;
        r.forces[j][2] -= g * dz;
        w00 += g * dx * dx;
        w01 += g * dx * dy;
        w02 += g * dx * dz;
        w11 += g * dy * dy;
        w12 += g * dy * dz;
        w22 += g * dz * dz;
      }
    r.energy = energy;
    r.stress = Mat3{{{w00, w01, w02}, {w01, w11, w12}, {w02, w12, w22}}};
    for (auto& row : r.stress)
      for (double& x : row) x /= cell.volume;
    return r;
  }

  void pair(double dist, double r2, double& phi, double& dphi) const {
    const double sr2 = sigma * sigma / r2, sr6 = sr2 * sr2 * sr2;
    double e = 4 * epsilon * (sr6 * sr6 - sr6);
    double de = 4 * epsilon * (-12 * sr6 * sr6 + 6 * sr6) / dist;
    if (dist > r_switch) {
      const double w = r_cut - r_switch, x = (dist - r_switch) / w;
      const double S = 1 - x * x * x * (10 - 15 * x + 6 * x * x);
      const double dS = -30 * x * x * (1 - 2 * x + x * x) / w;
      de = de * S + e * dS;
      e *= S;
    }
    phi = e;
    dphi = de;
  }
};

inline double argon_mass() { return 39.948 * units::amu; }

// n x n x n conventional fcc cells of lattice constant a (4 n^3 atoms), optionally jiggled.
inline Structure fcc(int n, double a) {
  Structure s;
  const double L = n * a;
  s.cell = Cell::from_lattice(Mat3{{{L, 0, 0}, {0, L, 0}, {0, 0, L}}});
  const double basis[4][3] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < n; ++k)
        for (const auto& b : basis) {
          s.positions.push_back({(i + b[0]) * a, (j + b[1]) * a, (k + b[2]) * a});
          s.symbols.push_back("Ar");
        }
  return s;
}

// 108 argon atoms on an fcc lattice (a in units of sigma), Maxwell-Boltzmann velocities at T_K, forces
// computed: ready to step.
inline MdState argon(LennardJones& lj, double a_over_sigma, double T_K, std::uint64_t seed, const MdOptions& o) {
  const Structure s = fcc(3, a_over_sigma * lj.sigma);
  MdState state = initial_state(s, std::vector<double>(s.size(), argon_mass()), T_K, seed, o);
  start(state, lj);
  return state;
}

// Mean and variance of a correlated series with errors from `n_blocks` block averages: the block means
// (and the blocks' mean squared deviations from the overall mean) are treated as independent.
struct BlockStats {
  double mean, mean_error, variance, variance_error;
};

inline BlockStats block_stats(const std::vector<double>& x, int n_blocks) {
  const std::size_t len = x.size() / n_blocks;
  double mean = 0;
  for (std::size_t i = 0; i < len * n_blocks; ++i) mean += x[i];
  mean /= static_cast<double>(len * n_blocks);
  std::vector<double> m(n_blocks, 0.0), v(n_blocks, 0.0);
  for (int b = 0; b < n_blocks; ++b) {
    for (std::size_t i = b * len; i < (b + 1) * len; ++i) {
      m[b] += x[i];
      v[b] += (x[i] - mean) * (x[i] - mean);
    }
    m[b] /= static_cast<double>(len);
    v[b] /= static_cast<double>(len);
  }
  auto mean_and_error = [&](const std::vector<double>& y, double& avg, double& err) {
    avg = 0;
    for (double q : y) avg += q;
    avg /= n_blocks;
    double s2 = 0;
    for (double q : y) s2 += (q - avg) * (q - avg);
    err = std::sqrt(s2 / (n_blocks - 1) / n_blocks);
  };
  BlockStats r{};
  double unused;
  mean_and_error(m, unused, r.mean_error);
  r.mean = mean;
  mean_and_error(v, r.variance, r.variance_error);
  return r;
}

}  // namespace megabar::md::test
