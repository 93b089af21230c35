#include "dft/xc.hpp"

#include "dft/xc_pbe.hpp"

#include <xc.h>

#include <array>
#include <stdexcept>

namespace megabar::dft {

struct XcTerm::Funcs {
  std::vector<xc_func_type> f;
  ~Funcs() {
    for (auto& x : f) xc_func_end(&x);
  }
};


XcTerm::XcTerm(const std::string& name, const FieldTransform& fields)
    : name_(name), fields_(fields), funcs_(std::make_unique<Funcs>()) {
  std::vector<int> ids;
  if (name == "PBE") {
    gga_ = true;  // evaluated by dft/xc_pbe.hpp (device-capable, QE's PW92 constant)
  } else if (name == "LDA") {
    ids = {XC_LDA_X, XC_LDA_C_PZ};
  } else if (name == "PADE") {
    ids = {XC_LDA_XC_TETER93};
  } else {
    throw std::invalid_argument("dft.xc: unknown functional '" + name + "'; expected PBE, LDA or PADE");
  }
  for (int id : ids) {
    xc_func_type f;
    if (xc_func_init(&f, id, XC_UNPOLARIZED) != 0) throw std::runtime_error("libxc: cannot initialise functional " + std::to_string(id));
    funcs_->f.push_back(f);
  }
}

XcTerm::~XcTerm() = default;

namespace xc_detail {
// A free function with external linkage: nvcc accepts device lambdas only in such (not in private members).
double pbe_energy_and_potential(const FieldTransform& fields, const View1<double>& rho_r, const View1<complex>& rho_G,
                                View1<double> v_r, double* gradient_stress = nullptr, bool potential = true);
}  // namespace xc_detail

double XcTerm::compute(const View1<double>& rho_r, const View1<complex>& rho_G, View1<double> v_r) const {
  return gga_ ? xc_detail::pbe_energy_and_potential(fields_, rho_r, rho_G, v_r) : compute_lda_libxc(rho_r, v_r);
}

double XcTerm::energy(const View1<double>& rho_r, const View1<complex>& rho_G) const {
  View1<double> scratch("xc::energy_scratch", fields_.basis().grid_size());
  return gga_ ? xc_detail::pbe_energy_and_potential(fields_, rho_r, rho_G, scratch, nullptr, false)
              : compute_lda_libxc(rho_r, scratch);
}

std::array<std::array<double, 3>, 3> XcTerm::stress(const View1<double>& rho_r, const View1<complex>& rho_G) const {
  const Basis& basis = fields_.basis();
  const long N = basis.grid_size();
  View1<double> v_r("xc::stress_v", N);
  double grad_term[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
  const double exc = gga_ ? xc_detail::pbe_energy_and_potential(fields_, rho_r, rho_G, v_r, grad_term)
                          : compute_lda_libxc(rho_r, v_r);
  double rho_v = 0;
  Kokkos::parallel_reduce("dft::xc::rho_v", kernels::RangePolicy(0, N),
                          KOKKOS_LAMBDA(long i, double& acc) { acc += rho_r(i) * v_r(i); }, rho_v);
  rho_v *= basis.cell().volume / static_cast<double>(N);
  std::array<std::array<double, 3>, 3> sigma{};
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b)
      sigma[a][b] = (a == b ? (rho_v - exc) / basis.cell().volume : 0.0) + 0.5 * (grad_term[3 * a + b] + grad_term[3 * b + a]);
  return sigma;
}

// LDA flavours through libxc, on the host (a no-op copy on host backends).
double XcTerm::compute_lda_libxc(const View1<double>& rho_r, View1<double> v_r) const {
  const Basis& basis = fields_.basis();
  const long N = basis.grid_size();
  auto rho_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), rho_r);
  std::vector<double> rho(N), zk(N, 0.0), vrho(N, 0.0), zk_t(N), vrho_t(N);
  for (long i = 0; i < N; ++i) rho[i] = rho_h(i) > 0 ? rho_h(i) : 0.0;  // tiny negative values from the FFT
  for (auto& f : funcs_->f) {
    xc_lda_exc_vxc(&f, N, rho.data(), zk_t.data(), vrho_t.data());
    for (long i = 0; i < N; ++i) {
      zk[i] += zk_t[i];
      vrho[i] += vrho_t[i];
    }
  }
  double exc = 0;
  for (long i = 0; i < N; ++i) exc += rho[i] * zk[i];
  auto v_h = Kokkos::create_mirror_view(v_r);
  for (long i = 0; i < N; ++i) v_h(i) = vrho[i];
  Kokkos::deep_copy(v_r, v_h);
  return exc * basis.cell().volume / static_cast<double>(N);
}

