#include "app/device_memory.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/units.hpp"
#include "dft/memory_estimate.hpp"
#include "kernels/linalg.hpp"
#include "kernels/memory.hpp"

namespace megabar::app {

namespace {

struct Plan {
  dft::MemoryEstimate estimate;
  kernels::DeviceMemory device;
  double available = 0;
  bool from_input = false;
};

std::optional<Plan>& plan() {
  static std::optional<Plan> p;
  return p;
}

double gib(double bytes) { return bytes / 1073741824.0; }

// "3.27 GiB", or "41.5 MiB" below 1 GiB.
std::string human(double bytes) {
  return bytes >= 1073741824.0 ? fmt::format("{:.2f} GiB", gib(bytes)) : fmt::format("{:.1f} MiB", bytes / 1048576.0);
}

}  // namespace

void check_device_memory(const RunInput& in, const dft::Atoms& atoms, const dft::Basis& basis,
                         int extrapolation_order) {
  Plan p;
  p.device = kernels::device_memory();
  // All cuFFT plans share one work area, as large as the largest plan's (kernels/fft_cufft.cpp).
  const std::uint64_t fft_work = std::max(kernels::fft_work_area_bytes(basis.fft_grid(), std::max(1, in.scf.fft_batch)),
                                          kernels::fft_work_area_bytes(basis.fft_grid(), 1));
  p.estimate = dft::estimate_memory(basis, atoms, in.scf, extrapolation_order, fft_work);
  p.from_input = in.device_memory > 0;
  p.available = p.from_input ? in.device_memory : static_cast<double>(p.device.free);
  const std::string where = p.from_input ? "allowed by parallel.device_memory" : "free on " + p.device.name;
  fmt::print("  device memory: predicted peak {} of {} {}\n", human(p.estimate.total), human(p.available), where);
  plan() = p;
  if (p.estimate.total <= 0.95 * p.available) return;
  std::string parts;
  for (std::size_t i = 0; i < std::min<std::size_t>(3, p.estimate.parts.size()); ++i)
    parts += fmt::format("{}{} {}", i ? "; " : "", p.estimate.parts[i].first, human(p.estimate.parts[i].second));
  throw std::invalid_argument(fmt::format(
      "{}: this run needs about {} of {} memory at its peak, more than 95 % of the {} {} (largest parts: {}). "
      "Lower dft.ecut or the number of atoms, lower parallel.fft_batch{}, or use a device with more memory",
      in.path, human(p.estimate.total), kernels::device_is_host() ? "host" : "device", human(p.available), where, parts,
      extrapolation_order >= 0 ? ", lower md.extrapolation_order" : ""));
}

void check_grid_fits(const RunInput& in, const std::array<int, 3>& grid) {
  const double points = double(grid[0]) * double(grid[1]) * double(grid[2]);
  // Fields (8 real + 2 complex grids), the batched FFT work (fft_batch complex grids) and the Pulay history
  // (2 mixing_history complex vectors on the density sphere, whose volume is pi/6 of the grid's box).
  const double sphere = units::pi / 6.0 * points;
  const double lower_bound =
      (96.0 + 16.0 * std::max(1, in.scf.fft_batch)) * points + 32.0 * std::max(1, in.scf.mixing_history) * sphere;
  const double available = in.device_memory > 0 ? in.device_memory : double(kernels::device_memory().free);
  if (lower_bound <= 0.95 * available) return;
  throw std::invalid_argument(
      fmt::format("{}: dft.ecut = {:g} Ry needs an FFT grid of {} x {} x {} points for this cell, whose fields, FFT "
                  "batch and mixing history alone take more "
                  "than {}, above 95 % of the {} {}; lower dft.ecut (production B2O3 runs use 80-100 Ry)",
                  in.path, 2.0 * in.ecut, grid[0], grid[1], grid[2], human(lower_bound), human(available),
                  in.device_memory > 0 ? "allowed by parallel.device_memory" : "available"));
}

nlohmann::ordered_json memory_json() {
  nlohmann::ordered_json j;
  const auto usage = kernels::device_usage();
  const auto t = kernels::transfers();
  // Outside Kokkos: the cuFFT work area (its largest size) and the cuSOLVER/cuBLAS workspace (it only grows, so
  // its final size is its largest). Added to the Kokkos peak, they give an upper bound of the true peak.
  const std::uint64_t outside = kernels::fft_work_area_peak_bytes() + kernels::linalg::workspace_bytes();
  if (plan()) {
    const Plan& p = *plan();
    j["device"] = p.device.name;
    j["device_total_bytes"] = p.device.total;
    j["device_free_bytes_at_start"] = p.device.free;
    if (p.from_input) j["limit_bytes_from_input"] = p.available;
    j["predicted_peak_bytes"] = p.estimate.total;
    nlohmann::ordered_json parts;
    for (const auto& [what, bytes] : p.estimate.parts) parts[what] = bytes;
    j["predicted_parts_bytes"] = parts;
  }
  j["tracking"] = kernels::tracking_active() ? "Kokkos allocation callbacks" : "off (a Kokkos tool library is loaded)";
  if (kernels::tracking_active()) {
    j["measured_peak_bytes"] = usage.peak + outside;
    j["measured_kokkos_peak_bytes"] = usage.peak;
    j["fft_and_solver_work_area_bytes"] = outside;
    j["host_device_transfers"] = {{"to_device_bytes", t.to_device_bytes},
                                  {"to_device_copies", t.to_device_copies},
                                  {"to_host_bytes", t.to_host_bytes},
                                  {"to_host_copies", t.to_host_copies}};
  }
  return j;
}

}  // namespace megabar::app
