#include "analysis/rdf.hpp"

#include <cmath>

#include "core/units.hpp"

namespace megabar::analysis {

Rdf::Rdf(double bin_width, double range, long n_b, long n_o) : width_(bin_width), n_{n_b, n_o} {
  const int bins = static_cast<int>(std::floor(range / bin_width * (1 + 1e-12)));
  for (int p = 0; p < 3; ++p) {
    vcount_[p].assign(bins, 0.0);
    count_[p].assign(bins, 0.0);
  }
}

void Rdf::add_frame(const std::vector<Pair>& pairs, const std::vector<int>& kind, double volume) {
  const int n = bins();
  for (const Pair& pair : pairs) {
    if (pair.i == pair.j) continue;
    const int a = kind[pair.i], b = kind[pair.j];
    if (a < 0 || b < 0) continue;
    const int k = static_cast<int>(pair.r / width_);
    if (k >= n) continue;
    const int p = a + b;  // B-B 0, B-O 1, O-O 2
    vcount_[p][k] += volume;
    count_[p][k] += 1;
  }
  ++frames_;
}

std::vector<double> Rdf::g(PairKind p) const {
  const int a = p == kOO ? kO : kB, b = p == kBB ? kB : kO;
  // Ordered pairs per unordered pair (2 within one species) over N_a N_b' (N_a - 1 within one species).
  const double ordered = a == b ? 2.0 : 1.0;
  const double norm = static_cast<double>(n_[a]) * (a == b ? n_[b] - 1 : n_[b]);
  std::vector<double> out(bins(), 0.0);
  if (norm <= 0 || frames_ == 0) return out;
  for (int k = 0; k < bins(); ++k) {
    const double shell = 4.0 / 3.0 * units::pi * (std::pow((k + 1) * width_, 3) - std::pow(k * width_, 3));
    out[k] = ordered * vcount_[p][k] / (frames_ * norm * shell);
  }
  return out;
}

std::vector<double> Rdf::running_coordination(PairKind p) const {
  const int a = p == kOO ? kO : kB;
  const double ordered = p == kBO ? 1.0 : 2.0;
  std::vector<double> out(bins(), 0.0);
  if (n_[a] == 0 || frames_ == 0) return out;
  double sum = 0;
  for (int k = 0; k < bins(); ++k) {
    sum += count_[p][k];
    out[k] = ordered * sum / (static_cast<double>(frames_) * n_[a]);
  }
  return out;
}

}  // namespace megabar::analysis