// PBE with the pointwise kernels of xc_pbe.hpp, everything in device memory:
//   grad rho = IFFT(i G rho_G);  v = vrho - 2 div(vsigma grad rho), the divergence on the density sphere.
double xc_detail::pbe_energy_and_potential(const FieldTransform& fields_, const View1<double>& rho_r,
                                           const View1<complex>& rho_G, View1<double> v_r, double* gradient_stress,
                                           bool potential) {
  const Basis& basis = fields_.basis();
  const long N = basis.grid_size();
  const int nG = basis.dense().count;
  auto G = basis.dense().G;
  View1<complex> tmp_G("xc::tmp_G", nG);
  View2<double> grad("xc::grad", N, 3);
  View1<double> g_r("xc::g_r", N);
  for (int d = 0; d < 3; ++d) {
    Kokkos::parallel_for("dft::xc::gradient", kernels::RangePolicy(0, nG),
                         KOKKOS_LAMBDA(int k) { tmp_G(k) = complex(0.0, G(k, d)) * rho_G(k); });
    fields_.to_real(tmp_G, g_r);
    Kokkos::parallel_for("dft::xc::store_gradient", kernels::RangePolicy(0, N), KOKKOS_LAMBDA(long i) { grad(i, d) = g_r(i); });
  }
  View1<double> vsigma("xc::vsigma", N);
  const double a = xc_pbe::pw92_a_original;
  double exc = 0;
  Kokkos::parallel_reduce(
      "dft::xc::pbe_pointwise", kernels::RangePolicy(0, N),
      KOKKOS_LAMBDA(long i, double& acc) {
        const double rho = rho_r(i) > 0 ? rho_r(i) : 0.0;  // tiny negative values from the FFT
        const double sigma = grad(i, 0) * grad(i, 0) + grad(i, 1) * grad(i, 1) + grad(i, 2) * grad(i, 2);
        double ex, vrx, vsx, ec, vrc, vsc;
        xc_pbe::exchange(rho, sigma, ex, vrx, vsx);
        xc_pbe::correlation(rho, sigma, a, ec, vrc, vsc);
        v_r(i) = vrx + vrc;
        vsigma(i) = vsx + vsc;
        acc += ex + ec;
      },
      exc);
  if (gradient_stress) {  // (2/N) sum_r vsigma d_a rho d_b rho  (= (2/Omega) int vsigma d_a rho d_b rho dr)
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) {
        double s = 0;
        Kokkos::parallel_reduce(
            "dft::xc::gradient_stress", kernels::RangePolicy(0, N),
            KOKKOS_LAMBDA(long i, double& acc) { acc += vsigma(i) * grad(i, a) * grad(i, b); }, s);
        gradient_stress[3 * a + b] = 2.0 * s / static_cast<double>(N);
      }
  }
  if (!potential) return exc * basis.cell().volume / static_cast<double>(N);  // energy only: no divergence
  View1<complex> div_G("xc::div_G", nG);
  for (int d = 0; d < 3; ++d) {
    Kokkos::parallel_for("dft::xc::h", kernels::RangePolicy(0, N), KOKKOS_LAMBDA(long i) { g_r(i) = vsigma(i) * grad(i, d); });
    fields_.to_sphere(g_r, tmp_G);
    Kokkos::parallel_for("dft::xc::divergence", kernels::RangePolicy(0, nG),
                         KOKKOS_LAMBDA(int k) { div_G(k) += complex(0.0, G(k, d)) * tmp_G(k); });
  }
  fields_.to_real(div_G, g_r);
  Kokkos::parallel_for("dft::xc::gga_potential", kernels::RangePolicy(0, N), KOKKOS_LAMBDA(long i) { v_r(i) -= 2.0 * g_r(i); });
  return exc * basis.cell().volume / static_cast<double>(N);
}

}  // namespace megabar::dft
