#include "dft/memory_estimate.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/linalg.hpp"

namespace megabar::dft {

MemoryEstimate estimate_memory(const Basis& basis, const Atoms& atoms, const ScfOptions& opt, int extrapolation_order,
                               std::uint64_t fft_work_area) {
  using u64 = std::uint64_t;
  const u64 d = sizeof(double), c = 2 * sizeof(double), l = sizeof(long);
  const u64 n = static_cast<u64>(basis.n_real()), npw = static_cast<u64>(basis.npw());
  const u64 N = static_cast<u64>(basis.grid_size()), nG = static_cast<u64>(basis.dense().count);
  const int n_occ = static_cast<int>(std::lround(atoms.n_electrons())) / 2;
  const int buffer = opt.buffer_bands >= 0 ? opt.buffer_bands : 2;
  const u64 nb = std::min<u64>(static_cast<u64>(n_occ + std::max(0, opt.extra_bands) + buffer), n);
  const u64 nsub = std::min<u64>(n, 3 * nb);
  u64 np = 0, nr = 0;
  for (std::size_t a = 0; a < atoms.structure.size(); ++a)
    np += atoms.species[atoms.species_of_atom[a]].projectors_per_atom();
  for (const auto& sp : atoms.species) {
    if (sp.nc)
      nr += sp.nc->projectors.size();
    else
      for (int ll = 0; ll <= sp.lmax(); ++ll) nr += sp.gth->channels[ll].nproj;
  }
  const u64 batch = static_cast<u64>(std::max(1, opt.fft_batch));
  const u64 hist = static_cast<u64>(std::max(1, opt.mixing_history));

  MemoryEstimate e;
  auto add = [&](const char* what, u64 bytes) { e.parts.emplace_back(what, bytes); };
  add("bands and Davidson residuals (X, R: 2 n nb)", 2 * n * nb * d);
  add("Davidson subspace (V, HV: 2 n min(n, 3 nb))", 2 * n * nsub * d);
  add("Davidson subspace matrices (H, S and their copies: 4 (3 nb)^2)", 4 * nsub * nsub * d);
  add("nonlocal projectors (B: n np, D: np^2)", n * np * d + np * np * d);
  add("nonlocal radial tables (2 nr npw)", 2 * nr * npw * d);
  add("Hamiltonian FFT batch (batch N complex; its single-precision grids share it)", batch * N * c);
  const u64 eigensolver = kernels::linalg::eigensolver_workspace_bytes(static_cast<int>(nsub));
  add("FFT library work area", fft_work_area);
  add("dense eigensolver workspace (syev/sygv of the 3 nb subspace)", eigensolver);
  e.outside_kokkos = fft_work_area + eigensolver;
  // rho, v_loc, v_H, v_xc, v_eff (SCF) + v_eff (H) real grids, H's single-precision v_eff, the field
  // transform's complex grid; the diagonals of H (kinetic, nonlocal, total: 3 n).
  add("potential and density grids (6.5 N real + N complex)", 6 * N * d + N * d / 2 + N * c + 3 * n * d);
  // The mixer's pairs (2 history) and its previous iteration (2); in MD and relaxations also the previous
  // SCF's pairs, which the next one starts from and which stay held by that result while it runs (2 history).
  const u64 carried = extrapolation_order >= -1 ? 2 * hist : 0;
  add("Pulay history (2 history + 2 nG complex, in MD twice the pairs)", (2 * hist + 2 + carried) * nG * c);
  // v_loc(G), v_H(G), rho_in, rho_out, the residual and the mixer's two temporaries; the basis' G vectors,
  // |G|^2 and FFT indices of the density and wavefunction spheres; structure factors during set-up.
  add("sphere fields and basis (G vectors, indices)",
      7 * nG * c + nG * (4 * d + 2 * l) + npw * (4 * d + 2 * l) + atoms.species.size() * nG * (c + d));
  // The xc term's scratch (dft/xc.hpp): a potential grid; for GGA also the gradient (3 N), vsigma, two
  // transform grids and three sphere fields.
  add("xc scratch (GGA: 7 N real + 3 nG complex; LDA: N real)", opt.xc == "PBE" ? 7 * N * d + 3 * nG * c : N * d);
  // The largest short-lived arrays on top of the resident ones: the nonlocal force/stress derivative dB
  // (n np) and dP, or Davidson's orthogonalised block.
  const u64 nl_derivative = n * np * d + np * nb * d * 2;
  const u64 davidson_orth = n * nb * d + nb * nb * d * 2;  // orthogonalised block and its overlap matrices
  add("largest transient (nonlocal derivatives or orthogonalisation)", std::max(nl_derivative, davidson_orth));
  if (extrapolation_order >= -1) {
    // History (order + 2 sets, -1: one), the predicted start bands and the previous step's result; the
    // history's densities and atomic densities, the predicted density and the step's atomic density.
    const u64 sets = static_cast<u64>(std::max(1, extrapolation_order + 2)) + 2;
    add("MD band history (extrapolation, predicted start, previous result)",
        sets * n * nb * d + (2 * (sets - 2) + 2) * nG * c);
  }
  std::sort(e.parts.begin(), e.parts.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& p : e.parts) e.total += p.second;
  return e;
}

}  // namespace megabar::dft
