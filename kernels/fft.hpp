// Batched complex-to-complex 3D FFT facade.
//
// Convention (stated once, in docs/conventions.md too):
//   forward:  F(G) = (1/N) sum_r f(r) exp(-i G.r)     (scaled by 1/N, N = n0*n1*n2)
//   backward: f(r) =       sum_G F(G) exp(+i G.r)     (unscaled)
// so backward(forward(f)) == f.  Data are stored with index i2 fastest:
//   idx = (i0*n1 + i1)*n2 + i2, batch b at offset b*N.
// The host implementation is FFTW (threads); the CUDA one is cuFFT. Which one is compiled is decided in
// kernels/ only.
#pragma once
#include <array>
#include <memory>
#include <string>

#include "kernels/views.hpp"

namespace megabar::kernels {

class FFT3D {
 public:
  // Plans transforms of `batch` grids of shape n[0] x n[1] x n[2], in place.
  FFT3D(std::array<int, 3> n, int batch = 1);
  ~FFT3D();
  FFT3D(const FFT3D&) = delete;
  FFT3D& operator=(const FFT3D&) = delete;

  const std::array<int, 3>& shape() const { return n_; }
  long size() const { return long(n_[0]) * n_[1] * n_[2]; }
  int batch() const { return batch_; }

  // In-place transforms of the first `count` (<= batch) grids stored contiguously in `data`
  // (data.extent(0) >= count*size()).
  void forward(View1<complex> data, int count = -1) const;
  void backward(View1<complex> data, int count = -1) const;

  // The same transforms for fields whose G-space content lies in the box |m_i| <= mmax[i] (Miller index
  // m_i stored at i = m_i mod n_i), such as wavefunctions, whose sphere spans about half of the density
  // grid along each axis. backward_box assumes every entry outside the box is zero; forward_box computes
  // only the entries inside the box (the others are left undefined). Skipping the empty lines saves about
  // 40% of the work. `scale = false` omits forward's 1/N (callers may fold it into a potential).
  void backward_box(View1<complex> data, int count, std::array<int, 3> mmax) const;
  void forward_box(View1<complex> data, int count, std::array<int, 3> mmax, bool scale = true) const;

  // The same box transforms in single precision (complex<float> grids; FFTW's fftwf, cuFFT's C2C), for the
  // wavefunction transforms of SCF iterations that need no more accuracy (dft/hamiltonian.hpp). About half
  // the memory traffic of the double ones; the relative rounding error is ~1e-7 instead of ~1e-16.
  void backward_box(View1<complexf> data, int count, std::array<int, 3> mmax) const;
  void forward_box(View1<complexf> data, int count, std::array<int, 3> mmax, bool scale = true) const;

  // A local potential's products, in place: for each of the `count` grids, whose G-space content lies in the
  // box (zero outside it), the box entries of forward_unscaled(scale * v(r) * backward(grid)); the x planes
  // outside the box (|m_0| > mmax[0]) are left zero, so that the next use of the grids need only clear the box
  // planes; the other entries are left undefined. The host backend does the x lines of both transforms and the
  // product slab by slab (each slab stays in cache; no separate pass over the grids), the CUDA one the three
  // steps in turn.
  void multiply_box(View1<complex> data, int count, std::array<int, 3> mmax, const View1<double>& v,
                    double scale) const;
  void multiply_box(View1<complexf> data, int count, std::array<int, 3> mmax, const View1<float>& v, float scale) const;

 private:
  struct Impl;
  std::array<int, 3> n_;
  int batch_;
  std::unique_ptr<Impl> impl_;
};

// Number of threads host backends (FFTW, OpenBLAS) may use; call once at start-up.
void set_host_threads(int n);

// How plans are chosen: measured (the fastest algorithm on this machine; FFTW_MEASURE, the default) or
// estimated (FFTW_ESTIMATE: deterministic, so two runs of the same input give bit-identical results, at
// some cost in speed). Applies to plans made afterwards.
void set_fft_planning(bool measure);

// The planner's choices (FFTW "wisdom", of the double- and single-precision plans). A run that is continued from a checkpoint imports what the first
// run chose, so both execute the same algorithms and give bit-identical results (FFTW_MEASURE otherwise
// may pick differently from one start to the next). Backends without planner choices do nothing.
// import returns false when the file is absent or unreadable (the planner then chooses afresh); export
// returns the choices as text for such a file (empty for backends without planner choices: nothing to save).
bool import_fft_plans(const std::string& path);
std::string export_fft_plans();

}  // namespace megabar::kernels
