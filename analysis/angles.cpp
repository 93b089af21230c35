#include "analysis/angles.hpp"

#include <algorithm>
#include <cmath>

#include "core/units.hpp"

namespace megabar::analysis {

double angle_degrees(const Vec3& u, const Vec3& v) {
  const Vec3 c{u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]};
  return std::atan2(std::sqrt(core::dot(c, c)), core::dot(u, v)) * 180.0 / units::pi;
}

AngleDistribution::AngleDistribution(double bin_width_deg)
    : width_(bin_width_deg), counts_(static_cast<std::size_t>(std::ceil(180.0 / bin_width_deg - 1e-9)), 0.0) {}

void AngleDistribution::add_frame(const BondGraph& bonds, const std::vector<int>& kind, int centre) {
  double sum = 0;
  long count = 0;
  for (std::size_t a = 0; a < kind.size(); ++a) {
    if (kind[a] != centre) continue;
    const auto& b = bonds.of(static_cast<int>(a));
    for (std::size_t p = 0; p < b.size(); ++p)
      for (std::size_t q = p + 1; q < b.size(); ++q) {
        const double theta = angle_degrees(b[p].d, b[q].d);
        counts_[std::min(bins() - 1, static_cast<int>(theta / width_))] += 1;
        sum += theta;
        ++count;
      }
  }
  total_ += count;
  mean_.add(sum, count);
}

std::vector<double> AngleDistribution::density() const {
  std::vector<double> out(counts_.size(), 0.0);
  if (total_ == 0) return out;
  for (std::size_t k = 0; k < counts_.size(); ++k) out[k] = counts_[k] / (total_ * width_);
  return out;
}

}  // namespace megabar::analysis
