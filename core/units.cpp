#include "core/units.hpp"

#include <cctype>
#include <map>
#include <sstream>

#include "core/errors.hpp"

namespace megabar::units {
namespace {

const std::map<std::string, double>& table(Dimension dim) {
  static const std::map<std::string, double> energy{{"Ha", 1.0}, {"Ry", rydberg}, {"eV", ev}};
  static const std::map<std::string, double> length{
      {"bohr", 1.0}, {"angstrom", angstrom}, {"A", angstrom}, {"Ang", angstrom}, {"nm", 10 * angstrom}};
  static const std::map<std::string, double> pressure{{"GPa", 1.0 / ha_per_bohr3_in_gpa},
                                                      {"Mbar", 100.0 / ha_per_bohr3_in_gpa},
                                                      {"kbar", 0.1 / ha_per_bohr3_in_gpa},
                                                      {"Ha/bohr^3", 1.0}};
  static const std::map<std::string, double> wavevector{{"1/bohr", 1.0}, {"1/angstrom", 1.0 / angstrom}};
  static const std::map<std::string, double> force{
      {"Ha/bohr", 1.0}, {"Ry/bohr", rydberg}, {"eV/angstrom", ev / angstrom}, {"eV/A", ev / angstrom}};
  static const std::map<std::string, double> time{{"fs", femtosecond}, {"ps", 1000 * femtosecond}, {"au", 1.0}};
  static const std::map<std::string, double> temperature{{"K", 1.0}};
  static const std::map<std::string, double> memory{{"B", 1.0},
                                                    {"kB", 1e3},
                                                    {"MB", 1e6},
                                                    {"GB", 1e9},
                                                    {"KiB", 1024.0},
                                                    {"MiB", 1048576.0},
                                                    {"GiB", 1073741824.0},
                                                    {"TB", 1e12},
                                                    {"TiB", 1099511627776.0}};
  static const std::map<std::string, double> none{{"", 1.0}};
  switch (dim) {
    case Dimension::energy:
      return energy;
    case Dimension::length:
      return length;
    case Dimension::pressure:
      return pressure;
    case Dimension::wavevector:
      return wavevector;
    case Dimension::force:
      return force;
    case Dimension::time:
      return time;
    case Dimension::temperature:
      return temperature;
    case Dimension::memory:
      return memory;
    default:
      return none;
  }
}

std::string accepted(Dimension dim) {
  std::string s;
  for (const auto& [name, factor] : table(dim)) s += (s.empty() ? "" : ", ") + name;
  return s;
}

}  // namespace

namespace {

struct DimensionText {
  const char* name;     // "an energy"
  const char* example;  // "\"80 Ry\""
};

DimensionText text_of(Dimension dim) {
  switch (dim) {
    case Dimension::energy:
      return {"an energy", "\"80 Ry\""};
    case Dimension::length:
      return {"a length", "\"1.9 angstrom\""};
    case Dimension::pressure:
      return {"a pressure", "\"20 GPa\""};
    case Dimension::wavevector:
      return {"a wave vector", "\"1.5 1/angstrom\""};
    case Dimension::force:
      return {"a force", "\"1e-3 Ha/bohr\""};
    case Dimension::time:
      return {"a time", "\"1 fs\""};
    case Dimension::temperature:
      return {"a temperature", "\"300 K\""};
    case Dimension::memory:
      return {"an amount of memory", "\"40 GiB\""};
    default:
      return {"a number", "\"1\""};
  }
}

}  // namespace

const char* dimension_name(Dimension dim) { return text_of(dim).name; }
const char* dimension_example(Dimension dim) { return text_of(dim).example; }

double parse_quantity(const std::string& text, Dimension dim, const std::string& what) {
  std::istringstream in(text);
  double value = 0;
  std::string unit, extra;
  if (!(in >> value)) {
    throw core::InputError(what + ": expected " + dimension_name(dim) + " like " + dimension_example(dim) +
                           " (units: " + accepted(dim) + "), got \"" + text + "\"");
  }
  in >> unit;
  if (in >> extra) {
    throw core::InputError(what + ": unexpected text \"" + extra + "\" in \"" + text + "\"");
  }
  const auto& t = table(dim);
  auto it = t.find(unit);
  if (it == t.end()) {
    throw core::InputError(what + ": unknown or missing unit \"" + unit + "\" in \"" + text +
                           "\"; expected one of: " + accepted(dim));
  }
  return value * it->second;
}

}  // namespace megabar::units
