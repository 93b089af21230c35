#include "app/dft_provider.hpp"

#include "app/device_memory.hpp"
#include "dft/atomic_density.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace megabar::app {

DftForceProvider::DftForceProvider(const RunInput& in, const dft::Atoms& atoms, bool compute_stress,
                                   int extrapolation_order)
    : in_(in), atoms_(atoms), stress_(compute_stress) {
  if (extrapolation_order >= -1) extrapolator_ = std::make_unique<dft::WavefunctionExtrapolator>(extrapolation_order);
}

void DftForceProvider::make_reference(const core::Cell& cell) {
  // A renewal uses QE's grid rule for the new cell even when the input fixed a grid for the start: a
  // compressed cell may need a larger one.
  auto grid = dft::default_fft_grid(cell, 4.0 * in_.ecut);
  if (in_.fft_grid)
    for (int i = 0; i < 3; ++i) grid[i] = std::max(grid[i], (*in_.fft_grid)[i]);
  check_grid_fits(in_, grid);
  reference_ = std::make_unique<dft::Basis>(cell, in_.ecut, grid);
}

void DftForceProvider::reset_basis() {
  reference_.reset();
  have_state_ = false;
  last_.state = dft::ScfState{};  // its bands, density and mixing pairs belong to the old plane-wave set
  if (extrapolator_) extrapolator_->clear();
}

md::ForceResult DftForceProvider::compute(const core::Structure& s) {
  dft::Atoms atoms = atoms_;
  atoms.structure = s;
  if (!reference_) make_reference(s.cell);
  basis_ = std::make_unique<dft::Basis>(s.cell, *reference_);
  dft::ScfOptions opt = in_.scf;
  opt.compute_forces = true;  // integrators and optimisers need them whatever [output] says
  opt.compute_stress = stress_;
  if (!have_state_) opt.stop_requested = first_scf_stop_;
  if (extrapolator_) {
    dft::ScfState start;
    const bool extrapolate = extrapolator_->size() > 0;
    // The atomic density of these positions: the extrapolated density is placed with it (and stored with
    // this step's density for the next steps), dft/extrapolation.hpp.
    const auto rho_atomic = dft::atomic_density(*basis_, atoms, opt.xc);
    if (extrapolate) {
      start.X = extrapolator_->predict(static_cast<int>(std::round(atoms.n_electrons())) / 2);
      start.mixing = last_.state.mixing;
      // One set of bands: the "extrapolation" reuses them as they were (the first step after the start-up SCF
      // or after a restart from such a checkpoint).
      start.reused_bands = extrapolator_->size() == 1;
      // Empty only when the history lacks densities (an older checkpoint): the bands' density is used.
      start.rho_G = extrapolator_->predict_density(rho_atomic);
      start.extrapolated = !start.reused_bands;
    }
    last_ = dft::run_scf(atoms, *basis_, opt, scf_log_, extrapolate ? &start : nullptr);
    extrapolator_->push(last_.state.X, last_.state.rho_G, rho_atomic);
  } else {
    last_ = dft::run_scf(atoms, *basis_, opt, scf_log_, have_state_ ? &last_.state : nullptr);
  }
  have_state_ = true;
  restored_result_ = false;
  md::ForceResult r;
  r.energy = last_.energies.total();
  r.forces = last_.forces;
  r.stress = last_.stress;
  r.converged = last_.converged;
  return r;
}

