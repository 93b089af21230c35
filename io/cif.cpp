#include "io/cif.hpp"

#include <gemmi/cif.hpp>       // CIF syntax (with PEGTL, tao-pegtl-dev)
#include <gemmi/numb.hpp>      // cif::as_number: "4.3506(2)" -> 4.3506
#include <gemmi/symmetry.hpp>  // symmetry operations, Hall symbols, space-group tables

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/elements.hpp"
#include "core/errors.hpp"
#include "core/units.hpp"
#include "io/atomic_file.hpp"

namespace megabar::io {

namespace {

namespace cif = gemmi::cif;
using Fract = std::array<double, 3>;

constexpr double same_atom = 0.01;            // A: symmetry images closer than this are one atom
constexpr double too_close = 0.5;             // A: the closest two atoms may be (app/scf_task.cpp)
constexpr double occupancy_tolerance = 0.01;  // |occupancy - 1| accepted as full

struct Site {
  std::string name;  // "site 'O2'" (or "site 3" without labels), for messages
  std::string element;
  Fract fract;
};

[[noreturn]] void fail(const std::string& path, const std::string& what) { throw core::InputError(path + ": " + what); }

cif::Document parse(const std::string& path) {
  check_regular_file(path, "a CIF file");
  if (!std::ifstream(path)) throw core::InputError(path + ": cannot open the CIF file");
  try {
    return cif::read_file(path);
  } catch (const std::exception& e) {  // PEGTL's parse errors read "path:line:column: what"
    const std::string what = e.what();
    if (what.rfind(path + ":", 0) == 0) throw core::InputError(what + " (not valid CIF syntax)");
    fail(path, "not a readable CIF: " + what);
  }
}

// The single value of `tag` in the block, nullopt when the tag is absent or its value is ? or '.'.
std::optional<double> number_of(cif::Block& block, const std::string& tag, const std::string& path) {
  cif::Column c = block.find_values(tag);
  if (!c) return std::nullopt;
  if (c.length() != 1) fail(path, tag + " has " + std::to_string(c.length()) + " values; expected one");
  if (cif::is_null(c[0])) return std::nullopt;
  const double x = cif::as_number(cif::as_string(c[0]));
  if (!std::isfinite(x)) fail(path, tag + " '" + c[0] + "' is not a number");
  return x;
}

// The text of the first of `tags` present with a value, empty when none is.
std::string text_of(cif::Block& block, std::initializer_list<const char*> tags, std::string* found) {
  for (const char* tag : tags) {
    cif::Column c = block.find_values(tag);
    if (c && c.length() > 0 && !cif::is_null(c[0])) {
      *found = tag;
      return cif::as_string(c[0]);
    }
  }
  return "";
}

bool has_cell(const cif::Block& b) {
  return b.has_tag("_cell_length_a") && b.has_tag("_cell_length_b") && b.has_tag("_cell_length_c");
}

// The first data block with a cell and atom sites, or an error saying which of them no block holds.
cif::Block& structure_block(cif::Document& doc, const std::string& path) {
  bool any_cell = false, any_sites = false, cartesian = false;
  for (cif::Block& b : doc.blocks) {
    const bool sites = b.has_tag("_atom_site_fract_x");
    if (has_cell(b) && sites) return b;
    any_cell = any_cell || has_cell(b);
    any_sites = any_sites || sites;
    cartesian = cartesian || b.has_tag("_atom_site_Cartn_x");
  }
  if (!any_cell) fail(path, "no unit cell: no data block has _cell_length_a, _cell_length_b and _cell_length_c");
  if (cartesian && !any_sites)
    fail(path,
         "atom sites in Cartesian coordinates (_atom_site_Cartn_x) only; megabar reads fractional ones "
         "(_atom_site_fract_x/y/z)");
  if (!any_sites) fail(path, "no atom sites: no data block has _atom_site_fract_x/y/z");
  fail(path, "no data block holds both the unit cell and the atom sites");
}

// Lattice rows (A) from a, b, c and alpha, beta, gamma (degrees), as ASE's cellpar_to_cell: a along x, b in
// the xy plane; cosines of right angles are exactly 0.
core::Mat3 cellpar_to_cell(const std::array<double, 6>& p, const std::string& path) {
  const double eps = 2 * (std::nextafter(90.0, 180.0) - 90.0);  // numpy's 2 * spacing(90.0)
  auto cos_deg = [&](double x) { return std::fabs(std::fabs(x) - 90) < eps ? 0.0 : std::cos(x * units::pi / 180); };
  const double ca = cos_deg(p[3]), cb = cos_deg(p[4]), cg = cos_deg(p[5]);
  const double sg = std::fabs(p[5] - 90) < eps ? 1.0 : std::sin(p[5] * units::pi / 180);
  const double cy = (ca - cb * cg) / sg, cz2 = 1 - cb * cb - cy * cy;
  if (!(cz2 > 1e-12))
    fail(path, "the cell angles alpha, beta, gamma = " + std::to_string(p[3]) + ", " + std::to_string(p[4]) + ", " +
                   std::to_string(p[5]) + " degrees make no cell");
  return {{{p[0], 0, 0}, {p[1] * cg, p[1] * sg, 0}, {p[2] * cb, p[2] * cy, p[2] * std::sqrt(cz2)}}};
}

std::array<double, 6> cell_parameters(cif::Block& block, const std::string& path) {
  std::array<double, 6> p{};
  const char* const tags[6] = {"_cell_length_a",    "_cell_length_b",   "_cell_length_c",
                               "_cell_angle_alpha", "_cell_angle_beta", "_cell_angle_gamma"};
  for (int i = 0; i < 6; ++i) {
    const auto x = number_of(block, tags[i], path);
    if (i < 3 && !(x && *x > 0)) fail(path, std::string(tags[i]) + " must be a positive length in angstrom");
    p[i] = x.value_or(90.0);  // the CIF dictionary's default angle
    if (i >= 3 && !(p[i] > 0 && p[i] < 180)) fail(path, std::string(tags[i]) + " must be between 0 and 180 degrees");
  }
  return p;
}

// Listed operations must form a group (a missing centring translation would silently lose atoms).
void check_group(const std::vector<gemmi::Op>& ops, const std::string& tag, const std::string& path) {
  const std::set<gemmi::Op> all(ops.begin(), ops.end());
  for (const gemmi::Op& a : ops)
    for (const gemmi::Op& b : ops)
      if (!all.count(a * b))
        fail(path, "the " + std::to_string(all.size()) + " operations of " + tag +
                       " do not form a group: " + a.triplet() + " after " + b.triplet() + " gives " +
                       (a * b).triplet() + ", which is not listed (an operation or a centring translation missing?)");
}

std::vector<gemmi::Op> listed_operations(cif::Column column, const std::string& tag, const std::string& path) {
  std::vector<gemmi::Op> ops;
  for (const std::string& value : column) {
    const std::string triplet = cif::as_string(value);
    gemmi::Op op;
    try {
      op = gemmi::parse_triplet(triplet).wrap();
    } catch (const std::exception& e) {
      fail(path, tag + ": cannot read the symmetry operation '" + triplet + "' (" + e.what() + ")");
    }
    if (std::abs(op.det_rot()) != gemmi::Op::DEN * gemmi::Op::DEN * gemmi::Op::DEN)
      fail(path, tag + ": '" + triplet + "' is not a symmetry operation (its rotation has determinant " +
                     std::to_string(op.det_rot() / double(gemmi::Op::DEN * gemmi::Op::DEN * gemmi::Op::DEN)) + ")");
    if (std::find(ops.begin(), ops.end(), op) == ops.end()) ops.push_back(op);
  }
  check_group(ops, tag, path);
  return ops;
}

std::vector<gemmi::Op> operations_of(const gemmi::GroupOps& group) {
  std::vector<gemmi::Op> ops;
  for (gemmi::Op op : group) ops.push_back(op);
  return ops;
}

// The symmetry operations of the block (see io/cif.hpp for the order of the sources).
std::vector<gemmi::Op> symmetry_of(cif::Block& block, const std::array<double, 6>& cellpar, const std::string& path) {
  for (const char* tag : {"_space_group_symop_operation_xyz", "_symmetry_equiv_pos_as_xyz"})
    if (cif::Column c = block.find_values(tag)) return listed_operations(c, tag, path);
  std::string tag;
  if (const std::string hall = text_of(block, {"_space_group_name_Hall", "_symmetry_space_group_name_Hall"}, &tag);
      !hall.empty()) {
    try {
      return operations_of(gemmi::symops_from_hall(hall.c_str()));
    } catch (const std::exception& e) {
      fail(path, tag + " '" + hall + "' is not a Hall symbol gemmi knows (" + e.what() + ")");
    }
  }
  std::string hm = text_of(block, {"_space_group_name_H-M_alt", "_symmetry_space_group_name_H-M"}, &tag);
  if (!hm.empty()) {
    const std::string written = hm;
    hm.erase(std::remove(hm.begin(), hm.end(), '_'), hm.end());  // "P3_121" -> "P3121"
    if (const gemmi::SpaceGroup* sg = gemmi::find_spacegroup_by_name(hm, cellpar[3], cellpar[5]))
      return operations_of(sg->operations());
    fail(path, tag + " '" + written +
                   "' is not a space group gemmi knows; list its operations in "
                   "_space_group_symop_operation_xyz");
  }
  for (const char* number_tag : {"_space_group_IT_number", "_symmetry_Int_Tables_number"})
    if (const auto n = number_of(block, number_tag, path)) {
      const gemmi::SpaceGroup* sg = *n == std::floor(*n) && *n >= 1 && *n <= 230
                                        ? gemmi::find_spacegroup_by_number(static_cast<int>(*n))
                                        : nullptr;
      if (!sg) fail(path, std::string(number_tag) + " must be a space-group number from 1 to 230");
      return operations_of(sg->operations());
    }
  return {gemmi::Op::identity()};  // no symmetry given: P 1
}

bool known_element(const std::string& symbol) {
  try {
    core::element(symbol);
    return true;
  } catch (const std::invalid_argument&) {
    return false;
  }
}

// The element symbol that `text` begins with ("O2-" -> O, "Fe3+" -> Fe, "Ba1" -> Ba), two letters before
// one; `strict` (a type symbol): the letters must be the symbol, "Xx" is not taken for X. Empty when none fits.
std::string leading_element(const std::string& text, bool strict) {
  std::size_t n = 0;
  while (n < text.size() && std::isalpha(static_cast<unsigned char>(text[n]))) ++n;
  if (n == 0) return "";
  const std::string one(1, static_cast<char>(std::toupper(static_cast<unsigned char>(text[0]))));
  if (n >= 2) {
    const std::string two = one + static_cast<char>(std::tolower(static_cast<unsigned char>(text[1])));
    if (known_element(two)) return two;
  }
  return (n == 1 || !strict) && known_element(one) ? one : "";
}

double coordinate(const std::string& value, const Site& site, const char* tag, const std::string& path) {
  const double x = cif::as_number(cif::as_string(value));
  if (!std::isfinite(x)) fail(path, site.name + ": " + tag + " '" + value + "' is not a number");
  return x;
}

std::vector<Site> sites_of(cif::Block& block, const std::string& path) {
  enum { x, y, z, label, type_symbol, occupancy };
  cif::Table table =
      block.find("_atom_site_", {"fract_x", "fract_y", "fract_z", "?label", "?type_symbol", "?occupancy"});
  if (!table.ok()) fail(path, "the atom sites need all of _atom_site_fract_x, _atom_site_fract_y, _atom_site_fract_z");
  std::vector<Site> sites;
  for (auto row : table) {
    Site s;
    const std::string name = row.has2(label) ? cif::as_string(row[label]) : "";
    s.name = name.empty() ? "site " + std::to_string(sites.size() + 1) : "site '" + name + "'";
    s.fract = {coordinate(row[x], s, "_atom_site_fract_x", path), coordinate(row[y], s, "_atom_site_fract_y", path),
               coordinate(row[z], s, "_atom_site_fract_z", path)};
    if (row.has2(occupancy)) {
      const double occ = cif::as_number(cif::as_string(row[occupancy]));
      if (!(std::fabs(occ - 1) <= occupancy_tolerance))
        fail(path, s.name + ": _atom_site_occupancy is " + row[occupancy] +
                       "; megabar reads fully occupied sites only (model a partially occupied or mixed site as an "
                       "ordered supercell)");
    }
    if (row.has2(type_symbol)) {
      const std::string symbol = cif::as_string(row[type_symbol]);
      s.element = leading_element(symbol, true);
      if (s.element.empty())
        fail(path, s.name + ": unknown element '" + symbol + "' (_atom_site_type_symbol; megabar knows H to Rn)");
    } else {
      s.element = leading_element(name, false);
      if (s.element.empty())
        fail(path, s.name + (name.empty() ? ": neither _atom_site_type_symbol nor _atom_site_label gives its element"
                                          : ": no _atom_site_type_symbol, and the label names no element megabar "
                                            "knows (H to Rn)"));
    }
    sites.push_back(s);
  }
  return sites;
}

Fract wrapped(const Fract& f) {
  Fract w;
  for (int i = 0; i < 3; ++i) {
    w[i] = f[i] - std::floor(f[i]);
    if (w[i] >= 1.0) w[i] = 0.0;  // -1e-17 - floor(-1e-17) rounds to 1
  }
  return w;
}

// Distance (A) between fractional points through the nearest image of their difference (exact for near
// coincident points, an upper bound otherwise).
double image_distance(const Fract& f, const Fract& g, const core::Mat3& lattice) {
  core::Vec3 r{0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    const double d = f[i] - g[i] - std::round(f[i] - g[i]);
    for (int k = 0; k < 3; ++k) r[k] += d * lattice[i][k];
  }
  return std::sqrt(core::dot(r, r));
}

// Every site's images under `ops`, each atom once.
core::Structure expand(const std::vector<Site>& sites, const std::vector<gemmi::Op>& ops, const core::Mat3& lattice,
                       const std::string& path) {
  std::vector<std::pair<Fract, std::size_t>> placed;  // fractional position, site
  for (std::size_t s = 0; s < sites.size(); ++s)
    for (const gemmi::Op& op : ops) {
      const Fract f = wrapped(op.apply_to_xyz(sites[s].fract));
      bool duplicate = false;
      for (const auto& [g, t] : placed) {
        const double d = image_distance(f, g, lattice);
        if (d < same_atom && sites[t].element != sites[s].element)
          fail(path, sites[s].name + " (" + sites[s].element + ") and " + sites[t].name + " (" + sites[t].element +
                         ") are on the same position");
        if (d < same_atom) {
          duplicate = true;
          break;
        }
        if (t == s && d < too_close)
          fail(path, sites[s].name + ": two of its symmetry images are " + std::to_string(d) +
                         " angstrom apart (closer than 0.5 angstrom, farther than 0.01: not one atom); a special "
                         "position written with too few digits (0.833 for 5/6), or the wrong setting of the space "
                         "group?");
      }
      if (!duplicate) placed.emplace_back(f, s);
    }
  core::Mat3 rows = lattice;
  for (auto& row : rows)
    for (double& v : row) v *= units::angstrom;
  core::Structure st;
  try {
    st.cell = core::Cell::from_lattice(rows);
  } catch (const std::invalid_argument& e) {
    fail(path, e.what());
  }
  for (const auto& [f, s] : placed) {
    st.symbols.push_back(sites[s].element);
    st.positions.push_back(core::cartesian(st.cell, f));
  }
  return st;
}

}  // namespace

core::Structure read_cif(const std::string& path) {
  cif::Document doc = parse(path);
  try {
    cif::Block& block = structure_block(doc, path);
    const std::array<double, 6> cellpar = cell_parameters(block, path);
    const core::Mat3 lattice = cellpar_to_cell(cellpar, path);
    const std::vector<gemmi::Op> ops = symmetry_of(block, cellpar, path);
    return expand(sites_of(block, path), ops, lattice, path);
  } catch (const core::InputError&) {
    throw;
  } catch (const std::exception& e) {  // gemmi's own errors while reading the block
    fail(path, std::string("not a readable CIF: ") + e.what());
  }
}

}  // namespace megabar::io
