#include "sql/token.h"

#include <array>
#include <cstdint>

namespace dynasink::sql {

namespace {

struct KeywordInfo {
  std::string_view text;
  Keyword keyword;
  KeywordCategory category;
};

constexpr KeywordInfo kKeywordsInEnumOrder[] = {{"", Keyword::kNone, KeywordCategory::kUnreserved},
#define DS_SQL_KEYWORD_INFO_(name, text, category) {text, Keyword::name, KeywordCategory::category},
                                                DS_SQL_KEYWORDS(DS_SQL_KEYWORD_INFO_)
#undef DS_SQL_KEYWORD_INFO_
};
constexpr size_t kKeywordCount = sizeof(kKeywordsInEnumOrder) / sizeof(kKeywordsInEnumOrder[0]);

// Lookups run for every unquoted word the lexer sees, so they use an open-addressing hash table
// built once from the X-macro list (which may then stay in whatever order reads best).
constexpr size_t kHashSlots = 1024;  // a power of two, well above twice the keyword count
static_assert(kHashSlots > 2 * kKeywordCount);

size_t HashWord(std::string_view word) {
  uint32_t h = 2166136261u;  // FNV-1a
  for (char c : word) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return h & (kHashSlots - 1);
}

const std::array<Keyword, kHashSlots>& KeywordHashTable() {
  static const auto table = [] {
    std::array<Keyword, kHashSlots> slots{};  // Keyword::kNone marks an empty slot
    for (size_t i = 1; i < kKeywordCount; ++i) {
      size_t slot = HashWord(kKeywordsInEnumOrder[i].text);
      while (slots[slot] != Keyword::kNone)
        slot = (slot + 1) & (kHashSlots - 1);
      slots[slot] = kKeywordsInEnumOrder[i].keyword;
    }
    return slots;
  }();
  return table;
}

}  // namespace

Keyword LookupKeyword(std::string_view lower) {
  const auto& table = KeywordHashTable();
  for (size_t slot = HashWord(lower);; slot = (slot + 1) & (kHashSlots - 1)) {
    Keyword keyword = table[slot];
    if (keyword == Keyword::kNone) return Keyword::kNone;
    if (kKeywordsInEnumOrder[static_cast<size_t>(keyword)].text == lower) return keyword;
  }
}

std::string_view KeywordText(Keyword keyword) {
  auto index = static_cast<size_t>(keyword);
  return index < kKeywordCount ? kKeywordsInEnumOrder[index].text : std::string_view();
}

KeywordCategory KeywordCategoryOf(Keyword keyword) {
  auto index = static_cast<size_t>(keyword);
  return index < kKeywordCount ? kKeywordsInEnumOrder[index].category
                               : KeywordCategory::kUnreserved;
}

std::string_view TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEof:
      return "end of input";
    case TokenKind::kWord:
      return "identifier";
    case TokenKind::kQuotedIdent:
      return "quoted identifier";
    case TokenKind::kString:
      return "string literal";
    case TokenKind::kInteger:
      return "integer literal";
    case TokenKind::kDecimal:
      return "numeric literal";
    case TokenKind::kParam:
      return "parameter";
    case TokenKind::kLParen:
      return "\"(\"";
    case TokenKind::kRParen:
      return "\")\"";
    case TokenKind::kLBracket:
      return "\"[\"";
    case TokenKind::kRBracket:
      return "\"]\"";
    case TokenKind::kComma:
      return "\",\"";
    case TokenKind::kSemicolon:
      return "\";\"";
    case TokenKind::kDot:
      return "\".\"";
    case TokenKind::kColon:
      return "\":\"";
    case TokenKind::kDoubleColon:
      return "\"::\"";
    case TokenKind::kPlus:
      return "\"+\"";
    case TokenKind::kMinus:
      return "\"-\"";
    case TokenKind::kStar:
      return "\"*\"";
    case TokenKind::kSlash:
      return "\"/\"";
    case TokenKind::kPercent:
      return "\"%\"";
    case TokenKind::kCaret:
      return "\"^\"";
    case TokenKind::kEq:
      return "\"=\"";
    case TokenKind::kNotEq:
      return "\"<>\"";
    case TokenKind::kLt:
      return "\"<\"";
    case TokenKind::kGt:
      return "\">\"";
    case TokenKind::kLtEq:
      return "\"<=\"";
    case TokenKind::kGtEq:
      return "\">=\"";
    case TokenKind::kConcat:
      return "\"||\"";
    case TokenKind::kArrow:
      return "\"->\"";
    case TokenKind::kLongArrow:
      return "\"->>\"";
    case TokenKind::kAtGt:
      return "\"@>\"";
    case TokenKind::kLtAt:
      return "\"<@\"";
  }
  return "token";
}

}  // namespace dynasink::sql
