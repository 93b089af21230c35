#include "dft/atom_centred.hpp"

#include "kernels/loops.hpp"

namespace megabar::dft {

void fill_atom_centred(const Basis& basis, const AtomPhases& phases, const RadialValues& radial,
                       const ColumnTable& columns, double scale, View2<double> M) {
  const int npw = basis.npw(), ncol = static_cast<int>(M.extent(1));
  if (ncol == 0) return;
  auto G = basis.wfc().G;
  auto G2 = basis.wfc().G2;
  kernels::for_2d(
      "dft::atom_centred::fill", ncol, npw, KOKKOS_LAMBDA(int c, int k) {
        const int a = columns(c, 0), l = columns(c, 1), m = columns(c, 2);
        const double value = radial(columns(c, 3), k) * scale;
        if (k == 0) {  // G = 0: only l = 0 survives, exp(0) = 1, and the entry is c(0) itself (no sqrt 2)
          M(0, c) = (l == 0) ? value * real_ylm(0, 0, 0, 0, 1) : 0.0;
          return;
        }
        const double g = kernels::math::sqrt(G2(k));
        const double y = real_ylm(l, m, G(k, 0) / g, G(k, 1) / g, G(k, 2) / g);
        double re, im;  // value * y * (-i)^l * exp(-i G.R_a), scaled by sqrt 2
        scaled_projector_entry(value * y, l, phases(a, k), re, im);
        M(k, c) = re;
        M(npw - 1 + k, c) = im;
      });
}

}  // namespace megabar::dft
