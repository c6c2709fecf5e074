// SinkRuntimeState: what the runtime persists about a sink beside its definition and cursor,
// in SinkDefinition::state (the catalog stores the bytes without reading them).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace dynasink::stream {

struct SinkRuntimeState {
  // The sink still has to backfill the table's rows. Backfilled rows are sent with sequence
  // number backfill_seq (the cursor's position at creation), so the backfill is complete once
  // the sink has acknowledged backfill_seq; until then a restart scans the table again.
  bool backfill_pending = false;
  uint64_t backfill_seq = 0;
  // ALTER SINK ... PAUSE: kept across restarts until ALTER SINK ... RESUME.
  bool paused_by_user = false;
  // Changes acknowledged before the latest save (the status view adds the running count).
  uint64_t changes_acked = 0;

  std::string Encode() const;
  // The empty string decodes to the default state.
  static Result<SinkRuntimeState> Decode(std::string_view data);
};

}  // namespace dynasink::stream
