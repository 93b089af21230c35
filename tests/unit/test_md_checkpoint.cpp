// MD checkpoint I/O: the HDF5 wrapper and checkpoints (bit-exact, atomic, refused when foreign).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "io/h5file.hpp"
#include "md/checkpoint.hpp"
#include "md_io_test_helpers.hpp"

using namespace megabar;
using namespace megabar::md_io_test;
using md::CheckpointData;
using md::StateArrays;

namespace {

void expect_same_state(const StateArrays& a, const StateArrays& b) {
  ASSERT_EQ(a.reals.size(), b.reals.size());
  for (const auto& [name, values] : a.reals) {
    ASSERT_TRUE(b.reals.count(name)) << name;
    EXPECT_TRUE(same_bits(values, b.reals.at(name))) << name;
  }
  EXPECT_EQ(a.words, b.words);
  EXPECT_EQ(a.texts, b.texts);
}

// Values that a careless writer would lose: NaN payloads, a signalling NaN, denormals, -0, infinities,
// the extreme words, empty arrays and empty texts.
CheckpointData awkward_checkpoint() {
  CheckpointData data;
  data.md.reals["special"] = {from_bits(0x7ff8000000000123ull),
                              from_bits(0x7ff0000000000001ull),
                              std::numeric_limits<double>::denorm_min(),
                              -0.0,
                              std::numeric_limits<double>::infinity(),
                              -std::numeric_limits<double>::infinity(),
                              std::numeric_limits<double>::max(),
                              std::numeric_limits<double>::lowest(),
                              1.0 / 3.0,
                              -2.2250738585072014e-308 / 3};
  data.md.reals["empty"] = {};
  data.md.words["rng"] = {0, 1, 0xffffffffffffffffull, 0x8000000000000000ull, 0x0123456789abcdefull};
  data.md.words["none"] = {};
  data.md.texts["ensemble"] = "NPT";
  data.md.texts["blank"] = "";
  data.provider.reals["history 0"] = std::vector<double>(1000, 0.1);
  data.provider.texts["note"] = "multi\nline\ttext with unicode: \xc3\x85ngstr\xc3\xb6m";
  data.run.words["trajectory_frames"] = {42};
  data.run.words["extxyz_bytes"] = {123456789};
  data.created_by_input = "[md]\nensemble = \"NPT\"\ntimestep = \"0.5 fs\"\n";
  return data;
}

}  // namespace

// ---- h5file -------------------------------------------------------------------------------------------
TEST(MdIoH5File, RowsDatasetAppendsResizesAndReadsBack) {
  TempDir dir;
  const std::string path = dir.file("rows.h5");
  {
    auto file = io::h5::File::create(path);
    auto group = file.create_group("g");
    auto rows = group.create_rows_dataset<double>("x", {2, 3});
    for (int r = 0; r < 5; ++r) rows.append_row(std::vector<double>(6, r + 0.5));
    rows.resize_rows(3);
    rows.append_row(std::vector<double>(6, -1.0));
    group.write_string_attribute("unit", "nm", io::h5::StringKind::variable);
    group.write_int_array_attribute("version", {1, 1});
    file.close();
  }
  auto file = io::h5::File::open(path, false);
  auto rows = file.open_group("g").open_dataset("x");
  EXPECT_EQ(rows.shape(), (io::h5::Shape{4, 2, 3}));
  const auto all = rows.read<double>();
  EXPECT_EQ(all[6 * 2], 2.5);
  EXPECT_EQ(all[6 * 3 + 5], -1.0);
  EXPECT_EQ(rows.read_rows<double>(1, 1), std::vector<double>(6, 1.5));
  EXPECT_EQ(file.open_group("g").read_string_attribute("unit"), "nm");
  EXPECT_EQ(file.open_group("g").read_int_array_attribute("version"), (std::vector<std::int64_t>{1, 1}));
  EXPECT_TRUE(file.contains("g/x"));
  EXPECT_FALSE(file.contains("g/y/z"));
}

TEST(MdIoH5File, ErrorsNameTheFileAndObject) {
  TempDir dir;
  const std::string path = dir.file("e.h5");
  auto file = io::h5::File::create(path);
  file.create_group("g").create_dataset<std::int64_t>("n", {3});
  const std::string missing = error_of([&] { file.open_group("g").open_dataset("absent"); });
  EXPECT_NE(missing.find(path + ":/g"), std::string::npos) << missing;
  EXPECT_NE(missing.find("absent"), std::string::npos) << missing;
  const std::string wrong_type = error_of([&] { file.open_group("g").open_dataset("n").read<double>(); });
  EXPECT_NE(wrong_type.find(path + ":/g/n"), std::string::npos) << wrong_type;
  EXPECT_NE(wrong_type.find("64-bit floats"), std::string::npos) << wrong_type;
  const std::string not_hdf5 = error_of([&] { io::h5::File::open(dir.file("none.h5"), false); });
  EXPECT_NE(not_hdf5.find("none.h5"), std::string::npos) << not_hdf5;
}

