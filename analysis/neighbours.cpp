#include "analysis/neighbours.hpp"

#include <algorithm>

namespace megabar::analysis {

ImageSearch::ImageSearch(const Cell& cell, const std::vector<Vec3>& positions)
    : cell_(cell), frac_(positions.size()), wrapped_(positions.size()) {
  for (int k = 0; k < 3; ++k) width_[k] = core::plane_spacing(cell, k);
  for (std::size_t a = 0; a < positions.size(); ++a) {
    frac_[a] = core::wrapped_fractional(cell, positions[a]);
    wrapped_[a] = core::cartesian(cell, frac_[a]);
  }
}

double half_width(const Cell& cell) {
  double w = 1e300;
  for (int k = 0; k < 3; ++k) w = std::min(w, core::plane_spacing(cell, k));
  return w / 2;
}

std::vector<Pair> pairs_within(const Cell& cell, const std::vector<Vec3>& positions, const std::vector<int>& atoms,
                               double cutoff, bool own_images) {
  const ImageSearch search(cell, positions);
  std::vector<Pair> pairs;
  for (std::size_t p = 0; p < atoms.size(); ++p) {
    if (own_images)
      search.for_each_image(atoms[p], atoms[p], cutoff, [&](const Pair& pair) {
        // +n and -n give the same pair: keep the shift whose displacement is lexicographically positive.
        const Vec3& d = pair.d;
        if (d[0] > 0 || (d[0] == 0 && (d[1] > 0 || (d[1] == 0 && d[2] > 0)))) pairs.push_back(pair);
      });
    for (std::size_t q = p + 1; q < atoms.size(); ++q)
      search.for_each_image(atoms[p], atoms[q], cutoff, [&](const Pair& pair) { pairs.push_back(pair); });
  }
  return pairs;
}

std::vector<Pair> pairs_between(const Cell& cell, const std::vector<Vec3>& positions, const std::vector<int>& first,
                                const std::vector<int>& second, double cutoff) {
  const ImageSearch search(cell, positions);
  std::vector<Pair> pairs;
  for (int i : first)
    for (int j : second) search.for_each_image(i, j, cutoff, [&](const Pair& pair) { pairs.push_back(pair); });
  return pairs;
}

}  // namespace megabar::analysis
