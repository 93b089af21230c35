// Typed errors (core/). Errors are reported at the boundary: the message names the file, key or line and
// what was expected (docs/conventions.md, "Errors"); `main` prints it and exits non-zero. Both types derive
// from the standard exceptions megabar has always thrown, so `catch (const std::invalid_argument&)` and
// `catch (const std::runtime_error&)` see them too.
#pragma once
#include <stdexcept>
#include <string>

namespace megabar::core {

// Bad input: a value, key, line or file that is not what was expected (the caller can fix the input).
class InputError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// A file that cannot be read or written as asked (operating system or HDF5 failure), named in the message.
class FileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "path:line: what", the form of every error about a line of a text file.
inline std::string at_line(const std::string& path, long line, const std::string& what) {
  return path + ":" + std::to_string(line) + ": " + what;
}

}  // namespace megabar::core
