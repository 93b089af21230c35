// 64-bit FNV-1a fingerprints: checkpoint checksums, pseudopotential file identities for --restart, the input
// hash in results.json. Not for security; one changed byte always changes the value (for a fixed byte each
// step is a bijection of the 64-bit state).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace megabar::core {

class Fnv1a {
 public:
  void bytes(const void* data, std::size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < n; ++i) h_ = (h_ ^ p[i]) * 1099511628211ULL;
  }
  void size(std::size_t n) {  // a length, as 8 bytes (so that concatenations stay distinct)
    const std::uint64_t v = n;
    bytes(&v, sizeof v);
  }
  void text(const std::string& s) {  // its length, then its bytes
    size(s.size());
    bytes(s.data(), s.size());
  }
  std::uint64_t value() const { return h_; }
  std::string hex() const;  // 16 lowercase hex digits

 private:
  std::uint64_t h_ = 1469598103934665603ULL;
};

// The fingerprint of a file's bytes (16 hex digits); throws core::FileError naming the file when it
// cannot be read.
std::string file_fingerprint(const std::string& path);

}  // namespace megabar::core
