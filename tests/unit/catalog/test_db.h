// A temporary storage + catalog for the engine's unit tests (catalog, exec, sql, server).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "catalog/catalog.h"
#include "storage/storage.h"

namespace dynasink::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction.
class EngineTempDir {
 public:
  EngineTempDir() {
    const char* base = getenv("TMPDIR");
    std::string tmpl =
        std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/dynasink_engine_XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = tmpl;
  }
  ~EngineTempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  EngineTempDir(const EngineTempDir&) = delete;
  EngineTempDir& operator=(const EngineTempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline storage::StorageOptions SmallStorageOptions(const std::string& path) {
  storage::StorageOptions o;
  o.path = path;
  o.memtable_bytes = 4 << 20;
  o.total_memtable_bytes = 16 << 20;
  o.block_cache_bytes = 4 << 20;
  o.truncate_interval = std::chrono::milliseconds(0);
  return o;
}

// Storage and catalog over a directory; Reopen() closes and opens both again.
class TestDb {
 public:
  explicit TestDb(const std::string& path) : path_(path) { Open(); }
  ~TestDb() { Close(); }

  void Open() {
    auto s = storage::Storage::Open(SmallStorageOptions(path_));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    storage_ = std::move(s).value();
    auto c = catalog::Catalog::Open(storage_.get());
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    catalog_ = std::move(c).value();
  }
  void Close() {
    catalog_.reset();
    if (storage_) storage_->Shutdown();
    storage_.reset();
  }
  void Reopen() {
    Close();
    Open();
  }

  storage::Storage& storage() { return *storage_; }
  catalog::Catalog& catalog() { return *catalog_; }

 private:
  std::string path_;
  std::unique_ptr<storage::Storage> storage_;
  std::unique_ptr<catalog::Catalog> catalog_;
};

}  // namespace dynasink::testing
