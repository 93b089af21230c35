// Predicted peak device memory of an SCF (with forces and stress), or of an MD step, before anything is
// allocated: the arrays of the engine, counted from the sizes that decide them.
//   n  = 2 npw - 1 (real length of a band),  nb = bands incl. the 2 buffer bands,  N = FFT grid points,
//   nG = density-sphere G vectors,  np = projectors (sum over atoms of sum_l (2l+1) n_l),
//   nr = radial projector tables (per species and channel),  batch = band pairs per FFT.
// Resident during the SCF:
//   bands and Davidson   X, R, work: 3 n nb;  V, HV: 2 n min(n, 3 nb);  subspace matrices 2 (3 nb)^2
//   nonlocal             B: n np;  D: np^2;  radial tables and their derivatives: 2 nr npw
//   Hamiltonian FFTs     batch N complex work (+ cuFFT's work area);  v_eff, diagonals
//   fields               5 N real grids (rho, v_loc, v_H, v_xc, v_eff), 1 N complex work, sphere fields
//   Pulay history        2 history nG complex
//   basis                G vectors, |G|^2, FFT indices of both spheres
// The largest transient on top: the GGA (gradient: 3 N, vsigma, scratch) or the nonlocal stress
// (dB: n np, dP). MD adds the extrapolation history (order + 2 band sets), the predicted start and the
// previous step's bands: (order + 4) n nb. PDOS projections are not counted: they run after an SCF, when
// the Davidson arrays are freed, and need less. Tested against the allocations Kokkos reports
// (kernels/memory.hpp) on the host build, whose Views are the same as the device build's.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "dft/atoms.hpp"
#include "dft/basis.hpp"
#include "dft/scf_options.hpp"

namespace megabar::dft {

struct MemoryEstimate {
  std::vector<std::pair<std::string, std::uint64_t>> parts;  // what, bytes (largest first)
  std::uint64_t total = 0;                                   // predicted peak, bytes
  // Of total, the libraries' own device memory outside Kokkos (the FFT work area, the eigensolver workspace):
  // what Kokkos' allocation tracking cannot see.
  std::uint64_t outside_kokkos = 0;
};

// extrapolation_order: the MD run's ASPC order (-1: the last bands only); below -1: not an MD run.
// fft_work_area: device bytes of the FFT library's work areas (kernels::fft_work_area_bytes).
MemoryEstimate estimate_memory(const Basis& basis, const Atoms& atoms, const ScfOptions& options,
                               int extrapolation_order = -2, std::uint64_t fft_work_area = 0);

}  // namespace megabar::dft
