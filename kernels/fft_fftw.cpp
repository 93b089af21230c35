// Host backend of the FFT3D facade: FFTW3 (double precision, threads; single precision for the box
// transforms of complex<float> grids).
//
// Convention (see kernels/fft.hpp): forward = exp(-i G.r) scaled by 1/N, backward = exp(+i G.r)
// unscaled; i2 is the fastest index, batch b starts at b*N.
//
// Plans are made once (on first use), in place, on a scratch buffer (so planning never touches user data), and run with
// fftw_execute_dft on the caller's pointer. FFTW requires that pointer to have the same SIMD alignment as
// the planning buffer; when it does not, a second set of FFTW_UNALIGNED plans is made on first use.
#include <fftw3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "kernels/fft.hpp"

extern "C" void openblas_set_num_threads(int) __attribute__((weak));  // present only with OpenBLAS

namespace megabar::kernels {

static_assert(sizeof(complex) == sizeof(fftw_complex), "Kokkos::complex<double> must match fftw_complex");
static_assert(sizeof(complexf) == sizeof(fftwf_complex), "Kokkos::complex<float> must match fftwf_complex");

namespace {

int host_threads = 1;             // set by set_host_threads()
bool fftw_threads_ready = false;  // fftw_init_threads() done: only then may fftw_plan_with_nthreads be called

bool measure_plans = true;  // set_fft_planning()

bool single_precision_planned = false;  // some fftwf plan was made (its wisdom then goes into the plan files)

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

// FFTW's interface for one precision (fftw_* for double, fftwf_* for float), so that the box transforms
// below are written once for both.
template <class Real>
struct Fftw;

template <>
struct Fftw<double> {
  using plan = fftw_plan;
  using cplx = fftw_complex;
  // howmany in-place transforms of rank-`rank` arrays n, elements `stride` apart, transforms `dist` apart.
  static plan many(int rank, const int* n, int howmany, cplx* d, int stride, int dist, int sign, unsigned flags) {
    return fftw_plan_many_dft(rank, n, howmany, d, nullptr, stride, dist, d, nullptr, stride, dist, sign, flags);
  }
  static void run(plan p, cplx* d) { fftw_execute_dft(p, d, d); }
  static void destroy(plan p) { fftw_destroy_plan(p); }
  static cplx* alloc(std::size_t n) { return fftw_alloc_complex(n); }
  static void release(cplx* p) { fftw_free(p); }
  static int alignment(cplx* p) { return fftw_alignment_of(reinterpret_cast<double*>(p)); }
};

template <>
struct Fftw<float> {
  using plan = fftwf_plan;
  using cplx = fftwf_complex;
  static plan many(int rank, const int* n, int howmany, cplx* d, int stride, int dist, int sign, unsigned flags) {
    return fftwf_plan_many_dft(rank, n, howmany, d, nullptr, stride, dist, d, nullptr, stride, dist, sign, flags);
  }
  static void run(plan p, cplx* d) { fftwf_execute_dft(p, d, d); }
  static void destroy(plan p) { fftwf_destroy_plan(p); }
  static cplx* alloc(std::size_t n) { return fftwf_alloc_complex(n); }
  static void release(cplx* p) { fftwf_free(p); }
  static int alignment(cplx* p) { return fftwf_alignment_of(reinterpret_cast<float*>(p)); }
};

// Line transforms of the box-pruned 3D FFT (see fft.hpp) of one grid shape, index layout (i0*n1 + i1)*n2 + i2.
// Backward: z lines of the box columns, y lines of the box planes, all x lines; forward: the reverse order,
// computing only what lands in the box. Line plans are single-threaded: the grids of a batch are
// transformed in parallel, one grid per thread, and the grids left over when the count is not a multiple of
// the thread count (the last of an odd number of band pairs on two threads) line by line, all threads sharing
// each pass, so that no thread waits for a whole grid transform of another.
template <class Real>
struct BoxPlans {
  using F = Fftw<Real>;
  using plan = typename F::plan;
  using cplx = typename F::cplx;
  std::array<int, 3> n{0, 0, 0}, mmax{-1, -1, -1};
  std::vector<int> i0_list;                                 // x planes that hold box content
  std::vector<int> outside_i0;                              // the others
  std::vector<std::pair<int, int>> i1_segments;             // [begin, end) ranges of i1 inside the box
  plan z[2][2] = {{nullptr, nullptr}, {nullptr, nullptr}};  // [dir][segment]; dir 0 forward, 1 backward
  plan y[2] = {nullptr, nullptr};
  plan x[2] = {nullptr, nullptr};
  plan x_plane[2] = {nullptr, nullptr};  // the n2 x lines of one i1, for the line-parallel transforms

