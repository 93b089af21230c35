#include "dft/gth.hpp"

#include <array>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "dft/gth_form_factors.hpp"
#include "core/units.hpp"

namespace megabar::dft {

using units::pi;

namespace {
std::array<double, 4> c4(const std::vector<double>& c) {
  std::array<double, 4> out{0, 0, 0, 0};
  for (std::size_t i = 0; i < c.size() && i < 4; ++i) out[i] = c[i];
  return out;
}
}  // namespace

double GthPseudopotential::local_form_factor(double q) const { return gth_ff::local(q, zion, rloc, c4(c).data()); }

double GthPseudopotential::local_form_factor_derivative(double q) const {
  return gth_ff::local_derivative(q, zion, rloc, c4(c).data());
}

double GthPseudopotential::projector_form_factor_derivative(int l, int i, double q) const {
  (void)projector_form_factor(l, i, q);  // validates (l, i)
  return gth_ff::projector_derivative(l, i, channels.at(l).r, q);
}

double GthPseudopotential::local_g0_term() const {
  // -4 pi Z/q^2 exp(-q^2 rloc^2/2) = -4 pi Z/q^2 + 2 pi Z rloc^2 + O(q^2)
  const double p0[4] = {1.0, 3.0, 15.0, 105.0};
  double poly = 0;
  for (std::size_t i = 0; i < c.size() && i < 4; ++i) poly += c[i] * p0[i];
  return 2.0 * pi * zion * rloc * rloc + std::pow(2.0 * pi, 1.5) * rloc * rloc * rloc * poly;
}

double GthPseudopotential::projector_form_factor(int l, int i, double q) const {
  if (!gth_ff::projector_supported(l, i))
    throw std::invalid_argument("GTH projector l=" + std::to_string(l) + " i=" + std::to_string(i) + " not supported");
  return gth_ff::projector(l, i, channels.at(l).r, q);
}

int GthPseudopotential::projectors_per_atom() const {
  int n = 0;
  for (std::size_t l = 0; l < channels.size(); ++l) n += channels[l].nproj * (2 * static_cast<int>(l) + 1);
  return n;
}

namespace {

struct LineReader {
  std::ifstream in;
  std::string path;
  int number = 0;
  bool next(std::string& line) {  // skips blank and comment lines
    while (std::getline(in, line)) {
      ++number;
      auto hash = line.find('#');
      if (hash != std::string::npos) line.erase(hash);
      if (line.find_first_not_of(" \t\r") != std::string::npos) return true;
    }
    return false;
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw std::invalid_argument("pseudopotential " + path + ":" + std::to_string(number) + ": " + what);
  }
};

std::vector<double> numbers(LineReader& r, const std::string& line, const std::string& what) {
  std::istringstream s(line);
  std::vector<double> v;
  std::string tok;
  while (s >> tok) {
    try {
      std::size_t used = 0;
      v.push_back(std::stod(tok, &used));
      if (used != tok.size() || !std::isfinite(v.back())) throw std::invalid_argument("");
    } catch (const std::exception&) {
      r.fail("expected " + what + " (finite numbers), found '" + tok + "'");
    }
  }
  return v;
}

// Reads the body of one block (after its header line).
void read_block(LineReader& r, GthPseudopotential& pp) {
  std::string line;
  if (!r.next(line)) r.fail("missing electron counts per angular momentum");
  auto ne = numbers(r, line, "electron counts (integers)");
  if (ne.empty()) r.fail("missing electron counts");
  for (double n : ne) pp.zion += n;
  if (pp.zion <= 0) r.fail("valence charge must be positive");
  if (!r.next(line)) r.fail("missing 'r_loc n_c C1 ... C_n' line");
  auto loc = numbers(r, line, "r_loc n_c C_i");
  if (loc.size() < 2 || loc[0] <= 0 || loc[1] < 0 || loc[1] > 4 || loc.size() != 2 + static_cast<std::size_t>(loc[1]))
    r.fail("expected 'r_loc n_c C1..C_nc' with r_loc > 0 and 0 <= n_c <= 4");
  pp.rloc = loc[0];
  pp.c.assign(loc.begin() + 2, loc.end());
  if (!r.next(line)) r.fail("missing number of nonlocal channels");
  auto nch = numbers(r, line, "number of channels");
  if (nch.size() != 1 || nch[0] < 0 || nch[0] > 4) r.fail("expected the number of nonlocal channels (0..4)");
  for (int l = 0; l < static_cast<int>(nch[0]); ++l) {
    if (!r.next(line)) r.fail("missing channel l=" + std::to_string(l));
    auto v = numbers(r, line, "'r_l nproj h_11 ...'");
    if (v.size() < 2 || v[0] <= 0 || v[1] < 0 || v[1] > 3)
      r.fail("expected 'r_l nproj h_11 h_12 ...' with r_l > 0, nproj <= 3");
    GthChannel ch;
    ch.r = v[0];
    ch.nproj = static_cast<int>(v[1]);
    ch.h.assign(ch.nproj, std::vector<double>(ch.nproj, 0.0));
    std::vector<double> row(v.begin() + 2, v.end());
    for (int i = 0; i < ch.nproj; ++i) {
      if (i > 0) {
        if (!r.next(line)) r.fail("missing h row " + std::to_string(i + 1) + " of channel l=" + std::to_string(l));
        row = numbers(r, line, "h_ij");
      }
      if (static_cast<int>(row.size()) != ch.nproj - i)
        r.fail("expected " + std::to_string(ch.nproj - i) + " h_ij values");
      for (int j = i; j < ch.nproj; ++j) ch.h[i][j] = ch.h[j][i] = row[j - i];
    }
    pp.channels.push_back(ch);
  }
}

}  // namespace

GthPseudopotential read_gth(const std::string& path, const std::string& element, const std::string& name) {
  LineReader r{std::ifstream(path), path, 0};
  if (!r.in) throw std::invalid_argument("pseudopotential file '" + path + "' cannot be opened");
  std::string line;
  bool have = r.next(line);
  while (have) {
    std::istringstream s(line);
    std::string el;
    s >> el;
    std::vector<std::string> names;
    for (std::string t; s >> t;) names.push_back(t);
    if (names.empty() || !std::isalpha(static_cast<unsigned char>(el[0])))
      r.fail("expected a block header 'Element NAME [ALIAS...]', found '" + line + "'");
    bool wanted = (el == element);
    if (wanted && !name.empty()) {
      wanted = false;
      for (auto& n : names) wanted = wanted || n == name;
    }
    if (wanted) {
      GthPseudopotential pp;
      pp.element = el;
      pp.name = names.front();
      pp.source = path;
      read_block(r, pp);
      return pp;
    }
    // Skip the body of a block we do not want: up to the next header (a line starting with a letter).
    while ((have = r.next(line))) {
      auto first = line.find_first_not_of(" \t");
      if (std::isalpha(static_cast<unsigned char>(line[first]))) break;
    }
  }
  throw std::invalid_argument("pseudopotential file '" + path + "': no block for element '" + element + "'" +
                              (name.empty() ? "" : " named '" + name + "'"));
}

}  // namespace megabar::dft
