#include "kernels/math.hpp"
#include "dft/scf.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <random>
#include <stdexcept>

#include "dft/davidson.hpp"
#include "dft/density.hpp"
#include "dft/ewald.hpp"
#include "dft/fields.hpp"
#include "dft/hamiltonian.hpp"
#include "dft/hartree.hpp"
#include "dft/kinetic.hpp"
#include "dft/local_potential.hpp"
#include "dft/mixing.hpp"
#include "dft/nonlocal.hpp"
#include "dft/scf_control.hpp"
#include "dft/xc.hpp"
#include "kernels/timer.hpp"

namespace megabar::dft {

namespace {

// Superposition of normalised Gaussian atoms carrying Z_ion electrons each (width 1 bohr):
// rho(G) = (1/Omega) sum_a Z_a exp(-G^2 w^2 / 2) exp(-i G.R_a).
View1<complex> initial_density(const Basis& basis, const Atoms& atoms) {
  const int nG = basis.dense().count;
  auto S = structure_factors(atoms, basis.dense().G, nG);
  const int ns = static_cast<int>(atoms.species.size());
  View1<double> z("scf::zion", ns);
  auto zh = Kokkos::create_mirror_view(z);
  for (int s = 0; s < ns; ++s) zh(s) = atoms.species[s].zion;
  Kokkos::deep_copy(z, zh);
  auto G2 = basis.dense().G2;
  const double inv_omega = 1.0 / basis.cell().volume, w2 = scf_control::initial_density_width2;
  View1<complex> rho("scf::rho_initial", nG);
  Kokkos::parallel_for("dft::scf::initial_density", kernels::RangePolicy(0, nG), KOKKOS_LAMBDA(int k) {
    complex sum(0.0, 0.0);
    for (int s = 0; s < ns; ++s) sum += z(s) * S(s, k);
    rho(k) = inv_omega * kernels::math::exp(-0.5 * G2(k) * w2) * sum;
  });
  return rho;
}

// Random coefficients damped at high kinetic energy, from a fixed seed (reproducible runs).
View2<double> initial_wavefunctions(const Basis& basis, int nb, unsigned long seed) {
  View2<double> X("scf::X", basis.n_real(), nb);
  auto Xh = Kokkos::create_mirror_view(X);
  auto T = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), basis.kinetic_diagonal());
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (int n = 0; n < nb; ++n)
    for (int k = 0; k < basis.n_real(); ++k) Xh(k, n) = u(rng) / (1.0 + T(k) * T(k));
  Kokkos::deep_copy(X, Xh);
  return X;
}


// Occupied, reported and solved band counts (closed shell: two electrons per occupied band). Throws
// std::invalid_argument for an odd electron count or a basis too small for the reported bands.
struct BandCounts {
  double n_electrons;
  int n_occupied, n_bands, n_solved;  // n_bands reported; n_solved = n_bands + buffer bands
};

BandCounts band_counts(const Atoms& atoms, const Basis& basis, const ScfOptions& opt) {
  const double ne = atoms.n_electrons();
  if (std::fabs(ne - std::round(ne)) > scf_control::electron_count_tolerance || static_cast<long>(std::round(ne)) % 2 != 0)
    throw std::invalid_argument("the number of valence electrons (" + std::to_string(ne) +
                                ") is odd: only closed-shell systems are supported");
  BandCounts c;
  c.n_electrons = ne;
  c.n_occupied = static_cast<int>(std::round(ne)) / 2;
  // Reported bands: the occupied ones plus the requested empty ones. A few more "buffer" bands keep that
  // subspace well defined when the gap is small (e.g. at high compression); they are converged to a
  // looser threshold and not reported.
  const int buffer = opt.buffer_bands >= 0 ? opt.buffer_bands : scf_control::default_buffer_bands;
  c.n_bands = c.n_occupied + std::max(0, opt.extra_bands);
  if (c.n_bands > basis.n_real())
    throw std::invalid_argument("dft.ecut: " + std::to_string(basis.n_real()) +
                                " plane-wave coefficients cannot hold " + std::to_string(c.n_bands) +
                                " bands; raise the cutoff (or lower dft.extra_bands)");
  c.n_solved = std::min(c.n_bands + buffer, basis.n_real());
  return c;
}

