#include "md/observables.hpp"

#include "md/barostat_mtk.hpp"
#include "md/thermostat_nhc.hpp"

namespace megabar::md {

double degrees_of_freedom(const MdState& s, const MdOptions& o) {
  const double n = 3.0 * static_cast<double>(s.masses.size());
  return o.fix_center_of_mass ? n - 3.0 : n;
}

double kinetic_energy(const MdState& s) {
  double k = 0;
  for (std::size_t i = 0; i < s.velocities.size(); ++i)
    k += 0.5 * s.masses[i] * core::dot(s.velocities[i], s.velocities[i]);
  return k;
}

Mat3 kinetic_tensor(const MdState& s) {
  Mat3 t{};
  for (std::size_t i = 0; i < s.velocities.size(); ++i)
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) t[a][b] += s.masses[i] * s.velocities[i][a] * s.velocities[i][b];
  return t;
}

double temperature(const MdState& s, const MdOptions& o) {
  const double n_f = degrees_of_freedom(s, o);
  return n_f > 0 ? 2.0 * kinetic_energy(s) / (n_f * units::boltzmann) : 0.0;
}

Mat3 pressure_tensor(const MdState& s) {
  Mat3 p = kinetic_tensor(s);
  const double V = s.structure.cell.volume;
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) p[a][b] = p[a][b] / V + s.last.stress[a][b];
  return p;
}

double pressure(const MdState& s) {
  const Mat3 p = pressure_tensor(s);
  return (p[0][0] + p[1][1] + p[2][2]) / 3.0;
}

double conserved_energy(const MdState& s, const MdOptions& o) {
  double e = kinetic_energy(s) + s.last.energy;
  if (o.ensemble == MdOptions::Ensemble::nve) return e;
  const double kT = units::boltzmann * o.temperature;
  const double n_f = degrees_of_freedom(s, o);
  const bool npt = o.ensemble == MdOptions::Ensemble::npt;
  if (o.thermostat == MdOptions::Thermostat::csvr) {
    e += s.thermostat_work;
  } else {
    e += chain_energy(s.particle_chain, chain_masses(n_f, kT, o.thermostat_time, o.chain_length));
    if (npt)
      e += chain_energy(s.barostat_chain,
                        chain_masses(barostat_degrees_of_freedom(o), kT, o.thermostat_time, o.chain_length));
  }
  if (npt) e += o.pressure * s.structure.cell.volume + barostat_kinetic_energy(s, o);
  return e;
}

}  // namespace megabar::md
