// Extended XYZ text of trajectory frames (ASE's layout, docs/trajectory.md).
//
// Bit-exact round trip through decimal text in other units: a value x (atomic units) is written as
// X = x * c, computed and printed in long double (>= 64-bit significand) with 21 significant digits, and
// read back as x' = double(X' / c) in long double. X' differs from x*c by a relative 2^-64 or so, so x'
// lies within ~2^-62 of x relative, far inside the half-ulp (2^-54) that rounds to x: x' == x.
#include "md/trajectory_extxyz.hpp"

#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>

#include "dft/units.hpp"
#include "md/file_sync.hpp"

namespace megabar::md {
namespace {

static_assert(std::numeric_limits<long double>::digits >= 64,
              "extxyz round trips need a long double with at least a 64-bit significand");

// File units per atomic unit.
constexpr long double angstrom_per_bohr = units::bohr_in_angstrom;
constexpr long double fs_per_au = 1.0L / units::femtosecond;
constexpr long double angstrom_per_fs_per_au = angstrom_per_bohr * units::femtosecond;  // velocity
constexpr long double ev_per_angstrom_per_au = units::hartree_in_ev / angstrom_per_bohr;  // force
constexpr long double ev_per_ha = units::hartree_in_ev;
constexpr long double gpa_per_au = units::ha_per_bohr3_in_gpa;

constexpr const char* properties = "species:S:1:pos:R:3:vel:R:3:forces:R:3";

std::string to_text(double x, long double per_au) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.21Lg", static_cast<long double>(x) * per_au);
  return buffer;
}

void check_frame(const Frame& f, const std::vector<std::string>& symbols) {
  const std::size_t n = symbols.size();
  if (!f.structure.symbols.empty() && f.structure.symbols != symbols)
    throw std::invalid_argument("trajectory frame at step " + std::to_string(f.step) + ": its atoms are not the trajectory's");
  if (f.structure.positions.size() != n || f.velocities.size() != n || f.forces.size() != n)
    throw std::invalid_argument("trajectory frame at step " + std::to_string(f.step) + ": expected " + std::to_string(n) +
                                " positions, velocities and forces, got " + std::to_string(f.structure.positions.size()) +
                                ", " + std::to_string(f.velocities.size()) + ", " + std::to_string(f.forces.size()));
}

// ---- reading ----------------------------------------------------------------------------------------
struct Reader {
  std::string path;
  long line_number = 0;
  [[noreturn]] void fail(const std::string& what) const {
    throw std::invalid_argument(path + ":" + std::to_string(line_number) + ": " + what);
  }
  double number(const std::string& token, long double per_au, const char* what) const {
    char* end = nullptr;
    errno = 0;
    const long double value = std::strtold(token.c_str(), &end);
    if (token.empty() || *end != '\0') fail(std::string(what) + " '" + token + "' is not a number");
    return static_cast<double>(value / per_au);
  }
  long integer(const std::string& token, const char* what) const {
    char* end = nullptr;
    errno = 0;
    const long value = std::strtol(token.c_str(), &end, 10);
    if (token.empty() || *end != '\0' || errno == ERANGE) fail(std::string(what) + " '" + token + "' is not an integer");
    return value;
  }
};

// key=value pairs of the comment line; values may be double-quoted. Keys keep their case.
std::map<std::string, std::string> parse_info(const std::string& line) {
  std::map<std::string, std::string> info;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    const std::size_t eq = line.find('=', i);
    if (i >= line.size() || eq == std::string::npos) break;
    const std::string key = line.substr(i, eq - i);
    std::size_t end;
    if (eq + 1 < line.size() && line[eq + 1] == '"') {
      end = line.find('"', eq + 2);
      if (end == std::string::npos) end = line.size();
      info[key] = line.substr(eq + 2, end - eq - 2);
      i = end + 1;
    } else {
      end = eq + 1;
      while (end < line.size() && !std::isspace(static_cast<unsigned char>(line[end]))) ++end;
      info[key] = line.substr(eq + 1, end - eq - 1);
      i = end;
    }
  }
  return info;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream s(text);
  for (std::string part; std::getline(s, part, separator);) parts.push_back(part);
  return parts;
}

