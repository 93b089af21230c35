// Helpers shared by io/h5file.cpp and io/h5file_attributes.cpp (not part of the h5 interface).
#pragma once
#include <functional>
#include <optional>
#include <string>

#include "io/h5file.hpp"

namespace megabar::io::h5::detail {

void silence_hdf5_errors();  // HDF5 prints its error stack to stderr by default; we report errors ourselves
std::string error_detail();  // the innermost description on HDF5's error stack; clears the stack

Id string_type(std::size_t length, StringKind kind, H5T_cset_t cset = H5T_CSET_ASCII);
Id simple_space(const Shape& dims, const Shape* max_dims = nullptr);
Id scalar_space();

// A string read from an attribute or dataset whose type is `stored`, through `read(memory_type, buffer)`;
// nothing when the type is not a string or the read fails.
std::optional<std::string> read_string(hid_t stored, const std::function<herr_t(hid_t, void*)>& read);

}  // namespace megabar::io::h5::detail
