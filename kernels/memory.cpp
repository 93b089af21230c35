// Backend-independent part of kernels/memory.hpp: the Kokkos tool callbacks and their counters.
// device_memory() and the FFT work areas are in the backends (memory_host.cpp, memory_cuda.cpp).
#include "kernels/memory.hpp"

#include <Kokkos_Core.hpp>

#include <atomic>
#include <cstring>
#include <mutex>

#include "kernels/views.hpp"

namespace megabar::kernels {

namespace {

struct Counters {
  std::mutex mutex;
  SpaceUsage device, host;
  TransferCounts transfers;
  bool active = false;
};

Counters& counters() {
  static Counters c;
  return c;
}

bool is_device(const char* space) { return std::strcmp(space, MemSpace::name()) == 0; }

void add(SpaceUsage& u, std::uint64_t bytes) {
  u.live += bytes;
  if (u.live > u.peak) u.peak = u.live;
}

void subtract(SpaceUsage& u, std::uint64_t bytes) { u.live = bytes > u.live ? 0 : u.live - bytes; }

// The usage record of a space: the device's, or host memory's (Host, CudaHostPinned, ...). On host builds
// the two are the same space and `device` is used.
SpaceUsage& usage_of(Counters& c, const char* space) { return is_device(space) ? c.device : c.host; }

void on_allocate(Kokkos_Profiling_SpaceHandle h, const char*, const void*, std::uint64_t size) {
  memory_detail::record_allocation(h.name, size);
}
void on_deallocate(Kokkos_Profiling_SpaceHandle h, const char*, const void*, std::uint64_t size) {
  memory_detail::record_deallocation(h.name, size);
}
void on_deep_copy(Kokkos_Profiling_SpaceHandle dst, const char*, const void*, Kokkos_Profiling_SpaceHandle src,
                  const char* src_label, const void*, std::uint64_t size) {
  memory_detail::record_deep_copy(dst.name, src.name, src_label, size);
}

}  // namespace

namespace memory_detail {
void record_allocation(const char* space, std::uint64_t bytes) {
  auto& c = counters();
  std::lock_guard<std::mutex> lock(c.mutex);
  add(usage_of(c, space), bytes);
}
void record_deallocation(const char* space, std::uint64_t bytes) {
  auto& c = counters();
  std::lock_guard<std::mutex> lock(c.mutex);
  subtract(usage_of(c, space), bytes);
}
void record_deep_copy(const char* dst_space, const char* src_space, const char* src_label, std::uint64_t bytes) {
  // deep_copy(view, value) is a fill on the view's own device; Kokkos labels its "source" so.
  if (src_label != nullptr && (std::strcmp(src_label, "Scalar") == 0 || std::strcmp(src_label, "(none)") == 0)) return;
  record_copy(dst_space, src_space, bytes);
}

void record_copy(const char* dst_space, const char* src_space, std::uint64_t bytes) {
  const bool to_dev = is_device(dst_space), from_dev = is_device(src_space);
  if (to_dev == from_dev || bytes == 0) return;  // within one side
  auto& c = counters();
  std::lock_guard<std::mutex> lock(c.mutex);
  if (to_dev) {
    c.transfers.to_device_bytes += bytes;
    ++c.transfers.to_device_copies;
  } else {
    c.transfers.to_host_bytes += bytes;
    ++c.transfers.to_host_copies;
  }
}
}  // namespace memory_detail

bool start_memory_tracking() {
  auto& c = counters();
  if (c.active) return true;
  if (Kokkos::Tools::profileLibraryLoaded()) return false;  // a profiler owns the callbacks
  Kokkos::Tools::Experimental::set_allocate_data_callback(on_allocate);
  Kokkos::Tools::Experimental::set_deallocate_data_callback(on_deallocate);
  Kokkos::Tools::Experimental::set_begin_deep_copy_callback(on_deep_copy);
  c.active = true;
  return true;
}

bool tracking_active() { return counters().active; }

SpaceUsage device_usage() {
  auto& c = counters();
  std::lock_guard<std::mutex> lock(c.mutex);
  return c.device;
}

SpaceUsage host_usage() {
  auto& c = counters();
  std::lock_guard<std::mutex> lock(c.mutex);
  return device_is_host() ? c.device : c.host;
}

void reset_peak() {
  auto& c = counters();
  std::lock_guard<std::mutex> lock(c.mutex);
  c.device.peak = c.device.live;
  c.host.peak = c.host.live;
}

TransferCounts transfers() {
  auto& c = counters();
  std::lock_guard<std::mutex> lock(c.mutex);
  return c.transfers;
}

std::string device_space_name() { return MemSpace::name(); }

bool device_is_host() { return std::is_same<MemSpace, Kokkos::HostSpace>::value; }

}  // namespace megabar::kernels
