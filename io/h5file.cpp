#include "io/h5file.hpp"

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <utility>

#include "core/errors.hpp"
#include "io/h5file_detail.hpp"

namespace megabar::io::h5 {

// ---- helpers --------------------------------------------------------------------------------------
namespace detail {

void silence_hdf5_errors() {
  static const bool done = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
}

std::string error_detail() {
  std::string detail;
  auto visit = [](unsigned, const H5E_error2_t* e, void* out) -> herr_t {
    auto* s = static_cast<std::string*>(out);
    if (s->empty() && e->desc && *e->desc) *s = e->desc;
    return 0;
  };
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, visit, &detail);  // innermost first
  H5Eclear2(H5E_DEFAULT);
  return detail;
}

Id string_type(std::size_t length, StringKind kind, H5T_cset_t cset) {
  Id type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_cset(type.get(), cset);
  if (kind == StringKind::variable) {
    H5Tset_size(type.get(), H5T_VARIABLE);
  } else {
    H5Tset_size(type.get(), std::max<std::size_t>(length, 1));  // HDF5 has no zero-length string type
    H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
  }
  return type;
}

Id simple_space(const Shape& dims, const Shape* max_dims) {
  return Id(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), max_dims ? max_dims->data() : nullptr),
            H5Sclose);
}

Id scalar_space() { return Id(H5Screate(H5S_SCALAR), H5Sclose); }

std::optional<std::string> read_string(hid_t stored, const std::function<herr_t(hid_t, void*)>& read) {
  if (H5Tget_class(stored) != H5T_STRING) return std::nullopt;
  Id memory(H5Tcopy(stored), H5Tclose);  // the stored type itself: no character set conversion
  if (H5Tis_variable_str(stored) > 0) {
    char* text = nullptr;
    if (read(memory.get(), &text) < 0) return std::nullopt;
    std::string out = text ? text : "";
    H5free_memory(text);
    return out;
  }
  std::string out(H5Tget_size(stored), '\0');
  if (read(memory.get(), out.data()) < 0) return std::nullopt;
  if (H5Tget_strpad(stored) == H5T_STR_SPACEPAD) out.erase(out.find_last_not_of(' ') + 1);
  out.erase(std::find(out.begin(), out.end(), '\0'), out.end());  // NUL padding or NUL termination
  return out;
}

}  // namespace detail

using detail::scalar_space;
using detail::simple_space;
using detail::string_type;

namespace {

template <class T>
hid_t native_type();
template <>
hid_t native_type<double>() {
  return H5T_NATIVE_DOUBLE;
}
template <>
hid_t native_type<float>() {
  return H5T_NATIVE_FLOAT;
}
template <>
hid_t native_type<std::int64_t>() {
  return H5T_NATIVE_INT64;
}
template <>
hid_t native_type<std::uint64_t>() {
  return H5T_NATIVE_UINT64;
}

template <class T>
const char* type_name();
template <>
const char* type_name<double>() {
  return "64-bit floats";
}
template <>
const char* type_name<float>() {
  return "32-bit floats";
}
template <>
const char* type_name<std::int64_t>() {
  return "64-bit signed integers";
}
template <>
const char* type_name<std::uint64_t>() {
  return "64-bit unsigned integers";
}

hsize_t product(const Shape& s, std::size_t from = 0) {
  hsize_t n = 1;
  for (std::size_t i = from; i < s.size(); ++i) n *= s[i];
  return n;
}

}  // namespace

// ---- Id -------------------------------------------------------------------------------------------
Id& Id::operator=(Id&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = other.id_;
    close_ = other.close_;
    other.id_ = H5I_INVALID_HID;
  }
  return *this;
}

herr_t Id::reset() {
  herr_t status = 0;
  if (id_ >= 0 && close_) status = close_(id_);
  id_ = H5I_INVALID_HID;
  return status;
}
// ---- Dataset --------------------------------------------------------------------------------------
Shape Dataset::shape() const {
  Id space(H5Dget_space(id()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) fail("cannot read the shape");
  Shape dims(static_cast<std::size_t>(rank));
  if (rank > 0 && H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr) < 0) fail("cannot read the shape");
  return dims;
}

std::size_t Dataset::size() const { return static_cast<std::size_t>(product(shape())); }

std::size_t Dataset::row_size() const {
  const Shape s = shape();
  if (s.empty()) fail("is a scalar, not a dataset of rows");
  return static_cast<std::size_t>(product(s, 1));
}

template <class T>
void Dataset::require_type() const {
  Id stored(H5Dget_type(id()), H5Tclose);
  const hid_t native = native_type<T>();
  const bool same = H5Tget_class(stored.get()) == H5Tget_class(native) &&
                    H5Tget_size(stored.get()) == H5Tget_size(native) &&
                    (H5Tget_class(native) != H5T_INTEGER || H5Tget_sign(stored.get()) == H5Tget_sign(native));
  if (!same) fail(std::string("does not hold ") + type_name<T>());
}

