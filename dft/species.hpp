// One pseudopotential species of a run: either a GTH potential (CP2K format, analytic form factors,
// dft/gth.hpp) or a numerical norm-conserving one (ABINIT psp8 or QE UPF v2, e.g. ONCVPSP / PseudoDojo,
// dft/pseudo_nc.hpp), chosen from the file's content. The terms of the Hamiltonian ask a species for
//   its local form factor v(q), its projectors f_i(q) with their coupling D_ij, and its model core charge
//   rho_c(q) (none for GTH),
// evaluated in device kernels: GTH ones analytically, numerical ones by interpolating tables in |q|
// (dft/radial_tables.hpp) that are tabulated once per species up to the largest |G| asked for.
#pragma once
#include <memory>
#include <mutex>
#include <string>

#include "dft/gth.hpp"
#include "dft/pseudo_nc.hpp"
#include "dft/radial_tables.hpp"

namespace megabar::dft {

struct Species {
  std::string element;
  std::string source;  // the file it was read from
  std::string
      name;  // GTH: the potential's name (e.g. GTH-PBE-q3); numerical: "psp8" or "UPF v2" and the file's functional
  double zion = 0;  // valence charge
  std::string xc;   // megabar's dft.xc name of the functional the file was made with ("" if it names none)
  std::shared_ptr<const GthPseudopotential> gth;  // exactly one of gth and nc is set
  std::shared_ptr<const NcPseudo> nc;

  bool is_nc() const { return nc != nullptr; }
  bool has_core() const { return nc && nc->has_core(); }
  int lmax() const;
  int projectors_per_atom() const;  // sum over projectors of (2l + 1)
  // Numerical species: the form-factor tables, covering at least 0 <= q <= qmax (1/bohr). Tabulated on the
  // first call and again only when a larger qmax is asked for (with 20 % head room, e.g. for a growing cell).
  const NcFormFactors& form_factors(double qmax) const;
  // The valence density of the isolated neutral pseudo-atom, n(q) = 4 pi int r^2 j_0(q r) rho(r) dr with
  // n(0) = zion (dft/atomic_density.hpp), covering at least 0 <= q <= qmax. The atom is solved with functional
  // xc (dft/atomic_orbitals.hpp) on the first call and again only for another functional or a larger qmax.
  // When it cannot be solved (no default configuration for its valence charge, no convergence), a Gaussian
  // atom of the same charge stands in, and a note on standard error says so.
  const RadialTable& atomic_density(double qmax, const std::string& xc) const;

 private:
  struct Cache {
    std::mutex mutex;
    std::shared_ptr<const NcFormFactors> tables;
    std::shared_ptr<const RadialTable> atomic_density;
    std::string atomic_density_xc;
  };
  std::shared_ptr<Cache> cache_ = std::make_shared<Cache>();
};

// Reads the pseudopotential of `element` from `path`: psp8 or UPF v2 when the content says so, else a
// GTH file (a single potential, or a library in which `name` selects the block). A numerical file whose
// element differs from `element` is refused, naming both.
Species read_species(const std::string& path, const std::string& element, const std::string& name = "");

}  // namespace megabar::dft
