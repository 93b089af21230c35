#include "dft/ewald.hpp"

#include <cmath>

#include "core/units.hpp"
#include "kernels/math.hpp"
#include "kernels/reductions.hpp"
#include "kernels/views.hpp"

namespace megabar::dft::ewald {

using units::pi;

namespace {

// Balances the real- and reciprocal-space work; any eta gives the same result.
double default_eta(const Structure& st) {
  const double n = static_cast<double>(st.size());
  return std::sqrt(pi) * std::pow(n / (st.cell.volume * st.cell.volume), 1.0 / 6.0);
}

// The pair function of the real-space sum and its derivative, at distance r (r2 = r^2):
//   phi(r) = erfc(eta r)/r,   phi'(r) = -erfc(eta r)/r^2 - 2 eta/sqrt(pi) exp(-eta^2 r^2)/r
KOKKOS_INLINE_FUNCTION void pair_function(double eta, double r, double r2, double& phi, double& dphi) {
  constexpr double two_over_sqrt_pi = 1.1283791670955126;
  const double e = kernels::math::erfc(eta * r);
  phi = e / r;
  dphi = -e / r2 - two_over_sqrt_pi * eta * kernels::math::exp(-eta * eta * r2) / r;
}

// Columns of the per-atom table `one_pass` fills.
enum Column : int {
  kRealEnergy = 0,    // 1/2 sum_{j,L}' Z_i Z_j phi
  kRecipEnergy = 1,   // (2 pi/Omega) sum_G exp(-G^2/4eta^2)/G^2 Z_i Re[exp(-i G.r_i) S(G)]
  kForce = 2,         // 3 columns: F_i
  kRealVirial = 5,    // 6 columns (Voigt): 1/2 sum' Z_i Z_j phi'(r) d_a d_b / r
  kRecipVirial = 11,  // 6 columns: (4 pi/Omega) sum_G exp(-G^2/4eta^2)/G^2 (1/4eta^2 + 1/G^2) G_a G_b Z_i Re[...]
  kColumns = 17
};

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

// G = i0 b_0 + i1 b_1 + i2 b_2 for entry idx of the box -ng..ng along the b_i (rows of rec), entries ordered
// i2 fastest; returns |G|^2 (exactly 0 for G = 0 only).
template <class Rec>
KOKKOS_INLINE_FUNCTION double box_vector(int idx, int ng0, int ng1, int ng2, const Rec& rec, double g[3]) {
  const int m1 = 2 * ng1 + 1, m2 = 2 * ng2 + 1;
  const int i0 = idx / (m1 * m2) - ng0, i1 = (idx / m2) % m1 - ng1, i2 = idx % m2 - ng2;
  double g2 = 0;
  for (int k = 0; k < 3; ++k) {
    g[k] = i0 * rec(0, k) + i1 * rec(1, k) + i2 * rec(2, k);
    g2 += g[k] * g[k];
  }
  return g2;
}

// S(G) = sum_t Z_t exp(i G.r_t) (real, imaginary part) for every G of the box -ng..ng along the b_i within gcut
// (zero outside it), computed once and shared by the atoms' passes below.
kernels::View2<double> ionic_structure_factor(const EwaldSetup& e) {
  const int na = e.na;
  const double gcut2 = e.gcut * e.gcut;
  auto pos = e.pos;
  auto z = e.z;
  auto rec = e.rec;
  const int ng0 = e.ng[0], ng1 = e.ng[1], ng2 = e.ng[2];
  const int n_recip = (2 * ng0 + 1) * (2 * ng1 + 1) * (2 * ng2 + 1);
  kernels::View2<double> S("ewald::structure_factor", n_recip, 2);
  Kokkos::parallel_for(
      "dft::ewald::structure_factor", kernels::RangePolicy(0, n_recip), KOKKOS_LAMBDA(int idx) {
        double g[3];
        if (box_vector(idx, ng0, ng1, ng2, rec, g) > gcut2) return;
        double sr = 0, si = 0;
        for (int t = 0; t < na; ++t) {
          const double ph = g[0] * pos(t, 0) + g[1] * pos(t, 1) + g[2] * pos(t, 2);
          sr += z(t) * kernels::math::cos(ph);
          si += z(t) * kernels::math::sin(ph);
        }
        S(idx, 0) = sr;
        S(idx, 1) = si;
      });
  return S;
}

// One pass per atom i over its pairs and images (real space) and over the G vectors (reciprocal space),
// filling the columns above: energy, forces and stress all come from these two loops.
void one_pass(const EwaldSetup& e, double eta, double omega, kernels::View2<double> out) {
  const auto S = ionic_structure_factor(e);
  const int na = e.na;
  const double rcut2 = e.rcut * e.rcut, gcut2 = e.gcut * e.gcut;
  auto pos = e.pos;
  auto z = e.z;
  auto lat = e.lat;
  auto rec = e.rec;
  const int nr0 = e.nr[0], nr1 = e.nr[1], nr2 = e.nr[2], ng0 = e.ng[0], ng1 = e.ng[1], ng2 = e.ng[2];
  const int n_recip = (2 * ng0 + 1) * (2 * ng1 + 1) * (2 * ng2 + 1);
  const double four_pi_over_omega = 4.0 * pi / omega;
  const double inv_4eta2 = 1.0 / (4 * eta * eta);
  Kokkos::parallel_for(
      "dft::ewald::one_pass", kernels::RangePolicy(0, na), KOKKOS_LAMBDA(int i) {
        double e_real = 0, f[3] = {0, 0, 0};
        kernels::EnergyVirial w_real, w_recip;  // energy slot of w_recip: the reciprocal energy share
        // real space: d = r_j - r_i + n0 a_0 + n1 a_1 + n2 a_2
        for (int j = 0; j < na; ++j)
          for (int n0 = -nr0; n0 <= nr0; ++n0)
            for (int n1 = -nr1; n1 <= nr1; ++n1)
              for (int n2 = -nr2; n2 <= nr2; ++n2) {
                if (i == j && n0 == 0 && n1 == 0 && n2 == 0) continue;
                double d[3], d2 = 0;
                for (int k = 0; k < 3; ++k) {
                  d[k] = pos(j, k) - pos(i, k) + n0 * lat(0, k) + n1 * lat(1, k) + n2 * lat(2, k);
                  d2 += d[k] * d[k];
                }
                if (d2 > rcut2) continue;
                const double r = kernels::math::sqrt(d2), zz = z(i) * z(j);
                double phi, dphi;
                pair_function(eta, r, d2, phi, dphi);
                e_real += 0.5 * zz * phi;
                for (int k = 0; k < 3; ++k) f[k] += zz * dphi * d[k] / r;  // -dE/dr_i; d depends on -r_i
                w_real.add_outer(0.5 * zz * dphi / r, d);
              }
        // reciprocal space: S(G) = sum_t Z_t exp(i G.r_t), and Z_i exp(-i G.r_i) S(G) its share of |S|^2
        for (int idx = 0; idx < n_recip; ++idx) {
          double g[3];
          const double g2 = box_vector(idx, ng0, ng1, ng2, rec, g);
          if (g2 == 0.0 || g2 > gcut2) continue;
          const double sr = S(idx, 0), si = S(idx, 1);
          const double ph = g[0] * pos(i, 0) + g[1] * pos(i, 1) + g[2] * pos(i, 2);
          const double c = kernels::math::cos(ph), s = kernels::math::sin(ph);
          const double k_g = kernels::math::exp(-g2 * inv_4eta2) / g2;
          const double re = z(i) * (c * sr + s * si);  // Z_i Re[exp(-i G.r_i) S]
          const double im = z(i) * (s * sr - c * si);  // Z_i Im[exp(i G.r_i) conj(S)]
          w_recip.energy += k_g * re;
          w_recip.add_outer(k_g * re * (inv_4eta2 + 1.0 / g2), g);
          for (int k = 0; k < 3; ++k) f[k] += four_pi_over_omega * k_g * im * g[k];
        }
        out(i, kRealEnergy) = e_real;
        out(i, kRecipEnergy) = w_recip.energy;
        for (int k = 0; k < 3; ++k) out(i, kForce + k) = f[k];
        for (int v = 0; v < 6; ++v) {
          out(i, kRealVirial + v) = w_real.s[v];
          out(i, kRecipVirial + v) = w_recip.s[v];
        }
      });
}

}  // namespace

Result evaluate(const Structure& st, const std::vector<double>& charges, double eta) {
  const EwaldSetup e(st, charges, eta);
  const int na = e.na;
  const double omega = st.cell.volume;
  kernels::View2<double> table("ewald::per_atom", na, kColumns);
  one_pass(e, eta, omega, table);
  auto t = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), table);

  const double two_pi_over_omega = 2.0 * pi / omega;
  double real_sum = 0, recip_sum = 0, zsum = 0, z2sum = 0;
  double w_real[6] = {0, 0, 0, 0, 0, 0}, w_recip[6] = {0, 0, 0, 0, 0, 0};
  Result r;
  r.forces.resize(na);
  for (int i = 0; i < na; ++i) {
    real_sum += t(i, kRealEnergy);
    recip_sum += t(i, kRecipEnergy);
    for (int k = 0; k < 3; ++k) r.forces[i][k] = t(i, kForce + k);
    for (int v = 0; v < 6; ++v) {
      w_real[v] += t(i, kRealVirial + v);
      w_recip[v] += t(i, kRecipVirial + v);
    }
  }
  for (double q : charges) {
    zsum += q;
    z2sum += q * q;
  }
  const double e_recip = two_pi_over_omega * recip_sum;
  const double self = -eta / std::sqrt(pi) * z2sum;
  const double background = -pi * zsum * zsum / (2.0 * omega * eta * eta);
  r.energy = real_sum + e_recip + self + background;
  // dE/d eps_ab = real + [-E_G delta + (4 pi/Omega) recip] - E_bg delta;  sigma = -(1/Omega) dE/d eps
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) {
      const int v = kernels::sym6_index(a, b);
      const double dE = w_real[v] + 2.0 * two_pi_over_omega * w_recip[v] + (a == b ? -e_recip - background : 0.0);
      r.stress[a][b] = -dE / omega;
    }
  return r;
}

