#include "dft/xc.hpp"

#include "dft/xc_lda.hpp"
#include "dft/xc_pbe.hpp"
#include "kernels/reductions.hpp"
#include "kernels/timer.hpp"

#include <array>
#include <stdexcept>

namespace megabar::dft {

XcTerm::XcTerm(const std::string& name, const FieldTransform& fields, std::shared_ptr<const CoreCharge> core)
    : name_(name),
      fields_(fields),
      v_r_("scf::v_xc_r", fields.basis().grid_size()),
      core_(core && !core->empty() ? std::move(core) : nullptr) {
  const long N = fields.basis().grid_size();
  const int nG = fields.basis().dense().count;
  scratch_.v_r = View1<double>("xc::v_r", N);
  if (name == "PBE") {
    gga_ = true;  // evaluated by dft/xc_pbe.hpp (device-capable, QE's PW92 constant)
    scratch_.grad = View2<double>("xc::grad", N, 3);
    scratch_.vsigma = View1<double>("xc::vsigma", N);
    scratch_.a_r = View1<double>("xc::a_r", N);
    scratch_.b_r = View1<double>("xc::b_r", N);
    scratch_.a_G = View1<complex>("xc::a_G", nG);
    scratch_.b_G = View1<complex>("xc::b_G", nG);
    scratch_.div_G = View1<complex>("xc::div_G", nG);
  } else if (name == "LDA") {
    lda_kind_ = static_cast<int>(xc_lda::Kind::SlaterPz81);  // dft/xc_lda.hpp, as libxc LDA_X + LDA_C_PZ
  } else if (name == "PADE") {
    lda_kind_ = static_cast<int>(xc_lda::Kind::Pade);  // dft/xc_lda.hpp, as libxc LDA_XC_TETER93
  } else if (name == "LDA-PW92") {
    lda_kind_ = static_cast<int>(xc_lda::Kind::SlaterPw92);  // dft/xc_lda.hpp, as libxc LDA_X + LDA_C_PW
  } else {
    throw std::invalid_argument("dft.xc: unknown functional '" + name + "'; expected PBE, LDA, LDA-PW92 or PADE");
  }
}

XcTerm::~XcTerm() = default;

void XcTerm::total_density(const TermState& s, View1<double>& n_r, View1<complex>& n_G) const {
  if (!core_) {
    n_r = s.rho_r;
    n_G = s.rho_G;
    return;
  }
  if (total_r_.extent(0) != s.rho_r.extent(0)) total_r_ = View1<double>("xc::rho_plus_core_r", s.rho_r.extent(0));
  if (total_G_.extent(0) != s.rho_G.extent(0)) total_G_ = View1<complex>("xc::rho_plus_core_G", s.rho_G.extent(0));
  core_->add_to(s.rho_r, s.rho_G, total_r_, total_G_);
  n_r = total_r_;
  n_G = total_G_;
}

View1<complex> XcTerm::potential_G(const View1<double>& n_r, const View1<complex>& n_G) const {
  const View1<double> v_r = scratch_.v_r;
  compute(n_r, n_G, v_r);
  View1<complex> v_G("xc::v_G", n_G.extent(0));
  fields_.to_sphere(v_r, v_G);
  return v_G;
}

double XcTerm::energy(const TermState& s) const {
  kernels::ScopedTimer t("dft::xc");
  View1<double> n_r;
  View1<complex> n_G;
  total_density(s, n_r, n_G);
  return energy(n_r, n_G);
}

bool XcTerm::add_potential(const TermState& s, View1<double> v_eff) {
  {
    kernels::ScopedTimer t("dft::xc");
    View1<double> n_r;
    View1<complex> n_G;
    total_density(s, n_r, n_G);
    potential_energy_ = compute(n_r, n_G, v_r_);
  }
  add_to_potential(v_r_, v_eff);
  return true;
}

Mat3 XcTerm::stress(const TermState& s) const {
  Mat3 sigma;
  energy_and_stress(s, sigma);  // the stress evaluation yields E_xc anyway
  return sigma;
}

double XcTerm::energy_and_stress(const TermState& s, Mat3& sigma) const {
  View1<double> n_r;
  View1<complex> n_G;
  total_density(s, n_r, n_G);
  double e = 0;
  sigma = stress(n_r, n_G, &e);
  if (core_) {
    const Mat3 c = core_->stress(potential_G(n_r, n_G));
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) sigma[a][b] += c[a][b];
  }
  return e;
}

std::vector<Vec3> XcTerm::forces(const TermState& s) const {
  if (!core_) return {};
  View1<double> n_r;
  View1<complex> n_G;
  total_density(s, n_r, n_G);
  return core_->forces(potential_G(n_r, n_G));
}

