// Local pseudopotential term (GTH analytic form factors, see gth.hpp):
//   V_loc(G) = (1/Omega) sum_s v_s(|G|) S_s(G),  S_s(G) = sum_{a in s} exp(-i G.R_a)
//   E_loc    = Omega sum_G conj(rho(G)) V_loc(G)
// At G = 0 the Coulomb divergence of each v_s is dropped (it cancels with Hartree and Ewald at G = 0) and
// the finite remainder alpha_s = lim [v_s(q) + 4 pi Z_s/q^2] is kept: E gets N_e/Omega sum_a alpha_a.
#pragma once
#include "dft/atoms.hpp"
#include "dft/basis.hpp"
#include "dft/fields.hpp"
#include "dft/term.hpp"
#include "kernels/reductions.hpp"

namespace megabar::dft::local {

// Radial form factors v_s(|G|) (alpha_s at G = 0) per species on the density sphere (nspecies x nG).
Kokkos::View<double**, Kokkos::LayoutRight, kernels::MemSpace> form_factors(const Basis& basis, const Atoms& atoms);

// V_loc on the density sphere.
View1<complex> potential(const Basis& basis, const Atoms& atoms);

// Hellmann-Feynman forces F_a = -dE_loc/dR_a = sum_G Re[ i G conj(rho(G)) v_s(|G|) exp(-i G.R_a) ]
// (natoms x 3, Ha/bohr).
View2<double> forces(const Basis& basis, const Atoms& atoms, const View1<complex>& rho_G);

double energy(const Basis& basis, const View1<complex>& v_loc_G, const View1<complex>& rho_G);

// The forces of any atom-centred function with radial form factors form(s, |G|) (per species, on the density
// sphere) paired with a field f(G):  E = sum_G conj(f(G)) sum_s form_s S_s(G),
//   F_a = sum_G Re[ i G conj(f(G)) form_s(|G|) exp(-i G.R_a) ]  (natoms x 3). f = rho for the local
// potential, f = v_xc for the model core charge (dft/core_charge.hpp).
View2<double> pair_forces(const Basis& basis, const Atoms& atoms,
                          const Kokkos::View<double**, Kokkos::LayoutRight, kernels::MemSpace>& form,
                          const View1<complex>& field_G);

// (1/Omega) sum_s form(s, |G|) S_s(G) on the density sphere: V_loc, or the model core density.
View1<complex> superpose(const Basis& basis, const Atoms& atoms,
                         const Kokkos::View<double**, Kokkos::LayoutRight, kernels::MemSpace>& form,
                         const std::string& label);

// One reduction over the sphere, for the stress of such a pairing (dform: d form/d|G|):
//   s_ab = sum_{G != 0} Re[conj(f(G)) sum_s S_s(G) dform_s(|G|)] G_a G_b / |G|  (ev.s; ev.matrix(1/Omega) is the
//   strain part of sigma), and, when `partner` is not empty, ev.energy = sum_G Re[conj(f(G)) partner(G)].
kernels::EnergyVirial pair_virial(const Basis& basis, const Atoms& atoms,
                                  const Kokkos::View<double**, Kokkos::LayoutRight, kernels::MemSpace>& dform,
                                  const View1<complex>& field_G, const View1<complex>& partner_G = {});

// Form factors (or d/d|G|) of the species' model core charges rho_c,s(|G|) on the density sphere
// (nspecies x nG; zero rows for species without one).
Kokkos::View<double**, Kokkos::LayoutRight, kernels::MemSpace> core_form_factor_table(const Basis& basis,
                                                                                      const Atoms& atoms,
                                                                                      bool derivative);

// Stress (QE's sign): sigma_ab = delta_ab E_loc/Omega
//   + sum_{G != 0} Re[conj(rho(G)) (1/Omega) sum_s S_s(G) v_s'(|G|)] G_a G_b / |G|
Mat3 stress(const Basis& basis, const Atoms& atoms, const View1<complex>& v_loc_G, const View1<complex>& rho_G);

}  // namespace megabar::dft::local

namespace megabar::dft {

// The local pseudopotential term of run_scf's list; owns V_loc on the sphere and on the grid.
class LocalTerm : public Term {
 public:
  LocalTerm(const Basis& basis, const Atoms& atoms, const FieldTransform& fields);
  std::string key() const override { return "local"; }
  double energy(const TermState& s) const override { return local::energy(basis_, v_G_, s.rho_G); }
  bool add_potential(const TermState& s, View1<double> v_eff) override;
  std::vector<Vec3> forces(const TermState& s) const override;
  Mat3 stress(const TermState& s) const override { return local::stress(basis_, *s.atoms, v_G_, s.rho_G); }
  const View1<complex>& potential_G() const { return v_G_; }
  const View1<double>& potential_r() const { return v_r_; }

 private:
  const Basis& basis_;
  View1<complex> v_G_;
  View1<double> v_r_;
};

}  // namespace megabar::dft
