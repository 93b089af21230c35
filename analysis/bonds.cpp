#include "analysis/bonds.hpp"

namespace megabar::analysis {

BondGraph::BondGraph(std::size_t natoms, const std::vector<Pair>& pairs, double cutoff) : bonds_(natoms) {
  for (const Pair& p : pairs) {
    if (p.r >= cutoff) continue;
    bonds_[p.i].push_back({p.j, p.d, p.r});
    bonds_[p.j].push_back({p.i, {-p.d[0], -p.d[1], -p.d[2]}, p.r});
  }
}

std::vector<int> coordination_numbers(std::size_t natoms, const std::vector<Pair>& pairs, double cutoff) {
  std::vector<int> n(natoms, 0);
  for (const Pair& p : pairs)
    if (p.r < cutoff) {
      ++n[p.i];
      ++n[p.j];
    }
  return n;
}

}  // namespace megabar::analysis
