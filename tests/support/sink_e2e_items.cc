// Items of sink_e2e.h: reading a DynamoDB table back, what a query says it should hold, and the
// comparison. Numbers are compared in a normal form computed here, independently of the
// connector's own number code, so that a bug there cannot hide itself.
#include <fmt/format.h>

#include <cctype>

#include "support/sink_e2e.h"

namespace dynasink::test {
namespace {

std::string Hex(const std::string& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

Result<ItemsByKey> ByKey(std::vector<aws::Item> items, const std::string& table,
                         const std::vector<std::string>& key_attributes) {
  ItemsByKey out;
  for (aws::Item& item : items) {
    for (const std::string& k : key_attributes) {
      if (item.Find(k) == nullptr) {
        return Status::Corruption(fmt::format("an item of {} has no key attribute {}: {}", table, k,
                                              aws::ItemToJson(item)));
      }
    }
    std::string key = KeyText(item, key_attributes);
    if (!out.emplace(key, std::move(item)).second) {
      return Status::Corruption(fmt::format("two items of {} have the key {}", table, key));
    }
  }
  return out;
}

}  // namespace

std::string KeyText(const aws::Item& item, const std::vector<std::string>& key_attributes) {
  std::string out;
  for (size_t i = 0; i < key_attributes.size(); ++i) {
    if (i > 0) out += '|';
    const aws::AttributeValue* v = item.Find(key_attributes[i]);
    if (v == nullptr) {
      out += "<missing>";
    } else if (v->is_n()) {
      out += CanonicalNumber(v->scalar());
    } else if (v->is_b()) {
      out += Hex(v->scalar());
    } else if (v->is_s()) {
      out += v->scalar();
    } else {
      out += v->ToJson();
    }
  }
  return out;
}

Result<ItemsByKey> ScanWithCli(const std::string& endpoint, const std::string& table,
                               const std::vector<std::string>& key_attributes) {
  AwsCli cli(endpoint, kTestRegion);
  DS_ASSIGN_OR_RETURN(std::vector<aws::Item> items, cli.ScanItems(table));
  return ByKey(std::move(items), table, key_attributes);
}

Result<ItemsByKey> ScanWithClient(const std::string& endpoint, const std::string& table,
                                  const std::vector<std::string>& key_attributes) {
  DS_ASSIGN_OR_RETURN(auto client, MakeTestDynamoClient(endpoint));
  aws::ScanRequest scan;
  scan.table_name = table;
  auto all = client->ScanAll(scan);
  if (!all.ok()) return all.status().WithContext("Scan " + table);
  return ByKey(std::move(all.value().items), table, key_attributes);
}

Result<ItemsByKey> ItemsFromQuery(PgConnection& conn, std::string_view sql,
                                  const std::vector<AttrKind>& kinds,
                                  const std::vector<std::string>& key_attributes) {
  DS_ASSIGN_OR_RETURN(PgResult result, conn.Exec(sql));
  if (result.columns.size() != kinds.size()) {
    return Status::InvalidArgument(fmt::format("the query has {} columns, {} kinds given",
                                               result.columns.size(), kinds.size()));
  }
  std::vector<aws::Item> items;
  items.reserve(result.rows.size());
  for (const PgRow& row : result.rows) {
    aws::Item item;
    item.reserve(row.size());
    for (size_t c = 0; c < row.size(); ++c) {
      const std::string& name = result.columns[c];
      if (!row[c]) {
        item.Append(name, aws::AttributeValue::Null());
        continue;
      }
      switch (kinds[c]) {
        case AttrKind::kN:
          item.Append(name, aws::AttributeValue::N(*row[c]));
          break;
        case AttrKind::kS:
          item.Append(name, aws::AttributeValue::S(*row[c]));
          break;
        case AttrKind::kBool:
          item.Append(name, aws::AttributeValue::Bool(*row[c] == "t"));
          break;
      }
    }
    items.push_back(std::move(item));
  }
  return ByKey(std::move(items), "the query", key_attributes);
}

std::string CanonicalNumber(std::string_view text) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  std::string digits;
  int64_t point = -1;  // digits before the decimal point
  size_t mantissa_digits = 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digits += c;
      ++mantissa_digits;
    } else if (c == '.' && point < 0) {
      point = static_cast<int64_t>(digits.size());
    } else {
      break;
    }
  }
  if (mantissa_digits == 0) return std::string(text);
  if (point < 0) point = static_cast<int64_t>(digits.size());
  if (i < text.size()) {
    if (text[i] != 'e' && text[i] != 'E') return std::string(text);
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) exp_negative = text[i++] == '-';
    if (i == text.size()) return std::string(text);
    int64_t exponent = 0;
    for (; i < text.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(text[i])) || exponent > 100000) {
        return std::string(text);
      }
      exponent = exponent * 10 + (text[i] - '0');
    }
    point += exp_negative ? -exponent : exponent;
  }
  // Leading zeros move the point; trailing zeros after it are dropped.
  size_t lead = 0;
  while (lead < digits.size() && digits[lead] == '0')
    ++lead;
  if (lead == digits.size()) return "0";
  digits.erase(0, lead);
  point -= static_cast<int64_t>(lead);
  while (static_cast<int64_t>(digits.size()) > std::max<int64_t>(point, 0) &&
         digits.back() == '0') {
    digits.pop_back();
  }
  std::string out = negative ? "-" : "";
  int64_t n = static_cast<int64_t>(digits.size());
  if (point <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-point), '0');
    out += digits;
  } else if (point >= n) {
    out += digits;
    out.append(static_cast<size_t>(point - n), '0');
  } else {
    out += digits.substr(0, static_cast<size_t>(point));
    out += '.';
    out += digits.substr(static_cast<size_t>(point));
  }
  return out;
}

