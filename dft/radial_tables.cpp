// Radial form factors of numerical pseudopotentials (formulas at the top of dft/radial_tables.hpp).
#include "core/units.hpp"
#include "dft/radial_tables.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace megabar::dft {

namespace {
using units::pi;
}

double spherical_bessel(int l, double x) {
  if (l < 0 || l > 5) throw std::invalid_argument("spherical_bessel: l = " + std::to_string(l) + " out of 0..5");
  const double ax = std::fabs(x);
  const double sign = (x < 0 && l % 2 == 1) ? -1.0 : 1.0;
  if (ax < 2.0) {  // j_l(x) = x^l sum_k (-x^2/2)^k / (k! (2l+2k+1)!!)
    double term = 1.0;
    for (int m = 1; m <= l; ++m) term *= ax / (2.0 * m + 1.0);
    double sum = term;
    for (int k = 1; k < 60; ++k) {
      term *= -0.5 * ax * ax / (k * (2.0 * l + 2.0 * k + 1.0));
      sum += term;
      if (std::fabs(term) < 1e-18 * std::fabs(sum)) break;
    }
    return sign * sum;
  }
  const double s = std::sin(ax), c = std::cos(ax);
  double jm = s / ax;  // j_0
  if (l == 0) return jm;
  double j = s / (ax * ax) - c / ax;  // j_1
  for (int m = 1; m < l; ++m) {       // j_{m+1} = (2m+1)/x j_m - j_{m-1}
    const double jp = (2.0 * m + 1.0) / ax * j - jm;
    jm = j;
    j = jp;
  }
  return sign * j;
}

double spherical_bessel_derivative(int l, double x) {
  if (l == 0) return -spherical_bessel(1, x);
  return (l * spherical_bessel(l - 1, x) - (l + 1) * spherical_bessel(l + 1, x)) / (2.0 * l + 1.0);
}

double RadialTable::operator()(double q) const { return interpolate_radial(f.data(), df.data(), size(), dq, q); }
double RadialTable::derivative(double q) const {
  double d = 0;
  interpolate_radial(f.data(), df.data(), size(), dq, q, &d);
  return d;
}

RadialTable radial_transform(const std::vector<double>& r, const std::vector<double>& weights,
                             const std::vector<double>& f, int l, double qmax, double dq) {
  if (!(dq > 0) || !(qmax >= 0)) throw std::invalid_argument("radial_transform: need dq > 0 and qmax >= 0");
  if (r.size() != f.size() || weights.size() != f.size())
    throw std::invalid_argument("radial_transform: r, weights and f differ in length");
  RadialTable t;
  t.dq = dq;
  const int n = static_cast<int>(std::ceil(qmax / dq - 1e-9)) + 1;
  const int nq = n < 2 ? 2 : n;
  t.f.assign(nq, 0.0);
  t.df.assign(nq, 0.0);
  // The points that matter (f != 0), with w r^2 f precomputed.
  std::vector<double> rr, a;
  for (size_t k = 0; k < r.size(); ++k)
    if (f[k] != 0.0 && weights[k] != 0.0 && r[k] > 0.0) {
      rr.push_back(r[k]);
      a.push_back(4.0 * pi * weights[k] * r[k] * r[k] * f[k]);
    }
  for (int iq = 0; iq < nq; ++iq) {
    const double q = iq * dq;
    double s = 0, d = 0;
    for (size_t k = 0; k < rr.size(); ++k) {
      const double x = q * rr[k];
      s += a[k] * spherical_bessel(l, x);
      d += a[k] * rr[k] * spherical_bessel_derivative(l, x);
    }
    t.f[iq] = s;
    t.df[iq] = d;
  }
  return t;
}

double NcFormFactors::local(double q) const { return local_sr(q) + local_long_range(zion, rc, q); }
double NcFormFactors::local_derivative(double q) const {
  return local_sr.derivative(q) + local_long_range_derivative(zion, rc, q);
}

NcFormFactors tabulate_form_factors(const NcPseudo& pp, double qmax, double dq, double rc) {
  if (!(rc > 0)) throw std::invalid_argument("tabulate_form_factors: rc must be > 0");
  NcFormFactors ff;
  ff.zion = pp.zion;
  ff.rc = rc;
  const size_t n = pp.r.size();
  std::vector<double> vsr(n);
  for (size_t k = 0; k < n; ++k) {
    const double r = pp.r[k];
    vsr[k] = pp.vloc[k] + (r > 0 ? pp.zion * std::erf(r / rc) / r : pp.zion * 2.0 / (std::sqrt(pi) * rc));
  }
  ff.local_sr = radial_transform(pp.r, pp.weights, vsr, 0, qmax, dq);
  ff.alpha = ff.local_sr.f[0] + pi * pp.zion * rc * rc;
  for (const auto& p : pp.projectors) {
    ff.projectors.push_back(radial_transform(pp.r, pp.weights, p.beta, p.l, qmax, dq));
    ff.l.push_back(p.l);
  }
  if (pp.has_core()) ff.core = radial_transform(pp.r, pp.weights, pp.rho_core, 0, qmax, dq);
  return ff;
}

DeviceRadialTables to_device(const std::vector<const RadialTable*>& tables) {
  DeviceRadialTables d;
  if (tables.empty()) return d;
  d.dq = tables[0]->dq;
  for (const auto* t : tables) {
    if (std::fabs(t->dq - d.dq) > 1e-15 * d.dq) throw std::invalid_argument("to_device: tables differ in dq");
    d.n = std::max(d.n, t->size());
  }
  d.f = kernels::View2<double>("radial_tables::f", d.n, tables.size());
  d.df = kernels::View2<double>("radial_tables::df", d.n, tables.size());
  auto hf = Kokkos::create_mirror_view(d.f);
  auto hd = Kokkos::create_mirror_view(d.df);
  for (size_t i = 0; i < tables.size(); ++i)
    for (int k = 0; k < d.n; ++k) {
      const int kk = k < tables[i]->size() ? k : tables[i]->size() - 1;
      hf(k, i) = tables[i]->f[kk];
      hd(k, i) = k < tables[i]->size() ? tables[i]->df[kk] : 0.0;
    }
  Kokkos::deep_copy(d.f, hf);
  Kokkos::deep_copy(d.df, hd);
  return d;
}

}  // namespace megabar::dft
