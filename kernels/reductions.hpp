// Reduction value types shared by the physics kernels, for Kokkos::parallel_reduce with Kokkos::Sum<T>.
//
// Vec3Sum: three sums (a force vector) in one reduction.
// EnergyVirial: an energy and the six components of a symmetric 3x3 tensor (a virial / stress sum),
// accumulated in ONE reduction:
//   EnergyVirial ev;
//   Kokkos::parallel_reduce(label, policy, KOKKOS_LAMBDA(int k, EnergyVirial& acc) {
//     acc.energy += e_k;  acc.add_outer(w_k, g_k);  // s_ab += w_k g_a g_b
//   }, Kokkos::Sum<EnergyVirial>(ev));
// Components are stored once, in Voigt order xx, yy, zz, yz, xz, xy (sym6_index). The volatile join and
// the Kokkos::reduction_identity specialisation below are what Kokkos 3.4's Sum reducer needs.
#pragma once
#include <array>

#include <Kokkos_Core.hpp>

namespace megabar::kernels {

// Three sums at once (a force on one atom): v[d] += ...
struct Vec3Sum {
  double v[3];
  KOKKOS_INLINE_FUNCTION Vec3Sum() : v{0.0, 0.0, 0.0} {}
  KOKKOS_INLINE_FUNCTION Vec3Sum(const Vec3Sum& o) : v{o.v[0], o.v[1], o.v[2]} {}
  KOKKOS_INLINE_FUNCTION Vec3Sum& operator=(const Vec3Sum& o) {
    for (int i = 0; i < 3; ++i) v[i] = o.v[i];
    return *this;
  }
  KOKKOS_INLINE_FUNCTION Vec3Sum& operator+=(const Vec3Sum& o) {
    for (int i = 0; i < 3; ++i) v[i] += o.v[i];
    return *this;
  }
  KOKKOS_INLINE_FUNCTION void operator+=(const volatile Vec3Sum& o) volatile {
    for (int i = 0; i < 3; ++i) v[i] += o.v[i];
  }
};

// Voigt index of the symmetric pair (a, b), a, b in 0..2.
KOKKOS_INLINE_FUNCTION int sym6_index(int a, int b) { return a == b ? a : 6 - a - b; }

struct EnergyVirial {
  double energy;
  double s[6];  // xx, yy, zz, yz, xz, xy

  KOKKOS_INLINE_FUNCTION EnergyVirial() : energy(0.0), s{0.0, 0.0, 0.0, 0.0, 0.0, 0.0} {}
  KOKKOS_INLINE_FUNCTION EnergyVirial(const EnergyVirial& o)
      : energy(o.energy), s{o.s[0], o.s[1], o.s[2], o.s[3], o.s[4], o.s[5]} {}
  KOKKOS_INLINE_FUNCTION EnergyVirial& operator=(const EnergyVirial& o) {
    energy = o.energy;
    for (int i = 0; i < 6; ++i) s[i] = o.s[i];
    return *this;
  }
  KOKKOS_INLINE_FUNCTION EnergyVirial& operator+=(const EnergyVirial& o) {
    energy += o.energy;
    for (int i = 0; i < 6; ++i) s[i] += o.s[i];
    return *this;
  }
  KOKKOS_INLINE_FUNCTION void operator+=(const volatile EnergyVirial& o) volatile {
    energy += o.energy;
    for (int i = 0; i < 6; ++i) s[i] += o.s[i];
  }
  // s_ab += w u_a u_b
  KOKKOS_INLINE_FUNCTION void add_outer(double w, const double u[3]) {
    s[0] += w * u[0] * u[0];
    s[1] += w * u[1] * u[1];
    s[2] += w * u[2] * u[2];
    s[3] += w * u[1] * u[2];
    s[4] += w * u[0] * u[2];
    s[5] += w * u[0] * u[1];
  }
  KOKKOS_INLINE_FUNCTION double operator()(int a, int b) const { return s[sym6_index(a, b)]; }

  // The full symmetric matrix scale * s (host).
  std::array<std::array<double, 3>, 3> matrix(double scale = 1.0) const {
    std::array<std::array<double, 3>, 3> m{};
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) m[a][b] = scale * s[sym6_index(a, b)];
    return m;
  }
};

}  // namespace megabar::kernels

namespace Kokkos {
template <>
struct reduction_identity<megabar::kernels::Vec3Sum> {
  KOKKOS_FORCEINLINE_FUNCTION static megabar::kernels::Vec3Sum sum() { return megabar::kernels::Vec3Sum(); }
};
template <>
struct reduction_identity<megabar::kernels::EnergyVirial> {
  KOKKOS_FORCEINLINE_FUNCTION static megabar::kernels::EnergyVirial sum() { return megabar::kernels::EnergyVirial(); }
};
}  // namespace Kokkos
