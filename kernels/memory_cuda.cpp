// CUDA backend of kernels/memory.hpp: cudaMemGetInfo for the device's memory, cuFFT's own estimate of a
// plan's work area. Compiled only when MEGABAR_ENABLE_CUDA=ON (cmake/cuda.cmake); the host build uses
// kernels/memory_host.cpp. The one shared work area of all plans is a Kokkos View (kernels/fft_cufft.cpp), tracked like any other.
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
  std::size_t work = 0;
  int dims[3] = {n[0], n[1], n[2]};
  if (cufftEstimateMany(3, dims, nullptr, 1, n[0] * n[1] * n[2], nullptr, 1, n[0] * n[1] * n[2], CUFFT_Z2Z, count,
                        &work) != CUFFT_SUCCESS)
    // cuFFT's estimate failed (e.g. count*N beyond int): assume a work area as large as the data.
    return std::uint64_t(n[0]) * n[1] * n[2] * count * 16;
  return work;
}

}  // namespace megabar::kernels
