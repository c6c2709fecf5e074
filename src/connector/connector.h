// SinkConnector: one kind of destination (DynamoDB today). The runtime finds a connector by the
// `connector` option and goes through it for everything connector-specific, so a new connector
// is one class registered in connector.cc and nothing in the runtime changes.
//
// CREATE SINK, in order:
//   1. ParseSinkOptions(with, format_encode, source)          sink_options.h: generic options,
//      which calls connector->CheckOptions() for the rest      unknown names, bounds, no I/O
//   2. connector->CheckSchema(options, schema)                 columns named by options exist
//   3. connector->Open(options, context with validate = true)  checks the destination (I/O),
//                                                              then starts the sink
// After a restart the runtime calls Open() with validate = false: the sink starts even when the
// destination is unreachable, and reports "retrying" until it can deliver.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/metrics.h"
#include "common/result.h"
#include "connector/sink.h"
#include "connector/sink_options.h"
#include "types/data_type.h"

namespace dynasink::connector {

// The sink's columns: the table's, or the sink query's output (aliases are the names).
struct SinkSchema {
  std::vector<std::string> names;
  std::vector<types::DataType> types;

  // The index of the column named `name` (exact match), or -1.
  int Find(std::string_view name) const;
};

// Everything a sink needs from the runtime to run.
struct SinkContext {
  std::string sink_name;
  SinkSchema schema;
  GenericSinkOptions options;
  // The durable cursor: every change up to it is done; the first change written is after it.
  uint64_t resume_after = 0;
  RejectionHandler on_rejection;              // required (sink.h, "Rejection")
  std::function<void(uint64_t)> on_progress;  // optional: called with the new watermark
  metrics::Registry* metrics = nullptr;       // null: metrics::Registry::Default()
  // Bound on the bytes of accepted, not yet acknowledged changes (sink.h, "Backpressure").
  size_t buffer_bytes = size_t{32} << 20;
  // Check the destination before starting (CREATE SINK); false to start regardless (restart).
  bool validate = true;
};

class SinkConnector {
 public:
  virtual ~SinkConnector() = default;

  // The value of the `connector` option, lower case.
  virtual std::string_view name() const = 0;
  // Every option name the connector accepts, aliases included (for suggestions).
  virtual std::vector<std::string_view> option_names() const = 0;
  virtual bool IsSecretOption(std::string_view option) const = 0;
  // Options that only tune delivery (batch sizes, concurrency, retries), never what is written
  // or where: ALTER SINK ... SET may change them, and the sink restarts from its cursor.
  virtual std::vector<std::string_view> tunable_options() const { return {}; }
  // Options that name the credentials the sink signs with (their main names): ALTER SINK ...
  // SET may change them, to rotate keys without a new backfill. The new credentials are checked
  // against the destination (as at CREATE) before anything changes; the sink then restarts from
  // its cursor.
  virtual std::vector<std::string_view> credential_options() const { return {}; }
  // The main name of `option` when it is one of its aliases (e.g. access_key for
  // aws.credentials.access_key_id); `option` itself otherwise.
  virtual std::string_view MainOptionName(std::string_view option) const { return option; }

  // Checks the connector's options (their names are known ones): values, bounds, aliases given
  // twice, required options. No I/O. May append notices (deprecated options).
  virtual Status CheckOptions(const SinkOptionList& options,
                              std::vector<std::string>* notices) const = 0;
  // Checks the options against the sink's columns. No I/O.
  virtual Status CheckSchema(const SinkOptionList& options, const SinkSchema& schema) const = 0;
  // The sink columns that form the destination's key (indexes into `schema`, in key order):
  // the runtime compares them to the upstream key to decide whether several upstream rows can
  // map to one destination item. Errors as CheckSchema.
  virtual Result<std::vector<int>> KeyColumns(const SinkOptionList& options,
                                              const SinkSchema& schema) const = 0;
  // Validates the destination when context.validate, then starts a sink.
  virtual Result<std::unique_ptr<Sink>> Open(const SinkOptionList& options,
                                             SinkContext context) const = 0;
};

// The connector named `name` (case-insensitive), or null.
const SinkConnector* FindSinkConnector(std::string_view name);
// Every connector's name, sorted.
std::vector<std::string_view> SinkConnectorNames();

}  // namespace dynasink::connector
