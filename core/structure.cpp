#include "dft/structure.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "dft/units.hpp"

namespace megabar::dft {

double dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

static Vec3 cross(const Vec3& a, const Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}

Cell Cell::from_lattice(const Mat3& rows) {
  Cell c;
  c.lattice = rows;
  const Vec3 a23 = cross(rows[1], rows[2]);
  const double det = dot(rows[0], a23);
  c.volume = std::fabs(det);
  if (c.volume < 1e-8) throw std::invalid_argument("cell: lattice vectors are (nearly) linearly dependent");
  const double f = 2.0 * units::pi / det;  // b_i = 2 pi (a_j x a_k) / (a_1 . a_2 x a_3)
  const Vec3 a31 = cross(rows[2], rows[0]), a12 = cross(rows[0], rows[1]);
  for (int k = 0; k < 3; ++k) {
    c.reciprocal[0][k] = f * a23[k];
    c.reciprocal[1][k] = f * a31[k];
    c.reciprocal[2][k] = f * a12[k];
  }
  return c;
}

std::vector<Vec3> Structure::wrapped_positions() const {
  std::vector<Vec3> out(positions.size());
  for (std::size_t a = 0; a < positions.size(); ++a) {
    Vec3 frac;  // f_i = r . b_i / 2 pi
    for (int i = 0; i < 3; ++i) {
      frac[i] = dot(positions[a], cell.reciprocal[i]) / (2.0 * units::pi);
      frac[i] -= std::floor(frac[i]);
    }
    for (int k = 0; k < 3; ++k)
      out[a][k] = frac[0] * cell.lattice[0][k] + frac[1] * cell.lattice[1][k] + frac[2] * cell.lattice[2][k];
  }
  return out;
}

double Structure::min_distance() const {
  const auto pos = wrapped_positions();
  // Every image within 5 bohr is visited whatever the cell's shape (ranges from the plane spacings
  // 2 pi/|b_i|, as in the Ewald sum), so the result is exact whenever it is below 5 bohr.
  double best = 1e300;
  const double reach = 5.0;
  int m[3];
  for (int k = 0; k < 3; ++k)
    m[k] = static_cast<int>(std::ceil(reach * std::sqrt(dot(cell.reciprocal[k], cell.reciprocal[k])) / (2.0 * units::pi))) + 1;
  for (std::size_t i = 0; i < size(); ++i)
    for (std::size_t j = i; j < size(); ++j)
      for (int n0 = -m[0]; n0 <= m[0]; ++n0)
        for (int n1 = -m[1]; n1 <= m[1]; ++n1)
          for (int n2 = -m[2]; n2 <= m[2]; ++n2) {
            if (i == j && n0 == 0 && n1 == 0 && n2 == 0) continue;
            Vec3 d;
            for (int k = 0; k < 3; ++k)
              d[k] = pos[j][k] - pos[i][k] + n0 * cell.lattice[0][k] + n1 * cell.lattice[1][k] +
                     n2 * cell.lattice[2][k];
            best = std::min(best, std::sqrt(dot(d, d)));
          }
  return best;
}

namespace {

// Splits the extxyz comment line into key=value pairs (values may be double-quoted).
std::map<std::string, std::string> parse_info(const std::string& line) {
  std::map<std::string, std::string> kv;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    std::size_t eq = line.find('=', i);
    if (eq == std::string::npos) break;
    std::string key = line.substr(i, eq - i);
    std::size_t j = eq + 1;
    std::string value;
    if (j < line.size() && line[j] == '"') {
      std::size_t close = line.find('"', j + 1);
      if (close == std::string::npos) close = line.size();
      value = line.substr(j + 1, close - j - 1);
      i = close + 1;
    } else {
      std::size_t end = j;
      while (end < line.size() && !std::isspace(static_cast<unsigned char>(line[end]))) ++end;
      value = line.substr(j, end - j);
      i = end;
    }
    for (auto& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    kv[key] = value;
  }
  return kv;
}

}  // namespace

void write_extxyz(const std::string& path, const Structure& s, const std::vector<Vec3>* forces, const double* energy,
                  bool append) {
  std::ostringstream out;
  out.precision(10);
  out << std::fixed;
  out << s.size() << "\n";
  out << "Lattice=\"";
  for (int i = 0; i < 3; ++i)
    for (int k = 0; k < 3; ++k) out << (i || k ? " " : "") << s.cell.lattice[i][k] / units::angstrom;
  out << "\" Properties=species:S:1:pos:R:3" << (forces ? ":forces:R:3" : "");
  if (energy) out << " energy=" << *energy * units::hartree_in_ev;
  out << " pbc=\"T T T\"\n";
  const double ev_per_angstrom = units::hartree_in_ev * units::angstrom;  // (Ha/bohr) -> eV/angstrom
  for (std::size_t a = 0; a < s.size(); ++a) {
    out << s.symbols[a];
    for (int k = 0; k < 3; ++k) out << " " << s.positions[a][k] / units::angstrom;
    if (forces)
      for (int k = 0; k < 3; ++k) out << " " << (*forces)[a][k] * ev_per_angstrom;
    out << "\n";
  }
  if (append) {
    std::ofstream f(path, std::ios::app);
    f << out.str();
    if (!f) throw std::runtime_error("cannot append to " + path);
    return;
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp);
    f << out.str();
    if (!f) throw std::runtime_error("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot rename " + tmp + " to " + path);
}

Structure read_extxyz(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument("structure file '" + path + "' cannot be opened");
  auto fail = [&](int line, const std::string& what) {
    throw std::invalid_argument(path + ":" + std::to_string(line) + ": " + what);
  };
  std::string line;
  if (!std::getline(in, line)) fail(1, "empty file; expected the number of atoms");
  long natoms = 0;
  {
    std::istringstream s(line);
    if (!(s >> natoms) || natoms <= 0) fail(1, "expected a positive number of atoms, got '" + line + "'");
  }
  if (!std::getline(in, line)) fail(2, "missing comment line with Lattice=\"...\"");
  auto info = parse_info(line);
  if (!info.count("lattice")) fail(2, "no Lattice=\"ax ay az bx by bz cx cy cz\" (angstrom) on the comment line");
  Mat3 rows{};
  {
    std::istringstream s(info["lattice"]);
    for (auto& r : rows)
      for (auto& x : r)
        if (!(s >> x)) fail(2, "Lattice must hold 9 numbers");
    for (auto& r : rows)
      for (auto& x : r) x *= units::angstrom;
  }
  // Locate the species and pos columns in Properties=name:type:ncols:...
  int species_col = 0, pos_col = 1, ncols = 4;
  if (info.count("properties")) {
    std::vector<std::string> f;
    std::stringstream ss(info["properties"]);
    for (std::string t; std::getline(ss, t, ':');) f.push_back(t);
    if (f.size() % 3 != 0) fail(2, "Properties must be name:type:count triples");
    species_col = pos_col = -1;
    int col = 0;
    for (std::size_t k = 0; k < f.size(); k += 3) {
      int n = 0;
      try {
        n = std::stoi(f[k + 2]);
      } catch (const std::exception&) {
        fail(2, "Properties: column count '" + f[k + 2] + "' of '" + f[k] + "' is not an integer");
      }
      if (n < 1) fail(2, "Properties: column count of '" + f[k] + "' must be positive");
      if (f[k] == "species") {
        if (n != 1) fail(2, "Properties must contain species:S:1");
        species_col = col;
      }
      if (f[k] == "pos") {
        if (n != 3) fail(2, "Properties must contain pos:R:3");
        pos_col = col;
      }
      col += n;
    }
    ncols = col;
    if (species_col < 0 || pos_col < 0) fail(2, "Properties must contain species:S:1 and pos:R:3");
  }
  Structure st;
  for (auto& r : rows)
    for (double x : r)
      if (!std::isfinite(x)) fail(2, "Lattice holds a value that is not a finite number");
  try {
    st.cell = Cell::from_lattice(rows);
  } catch (const std::invalid_argument& e) {
    fail(2, e.what());
  }
  for (long a = 0; a < natoms; ++a) {
    const int ln = static_cast<int>(a) + 3;
    if (!std::getline(in, line)) fail(ln, "file ends after " + std::to_string(a) + " of " + std::to_string(natoms) + " atoms");
    std::istringstream s(line);
    std::vector<std::string> tok;
    for (std::string t; s >> t;) tok.push_back(t);
    if (static_cast<int>(tok.size()) < ncols) fail(ln, "expected " + std::to_string(ncols) + " columns, got '" + line + "'");
    Vec3 p;
    for (int k = 0; k < 3; ++k) {
      try {
        std::size_t used = 0;
        p[k] = std::stod(tok[pos_col + k], &used) * units::angstrom;
        if (used != tok[pos_col + k].size() || !std::isfinite(p[k])) throw std::invalid_argument("");
      } catch (const std::exception&) {
        fail(ln, "position '" + tok[pos_col + k] + "' is not a finite number");
      }
    }
    st.symbols.push_back(tok[species_col]);
    st.positions.push_back(p);
  }
  return st;
}

}  // namespace megabar::dft
