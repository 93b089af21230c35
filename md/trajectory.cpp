#include "md/trajectory.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "core/elements.hpp"
#include "io/atomic_file.hpp"
#include "io/extxyz.hpp"
#include "md/trajectory_h5md.hpp"

namespace fs = std::filesystem;

namespace megabar::md {

// trajectory.extxyz, open for appending with plain write(2) calls: what write() returned is in the
// operating system's hands and survives the process being killed.
class ExtxyzAppender {
 public:
  ExtxyzAppender(const std::string& path, bool truncate) : path_(path) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0644);
    if (fd_ < 0) fail("cannot open for appending");
    const off_t end = ::lseek(fd_, 0, SEEK_END);
    if (end < 0) fail("cannot find its end");
    bytes_ = static_cast<std::uint64_t>(end);
  }
  ~ExtxyzAppender() { ::close(fd_); }
  ExtxyzAppender(const ExtxyzAppender&) = delete;
  ExtxyzAppender& operator=(const ExtxyzAppender&) = delete;

  void append(const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail("cannot write");
      done += static_cast<std::size_t>(n);
      bytes_ += static_cast<std::uint64_t>(n);
    }
  }
  void cut(std::uint64_t bytes) {
    if (::ftruncate(fd_, static_cast<off_t>(bytes)) != 0) fail("cannot truncate");
    bytes_ = bytes;
  }
  void sync() {
    if (::fsync(fd_) != 0) fail("fsync failed");
  }
  std::uint64_t bytes() const { return bytes_; }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error(path_ + ": " + what + ": " + std::strerror(errno));
  }
  std::string path_;
  int fd_ = -1;
  std::uint64_t bytes_ = 0;
};

TrajectoryWriter::TrajectoryWriter(const std::string& directory, const std::vector<std::string>& symbols,
                                   const ResumeInfo* resume)
    : directory_(directory),
      h5_path_((fs::path(directory) / trajectory_h5_name).string()),
      extxyz_path_((fs::path(directory) / trajectory_extxyz_name).string()),
      symbols_(symbols) {
  if (symbols_.empty()) throw std::invalid_argument("trajectory in " + directory + ": no atoms");
  for (const auto& s : symbols_) core::element(s);  // an unknown symbol fails here, named
  if (resume) resume_from(*resume);
}

TrajectoryWriter::~TrajectoryWriter() = default;

std::uint64_t TrajectoryWriter::extxyz_bytes() const { return extxyz_ ? extxyz_->bytes() : 0; }

void TrajectoryWriter::start_if_new() {
  if (!h5_) start_new();
}

void TrajectoryWriter::start_new() {
  fs::create_directories(directory_);
  fs::remove(h5_path_ + ".damaged");
  extxyz_ = std::make_unique<ExtxyzAppender>(extxyz_path_, /*truncate=*/true);
  h5_ = H5mdTrajectory::create(h5_path_, symbols_);
  frames_ = 0;
}

void TrajectoryWriter::resume_from(const ResumeInfo& resume) {
  if (resume.frames < 0) throw std::invalid_argument("trajectory: cannot resume at a negative frame count");
  cut_extxyz(resume);  // first: it is the reference trajectory.h5 may have to be rebuilt from
  std::string problem;
  if (!fs::exists(h5_path_)) {
    problem = "it does not exist";
  } else {
    try {
      h5_ = H5mdTrajectory::resume(h5_path_, symbols_, resume.frames, resume.pdos_snapshots);
    } catch (const std::exception& e) {
      problem = e.what();
    }
  }
  if (!problem.empty()) {
    if (resume.frames > 0)  // with no frame yet there is nothing to report
      std::fprintf(stderr, "megabar: %s cannot be continued (%s); rebuilding it from %s\n", h5_path_.c_str(),
                   problem.c_str(), extxyz_path_.c_str());
    rebuild_h5(resume);
  }
  frames_ = resume.frames;
}

