// DynamoDbSink: the Sink (connector/sink.h) that writes to a DynamoDB table.
//
// Threads:
//   - the runtime's thread calls Write(): it encodes each change straight into its BatchWriteItem
//     JSON (encoder.h) and hands the encoded changes to the worker in chunks;
//   - one worker thread per sink runs the Writer (writer.h): dedup, batching, the calls, retries,
//     the watermark, the rejection handler;
//   - the HTTP client's I/O thread completes calls and queues them for the worker.
// Encoding on the runtime's thread and batching/signing on the worker spreads the work over two
// cores, and neither waits for the network.
//
// Memory: accepted and unfinished changes are charged (buffer plus bookkeeping) against
// SinkContext::buffer_bytes; Write() blocks while the charge is at the limit. Encoded changes are
// recycled through a free list, so a steady stream allocates almost nothing.
//
// Create a sink with DynamoDbConnector (connector.h, name "dynamodb"), or directly:
//   DS_ASSIGN_OR_RETURN(auto opts, ParseDynamoDbOptions(with_options, &notices));
//   DS_ASSIGN_OR_RETURN(auto sink, OpenDynamoDbSink(opts, std::move(context)));
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "connector/connector.h"
#include "connector/dynamodb/batch_client.h"
#include "connector/dynamodb/encoder.h"
#include "connector/dynamodb/options.h"
#include "connector/dynamodb/writer.h"
#include "connector/sink.h"
#include "connector/sink_metrics.h"

namespace dynasink::connector::dynamodb {

class DynamoDbSink final : public Sink {
 public:
  // Starts a sink over `client` (the real one, or a fake in tests). `encoder` must match the
  // context's schema. The worker starts at once.
  static std::unique_ptr<DynamoDbSink> Start(SinkContext context, WriterConfig config,
                                             std::unique_ptr<ItemEncoder> encoder,
                                             std::unique_ptr<BatchWriteClient> client);
  ~DynamoDbSink() override;

  Result<size_t> Write(std::span<const SinkChange> changes, Deadline deadline) override;
  uint64_t AckedThrough() const override { return acked_.load(std::memory_order_acquire); }
  Status WaitAcked(uint64_t seq, Deadline deadline) override;
  Status Flush(Deadline deadline) override;
  void Pause(std::string reason) override;
  Status Resume(ResumeAction action) override;
  void Close() override;
  SinkStatus GetStatus() const override;
  SinkMetrics& metrics() override { return *metrics_; }

 private:
  // A control request for the worker.
  struct Control {
    enum class Kind { kPause, kResume } kind;
    ResumeAction action = ResumeAction::kRetry;
    std::string reason;
  };

  DynamoDbSink(SinkContext context, WriterConfig config, std::unique_ptr<ItemEncoder> encoder,
               std::unique_ptr<BatchWriteClient> client);
  void Run();
  // Moves the changes encoded by Write() into the worker's inbox. Requires !mu_.
  void Publish(std::vector<EncodedChange*>* changes, size_t bytes);
  EncodedChange* TakeChange();
  void RecycleChange(EncodedChange* change);  // worker side
  Status WaitAckedLocked(std::unique_lock<std::mutex>& lock, uint64_t seq, Deadline deadline);
  void PublishStatusLocked(const WriterStats& stats, uint64_t watermark);
  // Queues a control for the worker and waits until it is applied.
  void RunControl(Control control);

  SinkContext context_;
  std::unique_ptr<SinkMetrics> metrics_;
  std::unique_ptr<ItemEncoder> encoder_;
  std::unique_ptr<BatchWriteClient> client_;
  std::unique_ptr<Writer> writer_;  // touched only by the worker (and by Close() after it ends)
  // Worker side: changes freed in this loop, handed to recycled_ once per loop.
  std::vector<EncodedChange*> recycled_pending_;
  // Worker side: the charge for bookkeeping no change's own charge covers: ledger tickets whose
  // changes are finished but not yet passed by the watermark, and the key index's table.
  size_t bookkeeping_charge_ = 0;
  const size_t budget_;

  // Write() side, single caller.
  std::vector<EncodedChange*> write_free_;   // recycled changes for the next encodes
  std::vector<EncodedChange*> write_chunk_;  // encoded, not yet published
  uint64_t last_seq_written_;

  std::atomic<uint64_t> acked_;
  std::atomic<size_t> buffered_bytes_{0};  // charges of published changes plus the ledger
  std::atomic<bool> closed_{false};

  mutable std::mutex mu_;
  std::condition_variable work_cv_;   // the worker waits for work
  std::condition_variable space_cv_;  // Write() waits for buffer space
  std::condition_variable ack_cv_;    // WaitAcked() waits for the watermark
  // Guarded by mu_:
  std::vector<std::pair<EncodedChange*, bool>> inbox_;  // (change, skip)
  std::vector<CallOutcome> outcomes_;
  std::vector<Control> controls_;
  std::vector<EncodedChange*> recycled_;  // from the worker, for Write()
  uint64_t written_through_ = 0;          // highest seq published
  uint64_t controls_requested_ = 0;       // Pause()/Resume() calls so far
  uint64_t controls_done_ = 0;            // of those, applied by the worker
  SinkStatus status_;
  bool stop_ = false;

  std::thread worker_;
};

// Parses nothing: opens a sink for already parsed options. With context.validate it first checks
// the table (validator.h). Creates the DynamoDB client (credentials, region, endpoint).
Result<std::unique_ptr<Sink>> OpenDynamoDbSink(const DynamoDbSinkOptions& options,
                                               SinkContext context);

}  // namespace dynasink::connector::dynamodb
