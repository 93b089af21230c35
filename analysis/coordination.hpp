// Coordination statistics of B and O: for each frame, the fraction of B atoms with n O neighbours ([n]B)
// and of O atoms with n B neighbours ([n]O) within a cutoff, counted over every periodic image (bonds.hpp);
// averaged over frames with block standard errors (statistics.hpp).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "analysis/statistics.hpp"

namespace megabar::analysis {

struct CoordinationTable {
  double cutoff = 0;                                                    // bohr
  std::map<std::string, std::map<int, Estimate>> fractions;             // "B"/"O" -> n -> fraction
  std::map<std::string, std::map<int, std::vector<double>>> per_frame;  // "B"/"O" -> n -> one per frame
  std::map<std::string, Estimate> mean;                                 // mean coordination number
};

class Coordination {
 public:
  explicit Coordination(double cutoff) : cutoff_(cutoff) {}
  // One frame: the coordination number of every atom and each atom's kind (kB, kO, other).
  void add_frame(const std::vector<int>& numbers, const std::vector<int>& kind);
  // Every n seen in any frame appears, with 0 in the frames where no atom had it.
  CoordinationTable table() const;

 private:
  double cutoff_;
  long frames_ = 0;
  std::map<int, std::vector<double>> fraction_[2];  // kind -> n -> per-frame fractions (short when n appeared late)
  std::vector<double> mean_[2];
};

}  // namespace megabar::analysis
