// The BOn polyhedra of each frame, from the bond graph (bonds.hpp): B-O bond lengths and the O-O edges
// of the polyhedra (the distance between two O bonded to the same B, between the bonded images), overall
// and by the coordination n of the B. Each is a per-frame mean averaged over frames (statistics.hpp).
#pragma once
#include <map>
#include <vector>

#include "analysis/bonds.hpp"
#include "analysis/statistics.hpp"

namespace megabar::analysis {

class Polyhedra {
 public:
  void add_frame(const BondGraph& bonds, const std::vector<int>& kind);

  const FrameSeries& bond_length() const { return bond_; }  // bohr
  const FrameSeries& edge_length() const { return edge_; }  // bohr
  std::map<int, Estimate> bond_length_by_coordination() const { return by_n(bond_by_n_); }
  std::map<int, Estimate> edge_length_by_coordination() const { return by_n(edge_by_n_); }

 private:
  struct Sums {
    std::map<int, double> sum;
    std::map<int, long> count;
  };
  void add(std::map<int, FrameSeries>& series, const Sums& sums);
  static std::map<int, Estimate> by_n(const std::map<int, FrameSeries>& series);

  long frames_ = 0;
  FrameSeries bond_, edge_;
  std::map<int, FrameSeries> bond_by_n_, edge_by_n_;  // by [n]B; frames without that n have no value
};

}  // namespace megabar::analysis
