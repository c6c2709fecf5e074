#include "stream/sink_state.h"

#include "common/coding.h"

namespace dynasink::stream {

namespace {
constexpr char kVersion = 1;
constexpr size_t kEncodedSize = 1 + 1 + 8 + 1 + 8;
}  // namespace

std::string SinkRuntimeState::Encode() const {
  std::string out;
  out.push_back(kVersion);
  out.push_back(backfill_pending ? 1 : 0);
  AppendBigEndian64(&out, backfill_seq);
  out.push_back(paused_by_user ? 1 : 0);
  AppendBigEndian64(&out, changes_acked);
  return out;
}

Result<SinkRuntimeState> SinkRuntimeState::Decode(std::string_view data) {
  SinkRuntimeState state;
  if (data.empty()) return state;
  if (data.size() < kEncodedSize || data[0] != kVersion) {
    return Status::Corruption("unreadable sink runtime state");
  }
  state.backfill_pending = data[1] != 0;
  state.backfill_seq = GetBigEndian64(data.data() + 2);
  state.paused_by_user = data[10] != 0;
  state.changes_acked = GetBigEndian64(data.data() + 11);
  return state;
}

}  // namespace dynasink::stream
