// SinkMetrics: the per-sink series every connector updates, labelled sink="<name>".
//
//   dynasink_sink_items_written_total{op="put"|"delete"}  items the destination acknowledged
//   dynasink_sink_batches_total                            calls that succeeded (HTTP 2xx)
//   dynasink_sink_call_errors_total{error="<kind>"}       failed calls, by error kind
//   dynasink_sink_retries_total                            calls re-sent (errors, unprocessed)
//   dynasink_sink_throttles_total                          throttling errors
//   dynasink_sink_unprocessed_items_total                  items returned as unprocessed
//   dynasink_sink_rejected_changes_total                   changes stored in the error table
//   dynasink_sink_changes_accepted_total                   changes accepted by Write()
//   dynasink_sink_changes_superseded_total                 changes replaced before sending
//   dynasink_sink_in_flight_calls                          calls in flight now
//   dynasink_sink_concurrency_limit                        adaptive limit on calls in flight
//   dynasink_sink_buffered_changes / _buffered_bytes       accepted, not yet done
//   dynasink_sink_acked_seq                                the watermark (AckedThrough)
//   dynasink_sink_lag_changes / dynasink_sink_lag_seconds  set by the runtime
//   dynasink_sink_call_duration_seconds                    histogram of call latency
//
// The series are registered on construction and removed on destruction (metrics.h explains why a
// re-created sink of the same name is safe).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/metrics.h"

namespace dynasink::connector {

class SinkMetrics {
 public:
  SinkMetrics(metrics::Registry& registry, std::string_view sink_name);
  ~SinkMetrics();
  SinkMetrics(const SinkMetrics&) = delete;
  SinkMetrics& operator=(const SinkMetrics&) = delete;

  // The counter of failed calls for an error kind (e.g. "Throttling"), created on first use.
  metrics::Counter& call_errors(std::string_view kind);

  // Set by the runtime: changes committed but not yet acknowledged, and the age of the oldest.
  void SetLag(uint64_t changes, double seconds) {
    lag_changes->Set(static_cast<double>(changes));
    lag_seconds->Set(seconds);
  }

  std::shared_ptr<metrics::Counter> puts_written;
  std::shared_ptr<metrics::Counter> deletes_written;
  std::shared_ptr<metrics::Counter> batches;
  std::shared_ptr<metrics::Counter> retries;
  std::shared_ptr<metrics::Counter> throttles;
  std::shared_ptr<metrics::Counter> unprocessed_items;
  std::shared_ptr<metrics::Counter> rejected_changes;
  std::shared_ptr<metrics::Counter> changes_accepted;
  std::shared_ptr<metrics::Counter> changes_superseded;
  std::shared_ptr<metrics::Gauge> in_flight_calls;
  std::shared_ptr<metrics::Gauge> concurrency_limit;
  std::shared_ptr<metrics::Gauge> buffered_changes;
  std::shared_ptr<metrics::Gauge> buffered_bytes;
  std::shared_ptr<metrics::Gauge> acked_seq;
  std::shared_ptr<metrics::Gauge> lag_changes;
  std::shared_ptr<metrics::Gauge> lag_seconds;
  std::shared_ptr<metrics::Histogram> call_duration;

 private:
  metrics::Registry& registry_;
  std::string sink_name_;
  std::mutex mu_;  // guards call_errors_
  std::map<std::string, std::shared_ptr<metrics::Counter>, std::less<>> call_errors_;
};

}  // namespace dynasink::connector
