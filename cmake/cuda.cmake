# CUDA backend of megabar's kernels/ (cuFFT, cuBLAS, cuSOLVER on a Kokkos built with CUDA).
#
# Included by the top-level CMakeLists.txt when MEGABAR_ENABLE_CUDA=ON, after find_package(Kokkos). It works
# whether it is included before or after the target megabar_kernels is created. All C++ is compiled by
# Kokkos' nvcc_wrapper (CMAKE_CXX_COMPILER; scripts/build-cuda sets it, with -arch=sm_80 in CMAKE_CXX_FLAGS);
# CMake's CUDA language is not used.
#
# Defines:
#   MEGABAR_KERNEL_BACKEND_SOURCES    the CUDA backend sources of kernels/ (absolute paths); they replace
#                                     kernels/fft_fftw.cpp, kernels/linalg_host.cpp and kernels/memory_host.cpp
#                                     of the host build
#   MEGABAR_KERNEL_BACKEND_LIBRARIES  CUDA::cufft CUDA::cublas CUDA::cusolver CUDA::cudart
#   MEGABAR_KERNEL_BACKEND            "cuda"
# If megabar_kernels already exists, it also swaps the host backend sources of that target for the CUDA
# ones and links the CUDA libraries to it (a later add_library can use the two variables instead).
#
# For Kokkos 3.x with CUDA >= 13 (Debian's Kokkos 3.4.1 built by scripts/build-kokkos cuda) it adds, as usage
# requirements of Kokkos::kokkos (so every target that uses Kokkos gets them, whenever it was created):
#   - the compile definition KOKKOS_ARCH_MAXWELL50 (Kokkos_Cuda_Half.hpp does not compile under nvcc 13; this
#     makes half_t fall back to float; it must be in every TU that includes Kokkos_Core.hpp)
#   - "-include kernels/cuda/cuda13_compat.hpp" (the old 4-argument cudaMemPrefetchAsync Kokkos 3.x calls)
# and, with MEGABAR_CUDA_SM90=ON (default when nvcc knows sm_90 and Kokkos targets an older arch), sm_90 SASS
# next to Kokkos' sm_80 SASS + compute_80 PTX, passed through nvcc's NVCC_APPEND_FLAGS by a compiler launcher
# (nvcc_wrapper accepts one -arch/-gencode value only), on every C++ target of this directory.
include_guard(GLOBAL)

if(NOT Kokkos_FOUND)
  message(FATAL_ERROR "cmake/cuda.cmake: include it after find_package(Kokkos)")
endif()
if(NOT "CUDA" IN_LIST Kokkos_DEVICES)
  message(FATAL_ERROR
    "MEGABAR_ENABLE_CUDA=ON needs a Kokkos built with the CUDA backend, but the Kokkos found "
    "(${Kokkos_DIR}) has devices '${Kokkos_DEVICES}'. Build one with scripts/build-kokkos cuda and pass "
    "-DKokkos_ROOT=<repo>/.deps/kokkos-cuda (scripts/build-cuda does both).")