// ---- checkpoint ---------------------------------------------------------------------------------------
TEST(MdIoCheckpoint, RoundTripIsBitExact) {
  TempDir dir;
  const std::string path = dir.file("run.ckpt.h5");
  const CheckpointData written = awkward_checkpoint();
  md::write_checkpoint(path, written);
  const CheckpointData read = md::read_checkpoint(path);
  expect_same_state(written.md, read.md);
  expect_same_state(written.provider, read.provider);
  expect_same_state(written.run, read.run);
  EXPECT_EQ(read.created_by_input, written.created_by_input);
  EXPECT_EQ(read.format_version, md::checkpoint_format_version);
  EXPECT_EQ(dir.listing(), std::vector<std::string>{"run.ckpt.h5"});  // no temporary left
}

TEST(MdIoCheckpoint, EmptyStateRoundTripsAndOverwrites) {
  TempDir dir;
  const std::string path = dir.file("c.h5");
  md::write_checkpoint(path, awkward_checkpoint());
  md::write_checkpoint(path, CheckpointData{});
  const CheckpointData read = md::read_checkpoint(path);
  EXPECT_TRUE(read.md.reals.empty() && read.md.words.empty() && read.md.texts.empty());
  EXPECT_TRUE(read.run.words.empty());
  EXPECT_EQ(read.created_by_input, "");
}

TEST(MdIoCheckpoint, RejectsFilesThatAreNotCheckpoints) {
  TempDir dir;
  const std::string missing = error_of([&] { md::read_checkpoint(dir.file("absent.h5")); });
  EXPECT_NE(missing.find("absent.h5"), std::string::npos) << missing;
  EXPECT_NE(missing.find("no such file"), std::string::npos) << missing;

  const std::string text_file = dir.file("notes.h5");
  std::ofstream(text_file) << "not HDF5 at all\n";
  const std::string text = error_of([&] { md::read_checkpoint(text_file); });
  EXPECT_NE(text.find("notes.h5"), std::string::npos) << text;
  EXPECT_NE(text.find("not a megabar checkpoint"), std::string::npos) << text;

  const std::string other_h5 = dir.file("other.h5");
  io::h5::File::create(other_h5).create_group("data");
  const std::string other = error_of([&] { md::read_checkpoint(other_h5); });
  EXPECT_NE(other.find("other.h5"), std::string::npos) << other;
  EXPECT_NE(other.find("not a megabar checkpoint"), std::string::npos) << other;
}

TEST(MdIoCheckpoint, RejectsAnotherFormatVersionAndMissingParts) {
  TempDir dir;
  const std::string path = dir.file("c.h5");
  md::write_checkpoint(path, awkward_checkpoint());
  io::h5::File::open(path, true).write_string_attribute("format_version", "999");
  const std::string version = error_of([&] { md::read_checkpoint(path); });
  EXPECT_NE(version.find("c.h5"), std::string::npos) << version;
  EXPECT_NE(version.find("format version '999'"), std::string::npos) << version;

  md::write_checkpoint(path, awkward_checkpoint());
  {
    auto file = io::h5::File::open(path, true);
    ASSERT_GE(H5Ldelete(file.id(), "provider", H5P_DEFAULT), 0);
  }
  const std::string incomplete = error_of([&] { md::read_checkpoint(path); });
  EXPECT_NE(incomplete.find("incomplete"), std::string::npos) << incomplete;
  EXPECT_NE(incomplete.find("provider"), std::string::npos) << incomplete;

  CheckpointData future = awkward_checkpoint();
  future.format_version = "999";
  EXPECT_THROW(md::write_checkpoint(path, future), std::invalid_argument);
}

