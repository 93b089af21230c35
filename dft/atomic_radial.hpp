// Building blocks of the pseudo-atom solver (dft/atomic_orbitals.hpp): the logarithmic radial grid, the
// Gaussian basis of one l channel with its analytic overlap, kinetic and projector matrices, the radial
// Hartree and xc potentials, and the generalised eigenproblem. Host code (a few thousand grid points and
// a few dozen basis functions); only the small symmetric eigenproblems go through kernels/linalg.hpp.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "dft/atomic_orbitals.hpp"
#include "dft/gth.hpp"
#include "dft/pseudo_nc.hpp"

namespace megabar::dft::atomic_radial {

// r_i = exp(x_0 + i h); int f dr ~ sum_i w_i f(r_i), w_i = h r_i (trapezoid rule in x = ln r, spectrally
// accurate for the smooth integrands here, which vanish at both ends of [r_min, r_max]).
struct RadialGrid {
  double h = 0;
  std::vector<double> r, w;
  std::size_t size() const { return r.size(); }
};
RadialGrid make_grid(double r_min = 1e-8, double r_max = 80.0, double h = 0.01);

// The even-tempered Gaussians of channel l, tabulated on the grid, with their analytic matrices
// (row-major n x n): overlap S, kinetic T, projector term NL = sum_ij <g|p_i> h_ij <p_j|g> (zero until
// add_gth_projectors / add_nc_projectors), and the canonical orthogonalisation X = U s^{-1/2} of S
// (n x m, m <= n: near-dependent directions dropped).
struct ChannelBasis {
  int l = 0, n = 0, m = 0;
  std::vector<double> alpha, norm;  // exponents and primitive normalisations N_k
  std::vector<double> S, T, NL, X;
  std::vector<double> g, dg;  // g_k(r_i), g_k'(r_i): grid-major, index i * n + k
};
ChannelBasis make_channel(int l, double a_min, double a_max, double ratio, const RadialGrid& grid);

// NL += the GTH projectors of channel cb.l (HGH 1998 eq. 3), analytic overlaps <g_k|p_i>.
void add_gth_projectors(const GthPseudopotential& pp, ChannelBasis& cb);
// NL += sum_ij <g_k|beta_i> D_ij <beta_j|g_j> over the numerical projectors of channel cb.l, the overlaps
// int r^2 g_k beta_i dr by the file's own radial quadrature (the projectors are not interpolated).
void add_nc_projectors(const NcPseudo& pp, ChannelBasis& cb);

// Least-squares coefficients (in the primitive normalisation of RadialOrbital::coef) of a radial function R
// given at points r with quadrature weights w: c = S^+ <g|R>, S^+ = X X^T. The quadrature must resolve the
// tightest Gaussian (the solver's logarithmic grid does).
std::vector<double> fit_to_channel(const ChannelBasis& cb, const std::vector<double>& r, const std::vector<double>& w,
                                   const std::vector<double>& R);

// H += int r^2 [v g_k g_j + w (g_k' g_j + g_k g_j')] dr (w: the GGA weak-form term 2 vsigma rho').
void add_potential_matrix(const ChannelBasis& cb, const RadialGrid& grid, const std::vector<double>& v,
                          const std::vector<double>& w, std::vector<double>& H);

// Lowest `count` solutions of H c = eps S c as normalised radial orbitals (sign: the largest lobe of
// r R(r) positive; the B GTH 2s pseudo-orbital is nearly zero, and changes sign, close to the nucleus).
std::vector<RadialOrbital> lowest_states(const ChannelBasis& cb, const RadialGrid& grid, const std::vector<double>& H,
                                         int count);

// P += f c c^T in the basis of the channel (c: primitive coefficients, coef / N).
void add_to_density_matrix(const ChannelBasis& cb, const RadialOrbital& orb, double f, std::vector<double>& P);

// rho += (1/4pi) sum_kj P_kj g_k g_j and rho' += (1/4pi) sum_kj P_kj (g_k g_j)'.
void accumulate_density(const ChannelBasis& cb, const RadialGrid& grid, const std::vector<double>& P,
                        std::vector<double>& rho, std::vector<double>& drho);

// The run's functional on a spherical density: e = rho eps_xc, vrho, vsigma (sigma = rho'^2).
class XcEvaluator {
 public:
  explicit XcEvaluator(const std::string& name);  // "PBE", "LDA", "LDA-PW92", "PADE" or "none"
  ~XcEvaluator();
  XcEvaluator(const XcEvaluator&) = delete;
  XcEvaluator& operator=(const XcEvaluator&) = delete;
  bool gga() const { return gga_; }
  void evaluate(const std::vector<double>& rho, const std::vector<double>& sigma, std::vector<double>& e,
                std::vector<double>& vrho, std::vector<double>& vsigma) const;

 private:
  struct Funcs;
  std::string name_;
  bool gga_ = false;
  std::unique_ptr<Funcs> funcs_;
};

struct EnergyParts {
  double hartree = 0, xc = 0;
  double potential_density = 0;  // int rho (V_H + v_xc) d^3r (weak form for GGA): the double counting
};

// V_H(r) = 4 pi [ (1/r) int_0^r rho r'^2 dr' + int_r^inf rho r' dr' ] (4th-order cumulative quadrature).
std::vector<double> hartree_potential(const RadialGrid& grid, const std::vector<double>& rho);

// v += V_H[rho] + vrho[rho + rho_c], w += 2 vsigma (rho + rho_c)'; returns E_H[rho], E_xc[rho + rho_c] and
// the double-counting integral int rho (V_H + vrho) + w rho'. rho_c, rho_c': a model core (nonlinear core
// correction), or empty vectors for none.
EnergyParts add_hartree_xc(const RadialGrid& grid, const XcEvaluator& xc, const std::vector<double>& rho,
                           const std::vector<double>& drho, const std::vector<double>& rho_core,
                           const std::vector<double>& drho_core, std::vector<double>& v, std::vector<double>& w);

}  // namespace megabar::dft::atomic_radial
