// Plane-wave basis at the Gamma point and the dense FFT grid.
//
// Wavefunctions are real in real space, so c(-G) = conj(c(G)) and only half of the sphere
// |G|^2/2 <= ecut is stored: G = 0 first, then one G of each {G, -G} pair. The coefficients are kept as
// a real vector x of length n_real = 2*npw - 1 in "scaled" form:
//     x[0]            = c(0)                (real)
//     x[k]            = sqrt(2) Re c(G_k)    k = 1..npw-1
//     x[npw - 1 + k]  = sqrt(2) Im c(G_k)
// With this scaling the plain Euclidean dot product of two such vectors equals the full complex inner
// product sum over all G of conj(a(G)) b(G), so overlaps and projections are plain DGEMMs.
// Normalisation: psi(r) = Omega^{-1/2} sum_G c(G) exp(iG.r) with sum_G |c(G)|^2 = 1.
//
// The density lives on the whole sphere |G|^2/2 <= 4 ecut (both G and -G stored), index list `dense`.
#pragma once
#include <array>
#include <vector>

#include "core/structure.hpp"
#include "kernels/views.hpp"

namespace megabar::dft {

using core::Cell;
using core::dot;
using core::Mat3;
using core::Vec3;
using kernels::complex;
using kernels::View1;
using kernels::View2;

// QE's rule: n_i = 2 max|m_i| + 1 over the density sphere, rounded up to a product of 2, 3 and 5.
std::array<int, 3> default_fft_grid(const Cell& cell, double ecut_rho);
int good_fft_order(int n);

struct GVectors {
  int count = 0;
  View2<double> G;                  // count x 3, Cartesian (1/bohr)
  View1<double> G2;                 // |G|^2
  View1<long> fft_index;            // position of +G on the FFT grid
  View1<long> fft_index_minus;      // position of -G
  View2<int> miller;                // count x 3 Miller indices m: G = sum_i m_i b_i
  std::array<int, 3> max_miller{};  // max |m_i| over the list
};

class Basis {
 public:
  Basis(const Cell& cell, double ecut, std::array<int, 3> fft_grid);
  // The same plane waves (Miller indices) and FFT grid as `reference`, for a strained cell: the basis of
  // "a constant number of plane waves", in which the analytic stress is the exact strain derivative.
  Basis(const Cell& cell, const Basis& reference);
  bool fixed_set() const { return fixed_set_; }

  const Cell& cell() const { return cell_; }
  double ecut() const { return ecut_; }
  double ecut_rho() const { return 4.0 * ecut_; }
  const std::array<int, 3>& fft_grid() const { return grid_; }
  long grid_size() const { return long(grid_[0]) * grid_[1] * grid_[2]; }

  int npw() const { return wfc_.count; }               // half-sphere count, including G = 0
  int n_real() const { return 2 * wfc_.count - 1; }    // length of a scaled real coefficient vector
  int npw_full() const { return 2 * wfc_.count - 1; }  // full-sphere count (as QE reports it)
  const GVectors& wfc() const { return wfc_; }
  const GVectors& dense() const { return dense_; }
  int dense_g0() const { return dense_g0_; }  // index of G = 0 in the dense list

  // max |m_i| (Miller index along b_i) over the wavefunction sphere: the box pruned FFTs may skip beyond.
  std::array<int, 3> wfc_box() const { return wfc_box_; }

  // Kinetic energy |G|^2/2 for each entry of the scaled real vector (length n_real).
  View1<double> kinetic_diagonal() const { return kinetic_; }

 private:
  Cell cell_;
  double ecut_;
  std::array<int, 3> grid_;
  GVectors wfc_, dense_;
  int dense_g0_ = 0;
  View1<double> kinetic_;
  std::array<int, 3> wfc_box_{};
  std::vector<std::array<int, 3>> wfc_miller_, dense_miller_;  // host copies, the basis's identity
  bool fixed_set_ = false;
  void build();
};

}  // namespace megabar::dft
