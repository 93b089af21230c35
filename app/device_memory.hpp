// Device memory before and after a run: the predicted peak is printed before any large allocation, and a
// run that would not fit is refused with a clear message (not left to crash in the middle of an SCF);
// results.json gets the prediction beside the measured peak and the host<->device traffic.
#pragma once
#include <nlohmann/json.hpp>

#include "app/input.hpp"
#include "dft/atoms.hpp"
#include "dft/basis.hpp"

namespace megabar::app {

// Predicts the peak for this input (extrapolation_order >= -1 for MD runs, else -2), prints it with the
// device's free memory, and throws std::invalid_argument naming the input when it exceeds 95 % of what is
// available: parallel.device_memory if set, else the device's free memory.
void check_device_memory(const RunInput& in, const dft::Atoms& atoms, const dft::Basis& basis,
                         int extrapolation_order = -2);

// results.json's "memory" section: device, prediction, measured Kokkos peak plus FFT/solver work areas,
// host<->device transfers since start.
nlohmann::ordered_json memory_json();

}  // namespace megabar::app
