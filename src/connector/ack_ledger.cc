#include "connector/ack_ledger.h"

#include <algorithm>

namespace dynasink::connector {

uint64_t AckLedger::Take(uint64_t seq) {
  if (next_ - head_ == seqs_.size()) Grow();
  uint64_t ticket = next_++;
  seqs_[ticket & mask_] = seq;
  done_[ticket & mask_] = 0;
  highest_seq_ = std::max(highest_seq_, seq);
  return ticket;
}

void AckLedger::MarkDone(uint64_t ticket) {
  if (ticket < head_ || ticket >= next_) return;
  done_[ticket & mask_] = 1;
}

bool AckLedger::Advance() {
  while (head_ < next_ && done_[head_ & mask_])
    ++head_;
  uint64_t w = head_ < next_ ? seqs_[head_ & mask_] - 1 : highest_seq_;
  // Never below the start: the first change's seq is above it, so seq - 1 >= start anyway, but a
  // caller breaking that rule must not move the watermark backwards.
  if (w > watermark_) {
    watermark_ = w;
    return true;
  }
  return false;
}

void AckLedger::Grow() {
  size_t old_capacity = seqs_.size();
  size_t capacity = old_capacity == 0 ? 1024 : old_capacity * 2;
  std::vector<uint64_t> seqs(capacity);
  std::vector<uint8_t> done(capacity);
  for (uint64_t t = head_; t < next_; ++t) {
    seqs[t & (capacity - 1)] = seqs_[t & mask_];
    done[t & (capacity - 1)] = done_[t & mask_];
  }
  seqs_ = std::move(seqs);
  done_ = std::move(done);
  mask_ = capacity - 1;
}

}  // namespace dynasink::connector
