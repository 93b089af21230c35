#include "dft/species.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "dft/atomic_density.hpp"
#include "dft/atomic_orbitals.hpp"
#include "dft/atomic_radial.hpp"
#include "core/units.hpp"
#include "dft/scf_control.hpp"

namespace megabar::dft {

int Species::lmax() const {
  if (gth) return gth->lmax();
  return nc->lmax();
}

int Species::projectors_per_atom() const {
  if (gth) return gth->projectors_per_atom();
  return nc->projectors_per_atom();
}

const NcFormFactors& Species::form_factors(double qmax) const {
  if (!nc) throw std::logic_error("Species::form_factors: " + source + " is not a numerical pseudopotential");
  std::lock_guard<std::mutex> lock(cache_->mutex);
  if (!cache_->tables || cache_->tables->local_sr.qmax() < qmax)
    cache_->tables = std::make_shared<const NcFormFactors>(tabulate_form_factors(*nc, 1.2 * qmax + 1.0));
  return *cache_->tables;
}

namespace {

using units::pi;

// n(q) of the solved pseudo-atom on q = 0, dq, ..: the shells' density on the solver's logarithmic grid,
// transformed by quadrature (spectrally accurate for these smooth Gaussian sums). The far tail, where the
// density is below 1e-16 of its peak, and the innermost points (r < 1e-4 bohr, whose weight h r^3 leaves them
// below 1e-12 of n(0)) are left out.
RadialTable pseudo_atom_density_table(const Species& sp, double qmax, const std::string& xc) {
  AtomOptions ao;
  ao.xc = xc;
  const PseudoAtom atom = sp.is_nc() ? solve_pseudo_atom(*sp.nc, ao) : solve_pseudo_atom(*sp.gth, ao);
  const atomic_radial::RadialGrid grid = atomic_radial::make_grid();
  std::vector<double> rho(grid.size(), 0.0);
  double peak = 0;
  for (std::size_t i = 0; i < grid.size(); ++i) {
    for (const auto& shell : atom.valence) {
      const double R = shell.value(grid.r[i]);
      rho[i] += shell.occupation * R * R / (4.0 * pi);
    }
    peak = std::max(peak, rho[i]);
  }
  for (std::size_t i = 0; i < grid.size(); ++i)
    if (rho[i] < 1e-16 * peak || grid.r[i] < 1e-4) rho[i] = 0.0;
  return radial_transform(grid.r, grid.w, rho, 0, qmax, 0.005);
}

// A Gaussian atom of the same charge, n(q) = Z exp(-q^2 w^2 / 2) (w^2 = scf_control::initial_density_width2,
// the atoms of the start-up density), for a species whose pseudo-atom cannot be solved (a configuration the
// default rule does not cover, or no convergence).
RadialTable gaussian_atom_density_table(double zion, double qmax) {
  const double dq = 0.005, w2 = scf_control::initial_density_width2;
  RadialTable t;
  t.dq = dq;
  const int n = static_cast<int>(std::ceil(qmax / dq)) + 1;
  for (int k = 0; k < n; ++k) {
    const double q = k * dq, f = gaussian_atom_form_factor(zion, q * q, w2);
    t.f.push_back(f);
    t.df.push_back(-q * w2 * f);
  }
  return t;
}

RadialTable atomic_density_table(const Species& sp, double qmax, const std::string& xc) {
  try {
    return pseudo_atom_density_table(sp, qmax, xc);
  } catch (const std::exception& e) {
    std::fprintf(stderr,
                 "megabar: note: %s; the atomic density of %s (MD extrapolation, SCF force "
                 "correction) is a Gaussian atom instead\n",
                 e.what(), sp.element.c_str());
    return gaussian_atom_density_table(sp.zion, qmax);
  }
}

}  // namespace

const RadialTable& Species::atomic_density(double qmax, const std::string& xc) const {
  std::lock_guard<std::mutex> lock(cache_->mutex);
  if (!cache_->atomic_density || cache_->atomic_density_xc != xc || cache_->atomic_density->qmax() < qmax) {
    cache_->atomic_density = std::make_shared<const RadialTable>(atomic_density_table(*this, 1.2 * qmax + 1.0, xc));
    cache_->atomic_density_xc = xc;
  }
  return *cache_->atomic_density;
}

Species read_species(const std::string& path, const std::string& element, const std::string& name) {
  Species s;
  s.element = element;
  s.source = path;
  if (is_nc_pseudo_file(path)) {
    auto pp = std::make_shared<NcPseudo>(read_nc_pseudo(path));
    if (!pp->element.empty() && pp->element != element)
      throw std::invalid_argument(path + ": the pseudopotential is for element '" + pp->element +
                                  "', but it is given for '" + element + "'");
    s.zion = pp->zion;
    s.xc = pp->xc;
    s.name = (pp->format == "psp8" ? std::string("psp8") : std::string("UPF v2")) + " (" + pp->xc_label + ")";
    s.nc = std::move(pp);
  } else {
    auto pp = std::make_shared<GthPseudopotential>(read_gth(path, element, name));
    s.zion = pp->zion;
    s.name = pp->name;
    s.gth = std::move(pp);
  }
  return s;
}

}  // namespace megabar::dft
