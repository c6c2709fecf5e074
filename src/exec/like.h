// LIKE and ILIKE pattern matching with PostgreSQL's rules: `%` matches any sequence, `_` one
// character (a UTF-8 code point), the escape character (default backslash) makes the next
// character literal, and a pattern ending in the escape character is an error (22025).
//
// A pattern is compiled once (for a constant pattern, once per statement) into segments, so
// matching a row is a linear scan without allocation in the common cases.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace dynasink::exec {

class LikePattern {
 public:
  // `escape`: nullopt for the default backslash; an empty string disables escaping.
  static Result<LikePattern> Compile(std::string_view pattern, bool case_insensitive,
                                     std::optional<std::string_view> escape = std::nullopt);

  bool Matches(std::string_view text) const;

 private:
  enum class Op : uint8_t { kLiteral, kAnyChar, kAnySequence };
  struct Piece {
    Op op;
    std::string literal;  // kLiteral (lower-cased for ILIKE)
  };
  bool MatchFrom(size_t piece, std::string_view text) const;

  std::vector<Piece> pieces_;
  bool case_insensitive_ = false;
};

// Lower-cases ASCII letters and, for the common two-byte UTF-8 letters (Latin-1 supplement,
// Latin Extended-A, Greek, Cyrillic), their lower-case forms: what ILIKE and lower() need for
// the languages users type most. Other code points are kept.
std::string FoldCase(std::string_view text, bool to_upper = false);

}  // namespace dynasink::exec