// A value altered on disk after the write (one bit of a position, a text) is refused, naming the checksum.
TEST(MdIoCheckpoint, RefusesDataThatNoLongerMatchTheChecksum) {
  TempDir dir;
  const std::string path = dir.file("c.h5");
  CheckpointData data = awkward_checkpoint();
  data.md.reals["md_positions"] = {1.0, 2.0, 3.0};
  md::write_checkpoint(path, data);
  EXPECT_TRUE(md::read_checkpoint(path).verified);
  EXPECT_EQ(md::checkpoint_checksum(md::read_checkpoint(path)), md::checkpoint_checksum(data));

  {  // an exponent bit of one position flipped
    auto file = io::h5::File::open(path, true);
    auto positions = file.open_group("md").open_group("reals").open_dataset("md_positions");
    positions.write(std::vector<double>{1.0, from_bits(0x7fe0000000000000ull), 3.0});
  }
  const std::string flipped = error_of([&] { md::read_checkpoint(path); });
  EXPECT_NE(flipped.find("c.h5"), std::string::npos) << flipped;
  EXPECT_NE(flipped.find("checksum"), std::string::npos) << flipped;

  md::write_checkpoint(path, data);
  {
    auto file = io::h5::File::open(path, true);
    auto texts = file.open_group("md").open_group("texts");
    H5Ldelete(texts.id(), "ensemble", H5P_DEFAULT);
    texts.create_string_dataset("ensemble", "NVT");
  }
  EXPECT_NE(error_of([&] { md::read_checkpoint(path); }).find("checksum"), std::string::npos);

  md::write_checkpoint(path, data);
  {  // a checksum removed
    auto file = io::h5::File::open(path, true);
    ASSERT_GE(H5Adelete(file.id(), "checksum"), 0);
  }
  EXPECT_NE(error_of([&] { md::read_checkpoint(path); }).find("no checksum"), std::string::npos);

  // Every single changed byte of the hashed data changes the checksum.
  const std::string reference = md::checkpoint_checksum(data);
  for (std::size_t i = 0; i < data.created_by_input.size(); ++i) {
    CheckpointData changed = data;
    changed.created_by_input[i] ^= 0x01;
    EXPECT_NE(md::checkpoint_checksum(changed), reference) << i;
  }
  CheckpointData renamed = data;
  renamed.run.words["trajectory_frameS"] = renamed.run.words.at("trajectory_frames");
  renamed.run.words.erase("trajectory_frames");
  EXPECT_NE(md::checkpoint_checksum(renamed), reference);
}

// Checkpoints of format version 1 (before checksums) are still read, flagged as not verified.
TEST(MdIoCheckpoint, ReadsVersionOneWithoutChecksum) {
  TempDir dir;
  const std::string path = dir.file("c.h5");
  md::write_checkpoint(path, awkward_checkpoint());
  {
    auto file = io::h5::File::open(path, true);
    ASSERT_GE(H5Adelete(file.id(), "checksum"), 0);
    file.write_string_attribute("format_version", "1");
  }
  const CheckpointData read = md::read_checkpoint(path);
  EXPECT_FALSE(read.verified);
  EXPECT_EQ(read.format_version, "1");
  expect_same_state(awkward_checkpoint().md, read.md);
}

TEST(MdIoCheckpoint, FailedWriteKeepsThePreviousCheckpointAndLeavesNoTemporary) {
  TempDir dir;
  const std::string path = dir.file("c.h5");
  md::write_checkpoint(path, awkward_checkpoint());
  const std::string before = slurp(path);

  // Fails half-way through writing (an entry name HDF5 cannot hold).
  CheckpointData bad = awkward_checkpoint();
  bad.md.reals["a/b"] = {1.0};
  const std::string message = error_of([&] { md::write_checkpoint(path, bad); });
  EXPECT_NE(message.find("c.h5"), std::string::npos) << message;
  EXPECT_NE(message.find("a/b"), std::string::npos) << message;
  EXPECT_EQ(slurp(path), before);
  EXPECT_EQ(dir.listing(), std::vector<std::string>{"c.h5"});

  // Fails at the very end (the rename: the destination is a non-empty directory).
  const std::string blocked = dir.file("blocked");
  fs::create_directories(fs::path(blocked) / "inside");
  EXPECT_THROW(md::write_checkpoint(blocked, awkward_checkpoint()), std::runtime_error);
  EXPECT_EQ(dir.listing(), (std::vector<std::string>{"blocked", "c.h5"}));
  EXPECT_EQ(md::read_checkpoint(path).run.words.at("trajectory_frames"), std::vector<std::uint64_t>{42});
}

TEST(MdIoCheckpoint, UnwritableDirectoryKeepsThePreviousCheckpoint) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes into read-only directories";
  TempDir dir;
  const std::string path = dir.file("c.h5");
  md::write_checkpoint(path, awkward_checkpoint());
  const std::string before = slurp(path);
  fs::permissions(dir.path(), fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write,
                  fs::perm_options::remove);
  EXPECT_THROW(md::write_checkpoint(path, CheckpointData{}), std::runtime_error);
  fs::permissions(dir.path(), fs::perms::owner_write, fs::perm_options::add);
  EXPECT_EQ(slurp(path), before);
  EXPECT_EQ(dir.listing(), std::vector<std::string>{"c.h5"});
}
