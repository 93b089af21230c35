#include "kernels/math.hpp"
#include "dft/scf.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <random>
#include <stdexcept>

#include "core/fault.hpp"
#include "dft/atom_phases.hpp"
#include "dft/atomic_density.hpp"
#include "dft/core_charge.hpp"
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
  auto S = structure_factors(atoms, basis);
  const int ns = static_cast<int>(atoms.species.size());
  View1<double> z("scf::zion", ns);
  auto zh = Kokkos::create_mirror_view(z);
  for (int s = 0; s < ns; ++s) zh(s) = atoms.species[s].zion;
  Kokkos::deep_copy(z, zh);
  auto G2 = basis.dense().G2;
  const double inv_omega = 1.0 / basis.cell().volume, w2 = scf_control::initial_density_width2;
  View1<complex> rho("scf::rho_initial", nG);
  Kokkos::parallel_for(
      "dft::scf::initial_density", kernels::RangePolicy(0, nG), KOKKOS_LAMBDA(int k) {
        complex sum(0.0, 0.0);
        for (int s = 0; s < ns; ++s) sum += gaussian_atom_form_factor(z(s), G2(k), w2) * S(s, k);
        rho(k) = inv_omega * sum;
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
  if (std::fabs(ne - std::round(ne)) > scf_control::electron_count_tolerance ||
      static_cast<long>(std::round(ne)) % 2 != 0)
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

using TermList = std::vector<std::shared_ptr<Term>>;

// The terms of the Kohn-Sham energy, in the order their energies, potentials and forces are summed. The
// nonlocal term is also the Hamiltonian's, so it is made first (by ScfWorkspace) and passed in.
TermList make_terms(const Atoms& atoms, const Basis& basis, const ScfOptions& opt, const FieldTransform& fields,
                    const std::shared_ptr<NonlocalTerm>& nonlocal) {
  return {std::make_shared<KineticTerm>(basis),
          std::make_shared<LocalTerm>(basis, atoms, fields),
          nonlocal,
          std::make_shared<HartreeTerm>(basis, fields),
          std::make_shared<XcTerm>(opt.xc, fields, std::make_shared<CoreCharge>(basis, atoms, fields)),
          std::make_shared<EwaldTerm>(atoms)};
}

// Everything one SCF works with: the energy terms, the Hamiltonian, eigensolver and mixer, the
// occupations, and the grid and sphere arrays each iteration fills. Members are made in the order they
// are declared (the order device memory is taken in).
struct ScfWorkspace {
  ScfWorkspace(const Atoms& a, const Basis& b, const ScfOptions& opt, int n_solved, int n_occupied)
      : atoms(a),
        basis(b),
        nb(n_solved),
        n_occupied(n_occupied),
        N(b.grid_size()),
        nG(b.dense().count),
        fields(b),
        nonlocal(std::make_shared<NonlocalTerm>(b, a)),
        H(b, *nonlocal, opt.fft_batch),
        davidson(b.n_real(), n_solved),
        mixer(b, opt.mixing_beta, opt.mixing_history, opt.kerker_q0),
        terms(make_terms(a, b, opt, fields, nonlocal)),
        v_eff("scf::v_eff", N),
        rho_r("scf::rho_r", N),
        rho_out_G("scf::rho_out_G", nG) {
    occ = View1<double>("scf::occupations", nb);
    auto occ_h = Kokkos::create_mirror_view(occ);
    for (int n = 0; n < nb; ++n) occ_h(n) = n < n_occupied ? 2.0 : 0.0;
    Kokkos::deep_copy(occ, occ_h);
  }

  // The state the terms read: bands X with the occupations, and a density.
  TermState state(const View2<double>& X, const View1<double>& rho_r_, const View1<complex>& rho_G) const {
    return TermState{&atoms, X, occ, nb, rho_r_, rho_G};
  }

  const Atoms& atoms;
  const Basis& basis;
  const int nb;          // bands solved for (reported + buffer)
  const int n_occupied;  // the first n_occupied carry the electrons (f = 2), the rest none: the density skips them
  const long N;          // grid points
  const int nG;          // density-sphere coefficients
  FieldTransform fields;
  std::shared_ptr<NonlocalTerm> nonlocal;
  Hamiltonian H;
  Davidson davidson;
  PulayMixer mixer;
  TermList terms;
  View1<double> v_eff, rho_r;
  View1<complex> rho_out_G;
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
  } else {  // bands only (e.g. extrapolated, orthonormal): start from their density, which need only be
            // close to self-consistency (float rounding, ~1e-7 relative, lies far below the first residual)
    compute_density(w.H, X, w.occ, w.n_occupied, w.rho_r, opt.mixed_precision);
    w.fields.to_sphere(w.rho_r, rho_in_G);
  }
}

// Davidson threshold of the first iteration (scf_control: from scratch, from a state or reused bands, from
// extrapolated bands).
double first_davidson_threshold(bool restart, bool extrapolated_bands) {
  using namespace scf_control;
  return !restart             ? davidson_threshold_from_scratch
         : extrapolated_bands ? davidson_threshold_from_bands
                              : davidson_threshold_from_state;
}

// Later iterations tighten it with the density residual dr2 of the previous one (QE's rule), or with the
// smaller residual the mixer predicts for the next one (see scf_control).
double next_davidson_threshold(double threshold, double dr2, double predicted, double ne) {
  using namespace scf_control;
  const double target = std::max(std::min(dr2, predicted), davidson_threshold_max_tightening * dr2);
  return std::min(threshold, std::max(davidson_threshold_floor, davidson_threshold_dr2_factor * target /
                                                                    std::max(davidson_threshold_min_electrons, ne)));
}

// The Harris-Foulkes energy of an iteration, from its input density rho_in and the bands X found in V_eff[rho_in]:
//   E_HF = sum_n f_n <psi_n|H|psi_n> - int rho_in V_eff + sum_{t with a potential} E_t[rho_in] + E_ewald,
// with sum_n f_n <psi_n|H|psi_n> = E_kin[X] + E_nl[X] + int rho_out V_eff. It is stationary in rho_in (its error
// is second order, as the Kohn-Sham energy's), and needs no E_xc of rho_out. The trace is taken with the bands
// in double precision rather than as the sum of Davidson's eigenvalues, which carry the single-precision
// rounding of the early iterations' H products (~1e-7 Ha).

// V_eff = sum of the terms' potentials of rho_in (V_loc + V_H[rho_in] + V_xc[rho_in]), set into the Hamiltonian.
// With `harris_foulkes`, returns the input density's part of E_HF (the last three terms above); else 0.
double set_effective_potential(ScfWorkspace& w, const View1<complex>& rho_in_G, bool harris_foulkes) {
  w.fields.to_real(rho_in_G, w.rho_r);
  Kokkos::deep_copy(w.v_eff, 0.0);
  const TermState s = w.state(View2<double>(), w.rho_r, rho_in_G);
  double e = 0;
  for (const auto& term : w.terms) {
    const bool has_potential = term->add_potential(s, w.v_eff);
    if (!harris_foulkes || term->band_term()) continue;
    e += has_potential ? term->potential_energy(s) : term->energy(s);
  }
  w.H.set_potential(w.v_eff);
  return harris_foulkes ? e - grid_dot(w.basis, w.rho_r, w.v_eff) : 0.0;
}

// The bands' part of E_HF, sum_n f_n <psi_n|H|psi_n> = E_kin[X] + E_nl[X] + int rho_out V_eff, once the output
// density is in w.rho_r and w.rho_out_G.
double band_trace(ScfWorkspace& w, const View2<double>& X) {
  const TermState s = w.state(X, w.rho_r, w.rho_out_G);
  double e = grid_dot(w.basis, w.rho_r, w.v_eff);
  for (const auto& term : w.terms)
    if (term->band_term()) e += term->energy(s);
  return e;
}

// Output density of the bands X (into w.rho_r and w.rho_out_G).
void output_density(ScfWorkspace& w, const View2<double>& X) {
  compute_density(w.H, X, w.occ, w.n_occupied, w.rho_r);
  w.fields.to_sphere(w.rho_r, w.rho_out_G);
}

// The Kohn-Sham energy of every term for X and the output density (w.rho_r, w.rho_out_G).
void kohn_sham_energies(ScfWorkspace& w, const View2<double>& X, EnergyTerms& e) {
  const TermState s = w.state(X, w.rho_r, w.rho_out_G);
  for (const auto& term : w.terms) e[term->key()] = term->energy(s);
}

// dr2 = |rho_out - rho_in|^2 in the mixer's (Hartree) metric.
double density_residual(ScfWorkspace& w, const View1<complex>& rho_in_G) {
  View1<complex> diff("scf::residual", w.nG);
  auto rho_out_G = w.rho_out_G;
  Kokkos::parallel_for(
      "dft::scf::residual", kernels::RangePolicy(0, w.nG),
      KOKKOS_LAMBDA(int k) { diff(k) = rho_out_G(k) - rho_in_G(k); });
  return w.mixer.metric(diff, diff);
}

// Where ScfResult keeps the forces of a term (nullptr: only in the total).
std::vector<Vec3>* term_forces(ScfResult& result, const std::string& key) {
  if (key == "local") return &result.forces_local;
  if (key == "nonlocal") return &result.forces_nonlocal;
  if (key == "ewald") return &result.forces_ewald;
  return nullptr;
}

// dV = V_H[rho_out] + V_xc[rho_out] - V_H[rho_in] - V_xc[rho_in] on the density sphere: the output density's
// potential less the last iteration's (w.v_eff, which holds V_loc too, as the output potential does). The loop
// leaves rho_out in w.rho_r (on the grid) and w.rho_out_G.
View1<complex> output_potential_change(ScfWorkspace& w) {
  View1<double> dv("scf::dV", w.N);
  const TermState s = w.state(View2<double>(), w.rho_r, w.rho_out_G);
  for (const auto& term : w.terms) term->add_potential(s, dv);
  auto v_in = w.v_eff;
  Kokkos::parallel_for(
      "dft::scf::potential_change", kernels::RangePolicy(0, w.N), KOKKOS_LAMBDA(long i) { dv(i) -= v_in(i); });
  View1<complex> dV_G("scf::dV_G", w.nG);
  w.fields.to_sphere(dv, dV_G);
  return dV_G;
}

std::vector<Vec3> host_vectors(const View2<double>& F) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), F);
  std::vector<Vec3> out(F.extent(0));
  for (std::size_t a = 0; a < out.size(); ++a) out[a] = Vec3{h(a, 0), h(a, 1), h(a, 2)};
  return out;
}

