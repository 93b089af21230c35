#include "md/relax.hpp"

#include <algorithm>
#include <cmath>

namespace megabar::md {

namespace {

using Mat = Mat3;

Mat multiply(const Mat& a, const Mat& b) {
  Mat c{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k) c[i][j] += a[i][k] * b[k][j];
  return c;
}

Mat transpose(const Mat& a) {
  Mat t{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) t[i][j] = a[j][i];
  return t;
}

Mat inverse(const Mat& m) {
  const double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
                     m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
                     m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  Mat r{};
  r[0][0] = (m[1][1] * m[2][2] - m[1][2] * m[2][1]) / det;
  r[0][1] = (m[0][2] * m[2][1] - m[0][1] * m[2][2]) / det;
  r[0][2] = (m[0][1] * m[1][2] - m[0][2] * m[1][1]) / det;
  r[1][0] = (m[1][2] * m[2][0] - m[1][0] * m[2][2]) / det;
  r[1][1] = (m[0][0] * m[2][2] - m[0][2] * m[2][0]) / det;
  r[1][2] = (m[0][2] * m[1][0] - m[0][0] * m[1][2]) / det;
  r[2][0] = (m[1][0] * m[2][1] - m[1][1] * m[2][0]) / det;
  r[2][1] = (m[0][1] * m[2][0] - m[0][0] * m[2][1]) / det;
  r[2][2] = (m[0][0] * m[1][1] - m[0][1] * m[1][0]) / det;
  return r;
}

Vec3 mat_vec(const Mat& m, const Vec3& v) {
  return {m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2], m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
          m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2]};
}

// Generalised coordinates and forces: 3N atom entries then (cell only) 9 deformation entries.
struct Filter {
  Structure start;
  bool cell;
  double pressure;
  double n;  // cell factor: the number of atoms

  // Structure for coordinates x.
  Structure structure(const std::vector<double>& x) const {
    Mat F{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
    const std::size_t na = start.size();
    if (cell)
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) F[i][j] = x[3 * na + 3 * i + j] / n;
    Structure s = start;
    // cell rows a_i' = F a_i (lattice vectors are rows: A' = A F^T)
    Mat rows{};
    for (int i = 0; i < 3; ++i) rows[i] = mat_vec(F, start.cell.lattice[i]);
    s.cell = core::Cell::from_lattice(rows);
    for (std::size_t a = 0; a < na; ++a) s.positions[a] = mat_vec(F, {x[3 * a], x[3 * a + 1], x[3 * a + 2]});
    return s;
  }

  Mat deformation(const std::vector<double>& x) const {
    Mat F{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
    if (cell) {
      const std::size_t na = start.size();
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) F[i][j] = x[3 * na + 3 * i + j] / n;
    }
    return F;
  }

  std::vector<double> initial() const {
    std::vector<double> x;
    for (const auto& p : start.positions) x.insert(x.end(), p.begin(), p.end());
    if (cell)
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) x.push_back(i == j ? n : 0.0);
    return x;
  }

  std::vector<double> forces(const std::vector<double>& x, const Structure& s, const ForceResult& r) const {
    const Mat F = deformation(x);
    const Mat Ft = transpose(F);
    std::vector<double> g;
    for (const auto& f : r.forces) {
      const Vec3 fu = mat_vec(Ft, f);  // dE/du = F^T dE/dr
      g.insert(g.end(), fu.begin(), fu.end());
    }
    if (cell) {
      // virial Omega (sigma - P I), mapped to the deformation coordinates: V F^{-T}, divided by n
      Mat v{};
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) v[i][j] = s.cell.volume * (r.stress[i][j] - (i == j ? pressure : 0.0));
      const Mat w = multiply(v, transpose(inverse(F)));
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) g.push_back(w[i][j] / n);
    }
    return g;
  }
};

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// Solves H dx = f for symmetric positive definite H (n x n, row-major) by Cholesky; false if not SPD.
bool solve_spd(std::vector<double> H, int n, std::vector<double>& x) {
  for (int j = 0; j < n; ++j) {
    double d = H[j * n + j];
    for (int k = 0; k < j; ++k) d -= H[j * n + k] * H[j * n + k];
    if (!(d > 0)) return false;
    d = std::sqrt(d);
    H[j * n + j] = d;
    for (int i = j + 1; i < n; ++i) {
      double v = H[i * n + j];
      for (int k = 0; k < j; ++k) v -= H[i * n + k] * H[j * n + k];
      H[i * n + j] = v / d;
    }
  }
  for (int i = 0; i < n; ++i) {  // L y = b
    for (int k = 0; k < i; ++k) x[i] -= H[i * n + k] * x[k];
    x[i] /= H[i * n + i];
  }
  for (int i = n - 1; i >= 0; --i) {  // L^T x = y
    for (int k = i + 1; k < n; ++k) x[i] -= H[k * n + i] * x[k];
    x[i] /= H[i * n + i];
  }
  return true;
}

