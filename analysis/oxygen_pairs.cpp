#include "analysis/oxygen_pairs.hpp"

#include "analysis/rdf.hpp"

namespace megabar::analysis {

OxygenPairs::OxygenPairs(std::vector<double> cutoffs)
    : cutoffs_(std::move(cutoffs)), mean_(cutoffs_.size()), neighbours_(cutoffs_.size()) {}

void OxygenPairs::add_frame(const std::vector<Pair>& pairs, const std::vector<int>& kind, long n_o) {
  std::vector<double> sum(cutoffs_.size(), 0.0);
  std::vector<long> count(cutoffs_.size(), 0);
  for (const Pair& p : pairs) {
    if (kind[p.i] != kO || kind[p.j] != kO) continue;
    for (std::size_t c = 0; c < cutoffs_.size(); ++c)
      if (p.r < cutoffs_[c]) {
        sum[c] += p.r;
        ++count[c];
      }
  }
  for (std::size_t c = 0; c < cutoffs_.size(); ++c) {
    mean_[c].add(sum[c], count[c]);
    neighbours_[c].add(2.0 * count[c], n_o);  // each pair is a neighbour of both its O
  }
}

}  // namespace megabar::analysis
