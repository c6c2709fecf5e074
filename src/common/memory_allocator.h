// MemoryAllocator(): which malloc this process runs on, for `dynasink version` and the startup
// log line.
//
// The release binary links jemalloc (CMake option DYNASINK_JEMALLOC): the sink pipeline allocates
// on one thread and frees on another (row buffers, encoded changes, HTTP bodies), which glibc's
// per-thread arenas handle poorly; see bench/RESULTS.md for the measured difference. Sanitizer
// builds keep the sanitizer's allocator. The answer is found at run time (jemalloc's `mallctl`
// is looked up as a weak symbol), so it reports what is really in use, also under LD_PRELOAD.
#pragma once

#include <string>

namespace dynasink {

// "jemalloc <version>", "AddressSanitizer" or "glibc malloc".
std::string MemoryAllocator();

}  // namespace dynasink
