#include "dft/local_potential.hpp"

#include <cmath>
#include <string>

#include "dft/atom_phases.hpp"
#include "dft/fields.hpp"
#include "dft/gth_form_factors.hpp"
#include "dft/radial_tables.hpp"
#include "kernels/loops.hpp"
#include "kernels/math.hpp"
#include "kernels/reductions.hpp"

namespace megabar::dft::local {

namespace {

using Table = Kokkos::View<double**, Kokkos::LayoutRight, kernels::MemSpace>;

// Per species: Z, r_loc, C_1..C_4 and the G = 0 term (host-computed) of the GTH species, for the device
// tables below; column 7 is 1 for a numerical species (its row is otherwise unused).
Table species_parameters(const Atoms& atoms) {
  const int ns = static_cast<int>(atoms.species.size());
  Table p("local::species_parameters", ns, 8);
  auto h = Kokkos::create_mirror_view(p);
  for (int s = 0; s < ns; ++s) {
    const auto& sp = atoms.species[s];
    for (int i = 0; i < 8; ++i) h(s, i) = 0.0;
    h(s, 0) = sp.zion;
    if (sp.is_nc()) {
      h(s, 7) = 1.0;
      continue;
    }
    const auto& gth = *sp.gth;
    h(s, 1) = gth.rloc;
    for (int i = 0; i < 4; ++i) h(s, 2 + i) = i < static_cast<int>(gth.c.size()) ? gth.c[i] : 0.0;
    h(s, 6) = gth.local_g0_term();
  }
  Kokkos::deep_copy(p, h);
  return p;
}

}  // namespace

// Row s of `form` for a numerical species: v(q) = v_sr(q) - 4 pi Z exp(-q^2 rc^2/4)/q^2 (radial_tables.hpp)
// from its interpolated table, alpha Z at G = 0; or dv/dq (0 at G = 0). (A free function outside the
// anonymous namespace: nvcc's extended lambdas need a function with external linkage.)
void fill_numerical_row(const Basis& basis, const Species& sp, int s, bool derivative, Table form) {
  const int nG = basis.dense().count;
  const NcFormFactors& ff = sp.form_factors(std::sqrt(2.0 * basis.ecut_rho()));
  const DeviceRadialTables t = to_device({&ff.local_sr});
  auto f = t.f, df = t.df;
  const int n = t.n;
  const double dq = t.dq, Z = ff.zion, rc = ff.rc, alpha = ff.alpha;
  auto G2 = basis.dense().G2;
  Kokkos::parallel_for(
      "dft::local::numerical_form_factors", kernels::RangePolicy(0, nG), KOKKOS_LAMBDA(int k) {
        if (G2(k) == 0.0) {
          form(s, k) = derivative ? 0.0 : alpha;
          return;
        }
        const double q = kernels::math::sqrt(G2(k));
        double dv = 0;
        const double v = interpolate_radial(&f(0, 0), &df(0, 0), n, dq, q, &dv);
        form(s, k) = derivative ? dv + local_long_range_derivative(Z, rc, q) : v + local_long_range(Z, rc, q);
      });
}

// Radial form factors (or their derivatives d/d|G|) per species on the density sphere, on the device.
Table form_factor_table(const Basis& basis, const Atoms& atoms, bool derivative) {
  const int nG = basis.dense().count;
  const int ns = static_cast<int>(atoms.species.size());
  Table form(std::string(derivative ? "local::form_factor_derivative" : "local::form_factor"), ns, nG);
  const Table par = species_parameters(atoms);
  auto G2 = basis.dense().G2;
  kernels::for_2d(
      "dft::local::form_factors", ns, nG, KOKKOS_LAMBDA(int s, int k) {
        if (par(s, 7) != 0.0) return;  // a numerical species: filled below
        const double c[4] = {par(s, 2), par(s, 3), par(s, 4), par(s, 5)};
        if (G2(k) > 0) {
          const double q = kernels::math::sqrt(G2(k));
          form(s, k) = derivative ? gth_ff::local_derivative(q, par(s, 0), par(s, 1), c)
                                  : gth_ff::local(q, par(s, 0), par(s, 1), c);
        } else {
          form(s, k) = derivative ? 0.0 : par(s, 6);
        }
      });
  for (int s = 0; s < ns; ++s)
    if (atoms.species[s].is_nc()) fill_numerical_row(basis, atoms.species[s], s, derivative, form);
  return form;
}

Table core_form_factor_table(const Basis& basis, const Atoms& atoms, bool derivative) {
  const int nG = basis.dense().count;
  const int ns = static_cast<int>(atoms.species.size());
  Table form(std::string(derivative ? "core::form_factor_derivative" : "core::form_factor"), ns, nG);
  auto G2 = basis.dense().G2;
  for (int s = 0; s < ns; ++s) {
    const auto& sp = atoms.species[s];
    if (!sp.has_core()) continue;  // zero row
    const DeviceRadialTables t = to_device({&sp.form_factors(std::sqrt(2.0 * basis.ecut_rho())).core});
    auto f = t.f, df = t.df;
    const int n = t.n;
    const double dq = t.dq;
    Kokkos::parallel_for(
        "dft::core::form_factors", kernels::RangePolicy(0, nG), KOKKOS_LAMBDA(int k) {
          double d = 0;
          const double v = interpolate_radial(&f(0, 0), &df(0, 0), n, dq, kernels::math::sqrt(G2(k)), &d);
          form(s, k) = derivative ? d : v;
        });
  }
  return form;
}

Kokkos::View<double**, Kokkos::LayoutRight, kernels::MemSpace> form_factors(const Basis& basis, const Atoms& atoms) {
  return form_factor_table(basis, atoms, false);
}

View1<complex> potential(const Basis& basis, const Atoms& atoms) {
  return superpose(basis, atoms, form_factors(basis, atoms), "local::v_G");
}

View1<complex> superpose(const Basis& basis, const Atoms& atoms, const Table& form, const std::string& label) {
  const int nG = basis.dense().count;
  const int ns = static_cast<int>(atoms.species.size());
  auto S = structure_factors(atoms, basis);
  View1<complex> v(label, nG);
  const double inv_omega = 1.0 / basis.cell().volume;
  Kokkos::parallel_for(
      "dft::local::superpose", kernels::RangePolicy(0, nG), KOKKOS_LAMBDA(int k) {
        complex sum(0.0, 0.0);
        for (int s = 0; s < ns; ++s) sum += form(s, k) * S(s, k);
        v(k) = inv_omega * sum;
      });
  return v;
}

View2<double> forces(const Basis& basis, const Atoms& atoms, const View1<complex>& rho_G) {
  return pair_forces(basis, atoms, form_factors(basis, atoms), rho_G);
}

View2<double> pair_forces(const Basis& basis, const Atoms& atoms,
                          const Kokkos::View<double**, Kokkos::LayoutRight, kernels::MemSpace>& form,
                          const View1<complex>& rho_G) {
  const int nG = basis.dense().count;
  const int na = static_cast<int>(atoms.structure.size());
  const AtomPhases phases(atoms, basis.cell(), basis.dense());
  View1<int> sp("local::species", na);
  auto sph = Kokkos::create_mirror_view(sp);
  for (int a = 0; a < na; ++a) sph(a) = atoms.species_of_atom[a];
  Kokkos::deep_copy(sp, sph);
  auto G = basis.dense().G;
  View2<double> F("local::forces", na, 3);
  // One team per atom, one reduction of the three components over the sphere.
  using Team = Kokkos::TeamPolicy<kernels::ExecSpace>;
  Kokkos::parallel_for(
      "dft::local::forces", Team(na, Kokkos::AUTO), KOKKOS_LAMBDA(const Team::member_type& team) {
        const int a = team.league_rank();
        kernels::Vec3Sum f;
        Kokkos::parallel_reduce(
            Kokkos::TeamThreadRange(team, nG),
            [&](int k, kernels::Vec3Sum& acc) {
              // Re[i G conj(rho) v e^{-i G.R}] = G v Im[rho e^{i G.R}],  e^{-i G.R} = c - i s
              const kernels::complex e = phases(a, k);
              const double c = e.real(), s = -e.imag();
              const double w = form(sp(a), k) * (rho_G(k).imag() * c + rho_G(k).real() * s);
              for (int d = 0; d < 3; ++d) acc.v[d] += G(k, d) * w;
            },
            Kokkos::Sum<kernels::Vec3Sum>(f));
        Kokkos::single(Kokkos::PerTeam(team), [&]() {
          for (int d = 0; d < 3; ++d) F(a, d) = f.v[d];
        });
      });
  return F;
}

Mat3 stress(const Basis& basis, const Atoms& atoms, const View1<complex>& v_loc_G, const View1<complex>& rho_G) {
  const kernels::EnergyVirial ev = pair_virial(basis, atoms, form_factor_table(basis, atoms, true), rho_G, v_loc_G);
  Mat3 sigma = ev.matrix(1.0 / basis.cell().volume);
  for (int a = 0; a < 3; ++a) sigma[a][a] += ev.energy;
  return sigma;
}

kernels::EnergyVirial pair_virial(const Basis& basis, const Atoms& atoms, const Table& dform,
                                  const View1<complex>& field_G, const View1<complex>& partner_G) {
  const int nG = basis.dense().count;
  const int ns = static_cast<int>(atoms.species.size());
  auto S = structure_factors(atoms, basis);
  auto G = basis.dense().G;
  auto G2 = basis.dense().G2;
  const bool with_energy = partner_G.extent(0) > 0;
  // energy: sum_G Re[conj(f) partner];  s_ab: sum_{G != 0} Re[conj(f) sum_s S_s form_s'] G_a G_b / |G|
  kernels::EnergyVirial ev;
  Kokkos::parallel_reduce(
      "dft::local::pair_virial", kernels::RangePolicy(0, nG),
      KOKKOS_LAMBDA(int k, kernels::EnergyVirial& acc) {
        if (with_energy)
          acc.energy += field_G(k).real() * partner_G(k).real() + field_G(k).imag() * partner_G(k).imag();
        if (G2(k) == 0.0) return;
        complex dv(0.0, 0.0);
        for (int s = 0; s < ns; ++s) dv += dform(s, k) * S(s, k);
        const double re = field_G(k).real() * dv.real() + field_G(k).imag() * dv.imag();  // Re[conj(f) dv]
        const double g[3] = {G(k, 0), G(k, 1), G(k, 2)};
        acc.add_outer(re / kernels::math::sqrt(G2(k)), g);
      },
      Kokkos::Sum<kernels::EnergyVirial>(ev));
  return ev;
}

double energy(const Basis& basis, const View1<complex>& v_loc_G, const View1<complex>& rho_G) {
  return sphere_dot(basis, rho_G, v_loc_G);
}

}  // namespace megabar::dft::local

namespace megabar::dft {

LocalTerm::LocalTerm(const Basis& basis, const Atoms& atoms, const FieldTransform& fields)
    : basis_(basis), v_G_(local::potential(basis, atoms)), v_r_("scf::v_loc_r", basis.grid_size()) {
  fields.to_real(v_G_, v_r_);
}

bool LocalTerm::add_potential(const TermState& /*s*/, View1<double> v_eff) {
  add_to_potential(v_r_, v_eff);
  return true;
}

std::vector<Vec3> LocalTerm::forces(const TermState& s) const {
  return host_forces(local::forces(basis_, *s.atoms, s.rho_G));
}

}  // namespace megabar::dft
