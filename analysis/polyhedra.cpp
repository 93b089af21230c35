#include "analysis/polyhedra.hpp"

#include <cmath>

#include "analysis/rdf.hpp"

namespace megabar::analysis {

void Polyhedra::add_frame(const BondGraph& bonds, const std::vector<int>& kind) {
  Sums bond, edge;
  double bond_sum = 0, edge_sum = 0;
  long bond_count = 0, edge_count = 0;
  for (std::size_t a = 0; a < kind.size(); ++a) {
    if (kind[a] != kB) continue;
    const auto& b = bonds.of(static_cast<int>(a));
    const int n = static_cast<int>(b.size());
    for (std::size_t p = 0; p < b.size(); ++p) {
      bond.sum[n] += b[p].r;
      ++bond.count[n];
      for (std::size_t q = p + 1; q < b.size(); ++q) {
        const Vec3 e{b[q].d[0] - b[p].d[0], b[q].d[1] - b[p].d[1], b[q].d[2] - b[p].d[2]};
        edge.sum[n] += std::sqrt(core::dot(e, e));
        ++edge.count[n];
      }
    }
  }
  for (const auto& [n, s] : bond.sum) {
    bond_sum += s;
    bond_count += bond.count[n];
  }
  for (const auto& [n, s] : edge.sum) {
    edge_sum += s;
    edge_count += edge.count[n];
  }
  bond_.add(bond_sum, bond_count);
  edge_.add(edge_sum, edge_count);
  add(bond_by_n_, bond);
  add(edge_by_n_, edge);
  ++frames_;
}

void Polyhedra::add(std::map<int, FrameSeries>& series, const Sums& sums) {
  for (const auto& [n, s] : sums.sum)
    if (!series.count(n)) {
      FrameSeries& fresh = series[n];
      for (long f = 0; f < frames_; ++f) fresh.add(0, 0);  // n new: no value in the frames before
    }
  for (auto& [n, s] : series) {
    const auto it = sums.sum.find(n);
    if (it == sums.sum.end())
      s.add(0, 0);
    else
      s.add(it->second, sums.count.at(n));
  }
}

std::map<int, Estimate> Polyhedra::by_n(const std::map<int, FrameSeries>& series) {
  std::map<int, Estimate> out;
  for (const auto& [n, s] : series) out[n] = s.estimate();
  return out;
}

}  // namespace megabar::analysis
