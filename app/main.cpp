// megabar command line: `megabar run INPUT.toml [--restart]`, `megabar campaign FILE.toml [--stage NAME] [--list]`,
// `megabar analyze TRAJECTORY... --output DIR [--cutoff B-O=1.9] [--from STEP] [--every K]`,
// `megabar drive INPUT.toml --unix NAME | --port P [--host H]` (an i-PI client: app/drive_task.hpp).
#include <CLI/CLI.hpp>
#include <Kokkos_Core.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <thread>

#include "analysis/command.hpp"
#include "app/campaign_task.hpp"
#include "app/drive_task.hpp"
#include "app/input.hpp"
#include "app/md_task.hpp"
#include "app/provenance.hpp"
#include "app/relax_task.hpp"
#include "app/scf_task.hpp"
#include "app/signals.hpp"
#include "core/version.hpp"
#include "kernels/fft.hpp"
#include "kernels/linalg.hpp"
#include "kernels/memory.hpp"

namespace {

// Host threads when the input says 0: what the job was given ($OMP_NUM_THREADS, else Slurm's
// $SLURM_CPUS_PER_TASK), else every hardware thread.
int default_threads() {
  for (const char* var : {"OMP_NUM_THREADS", "SLURM_CPUS_PER_TASK"})
    if (const char* v = std::getenv(var)) {
      const int n = std::atoi(v);
      if (n > 0) return n;
    }
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace

int main(int argc, char** argv) {
  megabar::kernels::tune_host_blas(argv);  // may re-execute the program once with a BLAS kernel hint
  CLI::App cli{"megabar: plane-wave Kohn-Sham DFT and Born-Oppenheimer MD for matter under compression"};
  cli.set_version_flag("--version", megabar::core::version_line(),
                       "print the version, git commit, compute backend, CUDA architectures and build type");
  cli.require_subcommand(1);
  std::string input_path;
  auto* run = cli.add_subcommand("run", "run the task described by an input file");
  run->add_option("input", input_path, "input file (TOML)")->required();
  bool restart = false;
  run->add_flag("--restart", restart, "continue an MD run from output.directory/checkpoint.h5 (task = \"md\")");
  std::string campaign_path;
  megabar::app::CampaignOptions campaign_options;
  auto* campaign =
      cli.add_subcommand("campaign", "run the stages of an MD campaign in order, resuming where it stopped");
  campaign->add_option("file", campaign_path, "campaign file (TOML)")->required();
  campaign->add_option("--stage", campaign_options.only_stage,
                       "run only this stage (the previous ones must be finished)");
  campaign->add_flag("--list", campaign_options.list, "list the stages and their state; run nothing");
  megabar::analysis::AnalyzeArguments analyze_args;
  std::string drive_input, drive_unix, drive_host = "localhost";
  int drive_port = 0;
  megabar::app::DriveOptions drive_options;
  auto* drive = cli.add_subcommand(
      "drive", "serve energies, forces and stress to an i-PI server (i-PI, ASE's SocketIOCalculator) over a socket");
  drive->add_option("input", drive_input, "input file (TOML): structure (atom order), pseudopotentials, [dft], [scf]")
      ->required();
  auto* drive_unix_option = drive->add_option("--unix", drive_unix,
                                              "UNIX socket NAME (the file /tmp/ipi_NAME, as i-PI and ASE name it; "
                                              "a NAME with a '/' is the path itself)");
  auto* drive_port_option =
      drive->add_option("--port", drive_port, "TCP port of the server (with --host)")->check(CLI::Range(1, 65535));
  drive->add_option("--host", drive_host, "TCP host of the server (default localhost)")->needs(drive_port_option);
  drive_unix_option->excludes(drive_port_option);
  drive
      ->add_option("--connect-timeout", drive_options.connect_timeout_s,
                   "seconds to wait for the server to listen (default 60)")
      ->check(CLI::Range(0.0, 1e6));
  drive
      ->add_option("--extrapolation", drive_options.extrapolation_order,
                   "start each SCF from the ASPC extrapolation of this order (for MD servers; default: from the "
                   "previous structure's bands and density)")
      ->check(CLI::Range(0, 8));

  auto* analyze = cli.add_subcommand("analyze",
                                     "structure statistics of trajectories: coordination, bond lengths, "
                                     "O-O distances, g(r), bond angles, density (docs/analysis.md)");
  analyze->add_option("input", analyze_args.inputs, "trajectory.h5 (H5MD) or extended XYZ files, concatenated in order")
      ->required();
  analyze->add_option("--output,-o", analyze_args.output, "directory for analysis.json and the CSV tables")->required();
  analyze->add_option("--cutoff", analyze_args.cutoff,
                      "B-O bond cutoff in angstrom, e.g. B-O=1.9 (default: first minimum of g_BO)");
  analyze->add_option("--from", analyze_args.from_step, "skip frames with step < STEP");
  analyze->add_option("--every", analyze_args.every, "take every K-th frame (after --from)");
  analyze->add_option("--bin-width", analyze_args.bin_width, "g(r) bin width in angstrom (default 0.02)");
  analyze->add_option("--rmax", analyze_args.r_max, "g(r) range in angstrom (default: half the smallest cell width)");
  analyze->add_option("--oo-cutoff", analyze_args.oo_cutoff,
                      "cutoff of the mean O-O distance in angstrom (default 3.0)");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every usage error exits 1, as docs/input.md says (not CLI11's own codes)
    const int printed = cli.exit(e);
    return printed == 0 ? 0 : 1;
  }

  if (*analyze) {  // reads files only: no compute backend needed
    try {
      return megabar::analysis::run_analyze(analyze_args);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "error: %s\n", e.what());
      return 1;
    }
  }

  if (*campaign && campaign_options.list) {  // reads files only: works on a login node without a GPU
    try {
      return megabar::app::run_campaign(campaign_path, campaign_options);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "error: %s\n", e.what());
      return 1;
    }
  }

