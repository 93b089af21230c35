// Fault injection for the robustness tests (tests/robustness/kill_points.sh): with the environment variable
//   MEGABAR_FAULT="POINT:N"
// the N-th time (1-based) the program passes fault_point("POINT") it kills itself with SIGKILL, the way a
// batch system, the OOM killer or a node failure would, at a moment chosen exactly rather than by timing.
// Unset (every production run), fault_point costs one comparison. The points (docs/md.md, "Restarts"):
//   scf-iteration          after each SCF iteration (inside a step)
//   before-rename:NAME     in io::replace_file, the new NAME written to its temporary, before the rename
//   md-before-results      the last checkpoint written, before results.json and final.extxyz
#pragma once
#include <string>

namespace megabar::core {

void fault_point(const std::string& point);

}  // namespace megabar::core
