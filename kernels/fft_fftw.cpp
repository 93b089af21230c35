// Host backend of the FFT3D facade: FFTW3 (double precision, threads).
//
// Convention (see kernels/fft.hpp): forward = exp(-i G.r) scaled by 1/N, backward = exp(+i G.r)
// unscaled; i2 is the fastest index, batch b starts at b*N.
//
// Plans are made once, in place, on a scratch buffer (so planning never touches user data), and run with
// fftw_execute_dft on the caller's pointer. FFTW requires that pointer to have the same SIMD alignment as
// the planning buffer; when it does not, a second set of FFTW_UNALIGNED plans is made on first use.
#include <fftw3.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "kernels/fft.hpp"

extern "C" void openblas_set_num_threads(int) __attribute__((weak));  // present only with OpenBLAS

namespace megabar::kernels {

static_assert(sizeof(complex) == sizeof(fftw_complex), "Kokkos::complex<double> must match fftw_complex");

namespace {

int host_threads = 1;             // set by set_host_threads()
bool fftw_threads_ready = false;  // fftw_init_threads() done: only then may fftw_plan_with_nthreads be called

bool measure_plans = true;  // set_fft_planning()

unsigned planner_flags() {
  // MEGABAR_FFTW_ESTIMATE=1 skips measuring (fast start-up, e.g. in tests) whatever the program chose.
  const char* e = std::getenv("MEGABAR_FFTW_ESTIMATE");
  if (e && std::string(e) != "0") return FFTW_ESTIMATE;
  return measure_plans ? FFTW_MEASURE : FFTW_ESTIMATE;
}

// One direction's plans: `many` transforms all `batch` grids at once, `one` a single grid.
struct PlanPair {
  fftw_plan many = nullptr;
  fftw_plan one = nullptr;
  void destroy() {
    if (many) fftw_destroy_plan(many);
    if (one) fftw_destroy_plan(one);
    many = one = nullptr;
  }
};

}  // namespace

struct FFT3D::Impl {
  std::array<int, 3> n;
  int batch;
  long N;
  PlanPair aligned[2], unaligned[2];  // [0] forward (FFTW_FORWARD = -1), [1] backward (FFTW_BACKWARD = +1)
  int planned_alignment = 0;          // fftw_alignment_of() of the planning buffer

  PlanPair make(int dir, unsigned extra) const {
    fftw_complex* scratch = fftw_alloc_complex(size_t(N) * batch);
    if (!scratch) throw std::bad_alloc();
    const int sign = dir == 0 ? FFTW_FORWARD : FFTW_BACKWARD;
    const unsigned flags = planner_flags() | extra;
    PlanPair p;
    p.many =
        fftw_plan_many_dft(3, n.data(), batch, scratch, nullptr, 1, int(N), scratch, nullptr, 1, int(N), sign, flags);
    p.one = fftw_plan_many_dft(3, n.data(), 1, scratch, nullptr, 1, int(N), scratch, nullptr, 1, int(N), sign, flags);
    fftw_free(scratch);
    if (!p.many || !p.one) throw std::runtime_error("kernels::FFT3D: FFTW planning failed");
    return p;
  }

  // Plan for direction `dir` (batched or single grid) that is valid for pointer p.
  fftw_plan plan_for(int dir, fftw_complex* p, bool many) {
    if (fftw_alignment_of(reinterpret_cast<double*>(p)) == planned_alignment)
      return many ? aligned[dir].many : aligned[dir].one;
    if (!unaligned[dir].many) unaligned[dir] = make(dir, FFTW_UNALIGNED);
    return many ? unaligned[dir].many : unaligned[dir].one;
  }

  // Runs direction `dir` on `count` contiguous grids starting at `data`.
  void execute(int dir, fftw_complex* data, int count) {
    if (count == batch) {
      fftw_execute_dft(plan_for(dir, data, true), data, data);
    } else {
      // Each grid's alignment is checked: a hop of N complex numbers may break it when N is odd.
      for (int b = 0; b < count; ++b) {
        fftw_complex* p = data + b * N;
        fftw_execute_dft(plan_for(dir, p, false), p, p);
      }
    }
  }

