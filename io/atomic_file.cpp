#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/errors.hpp"
#include "core/fault.hpp"

namespace megabar::io {
namespace {

void fsync_opened(const std::string& path, int flags, const char* what) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw core::FileError(path + ": cannot open " + what + " to sync it: " + std::strerror(errno));
  const int status = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (status != 0) throw core::FileError(path + ": fsync failed: " + std::strerror(error));
}

std::string temporary_for(const std::string& path) { return path + ".tmp." + std::to_string(::getpid()); }

// Temporaries of `path` left by processes that no longer run (killed between writing and renaming):
// PATH.tmp.<pid> with no process <pid>. Removed before a new temporary is written, so none piles up.
void remove_stale_temporaries(const std::string& path) {
  namespace fs = std::filesystem;
  const std::string prefix = fs::path(path).filename().string() + ".tmp.";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(parent_directory(path), ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string digits = name.substr(prefix.size());
    if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(digits));
    if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;  // alive (or not ours to judge)
    fs::remove(entry.path(), ec);
  }
}

void write_text(const std::string& path, const std::string& temporary, const std::string& text) {
  std::ofstream out(temporary, std::ios::binary);
  out << text;
  out.close();
  if (!out)
    throw core::FileError(path + ": cannot write " + temporary + ": " + std::strerror(errno) +
                          " (the file is left as it was)");
}

// fsync of the temporary, rename over `path`. The directory is synced by the caller.
void commit(const std::string& path, const std::string& temporary) {
  fsync_file(temporary);
  if (std::rename(temporary.c_str(), path.c_str()) != 0)
    throw core::FileError(path + ": cannot rename " + temporary + " over it: " + std::strerror(errno));
}

}  // namespace

void check_regular_file(const std::string& path, const std::string& expected) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) || std::filesystem::is_regular_file(path, ec)) return;
  throw core::InputError(path + ": not a regular file (" +
                         (std::filesystem::is_directory(path, ec) ? "a directory" : "a device, pipe or socket") +
                         "); expected " + expected);
}

void replace_file(const std::string& path, const std::function<void(const std::string& temporary)>& write) {
  remove_stale_temporaries(path);
  const std::string temporary = temporary_for(path);
  try {
    write(temporary);
    core::fault_point("before-rename:" + std::filesystem::path(path).filename().string());
    commit(path, temporary);
  } catch (...) {
    std::remove(temporary.c_str());
    throw;
  }
  fsync_parent_directory(path);
}

void replace_file(const std::string& path, const std::string& text) {
  replace_file(path, [&](const std::string& temporary) { write_text(path, temporary, text); });
}

void replace_files(const std::vector<FileText>& files) {
  std::vector<std::string> temporaries;
  std::size_t renamed = 0;
  try {
    for (const auto& f : files) {
      temporaries.push_back(temporary_for(f.path));
      write_text(f.path, temporaries.back(), f.text);
    }
    for (; renamed < files.size(); ++renamed) commit(files[renamed].path, temporaries[renamed]);
  } catch (...) {
    for (std::size_t k = renamed; k < temporaries.size(); ++k) std::remove(temporaries[k].c_str());
    throw;
  }
  for (std::size_t k = 0; k < files.size(); ++k)
    if (k == 0 || parent_directory(files[k].path) != parent_directory(files[k - 1].path))
      fsync_parent_directory(files[k].path);
}

std::string parent_directory(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

void fsync_file(const std::string& path) { fsync_opened(path, O_RDWR, "the file"); }

void fsync_parent_directory(const std::string& path) {
  fsync_opened(parent_directory(path), O_RDONLY | O_DIRECTORY, "the directory");
}

}  // namespace megabar::io