namespace {

// What results.json reports of an SCF result, with the cell it was computed in ("last_..." entries), so
// that a run restarted at its last step reports exactly what the uninterrupted run would have.
constexpr const char* stress_term_prefix = "last_stress_term_";

std::vector<double> flat(const std::vector<core::Vec3>& v) {
  std::vector<double> out;
  for (const auto& x : v) out.insert(out.end(), x.begin(), x.end());
  return out;
}

std::vector<double> flat(const core::Mat3& m) {
  std::vector<double> out;
  for (const auto& row : m) out.insert(out.end(), row.begin(), row.end());
  return out;
}

std::vector<core::Vec3> vectors(const std::vector<double>& v) {
  if (v.size() % 3) throw std::runtime_error("checkpoint: malformed last SCF result (vectors)");
  std::vector<core::Vec3> out(v.size() / 3);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = {v[3 * i], v[3 * i + 1], v[3 * i + 2]};
  return out;
}

core::Mat3 matrix(const std::vector<double>& v) {
  if (v.size() != 9) throw std::runtime_error("checkpoint: malformed last SCF result (3 x 3 matrix)");
  return {{{v[0], v[1], v[2]}, {v[3], v[4], v[5]}, {v[6], v[7], v[8]}}};
}

void pack_result(const dft::ScfResult& r, const core::Cell& cell, md::StateArrays& out) {
  const auto& e = r.energies;
  out.reals["last_energies"] = {e.kinetic, e.local, e.nonlocal, e.hartree, e.xc, e.ewald};
  out.reals["last_eigenvalues"] = r.eigenvalues;
  out.reals["last_forces"] = flat(r.forces);
  out.reals["last_forces_local"] = flat(r.forces_local);
  out.reals["last_forces_nonlocal"] = flat(r.forces_nonlocal);
  out.reals["last_forces_ewald"] = flat(r.forces_ewald);
  if (!r.forces_scf_correction.empty()) out.reals["last_forces_scf_correction"] = flat(r.forces_scf_correction);
  out.reals["last_net_force"] = {r.net_force[0], r.net_force[1], r.net_force[2]};
  out.reals["last_stress"] = flat(r.stress);
  for (const auto& [name, m] : r.stress_terms) out.reals[stress_term_prefix + name] = flat(m);
  const auto& h = r.history;
  out.reals["last_scf_final"] = {r.n_electrons, h.empty() ? 0.0 : h.back().delta_energy,
                                 h.empty() ? 0.0 : h.back().dr2};
  out.reals["last_lattice"] = flat(cell.lattice);
  out.words["last_scf"] = {std::uint64_t(r.iterations), std::uint64_t(r.n_bands), std::uint64_t(r.n_occupied),
                           r.converged ? 1u : 0u, r.has_stress ? 1u : 0u};
}

dft::ScfResult unpack_result(const md::StateArrays& in) {
  dft::ScfResult r;
  const auto& w = in.word("last_scf");
  const auto& e = in.real("last_energies");
  const auto& f = in.real("last_scf_final");
  if (w.size() != 5 || e.size() != 6 || f.size() != 3)
    throw std::runtime_error("checkpoint: malformed last SCF result");
  r.iterations = static_cast<int>(w[0]);
  r.n_bands = static_cast<int>(w[1]);
  r.n_occupied = static_cast<int>(w[2]);
  r.converged = w[3] != 0;
  r.has_stress = w[4] != 0;
  r.energies.kinetic = e[0], r.energies.local = e[1], r.energies.nonlocal = e[2];
  r.energies.hartree = e[3], r.energies.xc = e[4], r.energies.ewald = e[5];
  r.n_electrons = f[0];
  r.history.push_back(dft::ScfIterationInfo{r.iterations, r.energies.total(), f[1], f[2], 0.0, 0, 0});
  r.eigenvalues = in.real("last_eigenvalues");
  r.forces = vectors(in.real("last_forces"));
  r.forces_local = vectors(in.real("last_forces_local"));
  r.forces_nonlocal = vectors(in.real("last_forces_nonlocal"));
  r.forces_ewald = vectors(in.real("last_forces_ewald"));
  if (in.reals.count("last_forces_scf_correction"))  // absent from older checkpoints
    r.forces_scf_correction = vectors(in.real("last_forces_scf_correction"));
  const auto net = vectors(in.real("last_net_force"));
  if (net.size() != 1) throw std::runtime_error("checkpoint: malformed last SCF result (net force)");
  r.net_force = net[0];
  r.stress = matrix(in.real("last_stress"));
  const std::string prefix = stress_term_prefix;
  for (const auto& [name, values] : in.reals)
    if (name.rfind(prefix, 0) == 0) r.stress_terms[name.substr(prefix.size())] = matrix(values);
  return r;
}

// The density mixer's difference pairs (dft::MixingHistory) of the last SCF, which the next one starts
// with: "mixing_pairs" = {count, sphere size}, then "mixing_d_rho_i" and "mixing_d_res_i" as (re, im) pairs.
std::vector<double> complex_values(const dft::View1<dft::complex>& v) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v);
  std::vector<double> out(2 * h.extent(0));
  for (std::size_t k = 0; k < h.extent(0); ++k) out[2 * k] = h(k).real(), out[2 * k + 1] = h(k).imag();
  return out;
}

