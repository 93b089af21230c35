// The SCF's fixed control constants, in one place: how tightly the eigensolver converges the bands at
// each iteration, how many iterations it may take, how the first iteration starts, and when the loop
// counts as converged. The settings a user may change (tolerances, mixing, iteration limit) are
// dft::ScfOptions (dft/scf_options.hpp); these are not input keys. Used by dft/scf.cpp, dft/davidson.cpp
// and dft/mixing.cpp. Changing any of them changes results (at the level of the SCF tolerances) and the
// QE regression numbers; the values were chosen on the B2O3 test systems as noted.
#pragma once

namespace megabar::dft::scf_control {

// --- Bands --------------------------------------------------------------------------------------------

// Empty "buffer" bands beyond the reported ones when ScfOptions::buffer_bands < 0: they keep the
// reported subspace well defined when the gap is small (high compression) at the cost of two more bands.
inline constexpr int default_buffer_bands = 2;

// How far the valence electron count may lie from an even integer and still count as closed shell (the
// count is a sum of GTH ionic charges, integers stored as doubles).
inline constexpr double electron_count_tolerance = 1e-8;

// --- Starting point -----------------------------------------------------------------------------------

// Squared width w^2 (bohr^2) of the Gaussian atoms of the starting density, rho(G) ~ exp(-G^2 w^2 / 2):
// about the size of a B or O valence shell, so the first potential is a reasonable one. (The pseudo-atomic
// superposition, dft/atomic_density.hpp, was tried instead on 2026-12-06: the 30-atom B2O3-I SCF of
// scripts/bench-vs-qe took 11 iterations instead of 10.) Also the stand-in atom of a species whose
// pseudo-atom cannot be solved (dft/species.hpp).
inline constexpr double initial_density_width2 = 1.0;

// --- Davidson threshold (|r|^2 of a band, Ha^2 scale) ----------------------------------------------------

// First iteration from scratch (random bands): loose, since the potential is far from self-consistent.
inline constexpr double davidson_threshold_from_scratch = 1e-2;
// First iteration from a previous bands-and-density state (relaxation steps), or from a previous geometry's
// bands reused as they are (ScfState::reused_bands: the first MD step): moderately tight. In the first step of
// 30-atom B2O3 MD (80 Ry, 1500 K) 1e-5 instead of 1e-7 took 1788 instead of 2331 H applications (8 SCF
// iterations either way): the first density residual (5e-2) is set by the atoms' move, not by the bands.
inline constexpr double davidson_threshold_from_state = 1e-5;
// First iteration from bands alone (ASPC-extrapolated in MD: their density is already close): tight, so
// that the first density residual measures the real error rather than the bands' consistency with
// themselves (15-atom B2O3 MD: 1e-5 gave 8 iterations per step, 1e-6...1e-10 all 5.3, 1e-7 the fastest).
// Re-checked with carried mixing pairs (30 atoms, 80 Ry, steps 4-10): 1e-6 gave 4.1 iterations and 1047 H
// applications per step, 1e-7 3.6 and 972, 1e-8 3.6 and 1097.
inline constexpr double davidson_threshold_from_bands = 1e-7;
// Later iterations: threshold = min(previous, max(floor, factor * dr2 / max(min_electrons, N_e))), QE's
// rule (diago_thr = 0.1 dr2 / nelec): the bands need be no more accurate than the density they feed.
inline constexpr double davidson_threshold_dr2_factor = 0.1;
// The residual the tightening uses is the smaller of dr2 and the one the Pulay mixer predicts for the next
// iteration (PulayMixer::predicted_residual2), but not below this fraction of dr2. With the previous MD
// step's mixing pairs the second iteration's residual falls 100-1000 fold; bands converged only to the
// last dr2 then leave the third iteration's residual where it was (30-atom B2O3 MD: 1e-7 twice), and
// bands converged all the way to the prediction cost more Davidson sweeps than they save. 1e-2 gave
// 3.6 SCF iterations and 972 H applications per step against 3.7 and 1046 (prediction alone) and 5.4
// and 1098 (QE's rule, no carried pairs); 1e-1 gave 4.7 and 1221 (issue 14, docs/md.md).
inline constexpr double davidson_threshold_max_tightening = 1e-2;
// Never below this: tighter gains nothing in double precision and costs iterations.
inline constexpr double davidson_threshold_floor = 1e-14;
// The electron count divides dr2 from at least this (guards systems with fewer than one electron).
inline constexpr double davidson_threshold_min_electrons = 1.0;
// Buffer bands are converged to max(threshold, this) only, and never keep the solver iterating.
inline constexpr double davidson_buffer_threshold_floor = 1e-5;

// --- Precision of the local-potential products -----------------------------------------------------------

// While the Davidson threshold (|r|^2 of a band) is at least this, the Hamiltonian applies V_eff psi on
// single-precision grids and FFTs (ScfOptions::mixed_precision; dft/hamiltonian.hpp). Float rounding
// (~6e-8 relative, a few 1e-7 after the transforms) puts an error of a few 1e-7 Ha/bohr^(3/2) into H psi, so
// |r|^2 cannot be resolved below ~1e-13: a threshold of 1e-11 keeps a margin of 100, and tighter ones (the
// last iterations of every SCF at the default tolerances) run in double. The energy, density, forces and
// stress are always evaluated in double from the bands.
inline constexpr double single_precision_threshold = 1e-11;
// Below that, down to this threshold, only the products of Davidson's correction vectors are single precision
// (Davidson::set_single_precision_corrections): the starting bands' products, which set the Ritz vectors, stay
// double, and the corrections enter them with weights of the order of their residual. Measured floors: with
// orthogonalised corrections a 15-atom SCF converged to 1e-12 Ha stalled at thresholds of 1e-14 and converged
// at 4e-14; with the generalised subspace problem (corrections not orthogonalised, dft/davidson.hpp) the tiny
// test cell stalls at |r|^2 = 1.6e-13. 1e-12 keeps a margin of 6 over that.
inline constexpr double single_precision_corrections_threshold = 1e-12;

// --- Davidson iteration limits (subspace expansions per SCF iteration) ----------------------------------

// First SCF iteration: the bands may start random, so let the solver run until converged.
inline constexpr int davidson_max_iterations_first = 40;
// Later iterations: the bands are close; a few expansions suffice and the next SCF iteration tightens.
inline constexpr int davidson_max_iterations = 6;

// --- Convergence and mixing ---------------------------------------------------------------------------

// MD steps are converged on the density residual alone (ScfOptions::energy_change_test = false, QE's test),
// and then dr2's bound defaults to this fraction of energy_tolerance. The force error of an SCF stopped at
// dr2 grows as sqrt(dr2): 30-atom B2O3-I MD at 80 Ry, 1500 K, without the SCF correction of the forces,
// max |F - F_tight| 9.0e-5 Ha/bohr at dr2 < 1e-8 (3.9 iterations per step), 5.1e-5 at dr2 < 5e-9 (4.2),
// 1.5e-5 at 2.5e-9 (4.4); this fraction was 0.5 then. With the correction (dft/atomic_density.hpp) and the
// atomic-density extrapolation, 1e-8 gave at most 3.5e-5 over steps 1-10 (rms 1-5e-6) at 3.5 iterations per
// step (2026-12-06): QE's own test, dr2 < conv_thr, keeps well inside issue 14's 1e-4 Ha/bohr.
inline constexpr double md_density_tolerance_fraction = 1.0;
// Convergence is tested from this iteration on: the first dE is the energy itself, not a change.
inline constexpr int first_convergence_check_iteration = 2;
// Pulay/DIIS: eigen-directions of the residual overlap matrix below this fraction of its largest
// eigenvalue are dropped (nearly dependent old residuals would blow up the coefficients).
inline constexpr double pulay_relative_eigenvalue_cutoff = 1e-14;

}  // namespace megabar::dft::scf_control
