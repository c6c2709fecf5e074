// The zero-extended WAL files of wal_file_system.h: the file grows in synced steps of zeros, the
// records overwrite them, a close trims the rest, and other files are untouched. (Recovery over a
// zero tail after kill -9 is what storage_crash_test exercises: its children use these files.)
#include "storage/wal_file_system.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "storage_test_util.h"

namespace dynasink::storage {
namespace {

using testing::TempDir;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(WalFileSystemTest, WalFilesGrowInZeroedStepsAndAreTrimmedOnClose) {
  TempDir dir;
  constexpr size_t kStep = 64 << 10;
  auto fs = NewZeroedWalFileSystem(rocksdb::FileSystem::Default(), kStep);
  const std::string path = dir.Sub("000007.log");
  std::unique_ptr<rocksdb::FSWritableFile> file;
  ASSERT_TRUE(fs->NewWritableFile(path, rocksdb::FileOptions(), &file, nullptr).ok());
  const rocksdb::IOOptions io;

  const std::string first(100, 'a');
  ASSERT_TRUE(file->Append(first, io, nullptr).ok());
  ASSERT_TRUE(file->Sync(io, nullptr).ok());
  EXPECT_EQ(file->GetFileSize(io, nullptr), 100u);
  EXPECT_EQ(std::filesystem::file_size(path), kStep) << "extended by one step";
  std::string on_disk = ReadFile(path);
  EXPECT_EQ(on_disk.substr(0, 100), first);
  EXPECT_EQ(on_disk.find_first_not_of('\0', 100), std::string::npos) << "zeros after the records";

  const std::string second(70 << 10, 'b');  // crosses the first step
  ASSERT_TRUE(file->Append(second, io, nullptr).ok());
  EXPECT_EQ(file->GetFileSize(io, nullptr), 100 + second.size());
  EXPECT_EQ(std::filesystem::file_size(path), 2 * kStep);

  ASSERT_TRUE(file->Close(io, nullptr).ok());
  EXPECT_EQ(std::filesystem::file_size(path), 100 + second.size()) << "the zero tail is trimmed";
  EXPECT_EQ(ReadFile(path), first + second);
}

TEST(WalFileSystemTest, OtherFilesAreWrittenAsUsual) {
  TempDir dir;
  auto fs = NewZeroedWalFileSystem(rocksdb::FileSystem::Default(), 64 << 10);
  for (const char* name : {"MANIFEST-000005", "LOG", "000009.sst"}) {
    const std::string path = dir.Sub(name);
    std::unique_ptr<rocksdb::FSWritableFile> file;
    ASSERT_TRUE(fs->NewWritableFile(path, rocksdb::FileOptions(), &file, nullptr).ok());
    const rocksdb::IOOptions io;
    ASSERT_TRUE(file->Append("hello", io, nullptr).ok());
    ASSERT_TRUE(file->Flush(io, nullptr).ok());
    EXPECT_EQ(std::filesystem::file_size(path), 5u) << name;
    ASSERT_TRUE(file->Close(io, nullptr).ok());
  }
}

// A database written through these files reopens with everything, after a clean close and with
// the WAL still holding data that no flush has taken (the reopen replays the zero-tailed log).
TEST(WalFileSystemTest, AStorageReopensOverZeroTailedLogs) {
  TempDir dir;
  auto options = testing::TestOptions(dir.path());
  options.wal_zero_step_bytes = 256 << 10;
  for (int round = 0; round < 3; ++round) {
    auto s = testing::MustOpen(options);
    ASSERT_NE(s, nullptr);
    for (int i = 0; i < round * 100; ++i) {
      std::string row;
      bool found = false;
      ASSERT_TRUE(s->GetRow(1, testing::Pk(i), &row, &found).ok());
      ASSERT_TRUE(found) << "round " << round << " row " << i;
    }
    WriteBatch b;
    for (int i = round * 100; i < (round + 1) * 100; ++i) {
      b.Clear();
      b.Insert(1, testing::Pk(i), std::string(3000, 'r'));  // 300 KB: more than one step
      ASSERT_TRUE(s->Commit(b).ok());
    }
  }
}

}  // namespace
}  // namespace dynasink::storage
