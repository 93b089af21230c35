// Kokkos View aliases and the execution/memory spaces every physics loop uses.
// No physics here: just the vocabulary that dft/ and md/ share.
#pragma once
#include <Kokkos_Core.hpp>
#include <Kokkos_Complex.hpp>

namespace megabar::kernels {

using ExecSpace = Kokkos::DefaultExecutionSpace;
using MemSpace = ExecSpace::memory_space;
using HostSpace = Kokkos::HostSpace;
using complex = Kokkos::complex<double>;
using complexf = Kokkos::complex<float>;  // single-precision grids (FFT3D's *_box overloads)

// Column-major (LayoutLeft) 2D views so that a column (one band) is contiguous, as BLAS expects.
template <class T>
using View1 = Kokkos::View<T*, Kokkos::LayoutLeft, MemSpace>;
template <class T>
using View2 = Kokkos::View<T**, Kokkos::LayoutLeft, MemSpace>;
template <class T>
using HostView1 = typename View1<T>::HostMirror;
template <class T>
using HostView2 = typename View2<T>::HostMirror;

using RangePolicy = Kokkos::RangePolicy<ExecSpace>;

}  // namespace megabar::kernels
