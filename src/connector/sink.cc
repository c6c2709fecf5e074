#include "connector/sink.h"

namespace dynasink::connector {

std::string_view ChangeOpName(ChangeOp op) {
  return op == ChangeOp::kDelete ? "delete" : "upsert";
}

std::string_view SinkStateName(SinkState state) {
  switch (state) {
    case SinkState::kRunning:
      return "running";
    case SinkState::kRetrying:
      return "retrying";
    case SinkState::kPaused:
      return "paused";
    case SinkState::kClosed:
      return "closed";
  }
  return "running";
}

}  // namespace dynasink::connector
