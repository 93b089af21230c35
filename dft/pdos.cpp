#include "dft/pdos.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/units.hpp"

namespace megabar::dft {

namespace {
using units::pi;

int max_l(const PseudoAtom& atom) {
  int l = -1;
  for (const auto& v : atom.valence) l = std::max(l, v.l);
  return l;
}

// Weight per species, l and band: W_{s,l,n} = sum over atoms of s of the atom's l weight.
std::vector<std::vector<std::vector<double>>> species_weights(const Atoms& atoms,
                                                              const std::vector<PseudoAtom>& pseudo_atoms,
                                                              const PdosResult& r, int nb) {
  std::vector<std::vector<std::vector<double>>> W(pseudo_atoms.size());
  for (std::size_t s = 0; s < pseudo_atoms.size(); ++s)
    W[s].assign(max_l(pseudo_atoms[s]) + 1, std::vector<double>(nb, 0.0));
  for (std::size_t a = 0; a < atoms.structure.size(); ++a) {
    const int s = atoms.species_of_atom[a];
    for (std::size_t l = 0; l < r.atom_l_weights[a].size(); ++l)
      for (int n = 0; n < nb; ++n) W[s][l][n] += r.atom_l_weights[a][l][n];
  }
  return W;
}

void centres_of_gravity(const std::vector<std::vector<std::vector<double>>>& W, const PdosOptions& opt, PdosResult& r) {
  const int nb = static_cast<int>(r.eigenvalues.size());
  const double top = r.eigenvalues.back();
  r.ec.resize(W.size());
  for (std::size_t s = 0; s < W.size(); ++s) r.ec[s].assign(W[s].size(), std::numeric_limits<double>::quiet_NaN());
  if (r.n_occupied >= nb) return;
  r.ec_window_min = r.cbm;
  r.ec_window_max = std::min(r.cbm + opt.ec_window, top);
  r.ec_window_truncated = r.cbm + opt.ec_window > top;
  for (std::size_t s = 0; s < W.size(); ++s)
    for (std::size_t l = 0; l < W[s].size(); ++l) {
      double sw = 0, swe = 0;
      for (int n = r.n_occupied; n < nb; ++n) {
        if (r.eigenvalues[n] > r.ec_window_max) continue;
        sw += W[s][l][n];
        swe += W[s][l][n] * r.eigenvalues[n];
      }
      if (sw > 0) r.ec[s][l] = swe / sw;
    }
}

}  // namespace

double gaussian(double x, double sigma) {
  return std::exp(-0.5 * x * x / (sigma * sigma)) / (sigma * std::sqrt(2.0 * pi));
}

PdosResult accumulate_pdos(const Atoms& atoms, const std::vector<PseudoAtom>& pseudo_atoms,
                           const std::vector<double>& eigenvalues, int n_occupied, const BandProjections& proj,
                           const PdosOptions& opt) {
  const int nb = static_cast<int>(eigenvalues.size());
  if (nb == 0 || n_occupied < 1 || n_occupied > nb || proj.n_bands != nb)
    throw std::invalid_argument("pdos: need the eigenvalues and projections of the same bands, at least one occupied");
  if (!(opt.sigma > 0) || !(opt.step > 0))
    throw std::invalid_argument("pdos: broadening and energy step must be positive");
  PdosResult r;
  r.pseudo_atoms = pseudo_atoms;
  r.eigenvalues = eigenvalues;
  r.n_occupied = n_occupied;
  r.vbm = eigenvalues[n_occupied - 1];
  if (n_occupied < nb) r.cbm = eigenvalues[n_occupied];
  r.min_overlap_eigenvalue = proj.min_overlap_eigenvalue;
  r.overlap_diagonal = proj.overlap_diagonal;

  // Per-atom l weights and per-band projected totals.
  r.atom_l_weights.resize(atoms.structure.size());
  for (std::size_t a = 0; a < atoms.structure.size(); ++a)
    r.atom_l_weights[a].assign(max_l(pseudo_atoms[atoms.species_of_atom[a]]) + 1, std::vector<double>(nb, 0.0));
  r.band_projected.assign(nb, 0.0);
  for (int n = 0; n < nb; ++n)
    for (int i = 0; i < proj.n_orbitals; ++i) {
      const auto& lab = proj.labels[i];
      r.atom_l_weights[lab.atom][lab.l][n] += proj.w(i, n);
      r.band_projected[n] += proj.w(i, n);
    }
  double occ = 0, all = 0;
  for (int n = 0; n < nb; ++n) {
    (n < n_occupied ? occ : all) += r.band_projected[n];
  }
  all += occ;
  r.spilling_occupied = 1.0 - occ / n_occupied;
  r.spilling_all = 1.0 - all / nb;

  // Energy grid and broadened curves.
  const double lo = std::isnan(opt.e_min) ? eigenvalues.front() - 6 * opt.sigma : opt.e_min;
  const double hi = std::isnan(opt.e_max) ? eigenvalues.back() + 6 * opt.sigma : opt.e_max;
  if (!(hi > lo)) throw std::invalid_argument("pdos: the energy range is empty (energy_max <= energy_min)");
  const long npts = static_cast<long>(std::floor((hi - lo) / opt.step + 1e-9)) + 1;
  if (npts > 2000000) throw std::invalid_argument("pdos: more than 2e6 energy grid points; raise the step");
  const auto W = species_weights(atoms, pseudo_atoms, r, nb);
  r.energies.resize(npts);
  r.total.assign(npts, 0.0);
  r.species_l.resize(W.size());
  for (std::size_t s = 0; s < W.size(); ++s) r.species_l[s].assign(W[s].size(), std::vector<double>(npts, 0.0));
  const double reach = 10 * opt.sigma;  // exp(-50) beyond: nothing to add
  for (long k = 0; k < npts; ++k) r.energies[k] = lo + k * opt.step;
  for (int n = 0; n < nb; ++n) {
    const long k0 = std::max(0L, static_cast<long>(std::floor((eigenvalues[n] - reach - lo) / opt.step)));
    const long k1 = std::min(npts - 1, static_cast<long>(std::ceil((eigenvalues[n] + reach - lo) / opt.step)));
    for (long k = k0; k <= k1; ++k) {
      const double g = 2.0 * gaussian(r.energies[k] - eigenvalues[n], opt.sigma);  // 2: spin
      r.total[k] += g;
      for (std::size_t s = 0; s < W.size(); ++s)
        for (std::size_t l = 0; l < W[s].size(); ++l) r.species_l[s][l][k] += W[s][l][n] * g;
    }
  }
  centres_of_gravity(W, opt, r);
  return r;
}

std::vector<PseudoAtom> solve_pseudo_atoms(const Atoms& atoms, const std::string& xc) {
  std::vector<PseudoAtom> pseudo_atoms;
  for (const auto& sp : atoms.species) {
    AtomOptions ao;
    ao.xc = xc;
    pseudo_atoms.push_back(sp.is_nc() ? solve_pseudo_atom(*sp.nc, ao) : solve_pseudo_atom(*sp.gth, ao));
  }
  return pseudo_atoms;
}

PdosResult projected_dos(const Atoms& atoms, const Basis& basis, const ScfResult& scf, const std::string& xc,
                         const PdosOptions& options) {
  const std::vector<PseudoAtom> pseudo_atoms = solve_pseudo_atoms(atoms, xc);
  const auto orbitals = atomic_orbital_vectors(basis, atoms, pseudo_atoms);
  const auto proj = project_bands(basis, orbitals, scf.state.X, scf.n_bands);
  std::vector<double> eig(scf.eigenvalues.begin(), scf.eigenvalues.begin() + scf.n_bands);
  return accumulate_pdos(atoms, pseudo_atoms, eig, scf.n_occupied, proj, options);
}

}  // namespace megabar::dft