  static std::vector<std::pair<int, int>> segments(int m, int len) {
    if (2 * m + 1 >= len) return {{0, len}};
    return {{0, m + 1}, {len - m, len}};
  }

  void destroy() {
    for (auto& d : z)
      for (auto& p : d)
        if (p) F::destroy(p), p = nullptr;
    for (auto* p : {&y[0], &y[1], &x[0], &x[1], &x_plane[0], &x_plane[1]})
      if (*p) F::destroy(*p), *p = nullptr;
    mmax = {-1, -1, -1};
  }

  bool ready(const std::array<int, 3>& m) const { return mmax == m; }

  void make(const std::array<int, 3>& shape, const std::array<int, 3>& m, unsigned flags) {
    destroy();
    n = shape;
    mmax = m;
    i0_list.clear();
    outside_i0.clear();
    for (auto [b, e] : segments(m[0], n[0]))
      for (int i = b; i < e; ++i) i0_list.push_back(i);
    for (int i = 0; i < n[0]; ++i)
      if (std::find(i0_list.begin(), i0_list.end(), i) == i0_list.end()) outside_i0.push_back(i);
    i1_segments = segments(m[1], n[1]);
    cplx* scratch = F::alloc(std::size_t(n[0]) * n[1] * n[2]);
    if (!scratch) throw std::bad_alloc();
    // The line plans run at offsets of whole lines (n2 entries) and planes from the grid's start: when such an
    // offset changes FFTW's SIMD alignment (single precision with an odd n2), they must not assume it.
    const bool offsets_keep_alignment = F::alignment(scratch + n[2]) == F::alignment(scratch) &&
                                        F::alignment(scratch + long(n[1]) * n[2]) == F::alignment(scratch);
    flags |= offsets_keep_alignment ? 0u : unsigned(FFTW_UNALIGNED);
    for (int dir = 0; dir < 2; ++dir) {
      const int sign = dir == 0 ? FFTW_FORWARD : FFTW_BACKWARD;
      for (std::size_t s = 0; s < i1_segments.size(); ++s) {
        const int len = i1_segments[s].second - i1_segments[s].first;
        z[dir][s] = F::many(1, &n[2], len, scratch, 1, n[2], sign, flags);
      }
      y[dir] = F::many(1, &n[1], n[2], scratch, n[2], 1, sign, flags);
      x[dir] = F::many(1, &n[0], n[1] * n[2], scratch, n[1] * n[2], 1, sign, flags);
      x_plane[dir] = F::many(1, &n[0], n[2], scratch, n[1] * n[2], 1, sign, flags);
      if (!y[dir] || !x[dir] || !x_plane[dir]) {
        F::release(scratch);
        throw std::runtime_error("kernels::FFT3D: FFTW line planning failed");
      }
    }
    F::release(scratch);
  }

  // What a call does to each grid: op 0 the forward transform (x, y, z passes), op 1 the backward one (z, y,
  // x), op 2 a potential's products: the backward z and y passes, then slab by slab (one i1 at a time: the
  // n2 x lines of that i1) the backward x lines, the product with scale * v and the forward x lines, then the
  // forward y and z passes.
  enum Op { forward_op = 0, backward_op = 1, product_op = 2 };
  struct Product {
    const Real* v = nullptr;  // the potential on the grid (N values, the grids' index layout)
    Real scale = 1;
  };

