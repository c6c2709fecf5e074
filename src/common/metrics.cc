#include "common/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common/logging.h"

namespace dynasink::metrics {

namespace {

bool IsNameStart(char c, bool colon_ok) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon_ok && c == ':');
}
bool IsNameChar(char c, bool colon_ok) {
  return IsNameStart(c, colon_ok) || (c >= '0' && c <= '9');
}
bool IsValidName(std::string_view name, bool colon_ok) {
  if (name.empty() || !IsNameStart(name[0], colon_ok)) return false;
  return std::all_of(name.begin() + 1, name.end(),
                     [colon_ok](char c) { return IsNameChar(c, colon_ok); });
}

// `{a="x",b="y"}` with labels sorted by name, so that equal label sets give equal texts
// whatever the order the caller listed them in.
std::string LabelText(Labels labels) {
  if (labels.empty()) return {};
  std::sort(labels.begin(), labels.end());
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ',';
    out += labels[i].first;
    out += "=\"";
    out += EscapeLabelValue(labels[i].second);
    out += '"';
  }
  out += '}';
  return out;
}

// Help text escaping: backslash and newline (the format's rule for HELP lines).
std::string EscapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// `{a="x",le="0.5"}` from a series' label text and a bucket bound.
std::string WithLe(const std::string& label_text, std::string_view le) {
  if (label_text.empty()) return fmt::format("{{le=\"{}\"}}", le);
  return fmt::format("{},le=\"{}\"}}",
                     std::string_view(label_text).substr(0, label_text.size() - 1), le);
}

}  // namespace

bool IsValidMetricName(std::string_view name) {
  return IsValidName(name, true);
}
bool IsValidLabelName(std::string_view name) {
  return IsValidName(name, false);
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string FormatSampleValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::trunc(value) && std::fabs(value) < 1e15) {
    return fmt::format("{}", static_cast<int64_t>(value));
  }
  return fmt::format("{}", value);
}

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  counts_ = std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1);
  for (size_t i = 0; i <= bounds_.size(); ++i)
    counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double value) {
  // Prometheus buckets are "less than or equal": the first bound >= value.
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

std::vector<double> LatencyBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
}

Registry& Registry::Default() {
  static Registry* registry = new Registry();  // never destroyed: sinks may outlive statics
  return *registry;
}

bool Registry::Register(std::string_view name, std::string_view help, Type type,
                        const Labels& labels, std::shared_ptr<void> metric, bool read_at_scrape) {
  if (!IsValidMetricName(name)) {
    DS_LOG_ERROR("metrics", "invalid metric name '{}': series not registered", name);
    return false;
  }
  for (const auto& [label, value] : labels) {
    if (!IsValidLabelName(label) || label.starts_with("__") || label == "le") {
      DS_LOG_ERROR("metrics", "invalid label name '{}' on metric '{}': series not registered",
                   label, name);
      return false;
    }
  }
  std::string label_text = LabelText(labels);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{type, std::string(help), {}}).first;
  } else if (it->second.type != type) {
    DS_LOG_ERROR("metrics", "metric '{}' registered with two types: series not registered", name);
    return false;
  }
  it->second.series[label_text] = Series{label_text, std::move(metric), read_at_scrape};
  return true;
}

std::shared_ptr<Counter> Registry::AddCounter(std::string_view name, std::string_view help,
                                              Labels labels) {
  auto c = std::make_shared<Counter>();
  Register(name, help, Type::kCounter, labels, c);
  return c;
}

std::shared_ptr<Gauge> Registry::AddGauge(std::string_view name, std::string_view help,
                                          Labels labels) {
  auto g = std::make_shared<Gauge>();
  Register(name, help, Type::kGauge, labels, g);
  return g;
}

std::shared_ptr<Histogram> Registry::AddHistogram(std::string_view name, std::string_view help,
                                                  Labels labels, std::vector<double> bounds) {
  auto h = std::make_shared<Histogram>(std::move(bounds));
  Register(name, help, Type::kHistogram, labels, h);
  return h;
}

std::shared_ptr<ReadAtScrape> Registry::AddCounterFunc(std::string_view name, std::string_view help,
                                                       Labels labels,
                                                       std::function<double()> read) {
  auto f = std::make_shared<ReadAtScrape>(std::move(read));
  Register(name, help, Type::kCounter, labels, f, /*read_at_scrape=*/true);
  return f;
}

std::shared_ptr<ReadAtScrape> Registry::AddGaugeFunc(std::string_view name, std::string_view help,
                                                     Labels labels, std::function<double()> read) {
  auto f = std::make_shared<ReadAtScrape>(std::move(read));
  Register(name, help, Type::kGauge, labels, f, /*read_at_scrape=*/true);
  return f;
}

void Registry::Remove(const void* series) {
  if (series == nullptr) return;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto fit = families_.begin(); fit != families_.end();) {
    auto& map = fit->second.series;
    for (auto sit = map.begin(); sit != map.end();) {
      if (sit->second.metric.get() == series) {
        sit = map.erase(sit);
      } else {
        ++sit;
      }
    }
    // An empty family is dropped, so its HELP and TYPE lines go too.
    fit = map.empty() ? families_.erase(fit) : std::next(fit);
  }
}

size_t Registry::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& [name, family] : families_)
    n += family.series.size();
  return n;
}

std::string Registry::RenderPrometheus() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  out.reserve(4096);
  for (const auto& [name, family] : families_) {
    const char* type = family.type == Type::kCounter ? "counter"
                       : family.type == Type::kGauge ? "gauge"
                                                     : "histogram";
    fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name,
                   EscapeHelp(family.help), name, type);
    for (const auto& [label_text, series] : family.series) {
      if (series.read_at_scrape) {
        auto* f = static_cast<const ReadAtScrape*>(series.metric.get());
        fmt::format_to(std::back_inserter(out), "{}{} {}\n", name, label_text,
                       FormatSampleValue(f->value()));
        continue;
      }
      switch (family.type) {
        case Type::kCounter: {
          auto* c = static_cast<const Counter*>(series.metric.get());
          fmt::format_to(std::back_inserter(out), "{}{} {}\n", name, label_text, c->value());
          break;
        }
        case Type::kGauge: {
          auto* g = static_cast<const Gauge*>(series.metric.get());
          fmt::format_to(std::back_inserter(out), "{}{} {}\n", name, label_text,
                         FormatSampleValue(g->value()));
          break;
        }
        case Type::kHistogram: {
          auto* h = static_cast<const Histogram*>(series.metric.get());
          // Read the buckets once; the total is their sum so that +Inf equals _count even
          // while observations race with the scrape.
          uint64_t cumulative = 0;
          for (size_t i = 0; i < h->bounds().size(); ++i) {
            cumulative += h->bucket_count(i);
            fmt::format_to(std::back_inserter(out), "{}_bucket{} {}\n", name,
                           WithLe(label_text, FormatSampleValue(h->bounds()[i])), cumulative);
          }
          cumulative += h->bucket_count(h->bounds().size());
          fmt::format_to(std::back_inserter(out), "{}_bucket{} {}\n", name,
                         WithLe(label_text, "+Inf"), cumulative);
          fmt::format_to(std::back_inserter(out), "{}_sum{} {}\n{}_count{} {}\n", name, label_text,
                         FormatSampleValue(h->sum()), name, label_text, cumulative);
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace dynasink::metrics
