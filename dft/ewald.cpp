#include "kernels/math.hpp"
#include "dft/ewald.hpp"

#include <cmath>

#include "core/units.hpp"
#include "kernels/views.hpp"

namespace megabar::dft::ewald {

using units::pi;

namespace {

// Balances the real- and reciprocal-space work; any eta gives the same result.
double default_eta(const Structure& st) {
  const double n = static_cast<double>(st.size());
  return std::sqrt(pi) * std::pow(n / (st.cell.volume * st.cell.volume), 1.0 / 6.0);
}

// d = r_j - r_i + n0 a_0 + n1 a_1 + n2 a_2; returns |d|^2.
template <class PosView, class LatView>
KOKKOS_INLINE_FUNCTION double image_displacement(const PosView& pos, const LatView& lat, int i, int j, int n0, int n1,
                                                 int n2, double d[3]) {
  double d2 = 0;
  for (int k = 0; k < 3; ++k) {
    d[k] = pos(j, k) - pos(i, k) + n0 * lat(0, k) + n1 * lat(1, k) + n2 * lat(2, k);
    d2 += d[k] * d[k];
  }
  return d2;
}

// Device copies of what both sums need, with the image ranges for the cutoffs.
struct EwaldSetup {
  int na;
  double rcut, gcut;
  kernels::View2<double> pos, lat, rec;
  kernels::View1<double> z;
  int nr[3], ng[3];

  EwaldSetup(const Structure& st, const std::vector<double>& charges, double eta) {
    const Cell& cell = st.cell;
    na = static_cast<int>(st.size());
    const double x = 6.6;  // erfc(6.6) ~ 1e-20 and exp(-6.6^2) ~ 1e-19
    rcut = x / eta;
    gcut = 2.0 * eta * x;
    pos = kernels::View2<double>("ewald::pos", na, 3);
    z = kernels::View1<double>("ewald::z", na);
    lat = kernels::View2<double>("ewald::lattice", 3, 3);
    rec = kernels::View2<double>("ewald::reciprocal", 3, 3);
    auto ph = Kokkos::create_mirror_view(pos);
    auto zh = Kokkos::create_mirror_view(z);
    auto lh = Kokkos::create_mirror_view(lat);
    auto rh = Kokkos::create_mirror_view(rec);
    // Positions wrapped into the cell, so that the image range below (set by rcut alone) is enough.
    const auto wrapped = st.wrapped_positions();
    for (int a = 0; a < na; ++a) {
      zh(a) = charges[a];
      for (int d = 0; d < 3; ++d) ph(a, d) = wrapped[a][d];
    }
    for (int i = 0; i < 3; ++i) {
      for (int d = 0; d < 3; ++d) {
        lh(i, d) = cell.lattice[i][d];
        rh(i, d) = cell.reciprocal[i][d];
      }
      // number of images along a_i that can lie within rcut (the plane spacing is 2 pi / |b_i|), and of
      // reciprocal vectors along b_i within gcut
      nr[i] = core::image_range(cell, i, rcut);
      ng[i] = static_cast<int>(std::ceil(gcut * std::sqrt(core::dot(cell.lattice[i], cell.lattice[i])) / (2 * pi))) + 1;
    }
    Kokkos::deep_copy(pos, ph);
    Kokkos::deep_copy(z, zh);
    Kokkos::deep_copy(lat, lh);
    Kokkos::deep_copy(rec, rh);
  }
};

// sum_{0 < |G| < gcut} exp(-G^2/4eta^2)/G^2 |S(G)|^2 w(G), S(G) = sum_j Z_j exp(i G.r_j), with
// w = 1 (energy) or w = (1/4eta^2 + 1/G^2) G_a G_b (stress, component a, b).
double reciprocal_sum(const EwaldSetup& e, double eta, int a = -1, int b = -1) {
  const int na = e.na;
  const double gcut = e.gcut;
  auto pos = e.pos;
  auto z = e.z;
  auto rec = e.rec;
  const int ng0 = e.ng[0], ng1 = e.ng[1], ng2 = e.ng[2];
  const int m1 = 2 * ng1 + 1, m2 = 2 * ng2 + 1;
  const bool stress = a >= 0;
  double sum = 0;
  Kokkos::parallel_reduce(
      "dft::ewald::reciprocal_space", kernels::RangePolicy(0, (2 * ng0 + 1) * m1 * m2),
      KOKKOS_LAMBDA(int idx, double& acc) {
        const int i0 = idx / (m1 * m2) - ng0, i1 = (idx / m2) % m1 - ng1, i2 = idx % m2 - ng2;
        if (i0 == 0 && i1 == 0 && i2 == 0) return;
        double g[3], g2 = 0;
        for (int k = 0; k < 3; ++k) {
          g[k] = i0 * rec(0, k) + i1 * rec(1, k) + i2 * rec(2, k);
          g2 += g[k] * g[k];
        }
        if (g2 > gcut * gcut) return;
        double sr = 0, si = 0;
        for (int t = 0; t < na; ++t) {
          const double ph = g[0] * pos(t, 0) + g[1] * pos(t, 1) + g[2] * pos(t, 2);
          sr += z(t) * kernels::math::cos(ph);
          si += z(t) * kernels::math::sin(ph);
        }
        const double w = stress ? (1.0 / (4 * eta * eta) + 1.0 / g2) * g[a] * g[b] : 1.0;
        acc += kernels::math::exp(-g2 / (4 * eta * eta)) / g2 * (sr * sr + si * si) * w;
      },
      sum);
  return sum;
}

}  // namespace

double energy(const Structure& st, const std::vector<double>& charges) { return energy(st, charges, default_eta(st)); }

std::vector<Vec3> forces(const Structure& st, const std::vector<double>& charges) {
  return forces(st, charges, default_eta(st));
}

Mat3 stress(const Structure& st, const std::vector<double>& charges) { return stress(st, charges, default_eta(st)); }

double energy(const Structure& st, const std::vector<double>& charges, double eta) {
  const Cell& cell = st.cell;
  const EwaldSetup e(st, charges, eta);
  const int na = e.na;
  const double rcut = e.rcut;
  auto pos = e.pos;
  auto z = e.z;
  auto lat = e.lat;
  const int nr[3] = {e.nr[0], e.nr[1], e.nr[2]};

  double real_sum = 0;
  Kokkos::parallel_reduce(
      "dft::ewald::real_space", kernels::RangePolicy(0, na * na),
      KOKKOS_LAMBDA(int ij, double& acc) {
        const int i = ij / na, j = ij % na;
        for (int n0 = -nr[0]; n0 <= nr[0]; ++n0)
          for (int n1 = -nr[1]; n1 <= nr[1]; ++n1)
            for (int n2 = -nr[2]; n2 <= nr[2]; ++n2) {
              if (i == j && n0 == 0 && n1 == 0 && n2 == 0) continue;
              double d[3];
              const double d2 = image_displacement(pos, lat, i, j, n0, n1, n2, d);
              if (d2 > rcut * rcut) continue;
              const double r = kernels::math::sqrt(d2);
              acc += 0.5 * z(i) * z(j) * kernels::math::erfc(eta * r) / r;
            }
      },
      real_sum);

  double recip_sum = reciprocal_sum(e, eta);
  recip_sum *= 2.0 * pi / cell.volume;

  double zsum = 0, z2sum = 0;
  for (double q : charges) {
    zsum += q;
    z2sum += q * q;
  }
  const double self = -eta / std::sqrt(pi) * z2sum;
  const double background = -pi * zsum * zsum / (2.0 * cell.volume * eta * eta);
  return real_sum + recip_sum + self + background;
}

}  // namespace megabar::dft::ewald

