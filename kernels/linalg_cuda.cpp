// CUDA implementation of the dense linear algebra facade (kernels/linalg.hpp): cuBLAS (gemm, syrk, trsm)
// and cuSOLVER (potrf, syevd, sygvd). Every pointer is a device pointer (the arrays live in MemSpace,
// column-major); scalars (alpha, beta) are passed by host reference.
//
// The cuBLAS and cuSOLVER handles, the device `info` word and a growing device workspace are created once
// (a process-wide singleton, on first use) and released by a Kokkos finalize hook. Each call is issued on the
// stream of Kokkos' default CUDA instance, so it is ordered with the surrounding Kokkos kernels. The BLAS-3
// calls are asynchronous, like a Kokkos kernel; the LAPACK-like calls return `info` and therefore wait for
// their own completion. Errors throw std::runtime_error naming the failing call.
// Compiled only when MEGABAR_ENABLE_CUDA=ON (cmake/cuda.cmake); the host build uses kernels/linalg_host.cpp.
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cusolverDn.h>

#include <algorithm>
#include <cstddef>
#include <mutex>
#include <stdexcept>
#include <string>

#include "kernels/linalg.hpp"

#if !defined(KOKKOS_ENABLE_CUDA)
#error "kernels/linalg_cuda.cpp needs a Kokkos built with the CUDA backend"
#endif

namespace megabar::kernels::linalg {

namespace {

[[noreturn]] void fail(const char* call, const std::string& what) {
  throw std::runtime_error(std::string("kernels::linalg: ") + call + " failed: " + what);
}

void check_cuda(cudaError_t e, const char* call) {
  if (e != cudaSuccess) fail(call, std::string(cudaGetErrorName(e)) + " (" + cudaGetErrorString(e) + ")");
}

void check_cublas(cublasStatus_t s, const char* call) {
  if (s != CUBLAS_STATUS_SUCCESS)
    fail(call, std::string(cublasGetStatusName(s)) + " (" + cublasGetStatusString(s) + ")");
}

const char* cusolver_status_name(cusolverStatus_t s) {
  switch (s) {
    case CUSOLVER_STATUS_SUCCESS:
      return "CUSOLVER_STATUS_SUCCESS";
    case CUSOLVER_STATUS_NOT_INITIALIZED:
      return "CUSOLVER_STATUS_NOT_INITIALIZED";
    case CUSOLVER_STATUS_ALLOC_FAILED:
      return "CUSOLVER_STATUS_ALLOC_FAILED";
    case CUSOLVER_STATUS_INVALID_VALUE:
      return "CUSOLVER_STATUS_INVALID_VALUE";
    case CUSOLVER_STATUS_ARCH_MISMATCH:
      return "CUSOLVER_STATUS_ARCH_MISMATCH";
    case CUSOLVER_STATUS_MAPPING_ERROR:
      return "CUSOLVER_STATUS_MAPPING_ERROR";
    case CUSOLVER_STATUS_EXECUTION_FAILED:
      return "CUSOLVER_STATUS_EXECUTION_FAILED";
    case CUSOLVER_STATUS_INTERNAL_ERROR:
      return "CUSOLVER_STATUS_INTERNAL_ERROR";
    case CUSOLVER_STATUS_MATRIX_TYPE_NOT_SUPPORTED:
      return "CUSOLVER_STATUS_MATRIX_TYPE_NOT_SUPPORTED";
    case CUSOLVER_STATUS_NOT_SUPPORTED:
      return "CUSOLVER_STATUS_NOT_SUPPORTED";
    default:
      return "unknown cusolverStatus_t";
  }
}

void check_cusolver(cusolverStatus_t s, const char* call) {
  if (s != CUSOLVER_STATUS_SUCCESS)
    fail(call, std::string(cusolver_status_name(s)) + " (" + std::to_string(int(s)) + ")");
}

cublasOperation_t to_cublas(Op op) { return op == Op::N ? CUBLAS_OP_N : CUBLAS_OP_T; }

// Handles, info word and workspace, created once. Access goes through Context::get(), which also binds the
// handles to the current Kokkos stream and serialises callers (cuBLAS/cuSOLVER handles are not meant to be
// used from several host threads at once, and the workspace is shared).
class Context {
 public:
  static std::unique_lock<std::mutex> lock() { return std::unique_lock<std::mutex>(mutex()); }

  // Caller holds lock().
  static bool exists() { return instance() != nullptr; }

  static Context& get() {
    Context*& c = instance();
    if (c == nullptr) {
      c = new Context();
      // Release the handles and device memory before Kokkos tears the device down (hooks run once, at the
      // next Kokkos::finalize; a later call after a re-initialisation creates a new Context and a new hook).
      Kokkos::push_finalize_hook([] {
        auto l = lock();
        delete instance();
        instance() = nullptr;
      });
    }
    c->bind_stream();
    return *c;
  }

  cublasHandle_t blas() const { return blas_; }
  cusolverDnHandle_t solver() const { return solver_; }
  int* device_info() const { return info_; }