std::vector<std::string> tokens(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream s(line);
  for (std::string t; s >> t;) out.push_back(t);
  return out;
}

// Column offsets of the per-atom properties we read (-1: absent).
struct Columns {
  int species = -1, pos = -1, vel = -1, forces = -1, count = 0;
};

Columns parse_properties(const Reader& r, const std::string& text) {
  const auto f = split(text, ':');
  if (f.empty() || f.size() % 3 != 0) r.fail("Properties must be name:type:count triples, got '" + text + "'");
  Columns c;
  for (std::size_t k = 0; k < f.size(); k += 3) {
    const int n = static_cast<int>(r.integer(f[k + 2], "Properties column count"));
    if (n < 1) r.fail("Properties: column count of '" + f[k] + "' must be positive");
    auto take = [&](int& column, int expected) {
      if (n != expected) r.fail("Properties: '" + f[k] + "' must have " + std::to_string(expected) + " columns");
      column = c.count;
    };
    if (f[k] == "species") take(c.species, 1);
    if (f[k] == "pos") take(c.pos, 3);
    if (f[k] == "vel" || f[k] == "velo" || f[k] == "velocities") take(c.vel, 3);
    if (f[k] == "forces" || f[k] == "force") take(c.forces, 3);
    c.count += n;
  }
  if (c.species < 0 || c.pos < 0) r.fail("Properties must contain species:S:1 and pos:R:3");
  return c;
}

const std::string* find_key(const std::map<std::string, std::string>& info, const std::string& key) {
  for (const auto& [k, v] : info) {
    if (k.size() != key.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < k.size() && same; ++i)
      same = std::tolower(static_cast<unsigned char>(k[i])) == std::tolower(static_cast<unsigned char>(key[i]));
    if (same) return &v;
  }
  return nullptr;
}

// The comment line: cell, columns and the frame's scalars.
Columns read_comment(const Reader& r, const std::string& line, Frame& f) {
  const auto info = parse_info(line);
  const std::string* lattice = find_key(info, "Lattice");
  if (!lattice) r.fail("no Lattice=\"ax ay az bx by bz cx cy cz\" (angstrom) on the comment line");
  const auto numbers = tokens(*lattice);
  if (numbers.size() != 9) r.fail("Lattice must hold 9 numbers");
  dft::Mat3 rows{};
  for (int i = 0; i < 9; ++i) rows[i / 3][i % 3] = r.number(numbers[i], angstrom_per_bohr, "Lattice value");
  try {
    f.structure.cell = dft::Cell::from_lattice(rows);
  } catch (const std::invalid_argument& e) {
    r.fail(e.what());
  }
  const std::string* props = find_key(info, "Properties");
  const Columns columns = parse_properties(r, props ? *props : "species:S:1:pos:R:3");
  auto real = [&](const char* key, long double per_au, double& out) {
    if (auto it = info.find(key); it != info.end()) out = r.number(it->second, per_au, key);
  };
  if (auto it = info.find("step"); it != info.end()) f.step = r.integer(it->second, "step");
  if (auto it = info.find("scf_iterations"); it != info.end())
    f.scf_iterations = static_cast<int>(r.integer(it->second, "scf_iterations"));
  real("time_fs", fs_per_au, f.time);
  real("energy", ev_per_ha, f.potential_energy);
  real("kinetic_energy_eV", ev_per_ha, f.kinetic_energy);
  real("total_energy_eV", ev_per_ha, f.total_energy);
  real("conserved_energy_eV", ev_per_ha, f.conserved_energy);
  real("temperature_K", 1.0L, f.temperature);
  real("pressure_GPa", gpa_per_au, f.pressure);
  return columns;
}

