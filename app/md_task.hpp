// task = "md": Born-Oppenheimer molecular dynamics (docs/md.md, docs/input.md [md]).
#pragma once
#include "app/input.hpp"
#include "app/signals.hpp"

namespace megabar::app {

// Runs (or with `restart`, continues from output.directory/checkpoint.h5) to md.steps. Returns the exit
// status: 0 finished, kExitStopped stopped by a signal, 2 SCF failure (the last checkpoint stays valid).
int run_md_task(const RunInput& input, bool restart);

}  // namespace megabar::app
