// Pseudo-atomic orbitals: the isolated, spherical, neutral pseudo-atom of a GTH pseudopotential or of a
// numerical norm-conserving one (psp8 / UPF, dft/pseudo_nc.hpp), solved self-consistently in Kohn-Sham
// DFT with the same potential the crystal uses (local part + separable nonlocal projectors: HGH 1998
// eqs. 1-3, or sum_ij |beta_i> D_ij <beta_j|; with a model core, v_xc and E_xc see rho + rho_c), for the
// projected density of states (dft/pdos.hpp).
//
// Each angular momentum channel l is expanded in even-tempered Gaussians (normalised primitives)
//     g_k(r) = N_k r^l exp(-a_k r^2),   N_k^2 = 2 (2 a_k)^(l+3/2) / Gamma(l+3/2),   phi = R_l(r) Y_lm(r^)
// and the radial Kohn-Sham problem H c = eps S c is solved by diagonalisation (canonical
// orthogonalisation drops near-dependent combinations), so the projector term, an integral operator in
// r, is just a matrix. Per channel:
//     S_kj = int g_k g_j r^2 dr = [2 sqrt(a_k a_j) / (a_k + a_j)]^(l+3/2)                    (analytic)
//     T_kj = 1/2 int [g_k' g_j' + l(l+1)/r^2 g_k g_j] r^2 dr                                 (analytic)
//     V_kj = int g_k [V_loc + V_H + v_xc] g_j r^2 dr (+ 2 vsigma rho' (g_k g_j)' for GGA)   (radial grid)
//     NL_kj = sum_ij <g_k|p_i^l> h^l_ij <p_j^l|g_j>          (GTH: analytic; numerical: file's quadrature)
// The valence density is spherical: rho(r) = (1/4pi) sum_shells f_nl R_nl(r)^2 (occupation spread
// equally over m). V_H(r) = 4 pi [ (1/r) int_0^r rho r'^2 dr' + int_r^inf rho r' dr' ]. The xc functional is
// the run's: "PBE" (dft/xc_pbe.hpp, as the crystal), "LDA" (libxc Slater + PZ81), "LDA-PW92" (libxc Slater +
// PW92), "PADE" (libxc Teter93);
// for GGA the potential enters in weak form, so no second derivative of rho is needed.
//
// The plane-wave form factor of an orbital is analytic in this basis:
//     F_l(q) = int r^2 j_l(q r) R_l(r) dr = sum_k c_k N_k sqrt(pi) q^l / (2^(l+2) a_k^(l+3/2)) exp(-q^2/(4 a_k)).
// Hartree atomic units throughout.
#pragma once
#include <string>
#include <vector>

#include "dft/gth.hpp"
#include "dft/pseudo_nc.hpp"

namespace megabar::dft {

// One occupied shell of the reference configuration: the `index`-th lowest state (0-based) of channel l.
struct AtomShell {
  int l = 0;
  int index = 0;
  double occupation = 0;  // electrons (both spins), spread equally over m
};

struct AtomOptions {
  std::string xc = "PBE";                // "PBE" | "LDA" | "LDA-PW92" | "PADE"
  bool interacting = true;               // false: no Hartree and no xc (the one-electron problem of V_loc + V_nl)
  std::vector<AtomShell> configuration;  // empty: the file's (NcPseudo::valence), else standard_configuration
  // Numerical potentials whose file carries pseudo-atomic orbitals (UPF PP_CHI): project on those (fitted to
  // the Gaussian basis) rather than on the solved ones; the solved eigenvalues are kept either way.
  bool orbitals_from_file = true;
  int states_per_l = 2;  // eigenvalues (and orbitals) kept per channel, lowest first
  int lmax = -1;         // highest channel solved; -1: max(config l, projector l)
  // Even-tempered exponents a_min * ratio^k up to a_max (1/bohr^2).
  // The default range holds the smooth GTH pseudo-orbitals (r_loc >= ~0.2 bohr) to ~1e-9 Ha; an all-electron
  // Coulomb cusp needs a_max ~ 1e6 Z^2.
  double a_min = 0.01, a_max = 1e4, ratio = 1.7;
  double tolerance = 1e-9;  // SCF: max |change of an occupied eigenvalue| (Ha) and of the density
  int max_iterations = 200;
  double mixing = 0.4;  // Pulay mixing of the density matrices: step beta, 6 previous iterations
};

// A radial function R(r) = sum_k coef_k N_k r^l exp(-alpha_k r^2), normalised int R^2 r^2 dr = 1.
struct RadialOrbital {
  int l = 0;
  int index = 0;          // 0: lowest state of this l
  double eigenvalue = 0;  // Ha
  double occupation = 0;
  std::vector<double> alpha, coef;     // coef already includes the primitive normalisation N_k
  double value(double r) const;        // R(r)
  double derivative(double r) const;   // dR/dr
  double form_factor(double q) const;  // int r^2 j_l(qr) R(r) dr
  std::string label() const;           // "s", "p", "d"
};

struct PseudoAtom {
  std::string element, potential, xc;
  double zion = 0;
  std::vector<AtomShell> configuration;
  std::vector<std::vector<RadialOrbital>> states;  // [l][index], the lowest states_per_l of each channel
  std::vector<RadialOrbital> valence;              // the occupied shells of the configuration, in its order
  double total_energy = 0;                         // Ha (valence: kinetic + pseudopotential + Hartree + xc)
  std::string orbital_source = "solved";           // "solved", or "file" (UPF PP_CHI fitted to the basis)
  // With orbital_source "file": max over the valence shells of the L2 distance between the file's orbital
  // and the solved one, sqrt(int (R_file - R_solved)^2 r^2 dr) (0 = identical, sqrt 2 = orthogonal).
  double file_orbital_deviation = 0;
  int iterations = 0;
  bool converged = false;
};

// Default configuration: zion <= 2: s^zion; zion <= 8: s^2 p^(zion-2) (B: 2s2 2p1, O: 2s2 2p4).
// Throws std::invalid_argument for other valence charges (semicore or d shells: pass a configuration).
std::vector<AtomShell> standard_configuration(const GthPseudopotential& pp);
// The same rule for valence charge zion; `what` names the potential in the error.
std::vector<AtomShell> standard_configuration(double zion, const std::string& what);

// Solves the spherical pseudo-atom. Throws std::runtime_error when the SCF does not converge.
PseudoAtom solve_pseudo_atom(const GthPseudopotential& pp, const AtomOptions& options = {});
// The same for a numerical norm-conserving potential: V_loc and rho_c interpolated (cubic) onto the solver's
// grid (V_loc = -zion/r and rho_c = 0 beyond the file's grid), projector overlaps by the file's quadrature.
// Configuration: options.configuration, else pp.valence (shell index = its rank among the file's shells of
// the same l), else standard_configuration(pp.zion).
PseudoAtom solve_pseudo_atom(const NcPseudo& pp, const AtomOptions& options = {});

// GTH local potential in real space (HGH 1998 eq. 1), Ha; r > 0.
double gth_local_potential(const GthPseudopotential& pp, double r);

}  // namespace megabar::dft
