#include "analysis/coordination.hpp"

#include "analysis/rdf.hpp"

namespace megabar::analysis {

void Coordination::add_frame(const std::vector<int>& numbers, const std::vector<int>& kind) {
  for (int s : {kB, kO}) {
    std::map<int, long> atoms_with;
    long atoms = 0, bonds = 0;
    for (std::size_t a = 0; a < numbers.size(); ++a) {
      if (kind[a] != s) continue;
      ++atoms_with[numbers[a]];
      ++atoms;
      bonds += numbers[a];
    }
    for (const auto& [n, count] : atoms_with) fraction_[s][n].resize(frames_, 0.0);  // n new: 0 before
    for (auto& [n, series] : fraction_[s]) {
      const auto it = atoms_with.find(n);
      series.push_back(it == atoms_with.end() || atoms == 0 ? 0.0 : static_cast<double>(it->second) / atoms);
    }
    mean_[s].push_back(atoms ? static_cast<double>(bonds) / atoms : 0.0);
  }
  ++frames_;
}

CoordinationTable Coordination::table() const {
  CoordinationTable t;
  t.cutoff = cutoff_;
  const char* names[2] = {"B", "O"};
  for (int s : {kB, kO}) {
    for (const auto& [n, series] : fraction_[s]) {
      t.per_frame[names[s]][n] = series;
      t.fractions[names[s]][n] = estimate(series);
    }
    t.per_frame[names[s]];  // present even when empty
    t.fractions[names[s]];
    t.mean[names[s]] = estimate(mean_[s]);
  }
  return t;
}

}  // namespace megabar::analysis