// Hellmann-Feynman forces of the final state (rho_out_G and X), per term and in total, plus the SCF correction
// for the potential change dV_G when it is given, with the net force removed (docs/conventions.md, "Forces and
// stress").
void compute_forces(ScfWorkspace& w, const Atoms& atoms, const View2<double>& X, const ScfOptions& opt,
                    const View1<complex>& dV_G, ScfResult& result) {
  kernels::ScopedTimer t("dft::forces");
  const int na = static_cast<int>(atoms.structure.size());
  const TermState s = w.state(X, w.rho_r, w.rho_out_G);
  result.forces.assign(na, Vec3{0, 0, 0});
  for (const auto& term : w.terms) {
    auto f = term->forces(s);
    if (f.empty()) continue;
    for (int a = 0; a < na; ++a)
      for (int d = 0; d < 3; ++d) result.forces[a][d] += f[a][d];
    if (auto* slot = term_forces(result, term->key())) *slot = std::move(f);
  }
  if (dV_G.extent(0) > 0) {
    result.forces_scf_correction = host_vectors(scf_correction_forces(w.basis, atoms, opt.xc, dV_G));
    for (int a = 0; a < na; ++a)
      for (int d = 0; d < 3; ++d) result.forces[a][d] += result.forces_scf_correction[a][d];
  }
  for (int a = 0; a < na; ++a)
    for (int d = 0; d < 3; ++d) result.net_force[d] += result.forces[a][d];
  for (int a = 0; a < na; ++a)
    for (int d = 0; d < 3; ++d) result.forces[a][d] -= result.net_force[d] / na;
}

