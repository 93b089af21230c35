// Force-included (-include) into every C++ translation unit of the CUDA build, Kokkos' own included.
//
// CUDA 13 replaced cudaMemPrefetchAsync(ptr, bytes, int device, stream) with
// cudaMemPrefetchAsync(ptr, bytes, cudaMemLocation, flags, stream). Kokkos 3.4.1 calls the old form; this
// restores it as an inline overload that fills a cudaMemLocation (the device, or the host for
// cudaCpuDeviceId) and calls the new one. Without CUDA, or with CUDA < 13, this header does nothing.
#pragma once

#if defined(__cplusplus) && defined(__has_include)
#if __has_include(<cuda_runtime_api.h>)
#include <cuda_runtime_api.h>

#if defined(CUDART_VERSION) && CUDART_VERSION >= 13000
#ifndef MEGABAR_CUDA13_COMPAT_PREFETCH
#define MEGABAR_CUDA13_COMPAT_PREFETCH 1
inline cudaError_t cudaMemPrefetchAsync(const void* devPtr, size_t count, int dstDevice, cudaStream_t stream = 0) {
  cudaMemLocation location{};
  if (dstDevice == cudaCpuDeviceId) {
    location.type = cudaMemLocationTypeHost;
    location.id = 0;
  } else {
    location.type = cudaMemLocationTypeDevice;
    location.id = dstDevice;
  }
  return cudaMemPrefetchAsync(devPtr, count, location, 0u, stream);
}
#endif  // MEGABAR_CUDA13_COMPAT_PREFETCH
#endif  // CUDART_VERSION >= 13000

#endif  // __has_include(<cuda_runtime_api.h>)
#endif  // __cplusplus && __has_include