std::vector<double> ionic_charges(const Atoms& atoms) {
  std::vector<double> charges;
  for (std::size_t a = 0; a < atoms.structure.size(); ++a) charges.push_back(atoms.charge(a));
  return charges;
}

// Everything one SCF works with: the energy terms, the Hamiltonian, eigensolver and mixer, the fixed
// local potential and occupations, and the grid and sphere arrays each iteration fills. Members are made
// in the order they are declared (the order device memory is taken in).
struct ScfWorkspace {
  ScfWorkspace(const Atoms& atoms, const Basis& b, const ScfOptions& opt, int n_solved, int n_occupied)
      : basis(b), nb(n_solved), N(b.grid_size()), nG(b.dense().count), fields(b), xc(opt.xc, fields),
        nonlocal(b, atoms), H(b, nonlocal, opt.fft_batch), davidson(b.n_real(), n_solved),
        mixer(b, opt.mixing_beta, opt.mixing_history, opt.kerker_q0), charges(ionic_charges(atoms)),
        e_ewald(ewald::energy(atoms.structure, charges)), v_loc_G(local::potential(b, atoms)),
        v_loc_r("scf::v_loc_r", N), v_h_r("scf::v_h_r", N), v_xc_r("scf::v_xc_r", N), v_eff("scf::v_eff", N),
        rho_r("scf::rho_r", N), v_h_G("scf::v_h_G", nG), rho_out_G("scf::rho_out_G", nG) {
    fields.to_real(v_loc_G, v_loc_r);
    occ = View1<double>("scf::occupations", nb);
    auto occ_h = Kokkos::create_mirror_view(occ);
    for (int n = 0; n < nb; ++n) occ_h(n) = n < n_occupied ? 2.0 : 0.0;
    Kokkos::deep_copy(occ, occ_h);
  }

  const Basis& basis;
  const int nb;  // bands solved for (reported + buffer)
  const long N;  // grid points
  const int nG;  // density-sphere coefficients
  FieldTransform fields;
  XcTerm xc;
  NonlocalTerm nonlocal;
  Hamiltonian H;
  Davidson davidson;
  PulayMixer mixer;
  std::vector<double> charges;  // ionic charges Z_a, input order
  double e_ewald;
  View1<complex> v_loc_G;
  View1<double> v_loc_r, v_h_r, v_xc_r, v_eff, rho_r;
  View1<complex> v_h_G, rho_out_G;
  View1<double> occ;  // occupations f_n: 2 for the occupied bands
};

// Whether `start` fits this basis and band count (else the SCF starts from scratch).
bool fits(const ScfState* start, const ScfWorkspace& w) {
  return start && start->X.extent(0) == static_cast<std::size_t>(w.basis.n_real()) &&
         start->X.extent(1) == static_cast<std::size_t>(w.nb) &&
         (start->rho_G.extent(0) == static_cast<std::size_t>(w.nG) || start->rho_G.extent(0) == 0);
}

// Input density and bands of the first iteration: from `start` when it fits (its density, or that of its
// bands when it has none), else Gaussian atoms and random bands.
void starting_point(ScfWorkspace& w, const Atoms& atoms, const ScfOptions& opt, const ScfState* start, bool restart,
                    View1<complex>& rho_in_G, View2<double>& X) {
  if (!restart) {
    rho_in_G = initial_density(w.basis, atoms);
    X = initial_wavefunctions(w.basis, w.nb, opt.seed);
    return;
  }
  rho_in_G = View1<complex>("scf::rho_in_G", w.nG);
  X = View2<double>("scf::X", w.basis.n_real(), w.nb);
  Kokkos::deep_copy(X, start->X);
  if (start->rho_G.extent(0) > 0) {
    Kokkos::deep_copy(rho_in_G, start->rho_G);
  } else {  // bands only (e.g. extrapolated, orthonormal): start from their density
    compute_density(w.H, X, w.occ, w.nb, w.rho_r);
    w.fields.to_sphere(w.rho_r, rho_in_G);
  }
}