// Stress of the final state at a fixed set of plane waves, per term and in total. The terms read the
// output density on the grid as the transform of its sphere coefficients. With `energies`, also the Kohn-Sham
// energy of every term, from the same evaluations (Term::energy_and_stress).
void compute_stress(ScfWorkspace& w, const View2<double>& X, ScfResult& result, EnergyTerms* energies = nullptr) {
  kernels::ScopedTimer t("dft::stress");
  w.fields.to_real(w.rho_out_G, w.rho_r);
  const TermState s = w.state(X, w.rho_r, w.rho_out_G);
  auto& terms = result.stress_terms;
  for (const auto& term : w.terms) {
    if (energies)
      (*energies)[term->key()] = term->energy_and_stress(s, terms[term->key()]);
    else
      terms[term->key()] = term->stress(s);
  }
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
  auto setup_timer = std::make_unique<kernels::ScopedTimer>("dft::scf::setup");
  ScfWorkspace w(atoms, basis, opt, bands.n_solved, bands.n_occupied);

  const bool restart = fits(start, w);
  View1<complex> rho_in_G;
  View2<double> X;
  starting_point(w, atoms, opt, start, restart, rho_in_G, X);
  setup_timer.reset();
  if (restart && opt.carry_mixing) w.mixer.seed(start->mixing);
  const double dtol = opt.density_tolerance > 0 ? opt.density_tolerance : opt.energy_tolerance;
  const bool extrapolated_bands =
      restart && (start->rho_G.extent(0) == 0 || start->extrapolated) && !start->reused_bands;
  double e_prev = 0, ethr = first_davidson_threshold(restart, extrapolated_bands), dr2 = 0;
  // Judged on dr2 alone, an iteration needs no Kohn-Sham energy: its log shows the Harris-Foulkes one, which
  // comes with the potential's evaluation, and the Kohn-Sham energies are evaluated once, for the final state.
  const bool harris_foulkes = !opt.energy_change_test;
  double e_input = 0;  // the input density's part of the Harris-Foulkes energy

  for (int it = 1; it <= opt.max_iterations; ++it) {
    if (opt.stop_requested && opt.stop_requested()) {
      result.stopped = true;
      result.eigenvalues.resize(std::min<std::size_t>(result.eigenvalues.size(), result.n_bands));
      return result;  // nothing converged to report: no state, forces or stress
    }
    const auto t0 = clock::now();
    {
      kernels::ScopedTimer tp("dft::scf::potential");
      e_input = set_effective_potential(w, rho_in_G, harris_foulkes);
    }
    // After a quasi-Newton mix the residual may fall by far more than a decade: the bands are made as
    // accurate as the residual the mix predicts, but at most davidson_threshold_max_tightening beyond dr2.
    if (it > 1) ethr = next_davidson_threshold(ethr, dr2, w.mixer.predicted_residual2(), bands.n_electrons);
    const int max_davidson =
        it == 1 ? scf_control::davidson_max_iterations_first : scf_control::davidson_max_iterations;
    w.H.set_single_precision(opt.mixed_precision && ethr >= scf_control::single_precision_threshold);
    w.davidson.set_single_precision_corrections(opt.mixed_precision &&
                                                ethr >= scf_control::single_precision_corrections_threshold);
    auto ds = w.davidson.solve(w.H, X, result.eigenvalues, ethr, max_davidson, result.n_bands);
    w.H.set_single_precision(false);
    {
      kernels::ScopedTimer to("dft::scf::output_density_and_energy");
      output_density(w, X);
      if (!harris_foulkes) kohn_sham_energies(w, X, result.energies);
    }
    const double etot = harris_foulkes ? e_input + band_trace(w, X) : result.energies.total();
    dr2 = density_residual(w, rho_in_G);
    const double de = it == 1 ? etot : etot - e_prev;
    e_prev = etot;
    result.iterations = it;
    core::fault_point("scf-iteration");
    ScfIterationInfo info{
        it, etot, de, dr2, std::chrono::duration<double>(clock::now() - t0).count(), ds.iterations, ds.h_applications};
    result.history.push_back(info);
    if (log) log(info);
    if (it >= scf_control::first_convergence_check_iteration &&
        (!opt.energy_change_test || std::fabs(de) < opt.energy_tolerance) && dr2 < dtol) {
      result.converged = true;
      w.mixer.record(rho_in_G, w.rho_out_G);
      break;
    }
    kernels::ScopedTimer tm("dft::scf::mixing");
    w.mixer.mix(rho_in_G, w.rho_out_G);
  }
  // rho_out_G and X are the final output density and wavefunctions; w.v_eff is still the last input potential.
  View1<complex> dV_G;
  if (opt.compute_forces && opt.force_scf_correction) {
    kernels::ScopedTimer tc("dft::forces");
    dV_G = output_potential_change(w);
  }
  // Judged on dr2 alone (MD), the loop left the Kohn-Sham energies to this final state: with the stress, from
  // the same evaluations.
  const bool energies_with_stress = harris_foulkes && opt.compute_stress;
  if (harris_foulkes && !energies_with_stress) {
    kernels::ScopedTimer to("dft::scf::output_density_and_energy");
    kohn_sham_energies(w, X, result.energies);
  }
  if (energies_with_stress) compute_stress(w, X, result, &result.energies);
  result.state = ScfState{X, w.rho_out_G, w.mixer.history()};
  result.eigenvalues.resize(result.n_bands);  // buffer bands are not reported
  if (opt.compute_forces) compute_forces(w, atoms, X, opt, dV_G, result);
  if (opt.compute_stress && !energies_with_stress) compute_stress(w, X, result);
  return result;
}

}  // namespace megabar::dft

namespace megabar::dft {

double& EnergyTerms::operator[](const std::string& key) {
  if (key == "kinetic") return kinetic;
  if (key == "local") return local;
  if (key == "nonlocal") return nonlocal;
  if (key == "hartree") return hartree;
  if (key == "xc") return xc;
  if (key == "ewald") return ewald;
  throw std::invalid_argument("EnergyTerms: no energy field for the term '" + key + "'");
}

}  // namespace megabar::dft
