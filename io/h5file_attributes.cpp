// Object: where it is (for error messages) and its attributes.
#include <algorithm>
#include <stdexcept>

#include "core/errors.hpp"
#include "io/h5file.hpp"
#include "io/h5file_detail.hpp"

namespace megabar::io::h5 {

using detail::scalar_space;
using detail::simple_space;
using detail::string_type;

void Object::fail(const std::string& what) const {
  const std::string hdf5 = detail::error_detail();
  throw core::FileError(file_ + ":" + path_ + ": " + what + (hdf5.empty() ? "" : " (HDF5: " + hdf5 + ")"));
}

std::string Object::child_path(const std::string& name) const { return path_ == "/" ? "/" + name : path_ + "/" + name; }

bool Object::has_attribute(const std::string& name) const {
  const htri_t exists = H5Aexists(id(), name.c_str());
  if (exists < 0) fail("cannot look up attribute '" + name + "'");
  return exists > 0;
}

Id Object::open_attribute(const std::string& name) const {
  if (!has_attribute(name)) fail("has no attribute '" + name + "'");
  Id attribute(H5Aopen(id(), name.c_str(), H5P_DEFAULT), H5Aclose);
  if (attribute.get() < 0) fail("cannot open attribute '" + name + "'");
  return attribute;
}

Id Object::create_attribute(const std::string& name, hid_t type, hid_t space) {
  if (has_attribute(name) && H5Adelete(id(), name.c_str()) < 0) fail("cannot replace attribute '" + name + "'");
  Id attribute(H5Acreate2(id(), name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (attribute.get() < 0) fail("cannot create attribute '" + name + "'");
  return attribute;
}

void Object::write_string_attribute(const std::string& name, const std::string& value, StringKind kind) {
  Id type = string_type(value.size(), kind);
  Id space = scalar_space();
  Id attribute = create_attribute(name, type.get(), space.get());
  herr_t status;
  if (kind == StringKind::variable) {
    const char* text = value.c_str();
    status = H5Awrite(attribute.get(), type.get(), &text);
  } else {
    std::string padded = value;
    padded.resize(std::max<std::size_t>(value.size(), 1), '\0');
    status = H5Awrite(attribute.get(), type.get(), padded.data());
  }
  if (status < 0) fail("cannot write attribute '" + name + "'");
}

void Object::write_string_array_attribute(const std::string& name, const std::vector<std::string>& values) {
  std::size_t width = 1;
  for (const auto& v : values) width = std::max(width, v.size());
  std::string packed(width * values.size(), '\0');
  for (std::size_t i = 0; i < values.size(); ++i) packed.replace(i * width, values[i].size(), values[i]);
  Id type = string_type(width, StringKind::fixed);
  Id space = simple_space({values.size()});
  Id attribute = create_attribute(name, type.get(), space.get());
  if (H5Awrite(attribute.get(), type.get(), packed.data()) < 0) fail("cannot write attribute '" + name + "'");
}

void Object::write_int_attribute(const std::string& name, std::int64_t value) {
  Id space = scalar_space();
  Id attribute = create_attribute(name, H5T_NATIVE_INT64, space.get());
  if (H5Awrite(attribute.get(), H5T_NATIVE_INT64, &value) < 0) fail("cannot write attribute '" + name + "'");
}

void Object::write_int_array_attribute(const std::string& name, const std::vector<std::int64_t>& values) {
  Id space = simple_space({values.size()});
  Id attribute = create_attribute(name, H5T_NATIVE_INT64, space.get());
  if (!values.empty() && H5Awrite(attribute.get(), H5T_NATIVE_INT64, values.data()) < 0)
    fail("cannot write attribute '" + name + "'");
}

void Object::write_double_attribute(const std::string& name, double value) {
  Id space = scalar_space();
  Id attribute = create_attribute(name, H5T_NATIVE_DOUBLE, space.get());
  if (H5Awrite(attribute.get(), H5T_NATIVE_DOUBLE, &value) < 0) fail("cannot write attribute '" + name + "'");
}

std::string Object::read_string_attribute(const std::string& name) const {
  Id attribute = open_attribute(name);
  Id stored(H5Aget_type(attribute.get()), H5Tclose);
  const auto value = detail::read_string(
      stored.get(), [&](hid_t memory, void* buffer) { return H5Aread(attribute.get(), memory, buffer); });
  if (!value) fail("attribute '" + name + "' is not a readable string");
  return *value;
}

std::int64_t Object::read_int_attribute(const std::string& name) const {
  const auto values = read_int_array_attribute(name);
  if (values.size() != 1) fail("attribute '" + name + "' is not a single integer");
  return values[0];
}

std::vector<std::int64_t> Object::read_int_array_attribute(const std::string& name) const {
  Id attribute = open_attribute(name);
  Id stored(H5Aget_type(attribute.get()), H5Tclose);
  if (H5Tget_class(stored.get()) != H5T_INTEGER) fail("attribute '" + name + "' is not an integer");
  Id space(H5Aget_space(attribute.get()), H5Sclose);
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  std::vector<std::int64_t> values(static_cast<std::size_t>(std::max<hssize_t>(n, 0)));
  if (n < 0 || (n > 0 && H5Aread(attribute.get(), H5T_NATIVE_INT64, values.data()) < 0))
    fail("cannot read attribute '" + name + "'");
  return values;
}

double Object::read_double_attribute(const std::string& name) const {
  Id attribute = open_attribute(name);
  Id stored(H5Aget_type(attribute.get()), H5Tclose);
  Id space(H5Aget_space(attribute.get()), H5Sclose);
  if (H5Tget_class(stored.get()) != H5T_FLOAT || H5Sget_simple_extent_npoints(space.get()) != 1)
    fail("attribute '" + name + "' is not a single float");
  double value = 0;
  if (H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, &value) < 0) fail("cannot read attribute '" + name + "'");
  return value;
}

}  // namespace megabar::io::h5
