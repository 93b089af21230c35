// task = "scf": build the system from the input, run the SCF, write results.json atomically.
#pragma once
#include "app/input.hpp"

namespace megabar::app {

// Returns the process exit code (0 converged, 2 not converged).
int run_scf_task(const RunInput& input);

}  // namespace megabar::app
