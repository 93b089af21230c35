// Goedecker-Teter-Hutter (GTH/HGH) norm-conserving pseudopotentials, CP2K file format.
//
// Real space (Hartwigsen, Goedecker, Hutter, PRB 58, 3641 (1998), eqs. 1-3):
//   V_loc(r) = -Z/r erf(r / (sqrt(2) r_loc)) + exp(-r^2/(2 r_loc^2)) sum_{i=1..4} C_i (r/r_loc)^(2i-2)
//   V_nl     = sum_{l,m} sum_{ij} |p_i^l Y_lm> h^l_ij <p_j^l Y_lm|
//   p_i^l(r) = sqrt(2) r^(l+2(i-1)) exp(-r^2/(2 r_l^2)) / ( r_l^(l+(4i-1)/2) sqrt(Gamma(l+(4i-1)/2)) )
// G space: the Fourier transforms below are analytic; they exclude the 1/Omega (and 1/sqrt(Omega)) factors
// of the plane-wave normalisation, which the callers apply.
#pragma once
#include <string>
#include <vector>

namespace megabar::dft {

struct GthChannel {
  double r = 0;                        // r_l (bohr)
  int nproj = 0;                       // number of projectors i = 1..nproj (<= 3)
  std::vector<std::vector<double>> h;  // h_ij (Ha), symmetric nproj x nproj
};

struct GthPseudopotential {
  std::string element;
  std::string name;                  // e.g. "GTH-PBE-q3"
  std::string source;                // file it was read from
  double zion = 0;                   // valence charge
  double rloc = 0;                   // bohr
  std::vector<double> c;             // C1..C4 (Ha), missing ones are 0
  std::vector<GthChannel> channels;  // index = l

  // Fourier transform of V_loc without the Coulomb tail:  int d^3r exp(-iq.r) [V_loc(r) + Z/r] would
  // diverge, so we give the full transform for q > 0 ...
  double local_form_factor(double q) const;  // int d^3r e^{-iqr} V_loc(r), q > 0 (includes -4 pi Z/q^2)
  // ... and the finite q -> 0 limit of [transform + 4 pi Z / q^2]: the "alpha Z" term of the energy.
  double local_g0_term() const;
  // d/dq of local_form_factor (analytic), q > 0.
  double local_form_factor_derivative(double q) const;
  // d/dq of projector_form_factor (4th-order central difference of the analytic form, error ~1e-12; the
  // analytic form is a smooth function of q on the whole real line, so q - 2h < 0 is fine).
  double projector_form_factor_derivative(int l, int i, double q) const;
  // 4 pi int r^2 j_l(q r) p_i^l(r) dr, i counted from 1.
  double projector_form_factor(int l, int i, double q) const;
  int lmax() const { return static_cast<int>(channels.size()) - 1; }
  int projectors_per_atom() const;  // sum over l of nproj * (2l+1)
};

// Reads a GTH potential in CP2K format. `path` is either a single-element file (one block) or a library
// (GTH_POTENTIALS) in which case `name` selects the block whose element is `element` and whose name or
// one of its aliases equals `name`. Errors name the file, line and what was expected.
GthPseudopotential read_gth(const std::string& path, const std::string& element, const std::string& name = "");

}  // namespace megabar::dft