  void z_line(int dir, cplx* g, int t) const {  // task t of the z pass: (box plane, column segment)
    const int nseg = static_cast<int>(i1_segments.size());
    const int i0 = i0_list[t / nseg], s = t % nseg;
    F::run(z[dir][s], g + (long(i0) * n[1] + i1_segments[s].first) * n[2]);
  }
  void y_plane(int dir, cplx* g, int t) const { F::run(y[dir], g + long(i0_list[t]) * n[1] * n[2]); }
  void x_slab(int op, cplx* g, int i1, const Product& p) const {
    cplx* slab = g + long(i1) * n[2];
    if (op != product_op) {
      F::run(x_plane[op], slab);
      return;
    }
    F::run(x_plane[1], slab);
    for (int i0 = 0; i0 < n[0]; ++i0) {
      const long off = (long(i0) * n[1] + i1) * n[2];
      cplx* a = g + off;
      const Real* w = p.v + off;
      for (int i2 = 0; i2 < n[2]; ++i2) {
        const Real f = p.scale * w[i2];
        a[i2][0] *= f;
        a[i2][1] *= f;
      }
    }
    F::run(x_plane[0], slab);
    for (int i0 : outside_i0) {  // left zero for the next use of the grid (fft.hpp)
      cplx* a = g + (long(i0) * n[1] + i1) * n[2];
      for (int i2 = 0; i2 < n[2]; ++i2) a[i2][0] = a[i2][1] = 0;
    }
  }
  int z_tasks() const { return static_cast<int>(i0_list.size() * i1_segments.size()); }
  int y_tasks() const { return static_cast<int>(i0_list.size()); }

  // One grid on the calling thread.
  void run(int op, cplx* g, const Product& p) const {
    if (op != forward_op) {
      for (int t = 0; t < z_tasks(); ++t) z_line(1, g, t);
      for (int t = 0; t < y_tasks(); ++t) y_plane(1, g, t);
    }
    if (op == product_op) {
      for (int i1 = 0; i1 < n[1]; ++i1) x_slab(op, g, i1, p);
    } else {
      F::run(x[op], g);  // all x lines at once
    }
    if (op != backward_op) {
      for (int t = 0; t < y_tasks(); ++t) y_plane(0, g, t);
      for (int t = 0; t < z_tasks(); ++t) z_line(0, g, t);
    }
  }

  // One grid with the tasks of each pass shared among `threads` threads.
  void run_lines(int op, cplx* g, const Product& p, int threads) const {
    (void)threads;
    const int nz = z_tasks(), ny = y_tasks();
#if defined(_OPENMP)
#pragma omp parallel num_threads(threads)
#endif
    {
      if (op != forward_op) {
#if defined(_OPENMP)
#pragma omp for schedule(static)
#endif
        for (int t = 0; t < nz; ++t) z_line(1, g, t);
#if defined(_OPENMP)
#pragma omp for schedule(static)
#endif
        for (int t = 0; t < ny; ++t) y_plane(1, g, t);
      }
#if defined(_OPENMP)
#pragma omp for schedule(static)
#endif
      for (int i1 = 0; i1 < n[1]; ++i1) x_slab(op, g, i1, p);
      if (op != backward_op) {
#if defined(_OPENMP)
#pragma omp for schedule(static)
#endif
        for (int t = 0; t < ny; ++t) y_plane(0, g, t);
#if defined(_OPENMP)
#pragma omp for schedule(static)
#endif
        for (int t = 0; t < nz; ++t) z_line(0, g, t);
      }
    }
  }

  // `count` grids N apart, in parallel (executing distinct FFTW plans' arrays concurrently is thread-safe:
  // FFTW manual, "Thread safety"): whole grids per thread while every thread has one, the rest line by line.
  void run_batch(int op, cplx* data, int count, long N, int threads, const Product& p = Product{}) const {
    const int whole = threads > 1 ? count - count % threads : count;
#if defined(_OPENMP)
#pragma omp parallel for schedule(static) num_threads(threads)
#endif
    for (int b = 0; b < whole; ++b) run(op, data + b * N, p);
    for (int b = whole; b < count; ++b) run_lines(op, data + b * N, p, threads);
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
    if (fftw_alignment_of(reinterpret_cast<double*>(p)) == planned_alignment) {
      if (!aligned[dir].many) aligned[dir] = make(dir, 0);
      return many ? aligned[dir].many : aligned[dir].one;
    }
    if (!unaligned[dir].many) unaligned[dir] = make(dir, FFTW_UNALIGNED);
    return many ? unaligned[dir].many : unaligned[dir].one;
  }

