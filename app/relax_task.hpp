// task = "relax": FIRE relaxation of the atoms (and, with [relax] cell = true, the cell at a target
// pressure) with DFT energies, forces and stress (md/relax.hpp through the md::ForceProvider seam).
#pragma once
#include "app/input.hpp"

namespace megabar::app {

// Returns the exit code: 0 converged, 2 not converged within max_steps (or an SCF failed to converge).
int run_relax_task(const RunInput& input);

}  // namespace megabar::app
