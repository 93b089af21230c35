#include "app/md_pdos_observer.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>

#include "dft/pdos.hpp"

namespace megabar::app {

namespace {

using clock_type = std::chrono::steady_clock;

// Pseudo-atoms depend only on the species and the functional: solved once per run.
void solve_pseudo_atoms(const RunInput& in, const dft::Atoms& atoms, std::vector<dft::PseudoAtom>& pseudo_atoms) {
  if (!pseudo_atoms.empty()) return;
  pseudo_atoms = dft::solve_pseudo_atoms(atoms, in.scf.xc);
}

// The weights of r as float[band][atom][l] (l channels an atom lacks: 0).
void store_weights(const dft::PdosResult& r, std::size_t natoms, md::PdosSnapshot& p) {
  for (const auto& a : r.atom_l_weights) p.n_l = std::max(p.n_l, static_cast<int>(a.size()));
  const std::size_t nb = p.eigenvalues.size(), L = static_cast<std::size_t>(p.n_l);
  p.weights.assign(nb * natoms * L, 0.0f);
  for (std::size_t a = 0; a < natoms; ++a)
    for (std::size_t l = 0; l < r.atom_l_weights[a].size(); ++l)
      for (std::size_t n = 0; n < nb; ++n)
        p.weights[(n * natoms + a) * L + l] = static_cast<float>(r.atom_l_weights[a][l][n]);
}

// Band projections of the current step (the provider's last SCF).
md::PdosSnapshot pdos_snapshot(const RunInput& in, const dft::Atoms& atoms0, const md::MdState& state,
                               const DftForceProvider& provider, std::vector<dft::PseudoAtom>& pseudo_atoms) {
  dft::Atoms atoms = atoms0;
  atoms.structure = state.structure;
  solve_pseudo_atoms(in, atoms, pseudo_atoms);
  const dft::ScfResult& scf = provider.last();
  const dft::Basis& basis = provider.basis();
  const auto orbitals = dft::atomic_orbital_vectors(basis, atoms, pseudo_atoms);
  const auto proj = dft::project_bands(basis, orbitals, scf.state.X, scf.n_bands);
  const std::vector<double> eig(scf.eigenvalues.begin(), scf.eigenvalues.begin() + scf.n_bands);
  dft::PdosOptions opt;
  opt.sigma = in.pdos->broadening;
  opt.step = in.pdos->energy_step;
  opt.ec_window = in.pdos->ec_window;
  opt.e_min = eig.front();  // the broadened curves are not stored: a two-point grid keeps them cheap
  opt.e_max = eig.front() + opt.step;
  const dft::PdosResult r = dft::accumulate_pdos(atoms, pseudo_atoms, eig, scf.n_occupied, proj, opt);
  md::PdosSnapshot p;
  p.step = state.step;
  p.time = state.time;
  p.eigenvalues = eig;
  p.n_occupied = scf.n_occupied;
  store_weights(r, atoms.structure.size(), p);
  p.vbm = r.vbm;
  p.cbm = r.cbm;
  p.spilling_occupied = r.spilling_occupied;
  p.spilling_all = r.spilling_all;
  p.broadening = in.pdos->broadening;
  p.energy_step = in.pdos->energy_step;
  p.ec_window = in.pdos->ec_window;
  return p;
}

}  // namespace

void PdosObserver::store(const md::MdState& state) {
  if (in_.md.pdos_every <= 0 || state.step % in_.md.pdos_every != 0) return;
  const auto t0 = clock_type::now();
  try {
    trajectory_.append_pdos(pdos_snapshot(in_, atoms_, state, provider_, pseudo_atoms_));
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(in_.path + ": [pdos] at step " + std::to_string(state.step) + ": " + e.what());
  }
  seconds_ += std::chrono::duration<double>(clock_type::now() - t0).count();
}

}  // namespace megabar::app
