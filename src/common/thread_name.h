// SetThreadName: names the calling thread, as `top -H`, `ps -L`, perf and gdb show it.
//
// dynasink runs a handful of long-lived threads per sink and per connection; names like
// "ds-sink-write" tell an operator (or a profile) which one is busy. Linux keeps at most 15
// bytes of a name: longer names are cut. Naming is best effort and never fails the caller.
#pragma once

#include <pthread.h>

#include <string>
#include <string_view>

namespace dynasink {

inline void SetThreadName(std::string_view name) {
  std::string n(name.substr(0, 15));
  pthread_setname_np(pthread_self(), n.c_str());
}

}  // namespace dynasink