  // Line transforms for the box-pruned 3D FFT (see fft.hpp). Index layout (i0*n1 + i1)*n2 + i2.
  struct BoxPlans {
    std::array<int, 3> mmax{-1, -1, -1};
    std::vector<int> i0_list;                                      // x planes that hold box content
    std::vector<std::pair<int, int>> i1_segments;                  // [begin, end) ranges of i1 inside the box
    fftw_plan z[2][2] = {{nullptr, nullptr}, {nullptr, nullptr}};  // [dir][segment]
    fftw_plan y[2] = {nullptr, nullptr};
    fftw_plan x[2] = {nullptr, nullptr};
    void destroy() {
      for (auto& d : z)
        for (auto& p : d)
          if (p) fftw_destroy_plan(p), p = nullptr;
      for (auto* p : {&y[0], &y[1], &x[0], &x[1]})
        if (*p) fftw_destroy_plan(*p), *p = nullptr;
    }
  } box;

  static std::vector<std::pair<int, int>> segments(int m, int n) {
    if (2 * m + 1 >= n) return {{0, n}};
    return {{0, m + 1}, {n - m, n}};
  }

  void plan_box(const std::array<int, 3>& mmax) {
    if (box.mmax == mmax) return;
    // Line plans are single-threaded: the grids of a batch are transformed in parallel instead.
    if (fftw_threads_ready) fftw_plan_with_nthreads(1);
    box.destroy();
    box.mmax = mmax;
    box.i0_list.clear();
    for (auto [b, e] : segments(mmax[0], n[0]))
      for (int i = b; i < e; ++i) box.i0_list.push_back(i);
    box.i1_segments = segments(mmax[1], n[1]);
    fftw_complex* scratch = fftw_alloc_complex(size_t(N));
    if (!scratch) throw std::bad_alloc();
    const unsigned flags = planner_flags();
    for (int dir = 0; dir < 2; ++dir) {
      const int sign = dir == 0 ? FFTW_FORWARD : FFTW_BACKWARD;
      for (std::size_t s = 0; s < box.i1_segments.size(); ++s) {
        const int len = box.i1_segments[s].second - box.i1_segments[s].first;
        box.z[dir][s] =
            fftw_plan_many_dft(1, &n[2], len, scratch, nullptr, 1, n[2], scratch, nullptr, 1, n[2], sign, flags);
      }
      box.y[dir] =
          fftw_plan_many_dft(1, &n[1], n[2], scratch, nullptr, n[2], 1, scratch, nullptr, n[2], 1, sign, flags);
      box.x[dir] = fftw_plan_many_dft(1, &n[0], n[1] * n[2], scratch, nullptr, n[1] * n[2], 1, scratch, nullptr,
                                      n[1] * n[2], 1, sign, flags);
      if (!box.y[dir] || !box.x[dir]) throw std::runtime_error("kernels::FFT3D: FFTW line planning failed");
    }
    fftw_free(scratch);
    if (fftw_threads_ready) fftw_plan_with_nthreads(host_threads);
  }

  void lines_z(int dir, fftw_complex* g) const {
    for (int i0 : box.i0_list)
      for (std::size_t s = 0; s < box.i1_segments.size(); ++s) {
        fftw_complex* p = g + (long(i0) * n[1] + box.i1_segments[s].first) * n[2];
        fftw_execute_dft(box.z[dir][s], p, p);
      }
  }
  void lines_y(int dir, fftw_complex* g) const {
    for (int i0 : box.i0_list) {
      fftw_complex* p = g + long(i0) * n[1] * n[2];
      fftw_execute_dft(box.y[dir], p, p);
    }
  }

  // Pruned transform of `count` grids; falls back to the full 3D plan for an unusually aligned pointer.
  void execute_box(int dir, fftw_complex* data, int count, const std::array<int, 3>& mmax) {
    plan_box(mmax);
    const bool aligned_all = fftw_alignment_of(reinterpret_cast<double*>(data)) == planned_alignment &&
                             fftw_alignment_of(reinterpret_cast<double*>(data + N)) == planned_alignment;
    if (!aligned_all) {
      execute(dir, data, count);  // unusual alignment: full transforms
      return;
    }
    // Executing distinct FFTW plans' arrays concurrently is thread-safe (FFTW manual, "Thread safety").
#if defined(_OPENMP)
#pragma omp parallel for schedule(static) num_threads(host_threads)
#endif
    for (int b = 0; b < count; ++b) {
      fftw_complex* g = data + b * N;
      if (dir == 1) {  // backward: z lines of the box columns, y lines of the box planes, all x lines
        lines_z(1, g);
        lines_y(1, g);
        fftw_execute_dft(box.x[1], g, g);
      } else {  // forward: the reverse order, computing only what lands in the box
        fftw_execute_dft(box.x[0], g, g);
        lines_y(0, g);
        lines_z(0, g);
      }
    }
  }

