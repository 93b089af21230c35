#include "dft/xc.hpp"

#include "dft/xc_pbe.hpp"

#include <xc.h>

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

double XcTerm::compute(const View1<double>& rho_r, const View1<complex>& rho_G, View1<double> v_r) const {
  const Basis& basis = fields_.basis();
  const long N = basis.grid_size();
  const int nG = basis.dense().count;
  // libxc runs on the host: bring the density there (a no-op copy on host backends).
  auto rho_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), rho_r);
  std::vector<double> rho(N), sigma, zk(N), vrho(N), vsigma, zk_t(N), vrho_t(N), vsigma_t;
  for (long i = 0; i < N; ++i) rho[i] = rho_h(i) > 0 ? rho_h(i) : 0.0;  // tiny negative values from the FFT

  std::vector<View1<double>> grad;
  if (gga_) {
    auto G = basis.dense().G;
    View1<complex> tmp("xc::grad_G", nG);
    sigma.assign(N, 0.0);
    vsigma.assign(N, 0.0);
    vsigma_t.assign(N, 0.0);
    for (int d = 0; d < 3; ++d) {
      Kokkos::parallel_for("dft::xc::gradient", kernels::RangePolicy(0, nG), KOKKOS_LAMBDA(int k) {
        tmp(k) = complex(0.0, G(k, d)) * rho_G(k);
      });
      View1<double> g_r("xc::grad_r", N);
      fields_.to_real(tmp, g_r);
      grad.push_back(g_r);
      auto gh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), g_r);
      for (long i = 0; i < N; ++i) sigma[i] += gh(i) * gh(i);
    }
  }
  std::fill(zk.begin(), zk.end(), 0.0);
  std::fill(vrho.begin(), vrho.end(), 0.0);
  if (gga_) {
    for (long i = 0; i < N; ++i) {
      double ex, vrx, vsx, ec, vrc, vsc;
      xc_pbe::exchange(rho[i], sigma[i], ex, vrx, vsx);
      xc_pbe::correlation(rho[i], sigma[i], xc_pbe::pw92_a_original, ec, vrc, vsc);
      zk[i] = rho[i] > 0 ? (ex + ec) / rho[i] : 0.0;
      vrho[i] = vrx + vrc;
      vsigma[i] = vsx + vsc;
    }
  }
  for (auto& f : funcs_->f) {
    if (gga_) {
      xc_gga_exc_vxc(&f, N, rho.data(), sigma.data(), zk_t.data(), vrho_t.data(), vsigma_t.data());
      for (long i = 0; i < N; ++i) vsigma[i] += vsigma_t[i];
    } else {
      xc_lda_exc_vxc(&f, N, rho.data(), zk_t.data(), vrho_t.data());
    }
    for (long i = 0; i < N; ++i) {
      zk[i] += zk_t[i];
      vrho[i] += vrho_t[i];
    }
  }
  double exc = 0;
  for (long i = 0; i < N; ++i) exc += rho[i] * zk[i];
  exc *= basis.cell().volume / static_cast<double>(N);

  auto v_h = Kokkos::create_mirror_view(v_r);
  for (long i = 0; i < N; ++i) v_h(i) = vrho[i];
  Kokkos::deep_copy(v_r, v_h);
  if (gga_) {
    // v -= 2 div(vsigma grad rho), the divergence taken on the density sphere.
    auto G = basis.dense().G;
    View1<double> vsig("xc::vsigma", N);
    auto vs_h = Kokkos::create_mirror_view(vsig);
    for (long i = 0; i < N; ++i) vs_h(i) = vsigma[i];
    Kokkos::deep_copy(vsig, vs_h);
    View1<complex> h_G("xc::h_G", nG), div_G("xc::div_G", nG);
    View1<double> h_r("xc::h_r", N), div_r("xc::div_r", N);
    Kokkos::deep_copy(div_G, complex(0.0, 0.0));
    for (int d = 0; d < 3; ++d) {
      auto g_r = grad[d];
      Kokkos::parallel_for("dft::xc::h", kernels::RangePolicy(0, N), KOKKOS_LAMBDA(long i) { h_r(i) = vsig(i) * g_r(i); });
      fields_.to_sphere(h_r, h_G);
      Kokkos::parallel_for("dft::xc::divergence", kernels::RangePolicy(0, nG), KOKKOS_LAMBDA(int k) {
        div_G(k) += complex(0.0, G(k, d)) * h_G(k);
      });
    }
    fields_.to_real(div_G, div_r);
    Kokkos::parallel_for("dft::xc::gga_potential", kernels::RangePolicy(0, N), KOKKOS_LAMBDA(long i) { v_r(i) -= 2.0 * div_r(i); });
  }
  return exc;
}

}  // namespace megabar::dft
