// The message app::read_input gives for an input file, or "" when it reads without error: for the tests of
// input checks (test_pdos_input.cpp, test_xc_input.cpp).
#pragma once
#include <stdexcept>
#include <string>

#include "app/input.hpp"

namespace megabar::test {

inline std::string input_error(const std::string& path) {
  try {
    app::read_input(path);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace megabar::test