namespace megabar::dft::ewald {

std::vector<Vec3> forces(const Structure& st, const std::vector<double>& charges, double eta) {
  const EwaldSetup e(st, charges, eta);
  const int na = e.na;
  const double rcut = e.rcut, gcut = e.gcut, omega = st.cell.volume;
  auto pos = e.pos;
  auto z = e.z;
  auto lat = e.lat;
  auto rec = e.rec;
  const int nr0 = e.nr[0], nr1 = e.nr[1], nr2 = e.nr[2], ng0 = e.ng[0], ng1 = e.ng[1], ng2 = e.ng[2];
  kernels::View2<double> F("ewald::forces", na, 3);
  const double two_eta_over_sqrt_pi = 2.0 * eta / std::sqrt(pi), four_pi_over_omega = 4.0 * pi / omega;
  Kokkos::parallel_for("dft::ewald::forces", kernels::RangePolicy(0, na), KOKKOS_LAMBDA(int i) {
    double f[3] = {0, 0, 0};
    for (int j = 0; j < na; ++j)
      for (int n0 = -nr0; n0 <= nr0; ++n0)
        for (int n1 = -nr1; n1 <= nr1; ++n1)
          for (int n2 = -nr2; n2 <= nr2; ++n2) {
            if (i == j && n0 == 0 && n1 == 0 && n2 == 0) continue;
            double d[3];
            const double d2 = image_displacement(pos, lat, i, j, n0, n1, n2, d);
            if (d2 > rcut * rcut) continue;
            const double r = kernels::math::sqrt(d2);
            const double g = z(i) * z(j) *
                             (kernels::math::erfc(eta * r) / d2 + two_eta_over_sqrt_pi * kernels::math::exp(-eta * eta * d2) / r);
            for (int k = 0; k < 3; ++k) f[k] -= g * d[k] / r;
          }
    for (int m0 = -ng0; m0 <= ng0; ++m0)
      for (int m1 = -ng1; m1 <= ng1; ++m1)
        for (int m2 = -ng2; m2 <= ng2; ++m2) {
          if (m0 == 0 && m1 == 0 && m2 == 0) continue;
          double G[3], g2 = 0;
          for (int k = 0; k < 3; ++k) {
            G[k] = m0 * rec(0, k) + m1 * rec(1, k) + m2 * rec(2, k);
            g2 += G[k] * G[k];
          }
          if (g2 > gcut * gcut) continue;
          // Im[exp(i G.r_i) conj(S)] = sum_j Z_j sin(G.(r_i - r_j))
          double im = 0;
          for (int j = 0; j < na; ++j) {
            const double ph = G[0] * (pos(i, 0) - pos(j, 0)) + G[1] * (pos(i, 1) - pos(j, 1)) + G[2] * (pos(i, 2) - pos(j, 2));
            im += z(j) * kernels::math::sin(ph);
          }
          const double w = four_pi_over_omega * z(i) * kernels::math::exp(-g2 / (4 * eta * eta)) / g2 * im;
          for (int k = 0; k < 3; ++k) f[k] += w * G[k];
        }
    for (int k = 0; k < 3; ++k) F(i, k) = f[k];
  });
  auto Fh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), F);
  std::vector<Vec3> out(na);
  for (int i = 0; i < na; ++i)
    for (int k = 0; k < 3; ++k) out[i][k] = Fh(i, k);
  return out;
}

}  // namespace megabar::dft::ewald

