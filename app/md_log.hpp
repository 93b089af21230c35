// Observer of an MD run that prints one progress line per step to stdout and appends it to md.log:
// energies, the conserved-energy drift per atom, T, P, V, SCF iterations, seconds per step and the ETA
// of this session (docs/md.md).
#pragma once
#include <filesystem>
#include <fstream>
#include <string>

#include "md/md_driver.hpp"

namespace megabar::app {

// "12m05s", "3h07m", "2d04h"; "-" for an unknown (negative or not finite) time.
std::string eta_text(double seconds);

class MdLogObserver : public md::MdObserver {
 public:
  // Prints the column header to stdout. md.log is opened with the first line written (the first SCF has
  // then converged): a new run replaces an earlier md.log and writes its header, a restart from `state`
  // appends a "continued" line.
  MdLogObserver(const std::filesystem::path& directory, const std::string& ensemble, bool restart,
                const md::MdState& state, int natoms, long steps);

  void on_start(const md::MdEvent& e) override;
  void on_step(const md::MdEvent& e) override;

 private:
  void write_line(const md::MdEvent& e, double eta);

  void open_log();

  std::filesystem::path path_;
  std::string ensemble_;
  bool restart_;
  long first_step_;
  std::ofstream log_;
  int natoms_;
  long steps_;
};

}  // namespace megabar::app
