// Chemical elements: atomic number and standard atomic weight (IUPAC conventional values, amu), for the
// default masses of MD runs and the species numbers of trajectory files.
#pragma once
#include <string>

namespace megabar::dft {

struct Element {
  const char* symbol;
  int z;
  double mass;  // amu
};

// The element with this symbol (case-sensitive, "B", "Si"); throws std::invalid_argument naming it.
const Element& element(const std::string& symbol);

}  // namespace megabar::dft