// BFGS on the Hessian (not its inverse), as ASE's BFGS: H <- H - df df^T/(dx.df) - Hdx Hdx^T/(dx.H dx),
// with df the change of the forces. Updates that would break positive definiteness are skipped.
class Bfgs {
 public:
  Bfgs(int n, double h0) : n_(n), H_(static_cast<std::size_t>(n) * n, 0.0) {
    for (int i = 0; i < n; ++i) H_[i * n + i] = h0;
  }
  std::vector<double> step(const std::vector<double>& x, const std::vector<double>& f) {
    if (!x0_.empty()) update(x, f);
    x0_ = x;
    f0_ = f;
    std::vector<double> dx = f;
    if (!solve_spd(H_, n_, dx)) dx = f;  // cannot happen with skipped updates; steepest descent otherwise
    return dx;
  }

 private:
  void update(const std::vector<double>& x, const std::vector<double>& f) {
    std::vector<double> dx(n_), df(n_), hdx(n_, 0.0);
    for (int i = 0; i < n_; ++i) {
      dx[i] = x[i] - x0_[i];
      df[i] = f[i] - f0_[i];
    }
    const double a = dot(dx, df);  // < 0 for a positive curvature along dx
    for (int i = 0; i < n_; ++i)
      for (int j = 0; j < n_; ++j) hdx[i] += H_[i * n_ + j] * dx[j];
    const double b = dot(dx, hdx);
    if (!(a < -1e-14 * std::sqrt(dot(dx, dx) * dot(df, df))) || !(b > 0)) return;  // curvature condition
    for (int i = 0; i < n_; ++i)
      for (int j = 0; j < n_; ++j) H_[i * n_ + j] -= df[i] * df[j] / a + hdx[i] * hdx[j] / b;
  }
  int n_;
  std::vector<double> H_, x0_, f0_;
};

}  // namespace

RelaxResult relax(const Structure& start, ForceProvider& provider, const RelaxOptions& opt, const RelaxLogger& log) {
  Filter filter{start, opt.relax_cell, opt.pressure, static_cast<double>(start.size())};
  std::vector<double> x = filter.initial(), v(x.size(), 0.0);
  // FIRE parameters (Bitzek et al. 2006)
  const int n_min = 5;
  const double f_inc = 1.1, f_dec = 0.5, alpha_start = 0.1, f_alpha = 0.99;
  double dt = opt.dt_start, alpha = alpha_start;
  int since_negative = 0;
  Bfgs bfgs(static_cast<int>(x.size()), opt.hessian_start);
  RelaxResult result;
  for (int step = 0;; ++step) {
    const Structure s = filter.structure(x);
    const ForceResult r = provider.compute(s);
    double fmax = 0, sdev = 0;
    for (const auto& f : r.forces) fmax = std::max(fmax, std::sqrt(f[0] * f[0] + f[1] * f[1] + f[2] * f[2]));
    if (opt.relax_cell)
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) sdev = std::max(sdev, std::fabs(r.stress[i][j] - (i == j ? opt.pressure : 0.0)));
    const double pressure = (r.stress[0][0] + r.stress[1][1] + r.stress[2][2]) / 3.0;
    if (log)
      log(RelaxStep{step, r.energy, r.energy + opt.pressure * s.cell.volume, fmax, sdev, pressure, s.cell.volume,
                    r.converged},
          s, r);
    result.steps = step;
    result.structure = s;
    result.final_result = r;
    if (r.converged && fmax < opt.force_tolerance && (!opt.relax_cell || sdev < opt.stress_tolerance)) {
      result.converged = true;
      break;
    }
    if (step >= opt.max_steps) break;
    if (!r.converged) break;  // never move on forces the provider could not converge
    if (opt.stop_requested && opt.stop_requested()) {
      result.stopped = true;
      break;
    }
    const std::vector<double> f = filter.forces(x, s, r);
    if (opt.optimizer == Optimizer::bfgs) {
      std::vector<double> dx = bfgs.step(x, f);
      double largest = 0;
      for (double d : dx) largest = std::max(largest, std::fabs(d));
      const double scale = largest > opt.max_step ? opt.max_step / largest : 1.0;
      for (std::size_t i = 0; i < x.size(); ++i) x[i] += scale * dx[i];
      continue;
    }
    // FIRE: mix velocity towards the force, accelerate while going downhill, stop when going uphill.
    const double p = dot(f, v);
    const double vnorm = std::sqrt(dot(v, v)), fnorm = std::sqrt(dot(f, f));
    if (p > 0) {
      for (std::size_t i = 0; i < v.size(); ++i)
        v[i] = (1 - alpha) * v[i] + alpha * vnorm * f[i] / std::max(fnorm, 1e-300);
      if (++since_negative > n_min) {
        dt = std::min(dt * f_inc, opt.dt_max);
        alpha *= f_alpha;
      }
    } else {
      std::fill(v.begin(), v.end(), 0.0);
      dt *= f_dec;
      alpha = alpha_start;
      since_negative = 0;
    }
    // Euler step with unit masses, limited to max_step per coordinate.
    for (std::size_t i = 0; i < v.size(); ++i) v[i] += dt * f[i];
    double largest = 0;
    for (double vi : v) largest = std::max(largest, std::fabs(vi * dt));
    const double scale = largest > opt.max_step ? opt.max_step / largest : 1.0;
    for (std::size_t i = 0; i < x.size(); ++i) x[i] += scale * dt * v[i];
  }
  return result;
}

}  // namespace megabar::md
