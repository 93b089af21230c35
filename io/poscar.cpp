#include "io/poscar.hpp"

#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/elements.hpp"
#include "core/errors.hpp"
#include "core/units.hpp"
#include "io/atomic_file.hpp"

namespace megabar::io {

namespace {

struct Lines {
  std::string path;
  std::ifstream in;
  long number = 0;

  [[noreturn]] void fail(const std::string& what) const { throw core::InputError(core::at_line(path, number, what)); }
  std::vector<std::string> next(const std::string& expected) {
    std::string line;
    if (!std::getline(in, line)) {
      ++number;
      fail("the file ends here; expected " + expected);
    }
    ++number;
    std::istringstream s(line);
    std::vector<std::string> words;
    for (std::string w; s >> w;) words.push_back(w);
    return words;
  }
  double number_of(const std::string& word, const std::string& what) const {
    std::size_t used = 0;
    double x = 0;
    try {
      x = std::stod(word, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != word.size() || !std::isfinite(x)) fail(what + " '" + word + "' is not a finite number");
    return x;
  }
};

}  // namespace

core::Structure read_poscar(const std::string& path) {
  check_regular_file(path, "a VASP POSCAR");
  Lines r{path, std::ifstream(path), 0};
  if (!r.in) throw core::InputError(path + ": cannot open the POSCAR file");
  r.next("a comment line");
  const auto scale_words = r.next("the scale factor");
  if (scale_words.size() != 1)
    r.fail("expected one scale factor (per-axis scales are not supported), got " + std::to_string(scale_words.size()) +
           " numbers");
  const double scale = r.number_of(scale_words[0], "scale factor");
  if (scale == 0) r.fail("the scale factor must not be 0");
  core::Mat3 rows{};
  for (int i = 0; i < 3; ++i) {
    const auto w = r.next("lattice vector " + std::to_string(i + 1));
    if (w.size() < 3) r.fail("expected 3 numbers (a lattice vector in A)");
    for (int k = 0; k < 3; ++k) rows[i][k] = r.number_of(w[k], "lattice value") * units::angstrom;
  }
  auto cell_of = [&](const core::Mat3& lattice) {  // the lattice line's error names that line
    try {
      return core::Cell::from_lattice(lattice);
    } catch (const std::invalid_argument& e) {
      r.fail(e.what());
    }
  };
  const double volume0 = std::fabs(cell_of(rows).volume);
  const double factor = scale > 0 ? scale : std::cbrt(-scale * std::pow(units::angstrom, 3) / volume0);
  for (auto& row : rows)
    for (double& x : row) x *= factor;
  core::Structure s;
  s.cell = cell_of(rows);
  const auto symbols = r.next("the element symbols (VASP 5 format)");
  if (symbols.empty() || std::isdigit(static_cast<unsigned char>(symbols[0][0])))
    r.fail(
        "expected element symbols (VASP 5 POSCAR); this looks like a VASP 4 file: add a line with the symbols "
        "above the counts");
  for (const auto& sym : symbols) {
    try {
      core::element(sym);
    } catch (const std::exception&) {
      r.fail("unknown element symbol '" + sym + "'");
    }
  }
  const auto counts = r.next("the number of atoms of each element");
  if (counts.size() != symbols.size())
    r.fail("expected " + std::to_string(symbols.size()) + " counts (one per element), got " +
           std::to_string(counts.size()));
  std::vector<long> n;
  long total = 0;
  for (const auto& c : counts) {
    const double x = r.number_of(c, "atom count");
    if (x < 1 || x != std::floor(x) || x > 1e7) r.fail("atom count '" + c + "' must be a positive integer");
    n.push_back(static_cast<long>(x));
    total += n.back();
  }
  auto mode = r.next("Direct or Cartesian");
  if (!mode.empty() && (mode[0][0] == 'S' || mode[0][0] == 's')) mode = r.next("Direct or Cartesian");
  if (mode.empty()) r.fail("expected Direct or Cartesian");
  const char m = static_cast<char>(std::tolower(static_cast<unsigned char>(mode[0][0])));
  if (m != 'd' && m != 'c' && m != 'k') r.fail("expected Direct or Cartesian, got '" + mode[0] + "'");
  const bool cartesian = m != 'd';
  for (std::size_t e = 0; e < n.size(); ++e)
    for (long k = 0; k < n[e]; ++k) {
      const auto w =
          r.next("the position of atom " + std::to_string(s.positions.size() + 1) + " of " + std::to_string(total));
      if (w.size() < 3) r.fail("expected 3 coordinates");
      core::Vec3 x{r.number_of(w[0], "coordinate"), r.number_of(w[1], "coordinate"), r.number_of(w[2], "coordinate")};
      core::Vec3 p{0, 0, 0};
      if (cartesian) {
        for (int d = 0; d < 3; ++d) p[d] = x[d] * factor * units::angstrom;
      } else {
        for (int i = 0; i < 3; ++i)
          for (int d = 0; d < 3; ++d) p[d] += x[i] * s.cell.lattice[i][d];
      }
      for (int d = 0; d < 3; ++d)
        if (!core::coordinate_in_reach(p[d], s.cell))
          r.fail("coordinate '" + w[d] + "' is more than a million cell lengths from the cell");
      s.symbols.push_back(symbols[e]);
      s.positions.push_back(p);
    }
  return s;
}

}  // namespace megabar::io