  std::size_t workspace_size() const { return work_bytes_; }

  double* workspace(int lwork) {
    const std::size_t bytes = std::size_t(lwork > 0 ? lwork : 1) * sizeof(double);
    if (bytes > work_bytes_) {
      if (work_ != nullptr) {
        // The stream may still use the old buffer.
        check_cuda(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
        check_cuda(cudaFree(work_), "cudaFree (linalg workspace)");
        work_ = nullptr;
        work_bytes_ = 0;
      }
      check_cuda(cudaMalloc(reinterpret_cast<void**>(&work_), bytes), "cudaMalloc (linalg workspace)");
      work_bytes_ = bytes;
    }
    return work_;
  }

  // Copies the device info word back (waiting for the stream) and returns it.
  int read_info(const char* call) {
    int info = 0;
    check_cuda(cudaMemcpyAsync(&info, info_, sizeof(int), cudaMemcpyDeviceToHost, stream_),
               (std::string("cudaMemcpyAsync (info of ") + call + ")").c_str());
    check_cuda(cudaStreamSynchronize(stream_), (std::string("cudaStreamSynchronize (after ") + call + ")").c_str());
    return info;
  }

  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

 private:
  Context() {
    check_cublas(cublasCreate(&blas_), "cublasCreate");
    cusolverStatus_t s = cusolverDnCreate(&solver_);
    if (s != CUSOLVER_STATUS_SUCCESS) {
      cublasDestroy(blas_);
      check_cusolver(s, "cusolverDnCreate");
    }
    cudaError_t e = cudaMalloc(reinterpret_cast<void**>(&info_), sizeof(int));
    if (e != cudaSuccess) {
      cusolverDnDestroy(solver_);
      cublasDestroy(blas_);
      check_cuda(e, "cudaMalloc (linalg info)");
    }
  }

  ~Context() {  // best effort: no throwing while tearing down
    if (work_ != nullptr) cudaFree(work_);
    if (info_ != nullptr) cudaFree(info_);
    if (solver_ != nullptr) cusolverDnDestroy(solver_);
    if (blas_ != nullptr) cublasDestroy(blas_);
  }

  void bind_stream() {
    cudaStream_t s = Kokkos::Cuda().cuda_stream();
    if (!stream_bound_ || s != stream_) {
      check_cublas(cublasSetStream(blas_, s), "cublasSetStream");
      check_cusolver(cusolverDnSetStream(solver_, s), "cusolverDnSetStream");
      stream_ = s;
      stream_bound_ = true;
    }
  }

  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  static Context*& instance() {
    static Context* c = nullptr;
    return c;
  }

  cublasHandle_t blas_ = nullptr;
  cusolverDnHandle_t solver_ = nullptr;
  cudaStream_t stream_ = nullptr;
  bool stream_bound_ = false;
  int* info_ = nullptr;
  double* work_ = nullptr;
  std::size_t work_bytes_ = 0;
};

}  // namespace

void gemm(Op opa, Op opb, int m, int n, int k, double alpha, const double* A, int lda, const double* B, int ldb,
          double beta, double* C, int ldc) {
  if (m <= 0 || n <= 0) return;
  auto l = Context::lock();
  Context& ctx = Context::get();
  check_cublas(cublasDgemm(ctx.blas(), to_cublas(opa), to_cublas(opb), m, n, k, &alpha, A, lda, B, ldb, &beta, C, ldc),
               "cublasDgemm");
}

void syrk_t(int n, int k, double alpha, const double* A, int lda, double beta, double* C, int ldc) {
  if (n <= 0) return;
  auto l = Context::lock();
  Context& ctx = Context::get();
  check_cublas(cublasDsyrk(ctx.blas(), CUBLAS_FILL_MODE_UPPER, CUBLAS_OP_T, n, k, &alpha, A, lda, &beta, C, ldc),
               "cublasDsyrk");
}

int potrf_upper(int n, double* A, int lda) {
  if (n <= 0) return 0;
  auto l = Context::lock();
  Context& ctx = Context::get();
  int lwork = 0;
  check_cusolver(cusolverDnDpotrf_bufferSize(ctx.solver(), CUBLAS_FILL_MODE_UPPER, n, A, lda, &lwork),
                 "cusolverDnDpotrf_bufferSize");
  double* work = ctx.workspace(lwork);
  check_cusolver(cusolverDnDpotrf(ctx.solver(), CUBLAS_FILL_MODE_UPPER, n, A, lda, work, lwork, ctx.device_info()),
                 "cusolverDnDpotrf");
  return ctx.read_info("cusolverDnDpotrf");
}

void trsm_right_upper(int m, int n, const double* U, int ldu, double* B, int ldb) {
  if (m <= 0 || n <= 0) return;
  auto l = Context::lock();
  Context& ctx = Context::get();
  const double one = 1.0;
  check_cublas(cublasDtrsm(ctx.blas(), CUBLAS_SIDE_RIGHT, CUBLAS_FILL_MODE_UPPER, CUBLAS_OP_N, CUBLAS_DIAG_NON_UNIT, m,
                           n, &one, U, ldu, B, ldb),
               "cublasDtrsm");
}

namespace {
// Eigenvalues are computed into device memory and returned in the caller's host array.
using DeviceValues = Kokkos::View<double*, MemSpace>;
void values_to_host(const DeviceValues& d, double* w, int n) {
  Kokkos::deep_copy(Kokkos::View<double*, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>(w, n), d);
}
}  // namespace

int syev(int n, double* A, int lda, double* w_host) {
  if (n <= 0) return 0;
  DeviceValues wd("linalg::syev::w", n);
  double* w = wd.data();
  auto l = Context::lock();
  Context& ctx = Context::get();
  int lwork = 0;
  check_cusolver(
      cusolverDnDsyevd_bufferSize(ctx.solver(), CUSOLVER_EIG_MODE_VECTOR, CUBLAS_FILL_MODE_UPPER, n, A, lda, w, &lwork),
      "cusolverDnDsyevd_bufferSize");
  double* work = ctx.workspace(lwork);
  check_cusolver(cusolverDnDsyevd(ctx.solver(), CUSOLVER_EIG_MODE_VECTOR, CUBLAS_FILL_MODE_UPPER, n, A, lda, w, work,
                                  lwork, ctx.device_info()),
                 "cusolverDnDsyevd");
  const int info = ctx.read_info("cusolverDnDsyevd");
  values_to_host(wd, w_host, n);
  return info;
}

int sygv(int n, double* A, int lda, double* B, int ldb, double* w_host) {
  if (n <= 0) return 0;
  DeviceValues wd("linalg::sygv::w", n);
  double* w = wd.data();
  auto l = Context::lock();
  Context& ctx = Context::get();
  int lwork = 0;
  check_cusolver(cusolverDnDsygvd_bufferSize(ctx.solver(), CUSOLVER_EIG_TYPE_1, CUSOLVER_EIG_MODE_VECTOR,
                                             CUBLAS_FILL_MODE_UPPER, n, A, lda, B, ldb, w, &lwork),
                 "cusolverDnDsygvd_bufferSize");
  double* work = ctx.workspace(lwork);
  check_cusolver(cusolverDnDsygvd(ctx.solver(), CUSOLVER_EIG_TYPE_1, CUSOLVER_EIG_MODE_VECTOR, CUBLAS_FILL_MODE_UPPER,
                                  n, A, lda, B, ldb, w, work, lwork, ctx.device_info()),
                 "cusolverDnDsygvd");
  const int info = ctx.read_info("cusolverDnDsygvd");
  values_to_host(wd, w_host, n);
  return info;
}

void symmetrize_from_upper(int n, double* A, int lda) {
  if (n <= 0) return;
  const long nn = long(n) * n;
  const long ld = lda;
  Kokkos::parallel_for(
      "kernels::linalg::symmetrize_from_upper", Kokkos::RangePolicy<ExecSpace, Kokkos::IndexType<long>>(0, nn),
      KOKKOS_LAMBDA(const long idx) {
        const long i = idx % n;
        const long j = idx / n;
        if (i > j) A[i + j * ld] = A[j + i * ld];  // lower (i, j) <- upper (j, i)
      });
}

std::uint64_t eigensolver_workspace_bytes(int n) {
  if (n <= 0) return 0;
  DeviceValues a("linalg::syev_size::a", std::size_t(n) * n), w("linalg::syev_size::w", n);  // sizes only
  auto l = Context::lock();
  Context& ctx = Context::get();
  int lwork = 0, lwork_gen = 0;
  check_cusolver(cusolverDnDsyevd_bufferSize(ctx.solver(), CUSOLVER_EIG_MODE_VECTOR, CUBLAS_FILL_MODE_UPPER, n,
                                             a.data(), n, w.data(), &lwork),
                 "cusolverDnDsyevd_bufferSize");
  // Davidson's subspace step is the generalised problem once corrections are in (sygv, B = the overlap).
  check_cusolver(cusolverDnDsygvd_bufferSize(ctx.solver(), CUSOLVER_EIG_TYPE_1, CUSOLVER_EIG_MODE_VECTOR,
                                             CUBLAS_FILL_MODE_UPPER, n, a.data(), n, a.data(), n, w.data(), &lwork_gen),
                 "cusolverDnDsygvd_bufferSize");
  lwork = std::max(lwork, lwork_gen);
  return std::uint64_t(lwork > 0 ? lwork : 1) * sizeof(double);
}

std::uint64_t workspace_bytes() {
  auto l = Context::lock();
  return Context::exists() ? Context::get().workspace_size() : 0;
}

}  // namespace megabar::kernels::linalg

namespace megabar::kernels {
// Dense algebra runs in cuBLAS/cuSOLVER: there is no host BLAS kernel choice to check.
void tune_host_blas(char**) {}
}  // namespace megabar::kernels
