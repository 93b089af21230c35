#include "md/checkpoint.hpp"

#include <filesystem>
#include <stdexcept>

#include "core/fingerprint.hpp"
#include "io/atomic_file.hpp"
#include "io/h5file.hpp"

namespace megabar::md {
namespace {

namespace h5 = io::h5;

constexpr const char* checkpoint_file_type = "megabar checkpoint";
constexpr const char* version_without_checksum = "1";

void hash_state(core::Fnv1a& h, const std::string& part, const StateArrays& state) {
  h.text(part);
  h.size(state.reals.size());
  for (const auto& [name, values] : state.reals) {
    h.text(name);
    h.size(values.size());
    h.bytes(values.data(), values.size() * sizeof(double));
  }
  h.size(state.words.size());
  for (const auto& [name, values] : state.words) {
    h.text(name);
    h.size(values.size());
    h.bytes(values.data(), values.size() * sizeof(std::uint64_t));
  }
  h.size(state.texts.size());
  for (const auto& [name, text] : state.texts) {
    h.text(name);
    h.text(text);
  }
}

[[noreturn]] void reject(const std::string& path, const std::string& what) {
  throw std::runtime_error("checkpoint " + path + ": " + what);
}

void check_entry_name(const h5::Group& group, const std::string& name) {
  if (name.empty() || name == "." || name.find('/') != std::string::npos)
    group.fail("entry name '" + name + "' is not allowed (it must be non-empty and hold no '/')");
}

void write_state(h5::Group& parent, const std::string& part, const StateArrays& state) {
  h5::Group group = parent.create_group(part);
  h5::Group reals = group.create_group("reals");
  for (const auto& [name, values] : state.reals) {
    check_entry_name(reals, name);
    reals.create_dataset<double>(name, {values.size()}).write(values);
  }
  h5::Group words = group.create_group("words");
  for (const auto& [name, values] : state.words) {
    check_entry_name(words, name);
    words.create_dataset<std::uint64_t>(name, {values.size()}).write(values);
  }
  h5::Group texts = group.create_group("texts");
  for (const auto& [name, text] : state.texts) {
    check_entry_name(texts, name);
    texts.create_string_dataset(name, text);
  }
}

template <class T>
std::vector<T> read_array(const h5::Group& group, const std::string& name) {
  const h5::Dataset dataset = group.open_dataset(name);
  if (dataset.shape().size() != 1) dataset.fail("is not a one-dimensional array");
  return dataset.read<T>();
}

StateArrays read_state(const h5::Group& parent, const std::string& part) {
  StateArrays state;
  const h5::Group group = parent.open_group(part);
  const h5::Group reals = group.open_group("reals");
  for (const auto& name : reals.members()) state.reals[name] = read_array<double>(reals, name);
  const h5::Group words = group.open_group("words");
  for (const auto& name : words.members()) state.words[name] = read_array<std::uint64_t>(words, name);
  const h5::Group texts = group.open_group("texts");
  for (const auto& name : texts.members()) state.texts[name] = texts.open_dataset(name).read_string();
  return state;
}

// The checkpoint as the bytes of an HDF5 file built in memory.
std::string checkpoint_image(const std::string& path, const CheckpointData& data) {
  h5::File file = h5::File::create_in_memory(path);
  file.write_string_attribute("file_type", checkpoint_file_type);
  file.write_string_attribute("format_version", data.format_version);
  file.write_string_attribute("creator", "megabar");
  file.write_string_attribute("checksum", checkpoint_checksum(data));
  file.create_string_dataset("created_by_input", data.created_by_input);
  write_state(file, "md", data.md);
  write_state(file, "provider", data.provider);
  write_state(file, "run", data.run);
  std::string bytes = file.image();
  file.close();
  return bytes;
}

}  // namespace

std::string checkpoint_checksum(const CheckpointData& data) {
  core::Fnv1a h;
  h.text(data.created_by_input);
  hash_state(h, "md", data.md);
  hash_state(h, "provider", data.provider);
  hash_state(h, "run", data.run);
  return "fnv1a64:" + h.hex();
}

void write_checkpoint(const std::string& path, const CheckpointData& data) {
  if (data.format_version != checkpoint_format_version)
    throw std::invalid_argument("checkpoint " + path + ": cannot write format version '" + data.format_version +
                                "'; this megabar writes version '" + checkpoint_format_version + "'");
  try {
    // Built in memory, then written by plain writes: a full disk is an error of those writes (with its
    // reason), and HDF5 never holds a half-flushed file open.
    io::replace_file(path, checkpoint_image(path, data));
  } catch (const std::exception& e) {
    throw std::runtime_error("checkpoint " + path + " not written: " + e.what());
  }
}

CheckpointData read_checkpoint(const std::string& path) {
  auto fail = [&](const std::string& what) { reject(path, what); };
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) fail("no such file");
  h5::File file = [&] {
    try {
      return h5::File::open(path, false);
    } catch (const std::exception& e) {
      reject(path, std::string("is not a megabar checkpoint (not an HDF5 file: ") + e.what() + ")");
    }
  }();
  if (!file.has_attribute("file_type") || file.read_string_attribute("file_type") != checkpoint_file_type)
    fail("is not a megabar checkpoint (no attribute file_type = \"" + std::string(checkpoint_file_type) + "\")");
  const std::string version =
      file.has_attribute("format_version") ? file.read_string_attribute("format_version") : "(none)";
  if (version != checkpoint_format_version && version != version_without_checksum)
    fail("has checkpoint format version '" + version + "'; this megabar reads versions '" + version_without_checksum +
         "' and '" + checkpoint_format_version + "'");
  CheckpointData data;
  try {
    data.format_version = version;
    data.created_by_input = file.open_dataset("created_by_input").read_string();
    data.md = read_state(file, "md");
    data.provider = read_state(file, "provider");
    data.run = read_state(file, "run");
  } catch (const std::runtime_error& e) {
    fail(std::string("is incomplete or damaged: ") + e.what());
  }
  if (version != version_without_checksum) {
    if (!file.has_attribute("checksum")) fail("is damaged: it has no checksum attribute");
    const std::string stored = file.read_string_attribute("checksum");
    const std::string actual = checkpoint_checksum(data);
    if (stored != actual)
      fail("is damaged: its data do not match the checksum stored when it was written (stored " + stored +
           ", computed " + actual + "); continue from an intact copy, or start a new run without --restart");
    data.verified = true;
  }
  return data;
}

}  // namespace megabar::md
