// Shared pieces of the analysis tests (tests/unit/test_analysis_*.cpp): structures in angstrom, the
// reference crystals of tests/data/analysis, a brute-force neighbour count over many periodic images, and
// a temporary directory.
#pragma once
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "analysis/rdf.hpp"
#include "analysis/reader.hpp"
#include "core/units.hpp"

namespace megabar::analysis::testing {

constexpr double A = units::angstrom;  // bohr per angstrom

inline std::string data_file(const std::string& name) {
  return std::string(MEGABAR_SOURCE_DIR) + "/tests/data/analysis/" + name;
}
inline const std::string kCrystalI = "B2O3-I_P3121_phonondb-mp306_DFT.extxyz";
inline const std::string kCrystalII = "B2O3-II_Cmc21_phonondb-mp717_DFT.extxyz";

// A frame from a lattice (rows, angstrom) and Cartesian positions (angstrom).
inline Snapshot snapshot(const core::Mat3& rows_A, const std::vector<core::Vec3>& positions_A, long step = 0) {
  core::Mat3 rows;
  for (int i = 0; i < 3; ++i)
    for (int k = 0; k < 3; ++k) rows[i][k] = rows_A[i][k] * A;
  Snapshot s;
  s.step = step;
  s.cell = core::Cell::from_lattice(rows);
  for (const auto& p : positions_A) s.positions.push_back({p[0] * A, p[1] * A, p[2] * A});
  return s;
}

inline Trajectory trajectory(const std::vector<std::string>& symbols, std::vector<Snapshot> frames) {
  Trajectory t;
  t.symbols = symbols;
  t.frames = std::move(frames);
  t.inputs.push_back({"test", "extxyz", static_cast<long>(t.frames.size()), static_cast<long>(t.frames.size()), false});
  return t;
}

// The same lattice in another basis: rows' = M rows with an integer matrix M of determinant +-1.
inline core::Mat3 change_basis(const core::Mat3& rows, const int m[3][3]) {
  core::Mat3 out{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k) out[i][k] += m[i][j] * rows[j][k];
  return out;
}

inline std::vector<int> kinds(const std::vector<std::string>& symbols) {
  std::vector<int> k;
  for (const auto& s : symbols) k.push_back(s == "B" ? kB : s == "O" ? kO : kOther);
  return k;
}

// Coordination numbers (B: O neighbours, O: B neighbours) closer than `cutoff` (bohr), counting the images
// n in [-reach, reach]^3 of every atom, positions as given (not wrapped): the slow, obvious way.
inline std::vector<int> brute_force_coordination(const Snapshot& s, const std::vector<int>& kind, double cutoff,
                                                 int reach) {
  std::vector<int> n(s.positions.size(), 0);
  const auto& a = s.cell.lattice;
  for (std::size_t i = 0; i < n.size(); ++i)
    for (std::size_t j = 0; j < n.size(); ++j) {
      if (kind[i] != kB || kind[j] != kO) continue;
      for (int n0 = -reach; n0 <= reach; ++n0)
        for (int n1 = -reach; n1 <= reach; ++n1)
          for (int n2 = -reach; n2 <= reach; ++n2) {
            double r2 = 0;
            for (int c = 0; c < 3; ++c) {
              const double d = s.positions[j][c] + n0 * a[0][c] + n1 * a[1][c] + n2 * a[2][c] - s.positions[i][c];
              r2 += d * d;
            }
            if (r2 < cutoff * cutoff) {
              ++n[i];
              ++n[j];
            }
          }
    }
  return n;
}

// A fresh directory under the system's temporary folder, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "megabar-analysis-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no exception)";
}

}  // namespace megabar::analysis::testing