void read_atom(const Reader& r, const std::string& line, const Columns& c, Frame& f) {
  const auto t = tokens(line);
  if (static_cast<int>(t.size()) < c.count)
    r.fail("expected " + std::to_string(c.count) + " columns, got '" + line + "'");
  auto vec = [&](int column, long double per_au, const char* what) {
    return Vec3{r.number(t[column], per_au, what), r.number(t[column + 1], per_au, what),
                r.number(t[column + 2], per_au, what)};
  };
  f.structure.symbols.push_back(t[c.species]);
  f.structure.positions.push_back(vec(c.pos, angstrom_per_bohr, "position"));
  if (c.vel >= 0) f.velocities.push_back(vec(c.vel, angstrom_per_fs_per_au, "velocity"));
  if (c.forces >= 0) f.forces.push_back(vec(c.forces, ev_per_angstrom_per_au, "force"));
}

}  // namespace

std::string format_extxyz_frame(const Frame& f, const std::vector<std::string>& symbols) {
  check_frame(f, symbols);
  std::string out = std::to_string(symbols.size()) + "\nLattice=\"";
  for (int i = 0; i < 9; ++i) out += (i ? " " : "") + to_text(f.structure.cell.lattice[i / 3][i % 3], angstrom_per_bohr);
  out += std::string("\" Properties=") + properties + " step=" + std::to_string(f.step) +
         " time_fs=" + to_text(f.time, fs_per_au) + " energy=" + to_text(f.potential_energy, ev_per_ha) +
         " kinetic_energy_eV=" + to_text(f.kinetic_energy, ev_per_ha) +
         " total_energy_eV=" + to_text(f.total_energy, ev_per_ha) +
         " conserved_energy_eV=" + to_text(f.conserved_energy, ev_per_ha) +
         " temperature_K=" + to_text(f.temperature, 1.0L) + " pressure_GPa=" + to_text(f.pressure, gpa_per_au) +
         " scf_iterations=" + std::to_string(f.scf_iterations) + " pbc=\"T T T\"\n";
  for (std::size_t a = 0; a < symbols.size(); ++a) {
    out += symbols[a];
    for (int k = 0; k < 3; ++k) out += " " + to_text(f.structure.positions[a][k], angstrom_per_bohr);
    for (int k = 0; k < 3; ++k) out += " " + to_text(f.velocities[a][k], angstrom_per_fs_per_au);
    for (int k = 0; k < 3; ++k) out += " " + to_text(f.forces[a][k], ev_per_angstrom_per_au);
    out += "\n";
  }
  return out;
}

void write_extxyz_frame(const std::string& path, const Frame& frame, const std::vector<std::string>& symbols) {
  const std::string text = format_extxyz_frame(frame, symbols);
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary);
    out << text;
    out.close();
    if (!out) {
      std::remove(temporary.c_str());
      throw std::runtime_error(path + ": cannot write " + temporary);
    }
  }
  fsync_file(temporary);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    std::remove(temporary.c_str());
    throw std::runtime_error(path + ": cannot rename " + temporary + " over it: " + reason);
  }
  fsync_parent_directory(path);
}

void for_each_extxyz_frame(const std::string& path, const std::function<void(Frame&&)>& visit) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument(path + ": cannot open the extended XYZ file");
  Reader r{path};
  std::string line;
  while (std::getline(in, line)) {
    ++r.line_number;
    if (tokens(line).empty()) continue;  // blank lines between or after frames
    const long natoms = r.integer(tokens(line)[0], "atom count");
    if (natoms <= 0) r.fail("expected a positive number of atoms, got '" + line + "'");
    Frame f;
    if (!std::getline(in, line)) r.fail("the file ends before the comment line");
    ++r.line_number;
    const Columns columns = read_comment(r, line, f);
    for (long a = 0; a < natoms; ++a) {
      if (!std::getline(in, line))
        r.fail("the file ends after " + std::to_string(a) + " of " + std::to_string(natoms) + " atoms");
      ++r.line_number;
      read_atom(r, line, columns, f);
    }
    visit(std::move(f));
  }
}

std::vector<Frame> read_extxyz_frames(const std::string& path) {
  std::vector<Frame> frames;
  for_each_extxyz_frame(path, [&](Frame&& f) { frames.push_back(std::move(f)); });
  return frames;
}

}  // namespace megabar::md
