// A small RAII layer over the HDF5 C API (io/: no Kokkos) for the checkpoint and trajectory files: files,
// groups, attributes, fixed datasets and datasets that grow by rows (first dimension unlimited, chunked).
// Every failure becomes a core::FileError (a std::runtime_error) naming the file and the object
// ("run.h5:/md/reals/v: ...")
// with HDF5's own innermost message appended; HDF5's printing of its error stack is switched off.
//
// Element types: double, float, std::int64_t, std::uint64_t. Reads insist on the stored type being exactly the
// requested one (no silent HDF5 conversion), so what is read is what was written, bit for bit.
#pragma once
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace megabar::io::h5 {

using Shape = std::vector<hsize_t>;

// Owns one HDF5 identifier and closes it with the matching H5?close (silently: destructors never throw).
class Id {
 public:
  using Closer = herr_t (*)(hid_t);
  Id() = default;
  Id(hid_t id, Closer close) : id_(id), close_(close) {}
  ~Id() { reset(); }
  Id(Id&& other) noexcept : id_(other.id_), close_(other.close_) { other.id_ = H5I_INVALID_HID; }
  Id& operator=(Id&& other) noexcept;
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  hid_t get() const { return id_; }
  herr_t reset();  // closes now; returns the closer's status (0 when nothing was open)

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer close_ = nullptr;
};

enum class StringKind { fixed, variable };  // fixed-length (NUL-padded) or variable-length HDF5 strings

// A file, group or dataset: something that carries attributes and knows where it is, for messages.
class Object {
 public:
  hid_t id() const { return id_.get(); }
  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }
  [[noreturn]] void fail(const std::string& what) const;  // throws "file:path: what (HDF5: ...)"

  // Attributes are created, or replaced when they exist.
  void write_string_attribute(const std::string& name, const std::string& value, StringKind kind = StringKind::fixed);
  void write_string_array_attribute(const std::string& name, const std::vector<std::string>& values);
  void write_int_attribute(const std::string& name, std::int64_t value);
  void write_int_array_attribute(const std::string& name, const std::vector<std::int64_t>& values);
  void write_double_attribute(const std::string& name, double value);

  bool has_attribute(const std::string& name) const;
  std::string read_string_attribute(const std::string& name) const;  // fixed or variable length
  std::int64_t read_int_attribute(const std::string& name) const;
  std::vector<std::int64_t> read_int_array_attribute(const std::string& name) const;
  double read_double_attribute(const std::string& name) const;

 protected:
  Object(Id id, std::string file, std::string path)
      : id_(std::move(id)), file_(std::move(file)), path_(std::move(path)) {}
  std::string child_path(const std::string& name) const;
  Id open_attribute(const std::string& name) const;
  Id create_attribute(const std::string& name, hid_t type, hid_t space);

  Id id_;
  std::string file_, path_;
};

class Dataset : public Object {
 public:
  Shape shape() const;
  std::size_t size() const;  // number of elements

  // The whole dataset at once; `data.size()` must equal size().
  template <class T>
  void write(const std::vector<T>& data);
  template <class T>
  std::vector<T> read() const;
  std::string read_string() const;  // a scalar string dataset (fixed or variable length)

  // Datasets with an unlimited first dimension: a row is one item of shape shape()[1:].
  hsize_t rows() const { return shape().at(0); }
  std::size_t row_size() const;  // elements per row
  template <class T>
  void append_row(const std::vector<T>& row);
  void resize_rows(hsize_t rows);  // truncates or grows (new rows hold the fill value, 0)
  template <class T>
  std::vector<T> read_rows(hsize_t first, hsize_t count) const;

 private:
  friend class Group;
  using Object::Object;
  template <class T>
  void require_type() const;
};

class Group : public Object {
 public:
  Group create_group(const std::string& name);
  Group open_group(const std::string& name) const;
  bool contains(const std::string& path) const;  // a link at this relative path ("a/b/c") exists
  std::vector<std::string> members() const;      // names of the links in this group, in name order

  template <class T>
  Dataset create_dataset(const std::string& name, const Shape& shape);
  // An extendable dataset of shape [0][row_shape...], chunked by whole rows (about 16 KiB a chunk).
  template <class T>
  Dataset create_rows_dataset(const std::string& name, const Shape& row_shape);
  // A scalar variable-length UTF-8 string (which cannot hold NUL characters).
  Dataset create_string_dataset(const std::string& name, const std::string& value);
  Dataset open_dataset(const std::string& name) const;
  void link(const Object& target, const std::string& name);  // a hard link: the same object, two names

 protected:
  using Object::Object;

 private:
  using Opener = hid_t (*)(hid_t, const char*, hid_t);  // H5Gopen2, H5Dopen2
  Id open_child(const std::string& name, Opener open, Id::Closer close, const char* kind) const;
};

class File : public Group {
 public:
  static File create(const std::string& path);  // replaces an existing file
  // A file that lives in memory only (HDF5's core driver without a backing store); `name` is for messages.
  // Its bytes, once written, come from image(): the caller puts them on disk itself, so a full disk is an
  // error of that write (with errno), never an HDF5 file left half-flushed and open.
  static File create_in_memory(const std::string& name);
  static File open(const std::string& path, bool writable);
  std::string image();  // the whole file as bytes (flushed first)
  void flush();         // HDF5's buffers to the operating system (not to the disk: that is fsync's job)
  void close();         // closes now and reports failure; the destructor closes silently

 private:
  using Group::Group;
};

}  // namespace megabar::io::h5
