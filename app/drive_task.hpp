// `megabar drive INPUT.toml --unix NAME | --port P [--host H]`: megabar as a force engine behind an i-PI
// socket (app/ipi_socket.hpp), the client that i-PI, ASE's SocketIOCalculator and what is built on them
// (MD and path-integral drivers, NEB, phonons, optimisers) send structures to. The input gives the atoms
// (their order and species: the server must send them in the structure file's order), the pseudopotentials,
// the cutoff and the SCF settings; its task and [md]/[relax] sections are not used.
//
// One SCF per structure received, each started from the previous one's bands and density (or, with
// --extrapolation N, from the ASPC extrapolation of the last N + 2, as MD does); the plane-wave set is that
// of the first cell received, kept for later cells (the energy is then a smooth function of the cell and
// the stress its derivative, as in a variable-cell relaxation). Energies, forces and the virial go back in
// Hartree atomic units, as the protocol has them. A log line per structure goes to stdout and
// output.directory/drive.log.
//
// Exit status: 0 when the server says EXIT or closes the connection between messages; 1 on an error (an
// SCF that does not converge: no forces are sent for it); 75 when stopped by SIGTERM/SIGUSR1/SIGINT.
#pragma once
#include "app/input.hpp"
#include "app/ipi_socket.hpp"

namespace megabar::app {

struct DriveOptions {
  IpiAddress address;
  double connect_timeout_s = 60;  // a server that is not listening yet is retried this long
  int extrapolation_order = -2;   // < -1: start from the last SCF's bands and density; >= 0: ASPC order
};

int run_drive_task(const RunInput& input, const DriveOptions& options);

}  // namespace megabar::app
