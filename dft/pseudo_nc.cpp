// Readers of norm-conserving pseudopotentials: ABINIT psp8 and QE UPF v2 (formats and their conventions
// at the top of dft/pseudo_nc.hpp). Every stored array is converted to the plain radial function in Ha.
#include "core/units.hpp"
#include "dft/pseudo_nc.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/errors.hpp"

namespace megabar::dft {

using core::at_line;
using core::InputError;

namespace {

constexpr double four_pi = 4.0 * units::pi;

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw core::FileError(path + ": cannot open the pseudopotential file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Fortran numbers: 1.0D+00, 1.0d-3 are 1.0E+00, 1.0E-3.
bool parse_double(std::string t, double& out) {
  for (char& c : t)
    if (c == 'D' || c == 'd') c = 'E';
  const char* s = t.c_str();
  char* end = nullptr;
  out = std::strtod(s, &end);
  return end != s && *end == '\0';
}

bool parse_int(const std::string& t, long& out) {
  const char* s = t.c_str();
  char* end = nullptr;
  out = std::strtol(s, &end, 10);
  return end != s && *end == '\0';
}

std::vector<std::string> split(const std::string& line) {
  std::istringstream ss(line);
  std::vector<std::string> w;
  std::string t;
  while (ss >> t) w.push_back(t);
  return w;
}

// Simpson weights on the index (dr = rab dk): 1/3 (1 4 2 4 .. 4 1) for an even number of intervals; with an
// odd number, Simpson 3/8 (3/8 9/8 9/8 3/8) on the last three intervals.
std::vector<double> simpson_weights(const std::vector<double>& rab) {
  const size_t n = rab.size();
  std::vector<double> c(n, 0.0);
  if (n < 4) {  // trapezoid
    for (size_t k = 0; k + 1 < n; ++k) {
      c[k] += 0.5;
      c[k + 1] += 0.5;
    }
  } else {
    const size_t m = ((n - 1) % 2 == 0) ? n : n - 3;  // Simpson 1/3 on points 0..m-1
    for (size_t k = 0; k + 2 < m; k += 2) {
      c[k] += 1.0 / 3.0;
      c[k + 1] += 4.0 / 3.0;
      c[k + 2] += 1.0 / 3.0;
    }
    if (m != n) {
      c[n - 4] += 3.0 / 8.0;
      c[n - 3] += 9.0 / 8.0;
      c[n - 2] += 9.0 / 8.0;
      c[n - 1] += 3.0 / 8.0;
    }
  }
  for (size_t k = 0; k < n; ++k) c[k] *= rab[k];
  return c;
}

// f(r) from g(r) = r^p f(r); at r = 0 (where r^p = 0) f is extrapolated quadratically from the next three
// points when `finite_at_origin`, else set to 0.
std::vector<double> divide_by_rpow(const std::vector<double>& r, const std::vector<double>& g, int p,
                                   bool finite_at_origin) {
  std::vector<double> f(g.size());
  for (size_t k = 0; k < g.size(); ++k) f[k] = r[k] > 1e-12 ? g[k] / std::pow(r[k], p) : 0.0;
  if (!r.empty() && r[0] <= 1e-12 && g.size() >= 4) {
    if (finite_at_origin) {  // Lagrange through r1, r2, r3 evaluated at 0
      const double x1 = r[1], x2 = r[2], x3 = r[3];
      f[0] = f[1] * x2 * x3 / ((x1 - x2) * (x1 - x3)) + f[2] * x1 * x3 / ((x2 - x1) * (x2 - x3)) +
             f[3] * x1 * x2 / ((x3 - x1) * (x3 - x2));
    } else {
      f[0] = 0.0;
    }
  }
  return f;
}

void finish(NcPseudo& pp) {
  pp.weights = simpson_weights(pp.rab);
  try {
    pp.xc = pp.format == "psp8" ? xc_name_from_psp8(std::stoi(pp.xc_label)) : xc_name_from_upf(pp.xc_label);
  } catch (const InputError&) {
    pp.xc = "";  // unknown functional: kept as the raw label; the caller decides
  }
}

// ---- psp8 --------------------------------------------------------------------------------------------

struct LineReader {
  std::string path;
  std::vector<std::string> lines;
  size_t next = 0;
  std::vector<std::string> words(const std::string& what) {
    if (next >= lines.size()) throw InputError(at_line(path, long(next) + 1, "end of file; expected " + what));
    return split(lines[next++]);
  }
  long line() const { return long(next); }  // 1-based number of the line last read
  [[noreturn]] void fail(const std::string& what) const { throw InputError(at_line(path, line(), what)); }
  double number(const std::vector<std::string>& w, size_t i, const std::string& what) const {
    double x;
    if (i >= w.size() || !parse_double(w[i], x)) fail("expected " + what);
    return x;
  }
  long integer(const std::vector<std::string>& w, size_t i, const std::string& what) const {
    long x;
    if (i >= w.size() || !parse_int(w[i], x)) fail("expected " + what);
    return x;
  }
};

// mmax rows "i r f1 .. fn": fills r (checked against `r` if it is not empty) and the n columns.
std::vector<std::vector<double>> read_table(LineReader& in, long mmax, int ncol, std::vector<double>& r,
                                            const std::string& what) {
  std::vector<std::vector<double>> cols(ncol, std::vector<double>(mmax));
  const bool have_r = !r.empty();
  if (!have_r) r.resize(mmax);
  for (long k = 0; k < mmax; ++k) {
    const auto w = in.words(std::to_string(mmax) + " rows of " + what);
    const std::string row = "a row 'i r' + " + std::to_string(ncol) + " numbers of " + what;
    if (in.integer(w, 0, row) != k + 1) in.fail("expected row index " + std::to_string(k + 1) + " of " + what);
    const double rk = in.number(w, 1, row);
    if (have_r && std::fabs(rk - r[k]) > 1e-10)
      in.fail("radial grid point differs from the first table's (" + what + ")");
    r[k] = rk;
    for (int c = 0; c < ncol; ++c) cols[c][k] = in.number(w, 2 + c, row);
  }
  return cols;
}

// The valence rows of the ONCVPSP input that PseudoDojo psp8 files echo between <INPUT> and </INPUT>:
// after comments, "atsym z nc nv iexc psfile", then nc core and nv valence rows "n l f". Empty when the block
// is absent or not in this form (it is commentary for ABINIT, so it never makes the file unreadable).
std::vector<NcShell> oncvpsp_input_valence(const std::vector<std::string>& lines) {
  std::size_t i = 0;
  while (i < lines.size() && lines[i].find("<INPUT>") == std::string::npos) ++i;
  std::vector<std::vector<std::string>> rows;
  for (++i; i < lines.size() && lines[i].find("</INPUT>") == std::string::npos; ++i) {
    const auto w = split(lines[i]);
    if (!w.empty() && w[0][0] != '#') rows.push_back(w);
  }
  std::vector<NcShell> out;
  try {
    if (rows.empty() || rows[0].size() < 4) return {};
    const int nc = std::stoi(rows[0][2]), nv = std::stoi(rows[0][3]);
    if (nc < 0 || nv < 1 || int(rows.size()) < 1 + nc + nv) return {};
    for (int k = 1 + nc; k < 1 + nc + nv; ++k) {
      if (rows[k].size() < 3) return {};
      NcShell s;
      s.n = std::stoi(rows[k][0]);
      s.l = std::stoi(rows[k][1]);
      s.occupation = std::stod(rows[k][2]);
      if (s.l < 0 || s.l > 3 || s.occupation < 0) return {};
      out.push_back(s);
    }
  } catch (const std::exception&) {
    return {};
  }
  return out;
}

NcPseudo parse_psp8(const std::string& path, const std::string& text) {
  LineReader in{path, {}, 0};
  {
    std::istringstream ss(text);
    std::string l;
    while (std::getline(ss, l)) in.lines.push_back(l);
  }
  NcPseudo pp;
  pp.source = path;
  pp.format = "psp8";
  auto w = in.words("the title line");
  pp.element = w.empty() ? "" : w[0];
  w = in.words("'zatom zion pspdat'");
  pp.zatom = in.number(w, 0, "zatom");
  pp.zion = in.number(w, 1, "zion");
  w = in.words("'pspcod pspxc lmax lloc mmax r2well'");
  const long pspcod = in.integer(w, 0, "pspcod");
  if (pspcod != 8) in.fail("pspcod " + std::to_string(pspcod) + " is not supported; expected 8 (ONCVPSP psp8)");
  pp.xc_label = w.size() > 1 ? w[1] : "";
  in.integer(w, 1, "pspxc");
  const long lmax = in.integer(w, 2, "lmax");
  const long lloc = in.integer(w, 3, "lloc");
  const long mmax = in.integer(w, 4, "mmax");
  if (lmax < 0 || lmax > 3) in.fail("lmax " + std::to_string(lmax) + " out of range; expected 0..3");
  if (lloc < 0 || lloc > 4) in.fail("lloc " + std::to_string(lloc) + " out of range; expected 0..4");
  if (mmax < 4) in.fail("mmax " + std::to_string(mmax) + " too small");
  w = in.words("'rchrg fchrg qchrg'");
  const double fchrg = in.number(w, 1, "fchrg");
  w = in.words("'nproj(l)' for l = 0..lmax");
  std::vector<long> nproj(lmax + 1);
  for (long l = 0; l <= lmax; ++l) nproj[l] = in.integer(w, size_t(l), "nproj for l = " + std::to_string(l));
  w = in.words("'extension_switch'");
  const long ext = in.integer(w, 0, "extension_switch");
  if (ext == 2 || ext == 3) in.fail("spin-orbit psp8 (extension_switch " + std::to_string(ext) + ") is not supported");
  if (ext != 0 && ext != 1) in.fail("extension_switch " + std::to_string(ext) + " unknown; expected 0 or 1");
  if (lloc <= lmax && nproj[lloc] != 0) in.fail("nproj for the local channel l = lloc must be 0");

  std::vector<double> ekb;
  bool have_vloc = false;
  for (long l = 0; l <= lmax; ++l) {
    if (nproj[l] > 0) {
      w = in.words("the 'l ekb' line of l = " + std::to_string(l));
      if (in.integer(w, 0, "l") != l) in.fail("expected the projector block of l = " + std::to_string(l));
      std::vector<double> e(nproj[l]);
      for (long i = 0; i < nproj[l]; ++i)
        e[i] = in.number(w, size_t(1 + i), "ekb " + std::to_string(i + 1) + " of l = " + std::to_string(l));
      const auto cols = read_table(in, mmax, int(nproj[l]), pp.r, "projectors of l = " + std::to_string(l));
      for (long i = 0; i < nproj[l]; ++i) {
        NcProjector p;
        p.l = int(l);
        p.beta = divide_by_rpow(pp.r, cols[i], 1, l == 0);  // the file holds r beta
        pp.projectors.push_back(std::move(p));
        ekb.push_back(e[i]);
      }
    } else if (l == lloc) {
      w = in.words("the local potential line 'l' = " + std::to_string(l));
      if (in.integer(w, 0, "lloc") != l) in.fail("expected the local potential block of l = " + std::to_string(l));
      pp.vloc = read_table(in, mmax, 1, pp.r, "the local potential")[0];
      have_vloc = true;
    }
  }
  if (lloc > lmax) {
    w = in.words("the local potential line '" + std::to_string(lloc) + "'");
    if (in.integer(w, 0, "lloc") != lloc) in.fail("expected the local potential block '" + std::to_string(lloc) + "'");
    pp.vloc = read_table(in, mmax, 1, pp.r, "the local potential")[0];
    have_vloc = true;
  }
  if (!have_vloc) in.fail("no local potential block");
  if (fchrg > 1e-15) {  // 4 pi rho_core and four derivatives
    const auto cols = read_table(in, mmax, 5, pp.r, "the model core charge");
    pp.rho_core = cols[0];
    for (double& x : pp.rho_core) x /= four_pi;
  }
  if (ext == 1) {  // 4 pi rho_valence (further columns ignored)
    const auto cols = read_table(in, mmax, 1, pp.r, "the valence density");
    pp.rho_valence = cols[0];
    for (double& x : pp.rho_valence) x /= four_pi;
  }
  // Linear grid from 0.
  const double h = pp.r[1] - pp.r[0];
  if (std::fabs(pp.r[0]) > 1e-12 || !(h > 0))
    throw InputError(path + ": the psp8 radial grid must start at r = 0 and increase");
  for (long k = 1; k < mmax; ++k)
    if (std::fabs(pp.r[k] - pp.r[k - 1] - h) > 1e-8) throw InputError(path + ": the psp8 radial grid is not linear");
  pp.rab.assign(mmax, h);
  pp.valence = oncvpsp_input_valence(in.lines);
  const size_t np = pp.projectors.size();
  pp.D.assign(np, std::vector<double>(np, 0.0));
  for (size_t i = 0; i < np; ++i) pp.D[i][i] = ekb[i];
  finish(pp);
  return pp;
}

// ---- UPF v2 ------------------------------------------------------------------------------------------

struct Tag {
  std::string attrs;  // text between the tag name and '>'
  std::string body;   // text between '>' and the closing tag ("" for <X/>)
  size_t offset = 0;  // where "<NAME" starts
};

struct UpfText {
  std::string path, text;
  size_t start = 0;  // after </PP_INFO>
  long line_of(size_t offset) const {
    return 1 + long(std::count(text.begin(), text.begin() + long(std::min(offset, text.size())), '\n'));
  }

  // The first <name ...> ... </name> (or <name .../>) after `start`; name must be followed by space, '>' or '/'.
  bool find(const std::string& name, Tag& t) const {
    size_t pos = start;
    while (true) {
      pos = text.find("<" + name, pos);
      if (pos == std::string::npos) return false;
      const size_t after = pos + 1 + name.size();
      if (after < text.size() &&
          (std::isspace(static_cast<unsigned char>(text[after])) || text[after] == '>' || text[after] == '/'))
        break;
      pos = after;
    }
    const size_t gt = text.find('>', pos);
    if (gt == std::string::npos) throw InputError(at_line(path, line_of(pos), "unterminated <" + name + " tag"));
    t.offset = pos;
    if (text[gt - 1] == '/') {
      t.attrs = text.substr(pos + 1 + name.size(), gt - 1 - (pos + 1 + name.size()));
      t.body.clear();
      return true;
    }
    t.attrs = text.substr(pos + 1 + name.size(), gt - (pos + 1 + name.size()));
    const size_t close = text.find("</" + name, gt);
    if (close == std::string::npos) throw InputError(at_line(path, line_of(pos), "no closing </" + name + ">"));
    t.body = text.substr(gt + 1, close - gt - 1);
    return true;
  }
  Tag require(const std::string& name, const std::string& why) const {
    Tag t;
    if (!find(name, t)) throw InputError(path + ": no <" + name + "> (" + why + ")");
    return t;
  }
  // attribute value (trimmed) or "" if absent
  static bool attr(const Tag& t, const std::string& key, std::string& value) {
    size_t pos = 0;
    while ((pos = t.attrs.find(key, pos)) != std::string::npos) {
      const bool starts = pos == 0 || std::isspace(static_cast<unsigned char>(t.attrs[pos - 1]));
      size_t p = pos + key.size();
      while (p < t.attrs.size() && std::isspace(static_cast<unsigned char>(t.attrs[p]))) ++p;
      if (starts && p < t.attrs.size() && t.attrs[p] == '=') {
        ++p;
        while (p < t.attrs.size() && std::isspace(static_cast<unsigned char>(t.attrs[p]))) ++p;
        if (p >= t.attrs.size() || (t.attrs[p] != '"' && t.attrs[p] != '\'')) return false;
        const char q = t.attrs[p];
        const size_t e = t.attrs.find(q, p + 1);
        if (e == std::string::npos) return false;
        value = t.attrs.substr(p + 1, e - p - 1);
        const auto b = value.find_first_not_of(" \t\n\r");
        const auto f = value.find_last_not_of(" \t\n\r");
        value = b == std::string::npos ? "" : value.substr(b, f - b + 1);
        return true;
      }
      pos = p;
    }
    return false;
  }
  std::string attr_required(const Tag& t, const std::string& tag, const std::string& key) const {
    std::string v;
    if (!attr(t, key, v)) throw InputError(at_line(path, line_of(t.offset), "<" + tag + "> has no attribute " + key));
    return v;
  }
  double attr_number(const Tag& t, const std::string& tag, const std::string& key) const {
    double x;
    const std::string v = attr_required(t, tag, key);
    if (!parse_double(v, x))
      throw InputError(at_line(path, line_of(t.offset), "<" + tag + "> " + key + "=\"" + v + "\" is not a number"));
    return x;
  }
  std::vector<double> numbers(const Tag& t, const std::string& tag, size_t expected) const {
    std::istringstream ss(t.body);
    std::vector<double> v;
    std::string w;
    while (ss >> w) {
      double x;
      if (!parse_double(w, x))
        throw InputError(at_line(path, line_of(t.offset), "<" + tag + "> holds '" + w + "'; expected numbers"));
      v.push_back(x);
    }
    if (expected && v.size() < expected)
      throw InputError(
          at_line(path, line_of(t.offset),
                  "<" + tag + "> has " + std::to_string(v.size()) + " numbers; expected " + std::to_string(expected)));
    v.resize(expected ? expected : v.size());
    return v;
  }
};

bool is_true(const std::string& s) {
  return !s.empty() && (s[0] == 'T' || s[0] == 't' || s == ".true." || s == ".TRUE.");
}

NcPseudo parse_upf(const std::string& path, const std::string& text) {
  UpfText u{path, text, 0};
  const size_t info_end = text.find("</PP_INFO>");
  if (info_end != std::string::npos) u.start = info_end;
  NcPseudo pp;
  pp.source = path;
  pp.format = "upf";
  const Tag h = u.require("PP_HEADER", "the UPF v2 header");
  std::string v;
  if (UpfText::attr(h, "is_ultrasoft", v) && is_true(v))
    throw InputError(
        at_line(path, u.line_of(h.offset), "ultrasoft UPF is not supported; expected a norm-conserving file"));
  if (UpfText::attr(h, "is_paw", v) && is_true(v))
    throw InputError(at_line(path, u.line_of(h.offset), "PAW UPF is not supported; expected a norm-conserving file"));
  if (UpfText::attr(h, "has_so", v) && is_true(v))
    throw InputError(at_line(path, u.line_of(h.offset), "spin-orbit UPF (has_so=\"T\") is not supported"));
  if (UpfText::attr(h, "is_coulomb", v) && is_true(v))
    throw InputError(at_line(path, u.line_of(h.offset), "a bare Coulomb UPF (is_coulomb=\"T\") is not supported"));
  const std::string type = u.attr_required(h, "PP_HEADER", "pseudo_type");
  if (type != "NC" && type != "SL")
    throw InputError(
        at_line(path, u.line_of(h.offset), "pseudo_type=\"" + type + "\" is not supported; expected \"NC\""));
  pp.element = u.attr_required(h, "PP_HEADER", "element");
  pp.zion = u.attr_number(h, "PP_HEADER", "z_valence");
  pp.xc_label = u.attr_required(h, "PP_HEADER", "functional");
  const long mesh = long(u.attr_number(h, "PP_HEADER", "mesh_size"));
  const long nbeta = long(u.attr_number(h, "PP_HEADER", "number_of_proj"));
  const long nwfc = UpfText::attr(h, "number_of_wfc", v) ? long(u.attr_number(h, "PP_HEADER", "number_of_wfc")) : 0;
  const bool nlcc = UpfText::attr(h, "core_correction", v) && is_true(v);
  if (mesh < 4) throw InputError(at_line(path, u.line_of(h.offset), "mesh_size too small"));

  pp.r = u.numbers(u.require("PP_R", "the radial grid"), "PP_R", size_t(mesh));
  pp.rab = u.numbers(u.require("PP_RAB", "dr/di of the radial grid"), "PP_RAB", size_t(mesh));
  pp.vloc = u.numbers(u.require("PP_LOCAL", "the local potential"), "PP_LOCAL", size_t(mesh));
  for (double& x : pp.vloc) x *= 0.5;  // Ry -> Ha
  if (nlcc) pp.rho_core = u.numbers(u.require("PP_NLCC", "core_correction=\"T\""), "PP_NLCC", size_t(mesh));
  for (long i = 1; i <= nbeta; ++i) {
    const std::string name = "PP_BETA." + std::to_string(i);
    const Tag b = u.require(name, "projector " + std::to_string(i) + " of number_of_proj");
    NcProjector p;
    p.l = int(u.attr_number(b, name, "angular_momentum"));
    auto rb = u.numbers(b, name, size_t(mesh));
    if (UpfText::attr(b, "cutoff_radius_index", v)) {  // QE zeroes beta past the cutoff index
      double ci;
      if (parse_double(v, ci) && ci > 0 && ci < mesh)
        for (long k = long(ci); k < mesh; ++k) rb[k] = 0.0;
    }
    p.beta = divide_by_rpow(pp.r, rb, 1, p.l == 0);
    pp.projectors.push_back(std::move(p));
  }
  pp.D.assign(nbeta, std::vector<double>(nbeta, 0.0));
  if (nbeta > 0) {
    const auto d = u.numbers(u.require("PP_DIJ", "the projector coupling matrix"), "PP_DIJ", size_t(nbeta * nbeta));
    for (long i = 0; i < nbeta; ++i)
      for (long j = 0; j < nbeta; ++j) {
        pp.D[i][j] = 0.5 * d[i * nbeta + j];  // Ry -> Ha
        if (pp.D[i][j] != 0.0 && pp.projectors[i].l != pp.projectors[j].l)
          throw InputError(path + ": <PP_DIJ> couples projectors of different l (" + std::to_string(i + 1) + ", " +
                           std::to_string(j + 1) + ")");
      }
  }
  Tag t;
  if (u.find("PP_RHOATOM", t)) pp.rho_valence = divide_by_rpow(pp.r, u.numbers(t, "PP_RHOATOM", size_t(mesh)), 2, true);
  for (double& x : pp.rho_valence) x /= four_pi;
  for (long i = 1; i <= nwfc; ++i) {
    const std::string name = "PP_CHI." + std::to_string(i);
    if (!u.find(name, t)) break;
    NcOrbital o;
    std::string lab;
    if (UpfText::attr(t, "label", lab)) o.label = lab;
    o.l = int(u.attr_number(t, name, "l"));
    if (UpfText::attr(t, "n", v)) o.n = int(u.attr_number(t, name, "n"));
    if (UpfText::attr(t, "occupation", v)) o.occupation = u.attr_number(t, name, "occupation");
    o.R = divide_by_rpow(pp.r, u.numbers(t, name, size_t(mesh)), 1, o.l == 0);
    if (o.occupation > 0) pp.valence.push_back({o.n, o.l, o.occupation});
    pp.orbitals.push_back(std::move(o));
  }
  finish(pp);
  return pp;
}

std::string squeeze_upper(const std::string& s) {  // "sla  pw" -> "SLA PW"
  std::string out;
  for (const auto& w : split(s)) {
    if (!out.empty()) out += ' ';
    for (char c : w) out += char(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

int NcPseudo::lmax() const {
  int l = -1;
  for (const auto& p : projectors) l = std::max(l, p.l);
  return l;
}

int NcPseudo::projectors_per_atom() const {
  int n = 0;
  for (const auto& p : projectors) n += 2 * p.l + 1;
  return n;
}

double NcPseudo::integrate(const std::vector<double>& f) const {
  double s = 0;
  for (size_t k = 0; k < std::min(f.size(), weights.size()); ++k) s += weights[k] * f[k];
  return s;
}

NcPseudo read_psp8(const std::string& path) { return parse_psp8(path, read_all(path)); }
NcPseudo read_upf(const std::string& path) {
  const std::string text = read_all(path);
  if (text.find("<UPF version=\"2") == std::string::npos)
    throw InputError(path + ": not a UPF v2 file (no '<UPF version=\"2...'); UPF v1 is not supported");
  return parse_upf(path, text);
}

NcPseudo read_nc_pseudo(const std::string& path) {
  const std::string text = read_all(path);
  if (text.find("<UPF version=\"2") != std::string::npos) return parse_upf(path, text);
  if (text.find("<PP_HEADER>") != std::string::npos)
    throw InputError(path + ": UPF v1 is not supported; expected UPF v2 ('<UPF version=\"2.0.1\">') or psp8");
  std::istringstream ss(text);
  std::string l1, l2, l3;
  std::getline(ss, l1);
  std::getline(ss, l2);
  std::getline(ss, l3);
  const auto w = split(l3);
  long code;
  if (w.size() >= 5 && parse_int(w[0], code)) {
    if (code == 8) return parse_psp8(path, text);
    throw InputError(
        at_line(path, 3, "pspcod " + w[0] + " is not supported; expected 8 (ONCVPSP psp8) or a UPF v2 file"));
  }
  throw InputError(path +
                   ": neither UPF v2 ('<UPF version=\"2') nor ABINIT psp8 (line 3 'pspcod pspxc lmax lloc mmax ...')");
}

std::string xc_name_from_psp8(int pspxc) {
  switch (pspxc) {
    case 2:      // ABINIT's own Perdew-Wang 92 LDA
    case -1012:  // libxc LDA_X (1) + LDA_C_PW (12)
      return "LDA-PW92";
    case 1:    // ABINIT's Teter Pade fit of the PZ LDA
    case -20:  // libxc LDA_XC_TETER93
      return "PADE";
    case -1009:  // libxc LDA_X + LDA_C_PZ
      return "LDA";
    case 11:       // ABINIT's PBE
    case -101130:  // libxc GGA_X_PBE (101) + GGA_C_PBE (130)
      return "PBE";
    default:
      throw core::InputError(
          "psp8 pspxc " + std::to_string(pspxc) +
          " has no megabar functional; known: 2, -1012 (LDA-PW92), 1, -20 (PADE), -1009 (LDA), 11, -101130 (PBE)");
  }
}

std::string xc_name_from_upf(const std::string& functional) {
  const std::string f = squeeze_upper(functional);
  if (f == "PW" || f == "SLA PW" || f == "SLA PW NOGX NOGC") return "LDA-PW92";
  if (f == "PZ" || f == "LDA" || f == "SLA PZ" || f == "SLA PZ NOGX NOGC") return "LDA";
  if (f == "PBE" || f == "SLA PW PBX PBC" || f == "SLA PW PBE PBE") return "PBE";
  throw core::InputError(
      "UPF functional \"" + functional +
      "\" has no megabar functional; known: PW / SLA PW (LDA-PW92), PZ / SLA PZ (LDA), PBE / SLA PW PBX PBC (PBE)");
}

std::string pseudodojo_dir(const std::string& fallback) {
  if (const char* e = std::getenv("MEGABAR_PSEUDODOJO_DIR"); e && *e) return e;
  std::ifstream probe(fallback + "/O.psp8");
  return (!fallback.empty() && probe) ? fallback : std::string();
}

bool is_nc_pseudo_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return false;
  std::string line;
  std::vector<std::string> lines;
  for (int i = 0; i < 8 && std::getline(in, line); ++i) {
    if (line.find("<UPF") != std::string::npos) return true;
    lines.push_back(line);
  }
  // psp8: line 3 is "pspcod pspxc lmax lloc mmax r2well" with pspcod = 8.
  if (lines.size() < 3) return false;
  std::istringstream third(lines[2]);
  double pspcod = 0;
  return static_cast<bool>(third >> pspcod) && pspcod == 8.0;
}

}  // namespace megabar::dft