  // The input is read before the compute backend starts, so that the backend's host threads (Kokkos OpenMP)
  // follow [parallel] threads; a bad input is reported here, before anything starts.
  megabar::app::RunInput input;
  int threads = default_threads();
  try {
    if (*drive) {
      if (drive_unix.empty() && drive_port == 0)
        throw std::invalid_argument("megabar drive needs the server's address: --unix NAME or --port P [--host H]");
      input = megabar::app::read_input(drive_input);
    } else if (*run) {
      input = megabar::app::read_input(input_path);
      if (restart && input.task != "md")
        throw std::invalid_argument("--restart continues MD runs; " + input_path + " has task = \"" + input.task +
                                    "\"");
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  if ((*drive || *run) && input.threads > 0) threads = input.threads;

  int code = 0;
  try {
    // Kokkos 3.4 warns when OMP_PROC_BIND is unset; unset, libgomp binds no thread, which is what "false" says.
    setenv("OMP_PROC_BIND", "false", 0);
    Kokkos::InitArguments backend;
    // The OpenMP backend's pool (ignored by Serial and CUDA); $KOKKOS_NUM_THREADS, where set, decides instead.
    if (!std::getenv("KOKKOS_NUM_THREADS")) backend.num_threads = threads;
    Kokkos::initialize(backend);
  } catch (const std::exception& e) {  // e.g. a CUDA build on a machine without a usable GPU
    std::fprintf(stderr, "error: cannot initialise the compute backend: %s\n", e.what());
    return 1;
  }
  megabar::kernels::start_memory_tracking();  // device memory and host<->device traffic, for results.json
  try {
    megabar::app::install_stop_handlers();  // MD and campaigns stop cleanly (checkpoint) on SIGTERM/SIGUSR1
    if (*drive) {
      drive_options.address.unix_path = drive_unix.empty() ? "" : megabar::app::ipi_unix_path(drive_unix);
      drive_options.address.host = drive_host;
      drive_options.address.port = drive_port;
      megabar::kernels::set_host_threads(threads);
      megabar::app::record_run(drive_input, threads);
      std::printf("%s\n", megabar::app::provenance_line().c_str());
      megabar::kernels::set_fft_planning(input.fft_planning == "measure");
      code = megabar::app::run_drive_task(input, drive_options);
    } else if (*campaign) {
      megabar::kernels::set_host_threads(threads);
      megabar::app::record_run(campaign_path, threads);  // each stage records its own input
      std::printf("%s\n", megabar::app::provenance_line().c_str());
      code = megabar::app::run_campaign(campaign_path, campaign_options);
    } else {
      // An older run's results.json stays until this run replaces it with a complete one (an earlier good result
      // is never lost; the exit status says whether this run succeeded).
      megabar::kernels::set_host_threads(threads);
      megabar::app::record_run(input_path, threads);
      std::printf("%s\n", megabar::app::provenance_line().c_str());
      megabar::kernels::set_fft_planning(input.fft_planning == "measure");
      if (input.task == "md")
        code = megabar::app::run_md_task(input, restart);
      else if (input.task == "relax")
        code = megabar::app::run_relax_task(input);
      else
        code = megabar::app::run_scf_task(input);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    code = 1;
  }
  Kokkos::finalize();
  return code;
}
