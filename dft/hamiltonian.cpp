#include "dft/hamiltonian.hpp"

#include <algorithm>
#include <vector>

#include "dft/kinetic.hpp"
#include "dft/wavefunction_fft.hpp"
#include "kernels/loops.hpp"
#include "kernels/timer.hpp"

namespace megabar::dft {

namespace {

// Y(:, 0:nb) += V(r) X(:, 0:nb) through the grids `work` (complex<double> or complex<float>, fft.batch() of
// them) and the potential v in the grids' precision.
// clean[p] (one flag per grid) says whether grid p holds zero x planes outside the box, as multiply_box leaves
// them; then bands_to_grids clears only the box planes.
template <class C>
void add_local_products(const Basis& basis, const kernels::FFT3D& fft, View1<C> work,
                        const View1<typename C::value_type>& v, const View2<double>& X, int nb, View2<double> Y,
                        std::vector<char>& clean) {
  using R = typename C::value_type;
  const long N = basis.grid_size();
  const int bands_per_batch = 2 * fft.batch();
  const auto box = basis.wfc_box();
  const R inv_n = R(1.0 / static_cast<double>(N));
  for (int first = 0; first < nb; first += bands_per_batch) {
    const int count = std::min(bands_per_batch, nb - first);
    const int npairs = (count + 1) / 2;
    const bool planes_zero = std::all_of(clean.begin(), clean.begin() + npairs, [](char c) { return c != 0; });
    bands_to_grids(basis, X, first, count, work, planes_zero);
    fft.multiply_box(work, npairs, box, v, inv_n);  // the forward transform's 1/N folded into the product
    std::fill(clean.begin(), clean.begin() + npairs, char(1));
    grids_to_bands(basis, work, first, count, Y, 1.0);
  }
}

}  // namespace

Hamiltonian::Hamiltonian(const Basis& basis, const NonlocalTerm& nonlocal, int fft_batch)
    : basis_(basis),
      nonlocal_(nonlocal),
      fft_(basis.fft_grid(), fft_batch),
      work_("hamiltonian::fft_work", fft_batch * basis.grid_size()),
      work_f_(reinterpret_cast<kernels::complexf*>(work_.data()), fft_batch * basis.grid_size()),
      v_eff_("hamiltonian::v_eff", basis.grid_size()),
      v_eff_f_("hamiltonian::v_eff_single", basis.grid_size()),
      clean_double_(fft_batch, 0),
      clean_single_(fft_batch, 0),
      nl_diag_(nonlocal.diagonal()) {}

void Hamiltonian::set_potential(const View1<double>& v) {
  Kokkos::deep_copy(v_eff_, v);
  auto vf = v_eff_f_;
  Kokkos::parallel_for(
      "dft::hamiltonian::v_single", kernels::RangePolicy(0, basis_.grid_size()),
      KOKKOS_LAMBDA(long i) { vf(i) = static_cast<float>(v(i)); });
  double sum = 0;
  Kokkos::parallel_reduce(
      "dft::hamiltonian::v_average", kernels::RangePolicy(0, basis_.grid_size()),
      KOKKOS_LAMBDA(long i, double& acc) { acc += v(i); }, sum);
  v_average_ = sum / static_cast<double>(basis_.grid_size());
}

void Hamiltonian::add_local(const View2<double>& X, int nb, View2<double> Y, bool single) const {
  kernels::ScopedTimer timer(single ? "dft::hamiltonian::local_single" : "dft::hamiltonian::local");
  // The double and the single-precision grids share memory: a pass in one precision dirties the other's.
  auto& mine = single ? clean_single_ : clean_double_;
  auto& other = single ? clean_double_ : clean_single_;
  std::fill(other.begin(), other.end(), char(0));
  if (single)
    add_local_products(basis_, fft_, work_f_, v_eff_f_, X, nb, Y, mine);
  else
    add_local_products(basis_, fft_, work_, v_eff_, X, nb, Y, mine);
}

void Hamiltonian::apply_local(const View2<double>& X, int nb, View2<double> Y) const { add_local(X, nb, Y, single_); }

void Hamiltonian::apply(const View2<double>& X, int nb, View2<double> Y) const { apply(X, nb, Y, single_); }

void Hamiltonian::apply(const View2<double>& X, int nb, View2<double> Y, bool single, double beta) const {
  kinetic::apply(basis_, X, nb, Y, beta);
  add_local(X, nb, Y, single);
  kernels::ScopedTimer timer("dft::hamiltonian::nonlocal");
  nonlocal_.apply(X, nb, Y, 1.0);
}

View1<double> Hamiltonian::diagonal() const {
  View1<double> d("hamiltonian::diagonal", basis_.n_real());
  auto T = basis_.kinetic_diagonal();
  auto nl = nl_diag_;
  const double v0 = v_average_;
  Kokkos::parallel_for(
      "dft::hamiltonian::diagonal", kernels::RangePolicy(0, basis_.n_real()),
      KOKKOS_LAMBDA(int k) { d(k) = T(k) + v0 + nl(k); });
  return d;
}

}  // namespace megabar::dft
