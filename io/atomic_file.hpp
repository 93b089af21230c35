// Making written files durable (POSIX): what checkpoints and trajectories need so that a power cut after
// the call leaves the data on disk. Both throw std::runtime_error naming the path and errno's text.
#pragma once
#include <string>

namespace megabar::md {

// fsync(2) of a file's contents (the file is opened read-write, synced, closed).
void fsync_file(const std::string& path);

// fsync(2) of the directory holding `path`, which makes a rename or a new name in it durable.
void fsync_parent_directory(const std::string& path);

// The directory part of `path` ("." when it has none).
std::string parent_directory(const std::string& path);

}  // namespace megabar::md
