#include "connector/sink_metrics.h"

namespace dynasink::connector {

SinkMetrics::SinkMetrics(metrics::Registry& registry, std::string_view sink_name)
    : registry_(registry), sink_name_(sink_name) {
  auto labels = [&](std::initializer_list<std::pair<std::string, std::string>> extra = {}) {
    metrics::Labels l{{"sink", sink_name_}};
    l.insert(l.end(), extra.begin(), extra.end());
    return l;
  };
  constexpr std::string_view kItems = "dynasink_sink_items_written_total";
  constexpr std::string_view kItemsHelp = "Items the destination acknowledged, by operation.";
  puts_written = registry_.AddCounter(kItems, kItemsHelp, labels({{"op", "put"}}));
  deletes_written = registry_.AddCounter(kItems, kItemsHelp, labels({{"op", "delete"}}));
  batches = registry_.AddCounter("dynasink_sink_batches_total",
                                 "Write calls (BatchWriteItem) that succeeded.", labels());
  retries = registry_.AddCounter("dynasink_sink_retries_total",
                                 "Write calls re-sent after an error or with unprocessed items.",
                                 labels());
  throttles = registry_.AddCounter("dynasink_sink_throttles_total",
                                   "Throttling errors returned by the destination.", labels());
  unprocessed_items = registry_.AddCounter("dynasink_sink_unprocessed_items_total",
                                           "Items returned as UnprocessedItems.", labels());
  rejected_changes = registry_.AddCounter(
      "dynasink_sink_rejected_changes_total",
      "Changes the destination cannot accept, stored in the error table.", labels());
  changes_accepted = registry_.AddCounter("dynasink_sink_changes_accepted_total",
                                          "Changes accepted from the runtime.", labels());
  changes_superseded = registry_.AddCounter(
      "dynasink_sink_changes_superseded_total",
      "Changes replaced by a later change to the same key before being sent.", labels());
  in_flight_calls =
      registry_.AddGauge("dynasink_sink_in_flight_calls", "Write calls in flight.", labels());
  concurrency_limit = registry_.AddGauge("dynasink_sink_concurrency_limit",
                                         "Adaptive limit on write calls in flight.", labels());
  buffered_changes = registry_.AddGauge("dynasink_sink_buffered_changes",
                                        "Changes accepted and not yet done.", labels());
  buffered_bytes =
      registry_.AddGauge("dynasink_sink_buffered_bytes",
                         "Bytes held for changes accepted and not yet done.", labels());
  acked_seq = registry_.AddGauge("dynasink_sink_acked_seq",
                                 "Sequence number through which every change is done.", labels());
  lag_changes = registry_.AddGauge("dynasink_sink_lag_changes",
                                   "Changes committed and not yet acknowledged.", labels());
  lag_seconds = registry_.AddGauge("dynasink_sink_lag_seconds",
                                   "Age of the oldest change not yet acknowledged.", labels());
  call_duration = registry_.AddHistogram("dynasink_sink_call_duration_seconds",
                                         "Latency of write calls, from send to response.", labels(),
                                         metrics::LatencyBuckets());
}

SinkMetrics::~SinkMetrics() {
  for (const void* p :
       {static_cast<const void*>(puts_written.get()),
        static_cast<const void*>(deletes_written.get()), static_cast<const void*>(batches.get()),
        static_cast<const void*>(retries.get()), static_cast<const void*>(throttles.get()),
        static_cast<const void*>(unprocessed_items.get()),
        static_cast<const void*>(rejected_changes.get()),
        static_cast<const void*>(changes_accepted.get()),
        static_cast<const void*>(changes_superseded.get()),
        static_cast<const void*>(in_flight_calls.get()),
        static_cast<const void*>(concurrency_limit.get()),
        static_cast<const void*>(buffered_changes.get()),
        static_cast<const void*>(buffered_bytes.get()), static_cast<const void*>(acked_seq.get()),
        static_cast<const void*>(lag_changes.get()), static_cast<const void*>(lag_seconds.get()),
        static_cast<const void*>(call_duration.get())}) {
    registry_.Remove(p);
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [kind, counter] : call_errors_)
    registry_.Remove(counter.get());
}

metrics::Counter& SinkMetrics::call_errors(std::string_view kind) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = call_errors_.find(kind);
  if (it == call_errors_.end()) {
    auto counter = registry_.AddCounter("dynasink_sink_call_errors_total",
                                        "Failed write calls, by error kind.",
                                        {{"sink", sink_name_}, {"error", std::string(kind)}});
    it = call_errors_.emplace(std::string(kind), std::move(counter)).first;
  }
  return *it->second;
}

}  // namespace dynasink::connector
