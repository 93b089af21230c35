// O-O distances within fixed cutoffs: per frame, the mean length of the O-O pairs closer than each cutoff
// (every periodic image counted, an O's own images included) and the number of such O neighbours per O.
// Definition (b) of d_OO in docs/analysis.md; (a) is the g_OO(r) peak (rdf_features.hpp), (c) the
// polyhedral edge (polyhedra.hpp).
#pragma once
#include <vector>

#include "analysis/neighbours.hpp"
#include "analysis/statistics.hpp"

namespace megabar::analysis {

class OxygenPairs {
 public:
  explicit OxygenPairs(std::vector<double> cutoffs);  // bohr
  // One frame: pairs from pairs_within over the O atoms (any others are skipped) with a search cutoff
  // >= the largest cutoff; n_o: O atoms in the frame.
  void add_frame(const std::vector<Pair>& pairs, const std::vector<int>& kind, long n_o);

  const std::vector<double>& cutoffs() const { return cutoffs_; }
  const FrameSeries& mean_distance(std::size_t c) const { return mean_[c]; }  // bohr
  const FrameSeries& neighbours(std::size_t c) const { return neighbours_[c]; }

 private:
  std::vector<double> cutoffs_;
  std::vector<FrameSeries> mean_, neighbours_;
};

}  // namespace megabar::analysis
