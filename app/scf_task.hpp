// task = "scf": build the system from the input, run the SCF, write results.json atomically.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "app/input.hpp"
#include "dft/atoms.hpp"
#include "dft/basis.hpp"
#include "dft/pdos.hpp"
#include "dft/scf.hpp"

namespace megabar::app {

// Returns the process exit code (0 converged, 2 not converged).
int run_scf_task(const RunInput& input);

// Shared with the other tasks:
// the structure of the input with its pseudopotentials (errors name the input, element and atom);
dft::Atoms build_atoms(const RunInput& in);
// results.json content for one SCF (energies, terms, forces, stress, grid, timings);
nlohmann::ordered_json results_json(const RunInput& in, const dft::Basis& basis, const dft::ScfResult& result,
                                    double wall);
// the basis of the input for a cell (errors name the input file);
dft::Basis make_basis(const RunInput& in, const core::Cell& cell);
// creates output.directory and checks it can be written, before any long computation;
void check_output_directory(const RunInput& in);
// pdos.json content (eV at the boundary; layout in docs/pdos.md);
nlohmann::ordered_json pdos_json(const dft::Atoms& atoms, const dft::PdosResult& pdos, const dft::PdosOptions& options,
                                 double seconds);
// text written atomically over `target` (io::replace_file), its folder created when missing.
void write_atomically(const std::filesystem::path& target, const std::string& text);

}  // namespace megabar::app
