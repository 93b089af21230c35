// Partial radial distribution functions g_BB(r), g_BO(r), g_OO(r) (docs/analysis.md, "g(r)").
//
// For species a, b with N_a, N_b atoms in a cell of volume V, averaged over F frames:
//   g_ab(r_k) = 1/F sum_frames V n_ab,k / (N_a N_b' 4/3 pi (r_{k+1}^3 - r_k^3)),
// where n_ab,k counts the ordered pairs (i in a, j in b, j != i) at distances in bin k over every periodic
// image of j, and N_b' = N_b for a != b, N_a - 1 for a == b. An atom's own periodic images are never
// counted, so for uncorrelated atoms the expected count is exactly (N_b'/V) times the shell volume at any
// r: g -> 1 at large r. Below half the smallest cell width every pair appears at its minimum image only;
// beyond it g(r) is still normalised right but shows the cell's periodicity (docs/analysis.md, r_max).
#pragma once
#include <array>
#include <vector>

#include "analysis/neighbours.hpp"

namespace megabar::analysis {

enum Kind : int { kB = 0, kO = 1, kOther = -1 };
enum PairKind : int { kBB = 0, kBO = 1, kOO = 2 };
constexpr const char* kPairNames[3] = {"B-B", "B-O", "O-O"};

class Rdf {
 public:
  // Bins of `bin_width` (bohr) from 0 up to the last whole bin below `range`; n_b, n_o: atoms per frame.
  Rdf(double bin_width, double range, long n_b, long n_o);

  // One frame: its pairs (own images, i == j, are skipped), kind of every atom, cell volume (bohr^3).
  void add_frame(const std::vector<Pair>& pairs, const std::vector<int>& kind, double volume);

  int bins() const { return static_cast<int>(vcount_[0].size()); }
  double bin_width() const { return width_; }
  double r(int k) const { return (k + 0.5) * width_; }  // bin centre (bohr)
  long frames() const { return frames_; }
  std::vector<double> g(PairKind p) const;
  // Mean number of atoms of the pair's second species within the upper edge of each bin around an atom of
  // its first species (B-B: B around B, B-O: O around B, O-O: O around O).
  std::vector<double> running_coordination(PairKind p) const;

 private:
  double width_;
  long n_[2];
  long frames_ = 0;
  std::array<std::vector<double>, 3> vcount_;  // sum over frames of V * (unordered pair count) per bin
  std::array<std::vector<double>, 3> count_;   // sum over frames of the unordered pair count per bin
};

}  // namespace megabar::analysis
