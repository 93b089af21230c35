#include "core/fingerprint.hpp"

#include <cstdio>
#include <fstream>

#include "core/errors.hpp"

namespace megabar::core {

std::string Fnv1a::hex() const {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h_));
  return text;
}

std::string file_fingerprint(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(path + ": cannot be read for its fingerprint");
  Fnv1a h;
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) h.bytes(buffer, static_cast<std::size_t>(in.gcount()));
  return h.hex();
}

}  // namespace megabar::core
