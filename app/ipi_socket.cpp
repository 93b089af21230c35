#include "app/ipi_socket.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace megabar::app {

namespace {

constexpr std::size_t kHeaderBytes = 12;

std::string system_error(const std::string& what) { return what + ": " + std::strerror(errno); }

// One connection attempt: the connected descriptor, or -1 (errno set) when nobody listens yet.
int try_connect(const IpiAddress& a) {
  if (!a.unix_path.empty()) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (a.unix_path.size() >= sizeof addr.sun_path)
      throw std::invalid_argument("the UNIX socket path " + a.unix_path + " is longer than the system allows (" +
                                  std::to_string(sizeof addr.sun_path - 1) + " characters)");
    std::memcpy(addr.sun_path, a.unix_path.c_str(), a.unix_path.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error(system_error("cannot create a UNIX socket"));
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) return fd;
    const int e = errno;
    ::close(fd);
    errno = e;
    return -1;
  }
  addrinfo hints{}, *found = nullptr;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  const int rc = ::getaddrinfo(a.host.c_str(), std::to_string(a.port).c_str(), &hints, &found);
  if (rc != 0) throw std::invalid_argument("cannot resolve the host '" + a.host + "': " + ::gai_strerror(rc));
  int fd = -1, e = 0;
  for (addrinfo* p = found; p && fd < 0; p = p->ai_next) {
    fd = ::socket(p->ai_family, p->ai_socktype, p->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, p->ai_addr, p->ai_addrlen) != 0) {
      e = errno;
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  if (fd >= 0) {
    const int one = 1;  // small messages both ways: no Nagle delay
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  errno = e;
  return fd;
}

}  // namespace

std::string IpiAddress::text() const {
  return unix_path.empty() ? "TCP " + host + ":" + std::to_string(port) : "UNIX socket " + unix_path;
}

std::string ipi_unix_path(const std::string& name) {
  return name.find('/') != std::string::npos ? name : "/tmp/ipi_" + name;
}

IpiConnection::IpiConnection(const IpiAddress& address, double timeout_s, std::function<bool()> stop)
    : stop_(std::move(stop)) {
  const auto t0 = std::chrono::steady_clock::now();
  for (;;) {
    fd_ = try_connect(address);
    if (fd_ >= 0) return;
    const int e = errno;
    const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (stop_ && stop_()) throw Stopped{};
    if (waited >= timeout_s) {
      errno = e;
      throw std::runtime_error(system_error("no i-PI server at " + address.text() + " after " +
                                            std::to_string(static_cast<int>(timeout_s)) + " s (--connect-timeout)"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

IpiConnection::~IpiConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool IpiConnection::receive(void* out, std::size_t n, bool may_end) {
  auto* p = static_cast<char*>(out);
  std::size_t got = 0;
  while (got < n) {
    pollfd pfd{fd_, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, 1000);
    if (ready < 0 && errno != EINTR) throw std::runtime_error(system_error("i-PI connection: poll"));
    if (stop_ && stop_()) throw Stopped{};
    if (ready <= 0) continue;
    const ssize_t r = ::recv(fd_, p + got, n - got, 0);
    if (r < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      throw std::runtime_error(system_error("i-PI connection: receiving"));
    }
    if (r == 0) {
      if (got == 0 && may_end) return false;
      throw std::runtime_error("the i-PI server closed the connection inside a message (" + std::to_string(got) +
                               " of " + std::to_string(n) + " bytes received)");
    }
    got += static_cast<std::size_t>(r);
  }
  return true;
}

void IpiConnection::send(const void* data, std::size_t n) {
  const auto* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t r = ::send(fd_, p, n, MSG_NOSIGNAL);
    if (r < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(system_error("i-PI connection: sending"));
    }
    p += r;
    n -= static_cast<std::size_t>(r);
  }
}

std::string IpiConnection::receive_header() {
  char buffer[kHeaderBytes];
  if (!receive(buffer, kHeaderBytes, /*may_end=*/true)) return "";
  std::string h(buffer, kHeaderBytes);
  while (!h.empty() && (h.back() == ' ' || h.back() == '\0')) h.pop_back();
  return h;
}

void IpiConnection::send_header(const std::string& header) {
  std::string h = header;
  h.resize(kHeaderBytes, ' ');
  send(h.data(), kHeaderBytes);
}

std::int32_t IpiConnection::receive_int32() {
  std::int32_t v = 0;
  receive(&v, sizeof v);
  return v;
}

std::vector<double> IpiConnection::receive_doubles(std::size_t n) {
  std::vector<double> v(n);
  if (n) receive(v.data(), n * sizeof(double));
  return v;
}

std::vector<char> IpiConnection::receive_bytes(std::size_t n) {
  std::vector<char> v(n);
  if (n) receive(v.data(), n);
  return v;
}

void IpiConnection::send_int32(std::int32_t v) { send(&v, sizeof v); }

void IpiConnection::send_doubles(const std::vector<double>& v) { send(v.data(), v.size() * sizeof(double)); }

core::Mat3 lattice_from_ipi_cell(const std::vector<double>& h) {
  core::Mat3 rows{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) rows[i][j] = h.at(3 * j + i);  // vector i is column i of h
  return rows;
}

}  // namespace megabar::app
