// Chemical elements (core/; the one periodic table of megabar): atomic number and standard atomic weight
// (IUPAC conventional values, amu), for the default masses of MD runs, the species numbers of trajectory
// files and the densities of analyses.
#pragma once
#include <cstdint>
#include <string>

namespace megabar::core {

struct Element {
  const char* symbol;
  int z;
  double mass;  // amu
};

// The element with this symbol (case-sensitive, "B", "Si"); throws core::InputError (a
// std::invalid_argument) naming it.
const Element& element(const std::string& symbol);

// The element with atomic number z, or nullptr when the table does not hold it (z outside 1..86).
const Element* element_by_number(std::int64_t z);

}  // namespace megabar::core
