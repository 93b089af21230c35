#include "io/h5md_layout.hpp"

namespace megabar::io::h5md {
namespace {

std::vector<double> flatten(const std::vector<core::Vec3>& vectors, double factor) {
  std::vector<double> out;
  out.reserve(3 * vectors.size());
  for (const auto& v : vectors)
    for (double x : v) out.push_back(x * factor);
  return out;
}

}  // namespace

std::vector<Series> series(hsize_t natoms) {
  auto scalar = [](std::string name, std::string unit, double factor, double Frame::*field) {
    return Series{"observables/" + name, std::move(unit), {}, false, [=](const Frame& f) {
                    return std::vector<double>{f.*field * factor};
                  }};
  };
  const double ev = units::hartree_in_ev;
  return {
      {position, "nm", {natoms, 3}, false, [](const Frame& f) { return flatten(f.structure.positions, nm_per_bohr); }},
      {"particles/all/velocity",
       "nm ps-1",
       {natoms, 3},
       false,
       [](const Frame& f) { return flatten(f.velocities, nm_per_ps_per_au); }},
      {"particles/all/force",
       "kJ mol-1 nm-1",
       {natoms, 3},
       false,
       [](const Frame& f) { return flatten(f.forces, kj_per_mol_nm_per_au); }},
      {box_edges,
       "nm",
       {3, 3},
       false,
       [](const Frame& f) {
         return flatten({f.structure.cell.lattice.begin(), f.structure.cell.lattice.end()}, nm_per_bohr);
       }},
      scalar("potential_energy", "eV", ev, &Frame::potential_energy),
      scalar("kinetic_energy", "eV", ev, &Frame::kinetic_energy),
      scalar("total_energy", "eV", ev, &Frame::total_energy),
      scalar("conserved_energy", "eV", ev, &Frame::conserved_energy),
      scalar("temperature", "K", 1.0, &Frame::temperature),
      scalar("pressure", "GPa", units::ha_per_bohr3_in_gpa, &Frame::pressure),
      {stress,
       "GPa",
       {3, 3},
       false,
       [](const Frame& f) {  // ASE's sign (negative under compression), as trajectory.extxyz
         return flatten({f.stress.begin(), f.stress.end()}, -units::ha_per_bohr3_in_gpa);
       }},
      {"observables/scf_iterations",
       "",
       {},
       true,
       [](const Frame& f) { return std::vector<double>{static_cast<double>(f.scf_iterations)}; }},
  };
}

}  // namespace megabar::io::h5md
