// Bond-angle distributions O-B-O (between two B-O bonds of one B) and B-O-B (between two O-B bonds of one
// O), in degrees, for every pair of bonds of the bond graph (bonds.hpp).
#pragma once
#include <vector>

#include "analysis/bonds.hpp"
#include "analysis/statistics.hpp"

namespace megabar::analysis {

// Angle between two vectors in degrees (atan2 of |u x v| and u . v: accurate near 0 and 180 degrees).
double angle_degrees(const Vec3& u, const Vec3& v);

class AngleDistribution {
 public:
  explicit AngleDistribution(double bin_width_deg);
  // One frame: the angles at every atom of kind `centre` between each pair of its bonds.
  void add_frame(const BondGraph& bonds, const std::vector<int>& kind, int centre);

  double bin_width() const { return width_; }
  int bins() const { return static_cast<int>(counts_.size()); }
  // Probability density per degree in each bin (sums to 1 / bin_width); zeros when no angle was seen.
  std::vector<double> density() const;
  Estimate mean() const { return mean_.estimate(); }  // per-frame mean angle, averaged over frames
  long angles() const { return total_; }

 private:
  double width_;
  std::vector<double> counts_;
  long total_ = 0;
  FrameSeries mean_;
};

}  // namespace megabar::analysis
