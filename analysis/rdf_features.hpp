// Features of a g(r) histogram: smoothing, the highest peak in a range, and the B-O bond cutoff rule
// (docs/analysis.md, "The B-O cutoff").
//
// The cutoff rule, on g_BO(r) smoothed by a Gaussian of sigma = 0.05 A (truncated at 4 sigma):
//  1. the first peak p is the maximum of the smoothed g_BO at r <= 3.0 A (the first B-O shell is the
//     highest by far in every borate, whatever the pressure);
//  2. walking outwards from p, the running minimum m is the first minimum once the curve rises again by
//     5 % of g(p) above it, provided g(m) <= 25 % of g(p) (a shallower dip is not the end of the shell,
//     and the walk goes on past it);
//  3. if the minimum is flat (bins equal to g(m) within 1e-9 g(p): the empty gap between the sharp lines
//     of a crystal, or a gap with no pair in a glass) the cutoff is the middle of that flat stretch;
//     otherwise the centre of the minimum's bin;
//  4. when there is no B-O pair within 3.0 A or no minimum before 3.0 A, the cutoff is 1.9 A with a warning.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace megabar::analysis {

// Gaussian smoothing of a histogram with bins of `bin_width`; the kernel (truncated at 4 sigma) is
// renormalised over the bins that exist, at both ends.
std::vector<double> smooth(const std::vector<double>& g, double bin_width, double sigma);

struct Peak {
  double r = 0;  // bohr, refined between bins by a parabola through the highest bin and its neighbours
  double height = 0;
};

// The highest value of g among the bins whose centres lie in [r_lo, r_hi] (bohr); none when it is 0.
std::optional<Peak> highest_peak(const std::vector<double>& g, double bin_width, double r_lo, double r_hi);

struct CutoffChoice {
  double cutoff = 0;              // bohr
  std::string rule;               // "command line", "first minimum of g_BO" or "fallback"
  std::optional<double> peak;     // first peak of the smoothed g_BO (bohr)
  std::optional<double> minimum;  // its first minimum (bohr)
  std::string warning;            // why the fallback was taken
};

// Rule parameters (angstrom).
constexpr double kSmoothingSigmaAngstrom = 0.05;
constexpr double kCutoffSearchAngstrom = 3.0;
constexpr double kFallbackCutoffAngstrom = 1.9;

// The rule above applied to g_BO(r) in bins of `bin_width` (bohr) starting at r = 0.
CutoffChoice bo_cutoff_from_rdf(const std::vector<double>& g_bo, double bin_width);

}  // namespace megabar::analysis