double energy(const Structure& st, const std::vector<double>& charges) { return energy(st, charges, default_eta(st)); }
double energy(const Structure& st, const std::vector<double>& charges, double eta) {
  return evaluate(st, charges, eta).energy;
}

std::vector<Vec3> forces(const Structure& st, const std::vector<double>& charges) {
  return forces(st, charges, default_eta(st));
}
std::vector<Vec3> forces(const Structure& st, const std::vector<double>& charges, double eta) {
  return evaluate(st, charges, eta).forces;
}

Mat3 stress(const Structure& st, const std::vector<double>& charges) { return stress(st, charges, default_eta(st)); }
Mat3 stress(const Structure& st, const std::vector<double>& charges, double eta) {
  return evaluate(st, charges, eta).stress;
}

Result evaluate(const Structure& st, const std::vector<double>& charges) {
  return evaluate(st, charges, default_eta(st));
}

}  // namespace megabar::dft::ewald

namespace megabar::dft {

namespace {
std::vector<double> ionic_charges(const Atoms& atoms) {
  std::vector<double> z;
  for (std::size_t a = 0; a < atoms.structure.size(); ++a) z.push_back(atoms.charge(a));
  return z;
}
}  // namespace

EwaldTerm::EwaldTerm(const Atoms& atoms)
    : charges_(ionic_charges(atoms)), result_(ewald::evaluate(atoms.structure, charges_)) {}

}  // namespace megabar::dft