dft::View1<dft::complex> complex_view(const std::vector<double>& values, std::uint64_t n,
                                      const char* what = "a mixing pair") {
  if (values.size() != 2 * n) throw std::runtime_error(std::string("checkpoint: ") + what + " of the wrong size");
  dft::View1<dft::complex> v("mixing::pair", n);
  auto h = Kokkos::create_mirror_view(v);
  for (std::uint64_t k = 0; k < n; ++k) h(k) = dft::complex(values[2 * k], values[2 * k + 1]);
  Kokkos::deep_copy(v, h);
  return v;
}

void save_mixing(const dft::MixingHistory& m, md::StateArrays& out) {
  if (m.size() == 0) return;
  out.words["mixing_pairs"] = {std::uint64_t(m.size()), m.d_rho[0].extent(0)};
  for (int i = 0; i < m.size(); ++i) {
    out.reals["mixing_d_rho_" + std::to_string(i)] = complex_values(m.d_rho[i]);
    out.reals["mixing_d_res_" + std::to_string(i)] = complex_values(m.d_res[i]);
  }
}

dft::MixingHistory restore_mixing(const md::StateArrays& in) {
  dft::MixingHistory m;
  if (!in.words.count("mixing_pairs")) return m;
  const auto& shape = in.word("mixing_pairs");
  if (shape.size() != 2) throw std::runtime_error("checkpoint: malformed mixing pairs record");
  for (std::uint64_t i = 0; i < shape[0]; ++i) {
    m.d_rho.push_back(complex_view(in.real("mixing_d_rho_" + std::to_string(i)), shape[1]));
    m.d_res.push_back(complex_view(in.real("mixing_d_res_" + std::to_string(i)), shape[1]));
  }
  return m;
}

}  // namespace

// Saved: the cell that defines the plane-wave set, the extrapolation history (bands, newest first), the
// mixing pairs, and the reportable part of the last SCF result with its cell.
void DftForceProvider::save_state(md::StateArrays& out) const {
  if (basis_ && last_.iterations > 0) pack_result(last_, basis_->cell(), out);
  if (reference_) {
    std::vector<double> lattice;
    for (const auto& row : reference_->cell().lattice) lattice.insert(lattice.end(), row.begin(), row.end());
    out.reals["basis_reference_lattice"] = lattice;
    const auto g = reference_->fft_grid();
    out.words["basis_fft_grid"] = {std::uint64_t(g[0]), std::uint64_t(g[1]), std::uint64_t(g[2])};
  }
  save_mixing(last_.state.mixing, out);
  if (!extrapolator_) return;
  const auto& h = extrapolator_->history();
  out.words["extrapolation_history"] = {h.size(), h.empty() ? 0 : h[0].extent(0), h.empty() ? 0 : h[0].extent(1)};
  for (std::size_t i = 0; i < h.size(); ++i) {
    auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), h[i]);
    out.reals["extrapolation_bands_" + std::to_string(i)] = std::vector<double>(host.data(), host.data() + host.size());
    const auto& rho = extrapolator_->densities()[i];
    if (rho.extent(0) > 0) out.reals["extrapolation_density_" + std::to_string(i)] = complex_values(rho);
    const auto& rho_atomic = extrapolator_->atomic_densities()[i];
    if (rho_atomic.extent(0) > 0)
      out.reals["extrapolation_atomic_density_" + std::to_string(i)] = complex_values(rho_atomic);
  }
}

