// Dense linear algebra facade on column-major (LayoutLeft) double arrays that live in MemSpace.
// Host: OpenBLAS + LAPACK. CUDA: cuBLAS + cuSOLVER. Small dense eigenproblems (subspace matrices) may be
// solved on the host by the CUDA backend after a copy; that is a backend detail.
#pragma once
#include <cstdint>

#include "kernels/views.hpp"

namespace megabar::kernels::linalg {

enum class Op { N, T };

// C(m x n) = alpha * op(A) * op(B) + beta * C, leading dimensions given explicitly so that sub-blocks of
// a View (a range of columns) can be passed as pointers.
void gemm(Op opa, Op opb, int m, int n, int k, double alpha, const double* A, int lda, const double* B, int ldb,
          double beta, double* C, int ldc);

// C(n x n) = alpha * A^T A + beta * C for A (k x n); only the upper triangle of C is defined on return.
void syrk_t(int n, int k, double alpha, const double* A, int lda, double beta, double* C, int ldc);

// Cholesky A = U^T U (upper). Returns the LAPACK info (0 on success, > 0 if not positive definite).
int potrf_upper(int n, double* A, int lda);

// Solves X U = B in place for B (m x n), U upper triangular (n x n): B <- B U^{-1}.
void trsm_right_upper(int m, int n, const double* U, int ldu, double* B, int ldb);

// Symmetric eigenproblem A v = lambda v (upper triangle of A read). On return A holds the eigenvectors
// (columns), w the eigenvalues in ascending order. A lives in MemSpace; w is a HOST array (callers
// always need the eigenvalues on the host). Returns LAPACK info.
int syev(int n, double* A, int lda, double* w);

// Generalised symmetric-definite problem A v = lambda B v (B positive definite). A <- eigenvectors
// (B-orthonormal), B <- its Cholesky factor, w ascending (a HOST array, as for syev). Returns LAPACK info.
int sygv(int n, double* A, int lda, double* B, int ldb, double* w);

// Makes the upper-triangle-defined symmetric matrix fully symmetric in place.
void symmetrize_from_upper(int n, double* A, int lda);

// Device memory the backend holds outside Kokkos (the cuSOLVER workspace and handles' buffers); 0 on host.
std::uint64_t workspace_bytes();
// The device workspace syev or sygv (eigenvectors) of an n x n matrix needs, the larger: what the shared
// workspace grows to when the Davidson subspace is diagonalised (0 on host backends). For memory predictions.
std::uint64_t eigensolver_workspace_bytes(int n);

}  // namespace megabar::kernels::linalg

namespace megabar::kernels {

// Host BLAS start-up check, called first thing in main(). Debian's OpenBLAS 0.3.21 does not recognise
// CPUs newer than itself (e.g. Sapphire Rapids) and then runs its slowest generic kernels (Prescott,
// ~2x slower GEMMs here). When that happens and the CPU has AVX-512 or AVX2, this sets
// OPENBLAS_CORETYPE to SkylakeX or Haswell and re-executes the program once (the variable is only read
// when the library loads). A user's own OPENBLAS_CORETYPE is always respected. No-op on other backends.
void tune_host_blas(char** argv);

}  // namespace megabar::kernels
