// Moving real (Gamma-point) wavefunctions between the scaled half-sphere representation (see basis.hpp)
// and the dense FFT grid, two bands per complex grid: F(G) = a(G) + i b(G). Because a(r) and b(r) are
// real, F(r) = a(r) + i b(r) after the backward transform, and a forward transform of a real-potential
// product separates again through F(G) and conj(F(-G)).
#pragma once
#include "dft/basis.hpp"

namespace megabar::dft {

// The grids are complex<double> or, for the single-precision transforms of early SCF iterations,
// complex<float> (dft/hamiltonian.hpp); the bands are double either way.

// Writes bands [first, first+count) of X (n_real x nbands) into ceil(count/2) consecutive grids of
// `grids`, zeroing everything else on those grids. An odd last band is paired with zero. With
// `outside_planes_zero` the caller promises that the x planes outside the wavefunction box are zero already (as
// FFT3D::multiply_box leaves them): only the box planes are cleared.
template <class C>
void bands_to_grids(const Basis& basis, const View2<double>& X, int first, int count, View1<C> grids,
                    bool outside_planes_zero = false);

// Reads the pairs back from forward-transformed grids: Y(:, first+j) = beta * Y(:, first+j) + (band j).
template <class C>
void grids_to_bands(const Basis& basis, View1<C> grids, int first, int count, View2<double> Y, double beta);

}  // namespace megabar::dft
