// Device-callable math functions under one name whatever the Kokkos version: Kokkos 3.4 keeps them in
// Kokkos::Experimental, Kokkos >= 3.6 in Kokkos::.
#pragma once
#include <Kokkos_Core.hpp>

namespace megabar::kernels::math {
#if KOKKOS_VERSION >= 30600
using Kokkos::cbrt;
using Kokkos::cos;
using Kokkos::erfc;
using Kokkos::exp;
using Kokkos::log;
using Kokkos::sin;
using Kokkos::sqrt;
#else
using Kokkos::Experimental::cbrt;
using Kokkos::Experimental::cos;
using Kokkos::Experimental::erfc;
using Kokkos::Experimental::exp;
using Kokkos::Experimental::log;
using Kokkos::Experimental::sin;
using Kokkos::Experimental::sqrt;
#endif
}  // namespace megabar::kernels::math