std::optional<std::string> ValueDifference(const aws::AttributeValue& want,
                                           const aws::AttributeValue& got,
                                           const std::string& path) {
  if (want.type() != got.type()) {
    return fmt::format("{}: {} {}, want {} {}", path, aws::TypeName(got.type()), got.ToJson(),
                       aws::TypeName(want.type()), want.ToJson());
  }
  if (want.is_n()) {
    if (CanonicalNumber(want.scalar()) != CanonicalNumber(got.scalar())) {
      return fmt::format("{}: N {}, want N {}", path, got.scalar(), want.scalar());
    }
    return std::nullopt;
  }
  if (want.is_m()) {
    for (const auto& [name, v] : want.map()) {
      const aws::AttributeValue* g = got.map().Find(name);
      if (g == nullptr) return fmt::format("{}.{}: missing, want {}", path, name, v.ToJson());
      if (auto d = ValueDifference(v, *g, path + "." + name)) return d;
    }
    for (const auto& [name, v] : got.map()) {
      if (want.map().Find(name) == nullptr) {
        return fmt::format("{}.{}: unexpected {}", path, name, v.ToJson());
      }
    }
    return std::nullopt;
  }
  if (want.is_l()) {
    if (want.list().size() != got.list().size()) {
      return fmt::format("{}: list of {}, want {}: {} vs {}", path, got.list().size(),
                         want.list().size(), got.ToJson(), want.ToJson());
    }
    for (size_t i = 0; i < want.list().size(); ++i) {
      if (auto d = ValueDifference(want.list()[i], got.list()[i], fmt::format("{}[{}]", path, i))) {
        return d;
      }
    }
    return std::nullopt;
  }
  if (!(want == got)) return fmt::format("{}: {}, want {}", path, got.ToJson(), want.ToJson());
  return std::nullopt;
}

std::string DiffItems(const ItemsByKey& want, const ItemsByKey& got, size_t max_lines) {
  std::vector<std::string> lines;
  size_t total = 0;
  auto add = [&](std::string line) {
    if (lines.size() < max_lines) lines.push_back(std::move(line));
    ++total;
  };
  for (const auto& [key, item] : want) {
    auto it = got.find(key);
    if (it == got.end()) {
      add(fmt::format("missing item {}: {}", key, aws::ItemToJson(item)));
      continue;
    }
    aws::AttributeValue w = aws::AttributeValue::M(item);
    aws::AttributeValue g = aws::AttributeValue::M(it->second);
    if (auto d = ValueDifference(w, g, "item " + key)) add(*d);
  }
  for (const auto& [key, item] : got) {
    if (!want.count(key)) add(fmt::format("unexpected item {}: {}", key, aws::ItemToJson(item)));
  }
  std::string out;
  for (const std::string& line : lines)
    out += line + "\n";
  if (total > lines.size())
    out += fmt::format("... and {} more differences\n", total - lines.size());
  if (total > 0) {
    out += fmt::format("({} items expected, {} found)\n", want.size(), got.size());
  }
  return out;
}

}  // namespace dynasink::test
