// megabar command line: `megabar run INPUT.toml`.
#include <CLI/CLI.hpp>
#include <Kokkos_Core.hpp>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <thread>

#include "app/input.hpp"
#include "app/relax_task.hpp"
#include "app/scf_task.hpp"
#include "kernels/fft.hpp"
#include "kernels/linalg.hpp"

int main(int argc, char** argv) {
  megabar::kernels::tune_host_blas(argv);  // may re-execute the program once with a BLAS kernel hint
  CLI::App cli{"megabar: plane-wave Kohn-Sham DFT and Born-Oppenheimer MD for matter under compression"};
  cli.require_subcommand(1);
  std::string input_path;
  auto* run = cli.add_subcommand("run", "run the task described by an input file");
  run->add_option("input", input_path, "input file (TOML)")->required();
  CLI11_PARSE(cli, argc, argv);

  int code = 0;
  try {
    Kokkos::initialize(argc, argv);
  } catch (const std::exception& e) {  // e.g. a CUDA build on a machine without a usable GPU
    std::fprintf(stderr, "error: cannot initialise the compute backend: %s\n", e.what());
    return 1;
  }
  try {
    // A failed run, even on bad input, must not leave an older run's results behind.
    std::error_code ignored;
    std::filesystem::remove(std::filesystem::path(megabar::app::output_directory_of(input_path)) / "results.json", ignored);
    auto input = megabar::app::read_input(input_path);
    int threads = input.threads > 0 ? input.threads : static_cast<int>(std::thread::hardware_concurrency());
    megabar::kernels::set_host_threads(threads > 0 ? threads : 1);
    code = input.task == "relax" ? megabar::app::run_relax_task(input) : megabar::app::run_scf_task(input);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    code = 1;
  }
  Kokkos::finalize();
  return code;
}
