#include "md/barostat_mtk.hpp"

#include <cmath>

#include "md/matrix3.hpp"
#include "md/observables.hpp"

namespace megabar::md {

namespace {

bool isotropic(const MdOptions& o) { return o.cell_mode == MdOptions::CellMode::isotropic; }

// v_g = U diag(lambda) U^T; the isotropic cell needs no diagonalisation.
SymmetricEigen strain_rate_eigen(const Mat3& v_g, bool iso) {
  if (iso) return {Vec3{v_g[0][0], v_g[0][0], v_g[0][0]}, identity3()};
  return symmetric_eigen(v_g);
}

}  // namespace

int barostat_degrees_of_freedom(const MdOptions& o) { return isotropic(o) ? 1 : 6; }

double barostat_mass(double n_f, const MdOptions& o) {
  const double kT = units::boltzmann * o.temperature;
  const double w = (n_f + 3.0) * kT * o.barostat_time * o.barostat_time;
  return isotropic(o) ? w : w / 3.0;
}

double barostat_kinetic_energy(const MdState& s, const MdOptions& o) {
  const double W = barostat_mass(degrees_of_freedom(s, o), o);
  if (isotropic(o)) return 0.5 * W * s.strain_rate[0][0] * s.strain_rate[0][0];
  return 0.5 * W * frobenius_dot(s.strain_rate, s.strain_rate);
}

void barostat_kick(MdState& s, const MdOptions& o, double n_f, double t) {
  const double V = s.structure.cell.volume;
  const Mat3 P_int = pressure_tensor(s);
  const double two_k_per_dof = 2.0 * kinetic_energy(s) / n_f;
  Mat3 G{};  // V (P_int - P I) + (2K/N_f) I, symmetrised
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b)
      G[a][b] = V * 0.5 * (P_int[a][b] + P_int[b][a]) + (a == b ? two_k_per_dof - V * o.pressure : 0.0);
  const double W = barostat_mass(n_f, o);
  if (isotropic(o)) {
    const double v_eps = s.strain_rate[0][0] + t * trace(G) / W;
    s.strain_rate = Mat3{{{v_eps, 0, 0}, {0, v_eps, 0}, {0, 0, v_eps}}};
    return;
  }
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) s.strain_rate[a][b] += t * G[a][b] / W;
}

void barostat_coupled_kick(MdState& s, const MdOptions& o, const std::vector<Vec3>& acc, double n_f, double t) {
  const auto e = strain_rate_eigen(s.strain_rate, isotropic(o));
  const double friction_trace = (e.lambda[0] + e.lambda[1] + e.lambda[2]) / n_f;
  // In the eigenbasis, with alpha_k = lambda_k + tr(v_g)/N_f:
  //   v_k(t) = v_k exp(-alpha_k t) + a_k t exp(-alpha_k t/2) sinh(alpha_k t/2)/(alpha_k t/2)
  Vec3 decay, gain;
  for (int k = 0; k < 3; ++k) {
    const double alpha = e.lambda[k] + friction_trace;
    decay[k] = std::exp(-alpha * t);
    gain[k] = t * std::exp(-0.5 * alpha * t) * sinhc(0.5 * alpha * t);
  }
  const Mat3 D = from_eigenbasis(e.U, decay), A = from_eigenbasis(e.U, gain);
  for (std::size_t i = 0; i < s.velocities.size(); ++i) {
    const Vec3 dv = mat_vec(D, s.velocities[i]), da = mat_vec(A, acc[i]);
    for (int d = 0; d < 3; ++d) s.velocities[i][d] = dv[d] + da[d];
  }
}

void barostat_coupled_drift(MdState& s, const MdOptions& o, double t) {
  const auto e = strain_rate_eigen(s.strain_rate, isotropic(o));
  //   r_k(t) = r_k exp(lambda_k t) + v_k t exp(lambda_k t/2) sinh(lambda_k t/2)/(lambda_k t/2)
  Vec3 grow, move;
  for (int k = 0; k < 3; ++k) {
    grow[k] = std::exp(e.lambda[k] * t);
    move[k] = t * std::exp(0.5 * e.lambda[k] * t) * sinhc(0.5 * e.lambda[k] * t);
  }
  const Mat3 E = from_eigenbasis(e.U, grow), S = from_eigenbasis(e.U, move);
  auto& pos = s.structure.positions;
  for (std::size_t i = 0; i < pos.size(); ++i) {
    const Vec3 r = mat_vec(E, pos[i]), dr = mat_vec(S, s.velocities[i]);
    for (int d = 0; d < 3; ++d) pos[i][d] = r[d] + dr[d];
  }
  Mat3 rows{};
  for (int k = 0; k < 3; ++k) rows[k] = mat_vec(E, s.structure.cell.lattice[k]);
  s.structure.cell = core::Cell::from_lattice(rows);
}

}  // namespace megabar::md