namespace xc_detail {
// Free functions with external linkage: nvcc accepts device lambdas only in such (not in private members).
double pbe_energy_and_potential(const FieldTransform& fields, const View1<double>& rho_r, const View1<complex>& rho_G,
                                View1<double> v_r, const XcScratch& scratch, double* gradient_stress = nullptr,
                                bool potential = true);
double lda_energy_and_potential(const FieldTransform& fields, const View1<double>& rho_r, View1<double> v_r,
                                xc_lda::Kind kind);
void density_gradient(const FieldTransform& fields, const View1<complex>& rho_G, const XcScratch& scratch);
void subtract_gga_divergence(const FieldTransform& fields, const XcScratch& scratch, View1<double> v_r);
}  // namespace xc_detail

double XcTerm::compute(const View1<double>& rho_r, const View1<complex>& rho_G, View1<double> v_r) const {
  return gga_ ? xc_detail::pbe_energy_and_potential(fields_, rho_r, rho_G, v_r, scratch_)
              : xc_detail::lda_energy_and_potential(fields_, rho_r, v_r, static_cast<xc_lda::Kind>(lda_kind_));
}

double XcTerm::energy(const View1<double>& rho_r, const View1<complex>& rho_G) const {
  const View1<double> v = scratch_.v_r;
  return gga_ ? xc_detail::pbe_energy_and_potential(fields_, rho_r, rho_G, v, scratch_, nullptr, false)
              : xc_detail::lda_energy_and_potential(fields_, rho_r, v, static_cast<xc_lda::Kind>(lda_kind_));
}

std::array<std::array<double, 3>, 3> XcTerm::stress(const View1<double>& rho_r, const View1<complex>& rho_G,
                                                    double* energy) const {
  const Basis& basis = fields_.basis();
  const long N = basis.grid_size();
  const View1<double> v_r = scratch_.v_r;
  double grad_term[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
  const auto kind = static_cast<xc_lda::Kind>(lda_kind_);
  // For GGA v_r is d e/d rho alone (no divergence: three FFTs fewer), and the divergence's share of int rho v_xc
  // comes by parts: -2 int rho div(vsigma grad rho) = 2 int vsigma |grad rho|^2 = Omega tr(grad_term).
  const double exc =
      gga_ ? xc_detail::pbe_energy_and_potential(fields_, rho_r, rho_G, v_r, scratch_, grad_term, /*potential=*/false)
           : xc_detail::lda_energy_and_potential(fields_, rho_r, v_r, kind);
  if (energy) *energy = exc;
  double rho_v = grid_dot(basis, rho_r, v_r);
  if (gga_) rho_v += basis.cell().volume * (grad_term[0] + grad_term[4] + grad_term[8]);
  std::array<std::array<double, 3>, 3> sigma{};
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b)
      sigma[a][b] =
          (a == b ? (rho_v - exc) / basis.cell().volume : 0.0) + 0.5 * (grad_term[3 * a + b] + grad_term[3 * b + a]);
  return sigma;
}

// LDA / PADE with the pointwise kernels of xc_lda.hpp, in device memory:  v(r) = vrho(rho(r)),
// E_xc = (Omega/N) sum_r e(rho(r)).
double xc_detail::lda_energy_and_potential(const FieldTransform& fields, const View1<double>& rho_r, View1<double> v_r,
                                           xc_lda::Kind kind) {
  const Basis& basis = fields.basis();
  const long N = basis.grid_size();
  double exc = 0;
  Kokkos::parallel_reduce(
      "dft::xc::lda_pointwise", kernels::RangePolicy(0, N),
      KOKKOS_LAMBDA(long i, double& acc) {
        const double rho = rho_r(i) > 0 ? rho_r(i) : 0.0;  // tiny negative values from the FFT
        double e, vrho;
        xc_lda::exchange_correlation(kind, rho, e, vrho);
        v_r(i) = vrho;
        acc += e;
      },
      exc);
  return exc * basis.cell().volume / static_cast<double>(N);
}

// grad(i, d) = d_d rho on the grid from rho's sphere coefficients (i G_d rho(G)): d_x and d_y through one
// transform (two real fields), d_z through another.
void xc_detail::density_gradient(const FieldTransform& fields, const View1<complex>& rho_G, const XcScratch& scratch) {
  const Basis& basis = fields.basis();
  const long N = basis.grid_size();
  const int nG = basis.dense().count;
  auto G = basis.dense().G;
  auto grad = scratch.grad;
  auto x_G = scratch.a_G, y_G = scratch.b_G;
  auto x_r = scratch.a_r, y_r = scratch.b_r;
  Kokkos::parallel_for(
      "dft::xc::gradient_xy", kernels::RangePolicy(0, nG), KOKKOS_LAMBDA(int k) {
        x_G(k) = complex(0.0, G(k, 0)) * rho_G(k);
        y_G(k) = complex(0.0, G(k, 1)) * rho_G(k);
      });
  fields.to_real_pair(x_G, y_G, x_r, y_r);
  Kokkos::parallel_for(
      "dft::xc::gradient_z", kernels::RangePolicy(0, nG),
      KOKKOS_LAMBDA(int k) { x_G(k) = complex(0.0, G(k, 2)) * rho_G(k); });
  Kokkos::parallel_for(
      "dft::xc::store_gradient_xy", kernels::RangePolicy(0, N), KOKKOS_LAMBDA(long i) {
        grad(i, 0) = x_r(i);
        grad(i, 1) = y_r(i);
      });
  fields.to_real(x_G, x_r);
  Kokkos::parallel_for(
      "dft::xc::store_gradient_z", kernels::RangePolicy(0, N), KOKKOS_LAMBDA(long i) { grad(i, 2) = x_r(i); });
}