void DftForceProvider::restore_state(const md::StateArrays& in) {
  reset_basis();
  if (in.reals.count("basis_reference_lattice")) {
    const auto& l = in.real("basis_reference_lattice");
    const auto& g = in.word("basis_fft_grid");
    if (l.size() != 9 || g.size() != 3) throw std::runtime_error("checkpoint: malformed plane-wave set record");
    core::Mat3 rows{{{l[0], l[1], l[2]}, {l[3], l[4], l[5]}, {l[6], l[7], l[8]}}};
    reference_ = std::make_unique<dft::Basis>(core::Cell::from_lattice(rows), in_.ecut,
                                              std::array<int, 3>{int(g[0]), int(g[1]), int(g[2])});
  }
  if (reference_ && in.words.count("last_scf")) {
    last_ = unpack_result(in);
    basis_ = std::make_unique<dft::Basis>(core::Cell::from_lattice(matrix(in.real("last_lattice"))), *reference_);
    restored_result_ = true;
  }
  // Checkpoints written before the pairs were kept have none: the next SCF then starts its mixing afresh.
  if (reference_) last_.state.mixing = restore_mixing(in);
  if (!extrapolator_ || !in.words.count("extrapolation_history")) return;
  const auto& shape = in.word("extrapolation_history");
  if (shape.size() != 3) throw std::runtime_error("checkpoint: malformed extrapolation history record");
  if (shape[0] > 0 && (!reference_ || shape[1] != static_cast<std::uint64_t>(reference_->n_real())))
    throw std::runtime_error("checkpoint: the saved bands do not fit the plane-wave set (was dft.ecut changed?)");
  std::vector<dft::View2<double>> history;
  std::vector<dft::View1<dft::complex>> densities, atomic;  // absent from checkpoints of older versions: empty
  for (std::uint64_t i = 0; i < shape[0]; ++i) {
    const auto& v = in.real("extrapolation_bands_" + std::to_string(i));
    if (v.size() != shape[1] * shape[2]) throw std::runtime_error("checkpoint: extrapolation bands of the wrong size");
    dft::View2<double> X("extrapolation::X", shape[1], shape[2]);
    auto host = Kokkos::create_mirror_view(X);
    std::copy(v.begin(), v.end(), host.data());
    Kokkos::deep_copy(X, host);
    history.push_back(X);
    const std::string density_key = "extrapolation_density_" + std::to_string(i);
    const auto nG = static_cast<std::uint64_t>(reference_->dense().count);
    densities.push_back(in.reals.count(density_key) ? complex_view(in.real(density_key), nG, "an extrapolation density")
                                                    : dft::View1<dft::complex>());
    const std::string atomic_key = "extrapolation_atomic_density_" + std::to_string(i);
    atomic.push_back(in.reals.count(atomic_key)
                         ? complex_view(in.real(atomic_key), nG, "an extrapolation atomic density")
                         : dft::View1<dft::complex>());
  }
  // More saved sets than this run's order keeps are dropped (newest kept).
  if (static_cast<int>(history.size()) > extrapolator_->depth()) {
    history.resize(extrapolator_->depth());
    densities.resize(extrapolator_->depth());
    atomic.resize(extrapolator_->depth());
  }
  extrapolator_->set_history(std::move(history), std::move(densities), std::move(atomic));
  have_state_ = !extrapolator_->history().empty();
}

}  // namespace megabar::app
