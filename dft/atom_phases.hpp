// Phase factors of the atoms on a sphere of G vectors, factorised along the reciprocal axes:
//   exp(-i G.R_a) = prod_{i=1..3} exp(-i m_i theta_a,i),   G = sum_i m_i b_i,   theta_a,i = b_i.R_a,
// so each phase is the product of three entries of a small per-atom table (the role of QE's eigts1/2/3)
// instead of a sine and cosine per (atom, G). The tables hold m_i = -max|m_i| ... max|m_i| of the sphere.
// S_s(G) = sum_{a in s} exp(-i G.R_a) is the structure factor of species s.
#pragma once
#include "dft/atoms.hpp"
#include "dft/basis.hpp"

namespace megabar::dft {

class AtomPhases {
 public:
  AtomPhases(const Atoms& atoms, const Cell& cell, const GVectors& g);

  // exp(-i G_k.R_a)
  KOKKOS_INLINE_FUNCTION kernels::complex operator()(int a, int k) const {
    return table_(a, 0, miller_(k, 0) + offset_[0]) * table_(a, 1, miller_(k, 1) + offset_[1]) *
           table_(a, 2, miller_(k, 2) + offset_[2]);
  }

  using Table = Kokkos::View<kernels::complex***, Kokkos::LayoutRight, kernels::MemSpace>;

 private:
  Table table_;  // (atom, axis i, m_i + offset_i) -> exp(-i m_i theta_a,i)
  View2<int> miller_;
  int offset_[3];
};

// Structure factor of each species on the density sphere of `basis`, (nspecies x nG).
Kokkos::View<kernels::complex**, Kokkos::LayoutRight, kernels::MemSpace> structure_factors(const Atoms& atoms,
                                                                                           const Basis& basis);

}  // namespace megabar::dft
