// CUDA implementation of the FFT3D facade (kernels/fft.hpp) on cuFFT.
//
// Conventions as kernels/fft.hpp states: in place, batched Z2Z, i2 fastest (C order, which is cuFFT's own),
// batch b at offset b*N; forward = exp(-i G.r) scaled by 1/N, backward = exp(+i G.r) unscaled.
// All transforms and the scaling kernel run on the stream of Kokkos' default CUDA instance, so they are
// ordered with the Kokkos kernels around them exactly like any other Kokkos kernel (asynchronous; a
// deep_copy or Kokkos::fence() waits for them).
// Compiled only when MEGABAR_ENABLE_CUDA=ON (cmake/cuda.cmake); the host build uses kernels/fft_fftw.cpp.
#include <cufft.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

#include "kernels/fft.hpp"
#include "kernels/memory.hpp"

#if !defined(KOKKOS_ENABLE_CUDA)
#error "kernels/fft_cufft.cpp needs a Kokkos built with the CUDA backend"
#endif

static_assert(sizeof(megabar::kernels::complex) == sizeof(cufftDoubleComplex),
              "Kokkos::complex<double> and cufftDoubleComplex must have the same layout");

namespace megabar::kernels {

namespace {

// By numeric value: the set of enumerators differs between CUDA versions (CUDA 13 dropped some, added others).
const char* cufft_result_name(cufftResult r) {
  switch (int(r)) {
    case 0x0: return "CUFFT_SUCCESS";
    case 0x1: return "CUFFT_INVALID_PLAN";
    case 0x2: return "CUFFT_ALLOC_FAILED";
    case 0x3: return "CUFFT_INVALID_TYPE";
    case 0x4: return "CUFFT_INVALID_VALUE";
    case 0x5: return "CUFFT_INTERNAL_ERROR";
    case 0x6: return "CUFFT_EXEC_FAILED";
    case 0x7: return "CUFFT_SETUP_FAILED";
    case 0x8: return "CUFFT_INVALID_SIZE";
    case 0x9: return "CUFFT_UNALIGNED_DATA";
    case 0xA: return "CUFFT_INCOMPLETE_PARAMETER_LIST";
    case 0xB: return "CUFFT_INVALID_DEVICE";
    case 0xC: return "CUFFT_PARSE_ERROR";
    case 0xD: return "CUFFT_NO_WORKSPACE";
    case 0xE: return "CUFFT_NOT_IMPLEMENTED";
    case 0xF: return "CUFFT_LICENSE_ERROR";
    case 0x10: return "CUFFT_NOT_SUPPORTED";
    case 0x11: return "CUFFT_MISSING_DEPENDENCY";
    case 0x12: return "CUFFT_NVRTC_FAILURE";
    case 0x13: return "CUFFT_NVJITLINK_FAILURE";
    case 0x14: return "CUFFT_NVSHMEM_FAILURE";
    default: return "unknown cufftResult";
  }
}

void check(cufftResult r, const char* call) {
  if (r != CUFFT_SUCCESS) {
    throw std::runtime_error(std::string("kernels::FFT3D: ") + call + " failed: " + cufft_result_name(r) +
                             " (" + std::to_string(int(r)) + ")");
  }
}

cudaStream_t kokkos_stream() { return Kokkos::Cuda().cuda_stream(); }

std::atomic<std::uint64_t> live_work_area{0};  // bytes of the work areas of all plans alive

}  // namespace

std::uint64_t fft_work_area_live_bytes() { return live_work_area.load(); }

struct FFT3D::Impl {
  std::array<int, 3> n;
  int batch;
  // One plan per number of grids actually transformed (the full batch is planned up front; a smaller count
  // gets its own plan on first use and keeps it).
  mutable std::mutex mutex;
  mutable std::map<int, cufftHandle> plans;
  mutable std::uint64_t work_bytes = 0;  // cuFFT's work areas of these plans (device memory outside Kokkos)

  Impl(std::array<int, 3> n_, int batch_) : n(n_), batch(batch_) { plan(batch); }

  ~Impl() {
    for (auto& kv : plans) cufftDestroy(kv.second);  // no throwing from a destructor
    live_work_area -= work_bytes;
  }

