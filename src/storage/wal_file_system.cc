#include "storage/wal_file_system.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

namespace dynasink::storage {

namespace {

rocksdb::IOStatus Errno(std::string_view what, const std::string& path, int err) {
  return rocksdb::IOStatus::IOError(std::string(what) + " " + path, std::strerror(err));
}

// pwrite all of [data, data + n) at `offset`, retrying short writes and EINTR.
int WriteAt(int fd, const char* data, size_t n, uint64_t offset) {
  while (n > 0) {
    const ssize_t w = ::pwrite(fd, data, n, static_cast<off_t>(offset));
    if (w < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data += w;
    n -= static_cast<size_t>(w);
    offset += static_cast<uint64_t>(w);
  }
  return 0;
}

// One WAL file: records are written with pwrite at size_, inside a region [0, allocated_) that
// has already been filled with zeros and synced, so syncing a record never changes the file's
// size or block map. Used by one writer at a time (RocksDB's WAL writer); Sync may run from
// another thread, which pwrite and fdatasync allow.
class ZeroedWalFile : public rocksdb::FSWritableFile {
 public:
  ZeroedWalFile(std::string path, int fd, size_t zero_step)
      : path_(std::move(path)), fd_(fd), zero_step_(zero_step) {}
  ~ZeroedWalFile() override {
    if (fd_ >= 0) Close(rocksdb::IOOptions(), nullptr).PermitUncheckedError();
  }

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions&,
                           rocksdb::IODebugContext*) override {
    if (size_ + data.size() > allocated_) {
      rocksdb::IOStatus s = Extend(size_ + data.size());
      if (!s.ok()) return s;
    }
    if (int err = WriteAt(fd_, data.data(), data.size(), size_)) {
      return Errno("appending to", path_, err);
    }
    size_ += data.size();
    return rocksdb::IOStatus::OK();
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo&,
                           rocksdb::IODebugContext* dbg) override {
    return Append(data, options, dbg);
  }

  rocksdb::IOStatus Truncate(uint64_t size, const rocksdb::IOOptions&,
                             rocksdb::IODebugContext*) override {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) return Errno("truncating", path_, errno);
    size_ = size;
    allocated_ = size;
    return rocksdb::IOStatus::OK();
  }

  rocksdb::IOStatus Close(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    if (fd_ < 0) return rocksdb::IOStatus::OK();
    // The zeros past the records are only there to be overwritten: drop them.
    int err = 0;
    if (allocated_ > size_ && ::ftruncate(fd_, static_cast<off_t>(size_)) != 0) err = errno;
    if (::close(fd_) != 0 && err == 0) err = errno;
    fd_ = -1;
    return err == 0 ? rocksdb::IOStatus::OK() : Errno("closing", path_, err);
  }

  rocksdb::IOStatus Flush(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::OK();  // nothing is buffered here
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    if (::fdatasync(fd_) != 0) return Errno("syncing", path_, errno);
    return rocksdb::IOStatus::OK();
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    if (::fsync(fd_) != 0) return Errno("syncing", path_, errno);
    return rocksdb::IOStatus::OK();
  }
  bool IsSyncThreadSafe() const override { return true; }
  uint64_t GetFileSize(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    return size_;
  }

 private:
  // Writes zeros up to a multiple of zero_step_ past `need`, then syncs that once: the size and
  // the block map change here, not in the syncs of the records written over the zeros later.
  rocksdb::IOStatus Extend(uint64_t need) {
    static const char kZeros[1 << 16] = {};
    const uint64_t target = (need / zero_step_ + 1) * zero_step_;
    for (uint64_t at = allocated_; at < target;) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(sizeof kZeros, target - at));
      if (int err = WriteAt(fd_, kZeros, n, at)) return Errno("extending", path_, err);
      at += n;
    }
    if (::fdatasync(fd_) != 0) return Errno("syncing", path_, errno);
    allocated_ = target;
    return rocksdb::IOStatus::OK();
  }

  std::string path_;
  int fd_;
  size_t zero_step_;
  uint64_t size_ = 0;       // bytes of records written
  uint64_t allocated_ = 0;  // bytes of the file that exist (zeros past size_)
};

bool IsWal(const std::string& path) {
  // RocksDB names WAL files NNNNNN.log; its info log is LOG (and LOG.old.*).
  constexpr std::string_view kSuffix = ".log";
  return path.size() > kSuffix.size() &&
         std::string_view(path).substr(path.size() - kSuffix.size()) == kSuffix;
}

class ZeroedWalFileSystem : public rocksdb::FileSystemWrapper {
 public:
  ZeroedWalFileSystem(std::shared_ptr<rocksdb::FileSystem> base, size_t zero_step)
      : FileSystemWrapper(std::move(base)), zero_step_(zero_step) {}

  const char* Name() const override { return "DynasinkZeroedWalFileSystem"; }

  rocksdb::IOStatus NewWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    if (!IsWal(path) || options.use_direct_writes || options.use_mmap_writes) {
      return FileSystemWrapper::NewWritableFile(path, options, result, dbg);
    }
    const int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0) return Errno("creating", path, errno);
    *result = std::make_unique<ZeroedWalFile>(path, fd, zero_step_);
    return rocksdb::IOStatus::OK();
  }

 private:
  size_t zero_step_;
};

}  // namespace

std::shared_ptr<rocksdb::FileSystem> NewZeroedWalFileSystem(
    std::shared_ptr<rocksdb::FileSystem> base, size_t zero_step) {
  return std::make_shared<ZeroedWalFileSystem>(std::move(base), std::max<size_t>(zero_step, 4096));
}

}  // namespace dynasink::storage
