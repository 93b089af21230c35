#include "md/md_state.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace megabar::md {

namespace {

std::vector<double> flatten(const std::vector<Vec3>& v) {
  std::vector<double> out;
  out.reserve(3 * v.size());
  for (const auto& x : v) out.insert(out.end(), x.begin(), x.end());
  return out;
}

std::vector<double> flatten(const Mat3& m) {
  std::vector<double> out;
  for (const auto& row : m) out.insert(out.end(), row.begin(), row.end());
  return out;
}

const std::vector<double>& sized(const StateArrays& a, const std::string& key, std::size_t n) {
  const auto& v = a.real(key);
  if (v.size() != n)
    throw std::runtime_error("checkpoint: '" + key + "' has " + std::to_string(v.size()) + " entries, expected " +
                             std::to_string(n));
  return v;
}

std::vector<Vec3> vectors(const StateArrays& a, const std::string& key, std::size_t n_atoms) {
  const auto& v = sized(a, key, 3 * n_atoms);
  std::vector<Vec3> out(n_atoms);
  for (std::size_t i = 0; i < n_atoms; ++i) out[i] = {v[3 * i], v[3 * i + 1], v[3 * i + 2]};
  return out;
}

Mat3 matrix(const StateArrays& a, const std::string& key) {
  const auto& v = sized(a, key, 9);
  Mat3 m{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) m[i][j] = v[3 * i + j];
  return m;
}

std::uint64_t word(const StateArrays& a, const std::string& key) {
  const auto& w = a.word(key);
  if (w.size() != 1) throw std::runtime_error("checkpoint: '" + key + "' should hold one integer");
  return w[0];
}

void pack_chain(StateArrays& a, const std::string& name, const ChainState& c) {
  a.reals["md_" + name + "_eta"] = c.eta;
  a.reals["md_" + name + "_v_eta"] = c.v_eta;
}

ChainState unpack_chain(const StateArrays& a, const std::string& name) {
  ChainState c{a.real("md_" + name + "_eta"), a.real("md_" + name + "_v_eta")};
  if (c.eta.size() != c.v_eta.size())
    throw std::runtime_error("checkpoint: chain '" + name + "' has positions and velocities of different lengths");
  return c;
}

std::string join(const std::vector<std::string>& words) {
  std::string s;
  for (std::size_t i = 0; i < words.size(); ++i) s += (i ? " " : "") + words[i];
  return s;
}

std::vector<std::string> split(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace

StateArrays pack(const MdState& s) {
  StateArrays a;
  a.texts["md_ensemble"] = s.ensemble;
  a.texts["md_symbols"] = join(s.structure.symbols);
  a.words["md_step"] = {static_cast<std::uint64_t>(s.step)};
  a.words["md_has_forces"] = {s.has_forces ? 1u : 0u};
  a.words["md_converged"] = {s.last.converged ? 1u : 0u};
  const auto& r = s.rng.state();
  a.words["md_rng"] = {r[0], r[1], r[2], r[3]};
  a.reals["md_time"] = {s.time};
  a.reals["md_lattice"] = flatten(s.structure.cell.lattice);
  a.reals["md_positions"] = flatten(s.structure.positions);
  a.reals["md_masses"] = s.masses;
  a.reals["md_velocities"] = flatten(s.velocities);
  a.reals["md_energy"] = {s.last.energy};
  a.reals["md_forces"] = flatten(s.last.forces);
  a.reals["md_stress"] = flatten(s.last.stress);
  a.reals["md_thermostat_work"] = {s.thermostat_work};
  a.reals["md_strain_rate"] = flatten(s.strain_rate);
  pack_chain(a, "particle_chain", s.particle_chain);
  pack_chain(a, "barostat_chain", s.barostat_chain);
  return a;
}

MdState unpack(const StateArrays& a) {
  for (const auto& [name, values] : a.reals)
    for (std::size_t i = 0; i < values.size(); ++i)
      if (!std::isfinite(values[i]))
        throw std::runtime_error("checkpoint: '" + name + "' holds a non-finite number (entry " + std::to_string(i) +
                                 "): the state cannot be continued");
  MdState s;
  s.ensemble = a.text("md_ensemble");
  s.structure.symbols = split(a.text("md_symbols"));
  const std::size_t n = s.structure.symbols.size();
  s.step = static_cast<long>(word(a, "md_step"));
  s.has_forces = word(a, "md_has_forces") != 0;
  const auto& r = a.word("md_rng");
  if (r.size() != 4) throw std::runtime_error("checkpoint: 'md_rng' should hold 4 words");
  s.rng.set_state({r[0], r[1], r[2], r[3]});
  s.time = sized(a, "md_time", 1)[0];
  s.structure.cell = core::Cell::from_lattice(matrix(a, "md_lattice"));
  s.structure.positions = vectors(a, "md_positions", n);
  s.masses = sized(a, "md_masses", n);
  s.velocities = vectors(a, "md_velocities", n);
  s.last.energy = sized(a, "md_energy", 1)[0];
  s.last.forces = vectors(a, "md_forces", a.real("md_forces").empty() ? 0 : n);  // empty before start()
  s.last.stress = matrix(a, "md_stress");
  s.last.converged = word(a, "md_converged") != 0;
  s.thermostat_work = sized(a, "md_thermostat_work", 1)[0];
  s.strain_rate = matrix(a, "md_strain_rate");
  s.particle_chain = unpack_chain(a, "particle_chain");
  s.barostat_chain = unpack_chain(a, "barostat_chain");
  return s;
}

}  // namespace megabar::md
