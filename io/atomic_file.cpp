#include "md/file_sync.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace megabar::md {
namespace {

void fsync_opened(const std::string& path, int flags, const char* what) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(path + ": cannot open " + what + " to sync it: " + std::strerror(errno));
  const int status = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (status != 0) throw std::runtime_error(path + ": fsync failed: " + std::strerror(error));
}

}  // namespace

std::string parent_directory(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

void fsync_file(const std::string& path) { fsync_opened(path, O_RDWR, "the file"); }

void fsync_parent_directory(const std::string& path) {
  fsync_opened(parent_directory(path), O_RDONLY | O_DIRECTORY, "the directory");
}

}  // namespace megabar::md
