#include "analysis/statistics.hpp"

#include <algorithm>
#include <cmath>

namespace megabar::analysis {

Estimate estimate(const std::vector<double>& per_frame) {
  Estimate e;
  const long n = static_cast<long>(per_frame.size());
  e.frames = n;
  if (n == 0) return e;
  double sum = 0;
  for (double v : per_frame) sum += v;
  e.mean = sum / n;
  const long blocks = std::min<long>(kBlocks, n);
  if (blocks < 2) return e;
  std::vector<double> means;
  for (long b = 0; b < blocks; ++b) {
    const long first = b * n / blocks, end = (b + 1) * n / blocks;  // lengths differ by at most one
    double s = 0;
    for (long k = first; k < end; ++k) s += per_frame[k];
    means.push_back(s / (end - first));
  }
  double m = 0;
  for (double v : means) m += v;
  m /= blocks;
  double var = 0;
  for (double v : means) var += (v - m) * (v - m);
  e.standard_error = std::sqrt(var / (blocks * (blocks - 1.0)));
  return e;
}

void FrameSeries::add(double sum, long count) {
  values_.push_back(count > 0 ? sum / count : std::numeric_limits<double>::quiet_NaN());
}

Estimate FrameSeries::estimate() const {
  std::vector<double> defined;
  for (double v : values_)
    if (!std::isnan(v)) defined.push_back(v);
  return analysis::estimate(defined);
}

}  // namespace megabar::analysis
