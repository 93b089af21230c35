#include "app/drive_task.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "app/device_memory.hpp"
#include "app/dft_provider.hpp"
#include "app/provenance.hpp"
#include "app/scf_task.hpp"
#include "app/signals.hpp"
#include "core/units.hpp"

namespace megabar::app {

namespace fs = std::filesystem;

namespace {

// POSDATA: the structure of the input with the server's cell and positions (bohr).
core::Structure received_structure(IpiConnection& c, const core::Structure& input, const std::string& input_name) {
  const std::vector<double> h = c.receive_doubles(9);
  c.receive_doubles(9);  // the inverse cell: megabar computes its own
  const std::int32_t n = c.receive_int32();
  if (n != static_cast<std::int32_t>(input.size()))
    throw std::runtime_error("the i-PI server sent " + std::to_string(n) + " atoms; " + input_name + " has " +
                             std::to_string(input.size()) +
                             " (the server must send the structure file's atoms, in its order)");
  const std::vector<double> r = c.receive_doubles(3 * static_cast<std::size_t>(n));
  core::Structure s = input;
  try {
    s.cell = core::Cell::from_lattice(lattice_from_ipi_cell(h));
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(std::string("the i-PI server sent a cell megabar cannot use: ") + e.what() +
                             " (megabar is periodic in three dimensions)");
  }
  for (std::size_t a = 0; a < s.size(); ++a) {
    s.positions[a] = {r[3 * a], r[3 * a + 1], r[3 * a + 2]};
    for (double x : s.positions[a])
      if (!std::isfinite(x) || !core::coordinate_in_reach(x, s.cell))
        throw std::runtime_error("the i-PI server sent a position of atom " + std::to_string(a + 1) +
                                 " that is not finite or far outside the cell");
  }
  return s;
}

}  // namespace

int run_drive_task(const RunInput& in, const DriveOptions& o) {
  const dft::Atoms atoms = build_atoms(in);
  check_output_directory(in);
  const int order = o.extrapolation_order >= -1 ? o.extrapolation_order : -1;
  check_device_memory(in, atoms, make_basis(in, atoms.structure.cell), order);
  DftForceProvider provider(in, atoms, /*compute_stress=*/true, o.extrapolation_order);

  const double gpa = units::ha_per_bohr3_in_gpa, A3 = std::pow(units::angstrom, 3);
  fmt::print("megabar drive: {} atoms ({}), {:.1f} Ry, SCF start: {}; connecting to {}\n", atoms.structure.size(),
             in.structure_file, in.ecut / units::rydberg,
             o.extrapolation_order >= 0 ? fmt::format("ASPC extrapolation of order {}", o.extrapolation_order)
                                        : std::string("the previous structure's bands and density"),
             o.address.text());
  std::fflush(stdout);
  const std::string header = fmt::format("{:>6} {:>20} {:>14} {:>12} {:>12} {:>5} {:>8}", "call", "energy_Ha",
                                         "fmax_Ha/bohr", "P_GPa", "volume_A^3", "scf", "time_s");
  std::ofstream log;
  long calls = 0;
  md::ForceResult result;
  double volume = 0;  // of the structure `result` belongs to
  bool have_data = false, initialised = false;
  try {
    IpiConnection c(o.address, o.connect_timeout_s, stop_requested);
    fmt::print("connected to the i-PI server\n{}\n", header);
    std::fflush(stdout);
    for (;;) {
      const std::string message = c.receive_header();
      if (message.empty()) {
        fmt::print("the i-PI server closed the connection after {} structures\n", calls);
        return 0;
      }
      if (message == "STATUS") {
        c.send_header(have_data ? "HAVEDATA" : initialised ? "READY" : "NEEDINIT");
      } else if (message == "INIT") {
        c.receive_int32();  // the bead (replica) index
        const std::int32_t n = c.receive_int32();
        if (n < 0 || n > (1 << 24)) throw std::runtime_error("INIT announces " + std::to_string(n) + " bytes");
        c.receive_bytes(static_cast<std::size_t>(n));  // an initialisation string megabar has no use for
        initialised = true;
      } else if (message == "POSDATA") {
        const core::Structure s = received_structure(c, atoms.structure, in.structure_file);
        const auto t0 = std::chrono::steady_clock::now();
        result = provider.compute(s);
        volume = s.cell.volume;
        ++calls;
        if (!result.converged)
          throw std::runtime_error(fmt::format(
              "the SCF of structure {} did not converge in {} iterations (no forces sent; raise scf.max_iterations "
              "or loosen scf.energy_tolerance in {})",
              calls, provider.last_iterations(), in.path));
        double fmax = 0;
        for (const auto& f : result.forces) fmax = std::max(fmax, std::sqrt(core::dot(f, f)));
        const double p = (result.stress[0][0] + result.stress[1][1] + result.stress[2][2]) / 3;
        const std::string line =
            fmt::format("{:>6} {:>20.10f} {:>14.6e} {:>12.4f} {:>12.4f} {:>5} {:>8.2f}", calls, result.energy, fmax,
                        p * gpa, s.cell.volume / A3, provider.last_iterations(),
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        fmt::print("{}\n", line);
        std::fflush(stdout);
        if (!log.is_open()) {
          log.open(fs::path(in.output_directory) / "drive.log", std::ios::trunc);
          log << "# megabar drive log (i-PI client, " << o.address.text() << "); P: the virial part, QE's sign\n"
              << "# " << provenance_line() << "\n"
              << header << "\n";
        }
        log << line << "\n" << std::flush;
        have_data = true;
        initialised = true;  // i-PI servers may send POSDATA without INIT
      } else if (message == "GETFORCE") {
        if (!have_data) throw std::runtime_error("the i-PI server asked for forces before sending a structure");
        c.send_header("FORCEREADY");
        c.send_doubles({result.energy});
        c.send_int32(static_cast<std::int32_t>(result.forces.size()));
        std::vector<double> f;
        for (const auto& v : result.forces) f.insert(f.end(), v.begin(), v.end());
        c.send_doubles(f);
        // virial = V sigma with QE's sign (= -V sigma with ASE's: what ASE and i-PI expect); symmetric
        std::vector<double> virial;
        for (const auto& row : result.stress)
          for (double x : row) virial.push_back(volume * x);
        c.send_doubles(virial);
        c.send_int32(0);  // no extra data
        have_data = false;
      } else if (message == "EXIT") {
        fmt::print("the i-PI server said EXIT after {} structures\n", calls);
        return 0;
      } else {
        throw std::runtime_error("unknown i-PI message '" + message +
                                 "' (expected STATUS, INIT, POSDATA, GETFORCE or EXIT)");
      }
    }
  } catch (const IpiConnection::Stopped&) {
    fmt::print(stderr, "stopped by signal {} after {} structures\n", stop_signal(), calls);
    return kExitStopped;
  }
}

}  // namespace megabar::app
