// One term of the Kohn-Sham energy functional (Hartree atomic units), the interface run_scf iterates over:
//   E_KS = sum_t E_t,   V_eff = sum_t V_t  (local, Hartree, xc),   F_a = sum_t F_t,a,   sigma = sum_t sigma_t.
// Each term lives in one file with its formula at the top (kinetic.hpp, local_potential.hpp, nonlocal.hpp,
// hartree.hpp, xc.hpp, ewald.hpp) and owns its precomputed tables (V_loc(G) and V_loc(r), the projectors,
// the Ewald charges and constant energy, ...). The kinetic and nonlocal terms act on the bands through
// Hamiltonian::apply and add nothing to V_eff. A new term: one file, and one line in scf.cpp's make_terms.
#pragma once
#include <string>
#include <vector>

#include "dft/atoms.hpp"
#include "dft/basis.hpp"

namespace megabar::dft {

// What the terms read.
struct TermState {
  const Atoms* atoms = nullptr;
  View2<double> X;       // bands (scaled half-sphere vectors), n_real x >= nb
  View1<double> occ;     // occupations f_n
  int nb = 0;            // bands in use
  View1<double> rho_r;   // density on the dense grid
  View1<complex> rho_G;  // the same density on the sphere
};

class Term {
 public:
  virtual ~Term() = default;
  // "kinetic", "local", "nonlocal", "hartree", "xc" or "ewald": the EnergyTerms field and stress_terms key.
  virtual std::string key() const = 0;
  virtual double energy(const TermState& s) const = 0;
  // Adds the term's potential for the density (s.rho_r, s.rho_G) to v_eff on the grid; false if it has none.
  virtual bool add_potential(const TermState& /*s*/, View1<double> /*v_eff*/) { return false; }
  // For the Harris-Foulkes energy of run_scf's iterations: the term's energy of the density that was last given to
  // add_potential (s must be that state). XcTerm returns the E_xc its potential evaluation computed alongside.
  virtual double potential_energy(const TermState& s) const { return energy(s); }
  // Whether the energy is a functional of the bands alone (kinetic, nonlocal): the eigenvalue sum counts it.
  virtual bool band_term() const { return false; }
  // Hellmann-Feynman forces (natoms, Ha/bohr, input order); empty when the term exerts none.
  virtual std::vector<Vec3> forces(const TermState& /*s*/) const { return {}; }
  // Stress at a fixed set of plane waves (Ha/bohr^3, QE's sign: positive under compression).
  virtual Mat3 stress(const TermState& s) const = 0;
  // The energy and the stress of one state together (run_scf's final evaluation in MD): terms whose two share
  // work (the xc functional's evaluation, the nonlocal projections) do it once.
  virtual double energy_and_stress(const TermState& s, Mat3& sigma) const {
    sigma = stress(s);
    return energy(s);
  }
};

// v_eff(i) += v(i) on the grid.
void add_to_potential(const View1<double>& v, View1<double> v_eff);

// A natoms x 3 device table of forces, on the host.
std::vector<Vec3> host_forces(const View2<double>& F);

}  // namespace megabar::dft
