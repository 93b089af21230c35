// Electron density from occupied bands:  rho(r) = sum_n f_n |psi_n(r)|^2,
// psi_n(r) = Omega^{-1/2} sum_G c_n(G) exp(iG.r)  (f_n = 2 for a doubly occupied band).
#pragma once
#include "dft/hamiltonian.hpp"

namespace megabar::dft {

// rho_r (grid) from the first nb columns of X with occupations occ; uses H's FFT buffers. `single`: through
// single-precision transforms (relative error ~1e-7), for a starting density that only needs to be close.
void compute_density(const Hamiltonian& H, const View2<double>& X, const View1<double>& occ, int nb,
                     View1<double> rho_r, bool single = false);

}  // namespace megabar::dft
