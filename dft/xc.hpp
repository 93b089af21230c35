// Exchange-correlation term E_xc[rho] and v_xc on the dense grid, in device memory.
//   E_xc = int rho(r) eps_xc(rho, |grad rho|^2) dr  ~  (Omega/N) sum_r rho eps
//   LDA: v_xc = d(rho eps)/d rho
//   GGA: v_xc = vrho - 2 div( vsigma grad rho ),  sigma = |grad rho|^2
// Gradients and the divergence are taken spectrally on the dense grid (i G multiplication on the density
// sphere), the same way the density itself is represented, so E_xc and v_xc stay consistent.
// Functionals (pointwise kernels of megabar's own, checked against libxc (Lehtola et al., SoftwareX 7, 1
// (2018)) in the tests): "PBE" = GGA_X_PBE + GGA_C_PBE with QE's PW92 constant (dft/xc_pbe.hpp);
// "LDA" = LDA_X + LDA_C_PZ (Perdew-Zunger 81, as QE's "PZ"); "PADE" = LDA_XC_TETER93
// (Goedecker-Teter-Hutter Pade form, the functional of GTH-PADE files); "LDA-PW92" = LDA_X + LDA_C_PW
// (Perdew-Wang 92, QE's "PW", the functional of the PseudoDojo LDA files) (all three dft/xc_lda.hpp).
#pragma once
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "dft/core_charge.hpp"
#include "dft/fields.hpp"
#include "dft/term.hpp"

namespace megabar::dft {

// The grids and sphere fields one evaluation needs besides its input and output. The GGA ones (gradient,
// vsigma, the transforms' pairs) stay empty for LDAs.
struct XcScratch {
  View2<double> grad;              // N x 3: d_x, d_y, d_z rho
  View1<double> vsigma, a_r, b_r;  // N
  View1<double> v_r;               // N: v of an energy or stress evaluation (add_potential writes its own)
  View1<complex> a_G, b_G, div_G;  // nG
};

class XcTerm : public Term {
 public:
  // `core`: the model core charge of the species (numerical pseudopotentials with a nonlinear core
  // correction), added to the density the functional sees in the Term methods below; null or empty: none.
  XcTerm(const std::string& name, const FieldTransform& fields, std::shared_ptr<const CoreCharge> core = nullptr);
  ~XcTerm();
  XcTerm(const XcTerm&) = delete;
  XcTerm& operator=(const XcTerm&) = delete;

  bool is_gga() const { return gga_; }
  const std::string& name() const { return name_; }
  // From rho (real grid and its sphere coefficients) computes v_xc on the grid; returns E_xc.
  double compute(const View1<double>& rho_r, const View1<complex>& rho_G, View1<double> v_r) const;
  // E_xc only (skips the GGA divergence term of the potential).
  double energy(const View1<double>& rho_r, const View1<complex>& rho_G) const;
  // Stress sigma_ab = -(1/Omega) dE_xc/d eps_ab (QE's sign: positive under compression):
  //   delta_ab (int rho v_xc - E_xc)/Omega + (2/Omega) int vsigma d_a rho d_b rho  (the last for GGA).
  // With `energy`, also E_xc (from the same evaluation).
  std::array<std::array<double, 3>, 3> stress(const View1<double>& rho_r, const View1<complex>& rho_G,
                                              double* energy = nullptr) const;

  // As a term of run_scf's list (key "xc"; name() stays the functional's name). Owns v_xc on the grid.
  std::string key() const override { return "xc"; }
  double energy(const TermState& s) const override;
  bool add_potential(const TermState& s, View1<double> v_eff) override;
  double potential_energy(const TermState& /*s*/) const override { return potential_energy_; }
  // With a model core: E_xc[rho + rho_c], v_xc[rho + rho_c], the core's forces and its stress term.
  Mat3 stress(const TermState& s) const override;
  double energy_and_stress(const TermState& s, Mat3& sigma) const override;
  std::vector<Vec3> forces(const TermState& s) const override;

 private:
  std::string name_;
  bool gga_ = false;
  int lda_kind_ = 0;  // xc_lda::Kind of "LDA" / "PADE" (an int: this header does not include xc_lda.hpp)
  const FieldTransform& fields_;
  View1<double> v_r_;
  double potential_energy_ = 0;             // E_xc of the density last given to add_potential
  std::shared_ptr<const CoreCharge> core_;  // null when there is no model core
  // rho + rho_c (grid, sphere), allocated once with the core: every SCF iteration forms it.
  mutable View1<double> total_r_;
  mutable View1<complex> total_G_;
  // Scratch of the evaluations, allocated with the term and reused (fresh arrays at every SCF iteration
  // cost page faults and zero fills).
  mutable XcScratch scratch_;
  // The density the functional sees: (s.rho_r, s.rho_G), plus the model core when there is one.
  void total_density(const TermState& s, View1<double>& n_r, View1<complex>& n_G) const;
  // v_xc of that density on the sphere.
  View1<complex> potential_G(const View1<double>& n_r, const View1<complex>& n_G) const;
};

}  // namespace megabar::dft