// v_r -= 2 div h with h_d = vsigma d_d rho, the divergence sum_d i G_d h_d(G) taken on the density sphere:
// h_x and h_y to the sphere through one transform, h_z through another, the divergence back through a third.
void xc_detail::subtract_gga_divergence(const FieldTransform& fields, const XcScratch& scratch, View1<double> v_r) {
  const Basis& basis = fields.basis();
  const long N = basis.grid_size();
  const int nG = basis.dense().count;
  auto G = basis.dense().G;
  auto vsigma = scratch.vsigma;
  auto grad = scratch.grad;
  auto x_r = scratch.a_r, y_r = scratch.b_r;
  auto x_G = scratch.a_G, y_G = scratch.b_G, div_G = scratch.div_G;
  Kokkos::parallel_for(
      "dft::xc::h_xy", kernels::RangePolicy(0, N), KOKKOS_LAMBDA(long i) {
        x_r(i) = vsigma(i) * grad(i, 0);
        y_r(i) = vsigma(i) * grad(i, 1);
      });
  fields.to_sphere_pair(x_r, y_r, x_G, y_G);
  Kokkos::parallel_for(
      "dft::xc::divergence_xy", kernels::RangePolicy(0, nG),
      KOKKOS_LAMBDA(int k) { div_G(k) = complex(0.0, G(k, 0)) * x_G(k) + complex(0.0, G(k, 1)) * y_G(k); });
  Kokkos::parallel_for(
      "dft::xc::h_z", kernels::RangePolicy(0, N), KOKKOS_LAMBDA(long i) { x_r(i) = vsigma(i) * grad(i, 2); });
  fields.to_sphere(x_r, x_G);
  Kokkos::parallel_for(
      "dft::xc::divergence_z", kernels::RangePolicy(0, nG),
      KOKKOS_LAMBDA(int k) { div_G(k) += complex(0.0, G(k, 2)) * x_G(k); });
  fields.to_real(div_G, x_r);
  Kokkos::parallel_for(
      "dft::xc::gga_potential", kernels::RangePolicy(0, N), KOKKOS_LAMBDA(long i) { v_r(i) -= 2.0 * x_r(i); });
}

// PBE with the pointwise kernels of xc_pbe.hpp, everything in device memory:
//   grad rho = IFFT(i G rho_G);  v = vrho - 2 div(vsigma grad rho), the divergence on the density sphere.
double xc_detail::pbe_energy_and_potential(const FieldTransform& fields_, const View1<double>& rho_r,
                                           const View1<complex>& rho_G, View1<double> v_r, const XcScratch& scratch,
                                           double* gradient_stress, bool potential) {
  const Basis& basis = fields_.basis();
  const long N = basis.grid_size();
  density_gradient(fields_, rho_G, scratch);
  auto grad = scratch.grad;
  auto vsigma = scratch.vsigma;
  const double a = xc_pbe::pw92_a_original;
  const bool with_stress = gradient_stress != nullptr;
  // energy: sum_r e_xc;  s_ab (stress only): sum_r vsigma d_a rho d_b rho, in the same pass
  kernels::EnergyVirial ev;
  Kokkos::parallel_reduce(
      "dft::xc::pbe_pointwise", kernels::RangePolicy(0, N),
      KOKKOS_LAMBDA(long i, kernels::EnergyVirial& acc) {
        const double rho = rho_r(i) > 0 ? rho_r(i) : 0.0;  // tiny negative values from the FFT
        const double g[3] = {grad(i, 0), grad(i, 1), grad(i, 2)};
        const double sigma = g[0] * g[0] + g[1] * g[1] + g[2] * g[2];
        double ex, vrx, vsx, ec, vrc, vsc;
        xc_pbe::exchange(rho, sigma, ex, vrx, vsx);
        xc_pbe::correlation(rho, sigma, a, ec, vrc, vsc);
        v_r(i) = vrx + vrc;
        vsigma(i) = vsx + vsc;
        acc.energy += ex + ec;
        if (with_stress) acc.add_outer(vsx + vsc, g);
      },
      Kokkos::Sum<kernels::EnergyVirial>(ev));
  const double exc = ev.energy;
  if (with_stress)  // (2/N) sum_r vsigma d_a rho d_b rho  (= (2/Omega) int vsigma d_a rho d_b rho dr)
    for (int c = 0; c < 3; ++c)
      for (int d = 0; d < 3; ++d) gradient_stress[3 * c + d] = 2.0 * ev(c, d) / static_cast<double>(N);
  if (!potential) return exc * basis.cell().volume / static_cast<double>(N);  // energy only: no divergence
  subtract_gga_divergence(fields_, scratch, v_r);
  return exc * basis.cell().volume / static_cast<double>(N);
}

}  // namespace megabar::dft