// Cuts trajectory.extxyz back to the checkpoint's size, after checking that it is at least that long and
// that a line ends there, and opens it for appending.
void TrajectoryWriter::cut_extxyz(const ResumeInfo& resume) {
  const std::uint64_t size = fs::exists(extxyz_path_) ? fs::file_size(extxyz_path_) : 0;
  if (size < resume.extxyz_bytes)
    throw std::runtime_error(extxyz_path_ + " holds " + std::to_string(size) + " bytes, but the checkpoint records " +
                             std::to_string(resume.extxyz_bytes) + " bytes (" + std::to_string(resume.frames) +
                             " frames): the trajectory is shorter than the checkpoint, so the run cannot continue");
  if (resume.extxyz_bytes > 0) {
    std::ifstream in(extxyz_path_, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(resume.extxyz_bytes - 1));
    if (in.get() != '\n')
      throw std::runtime_error(extxyz_path_ + ": byte " + std::to_string(resume.extxyz_bytes) +
                               ", where the checkpoint says the trajectory ends, does not end a line");
  }
  if (size > resume.extxyz_bytes) fs::resize_file(extxyz_path_, resume.extxyz_bytes);
  extxyz_ = std::make_unique<ExtxyzAppender>(extxyz_path_, /*truncate=*/false);
}

// Moves the damaged file aside and writes a new one from the extxyz frames, which carry everything it held.
void TrajectoryWriter::rebuild_h5(const ResumeInfo& resume) {
  if (fs::exists(h5_path_)) fs::rename(h5_path_, h5_path_ + ".damaged");
  try {
    h5_ = H5mdTrajectory::create(h5_path_, symbols_);
    long n = 0;
    io::for_each_extxyz_frame(extxyz_path_, [&](Frame&& f) {
      if (f.structure.symbols != symbols_)
        throw std::runtime_error(extxyz_path_ + ": frame " + std::to_string(n) + " holds other atoms than this run");
      h5_->append(f);
      ++n;
    });
    if (n != resume.frames)
      throw std::runtime_error(extxyz_path_ + ": its first " + std::to_string(resume.extxyz_bytes) + " bytes hold " +
                               std::to_string(n) + " frames, but the checkpoint records " +
                               std::to_string(resume.frames));
    if (resume.pdos_snapshots > 0) {  // trajectory.extxyz does not hold them: from the damaged file, if readable
      try {
        h5_->copy_pdos_from(h5_path_ + ".damaged", resume.pdos_snapshots);
      } catch (const std::exception& e) {
        h5_->truncate_pdos(0);
        std::fprintf(stderr,
                     "megabar: warning: the %ld PDOS snapshots of %s could not be recovered (%s); /pdos starts again "
                     "with the next snapshot\n",
                     resume.pdos_snapshots, h5_path_.c_str(), e.what());
      }
    }
    h5_->flush();
  } catch (...) {
    h5_.reset();
    fs::remove(h5_path_);  // nothing half-built is left behind; the damaged file stays aside
    throw;
  }
  rebuilt_h5_ = true;
}

void TrajectoryWriter::append(const Frame& frame) {
  const std::string text = io::format_extxyz_frame(frame, symbols_);  // checks the frame before anything is written
  start_if_new();
  const std::uint64_t bytes_before = extxyz_->bytes();
  try {
    extxyz_->append(text);
    h5_->append(frame);
    h5_->flush();
  } catch (...) {
    // Back to the frames before, as far as possible; the original error is what the caller needs to see.
    try {
      extxyz_->cut(bytes_before);
      h5_->truncate(frames_);
      h5_->flush();
    } catch (...) {
    }
    throw;
  }
  ++frames_;
}

long TrajectoryWriter::pdos_snapshots() const { return h5_ ? h5_->pdos_snapshots() : 0; }

void TrajectoryWriter::append_pdos(const PdosSnapshot& snapshot) {
  start_if_new();
  h5_->append_pdos(snapshot);  // cuts /pdos back itself on failure
  h5_->flush();
}

void TrajectoryWriter::sync() {
  start_if_new();
  h5_->flush();
  io::fsync_file(h5_path_);
  extxyz_->sync();
}

}  // namespace megabar::md
