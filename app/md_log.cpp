#include "app/md_log.hpp"

#include <fmt/core.h>

#include <cmath>
#include <cstdio>

#include "app/provenance.hpp"
#include "core/units.hpp"

namespace megabar::app {

namespace {

std::string column_header() {
  return fmt::format("{:>8} {:>10} {:>18} {:>14} {:>18} {:>11} {:>9} {:>9} {:>10} {:>4} {:>7} {:>8}", "step", "time_fs",
                     "E_pot_Ha", "E_kin_Ha", "E_conserved_Ha", "drift_Ha/at", "T_K", "P_GPa", "V_A^3", "scf", "s/step",
                     "ETA");
}

}  // namespace

std::string eta_text(double seconds) {
  if (!(seconds >= 0) || !std::isfinite(seconds)) return "-";
  const long s = std::lround(seconds);
  if (s >= 86400) return fmt::format("{}d{:02}h", s / 86400, (s % 86400) / 3600);
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
  return fmt::format("{}m{:02}s", s / 60, s % 60);
}

MdLogObserver::MdLogObserver(const std::filesystem::path& directory, const std::string& ensemble, bool restart,
                             const md::MdState& state, int natoms, long steps)
    : path_(directory / "md.log"),
      ensemble_(ensemble),
      restart_(restart),
      first_step_(state.step),
      natoms_(natoms),
      steps_(steps) {
  fmt::print("{}\n", column_header());
}

void MdLogObserver::open_log() {
  log_.open(path_, restart_ ? std::ios::app : std::ios::trunc);
  if (!restart_)
    log_ << "# megabar md log (" << ensemble_ << "); drift = (E_conserved - E_conserved(0)) / atoms\n"
         << "# " << provenance_line() << "\n"
         << column_header() << "\n";
  else
    log_ << "# continued from the checkpoint at step " << first_step_ << "; " << provenance_line() << "\n";
}

void MdLogObserver::on_start(const md::MdEvent& e) { write_line(e, NAN); }

// ETA: this session's mean seconds per step times the steps left.
void MdLogObserver::on_step(const md::MdEvent& e) {
  write_line(e, e.session_seconds / e.session_steps * (steps_ - e.state.step));
}

void MdLogObserver::write_line(const md::MdEvent& e, double eta) {
  const md::Frame& f = e.frame;
  const double gpa = units::ha_per_bohr3_in_gpa, fs_ = units::femtosecond;
  const std::string line = fmt::format(
      "{:>8} {:>10.3f} {:>18.10f} {:>14.8f} {:>18.10f} {:>11.3e} {:>9.2f} {:>9.3f} {:>10.4f} {:>4} {:>7.2f} {:>8}",
      f.step, f.time / fs_, f.potential_energy, f.kinetic_energy, f.conserved_energy,
      (f.conserved_energy - e.record.conserved_start) / natoms_, f.temperature, f.pressure * gpa,
      f.structure.cell.volume / std::pow(units::angstrom, 3), f.scf_iterations, e.step_seconds, eta_text(eta));
  fmt::print("{}\n", line);
  std::fflush(stdout);
  if (!log_.is_open()) open_log();
  log_ << line << "\n" << std::flush;
}

}  // namespace megabar::app
