// CUDA implementation of the FFT3D facade (kernels/fft.hpp) on cuFFT.
//
// Conventions as kernels/fft.hpp states: in place, batched Z2Z (C2C for the single-precision box overloads), i2 fastest (C order, which is cuFFT's own),
// batch b at offset b*N; forward = exp(-i G.r) scaled by 1/N, backward = exp(+i G.r) unscaled.
// All transforms and the scaling kernel run on the stream of Kokkos' default CUDA instance, so they are
// ordered with the Kokkos kernels around them exactly like any other Kokkos kernel (asynchronous; a
// deep_copy or Kokkos::fence() waits for them).
// Work areas: every plan of every FFT3D uses one shared work area (cufftSetAutoAllocation off), sized to the
// largest plan alive. Sharing is safe because all transforms run on the one Kokkos stream, one after the other.
// Compiled only when MEGABAR_ENABLE_CUDA=ON (cmake/cuda.cmake); the host build uses kernels/fft_fftw.cpp.
#include <cufft.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/fft.hpp"
#include "kernels/memory.hpp"

#if !defined(KOKKOS_ENABLE_CUDA)
#error "kernels/fft_cufft.cpp needs a Kokkos built with the CUDA backend"
#endif

static_assert(sizeof(megabar::kernels::complex) == sizeof(cufftDoubleComplex),
              "Kokkos::complex<double> and cufftDoubleComplex must have the same layout");
static_assert(sizeof(megabar::kernels::complexf) == sizeof(cufftComplex),
              "Kokkos::complex<float> and cufftComplex must have the same layout");

namespace megabar::kernels {

namespace {

// By numeric value: the set of enumerators differs between CUDA versions (CUDA 13 dropped some, added others).
const char* cufft_result_name(cufftResult r) {
  switch (int(r)) {
    case 0x0:
      return "CUFFT_SUCCESS";
    case 0x1:
      return "CUFFT_INVALID_PLAN";
    case 0x2:
      return "CUFFT_ALLOC_FAILED";
    case 0x3:
      return "CUFFT_INVALID_TYPE";
    case 0x4:
      return "CUFFT_INVALID_VALUE";
    case 0x5:
      return "CUFFT_INTERNAL_ERROR";
    case 0x6:
      return "CUFFT_EXEC_FAILED";
    case 0x7:
      return "CUFFT_SETUP_FAILED";
    case 0x8:
      return "CUFFT_INVALID_SIZE";
    case 0x9:
      return "CUFFT_UNALIGNED_DATA";
    case 0xA:
      return "CUFFT_INCOMPLETE_PARAMETER_LIST";
    case 0xB:
      return "CUFFT_INVALID_DEVICE";
    case 0xC:
      return "CUFFT_PARSE_ERROR";
    case 0xD:
      return "CUFFT_NO_WORKSPACE";
    case 0xE:
      return "CUFFT_NOT_IMPLEMENTED";
    case 0xF:
      return "CUFFT_LICENSE_ERROR";
    case 0x10:
      return "CUFFT_NOT_SUPPORTED";
    case 0x11:
      return "CUFFT_MISSING_DEPENDENCY";
    case 0x12:
      return "CUFFT_NVRTC_FAILURE";
    case 0x13:
      return "CUFFT_NVJITLINK_FAILURE";
    case 0x14:
      return "CUFFT_NVSHMEM_FAILURE";
    default:
      return "unknown cufftResult";
  }
}

void check(cufftResult r, const char* call) {
  if (r != CUFFT_SUCCESS) {
    throw std::runtime_error(std::string("kernels::FFT3D: ") + call + " failed: " + cufft_result_name(r) + " (" +
                             std::to_string(int(r)) + ")");
  }
}

cudaStream_t kokkos_stream() { return Kokkos::Cuda().cuda_stream(); }

// Makes h a plan for `count` grids of shape n, without a work area of its own; returns the bytes it needs.
// inembed/onembed = nullptr: basic layout, grids contiguous at distance N. The 64-bit variant of
// cufftPlanMany, so that count*N may exceed 2^31 elements.
std::size_t make_plan(cufftHandle h, const std::array<int, 3>& n, int count, cufftType type = CUFFT_Z2Z) {
  long long dims[3] = {n[0], n[1], n[2]};
  const long long dist = dims[0] * dims[1] * dims[2];
  std::size_t work = 0;
  check(cufftSetAutoAllocation(h, 0), "cufftSetAutoAllocation");
  check(cufftMakePlanMany64(h, 3, dims, nullptr, 1, dist, nullptr, 1, dist, type, count, &work),
        type == CUFFT_Z2Z ? "cufftMakePlanMany64 (cufftPlanMany, Z2Z)" : "cufftMakePlanMany64 (cufftPlanMany, C2C)");
  return work;
}

// The one work area of all plans, from cudaMalloc (the alignment cuFFT's own allocations have). It only grows
// while plans live and is freed with the last plan; its largest size is reported (fft_work_area_peak_bytes),
// so that a measured peak that adds it is an upper bound.
class SharedWorkArea {
 public:
  static SharedWorkArea& get() {
    static SharedWorkArea* s = new SharedWorkArea;  // never freed: no CUDA calls from static destructors
    return *s;
  }

