// SCF settings, kept free of Kokkos headers so that the input reader (app/input.cpp, compiled by the
// host compiler only in CUDA builds) can use them. The SCF's fixed control constants (Davidson
// thresholds and iteration limits, convergence test, start) are in dft/scf_control.hpp.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace megabar::dft {

struct ScfOptions {
  std::string xc = "PBE";
  double energy_tolerance = 1e-8;  // Ha, change of E between iterations
  double density_tolerance = -1;   // Ha, Hartree-metric residual (dr2); < 0: same as energy_tolerance
  // Converged needs |dE| < energy_tolerance as well as dr2 < density_tolerance. false: dr2 alone decides (QE's
  // conv_thr test). The change of E lags the error by an iteration (it measures the previous iteration's), so
  // the pair costs about one iteration more whenever dr2 drops below its bound in one step.
  bool energy_change_test = true;
  int max_iterations = 100;
  double mixing_beta = 0.5;
  int mixing_history = 8;
  double kerker_q0 = 0.0;         // 1/bohr; 0 disables the Kerker factor
  bool carry_mixing = true;       // start from the mixing pairs of a given start state (MD, relaxations)
  int extra_bands = 0;            // empty bands wanted in the results (converged like the occupied ones)
  int buffer_bands = -1;          // internal empty bands beyond those, loosely converged and not reported;
                                  // -1: scf_control::default_buffer_bands (2)
  bool mixed_precision = true;    // local H in single precision while the eigensolver threshold allows it
                                  // (scf_control::single_precision_threshold; Davidson's corrections down
                                  // to scf_control::single_precision_corrections_threshold)
  unsigned long seed = 20241126;  // random initial wavefunctions
  int fft_batch = 8;              // band pairs per batched FFT
  bool compute_forces = true;     // Hellmann-Feynman forces after the SCF
  // Add the SCF correction to the forces (dft/atomic_density.hpp): it cancels most of the force error an SCF
  // stopped at a finite density residual leaves. It vanishes at self-consistency; false only for comparisons.
  bool force_scf_correction = true;
  bool compute_stress = true;  // stress tensor after the SCF
  // Polled before each iteration (e.g. app::stop_requested: SIGTERM from the batch system); when it returns
  // true the SCF ends at once, not converged, with ScfResult::stopped set and no forces or stress.
  std::function<bool()> stop_requested;
};

// Exchange-correlation functionals dft::XcTerm implements (see dft/xc.hpp).
inline std::vector<std::string> known_xc_names() { return {"PBE", "LDA", "LDA-PW92", "PADE"}; }

}  // namespace megabar::dft