  cufftHandle plan(int count) const {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = plans.find(count);
    if (it != plans.end()) {
      check(cufftSetStream(it->second, kokkos_stream()), "cufftSetStream");
      return it->second;
    }
    cufftHandle h = 0;
    check(cufftCreate(&h), "cufftCreate");
    try {
      long long dims[3] = {n[0], n[1], n[2]};
      const long long dist = dims[0] * dims[1] * dims[2];
      std::size_t work = 0;
      // inembed/onembed = nullptr: basic layout, grids contiguous at distance `dist`. The 64-bit variant
      // of cufftPlanMany, so that count*N may exceed 2^31 elements.
      check(cufftMakePlanMany64(h, 3, dims, nullptr, 1, dist, nullptr, 1, dist, CUFFT_Z2Z, count, &work),
            "cufftMakePlanMany64 (cufftPlanMany, Z2Z)");
      check(cufftSetStream(h, kokkos_stream()), "cufftSetStream");
    } catch (...) {
      cufftDestroy(h);
      throw;
    }
    plans.emplace(count, h);
    std::size_t work = 0;
    if (cufftGetSize(h, &work) == CUFFT_SUCCESS) {
      work_bytes += work;
      live_work_area += work;
    }
    return h;
  }
};

FFT3D::FFT3D(std::array<int, 3> n, int batch) : n_(n), batch_(batch) {
  if (n[0] <= 0 || n[1] <= 0 || n[2] <= 0 || batch <= 0) {
    throw std::invalid_argument("kernels::FFT3D: grid dimensions and batch must be positive");
  }
  impl_ = std::make_unique<Impl>(n, batch);
}

FFT3D::~FFT3D() = default;

namespace {

int checked_count(const FFT3D& fft, const View1<complex>& data, int count) {
  if (count < 0) count = fft.batch();
  if (count > fft.batch()) {
    throw std::invalid_argument("kernels::FFT3D: count " + std::to_string(count) + " exceeds the planned batch " +
                                std::to_string(fft.batch()));
  }
  if (long(data.extent(0)) < long(count) * fft.size()) {
    throw std::invalid_argument("kernels::FFT3D: view of " + std::to_string(data.extent(0)) +
                                " elements is smaller than count*N = " + std::to_string(long(count) * fft.size()));
  }
  return count;
}

cufftDoubleComplex* as_cufft(const View1<complex>& data) {
  return reinterpret_cast<cufftDoubleComplex*>(data.data());
}

}  // namespace

void FFT3D::forward(View1<complex> data, int count) const {
  count = checked_count(*this, data, count);
  if (count == 0) return;
  cufftHandle h = impl_->plan(count);
  check(cufftExecZ2Z(h, as_cufft(data), as_cufft(data), CUFFT_FORWARD), "cufftExecZ2Z (forward)");
  const long total = long(count) * size();
  const double s = 1.0 / double(size());
  Kokkos::parallel_for(
      "kernels::fft::scale", Kokkos::RangePolicy<ExecSpace, Kokkos::IndexType<long>>(0, total),
      KOKKOS_LAMBDA(const long i) { data(i) *= s; });
}

void FFT3D::backward(View1<complex> data, int count) const {
  count = checked_count(*this, data, count);
  if (count == 0) return;
  cufftHandle h = impl_->plan(count);
  check(cufftExecZ2Z(h, as_cufft(data), as_cufft(data), CUFFT_INVERSE), "cufftExecZ2Z (backward)");
}

// cuFFT has no pruned 3D transform; the box variants run the full transform (same results).
void FFT3D::backward_box(View1<complex> data, int count, std::array<int, 3>) const { backward(data, count); }

void FFT3D::forward_box(View1<complex> data, int count, std::array<int, 3>, bool scale) const {
  count = checked_count(*this, data, count);
  if (count == 0) return;
  cufftHandle h = impl_->plan(count);
  check(cufftExecZ2Z(h, as_cufft(data), as_cufft(data), CUFFT_FORWARD), "cufftExecZ2Z (forward)");
  if (!scale) return;
  const long total = long(count) * size();
  const double s = 1.0 / double(size());
  Kokkos::parallel_for(
      "kernels::fft::scale", Kokkos::RangePolicy<ExecSpace, Kokkos::IndexType<long>>(0, total),
      KOKKOS_LAMBDA(const long i) { data(i) *= s; });
}

namespace {
int g_host_threads = 1;
}

// The CUDA backend runs FFTs and dense linear algebra on the GPU (cuFFT, cuBLAS, cuSOLVER); there is no
// threaded host library to configure, so this only records the value.
void set_host_threads(int n) { g_host_threads = n > 0 ? n : 1; }

// cuFFT makes no measured choices that could differ between runs.
void set_fft_planning(bool) {}
bool import_fft_plans(const std::string&) { return true; }
std::string export_fft_plans() { return {}; }

}  // namespace megabar::kernels
