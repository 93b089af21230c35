// Averages over frames and their standard errors (docs/analysis.md, "Averages and standard errors").
//
// Every averaged quantity is a mean over frames of a per-frame value, each frame weighing the same. Its
// standard error comes from block averaging: the frames, in order, are cut into B = min(10, n) contiguous
// blocks of (nearly) equal length and SE = sqrt(sum_b (m_b - <m>)^2 / (B (B - 1))) over the block means
// m_b. With fewer than 10 frames every block is one frame and this is the plain standard error of the
// mean. Successive MD frames are correlated; blocks longer than the correlation time make the estimate
// honest, which is why frames are not treated as independent. Undefined (NaN, null in JSON) for n < 2.
#pragma once
#include <limits>
#include <vector>

namespace megabar::analysis {

constexpr int kBlocks = 10;

struct Estimate {
  double mean = std::numeric_limits<double>::quiet_NaN();
  double standard_error = std::numeric_limits<double>::quiet_NaN();
  long frames = 0;  // frames that had a value
};

Estimate estimate(const std::vector<double>& per_frame);

// A per-frame mean built from sums: add(sum, count) once per frame. A frame with count 0 has no value
// (e.g. no [4]B in that frame): NaN in values(), left out of the estimate.
class FrameSeries {
 public:
  void add(double sum, long count);
  Estimate estimate() const;
  const std::vector<double>& values() const { return values_; }  // one per frame

 private:
  std::vector<double> values_;
};

}  // namespace megabar::analysis
