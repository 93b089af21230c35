// Host backend of the dense linear algebra facade: BLAS + LAPACK (OpenBLAS), column-major.
// The Fortran symbols are declared here with gfortran's hidden character-length arguments, so no
// cblas/lapacke header is needed and any reference-compatible BLAS/LAPACK links.
#include <algorithm>
#include <cstddef>
#include <vector>

#include "kernels/linalg.hpp"

extern "C" {
using flen = std::size_t;  // hidden length of each CHARACTER argument (gfortran ABI)
void dgemm_(const char* ta, const char* tb, const int* m, const int* n, const int* k, const double* alpha,
            const double* A, const int* lda, const double* B, const int* ldb, const double* beta, double* C,
            const int* ldc, flen, flen);
void dsyrk_(const char* uplo, const char* trans, const int* n, const int* k, const double* alpha, const double* A,
            const int* lda, const double* beta, double* C, const int* ldc, flen, flen);
void dtrsm_(const char* side, const char* uplo, const char* ta, const char* diag, const int* m, const int* n,
            const double* alpha, const double* A, const int* lda, double* B, const int* ldb, flen, flen, flen, flen);
void dpotrf_(const char* uplo, const int* n, double* A, const int* lda, int* info, flen);
void dsyevd_(const char* jobz, const char* uplo, const int* n, double* A, const int* lda, double* w, double* work,
             const int* lwork, int* iwork, const int* liwork, int* info, flen, flen);
void dsygvd_(const int* itype, const char* jobz, const char* uplo, const int* n, double* A, const int* lda, double* B,
             const int* ldb, double* w, double* work, const int* lwork, int* iwork, const int* liwork, int* info, flen,
             flen);
}

namespace megabar::kernels::linalg {

namespace {
const char* op_char(Op op) { return op == Op::N ? "N" : "T"; }
}  // namespace

void gemm(Op opa, Op opb, int m, int n, int k, double alpha, const double* A, int lda, const double* B, int ldb,
          double beta, double* C, int ldc) {
  if (m == 0 || n == 0) return;
  dgemm_(op_char(opa), op_char(opb), &m, &n, &k, &alpha, A, &lda, B, &ldb, &beta, C, &ldc, 1, 1);
}

void syrk_t(int n, int k, double alpha, const double* A, int lda, double beta, double* C, int ldc) {
  if (n == 0) return;
  dsyrk_("U", "T", &n, &k, &alpha, A, &lda, &beta, C, &ldc, 1, 1);
}

int potrf_upper(int n, double* A, int lda) {
  int info = 0;
  if (n > 0) dpotrf_("U", &n, A, &lda, &info, 1);
  return info;
}

void trsm_right_upper(int m, int n, const double* U, int ldu, double* B, int ldb) {
  if (m == 0 || n == 0) return;
  const double one = 1.0;
  dtrsm_("R", "U", "N", "N", &m, &n, &one, U, &ldu, B, &ldb, 1, 1, 1, 1);
}

int syev(int n, double* A, int lda, double* w) {
  if (n == 0) return 0;
  int info = 0, lwork = -1, liwork = -1, iwork_query = 0;
  double work_query = 0;
  dsyevd_("V", "U", &n, A, &lda, w, &work_query, &lwork, &iwork_query, &liwork, &info, 1, 1);  // sizes
  if (info != 0) return info;
  lwork = int(work_query);
  liwork = iwork_query;
  std::vector<double> work(std::max(lwork, 1));
  std::vector<int> iwork(std::max(liwork, 1));
  dsyevd_("V", "U", &n, A, &lda, w, work.data(), &lwork, iwork.data(), &liwork, &info, 1, 1);
  return info;
}

int sygv(int n, double* A, int lda, double* B, int ldb, double* w) {
  if (n == 0) return 0;
  const int itype = 1;  // A v = lambda B v
  int info = 0, lwork = -1, liwork = -1, iwork_query = 0;
  double work_query = 0;
  dsygvd_(&itype, "V", "U", &n, A, &lda, B, &ldb, w, &work_query, &lwork, &iwork_query, &liwork, &info, 1, 1);
  if (info != 0) return info;
  lwork = int(work_query);
  liwork = iwork_query;
  std::vector<double> work(std::max(lwork, 1));
  std::vector<int> iwork(std::max(liwork, 1));
  dsygvd_(&itype, "V", "U", &n, A, &lda, B, &ldb, w, work.data(), &lwork, iwork.data(), &liwork, &info, 1, 1);
  return info;
}

void symmetrize_from_upper(int n, double* A, int lda) {
  for (int j = 0; j < n; ++j)
    for (int i = j + 1; i < n; ++i) A[i + long(j) * lda] = A[j + long(i) * lda];  // lower <- upper
}

std::uint64_t workspace_bytes() { return 0; }  // LAPACK's workspaces are host memory
std::uint64_t eigensolver_workspace_bytes(int) { return 0; }

}  // namespace megabar::kernels::linalg

// ---- start-up check of the OpenBLAS kernel choice (see linalg.hpp) ---------------------------------
#include <unistd.h>

#include <cstdlib>
#include <cstring>

extern "C" char* openblas_get_corename(void) __attribute__((weak));

namespace megabar::kernels {

void tune_host_blas(char** argv) {
  if (!openblas_get_corename || std::getenv("OPENBLAS_CORETYPE") || std::getenv("MEGABAR_BLAS_REEXEC")) return;
  const char* core = openblas_get_corename();
  if (!core || std::strcmp(core, "Prescott") != 0) return;  // a recognised CPU: nothing to do
  __builtin_cpu_init();
  const char* hint =
      __builtin_cpu_supports("avx512f") ? "SkylakeX" : (__builtin_cpu_supports("avx2") ? "Haswell" : nullptr);
  if (!hint) return;
  setenv("OPENBLAS_CORETYPE", hint, 1);
  setenv("MEGABAR_BLAS_REEXEC", "1", 1);
  execv("/proc/self/exe", argv);  // returns only on failure: then carry on with the generic kernels
}

}  // namespace megabar::kernels