namespace megabar::dft::ewald {

Mat3 stress(const Structure& st, const std::vector<double>& charges, double eta) {
  const EwaldSetup e(st, charges, eta);
  const int na = e.na;
  const double rcut = e.rcut, omega = st.cell.volume;
  auto pos = e.pos;
  auto z = e.z;
  auto lat = e.lat;
  const int nr0 = e.nr[0], nr1 = e.nr[1], nr2 = e.nr[2];
  const double two_eta_over_sqrt_pi = 2.0 * eta / std::sqrt(pi);
  Mat3 sigma{};
  double zsum = 0;
  for (double q : charges) zsum += q;
  const double e_bg = -pi * zsum * zsum / (2.0 * omega * eta * eta);
  for (int a = 0; a < 3; ++a)
    for (int b = a; b < 3; ++b) {
      double real_part = 0, recip_part = 0, recip_energy = 0;
      Kokkos::parallel_reduce(
          "dft::ewald::stress_real", kernels::RangePolicy(0, na * na),
          KOKKOS_LAMBDA(int ij, double& acc) {
            const int i = ij / na, j = ij % na;
            for (int n0 = -nr0; n0 <= nr0; ++n0)
              for (int n1 = -nr1; n1 <= nr1; ++n1)
                for (int n2 = -nr2; n2 <= nr2; ++n2) {
                  if (i == j && n0 == 0 && n1 == 0 && n2 == 0) continue;
                  double d[3];
                  const double d2 = image_displacement(pos, lat, i, j, n0, n1, n2, d);
                  if (d2 > rcut * rcut) continue;
                  const double r = kernels::math::sqrt(d2);
                  // phi'(r) = -erfc(eta r)/r^2 - 2 eta/sqrt(pi) exp(-eta^2 r^2)/r
                  const double dphi = -kernels::math::erfc(eta * r) / d2 - two_eta_over_sqrt_pi * kernels::math::exp(-eta * eta * d2) / r;
                  acc += 0.5 * z(i) * z(j) * dphi * d[a] * d[b] / r;
                }
          },
          real_part);
      recip_part = reciprocal_sum(e, eta, a, b);
      if (a == b) recip_energy = 2.0 * pi / omega * reciprocal_sum(e, eta);
      // dE/d eps_ab = real_part + [-E_G delta + (4 pi/Omega) recip_part] - E_bg delta ; sigma = -(1/Omega) dE/d eps
      const double dE = real_part + (a == b ? -recip_energy - e_bg : 0.0) + 4.0 * pi / omega * recip_part;
      sigma[a][b] = sigma[b][a] = -dE / omega;
    }
  return sigma;
}

}  // namespace megabar::dft::ewald
