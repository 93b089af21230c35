#include "dft/basis.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/units.hpp"

namespace megabar::dft {

int good_fft_order(int n) {
  for (;; ++n) {
    int m = n;
    for (int f : {2, 3, 5})
      while (m % f == 0) m /= f;
    if (m == 1) return n;
  }
}

std::array<int, 3> default_fft_grid(const Cell& cell, double ecut_rho) {
  // max |m_i| over G = sum_j m_j b_j with |G| <= Gmax is floor(Gmax |a_i| / 2 pi).
  const double gmax = std::sqrt(2.0 * ecut_rho);
  std::array<int, 3> n{};
  for (int i = 0; i < 3; ++i) {
    const double a = std::sqrt(dot(cell.lattice[i], cell.lattice[i]));
    const double m = std::floor(gmax * a / (2.0 * units::pi) + 1e-12);
    if (!(m < 1 << 15))  // a grid of 65537 points along one vector: beyond any memory (and int arithmetic)
    {
      char what[200];
      std::snprintf(what, sizeof what,
                    "the density cutoff (4 x dft.ecut) of %.3g Ha would need an FFT grid of %.3g points along lattice "
                    "vector %d: far beyond any machine; lower the cutoff",
                    ecut_rho, 2 * m + 1, i + 1);
      throw std::invalid_argument(what);
    }
    const int mmax = static_cast<int>(m);
    n[i] = good_fft_order(2 * mmax + 1);
  }
  return n;
}

namespace {

struct GEntry {
  int m[3];
  double g[3];
  double g2;
};

// Every G = m.b with |G|^2 <= gcut2 (half sphere only when `half`), sorted by the enumeration order.
std::vector<GEntry> enumerate(const Cell& cell, double gcut2, bool half) {
  std::array<int, 3> mmax{};
  for (int i = 0; i < 3; ++i) {
    const double a = std::sqrt(dot(cell.lattice[i], cell.lattice[i]));
    mmax[i] = static_cast<int>(std::floor(std::sqrt(gcut2) * a / (2.0 * units::pi))) + 1;
  }
  std::vector<GEntry> out;
  if (half) out.push_back(GEntry{{0, 0, 0}, {0, 0, 0}, 0.0});
  for (int m0 = -mmax[0]; m0 <= mmax[0]; ++m0)
    for (int m1 = -mmax[1]; m1 <= mmax[1]; ++m1)
      for (int m2 = -mmax[2]; m2 <= mmax[2]; ++m2) {
        if (half) {
          // keep one of each {G, -G}: m2 > 0, or m2 == 0 and m1 > 0, or m2 == m1 == 0 and m0 > 0
          const bool keep = m2 > 0 || (m2 == 0 && (m1 > 0 || (m1 == 0 && m0 > 0)));
          if (!keep) continue;
        }
        GEntry e{{m0, m1, m2}, {0, 0, 0}, 0};
        for (int k = 0; k < 3; ++k)
          e.g[k] = m0 * cell.reciprocal[0][k] + m1 * cell.reciprocal[1][k] + m2 * cell.reciprocal[2][k];
        e.g2 = e.g[0] * e.g[0] + e.g[1] * e.g[1] + e.g[2] * e.g[2];
        if (e.g2 <= gcut2) out.push_back(e);
      }
  return out;
}

long grid_index(const int m[3], const std::array<int, 3>& n, int sign) {
  long idx = 0;
  for (int k = 0; k < 3; ++k) {
    int i = (sign * m[k]) % n[k];
    if (i < 0) i += n[k];
    idx = idx * n[k] + i;
  }
  return idx;
}

GVectors to_views(const std::vector<GEntry>& list, const std::array<int, 3>& n, const char* label) {
  GVectors gv;
  gv.count = static_cast<int>(list.size());
  gv.G = View2<double>(std::string(label) + "::G", gv.count, 3);
  gv.G2 = View1<double>(std::string(label) + "::G2", gv.count);
  gv.fft_index = View1<long>(std::string(label) + "::fft_index", gv.count);
  gv.fft_index_minus = View1<long>(std::string(label) + "::fft_index_minus", gv.count);
  auto G = Kokkos::create_mirror_view(gv.G);
  auto G2 = Kokkos::create_mirror_view(gv.G2);
  auto ip = Kokkos::create_mirror_view(gv.fft_index);
  auto im = Kokkos::create_mirror_view(gv.fft_index_minus);
  gv.miller = View2<int>(std::string(label) + "::miller", gv.count, 3);
  auto mi = Kokkos::create_mirror_view(gv.miller);
  for (int k = 0; k < gv.count; ++k) {
    for (int d = 0; d < 3; ++d) {
      G(k, d) = list[k].g[d];
      mi(k, d) = list[k].m[d];
      gv.max_miller[d] = std::max(gv.max_miller[d], std::abs(list[k].m[d]));
    }
    G2(k) = list[k].g2;
    ip(k) = grid_index(list[k].m, n, +1);
    im(k) = grid_index(list[k].m, n, -1);
  }
  Kokkos::deep_copy(gv.G, G);
  Kokkos::deep_copy(gv.G2, G2);
  Kokkos::deep_copy(gv.fft_index, ip);
  Kokkos::deep_copy(gv.fft_index_minus, im);
  Kokkos::deep_copy(gv.miller, mi);
  return gv;
}

// |G|^2/2 for each entry of a scaled real coefficient vector (a free function: nvcc does not accept
// device lambdas inside constructors).
View1<double> kinetic_diagonal_of(const GVectors& wfc) {
  const int npw = wfc.count;
  View1<double> kin("basis::kinetic", 2 * npw - 1);
  auto G2 = wfc.G2;
  Kokkos::parallel_for(
      "dft::basis::kinetic", kernels::RangePolicy(0, npw), KOKKOS_LAMBDA(int k) {
        kin(k) = 0.5 * G2(k);
        if (k > 0) kin(npw - 1 + k) = 0.5 * G2(k);
      });
  return kin;
}

}  // namespace

Basis::Basis(const Cell& cell, double ecut, std::array<int, 3> fft_grid) : cell_(cell), ecut_(ecut), grid_(fft_grid) {
  if (ecut <= 0) throw std::invalid_argument("dft.ecut must be positive");
  const auto minimal = default_fft_grid(cell, ecut_rho());
  for (int i = 0; i < 3; ++i) {
    // The grid must hold the density sphere without aliasing: n_i >= 2 max|m_i| + 1.
    const double a = std::sqrt(dot(cell.lattice[i], cell.lattice[i]));
    const int mmax = static_cast<int>(std::floor(std::sqrt(2.0 * ecut_rho()) * a / (2.0 * units::pi) + 1e-12));
    if (grid_[i] < 2 * mmax + 1)
      throw std::invalid_argument("dft.fft_grid[" + std::to_string(i) + "] = " + std::to_string(grid_[i]) +
                                  " is too small for the density cutoff: need at least " +
                                  std::to_string(2 * mmax + 1) + " (default grid would be " +
                                  std::to_string(minimal[i]) + ")");
  }
  auto wfc_list = enumerate(cell, 2.0 * ecut, true);
  auto dense_list = enumerate(cell, 2.0 * ecut_rho(), false);
  for (const auto& e : wfc_list) wfc_miller_.push_back({e.m[0], e.m[1], e.m[2]});
  for (const auto& e : dense_list) dense_miller_.push_back({e.m[0], e.m[1], e.m[2]});
  build();
}

Basis::Basis(const Cell& cell, const Basis& reference)
    : cell_(cell),
      ecut_(reference.ecut_),
      grid_(reference.grid_),
      wfc_miller_(reference.wfc_miller_),
      dense_miller_(reference.dense_miller_),
      fixed_set_(true) {
  build();
}

void Basis::build() {
  auto entries = [this](const std::vector<std::array<int, 3>>& miller) {
    std::vector<GEntry> list;
    for (const auto& m : miller) {
      GEntry e{{m[0], m[1], m[2]}, {0, 0, 0}, 0};
      for (int k = 0; k < 3; ++k)
        e.g[k] = m[0] * cell_.reciprocal[0][k] + m[1] * cell_.reciprocal[1][k] + m[2] * cell_.reciprocal[2][k];
      e.g2 = e.g[0] * e.g[0] + e.g[1] * e.g[1] + e.g[2] * e.g[2];
      list.push_back(e);
    }
    return list;
  };
  const auto wfc_list = entries(wfc_miller_);
  const auto dense_list = entries(dense_miller_);
  wfc_box_ = {0, 0, 0};
  for (const auto& e : wfc_list)
    for (int i = 0; i < 3; ++i) wfc_box_[i] = std::max(wfc_box_[i], std::abs(e.m[i]));
  wfc_ = to_views(wfc_list, grid_, "basis::wfc");
  for (std::size_t k = 0; k < dense_list.size(); ++k)
    if (dense_list[k].g2 == 0.0) dense_g0_ = static_cast<int>(k);
  dense_ = to_views(dense_list, grid_, "basis::dense");
  kinetic_ = kinetic_diagonal_of(wfc_);
}

}  // namespace megabar::dft
