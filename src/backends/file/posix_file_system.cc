#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "backends/file/file_system.h"

namespace kv::file {
namespace {

util::Status Errno(const std::string& what, const std::string& path) {
  int e = errno;
  std::string m = what + " " + util::Quoted(path, util::kWhole) + ": " + std::strerror(e);
  // A permission problem is the store's configuration, not the caller's access to it: an I/O
  // error whose message names the file and the reason (wasi:keyvalue's access-denied has none).
  if (e == ENOENT) return util::NotFound(std::move(m));
  return util::IOError(std::move(m));
}

class PosixFile final : public File {
 public:
  PosixFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixFile() override { ::close(fd_); }

  util::Status WriteAt(uint64_t offset, std::span<const uint8_t> data) override {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n =
          ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return Errno("writing", path_);
      }
      done += static_cast<size_t>(n);
    }
    return util::Status::Ok();
  }

  util::Status Sync() override {
    // The data and what is needed to read it back (the size): what a log needs.
    if (::fdatasync(fd_) != 0) return Errno("syncing", path_);
    return util::Status::Ok();
  }

  util::Status ReadAt(uint64_t offset, std::span<uint8_t> out) override {
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n =
          ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return Errno("reading", path_);
      }
      if (n == 0)
        return util::IOError("reading " + util::Quoted(path_, util::kWhole) + ": unexpected end of file");
      done += static_cast<size_t>(n);
    }
    return util::Status::Ok();
  }

  util::Result<uint64_t> Size() override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return Errno("reading the size of", path_);
    return static_cast<uint64_t>(st.st_size);
  }

  util::Status Truncate(uint64_t size) override {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) return Errno("truncating", path_);
    return util::Status::Ok();
  }

  util::Result<uint64_t> Id() override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return Errno("reading the identity of", path_);
    return static_cast<uint64_t>(st.st_ino);
  }

 private:
  int fd_;
  std::string path_;
};

class Posix final : public FileSystem {
 public:
  util::Result<std::unique_ptr<File>> Open(const std::string& path, bool create) override {
    int fd = ::open(path.c_str(), O_RDWR | (create ? O_CREAT : 0), 0644);
    if (fd < 0) return Errno("opening", path);
    return std::unique_ptr<File>(new PosixFile(fd, path));
  }

  util::Status CreateExclusive(const std::string& path,
                               std::span<const uint8_t> contents) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) {
      if (errno == EEXIST) return util::Status(util::Code::kAlreadyExists, "exists");
      return Errno("creating", path);
    }
    PosixFile file(fd, path);
    return file.WriteAt(0, contents);
  }

  util::Result<std::vector<uint8_t>> ReadAll(const std::string& path) override {
    auto file = Open(path, false);
    if (!file.ok()) return std::move(file).take_status();
    ASSIGN_OR_RETURN(uint64_t size, (*file)->Size());
    std::vector<uint8_t> bytes(size);
    RETURN_IF_ERROR((*file)->ReadAt(0, bytes));
    return bytes;
  }

  util::Status Rename(const std::string& from, const std::string& to) override {
    if (std::rename(from.c_str(), to.c_str()) != 0) return Errno("renaming", from + " to " + to);
    return util::Status::Ok();
  }

  util::Status Remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Errno("removing", path);
    return util::Status::Ok();
  }

  bool Exists(const std::string& path) override {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
  }

  util::Result<uint64_t> FileId(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return Errno("reading the identity of", path);
    return static_cast<uint64_t>(st.st_ino);
  }

  util::Result<std::vector<std::string>> List(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return Errno("listing", dir);
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(std::move(name));
    }
    ::closedir(d);
    return names;
  }

  util::Status CreateDir(const std::string& dir) override {
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return Errno("creating directory", dir);
    return util::Status::Ok();
  }

  util::Status SyncDir(const std::string& dir) override {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) return Errno("opening directory", dir);
    int r = ::fsync(fd);
    int e = errno;
    ::close(fd);
    // Some file systems refuse fsync on a directory; that is not a failure of ours.
    if (r != 0 && e != EINVAL && e != ENOTSUP && e != EBADF) {
      errno = e;
      return Errno("syncing directory", dir);
    }
    return util::Status::Ok();
  }

  int64_t NowMillis() override {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
  }

  int64_t SteadyMillis() override {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
  }

  void SleepMillis(int64_t ms) override {
    timespec ts{static_cast<time_t>(ms / 1000), static_cast<long>((ms % 1000) * 1000000)};
    nanosleep(&ts, nullptr);
  }

  void Random(std::span<uint8_t> out) override {
    // getentropy gives at most 256 bytes a call; without entropy, the clock is the fallback.
    for (size_t at = 0; at < out.size(); at += 256) {
      size_t n = std::min<size_t>(256, out.size() - at);
      if (::getentropy(out.data() + at, n) != 0) {
        uint64_t t = static_cast<uint64_t>(NowMillis()) ^ reinterpret_cast<uintptr_t>(this);
        for (size_t i = 0; i < n; ++i) out[at + i] = static_cast<uint8_t>(t >> (8 * (i % 8)));
      }
    }
  }
};

}  // namespace

FileSystem* PosixFileSystem() {
  static Posix posix;
  return &posix;
}

}  // namespace kv::file
