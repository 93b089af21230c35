#include "analysis/rdf_features.hpp"

#include <algorithm>
#include <cmath>

#include "core/units.hpp"

namespace megabar::analysis {

std::vector<double> smooth(const std::vector<double>& g, double bin_width, double sigma) {
  const int n = static_cast<int>(g.size());
  const int reach = static_cast<int>(std::ceil(4 * sigma / bin_width));
  std::vector<double> kernel(reach + 1);
  for (int k = 0; k <= reach; ++k) kernel[k] = std::exp(-0.5 * std::pow(k * bin_width / sigma, 2));
  std::vector<double> out(n, 0.0);
  for (int i = 0; i < n; ++i) {
    double sum = 0, weight = 0;
    for (int k = std::max(0, i - reach); k <= std::min(n - 1, i + reach); ++k) {
      sum += kernel[std::abs(k - i)] * g[k];
      weight += kernel[std::abs(k - i)];
    }
    out[i] = sum / weight;
  }
  return out;
}

std::optional<Peak> highest_peak(const std::vector<double>& g, double bin_width, double r_lo, double r_hi) {
  int best = -1;
  for (int k = 0; k < static_cast<int>(g.size()); ++k) {
    const double r = (k + 0.5) * bin_width;
    if (r < r_lo || r > r_hi) continue;
    if (best < 0 || g[k] > g[best]) best = k;
  }
  if (best < 0 || g[best] <= 0) return std::nullopt;
  double shift = 0;  // vertex of the parabola through bins best-1, best, best+1
  if (best > 0 && best + 1 < static_cast<int>(g.size())) {
    const double curvature = g[best - 1] - 2 * g[best] + g[best + 1];
    if (curvature < 0) shift = 0.5 * (g[best - 1] - g[best + 1]) / curvature;
  }
  return Peak{(best + 0.5 + shift) * bin_width, g[best]};
}

CutoffChoice bo_cutoff_from_rdf(const std::vector<double>& g_bo, double bin_width) {
  CutoffChoice choice;
  choice.rule = "fallback";
  choice.cutoff = kFallbackCutoffAngstrom * units::angstrom;
  const double search = kCutoffSearchAngstrom * units::angstrom;
  const auto s = smooth(g_bo, bin_width, kSmoothingSigmaAngstrom * units::angstrom);
  int end = 0;  // bins whose centres lie within the search range
  while (end < static_cast<int>(s.size()) && (end + 0.5) * bin_width <= search) ++end;
  const auto peak = highest_peak(s, bin_width, 0, search);
  if (!peak) {
    choice.warning = "no B-O pair closer than 3.0 A: B-O cutoff set to 1.9 A";
    return choice;
  }
  choice.peak = peak->r;
  const int p = std::min(end - 1, static_cast<int>(peak->r / bin_width));
  const double top = s[p];
  int lowest = p;
  bool found = false;
  for (int k = p + 1; k < end && !found; ++k) {
    if (s[k] < s[lowest])
      lowest = k;
    else if (s[k] > s[lowest] + 0.05 * top) {
      if (s[lowest] <= 0.25 * top)
        found = true;
      else
        lowest = k;  // a shallow dip inside the first shell: keep walking
    }
  }
  if (!found) {
    choice.warning = "g_BO(r) has no minimum after its first peak below 3.0 A: B-O cutoff set to 1.9 A";
    return choice;
  }
  const double flat = s[lowest] + 1e-9 * top;
  int lo = lowest, hi = lowest;
  while (lo - 1 > p && s[lo - 1] <= flat) --lo;
  while (hi + 1 < end && s[hi + 1] <= flat) ++hi;
  choice.minimum = (0.5 * (lo + hi) + 0.5) * bin_width;
  choice.cutoff = *choice.minimum;
  choice.rule = "first minimum of g_BO";
  return choice;
}

}  // namespace megabar::analysis