  // Registers plan h, which needs `bytes`; grows the area (and rebinds every plan to it) when needed.
  void attach(cufftHandle h, std::size_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (bytes > bytes_) {
      // Transforms in flight may still use the old area (cudaFree would wait for the device anyway).
      check_cuda(cudaStreamSynchronize(kokkos_stream()), "cudaStreamSynchronize (cuFFT work area)");
      if (area_ != nullptr) check_cuda(cudaFree(area_), "cudaFree (cuFFT work area)");
      area_ = nullptr;
      bytes_ = 0;
      check_cuda(cudaMalloc(&area_, bytes), "cudaMalloc (cuFFT work area)");
      bytes_ = bytes;
      peak_ = std::max(peak_, bytes_);
      for (cufftHandle p : plans_) check(cufftSetWorkArea(p, area_), "cufftSetWorkArea");
    }
    if (area_ != nullptr) check(cufftSetWorkArea(h, area_), "cufftSetWorkArea");
    plans_.push_back(h);
  }

  void detach(cufftHandle h) {  // no throwing: called from destructors
    std::lock_guard<std::mutex> lock(mutex_);
    plans_.erase(std::remove(plans_.begin(), plans_.end(), h), plans_.end());
    if (plans_.empty() && area_ != nullptr) {
      cudaStreamSynchronize(kokkos_stream());
      cudaFree(area_);
      area_ = nullptr;
      bytes_ = 0;
    }
  }

  std::uint64_t peak() {
    std::lock_guard<std::mutex> lock(mutex_);
    return peak_;
  }

 private:
  static void check_cuda(cudaError_t e, const char* call) {
    if (e != cudaSuccess)
      throw std::runtime_error(std::string("kernels::FFT3D: ") + call + " failed: " + cudaGetErrorString(e));
  }

  std::mutex mutex_;
  std::vector<cufftHandle> plans_;
  void* area_ = nullptr;
  std::size_t bytes_ = 0, peak_ = 0;
};

}  // namespace

std::uint64_t fft_work_area_peak_bytes() { return SharedWorkArea::get().peak(); }

// The exact size (cufftEstimateMany gave 0 under CUDA 13 for plans that need an area); if no plan can be
// made, a work area as large as the data is assumed.
std::uint64_t fft_work_area_bytes(std::array<int, 3> n, int count) {
  cufftHandle h = 0;
  if (cufftCreate(&h) != CUFFT_SUCCESS) return std::uint64_t(n[0]) * n[1] * n[2] * count * 16;
  std::uint64_t work = 0;
  try {
    work = make_plan(h, n, count);
  } catch (const std::runtime_error&) {
    work = std::uint64_t(n[0]) * n[1] * n[2] * count * 16;
  }
  cufftDestroy(h);
  return work;
}

struct FFT3D::Impl {
  std::array<int, 3> n;
  int batch;
  // One plan per number of grids actually transformed and precision (the full double batch is planned up
  // front; the others on first use, and kept). All share SharedWorkArea.
  mutable std::mutex mutex;
  mutable std::map<std::pair<int, bool>, cufftHandle> plans;  // (count, single precision)

  Impl(std::array<int, 3> n_, int batch_) : n(n_), batch(batch_) { plan(batch); }

  ~Impl() {
    for (auto& kv : plans) {  // no throwing from a destructor
      SharedWorkArea::get().detach(kv.second);
      cufftDestroy(kv.second);
    }
  }

