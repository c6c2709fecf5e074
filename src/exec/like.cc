#include "exec/like.h"

#include <cstdint>

namespace dynasink::exec {

namespace {

// Length of the UTF-8 sequence starting with byte `c` (1 for invalid lead bytes, so that
// malformed text still advances).
size_t Utf8Length(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) return 2;
  if ((c & 0xF0) == 0xE0) return 3;
  if ((c & 0xF8) == 0xF0) return 4;
  return 1;
}

size_t CharLen(std::string_view s, size_t i) {
  size_t n = Utf8Length(static_cast<unsigned char>(s[i]));
  return i + n <= s.size() ? n : s.size() - i;
}

uint32_t LowerCodePoint(uint32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if (cp < 0x80) return cp;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 32;
  if (cp >= 0x100 && cp <= 0x137 && cp % 2 == 0) return cp + 1;
  if (cp >= 0x139 && cp <= 0x148 && cp % 2 == 1) return cp + 1;
  if (cp >= 0x14A && cp <= 0x177 && cp % 2 == 0) return cp + 1;
  if (cp == 0x178) return 0xFF;
  if (cp >= 0x179 && cp <= 0x17E && cp % 2 == 1) return cp + 1;
  if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) return cp + 32;
  if (cp >= 0x410 && cp <= 0x42F) return cp + 32;
  if (cp >= 0x400 && cp <= 0x40F) return cp + 80;
  return cp;
}

uint32_t UpperCodePoint(uint32_t cp) {
  if (cp >= 'a' && cp <= 'z') return cp - 32;
  if (cp < 0x80) return cp;
  if (cp >= 0xE0 && cp <= 0xFE && cp != 0xF7) return cp - 32;
  if (cp == 0xFF) return 0x178;
  if (cp >= 0x101 && cp <= 0x138 && cp % 2 == 1 && cp != 0x131) return cp - 1;
  if (cp >= 0x13A && cp <= 0x149 && cp % 2 == 0) return cp - 1;
  if (cp >= 0x14B && cp <= 0x178 && cp % 2 == 1) return cp - 1;
  if (cp >= 0x17A && cp <= 0x17F && cp % 2 == 0) return cp - 1;
  if (cp >= 0x3B1 && cp <= 0x3C9 && cp != 0x3C2) return cp - 32;
  if (cp >= 0x430 && cp <= 0x44F) return cp - 32;
  if (cp >= 0x450 && cp <= 0x45F) return cp - 80;
  return cp;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

std::string FoldCase(std::string_view text, bool to_upper) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (to_upper && c >= 'a' && c <= 'z') c = static_cast<unsigned char>(c - 32);
      if (!to_upper && c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c + 32);
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    size_t n = CharLen(text, i);
    // Only two-byte sequences have case pairs we map (all of them stay two bytes).
    if (n == 2 && (c & 0xE0) == 0xC0 && (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80) {
      uint32_t cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3Fu);
      uint32_t mapped = to_upper ? UpperCodePoint(cp) : LowerCodePoint(cp);
      AppendUtf8(mapped, &out);
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

Result<LikePattern> LikePattern::Compile(std::string_view pattern, bool case_insensitive,
                                         std::optional<std::string_view> escape) {
  std::string esc = escape.has_value() ? std::string(*escape) : std::string("\\");
  if (esc.size() > 1 && CharLen(esc, 0) != esc.size()) {
    return Status::Sql("22019", "invalid escape string\nHINT: Escape string must be empty or "
                                "one character.");
  }
  std::string text = case_insensitive ? FoldCase(pattern) : std::string(pattern);
  LikePattern p;
  p.case_insensitive_ = case_insensitive;
  auto literal = [&p]() -> std::string& {
    if (p.pieces_.empty() || p.pieces_.back().op != Op::kLiteral) {
      p.pieces_.push_back(Piece{Op::kLiteral, {}});
    }
    return p.pieces_.back().literal;
  };
  for (size_t i = 0; i < text.size();) {
    size_t n = CharLen(text, i);
    std::string_view ch(text.data() + i, n);
    if (!esc.empty() && ch == esc) {
      if (i + n >= text.size()) {
        return Status::Sql("22025", "LIKE pattern must not end with escape character");
      }
      size_t m = CharLen(text, i + n);
      literal().append(text, i + n, m);
      i += n + m;
      continue;
    }
    if (ch == "%") {
      // Consecutive %s are one.
      if (p.pieces_.empty() || p.pieces_.back().op != Op::kAnySequence) {
        p.pieces_.push_back(Piece{Op::kAnySequence, {}});
      }
    } else if (ch == "_") {
      p.pieces_.push_back(Piece{Op::kAnyChar, {}});
    } else {
      literal().append(ch);
    }
    i += n;
  }
  return p;
}

bool LikePattern::Matches(std::string_view text) const {
  if (case_insensitive_) {
    std::string folded = FoldCase(text);
    return MatchFrom(0, folded);
  }
  return MatchFrom(0, text);
}

bool LikePattern::MatchFrom(size_t piece, std::string_view text) const {
  for (size_t k = piece; k < pieces_.size(); ++k) {
    const Piece& p = pieces_[k];
    switch (p.op) {
      case Op::kLiteral:
        if (text.substr(0, p.literal.size()) != p.literal) return false;
        text.remove_prefix(p.literal.size());
        break;
      case Op::kAnyChar:
        if (text.empty()) return false;
        text.remove_prefix(CharLen(text, 0));
        break;
      case Op::kAnySequence: {
        if (k + 1 == pieces_.size()) return true;  // a trailing % matches the rest
        // The next piece is a literal or _: try each start position (at character
        // boundaries); a following literal lets us jump to its occurrences.
        const Piece& next = pieces_[k + 1];
        if (next.op == Op::kLiteral) {
          for (size_t pos = text.find(next.literal); pos != std::string_view::npos;
               pos = text.find(next.literal, pos + 1)) {
            if (MatchFrom(k + 1, text.substr(pos))) return true;
          }
          return false;
        }
        for (size_t i = 0; i <= text.size(); i += i < text.size() ? CharLen(text, i) : 1) {
          if (MatchFrom(k + 1, text.substr(i))) return true;
        }
        return false;
      }
    }
  }
  return text.empty();
}

}  // namespace dynasink::exec
