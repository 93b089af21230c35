// Device memory: what the device has, what megabar holds on it, and what crosses between host and device.
//
// Tracking uses Kokkos' tool callbacks (allocate/deallocate and deep_copy events, Kokkos::Tools), so
// every View allocation and every deep_copy is seen without touching the code that makes them:
//   - live and peak bytes per memory space ("Host", "Cuda", ...), Kokkos allocations only;
//   - bytes and copies host -> device and device -> host (deep copies between two different spaces; a
//     host build has one space, so there these stay 0).
// Memory outside Kokkos is reported by the backends themselves: the one cuFFT work area all plans share
// (fft_work_area_peak_bytes(), its largest size) and the cuBLAS/cuSOLVER workspace (linalg::workspace_bytes(),
// which only grows).
// Tracking is installed only when no Kokkos tool library (KOKKOS_TOOLS_LIBS / KOKKOS_PROFILE_LIBRARY) is
// loaded, so that profilers keep their own callbacks; tracking_active() says which.
#pragma once
#include <array>
#include <cstdint>
#include <string>

namespace megabar::kernels {

struct SpaceUsage {
  std::uint64_t live = 0;  // bytes allocated now
  std::uint64_t peak = 0;  // highest `live` since start or the last reset_peak()
};

struct TransferCounts {
  std::uint64_t to_device_bytes = 0, to_host_bytes = 0;
  std::uint64_t to_device_copies = 0, to_host_copies = 0;
  std::uint64_t bytes() const { return to_device_bytes + to_host_bytes; }
  std::uint64_t copies() const { return to_device_copies + to_host_copies; }
};

// Installs the callbacks (after Kokkos::initialize). Returns false, and tracks nothing, when a Kokkos tool
// library is loaded.
bool start_memory_tracking();
bool tracking_active();

// Kokkos allocations in the memory space physics loops use (kernels::MemSpace: the GPU in CUDA builds,
// host memory otherwise) and in host memory.
SpaceUsage device_usage();
SpaceUsage host_usage();
void reset_peak();  // peak := live, for both

TransferCounts transfers();

// The memory spaces by name, as Kokkos reports them ("Cuda", "Host", ...), and whether MemSpace is host
// memory (a host build).
std::string device_space_name();
bool device_is_host();

// What the device has: its name, total and free bytes (cudaMemGetInfo on CUDA; on host builds the
// machine's memory and MemAvailable from /proc/meminfo).
struct DeviceMemory {
  std::string name;
  std::uint64_t total = 0, free = 0;
};
DeviceMemory device_memory();

// The cuFFT work area a plan for a batch of `count` complex grids of shape n needs (0 on host backends, whose
// scratch memory is host memory), and the largest size the one area all plans share has had so far.
std::uint64_t fft_work_area_bytes(std::array<int, 3> n, int count);
std::uint64_t fft_work_area_peak_bytes();

// For tests of the bookkeeping: feed one event as Kokkos would (space names as Kokkos reports them).
namespace memory_detail {
void record_allocation(const char* space, std::uint64_t bytes);
void record_deallocation(const char* space, std::uint64_t bytes);
void record_copy(const char* dst_space, const char* src_space, std::uint64_t bytes);
// A deep-copy event as Kokkos reports it, with the source's label: fills of a View with a value (Kokkos
// reports them as copies from HostSpace labelled "Scalar" or "(none)") move no data and are not counted.
void record_deep_copy(const char* dst_space, const char* src_space, const char* src_label, std::uint64_t bytes);
}  // namespace memory_detail

}  // namespace megabar::kernels
