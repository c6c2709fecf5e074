// COPY ... FROM STDIN: CopyInResponse, then CopyData parsed into batches for the CopyInSink.
#include "common/logging.h"
#include "pgwire/connection.h"
#include "pgwire/copy_format.h"
#include "pgwire/server.h"

namespace dynasink::pgwire::internal {
namespace {
// A batch goes to the sink at this many bytes of field text even if it has few rows.
constexpr size_t kCopyBatchBytes = 4 << 20;
}  // namespace

Result<std::string> Connection::RunCopyIn(Execution& exec) {
  const ServerOptions& opts = server_->options();
  CopyInSink* sink = exec.copy_sink.get();
  if (!sink) return Status::Internal("COPY FROM STDIN without a sink");
  // The sink must learn about every way the COPY can end without Finish().
  struct AbortGuard {
    CopyInSink* sink;
    bool armed = true;
    ~AbortGuard() {
      if (armed) sink->Abort();
    }
  } guard{sink};

  DS_RETURN_IF_ERROR(exec.copy_options.Validate());
  const size_t ncols = exec.copy_columns.size();
  CopyParser parser(exec.copy_options, exec.copy_columns, exec.copy_relation);
  CopyBatch batch(ncols);

  MessageWriter& out = transport_.out();
  out.Begin('G');  // CopyInResponse
  out.Byte(0);     // text (the CSV format is text too)
  out.Int16(static_cast<int16_t>(ncols));
  for (size_t i = 0; i < ncols; ++i)
    out.Int16(0);
  out.End();
  DS_RETURN_IF_ERROR(Flush());

  auto limit = [&opts](char type) {
    return type == 'd' ? opts.max_message_bytes : opts.max_small_message_bytes;
  };
  auto write_batch = [&]() -> Status {
    if (batch.empty()) return Status::OK();
    Status s = sink->Write(batch);
    batch.Clear();
    return s;
  };
  while (true) {
    auto msg = transport_.ReadMessage(limit);
    if (!msg.ok()) {
      if (msg.status().sqlstate() == "08P01") Fatal(msg.status());
      dead_ = true;
      return msg.status();
    }
    if (cancel_pending()) return CancelledStatus();
    switch (msg->type) {
      case 'd': {  // CopyData
        DS_RETURN_IF_ERROR(parser.Feed(msg->body, &batch));
        if (batch.num_rows() >= opts.copy_batch_rows || batch.arena_bytes() >= kCopyBatchBytes) {
          DS_RETURN_IF_ERROR(write_batch());
        }
        break;
      }
      case 'c': {  // CopyDone
        DS_RETURN_IF_ERROR(parser.Finish(&batch));
        DS_RETURN_IF_ERROR(write_batch());
        if (cancel_pending()) return CancelledStatus();
        guard.armed = false;
        auto tag = sink->Finish();
        if (!tag.ok()) return tag.status();
        return *tag;
      }
      case 'f': {  // CopyFail
        MessageReader r(msg->body);
        auto reason = r.CString();
        return Status::Sql("57014", "COPY from stdin failed: " +
                                        std::string(reason.ok() ? *reason : "unknown reason"));
      }
      case 'H':  // Flush and Sync mean nothing during COPY
      case 'S':
        break;
      default:
        return Status::Sql("08P01",
                           "unexpected message type 0x" +
                               fmt::format("{:02X}", static_cast<unsigned char>(msg->type)) +
                               " during COPY from stdin");
    }
  }
}

}  // namespace dynasink::pgwire::internal
