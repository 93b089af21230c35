// Device memory before and after a run: the predicted peak is printed before any large allocation, and a
// run that would not fit is refused with a clear message (not left to crash in the middle of an SCF);
// results.json gets the prediction beside the measured peak and the host<->device traffic.
#pragma once
#include <nlohmann/json.hpp>

#include <array>

#include "app/input.hpp"
#include "dft/atoms.hpp"
#include "dft/basis.hpp"

namespace megabar::app {

// Predicts the peak for this input (extrapolation_order >= -1 for MD runs, else -2), prints it with the
// device's free memory, and throws std::invalid_argument naming the input when it exceeds 95 % of what is
// available: parallel.device_memory if set, else the device's free memory.
void check_device_memory(const RunInput& in, const dft::Atoms& atoms, const dft::Basis& basis,
                         int extrapolation_order = -2);

// Before the basis is built (its G vectors alone can take minutes and gigabytes at an absurd cutoff): the
// density grid `grid` of dft.ecut must fit. A lower bound of the memory from the grid alone (fields, the batched
// FFT work, the Pulay history on the density sphere); throws std::invalid_argument naming dft.ecut when it
// exceeds 95 % of the available memory (as check_device_memory counts it).
void check_grid_fits(const RunInput& in, const std::array<int, 3>& grid);

// results.json's "memory" section: device, prediction, measured Kokkos peak plus FFT/solver work areas,
// host<->device transfers since start.
nlohmann::ordered_json memory_json();

}  // namespace megabar::app