  ~Impl() {
    for (auto* p : {&aligned[0], &aligned[1], &unaligned[0], &unaligned[1]}) p->destroy();
    box.destroy();
  }
};

FFT3D::FFT3D(std::array<int, 3> n, int batch) : n_(n), batch_(batch), impl_(std::make_unique<Impl>()) {
  if (n[0] < 1 || n[1] < 1 || n[2] < 1 || batch < 1)
    throw std::invalid_argument("kernels::FFT3D: grid dimensions and batch must be positive");
  impl_->n = n;
  impl_->batch = batch;
  impl_->N = size();
  fftw_complex* probe = fftw_alloc_complex(1);
  impl_->planned_alignment = fftw_alignment_of(reinterpret_cast<double*>(probe));
  fftw_free(probe);
  impl_->aligned[0] = impl_->make(0, 0);
  impl_->aligned[1] = impl_->make(1, 0);
}

FFT3D::~FFT3D() = default;

namespace {
int checked_count(const View1<complex>& data, int count, int batch, long N) {
  if (count < 0) count = batch;
  if (count > batch) throw std::invalid_argument("kernels::FFT3D: count exceeds the planned batch");
  if (long(data.extent(0)) < count * N)
    throw std::invalid_argument("kernels::FFT3D: view holds fewer than count*N elements");
  return count;
}
}  // namespace

void FFT3D::forward(View1<complex> data, int count) const {
  count = checked_count(data, count, batch_, size());
  if (count == 0) return;
  Kokkos::fence();
  impl_->execute(0, reinterpret_cast<fftw_complex*>(data.data()), count);
  const double inv_n = 1.0 / double(size());  // forward transform carries the 1/N
  Kokkos::parallel_for(
      "kernels::fft::scale", RangePolicy(0, count * size()), KOKKOS_LAMBDA(const long i) { data(i) *= inv_n; });
  Kokkos::fence();
}

void FFT3D::backward(View1<complex> data, int count) const {
  count = checked_count(data, count, batch_, size());
  if (count == 0) return;
  Kokkos::fence();
  impl_->execute(1, reinterpret_cast<fftw_complex*>(data.data()), count);
}

void FFT3D::backward_box(View1<complex> data, int count, std::array<int, 3> mmax) const {
  count = checked_count(data, count, batch_, size());
  if (count == 0) return;
  Kokkos::fence();
  impl_->execute_box(1, reinterpret_cast<fftw_complex*>(data.data()), count, mmax);
}

void FFT3D::forward_box(View1<complex> data, int count, std::array<int, 3> mmax, bool scale) const {
  count = checked_count(data, count, batch_, size());
  if (count == 0) return;
  Kokkos::fence();
  impl_->execute_box(0, reinterpret_cast<fftw_complex*>(data.data()), count, mmax);
  if (!scale) return;
  const double inv_n = 1.0 / double(size());
  Kokkos::parallel_for(
      "kernels::fft::scale", RangePolicy(0, count * size()), KOKKOS_LAMBDA(const long i) { data(i) *= inv_n; });
  Kokkos::fence();
}

void set_host_threads(int n) {
  if (n < 1) n = 1;
  static const bool fftw_threads_ok = fftw_init_threads() != 0;
  host_threads = n;
  fftw_threads_ready = fftw_threads_ok;
  if (fftw_threads_ok) fftw_plan_with_nthreads(n);  // applies to plans made after this call
  if (openblas_set_num_threads) openblas_set_num_threads(n);
}

void set_fft_planning(bool measure) { measure_plans = measure; }

bool import_fft_plans(const std::string& path) { return fftw_import_wisdom_from_filename(path.c_str()) != 0; }

std::string export_fft_plans() {
  char* text = fftw_export_wisdom_to_string();  // the text fftw_export_wisdom_to_filename writes
  if (!text) throw std::runtime_error("cannot export the FFT plans (out of memory)");
  std::string plans(text);
  std::free(text);  // FFTW allocates it with malloc
  return plans;
}

}  // namespace megabar::kernels
