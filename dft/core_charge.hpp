// Model core charge: the nonlinear core correction (Louie, Froyen, Cohen, PRB 26, 1738 (1982)) of
// numerical norm-conserving pseudopotentials (dft/species.hpp). The XC functional sees the valence density
// plus a smooth partial core:
//   rho_c(G) = (1/Omega) sum_s rho_c,s(|G|) S_s(G),      E_xc = E_xc[rho + rho_c],   v_xc = v_xc[rho + rho_c]
// on the density sphere (as Quantum ESPRESSO; the grid copy is its transform). Moving the atoms moves rho_c:
//   F_a = sum_G Re[ i G conj(v_xc(G)) rho_c,s(|G|) exp(-i G.R_a) ]      (local::pair_forces with rho -> v_xc)
// and straining the cell changes rho_c,s(|G|): beyond the XC stress of rho + rho_c (xc.hpp, whose
// delta_ab int v_xc (rho + rho_c) term already holds the core's dilation part),
//   sigma_ab += sum_{G != 0} Re[ conj(v_xc(G)) (1/Omega) sum_s S_s(G) rho_c,s'(|G|) ] G_a G_b / |G|.
#pragma once
#include <vector>

#include "dft/atoms.hpp"
#include "dft/basis.hpp"
#include "dft/fields.hpp"

namespace megabar::dft {

class CoreCharge {
 public:
  // Empty (no allocation) when no species has a model core.
  CoreCharge(const Basis& basis, const Atoms& atoms, const FieldTransform& fields);
  bool empty() const { return empty_; }
  const View1<complex>& density_G() const { return rho_G_; }
  const View1<double>& density_r() const { return rho_r_; }
  // rho + rho_c into out_r (grid) and out_G (sphere).
  void add_to(const View1<double>& rho_r, const View1<complex>& rho_G, View1<double> out_r, View1<complex> out_G) const;
  // Forces (natoms, Ha/bohr) and the stress beyond the XC stress of rho + rho_c, for v_xc on the sphere.
  std::vector<Vec3> forces(const View1<complex>& v_xc_G) const;
  Mat3 stress(const View1<complex>& v_xc_G) const;

 private:
  const Basis& basis_;
  const Atoms& atoms_;
  bool empty_ = true;
  View1<complex> rho_G_;
  View1<double> rho_r_;
};

}  // namespace megabar::dft
