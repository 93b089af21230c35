// The Kohn-Sham Hamiltonian at Gamma applied to blocks of bands:
//   H x = T x + V_eff(r) x + V_nl x,   V_eff = V_loc + V_H + V_xc on the dense grid.
// The local part is applied two bands per complex FFT (wavefunction_fft.hpp), in batches; in double
// precision, or, while set_single_precision(true), on complex<float> grids with single-precision FFTs
// (the SCF does so while its eigensolver threshold lies far above float rounding: dft/scf_control.hpp).
#pragma once
#include <algorithm>
#include <vector>

#include "dft/basis.hpp"
#include "dft/nonlocal.hpp"
#include "kernels/fft.hpp"

namespace megabar::dft {

class Hamiltonian {
 public:
  Hamiltonian(const Basis& basis, const NonlocalTerm& nonlocal, int fft_batch = 8);

  // Sets the total local potential on the grid (length grid_size).
  void set_potential(const View1<double>& v_eff_r);
  const View1<double>& potential() const { return v_eff_; }

  // Local-potential products in single precision while on (default off). The kinetic and nonlocal parts
  // stay double, as do the bands, the density, energies, forces and stress.
  void set_single_precision(bool on) { single_ = on; }
  bool single_precision() const { return single_; }

  // Y(:, 0:nb) = H X(:, 0:nb), the local products in the precision set_single_precision chose.
  void apply(const View2<double>& X, int nb, View2<double> Y) const;
  // Y(:, 0:nb) = H X(:, 0:nb) + beta Y(:, 0:nb), the local products in single precision if `single` (the
  // eigensolvers' correction vectors, whose products need only a few digits: dft/davidson.hpp).
  void apply(const View2<double>& X, int nb, View2<double> Y, bool single, double beta = 0.0) const;
  // Adds V_eff x to Y for bands [0, nb).
  void apply_local(const View2<double>& X, int nb, View2<double> Y) const;

  // Diagonal of H in the plane-wave basis (T + <V_eff> + V_nl diagonal), for preconditioning.
  View1<double> diagonal() const;

  const Basis& basis() const { return basis_; }
  const NonlocalTerm& nonlocal() const { return nonlocal_; }
  // Band pairs the FFT work buffer holds; Davidson can reuse it for density accumulation.
  const kernels::FFT3D& fft() const { return fft_; }
  // (The caller may leave anything in them: the Hamiltonian then clears its grids whole at their next use.)
  View1<complex> fft_work() const {
    forget_clean_grids();
    return work_;
  }
  View1<kernels::complexf> fft_work_single() const {  // the same memory, as float grids
    forget_clean_grids();
    return work_f_;
  }

 private:
  void add_local(const View2<double>& X, int nb, View2<double> Y, bool single) const;

  const Basis& basis_;
  const NonlocalTerm& nonlocal_;
  kernels::FFT3D fft_;
  View1<complex> work_;
  View1<kernels::complexf> work_f_;  // the same memory as work_, as complex<float> grids
  View1<double> v_eff_;
  View1<float> v_eff_f_;  // v_eff_ in single precision
  bool single_ = false;
  // Per grid of the batch, in each precision: whether its x planes outside the wavefunction box are zero (as
  // FFT3D::multiply_box leaves them), so that the next products need clear only the box planes.
  mutable std::vector<char> clean_double_, clean_single_;
  void forget_clean_grids() const {
    std::fill(clean_double_.begin(), clean_double_.end(), char(0));
    std::fill(clean_single_.begin(), clean_single_.end(), char(0));
  }
  View1<double> nl_diag_;
  double v_average_ = 0;
};

}  // namespace megabar::dft
