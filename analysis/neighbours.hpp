// Pairs of atoms closer than a cutoff in a periodic cell of any shape, counting every periodic image.
//
// Exactness for any cell (triclinic, strongly skewed, or smaller than the cutoff): a vector d = s_1 a_1 +
// s_2 a_2 + s_3 a_3 has fractional components s_k = d . b_k / 2 pi, and |s_k| <= |d| |b_k| / 2 pi = |d| / w_k,
// where w_k = 2 pi / |b_k| is the spacing of the lattice planes k (the cell's width across them). So every
// image j + n of atom j with |r_j + n.a - r_i| < r_c has, in fractional coordinates of wrapped positions,
//   -r_c/w_k - (f_j - f_i)_k  <  n_k  <  r_c/w_k - (f_j - f_i)_k      (k = 1, 2, 3),
// a box of integer shifts that holds one or two values per axis when r_c is below the widths and more
// when the cell is small. Each candidate is then checked by its Cartesian distance. An empty range on any
// axis ends the pair at once, so most pairs of a large cell cost a few subtractions (an O(N^2) search).
#pragma once
#include <cmath>
#include <vector>

#include "core/structure.hpp"

namespace megabar::analysis {

using core::Cell;
using core::Vec3;

struct Pair {
  int i = 0, j = 0;  // atom indices
  Vec3 d{};          // r_j + n.a - r_i (bohr): from i to the image of j
  double r = 0;      // |d| (bohr)
};

// Wrapped positions and the plane spacings of one cell, shared by the searches of one frame.
class ImageSearch {
 public:
  ImageSearch(const Cell& cell, const std::vector<Vec3>& positions);

  // Calls visit(Pair) for every image of atom j closer than `cutoff` to atom i (i == j: its own images,
  // the zero shift excluded). Distances are computed from wrapped positions; `d` is exact to rounding.
  template <class Visit>
  void for_each_image(int i, int j, double cutoff, Visit&& visit) const;

  const Cell& cell() const { return cell_; }
  double width(int k) const { return width_[k]; }  // spacing of lattice planes k (bohr)

 private:
  Cell cell_;
  std::vector<Vec3> frac_, wrapped_;  // fractional in [0, 1) and the matching Cartesian positions
  Vec3 width_{};
};

// The smallest plane spacing of a cell halved: below it every pair is counted at its minimum image only.
double half_width(const Cell& cell);

// Every unordered pair {i, j} of the atoms `atoms` (indices into `positions`) at every periodic image
// closer than `cutoff`, i < j in the order of `atoms`; with own_images, also each atom's own images
// (i == j, one of each +-n).
std::vector<Pair> pairs_within(const Cell& cell, const std::vector<Vec3>& positions, const std::vector<int>& atoms,
                               double cutoff, bool own_images);

// Every pair (i in `first`, j in `second`) at every periodic image closer than `cutoff` (the two sets are
// disjoint, e.g. the B and the O atoms).
std::vector<Pair> pairs_between(const Cell& cell, const std::vector<Vec3>& positions, const std::vector<int>& first,
                                const std::vector<int>& second, double cutoff);

// ---- implementation ----------------------------------------------------------------------------------
template <class Visit>
void ImageSearch::for_each_image(int i, int j, double cutoff, Visit&& visit) const {
  int lo[3], hi[3];
  Vec3 df;
  for (int k = 0; k < 3; ++k) {
    df[k] = frac_[j][k] - frac_[i][k];
    const double reach = cutoff / width_[k] * (1 + 1e-12) + 1e-12;  // a hair wide: the distance decides
    lo[k] = static_cast<int>(std::ceil(-reach - df[k]));
    hi[k] = static_cast<int>(std::floor(reach - df[k]));
    if (lo[k] > hi[k]) return;
  }
  const auto& a = cell_.lattice;
  const double cutoff2 = cutoff * cutoff;
  Vec3 base;
  for (int c = 0; c < 3; ++c) base[c] = wrapped_[j][c] - wrapped_[i][c];
  for (int n0 = lo[0]; n0 <= hi[0]; ++n0)
    for (int n1 = lo[1]; n1 <= hi[1]; ++n1)
      for (int n2 = lo[2]; n2 <= hi[2]; ++n2) {
        if (i == j && n0 == 0 && n1 == 0 && n2 == 0) continue;
        Pair p{i, j, {}, 0};
        for (int c = 0; c < 3; ++c) p.d[c] = base[c] + n0 * a[0][c] + n1 * a[1][c] + n2 * a[2][c];
        const double r2 = p.d[0] * p.d[0] + p.d[1] * p.d[1] + p.d[2] * p.d[2];
        if (r2 >= cutoff2) continue;
        p.r = std::sqrt(r2);
        visit(p);
      }
}

}  // namespace megabar::analysis
