#include "app/dft_provider.hpp"

#include "app/device_memory.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

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
  if (extrapolator_) {
    dft::ScfState start;
    const bool extrapolate = extrapolator_->size() > 0;
    if (extrapolate) start.X = extrapolator_->predict(static_cast<int>(std::round(atoms.n_electrons())) / 2);
    last_ = dft::run_scf(atoms, *basis_, opt, scf_log_, extrapolate ? &start : nullptr);
    extrapolator_->push(last_.state.X);
  } else {
    last_ = dft::run_scf(atoms, *basis_, opt, scf_log_, have_state_ ? &last_.state : nullptr);
  }
  have_state_ = true;
  md::ForceResult r;
  r.energy = last_.energies.total();
  r.forces = last_.forces;
  r.stress = last_.stress;
  r.converged = last_.converged;
  return r;
}

// Saved: the cell that defines the plane-wave set, and the extrapolation history (bands, newest first).
void DftForceProvider::save_state(md::StateArrays& out) const {
  if (reference_) {
    std::vector<double> lattice;
    for (const auto& row : reference_->cell().lattice) lattice.insert(lattice.end(), row.begin(), row.end());
    out.reals["basis_reference_lattice"] = lattice;
    const auto g = reference_->fft_grid();
    out.words["basis_fft_grid"] = {std::uint64_t(g[0]), std::uint64_t(g[1]), std::uint64_t(g[2])};
  }
  if (!extrapolator_) return;
  const auto& h = extrapolator_->history();
  out.words["extrapolation_history"] = {h.size(), h.empty() ? 0 : h[0].extent(0), h.empty() ? 0 : h[0].extent(1)};
  for (std::size_t i = 0; i < h.size(); ++i) {
    auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), h[i]);
    out.reals["extrapolation_bands_" + std::to_string(i)] = std::vector<double>(host.data(), host.data() + host.size());
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
  if (!extrapolator_ || !in.words.count("extrapolation_history")) return;
  const auto& shape = in.word("extrapolation_history");
  if (shape.size() != 3) throw std::runtime_error("checkpoint: malformed extrapolation history record");
  if (shape[0] > 0 && (!reference_ || shape[1] != static_cast<std::uint64_t>(reference_->n_real())))
    throw std::runtime_error("checkpoint: the saved bands do not fit the plane-wave set (was dft.ecut changed?)");
  std::vector<dft::View2<double>> history;
  for (std::uint64_t i = 0; i < shape[0]; ++i) {
    const auto& v = in.real("extrapolation_bands_" + std::to_string(i));
    if (v.size() != shape[1] * shape[2]) throw std::runtime_error("checkpoint: extrapolation bands of the wrong size");
    dft::View2<double> X("extrapolation::X", shape[1], shape[2]);
    auto host = Kokkos::create_mirror_view(X);
    std::copy(v.begin(), v.end(), host.data());
    Kokkos::deep_copy(X, host);
    history.push_back(X);
  }
  // More saved sets than this run's order keeps are dropped (newest kept).
  if (static_cast<int>(history.size()) > extrapolator_->depth()) history.resize(extrapolator_->depth());
  extrapolator_->set_history(std::move(history));
  have_state_ = !extrapolator_->history().empty();
}

}  // namespace megabar::app
