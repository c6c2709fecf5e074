// A RocksDB FileSystem whose write-ahead log files are pre-extended with written zeros, so that
// the fdatasync ending every commit is an overwrite, not an append.
//
// Why: every acknowledged statement waits for one fdatasync of the WAL. When a write extends the
// file, fdatasync must also commit the new file size (on ext4, a journal commit): on the 2-core
// VM of bench/RESULTS.md a 4 KiB append with O_DSYNC takes ~195 µs, an overwrite ~120 µs.
// PostgreSQL gets the cheap kind by writing its 16 MB WAL segments full of zeros ahead of use;
// RocksDB's own answer (recycle_log_file_num) is disabled under point-in-time recovery, which
// we need. So WAL files ("NNNNNN.log") are opened here instead: the file is extended in steps
// of `zero_step` bytes by writing zeros and syncing once, and records are then written over the
// zeros with pwrite.
//
// Recovery stays exact: RocksDB's log reader treats an all-zero tail as padding (the zero
// record type is reserved for preallocated space) and stops there, and a torn record is dropped
// by point-in-time recovery as before. A closed WAL is truncated to its real length. Every other
// file goes to the wrapped file system unchanged.
#pragma once

#include <rocksdb/file_system.h>

#include <cstddef>
#include <memory>

namespace dynasink::storage {

std::shared_ptr<rocksdb::FileSystem> NewZeroedWalFileSystem(
    std::shared_ptr<rocksdb::FileSystem> base, size_t zero_step);

}  // namespace dynasink::storage