template <class T>
void Dataset::write(const std::vector<T>& data) {
  if (data.size() != size())
    fail("cannot write " + std::to_string(data.size()) + " values into " + std::to_string(size()) + " elements");
  if (!data.empty() && H5Dwrite(id(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) < 0)
    fail("cannot write");
}

template <class T>
std::vector<T> Dataset::read() const {
  require_type<T>();
  std::vector<T> data(size());
  if (!data.empty() && H5Dread(id(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) < 0)
    fail("cannot read");
  return data;
}

std::string Dataset::read_string() const {
  Id stored(H5Dget_type(id()), H5Tclose);
  const auto value = detail::read_string(stored.get(), [&](hid_t memory, void* buffer) {
    return H5Dread(id(), memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
  });
  if (!value) fail("is not a readable string");
  return *value;
}

template <class T>
void Dataset::append_row(const std::vector<T>& row) {
  if (row.size() != row_size())
    fail("a row has " + std::to_string(row_size()) + " elements, got " + std::to_string(row.size()));
  const hsize_t n = rows();
  resize_rows(n + 1);
  Shape start(shape().size(), 0), count = shape();
  start[0] = n;
  count[0] = 1;
  Id file_space(H5Dget_space(id()), H5Sclose);
  Id memory_space = simple_space({row.size()});
  if (H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0 ||
      H5Dwrite(id(), native_type<T>(), memory_space.get(), file_space.get(), H5P_DEFAULT, row.data()) < 0)
    fail("cannot write row " + std::to_string(n));
}

void Dataset::resize_rows(hsize_t rows) {
  Shape dims = shape();
  if (dims.empty()) fail("is a scalar, not a dataset of rows");
  dims[0] = rows;
  if (H5Dset_extent(id(), dims.data()) < 0) fail("cannot resize to " + std::to_string(rows) + " rows");
}

template <class T>
std::vector<T> Dataset::read_rows(hsize_t first, hsize_t count) const {
  require_type<T>();
  Shape dims = shape();
  if (dims.empty() || first + count > dims[0])
    fail("cannot read rows [" + std::to_string(first) + ", " + std::to_string(first + count) + ") of " +
         std::to_string(dims.empty() ? 0 : dims[0]));
  std::vector<T> data(static_cast<std::size_t>(count * product(dims, 1)));
  if (data.empty()) return data;
  Shape start(dims.size(), 0);
  start[0] = first;
  dims[0] = count;
  Id file_space(H5Dget_space(id()), H5Sclose);
  Id memory_space = simple_space({data.size()});
  if (H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, dims.data(), nullptr) < 0 ||
      H5Dread(id(), native_type<T>(), memory_space.get(), file_space.get(), H5P_DEFAULT, data.data()) < 0)
    fail("cannot read rows from " + std::to_string(first));
  return data;
}

// ---- Group ----------------------------------------------------------------------------------------
Group Group::create_group(const std::string& name) {
  Id group(H5Gcreate2(id(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  if (group.get() < 0) fail("cannot create group '" + name + "'");
  return Group(std::move(group), file_, child_path(name));
}

Id Group::open_child(const std::string& name, Opener open, Id::Closer close, const char* kind) const {
  if (!contains(name)) fail(std::string("has no ") + kind + " '" + name + "'");
  Id child(open(id(), name.c_str(), H5P_DEFAULT), close);
  if (child.get() < 0) fail("'" + name + "' is not a " + kind);
  return child;
}

Group Group::open_group(const std::string& name) const {
  return Group(open_child(name, H5Gopen2, H5Gclose, "group"), file_, child_path(name));
}

bool Group::contains(const std::string& path) const {
  // H5Lexists needs every intermediate link to exist, so walk the path one component at a time.
  std::size_t end = 0;
  while (end != std::string::npos) {
    end = path.find('/', end + 1);
    const std::string prefix = path.substr(0, end);
    const htri_t exists = H5Lexists(id(), prefix.c_str(), H5P_DEFAULT);
    if (exists < 0) fail("cannot look up '" + prefix + "'");
    if (exists == 0) return false;
  }
  return true;
}

std::vector<std::string> Group::members() const {
  H5G_info_t info;
  if (H5Gget_info(id(), &info) < 0) fail("cannot list the group");
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t length = H5Lget_name_by_idx(id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (length < 0) fail("cannot list the group");
    std::string name(static_cast<std::size_t>(length) + 1, '\0');
    H5Lget_name_by_idx(id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
    name.resize(static_cast<std::size_t>(length));
    names.push_back(name);
  }
  return names;
}

template <class T>
Dataset Group::create_dataset(const std::string& name, const Shape& shape) {
  Id space = simple_space(shape);
  Id dataset(H5Dcreate2(id(), name.c_str(), native_type<T>(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
             H5Dclose);
  if (dataset.get() < 0) fail("cannot create dataset '" + name + "'");
  return Dataset(std::move(dataset), file_, child_path(name));
}

template <class T>
Dataset Group::create_rows_dataset(const std::string& name, const Shape& row_shape) {
  Shape dims{0}, max_dims{H5S_UNLIMITED}, chunk{1};
  dims.insert(dims.end(), row_shape.begin(), row_shape.end());
  max_dims.insert(max_dims.end(), row_shape.begin(), row_shape.end());
  chunk.insert(chunk.end(), row_shape.begin(), row_shape.end());
  const hsize_t row_bytes = product(row_shape) * sizeof(T);
  if (row_bytes == 0) fail("cannot create '" + name + "' with empty rows");
  chunk[0] = std::max<hsize_t>(1, 16384 / row_bytes);  // whole rows, about 16 KiB a chunk
  Id space = simple_space(dims, &max_dims);
  Id properties(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (H5Pset_chunk(properties.get(), static_cast<int>(chunk.size()), chunk.data()) < 0)
    fail("cannot set the chunks of '" + name + "'");
  Id dataset(H5Dcreate2(id(), name.c_str(), native_type<T>(), space.get(), H5P_DEFAULT, properties.get(), H5P_DEFAULT),
             H5Dclose);
  if (dataset.get() < 0) fail("cannot create dataset '" + name + "'");
  return Dataset(std::move(dataset), file_, child_path(name));
}

Dataset Group::create_string_dataset(const std::string& name, const std::string& value) {
  if (value.find('\0') != std::string::npos) fail("text '" + name + "' contains a NUL character");
  Id type = string_type(0, StringKind::variable, H5T_CSET_UTF8);
  Id space = scalar_space();
  Id dataset(H5Dcreate2(id(), name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
  if (dataset.get() < 0) fail("cannot create dataset '" + name + "'");
  const char* text = value.c_str();
  if (H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &text) < 0)
    fail("cannot write dataset '" + name + "'");
  return Dataset(std::move(dataset), file_, child_path(name));
}

Dataset Group::open_dataset(const std::string& name) const {
  return Dataset(open_child(name, H5Dopen2, H5Dclose, "dataset"), file_, child_path(name));
}

void Group::link(const Object& target, const std::string& name) {
  if (H5Lcreate_hard(target.id(), ".", id(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT) < 0)
    fail("cannot link '" + name + "' to " + target.path());
}

// ---- File -----------------------------------------------------------------------------------------
namespace {

// `file` as created or opened; a failure is thrown naming the path, with HDF5's reason.
Id checked_file(hid_t file, const std::string& path, const char* what) {
  Id id(file, H5Fclose);
  if (id.get() < 0) {
    const std::string hdf5 = detail::error_detail();
    throw core::FileError(path + ": " + what + (hdf5.empty() ? "" : " (HDF5: " + hdf5 + ")"));
  }
  return id;
}

}  // namespace

File File::create(const std::string& path) {
  detail::silence_hdf5_errors();
  // The HDF5 1.8 file format or later: object headers and indices carry checksums, so damage is detected
  // (h5py and MDAnalysis read it; only pre-1.8 HDF5 libraries cannot).
  Id access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_libver_bounds(access.get(), H5F_LIBVER_V18, H5F_LIBVER_LATEST);
  return File(checked_file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()), path,
                           "cannot create the HDF5 file"),
              path, "/");
}

File File::create_in_memory(const std::string& name) {
  detail::silence_hdf5_errors();
  // The default (earliest) file format: with the 1.8 format's version-2 superblock, HDF5 1.10's file image of
  // an open file carries a superblock checksum that its own reader then rejects. The checkpoint's data carry
  // their own checksum (md/checkpoint.hpp).
  Id access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_fapl_core(access.get(), 1 << 20, /*backing_store=*/0);
  return File(checked_file(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()), name,
                           "cannot create the HDF5 file in memory"),
              name, "/");
}

std::string File::image() {
  flush();
  const ssize_t size = H5Fget_file_image(id(), nullptr, 0);
  if (size < 0) fail("cannot size the file image");
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (H5Fget_file_image(id(), bytes.data(), bytes.size()) != size) fail("cannot copy the file image");
  return bytes;
}

File File::open(const std::string& path, bool writable) {
  detail::silence_hdf5_errors();
  return File(checked_file(H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT), path,
                           "cannot open as an HDF5 file"),
              path, "/");
}

void File::flush() {
  if (H5Fflush(id(), H5F_SCOPE_LOCAL) < 0) fail("cannot flush");
}

void File::close() {
  if (id_.reset() < 0) fail("cannot close");
}

// The element types the header promises.
#define MEGABAR_H5_INSTANTIATE(T)                                              \
  template void Dataset::write<T>(const std::vector<T>&);                      \
  template std::vector<T> Dataset::read<T>() const;                            \
  template void Dataset::append_row<T>(const std::vector<T>&);                 \
  template std::vector<T> Dataset::read_rows<T>(hsize_t, hsize_t) const;       \
  template Dataset Group::create_dataset<T>(const std::string&, const Shape&); \
  template Dataset Group::create_rows_dataset<T>(const std::string&, const Shape&);
MEGABAR_H5_INSTANTIATE(double)
MEGABAR_H5_INSTANTIATE(float)
MEGABAR_H5_INSTANTIATE(std::int64_t)
MEGABAR_H5_INSTANTIATE(std::uint64_t)
#undef MEGABAR_H5_INSTANTIATE

}  // namespace megabar::io::h5