// Davidson threshold of the first iteration (scf_control: from scratch, from a state, from bands alone).
double first_davidson_threshold(bool restart, bool bands_only) {
  using namespace scf_control;
  return !restart ? davidson_threshold_from_scratch : bands_only ? davidson_threshold_from_bands : davidson_threshold_from_state;
}

// Later iterations tighten it with the density residual dr2 of the previous one (QE's rule).
double next_davidson_threshold(double threshold, double dr2, double ne) {
  using namespace scf_control;
  return std::min(threshold, std::max(davidson_threshold_floor,
                                      davidson_threshold_dr2_factor * dr2 / std::max(davidson_threshold_min_electrons, ne)));
}

// V_eff = V_loc + V_H[rho_in] + V_xc[rho_in] on the grid, set into the Hamiltonian.
void set_effective_potential(ScfWorkspace& w, const View1<complex>& rho_in_G) {
  w.fields.to_real(rho_in_G, w.rho_r);
  hartree::potential(w.basis, rho_in_G, w.v_h_G);
  w.fields.to_real(w.v_h_G, w.v_h_r);
  {
    kernels::ScopedTimer t("dft::xc");
    w.xc.compute(w.rho_r, rho_in_G, w.v_xc_r);
  }
  auto v_eff = w.v_eff, v_loc_r = w.v_loc_r, v_h_r = w.v_h_r, v_xc_r = w.v_xc_r;
  Kokkos::parallel_for("dft::scf::v_eff", kernels::RangePolicy(0, w.N),
                       KOKKOS_LAMBDA(long i) { v_eff(i) = v_loc_r(i) + v_h_r(i) + v_xc_r(i); });
  w.H.set_potential(v_eff);
}

// Output density of the bands X (into w.rho_r and w.rho_out_G) and the Kohn-Sham energy terms of X and
// that density (all but Ewald, which does not change).
void output_density_and_energy(ScfWorkspace& w, const View2<double>& X, EnergyTerms& e) {
  compute_density(w.H, X, w.occ, w.nb, w.rho_r);
  w.fields.to_sphere(w.rho_r, w.rho_out_G);
  e.kinetic = kinetic::energy(w.basis, X, w.occ, w.nb);
  e.nonlocal = w.nonlocal.energy(X, w.occ, w.nb);
  e.local = local::energy(w.basis, w.v_loc_G, w.rho_out_G);
  e.hartree = hartree::energy(w.basis, w.rho_out_G);
  kernels::ScopedTimer t("dft::xc");
  e.xc = w.xc.energy(w.rho_r, w.rho_out_G);
}

// dr2 = |rho_out - rho_in|^2 in the mixer's (Hartree) metric.
double density_residual(ScfWorkspace& w, const View1<complex>& rho_in_G) {
  View1<complex> diff("scf::residual", w.nG);
  auto rho_out_G = w.rho_out_G;
  Kokkos::parallel_for("dft::scf::residual", kernels::RangePolicy(0, w.nG),
                       KOKKOS_LAMBDA(int k) { diff(k) = rho_out_G(k) - rho_in_G(k); });
  return w.mixer.metric(diff, diff);
}

// Hellmann-Feynman forces of the final state (rho_out_G and X), per term and in total, with the net force
// removed (docs/conventions.md, "Forces and stress").
void compute_forces(ScfWorkspace& w, const Atoms& atoms, const View2<double>& X, ScfResult& result) {
  kernels::ScopedTimer t("dft::forces");
  const int na = static_cast<int>(atoms.structure.size());
  auto to_vec = [na](const View2<double>& F) {
    auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), F);
    std::vector<Vec3> v(na);
    for (int a = 0; a < na; ++a)
      for (int d = 0; d < 3; ++d) v[a][d] = h(a, d);
    return v;
  };
  result.forces_local = to_vec(local::forces(w.basis, atoms, w.rho_out_G));
  result.forces_nonlocal = to_vec(w.nonlocal.forces(X, w.occ, w.nb, na));
  result.forces_ewald = ewald::forces(atoms.structure, w.charges);
  result.forces.assign(na, Vec3{0, 0, 0});
  for (int a = 0; a < na; ++a)
    for (int d = 0; d < 3; ++d) {
      result.forces[a][d] = result.forces_local[a][d] + result.forces_nonlocal[a][d] + result.forces_ewald[a][d];
      result.net_force[d] += result.forces[a][d];
    }
  for (int a = 0; a < na; ++a)
    for (int d = 0; d < 3; ++d) result.forces[a][d] -= result.net_force[d] / na;
}

