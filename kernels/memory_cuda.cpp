// CUDA backend of kernels/memory.hpp: cudaMemGetInfo for the device's memory, cuFFT's own estimate of a
// plan's work area. Compiled only when MEGABAR_ENABLE_CUDA=ON (cmake/cuda.cmake); the host build uses
// kernels/memory_host.cpp. The one work area all plans share is kept by kernels/fft_cufft.cpp.
#include <cuda_runtime.h>
#include <cufft.h>

#include <stdexcept>
#include <string>

#include "kernels/memory.hpp"

namespace megabar::kernels {

DeviceMemory device_memory() {
  DeviceMemory d;
  int dev = 0;
  cudaDeviceProp prop{};
  if (cudaGetDevice(&dev) != cudaSuccess || cudaGetDeviceProperties(&prop, dev) != cudaSuccess)
    throw std::runtime_error("kernels::device_memory: no usable CUDA device");
  std::size_t free = 0, total = 0;
  const cudaError_t e = cudaMemGetInfo(&free, &total);
  if (e != cudaSuccess)
    throw std::runtime_error(std::string("kernels::device_memory: cudaMemGetInfo failed: ") + cudaGetErrorString(e));
  d.name = std::string(prop.name) + " (CUDA device " + std::to_string(dev) + ")";
  d.total = total;
  d.free = free;
  return d;
}

std::uint64_t fft_work_area_bytes(std::array<int, 3> n, int count) {
  // The exact size: a plan made with automatic allocation off allocates no work area and reports what it
  // needs (cufftEstimateMany gave 0 under CUDA 13 for plans that need one).
  cufftHandle h = 0;
  std::size_t work = 0;
  long long dims[3] = {n[0], n[1], n[2]};
  const long long dist = dims[0] * dims[1] * dims[2];
  const bool ok = cufftCreate(&h) == CUFFT_SUCCESS && cufftSetAutoAllocation(h, 0) == CUFFT_SUCCESS &&
                  cufftMakePlanMany64(h, 3, dims, nullptr, 1, dist, nullptr, 1, dist, CUFFT_Z2Z, count, &work) ==
                      CUFFT_SUCCESS;
  if (h != 0) cufftDestroy(h);
  // If no plan could be made, assume a work area as large as the data.
  return ok ? work : std::uint64_t(dist) * count * 16;
}

}  // namespace megabar::kernels
