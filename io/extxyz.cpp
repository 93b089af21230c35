// Extended XYZ frames (ASE's layout, docs/trajectory.md).
//
// Bit-exact round trip through decimal text in other units: a value x (atomic units) is written as
// X = x * c, computed and printed in long double (>= 64-bit significand) with 21 significant digits, and
// read back as x' = double(X' / c) in long double. X' differs from x*c by a relative 2^-64 or so, so x'
// lies within ~2^-62 of x relative, far inside the half-ulp (2^-54) that rounds to x: x' == x.
#include "io/extxyz.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <utility>

#include "core/elements.hpp"
#include "core/errors.hpp"
#include "core/units.hpp"
#include "io/atomic_file.hpp"

namespace megabar::io {
namespace {

static_assert(std::numeric_limits<long double>::digits >= 64,
              "extxyz round trips need a long double with at least a 64-bit significand");

// File units per atomic unit.
constexpr long double angstrom_per_bohr = units::bohr_in_angstrom;
constexpr long double fs_per_au = 1.0L / units::femtosecond;
constexpr long double angstrom_per_fs_per_au = angstrom_per_bohr * units::femtosecond;    // velocity
constexpr long double ev_per_angstrom_per_au = units::hartree_in_ev / angstrom_per_bohr;  // force
constexpr long double ev_per_ha = units::hartree_in_ev;
constexpr long double gpa_per_au = units::ha_per_bohr3_in_gpa;
// ASE's units: masses in amu, momenta in amu * angstrom / (ASE's time unit, sqrt(amu angstrom^2 / eV)
// = 10.18 fs), so that p (ASE) = p (a.u.) * sqrt(E_h/eV / (amu/m_e)); stress in eV/angstrom^3.
constexpr long double amu_per_au = 1.0L / units::amu;  // mass
const long double ase_momentum_per_au = std::sqrt(static_cast<long double>(units::hartree_in_ev) / units::amu);
constexpr long double ev_per_angstrom3_per_au = ev_per_ha / (angstrom_per_bohr * angstrom_per_bohr * angstrom_per_bohr);

// ---- writing ------------------------------------------------------------------------------------------
enum class Quantity { length, time, velocity, force, energy, temperature, pressure, mass, stress };

constexpr long double per_au(Quantity q) {
  switch (q) {
    case Quantity::length:
      return angstrom_per_bohr;
    case Quantity::time:
      return fs_per_au;
    case Quantity::velocity:
      return angstrom_per_fs_per_au;
    case Quantity::force:
      return ev_per_angstrom_per_au;
    case Quantity::energy:
      return ev_per_ha;
    case Quantity::pressure:
      return gpa_per_au;
    case Quantity::mass:
      return amu_per_au;
    case Quantity::stress:  // ASE's sign: the file holds -x
      return -ev_per_angstrom3_per_au;
    default:
      return 1.0L;
  }
}

std::string printed(const char* format, ...) {
  va_list args, again;
  va_start(args, format);
  va_copy(again, args);
  const int n = std::vsnprintf(nullptr, 0, format, args);
  va_end(args);
  std::string out(static_cast<std::size_t>(n > 0 ? n : 0) + 1, '\0');
  std::vsnprintf(out.data(), out.size(), format, again);
  va_end(again);
  out.resize(out.size() - 1);
  return out;
}

// How numbers are printed (see the header): round_trip for MD frames, fixed10 for structures.
enum class Digits { round_trip, fixed10 };

std::string number(double x, Quantity q, Digits digits) {
  if (digits == Digits::round_trip) return printed("%.21Lg", static_cast<long double>(x) * per_au(q));
  // fixed10: the double arithmetic of the structure files of earlier versions (bohr -> angstrom by division).
  double value = x;
  if (q == Quantity::length)
    value = x / units::angstrom;
  else if (q == Quantity::force)
    value = x * (units::hartree_in_ev * units::angstrom);
  else if (q == Quantity::energy)
    value = x * units::hartree_in_ev;
  else if (q == Quantity::stress)
    return printed("%.10g", static_cast<double>(x * per_au(q)));  // ~1e-2 eV/A^3: significant digits
  else
    value = static_cast<double>(x * per_au(q));
  return printed("%.10f", value);
}

// What a frame's text holds besides species and positions.
struct Content {
  bool velocities = false, forces = false;                // velocities: as masses (amu) and momenta (ASE's units)
  std::vector<std::pair<std::string, std::string>> info;  // key=value after Properties, before pbc
  Digits digits = Digits::round_trip;
};

std::string format_frame(const Frame& f, const std::vector<std::string>& symbols, const Content& c) {
  auto num = [&](double x, Quantity q) { return number(x, q, c.digits); };
  std::string out = std::to_string(symbols.size()) + "\nLattice=\"";
  for (int i = 0; i < 9; ++i) out += (i ? " " : "") + num(f.structure.cell.lattice[i / 3][i % 3], Quantity::length);
  out += "\" Properties=species:S:1:pos:R:3";
  if (c.velocities) out += ":masses:R:1:momenta:R:3";
  if (c.forces) out += ":forces:R:3";
  for (const auto& [key, value] : c.info) out += " " + key + "=" + value;
  out += " pbc=\"T T T\"\n";
  for (std::size_t a = 0; a < symbols.size(); ++a) {
    out += symbols[a];
    for (int k = 0; k < 3; ++k) out += " " + num(f.structure.positions[a][k], Quantity::length);
    if (c.velocities) {
      out += " " + num(f.masses[a], Quantity::mass);
      // p = m v in long double, as every round-trip value (see the top of the file)
      for (int k = 0; k < 3; ++k)
        out +=
            " " + printed("%.21Lg", static_cast<long double>(f.masses[a]) * f.velocities[a][k] * ase_momentum_per_au);
    }
    if (c.forces)
      for (int k = 0; k < 3; ++k) out += " " + num(f.forces[a][k], Quantity::force);
    out += "\n";
  }
  return out;
}

void check_frame(const Frame& f, const std::vector<std::string>& symbols) {
  const std::size_t n = symbols.size();
  if (!f.structure.symbols.empty() && f.structure.symbols != symbols)
    throw std::invalid_argument("trajectory frame at step " + std::to_string(f.step) +
                                ": its atoms are not the trajectory's");
  if (f.structure.positions.size() != n || f.masses.size() != n || f.velocities.size() != n || f.forces.size() != n)
    throw std::invalid_argument("trajectory frame at step " + std::to_string(f.step) + ": expected " +
                                std::to_string(n) + " positions, masses, velocities and forces, got " +
                                std::to_string(f.structure.positions.size()) + ", " + std::to_string(f.masses.size()) +
                                ", " + std::to_string(f.velocities.size()) + ", " + std::to_string(f.forces.size()));
}

// The 9 values of stress="..." (rows; eV/angstrom^3 with ASE's sign).
std::string stress_text(const core::Mat3& stress, Digits digits) {
  std::string out;
  for (int i = 0; i < 9; ++i) out += (i ? " " : "") + number(stress[i / 3][i % 3], Quantity::stress, digits);
  return out;
}

// ---- reading ------------------------------------------------------------------------------------------
std::string lowercase(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// key=value pairs of the comment line, keys lowercased (values may be double-quoted; a later key wins).
std::map<std::string, std::string> parse_info(const std::string& line) {
  std::map<std::string, std::string> info;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    const std::size_t eq = line.find('=', i);
    if (i >= line.size() || eq == std::string::npos) break;
    const std::string key = lowercase(line.substr(i, eq - i));
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
  int species = -1, pos = -1, vel = -1, masses = -1, momenta = -1, forces = -1, count = 0;
};

// What is read: whole MD frames in long double (bit-exact round trips), or only the structure of a frame
// in double (input structures, bit-identical to earlier versions).
enum class Mode { frames, structure };

struct Reader {
  std::string path;
  Mode mode = Mode::frames;
  long line_number = 0;

  [[noreturn]] void fail(const std::string& what) const {
    throw core::InputError(core::at_line(path, line_number, what));
  }
  double number(const std::string& token, long double per_au, const char* what) const {
    char* end = nullptr;
    errno = 0;
    const long double value = std::strtold(token.c_str(), &end);
    if (token.empty() || *end != '\0') fail(std::string(what) + " '" + token + "' is not a number");
    return static_cast<double>(value / per_au);
  }
  // A length (lattice, positions), which must be finite.
  double length(const std::string& token, const char* what) const {
    double value;
    if (mode == Mode::frames) {
      value = number(token, angstrom_per_bohr, what);
    } else {
      char* end = nullptr;
      value = std::strtod(token.c_str(), &end) * units::angstrom;
      if (token.empty() || *end != '\0') fail(std::string(what) + " '" + token + "' is not a number");
    }
    if (!std::isfinite(value)) fail(std::string(what) + " '" + token + "' is not a finite number");
    return value;
  }
  long integer(const std::string& token, const char* what) const {
    char* end = nullptr;
    errno = 0;
    const long value = std::strtol(token.c_str(), &end, 10);
    if (token.empty() || *end != '\0' || errno == ERANGE)
      fail(std::string(what) + " '" + token + "' is not an integer");
    return value;
  }
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
    if (f[k] == "masses") take(c.masses, 1);
    if (f[k] == "momenta") take(c.momenta, 3);
    if (f[k] == "forces" || f[k] == "force") take(c.forces, 3);
    c.count += n;
  }
  if (c.species < 0 || c.pos < 0) r.fail("Properties must contain species:S:1 and pos:R:3");
  return c;
}

// stress="..." (eV/angstrom^3, ASE's sign): 9 values (rows of the symmetric tensor) or Voigt's 6 (xx yy zz yz
// xz xy), as ASE writes either.
void read_stress(const Reader& r, const std::string& text, core::Mat3& stress) {
  const auto t = tokens(text);
  if (t.size() != 9 && t.size() != 6)
    r.fail("stress must hold 9 numbers (a 3x3 tensor) or 6 (Voigt: xx yy zz yz xz xy), eV/angstrom^3; got '" + text +
           "'");
  std::vector<double> v;
  for (const auto& token : t) {
    v.push_back(r.number(token, -ev_per_angstrom3_per_au, "stress"));
    if (!std::isfinite(v.back())) r.fail("stress value '" + token + "' is not a finite number");
  }
  if (v.size() == 9) {
    for (int i = 0; i < 9; ++i) stress[i / 3][i % 3] = v[i];
  } else {
    stress = {{{v[0], v[5], v[4]}, {v[5], v[1], v[3]}, {v[4], v[3], v[2]}}};
  }
}

// The comment line: cell, columns and (frames) the frame's scalars.
Columns read_comment(const Reader& r, const std::string& line, Frame& f) {
  const auto info = parse_info(line);
  const auto value = [&](const char* key) -> const std::string* {
    const auto it = info.find(lowercase(key));
    return it == info.end() ? nullptr : &it->second;
  };
  const std::string* lattice = value("Lattice");
  if (!lattice) r.fail("no Lattice=\"ax ay az bx by bz cx cy cz\" (angstrom) on the comment line");
  const auto numbers = tokens(*lattice);
  if (numbers.size() != 9) r.fail("Lattice must hold 9 numbers");
  core::Mat3 rows{};
  for (int i = 0; i < 9; ++i) rows[i / 3][i % 3] = r.length(numbers[i], "Lattice value");
  try {
    f.structure.cell = core::Cell::from_lattice(rows);
  } catch (const std::invalid_argument& e) {
    r.fail(e.what());
  }
  const std::string* props = value("Properties");
  Columns columns = parse_properties(r, props ? *props : "species:S:1:pos:R:3");
  if (r.mode == Mode::structure) {
    columns.vel = columns.masses = columns.momenta = columns.forces = -1;  // a structure is read without them
    return columns;
  }
  auto real = [&](const char* key, long double per_au, double& out) {
    if (const std::string* v = value(key)) out = r.number(*v, per_au, key);
  };
  if (const std::string* v = value("step")) f.step = r.integer(*v, "step");
  if (const std::string* v = value("scf_iterations"))
    f.scf_iterations = static_cast<int>(r.integer(*v, "scf_iterations"));
  real("time_fs", fs_per_au, f.time);
  real("energy", ev_per_ha, f.potential_energy);
  real("kinetic_energy_eV", ev_per_ha, f.kinetic_energy);
  real("total_energy_eV", ev_per_ha, f.total_energy);
  real("conserved_energy_eV", ev_per_ha, f.conserved_energy);
  real("temperature_K", 1.0L, f.temperature);
  real("pressure_GPa", gpa_per_au, f.pressure);
  if (const std::string* v = value("stress"))
    read_stress(r, *v, f.stress);
  else  // earlier versions' frames: unknown
    for (auto& row : f.stress) row.fill(std::numeric_limits<double>::quiet_NaN());
  return columns;
}

void read_atom(const Reader& r, const std::string& line, const Columns& c, Frame& f) {
  const auto t = tokens(line);
  if (static_cast<int>(t.size()) < c.count)
    r.fail("expected " + std::to_string(c.count) + " columns, got '" + line + "'");
  auto vec = [&](int column, long double per_au, const char* what) {
    return core::Vec3{r.number(t[column], per_au, what), r.number(t[column + 1], per_au, what),
                      r.number(t[column + 2], per_au, what)};
  };
  f.structure.symbols.push_back(t[c.species]);
  f.structure.positions.push_back(
      {r.length(t[c.pos], "position"), r.length(t[c.pos + 1], "position"), r.length(t[c.pos + 2], "position")});
  for (int k = 0; k < 3; ++k)
    if (!core::coordinate_in_reach(f.structure.positions.back()[k], f.structure.cell))
      r.fail("position '" + t[c.pos + k] + "' is more than a million cell lengths from the cell: a damaged line?");
  if (c.masses >= 0 || c.momenta >= 0) {
    // The column, or (a file of ASE's without one) the element's conventional mass, which ASE uses too.
    double m = 0;
    if (c.masses >= 0) {
      m = r.number(t[c.masses], amu_per_au, "mass");
    } else {
      try {
        m = core::element(t[c.species]).mass * units::amu;
      } catch (const std::invalid_argument& e) {
        r.fail(std::string("momenta without a masses column: ") + e.what());
      }
    }
    if (!(m > 0) || !std::isfinite(m)) r.fail("mass '" + t[c.masses] + "' must be a positive number (amu)");
    f.masses.push_back(m);
  }
  if (c.vel >= 0) {
    f.velocities.push_back(vec(c.vel, angstrom_per_fs_per_au, "velocity"));
  } else if (c.momenta >= 0) {  // v = p / m, in long double (bit-exact round trips of megabar's frames)
    core::Vec3 v{};
    for (int k = 0; k < 3; ++k) {
      const std::string& token = t[c.momenta + k];
      char* end = nullptr;
      const long double p = std::strtold(token.c_str(), &end);
      if (token.empty() || *end != '\0') r.fail("momentum '" + token + "' is not a number");
      v[k] = static_cast<double>(p / ase_momentum_per_au / f.masses.back());
      if (!std::isfinite(v[k])) r.fail("momentum '" + token + "' is not a finite number");
    }
    f.velocities.push_back(v);
  }
  if (c.forces >= 0) f.forces.push_back(vec(c.forces, ev_per_angstrom_per_au, "force"));
}

// Reads frames until the file ends or `visit` returns false.
void read_frames(const std::string& path, Mode mode, const std::function<bool(Frame&&)>& visit) {
  check_regular_file(path, "an extended XYZ file");
  std::ifstream in(path);
  if (!in) throw core::InputError(path + ": cannot open the extended XYZ file");
  Reader r{path, mode};
  std::string line;
  bool have_line = false;  // `line` already holds the next line (read to check the previous frame's end)
  while (have_line || std::getline(in, line)) {
    if (!have_line) ++r.line_number;
    have_line = false;
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
    // The frame must end where its count line says: the next non-blank line is another count line or the end
    // (a count line that says 14 for 15 atoms must not give a 14-atom structure).
    while (std::getline(in, line)) {
      ++r.line_number;
      if (tokens(line).empty()) continue;
      const auto t = tokens(line);
      char* end = nullptr;
      std::strtol(t[0].c_str(), &end, 10);
      if (*end != '\0')
        r.fail("expected the atom count of a next frame or the end of the file after the " + std::to_string(natoms) +
               " atoms of the count line, got '" + line + "' (does the count line give the right number of atoms?)");
      have_line = true;
      break;
    }
    if (!visit(std::move(f))) return;
  }
}

}  // namespace

std::string format_extxyz_frame(const Frame& f, const std::vector<std::string>& symbols) {
  check_frame(f, symbols);
  const auto num = [](double x, Quantity q) { return number(x, q, Digits::round_trip); };
  Content c;
  c.velocities = c.forces = true;
  c.info = {{"step", std::to_string(f.step)},
            {"time_fs", num(f.time, Quantity::time)},
            {"energy", num(f.potential_energy, Quantity::energy)},
            {"kinetic_energy_eV", num(f.kinetic_energy, Quantity::energy)},
            {"total_energy_eV", num(f.total_energy, Quantity::energy)},
            {"conserved_energy_eV", num(f.conserved_energy, Quantity::energy)},
            {"temperature_K", num(f.temperature, Quantity::temperature)},
            {"pressure_GPa", num(f.pressure, Quantity::pressure)}};
  if (std::isfinite(f.stress[0][0]))  // NaN: unknown (a frame read from an earlier version's file)
    c.info.emplace_back("stress", "\"" + stress_text(f.stress, Digits::round_trip) + "\"");
  c.info.emplace_back("scf_iterations", std::to_string(f.scf_iterations));
  return format_frame(f, symbols, c);
}

void write_extxyz_frame(const std::string& path, const Frame& frame, const std::vector<std::string>& symbols) {
  replace_file(path, format_extxyz_frame(frame, symbols));
}

void write_extxyz(const std::string& path, const core::Structure& s, const std::vector<core::Vec3>* forces,
                  const double* energy, bool append, const core::Mat3* stress) {
  Frame f;
  f.structure = s;
  if (forces) f.forces = *forces;
  Content c;
  c.digits = Digits::fixed10;
  c.forces = forces != nullptr;
  if (energy) c.info.emplace_back("energy", number(*energy, Quantity::energy, Digits::fixed10));
  if (stress) c.info.emplace_back("stress", "\"" + stress_text(*stress, Digits::fixed10) + "\"");
  const std::string text = format_frame(f, s.symbols, c);
  if (!append) return replace_file(path, text);
  std::ofstream out(path, std::ios::app);
  out << text;
  if (!out) throw core::FileError("cannot append to " + path);
}

void for_each_extxyz_frame(const std::string& path, const std::function<void(Frame&&)>& visit) {
  read_frames(path, Mode::frames, [&](Frame&& f) {
    visit(std::move(f));
    return true;
  });
}

std::vector<Frame> read_extxyz_frames(const std::string& path) {
  std::vector<Frame> frames;
  for_each_extxyz_frame(path, [&](Frame&& f) { frames.push_back(std::move(f)); });
  return frames;
}

core::Structure read_extxyz(const std::string& path) {
  core::Structure s;
  bool found = false;
  read_frames(path, Mode::structure, [&](Frame&& f) {
    s = std::move(f.structure);
    found = true;
    return false;  // the first frame only
  });
  if (!found) throw core::InputError(core::at_line(path, 1, "empty file; expected the number of atoms"));
  return s;
}

}  // namespace megabar::io