// Stress of the final state at a fixed set of plane waves, per term and in total.
void compute_stress(ScfWorkspace& w, const Atoms& atoms, const View2<double>& X, ScfResult& result) {
  kernels::ScopedTimer t("dft::stress");
  auto& terms = result.stress_terms;
  terms["kinetic"] = kinetic::stress(w.basis, X, w.occ, w.nb);
  terms["local"] = local::stress(w.basis, atoms, w.v_loc_G, w.rho_out_G);
  terms["nonlocal"] = w.nonlocal.stress(X, w.occ, w.nb);
  terms["hartree"] = hartree::stress(w.basis, w.rho_out_G);
  w.fields.to_real(w.rho_out_G, w.rho_r);
  terms["xc"] = w.xc.stress(w.rho_r, w.rho_out_G);
  terms["ewald"] = ewald::stress(atoms.structure, w.charges);
  result.stress = Mat3{};
  for (const auto& [name, m] : terms)
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) result.stress[a][b] += m[a][b];
  result.has_stress = true;
}

}  // namespace

ScfResult run_scf(const Atoms& atoms, const Basis& basis, const ScfOptions& opt, const ScfLogger& log,
                  const ScfState* start) {
  using clock = std::chrono::steady_clock;
  const BandCounts bands = band_counts(atoms, basis, opt);
  ScfResult result;
  result.n_electrons = bands.n_electrons;
  result.n_occupied = bands.n_occupied;
  result.n_bands = bands.n_bands;
  ScfWorkspace w(atoms, basis, opt, bands.n_solved, bands.n_occupied);
  result.energies.ewald = w.e_ewald;

  const bool restart = fits(start, w);
  View1<complex> rho_in_G;
  View2<double> X;
  starting_point(w, atoms, opt, start, restart, rho_in_G, X);
  const double dtol = opt.density_tolerance > 0 ? opt.density_tolerance : opt.energy_tolerance;
  const bool bands_only = restart && start->rho_G.extent(0) == 0;
  double e_prev = 0, ethr = first_davidson_threshold(restart, bands_only), dr2 = 0;

  for (int it = 1; it <= opt.max_iterations; ++it) {
    const auto t0 = clock::now();
    set_effective_potential(w, rho_in_G);
    if (it > 1) ethr = next_davidson_threshold(ethr, dr2, bands.n_electrons);
    const int max_davidson = it == 1 ? scf_control::davidson_max_iterations_first : scf_control::davidson_max_iterations;
    auto ds = w.davidson.solve(w.H, X, result.eigenvalues, ethr, max_davidson, result.n_bands);
    output_density_and_energy(w, X, result.energies);
    const double etot = result.energies.total();
    dr2 = density_residual(w, rho_in_G);
    const double de = it == 1 ? etot : etot - e_prev;
    e_prev = etot;
    result.iterations = it;
    ScfIterationInfo info{it, etot, de, dr2, std::chrono::duration<double>(clock::now() - t0).count(),
                          ds.iterations, ds.h_applications};
    result.history.push_back(info);
    if (log) log(info);
    if (it >= scf_control::first_convergence_check_iteration && std::fabs(de) < opt.energy_tolerance && dr2 < dtol) {
      result.converged = true;
      break;
    }
    w.mixer.mix(rho_in_G, w.rho_out_G);
  }
  result.state = ScfState{X, w.rho_out_G};
  result.eigenvalues.resize(result.n_bands);  // buffer bands are not reported
  // rho_out_G and X are the final output density and wavefunctions.
  if (opt.compute_forces) compute_forces(w, atoms, X, result);
  if (opt.compute_stress) compute_stress(w, atoms, X, result);
  return result;
}

}  // namespace megabar::dft
