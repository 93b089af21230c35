// Files replaced atomically and made durable (io/, POSIX): the one implementation of "write a temporary
// file, then rename it over the old one" that every output of megabar uses (results, trajectories' single
// frames, checkpoints, analyses, FFT plans).
//
// A file is written into NAME.tmp.<pid> in the same directory, fsync'ed, renamed over NAME, and the
// directory fsync'ed: a crash at any moment leaves either the old file or the new one, never a mixture, and
// a failure removes the temporary file and leaves NAME as it was. Temporaries of NAME left by processes that
// no longer run (killed before their rename) are removed before a new one is written. Errors are
// core::FileError (a std::runtime_error) naming the path and the operating system's reason.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace megabar::io {

// Replaces `path` with `text`.
void replace_file(const std::string& path, const std::string& text);

// Replaces `path` with what `write(temporary)` writes into the file named `temporary` (e.g. an HDF5 file
// created there). An exception thrown by `write` propagates after the temporary is removed.
void replace_file(const std::string& path, const std::function<void(const std::string& temporary)>& write);

struct FileText {
  std::string path;
  std::string text;
};

// Replaces several files: every temporary is written first, then they are renamed in the order given (put
// the one that says "complete" last). After a failure the files already renamed stay and the other
// temporaries are removed.
void replace_files(const std::vector<FileText>& files);

// Throws core::InputError "PATH: not a regular file (a directory | a device, pipe or socket); expected
// EXPECTED" when `path` exists and is not a regular file (a reader would otherwise block on a FIFO or read
// /dev/zero without end). A missing path passes: the reader's own open names it.
void check_regular_file(const std::string& path, const std::string& expected);

// fsync(2) of a file's contents (the file is opened read-write, synced, closed).
void fsync_file(const std::string& path);

// fsync(2) of the directory holding `path`, which makes a rename or a new name in it durable.
void fsync_parent_directory(const std::string& path);

// The directory part of `path` ("." when it has none).
std::string parent_directory(const std::string& path);

}  // namespace megabar::io