endif()
if(NOT CMAKE_CXX_COMPILER MATCHES "nvcc_wrapper" AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(WARNING
    "MEGABAR_ENABLE_CUDA=ON: CMAKE_CXX_COMPILER is ${CMAKE_CXX_COMPILER}; Kokkos' CUDA backend needs its "
    "nvcc_wrapper (for example -DCMAKE_CXX_COMPILER=<Kokkos_ROOT>/bin/nvcc_wrapper) or Clang.")
endif()

find_package(CUDAToolkit REQUIRED)
message(STATUS "megabar CUDA backend: CUDA ${CUDAToolkit_VERSION} (${CUDAToolkit_BIN_DIR}), "
               "Kokkos ${Kokkos_VERSION} devices ${Kokkos_DEVICES} arch ${Kokkos_ARCH}")

set(_megabar_cuda_root "${CMAKE_CURRENT_LIST_DIR}/..")
get_filename_component(_megabar_cuda_root "${_megabar_cuda_root}" ABSOLUTE)

set(MEGABAR_KERNEL_BACKEND "cuda")
set(MEGABAR_KERNEL_BACKEND_SOURCES
    "${_megabar_cuda_root}/kernels/fft_cufft.cpp"
    "${_megabar_cuda_root}/kernels/linalg_cuda.cpp"
    "${_megabar_cuda_root}/kernels/memory_cuda.cpp")
set(MEGABAR_KERNEL_BACKEND_LIBRARIES CUDA::cufft CUDA::cublas CUDA::cusolver CUDA::cudart)

# --- Kokkos 3.x + CUDA 13 workarounds ---------------------------------------------------------------------
set(_megabar_old_kokkos OFF)
if(DEFINED Kokkos_VERSION AND Kokkos_VERSION VERSION_LESS 4.0)
  set(_megabar_old_kokkos ON)
endif()
set(_megabar_default_workarounds OFF)
if(_megabar_old_kokkos AND CUDAToolkit_VERSION VERSION_GREATER_EQUAL 13.0)
  set(_megabar_default_workarounds ON)
endif()
option(MEGABAR_CUDA13_KOKKOS3_WORKAROUNDS
       "KOKKOS_ARCH_MAXWELL50 + force-included kernels/cuda/cuda13_compat.hpp (Kokkos 3.x with CUDA >= 13)"
       ${_megabar_default_workarounds})
if(MEGABAR_CUDA13_KOKKOS3_WORKAROUNDS)
  message(STATUS "megabar CUDA backend: Kokkos 3.x / CUDA 13 workarounds on "
                 "(KOKKOS_ARCH_MAXWELL50, -include kernels/cuda/cuda13_compat.hpp)")
  set_property(TARGET Kokkos::kokkos APPEND PROPERTY INTERFACE_COMPILE_DEFINITIONS KOKKOS_ARCH_MAXWELL50)
  set_property(TARGET Kokkos::kokkos APPEND PROPERTY INTERFACE_COMPILE_OPTIONS
               "$<$<COMPILE_LANGUAGE:CXX>:SHELL:-include ${_megabar_cuda_root}/kernels/cuda/cuda13_compat.hpp>")
endif()

# --- sm_90 SASS next to Kokkos' sm_80 code -----------------------------------------------------------------
set(_megabar_default_sm90 OFF)
if(CMAKE_CXX_COMPILER MATCHES "nvcc_wrapper" AND NOT Kokkos_ARCH MATCHES "HOPPER|BLACKWELL")
  execute_process(COMMAND "${CUDAToolkit_NVCC_EXECUTABLE}" --list-gpu-code
                  OUTPUT_VARIABLE _megabar_gpu_codes ERROR_QUIET RESULT_VARIABLE _megabar_rc)
  if(_megabar_rc EQUAL 0 AND _megabar_gpu_codes MATCHES "sm_90")
    set(_megabar_default_sm90 ON)
  endif()
endif()
option(MEGABAR_CUDA_SM90
       "Also compile sm_90 (H100) SASS, through NVCC_APPEND_FLAGS (nvcc_wrapper takes one -arch value only)"
       ${_megabar_default_sm90})
if(MEGABAR_CUDA_SM90)
  set(_megabar_sm90_launcher "${CMAKE_COMMAND}" -E env
      "NVCC_APPEND_FLAGS=-gencode=arch=compute_90,code=sm_90")
  if(NOT CMAKE_CXX_COMPILER_LAUNCHER MATCHES "NVCC_APPEND_FLAGS")
    set(CMAKE_CXX_COMPILER_LAUNCHER ${_megabar_sm90_launcher} ${CMAKE_CXX_COMPILER_LAUNCHER})
  endif()
  # The link step too: nvcc device-links every executable, and that fatbin is for the -arch of the link line
  # only (sm_80) unless the same flags reach it (scripts/check-cuda-arch finds any fatbin without sm_90).
  if(NOT CMAKE_CXX_LINKER_LAUNCHER MATCHES "NVCC_APPEND_FLAGS")
    set(CMAKE_CXX_LINKER_LAUNCHER ${_megabar_sm90_launcher} ${CMAKE_CXX_LINKER_LAUNCHER})
  endif()
  # Targets created later take the variables; those that already exist get the properties.
  get_property(_megabar_targets DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" PROPERTY BUILDSYSTEM_TARGETS)
  foreach(_t IN LISTS _megabar_targets)
    get_target_property(_type ${_t} TYPE)
    if(NOT _type STREQUAL "INTERFACE_LIBRARY" AND NOT _type STREQUAL "UTILITY")
      set_property(TARGET ${_t} PROPERTY CXX_COMPILER_LAUNCHER ${CMAKE_CXX_COMPILER_LAUNCHER})
      set_property(TARGET ${_t} PROPERTY CXX_LINKER_LAUNCHER ${CMAKE_CXX_LINKER_LAUNCHER})
    endif()
  endforeach()
  message(STATUS "megabar CUDA backend: adding sm_90 SASS (compiler launcher: ${CMAKE_CXX_COMPILER_LAUNCHER})")
endif()

# --- sources that nvcc cannot compile -----------------------------------------------------------------------
# megabar_host_only_sources(<file>...): compile these files with the host compiler only (nvcc_wrapper
# --host-only). For translation units that do not include Kokkos (Kokkos' CUDA headers need nvcc) but include
# headers nvcc's front end rejects: toml++ 3.3 (<toml++/toml.h>) fails under nvcc 13 in any mode with
# "'__T0' was not declared in this scope" (toml++/impl/table.h:914), so TOML parsing must live in such a
# Kokkos-free file. The top-level calls it guarded: if(COMMAND megabar_host_only_sources) ... endif().
function(megabar_host_only_sources)
  if(CMAKE_CXX_COMPILER MATCHES "nvcc_wrapper")
    set_property(SOURCE ${ARGN} DIRECTORY "${CMAKE_SOURCE_DIR}" APPEND PROPERTY COMPILE_OPTIONS --host-only)
  endif()
endfunction()

# --- megabar_kernels, if it exists already: CUDA backends in place of the host ones ------------------------
if(TARGET megabar_kernels)
  get_target_property(_megabar_sources megabar_kernels SOURCES)
  list(FILTER _megabar_sources EXCLUDE REGEX "(^|/)kernels/(fft_fftw|linalg_host|memory_host)\\.cpp$")
  list(FILTER _megabar_sources EXCLUDE REGEX "(^|/)kernels/(fft_cufft|linalg_cuda|memory_cuda)\\.cpp$")
  set_property(TARGET megabar_kernels PROPERTY SOURCES ${_megabar_sources} ${MEGABAR_KERNEL_BACKEND_SOURCES})
  target_link_libraries(megabar_kernels PUBLIC ${MEGABAR_KERNEL_BACKEND_LIBRARIES})
  target_compile_definitions(megabar_kernels PUBLIC MEGABAR_KERNEL_BACKEND_CUDA=1)
  message(STATUS "megabar CUDA backend: megabar_kernels now builds ${MEGABAR_KERNEL_BACKEND_SOURCES}")
endif()

unset(_megabar_sources)
unset(_megabar_targets)
unset(_t)
unset(_type)
unset(_megabar_old_kokkos)
unset(_megabar_default_workarounds)
unset(_megabar_default_sm90)
unset(_megabar_gpu_codes)
unset(_megabar_rc)
