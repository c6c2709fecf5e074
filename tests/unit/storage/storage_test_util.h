// Helpers shared by the storage unit tests: temporary databases and key encodings.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "storage/format.h"
#include "storage/storage.h"

namespace dynasink::storage::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction.
class TempDir {
 public:
  TempDir() {
    const char* base = getenv("TMPDIR");
    std::string tmpl =
        std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/dynasink_storage_XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline StorageOptions TestOptions(const std::string& path) {
  StorageOptions o;
  o.path = path;
  o.memtable_bytes = 4 << 20;
  o.total_memtable_bytes = 16 << 20;
  o.block_cache_bytes = 4 << 20;
  o.truncate_interval = std::chrono::milliseconds(0);  // tests truncate on demand
  return o;
}

inline std::unique_ptr<Storage> MustOpen(const StorageOptions& options) {
  auto r = Storage::Open(options);
  if (!r.ok()) {
    ADD_FAILURE() << r.status().ToString();
    return nullptr;
  }
  return std::move(r).value();
}

// An order-preserving 8-byte key.
inline std::string Pk(uint64_t v) {
  std::string s(8, '\0');
  format::PutBigEndian64(s.data(), v);
  return s;
}
inline uint64_t PkValue(std::string_view s) {
  return format::GetBigEndian64(s.data());
}

// Reads every entry of `table` after `after_seq` (no waiting).
inline std::vector<std::pair<ChangeLogEntry, std::string>> ReadAll(Storage& storage, uint32_t table,
                                                                   uint64_t after_seq) {
  std::vector<std::pair<ChangeLogEntry, std::string>> out;
  ChangeLogReader reader(storage, table, after_seq);
  ChangeBatch batch;
  for (;;) {
    Status s = reader.Read(ReadLimits{}, &batch);
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (!s.ok() || batch.empty()) break;
    for (const ChangeLogEntry& e : batch)
      out.emplace_back(e, std::string(e.row));
  }
  return out;
}

}  // namespace dynasink::storage::testing
