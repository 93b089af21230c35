// CUDA backend of kernels/memory.hpp: cudaMemGetInfo for the device's memory. Compiled only when
// MEGABAR_ENABLE_CUDA=ON (cmake/cuda.cmake); the host build uses kernels/memory_host.cpp. The cuFFT work-area
// functions are in kernels/fft_cufft.cpp, beside the one work area all plans share.
#include <cuda_runtime.h>

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

}  // namespace megabar::kernels
