// Batch systems announce the end of a job's wall time with a signal (Slurm: SIGTERM, then SIGKILL after
// KillWait; `--signal=USR1@300` sends SIGUSR1 earlier). Long tasks install these handlers, poll
// stop_requested() between steps, write a checkpoint and exit cleanly.
#pragma once

namespace megabar::app {

// Exit status of a run stopped by SIGTERM/SIGUSR1/SIGINT (EX_TEMPFAIL): an MD run has written its
// checkpoint (continue it with --restart); a run stopped before its first step or an SCF task wrote nothing.
constexpr int kExitStopped = 75;

// SIGTERM, SIGUSR1 and SIGINT set a flag instead of killing the process. A second SIGINT (Ctrl-C
// twice) terminates at once.
void install_stop_handlers();
bool stop_requested();
// The signal that asked to stop (0: none).
int stop_signal();

}  // namespace megabar::app
