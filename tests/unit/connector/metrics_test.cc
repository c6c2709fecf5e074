// The metrics registry (src/common/metrics.h): registration, the Prometheus text format, label
// escaping, histograms, identity on re-registration, and lock-free updates from many threads.
#include "common/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace dynasink::metrics {
namespace {

TEST(MetricsTest, RendersCountersAndGaugesWithHelpAndType) {
  Registry r;
  auto c = r.AddCounter("x_total", "Things counted.", {{"sink", "s1"}});
  auto g = r.AddGauge("y", "A level.", {});
  c->Increment();
  c->Increment(41);
  g->Set(2.5);
  EXPECT_EQ(r.RenderPrometheus(),
            "# HELP x_total Things counted.\n"
            "# TYPE x_total counter\n"
            "x_total{sink=\"s1\"} 42\n"
            "# HELP y A level.\n"
            "# TYPE y gauge\n"
            "y 2.5\n");
}

TEST(MetricsTest, ReadAtScrapeSeriesShowTheValueOfEachScrape) {
  Registry r;
  uint64_t commits = 3;
  double level = 0.5;
  auto c = r.AddCounterFunc("c_total", "Read.", {{"db", "a"}}, [&] { return commits; });
  auto g = r.AddGaugeFunc("g", "Level.", {}, [&] { return level; });
  const std::string first = r.RenderPrometheus();
  EXPECT_EQ(first,
            "# HELP c_total Read.\n"
            "# TYPE c_total counter\n"
            "c_total{db=\"a\"} 3\n"
            "# HELP g Level.\n"
            "# TYPE g gauge\n"
            "g 0.5\n");
  commits = 1234567890123;
  level = -2;
  EXPECT_NE(r.RenderPrometheus().find("c_total{db=\"a\"} 1234567890123\n"), std::string::npos);
  EXPECT_NE(r.RenderPrometheus().find("g -2\n"), std::string::npos);
  // Removed, the function is never called again (its source may be gone).
  r.Remove(c.get());
  commits = 7;
  EXPECT_EQ(r.RenderPrometheus().find("c_total"), std::string::npos);
  r.Remove(g.get());
  EXPECT_EQ(r.size(), 0u);
}

TEST(MetricsTest, LabelsAreSortedAndEscaped) {
  Registry r;
  auto c = r.AddCounter("a_total", "h", {{"z", "1"}, {"b", "q\"u\\o\nte"}});
  c->Increment(3);
  EXPECT_EQ(r.RenderPrometheus(),
            "# HELP a_total h\n# TYPE a_total counter\n"
            "a_total{b=\"q\\\"u\\\\o\\nte\",z=\"1\"} 3\n");
}

TEST(MetricsTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Registry r;
  auto h = r.AddHistogram("lat_seconds", "Latency.", {{"sink", "s"}}, {0.5, 0.125, 2, 0.5});
  h->Observe(0.0625);
  h->Observe(0.125);  // le is inclusive
  h->Observe(1);
  h->Observe(8);
  EXPECT_EQ(h->count(), 4u);
  EXPECT_EQ(h->bounds().size(), 3u);  // sorted, duplicates dropped
  EXPECT_EQ(r.RenderPrometheus(),
            "# HELP lat_seconds Latency.\n# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{sink=\"s\",le=\"0.125\"} 2\n"
            "lat_seconds_bucket{sink=\"s\",le=\"0.5\"} 2\n"
            "lat_seconds_bucket{sink=\"s\",le=\"2\"} 3\n"
            "lat_seconds_bucket{sink=\"s\",le=\"+Inf\"} 4\n"
            "lat_seconds_sum{sink=\"s\"} 9.1875\n"
            "lat_seconds_count{sink=\"s\"} 4\n");
}

TEST(MetricsTest, SampleValues) {
  EXPECT_EQ(FormatSampleValue(3), "3");
  EXPECT_EQ(FormatSampleValue(-0.25), "-0.25");
  EXPECT_EQ(FormatSampleValue(1.0 / 0.0), "+Inf");
  EXPECT_EQ(FormatSampleValue(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(FormatSampleValue(0.0 / 0.0), "NaN");
  EXPECT_EQ(FormatSampleValue(1e20), "1e+20");
}

TEST(MetricsTest, ReRegistrationReplacesAndRemoveIsByIdentity) {
  Registry r;
  auto old_series = r.AddCounter("c_total", "h", {{"sink", "s"}});
  auto new_series = r.AddCounter("c_total", "h", {{"sink", "s"}});
  new_series->Increment(5);
  old_series->Increment(100);  // still works, no longer rendered
  EXPECT_EQ(r.size(), 1u);
  EXPECT_NE(r.RenderPrometheus().find("c_total{sink=\"s\"} 5\n"), std::string::npos);
  // The old owner going away must not remove its successor.
  r.Remove(old_series.get());
  EXPECT_EQ(r.size(), 1u);
  r.Remove(new_series.get());
  EXPECT_EQ(r.size(), 0u);
  EXPECT_EQ(r.RenderPrometheus(), "");  // an empty family loses its HELP and TYPE too
}

TEST(MetricsTest, BadNamesAndTypeConflictsAreDetached) {
  Registry r;
  auto bad = r.AddCounter("9lives", "h", {});
  auto bad_label = r.AddCounter("ok_total", "h", {{"le", "1"}});
  auto gauge = r.AddGauge("dual", "h", {});
  auto counter = r.AddCounter("dual", "h", {{"x", "y"}});
  bad->Increment();  // usable, just not rendered
  counter->Increment();
  EXPECT_EQ(r.size(), 1u);  // only the gauge
  EXPECT_TRUE(IsValidMetricName("dynasink_sink:rate_total"));
  EXPECT_FALSE(IsValidLabelName("a:b"));
}

TEST(MetricsTest, ConcurrentIncrementsAreExact) {
  Registry r;
  auto c = r.AddCounter("n_total", "h", {});
  auto g = r.AddGauge("g", "h", {});
  auto h = r.AddHistogram("h_seconds", "h", {}, LatencyBuckets());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100000; ++i) {
        c->Increment();
        g->Add(1);
        h->Observe(0.003);
      }
    });
  }
  // Scrapes while the counters move must neither crash nor tear.
  for (int i = 0; i < 20; ++i)
    EXPECT_FALSE(r.RenderPrometheus().empty());
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(c->value(), 400000u);
  EXPECT_DOUBLE_EQ(g->value(), 400000);
  EXPECT_EQ(h->count(), 400000u);
  EXPECT_EQ(h->bucket_count(2), 400000u);  // 0.003 falls in le=0.005
}

}  // namespace
}  // namespace dynasink::metrics