  cufftHandle plan(int count, bool single = false) const {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = plans.find({count, single});
    if (it != plans.end()) {
      check(cufftSetStream(it->second, kokkos_stream()), "cufftSetStream");
      return it->second;
    }
    cufftHandle h = 0;
    check(cufftCreate(&h), "cufftCreate");
    try {
      const std::size_t work = make_plan(h, n, count, single ? CUFFT_C2C : CUFFT_Z2Z);
      check(cufftSetStream(h, kokkos_stream()), "cufftSetStream");
      SharedWorkArea::get().attach(h, work);
    } catch (...) {
      cufftDestroy(h);
      throw;
    }
    plans.emplace(std::make_pair(count, single), h);
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

template <class C>
int checked_count(const FFT3D& fft, const View1<C>& data, int count) {
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

cufftDoubleComplex* as_cufft(const View1<complex>& data) { return reinterpret_cast<cufftDoubleComplex*>(data.data()); }
cufftComplex* as_cufft(const View1<complexf>& data) { return reinterpret_cast<cufftComplex*>(data.data()); }

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

// Single precision (C2C), also as full transforms.
void FFT3D::backward_box(View1<complexf> data, int count, std::array<int, 3>) const {
  count = checked_count(*this, data, count);
  if (count == 0) return;
  cufftHandle h = impl_->plan(count, true);
  check(cufftExecC2C(h, as_cufft(data), as_cufft(data), CUFFT_INVERSE), "cufftExecC2C (backward)");
}

void FFT3D::forward_box(View1<complexf> data, int count, std::array<int, 3>, bool scale) const {
  count = checked_count(*this, data, count);
  if (count == 0) return;
  cufftHandle h = impl_->plan(count, true);
  check(cufftExecC2C(h, as_cufft(data), as_cufft(data), CUFFT_FORWARD), "cufftExecC2C (forward)");
  if (!scale) return;
  const long total = long(count) * size();
  const float s = 1.0f / float(size());
  Kokkos::parallel_for(
      "kernels::fft::scale_f", Kokkos::RangePolicy<ExecSpace, Kokkos::IndexType<long>>(0, total),
      KOKKOS_LAMBDA(const long i) { data(i) *= s; });
}

namespace {
template <class C, class R>
void multiply_grids(View1<C> data, long total, long N, const View1<R>& v, R scale) {
  Kokkos::parallel_for(
      "kernels::fft::multiply", Kokkos::RangePolicy<ExecSpace, Kokkos::IndexType<long>>(0, total),
      KOKKOS_LAMBDA(const long i) { data(i) *= scale * v(i % N); });
}

// Zeroes the x planes outside the box (|m_0| > m0) of `count` grids of shape n (multiply_box's promise).
template <class C>
void zero_outside_planes(View1<C> data, int count, const std::array<int, 3>& n, int m0) {
  if (2 * m0 + 1 >= n[0]) return;
  const long plane = long(n[1]) * n[2], N = n[0] * plane, outside = n[0] - (2 * m0 + 1);
  const long first = (m0 + 1) * plane;  // the outside planes are m0 + 1 ... n0 - m0 - 1, contiguous
  Kokkos::parallel_for(
      "kernels::fft::zero_outside_planes",
      Kokkos::RangePolicy<ExecSpace, Kokkos::IndexType<long>>(0, long(count) * outside * plane),
      KOKKOS_LAMBDA(const long i) {
        const long b = i / (outside * plane), r = i % (outside * plane);
        data(b * N + first + r) = C(0, 0);
      });
}

// cuFFT has no pruned transforms: the three steps in turn, then the planes multiply_box promises to leave zero.
template <class C, class R>
void multiply_box_steps(const FFT3D& fft, View1<C> data, int count, const std::array<int, 3>& mmax, const View1<R>& v,
                        R scale) {
  count = checked_count(fft, data, count);
  if (count == 0) return;
  fft.backward_box(data, count, mmax);
  multiply_grids(data, long(count) * fft.size(), fft.size(), v, scale);
  fft.forward_box(data, count, mmax, false);
  zero_outside_planes(data, count, fft.shape(), mmax[0]);
}
}  // namespace

void FFT3D::multiply_box(View1<complex> data, int count, std::array<int, 3> mmax, const View1<double>& v,
                         double scale) const {
  multiply_box_steps(*this, data, count, mmax, v, scale);
}

void FFT3D::multiply_box(View1<complexf> data, int count, std::array<int, 3> mmax, const View1<float>& v,
                         float scale) const {
  multiply_box_steps(*this, data, count, mmax, v, scale);
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
