// B-O bonds of one frame: every B-O pair closer than the bond cutoff, over all periodic images, as seen
// from each of its two atoms (a B bonded twice to two images of one O has two bonds).
#pragma once
#include <vector>

#include "analysis/neighbours.hpp"

namespace megabar::analysis {

struct Bond {
  int other = 0;  // the bonded atom
  Vec3 d{};       // from this atom to (the bonded image of) the other (bohr)
  double r = 0;   // bohr
};

class BondGraph {
 public:
  // `pairs`: B-O pairs (from pairs_between) found with a search cutoff >= `cutoff`.
  BondGraph(std::size_t natoms, const std::vector<Pair>& pairs, double cutoff);
  const std::vector<Bond>& of(int atom) const { return bonds_[atom]; }
  int coordination(int atom) const { return static_cast<int>(bonds_[atom].size()); }

 private:
  std::vector<std::vector<Bond>> bonds_;
};

// The number of pairs closer than `cutoff` that each atom takes part in (index: atom), for the
// coordination numbers at cutoffs other than the bond cutoff.
std::vector<int> coordination_numbers(std::size_t natoms, const std::vector<Pair>& pairs, double cutoff);

}  // namespace megabar::analysis
