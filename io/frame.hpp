// The records of megabar's trajectory files (io/; layout and units: docs/trajectory.md): one MD frame, as
// trajectory.extxyz and trajectory.h5 store it, and one PDOS snapshot of trajectory.h5's /pdos group.
// Values are in atomic units; the files' own units are applied by the readers and writers.
#pragma once
#include <string>
#include <vector>

#include "core/structure.hpp"

namespace megabar::io {

struct Frame {
  long step = 0;
  double time = 0;                     // a.u. of time
  core::Structure structure;           // cell and positions (bohr); symbols may be left empty
  std::vector<double> masses;          // m_e (the run's masses; extxyz writes them for ASE's momenta)
  std::vector<core::Vec3> velocities;  // bohr per a.u. of time
  std::vector<core::Vec3> forces;      // Ha/bohr
  // The potential-energy (virial) part of the pressure tensor, -(1/V) dE/d eps, as md::ForceResult::stress:
  // Ha/bohr^3, QE's sign (positive under compression). The files store it with ASE's sign (docs/trajectory.md).
  core::Mat3 stress{};
  double potential_energy = 0, kinetic_energy = 0, total_energy = 0, conserved_energy = 0;  // Ha
  double temperature = 0;                                                                   // K
  double pressure = 0;                                                                      // Ha/bohr^3
  int scf_iterations = 0;
};

// The band projections of one MD step (md.pdos_every; docs/trajectory.md, "/pdos"): stored in
// trajectory.h5 only (group /pdos), not in trajectory.extxyz.
struct PdosSnapshot {
  long step = 0;
  double time = 0;                  // a.u. of time
  std::vector<double> eigenvalues;  // eps_n (Ha), n_bands = occupied + empty bands
  int n_occupied = 0;               // bands n < n_occupied hold 2 electrons, the others none
  int n_l = 0;                      // l channels (lmax + 1)
  std::vector<float> weights;       // W_{a,l,n} = sum_m |<phi~_{a,l,m}|psi_n>|^2 at [(n * natoms + a) * n_l + l]
  double vbm = 0, cbm = 0;          // Ha (cbm NaN without empty bands)
  double spilling_occupied = 0, spilling_all = 0;
  // The run's [pdos] settings (Ha), kept as attributes of /pdos: defaults for the analysis.
  double broadening = 0, energy_step = 0, ec_window = 0;
};

}  // namespace megabar::io
