#include "common/memory_allocator.h"

#include <cstddef>

// jemalloc's control interface. Weak: null unless jemalloc is linked in or preloaded.
extern "C" int mallctl(const char* name, void* oldp, size_t* oldlenp, void* newp, size_t newlen)
    __attribute__((weak));

namespace dynasink {

std::string MemoryAllocator() {
#if defined(__SANITIZE_ADDRESS__)
  return "AddressSanitizer";
#else
  if (mallctl != nullptr) {
    const char* version = nullptr;
    size_t size = sizeof version;
    if (mallctl("version", &version, &size, nullptr, 0) == 0 && version != nullptr) {
      return std::string("jemalloc ") + version;
    }
    return "jemalloc";
  }
  return "glibc malloc";
#endif
}

}  // namespace dynasink
