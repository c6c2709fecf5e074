// AckLedger: turns out-of-order completions into the in-order watermark of sink.h.
//
// Every accepted change takes a ticket, in the order Write() accepted it, together with its seq.
// Changes finish in any order (different keys complete on different calls; a superseded change
// is done when it is replaced); MarkDone(ticket) records that. The watermark is the highest seq S
// such that every change with seq <= S is done: the front of the ledger advances over finished
// tickets, and S is one below the seq of the first unfinished one (several changes may share a
// seq, and S must not pass any of them), or the highest seq taken when none is unfinished.
//
// A ring buffer of (seq, done) pairs indexed by ticket: O(1) per change, no allocation once it has
// grown to the number of changes in the sink's buffer. Not thread-safe: the sink's worker owns it.
#pragma once

#include <cstdint>
#include <vector>

namespace dynasink::connector {

class AckLedger {
 public:
  // `start` is the watermark before anything is taken (the runtime's durable cursor).
  explicit AckLedger(uint64_t start = 0) : watermark_(start), highest_seq_(start) {}

  // Takes the next ticket for a change with `seq` (non-decreasing across calls, > start).
  uint64_t Take(uint64_t seq);
  // Marks the change with `ticket` done. Idempotent.
  void MarkDone(uint64_t ticket);
  // Moves the front past finished changes; true when the watermark rose.
  bool Advance();

  uint64_t watermark() const { return watermark_; }
  uint64_t highest_seq() const { return highest_seq_; }
  // Tickets taken and not yet passed by the front (finished or not).
  uint64_t outstanding() const { return next_ - head_; }

 private:
  void Grow();

  std::vector<uint64_t> seqs_;
  std::vector<uint8_t> done_;
  uint64_t mask_ = 0;  // capacity - 1; capacity is a power of two (0 before the first Take)
  uint64_t head_ = 0;  // first ticket not yet passed
  uint64_t next_ = 0;  // next ticket to hand out
  uint64_t watermark_;
  uint64_t highest_seq_;
};

}  // namespace dynasink::connector