  // Runs direction `dir` on `count` contiguous grids starting at `data`.
  // Full transforms run as line transforms over the whole grid (a "box" that covers it), shared among the
  // OpenMP threads the rest of the program uses: FFTW's own threaded plans start a second pool of threads,
  // which on a machine with as many cores as OpenMP threads competed with the OpenMP threads that were still
  // spinning after their last loop. Grids whose start lacks the planning alignment use FFTW's plans.
  BoxPlans<double> whole;

  void execute(int dir, fftw_complex* data, int count) {
    const bool aligned_all = fftw_alignment_of(reinterpret_cast<double*>(data)) == planned_alignment &&
                             (count < 2 || fftw_alignment_of(reinterpret_cast<double*>(data + N)) == planned_alignment);
    if (aligned_all) {
      const std::array<int, 3> all{n[0] / 2, n[1] / 2, n[2] / 2};  // 2 m + 1 >= n: every line
      if (!whole.ready(all)) {
        if (fftw_threads_ready) fftw_plan_with_nthreads(1);
        whole.make(n, all, planner_flags());
        if (fftw_threads_ready) fftw_plan_with_nthreads(host_threads);
      }
      whole.run_batch(dir, data, count, N, host_threads);
      return;
    }
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

  // Box-pruned transforms (fft.hpp): double precision, and single precision for aligned and unaligned
  // grids (made on first use).
  BoxPlans<double> box;
  BoxPlans<float> box_f, box_f_unaligned;

  void execute_box(int op, fftw_complex* data, int count, const std::array<int, 3>& mmax,
                   const BoxPlans<double>::Product& p = {}) {
    if (!box.ready(mmax)) {
      if (fftw_threads_ready) fftw_plan_with_nthreads(1);
      box.make(n, mmax, planner_flags());
      if (fftw_threads_ready) fftw_plan_with_nthreads(host_threads);
    }
    const bool aligned_all = fftw_alignment_of(reinterpret_cast<double*>(data)) == planned_alignment &&
                             (count < 2 || fftw_alignment_of(reinterpret_cast<double*>(data + N)) == planned_alignment);
    if (!aligned_all) {  // unusual alignment: full transforms
      if (op != BoxPlans<double>::product_op) {
        execute(op, data, count);
        return;
      }
      execute(1, data, count);
      for (long i = 0; i < count * N; ++i) {
        const double f = p.scale * p.v[i % N];
        data[i][0] *= f;
        data[i][1] *= f;
      }
      execute(0, data, count);
      const long plane = long(n[1]) * n[2];
      for (int b = 0; b < count; ++b)
        for (int i0 : box.outside_i0)
          for (long i = 0; i < plane; ++i) data[b * N + i0 * plane + i][0] = data[b * N + i0 * plane + i][1] = 0;
      return;
    }
    box.run_batch(op, data, count, N, host_threads, p);
  }

  void execute_box(int op, fftwf_complex* data, int count, const std::array<int, 3>& mmax,
                   const BoxPlans<float>::Product& p = {}) {
    // Planned on fftwf_alloc'd (SIMD-aligned) scratch: grids whose start lacks that alignment (an odd N puts
    // every second grid off it) use plans made with FFTW_UNALIGNED.
    const int a0 = Fftw<float>::alignment(data), a1 = Fftw<float>::alignment(data + N);
    const bool aligned_all = a0 == 0 && (count < 2 || a1 == 0);
    BoxPlans<float>& plans = aligned_all ? box_f : box_f_unaligned;
    if (!plans.ready(mmax)) {
      plans.make(n, mmax, planner_flags() | (aligned_all ? 0u : unsigned(FFTW_UNALIGNED)));
      single_precision_planned = true;
    }
    plans.run_batch(op, data, count, N, host_threads, p);
  }

  ~Impl() {
    for (auto* p : {&aligned[0], &aligned[1], &unaligned[0], &unaligned[1]}) p->destroy();
    box.destroy();
    whole.destroy();
    box_f.destroy();
    box_f_unaligned.destroy();
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
  // The full-grid plans are made on first use: the Hamiltonian's FFT3D (a batch of band pairs) only runs the
  // box transforms, and measuring its unused batched plans (FFTW_MEASURE) cost ~1 s at every SCF's start.
}

FFT3D::~FFT3D() = default;

namespace {
template <class C>
int checked_count(const View1<C>& data, int count, int batch, long N) {
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

namespace {

// The box transforms of either precision (C = complex or complexf): checks, runs direction dir (0 forward,
// 1 backward) and, if asked, applies the forward transform's 1/N.
template <class C, class Impl>
void box_transform(Impl& impl, View1<C> data, int count, std::array<int, 3> mmax, int dir, bool scale) {
  using Real = typename C::value_type;
  count = checked_count(data, count, impl.batch, impl.N);
  if (count == 0) return;
  Kokkos::fence();
  impl.execute_box(dir, reinterpret_cast<typename Fftw<Real>::cplx*>(data.data()), count, mmax);
  if (!scale) return;
  const Real inv_n = Real(1) / Real(impl.N);
  Kokkos::parallel_for(
      "kernels::fft::scale", RangePolicy(0, count * impl.N), KOKKOS_LAMBDA(const long i) { data(i) *= inv_n; });
  Kokkos::fence();
}

}  // namespace

void FFT3D::backward_box(View1<complex> data, int count, std::array<int, 3> mmax) const {
  box_transform(*impl_, data, count, mmax, 1, false);
}

void FFT3D::forward_box(View1<complex> data, int count, std::array<int, 3> mmax, bool scale) const {
  box_transform(*impl_, data, count, mmax, 0, scale);
}

void FFT3D::backward_box(View1<complexf> data, int count, std::array<int, 3> mmax) const {
  box_transform(*impl_, data, count, mmax, 1, false);
}

void FFT3D::forward_box(View1<complexf> data, int count, std::array<int, 3> mmax, bool scale) const {
  box_transform(*impl_, data, count, mmax, 0, scale);
}

void FFT3D::multiply_box(View1<complex> data, int count, std::array<int, 3> mmax, const View1<double>& v,
                         double scale) const {
  count = checked_count(data, count, batch_, size());
  if (count == 0) return;
  Kokkos::fence();
  impl_->execute_box(BoxPlans<double>::product_op, reinterpret_cast<fftw_complex*>(data.data()), count, mmax,
                     BoxPlans<double>::Product{v.data(), scale});
}

void FFT3D::multiply_box(View1<complexf> data, int count, std::array<int, 3> mmax, const View1<float>& v,
                         float scale) const {
  count = checked_count(data, count, batch_, size());
  if (count == 0) return;
  Kokkos::fence();
  impl_->execute_box(BoxPlans<float>::product_op, reinterpret_cast<fftwf_complex*>(data.data()), count, mmax,
                     BoxPlans<float>::Product{v.data(), scale});
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

// The plan file holds the double-precision wisdom, then (if any) the single-precision one, each as FFTW
// writes it: "(fftw-3.x fftw_wisdom ...)" and "(fftw-3.x fftwf_wisdom ...)". Files with the double part
// only (written before the single-precision transforms existed) still import.
bool import_fft_plans(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  std::size_t split = text.find("fftwf_wisdom");
  if (split != std::string::npos) split = text.rfind('(', split);
  const std::string dbl = split == std::string::npos ? text : text.substr(0, split);
  bool ok = fftw_import_wisdom_from_string(dbl.c_str()) != 0;
  if (split != std::string::npos) ok = fftwf_import_wisdom_from_string(text.c_str() + split) != 0 && ok;
  return ok;
}

std::string export_fft_plans() {
  std::string plans;
  for (int precision = 0; precision < 2; ++precision) {
    char* text = precision == 0 ? fftw_export_wisdom_to_string() : fftwf_export_wisdom_to_string();
    if (!text) throw std::runtime_error("cannot export the FFT plans (out of memory)");
    const std::string part(text);
    std::free(text);                                                // FFTW allocates it with malloc
    if (precision == 0 || single_precision_planned) plans += part;  // no single-precision plans: nothing to keep
  }
  return plans;
}

}  // namespace megabar::kernels
