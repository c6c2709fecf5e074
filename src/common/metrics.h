// Metrics: counters, gauges and histograms with labels, rendered in the Prometheus text format
// (version 0.0.4), which `dynasink serve --metrics ADDR` exposes.
//
//   metrics::Registry& r = metrics::Registry::Default();
//   auto puts = r.AddCounter("dynasink_sink_items_written_total", "Items DynamoDB acknowledged.",
//                            {{"sink", "s1"}, {"op", "put"}});
//   puts->Increment();                       // lock-free: one relaxed atomic add
//   std::string page = r.RenderPrometheus();
//
// Series are shared_ptrs: the registry holds one to render it, the owner (a sink) holds one to
// update it. Updating is lock-free and never touches the registry; registering, removing and
// rendering take the registry's mutex and are for set-up, tear-down and scrapes.
//
// Identity: registering a series whose name and labels equal a registered one replaces it in
// the registry (the previous holder keeps a working but no longer rendered object), and Remove()
// removes only the very object it is given. So a sink that is dropped and re-created under the
// same name never removes its successor's series, whatever the order of the two.
//
// Names must match [a-zA-Z_:][a-zA-Z0-9_:]* and label names [a-zA-Z_][a-zA-Z0-9_]*; a name
// registered with two different types (or a bad name) is a programming error: it is logged and
// the series returned is detached (it works, but is never rendered).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dynasink::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

// A value that only goes up (resets only when its owner is re-created).
class Counter {
 public:
  void Increment(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double d) { value_.fetch_add(d, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into buckets with fixed upper bounds (plus +Inf), with their sum.
class Histogram {
 public:
  // `bounds` ascending; unsorted or duplicate bounds are sorted and deduplicated.
  explicit Histogram(std::vector<double> bounds);

  void Observe(double value);

  const std::vector<double>& bounds() const { return bounds_; }
  // Observations in bucket i alone (not cumulative); i == bounds().size() is the +Inf bucket.
  uint64_t bucket_count(size_t i) const { return counts_[i].load(std::memory_order_relaxed); }
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // bounds_.size() + 1
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// A series whose value is read at each scrape, for figures another component already keeps (the
// storage's commit statistics): nothing is copied on that component's hot path. `read` runs
// under the registry's mutex, so it must be cheap, thread-safe, and must not use the registry;
// the owner Remove()s the series before whatever `read` reads goes away.
class ReadAtScrape {
 public:
  explicit ReadAtScrape(std::function<double()> read) : read_(std::move(read)) {}
  double value() const { return read_(); }

 private:
  std::function<double()> read_;
};

// Bucket bounds for call latencies in seconds: 1 ms .. 30 s, roughly x2.5 apart.
std::vector<double> LatencyBuckets();

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The process-wide registry the server exposes.
  static Registry& Default();

  std::shared_ptr<Counter> AddCounter(std::string_view name, std::string_view help, Labels labels);
  std::shared_ptr<Gauge> AddGauge(std::string_view name, std::string_view help, Labels labels);
  std::shared_ptr<Histogram> AddHistogram(std::string_view name, std::string_view help,
                                          Labels labels, std::vector<double> bounds);

  // A counter (its source only goes up) or a gauge whose value `read` gives at each scrape.
  std::shared_ptr<ReadAtScrape> AddCounterFunc(std::string_view name, std::string_view help,
                                               Labels labels, std::function<double()> read);
  std::shared_ptr<ReadAtScrape> AddGaugeFunc(std::string_view name, std::string_view help,
                                             Labels labels, std::function<double()> read);

  // Stops rendering `series` (a pointer returned by Add*), if it is still registered.
  void Remove(const void* series);

  // Every registered series, families sorted by name and series by labels:
  //   # HELP name help
  //   # TYPE name counter|gauge|histogram
  //   name{label="value",...} 42
  // Histograms give name_bucket{...,le="0.005"} (cumulative), name_sum and name_count.
  std::string RenderPrometheus() const;

  // Number of registered series (for tests).
  size_t size() const;

 private:
  enum class Type : uint8_t { kCounter, kGauge, kHistogram };
  struct Series {
    std::string label_text;  // rendered `{a="b",...}`, or empty without labels
    std::shared_ptr<void> metric;
    bool read_at_scrape = false;  // metric is a ReadAtScrape, whatever the family's type
  };
  struct Family {
    Type type;
    std::string help;
    std::map<std::string, Series> series;  // by label_text
  };

  // Registers `metric` under name and labels; false (and logs) when the name, a label name, or
  // the family's type does not fit.
  bool Register(std::string_view name, std::string_view help, Type type, const Labels& labels,
                std::shared_ptr<void> metric, bool read_at_scrape = false);

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;
};

// Helpers for the text format, exposed for tests.
bool IsValidMetricName(std::string_view name);
bool IsValidLabelName(std::string_view name);
// Escapes a label value: backslash, double quote and newline.
std::string EscapeLabelValue(std::string_view value);
// A sample value: integers without a fraction, "+Inf", "-Inf", "NaN", otherwise the shortest
// text that reads back as the same double.
std::string FormatSampleValue(double value);

}  // namespace dynasink::metrics
